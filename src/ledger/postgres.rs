//! [`PgStore`]: the ledger in PostgreSQL (feature `postgres`), for many instances.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
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

/// The ledger in PostgreSQL, through a sqlx pool: every instance of the app writes to
/// the same tables, each decision is committed before its answer. The tables (and
/// sqlx's `_sqlx_migrations`) live in a schema of their own, `tower_consent` by default,
/// so they never meet the app's; migrations are embedded in the crate and run when the
/// store connects.
///
/// # Example
///
/// ```no_run
/// use tower_consent::ledger::{Ledger, PgStore};
///
/// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
/// let store = PgStore::connect("postgres://app@db.internal/shop").await?;
/// let ledger = Ledger::new(store);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

/// The schema the tables live in unless told otherwise.
const DEFAULT_SCHEMA: &str = "tower_consent";

impl PgStore {
    /// Connects to `url` (`postgres://…`), with the tables in the `tower_consent`
    /// schema, and migrates.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::PgStore::connect("postgres://postgres@127.0.0.1/test").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, LedgerError> {
        Self::connect_in(url, DEFAULT_SCHEMA).await
    }

    /// Connects to `url` with the tables in `schema` (created if needed: lowercase
    /// letters, digits and `_`, starting with a letter or `_`, at most 63 bytes), and
    /// migrates.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::PgStore::connect_in("postgres://postgres@127.0.0.1/test", "consent_eu").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_in(url: &str, schema: &str) -> Result<Self, LedgerError> {
        let valid = (1..=63).contains(&schema.len())
            && schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !schema.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(LedgerError::Setting(format!(
                "schema name {schema:?}: use lowercase letters, digits and `_`"
            )));
        }
        let options = PgConnectOptions::from_str(url)
            .map_err(failed)?
            .options([("search_path", schema)]);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(failed)?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .execute(&pool)
            .await
            .map_err(failed)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// A store on an existing pool, whose connections' `search_path` names the ledger's
    /// schema first; call [`migrate`](Self::migrate) before use.
    ///
    /// ```no_run
    /// # async fn f(pool: sqlx::PgPool) -> Result<(), tower_consent::ledger::LedgerError> {
    /// let store = tower_consent::ledger::PgStore::from_pool(pool);
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Creates or updates the ledger's tables (idempotent).
    ///
    /// ```no_run
    /// # async fn f(store: tower_consent::ledger::PgStore) -> Result<(), tower_consent::ledger::LedgerError> {
    /// store.migrate().await?;
    /// # Ok(()) }
    /// ```
    pub async fn migrate(&self) -> Result<(), LedgerError> {
        let mut migrator = sqlx::migrate!("migrations/postgres");
        // Other migrations in the same schema are not the ledger's concern.
        migrator.set_ignore_missing(true);
        migrator.run(&self.pool).await.map_err(migration_failed)
    }

    /// The pool.
    ///
    /// ```no_run
    /// # fn f(store: &tower_consent::ledger::PgStore) {
    /// let pool = store.pool().clone();
    /// # }
    /// ```
    pub fn pool(&self) -> &PgPool {
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
                "INSERT INTO consent_wordings (hash, language, content) VALUES ($1, $2, $3) \
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
                "SELECT {RECORD_COLUMNS} FROM consent_records WHERE consent_id = $1 ORDER BY seq"
            ))
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await
            }
            Who::Subject(subject) => {
                sqlx::query_as(&format!(
                    "SELECT {RECORD_COLUMNS} FROM consent_records WHERE consent_id IN \
                 (SELECT consent_id FROM consent_subjects WHERE subject = $1) ORDER BY seq"
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
                     WHERE consent_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
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
                     (SELECT consent_id FROM consent_subjects WHERE subject = $1) \
                     AND seq > $2 ORDER BY seq LIMIT $3"
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
                "SELECT hash, language, content FROM consent_wordings WHERE hash = $1",
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
                let erased = sqlx::query("DELETE FROM consent_records WHERE consent_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?
                    .rows_affected();
                sqlx::query("DELETE FROM consent_subjects WHERE consent_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed)?;
                erased
            }
            Who::Subject(subject) => {
                let erased = sqlx::query(
                    "DELETE FROM consent_records WHERE consent_id IN \
                     (SELECT consent_id FROM consent_subjects WHERE subject = $1)",
                )
                .bind(subject)
                .execute(&mut *tx)
                .await
                .map_err(failed)?
                .rows_affected();
                sqlx::query(
                    "DELETE FROM consent_subjects WHERE consent_id IN \
                     (SELECT consent_id FROM consent_subjects WHERE subject = $1)",
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
            "INSERT INTO consent_subjects (consent_id, subject, linked_at) VALUES ($1, $2, $3) \
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
        let deleted = sqlx::query("DELETE FROM consent_records WHERE recorded_at < $1")
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
                 VALUES ($1, $2, $3) ON CONFLICT (pattern) DO UPDATE SET \
                 by_app = consent_sightings.by_app OR excluded.by_app, \
                 first_seen = LEAST(consent_sightings.first_seen, excluded.first_seen)",
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
                 SELECT $1, $2, $3, $4, $5, $6, $7 \
                 WHERE EXISTS (SELECT 1 FROM consent_undeclared WHERE name = $1) \
                 OR (SELECT COUNT(*) FROM consent_undeclared) < $8 {UNDECLARED_MERGE}"
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
                "UPDATE consent_undeclared_dropped SET dropped = dropped + $1 WHERE id = 1",
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
             ORDER BY first_seen, name LIMIT $1"
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

super::sql::forward_ledger_store!(PgStore);
