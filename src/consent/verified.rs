//! A per-thread memo of consent-cookie values whose signature verified.
//!
//! A browser sends the same consent cookie on every request until the visitor chooses
//! again, so the layer would compute the same HMAC-SHA256 over the same bytes again and
//! again. Verification and parsing are pure functions of the value and the layer's keys
//! and categories, so their result can be remembered: the next request with byte-for-byte
//! the same value skips both. Expiry and revision are still checked on every request, by
//! the caller.
//!
//! Only values that verified are remembered, so nobody can fill the memo without
//! cookies this server signed. Each thread keeps its own bounded, direct-mapped table
//! (no lock, no atomic on the hot path); a value is found again only by comparing all of
//! its bytes without an early exit, so a hit is exactly as strong as the HMAC check it skips.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::fast::RandomState;

use super::decision::Decision;

/// Entries per thread. A value is about 110 bytes, so a full table holds about 20 KiB.
const SLOTS: usize = 128;

/// Source of owner ids, one per consent-cookie configuration.
static NEXT_OWNER: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static MEMO: RefCell<Table> = RefCell::new(Table::default());
}

/// One thread's table; the slots are allocated on the first insert.
#[derive(Default)]
struct Table {
    slots: Vec<Option<Entry>>,
    hasher: RandomState,
}

struct Entry {
    owner: u64,
    value: Box<[u8]>,
    decision: Decision,
}

/// The handle one consent-cookie configuration uses: its entries are apart from those
/// of any other configuration (other keys, other categories) on the same thread.
#[derive(Debug)]
pub(crate) struct VerifiedValues {
    owner: u64,
}

impl VerifiedValues {
    pub(crate) fn new() -> Self {
        Self {
            owner: NEXT_OWNER.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The decision signed into `value`: remembered from an earlier call on this thread,
    /// else computed by `verify` (which returns `None` for a value that does not verify)
    /// and remembered if it verified.
    pub(crate) fn get_or_verify(
        &self,
        value: &[u8],
        verify: impl FnOnce() -> Option<Decision>,
    ) -> Option<Decision> {
        // A thread being torn down has no table left; verify without one.
        let found = MEMO
            .try_with(|memo| {
                let memo = memo.borrow();
                let slot = memo.slot(self.owner, value);
                memo.slots.get(slot)?.as_ref().and_then(|entry| {
                    let same = entry.owner == self.owner && same_bytes(&entry.value, value);
                    same.then_some(entry.decision)
                })
            })
            .ok()
            .flatten();
        if found.is_some() {
            return found;
        }
        let decision = verify()?;
        let _ = MEMO.try_with(|memo| {
            let mut memo = memo.borrow_mut();
            let slot = memo.slot(self.owner, value);
            if memo.slots.is_empty() {
                memo.slots.resize_with(SLOTS, || None);
            }
            memo.slots[slot] = Some(Entry {
                owner: self.owner,
                value: value.into(),
                decision,
            });
        });
        Some(decision)
    }
}

/// Whether `a` and `b` are equal, looking at every byte whatever the first difference:
/// the time taken does not reveal how much of a remembered value a guess matched.
/// (`subtle`'s slice comparison does the same one byte and one optimisation barrier at
/// a time, which costs more than the rest of a memo hit.)
#[inline(never)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

impl Table {
    fn slot(&self, owner: u64, value: &[u8]) -> usize {
        (self.hasher.hash_one((owner, value)) % SLOTS as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::CategorySet;
    use crate::consent::{ConsentId, Source};

    fn decision(decided_at: u64) -> Decision {
        Decision {
            granted: CategorySet::NECESSARY,
            decided: CategorySet::first(4),
            revision: 1,
            decided_at,
            id: ConsentId([1; 12]),
            source: Source::Banner,
            gpc: false,
        }
    }

    #[test]
    fn remembers_only_what_verified_per_owner() {
        let memo = VerifiedValues::new();
        let mut calls = 0;
        let mut verify = |value: &[u8], result: Option<Decision>| {
            memo.get_or_verify(value, || {
                calls += 1;
                result
            })
        };
        assert_eq!(verify(b"good", Some(decision(5))), Some(decision(5)));
        assert_eq!(verify(b"good", None), Some(decision(5)), "remembered");
        assert_eq!(verify(b"bad", None), None);
        assert_eq!(verify(b"bad", None), None);
        assert_eq!(verify(b"goo", None), None, "a prefix is another value");
        assert_eq!(calls, 4, "only the repeat of a verified value was skipped");

        let other = VerifiedValues::new();
        assert_eq!(
            other.get_or_verify(b"good", || None),
            None,
            "owners are apart"
        );
    }

    #[test]
    fn compares_every_byte() {
        assert!(same_bytes(b"", b""));
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"xbc"));
        assert!(!same_bytes(b"abc", b"abcd"));
    }

    #[test]
    fn stays_bounded() {
        let memo = VerifiedValues::new();
        for i in 0..(4 * SLOTS as u64) {
            let value = i.to_string();
            memo.get_or_verify(value.as_bytes(), || Some(decision(i)));
        }
        MEMO.with(|memo| assert_eq!(memo.borrow().slots.len(), SLOTS));
    }
}
