//! [`Config`]: the compiled configuration, one part per stage of the data path.
//!
//! The builder checks and compiles everything once; the layer shares the result with
//! every service through one `Arc`. Each stage is handed its own part and no other:
//! this aggregate is read only by the glue (the service, its response future and the
//! layer). Per request, nothing here is parsed or locked.

use std::sync::Arc;

use crate::consent::ConsentContext;
use crate::endpoints::Endpoints;
use crate::gate::Gate;
use crate::regime::Regimes;
use crate::same_origin::SameOrigin;

/// Everything the layer decided at build time, shared by all services.
#[derive(Debug)]
pub(crate) struct Config {
    /// What every request's [`Consent`](crate::Consent) shares (categories, consent
    /// cookie, GPC, banner).
    pub(crate) consent: Arc<ConsentContext>,
    /// Classification, request filter, response strip, purge.
    pub(crate) gate: Gate,
    /// Who may record a choice.
    pub(crate) same_origin: SameOrigin,
    /// Which regime applies where: read before `Consent` is made.
    pub(crate) regimes: Regimes,
    pub(crate) endpoints: Endpoints,
    /// The proof-of-consent ledger, if any.
    #[cfg(feature = "ledger")]
    pub(crate) ledger: Option<crate::ledger::LedgerConfig>,
    /// The HTML gate, if the app turned it on; shared with the bodies it rewrites.
    #[cfg(feature = "html")]
    pub(crate) html: Option<Arc<crate::html::HtmlConfig>>,
}

impl Config {
    /// What the endpoints answer from.
    pub(crate) fn endpoint_settings(&self) -> crate::endpoints::Settings<'_> {
        crate::endpoints::Settings {
            endpoints: &self.endpoints,
            classifier: &self.gate.classifier,
            #[cfg(feature = "ledger")]
            ledger: self.ledger.as_ref(),
        }
    }
}
