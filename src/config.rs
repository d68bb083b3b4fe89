//! [`Config`]: the compiled configuration every stage of the data path reads.
//!
//! The builder checks and compiles everything once; the layer shares the result with
//! every service through one `Arc`. Per request, nothing here is parsed or locked.

use crate::category::Categories;
use crate::classify::Classifier;
use crate::consent::cookie::ConsentCookie;
use crate::endpoints::Endpoints;
use crate::gate::Deletions;

/// Everything the layer decided at build time, shared by all services.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) categories: Categories,
    pub(crate) classifier: Classifier,
    /// Deleting `Set-Cookie` values prebuilt for the classifier's exact names.
    pub(crate) deletions: Deletions,
    pub(crate) cookie: ConsentCookie,
    pub(crate) endpoints: Endpoints,
    /// Whether `Sec-GPC: 1` refuses marketing.
    pub(crate) honour_gpc: bool,
    /// The HTML gate, if the app turned it on.
    #[cfg(feature = "html")]
    pub(crate) html: Option<crate::html::HtmlConfig>,
}
