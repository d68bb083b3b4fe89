//! [`ConsentLayerBuilder`]: configures a [`ConsentLayer`] and checks the configuration.

use std::fmt;
use std::time::Duration;

use crate::category::{Categories, MAX_CATEGORIES};
use crate::classify::{known_trackers, Classifier, CompiledRule, CookieScope, Rule, Unknown};
use crate::config::Config;
use crate::consent::cookie::{derive_key, ConsentCookie};
use crate::endpoints::Endpoints;
use crate::gate::Deletions;
use crate::layer::ConsentLayer;
use crate::{BannerTexts, BuildError, Category, CustomCategory};

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
    cookie_name: Option<String>,
    secure: bool,
    lifetime: Duration,
    purge_scopes: Vec<CookieScope>,
    endpoint_prefix: String,
    allowed_origins: Vec<String>,
    honour_gpc: bool,
    gpc_last_update: Option<String>,
    banner_texts: Vec<(String, BannerTexts)>,
    default_language: String,
    #[cfg(feature = "html")]
    html_gate: Option<crate::HtmlGate>,
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
            cookie_name: None,
            secure: true,
            lifetime: DEFAULT_LIFETIME,
            purge_scopes: vec![CookieScope::default()],
            endpoint_prefix: "/_consent".to_owned(),
            allowed_origins: Vec::new(),
            honour_gpc: true,
            gpc_last_update: None,
            banner_texts: ["en", "es", "de", "fr"]
                .into_iter()
                .filter_map(|tag| Some((tag.to_owned(), BannerTexts::builtin(tag)?)))
                .collect(),
            default_language: "en".to_owned(),
            #[cfg(feature = "html")]
            html_gate: None,
        }
    }
}

impl fmt::Debug for ConsentLayerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ConsentLayerBuilder");
        debug
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("previous_secrets", &self.previous_secrets.len())
            .field("revision", &self.revision)
            .field("rules", &self.rules)
            .field("known_trackers", &self.known_trackers)
            .field("unknown", &self.unknown)
            .field("custom_categories", &self.custom_categories)
            .field("cookie_name", &self.cookie_name)
            .field("secure", &self.secure)
            .field("lifetime", &self.lifetime)
            .field("purge_scopes", &self.purge_scopes)
            .field("endpoint_prefix", &self.endpoint_prefix)
            .field("allowed_origins", &self.allowed_origins)
            .field("honour_gpc", &self.honour_gpc)
            .field("gpc_last_update", &self.gpc_last_update)
            .field(
                "banner_languages",
                &self
                    .banner_texts
                    .iter()
                    .map(|(tag, _)| tag)
                    .collect::<Vec<_>>(),
            )
            .field("default_language", &self.default_language);
        #[cfg(feature = "html")]
        debug.field("html_gate", &self.html_gate);
        debug.finish()
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

    /// Whether the consent cookie is marked `Secure` (default `true`). Turn it off only
    /// for development over plain HTTP.
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

    /// Sets the path the consent endpoints live under (default `/_consent`): the state
    /// JSON and choices at the path itself, the banner at `{prefix}/banner`, its assets
    /// at `{prefix}/banner.js` and `{prefix}/banner.css`, the settings page at
    /// `{prefix}/settings`.
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
        let cookie_name = checked_cookie_name(self.cookie_name, self.secure)?;
        let categories = checked_categories(self.custom_categories)?;
        crate::gate::validate_scopes(&self.purge_scopes)?;

        // The consent cookie itself is strictly necessary.
        let app_rules = std::iter::once(Rule::new(cookie_name.clone(), Category::Necessary))
            .chain(self.rules)
            .map(CompiledRule::from)
            .collect();
        let catalog_rules = if self.known_trackers {
            known_trackers()
                .iter()
                .map(|known| CompiledRule {
                    pattern: known.pattern.to_owned(),
                    category: known.category,
                    scopes: Vec::new(),
                })
                .collect()
        } else {
            Vec::new()
        };
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
            .find(|origin| !crate::endpoints::is_valid_origin(origin))
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
        let endpoints = Endpoints::new(
            self.endpoint_prefix,
            self.allowed_origins,
            self.banner_texts,
            default_language,
            self.gpc_last_update,
        );
        #[cfg(feature = "html")]
        let html = self
            .html_gate
            .map(|gate| gate.compile(&categories))
            .transpose()?;
        let cookie =
            ConsentCookie::new(cookie_name, keys, self.secure, self.lifetime, self.revision);
        Ok(ConsentLayer::from_config(Config {
            categories,
            deletions: Deletions::new(&classifier),
            classifier,
            cookie,
            endpoints,
            honour_gpc: self.honour_gpc,
            #[cfg(feature = "html")]
            html,
        }))
    }
}

fn checked_cookie_name(name: Option<String>, secure: bool) -> Result<String, BuildError> {
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
            .all(|b| b != b'*' && crate::classify::is_token_byte(b))
    {
        return error("a cookie name is 1 or more RFC 6265 token characters");
    }
    let lower = name.to_ascii_lowercase();
    if !secure && (lower.starts_with("__host-") || lower.starts_with("__secure-")) {
        return error("`__Host-` and `__Secure-` names need `secure(true)`");
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
