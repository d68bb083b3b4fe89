//! Embeds: video and audio players, maps, social posts and comments that a page frames
//! or loads with the vendor's script. The gate holds them back like any tracker (under
//! marketing unless the app says otherwise) and writes, right before each, a
//! placeholder in the visitor's language that names the vendor, says what loading it
//! means, and offers two actions (`banner.js` runs them): load this one (that element
//! only, nothing recorded) and allow its category (a choice, recorded through the
//! banner's endpoint). Without JavaScript its link opens the cookie settings.
//!
//! The built-in list is compiled from `data/embeds.tsv` (each row from the vendor's own
//! embed documentation) by `build.rs`.

use crate::category::{Categories, CategoryIndex};
use crate::escape::escape_into;
use crate::texts::EmbedTexts;
use crate::{BuildError, Category};

/// What an embed shows: the placeholder's sentence about what loading it means is
/// chosen by it, one translation for every vendor of a kind.
///
/// # Example
///
/// ```
/// use tower_consent::{known_embeds, EmbedKind};
///
/// let vimeo = known_embeds().iter().find(|e| e.vendor == "Vimeo").expect("listed");
/// assert_eq!(vimeo.kind, EmbedKind::Video);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmbedKind {
    /// A video player.
    Video,
    /// An audio player.
    Audio,
    /// A map.
    Map,
    /// A post of a social network.
    Post,
    /// A comment service.
    Comments,
    /// Anything else from another site.
    Content,
}

/// One built-in embed: a host (and its subdomains), optionally narrowed to a path
/// prefix, its vendor, what it shows and the consent it needs by default.
///
/// # Example
///
/// ```
/// use tower_consent::{known_embeds, Category};
///
/// let youtube = known_embeds()
///     .iter()
///     .find(|e| e.host == "youtube.com" && e.path == "/embed/")
///     .expect("YouTube's player is listed");
/// assert_eq!(youtube.category, Category::Marketing);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownEmbed {
    /// The host; its subdomains match too.
    pub host: &'static str,
    /// A path prefix the URL must start with (`""` for any path).
    pub path: &'static str,
    /// Who serves it, as the placeholder names it.
    pub vendor: &'static str,
    /// What it shows.
    pub kind: EmbedKind,
    /// The consent it needs unless the app sets another
    /// ([`HtmlGate::embed_category`](crate::HtmlGate::embed_category)).
    pub category: Category,
}

impl KnownEmbed {
    const fn new(
        host: &'static str,
        path: &'static str,
        vendor: &'static str,
        kind: EmbedKind,
        category: Category,
    ) -> Self {
        Self {
            host,
            path,
            vendor,
            kind,
            category,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/embeds.rs"));

/// The built-in embeds the HTML gate holds behind a placeholder (see
/// [`HtmlGate::known_embeds`](crate::HtmlGate::known_embeds)), compiled from
/// `data/embeds.tsv`.
///
/// ```
/// use tower_consent::known_embeds;
///
/// assert!(known_embeds().iter().any(|e| e.host == "youtube-nocookie.com"));
/// ```
pub fn known_embeds() -> &'static [KnownEmbed] {
    KNOWN_EMBEDS
}

/// An embed of the app's own: URLs matching `pattern` are held back under a category
/// (marketing unless set) behind a placeholder naming `vendor`. Add it with
/// [`HtmlGate::embed`](crate::HtmlGate::embed).
///
/// # Example
///
/// ```
/// use tower_consent::{Category, Embed, EmbedKind, HtmlGate};
///
/// let gate = HtmlGate::new().embed(
///     Embed::new("videos.example.net/player/", "Example Video", EmbedKind::Video)
///         .category(Category::Preferences),
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embed {
    pub(super) pattern: String,
    pub(super) vendor: String,
    pub(super) kind: EmbedKind,
    pub(super) category: Category,
}

impl Embed {
    /// An embed served from `pattern` (as [`HtmlGate::script_rule`](crate::HtmlGate::script_rule)
    /// reads it: `host`, `host/path-prefix`, or `/path-prefix` on the site's own host),
    /// named `vendor` on its placeholder, needing marketing consent.
    ///
    /// ```
    /// # use tower_consent::{Embed, EmbedKind};
    /// let embed = Embed::new("maps.example.org/embed", "Example Maps", EmbedKind::Map);
    /// ```
    pub fn new(pattern: impl Into<String>, vendor: impl Into<String>, kind: EmbedKind) -> Self {
        Self {
            pattern: pattern.into(),
            vendor: vendor.into(),
            kind,
            category: Category::Marketing,
        }
    }

    /// The consent it needs (default [`Category::Marketing`]).
    ///
    /// ```
    /// # use tower_consent::{Category, Embed, EmbedKind};
    /// let embed = Embed::new("a.example/embed", "A", EmbedKind::Content)
    ///     .category(Category::Preferences);
    /// ```
    pub fn category(mut self, category: Category) -> Self {
        self.category = category;
        self
    }
}

/// Which embed a match found: an index of [`Embeds::vendors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EmbedId(u16);

/// One URL pattern of an embed, for the matcher: the app's (`app`) or built in.
#[derive(Debug)]
pub(crate) struct EmbedEntry {
    /// The host (lower case), or `None` for a path on the site's own host.
    pub(super) host: Option<String>,
    /// A lower-case path prefix (`""` for any).
    pub(super) path: String,
    pub(super) category: CategoryIndex,
    pub(super) id: EmbedId,
    pub(super) app: bool,
}

/// The compiled embeds: who each is, and the entries the matcher gets.
#[derive(Debug, Default)]
pub(crate) struct Embeds {
    /// Vendor and kind, by [`EmbedId`].
    vendors: Vec<(Box<str>, EmbedKind)>,
}

impl Embeds {
    /// Compiles the app's embeds and, with `known`, the built-in ones (the categories of
    /// `categories_by_vendor` instead of theirs, for the vendors it names).
    pub(super) fn build(
        app: &[Embed],
        known: bool,
        categories_by_vendor: &[(String, Category)],
        categories: &Categories,
    ) -> Result<(Self, Vec<EmbedEntry>), BuildError> {
        let mut embeds = Self::default();
        let mut entries = Vec::new();
        let index_of = |category: Category| {
            categories
                .index_of(category)
                .ok_or_else(|| BuildError::UndeclaredCategory(category.key().to_owned()))
        };
        for embed in app {
            let (host, path) = super::pattern::parse_rule(&embed.pattern)?;
            let id = embeds.vendor(&embed.vendor, embed.kind);
            entries.push(EmbedEntry {
                host,
                path,
                category: index_of(embed.category)?,
                id,
                app: true,
            });
        }
        for (vendor, category) in categories_by_vendor {
            index_of(*category)?;
            if !KNOWN_EMBEDS.iter().any(|known| known.vendor == vendor) {
                return Err(BuildError::UnknownEmbedVendor(vendor.clone()));
            }
        }
        if known {
            for known in KNOWN_EMBEDS {
                let category = categories_by_vendor
                    .iter()
                    .rev()
                    .find(|(vendor, _)| vendor == known.vendor)
                    .map_or(known.category, |(_, category)| *category);
                let id = embeds.vendor(known.vendor, known.kind);
                entries.push(EmbedEntry {
                    host: Some(known.host.to_owned()),
                    path: known.path.to_ascii_lowercase(),
                    category: index_of(category)?,
                    id,
                    app: false,
                });
            }
        }
        Ok((embeds, entries))
    }

    /// The id of `vendor` showing `kind`, added if new.
    fn vendor(&mut self, vendor: &str, kind: EmbedKind) -> EmbedId {
        let at = self
            .vendors
            .iter()
            .position(|(name, k)| **name == *vendor && *k == kind)
            .unwrap_or_else(|| {
                self.vendors.push((vendor.into(), kind));
                self.vendors.len() - 1
            });
        // Fewer than 65,536 vendors: the built-in list has a few dozen.
        EmbedId(u16::try_from(at).unwrap_or(u16::MAX))
    }

    /// Who `id` is and what it shows.
    pub(super) fn get(&self, id: EmbedId) -> Option<(&str, EmbedKind)> {
        self.vendors
            .get(usize::from(id.0))
            .map(|(vendor, kind)| (&**vendor, *kind))
    }
}

/// The size an embed's element declares with its `width` and `height` attributes, read
/// as HTML reads dimension values: a number of CSS pixels or a percentage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Dimension {
    Pixels(f64),
    Percent(f64),
}

impl Dimension {
    /// HTML's rules for parsing dimension values: leading whitespace skipped, digits
    /// with an optional fraction, then `%` for a percentage; nothing else counts.
    pub(super) fn parse(value: &str) -> Option<Self> {
        let value = value.trim_start_matches([' ', '\t', '\n', '\x0C', '\r']);
        let digits = value.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut end = digits;
        if value.as_bytes().get(end) == Some(&b'.') {
            let fraction = value[end + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if fraction > 0 {
                end += 1 + fraction;
            }
        }
        let number: f64 = value[..end].parse().ok()?;
        match value.as_bytes().get(end) {
            Some(b'%') => Some(Self::Percent(number)),
            _ if number > 0.0 => Some(Self::Pixels(number)),
            _ => None,
        }
    }

    fn write(self, out: &mut String) {
        let (number, unit) = match self {
            Self::Pixels(n) => (n, ""),
            Self::Percent(n) => (n, "%"),
        };
        // Attribute values: the number as HTML reads it back, capped to what a layout
        // can hold.
        out.push_str(&format!("{}{unit}", number.min(100_000.0)));
    }
}

/// What the element held back tells about how it is laid out: its placeholder takes
/// the same place.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Layout {
    pub(super) width: Option<Dimension>,
    pub(super) height: Option<Dimension>,
    /// Its `class` and `style` as the page wrote them (decoded), which the site's
    /// style sheets lay it out by; `style` only if it loads nothing the gate refused.
    pub(super) class: Option<String>,
    pub(super) style: Option<String>,
}

/// Everything one placeholder says.
pub(super) struct Placeholder<'a> {
    pub(super) texts: &'a EmbedTexts,
    pub(super) vendor: &'a str,
    pub(super) kind: EmbedKind,
    /// The category's label in the visitor's language.
    pub(super) category: &'a str,
    /// The cookie settings page, with the way back to this page.
    pub(super) settings_href: &'a str,
    pub(super) settings_text: &'a str,
    /// The response's token: `banner.js` offers the actions only on placeholders that
    /// carry it, for the element that follows and carries it too.
    pub(super) token: &'a str,
}

impl Placeholder<'_> {
    /// The placeholder's HTML: phrasing content only (`<span>`s, an `<svg>` that takes
    /// the element's size, `<button>`s, a link), so it fits wherever the element did
    /// (a `<div>` would close an open `<p>`). The buttons are hidden until `banner.js`
    /// offers them.
    pub(super) fn render(&self, layout: &Layout) -> String {
        let t = self.texts;
        let title = t.title.replace("{vendor}", self.vendor);
        let mut out = String::with_capacity(1024);
        out.push_str("<span class=\"tc-embed");
        let fluid = matches!(layout.width, Some(Dimension::Percent(_)));
        if fluid {
            out.push_str(" tc-embed-fluid");
        }
        if let Some(class) = &layout.class {
            out.push(' ');
            escape_into(&mut out, class);
        }
        out.push_str("\" role=\"group\" aria-label=\"");
        escape_into(&mut out, &title);
        out.push_str("\" data-tc-embed=\"");
        escape_into(&mut out, self.token);
        out.push('"');
        if let Some(style) = &layout.style {
            out.push_str(" style=\"");
            escape_into(&mut out, style);
            out.push('"');
        }
        out.push('>');
        if layout.width.is_some() || layout.height.is_some() {
            // An iframe without one of them is 300 × 150 CSS pixels that way.
            let width = layout.width.unwrap_or(Dimension::Pixels(300.0));
            let height = layout.height.unwrap_or(Dimension::Pixels(150.0));
            out.push_str("<svg class=\"tc-embed-size\" width=\"");
            width.write(&mut out);
            out.push_str("\" height=\"");
            height.write(&mut out);
            out.push('"');
            if let (Dimension::Pixels(w), Dimension::Pixels(h)) = (width, height) {
                // Its aspect ratio kept where the page narrows it.
                out.push_str(" viewBox=\"0 0 ");
                Dimension::Pixels(w).write(&mut out);
                out.push(' ');
                Dimension::Pixels(h).write(&mut out);
                out.push('"');
            }
            out.push_str(" aria-hidden=\"true\" focusable=\"false\"></svg>");
        }
        out.push_str("<span class=\"tc-embed-body\"><strong class=\"tc-embed-title\">");
        escape_into(&mut out, &title);
        out.push_str("</strong> <span class=\"tc-embed-text\">");
        escape_into(&mut out, loading(t, self.kind));
        out.push_str(
            "</span> <span class=\"tc-embed-actions\"><button type=\"button\" \
             class=\"tc-embed-button\" data-tc-embed-load hidden>",
        );
        escape_into(&mut out, &t.load_one);
        out.push_str(
            "</button> <button type=\"button\" class=\"tc-embed-button\" \
             data-tc-embed-allow hidden>",
        );
        escape_into(&mut out, &t.allow.replace("{category}", self.category));
        out.push_str("</button> <a class=\"tc-embed-settings\" href=\"");
        escape_into(&mut out, self.settings_href);
        out.push_str("\">");
        escape_into(&mut out, self.settings_text);
        out.push_str("</a></span></span></span>");
        out
    }
}

/// A `class` or `style` longer than this many bytes is not copied to the placeholder.
pub(super) const MAX_COPIED: usize = 1024;

/// The sentence saying what loading an embed of `kind` means.
fn loading(texts: &EmbedTexts, kind: EmbedKind) -> &str {
    match kind {
        EmbedKind::Video => &texts.video,
        EmbedKind::Audio => &texts.audio,
        EmbedKind::Map => &texts.map,
        EmbedKind::Post => &texts.post,
        EmbedKind::Comments => &texts.comments,
        EmbedKind::Content => &texts.content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_are_read_as_html_reads_them() {
        assert_eq!(Dimension::parse("560"), Some(Dimension::Pixels(560.0)));
        assert_eq!(Dimension::parse(" 315px"), Some(Dimension::Pixels(315.0)));
        assert_eq!(Dimension::parse("100%"), Some(Dimension::Percent(100.0)));
        assert_eq!(Dimension::parse("12.5%"), Some(Dimension::Percent(12.5)));
        assert_eq!(Dimension::parse("12.%"), Some(Dimension::Pixels(12.0)));
        for bad in ["", "auto", "-1", "0", "%", ".5"] {
            assert_eq!(Dimension::parse(bad), None, "{bad:?}");
        }
    }

    /// Each row's sentence in `data/embeds.tsv` is the English text of its kind.
    #[test]
    fn the_english_texts_are_the_data_files() {
        let english = EmbedTexts::english();
        assert_eq!(KNOWN_EMBEDS.len(), KNOWN_EMBEDS_LOADING.len());
        for (embed, sentence) in KNOWN_EMBEDS.iter().zip(KNOWN_EMBEDS_LOADING) {
            assert_eq!(loading(&english, embed.kind), *sentence, "{}", embed.vendor);
        }
    }

    #[test]
    fn known_embeds_are_valid_rules() {
        for embed in known_embeds() {
            let (host, path) = super::super::pattern::parse_rule(embed.host).expect("host");
            assert_eq!(host.as_deref(), Some(embed.host), "lower case");
            assert!(path.is_empty());
            assert!(embed.path.is_empty() || embed.path.starts_with('/'));
        }
    }

    #[test]
    fn hostile_values_are_escaped() {
        let texts = EmbedTexts::english();
        let placeholder = Placeholder {
            texts: &texts,
            vendor: "<b>",
            kind: EmbedKind::Video,
            category: "\"x",
            settings_href: "/_consent/settings?return_to=%2F&a=<",
            settings_text: "Cookie settings",
            token: "0123",
        };
        let html = placeholder.render(&Layout {
            width: Some(Dimension::Pixels(560.0)),
            height: Some(Dimension::Percent(50.0)),
            class: Some("a\" onclick=\"x".into()),
            style: Some("width:1px\"><script>".into()),
        });
        assert!(
            !html.contains("<b>") && !html.contains("<script>"),
            "{html}"
        );
        assert!(!html.contains("\" onclick"), "{html}");
        assert!(html.contains("Content from &lt;b&gt;"), "{html}");
        assert!(
            html.contains("width=\"560\" height=\"50%\" aria-hidden"),
            "{html}"
        );
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count()
        );
    }
}
