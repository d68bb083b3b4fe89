//! [`ReportOnce`]: remembers what was already logged (a route, a cookie name), in bounded
//! memory and without a lock, so a warning is logged once per thing however often it
//! happens and however many distinct things an attacker invents.

use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::fast::RandomState;

/// How many distinct keys are remembered; later ones are not reported.
const SLOTS: usize = 1024;
/// How far a name may land from its home slot.
const PROBES: usize = 16;

/// A fixed open-addressing set of 64-bit name hashes.
#[derive(Debug)]
pub(crate) struct ReportOnce {
    slots: Box<[AtomicU64]>,
    hasher: RandomState,
}

impl ReportOnce {
    pub(crate) fn new() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            hasher: RandomState::default(),
        }
    }

    /// True the first time `key` is seen (while there is room to remember it).
    pub(crate) fn first_time(&self, key: impl Hash) -> bool {
        // 0 marks an empty slot, so hashes are made odd.
        let hash = self.hasher.hash_one(key) | 1;
        let home = hash as usize % SLOTS;
        for probe in 0..PROBES {
            let slot = &self.slots[(home + probe) % SLOTS];
            // A plain load answers the common case (already reported) without a write.
            match slot.load(Ordering::Relaxed) {
                seen if seen == hash => return false,
                0 => {}
                _ => continue,
            }
            match slot.compare_exchange(0, hash, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(seen) if seen == hash => return false,
                Err(_) => continue,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_key_once_and_stays_bounded() {
        let report = ReportOnce::new();
        assert!(report.first_time(b"a"));
        assert!(!report.first_time(b"a"));
        assert!(report.first_time(b"b"));
        assert!(report.first_time(("a", 1)));
        assert!(!report.first_time(("a", 1)));
        let fresh = (0..10 * SLOTS)
            .filter(|i| report.first_time(format!("n{i}")))
            .count();
        assert!(fresh <= SLOTS);
        assert!(fresh > SLOTS / 2);
    }
}
