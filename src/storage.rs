//! What trackers keep in the browser's `localStorage` and `sessionStorage`: the keys a
//! configuration declares under a category, and the built-in list of common trackers'
//! keys ([`known_storage`], compiled from `data/storage.tsv`).
//!
//! A server never sees these keys: scripts write them in the browser, and no request
//! carries them. So the layer cannot purge them as it purges cookies; `banner.js`
//! removes the keys of refused categories where it runs (when a page loads, and right
//! after a choice that refuses them, withdrawal included), from the list the banner
//! gives it (`data-tc-storage`). The cookie declaration lists them as their own type.

use serde::Serialize;

use crate::category::Categories;
use crate::{BuildError, Category};

/// Which of the browser's storages a key is kept in.
///
/// # Example
///
/// ```
/// use tower_consent::{known_storage, StorageArea};
///
/// let hotjar = known_storage().iter().find(|k| k.key == "hjViewportId").expect("listed");
/// assert_eq!(hotjar.area, StorageArea::Session);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageArea {
    /// `localStorage`: kept until deleted.
    Local,
    /// `sessionStorage`: kept for the tab's session.
    Session,
    /// Either.
    Both,
}

impl StorageArea {
    fn local(self) -> bool {
        matches!(self, Self::Local | Self::Both)
    }

    fn session(self) -> bool {
        matches!(self, Self::Session | Self::Both)
    }
}

/// A key (or `*` pattern) a tracker keeps in the browser's storage, from the built-in
/// list ([`known_storage`]).
///
/// # Example
///
/// ```
/// use tower_consent::{known_storage, Category};
///
/// let segment = known_storage().iter().find(|k| k.vendor == "Segment").expect("listed");
/// assert_eq!(segment.key, "ajs_*");
/// assert_eq!(segment.category, Category::Analytics);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownStorage {
    /// The key, or a pattern in which each `*` stands for any run of characters.
    pub key: &'static str,
    /// Where the vendor keeps it.
    pub area: StorageArea,
    /// Whose script writes it.
    pub vendor: &'static str,
    /// The consent it needs.
    pub category: Category,
}

impl KnownStorage {
    const fn new(
        key: &'static str,
        area: StorageArea,
        vendor: &'static str,
        category: Category,
    ) -> Self {
        Self {
            key,
            area,
            vendor,
            category,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/storage.rs"));

/// The built-in list of keys common trackers keep in `localStorage` and
/// `sessionStorage`, each from the vendor's own documentation (`data/storage.tsv`).
/// [`ConsentLayerBuilder::known_trackers`](crate::ConsentLayerBuilder::known_trackers)
/// adds it with the cookie catalog.
///
/// ```
/// use tower_consent::known_storage;
///
/// assert!(known_storage().iter().any(|k| k.key == "AMP_*"));
/// ```
pub fn known_storage() -> &'static [KnownStorage] {
    KNOWN_STORAGE
}

/// Keys the app declares in `localStorage` or `sessionStorage` under a category: listed
/// in the cookie declaration, and removed by `banner.js` while the category is refused.
/// Add it with [`ConsentLayerBuilder::storage`](crate::ConsentLayerBuilder::storage).
///
/// The pattern is a key, or a pattern in which each `*` stands for any run of
/// characters (`mp_*_mixpanel`); keys compare case-sensitively, as the browser's do.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, StorageRule};
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .storage(
///         StorageRule::local("ab_variant_*", Category::Analytics)
///             .provider("This site")
///             .purpose("Remembers which variant of a page you saw."),
///     )
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageRule {
    pattern: String,
    area: StorageArea,
    category: Category,
    provider: Option<String>,
    purpose: Option<String>,
}

impl StorageRule {
    /// A key (or pattern) kept in `localStorage`.
    ///
    /// ```
    /// # use tower_consent::{Category, StorageRule};
    /// let rule = StorageRule::local("AMP_*", Category::Analytics);
    /// ```
    pub fn local(pattern: impl Into<String>, category: Category) -> Self {
        Self::new(pattern, StorageArea::Local, category)
    }

    /// A key (or pattern) kept in `sessionStorage`.
    ///
    /// ```
    /// # use tower_consent::{Category, StorageRule};
    /// let rule = StorageRule::session("hjViewportId", Category::Analytics);
    /// ```
    pub fn session(pattern: impl Into<String>, category: Category) -> Self {
        Self::new(pattern, StorageArea::Session, category)
    }

    /// A key (or pattern) kept in `area`.
    ///
    /// ```
    /// # use tower_consent::{Category, StorageArea, StorageRule};
    /// let rule = StorageRule::new("_hj*", StorageArea::Both, Category::Analytics);
    /// ```
    pub fn new(pattern: impl Into<String>, area: StorageArea, category: Category) -> Self {
        Self {
            pattern: pattern.into(),
            area,
            category,
            provider: None,
            purpose: None,
        }
    }

    /// Who writes it, for the declaration (default: this site).
    ///
    /// ```
    /// # use tower_consent::{Category, StorageRule};
    /// let rule = StorageRule::local("ph_*", Category::Analytics).provider("PostHog");
    /// ```
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// What it is for, for the declaration.
    ///
    /// ```
    /// # use tower_consent::{Category, StorageRule};
    /// let rule = StorageRule::local("ph_*", Category::Analytics).purpose("Counts visits.");
    /// ```
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }
}

impl StorageRule {
    /// The category it declares the key under.
    pub(crate) fn category_of(&self) -> Category {
        self.category
    }
}

/// One checked storage rule, the app's or built in.
#[derive(Clone, Debug)]
pub(crate) struct StorageEntry {
    pub(crate) pattern: Box<str>,
    pub(crate) area: StorageArea,
    pub(crate) category: Category,
    pub(crate) provider: Option<Box<str>>,
    pub(crate) purpose: Option<Box<str>>,
    /// From the built-in list: the vendor whose cookies must have been seen for the
    /// declaration to list it.
    pub(crate) known_vendor: Option<&'static str>,
}

impl StorageEntry {
    /// The storages it is kept in, as the declaration lists them.
    pub(crate) fn areas(&self) -> impl Iterator<Item = StorageArea> {
        let area = self.area;
        [
            area.local().then_some(StorageArea::Local),
            area.session().then_some(StorageArea::Session),
        ]
        .into_iter()
        .flatten()
    }
}

/// The checked storage rules of a configuration, and what `banner.js` gets of them.
#[derive(Debug, Default)]
pub(crate) struct StorageRules {
    /// The app's rules in the order given, then the built-in ones.
    pub(crate) entries: Vec<StorageEntry>,
    /// The rules as `banner.js` reads them from `data-tc-storage`: a JSON array of
    /// `[pattern, "l" | "s" | "ls", category key]`, the first match of a key deciding
    /// (the app's rules first, the most specific of them first); empty without rules.
    banner: Box<str>,
}

/// Why a storage pattern was refused, or `None` if it is a valid one.
fn invalid(pattern: &str) -> Option<&'static str> {
    if pattern.is_empty() {
        return Some("the pattern is empty");
    }
    if pattern.bytes().all(|b| b == b'*') {
        return Some("a pattern of only `*` matches every key, the site's own too");
    }
    if pattern.chars().any(char::is_control) {
        return Some("a key pattern has no control characters");
    }
    None
}

impl StorageRules {
    /// Checks the app's `rules` and adds the built-in list with `known`.
    pub(crate) fn build(
        rules: Vec<StorageRule>,
        known: bool,
        categories: &Categories,
    ) -> Result<Self, BuildError> {
        let mut entries = Vec::with_capacity(rules.len());
        for rule in rules {
            if let Some(reason) = invalid(&rule.pattern) {
                return Err(BuildError::InvalidStoragePattern {
                    pattern: rule.pattern,
                    reason: reason.to_owned(),
                });
            }
            if categories.index_of(rule.category).is_none() {
                return Err(BuildError::UndeclaredCategory(
                    rule.category.key().to_owned(),
                ));
            }
            entries.push(StorageEntry {
                pattern: rule.pattern.into(),
                area: rule.area,
                category: rule.category,
                provider: rule.provider.map(Into::into),
                purpose: rule.purpose.map(Into::into),
                known_vendor: None,
            });
        }
        // The most specific of the app's rules first: `banner.js` takes the first match.
        entries.sort_by_key(|e| std::cmp::Reverse(literal_len(&e.pattern)));
        if known {
            let mut known_entries: Vec<StorageEntry> = KNOWN_STORAGE
                .iter()
                .filter(|k| categories.index_of(k.category).is_some())
                .map(|k| StorageEntry {
                    pattern: k.key.into(),
                    area: k.area,
                    category: k.category,
                    provider: Some(k.vendor.into()),
                    purpose: None,
                    known_vendor: Some(k.vendor),
                })
                .collect();
            known_entries.sort_by_key(|e| std::cmp::Reverse(literal_len(&e.pattern)));
            entries.extend(known_entries);
        }
        let banner = if entries.is_empty() {
            String::new()
        } else {
            let list: Vec<(&str, &str, &str)> = entries
                .iter()
                .map(|e| {
                    let area = match e.area {
                        StorageArea::Local => "l",
                        StorageArea::Session => "s",
                        StorageArea::Both => "ls",
                    };
                    (&*e.pattern, area, e.category.key())
                })
                .collect();
            // Strings only: serializing cannot fail.
            serde_json::to_string(&list).unwrap_or_default()
        };
        Ok(Self {
            entries,
            banner: banner.into(),
        })
    }

    /// What `banner.js` reads from `data-tc-storage` (unescaped); empty for no rules.
    pub(crate) fn banner(&self) -> &str {
        &self.banner
    }
}

/// How many characters of `pattern` are not `*`.
fn literal_len(pattern: &str) -> usize {
    pattern.chars().filter(|&c| c != '*').count()
}

/// Where a declared entry is kept: a cookie, or one of the browser's storages.
///
/// # Example
///
/// ```
/// use tower_consent::Storage;
/// assert_eq!(serde_json::to_string(&Storage::Local).unwrap(), "\"local\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Storage {
    /// A cookie.
    Cookie,
    /// A `localStorage` key.
    Local,
    /// A `sessionStorage` key.
    Session,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_checked() {
        let categories = Categories::new(Vec::new());
        for bad in ["", "*", "**", "a\nb"] {
            let rules = vec![StorageRule::local(bad, Category::Analytics)];
            assert!(
                matches!(
                    StorageRules::build(rules, false, &categories),
                    Err(BuildError::InvalidStoragePattern { .. })
                ),
                "{bad:?}"
            );
        }
        let undeclared = vec![StorageRule::local("a", Category::Custom("nope"))];
        assert_eq!(
            StorageRules::build(undeclared, false, &categories).unwrap_err(),
            BuildError::UndeclaredCategory("nope".into())
        );
    }

    #[test]
    fn the_banner_gets_the_app_rules_first_most_specific_first() {
        let categories = Categories::new(Vec::new());
        let rules = vec![
            StorageRule::local("ajs_*", Category::Marketing),
            StorageRule::new("ajs_user_id", StorageArea::Both, Category::Necessary),
        ];
        let compiled = StorageRules::build(rules, true, &categories).expect("valid");
        let list: Vec<(String, String, String)> =
            serde_json::from_str(compiled.banner()).expect("JSON");
        assert_eq!(
            list[0],
            ("ajs_user_id".into(), "ls".into(), "necessary".into())
        );
        assert_eq!(list[1], ("ajs_*".into(), "l".into(), "marketing".into()));
        assert_eq!(list.len(), 2 + known_storage().len());
        assert!(list[2..].iter().any(|(key, _, _)| key == "hjViewportId"));
        let none = StorageRules::build(Vec::new(), false, &categories).expect("valid");
        assert_eq!(none.banner(), "");
    }

    #[test]
    fn known_keys_are_valid_patterns() {
        for known in known_storage() {
            assert_eq!(invalid(known.key), None, "{}", known.key);
            assert_ne!(known.category, Category::Necessary);
        }
    }
}
