//! The writer task: one per ledger, the only one that writes decisions to the store.
//!
//! - **Grants** wait for their commit. They come through a bounded queue; the writer
//!   takes every one waiting (group commit), writes them in one transaction and tells
//!   each request its outcome. A full queue refuses a grant at once: waiting would only
//!   make every request slower.
//! - **Refusals** never wait. Their records are handed over without a bound on the
//!   channel but under the ledger's [`Bound`], and wait in the writer's
//!   [`RetryBuffer`] until written, before any grant handed over after them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::{mpsc, oneshot};

use super::batch::{distinct_wordings, MAX_BATCH};
use super::retry::{Bound, RetryBuffer};
use super::store::LedgerStore;
use super::{LedgerError, Record, Wording};

/// One grant waiting to be written, and who waits for it.
struct Job {
    record: Record,
    wording: Arc<Wording>,
    done: oneshot::Sender<Result<(), LedgerError>>,
}

/// What requests and the operators' calls hand to the writer besides grants.
enum Handover {
    /// A refusal's record, already applied: written when the store can.
    Refusal(Record, Arc<Wording>),
    /// A [`flush`](Writer::flush): answered once the refusals handed over before it
    /// are written.
    Flush(oneshot::Sender<Result<(), LedgerError>>),
}

/// The sending side of a writer task's channels.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
    handover: mpsc::UnboundedSender<Handover>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("consent_id", &self.record.consent_id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Handover::Refusal(record, _) => {
                f.debug_tuple("Refusal").field(&record.consent_id).finish()
            }
            Handover::Flush(_) => f.write_str("Flush"),
        }
    }
}

/// A refusal the writer task is gone for: its record is handed back.
#[derive(Debug)]
pub(crate) struct Gone;

impl Writer {
    /// Starts a writer task for `store` on the current tokio runtime, with a queue of
    /// `capacity` grants; the task gives `bound`'s places back as it writes refusals.
    pub(crate) fn spawn(
        store: Arc<dyn LedgerStore>,
        capacity: usize,
        bound: Arc<Bound>,
    ) -> Result<Self, LedgerError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| LedgerError::NoRuntime)?;
        let (queue, grants) = mpsc::channel(capacity.max(1));
        let (handover, handed) = mpsc::unbounded_channel();
        runtime.spawn(run(store, grants, handed, bound));
        Ok(Self { queue, handover })
    }

    /// Queues a grant's `record`; the returned future resolves once it is committed. A
    /// full queue fails at once.
    pub(crate) fn submit(&self, record: Record, wording: Arc<Wording>) -> Pending {
        let (done, receiver) = oneshot::channel();
        let job = Job {
            record,
            wording,
            done,
        };
        match self.queue.try_send(job) {
            Ok(()) => Pending(Ok(receiver)),
            Err(mpsc::error::TrySendError::Full(_)) => Pending::failed(LedgerError::Saturated),
            Err(mpsc::error::TrySendError::Closed(_)) => Pending::failed(LedgerError::WriterGone),
        }
    }

    /// Hands over a refusal's record, for which the caller took a place of the bound.
    /// Never waits.
    pub(crate) fn defer(&self, record: Record, wording: Arc<Wording>) -> Result<(), Gone> {
        self.handover
            .send(Handover::Refusal(record, wording))
            .map_err(|_| Gone)
    }

    /// Resolves once the refusals handed over before the call are written, or with the
    /// store's error if the writer's attempt fails (they stay waiting).
    pub(crate) async fn flush(&self) -> Result<(), LedgerError> {
        let (done, receiver) = oneshot::channel();
        self.handover
            .send(Handover::Flush(done))
            .map_err(|_| LedgerError::WriterGone)?;
        receiver.await.unwrap_or(Err(LedgerError::WriterGone))
    }
}

/// A grant's write: resolves once it is committed, or failed.
#[derive(Debug)]
pub(crate) struct Pending(Result<oneshot::Receiver<Result<(), LedgerError>>, Option<LedgerError>>);

impl Pending {
    pub(crate) fn failed(error: LedgerError) -> Self {
        Self(Err(Some(error)))
    }
}

impl Future for Pending {
    type Output = Result<(), LedgerError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Ok(receiver) => Pin::new(receiver)
                .poll(cx)
                .map(|result| result.unwrap_or(Err(LedgerError::WriterGone))),
            Err(error) => Poll::Ready(Err(error.take().unwrap_or(LedgerError::WriterGone))),
        }
    }
}

/// The writer task. Waits for grants, refusals, flushes or the end of a backoff; takes
/// every refusal handed over so far into the retry buffer and writes the buffer when it
/// should, then the grants taken (up to [`MAX_BATCH`]) in one transaction, telling each
/// its outcome. Ends when every [`Writer`] is dropped, after a last attempt at the
/// refusals still waiting.
async fn run(
    store: Arc<dyn LedgerStore>,
    mut grants: mpsc::Receiver<Job>,
    mut handed: mpsc::UnboundedReceiver<Handover>,
    bound: Arc<Bound>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut handovers = Vec::new();
    let mut retry = RetryBuffer::default();
    let (mut grants_open, mut handed_open) = (true, true);
    while grants_open || handed_open {
        // Wait for a handover, a grant, or the end of the retry buffer's backoff.
        let mut due = std::pin::pin!(retry.due().map(tokio::time::sleep_until));
        std::future::poll_fn(|cx| {
            if handed_open {
                if let Poll::Ready(count) = handed.poll_recv_many(cx, &mut handovers, MAX_BATCH) {
                    handed_open = count > 0;
                    return Poll::Ready(());
                }
            }
            if grants_open {
                if let Poll::Ready(count) = grants.poll_recv_many(cx, &mut jobs, MAX_BATCH) {
                    grants_open = count > 0;
                    return Poll::Ready(());
                }
            }
            match due.as_mut().as_pin_mut() {
                Some(sleep) => sleep.poll(cx),
                None => Poll::Pending,
            }
        })
        .await;
        // Refusals handed over before the grants just taken are written first.
        while let Ok(handover) = handed.try_recv() {
            handovers.push(handover);
        }
        for handover in handovers.drain(..) {
            match handover {
                Handover::Refusal(record, wording) => retry.push(record, wording),
                Handover::Flush(done) => retry.flush_when_written(done),
            }
        }
        if retry.should_write(!jobs.is_empty()) {
            retry.write(&*store, &bound).await;
        }
        if !jobs.is_empty() && commit(&*store, &mut jobs).await {
            retry.retry_now();
        }
    }
    if retry.len() > 0 {
        retry.write(&*store, &bound).await;
        if retry.len() > 0 {
            tracing::error!(
                unrecorded = retry.len(),
                "the ledger stopped while the store failed: these refusals were applied but \
                 are not recorded"
            );
        }
    }
}

/// Writes the grants `jobs` in one transaction and tells each its outcome; `true` if
/// it committed.
async fn commit(store: &dyn LedgerStore, jobs: &mut Vec<Job>) -> bool {
    let wordings = distinct_wordings(jobs.iter().map(|job| &job.wording));
    let mut waiting = Vec::with_capacity(jobs.len());
    let records: Vec<Record> = jobs
        .drain(..)
        .map(|job| {
            waiting.push(job.done);
            job.record
        })
        .collect();
    let result = store.append(&records, &wordings).await;
    match &result {
        Ok(()) => tracing::trace!(records = records.len(), "ledger batch committed"),
        Err(error) => {
            tracing::error!(records = records.len(), %error, "ledger batch failed; its grants are not applied");
        }
    }
    for done in waiting {
        // A request that gave up waiting is no error of the batch.
        let _ = done.send(result.clone());
    }
    result.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::store::{BoxFuture, HistoryPage, Stats};
    use crate::ledger::{Action, MemoryStore, RecordSource, Who};
    use crate::ConsentId;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// Counts batches; blocks each one until released, so a queue can fill up; fails
    /// every write while it is down.
    #[derive(Debug)]
    struct Gated {
        inner: MemoryStore,
        batches: AtomicUsize,
        gate: tokio::sync::Semaphore,
        down: AtomicBool,
    }

    impl Gated {
        fn new(permits: usize) -> Self {
            Self {
                inner: MemoryStore::new(),
                batches: AtomicUsize::new(0),
                gate: tokio::sync::Semaphore::new(permits),
                down: AtomicBool::new(false),
            }
        }
    }

    impl LedgerStore for Gated {
        fn append<'a>(
            &'a self,
            records: &'a [Record],
            wordings: &'a [Wording],
        ) -> BoxFuture<'a, Result<(), LedgerError>> {
            Box::pin(async move {
                let permit = self.gate.acquire().await.map_err(LedgerError::store)?;
                permit.forget();
                if self.down.load(Ordering::SeqCst) {
                    return Err(LedgerError::store(std::io::Error::other("down")));
                }
                self.batches.fetch_add(1, Ordering::SeqCst);
                self.inner.append(records, wordings).await
            })
        }
        fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> {
            self.inner.history(who)
        }
        fn history_page<'a>(
            &'a self,
            who: &'a Who,
            after: Option<u64>,
            limit: usize,
        ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> {
            self.inner.history_page(who, after, limit)
        }
        fn wordings<'a>(
            &'a self,
            hashes: &'a [String],
        ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> {
            self.inner.wordings(hashes)
        }
        fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> {
            self.inner.erase(who)
        }
        fn link<'a>(
            &'a self,
            id: ConsentId,
            subject: &'a str,
        ) -> BoxFuture<'a, Result<(), LedgerError>> {
            self.inner.link(id, subject)
        }
        fn delete_before(
            &self,
            before: time::OffsetDateTime,
        ) -> BoxFuture<'_, Result<u64, LedgerError>> {
            self.inner.delete_before(before)
        }
        fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> {
            self.inner.stats()
        }
    }

    fn record() -> Record {
        Record {
            consent_id: ConsentId::random().unwrap(),
            recorded_at: time::OffsetDateTime::UNIX_EPOCH,
            revision: 1,
            granted: vec!["necessary".into()],
            action: Action::RejectAll,
            source: RecordSource::Api,
            language: "en".into(),
            wording: "w".into(),
            page: None,
            gpc: false,
            regime: crate::Regime::OptIn,
            region: None,
            user_agent: None,
            ip: None,
        }
    }

    #[tokio::test]
    async fn concurrent_decisions_share_a_transaction_and_a_full_queue_refuses() {
        let store = Arc::new(Gated::new(0));
        let writer = Writer::spawn(store.clone(), 4, Arc::new(Bound::new(16))).unwrap();
        let wording = Arc::new(Wording::new("en", "{}"));
        // The first batch takes one job and blocks in the store.
        let first = writer.submit(record(), wording.clone());
        // Until the writer task has taken it off the queue.
        while writer.queue.capacity() < 4 {
            tokio::task::yield_now().await;
        }
        let queued: Vec<Pending> = (0..4)
            .map(|_| writer.submit(record(), wording.clone()))
            .collect();
        let refused = writer.submit(record(), wording.clone()).await;
        assert!(
            matches!(refused, Err(LedgerError::Saturated)),
            "{refused:?}"
        );
        store.gate.add_permits(2);
        first.await.unwrap();
        for pending in queued {
            pending.await.unwrap();
        }
        assert_eq!(
            store.batches.load(Ordering::SeqCst),
            2,
            "one batch for the four queued"
        );
        assert_eq!(store.stats().await.unwrap().records, 5);
        assert_eq!(store.stats().await.unwrap().wordings, 1);
    }

    /// Issue 21, finding 12: refusals never wait; while the store fails they stay in the
    /// retry buffer, holding their places of the bound, and once it works they are
    /// written before the grants handed over after them.
    #[tokio::test]
    async fn refusals_wait_for_a_failing_store_and_go_before_later_grants() {
        let store = Arc::new(Gated::new(tokio::sync::Semaphore::MAX_PERMITS));
        let bound = Arc::new(Bound::new(3));
        let writer = Writer::spawn(store.clone(), 4, bound.clone()).unwrap();
        let wording = Arc::new(Wording::new("en", "{}"));
        let refusal = |action| Record { action, ..record() };
        store.down.store(true, Ordering::SeqCst);
        let refusals = [refusal(Action::RejectAll), refusal(Action::Withdraw)];
        for record in refusals.clone() {
            assert!(bound.reserve());
            writer.defer(record, wording.clone()).unwrap();
        }
        assert!(writer.flush().await.is_err(), "the store is down");
        let grant = Record {
            action: Action::AcceptAll,
            ..record()
        };
        assert!(writer.submit(grant.clone(), wording.clone()).await.is_err());
        assert!(bound.reserve(), "one place is left");
        assert!(
            !bound.reserve(),
            "two refusals wait, one place was just taken"
        );
        bound.release(1);

        store.down.store(false, Ordering::SeqCst);
        writer.submit(grant.clone(), wording.clone()).await.unwrap();
        for record in refusals.iter().chain([&grant]) {
            store.inner.link(record.consent_id, "all").await.unwrap();
        }
        let written = store.inner.history(&Who::Subject("all".into())).await;
        assert_eq!(
            written.unwrap(),
            [refusals[0].clone(), refusals[1].clone(), grant],
            "the refusals, then the grant"
        );
        writer.flush().await.unwrap();
        for _ in 0..3 {
            assert!(bound.reserve(), "written refusals gave their places back");
        }
    }
}
