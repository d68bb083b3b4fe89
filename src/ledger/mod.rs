//! The proof-of-consent ledger (feature `ledger`): every decision is written, and
//! committed, before its consent cookie is set.
//!
//! GDPR Art. 7(1) asks the site to demonstrate that a visitor consented, to what, when,
//! and on which wording. The signed consent cookie lives in the visitor's browser; the
//! ledger keeps the site's own copy: one [`Record`] per decision (consent id, time,
//! policy revision, granted categories, [`Action`], [`RecordSource`], banner language,
//! the hash of the [`Wording`] shown, page path, GPC, and — only when switched on — the
//! user agent and the client's network), and each distinct wording once.
//!
//! - **Stores**: [`MemoryStore`] (tests), `SqliteStore` (feature `sqlite`: one file,
//!   WAL), `PgStore` (feature `postgres`: a pool, for many instances), or your own
//!   [`LedgerStore`].
//! - **Grants wait, refusals do not**: a decision that grants a category the consent in
//!   force does not (a grant), made at the consent endpoint or by a
//!   [`Choice`](crate::Choice) a handler returns, is queued to one writer task per
//!   ledger, which writes every queued grant in one transaction (group commit); the
//!   request waits for that commit. If the store fails or the queue is full, the
//!   endpoint answers `503` and sets nothing, and a handler's `Choice` is not applied
//!   (its response goes out without a consent cookie; the failure is logged). Any
//!   other decision is a refusal: it is applied at once, whatever the store does, and
//!   its record waits in a bounded retry buffer until the store takes it
//!   ([`Ledger::retry_capacity`], [`Ledger::flush`]). Requests that record nothing
//!   never touch the ledger.
//! - **A bounded rate per client**: every path into the ledger takes a token from its
//!   client's bucket first ([`RateLimit`]: by default a burst of 100, then one a
//!   second per address); over it, `429` with `Retry-After`, and nothing is recorded.
//! - **One declaration for a fleet**: instances sharing a store share the catalog
//!   entries they see and their undeclared-cookie counts through it
//!   ([`LedgerStore::share`]), from a background task, never on a request's path.
//! - **Visitors** (under the endpoint prefix): `GET /_consent/records` returns the
//!   history of the browser's verified consent id as JSON (GDPR Art. 15, 20);
//!   `DELETE /_consent/records` erases it and withdraws consent (Art. 17).
//! - **Operators**: [`Ledger::history`], [`Ledger::export`], [`Ledger::erase`] by
//!   consent id or subject ([`Who`]), [`Ledger::link`] to tie a consent id to an
//!   account, [`Ledger::delete_expired`] and [`Ledger::continuously_delete_expired`]
//!   for retention (default [`DEFAULT_RETENTION`]).
//!
//! # Example
//!
//! ```
//! use axum::{routing::get, Router};
//! use tower_consent::ledger::{Ledger, MemoryStore, Who};
//! use tower_consent::ConsentLayer;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let ledger = Ledger::new(MemoryStore::new());
//! let consent = ConsentLayer::builder()
//!     .secret([42u8; 32])
//!     .analytics(["_ga", "_ga_*"])
//!     .ledger(ledger.clone())
//!     .build()?;
//! let app: Router = Router::new().route("/", get(|| async { "hi" })).layer(consent);
//!
//! // Later, answering a data-subject request:
//! let id = "AAAAAAAAAAAAAAAA".parse()?;
//! let export = ledger.export(&Who::Consent(id)).await?;
//! println!("{}", serde_json::to_string_pretty(&export)?);
//! # Ok(()) }
//! ```

mod batch;
mod client_ip;
mod entry;
mod error;
pub(crate) mod fleet;
mod limit;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod record;
mod retention;
mod retry;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod writer;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Serialize;

pub use self::client_ip::ClientIp;
pub(crate) use self::entry::{Capture, LedgerConfig, OptedIn, Recording};
pub use self::error::LedgerError;
use self::limit::Limiter;
pub(crate) use self::limit::{Client, ClientKey};
pub use self::limit::{
    RateLimit, DEFAULT_BURST, DEFAULT_MAX_CLIENTS, DEFAULT_PERIOD, NETWORK_SHARE,
};
pub use self::memory::MemoryStore;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use self::postgres::PgStore;
pub use self::record::{Action, Record, RecordSource, UnknownName, Wording};
pub use self::retention::DEFAULT_RETENTION;
use self::retry::Bound;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use self::sqlite::SqliteStore;
pub use self::store::{
    BoxFuture, HistoryPage, LedgerStore, SeenEntry, Shared, Stats, SHARED_NAMES,
};
use self::writer::{Pending, Writer};
use crate::ConsentId;

/// The default number of grants waiting for the writer before grants are refused with
/// `503`.
const DEFAULT_QUEUE: usize = 4096;
/// The default number of refusals that may wait in memory to be recorded.
const DEFAULT_RETRY: usize = 4096;

/// Whose records: a browser's consent id, or every consent id linked to a subject.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::Who;
///
/// let by_account = Who::Subject("account-1234".to_owned());
/// let by_browser = Who::Consent("AAAAAAAAAAAAAAAA".parse()?);
/// # Ok::<(), tower_consent::InvalidConsentId>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// One browser's consent id.
    Consent(ConsentId),
    /// Every consent id [linked](Ledger::link) to this subject.
    Subject(String),
}

/// Everything the ledger holds about someone: their records, oldest first, and the
/// wordings those records were made on.
///
/// # Example
///
/// ```
/// # async fn f(ledger: tower_consent::ledger::Ledger, id: tower_consent::ConsentId) -> Result<(), tower_consent::ledger::LedgerError> {
/// use tower_consent::ledger::Who;
///
/// let export = ledger.export(&Who::Consent(id)).await?;
/// for record in &export.records {
///     println!("{} {} {}", record.recorded_at, record.action, record.wording);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Export {
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The wordings the records name, each once.
    pub wordings: Vec<Wording>,
}

/// The proof-of-consent ledger: a store, the writer task that commits decisions to it,
/// and the operators' API. Give a clone to
/// [`ConsentLayerBuilder::ledger`](crate::ConsentLayerBuilder::ledger) and keep one for
/// data-subject requests and retention; clones share everything.
///
/// The writer task starts on the tokio runtime of the first request that records a
/// decision, and ends when the last clone is dropped. Serve every request from that
/// runtime: if it shuts down, the writer is gone and grants are refused with `503`
/// (refusals applied but not recorded) until a new `Ledger` is built.
///
/// See the [module documentation](self) for an example.
#[derive(Clone)]
pub struct Ledger {
    store: Arc<dyn LedgerStore>,
    writer: Arc<OnceLock<Writer>>,
    queue: usize,
    /// The places of refusals waiting to be recorded.
    retry: Arc<Bound>,
    retention: Duration,
    /// The rate limit per client, if on.
    rate_limit: Option<RateLimit>,
    /// Its state, shared by clones; `None` when off or when the limit is not valid.
    limiter: Option<Arc<Limiter>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("store", &self.store)
            .field("queue", &self.queue)
            .field("retry", &self.retry)
            .field("retention", &self.retention)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl Ledger {
    /// A ledger writing to `store`.
    ///
    /// ```
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let ledger = Ledger::new(MemoryStore::new());
    /// ```
    pub fn new(store: impl LedgerStore) -> Self {
        Self::from_arc(Arc::new(store))
    }

    /// A ledger writing to a shared store.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use tower_consent::ledger::{Ledger, LedgerStore, MemoryStore};
    /// let store: Arc<dyn LedgerStore> = Arc::new(MemoryStore::new());
    /// let ledger = Ledger::from_arc(store);
    /// ```
    pub fn from_arc(store: Arc<dyn LedgerStore>) -> Self {
        Self {
            store,
            writer: Arc::new(OnceLock::new()),
            queue: DEFAULT_QUEUE,
            retry: Arc::new(Bound::new(DEFAULT_RETRY)),
            retention: DEFAULT_RETENTION,
            rate_limit: None,
            limiter: None,
        }
        .rate_limit(RateLimit::default())
    }

    /// How fast one client may record decisions (and read its records): on by default
    /// with [`RateLimit::default`] (a burst of 100, then one a second per address);
    /// `None` turns it off. See [`RateLimit`] for who a client is, what a client over
    /// the limit gets, and the figures. A limit with a zero burst or period is refused
    /// by [`build`](crate::ConsentLayerBuilder::build).
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_consent::ledger::{Ledger, MemoryStore, RateLimit};
    /// let ledger = Ledger::new(MemoryStore::new())
    ///     .rate_limit(RateLimit::new(10, Duration::from_secs(5)));
    /// let unlimited = Ledger::new(MemoryStore::new()).rate_limit(None);
    /// ```
    pub fn rate_limit(mut self, limit: impl Into<Option<RateLimit>>) -> Self {
        self.rate_limit = limit.into();
        self.limiter = self
            .rate_limit
            .as_ref()
            .and_then(Limiter::new)
            .map(Arc::new);
        self
    }

    /// The rate limit if it is on and valid.
    pub(crate) fn limiter(&self) -> Option<&Arc<Limiter>> {
        self.limiter.as_ref()
    }

    /// The rate limit as set, valid or not.
    pub(crate) fn rate_limit_setting(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// How many grants may wait for the writer (default 4096); past that, grants are
    /// refused with `503` until the store catches up. Set it before the first request.
    ///
    /// ```
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let ledger = Ledger::new(MemoryStore::new()).queue_capacity(10_000);
    /// ```
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue = capacity;
        self
    }

    /// How many refusals may wait in memory to be recorded (default 4096, at most about
    /// 3 KB each): a refusal is applied at once whatever the store does, and its record
    /// waits in the retry buffer while the store fails. Past the bound a refusal is
    /// still applied but not recorded; it is counted (`metrics` feature:
    /// `tower_consent_ledger_refusals_unrecorded_total`) and logged at most once a
    /// minute. Set it before the first request.
    ///
    /// ```
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let ledger = Ledger::new(MemoryStore::new()).retry_capacity(50_000);
    /// ```
    pub fn retry_capacity(mut self, capacity: usize) -> Self {
        self.retry = Arc::new(Bound::new(capacity));
        self
    }

    /// How long records are kept (default [`DEFAULT_RETENTION`]): older ones go with
    /// [`delete_expired`](Self::delete_expired). Must not be zero (checked by
    /// [`build`](crate::ConsentLayerBuilder::build)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let ledger = Ledger::new(MemoryStore::new())
    ///     .retention(Duration::from_secs(5 * 365 * 24 * 3600));
    /// ```
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    pub(crate) fn retention_period(&self) -> Duration {
        self.retention
    }

    /// The store.
    ///
    /// ```
    /// # use tower_consent::ledger::{Ledger, MemoryStore};
    /// let ledger = Ledger::new(MemoryStore::new());
    /// println!("{:?}", ledger.store());
    /// ```
    pub fn store(&self) -> &Arc<dyn LedgerStore> {
        &self.store
    }

    /// The writer task, started on the current runtime if it is not running yet.
    fn writer(&self) -> Result<&Writer, LedgerError> {
        if let Some(writer) = self.writer.get() {
            return Ok(writer);
        }
        let writer = Writer::spawn(self.store.clone(), self.queue, self.retry.clone())?;
        // If another request started a writer first, this one's ends at once.
        Ok(self.writer.get_or_init(|| writer))
    }

    /// Queues a grant for the writer; the future resolves when it is committed.
    pub(crate) fn submit(&self, record: Record, wording: Arc<Wording>) -> Pending {
        match self.writer() {
            Ok(writer) => writer.submit(record, wording),
            Err(error) => Pending::failed(error),
        }
    }

    /// Hands a refusal's record to the writer, which writes it as soon as the store
    /// can; never waits. Past the retry bound, or without a writer, the record is
    /// counted as unrecorded.
    pub(crate) fn defer(&self, record: Record, wording: Arc<Wording>) {
        if !self.retry.reserve() {
            self.retry.unrecorded("the retry buffer is full");
            return;
        }
        let handed = match self.writer() {
            Ok(writer) => writer.defer(record, wording).is_ok(),
            Err(error) => {
                tracing::debug!(%error, "no ledger writer for a refusal");
                false
            }
        };
        if !handed {
            self.retry.release(1);
            self.retry
                .unrecorded("the ledger's writer task is not running");
        }
    }

    /// Waits until every refusal answered before the call is written to the store.
    /// Refusals are applied at once and recorded just after (or, while the store
    /// fails, as soon as it works again): call this on a graceful shutdown, after the
    /// server stopped taking requests, so that none is lost. Fails with the store's
    /// error if it cannot write them now; they stay waiting and are retried.
    ///
    /// Every read of the ledger ([`history`](Self::history), [`export`](Self::export),
    /// [`stats`](Self::stats), …) first gives the writer that chance, so that it sees
    /// every decision answered before it.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
    /// // axum::serve(listener, app).with_graceful_shutdown(signal).await?;
    /// ledger.flush().await?;
    /// # Ok(()) }
    /// ```
    pub async fn flush(&self) -> Result<(), LedgerError> {
        match self.writer.get() {
            Some(writer) => writer.flush().await,
            // No decision was ever handed over.
            None => Ok(()),
        }
    }

    /// Lets the writer write the refusals handed over so far before a read; if the
    /// store cannot take them, the read says what it holds.
    async fn settle(&self) {
        if let Err(error) = self.flush().await {
            tracing::debug!(%error, "reading the ledger with refusals not written yet");
        }
    }

    /// The records of `who`, oldest first.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
    /// use tower_consent::ledger::Who;
    /// let records = ledger.history(&Who::Subject("account-7".into())).await?;
    /// # Ok(()) }
    /// ```
    pub async fn history(&self, who: &Who) -> Result<Vec<Record>, LedgerError> {
        self.settle().await;
        self.store.history(who).await
    }

    /// At most `limit` records of `who` (at least one), oldest first, after the position
    /// `after` that the previous page's [`next`](HistoryPage::next) gave (`None`: from the
    /// first record). Reads only the page, however long the history.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger, id: tower_consent::ConsentId) -> Result<(), tower_consent::ledger::LedgerError> {
    /// use tower_consent::ledger::Who;
    /// let first = ledger.history_page(&Who::Consent(id), None, 100).await?;
    /// if let Some(next) = first.next {
    ///     let second = ledger.history_page(&Who::Consent(id), Some(next), 100).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn history_page(
        &self,
        who: &Who,
        after: Option<u64>,
        limit: usize,
    ) -> Result<HistoryPage, LedgerError> {
        self.settle().await;
        self.store.history_page(who, after, limit.max(1)).await
    }

    /// The records of `who` and the wordings they were made on: the answer to an
    /// access or portability request (GDPR Art. 15, 20). Serialize it with serde.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), Box<dyn std::error::Error>> {
    /// use tower_consent::ledger::Who;
    /// let export = ledger.export(&Who::Subject("account-7".into())).await?;
    /// let json = serde_json::to_string_pretty(&export)?;
    /// # Ok(()) }
    /// ```
    pub async fn export(&self, who: &Who) -> Result<Export, LedgerError> {
        let records = self.history(who).await?;
        let wordings = self.wordings_of(&records).await?;
        Ok(Export { records, wordings })
    }

    /// The wordings `records` name, each once.
    pub(crate) async fn wordings_of(
        &self,
        records: &[Record],
    ) -> Result<Vec<Wording>, LedgerError> {
        let mut hashes: Vec<String> = records.iter().map(|r| r.wording.clone()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        self.store.wordings(&hashes).await
    }

    /// Deletes the records of `who` (GDPR Art. 17); returns how many went. The refusals
    /// waiting to be written are written first, so that none of `who`'s is written
    /// after the erasure; if the store cannot take them, nothing is erased.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
    /// use tower_consent::ledger::Who;
    /// let erased = ledger.erase(&Who::Subject("account-7".into())).await?;
    /// # Ok(()) }
    /// ```
    pub async fn erase(&self, who: &Who) -> Result<u64, LedgerError> {
        match self.flush().await {
            // Without a writer task, nothing waits any more.
            Ok(()) | Err(LedgerError::WriterGone) => self.store.erase(who).await,
            Err(error) => Err(error),
        }
    }

    /// Links a browser's consent id to a subject (an account id), so the subject's
    /// requests find its records. Call it when a visitor signs in, with
    /// [`Consent::id`](crate::Consent::id).
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger, consent: tower_consent::Consent) -> Result<(), tower_consent::ledger::LedgerError> {
    /// if let Some(id) = consent.id() {
    ///     ledger.link(id, "account-7").await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn link(&self, id: ConsentId, subject: &str) -> Result<(), LedgerError> {
        self.store.link(id, subject).await
    }

    /// Counts what the store holds.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
    /// println!("{} records", ledger.stats().await?.records);
    /// # Ok(()) }
    /// ```
    pub async fn stats(&self) -> Result<Stats, LedgerError> {
        self.settle().await;
        self.store.stats().await
    }
}
