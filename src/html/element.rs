//! The elements the gate knows by name, read from the start tag as the page wrote it.
//!
//! The gate has one element handler, for every element (`*`): lol_html then matches
//! one selector per start tag instead of one per kind of element, and the handler
//! knows the element from the bytes of its tag without asking lol_html for its name
//! (which copies it). Every element may carry an event handler or a `style` attribute;
//! most carry neither, which one pass over the tag tells ([`may_load_from_attributes`]).

/// The HTML namespace: an element in another (SVG, MathML) is foreign content.
pub(super) const HTML: &str = "http://www.w3.org/1999/xhtml";

/// Whether a `<script type>` is `text/plain`: a script that does not run.
pub(super) fn is_plain_text(kind: Option<&str>) -> bool {
    kind.is_some_and(|k| k.trim().eq_ignore_ascii_case("text/plain"))
}

/// An element the gate treats apart from the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Name {
    Script,
    Iframe,
    Frame,
    Img,
    Source,
    Video,
    Audio,
    Picture,
    Object,
    Embed,
    Link,
    Input,
    Image,
    Track,
    Base,
    Body,
    Table,
    Td,
    Th,
    Meta,
    FeImage,
    Set,
    Animate,
    AnimateMotion,
    AnimateTransform,
    Html,
    Head,
    Div,
    Style,
    Title,
    Textarea,
    Xmp,
    Noembed,
    Noframes,
    Noscript,
    Template,
    Svg,
    Math,
    /// Where the gate asks the parser whether a document ends as markup
    /// ([`super::rewrite`]'s banner slot, [`super::noscript`]'s fragment end).
    Probe,
}

/// The name of the probe element (`<tc-consent-probe>`): no page has a use for it.
pub(super) const PROBE: &str = "tc-consent-probe";

impl Name {
    /// The element named `name` (as written, any case), if the gate knows it.
    // Inline: asked of every element.
    #[inline]
    pub(super) fn of(name: &[u8]) -> Option<Self> {
        let is = |known: &str| name.eq_ignore_ascii_case(known.as_bytes());
        use Name::*;
        // By length first: most names are ruled out without a comparison.
        Some(match name.len() {
            2 if is("td") => Td,
            2 if is("th") => Th,
            3 if is("img") => Img,
            3 if is("div") => Div,
            3 if is("set") => Set,
            3 if is("xmp") => Xmp,
            3 if is("svg") => Svg,
            4 if is("link") => Link,
            4 if is("base") => Base,
            4 if is("body") => Body,
            4 if is("meta") => Meta,
            4 if is("html") => Html,
            4 if is("head") => Head,
            4 if is("math") => Math,
            5 if is("frame") => Frame,
            5 if is("video") => Video,
            5 if is("audio") => Audio,
            5 if is("embed") => Embed,
            5 if is("input") => Input,
            5 if is("image") => Image,
            5 if is("track") => Track,
            5 if is("table") => Table,
            5 if is("style") => Style,
            5 if is("title") => Title,
            6 if is("script") => Script,
            6 if is("iframe") => Iframe,
            6 if is("source") => Source,
            6 if is("object") => Object,
            7 if is("picture") => Picture,
            7 if is("feimage") => FeImage,
            7 if is("animate") => Animate,
            7 if is("noembed") => Noembed,
            8 if is("textarea") => Textarea,
            8 if is("noframes") => Noframes,
            8 if is("noscript") => Noscript,
            8 if is("template") => Template,
            13 if is("animatemotion") => AnimateMotion,
            16 if is("animatetransform") => AnimateTransform,
            16 if is(PROBE) => Probe,
            _ => return None,
        })
    }

    /// The tag name as the gate writes it in the elements it reads the URLs of, if it
    /// does ([`super::rewrite`]'s `url_attributes`).
    pub(super) fn resource(self) -> Option<&'static str> {
        use Name::*;
        Some(match self {
            Script => "script",
            Iframe => "iframe",
            Frame => "frame",
            Img => "img",
            Source => "source",
            Video => "video",
            Audio => "audio",
            Picture => "picture",
            Object => "object",
            Embed => "embed",
            Link => "link",
            Input => "input",
            Image => "image",
            Track => "track",
            Base => "base",
            Body => "body",
            Table => "table",
            Td => "td",
            Th => "th",
            Meta => "meta",
            FeImage => "feimage",
            Set => "set",
            Animate => "animate",
            AnimateMotion => "animatemotion",
            AnimateTransform => "animatetransform",
            _ => return None,
        })
    }

    /// The elements besides `<script>`, `<iframe>` and `<noscript>` whose content a
    /// browser reads as text ([`super::misread`]).
    pub(super) fn is_text(self) -> bool {
        use Name::*;
        matches!(self, Style | Title | Textarea | Xmp | Noembed | Noframes)
    }

    /// Whether the element, or what it holds, may run or load a script, as far as its
    /// name tells: everything but what a document's head holds for the parser alone.
    /// Consent Mode's defaults go before the first such element.
    pub(super) fn may_run_a_script(this: Option<Self>) -> bool {
        !matches!(
            this,
            Some(Name::Html | Name::Head | Name::Meta | Name::Title | Name::Base | Name::Probe)
        )
    }
}

/// The tag name of a start tag as written (`<name …>`).
pub(super) fn tag_name(tag: &[u8]) -> &[u8] {
    let rest = tag.get(1..).unwrap_or_default();
    let end = rest
        .iter()
        .position(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Whether a start tag, as the page wrote it, may hold an attribute that loads
/// something whatever the element: an event handler (`on…`, inline script by another
/// name), a `style` whose CSS may hold a `url()` (it has a `(`, or a character
/// reference that may be one), or a `ping` (hyperlink auditing, on `<a>` and `<area>`:
/// a tag of another element that has one is read for nothing). Each does something
/// only with a value, after a `=`:
/// the name before each `=` (back to a space, a `/`, a quote or the tag's `<`) is
/// looked at. A `=` inside a value may send the tag to be read for nothing, never the
/// reverse.
pub(super) fn may_load_from_attributes(tag: &[u8]) -> bool {
    let separator = |b: &u8| {
        matches!(
            b,
            b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'"' | b'\'' | b'<'
        )
    };
    let mut style = false;
    for equals in memchr::memchr_iter(b'=', tag) {
        let before = &tag[..equals];
        let end = before
            .iter()
            .rposition(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))
            .map_or(0, |last| last + 1);
        let start = before[..end]
            .iter()
            .rposition(separator)
            .map_or(0, |at| at + 1);
        let name = &before[start..end];
        if super::held::is_event_handler(name) || name.eq_ignore_ascii_case(b"ping") {
            return true;
        }
        style |= name.eq_ignore_ascii_case(b"style");
    }
    style && memchr::memchr2(b'(', b'&', tag).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_in_any_case() {
        assert_eq!(Name::of(b"SCRIPT"), Some(Name::Script));
        assert_eq!(Name::of(b"feImage"), Some(Name::FeImage));
        assert_eq!(Name::of(b"animateMotion"), Some(Name::AnimateMotion));
        assert_eq!(Name::of(b"tc-consent-probe"), Some(Name::Probe));
        assert_eq!(Name::of(b"p"), None);
        assert_eq!(tag_name(b"<IMG src=x>"), b"IMG");
        assert_eq!(tag_name(b"<img/src=x>"), b"img");
        assert_eq!(tag_name(b"<br>"), b"br");
        assert_eq!(tag_name(b"<a"), b"a");
    }

    /// What lol_html parses from `tag`: whether it has an event handler or a `ping`
    /// with a value, and whether its `style` holds a `(` or a `&`.
    fn parsed(tag: &str) -> (bool, bool) {
        use lol_html::{element, rewrite_str, RewriteStrSettings};
        let found = std::cell::Cell::new((false, false));
        let _ = rewrite_str(
            tag,
            RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
                for attribute in el.attributes() {
                    let (name, value) = (attribute.name(), attribute.value());
                    let (handler, style) = found.get();
                    found.set((
                        handler
                            || ((crate::html::held::is_event_handler(name.as_bytes())
                                || name == "ping")
                                && !value.is_empty()),
                        style || (name == "style" && value.contains(['(', '&'])),
                    ));
                }
                Ok(())
            })),
        );
        found.get()
    }

    proptest::proptest! {
        #[test]
        fn no_tag_that_loads_from_an_attribute_is_missed(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                " ", "\t", "\n", "/", "=", "\"", "'", "onclick", "ONLOAD", "on", "onx1",
                "style", "STYLE", "ping", "PiNG", "class", "title", "x", "url(a)", "&#40;", "(", "a=b", ">",
            ]), 0..12),
        ) {
            let tag = format!("<div {}>", pieces.concat());
            let (handler, style) = parsed(&tag);
            proptest::prop_assert!(
                !(handler || style) || may_load_from_attributes(tag.as_bytes()),
                "{:?}", tag
            );
        }
    }

    #[test]
    fn attributes_that_may_load_are_seen_from_the_tag() {
        for tag in [
            "<img src=x onerror=\"a()\">",
            "<body\nONLOAD=x>",
            "<div/onclick=x>",
            "<p class=\"a\"onmouseover=x>",
            "<div style=\"background:url(x)\">",
            "<div STYLE='background:url&lpar;x)'>",
            // A value holding the word: read for nothing.
            "<div onclick = \"x()\">",
            // A value holding such a name and a `=`: read for nothing.
            "<a title=\"say onload=1\">",
            "<a href=/x ping=\"https://t.example/p\">",
            "<AREA PING = /p>",
        ] {
            assert!(may_load_from_attributes(tag.as_bytes()), "{tag}");
        }
        for tag in [
            "<div class=\"button\">",
            "<p style=\"color:red\">",
            "<a href=\"/x\" title=\"icon\">",
            "<section id=content>",
            "<img alt=\"on the wall\">",
            "<div onclick>",
            "<div =onclick=x>",
            "<a href=\"/x?on=1\">",
        ] {
            assert!(!may_load_from_attributes(tag.as_bytes()), "{tag}");
        }
    }
}
