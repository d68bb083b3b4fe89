//! The ledger's settings: the ledger, and what its records keep beyond the decision.

use std::sync::Arc;

use super::ConsentLayerBuilder;
use crate::category::{Categories, CategorySet};
use crate::ledger::{Ledger, LedgerConfig, Wording};
use crate::{BannerTexts, BuildError};

/// The ledger settings of a builder.
#[derive(Debug, Default)]
pub(super) struct LedgerSettings {
    ledger: Option<Ledger>,
    user_agent: bool,
    ip: bool,
}

impl LedgerSettings {
    /// The ledger's settings, with the wording of every banner language of `texts`.
    pub(super) fn checked(
        self,
        texts: &[(String, BannerTexts)],
        categories: &Categories,
        offered: CategorySet,
        classifier: &crate::classify::Classifier,
    ) -> Result<Option<LedgerConfig>, BuildError> {
        let Some(ledger) = self.ledger else {
            if self.user_agent || self.ip {
                return Err(BuildError::LedgerOptionWithoutLedger);
            }
            return Ok(None);
        };
        if ledger.retention_period().is_zero() {
            return Err(BuildError::InvalidRetention);
        }
        if ledger.rate_limit_setting().is_some() && ledger.limiter().is_none() {
            return Err(BuildError::InvalidRateLimit);
        }
        let wordings = texts
            .iter()
            .map(|(tag, texts)| Arc::new(Wording::of_banner(tag, texts, categories, offered)))
            .collect();
        Ok(Some(LedgerConfig::new(
            ledger,
            self.user_agent,
            self.ip,
            wordings,
            classifier,
        )))
    }
}

impl ConsentLayerBuilder {
    /// Records every decision in a proof-of-consent [`Ledger`](Ledger)
    /// before its consent cookie is set (see the [`ledger`](crate::ledger) module).
    /// Also serves the visitor's records at `{prefix}/records`.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let builder = ConsentLayer::builder().ledger(Ledger::new(MemoryStore::new()));
    /// ```
    #[cfg(feature = "ledger")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ledger")))]
    pub fn ledger(mut self, ledger: Ledger) -> Self {
        self.ledger.ledger = Some(ledger);
        self
    }

    /// Whether records keep the browser's `User-Agent` (default `false`: it is
    /// personal data the proof rarely needs; switch it on only with a reason).
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let builder = ConsentLayer::builder()
    ///     .ledger(Ledger::new(MemoryStore::new()))
    ///     .ledger_user_agent(true);
    /// ```
    #[cfg(feature = "ledger")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ledger")))]
    pub fn ledger_user_agent(mut self, keep: bool) -> Self {
        self.ledger.user_agent = keep;
        self
    }

    /// Whether records keep the client's network (default `false`), truncated to `/24`
    /// (IPv4) or `/48` (IPv6), from the [`ClientIp`](crate::ledger::ClientIp) request
    /// extension the app sets.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// use tower_consent::ledger::{Ledger, MemoryStore};
    /// let builder = ConsentLayer::builder()
    ///     .ledger(Ledger::new(MemoryStore::new()))
    ///     .ledger_ip(true);
    /// ```
    #[cfg(feature = "ledger")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ledger")))]
    pub fn ledger_ip(mut self, keep: bool) -> Self {
        self.ledger.ip = keep;
        self
    }
}
