//! [`SeenEntries`]: which catalog entries this site has been seen to use, for the cookie
//! declaration.
//!
//! One bit per catalog entry, in atomic words shared by every request. Marking loads the
//! word first and writes only when the bit is still clear, so once the site's trackers
//! have been seen the hot path only reads a cache line that stays shared between cores.
//! Nothing is locked or allocated per request; the record is bounded by the catalog's size.

use std::sync::atomic::{AtomicU64, Ordering};

/// A fixed-size set of catalog entry indices, safe to mark from many threads at once.
#[derive(Debug)]
pub(crate) struct SeenEntries {
    words: Box<[AtomicU64]>,
}

impl SeenEntries {
    /// A record for `entries` catalog entries, none seen.
    pub(crate) fn new(entries: usize) -> Self {
        Self {
            words: (0..entries.div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect(),
        }
    }

    /// Records that entry `index` was seen; indices past the record are ignored.
    #[inline]
    pub(crate) fn mark(&self, index: usize) {
        let Some(word) = self.words.get(index / 64) else {
            return;
        };
        let bit = 1u64 << (index % 64);
        // Relaxed: the bits publish nothing else, and a late reader only misses a cookie
        // seen at that very moment.
        if word.load(Ordering::Relaxed) & bit == 0 {
            word.fetch_or(bit, Ordering::Relaxed);
        }
    }

    /// Whether entry `index` was seen.
    pub(crate) fn contains(&self, index: usize) -> bool {
        self.words
            .get(index / 64)
            .is_some_and(|word| word.load(Ordering::Relaxed) & (1u64 << (index % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_reads_bits() {
        let seen = SeenEntries::new(130);
        assert!(!seen.contains(0));
        seen.mark(0);
        seen.mark(64);
        seen.mark(129);
        seen.mark(129);
        seen.mark(500); // out of range: ignored
        let marked: Vec<usize> = (0..200).filter(|&i| seen.contains(i)).collect();
        assert_eq!(marked, [0, 64, 129]);
    }

    #[test]
    fn concurrent_marks_are_all_kept() {
        let seen = SeenEntries::new(256);
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let seen = &seen;
                scope.spawn(move || {
                    for i in (thread..256).step_by(4) {
                        seen.mark(i);
                    }
                });
            }
        });
        assert!((0..256).all(|i| seen.contains(i)));
    }
}
