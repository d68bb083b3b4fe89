//! Remembers the cookie names no rule matched, in bounded memory and without a lock:
//! each is logged once, and counted for the [undeclared-cookie report](crate::CookieReport).
//!
//! A fixed open-addressing table of [`SLOTS`] slots. A slot is claimed with one
//! compare-and-swap of the name's 64-bit hash; the thread that claims it logs the name
//! and fills in the entry (name, first path, time, direction) once. Every later sighting
//! costs a load and an atomic add. When a name finds no free slot within [`PROBES`] of
//! its home, it is not remembered: the sighting is counted in `dropped` and nothing
//! else is kept. Only names are stored, never values; a nameless cookie (whose "name" on
//! the wire is its value) is recorded under the empty name.
//!
//! **A fleet** of instances sharing a ledger store reports for all of them: the
//! ledger's background task takes the counts that grew since it last shared them
//! ([`UndeclaredNames::unshared`]), adds them to the store's, and hands back the
//! fleet's report ([`UndeclaredNames::set_fleet`]); a snapshot is then the fleet's
//! report plus what this instance counted since, still at most [`SLOTS`] names.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use foldhash::fast::RandomState;

use crate::cookie_header::set_cookie_is_nameless;
use crate::{CookieReport, Direction, UndeclaredCookie};

/// How many distinct undeclared names are remembered; later ones are counted as dropped.
pub(crate) const SLOTS: usize = 1024;
/// How far a name may land from its home slot.
const PROBES: usize = 16;
/// The longest name kept, in bytes; longer ones are cut (at a character boundary) and
/// marked truncated.
pub(crate) const MAX_NAME: usize = 128;
/// The longest first path kept, in bytes; longer ones are cut the same way.
pub(crate) const MAX_PATH: usize = 256;

/// Where an undeclared name was seen.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seen<'a> {
    /// The request's path (no query).
    pub(crate) path: &'a str,
    pub(crate) origin: Origin<'a>,
}

/// Which header a name was read from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Origin<'a> {
    /// A `Cookie` pair; `bare` when it had no `=` (a nameless cookie's value).
    Request { bare: bool },
    /// A `Set-Cookie` header, whole: read again only for a name seen the first time.
    Response { header: &'a [u8] },
}

impl<'a> Seen<'a> {
    /// A pair of a request's `Cookie` header.
    pub(crate) fn request(path: &'a str, bare: bool) -> Self {
        Self {
            path,
            origin: Origin::Request { bare },
        }
    }

    /// A `Set-Cookie` header of the response to a request for `path`.
    pub(crate) fn response(path: &'a str, header: &'a [u8]) -> Self {
        Self {
            path,
            origin: Origin::Response { header },
        }
    }

    pub(crate) fn direction(self) -> Direction {
        match self.origin {
            Origin::Request { .. } => Direction::Request,
            Origin::Response { .. } => Direction::Response,
        }
    }

    /// Whether the cookie has no name, so that what it is classified by is its value.
    pub(crate) fn is_nameless(self) -> bool {
        match self.origin {
            Origin::Request { bare } => bare,
            Origin::Response { header } => set_cookie_is_nameless(header),
        }
    }
}

/// One remembered name.
#[derive(Debug)]
struct Slot {
    /// The name's hash, made odd; 0 while the slot is free.
    hash: AtomicU64,
    requests: AtomicU64,
    responses: AtomicU64,
    /// The part of the counts the fleet's store has.
    shared_requests: AtomicU64,
    shared_responses: AtomicU64,
    /// Filled in once by the thread that claimed the slot.
    entry: OnceLock<Entry>,
}

#[derive(Debug)]
struct Entry {
    name: Box<str>,
    name_truncated: bool,
    first_path: Box<str>,
    first_seen: SystemTime,
    first_direction: Direction,
}

/// The names no rule matched.
#[derive(Debug)]
pub(crate) struct UndeclaredNames {
    slots: Box<[Slot]>,
    /// Sightings of names that found no slot.
    dropped: AtomicU64,
    /// The part of `dropped` the fleet's store has.
    shared_dropped: AtomicU64,
    /// The fleet's report as the store last gave it (this instance's shared counts
    /// included), once a ledger store shares.
    fleet: Mutex<Option<CookieReport>>,
    hasher: RandomState,
}

#[cfg(feature = "ledger")]
/// The counts of one name that grew since they were last shared: its slot, and the
/// increments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grown {
    slot: usize,
    requests: u64,
    responses: u64,
}

impl UndeclaredNames {
    pub(crate) fn new() -> Self {
        Self {
            slots: (0..SLOTS)
                .map(|_| Slot {
                    hash: AtomicU64::new(0),
                    requests: AtomicU64::new(0),
                    responses: AtomicU64::new(0),
                    shared_requests: AtomicU64::new(0),
                    shared_responses: AtomicU64::new(0),
                    entry: OnceLock::new(),
                })
                .collect(),
            dropped: AtomicU64::new(0),
            shared_dropped: AtomicU64::new(0),
            fleet: Mutex::new(None),
            hasher: RandomState::default(),
        }
    }

    /// Counts a sighting of `name`, which no rule matched. True the first time the
    /// name is seen (while there is room to remember it): the caller logs it then.
    pub(crate) fn record(&self, name: &[u8], seen: Seen<'_>) -> bool {
        let name = if seen.is_nameless() { &[][..] } else { name };
        // 0 marks a free slot, so hashes are made odd.
        let hash = self.hasher.hash_one(name) | 1;
        let home = hash as usize % SLOTS;
        for probe in 0..PROBES {
            let slot = &self.slots[(home + probe) % SLOTS];
            // A plain load answers the common case (already seen) without a write.
            let first = match slot.hash.load(Ordering::Relaxed) {
                seen if seen == hash => false,
                0 => match slot
                    .hash
                    .compare_exchange(0, hash, Ordering::Relaxed, Ordering::Relaxed)
                {
                    Ok(_) => true,
                    Err(seen) if seen == hash => false,
                    Err(_) => continue,
                },
                _ => continue,
            };
            let counter = match seen.direction() {
                Direction::Request => &slot.requests,
                Direction::Response => &slot.responses,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            if first {
                let (name, name_truncated) = truncated(&String::from_utf8_lossy(name), MAX_NAME);
                let (first_path, _) = truncated(seen.path, MAX_PATH);
                let _ = slot.entry.set(Entry {
                    name,
                    name_truncated,
                    first_path,
                    first_seen: SystemTime::now(),
                    first_direction: seen.direction(),
                });
            }
            return first;
        }
        self.dropped.fetch_add(1, Ordering::Relaxed);
        false
    }

    /// What is remembered now, oldest first: this instance's counts, or with a fleet,
    /// the fleet's report and what this instance counted since it was shared. A name
    /// claimed by another thread this instant shows up in the next snapshot.
    pub(crate) fn snapshot(&self) -> CookieReport {
        let fleet = self.fleet_report();
        let Some(fleet) = fleet else {
            let cookies = self.cookies(|_, counts| counts);
            return report(cookies, self.dropped.load(Ordering::Relaxed));
        };
        let shared = |slot: &Slot| {
            (
                slot.shared_requests.load(Ordering::Relaxed),
                slot.shared_responses.load(Ordering::Relaxed),
            )
        };
        let grown = self.cookies(|slot, (requests, responses)| {
            let (sent_requests, sent_responses) = shared(slot);
            (
                requests.saturating_sub(sent_requests),
                responses.saturating_sub(sent_responses),
            )
        });
        let dropped = self
            .dropped
            .load(Ordering::Relaxed)
            .saturating_sub(self.shared_dropped.load(Ordering::Relaxed));
        merge(fleet, grown, dropped)
    }

    /// The fleet's report, if a store shares.
    fn fleet_report(&self) -> Option<CookieReport> {
        self.fleet
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The remembered names, with the counts `counts` makes of each slot's.
    fn cookies(&self, counts: impl Fn(&Slot, (u64, u64)) -> (u64, u64)) -> Vec<UndeclaredCookie> {
        self.slots
            .iter()
            .filter_map(|slot| {
                let entry = slot.entry.get()?;
                let (in_requests, in_responses) = counts(
                    slot,
                    (
                        slot.requests.load(Ordering::Relaxed),
                        slot.responses.load(Ordering::Relaxed),
                    ),
                );
                Some(UndeclaredCookie {
                    name: entry.name.to_string(),
                    name_truncated: entry.name_truncated,
                    first_seen: entry.first_seen,
                    first_path: entry.first_path.to_string(),
                    first_direction: entry.first_direction,
                    in_requests,
                    in_responses,
                })
            })
            .collect()
    }

    #[cfg(feature = "ledger")]
    /// The names whose counts grew since they were last shared, with the increments,
    /// and the increment of the sightings dropped.
    pub(crate) fn unshared(&self) -> (Vec<(Grown, UndeclaredCookie)>, u64) {
        let mut grown = Vec::new();
        for (index, slot) in self.slots.iter().enumerate() {
            let Some(entry) = slot.entry.get() else {
                continue;
            };
            let requests = slot
                .requests
                .load(Ordering::Relaxed)
                .saturating_sub(slot.shared_requests.load(Ordering::Relaxed));
            let responses = slot
                .responses
                .load(Ordering::Relaxed)
                .saturating_sub(slot.shared_responses.load(Ordering::Relaxed));
            if requests == 0 && responses == 0 {
                continue;
            }
            grown.push((
                Grown {
                    slot: index,
                    requests,
                    responses,
                },
                UndeclaredCookie {
                    name: entry.name.to_string(),
                    name_truncated: entry.name_truncated,
                    first_seen: entry.first_seen,
                    first_path: entry.first_path.to_string(),
                    first_direction: entry.first_direction,
                    in_requests: requests,
                    in_responses: responses,
                },
            ));
        }
        let dropped = self
            .dropped
            .load(Ordering::Relaxed)
            .saturating_sub(self.shared_dropped.load(Ordering::Relaxed));
        (grown, dropped)
    }

    #[cfg(feature = "ledger")]
    /// The store added the increments `grown` and `dropped` (from
    /// [`unshared`](Self::unshared)), and gave back the fleet's report.
    pub(crate) fn set_fleet(
        &self,
        grown: impl IntoIterator<Item = Grown>,
        dropped: u64,
        fleet: CookieReport,
    ) {
        let mut kept = self
            .fleet
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for grown in grown {
            if let Some(slot) = self.slots.get(grown.slot) {
                slot.shared_requests
                    .fetch_add(grown.requests, Ordering::Relaxed);
                slot.shared_responses
                    .fetch_add(grown.responses, Ordering::Relaxed);
            }
        }
        self.shared_dropped.fetch_add(dropped, Ordering::Relaxed);
        *kept = Some(fleet);
    }
}

/// A report of `cookies` (sorted here) and `dropped` sightings.
fn report(mut cookies: Vec<UndeclaredCookie>, dropped: u64) -> CookieReport {
    cookies.sort_by(|a, b| (a.first_seen, &a.name).cmp(&(b.first_seen, &b.name)));
    CookieReport {
        cookies,
        capacity: SLOTS,
        dropped,
    }
}

/// The fleet's report with this instance's counts since it was shared: at most
/// [`SLOTS`] names, the oldest; the sightings of the others count as dropped.
fn merge(fleet: CookieReport, grown: Vec<UndeclaredCookie>, dropped: u64) -> CookieReport {
    let mut dropped = fleet.dropped.saturating_add(dropped);
    let mut by_name: HashMap<String, UndeclaredCookie> = fleet
        .cookies
        .into_iter()
        .map(|cookie| (cookie.name.clone(), cookie))
        .collect();
    for cookie in grown {
        // Nothing new (or a name the store had no room for): the fleet's report says it.
        if cookie.in_requests == 0 && cookie.in_responses == 0 {
            continue;
        }
        match by_name.get_mut(&cookie.name) {
            Some(kept) => {
                kept.in_requests = kept.in_requests.saturating_add(cookie.in_requests);
                kept.in_responses = kept.in_responses.saturating_add(cookie.in_responses);
                if cookie.first_seen < kept.first_seen {
                    kept.first_seen = cookie.first_seen;
                    kept.first_path = cookie.first_path;
                    kept.first_direction = cookie.first_direction;
                }
            }
            None => {
                by_name.insert(cookie.name.clone(), cookie);
            }
        }
    }
    let mut report = report(by_name.into_values().collect(), 0);
    for cookie in report.cookies.drain(SLOTS.min(report.cookies.len())..) {
        dropped = dropped
            .saturating_add(cookie.in_requests)
            .saturating_add(cookie.in_responses);
    }
    report.dropped = dropped;
    report
}

/// `text` cut to at most `max` bytes at a character boundary, and whether it was cut.
fn truncated(text: &str, max: usize) -> (Box<str>, bool) {
    if text.len() <= max {
        return (text.into(), false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].into(), true)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever is seen: at most `SLOTS` names kept, each sighting either counted on
        /// a kept name or as dropped, each kept name one that was seen (cut to
        /// `MAX_NAME`), and the first sighting's path and direction kept.
        #[test]
        fn every_sighting_is_kept_or_dropped(
            sightings in prop::collection::vec(
                (
                    prop_oneof!["[a-z_]{1,3}", "[ -~]{0,20}", "[a-z]{120,140}"],
                    any::<bool>(),
                    prop_oneof!["/[a-z]{0,8}", "/[a-z]{250,260}"],
                ),
                0..300,
            )
        ) {
            let names = UndeclaredNames::new();
            for (name, response, path) in &sightings {
                let seen = if *response {
                    Seen::response(path, name.as_bytes())
                } else {
                    Seen::request(path, false)
                };
                names.record(name.as_bytes(), seen);
            }
            let report = names.snapshot();
            prop_assert!(report.cookies.len() <= SLOTS);
            let counted: u64 = report
                .cookies
                .iter()
                .map(|c| c.in_requests + c.in_responses)
                .sum();
            prop_assert_eq!(counted + report.dropped, sightings.len() as u64);
            // The first sighting of each recorded name (a nameless `Set-Cookie` counts
            // under "").
            let mut first = std::collections::HashMap::new();
            for (name, response, path) in &sightings {
                let nameless = *response && Seen::response("", name.as_bytes()).is_nameless();
                let recorded = if nameless { "" } else { name.as_str() };
                first
                    .entry(truncated(recorded, MAX_NAME).0)
                    .or_insert((*response, path));
            }
            for cookie in &report.cookies {
                prop_assert!(cookie.name.len() <= MAX_NAME);
                prop_assert!(cookie.first_path.len() <= MAX_PATH);
                let Some(&(response, path)) = first.get(cookie.name.as_str()) else {
                    return Err(TestCaseError::fail(format!("{:?} was never seen", cookie.name)));
                };
                prop_assert_eq!(
                    cookie.first_direction,
                    if response { Direction::Response } else { Direction::Request }
                );
                prop_assert!(path.starts_with(&cookie.first_path));
            }
        }
    }

    #[test]
    fn a_fleets_report_adds_what_this_instance_counted_since() {
        let names = UndeclaredNames::new();
        let seen = Seen::request("/here", false);
        names.record(b"a", seen);
        names.record(b"a", seen);
        let (grown, dropped) = names.unshared();
        assert_eq!(grown.len(), 1);
        assert_eq!((grown[0].1.in_requests, dropped), (2, 0));
        // The store holds `a` (2 from here, 5 from elsewhere, seen there first) and
        // `b` from elsewhere.
        let mut a = UndeclaredCookie::new("a", SystemTime::UNIX_EPOCH, "/x", Direction::Response);
        a.in_requests = 7;
        let mut b = UndeclaredCookie::new("b", SystemTime::UNIX_EPOCH, "/y", Direction::Response);
        b.in_responses = 1;
        let fleet = CookieReport {
            cookies: vec![a, b],
            capacity: SLOTS,
            dropped: 3,
        };
        names.set_fleet(grown.into_iter().map(|(grown, _)| grown), dropped, fleet);
        assert!(names.unshared().0.is_empty(), "shared");
        names.record(b"a", seen);
        names.record(b"c", seen);
        let report = names.snapshot();
        let counts: Vec<(&str, u64, u64, &str)> = report
            .cookies
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.in_requests,
                    c.in_responses,
                    c.first_path.as_str(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [("a", 8, 0, "/x"), ("b", 0, 1, "/y"), ("c", 1, 0, "/here")]
        );
        assert_eq!(report.dropped, 3);
        let (grown, _) = names.unshared();
        assert_eq!(grown.len(), 2, "a and c grew since");
    }

    #[test]
    fn counts_are_exact_across_threads() {
        let names = UndeclaredNames::new();
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let names = &names;
                scope.spawn(move || {
                    for i in 0..2000 {
                        let name = format!("n{}", (i + thread) % 50);
                        names.record(name.as_bytes(), Seen::request("/", false));
                    }
                });
            }
        });
        let report = names.snapshot();
        assert_eq!(report.cookies.len(), 50);
        assert_eq!(report.dropped, 0);
        for cookie in &report.cookies {
            assert_eq!(cookie.in_requests, 4 * 2000 / 50, "{cookie:?}");
        }
    }

    #[test]
    fn reports_each_name_once_and_stays_bounded() {
        let names = UndeclaredNames::new();
        let seen = Seen::request("/", false);
        assert!(names.record(b"a", seen));
        assert!(!names.record(b"a", seen));
        assert!(names.record(b"b", seen));
        let fresh = (0..10 * SLOTS)
            .filter(|i| names.record(format!("n{i}").as_bytes(), seen))
            .count();
        assert!(fresh <= SLOTS);
        assert!(fresh > SLOTS / 2);
        let report = names.snapshot();
        assert_eq!(report.cookies.len(), fresh + 2);
        assert_eq!(report.capacity, SLOTS);
        // Every sighting is either remembered or counted as dropped.
        let remembered: u64 = report.cookies.iter().map(|c| c.in_requests).sum();
        assert_eq!(remembered + report.dropped, 3 + 10 * SLOTS as u64);
        assert_eq!(report.dropped, (10 * SLOTS - fresh) as u64);
    }

    #[test]
    fn counts_directions_and_keeps_the_first_sighting() {
        let names = UndeclaredNames::new();
        assert!(names.record(b"trk", Seen::response("/shop", b"trk=1; Path=/")));
        assert!(!names.record(b"trk", Seen::request("/cart", false)));
        assert!(!names.record(b"trk", Seen::request("/", false)));
        let report = names.snapshot();
        let [cookie] = &report.cookies[..] else {
            panic!("{report:?}")
        };
        assert_eq!(cookie.name, "trk");
        assert_eq!(cookie.first_path, "/shop");
        assert_eq!(cookie.first_direction, Direction::Response);
        assert_eq!((cookie.in_requests, cookie.in_responses), (2, 1));
        assert!(cookie.first_seen <= SystemTime::now());
    }

    #[test]
    fn never_keeps_what_a_nameless_cookie_holds() {
        let names = UndeclaredNames::new();
        assert!(names.record(b"secret-token", Seen::request("/", true)));
        // Nameless in a response: no `=`, or an empty name before it.
        assert!(!names.record(b"other-secret", Seen::response("/", b"other-secret")));
        assert!(!names.record(b"a", Seen::response("/", b" =a=b; Path=/")));
        let report = names.snapshot();
        assert_eq!(report.cookies.len(), 1);
        assert_eq!(report.cookies[0].name, "");
        assert_eq!(report.cookies[0].in_responses, 2);
        assert!(!format!("{report:?}").contains("secret"));
    }

    #[test]
    fn long_names_and_paths_are_cut_at_character_boundaries() {
        let names = UndeclaredNames::new();
        let name = "é".repeat(100);
        let path = format!("/{}", "ü".repeat(200));
        assert!(names.record(name.as_bytes(), Seen::request(&path, false)));
        let cookie = &names.snapshot().cookies[0];
        assert!(cookie.name_truncated);
        assert_eq!(cookie.name, "é".repeat(MAX_NAME / 2));
        assert!(cookie.first_path.len() <= MAX_PATH && path.starts_with(&cookie.first_path));
        assert_eq!(truncated("abc", 3), ("abc".into(), false));
    }
}
