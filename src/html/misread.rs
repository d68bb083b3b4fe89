//! Start tags after which lol_html reads markup where a browser reads text.
//!
//! A browser reads the content of `<script>`, `<style>`, `<iframe>`, `<title>`,
//! `<textarea>`, `<xmp>`, `<noembed>`, `<noframes>` and `<noscript>` as text, up to the
//! first end tag of the same name. lol_html 3.0.3 does too, except after a start tag
//! that ends right after an attribute's `=` (`<script nonce=>`, an empty template
//! variable): there it reads the content as markup. The two readings then disagree on
//! where the element ends: in `<style a=><!--</style><img src=…>-->` lol_html sees a
//! comment, a browser a live image the gate never saw.
//!
//! Whether lol_html does so depends on more than the tag: after a start tag it handed
//! to an element handler only, it resumes in the element's text state. The gate gives
//! every such element a text handler, so that lol_html reads the content after every
//! such tag as markup, as it does a script's, and makes a browser read it so too: the
//! element becomes a `<template>` (its end tag too), whose content a browser reads as
//! markup and never renders, runs or loads. The element is lost, which only markup a
//! browser reports as an error brings about.

use lol_html::html_content::Element;
use lol_html::send::SendHandlerTypes;

use super::attributes::{Input, KEPT_BEFORE};

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// The elements whose content a browser reads as text besides `<script>`, `<style>`
/// and `<noscript>`, whose text the gate reads with handlers of their own.
pub(super) const TEXT_ELEMENTS: &str = "iframe, title, textarea, xmp, noembed, noframes";

/// Whether lol_html reads the content of `el` (one whose content a browser reads as
/// text) as markup. `true` too when the tag's end is not kept, which only a run of
/// more than [`KEPT_BEFORE`] spaces before its `>` brings about.
pub(super) fn is_misread(el: &El<'_, '_>, input: &Input) -> bool {
    if el.namespace_uri() != super::element::HTML {
        // In SVG and MathML lol_html reads content as markup, as browsers do.
        return false;
    }
    let tag = el.source_location().bytes();
    let Some(window) = input.before(tag.end, KEPT_BEFORE.min(tag.len())) else {
        return true;
    };
    let equals = match last_before_close(&window) {
        Some((at, b'=')) => tag.end - window.len() + at,
        Some(_) => return false,
        // Only spaces in the window: the tag goes on before it.
        None => return true,
    };
    // The `=` follows the last attribute's name, which has no value: it was read
    // where a value was to begin, not as (part of) a name (`<script a="x"=>`).
    el.attributes().last().is_some_and(|last| {
        last.value_source_location().is_none()
            && last
                .name_source_location()
                .is_some_and(|name| name.bytes().end <= equals)
    })
}

/// The last byte of `tag` (the end of a start tag) before its `>` and the spaces
/// before that, and where it is.
fn last_before_close(tag: &[u8]) -> Option<(usize, u8)> {
    let before_close = tag.strip_suffix(b">").unwrap_or(tag);
    let at = before_close
        .iter()
        .rposition(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))?;
    Some((at, before_close[at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_before_the_close_is_found() {
        assert_eq!(last_before_close(b"<script a=>"), Some((9, b'=')));
        assert_eq!(last_before_close(b"<style a= \n>"), Some((8, b'=')));
        assert_eq!(last_before_close(b"<script a=b>"), Some((10, b'b')));
        assert_eq!(last_before_close(b"<script a='='>"), Some((12, b'\'')));
        assert_eq!(last_before_close(b"   >"), None);
    }
}
