//! One term's record for one document: for each field it occurs in, the
//! field number and its positions, packed in one `[u32]` as
//! `field, count, pos…, field, count, pos…` (positions ascending).

/// The `(field, positions)` blocks of a record. Tolerates a malformed
/// record (it cannot be one, but reading never panics).
pub fn blocks(rec: &[u32]) -> impl Iterator<Item = (u16, &[u32])> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let field = *rec.get(i)?;
        let n = *rec.get(i + 1)? as usize;
        let start = i + 2;
        let end = start.saturating_add(n).min(rec.len());
        i = end;
        Some((field as u16, rec.get(start..end).unwrap_or_default()))
    })
}

/// The positions of `field` in a record (empty if it is not there).
pub fn positions(rec: &[u32], field: u16) -> &[u32] {
    blocks(rec)
        .find(|(f, _)| *f == field)
        .map_or(&[], |(_, p)| p)
}

/// A record with one block.
pub fn single(field: u16, pos: &[u32]) -> Box<[u32]> {
    let mut v = Vec::with_capacity(pos.len() + 2);
    v.push(u32::from(field));
    v.push(pos.len() as u32);
    v.extend_from_slice(pos);
    v.into_boxed_slice()
}

/// `rec` with `pos` added to `field`'s block (merged, sorted, deduplicated).
pub fn merge(rec: &[u32], field: u16, pos: &[u32]) -> Box<[u32]> {
    let mut v = Vec::with_capacity(rec.len() + pos.len() + 2);
    let mut done = false;
    for (f, p) in blocks(rec) {
        v.push(u32::from(f));
        if f == field && !done {
            let mut all: Vec<u32> = p.iter().chain(pos).copied().collect();
            all.sort_unstable();
            all.dedup();
            v.push(all.len() as u32);
            v.extend(all);
            done = true;
        } else {
            v.push(p.len() as u32);
            v.extend_from_slice(p);
        }
    }
    if !done {
        v.push(u32::from(field));
        v.push(pos.len() as u32);
        v.extend_from_slice(pos);
    }
    v.into_boxed_slice()
}

/// Whether some `p` in `first` has `p + i` in `lists[i]` for every i: the
/// words are adjacent, in order.
pub fn adjacent(lists: &[Vec<u32>]) -> bool {
    let Some((first, rest)) = lists.split_first() else {
        return false;
    };
    first.iter().any(|&p| {
        rest.iter().enumerate().all(|(i, l)| {
            (p as u64 + i as u64 + 1)
                .try_into()
                .is_ok_and(|want: u32| l.binary_search(&want).is_ok())
        })
    })
}

/// Whether `a` and `b` are within `max` edits (Levenshtein, by characters).
pub fn within_distance(a: &[char], b: &str, max: usize) -> bool {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max
}
