//! What the SQL stores share: the columns of a record and their conversions.

use time::OffsetDateTime;

use std::time::{Duration, SystemTime};

use super::{HistoryPage, LedgerError, Record, SeenEntry, Stats, Wording};
use crate::{Direction, UndeclaredCookie};

/// The columns of `consent_records` a [`Record`] is made of, in [`StoredRecord`] order.
pub(crate) const RECORD_COLUMNS: &str = "consent_id, recorded_at, revision, granted, action, \
                                         source, language, wording, page, gpc, regime, region, \
                                         user_agent, ip";

/// A `consent_records` row.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredRecord {
    consent_id: String,
    recorded_at: i64,
    revision: i64,
    granted: String,
    action: String,
    source: String,
    language: String,
    wording: String,
    page: Option<String>,
    gpc: bool,
    regime: String,
    region: Option<String>,
    user_agent: Option<String>,
    ip: Option<String>,
}

impl TryFrom<StoredRecord> for Record {
    type Error = LedgerError;

    fn try_from(row: StoredRecord) -> Result<Self, Self::Error> {
        let corrupt = |what: &str| LedgerError::Corrupt(format!("{what} of a consent record"));
        Ok(Record {
            consent_id: row.consent_id.parse().map_err(|_| corrupt("consent id"))?,
            recorded_at: OffsetDateTime::from_unix_timestamp(row.recorded_at)
                .map_err(|_| corrupt("time"))?,
            revision: u32::try_from(row.revision).map_err(|_| corrupt("revision"))?,
            granted: row.granted.split_whitespace().map(str::to_owned).collect(),
            action: row.action.parse().map_err(|_| corrupt("action"))?,
            source: row.source.parse().map_err(|_| corrupt("source"))?,
            language: row.language,
            wording: row.wording,
            page: row.page,
            gpc: row.gpc,
            regime: row.regime.parse().map_err(|_| corrupt("regime"))?,
            region: row
                .region
                .map(|region| region.parse().map_err(|_| corrupt("region")))
                .transpose()?,
            user_agent: row.user_agent,
            ip: row.ip,
        })
    }
}

/// A `consent_records` row with its position, for a page of a history.
#[derive(sqlx::FromRow)]
pub(crate) struct PositionedRecord {
    seq: i64,
    #[sqlx(flatten)]
    record: StoredRecord,
}

/// The `seq` after which a page starts: every position is at least 1.
pub(crate) fn page_start(after: Option<u64>) -> i64 {
    after.map_or(0, |after| i64::try_from(after).unwrap_or(i64::MAX))
}

/// How many rows a page reads: one more than it returns, to tell whether more follow.
pub(crate) fn page_rows(limit: usize) -> i64 {
    i64::try_from(limit.max(1)).unwrap_or(i64::MAX - 1) + 1
}

/// The page made of `rows` (read with [`page_rows`]`(limit)`, in `seq` order).
pub(crate) fn page(
    mut rows: Vec<PositionedRecord>,
    limit: usize,
) -> Result<HistoryPage, LedgerError> {
    let limit = limit.max(1);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = match rows.last() {
        Some(last) if more => Some(
            u64::try_from(last.seq)
                .map_err(|_| LedgerError::Corrupt("position of a consent record".into()))?,
        ),
        _ => None,
    };
    let records = rows
        .into_iter()
        .map(|row| Record::try_from(row.record))
        .collect::<Result<_, _>>()?;
    Ok(HistoryPage { records, next })
}

/// A `consent_wordings` row.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredWording {
    hash: String,
    language: String,
    content: String,
}

impl From<StoredWording> for Wording {
    fn from(row: StoredWording) -> Self {
        Wording {
            hash: row.hash,
            language: row.language,
            content: row.content,
        }
    }
}

/// The counts of [`Stats`], as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredStats {
    records: i64,
    consent_ids: i64,
    wordings: i64,
    links: i64,
    oldest: Option<i64>,
}

impl From<StoredStats> for Stats {
    fn from(row: StoredStats) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Stats {
            records: count(row.records),
            consent_ids: count(row.consent_ids),
            wordings: count(row.wordings),
            links: count(row.links),
            oldest: row
                .oldest
                .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok()),
        }
    }
}

/// The `SELECT` of [`StoredStats`].
pub(crate) const STATS: &str = "SELECT \
    (SELECT COUNT(*) FROM consent_records) AS records, \
    (SELECT COUNT(DISTINCT consent_id) FROM consent_records) AS consent_ids, \
    (SELECT COUNT(*) FROM consent_wordings) AS wordings, \
    (SELECT COUNT(*) FROM consent_subjects) AS links, \
    (SELECT MIN(recorded_at) FROM consent_records) AS oldest";

/// Granted category keys as stored: separated by spaces (keys have none).
pub(crate) fn granted_column(record: &Record) -> String {
    record.granted.join(" ")
}

/// Wraps a database error.
pub(crate) fn failed(error: sqlx::Error) -> LedgerError {
    LedgerError::store(error)
}

/// Wraps a migration error.
pub(crate) fn migration_failed(error: sqlx::migrate::MigrateError) -> LedgerError {
    LedgerError::store(error)
}

/// The most records in one `INSERT` (14 bound values each).
pub(crate) const INSERT_CHUNK: usize = 256;

/// Appends the `VALUES` of `records` to an `INSERT INTO consent_records (…)`.
pub(crate) fn push_records<'a, DB>(builder: &mut sqlx::QueryBuilder<'a, DB>, records: &'a [Record])
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    builder.push_values(records, |mut row, record| {
        row.push_bind(record.consent_id.to_string())
            .push_bind(record.recorded_at.unix_timestamp())
            .push_bind(i64::from(record.revision))
            .push_bind(granted_column(record))
            .push_bind(record.action.as_str())
            .push_bind(record.source.as_str())
            .push_bind(record.language.as_str())
            .push_bind(record.wording.as_str())
            .push_bind(record.page.as_deref())
            .push_bind(record.gpc)
            .push_bind(record.regime.as_str())
            .push_bind(record.region.map(|region| region.to_string()))
            .push_bind(record.user_agent.as_deref())
            .push_bind(record.ip.as_deref());
    });
}

/// A `consent_sightings` row: one per catalog entry, for the whole fleet.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredSighting {
    pattern: String,
    by_app: bool,
    first_seen: i64,
}

impl From<StoredSighting> for SeenEntry {
    fn from(row: StoredSighting) -> Self {
        let first_seen = OffsetDateTime::from_unix_timestamp(row.first_seen)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        SeenEntry::new(row.pattern, row.by_app, first_seen)
    }
}

/// A `consent_undeclared` row.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredUndeclared {
    name: String,
    name_truncated: bool,
    first_seen: i64,
    first_path: String,
    first_direction: String,
    in_requests: i64,
    in_responses: i64,
}

impl From<StoredUndeclared> for UndeclaredCookie {
    fn from(row: StoredUndeclared) -> Self {
        let first_seen = SystemTime::UNIX_EPOCH
            + Duration::from_secs(u64::try_from(row.first_seen).unwrap_or(0));
        let direction = if row.first_direction == Direction::Response.as_str() {
            Direction::Response
        } else {
            Direction::Request
        };
        let mut cookie = UndeclaredCookie::new(row.name, first_seen, row.first_path, direction);
        cookie.name_truncated = row.name_truncated;
        cookie.in_requests = count(row.in_requests);
        cookie.in_responses = count(row.in_responses);
        cookie
    }
}

/// A stored count: never negative.
pub(crate) fn count(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}

/// A count to store: saturates at the column's maximum.
pub(crate) fn stored_count(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Unix seconds of a first sighting.
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// The columns of `consent_undeclared`, in [`StoredUndeclared`] order.
pub(crate) const UNDECLARED_COLUMNS: &str = "name, name_truncated, first_seen, first_path, \
                                             first_direction, in_requests, in_responses";

/// What an upsert of `consent_undeclared` sets on a name already kept: the counts
/// added, the earlier first sighting kept (every right-hand side reads the old row).
pub(crate) const UNDECLARED_MERGE: &str = "ON CONFLICT (name) DO UPDATE SET \
    in_requests = consent_undeclared.in_requests + excluded.in_requests, \
    in_responses = consent_undeclared.in_responses + excluded.in_responses, \
    first_path = CASE WHEN excluded.first_seen < consent_undeclared.first_seen \
        THEN excluded.first_path ELSE consent_undeclared.first_path END, \
    first_direction = CASE WHEN excluded.first_seen < consent_undeclared.first_seen \
        THEN excluded.first_direction ELSE consent_undeclared.first_direction END, \
    first_seen = CASE WHEN excluded.first_seen < consent_undeclared.first_seen \
        THEN excluded.first_seen ELSE consent_undeclared.first_seen END";

/// Implements [`LedgerStore`](super::LedgerStore) for an SQL store by boxing the futures
/// of its inherent `*_now` methods: the two SQL stores differ only in their SQL.
macro_rules! forward_ledger_store {
    ($store:ty) => {
        impl LedgerStore for $store {
            fn append<'a>(
                &'a self,
                records: &'a [Record],
                wordings: &'a [Wording],
            ) -> BoxFuture<'a, Result<(), LedgerError>> {
                Box::pin(self.append_now(records, wordings))
            }

            fn history<'a>(
                &'a self,
                who: &'a Who,
            ) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> {
                Box::pin(self.history_now(who))
            }

            fn history_page<'a>(
                &'a self,
                who: &'a Who,
                after: Option<u64>,
                limit: usize,
            ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> {
                Box::pin(self.history_page_now(who, after, limit))
            }

            fn wordings<'a>(
                &'a self,
                hashes: &'a [String],
            ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> {
                Box::pin(self.wordings_now(hashes))
            }

            fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> {
                Box::pin(self.erase_now(who))
            }

            fn link<'a>(
                &'a self,
                id: ConsentId,
                subject: &'a str,
            ) -> BoxFuture<'a, Result<(), LedgerError>> {
                Box::pin(self.link_now(id, subject))
            }

            fn delete_before(
                &self,
                before: OffsetDateTime,
            ) -> BoxFuture<'_, Result<u64, LedgerError>> {
                Box::pin(self.delete_before_now(before))
            }

            fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> {
                Box::pin(self.stats_now())
            }

            fn share<'a>(
                &'a self,
                seen: &'a [SeenEntry],
                undeclared: &'a [UndeclaredCookie],
                dropped: u64,
            ) -> BoxFuture<'a, Result<Option<Shared>, LedgerError>> {
                Box::pin(async move { self.share_now(seen, undeclared, dropped).await.map(Some) })
            }
        }
    };
}
pub(crate) use forward_ledger_store;
