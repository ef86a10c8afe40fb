//! Random picks for AI.VRANDMEMBER, with SRANDMEMBER semantics. Redis-free.

use super::SetData;

impl SetData {
    /// SRANDMEMBER semantics for `count > 0`: that many distinct names (at
    /// most all of them). `seed` drives the picks. The work and memory are
    /// O(count), not O(set size), when count is small against the set.
    pub fn random_distinct(&self, count: usize, seed: u64) -> Vec<&[u8]> {
        let n = self.members.len();
        let want = count.min(n);
        if want == 0 {
            return Vec::new();
        }
        let mut rng = Rng(seed | 1);
        let positions: Vec<usize> = if want.saturating_mul(4) <= n {
            // Few picks from many: draw and skip repeats.
            let mut seen = std::collections::HashSet::with_capacity(want);
            let mut picks = Vec::with_capacity(want);
            while picks.len() < want {
                let p = rng.below(n);
                if seen.insert(p) {
                    picks.push(p);
                }
            }
            picks
        } else {
            // A partial Fisher-Yates over a copy of the positions.
            let mut picks: Vec<usize> = (0..n).collect();
            for i in 0..want {
                let j = i + rng.below(n - i);
                picks.swap(i, j);
            }
            picks.truncate(want);
            picks
        };
        positions
            .iter()
            .filter_map(|&p| self.elems.get(&self.members[p]).map(|e| &*e.name))
            .collect()
    }

    /// SRANDMEMBER semantics for a negative count: exactly `count` names
    /// (none for an empty set), with repeats, produced one at a time
    /// (nothing is sized by `count`).
    pub fn random_repeats(&self, count: usize, seed: u64) -> impl Iterator<Item = &[u8]> + '_ {
        let n = self.members.len();
        let mut rng = Rng(seed | 1);
        (0..if n == 0 { 0 } else { count }).map(move |_| {
            self.elems
                .get(&self.members[rng.below(n)])
                .map_or(&[][..], |e| &*e.name)
        })
    }
}

/// xorshift64, for random picks.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
