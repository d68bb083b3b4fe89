//! The banner's settings: its texts and languages, and which categories it offers.

use std::fmt;

use super::ConsentLayerBuilder;
use crate::banner::BannerConfig;
use crate::category::{Categories, CategorySet};
use crate::declaration::Declared;
use crate::language::is_language_tag;
use crate::{BannerTexts, BuildError};

/// The banner's settings of a builder.
pub(super) struct BannerSettings {
    /// Texts by language tag.
    pub(super) banner_texts: Vec<(String, BannerTexts)>,
    default_language: String,
    hide_unused_categories: bool,
}

impl Default for BannerSettings {
    fn default() -> Self {
        Self {
            banner_texts: BannerTexts::BUILTIN_LANGUAGES
                .into_iter()
                .filter_map(|tag| Some((tag.to_owned(), BannerTexts::builtin(tag)?)))
                .collect(),
            default_language: "en".to_owned(),
            hide_unused_categories: false,
        }
    }
}

impl BannerSettings {
    /// The settings as the builder's `Debug` shows them: the languages, not the texts.
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field(
            "banner_languages",
            &self
                .banner_texts
                .iter()
                .map(|(tag, _)| tag)
                .collect::<Vec<_>>(),
        )
        .field("default_language", &self.default_language)
        .field("hide_unused_categories", &self.hide_unused_categories);
    }

    /// The banner's language tags.
    pub(super) fn languages(&self) -> impl Iterator<Item = &str> + Clone {
        self.banner_texts.iter().map(|(tag, _)| tag.as_str())
    }

    /// Checks the language tags; returns the index of the default language.
    pub(super) fn default_language(&self) -> Result<usize, BuildError> {
        if let Some((tag, _)) = self
            .banner_texts
            .iter()
            .find(|(tag, _)| !is_language_tag(tag))
        {
            return Err(BuildError::InvalidLanguage(tag.clone()));
        }
        self.banner_texts
            .iter()
            .position(|(tag, _)| tag.eq_ignore_ascii_case(&self.default_language))
            .ok_or_else(|| BuildError::InvalidLanguage(self.default_language.clone()))
    }

    /// The categories the banner offers: every one, or with `hide_unused_categories`
    /// those `used` returns.
    pub(super) fn offered(
        &self,
        categories: &Categories,
        used: impl FnOnce() -> CategorySet,
    ) -> CategorySet {
        if self.hide_unused_categories {
            used()
        } else {
            categories.all()
        }
    }

    /// The banner, posting to `prefix`, in `default_language` (an index of the texts)
    /// when the visitor's matches none, declaring `declared`.
    pub(super) fn banner(
        self,
        prefix: String,
        default_language: usize,
        declared: Declared,
    ) -> BannerConfig {
        BannerConfig::new(
            prefix,
            self.banner_texts,
            default_language,
            crate::endpoints::asset_version(),
            declared,
        )
    }
}

impl ConsentLayerBuilder {
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
            .banner
            .banner_texts
            .iter_mut()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(&language))
        {
            Some(entry) => entry.1 = texts,
            None => self.banner.banner_texts.push((language, texts)),
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
        self.banner.default_language = language.into();
        self
    }

    /// Leaves out of the banner every category that nothing of the configuration uses:
    /// no cookie rule, no catalog entry (with [`known_trackers`](Self::known_trackers)),
    /// no HTML gate rule or catalog resource, not the category of
    /// [`Unknown::As`](crate::Unknown::As). Default `false`: every category is offered. A category only the
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
        self.banner.hide_unused_categories = hide;
        self
    }
}
