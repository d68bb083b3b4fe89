//! Server-side cookie consent for [tower] and [axum] applications.
//!
//! Non-essential cookies (analytics, advertising, A/B tests, "remember my filters") may
//! only be stored or read after the visitor opts in (ePrivacy Art. 5(3), GDPR Art. 7).
//! A JavaScript banner cannot enforce that: it cannot touch `HttpOnly` cookies, cannot
//! stop a handler from setting a tracking cookie, and races the trackers it blocks.
//! [`ConsentLayer`] enforces consent on the server, for every request:
//!
//! 1. it reads the visitor's choice from a signed consent cookie;
//! 2. it classifies every cookie by rules (exact names, `*` patterns, an optional
//!    [catalog](known_trackers) of well-known trackers) into a [`Category`];
//! 3. it removes cookies of refused categories from every `Cookie` header before the
//!    app sees them;
//! 4. it strips `Set-Cookie` headers of refused categories from the response, and
//!    deletes refused cookies the browser still holds;
//! 5. it exposes the state as [`Consent`] (a request extension, and an axum extractor)
//!    and records a [`Choice`] a handler returns.
//!
//! Without a valid, current decision only [`Category::Necessary`] cookies pass: the
//! opt-in [`Regime`], lawful everywhere. With a [`RegionSource`]
//! ([`region_source`](ConsentLayerBuilder::region_source)), each visitor gets the regime
//! of where they are: opt-out in US states with comprehensive privacy laws (every
//! category until the visitor refuses; "Do Not Sell or Share My Personal Information";
//! Global Privacy Control as their law reads it), opt-in in the EEA, the UK,
//! Switzerland and Quebec, a fallback (opt-in unless the app says otherwise) elsewhere.
//! With the default `html` feature, the layer also holds back the tracker scripts,
//! iframes and pixels of its `text/html` responses (the [HTML gate](html), on unless
//! [`without_html_gate`](ConsentLayerBuilder::without_html_gate) turns it off) and
//! inserts the banner into full pages.
//!
//! # Quick start
//!
//! ```
//! use axum::{routing::{get, post}, Router};
//! use tower_consent::{Category, Choice, Consent, ConsentLayer};
//!
//! async fn page(consent: Consent) -> String {
//!     if consent.allows(Category::Analytics) {
//!         "analytics on".into()
//!     } else {
//!         "analytics off".into()
//!     }
//! }
//!
//! async fn accept() -> (Choice, &'static str) {
//!     (Choice::accept_all(), "thanks")
//! }
//!
//! # fn main() -> Result<(), tower_consent::BuildError> {
//! let consent = ConsentLayer::builder()
//!     .secret([42u8; 32]) // 32+ random bytes from your secret store
//!     .revision(1) // raise when the cookie policy changes
//!     .necessary(["session", "csrftoken"])
//!     .preferences(["theme", "lang"])
//!     .analytics(["_ga", "_ga_*", "_gid"])
//!     .marketing(["_fbp", "fr"])
//!     .known_trackers()
//!     .build()?;
//!
//! let app: Router = Router::new()
//!     .route("/", get(page))
//!     .route("/accept", post(accept))
//!     .layer(consent);
//! # Ok(()) }
//! ```
//!
//! # Without axum
//!
//! The layer works with any `tower::Service<http::Request<B>>`; read the state with
//! `request.extensions().get::<Consent>()` and record a choice by inserting a
//! [`Choice`] into the response extensions.
//!
//! # Cargo features
//!
//! - `axum` (default): [`Consent`] as an axum extractor and [`Choice`] as a response
//!   part.
//! - `metrics`: counters through the [`metrics`](https://docs.rs/metrics) facade
//!   (cookies filtered, `Set-Cookie` stripped, purges, decisions, GPC overrides,
//!   endpoint errors, refusals left unrecorded by the ledger, pages the HTML gate could
//!   not read); see the README for their names.
//! - `html` (default): the [HTML gate](html): tracker scripts, iframes and pixels in
//!   `text/html` responses held back until consent, banner and Google Consent Mode
//!   injection. On for every layer; configured with
//!   [`html_gate`](ConsentLayerBuilder::html_gate), turned off with
//!   [`without_html_gate`](ConsentLayerBuilder::without_html_gate). Pages encoded with
//!   `gzip`, `deflate` or `br` are decoded and read.
//! - `html-zstd`: the HTML gate also reads `zstd`-encoded pages (builds the C zstd
//!   library).
//! - `ledger`: the proof-of-consent [`ledger`] (store trait, in-memory
//!   store, group-commit writer; needs a tokio runtime).
//! - `sqlite`, `postgres`: the ledger's SQLite and PostgreSQL stores (sqlx).
//!
//! # Module map
//!
//! The code follows the data path, and its imports point one way down it. Request
//! side: read consent (`consent/`, `gpc.rs`) → classify (`classify/`) → filter
//! (`gate/request.rs`) → endpoints (`endpoints/`). Response side: strip
//! (`gate/response.rs`) → purge (`gate/purge.rs`) → record (`request_state.rs`,
//! `ledger/`) → HTML gate (`html/`). Each stage is handed its own part of the
//! configuration; the builder's settings live in one file per stage (`builder/`).
//! `ARCHITECTURE.md` in the repository has the whole map, the floors and the rule for
//! where new code goes.
//!
//! # Rolling out
//!
//! [`ConsentLayer::report`] lists the cookie names the site uses that no rule declares
//! (see [`CookieReport`]); declare them, then rely on the layer to enforce.
//!
//! [tower]: https://docs.rs/tower
//! [axum]: https://docs.rs/axum
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::unwrap_used)]

mod banner;
mod body;
mod builder;
mod caching;
mod category;
mod classify;
mod config;
mod consent;
mod cookie_header;
mod declaration;
mod endpoints;
mod error;
mod escape;
#[cfg(feature = "axum")]
mod extract;
mod future;
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod fuzz;
mod gate;
mod gpc;
#[cfg(feature = "html")]
#[cfg_attr(docsrs, doc(cfg(feature = "html")))]
pub mod html;
mod language;
mod layer;
#[cfg(feature = "ledger")]
#[cfg_attr(docsrs, doc(cfg(feature = "ledger")))]
pub mod ledger;
mod metrics;
mod regime;
mod report;
mod report_once;
mod request_state;
mod same_origin;
mod service;
mod storage;
mod texts;

pub use body::{BoxError, ConsentBody};
pub use builder::ConsentLayerBuilder;
pub use category::{Category, CustomCategory};
pub use classify::{known_trackers, CookieScope, KnownCookie, Lifetime, Rule, Unknown};
pub use consent::{Choice, Consent, ConsentId, InvalidConsentId, Source};
pub use declaration::{Declaration, DeclaredCategory, DeclaredCookie, Party};
pub use error::BuildError;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use extract::{ConsentBanner, MissingConsentLayer};
pub use future::ResponseFuture;
#[cfg(feature = "html")]
#[cfg_attr(docsrs, doc(cfg(feature = "html")))]
pub use html::{
    known_embeds, known_tracker_resources, ConsentModeMapping, Embed, EmbedKind, HtmlGate,
    KnownEmbed, KnownResource,
};
pub use layer::ConsentLayer;
pub use regime::{InvalidRegime, InvalidRegion, Regime, Region, RegionSource};
pub use report::{CookieReport, Direction, ReportAccess, UndeclaredCookie};
pub use service::ConsentService;
pub use storage::{known_storage, KnownStorage, Storage, StorageArea, StorageRule};
pub use texts::{
    BannerTexts, CategoryText, DeclarationTexts, EmbedTexts, OptOutTexts, StorageTexts,
};
