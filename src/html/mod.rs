//! The HTML gate: tracker scripts, iframes and pixels in `text/html` responses are held
//! back on the server until the visitor consents (feature `html`, on by default; turn
//! it on for a layer with [`ConsentLayerBuilder::html_gate`](crate::ConsentLayerBuilder::html_gate)).
//!
//! Every `text/html` response is streamed through [lol_html] on its way out: bytes
//! leave as soon as they are rewritten, memory stays bounded whatever the page size,
//! and `Content-Length` is dropped. A tracker's code never reaches the browser before
//! consent, so it cannot write `_ga` with `document.cookie` nor send a hit.
//!
//! # Example
//!
//! ```
//! use axum::{response::Html, routing::get, Router};
//! use tower_consent::{Category, ConsentLayer, ConsentModeMapping, HtmlGate};
//!
//! async fn page() -> Html<&'static str> {
//!     Html(r#"<!doctype html><html><head>
//!     <script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
//!     <script src="/js/heatmap.js"></script>
//!     </head><body><h1>Hello</h1></body></html>"#)
//! }
//!
//! # fn main() -> Result<(), tower_consent::BuildError> {
//! let consent = ConsentLayer::builder()
//!     .secret([42u8; 32])
//!     .html_gate(
//!         HtmlGate::new()
//!             .script_rule("/js/heatmap.js", Category::Analytics)
//!             .google_consent_mode(ConsentModeMapping::new()),
//!     )
//!     .build()?;
//! let app: Router = Router::new().route("/", get(page)).layer(consent);
//! # Ok(()) }
//! ```
//!
//! # What is gated
//!
//! | Element | Its URL attributes | Held back as |
//! | --- | --- | --- |
//! | `<script>` (classic and module, also in SVG) | `src`, `href`, `xlink:href` | `type="text/plain"`, own type in `data-consent-type`, URL in `data-consent-src` (…`-href`) |
//! | inline `<script>` that loads a tracker URL | its text | `type="text/plain"` |
//! | `<iframe>`, `<frame>` | `src`, `srcdoc` | URLs in `data-consent-*`, followed by a placeholder naming the category with a link to the cookie settings |
//! | `<img>`, `<source>`, `<video>`, `<audio>`, `<object>`, `<embed>`, `<input>`, SVG `<image>` | `src`, `srcset`, `poster`, `data`, `href` | URLs in `data-consent-*` |
//! | `<link>` (`preload`, `modulepreload`, `prefetch`, `stylesheet`, …) | `href`, `imagesrcset` | `href` in `data-consent-href` |
//! | `<script type="importmap">`, `<script type="speculationrules">` | every string of its JSON, read as a URL against the base | `type="text/plain"` |
//! | `<style>` (also in SVG) | its CSS: `url()`, `image-set()`, `@import` | `type="text/plain"` |
//! | `<meta http-equiv="refresh">` | the URL of `content` | `content` in `data-consent-content` |
//! | `<body>`, `<table>`, `<td>`, `<th>` | `background` | `data-consent-background` |
//! | SVG `<feImage>`; `<set>`, `<animate>`, `<animateMotion>`, `<animateTransform>` | `href`, `xlink:href`; `to`, `from`, `by`, `values` | URLs in `data-consent-*` |
//! | any element | event handlers (`onload`, `onerror`, … read as inline script), `style` (its CSS) | `data-consent-on…`, `data-consent-style` (only those) |
//! | `<noscript>` | its content, read as the markup a browser without JavaScript parses | as above, inside it |
//!
//! Every held-back element carries `data-consent="<category>"` and
//! `data-consent-held="<token>"`, a random token made for each response, which the
//! injected banner hands to its script: `banner.js` activates, in document order and
//! without a reload, only elements with that token whose category is granted, and
//! restores only the attributes the gate moves. On an element it holds back, the gate
//! renames every `data-consent-…` attribute the page wrote (`x-data-consent-…`), so
//! that user content a sanitizer passes (`data-*` attributes) never becomes script.
//! A granted element is left exactly as written. A held-back start tag keeps its
//! attributes as written (values, quotes, order): the gate's own come first, after the
//! tag name, and the attributes that load something are renamed in place
//! (`src` becomes `data-consent-src`).
//!
//! An element is gated when:
//!
//! 1. it is annotated `data-consent="<category>"` (`necessary` means: never touch), or
//!    written the client-side way, `type="text/plain" data-category="<category>"`
//!    (activated on the server when granted);
//! 2. one of its URLs matches an app rule ([`HtmlGate::script_rule`]) or the built-in
//!    catalog ([`known_tracker_resources`]) of a refused category; app rules win for
//!    a URL, and a URL of a `necessary` rule or a granted category leaves the element's
//!    other URLs to be read (a browser may load `srcdoc` over `src`, any `srcset`
//!    candidate);
//! 3. it is an inline script whose text mentions such a URL (the GA, GTM, Meta Pixel
//!    and Hotjar snippets do). Inline scripts are held back while their text is read,
//!    up to [`HtmlGate::inline_script_limit`]; a longer one is neutralised (its text
//!    kept, never to run), and an inline SVG or MathML script (its content is markup,
//!    which cannot be held back in order) is neutralised while a category the rules
//!    name is refused;
//! 4. its event handlers or `style` attribute load such a URL: only those are held back.
//!
//! A `<noscript>`'s content is text for lol_html (and a browser with JavaScript) but
//! markup for a browser without: Meta's pixel and Google Tag Manager's iframe ship as
//! such fallbacks. The gate holds the content back (up to
//! [`HtmlGate::inline_script_limit`]), reads it with the same gate as a fragment of
//! the page, and writes what that gate wrote: what nothing refused touches stays byte
//! for byte. Content that does not end as markup (an open comment, tag, style sheet or
//! CDATA section, which a browser's reading would carry past `</noscript>`), a
//! `<noscript>` or `<base>` inside it, or one past the limit is dropped
//! (`data-consent-blocked="noscript-…"`).
//!
//! In SVG and MathML, every `<` of a `<![CDATA[` section is written `&lt;`: where
//! lol_html and a browser disagree on where foreign content ends (`<svg><svg><img>`),
//! a browser would read the section as a short comment followed by live markup.
//! After a start tag that ends right after an attribute's `=` (`<script nonce=>`,
//! `<style media=>`) lol_html reads markup where a browser reads the element's text;
//! such an element, while something can be held back, becomes an inert `<template>`
//! marked `data-consent-blocked="misread-tag"`, which a browser reads as lol_html does.
//!
//! URLs are read as browsers read them: character references, upper case, `//host`,
//! padding and embedded tabs or newlines, `\` for `/`, user info and ports, percent
//! encoding, `<base href>`, unquoted attributes, `<script/src=…>`, `srcset` and
//! `srcdoc` (its text is scanned), `data:` and `javascript:` URLs (their text too,
//! base64-decoded where a `data:` URL says `;base64`). An embedded document (`srcdoc`,
//! a `data:` URL's text) is read at every level of character references a nested
//! `srcdoc` decodes, and with its percent escapes decoded; one nested deeper than the
//! gate reads is held back for good (`data-consent-blocked="nested-too-deep"`).
//! Most elements of a page point nowhere a rule or the catalog names, and the gate
//! sees that from the start tag as written before it reads a single attribute: a tag
//! in plain ASCII (no character reference, no percent escape, no `data:` URL) in which
//! no run of host characters ends with the host of an entry is left as written.
//!
//! # Also inserted
//!
//! - The banner, before `</body>` of a document that does not already hold it
//!   ([`HtmlGate::inject_banner`]), or at the end of a document whose `</body>` is
//!   implied, if it ends as markup outside any `<template>` (the gate asks lol_html by
//!   writing a probe start tag after it); never in fragments (no doctype, `<html>`,
//!   `<head>` or `<body>`), never where it would complete a tag, comment or text the
//!   document left unfinished. Its `<script>` and `<link rel=stylesheet>` carry the
//!   nonces of the response's `Content-Security-Policy` (`script-src`, `style-src`).
//! - Google Consent Mode v2 defaults ([`HtmlGate::google_consent_mode`]) first in
//!   `<head>`, or, without a `<head>` tag, before the first element that may run or
//!   load a script (the head a browser implies), with the nonce of the response's
//!   `Content-Security-Policy` `script-src 'nonce-…'`; under a policy that allows no
//!   inline script, nothing is inserted.
//!
//! # Untouched
//!
//! Non-HTML responses, `HEAD`, `1xx`, `204`, `206`, `304`, responses with
//! `Content-Range`, any `Content-Encoding` (put the consent layer *inside*
//! `CompressionLayer`), `Content-Disposition: attachment`, and the layer's own
//! endpoints.
//!
//! # Failure
//!
//! If the rewriter fails mid-stream (its memory limit, markup it cannot parse
//! unambiguously, a charset it cannot read), the body ends with an error: the client
//! sees a broken response, never an unchecked one.
//!
//! [lol_html]: https://docs.rs/lol_html

mod attributes;
mod catalog;
mod config;
mod consent_mode;
mod csp;
mod css;
mod element;
mod glance;
mod held;
mod json;
mod misread;
mod noscript;
mod output;
mod refresh;
mod rewrite;
mod url;

use http::header::{
    ACCEPT_LANGUAGE, ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_ENCODING, CONTENT_LENGTH,
    CONTENT_RANGE, CONTENT_TYPE, VARY,
};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use lol_html::AsciiCompatibleEncoding;

pub use self::catalog::{known_tracker_resources, KnownResource};
pub(crate) use self::config::HtmlConfig;
pub use self::config::HtmlGate;
pub use self::consent_mode::ConsentModeMapping;
pub(crate) use self::rewrite::{RewriteError, Rewriter};

use crate::consent::Consent;

/// What the response side needs from the request to gate its HTML.
#[derive(Debug)]
pub(crate) struct HtmlRequest {
    head: bool,
    accept_language: Option<HeaderValue>,
}

impl HtmlRequest {
    pub(crate) fn new<B>(request: &Request<B>) -> Self {
        Self {
            head: request.method() == Method::HEAD,
            accept_language: request.headers().get(ACCEPT_LANGUAGE).cloned(),
        }
    }
}

/// Decides whether `response` is rewritten; if so, drops the headers a rewrite
/// invalidates and returns the rewriter.
pub(crate) fn prepare<B>(
    consent: Consent,
    request: HtmlRequest,
    response: &mut Response<B>,
) -> Option<Rewriter> {
    consent.config().html.as_ref()?;
    if request.head || !rewritable(response.status(), response.headers()) {
        return None;
    }
    let content_type = response.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    let mut params = content_type.split(';');
    let essence = params.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("text/html") {
        return None;
    }
    let charset = params
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned());
    let injects = consent
        .config()
        .html
        .as_ref()
        .is_some_and(|g| g.inject_banner);
    let headers = response.headers_mut();
    headers.remove(CONTENT_LENGTH);
    headers.remove(ACCEPT_RANGES);
    if injects && !varies_on_language(headers) {
        // The injected banner speaks the visitor's language.
        headers.append(VARY, HeaderValue::from_static("accept-language"));
    }
    let encoding = match &charset {
        None => AsciiCompatibleEncoding::utf_8(),
        Some(label) => {
            match encoding_rs::Encoding::for_label(label.as_bytes())
                .map(AsciiCompatibleEncoding::new)
            {
                Some(Some(encoding)) => encoding,
                // A label browsers do not know: they fall back to an ASCII-compatible
                // default, so tags parse the same as in UTF-8.
                None => AsciiCompatibleEncoding::utf_8(),
                Some(None) => {
                    tracing::error!(charset = %label, "HTML in a charset the gate cannot parse: the body is refused");
                    return Some(Rewriter::unreadable(label.clone()));
                }
            }
        }
    };
    let config = consent.config();
    let language = config.endpoints.language(request.accept_language.as_ref());
    let return_to = consent
        .page()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let page = rewrite::Page {
        inline: csp::inline_scripts(response.headers()),
        nonces: csp::nonces(response.headers()),
        consent,
        language,
        return_to,
    };
    Some(Rewriter::new(page, encoding, charset.is_some()))
}

fn varies_on_language(headers: &HeaderMap) -> bool {
    headers.get_all(VARY).iter().any(|value| {
        value.as_bytes().split(|&b| b == b',').any(|name| {
            let name = name.trim_ascii();
            name == b"*" || name.eq_ignore_ascii_case(b"accept-language")
        })
    })
}

/// Whether the status and headers allow a rewrite at all.
fn rewritable(status: StatusCode, headers: &HeaderMap) -> bool {
    if status.is_informational()
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
        )
    {
        return false;
    }
    if headers.contains_key(CONTENT_RANGE) {
        return false;
    }
    let encoded = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .any(|v| !v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity"));
    if encoded {
        return false;
    }
    let attachment = headers.get(CONTENT_DISPOSITION).is_some_and(|v| {
        let value = v.as_bytes().trim_ascii();
        value.len() >= 10 && value[..10].eq_ignore_ascii_case(b"attachment")
    });
    !attachment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_full_responses_are_rewritable() {
        let plain = HeaderMap::new();
        assert!(rewritable(StatusCode::OK, &plain));
        assert!(rewritable(StatusCode::NOT_FOUND, &plain));
        for status in [100, 204, 206, 304] {
            let status = StatusCode::from_u16(status).expect("valid status");
            assert!(!rewritable(status, &plain), "{status}");
        }
        for (name, value) in [
            (CONTENT_ENCODING, "gzip"),
            (CONTENT_RANGE, "bytes 0-1/2"),
            (CONTENT_DISPOSITION, "Attachment; filename=a.html"),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(name.clone(), HeaderValue::from_static(value));
            assert!(!rewritable(StatusCode::OK, &headers), "{name}");
        }
        let mut identity = HeaderMap::new();
        identity.insert(CONTENT_ENCODING, HeaderValue::from_static("identity"));
        assert!(rewritable(StatusCode::OK, &identity));
        let mut inline = HeaderMap::new();
        inline.insert(CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
        assert!(rewritable(StatusCode::OK, &inline));
    }
}
