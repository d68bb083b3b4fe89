//! [`MemoryStore`]: a ledger store in memory, for tests and examples.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use time::OffsetDateTime;

use super::store::{BoxFuture, HistoryPage, LedgerStore, SeenEntry, Shared, Stats, SHARED_NAMES};
use super::{LedgerError, Record, Who, Wording};
use crate::{ConsentId, UndeclaredCookie};

/// A ledger store in memory: everything is lost when the process ends, so it proves
/// nothing in production. For tests and examples.
///
/// Each call takes a mutex for the time of a few map operations and never across an
/// `.await`.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::{Ledger, MemoryStore};
///
/// let ledger = Ledger::new(MemoryStore::new());
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each record with its position, in the order written.
    records: Vec<(u64, Record)>,
    /// The position of the last record written.
    last: u64,
    wordings: BTreeMap<String, Wording>,
    /// (consent id, subject)
    links: HashSet<(ConsentId, String)>,
    /// The catalog entries the instances saw, by pattern: each with the earliest
    /// sighting, `by_app` if any instance saw the app set it.
    seen: BTreeMap<String, SeenEntry>,
    /// The fleet's undeclared names, by name.
    undeclared: BTreeMap<String, UndeclaredCookie>,
    dropped: u64,
}

impl MemoryStore {
    /// An empty store.
    ///
    /// ```
    /// let store = tower_consent::ledger::MemoryStore::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-changed: every
        // change below is a single push, insert or retain.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    fn ids_of(&self, who: &Who) -> HashSet<ConsentId> {
        match who {
            Who::Consent(id) => HashSet::from([*id]),
            Who::Subject(subject) => self
                .links
                .iter()
                .filter(|(_, linked)| linked == subject)
                .map(|(id, _)| *id)
                .collect(),
        }
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

impl LedgerStore for MemoryStore {
    fn append<'a>(
        &'a self,
        records: &'a [Record],
        wordings: &'a [Wording],
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        let mut state = self.state();
        for wording in wordings {
            state
                .wordings
                .entry(wording.hash.clone())
                .or_insert_with(|| wording.clone());
        }
        for record in records {
            state.last += 1;
            let position = state.last;
            state.records.push((position, record.clone()));
        }
        ready(Ok(()))
    }

    fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> {
        let state = self.state();
        let ids = state.ids_of(who);
        let records = state
            .records
            .iter()
            .filter(|(_, record)| ids.contains(&record.consent_id))
            .map(|(_, record)| record.clone())
            .collect();
        ready(Ok(records))
    }

    fn history_page<'a>(
        &'a self,
        who: &'a Who,
        after: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> {
        let state = self.state();
        let ids = state.ids_of(who);
        let limit = limit.max(1);
        // Positions grow with the vector: the page starts past `after`.
        let start = after.map_or(0, |after| {
            state
                .records
                .partition_point(|(position, _)| *position <= after)
        });
        let mut matching = state.records[start..]
            .iter()
            .filter(|(_, record)| ids.contains(&record.consent_id));
        let page: Vec<&(u64, Record)> = matching.by_ref().take(limit).collect();
        let next = match (page.last(), matching.next()) {
            (Some((position, _)), Some(_)) => Some(*position),
            _ => None,
        };
        ready(Ok(HistoryPage {
            records: page.into_iter().map(|(_, record)| record.clone()).collect(),
            next,
        }))
    }

    fn wordings<'a>(
        &'a self,
        hashes: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> {
        let state = self.state();
        let found = hashes
            .iter()
            .filter_map(|hash| state.wordings.get(hash).cloned())
            .collect();
        ready(Ok(found))
    }

    fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> {
        let mut state = self.state();
        let ids = state.ids_of(who);
        let before = state.records.len();
        state
            .records
            .retain(|(_, record)| !ids.contains(&record.consent_id));
        let erased = before - state.records.len();
        state.links.retain(|(id, _)| !ids.contains(id));
        ready(Ok(erased as u64))
    }

    fn link<'a>(
        &'a self,
        id: ConsentId,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        self.state().links.insert((id, subject.to_owned()));
        ready(Ok(()))
    }

    fn delete_before(&self, before: OffsetDateTime) -> BoxFuture<'_, Result<u64, LedgerError>> {
        let mut state = self.state();
        let count = state.records.len();
        state
            .records
            .retain(|(_, record)| record.recorded_at >= before);
        let deleted = count - state.records.len();
        let kept: HashSet<ConsentId> = state.records.iter().map(|(_, r)| r.consent_id).collect();
        state.links.retain(|(id, _)| kept.contains(id));
        ready(Ok(deleted as u64))
    }

    fn share<'a>(
        &'a self,
        seen: &'a [SeenEntry],
        undeclared: &'a [UndeclaredCookie],
        dropped: u64,
    ) -> BoxFuture<'a, Result<Option<Shared>, LedgerError>> {
        let mut state = self.state();
        for entry in seen {
            state
                .seen
                .entry(entry.pattern.clone())
                .and_modify(|kept| {
                    kept.by_app |= entry.by_app;
                    kept.first_seen = kept.first_seen.min(entry.first_seen);
                })
                .or_insert_with(|| entry.clone());
        }
        state.dropped = state.dropped.saturating_add(dropped);
        for cookie in undeclared {
            let room = state.undeclared.len() < SHARED_NAMES;
            match state.undeclared.get_mut(&cookie.name) {
                Some(kept) => merge_undeclared(kept, cookie),
                None if room => {
                    state.undeclared.insert(cookie.name.clone(), cookie.clone());
                }
                None => {
                    let counts = cookie.in_requests.saturating_add(cookie.in_responses);
                    state.dropped = state.dropped.saturating_add(counts);
                }
            }
        }
        let mut entries: Vec<SeenEntry> = state.seen.values().cloned().collect();
        entries.sort_by(|a, b| (a.first_seen, &a.pattern).cmp(&(b.first_seen, &b.pattern)));
        let mut names: Vec<UndeclaredCookie> = state.undeclared.values().cloned().collect();
        names.sort_by(|a, b| (a.first_seen, &a.name).cmp(&(b.first_seen, &b.name)));
        ready(Ok(Some(Shared::new(entries, names, state.dropped))))
    }

    fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> {
        let state = self.state();
        let ids: HashSet<ConsentId> = state.records.iter().map(|(_, r)| r.consent_id).collect();
        ready(Ok(Stats {
            records: state.records.len() as u64,
            consent_ids: ids.len() as u64,
            wordings: state.wordings.len() as u64,
            links: state.links.len() as u64,
            oldest: state.records.iter().map(|(_, r)| r.recorded_at).min(),
        }))
    }
}

/// Adds the counts of `more` to `kept`, and keeps the earlier first sighting.
fn merge_undeclared(kept: &mut UndeclaredCookie, more: &UndeclaredCookie) {
    kept.in_requests = kept.in_requests.saturating_add(more.in_requests);
    kept.in_responses = kept.in_responses.saturating_add(more.in_responses);
    if more.first_seen < kept.first_seen {
        kept.first_seen = more.first_seen;
        kept.first_path.clone_from(&more.first_path);
        kept.first_direction = more.first_direction;
    }
}
