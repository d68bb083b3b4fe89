//! Consent categories and the compact set the layer carries per request.

use std::fmt;

/// What a cookie is for, and so whether it needs consent.
///
/// [`Necessary`](Category::Necessary) cookies are always allowed and cannot be refused;
/// every other category is opt-in. Apps may declare their own categories with
/// [`ConsentLayerBuilder::custom_category`](crate::ConsentLayerBuilder::custom_category)
/// and refer to them as `Category::Custom("key")`.
///
/// # Example
///
/// ```
/// use tower_consent::Category;
///
/// assert_eq!(Category::Analytics.key(), "analytics");
/// assert_eq!(Category::Custom("ab_testing").key(), "ab_testing");
/// assert_eq!(Category::from_key("marketing"), Some(Category::Marketing));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// Strictly necessary: sessions, CSRF tokens, load balancing, the consent cookie.
    Necessary,
    /// Remembers choices the visitor made (theme, language, filters).
    Preferences,
    /// Measures use of the site, including A/B testing.
    Analytics,
    /// Advertising, retargeting and cross-site tracking.
    Marketing,
    /// A category declared by the app; the string is its key.
    Custom(&'static str),
}

impl Category {
    /// The four categories every configuration has, in their fixed order.
    pub const STANDARD: [Category; 4] = [
        Category::Necessary,
        Category::Preferences,
        Category::Analytics,
        Category::Marketing,
    ];

    /// The stable key used in the consent cookie, the JSON API and forms.
    ///
    /// ```
    /// # use tower_consent::Category;
    /// assert_eq!(Category::Necessary.key(), "necessary");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Preferences => "preferences",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
            Category::Custom(key) => key,
        }
    }

    /// The standard category with this key, if any; custom keys give `None`.
    ///
    /// ```
    /// # use tower_consent::Category;
    /// assert_eq!(Category::from_key("preferences"), Some(Category::Preferences));
    /// assert_eq!(Category::from_key("ab_testing"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Category> {
        Category::STANDARD.into_iter().find(|c| c.key() == key)
    }

    /// Whether the category needs no consent.
    ///
    /// ```
    /// # use tower_consent::Category;
    /// assert!(Category::Necessary.is_necessary());
    /// assert!(!Category::Analytics.is_necessary());
    /// ```
    pub fn is_necessary(self) -> bool {
        self == Category::Necessary
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A category the app declares in addition to the standard four.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, CustomCategory};
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .custom_category(CustomCategory::new(
///         "ab_testing",
///         "A/B testing",
///         "Lets us compare two versions of a page.",
///     ))
///     .classify(Category::Custom("ab_testing"), ["exp_*"])
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomCategory {
    pub(crate) key: &'static str,
    pub(crate) label: String,
    pub(crate) description: String,
    /// `(language tag, label, description)`, one entry per tag.
    pub(crate) translations: Vec<(String, String, String)>,
}

impl CustomCategory {
    /// A custom category with a key (`[a-z0-9_-]`, 1 to 32 bytes), a short label and a
    /// description shown to visitors. The key is checked by `build()`.
    pub fn new(
        key: &'static str,
        label: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            key,
            label: label.into(),
            description: description.into(),
            translations: Vec::new(),
        }
    }

    /// The label and description shown to visitors whose banner is in `language` (a
    /// language tag such as `de` or `pt-BR`); [`new`](Self::new)'s are shown in every
    /// other language. A banner in `de-AT` uses the `de-AT` texts if given, else the
    /// `de` ones. Giving a language twice keeps the last texts.
    ///
    /// `build()` checks that `language` is one of the layer's banner languages, so that
    /// no translation is silently unused.
    ///
    /// ```
    /// use tower_consent::{ConsentLayer, CustomCategory};
    ///
    /// let category = CustomCategory::new("ab_testing", "A/B testing", "Compares page versions.")
    ///     .label_in("de", "A/B-Tests", "Vergleicht Versionen einer Seite.")
    ///     .label_in("fr", "Tests A/B", "Compare des versions d’une page.");
    /// let layer = ConsentLayer::builder()
    ///     .secret([7u8; 32])
    ///     .custom_category(category)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn label_in(
        mut self,
        language: impl Into<String>,
        label: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        let language = language.into();
        self.translations
            .retain(|(tag, _, _)| !tag.eq_ignore_ascii_case(&language));
        self.translations
            .push((language, label.into(), description.into()));
        self
    }

    /// The label and description for a banner in `language`.
    fn text_in(&self, language: &str) -> (&str, &str) {
        self.translations
            .iter()
            .find(|(tag, _, _)| tag.eq_ignore_ascii_case(language))
            .or_else(|| {
                let primary = language.split('-').next().unwrap_or(language);
                self.translations
                    .iter()
                    .find(|(tag, _, _)| tag.eq_ignore_ascii_case(primary))
            })
            .map_or(
                (&self.label, &self.description),
                |(_, label, description)| (label, description),
            )
    }
}

/// Index of a category inside one configuration: 0–3 are the standard categories, custom
/// ones follow in declaration order.
pub(crate) type CategoryIndex = u8;

/// The index of [`Category::Necessary`] in every configuration.
pub(crate) const NECESSARY_INDEX: CategoryIndex = 0;

/// The most categories one configuration may hold (the width of [`CategorySet`]).
pub(crate) const MAX_CATEGORIES: usize = 64;

/// A set of category indexes; `Copy`, one machine word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CategorySet(u64);

impl CategorySet {
    /// Only the necessary category.
    pub(crate) const NECESSARY: CategorySet = CategorySet(1);

    /// No category.
    pub(crate) const EMPTY: CategorySet = CategorySet(0);

    pub(crate) const fn with(self, index: CategoryIndex) -> Self {
        Self(self.0 | 1 << index)
    }

    #[cfg(any(feature = "html", test))]
    pub(crate) fn without(self, index: CategoryIndex) -> Self {
        Self(self.0 & !(1 << index))
    }

    /// The indexes in `self` or in `other`.
    pub(crate) const fn union(self, other: CategorySet) -> Self {
        Self(self.0 | other.0)
    }

    /// The indexes in both `self` and `other`.
    pub(crate) const fn intersection(self, other: CategorySet) -> Self {
        Self(self.0 & other.0)
    }

    /// The indexes of `self` that are not in `other`.
    pub(crate) const fn difference(self, other: CategorySet) -> Self {
        Self(self.0 & !other.0)
    }

    /// Whether the set holds no index.
    pub(crate) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many categories the set holds.
    pub(crate) fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub(crate) fn contains(self, index: CategoryIndex) -> bool {
        self.0 & (1 << index) != 0
    }

    /// Whether every index of `self` is in `other`.
    pub(crate) fn is_subset(self, other: CategorySet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The first `count` indexes: every category of a configuration.
    pub(crate) fn first(count: usize) -> Self {
        if count >= MAX_CATEGORIES {
            Self(u64::MAX)
        } else {
            Self((1u64 << count) - 1)
        }
    }

    /// The set as one word, bit `i` for index `i`.
    #[cfg(feature = "html")]
    pub(crate) fn bits(self) -> u64 {
        self.0
    }

    /// The indexes in ascending order.
    pub(crate) fn iter(self) -> impl Iterator<Item = CategoryIndex> {
        (0..MAX_CATEGORIES as CategoryIndex).filter(move |&i| self.contains(i))
    }
}

/// The categories of one configuration: the standard four and the declared custom ones.
#[derive(Debug)]
pub(crate) struct Categories {
    custom: Vec<CustomCategory>,
}

impl Categories {
    pub(crate) fn new(custom: Vec<CustomCategory>) -> Self {
        Self { custom }
    }

    pub(crate) fn len(&self) -> usize {
        Category::STANDARD.len() + self.custom.len()
    }

    /// Every category of the configuration.
    pub(crate) fn all(&self) -> CategorySet {
        CategorySet::first(self.len())
    }

    pub(crate) fn index_of(&self, category: Category) -> Option<CategoryIndex> {
        let index = match category {
            Category::Necessary => 0,
            Category::Preferences => 1,
            Category::Analytics => 2,
            Category::Marketing => 3,
            Category::Custom(key) => {
                Category::STANDARD.len() + self.custom.iter().position(|c| c.key == key)?
            }
        };
        Some(index as CategoryIndex)
    }

    pub(crate) fn index_of_key(&self, key: &str) -> Option<CategoryIndex> {
        match Category::from_key(key) {
            Some(standard) => self.index_of(standard),
            None => self
                .custom
                .iter()
                .position(|c| c.key == key)
                .map(|i| (Category::STANDARD.len() + i) as CategoryIndex),
        }
    }

    /// Every category, standard ones first.
    pub(crate) fn each(&self) -> impl Iterator<Item = Category> + '_ {
        Category::STANDARD
            .into_iter()
            .chain(self.custom.iter().map(|c| Category::Custom(c.key)))
    }

    /// The label and description of `category` for visitors whose banner is in
    /// `language` when the banner's texts have none for it: a custom category's own
    /// (see [`CustomCategory::label_in`]), otherwise its key. The banner's texts come
    /// first: see `texts::category_text`.
    pub(crate) fn own_text(&self, category: Category, language: &str) -> (&str, &str) {
        match category {
            Category::Custom(key) => self
                .custom
                .iter()
                .find(|c| c.key == key)
                .map_or((key, ""), |c| c.text_in(language)),
            _ => (category.key(), ""),
        }
    }

    pub(crate) fn category(&self, index: CategoryIndex) -> Option<Category> {
        let index = usize::from(index);
        match Category::STANDARD.get(index) {
            Some(&standard) => Some(standard),
            None => self
                .custom
                .get(index - Category::STANDARD.len())
                .map(|c| Category::Custom(c.key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let set = CategorySet::NECESSARY.with(2).with(5);
        assert!(set.contains(0) && set.contains(2) && set.contains(5));
        assert!(!set.contains(1));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 2, 5]);
        assert_eq!(set.without(2).iter().collect::<Vec<_>>(), vec![0, 5]);
        assert_eq!(CategorySet::first(64), CategorySet(u64::MAX));
        assert_eq!(CategorySet::first(4).iter().count(), 4);
    }

    #[test]
    fn registry_maps_both_ways() {
        let categories = Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")]);
        assert_eq!(categories.len(), 5);
        assert_eq!(categories.index_of(Category::Custom("ab")), Some(4));
        assert_eq!(categories.index_of(Category::Custom("nope")), None);
        assert_eq!(categories.index_of_key("analytics"), Some(2));
        assert_eq!(categories.index_of_key("ab"), Some(4));
        assert_eq!(categories.category(4), Some(Category::Custom("ab")));
        assert_eq!(categories.category(5), None);
    }
}
