//! [`LedgerStore`]: where the ledger keeps records; implement it for another database.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use time::OffsetDateTime;

use super::{LedgerError, Record, Who, Wording};
use crate::{ConsentId, UndeclaredCookie};

/// A boxed, sendable future, as the store's methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How many records and wordings a store holds.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::Stats;
///
/// let stats = Stats::default();
/// assert_eq!(stats.records, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Records in all.
    pub records: u64,
    /// Distinct consent ids.
    pub consent_ids: u64,
    /// Distinct wordings.
    pub wordings: u64,
    /// Consent ids linked to a subject.
    pub links: u64,
    /// The oldest record's time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub oldest: Option<OffsetDateTime>,
}

/// One page of a history: at most the records asked for, oldest first, and where the
/// next page starts.
///
/// # Example
///
/// ```
/// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
/// use tower_consent::ledger::Who;
///
/// let who = Who::Subject("account-7".into());
/// let mut after = None;
/// loop {
///     let page = ledger.history_page(&who, after, 100).await?;
///     for record in &page.records {
///         println!("{} {}", record.recorded_at, record.action);
///     }
///     match page.next {
///         Some(next) => after = Some(next),
///         None => break,
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryPage {
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The position of the page's last record when more records follow it: pass it as
    /// `after` for the next page. `None` on the last page.
    pub next: Option<u64>,
}

/// A catalog entry (a [`KnownCookie`](crate::KnownCookie) of
/// [`known_trackers`](crate::known_trackers), by its pattern) that an instance of the
/// app was seen to use, so that the cookie declaration lists it.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::SeenEntry;
///
/// let seen = SeenEntry::new("_ga", true, time::OffsetDateTime::UNIX_EPOCH);
/// assert!(seen.by_app);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeenEntry {
    /// The entry's pattern, e.g. `_ga_*`.
    pub pattern: String,
    /// Whether the app set a cookie of it (else browsers were seen to send one).
    pub by_app: bool,
    /// When it was first seen.
    pub first_seen: OffsetDateTime,
}

impl SeenEntry {
    /// A sighting of the entry `pattern`.
    ///
    /// ```
    /// # use tower_consent::ledger::SeenEntry;
    /// let seen = SeenEntry::new("_fbp", false, time::OffsetDateTime::now_utc());
    /// assert_eq!(seen.pattern, "_fbp");
    /// ```
    pub fn new(pattern: impl Into<String>, by_app: bool, first_seen: OffsetDateTime) -> Self {
        Self {
            pattern: pattern.into(),
            by_app,
            first_seen,
        }
    }
}

/// What every instance sharing a store has seen, as
/// [`LedgerStore::share`] returns it: the catalog entries, and the undeclared cookie
/// names with their counts summed over the instances.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::Shared;
///
/// let shared = Shared::default();
/// assert!(shared.entries.is_empty() && shared.undeclared.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shared {
    /// Each entry once: `by_app` if any instance saw the app set it, `first_seen` the
    /// earliest sighting.
    pub entries: Vec<SeenEntry>,
    /// At most [`SHARED_NAMES`] undeclared names, oldest first, with the counts of
    /// every instance added up.
    pub undeclared: Vec<UndeclaredCookie>,
    /// Sightings of undeclared names that were not kept: the instances' own, and those
    /// of names past [`SHARED_NAMES`].
    pub dropped: u64,
}

impl Shared {
    /// What a store read: `entries`, `undeclared` names and `dropped` sightings.
    ///
    /// ```
    /// # use tower_consent::ledger::Shared;
    /// let shared = Shared::new(Vec::new(), Vec::new(), 3);
    /// assert_eq!(shared.dropped, 3);
    /// ```
    pub fn new(entries: Vec<SeenEntry>, undeclared: Vec<UndeclaredCookie>, dropped: u64) -> Self {
        Self {
            entries,
            undeclared,
            dropped,
        }
    }
}

/// The most undeclared cookie names a store keeps for the fleet's report: as many as
/// one instance's report holds.
pub const SHARED_NAMES: usize = 1024;

/// Where the ledger keeps records: the in-memory [`MemoryStore`](super::MemoryStore),
/// SQLite and PostgreSQL (features `sqlite`, `postgres`), or your own.
///
/// Methods return boxed futures, so the trait is object safe (the layer holds an
/// `Arc<dyn LedgerStore>`). [`append`](Self::append) is called by one writer task at a
/// time with a batch of concurrent decisions: write them in one transaction and return
/// only once it is committed (durably: the layer tells the visitor their choice is
/// recorded as soon as this returns `Ok`).
///
/// # Example
///
/// A store that forwards to another one and counts batches:
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use tower_consent::ledger::{BoxFuture, HistoryPage, LedgerError, LedgerStore, MemoryStore, Record, Stats, Who, Wording};
/// use tower_consent::ConsentId;
///
/// #[derive(Debug, Default)]
/// struct Counting { inner: MemoryStore, batches: AtomicU64 }
///
/// impl LedgerStore for Counting {
///     fn append<'a>(&'a self, records: &'a [Record], wordings: &'a [Wording]) -> BoxFuture<'a, Result<(), LedgerError>> {
///         self.batches.fetch_add(1, Ordering::Relaxed);
///         self.inner.append(records, wordings)
///     }
///     fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> { self.inner.history(who) }
///     fn history_page<'a>(&'a self, who: &'a Who, after: Option<u64>, limit: usize) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> { self.inner.history_page(who, after, limit) }
///     fn wordings<'a>(&'a self, hashes: &'a [String]) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> { self.inner.wordings(hashes) }
///     fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> { self.inner.erase(who) }
///     fn link<'a>(&'a self, id: ConsentId, subject: &'a str) -> BoxFuture<'a, Result<(), LedgerError>> { self.inner.link(id, subject) }
///     fn delete_before(&self, before: time::OffsetDateTime) -> BoxFuture<'_, Result<u64, LedgerError>> { self.inner.delete_before(before) }
///     fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> { self.inner.stats() }
/// }
/// ```
pub trait LedgerStore: fmt::Debug + Send + Sync + 'static {
    /// Stores `records` and those of `wordings` not stored yet, in one transaction;
    /// returns once it is committed. Each record's wording is among `wordings` or
    /// already stored.
    fn append<'a>(
        &'a self,
        records: &'a [Record],
        wordings: &'a [Wording],
    ) -> BoxFuture<'a, Result<(), LedgerError>>;

    /// The records of a consent id, or of every consent id linked to a subject, oldest
    /// first.
    fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>>;

    /// At most `limit` (≥ 1) records of `who`, oldest first, starting after the record
    /// at position `after` (from the first record when `None`); [`HistoryPage::next`]
    /// is the position of the page's last record if more records of `who` follow it.
    /// Positions are numbers the store gives records in the order it writes them (the
    /// SQL stores' `seq` column): paging reads only the page, whatever the history's
    /// length.
    fn history_page<'a>(
        &'a self,
        who: &'a Who,
        after: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>>;

    /// The stored wordings among `hashes`.
    fn wordings<'a>(
        &'a self,
        hashes: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>>;

    /// Deletes the records of a consent id (and its links), or of every consent id
    /// linked to a subject (and the links); returns how many records went.
    fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>>;

    /// Links a consent id to a subject (an account id, an e-mail address), so requests
    /// by that subject find its records. Linking twice is no error.
    fn link<'a>(
        &'a self,
        id: ConsentId,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<(), LedgerError>>;

    /// Deletes the records made before `before`, and the links of consent ids left
    /// without records; returns how many records went. Wordings stay.
    fn delete_before(&self, before: OffsetDateTime) -> BoxFuture<'_, Result<u64, LedgerError>>;

    /// Counts what the store holds.
    fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>>;

    /// Shares what one instance of the app has seen with the others, and returns what
    /// all of them have (`None`: this store does not share, and the cookie declaration
    /// and the undeclared-cookie report stay per process, as with the default
    /// implementation).
    ///
    /// Called by the ledger's background task every few seconds, never on a request's
    /// path, with what one instance saw since its last successful call: catalog entries
    /// it lists now (keep one row per entry, whatever the number of instances: the
    /// earliest sighting, `by_app` if any instance saw the app set it), and the
    /// undeclared names whose counts grew, each with the increments (`in_requests`,
    /// `in_responses`) and its first sighting; `dropped` is the increment of the
    /// sightings it could not keep. Add the increments; keep at most [`SHARED_NAMES`]
    /// names (a new name past them only adds its counts to `dropped`), each one's
    /// earliest first sighting. Then return the entries and names, oldest first.
    ///
    /// Added in 0.1 with this default, so that stores written before it still build:
    /// [`MemoryStore`](super::MemoryStore) and the SQL stores share.
    fn share<'a>(
        &'a self,
        seen: &'a [SeenEntry],
        undeclared: &'a [UndeclaredCookie],
        dropped: u64,
    ) -> BoxFuture<'a, Result<Option<Shared>, LedgerError>> {
        let _ = (seen, undeclared, dropped);
        Box::pin(std::future::ready(Ok(None)))
    }
}
