//! The cookie declaration: which cookies the site uses, by category, with provider,
//! purpose, lifetime and first- or third-party, as `GET {prefix}/cookies` answers it and
//! [`ConsentLayer::declaration`](crate::ConsentLayer::declaration) returns it.
//!
//! It lists every rule the app declares (and the consent cookie itself), plus the
//! [catalog](crate::known_trackers) entries this site has been *seen* to use since the
//! layer was built: those of the cookies the app sets, and of the cookies enough
//! browsers send, within bounds no visitor can push (see `classify::seen`). So the
//! declaration grows with what the site really sets, and never lists the hundreds of
//! catalog entries the site does not use.
//!
//! Keys kept in the browser's `localStorage` and `sessionStorage` are listed as their
//! own type ([`Storage`]): those the app declares
//! ([`StorageRule`](crate::StorageRule)), and those of the built-in list
//! ([`known_storage`](crate::known_storage)) whose vendor's cookies this site has been
//! seen to use (the server never sees storage keys themselves).

use serde::Serialize;

use crate::texts::{category_text, BannerTexts, DeclarationTexts, StorageTexts};
use std::sync::Arc;

use crate::category::Categories;
use crate::classify::{known_trackers, Sightings};
use crate::storage::{StorageArea, StorageRules};
use crate::{Category, Lifetime, Rule, Storage};

/// What the declaration lists, fixed at build time but for the catalog entries the
/// site is seen to use.
#[derive(Debug)]
pub(crate) struct Declared {
    /// The app's rules, the consent cookie's first.
    rules: Vec<DeclaredRule>,
    /// Which catalog entries the site has been seen to use, as the classifier notes
    /// them.
    sightings: Arc<Sightings>,
    /// The keys trackers keep in the browser's storage (also what `banner.js` removes).
    storage: StorageRules,
}

impl Declared {
    pub(crate) fn new(
        rules: Vec<DeclaredRule>,
        sightings: Arc<Sightings>,
        storage: StorageRules,
    ) -> Self {
        Self {
            rules,
            sightings,
            storage,
        }
    }

    /// The storage rules as `banner.js` reads them (`data-tc-storage`).
    pub(crate) fn storage_for_banner(&self) -> &str {
        self.storage.banner()
    }
}

/// What the app declared about one of its rules, kept for the declaration.
#[derive(Clone, Debug)]
pub(crate) struct DeclaredRule {
    pub(crate) pattern: String,
    pub(crate) category: Category,
    pub(crate) provider: Option<String>,
    pub(crate) purpose: Option<String>,
    pub(crate) lifetime: Option<Lifetime>,
    pub(crate) third_party: bool,
    /// The layer's own consent cookie: its purpose comes from the texts.
    pub(crate) consent_cookie: bool,
}

impl DeclaredRule {
    /// What the declaration says of `rule`: what the rule states, and for what it does
    /// not state (provider, purpose, lifetime), what the catalog knows of the cookie
    /// it names (`.analytics(["_ga"])` is declared as Google Analytics's). The consent
    /// cookie is the layer's own.
    pub(crate) fn new(rule: &Rule, consent_cookie: bool) -> Self {
        let known = if consent_cookie {
            None
        } else {
            crate::classify::catalog::describing(&rule.pattern)
        };
        Self {
            pattern: rule.pattern.clone(),
            category: rule.category,
            provider: rule
                .provider
                .clone()
                .or_else(|| known.map(|k| k.vendor.to_owned())),
            purpose: rule
                .purpose
                .clone()
                .or_else(|| known.map(|k| k.purpose.to_owned())),
            lifetime: rule.lifetime.or(known.map(|k| k.expiry)),
            third_party: rule.third_party,
            consent_cookie,
        }
    }
}

/// The cookie declaration of a configuration, in one language: every cookie the
/// configuration declares, plus the catalog entries the site has been seen to use,
/// grouped by category.
///
/// Render it with [`to_html`](Self::to_html) (a fragment for the app's own cookie policy
/// page; rendered by the banner's HTML writer) or [`to_json`](Self::to_json), or
/// serialize it with serde.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, Lifetime, Rule};
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .rule(
///         Rule::new("theme", Category::Preferences)
///             .purpose("Remembers the colour theme you chose.")
///             .lifetime(Lifetime::Session),
///     )
///     .known_trackers()
///     .build()?;
/// let declaration = layer.declaration();
/// let preferences = declaration
///     .categories
///     .iter()
///     .find(|c| c.key == "preferences")
///     .expect("every category is listed");
/// assert_eq!(preferences.cookies[0].name, "theme");
/// assert!(declaration.to_html().contains("<td>theme</td>"));
/// assert!(declaration.to_json().starts_with('{'));
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Declaration {
    /// The language of the texts, e.g. `en`.
    pub language: String,
    /// The heading, e.g. "Cookie declaration".
    pub title: String,
    /// The sentences above the tables.
    pub intro: String,
    /// Every category of the configuration, necessary first, each with its cookies.
    pub categories: Vec<DeclaredCategory>,
    /// The headings and words of the tables, for the HTML the banner renders.
    #[serde(skip)]
    pub(crate) texts: DeclarationTexts,
    /// How the tables name the browser's storages.
    #[serde(skip)]
    pub(crate) storage_texts: StorageTexts,
}

/// One category of a [`Declaration`].
///
/// # Example
///
/// ```
/// # let layer = tower_consent::ConsentLayer::builder().secret([7u8; 32]).build()?;
/// let necessary = &layer.declaration().categories[0];
/// assert_eq!(necessary.key, "necessary");
/// assert_eq!(necessary.cookies.len(), 1, "the consent cookie");
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeclaredCategory {
    /// The category's key, e.g. `analytics`.
    pub key: String,
    /// Its label for visitors.
    pub label: String,
    /// Its description for visitors.
    pub description: String,
    /// Its cookies: the app's rules first, in the order declared, then catalog entries;
    /// then the keys kept in the browser's storage.
    pub cookies: Vec<DeclaredCookie>,
}

/// One cookie (or name pattern) of a [`Declaration`], or one key (or pattern) kept in
/// the browser's `localStorage` or `sessionStorage` ([`storage`](Self::storage)).
///
/// # Example
///
/// ```
/// # let layer = tower_consent::ConsentLayer::builder().secret([7u8; 32]).build()?;
/// let consent = &layer.declaration().categories[0].cookies[0];
/// assert_eq!(consent.name, "__Host-consent");
/// assert_eq!(consent.provider, "This site");
/// assert_eq!(consent.party, tower_consent::Party::First);
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeclaredCookie {
    /// The cookie's name, or a pattern in which `*` stands for any text.
    pub name: String,
    /// Who sets it: the vendor, or "This site" in the declaration's language.
    pub provider: String,
    /// What it is for, when stated.
    pub purpose: Option<String>,
    /// How long it lives, in words ("2 years", "Session"), when stated.
    pub lifetime: Option<String>,
    /// How long it lives in seconds, for a fixed lifetime.
    pub lifetime_seconds: Option<u64>,
    /// Whether it is set on this site's domain or another's.
    pub party: Party,
    /// Whether it comes from the built-in catalog (and was seen on this site) rather
    /// than from the app's own rules.
    pub catalog: bool,
    /// Where the browser keeps it: a cookie, or a key of `localStorage` or
    /// `sessionStorage`.
    pub storage: Storage,
}

/// Whether a cookie is set on the site's own domain or on another's.
///
/// # Example
///
/// ```
/// use tower_consent::Party;
/// assert_eq!(serde_json::to_string(&Party::Third).unwrap(), "\"third\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// Set on this site's own domain (whoever's script sets it).
    First,
    /// Set on another site's domain, for example by an embedded player.
    Third,
}

impl Declaration {
    /// The declaration of what `declared` lists, by `categories`, in `language`, with
    /// `texts`.
    pub(crate) fn new(
        categories: &Categories,
        declared: &Declared,
        language: &str,
        texts: &BannerTexts,
    ) -> Self {
        let t = &texts.declaration;
        let mut groups: Vec<DeclaredCategory> = categories
            .each()
            .map(|category| {
                let (label, description) = category_text(categories, category, language, texts);
                DeclaredCategory {
                    key: category.key().to_owned(),
                    label: label.to_owned(),
                    description: description.to_owned(),
                    cookies: Vec::new(),
                }
            })
            .collect();
        let mut add = |category: Category, cookie: DeclaredCookie| {
            let index = categories.index_of(category).map(usize::from);
            if let Some(group) = index.and_then(|index| groups.get_mut(index)) {
                let listed =
                    |c: &DeclaredCookie| c.name == cookie.name && c.storage == cookie.storage;
                if !group.cookies.iter().any(listed) {
                    group.cookies.push(cookie);
                }
            }
        };
        for rule in &declared.rules {
            let purpose = if rule.consent_cookie {
                Some(t.consent_cookie.to_string())
            } else {
                rule.purpose.clone()
            };
            add(
                rule.category,
                DeclaredCookie {
                    name: rule.pattern.clone(),
                    provider: rule
                        .provider
                        .clone()
                        .unwrap_or_else(|| t.this_site.to_string()),
                    purpose,
                    lifetime: rule.lifetime.map(|l| t.lifetime_text(l)),
                    lifetime_seconds: rule.lifetime.and_then(Lifetime::seconds),
                    party: if rule.third_party {
                        Party::Third
                    } else {
                        Party::First
                    },
                    catalog: false,
                    storage: Storage::Cookie,
                },
            );
        }
        let mut seen_vendors: Vec<&'static str> = Vec::new();
        for (index, known) in known_trackers().iter().enumerate() {
            if declared.sightings.is_listed(index) {
                if !seen_vendors.contains(&known.vendor) {
                    seen_vendors.push(known.vendor);
                }
                add(
                    known.category,
                    DeclaredCookie {
                        name: known.pattern.to_owned(),
                        provider: known.vendor.to_owned(),
                        purpose: Some(known.purpose.to_owned()),
                        lifetime: Some(t.lifetime_text(known.expiry)),
                        lifetime_seconds: known.expiry.seconds(),
                        party: Party::First,
                        catalog: true,
                        storage: Storage::Cookie,
                    },
                );
            }
        }
        for entry in &declared.storage.entries {
            if entry
                .known_vendor
                .is_some_and(|vendor| !seen_vendors.contains(&vendor))
            {
                continue;
            }
            for area in entry.areas() {
                let (storage, lifetime) = match area {
                    StorageArea::Session => (Storage::Session, &t.session),
                    _ => (Storage::Local, &texts.storage.until_deleted),
                };
                add(
                    entry.category,
                    DeclaredCookie {
                        name: entry.pattern.to_string(),
                        provider: entry
                            .provider
                            .as_deref()
                            .map_or_else(|| t.this_site.to_string(), str::to_owned),
                        purpose: entry.purpose.as_deref().map(str::to_owned),
                        lifetime: Some(lifetime.to_string()),
                        lifetime_seconds: None,
                        party: Party::First,
                        catalog: entry.known_vendor.is_some(),
                        storage,
                    },
                );
            }
        }
        Self {
            language: language.to_owned(),
            title: t.title.to_string(),
            intro: t.intro.to_string(),
            categories: groups,
            texts: t.clone(),
            storage_texts: texts.storage.clone(),
        }
    }

    /// The declaration as JSON: `{"language", "title", "intro", "categories": [{"key",
    /// "label", "description", "cookies": [{"name", "provider", "purpose", "lifetime",
    /// "lifetime_seconds", "party", "catalog", "storage"}]}]}`, `storage` being
    /// `"cookie"`, `"local"` or `"session"`.
    ///
    /// ```
    /// # let layer = tower_consent::ConsentLayer::builder().secret([7u8; 32]).build()?;
    /// let json: serde_json::Value = serde_json::from_str(&layer.declaration().to_json()).unwrap();
    /// assert_eq!(json["categories"][0]["cookies"][0]["party"], "first");
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Only strings, numbers, booleans and sequences: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
