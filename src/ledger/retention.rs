//! Retention: records older than the ledger's retention period are deleted.

use std::time::Duration;

use time::OffsetDateTime;

use super::{Ledger, LedgerError};

/// Three years: how long records are kept unless
/// [`Ledger::retention`](super::Ledger::retention) says otherwise. A record proves a
/// consent while it is in force (at most 400 days, the browsers' cap on the consent
/// cookie) and for as long as a complaint about it can still be brought; limitation
/// periods differ between member states, so set yours.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(3 * 366 * 24 * 60 * 60);

impl Ledger {
    /// Deletes the records older than the retention period; returns how many went.
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) -> Result<(), tower_consent::ledger::LedgerError> {
    /// let deleted = ledger.delete_expired().await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_expired(&self) -> Result<u64, LedgerError> {
        let retention = time::Duration::try_from(self.retention_period())
            .map_err(|_| LedgerError::Setting("retention period out of range".into()))?;
        let cutoff = OffsetDateTime::now_utc()
            .checked_sub(retention)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        self.store().delete_before(cutoff).await
    }

    /// Runs [`delete_expired`](Self::delete_expired) every `period`, forever (like
    /// tower-sessions' `ExpiredDeletion`); failures are logged and retried at the next
    /// period. Spawn it:
    ///
    /// ```
    /// # async fn f(ledger: tower_consent::ledger::Ledger) {
    /// use std::time::Duration;
    /// tokio::spawn(ledger.clone().continuously_delete_expired(Duration::from_secs(3600)));
    /// # }
    /// ```
    pub async fn continuously_delete_expired(self, period: Duration) {
        let mut interval = tokio::time::interval(period.max(Duration::from_secs(1)));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match self.delete_expired().await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "expired consent records deleted"),
                Err(error) => tracing::warn!(%error, "deleting expired consent records failed"),
            }
        }
    }
}
