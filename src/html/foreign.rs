//! Where lol_html's reading of SVG and MathML departs from a browser's.
//!
//! In SVG or MathML, a start tag such as `<img>`, `<p>` or `<div>` (and `<font>` with
//! `color`, `face` or `size`) ends foreign content: a browser closes every SVG and
//! MathML element up to the nearest HTML element or integration point (HTML § 13.2.6.5,
//! "the rules for parsing tokens in foreign content"). lol_html 3.0.3 leaves one level
//! only: after `<svg><svg><img>` it reads on in SVG, where a browser reads HTML. A
//! `<script>` or `<style>` is then markup for lol_html and text for a browser, and the
//! two disagree on where it ends: in `<svg><svg><img><script><a b="</script><script>…`
//! lol_html sees one inert SVG script holding an element, a browser a second, live
//! script the gate never saw.
//!
//! The gate sees the sign of it: an element that ends foreign content, which lol_html
//! still puts in SVG or MathML. From there on in the response, an element lol_html reads
//! in foreign content whose content a browser may read as text becomes an inert
//! `<template>` (its end tag too), whose content a browser reads as markup, as lol_html
//! does (as [`super::misread`] does for another of lol_html's misreadings).

use lol_html::html_content::Element;
use lol_html::send::SendHandlerTypes;

use super::element::Name;

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// Whether an element named `name` (as written, any case) ends foreign content in a
/// browser.
pub(super) fn ends_foreign_content(name: &[u8], el: &El<'_, '_>) -> bool {
    const ENDS: [&str; 44] = [
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "center",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "i",
        "img",
        "li",
        "listing",
        "menu",
        "meta",
        "nobr",
        "ol",
        "p",
        "pre",
        "ruby",
        "s",
        "small",
        "span",
        "strong",
        "strike",
        "sub",
        "sup",
        "table",
        "tt",
        "u",
        "ul",
        "var",
    ];
    if name.eq_ignore_ascii_case(b"font") {
        return ["color", "face", "size"]
            .into_iter()
            .any(|attribute| el.has_attribute(attribute));
    }
    ENDS.iter()
        .any(|end| name.eq_ignore_ascii_case(end.as_bytes()))
}

/// Whether a browser reads the content of an HTML element `name` (written `raw`) as
/// text (with scripting on), up to its end tag or, for `<plaintext>`, to the end of
/// the page.
pub(super) fn is_text_in_html(name: Option<Name>, raw: &[u8]) -> bool {
    match name {
        Some(name) => {
            name.is_text() || matches!(name, Name::Script | Name::Iframe | Name::Noscript)
        }
        None => raw.eq_ignore_ascii_case(b"plaintext"),
    }
}

/// Whether an element `name` (written `raw`), read as text in HTML, has no use in SVG
/// or MathML: made inert there whether or not lol_html misread the nesting, as a `</p>`
/// or `</br>` in nested SVG makes it do without an element to show it. (`<script>` is
/// held back whole in foreign content anyway; `<style>`, `<title>` and `<iframe>` have
/// uses there, and are made inert only after the sign.)
pub(super) fn is_stray_in_foreign_content(name: Option<Name>, raw: &[u8]) -> bool {
    match name {
        Some(name) => matches!(
            name,
            Name::Textarea | Name::Xmp | Name::Noembed | Name::Noframes | Name::Noscript
        ),
        None => raw.eq_ignore_ascii_case(b"plaintext"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_elements_are_known_in_any_case() {
        fn known(raw: &str) -> (Option<Name>, &[u8]) {
            (Name::of(raw.as_bytes()), raw.as_bytes())
        }
        for raw in ["script", "STYLE", "PlainText", "noscript", "iframe"] {
            let (name, raw) = known(raw);
            assert!(is_text_in_html(name, raw), "{raw:?}");
        }
        for raw in ["scripts", "svg", "desc", "foreignobject", "template"] {
            let (name, raw) = known(raw);
            assert!(!is_text_in_html(name, raw), "{raw:?}");
        }
        let (name, raw) = known("NoScript");
        assert!(is_stray_in_foreign_content(name, raw));
        for raw in ["style", "title", "iframe", "script"] {
            let (name, raw) = known(raw);
            assert!(!is_stray_in_foreign_content(name, raw), "{raw:?}");
        }
    }
}
