//! [`BannerConfig`]: the banner's part of the configuration, and the one way every
//! caller (the [`Consent::banner_html`](crate::Consent::banner_html) API, the
//! endpoints, the HTML gate) renders the banner and the cookie declaration.

use http::HeaderValue;

use super::render::{
    render, render_page, render_refusal, AssetAttributes, BannerView, CategoryView,
};
use crate::category::{Categories, CategoryIndex, CategorySet};
use crate::declaration::{Declaration, Declared};
use crate::language::negotiate;
use crate::same_origin::same_site_path;
use crate::texts::{category_text, BannerTexts};

/// The banner's settings, fixed at build time.
#[derive(Debug)]
pub(crate) struct BannerConfig {
    /// The consent endpoints' path prefix, e.g. `/_consent`: the forms' action; the
    /// assets, the settings page and the declaration live below it.
    prefix: String,
    /// Banner texts by language tag; `default_language` indexes it.
    texts: Vec<(String, BannerTexts)>,
    default_language: usize,
    /// Appended as `?v=…` to the asset URLs.
    asset_version: String,
    /// The categories the banner offers.
    offered: CategorySet,
    /// Whether the banner links to the visitor's records (a ledger keeps them).
    records: bool,
    /// What the cookie declaration lists.
    declared: Declared,
}

/// What the banner shows of one visitor's consent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Visitor {
    /// The categories in force.
    pub(crate) granted: CategorySet,
    /// No valid decision yet: the dialog is open.
    pub(crate) undecided: bool,
    /// Something beyond necessary is granted: the reject button becomes "withdraw".
    pub(crate) withdraw: bool,
    /// Marketing is off because the layer honours the request's GPC signal.
    pub(crate) gpc_applied: bool,
    /// The browser has a consent id, so records a ledger may keep.
    pub(crate) identified: bool,
}

impl BannerConfig {
    pub(crate) fn new(
        prefix: String,
        texts: Vec<(String, BannerTexts)>,
        default_language: usize,
        asset_version: String,
        declared: Declared,
    ) -> Self {
        Self {
            prefix,
            texts,
            default_language,
            asset_version,
            offered: CategorySet::first(crate::category::MAX_CATEGORIES),
            records: false,
            declared,
        }
    }

    /// Offers only the categories of `offered` in the banner.
    pub(crate) fn offering(mut self, offered: CategorySet) -> Self {
        self.offered = offered;
        self
    }

    /// Links to the visitor's records at `{prefix}/records`.
    #[cfg(feature = "ledger")]
    pub(crate) fn with_records(mut self) -> Self {
        self.records = true;
        self
    }

    /// The banner language for a request's `Accept-Language`: an index of the texts.
    pub(crate) fn language(&self, accept_language: Option<&HeaderValue>) -> usize {
        negotiate(
            accept_language,
            self.texts.iter().map(|(tag, _)| tag.as_str()),
            self.default_language,
        )
    }

    /// The language tag and banner texts at `language` (an index from
    /// [`language`](Self::language)).
    pub(crate) fn texts(&self, language: usize) -> &(String, BannerTexts) {
        &self.texts[language]
    }

    /// The endpoints' path prefix, e.g. `/_consent`.
    #[cfg(any(feature = "html", feature = "ledger"))]
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The version the asset URLs carry.
    pub(crate) fn asset_version(&self) -> &str {
        &self.asset_version
    }

    /// The path of the stylesheet, with its version.
    pub(crate) fn stylesheet(&self) -> String {
        format!("{}/banner.css?v={}", self.prefix, self.asset_version)
    }

    /// The cookie declaration of `categories` in `language` (an index of the texts).
    pub(crate) fn declaration(&self, categories: &Categories, language: usize) -> Declaration {
        let (tag, texts) = &self.texts[language];
        Declaration::new(categories, &self.declared, tag, texts)
    }

    /// The banner for `visitor`, in `language` (an index of the texts), sending form
    /// submissions back to `return_to`: a whole page when `page`, otherwise a fragment
    /// whose style sheet and script carry `assets`.
    pub(crate) fn render(
        &self,
        categories: &Categories,
        visitor: Visitor,
        language: usize,
        return_to: &str,
        page: bool,
        assets: AssetAttributes<'_>,
    ) -> String {
        let (tag, texts) = &self.texts[language];
        let declaration = self.declaration(categories, language);
        let offered =
            |index: Option<CategoryIndex>| index.is_some_and(|index| self.offered.contains(index));
        let views: Vec<CategoryView<'_>> = categories
            .each()
            .zip(&declaration.categories)
            .filter(|(category, _)| offered(categories.index_of(*category)))
            .map(|(category, declared)| {
                let (label, description) = category_text(categories, category, tag, texts);
                CategoryView {
                    key: category.key(),
                    label,
                    description,
                    required: category.is_necessary(),
                    granted: categories
                        .index_of(category)
                        .is_some_and(|index| visitor.granted.contains(index)),
                    cookies: &declared.cookies,
                }
            })
            .collect();
        let view = BannerView {
            texts,
            language: tag,
            categories: &views,
            open: visitor.undecided,
            withdraw: visitor.withdraw,
            gpc_applied: visitor.gpc_applied,
            endpoint: &self.prefix,
            return_to: same_site_path(return_to),
            asset_version: &self.asset_version,
            records: self.records && visitor.identified,
            assets,
            storage: self.declared.storage_for_banner(),
        };
        if page {
            render_page(&view)
        } else {
            render(&view)
        }
    }

    /// The page a banner form gets when its choice was refused, in `language` (an index
    /// of the texts), naming `cause` and linking back to `return_to`.
    pub(crate) fn refusal(&self, language: usize, cause: &str, return_to: &str) -> String {
        let (tag, texts) = &self.texts[language];
        render_refusal(
            texts,
            tag,
            &self.prefix,
            &self.asset_version,
            cause,
            same_site_path(return_to),
        )
    }
}
