//! [`ConsentLayerBuilder`]: configures a [`ConsentLayer`] and checks the configuration.

use std::fmt;
use std::time::Duration;

use crate::category::{Categories, MAX_CATEGORIES};
use crate::classify::{known_trackers, Classifier, CompiledRule, CookieScope, Rule, Unknown};
use crate::consent::cookie::{derive_key, ConsentCookie};
use crate::layer::{Config, ConsentLayer};
use crate::{BuildError, Category, CustomCategory};

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
        }
    }
}

impl fmt::Debug for ConsentLayerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsentLayerBuilder")
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
            .finish()
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
        let cookie =
            ConsentCookie::new(cookie_name, keys, self.secure, self.lifetime, self.revision);
        Ok(ConsentLayer::from_config(Config {
            categories,
            classifier,
            cookie,
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
