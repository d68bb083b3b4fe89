//! The retry buffer: the records of refusals, which are applied before they are
//! recorded, wait here until the store has committed them.
//!
//! Refusing must never be harder than consenting, so a refusal (see
//! [`Consent::is_refusal`](crate::Consent::is_refusal)) is applied at once, whatever the
//! store does, and its record is handed to the writer task. The writer keeps it in a
//! [`RetryBuffer`] until the store commits it: at once while the store works, again
//! with backoff ([`FIRST_RETRY`] doubling to [`LAST_RETRY`]) while it fails, and always
//! before the grants handed over after it. No request ever waits for it.
//!
//! Memory is bounded by [`Bound`]: at most `retry_capacity` refusals wait at a time.
//! Past that a refusal is still applied but not recorded; it is counted
//! (`tower_consent_ledger_refusals_unrecorded_total`) and logged, at most once a minute
//! with the number since the last message. Records still waiting when the process ends
//! are lost: [`Ledger::flush`](super::Ledger::flush) waits for them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::batch::{distinct_wordings, MAX_BATCH};
use super::store::LedgerStore;
use super::{LedgerError, Record, Wording};
use crate::consent::unix_now;

/// The wait after a first failed write of waiting refusals.
pub(crate) const FIRST_RETRY: Duration = Duration::from_millis(100);
/// The longest wait between two attempts while the store keeps failing.
pub(crate) const LAST_RETRY: Duration = Duration::from_secs(30);
/// The shortest time between two messages about refusals left unrecorded.
const LOG_INTERVAL: u64 = 60;

/// How many refusals wait to be recorded, shared by a ledger's handles and its writer
/// task: requests take a place without a lock, the writer gives places back as it
/// writes.
#[derive(Debug)]
pub(crate) struct Bound {
    waiting: AtomicUsize,
    capacity: usize,
    /// Refusals left unrecorded since the last message.
    unrecorded: AtomicU64,
    /// When (Unix seconds) the next message may be logged.
    next_log: AtomicU64,
}

impl Bound {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            waiting: AtomicUsize::new(0),
            capacity,
            unrecorded: AtomicU64::new(0),
            next_log: AtomicU64::new(0),
        }
    }

    /// Takes a place for one refusal's record; `false` when every place is taken.
    pub(crate) fn reserve(&self) -> bool {
        self.waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waiting| {
                (waiting < self.capacity).then_some(waiting + 1)
            })
            .is_ok()
    }

    /// Gives back the places of `count` records that were written (or will never be).
    pub(crate) fn release(&self, count: usize) {
        self.waiting.fetch_sub(count, Ordering::AcqRel);
    }

    /// Counts a refusal applied without a record (`why`), and logs how many there were
    /// since the last message, at most once a [`LOG_INTERVAL`].
    pub(crate) fn unrecorded(&self, why: &'static str) {
        crate::metrics::refusal_unrecorded();
        self.unrecorded.fetch_add(1, Ordering::Relaxed);
        let now = unix_now();
        let due = self.next_log.load(Ordering::Relaxed);
        if now < due
            || self
                .next_log
                .compare_exchange(
                    due,
                    now + LOG_INTERVAL,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        let unrecorded = self.unrecorded.swap(0, Ordering::Relaxed);
        tracing::warn!(
            unrecorded,
            capacity = self.capacity,
            why,
            "refusals were applied but not recorded in the ledger"
        );
    }
}

/// The writer task's refusals waiting for the store, in the order they were handed
/// over, and the [`flush`](super::Ledger::flush) calls waiting for them.
#[derive(Debug, Default)]
pub(crate) struct RetryBuffer {
    waiting: VecDeque<(Record, Arc<Wording>)>,
    /// Records ever handed over, and ever written: positions in the stream of refusals.
    handed: u64,
    written: u64,
    /// Each flush, with the position it waits for.
    flushes: Vec<(u64, oneshot::Sender<Result<(), LedgerError>>)>,
    /// Set while the store fails: the wait before the next attempt, and when it ends.
    backoff: Option<(Duration, Instant)>,
}

impl RetryBuffer {
    /// Keeps a refusal's record until it is written.
    pub(crate) fn push(&mut self, record: Record, wording: Arc<Wording>) {
        self.waiting.push_back((record, wording));
        self.handed += 1;
    }

    /// Answers `done` once every record handed over so far is written, or with the
    /// store's error if an attempt to write them fails first.
    pub(crate) fn flush_when_written(&mut self, done: oneshot::Sender<Result<(), LedgerError>>) {
        self.flushes.push((self.handed, done));
    }

    /// How many records wait.
    pub(crate) fn len(&self) -> usize {
        self.waiting.len()
    }

    /// When to try again unprompted: while records wait after a failed attempt.
    pub(crate) fn due(&self) -> Option<Instant> {
        match self.backoff {
            Some((_, due)) if !self.waiting.is_empty() => Some(due),
            _ => None,
        }
    }

    /// Whether to write now: a flush waits, or records wait and either the store
    /// worked last time, the backoff is over, or grants are about to be written (the
    /// refusals handed over before them go first).
    pub(crate) fn should_write(&self, grants_waiting: bool) -> bool {
        !self.flushes.is_empty()
            || (!self.waiting.is_empty()
                && (grants_waiting || self.backoff.is_none_or(|(_, due)| due <= Instant::now())))
    }

    /// The store just committed something else: waiting records are tried at once.
    pub(crate) fn retry_now(&mut self) {
        if let Some((_, due)) = &mut self.backoff {
            *due = Instant::now();
        }
    }

    /// Writes the waiting records, oldest first, [`MAX_BATCH`] per transaction, until
    /// none is left or the store fails; then the backoff grows, and the flushes waiting
    /// get the error.
    pub(crate) async fn write(&mut self, store: &dyn LedgerStore, bound: &Bound) {
        while !self.waiting.is_empty() {
            let count = self.waiting.len().min(MAX_BATCH);
            let (records, wordings): (Vec<Record>, Vec<Arc<Wording>>) =
                self.waiting.drain(..count).unzip();
            match store.append(&records, &distinct_wordings(&wordings)).await {
                Ok(()) => {
                    self.written += count as u64;
                    bound.release(count);
                    self.backoff = None;
                    self.answer_flushes();
                }
                Err(error) => {
                    for entry in records.into_iter().zip(wordings).rev() {
                        self.waiting.push_front(entry);
                    }
                    let delay = self
                        .backoff
                        .map_or(FIRST_RETRY, |(delay, _)| (delay * 2).min(LAST_RETRY));
                    self.backoff = Some((delay, Instant::now() + delay));
                    tracing::warn!(
                        %error,
                        waiting = self.waiting.len(),
                        retry_in = ?delay,
                        "refusals (applied) not recorded in the ledger yet; retrying"
                    );
                    for (_, done) in self.flushes.drain(..) {
                        let _ = done.send(Err(error.clone()));
                    }
                    return;
                }
            }
        }
        self.answer_flushes();
    }

    /// Answers the flushes whose records are all written.
    fn answer_flushes(&mut self) {
        let written = self.written;
        let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition(|(until, _)| *until <= written);
        self.flushes = waiting;
        for (_, done) in done {
            let _ = done.send(Ok(()));
        }
    }
}
