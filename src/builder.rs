//! [`ConsentLayerBuilder`]: configures a [`ConsentLayer`] and checks the configuration.

use std::fmt;
use std::time::Duration;

use crate::category::{Categories, CategorySet, MAX_CATEGORIES};
use crate::classify::{Classifier, CompiledRule, CookieScope, Rule, Unknown};
use crate::config::Config;
use crate::consent::cookie::{derive_key, ConsentCookie};
use crate::consent::RegimeDefaults;
use crate::declaration::DeclaredRule;
use crate::endpoints::Endpoints;
use crate::gate::{Purge, ReportOnly, DEFAULT_PURGE_LIMIT};
use crate::layer::ConsentLayer;
use crate::regime::{Regimes, Region};
use crate::report::Access;
use crate::report_once::ReportOnce;
use crate::same_origin::SameOrigin;
use crate::{
    BannerTexts, BuildError, Category, CustomCategory, Lifetime, Regime, RegionSource, ReportAccess,
};

/// Six months: how long a choice (acceptance or refusal alike) is remembered by default.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(183 * 24 * 60 * 60);
/// Browsers cap cookie lifetimes at 400 days.
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);
/// The shortest secret accepted, in bytes.
const MIN_SECRET_LEN: usize = 32;

/// Configures a [`ConsentLayer`]; made by [`ConsentLayer::builder`].
///
/// Every method takes and returns the builder; [`build`](Self::build) checks everything
/// once and reports the first problem as a [`BuildError`].
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use tower_consent::{ConsentLayer, Unknown};
///
/// let layer = ConsentLayer::builder()
///     .secret(std::env::var("CONSENT_SECRET").unwrap_or_else(|_| "x".repeat(32)))
///     .revision(3)
///     .necessary(["session", "csrftoken"])
///     .preferences(["theme", "lang"])
///     .analytics(["_ga", "_ga_*", "_gid"])
///     .marketing(["_fbp", "fr"])
///     .known_trackers()
///     .unknown(Unknown::Block)
///     .lifetime(Duration::from_secs(180 * 24 * 3600))
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[must_use]
pub struct ConsentLayerBuilder {
    secret: Option<Vec<u8>>,
    previous_secrets: Vec<Vec<u8>>,
    revision: u32,
    rules: Vec<Rule>,
    known_trackers: bool,
    unknown: Unknown,
    custom_categories: Vec<CustomCategory>,
    hide_unused_categories: bool,
    cookie_name: Option<String>,
    allow_unprefixed_cookie_name: bool,
    secure: bool,
    lifetime: Duration,
    purge_scopes: Vec<CookieScope>,
    purge_limit: usize,
    purge_parent_domains: bool,
    endpoint_prefix: String,
    allowed_origins: Vec<String>,
    honour_gpc: bool,
    region_source: Option<crate::RegionSource>,
    /// `(region, regime, GPC binding)` as given; checked by `build()`.
    regime_overrides: Vec<(String, Option<Regime>, Option<bool>)>,
    fallback_regime: Regime,
    sale_share: Vec<Category>,
    report_only: bool,
    gpc_last_update: Option<String>,
    banner_texts: Vec<(String, BannerTexts)>,
    default_language: String,
    report_access: Option<Access>,
    #[cfg(feature = "ledger")]
    ledger: LedgerOptions,
    #[cfg(feature = "__bench")]
    catalog_copies: usize,
    #[cfg(feature = "html")]
    html_gate: Option<crate::HtmlGate>,
}

/// The ledger settings of a builder.
#[cfg(feature = "ledger")]
#[derive(Debug, Default)]
struct LedgerOptions {
    ledger: Option<crate::ledger::Ledger>,
    user_agent: bool,
    ip: bool,
}

impl Default for ConsentLayerBuilder {
    fn default() -> Self {
        Self {
            secret: None,
            previous_secrets: Vec::new(),
            revision: 1,
            rules: Vec::new(),
            known_trackers: false,
            unknown: Unknown::default(),
            custom_categories: Vec::new(),
            hide_unused_categories: false,
            cookie_name: None,
            allow_unprefixed_cookie_name: false,
            secure: true,
            lifetime: DEFAULT_LIFETIME,
            purge_scopes: vec![CookieScope::default()],
            purge_limit: DEFAULT_PURGE_LIMIT,
            purge_parent_domains: true,
            endpoint_prefix: "/_consent".to_owned(),
            allowed_origins: Vec::new(),
            honour_gpc: true,
            region_source: None,
            regime_overrides: Vec::new(),
            fallback_regime: Regime::OptIn,
            sale_share: vec![Category::Marketing],
            report_only: false,
            gpc_last_update: None,
            banner_texts: BannerTexts::BUILTIN_LANGUAGES
                .into_iter()
                .filter_map(|tag| Some((tag.to_owned(), BannerTexts::builtin(tag)?)))
                .collect(),
            default_language: "en".to_owned(),
            report_access: None,
            #[cfg(feature = "ledger")]
            ledger: LedgerOptions::default(),
            #[cfg(feature = "__bench")]
            catalog_copies: 0,
            #[cfg(feature = "html")]
            html_gate: None,
        }
    }
}

impl fmt::Debug for ConsentLayerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ConsentLayerBuilder");
        f.field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("previous_secrets", &self.previous_secrets.len())
            .field("revision", &self.revision)
            .field("rules", &self.rules)
            .field("known_trackers", &self.known_trackers)
            .field("unknown", &self.unknown)
            .field("custom_categories", &self.custom_categories)
            .field("cookie_name", &self.cookie_name)
            .field(
                "allow_unprefixed_cookie_name",
                &self.allow_unprefixed_cookie_name,
            )
            .field("secure", &self.secure)
            .field("lifetime", &self.lifetime)
            .field("purge_scopes", &self.purge_scopes)
            .field("purge_limit", &self.purge_limit)
            .field("purge_parent_domains", &self.purge_parent_domains)
            .field("endpoint_prefix", &self.endpoint_prefix)
            .field("allowed_origins", &self.allowed_origins)
            .field("honour_gpc", &self.honour_gpc)
            .field("region_source", &self.region_source)
            .field("regime_overrides", &self.regime_overrides)
            .field("fallback_regime", &self.fallback_regime)
            .field("sale_share", &self.sale_share)
            .field("report_only", &self.report_only)
            .field("gpc_last_update", &self.gpc_last_update)
            .field(
                "banner_languages",
                &self
                    .banner_texts
                    .iter()
                    .map(|(tag, _)| tag)
                    .collect::<Vec<_>>(),
            )
            .field("default_language", &self.default_language)
            .field("report_access", &self.report_access);
        #[cfg(feature = "ledger")]
        f.field("ledger", &self.ledger);
        #[cfg(feature = "html")]
        f.field("html_gate", &self.html_gate);
        f.finish()
    }
}

impl ConsentLayerBuilder {
    /// Sets the secret that signs the consent cookie: at least 32 random bytes, kept out
    /// of the source code. Required. Use it for nothing else.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().secret([0x5au8; 32]);
    /// ```
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// Adds an old secret that still verifies consent cookies but signs nothing, so
    /// secrets can be rotated without asking every visitor again.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder()
    ///     .secret([2u8; 32])
    ///     .previous_secret([1u8; 32]);
    /// ```
    pub fn previous_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.previous_secrets.push(secret.as_ref().to_vec());
        self
    }

    /// Sets the cookie-policy revision (default 1). Raise it when the cookie policy
    /// changes: decisions made under another revision no longer count and the visitor
    /// is asked again.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().revision(4);
    /// ```
    pub fn revision(mut self, revision: u32) -> Self {
        self.revision = revision;
        self
    }

    /// Classifies cookies named like `patterns` as [`Category::Necessary`]: always
    /// allowed, never purged.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().necessary(["session", "csrftoken"]);
    /// ```
    pub fn necessary<I>(self, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.classify(Category::Necessary, patterns)
    }

    /// Classifies cookies named like `patterns` as [`Category::Preferences`].
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().preferences(["theme", "lang"]);
    /// ```
    pub fn preferences<I>(self, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.classify(Category::Preferences, patterns)
    }

    /// Classifies cookies named like `patterns` as [`Category::Analytics`].
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().analytics(["_ga", "_ga_*"]);
    /// ```
    pub fn analytics<I>(self, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.classify(Category::Analytics, patterns)
    }

    /// Classifies cookies named like `patterns` as [`Category::Marketing`].
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().marketing(["_fbp", "fr"]);
    /// ```
    pub fn marketing<I>(self, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.classify(Category::Marketing, patterns)
    }

    /// Classifies cookies named like `patterns` (exact names or `*` wildcards) as
    /// `category`, which may be a declared custom category.
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer, CustomCategory};
    /// let builder = ConsentLayer::builder()
    ///     .custom_category(CustomCategory::new("ab_testing", "A/B testing", "Compares page versions."))
    ///     .classify(Category::Custom("ab_testing"), ["exp_*"]);
    /// ```
    pub fn classify<I>(mut self, category: Category, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.rules
            .extend(patterns.into_iter().map(|p| Rule::new(p, category)));
        self
    }

    /// Adds one rule, for example one with its own purge scopes.
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer, CookieScope, Rule};
    /// let builder = ConsentLayer::builder().rule(
    ///     Rule::new("_ga*", Category::Analytics).scope(CookieScope::domain("example.com", "/")),
    /// );
    /// ```
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Adds the built-in catalog of well-known tracker cookies (see
    /// [`known_trackers`](crate::known_trackers)). The app's own rules win over it.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().known_trackers();
    /// ```
    pub fn known_trackers(mut self) -> Self {
        self.known_trackers = true;
        self
    }

    /// Benchmarks only (hidden `__bench` feature): adds `copies` renamed copies of every
    /// catalog entry to the catalog, to measure lookups in a catalog that many times
    /// larger.
    #[cfg(feature = "__bench")]
    #[doc(hidden)]
    pub fn __catalog_copies(mut self, copies: usize) -> Self {
        self.catalog_copies = copies;
        self
    }

    /// Sets what happens to cookies no rule matches (default [`Unknown::Block`]).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Unknown};
    /// let builder = ConsentLayer::builder().unknown(Unknown::Allow);
    /// ```
    pub fn unknown(mut self, unknown: Unknown) -> Self {
        self.unknown = unknown;
        self
    }

    /// Declares a custom category, referred to as `Category::Custom(key)`.
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, CustomCategory};
    /// let builder = ConsentLayer::builder().custom_category(CustomCategory::new(
    ///     "personalization",
    ///     "Personalization",
    ///     "Recommends articles from what you read.",
    /// ));
    /// ```
    pub fn custom_category(mut self, category: CustomCategory) -> Self {
        self.custom_categories.push(category);
        self
    }

    /// Leaves out of the banner every category that nothing of the configuration uses:
    /// no cookie rule, no catalog entry (with [`known_trackers`](Self::known_trackers)),
    /// no HTML gate rule or catalog resource, not the category of
    /// [`Unknown::As`]. Default `false`: every category is offered. A category only the
    /// pages' `data-consent` annotations name counts as unused: give it a rule.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// // Only analytics is used: the banner offers necessary and analytics.
    /// let layer = ConsentLayer::builder()
    ///     .secret([1u8; 32])
    ///     .analytics(["_ga"])
    ///     .hide_unused_categories(true)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn hide_unused_categories(mut self, hide: bool) -> Self {
        self.hide_unused_categories = hide;
        self
    }

    /// Sets the consent cookie's name. The default is `__Host-consent` (a name browsers
    /// accept only from the host itself, over HTTPS), or `consent` with
    /// [`secure(false)`](Self::secure).
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().cookie_name("__Host-cookie-choice");
    /// ```
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = Some(name.into());
        self
    }

    /// Allows a consent cookie name without the `__Host-` prefix while
    /// [`secure`](Self::secure) is on (default `false`: such a name fails to build).
    ///
    /// **Dangerous.** Without `__Host-`, any subdomain of the site (or a sibling of it
    /// under the same registrable domain) can set a cookie of that name with a `Domain`
    /// attribute ("cookie tossing"). The layer counts the most restrictive of several
    /// valid consent cookies, so a planted cookie cannot grant more than the visitor did,
    /// but it can still pin an old signed refusal. Use it only when an existing cookie
    /// name must be kept and every subdomain is trusted.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let layer = ConsentLayer::builder()
    ///     .secret([3u8; 32])
    ///     .cookie_name("cookie_choice")
    ///     .allow_unprefixed_cookie_name(true)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn allow_unprefixed_cookie_name(mut self, allow: bool) -> Self {
        self.allow_unprefixed_cookie_name = allow;
        self
    }

    /// Whether the consent cookie is marked `Secure` (default `true`). Turn it off only
    /// for development over plain HTTP. Browsers store `Secure` cookies over plain HTTP
    /// only on loopback and send Fetch Metadata only to secure origins, so on a
    /// plain-HTTP host that is not loopback (a LAN address, a container name, `*.test`)
    /// the banner's form under `secure(true)` gets a page naming `secure(false)` and
    /// nothing is saved.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().secure(cfg!(not(debug_assertions)));
    /// ```
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// How long a choice is remembered, acceptance and refusal alike (default six
    /// months, at most 400 days).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().lifetime(Duration::from_secs(90 * 24 * 3600));
    /// ```
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Adds a scope every purge also deletes in, for rules without scopes of their own.
    /// The host-only `Path=/` scope is always there; add the site domain when scripts
    /// set cookies on it (`_ga` usually lives on `Domain=example.com`).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, CookieScope};
    /// let builder = ConsentLayer::builder().purge_scope(CookieScope::domain("example.com", "/"));
    /// ```
    pub fn purge_scope(mut self, scope: CookieScope) -> Self {
        if !self.purge_scopes.contains(&scope) {
            self.purge_scopes.push(scope);
        }
        self
    }

    /// Sets the most deleting `Set-Cookie` headers the layer adds to one response
    /// (default 300; browsers keep about 180 cookies per site). A request holding more
    /// refused cookies than that gets the first ones deleted, the rest on later
    /// responses; each name left out is logged once. Bounds what a request stuffed with
    /// cookie names can make the server send back.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().purge_limit(500);
    /// ```
    pub fn purge_limit(mut self, limit: usize) -> Self {
        self.purge_limit = limit;
        self
    }

    /// Whether purging also deletes refused cookies in the request host's parent domains,
    /// down to the registrable domain from the public suffix list (default `true`):
    /// tracker scripts usually set their cookies with `Domain=example.com`, which a
    /// host-only deletion does not remove. Turn it off only if no script on the site
    /// writes cookies.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().purge_parent_domains(true);
    /// ```
    pub fn purge_parent_domains(mut self, purge: bool) -> Self {
        self.purge_parent_domains = purge;
        self
    }

    /// Sets the path the consent endpoints live under (default `/_consent`): the state
    /// JSON and choices at the path itself, the banner at `{prefix}/banner`, its assets
    /// at `{prefix}/banner.js` and `{prefix}/banner.css`, the settings page at
    /// `{prefix}/settings`, the cookie declaration at `{prefix}/cookies`.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().endpoint_prefix("/privacy/consent");
    /// ```
    pub fn endpoint_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.endpoint_prefix = prefix.into();
        self
    }

    /// Lets pages of another origin (`https://www.example.com`) record choices; by
    /// default only the endpoint's own origin may.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().allowed_origin("https://www.example.com");
    /// ```
    pub fn allowed_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into());
        self
    }

    /// Whether `Sec-GPC: 1` refuses marketing (default `true`): it then wins over an
    /// earlier opt-in, unless the visitor grants marketing explicitly while sending the
    /// signal, and `/.well-known/gpc.json` is served.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().honour_gpc(true);
    /// ```
    pub fn honour_gpc(mut self, honour: bool) -> Self {
        self.honour_gpc = honour;
        self
    }

    /// Report-only mode (default `false`), for rolling the layer out on a running site:
    /// everything is computed as usual — handlers see [`Consent`](crate::Consent), the
    /// consent endpoints and the banner work, choices are recorded — but nothing is
    /// removed: no request cookie is filtered, no `Set-Cookie` stripped, no cookie
    /// purged. Each of those actions is logged instead, once per cookie name, action and
    /// path, with `tracing::warn!` under the target `tower_consent::report_only` (fields
    /// `cookie`, `category`, `action` = `filter` | `strip` | `purge`, `path`).
    ///
    /// Roll out in three steps: run with `report_only(true)` and read the log and the
    /// [undeclared-cookie report](crate::ConsentLayer::report); declare what they show;
    /// then turn report-only off to enforce.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let layer = ConsentLayer::builder()
    ///     .secret([5u8; 32])
    ///     .analytics(["_ga", "_ga_*"])
    ///     .report_only(true)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn report_only(mut self, report_only: bool) -> Self {
        self.report_only = report_only;
        self
    }

    /// Sets the `lastUpdate` date (`YYYY-MM-DD`) of `/.well-known/gpc.json`.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().gpc_last_update("2026-11-24");
    /// ```
    pub fn gpc_last_update(mut self, date: impl Into<String>) -> Self {
        self.gpc_last_update = Some(date.into());
        self
    }

    /// Adds or replaces the banner texts of a language (a tag such as `it` or `pt-BR`).
    /// English, Spanish, German and French are built in; the visitor's
    /// `Accept-Language` picks among them.
    ///
    /// ```
    /// # use tower_consent::{BannerTexts, ConsentLayer};
    /// let builder = ConsentLayer::builder().banner_texts(
    ///     "en",
    ///     BannerTexts { title: "Cookies at Example Ltd".into(), ..BannerTexts::english() },
    /// );
    /// ```
    pub fn banner_texts(mut self, language: impl Into<String>, texts: BannerTexts) -> Self {
        let language = language.into();
        match self
            .banner_texts
            .iter_mut()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(&language))
        {
            Some(entry) => entry.1 = texts,
            None => self.banner_texts.push((language, texts)),
        }
        self
    }

    /// Sets the banner language used when `Accept-Language` matches none (default
    /// `en`); it must have texts.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().default_language("de");
    /// ```
    pub fn default_language(mut self, language: impl Into<String>) -> Self {
        self.default_language = language.into();
        self
    }

    /// Serves the [undeclared-cookie report](crate::CookieReport) as JSON on
    /// `GET {prefix}/report` to requests `access` allows; others get `403`. Without
    /// this call the endpoint does not exist (`404`), and the report is read with
    /// [`ConsentLayer::report`] only. The report names cookies and paths of your site:
    /// allow only operators.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().report_endpoint(|request: &http::request::Parts| {
    ///     request
    ///         .headers
    ///         .get(http::header::AUTHORIZATION)
    ///         .is_some_and(|value| value == "Bearer operator-token")
    /// });
    /// ```
    pub fn report_endpoint(mut self, access: impl ReportAccess) -> Self {
        self.report_access = Some(Access(Box::new(access)));
        self
    }

    /// Records every decision in a proof-of-consent [`Ledger`](crate::ledger::Ledger)
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
    pub fn ledger(mut self, ledger: crate::ledger::Ledger) -> Self {
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

    /// Reads where each visitor is from `source`, so that each gets the consent
    /// [`Regime`] of their region: opt-in in the EEA, the UK, Switzerland and Quebec,
    /// opt-out in the US states with comprehensive privacy laws (the compiled table, see
    /// [`regime_in`](Self::regime_in)), the [fallback](Self::fallback_regime) elsewhere
    /// and when the region is unknown. Without a source every visitor gets the fallback.
    ///
    /// Only name a CDN's headers if the origin cannot be reached around the CDN:
    /// anybody can send them to an origin that is reachable directly.
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, RegionSource};
    /// let builder = ConsentLayer::builder().region_source(RegionSource::cloudflare());
    /// ```
    pub fn region_source(mut self, source: RegionSource) -> Self {
        self.region_source = Some(source);
        self
    }

    /// The regime of visitors whose region is unknown or not in the table (default
    /// [`Regime::OptIn`], the strictest, as consent platforms do).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Regime};
    /// let builder = ConsentLayer::builder().fallback_regime(Regime::OptIn);
    /// ```
    pub fn fallback_regime(mut self, regime: Regime) -> Self {
        self.fallback_regime = regime;
        self
    }

    /// Sets the regime of `region` (a country such as `BR`, or a subdivision such as
    /// `US-VA`), over the compiled table's row; a subdivision's row wins over its
    /// country's. The row's GPC rule is kept (a new row's is that of its country, or
    /// not binding). `build()` checks the region.
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Regime};
    /// let builder = ConsentLayer::builder()
    ///     .regime_in("BR", Regime::OptIn)
    ///     .regime_in("US-FL", Regime::OptOut);
    /// ```
    pub fn regime_in(mut self, region: impl Into<String>, regime: Regime) -> Self {
        self.regime_overrides
            .push((region.into(), Some(regime), None));
        self
    }

    /// Sets whether the law of `region` makes Global Privacy Control a binding opt-out
    /// of sale and sharing, over the compiled table's row. Where it is binding the
    /// layer honours the signal even with [`honour_gpc(false)`](Self::honour_gpc).
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().gpc_binding_in("US-VA", true);
    /// ```
    pub fn gpc_binding_in(mut self, region: impl Into<String>, binding: bool) -> Self {
        self.regime_overrides
            .push((region.into(), None, Some(binding)));
        self
    }

    /// The categories whose cookies the site uses to sell or share personal data
    /// (default: marketing): "Do Not Sell or Share My Personal Information" and Global
    /// Privacy Control refuse these. Necessary cannot be one of them.
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer};
    /// let builder = ConsentLayer::builder().sale_share([Category::Marketing, Category::Analytics]);
    /// ```
    pub fn sale_share(mut self, categories: impl IntoIterator<Item = Category>) -> Self {
        self.sale_share = categories.into_iter().collect();
        self
    }

    /// Turns the HTML gate on: tracker scripts, iframes and pixels in `text/html`
    /// responses are held back until the visitor consents, and the banner is inserted
    /// into full pages (see the [`html`](crate::html) module).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, HtmlGate};
    /// let builder = ConsentLayer::builder().html_gate(HtmlGate::new());
    /// ```
    #[cfg(feature = "html")]
    #[cfg_attr(docsrs, doc(cfg(feature = "html")))]
    pub fn html_gate(mut self, gate: crate::HtmlGate) -> Self {
        self.html_gate = Some(gate);
        self
    }

    /// Checks the configuration and builds the layer.
    ///
    /// ```
    /// # use tower_consent::{BuildError, ConsentLayer};
    /// assert_eq!(ConsentLayer::builder().build().unwrap_err(), BuildError::MissingSecret);
    /// ```
    pub fn build(self) -> Result<ConsentLayer, BuildError> {
        let secret = self.secret.ok_or(BuildError::MissingSecret)?;
        let keys = std::iter::once(&secret)
            .chain(&self.previous_secrets)
            .map(|secret| {
                if secret.len() < MIN_SECRET_LEN {
                    Err(BuildError::SecretTooShort { len: secret.len() })
                } else {
                    Ok(derive_key(secret))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if self.lifetime.is_zero() || self.lifetime > MAX_LIFETIME {
            return Err(BuildError::InvalidLifetime);
        }
        if self.purge_limit == 0 {
            return Err(BuildError::InvalidPurgeLimit);
        }
        let cookie_name = checked_cookie_name(
            self.cookie_name,
            self.secure,
            self.allow_unprefixed_cookie_name,
        )?;
        // A translation is for a banner language, or for the primary subtag of one.
        if let Some(tag) = self
            .custom_categories
            .iter()
            .flat_map(|category| &category.translations)
            .map(|(tag, _, _)| tag)
            .find(|tag| {
                !is_language_tag(tag)
                    || !self.banner_texts.iter().any(|(banner, _)| {
                        banner.eq_ignore_ascii_case(tag)
                            || banner
                                .split('-')
                                .next()
                                .is_some_and(|primary| primary.eq_ignore_ascii_case(tag))
                    })
            })
        {
            return Err(BuildError::InvalidLanguage(tag.clone()));
        }
        let categories = checked_categories(self.custom_categories)?;
        crate::gate::validate_scopes(&self.purge_scopes)?;
        #[cfg(feature = "html")]
        let html = self
            .html_gate
            .map(|gate| gate.compile(&categories))
            .transpose()?;
        let offered = if self.hide_unused_categories {
            let catalog = self
                .known_trackers
                .then(crate::known_trackers)
                .unwrap_or_default();
            let unknown = match self.unknown {
                Unknown::As(category) => Some(category),
                _ => None,
            };
            let used = self
                .rules
                .iter()
                .map(|rule| rule.category)
                .chain(catalog.iter().map(|known| known.category))
                .chain(unknown)
                .filter_map(|category| categories.index_of(category))
                .fold(CategorySet::NECESSARY, CategorySet::with);
            #[cfg(feature = "html")]
            let used = html.as_ref().map_or(used, |gate| {
                gate.matcher
                    .categories()
                    .iter()
                    .fold(used, CategorySet::with)
            });
            used
        } else {
            categories.all()
        };

        // The consent cookie itself is strictly necessary.
        let consent_rule = Rule::new(cookie_name.clone(), Category::Necessary)
            .lifetime(Lifetime::For(self.lifetime));
        let declared = std::iter::once(&consent_rule)
            .chain(&self.rules)
            .enumerate()
            .map(|(index, rule)| DeclaredRule::new(rule, index == 0))
            .collect();
        let app_rules = std::iter::once(consent_rule)
            .chain(self.rules)
            .map(CompiledRule::from)
            .collect();
        #[allow(unused_mut)] // extended only by the `__bench` feature
        let mut catalog_rules = if self.known_trackers {
            CompiledRule::catalog()?
        } else {
            Vec::new()
        };
        #[cfg(feature = "__bench")]
        catalog_rules.extend(CompiledRule::catalog_copies(self.catalog_copies));
        let classifier = Classifier::build(
            &categories,
            app_rules,
            catalog_rules,
            self.unknown,
            self.purge_scopes,
        )?;
        crate::endpoints::validate_prefix(&self.endpoint_prefix)?;
        if let Some(origin) = self
            .allowed_origins
            .iter()
            .find(|origin| !crate::same_origin::is_valid_origin(origin))
        {
            return Err(BuildError::InvalidOrigin(origin.clone()));
        }
        if let Some((tag, _)) = self
            .banner_texts
            .iter()
            .find(|(tag, _)| !is_language_tag(tag))
        {
            return Err(BuildError::InvalidLanguage(tag.clone()));
        }
        let default_language = self
            .banner_texts
            .iter()
            .position(|(tag, _)| tag.eq_ignore_ascii_case(&self.default_language))
            .ok_or_else(|| BuildError::InvalidLanguage(self.default_language.clone()))?;
        if let Some(date) = &self.gpc_last_update {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(date, &format)
                .map_err(|_| BuildError::InvalidGpcDate(date.clone()))?;
        }
        let regimes = checked_regimes(
            self.region_source,
            &self.regime_overrides,
            self.fallback_regime,
        )?;
        let defaults = RegimeDefaults::new(
            checked_sale_share(&self.sale_share, &categories)?,
            categories.all(),
        );
        let same_origin = SameOrigin::new(self.allowed_origins, self.secure);
        #[cfg(feature = "ledger")]
        let ledger = checked_ledger(self.ledger, &self.banner_texts, &categories)?;
        let endpoints = Endpoints::new(
            self.endpoint_prefix,
            self.banner_texts,
            default_language,
            self.gpc_last_update,
        )
        .with_report_access(self.report_access)
        .offering(offered);
        #[cfg(feature = "ledger")]
        let endpoints = if ledger.is_some() {
            endpoints.with_records()
        } else {
            endpoints
        };
        let cookie =
            ConsentCookie::new(cookie_name, keys, self.secure, self.lifetime, self.revision);
        Ok(ConsentLayer::from_config(Config {
            categories,
            purge: Purge::new(&classifier, self.purge_limit, self.purge_parent_domains),
            refused_choice_routes: ReportOnce::new(),
            classifier,
            cookie,
            endpoints,
            same_origin,
            honour_gpc: self.honour_gpc,
            regimes,
            defaults,
            report_only: self.report_only.then(ReportOnly::new),
            #[cfg(feature = "ledger")]
            ledger,
            declared,
            #[cfg(feature = "html")]
            html,
        }))
    }
}

/// The ledger settings, with the wording of every banner language.
#[cfg(feature = "ledger")]
fn checked_ledger(
    options: LedgerOptions,
    texts: &[(String, BannerTexts)],
    categories: &Categories,
) -> Result<Option<crate::ledger::respond::LedgerConfig>, BuildError> {
    let Some(ledger) = options.ledger else {
        if options.user_agent || options.ip {
            return Err(BuildError::LedgerOptionWithoutLedger);
        }
        return Ok(None);
    };
    if ledger.retention_period().is_zero() {
        return Err(BuildError::InvalidRetention);
    }
    let wordings = texts
        .iter()
        .map(|(tag, texts)| {
            std::sync::Arc::new(crate::ledger::Wording::of_banner(tag, texts, categories))
        })
        .collect();
    Ok(Some(crate::ledger::respond::LedgerConfig::new(
        ledger,
        options.user_agent,
        options.ip,
        wordings,
    )))
}

/// The regime settings, with every region checked.
fn checked_regimes(
    source: Option<RegionSource>,
    overrides: &[(String, Option<Regime>, Option<bool>)],
    fallback: Regime,
) -> Result<Regimes, BuildError> {
    let overrides = overrides
        .iter()
        .map(|(region, regime, gpc)| {
            let parsed = region
                .parse::<Region>()
                .map_err(|_| BuildError::InvalidRegion(region.clone()))?;
            Ok((parsed, *regime, *gpc))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    Ok(Regimes::new(source, &overrides, fallback))
}

/// The categories "Do Not Sell or Share" and GPC refuse: known, not necessary, at
/// least one.
fn checked_sale_share(
    sale_share: &[Category],
    categories: &Categories,
) -> Result<CategorySet, BuildError> {
    let mut set = CategorySet::EMPTY;
    for &category in sale_share {
        if category.is_necessary() {
            return Err(BuildError::InvalidSaleShare(
                "necessary cookies cannot be sold or shared".to_owned(),
            ));
        }
        let index = categories.index_of(category).ok_or_else(|| {
            BuildError::InvalidSaleShare(format!("{category} is not a category of this layer"))
        })?;
        set = set.with(index);
    }
    if set.is_empty() {
        return Err(BuildError::InvalidSaleShare(
            "name at least one category".to_owned(),
        ));
    }
    Ok(set)
}

fn checked_cookie_name(
    name: Option<String>,
    secure: bool,
    allow_unprefixed: bool,
) -> Result<String, BuildError> {
    let name = name.unwrap_or_else(|| if secure { "__Host-consent" } else { "consent" }.to_owned());
    let error = |reason| {
        Err(BuildError::InvalidCookieName {
            name: name.clone(),
            reason,
        })
    };
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b))
    {
        return error("a cookie name is 1 or more RFC 6265 token characters");
    }
    let lower = name.to_ascii_lowercase();
    if !secure && (lower.starts_with("__host-") || lower.starts_with("__secure-")) {
        return error("`__Host-` and `__Secure-` names need `secure(true)`");
    }
    if secure && !lower.starts_with("__host-") && !allow_unprefixed {
        return error(
            "over HTTPS the name must start with `__Host-`, or a sibling subdomain can plant \
             its own consent cookie; see `allow_unprefixed_cookie_name`",
        );
    }
    Ok(name)
}

/// `primary[-subtag…]`: 2 to 8 letters, then subtags of 1 to 8 letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn checked_categories(custom: Vec<CustomCategory>) -> Result<Categories, BuildError> {
    if Category::STANDARD.len() + custom.len() > MAX_CATEGORIES {
        return Err(BuildError::TooManyCategories);
    }
    for (index, category) in custom.iter().enumerate() {
        let key = category.key;
        let valid = (1..=32).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid {
            return Err(BuildError::InvalidCategoryKey(key.to_owned()));
        }
        if Category::from_key(key).is_some() || custom[..index].iter().any(|c| c.key == key) {
            return Err(BuildError::DuplicateCategory(key.to_owned()));
        }
    }
    Ok(Categories::new(custom))
}
