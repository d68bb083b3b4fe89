//! [`HtmlGate`]: what the HTML gate does, as the app configures it, and the compiled
//! form `build()` makes of it.

use lol_html::Selector;

use super::catalog::{ResourceMatcher, ScriptRule};
use super::consent_mode::{ConsentMode, ConsentModeMapping};
use super::embeds::{Embed, Embeds};
use crate::category::Categories;
use crate::{BuildError, Category};

/// The default cap on an inline script held back while its text is read.
const DEFAULT_INLINE_SCRIPT_LIMIT: usize = 256 * 1024;
/// The default cap on the memory lol_html may use per response.
const DEFAULT_MEMORY_LIMIT: usize = 4 * 1024 * 1024;
/// Limits below these cannot do their job.
const MIN_INLINE_SCRIPT_LIMIT: usize = 1024;
const MIN_MEMORY_LIMIT: usize = 64 * 1024;

/// Configures the HTML gate: tracker scripts, iframes and pixels in `text/html`
/// responses are held back on the server until the visitor consents. Set it with
/// [`ConsentLayerBuilder::html_gate`](crate::ConsentLayerBuilder::html_gate); see the
/// [`html` module documentation](crate::html) for what is gated and how.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, ConsentModeMapping, HtmlGate};
///
/// let layer = ConsentLayer::builder()
///     .secret([1u8; 32])
///     .html_gate(
///         HtmlGate::new()
///             .script_rule("/js/heatmap.js", Category::Analytics)
///             .script_rule("cdn.example-ads.com", Category::Marketing)
///             .google_consent_mode(ConsentModeMapping::new()),
///     )
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct HtmlGate {
    rules: Vec<ScriptRule>,
    embeds: Vec<Embed>,
    known_embeds: bool,
    embed_categories: Vec<(String, Category)>,
    annotations: bool,
    auto_block: bool,
    inject_banner: bool,
    consent_mode: Option<ConsentModeMapping>,
    inline_script_limit: usize,
    memory_limit: usize,
    #[cfg(feature = "__bench")]
    catalog_copies: usize,
}

impl Default for HtmlGate {
    fn default() -> Self {
        Self::new()
    }
}

impl HtmlGate {
    /// The gate with annotations, auto-blocking and banner injection on, Google
    /// Consent Mode off.
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new();
    /// ```
    pub fn new() -> Self {
        Self {
            rules: Vec::new(),
            embeds: Vec::new(),
            known_embeds: true,
            embed_categories: Vec::new(),
            annotations: true,
            auto_block: true,
            inject_banner: true,
            consent_mode: None,
            inline_script_limit: DEFAULT_INLINE_SCRIPT_LIMIT,
            memory_limit: DEFAULT_MEMORY_LIMIT,
            #[cfg(feature = "__bench")]
            catalog_copies: 0,
        }
    }

    /// Gates resources whose URL matches `pattern` by `category`; these rules win over
    /// the built-in catalog, and [`Category::Necessary`] exempts a URL from gating.
    ///
    /// Patterns: `host` (its subdomains too), `host/path-prefix`, optionally after
    /// `https://` or `//`; or `/path-prefix` for the site's own URLs: any URL that
    /// resolves, against the page's URL and its `<base>`, to that path on the page's
    /// own host (`js/heatmap.js` from `/`, `../js/heatmap.js`, `/js/./heatmap.js`).
    /// Paths match after percent-decoding and dot-segment removal, ignoring ASCII
    /// case. Inline scripts that mention a matching URL are gated too.
    ///
    /// ```
    /// # use tower_consent::{Category, HtmlGate};
    /// let gate = HtmlGate::new()
    ///     .script_rule("/static/tracker.js", Category::Analytics)
    ///     .script_rule("www.googletagmanager.com/gtm.js", Category::Marketing);
    /// ```
    pub fn script_rule(mut self, pattern: impl Into<String>, category: Category) -> Self {
        self.rules.push(ScriptRule {
            pattern: pattern.into(),
            category,
        });
        self
    }

    /// Holds an embed of the app's own behind a placeholder, as the built-in ones are
    /// ([`known_embeds`](Self::known_embeds)): its URLs (in an iframe's `src`, a
    /// script's) are gated by its category, and a placeholder naming its vendor stands
    /// in for it. Matched among the app's rules (as [`script_rule`](Self::script_rule)
    /// reads the pattern).
    ///
    /// ```
    /// # use tower_consent::{Embed, EmbedKind, HtmlGate};
    /// let gate = HtmlGate::new().embed(Embed::new(
    ///     "media.example.net/player/",
    ///     "Example Media",
    ///     EmbedKind::Video,
    /// ));
    /// ```
    pub fn embed(mut self, embed: Embed) -> Self {
        self.embeds.push(embed);
        self
    }

    /// Gates the built-in embeds of `vendor` (as [`known_embeds`](crate::known_embeds)
    /// names it: `"YouTube"`, `"Google Maps"` …) by `category` instead of marketing.
    /// `build()` fails for a vendor the list does not have.
    ///
    /// ```
    /// # use tower_consent::{Category, HtmlGate};
    /// let gate = HtmlGate::new().embed_category("Vimeo", Category::Preferences);
    /// ```
    pub fn embed_category(mut self, vendor: impl Into<String>, category: Category) -> Self {
        self.embed_categories.push((vendor.into(), category));
        self
    }

    /// Whether the built-in embeds ([`known_embeds`](crate::known_embeds): YouTube,
    /// Vimeo, Google Maps, X, Instagram, TikTok, Facebook, Spotify, SoundCloud, Disqus …)
    /// are held behind a placeholder until their category is granted (default `true`).
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().known_embeds(false);
    /// ```
    pub fn known_embeds(mut self, on: bool) -> Self {
        self.known_embeds = on;
        self
    }

    /// Whether `data-consent="<category>"` annotations (and the client-side
    /// `type="text/plain" data-category="…"` convention) are honoured (default `true`).
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().annotations(false);
    /// ```
    pub fn annotations(mut self, on: bool) -> Self {
        self.annotations = on;
        self
    }

    /// Whether resources of the built-in catalog
    /// ([`known_tracker_resources`](crate::known_tracker_resources)) are gated without
    /// annotations, inline scripts that load them included (default `true`). The
    /// app's `script_rule`s apply either way.
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().auto_block(false);
    /// ```
    pub fn auto_block(mut self, on: bool) -> Self {
        self.auto_block = on;
        self
    }

    /// Whether the banner is inserted before `</body>` of full HTML documents that do
    /// not already contain it (default `true`), or at the end of a document whose
    /// `</body>` is implied, if the document ends as markup. Fragments never get it,
    /// nor a document that ends inside a tag, a comment, a text element or a
    /// `<template>`: there, the banner would complete what the document left
    /// unfinished. Render it there with
    /// [`Consent::banner_html`](crate::Consent::banner_html).
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().inject_banner(false);
    /// ```
    pub fn inject_banner(mut self, on: bool) -> Self {
        self.inject_banner = on;
        self
    }

    /// Inserts Google Consent Mode v2 defaults first in `<head>` (without a `<head>`
    /// tag, before the first element that may run or load a script), built from the
    /// visitor's consent with `mapping`; the banner script sends the update on a
    /// choice.
    ///
    /// ```
    /// # use tower_consent::{ConsentModeMapping, HtmlGate};
    /// let gate = HtmlGate::new().google_consent_mode(ConsentModeMapping::new());
    /// ```
    pub fn google_consent_mode(mut self, mapping: ConsentModeMapping) -> Self {
        self.consent_mode = Some(mapping);
        self
    }

    /// How many bytes of an inline script, an inline style sheet or a `<noscript>`'s
    /// content are held back while the gate reads what they load (default 256 KiB, at
    /// least 1 KiB). A longer inline script or style sheet cannot be decided: it is
    /// written neutralised (`type="text/plain" data-consent-blocked=
    /// "inline-script-limit"` or `"inline-style-limit"`, its text kept; it never runs or
    /// applies, and a warning is logged) unless it is annotated
    /// `data-consent="necessary"` (which the gate then does not read) or all categories
    /// are granted. A longer `<noscript>`'s content is dropped.
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().inline_script_limit(1024 * 1024);
    /// ```
    pub fn inline_script_limit(mut self, bytes: usize) -> Self {
        self.inline_script_limit = bytes;
        self
    }

    /// The memory the HTML parser may use per response (default 4 MiB, at least
    /// 64 KiB). Past it the response body ends with an error; nothing unchecked is
    /// sent.
    ///
    /// ```
    /// # use tower_consent::HtmlGate;
    /// let gate = HtmlGate::new().memory_limit(8 * 1024 * 1024);
    /// ```
    pub fn memory_limit(mut self, bytes: usize) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Benchmarks only (hidden `__bench` feature): adds `copies` renamed copies of every
    /// entry of the built-in catalog, to measure lookups in a catalog that many times
    /// larger.
    #[cfg(feature = "__bench")]
    #[doc(hidden)]
    pub fn __catalog_copies(mut self, copies: usize) -> Self {
        self.catalog_copies = copies;
        self
    }

    /// Checks and compiles the gate.
    pub(crate) fn compile(self, categories: &Categories) -> Result<HtmlConfig, BuildError> {
        if self.inline_script_limit < MIN_INLINE_SCRIPT_LIMIT {
            return Err(BuildError::InvalidHtmlLimit {
                name: "inline_script_limit",
                min: MIN_INLINE_SCRIPT_LIMIT,
            });
        }
        if self.memory_limit < MIN_MEMORY_LIMIT {
            return Err(BuildError::InvalidHtmlLimit {
                name: "memory_limit",
                min: MIN_MEMORY_LIMIT,
            });
        }
        let (embeds, embed_entries) = Embeds::build(
            &self.embeds,
            self.known_embeds,
            &self.embed_categories,
            categories,
        )?;
        let matcher =
            ResourceMatcher::build(&self.rules, self.auto_block, embed_entries, categories)?;
        #[cfg(feature = "__bench")]
        let matcher = match self.auto_block {
            true => matcher.with_catalog_copies(self.catalog_copies, categories),
            false => matcher,
        };
        let consent_mode = self
            .consent_mode
            .map(|mapping| mapping.compile(categories))
            .transpose()?;
        Ok(HtmlConfig {
            matcher,
            embeds,
            annotations: self.annotations,
            inject_banner: self.inject_banner,
            consent_mode,
            inline_script_limit: self.inline_script_limit,
            memory_limit: self.memory_limit,
            selectors: Selectors::new(),
            unreadable: crate::report_once::ReportOnce::new(),
        })
    }
}

/// The compiled gate, part of the layer's configuration.
#[derive(Debug)]
pub(crate) struct HtmlConfig {
    pub(crate) matcher: ResourceMatcher,
    /// Who the embeds the matcher finds are, for their placeholders.
    pub(crate) embeds: Embeds,
    pub(crate) annotations: bool,
    pub(crate) inject_banner: bool,
    pub(crate) consent_mode: Option<ConsentMode>,
    pub(crate) inline_script_limit: usize,
    pub(crate) memory_limit: usize,
    pub(crate) selectors: Selectors,
    /// The paths whose unreadable pages were logged.
    pub(crate) unreadable: crate::report_once::ReportOnce,
}

/// The selectors, parsed once.
pub(crate) struct Selectors {
    /// Every element (`*`): one element handler reads what each is from its start tag
    /// as written ([`super::element`]).
    pub(crate) every: Selector,
    /// Elements whose text the gate reads: inline scripts, style sheets, `<noscript>`.
    pub(crate) script: Selector,
    pub(crate) style: Selector,
    pub(crate) noscript: Selector,
    /// Foreign content, where lol_html reads `<![CDATA[` sections.
    pub(crate) foreign: Selector,
    /// The other elements whose content a browser reads as text
    /// ([`super::misread::TEXT_ELEMENTS`]).
    pub(crate) text: Selector,
}

impl Selectors {
    fn new() -> Self {
        // Fixed, known-good selectors: their parsing is covered by the tests.
        let parse = |s: &str| {
            s.parse::<Selector>()
                .unwrap_or_else(|_| unreachable!("valid selector {s}"))
        };
        Self {
            every: parse("*"),
            script: parse("script"),
            style: parse("style"),
            noscript: parse("noscript"),
            foreign: parse("svg, math"),
            text: parse(super::misread::TEXT_ELEMENTS),
        }
    }
}

impl std::fmt::Debug for Selectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Selectors").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked() {
        let categories = Categories::new(Vec::new());
        assert!(HtmlGate::new().compile(&categories).is_ok());
        assert_eq!(
            HtmlGate::new()
                .inline_script_limit(10)
                .compile(&categories)
                .unwrap_err(),
            BuildError::InvalidHtmlLimit {
                name: "inline_script_limit",
                min: MIN_INLINE_SCRIPT_LIMIT
            }
        );
        assert!(HtmlGate::new()
            .memory_limit(1)
            .compile(&categories)
            .is_err());
    }
}
