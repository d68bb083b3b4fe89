//! [`LedgerError`]: why the ledger could not write or read.

use std::sync::Arc;

/// Why the ledger could not write or read.
///
/// A grant whose record could not be written is not applied: the consent endpoint
/// answers `503 Service Unavailable` and sets no cookie. A refusal is applied whatever
/// the store does; its record is retried.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::LedgerError;
///
/// let error = LedgerError::Saturated;
/// assert!(error.to_string().contains("queue"));
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The writer's queue is full: more decisions arrive than the store commits.
    #[error("the ledger's write queue is full")]
    Saturated,
    /// No tokio runtime to run the writer task on.
    #[error("the ledger needs a tokio runtime for its writer task")]
    NoRuntime,
    /// The writer task stopped (its runtime shut down).
    #[error("the ledger's writer task is gone")]
    WriterGone,
    /// A ledger setting is invalid (a schema name, a retention period).
    #[error("invalid ledger setting: {0}")]
    Setting(String),
    /// A stored value cannot be read back.
    #[error("invalid stored value: {0}")]
    Corrupt(String),
    /// The store failed (connection, disk, constraint, …).
    #[error("the ledger store failed: {0}")]
    Store(#[source] Arc<dyn std::error::Error + Send + Sync>),
}

impl LedgerError {
    /// Wraps a store's own error.
    ///
    /// ```
    /// use tower_consent::ledger::LedgerError;
    ///
    /// let error = LedgerError::store(std::io::Error::other("disk full"));
    /// assert!(matches!(error, LedgerError::Store(_)));
    /// ```
    pub fn store(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Store(Arc::new(error))
    }
}
