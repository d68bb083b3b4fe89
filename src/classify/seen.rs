//! [`Sightings`]: which catalog entries the cookie declaration lists, because this site
//! was seen to use them, and the one place that decides what a sighting is worth.
//!
//! Request cookies are the visitor's to write: anyone can send a `Cookie` header naming
//! hundreds of catalog cookies, and before 27 Nov 2026 one such request made the public
//! declaration list them all (6 → 473 cookies, 1 → 110 providers). So a sighting counts
//! by where it comes from:
//!
//! - **Set by the app**: a `Set-Cookie` of the app's own responses (not a deletion)
//!   lists its entry at once. Only the app writes those.
//! - **Sent by browsers**: a name seen in requests lists its entry once browsers of
//!   [`WITNESSES`] different consent ids (of consent cookies that verify: the server
//!   signed them) have sent it; a request without one is no witness. Each request
//!   brings at most [`PER_REQUEST`] entries a new witness, whatever it carries.
//! - **Bounded**: at most [`MAX_FROM_REQUESTS`] entries are ever listed from requests;
//!   past that, names seen only in requests are not listed (logged once). What the app
//!   sets is always listed: the catalog bounds it.
//!
//! One visitor (one consent id) therefore lists nothing alone, and a crowd of minted
//! ids lists at most [`MAX_FROM_REQUESTS`] entries, [`PER_REQUEST`] per request.
//!
//! Everything is fixed-size atomics: a bit per entry listed, [`WITNESSES`] slots per
//! entry. Once the site's trackers are listed, a request only reads a shared cache line
//! per cookie; nothing is locked or allocated per request. [`Sightings::set_by_app`],
//! [`Sightings::sent_by_browser`] and [`Sightings::is_listed`] are the request side.
//!
//! **A fleet** of instances sharing a ledger store lists what any of them has seen: the
//! ledger's background task takes the entries this instance listed and has not shared
//! yet ([`Sightings::unshared`]), writes them to the store once
//! ([`Sightings::shared`]), and lists what the store holds ([`Sightings::list_shared`]).
//! An entry listed that way is listed here too, so that requests stop noting it: once
//! an entry is known, nothing more is written for it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// How many browsers (distinct consent ids) must send a name before its entry is listed
/// from requests alone.
pub(crate) const WITNESSES: usize = 3;
/// How many entries one request may bring a new witness.
pub(crate) const PER_REQUEST: usize = 2;
/// How many unlisted entries of one request are considered, in header order: a few
/// more than [`PER_REQUEST`], so that entries this browser already witnessed do not
/// take the others' turn.
pub(crate) const CANDIDATES: usize = 8;
/// The most entries listed from requests.
pub(crate) const MAX_FROM_REQUESTS: usize = 64;

/// A browser that sent a request, by its consent id: 64 of the id's random bits, never
/// zero (an empty witness slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Witness(u64);

impl Witness {
    /// The witness of a consent id's bytes.
    pub(crate) fn of(id: &[u8; 12]) -> Self {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&id[..8]);
        Self(u64::from_le_bytes(bytes) | 1)
    }
}

/// The catalog entries a request's cookies name that are not listed yet: the first
/// [`CANDIDATES`], in header order. Gathered during the one pass over the `Cookie`
/// headers, before the request's consent id is known.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Unlisted {
    entries: [u16; CANDIDATES],
    len: u8,
}

impl Unlisted {
    /// Notes that the request carried a cookie of `entry`. Once the site's entries are
    /// listed, this is one load of a shared word.
    #[inline]
    pub(crate) fn note(&mut self, sightings: &Sightings, entry: u16) {
        if !sightings.is_listed(usize::from(entry)) {
            self.add(entry);
        }
    }

    #[cold]
    #[inline(never)]
    fn add(&mut self, entry: u16) {
        let len = usize::from(self.len);
        if len < CANDIDATES && !self.entries[..len].contains(&entry) {
            self.entries[len] = entry;
            self.len += 1;
        }
    }

    /// Whether the request carried no cookie of an unlisted entry.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn entries(&self) -> &[u16] {
        &self.entries[..usize::from(self.len)]
    }
}

/// Which catalog entries the declaration lists, and the witnesses of those it does not
/// list yet. Shared by every request of a layer.
#[derive(Debug)]
pub(crate) struct Sightings {
    listed: Box<[AtomicU64]>,
    /// The entries this instance listed by its own sightings, and of those, the ones
    /// the app set, and the ones shared with the fleet's store.
    own: Box<[AtomicU64]>,
    by_app: Box<[AtomicU64]>,
    #[cfg(feature = "ledger")]
    shared: Box<[AtomicU64]>,
    witnesses: Box<[[AtomicU64; WITNESSES]]>,
    /// Entries listed from requests so far.
    from_requests: AtomicUsize,
    /// Whether reaching [`MAX_FROM_REQUESTS`] was logged.
    full_logged: AtomicBool,
}

impl Sightings {
    /// The sightings of `entries` catalog entries, none listed.
    pub(crate) fn new(entries: usize) -> Self {
        let words = || {
            (0..entries.div_ceil(64))
                .map(|_| AtomicU64::new(0))
                .collect()
        };
        Self {
            listed: words(),
            own: words(),
            by_app: words(),
            #[cfg(feature = "ledger")]
            shared: words(),
            witnesses: (0..entries)
                .map(|_| std::array::from_fn(|_| AtomicU64::new(0)))
                .collect(),
            from_requests: AtomicUsize::new(0),
            full_logged: AtomicBool::new(false),
        }
    }

    /// Whether the declaration lists entry `index`.
    #[inline]
    pub(crate) fn is_listed(&self, index: usize) -> bool {
        self.listed
            .get(index / 64)
            .is_some_and(|word| word.load(Ordering::Relaxed) & bit(index) != 0)
    }

    /// The app's own response sets a cookie of entry `index`: listed at once.
    pub(crate) fn set_by_app(&self, index: usize) {
        set(&self.by_app, index);
        self.list(index);
    }

    #[cfg(feature = "ledger")]
    /// The entries this instance listed that the fleet's store does not have from it
    /// yet, each with whether the app set it.
    pub(crate) fn unshared(&self) -> Vec<(usize, bool)> {
        let mut found = Vec::new();
        for (word, ((own, shared), by_app)) in self
            .own
            .iter()
            .zip(&*self.shared)
            .zip(&*self.by_app)
            .enumerate()
        {
            let mut bits = own.load(Ordering::Relaxed) & !shared.load(Ordering::Relaxed);
            let app = by_app.load(Ordering::Relaxed);
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                found.push((word * 64 + bit, app & (1 << bit) != 0));
            }
        }
        found
    }

    #[cfg(feature = "ledger")]
    /// The store has entry `index` from this instance.
    pub(crate) fn shared(&self, index: usize) {
        set(&self.shared, index);
    }

    #[cfg(feature = "ledger")]
    /// Lists entry `index`, which another instance of the fleet has seen.
    pub(crate) fn list_shared(&self, index: usize) {
        set(&self.listed, index);
    }

    /// A request carried cookies of the `unlisted` entries, from the browser `witness`
    /// (`None`: no consent cookie that verifies, so no witness).
    #[cold]
    #[inline(never)]
    pub(crate) fn sent_by_browser(&self, unlisted: &Unlisted, witness: Option<Witness>) {
        let Some(Witness(witness)) = witness else {
            return;
        };
        let mut brought = 0;
        for &entry in unlisted.entries() {
            if brought == PER_REQUEST {
                return;
            }
            let index = usize::from(entry);
            let Some(slots) = self.witnesses.get(index) else {
                continue;
            };
            match witness_in(slots, witness) {
                Seat::Known => {}
                Seat::Taken { last } => {
                    brought += 1;
                    if last {
                        self.list_from_requests(index);
                    }
                }
                // Every witness came, and the entry is not listed (a race with the
                // last one, or the bound): it is its turn again.
                Seat::Full => self.list_from_requests(index),
            }
        }
    }

    /// Lists an entry whose witnesses all came, while the bound allows.
    fn list_from_requests(&self, index: usize) {
        if self.is_listed(index) {
            return;
        }
        let placed = self
            .from_requests
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |listed| {
                (listed < MAX_FROM_REQUESTS).then_some(listed + 1)
            })
            .is_ok();
        if !placed {
            if !self.full_logged.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    listed = MAX_FROM_REQUESTS,
                    "the cookie declaration lists no more catalog entries seen only in \
                     requests; declare the site's trackers as rules to list them"
                );
            }
            return;
        }
        if !self.list(index) {
            // Listed meanwhile by the app's Set-Cookie or another request: the place
            // is not needed.
            self.from_requests.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Lists entry `index` by this instance's own sightings; `true` if it was not
    /// listed.
    fn list(&self, index: usize) -> bool {
        set(&self.own, index);
        set(&self.listed, index)
    }
}

/// Sets bit `index` of `words`; `true` if it was clear.
fn set(words: &[AtomicU64], index: usize) -> bool {
    words
        .get(index / 64)
        .is_some_and(|word| word.fetch_or(bit(index), Ordering::Relaxed) & bit(index) == 0)
}

fn bit(index: usize) -> u64 {
    1 << (index % 64)
}

/// What a witness found among an entry's slots.
enum Seat {
    /// It was there already.
    Known,
    /// It took a slot; `last`: the slots are now all taken.
    Taken { last: bool },
    /// Every slot holds another witness.
    Full,
}

/// Seats `witness` in the first free slot unless it is there already.
fn witness_in(slots: &[AtomicU64; WITNESSES], witness: u64) -> Seat {
    for (position, slot) in slots.iter().enumerate() {
        let seated = match slot.load(Ordering::Relaxed) {
            0 => slot.compare_exchange(0, witness, Ordering::Relaxed, Ordering::Relaxed),
            other => Err(other),
        };
        match seated {
            Ok(_) => {
                return Seat::Taken {
                    last: position + 1 == WITNESSES,
                }
            }
            Err(other) if other == witness => return Seat::Known,
            Err(_) => {}
        }
    }
    Seat::Full
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlisted(sightings: &Sightings, entries: &[u16]) -> Unlisted {
        let mut unlisted = Unlisted::default();
        for &entry in entries {
            unlisted.note(sightings, entry);
        }
        unlisted
    }

    fn listed(sightings: &Sightings, entries: usize) -> Vec<usize> {
        (0..entries).filter(|&i| sightings.is_listed(i)).collect()
    }

    #[test]
    fn the_app_lists_at_once_browsers_by_three_witnesses_two_entries_a_request() {
        let sightings = Sightings::new(130);
        sightings.set_by_app(129);
        sightings.set_by_app(129);
        sightings.set_by_app(500); // out of range: ignored
        assert_eq!(listed(&sightings, 200), [129]);

        let request = unlisted(&sightings, &[5, 6, 7, 129, 5]);
        assert_eq!(request.entries(), [5, 6, 7], "unlisted, each once");
        let browsers = [[1; 12], [2; 12], [3; 12]].map(|id| Witness::of(&id));
        sightings.sent_by_browser(&request, None);
        for _ in 0..5 {
            sightings.sent_by_browser(&request, Some(browsers[0]));
        }
        sightings.sent_by_browser(&request, Some(browsers[1]));
        assert_eq!(
            listed(&sightings, 200),
            [129],
            "two witnesses are not enough"
        );
        sightings.sent_by_browser(&request, Some(browsers[2]));
        assert_eq!(
            listed(&sightings, 200),
            [5, 6, 129],
            "two entries a request"
        );
        // Entry 7 got no witness yet: the first browser's turn went to 5 and 6.
        let request = unlisted(&sightings, &[5, 6, 7]);
        assert_eq!(request.entries(), [7]);
        for browser in browsers {
            sightings.sent_by_browser(&request, Some(browser));
        }
        assert_eq!(listed(&sightings, 200), [5, 6, 7, 129]);
    }

    #[test]
    fn requests_list_at_most_the_bound() {
        let entries = MAX_FROM_REQUESTS + 40;
        let sightings = Sightings::new(entries);
        let browsers = [[1; 12], [2; 12], [3; 12]].map(|id| Witness::of(&id));
        let all: Vec<u16> = (0..entries as u16).collect();
        for round in 0..entries * 3 {
            let request = unlisted(&sightings, &all);
            sightings.sent_by_browser(&request, Some(browsers[round % 3]));
        }
        assert_eq!(listed(&sightings, entries).len(), MAX_FROM_REQUESTS);
        sightings.set_by_app(entries - 1);
        assert_eq!(listed(&sightings, entries).len(), MAX_FROM_REQUESTS + 1);
    }

    #[cfg(feature = "ledger")]
    #[test]
    fn own_sightings_are_shared_once_and_the_fleets_are_listed() {
        let sightings = Sightings::new(200);
        sightings.set_by_app(3);
        let browsers = [[1; 12], [2; 12], [3; 12]].map(|id| Witness::of(&id));
        for browser in browsers {
            sightings.sent_by_browser(&unlisted(&sightings, &[130]), Some(browser));
        }
        assert_eq!(sightings.unshared(), [(3, true), (130, false)]);
        sightings.shared(3);
        assert_eq!(sightings.unshared(), [(130, false)]);
        sightings.shared(130);
        assert!(sightings.unshared().is_empty());
        // Another instance saw entry 77: listed here, not shared again from here, and
        // requests no longer note it.
        sightings.list_shared(77);
        assert_eq!(listed(&sightings, 200), [3, 77, 130]);
        assert!(sightings.unshared().is_empty());
        assert!(unlisted(&sightings, &[77]).is_empty());
    }

    #[test]
    fn concurrent_witnesses_list_each_entry_once() {
        let sightings = Sightings::new(256);
        std::thread::scope(|scope| {
            for thread in 0..6u8 {
                let sightings = &sightings;
                scope.spawn(move || {
                    let witness = Witness::of(&[thread; 12]);
                    for entry in 0..40u16 {
                        let request = unlisted(sightings, &[entry]);
                        sightings.sent_by_browser(&request, Some(witness));
                    }
                });
            }
        });
        assert_eq!(listed(&sightings, 256), (0..40).collect::<Vec<_>>());
        assert_eq!(sightings.from_requests.load(Ordering::Relaxed), 40);
    }
}
