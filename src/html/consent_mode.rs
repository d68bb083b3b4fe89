//! Google Consent Mode v2: the `gtag('consent','default',{…})` snippet the gate puts
//! first in `<head>`, built from the visitor's consent.

use std::fmt::Write as _;

use crate::category::{Categories, CategoryIndex, CategorySet};
use crate::{BuildError, Category};

/// The consent types Google Consent Mode v2 knows.
const CONSENT_TYPES: [&str; 7] = [
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
];

/// Which consent category grants each Google Consent Mode type.
///
/// The default: `analytics_storage` ← analytics; `ad_storage`, `ad_user_data`,
/// `ad_personalization` ← marketing; `functionality_storage`,
/// `personalization_storage` ← preferences; `security_storage` always granted; and
/// `wait_for_update: 500` (milliseconds) while the visitor has not decided.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, ConsentModeMapping, HtmlGate};
///
/// let mapping = ConsentModeMapping::new()
///     .map("personalization_storage", Category::Marketing)
///     .wait_for_update(800);
/// let layer = ConsentLayer::builder()
///     .secret([1u8; 32])
///     .html_gate(HtmlGate::new().google_consent_mode(mapping))
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct ConsentModeMapping {
    /// Consent type → the category that grants it (`None`: always granted).
    types: Vec<(String, Option<Category>)>,
    wait_for_update: u32,
}

impl Default for ConsentModeMapping {
    fn default() -> Self {
        Self::new()
    }
}

impl ConsentModeMapping {
    /// The default mapping (see the type's documentation).
    ///
    /// ```
    /// # use tower_consent::ConsentModeMapping;
    /// let mapping = ConsentModeMapping::new();
    /// ```
    pub fn new() -> Self {
        let types = [
            ("ad_storage", Some(Category::Marketing)),
            ("ad_user_data", Some(Category::Marketing)),
            ("ad_personalization", Some(Category::Marketing)),
            ("analytics_storage", Some(Category::Analytics)),
            ("functionality_storage", Some(Category::Preferences)),
            ("personalization_storage", Some(Category::Preferences)),
            ("security_storage", None),
        ];
        Self {
            types: types
                .into_iter()
                .map(|(name, category)| (name.to_owned(), category))
                .collect(),
            wait_for_update: 500,
        }
    }

    /// Grants `consent_type` (one of Google's seven) when `category` is granted.
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentModeMapping};
    /// let mapping = ConsentModeMapping::new().map("ad_user_data", Category::Analytics);
    /// ```
    pub fn map(self, consent_type: impl Into<String>, category: Category) -> Self {
        self.set(consent_type.into(), Some(category))
    }

    /// Grants `consent_type` always.
    ///
    /// ```
    /// # use tower_consent::ConsentModeMapping;
    /// let mapping = ConsentModeMapping::new().always_granted("functionality_storage");
    /// ```
    pub fn always_granted(self, consent_type: impl Into<String>) -> Self {
        self.set(consent_type.into(), None)
    }

    /// Sets `wait_for_update` (milliseconds) sent while the visitor has not decided;
    /// `0` leaves it out.
    ///
    /// ```
    /// # use tower_consent::ConsentModeMapping;
    /// let mapping = ConsentModeMapping::new().wait_for_update(0);
    /// ```
    pub fn wait_for_update(mut self, milliseconds: u32) -> Self {
        self.wait_for_update = milliseconds;
        self
    }

    fn set(mut self, name: String, category: Option<Category>) -> Self {
        match self.types.iter_mut().find(|(known, _)| *known == name) {
            Some(entry) => entry.1 = category,
            None => self.types.push((name, category)),
        }
        self
    }

    /// Checks the mapping against the configuration's categories.
    pub(crate) fn compile(&self, categories: &Categories) -> Result<ConsentMode, BuildError> {
        let mut types = Vec::with_capacity(self.types.len());
        for (name, category) in &self.types {
            let Some(&known) = CONSENT_TYPES.iter().find(|t| **t == name.as_str()) else {
                return Err(BuildError::InvalidConsentModeType(name.clone()));
            };
            let index =
                match category {
                    Some(category) => Some(categories.index_of(*category).ok_or_else(|| {
                        BuildError::UndeclaredCategory(category.key().to_owned())
                    })?),
                    None => None,
                };
            types.push((known, index, category.map(Category::key)));
        }
        let mapping_json = {
            let mut json = String::from("{");
            for (i, (name, _, key)) in types.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                // Keys are `[a-z0-9_-]`: nothing to escape.
                let _ = write!(json, "\"{name}\":\"{}\"", key.unwrap_or(""));
            }
            json.push('}');
            json
        };
        Ok(ConsentMode {
            types: types.into_iter().map(|(n, i, _)| (n, i)).collect(),
            wait_for_update: self.wait_for_update,
            mapping_json,
        })
    }
}

/// A checked mapping.
#[derive(Debug)]
pub(crate) struct ConsentMode {
    types: Vec<(&'static str, Option<CategoryIndex>)>,
    wait_for_update: u32,
    /// Consent type → category key (`""`: always), for banner.js's update.
    mapping_json: String,
}

impl ConsentMode {
    /// The `<script>` element setting the defaults for a visitor who granted
    /// `granted` (and has `decided` or not: whether the banner is closed), with `nonce`
    /// when the CSP needs one.
    pub(crate) fn snippet(
        &self,
        granted: CategorySet,
        decided: bool,
        nonce: Option<&str>,
    ) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("<script");
        if let Some(nonce) = nonce {
            // Checked by the CSP reader: base64 characters only.
            let _ = write!(out, " nonce=\"{nonce}\"");
        }
        out.push_str(" data-tc-consent-mode=\"");
        out.push_str(&self.mapping_json.replace('"', "&quot;"));
        out.push_str(
            "\">window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}\
             gtag('consent','default',{",
        );
        for (i, (name, index)) in self.types.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let on = index.is_none_or(|index| granted.contains(index));
            let _ = write!(out, "'{name}':'{}'", if on { "granted" } else { "denied" });
        }
        if !decided && self.wait_for_update > 0 {
            let _ = write!(out, ",'wait_for_update':{}", self.wait_for_update);
        }
        out.push_str("});</script>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mapping_follows_the_categories() {
        let categories = Categories::new(Vec::new());
        let mode = ConsentModeMapping::new()
            .compile(&categories)
            .expect("valid");
        let undecided = mode.snippet(CategorySet::NECESSARY, false, None);
        assert!(
            undecided.contains("'analytics_storage':'denied'"),
            "{undecided}"
        );
        assert!(undecided.contains("'security_storage':'granted'"));
        assert!(undecided.contains("'wait_for_update':500"));
        assert!(!undecided.contains("nonce"));
        let analytics = CategorySet::NECESSARY.with(2);
        let decided = mode.snippet(analytics, true, Some("abc="));
        assert!(decided.starts_with("<script nonce=\"abc=\""));
        assert!(decided.contains("'analytics_storage':'granted'"));
        assert!(decided.contains("'ad_storage':'denied'"));
        assert!(!decided.contains("wait_for_update"));
        assert!(decided
            .contains("data-tc-consent-mode=\"{&quot;ad_storage&quot;:&quot;marketing&quot;"));
    }

    #[test]
    fn unknown_types_and_categories_are_refused() {
        let categories = Categories::new(Vec::new());
        assert_eq!(
            ConsentModeMapping::new()
                .map("ads", Category::Marketing)
                .compile(&categories)
                .unwrap_err(),
            BuildError::InvalidConsentModeType("ads".into())
        );
        assert_eq!(
            ConsentModeMapping::new()
                .map("ad_storage", Category::Custom("x"))
                .compile(&categories)
                .unwrap_err(),
            BuildError::UndeclaredCategory("x".into())
        );
    }
}
