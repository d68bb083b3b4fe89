//! [`SqliteStore`]: the ledger in one SQLite file (feature `sqlite`).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::QueryBuilder;
use time::OffsetDateTime;

use super::sql::{
    count, stored_count, unix_seconds, StoredSighting, StoredUndeclared, UNDECLARED_COLUMNS,
    UNDECLARED_MERGE,
};
use super::sql::{
    failed, migration_failed, page, page_rows, page_start, push_records, PositionedRecord,
    StoredRecord, StoredStats, StoredWording, INSERT_CHUNK, RECORD_COLUMNS, STATS,
};
use super::store::{BoxFuture, HistoryPage, LedgerStore, SeenEntry, Shared, Stats, SHARED_NAMES};
use super::{LedgerError, Record, Who, Wording};
use crate::{ConsentId, UndeclaredCookie};

/// The ledger in one SQLite file, through sqlx: write-ahead log, `synchronous=FULL`
/// (a committed record survives a crash of the process and of the machine), migrations
/// embedded in the crate and run when the store opens.
///
/// Give the ledger a file of its own: it keeps its migration history in the file's
/// `_sqlx_migrations` table.
///
/// # Example
///
/// ```no_run
/// use tower_consent::ledger::{Ledger, SqliteStore};
///
/// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
/// let ledger = Ledger::new(SqliteStore::open("consent-ledger.db").await?);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if needed) the ledger file at `path` and migrates it.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::SqliteStore::open("/var/lib/shop/consent.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, LedgerError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Self::connect_with(options).await
    }

    /// Opens the ledger at a `sqlite:` URL (`sqlite://consent.db`, `sqlite::memory:`)
    /// and migrates it.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::SqliteStore::connect("sqlite://consent.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, LedgerError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(failed)?
            .create_if_missing(true);
        Self::connect_with(options).await
    }

    async fn connect_with(options: SqliteConnectOptions) -> Result<Self, LedgerError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(failed)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// A store on an existing pool; call [`migrate`](Self::migrate) before use.
    ///
    /// ```no_run
    /// # async fn f(pool: sqlx::SqlitePool) -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::SqliteStore::from_pool(pool);
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Creates or updates the ledger's tables (idempotent).
    ///
    /// ```no_run
    /// # async fn f(store: tower_consent::ledger::SqliteStore) -> Result<(), tower_consent::ledger::LedgerError> {
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub async fn migrate(&self) -> Result<(), LedgerError> {
        let mut migrator = sqlx::migrate!("migrations/sqlite");
        // Other migrations in the same file (the app's) are not the ledger's concern.
        migrator.set_ignore_missing(true);
        migrator.run(&self.pool).await.map_err(migration_failed)
    }

    /// The pool.
    ///
    /// ```no_run
    /// # fn f(store: &tower_consent::ledger::SqliteStore) {
    /// let pool = store.pool().clone();
    /// # }
    /// ```
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn append_now(
        &self,
        records: &[Record],
        wordings: &[Wording],
    ) -> Result<(), LedgerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        for wording in wordings {
            sqlx::query(
                "INSERT INTO consent_wordings (hash, language, content) VALUES (?, ?, ?) \
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(&wording.hash)
            .bind(&wording.language)
            .bind(&wording.content)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        for chunk in records.chunks(INSERT_CHUNK) {
            let mut insert =
                QueryBuilder::new(format!("INSERT INTO consent_records ({RECORD_COLUMNS}) "));
            push_records(&mut insert, chunk);
            insert.build().execute(&mut *tx).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    async fn history_now(&self, who: &Who) -> Result<Vec<Record>, LedgerError> {
        let rows: Vec<StoredRecord> = match who {
            Who::Consent(id) => {
                sqlx::query_as(&format!(
                "SELECT {RECORD_COLUMNS} FROM consent_records WHERE consent_id = ? ORDER BY seq"
            ))
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await
            }
            Who::Subject(subject) => {
                sqlx::query_as(&format!(
                    "SELECT {RECORD_COLUMNS} FROM consent_records WHERE consent_id IN \
                 (SELECT consent_id FROM consent_subjects WHERE subject = ?) ORDER BY seq"
                ))
                .bind(subject)
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(failed)?;
        rows.into_iter().map(Record::try_from).collect()
    }

    async fn history_page_now(
        &self,
        who: &Who,
        after: Option<u64>,
        limit: usize,
    ) -> Result<HistoryPage, LedgerError> {
        // The index on (consent_id, seq) serves both: only the page's rows are read.
        let rows: Vec<PositionedRecord> = match who {
            Who::Consent(id) => {
                sqlx::query_as(&format!(
                    "SELECT seq, {RECORD_COLUMNS} FROM consent_records \
                     WHERE consent_id = ? AND seq > ? ORDER BY seq LIMIT ?"
                ))
                .bind(id.to_string())
                .bind(page_start(after))
                .bind(page_rows(limit))
                .fetch_all(&self.pool)
                .await
            }
            Who::Subject(subject) => {
                sqlx::query_as(&format!(
                    "SELECT seq, {RECORD_COLUMNS} FROM consent_records WHERE consent_id IN \
                     (SELECT consent_id FROM consent_subjects WHERE subject = ?) \
                     AND seq > ? ORDER BY seq LIMIT ?"
                ))
                .bind(subject)
                .bind(page_start(after))
                .bind(page_rows(limit))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(failed)?;
        page(rows, limit)
    }

    async fn wordings_now(&self, hashes: &[String]) -> Result<Vec<Wording>, LedgerError> {
        let mut found = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let row: Option<StoredWording> = sqlx::query_as(
                "SELECT hash, language, content FROM consent_wordings WHERE hash = ?",
            )
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?;
            found.extend(row.map(Wording::from));
        }
        Ok(found)
    }

    async fn erase_now(&self, who: &Who) -> Result<u64, LedgerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let erased = match who {
            Who::Consent(id) => {
                let id = id.to_string();
                let erased = sqlx::query("DELETE FROM consent_records WHERE consent_id = ?")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?
                    .rows_affected();
                sqlx::query("DELETE FROM consent_subjects WHERE consent_id = ?")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?;
                erased
            }
            Who::Subject(subject) => {
                let erased = sqlx::query(
                    "DELETE FROM consent_records WHERE consent_id IN \
                     (SELECT consent_id FROM consent_subjects WHERE subject = ?)",
                )
                .bind(subject)
                .execute(&mut *tx)
                .await
                .map_err(failed)?
                .rows_affected();
                sqlx::query(
                    "DELETE FROM consent_subjects WHERE consent_id IN \
                     (SELECT consent_id FROM consent_subjects WHERE subject = ?)",
                )
                .bind(subject)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
                erased
            }
        };
        tx.commit().await.map_err(failed)?;
        Ok(erased)
    }

    async fn link_now(&self, id: ConsentId, subject: &str) -> Result<(), LedgerError> {
        sqlx::query(
            "INSERT INTO consent_subjects (consent_id, subject, linked_at) VALUES (?, ?, ?) \
             ON CONFLICT (consent_id, subject) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(subject)
        .bind(OffsetDateTime::now_utc().unix_timestamp())
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn delete_before_now(&self, before: OffsetDateTime) -> Result<u64, LedgerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let deleted = sqlx::query("DELETE FROM consent_records WHERE recorded_at < ?")
            .bind(before.unix_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(failed)?
            .rows_affected();
        sqlx::query(
            "DELETE FROM consent_subjects WHERE consent_id NOT IN \
             (SELECT consent_id FROM consent_records)",
        )
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(deleted)
    }

    async fn stats_now(&self) -> Result<Stats, LedgerError> {
        let row: StoredStats = sqlx::query_as(STATS)
            .fetch_one(&self.pool)
            .await
            .map_err(failed)?;
        Ok(row.into())
    }

    async fn share_now(
        &self,
        seen: &[SeenEntry],
        undeclared: &[UndeclaredCookie],
        dropped: u64,
    ) -> Result<Shared, LedgerError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        for entry in seen {
            sqlx::query(
                "INSERT INTO consent_sightings (pattern, by_app, first_seen) \
                 VALUES (?1, ?2, ?3) ON CONFLICT (pattern) DO UPDATE SET \
                 by_app = MAX(consent_sightings.by_app, excluded.by_app), \
                 first_seen = MIN(consent_sightings.first_seen, excluded.first_seen)",
            )
            .bind(&entry.pattern)
            .bind(entry.by_app)
            .bind(entry.first_seen.unix_timestamp())
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        let mut dropped = dropped;
        for cookie in undeclared {
            // A new name only while fewer than `SHARED_NAMES` are kept.
            let kept = sqlx::query(&format!(
                "INSERT INTO consent_undeclared ({UNDECLARED_COLUMNS}) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
                 WHERE EXISTS (SELECT 1 FROM consent_undeclared WHERE name = ?1) \
                 OR (SELECT COUNT(*) FROM consent_undeclared) < ?8 {UNDECLARED_MERGE}"
            ))
            .bind(&cookie.name)
            .bind(cookie.name_truncated)
            .bind(unix_seconds(cookie.first_seen))
            .bind(&cookie.first_path)
            .bind(cookie.first_direction.as_str())
            .bind(stored_count(cookie.in_requests))
            .bind(stored_count(cookie.in_responses))
            .bind(stored_count(SHARED_NAMES as u64))
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
            if kept.rows_affected() == 0 {
                dropped = dropped
                    .saturating_add(cookie.in_requests)
                    .saturating_add(cookie.in_responses);
            }
        }
        if dropped > 0 {
            sqlx::query(
                "UPDATE consent_undeclared_dropped SET dropped = dropped + ?1 WHERE id = 1",
            )
            .bind(stored_count(dropped))
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        let entries: Vec<StoredSighting> = sqlx::query_as(
            "SELECT pattern, by_app, first_seen FROM consent_sightings \
             ORDER BY first_seen, pattern",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let names: Vec<StoredUndeclared> = sqlx::query_as(&format!(
            "SELECT {UNDECLARED_COLUMNS} FROM consent_undeclared \
             ORDER BY first_seen, name LIMIT ?1"
        ))
        .bind(stored_count(SHARED_NAMES as u64))
        .fetch_all(&mut *tx)
        .await
        .map_err(failed)?;
        let total: Option<i64> =
            sqlx::query_scalar("SELECT dropped FROM consent_undeclared_dropped WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(Shared::new(
            entries.into_iter().map(SeenEntry::from).collect(),
            names.into_iter().map(UndeclaredCookie::from).collect(),
            total.map_or(0, count),
        ))
    }
}

super::sql::forward_ledger_store!(SqliteStore);
