//! [`Config`]: the compiled configuration every stage of the data path reads.
//!
//! The builder checks and compiles everything once; the layer shares the result with
//! every service through one `Arc`. Per request, nothing here is parsed or locked.

use crate::category::Categories;
use crate::classify::Classifier;
use crate::consent::cookie::ConsentCookie;
use crate::consent::RegimeDefaults;
use crate::declaration::DeclaredRule;
use crate::endpoints::Endpoints;
use crate::gate::{Purge, ReportOnly};
use crate::regime::Regimes;
use crate::report_once::ReportOnce;
use crate::same_origin::SameOrigin;

/// Everything the layer decided at build time, shared by all services.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) categories: Categories,
    pub(crate) classifier: Classifier,
    /// How refused cookies are deleted.
    pub(crate) purge: Purge,
    /// Routes whose handler returned a cross-site `Choice`, logged once each.
    pub(crate) refused_choice_routes: ReportOnce,
    pub(crate) cookie: ConsentCookie,
    pub(crate) endpoints: Endpoints,
    /// Who may record a choice.
    pub(crate) same_origin: SameOrigin,
    /// Whether `Sec-GPC: 1` refuses the sale/share categories where no law makes it
    /// binding.
    pub(crate) honour_gpc: bool,
    /// Which regime applies where.
    pub(crate) regimes: Regimes,
    /// What each regime grants before a decision, and the categories sold or shared.
    pub(crate) defaults: RegimeDefaults,
    /// Report-only mode: what the gate would do is logged, nothing is removed.
    pub(crate) report_only: Option<ReportOnly>,
    /// The proof-of-consent ledger, if any.
    #[cfg(feature = "ledger")]
    pub(crate) ledger: Option<crate::ledger::respond::LedgerConfig>,
    /// What the app's rules declare, for the cookie declaration.
    pub(crate) declared: Vec<DeclaredRule>,
    /// The HTML gate, if the app turned it on.
    #[cfg(feature = "html")]
    pub(crate) html: Option<crate::html::HtmlConfig>,
}
