//! Makes Redis count the memory usearch holds outside Redis's allocator.
//!
//! usearch maps its graph and vector arenas itself (`mmap`) and keeps its
//! per-slot arrays on the C++ heap, so Redis's `used_memory` (zmalloc's
//! counter, which `maxmemory` enforces) never sees them. A [`Ballast`] is
//! an allocation of the same size made through the crate's global
//! allocator, which is Redis's (`RedisModule_Alloc`): Redis counts it, so
//! `used_memory`, `maxmemory` and eviction see the vectors. It is never
//! written, and jemalloc does not touch the pages of a large allocation, so
//! it costs address space, not resident memory.
//!
//! It is kept in [`GRAIN`] steps: it moves only when the figure it covers
//! moved by a whole grain, so a write usually costs one comparison, and it
//! lags the truth by less than one grain. Redis-free.

/// The step the ballast moves in.
pub const GRAIN: usize = 64 << 10;

/// The largest single allocation; a big index holds several.
pub const CHUNK: usize = 4 << 20;

/// Untouched allocations through Redis's allocator, `bytes()` in all.
#[derive(Debug, Default)]
pub struct Ballast {
    /// Allocations of [`CHUNK`] bytes each.
    full: Vec<Vec<u8>>,
    /// The rest, under a chunk.
    tail: Vec<u8>,
    tail_bytes: usize,
}

impl Ballast {
    /// The bytes held.
    pub fn bytes(&self) -> usize {
        self.full.len() * CHUNK + self.tail_bytes
    }

    /// Holds `bytes` rounded down to a grain; only allocates or frees what
    /// differs from what is held (full chunks stay).
    pub fn cover(&mut self, bytes: usize) {
        let want = bytes / GRAIN * GRAIN;
        if want == self.bytes() {
            return;
        }
        let (full, tail) = (want / CHUNK, want % CHUNK);
        self.full.truncate(full);
        while self.full.len() < full {
            self.full.push(Vec::with_capacity(CHUNK));
        }
        if tail != self.tail_bytes {
            // Freed first, so the old and new tails are never both held.
            self.tail = Vec::new();
            self.tail = Vec::with_capacity(tail);
            self.tail_bytes = tail;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(b: &Ballast) -> usize {
        b.full.iter().map(Vec::capacity).sum::<usize>() + b.tail.capacity()
    }

    #[test]
    fn covers_in_grains_and_frees() {
        let mut b = Ballast::default();
        b.cover(GRAIN - 1);
        assert_eq!((b.bytes(), held(&b)), (0, 0));
        b.cover(10 * CHUNK + 3 * GRAIN + 5);
        assert_eq!(b.bytes(), 10 * CHUNK + 3 * GRAIN);
        assert!(held(&b) >= b.bytes());
        assert_eq!(b.full.len(), 10);
        b.cover(3 * GRAIN + 7);
        assert_eq!((b.bytes(), b.full.len()), (3 * GRAIN, 0));
        b.cover(10 * CHUNK + 3 * GRAIN + 5);
        b.cover(2 * CHUNK);
        assert_eq!((b.bytes(), b.full.len(), b.tail_bytes), (2 * CHUNK, 2, 0));
        b.cover(0);
        assert_eq!((b.bytes(), held(&b)), (0, 0));
    }
}
