//! Configuration errors reported by [`ConsentLayerBuilder::build`](crate::ConsentLayerBuilder::build).

/// Why a [`ConsentLayer`](crate::ConsentLayer) could not be built.
///
/// Every setting is checked once, when the layer is built; requests never fail because
/// of configuration.
///
/// # Example
///
/// ```
/// use tower_consent::{BuildError, ConsentLayer};
///
/// let error = ConsentLayer::builder().secret(b"too short").build().unwrap_err();
/// assert!(matches!(error, BuildError::SecretTooShort { len: 9 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No signing secret was given.
    #[error("no secret: call `.secret(..)` with at least 32 random bytes")]
    MissingSecret,
    /// A secret (current or previous) is shorter than 32 bytes.
    #[error("a secret has {len} bytes; at least 32 random bytes are needed")]
    SecretTooShort {
        /// The length that was given.
        len: usize,
    },
    /// A rule's pattern cannot match a cookie name.
    #[error("invalid cookie pattern {pattern:?}: {reason}")]
    InvalidPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two equally specific rules can match the same name but disagree on the category.
    #[error(
        "rules {first:?} ({first_category}) and {second:?} ({second_category}) are equally \
         specific and can match the same cookie name: make one more specific or give both \
         the same category"
    )]
    ConflictingRules {
        /// The rule declared first.
        first: String,
        /// Its category key.
        first_category: String,
        /// The rule declared later.
        second: String,
        /// Its category key.
        second_category: String,
    },
    /// A rule or setting names a custom category that was not declared.
    #[error("category {0:?} is not declared: add it with `.custom_category(..)`")]
    UndeclaredCategory(String),
    /// A custom category key is empty, too long, or uses other bytes than `[a-z0-9_-]`.
    #[error("custom category key {0:?} must be 1 to 32 bytes of `a-z`, `0-9`, `_` or `-`")]
    InvalidCategoryKey(String),
    /// A custom category reuses a key.
    #[error("category {0:?} is declared twice (or reuses a standard key)")]
    DuplicateCategory(String),
    /// More than 64 categories in all.
    #[error("too many categories: at most 64, the 4 standard ones included")]
    TooManyCategories,
    /// The consent cookie name is not a valid cookie name or breaks a prefix rule.
    #[error("invalid consent cookie name {name:?}: {reason}")]
    InvalidCookieName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A purge scope has an invalid `Domain` or `Path`.
    #[error("invalid cookie scope (domain {domain:?}, path {path:?}): {reason}")]
    InvalidScope {
        /// The domain as given.
        domain: Option<String>,
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The endpoint prefix is not an absolute path like `/_consent`.
    #[error("endpoint prefix {0:?} must be a path like `/_consent`: starting with `/`, not ending with one, of `a-z A-Z 0-9 / - . _ ~`")]
    InvalidPrefix(String),
    /// An allowed origin is not `scheme://host[:port]`.
    #[error("allowed origin {0:?} must look like `https://example.com` (no path)")]
    InvalidOrigin(String),
    /// Banner texts were given for an invalid language tag, the default language has no
    /// texts, or a custom category has labels
    /// ([`label_in`](crate::CustomCategory::label_in)) for a language the banner does
    /// not offer.
    #[error("language {0:?} is not a language tag with banner texts (built in: the 24 official EU languages, see `BannerTexts::BUILTIN_LANGUAGES`)")]
    InvalidLanguage(String),
    /// The GPC `lastUpdate` date is not `YYYY-MM-DD`.
    #[error("GPC lastUpdate {0:?} must be a date written YYYY-MM-DD")]
    InvalidGpcDate(String),
    /// The consent lifetime is zero or longer than browsers keep cookies (400 days).
    #[error("the consent lifetime must be between 1 second and 400 days")]
    InvalidLifetime,

    /// [`purge_limit`](crate::ConsentLayerBuilder::purge_limit) is zero, which would
    /// never delete a refused cookie.
    #[error("the purge limit must be at least 1")]
    InvalidPurgeLimit,

    /// `ledger_user_agent(true)` or `ledger_ip(true)` without a ledger.
    #[error("`ledger_user_agent` and `ledger_ip` need a ledger: call `.ledger(..)`")]
    LedgerOptionWithoutLedger,
    /// The ledger's retention period is zero.
    #[error("the ledger's retention period must not be zero")]
    InvalidRetention,
    /// The ledger's [`RateLimit`](crate::ledger::RateLimit) has a zero burst or period.
    #[error("the ledger's rate limit needs a burst and a period above zero")]
    InvalidRateLimit,

    /// An HTML gate `script_rule` pattern names no host or path a URL can have.
    #[error("invalid script rule {pattern:?}: {reason}")]
    InvalidScriptRule {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A Google Consent Mode mapping names a consent type that does not exist.
    #[error("unknown Google Consent Mode type {0:?}")]
    InvalidConsentModeType(String),
    /// An HTML gate limit is too small to work with.
    #[error("HTML gate limit {name} must be at least {min} bytes")]
    InvalidHtmlLimit {
        /// Which limit.
        name: &'static str,
        /// The least value accepted.
        min: usize,
    },
    /// [`HtmlGate::embed_category`](crate::HtmlGate::embed_category) names a vendor the
    /// built-in embeds ([`known_embeds`](crate::known_embeds)) do not have.
    #[error(
        "no built-in embed of vendor {0:?}: name one of `known_embeds()`, or add the embed \
         with `HtmlGate::embed`"
    )]
    UnknownEmbedVendor(String),
    /// A [`StorageRule`](crate::StorageRule)'s pattern cannot name a tracker's key.
    #[error("invalid storage pattern {pattern:?}: {reason}")]
    InvalidStoragePattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A region given to `regime_in` or `gpc_binding_in` is not an ISO 3166-1 country
    /// code, optionally followed by `-` and an ISO 3166-2 subdivision code.
    #[error(
        "invalid region {0:?}: expected a country such as `DE` or a subdivision such as `US-CA`"
    )]
    InvalidRegion(String),
    /// `sale_share` names necessary, a category the layer does not know, or nothing.
    #[error("invalid sale/share categories: {0}")]
    InvalidSaleShare(String),
}
