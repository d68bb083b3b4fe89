//! Group commit: one writer task per ledger takes the decisions waiting in a bounded
//! queue and writes them in one transaction; each request waits for its own commit.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::{mpsc, oneshot};

use super::store::LedgerStore;
use super::{LedgerError, Record, Wording};

/// The most decisions written in one transaction.
const MAX_BATCH: usize = 512;

/// One decision waiting to be written, and who waits for it.
struct Job {
    record: Record,
    wording: Arc<Wording>,
    done: oneshot::Sender<Result<(), LedgerError>>,
}

/// The sending side of a writer task's queue.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    queue: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("consent_id", &self.record.consent_id)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts a writer task for `store` on the current tokio runtime, with a queue of
    /// `capacity` decisions.
    pub(crate) fn spawn(store: Arc<dyn LedgerStore>, capacity: usize) -> Result<Self, LedgerError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| LedgerError::NoRuntime)?;
        let (queue, receiver) = mpsc::channel(capacity.max(1));
        runtime.spawn(run(store, receiver));
        Ok(Self { queue })
    }

    /// Queues `record`; the returned future resolves once it is committed. A full queue
    /// fails at once: waiting would only make every request slower.
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
}

/// A decision's write: resolves once it is committed, or failed.
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

/// The writer task: waits for a decision, takes every other one already queued (up to
/// [`MAX_BATCH`]), writes them in one transaction and tells each its outcome. Ends when
/// every [`Writer`] is dropped.
async fn run(store: Arc<dyn LedgerStore>, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut records = Vec::with_capacity(MAX_BATCH);
    let mut wordings: Vec<Wording> = Vec::new();
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        for job in jobs.drain(..) {
            if !wordings.iter().any(|w| w.hash == job.wording.hash) {
                wordings.push(Wording::clone(&job.wording));
            }
            records.push(job.record);
            waiting.push(job.done);
        }
        let result = store.append(&records, &wordings).await;
        match &result {
            Ok(()) => tracing::trace!(records = records.len(), "ledger batch committed"),
            Err(error) => {
                tracing::error!(records = records.len(), %error, "ledger batch failed; its choices are not applied");
            }
        }
        for done in waiting.drain(..) {
            // A request that gave up waiting is no error of the batch.
            let _ = done.send(result.clone());
        }
        records.clear();
        wordings.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::store::{BoxFuture, HistoryPage, Stats};
    use crate::ledger::{Action, MemoryStore, RecordSource, Who};
    use crate::ConsentId;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts batches; blocks each one until released, so a queue can fill up.
    #[derive(Debug)]
    struct Gated {
        inner: MemoryStore,
        batches: AtomicUsize,
        gate: tokio::sync::Semaphore,
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
            user_agent: None,
            ip: None,
        }
    }

    #[tokio::test]
    async fn concurrent_decisions_share_a_transaction_and_a_full_queue_refuses() {
        let store = Arc::new(Gated {
            inner: MemoryStore::new(),
            batches: AtomicUsize::new(0),
            gate: tokio::sync::Semaphore::new(0),
        });
        let writer = Writer::spawn(store.clone(), 4).unwrap();
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
}
