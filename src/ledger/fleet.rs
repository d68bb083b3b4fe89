//! The ledger's housekeeping task: one per layer with a ledger, every [`TICK`], never on
//! a request's path.
//!
//! - **One declaration and one report for the fleet.** Instances of an app behind a
//!   load balancer share one ledger store. Each tick, the task writes to the store what
//!   this instance saw since the last tick: the catalog entries it lists now (once
//!   each; the store keeps one row per entry for the whole fleet) and the growth of its undeclared-cookie counts; it reads back
//!   what every instance has seen, and lists those entries here too (the bound on
//!   entries listed from requests alone, `MAX_FROM_REQUESTS`, applies to the fleet as
//!   it does to one instance: every entry the app set, then the earliest entries seen
//!   in requests only). An entry one instance sees is in every instance's declaration
//!   within two ticks. A store that does not share (the default of
//!   [`LedgerStore::share`]) leaves both per process; the task then only keeps the
//!   rate limiter's memory in check.
//! - **The rate limiter's memory**: clients whose bucket is full again are forgotten.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use time::OffsetDateTime;

use super::limit::Limiter;
use super::store::{LedgerStore, SeenEntry};
use crate::classify::{known_trackers, Sightings, UndeclaredNames, MAX_FROM_REQUESTS, SLOTS};
use crate::CookieReport;

/// How often the task runs: an entry one instance sees is listed by every instance
/// within two ticks (the first writes it, the second reads it).
pub(crate) const TICK: Duration = Duration::from_secs(4);

/// A layer's housekeeping: what it needs, and whether its task runs.
#[derive(Debug)]
pub(crate) struct Fleet {
    store: Arc<dyn LedgerStore>,
    sightings: Weak<Sightings>,
    undeclared: Weak<UndeclaredNames>,
    limiter: Option<Weak<Limiter>>,
    started: OnceLock<()>,
}

impl Fleet {
    /// The housekeeping of a layer whose classifier holds `sightings` and `undeclared`,
    /// sharing through `store`.
    pub(crate) fn new(
        store: Arc<dyn LedgerStore>,
        sightings: &Arc<Sightings>,
        undeclared: &Arc<UndeclaredNames>,
        limiter: Option<&Arc<Limiter>>,
    ) -> Self {
        Self {
            store,
            sightings: Arc::downgrade(sightings),
            undeclared: Arc::downgrade(undeclared),
            limiter: limiter.map(Arc::downgrade),
            started: OnceLock::new(),
        }
    }

    /// Starts the task on the current tokio runtime unless it runs (or there is no
    /// runtime: then the next call tries again). One atomic load once it runs.
    #[inline]
    pub(crate) fn start(&self) {
        if self.started.get().is_none() {
            self.spawn();
        }
    }

    #[cold]
    fn spawn(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.started.set(()).is_err() {
            return;
        }
        let task = Task {
            store: self.store.clone(),
            sightings: self.sightings.clone(),
            undeclared: self.undeclared.clone(),
            limiter: self.limiter.clone(),
            catalog: known_trackers()
                .iter()
                .enumerate()
                .map(|(index, known)| (known.pattern, index))
                .collect(),
            sharing: true,
            failing: false,
        };
        runtime.spawn(task.run());
    }
}

/// The task's state.
struct Task {
    store: Arc<dyn LedgerStore>,
    sightings: Weak<Sightings>,
    undeclared: Weak<UndeclaredNames>,
    limiter: Option<Weak<Limiter>>,
    /// The catalog's entries by pattern.
    catalog: HashMap<&'static str, usize>,
    /// Whether the store shares (until it says it does not).
    sharing: bool,
    /// Whether the last exchange failed (logged once until it works again).
    failing: bool,
}

impl Task {
    /// Runs every [`TICK`] until the layer is dropped.
    async fn run(mut self) {
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let (Some(sightings), Some(undeclared)) =
                (self.sightings.upgrade(), self.undeclared.upgrade())
            else {
                return;
            };
            if let Some(limiter) = self.limiter.as_ref().and_then(Weak::upgrade) {
                limiter.sweep();
            }
            if self.sharing {
                self.exchange(&sightings, &undeclared).await;
            }
        }
    }

    /// Writes what this instance saw since the last exchange, and takes what the fleet
    /// has seen.
    async fn exchange(&mut self, sightings: &Sightings, undeclared: &UndeclaredNames) {
        let now = OffsetDateTime::now_utc();
        let unshared = sightings.unshared();
        let seen: Vec<SeenEntry> = unshared
            .iter()
            .filter_map(|&(index, by_app)| {
                let known = known_trackers().get(index)?;
                Some(SeenEntry::new(known.pattern, by_app, now))
            })
            .collect();
        let (grown, dropped) = undeclared.unshared();
        let (grown, cookies): (Vec<_>, Vec<_>) = grown.into_iter().unzip();
        let shared = self.store.share(&seen, &cookies, dropped).await;
        let shared = match shared {
            Ok(Some(shared)) => shared,
            Ok(None) => {
                tracing::debug!("the ledger store does not share sightings: they stay per process");
                self.sharing = false;
                return;
            }
            Err(error) => {
                if !self.failing {
                    tracing::warn!(
                        %error,
                        "sharing the cookie declaration's sightings and the report through \
                         the ledger store failed; retrying every few seconds"
                    );
                }
                self.failing = true;
                return;
            }
        };
        if std::mem::take(&mut self.failing) {
            tracing::info!("sharing sightings through the ledger store works again");
        }
        for (index, _) in unshared {
            sightings.shared(index);
        }
        for index in listed(&self.catalog, shared.entries) {
            sightings.list_shared(index);
        }
        let mut report = CookieReport {
            cookies: shared.undeclared,
            capacity: SLOTS,
            dropped: shared.dropped,
        };
        report.cookies.truncate(SLOTS);
        undeclared.set_fleet(grown, dropped, report);
    }
}

/// The catalog indexes of the fleet's entries the declaration lists: every one the app
/// set, and the earliest [`MAX_FROM_REQUESTS`] seen in requests only. Patterns this
/// build's catalog does not have (another version's) are left out.
fn listed(catalog: &HashMap<&'static str, usize>, mut entries: Vec<SeenEntry>) -> Vec<usize> {
    entries.sort_by(|a, b| (a.first_seen, &a.pattern).cmp(&(b.first_seen, &b.pattern)));
    let mut from_requests = 0;
    entries
        .into_iter()
        .filter(|entry| {
            if entry.by_app {
                return true;
            }
            from_requests += 1;
            from_requests <= MAX_FROM_REQUESTS
        })
        .filter_map(|entry| catalog.get(entry.pattern.as_str()).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_lists_what_the_app_set_and_the_earliest_entries_of_requests() {
        let catalog: HashMap<&'static str, usize> = (0..MAX_FROM_REQUESTS + 10)
            .map(|n| (&*Box::leak(format!("e{n}").into_boxed_str()), n))
            .collect();
        let at = |secs| OffsetDateTime::from_unix_timestamp(secs).unwrap();
        // Requests only, newest first; one set by the app, the newest of all; one
        // pattern of another catalog.
        let mut entries: Vec<SeenEntry> = (0..MAX_FROM_REQUESTS + 5)
            .map(|n| SeenEntry::new(format!("e{n}"), false, at(1000 - n as i64)))
            .collect();
        entries.push(SeenEntry::new(
            format!("e{}", MAX_FROM_REQUESTS + 9),
            true,
            at(2000),
        ));
        entries.push(SeenEntry::new("not-in-this-catalog", true, at(0)));
        let mut found = listed(&catalog, entries);
        found.sort_unstable();
        let mut expected: Vec<usize> = (5..MAX_FROM_REQUESTS + 5).collect();
        expected.push(MAX_FROM_REQUESTS + 9);
        assert_eq!(
            found, expected,
            "the earliest 64 of requests, and the app's"
        );
    }
}
