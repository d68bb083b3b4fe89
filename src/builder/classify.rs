//! The classification settings: cookie rules, the tracker catalog, what happens to
//! unknown cookies, and the custom categories.

use std::fmt;

use super::ConsentLayerBuilder;
use crate::category::{Categories, CategorySet, MAX_CATEGORIES};
use crate::classify::{Classifier, CompiledRule, CookieScope, Rule, Unknown};
use crate::declaration::DeclaredRule;
use crate::language::is_language_tag;
use crate::storage::StorageRules;
use crate::{BuildError, Category, CustomCategory, StorageRule};

/// The classification settings of a builder.
#[derive(Default)]
pub(super) struct ClassifySettings {
    rules: Vec<Rule>,
    storage_rules: Vec<StorageRule>,
    known_trackers: bool,
    unknown: Unknown,
    custom_categories: Vec<CustomCategory>,
    #[cfg(feature = "__bench")]
    catalog_copies: usize,
}

impl ClassifySettings {
    /// The settings as the builder's `Debug` shows them.
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("rules", &self.rules)
            .field("storage_rules", &self.storage_rules)
            .field("known_trackers", &self.known_trackers)
            .field("unknown", &self.unknown)
            .field("custom_categories", &self.custom_categories);
    }

    /// The categories, standard and custom, checked; a custom category's translation
    /// must be for one of the banner's `languages` or for the primary subtag of one.
    pub(super) fn categories<'a>(
        &mut self,
        languages: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<Categories, BuildError> {
        if let Some(tag) = self
            .custom_categories
            .iter()
            .flat_map(|category| &category.translations)
            .map(|(tag, _, _)| tag)
            .find(|tag| {
                !is_language_tag(tag)
                    || !languages.clone().any(|banner| {
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
        checked_categories(std::mem::take(&mut self.custom_categories))
    }

    /// The categories of `categories` that a rule, the catalog (if on) or the unknown
    /// cookies' category can name.
    pub(super) fn used(&self, categories: &Categories) -> CategorySet {
        let catalog = self
            .known_trackers
            .then(crate::known_trackers)
            .unwrap_or_default();
        let unknown = match self.unknown {
            Unknown::As(category) => Some(category),
            _ => None,
        };
        self.rules
            .iter()
            .map(|rule| rule.category)
            .chain(self.storage_rules.iter().map(StorageRule::category_of))
            .chain(catalog.iter().map(|known| known.category))
            .chain(unknown)
            .filter_map(|category| categories.index_of(category))
            .fold(CategorySet::NECESSARY, CategorySet::with)
    }

    /// The storage rules, checked, and the built-in ones if the catalog is on.
    pub(super) fn storage_rules(
        &mut self,
        categories: &Categories,
    ) -> Result<StorageRules, BuildError> {
        let rules = std::mem::take(&mut self.storage_rules);
        StorageRules::build(rules, self.known_trackers, categories)
    }

    /// The classifier of the rules (`consent_rule`, the consent cookie's own, first),
    /// the catalog if on, deleting in `purge_scopes` by default; and what the
    /// declaration lists of the rules.
    pub(super) fn classifier(
        self,
        categories: &Categories,
        consent_rule: Rule,
        purge_scopes: Vec<CookieScope>,
    ) -> Result<(Classifier, Vec<DeclaredRule>), BuildError> {
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
            categories,
            app_rules,
            catalog_rules,
            self.unknown,
            purge_scopes,
        )?;
        Ok((classifier, declared))
    }
}

impl ConsentLayerBuilder {
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
        self.classify
            .rules
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
        self.classify.rules.push(rule);
        self
    }

    /// Declares a key (or `*` pattern) that scripts keep in the browser's
    /// `localStorage` or `sessionStorage` under a category: the cookie declaration lists
    /// it, and `banner.js` removes it while its category is refused (at page load and
    /// right after a choice that refuses it). The server never sees such keys: see
    /// [`StorageRule`].
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer, StorageRule};
    /// let builder = ConsentLayer::builder()
    ///     .storage(StorageRule::local("AMP_*", Category::Analytics).provider("Amplitude"));
    /// ```
    pub fn storage(mut self, rule: StorageRule) -> Self {
        self.classify.storage_rules.push(rule);
        self
    }

    /// Declares `localStorage` keys (or `*` patterns) under `category`
    /// ([`storage`](Self::storage) for each).
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer};
    /// let builder = ConsentLayer::builder().local_storage(Category::Analytics, ["ajs_*"]);
    /// ```
    pub fn local_storage<I>(mut self, category: Category, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let rules = patterns
            .into_iter()
            .map(|p| StorageRule::local(p, category));
        self.classify.storage_rules.extend(rules);
        self
    }

    /// Declares `sessionStorage` keys (or `*` patterns) under `category`
    /// ([`storage`](Self::storage) for each).
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer};
    /// let builder = ConsentLayer::builder().session_storage(Category::Analytics, ["hjViewportId"]);
    /// ```
    pub fn session_storage<I>(mut self, category: Category, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let rules = patterns
            .into_iter()
            .map(|p| StorageRule::session(p, category));
        self.classify.storage_rules.extend(rules);
        self
    }

    /// Adds the built-in catalog of well-known tracker cookies (see
    /// [`known_trackers`](crate::known_trackers)), and the built-in list of the keys
    /// trackers keep in the browser's storage ([`known_storage`](crate::known_storage)).
    /// The app's own rules win over them.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().known_trackers();
    /// ```
    pub fn known_trackers(mut self) -> Self {
        self.classify.known_trackers = true;
        self
    }

    /// Benchmarks only (hidden `__bench` feature): adds `copies` renamed copies of every
    /// catalog entry to the catalog, to measure lookups in a catalog that many times
    /// larger.
    #[cfg(feature = "__bench")]
    #[doc(hidden)]
    pub fn __catalog_copies(mut self, copies: usize) -> Self {
        self.classify.catalog_copies = copies;
        self
    }

    /// Sets what happens to cookies no rule matches (default [`Unknown::Block`]).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Unknown};
    /// let builder = ConsentLayer::builder().unknown(Unknown::Allow);
    /// ```
    pub fn unknown(mut self, unknown: Unknown) -> Self {
        self.classify.unknown = unknown;
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
        self.classify.custom_categories.push(category);
        self
    }
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
