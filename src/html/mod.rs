//! The HTML gate: tracker scripts, iframes and pixels in `text/html` responses are held
//! back on the server until the visitor consents (feature `html`, a default feature). It
//! is on for every layer with [`HtmlGate::new`]'s settings: configure it with
//! [`ConsentLayerBuilder::html_gate`](crate::ConsentLayerBuilder::html_gate), turn it
//! off with [`ConsentLayerBuilder::without_html_gate`](crate::ConsentLayerBuilder::without_html_gate).
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
//! | `<iframe>`, `<frame>` | `src`, `srcdoc` | URLs in `data-consent-*`; an embed ([`known_embeds`], [`HtmlGate::embed`]) after its placeholder, another frame followed by one naming the category with a link to the cookie settings |
//! | `<img>`, `<source>`, `<video>`, `<audio>`, `<object>`, `<embed>`, `<input>`, SVG `<image>` | `src`, `srcset`, `poster`, `data`, `href` | URLs in `data-consent-*` |
//! | `<link>` (`preload`, `modulepreload`, `prefetch`, `stylesheet`, …) | `href`, `imagesrcset` | `href` in `data-consent-href` |
//! | `<script type="importmap">`, `<script type="speculationrules">` | every string of its JSON, read as a URL against the base | `type="text/plain"` |
//! | `<style>` (also in SVG) | its CSS: `url()`, `image-set()`, `@import` | `type="text/plain"` |
//! | `<meta http-equiv="refresh">` | the URL of `content` | `content` in `data-consent-content` |
//! | `<body>`, `<table>`, `<td>`, `<th>` | `background` | `data-consent-background` |
//! | SVG `<feImage>`; `<set>`, `<animate>`, `<animateMotion>`, `<animateTransform>` | `href`, `xlink:href`; `to`, `from`, `by`, `values` | URLs in `data-consent-*` |
//! | `<a>`, `<area>` | `ping` (hyperlink auditing: each of its URLs, separated by whitespace) | `data-consent-ping` (only that: the link still works) |
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
//! 1. it is annotated `data-consent="<category>"` of a refused category, or written the
//!    client-side way, `type="text/plain" data-category="<category>"` (activated on the
//!    server when granted, unless its `data-src` is refused). An annotation only holds
//!    back: `necessary` or a granted category exempts nothing the rules below refuse
//!    (markup may be user content); exempt a URL in configuration instead
//!    (`script_rule(…, Category::Necessary)`);
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
//! 4. its event handlers, `style` attribute or (on `<a>` and `<area>`) `ping` load
//!    such a URL: only those are held back.
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
//! URLs are read as browsers read them, through one reading: character references
//! decoded as HTML's tokenizer decodes them, then the URL Standard's parser (the `url`
//! crate: UTS 46 host mapping, percent-decoded hosts, dot segments removed) against the
//! page's URL or the document's first `<base href>` (in HTML, written before any
//! `<template` and any element that loads something; the `href` of every `<base>` not
//! taken is moved to `data-consent-href`, so a browser resolves as the gate does). A rule for a local path matches every URL that resolves to it
//! on the page's own host. `srcset` is split by HTML's algorithm; `srcdoc` (its text is
//! scanned, hosts in it mapped as the URL parser maps them), `data:` and `javascript:`
//! URLs (their text too, base64-decoded where a `data:` URL says `;base64`). An embedded document (`srcdoc`,
//! a `data:` URL's text) is read at every level of character references a nested
//! `srcdoc` decodes, and with its percent escapes decoded; one nested deeper than the
//! gate reads is held back for good (`data-consent-blocked="nested-too-deep"`).
//! Most elements of a page point nowhere a rule or the catalog names, and the gate
//! sees that from the start tag as written before it reads a single attribute: a tag
//! in plain ASCII (no character reference, no percent escape, no `data:` URL) in which
//! no run of host characters ends with the host of an entry (nor the last segment of a
//! local rule's path appears) is left as written. Such filters only ever send more to
//! the reading; property tests hold them to it. Every reading is linear in the page's
//! size.
//!
//! # Embeds
//!
//! Video and audio players, maps, social posts and comments ([`known_embeds`], from
//! `data/embeds.tsv`, and the app's own: [`HtmlGate::embed`]) are held back under their
//! category (marketing unless [`HtmlGate::embed_category`] says otherwise) like any
//! tracker, and a placeholder in the visitor's language is written right before each
//! (an iframe; a script in the body, its vendor's fallback markup left above it): it
//! names the vendor, says what loading it means and links to the cookie settings; with
//! JavaScript, `banner.js` shows its two buttons, "load this one" (that element,
//! nothing recorded) and "allow &lt;category&gt;" (a choice recorded through the banner's
//! endpoint). It is phrasing content (`<span>`s), takes the element's size from its
//! `width` and `height` (an `<svg>` of that size, in proportion where the page is
//! narrower) and its `class` and `style` (unless that `style` loads what is refused),
//! holds no script, and carries the response's token as `data-tc-embed`: `banner.js`
//! acts only on a placeholder with the token in front of an element held back with it.
//! The first placeholder of a page brings the banner's style sheet (with the
//! `style-src` nonce).
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
//! # How a response is read
//!
//! As a browser reads it: the last valid `Content-Type`; a response without one only
//! if it starts like HTML; a byte order mark over the charset, and an encoding lol_html
//! cannot parse transcoded to UTF-8; `gzip`, `deflate`, `br` (and `zstd` with
//! `html-zstd`) decoded in bounded steps and served plain. Its `ETag` names the
//! consent state it was gated for, conditional requests reach the app only while they
//! can be true for the visitor's state, and it is kept out of shared caches
//! (`private`).
//!
//! # Untouched
//!
//! Non-HTML responses, `1xx`, `204`, `206`, `304` (re-tagged when the gate handed the
//! app its own tag), responses with `Content-Range`, `Content-Disposition: attachment`,
//! and the layer's own endpoints. A `HEAD` response gets the headers of the `GET`.
//!
//! # Failure
//!
//! A page the gate cannot read (a content coding it does not decode, an XHTML document
//! while something is to be held back) is not sent: a `500` says so, logged once per
//! path and counted. If the rewriter or a decoder fails mid-stream (its memory limit,
//! markup it cannot parse unambiguously, a corrupt stream), the body ends with an
//! error: the client sees a broken response, never an unchecked one.
//!
//! [lol_html]: https://docs.rs/lol_html

mod attributes;
mod catalog;
mod config;
mod consent_mode;
mod content_type;
mod csp;
mod css;
mod decode;
mod element;
mod embeds;
mod feed;
mod foreign;
mod glance;
mod held;
mod json;
mod misread;
mod noscript;
mod output;
mod pattern;
mod references;
mod refresh;
mod rewrite;
mod srcset;
mod url;
mod validators;

use std::sync::Arc;

use http::header::{
    ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION,
    CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HOST, VARY,
};
use http::uri::{Authority, Scheme};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};

pub use self::catalog::{known_tracker_resources, KnownResource};
pub(crate) use self::config::HtmlConfig;
pub use self::config::HtmlGate;
pub use self::consent_mode::ConsentModeMapping;
pub use self::embeds::{known_embeds, Embed, EmbedKind, KnownEmbed};
pub(crate) use self::feed::Feed;

use self::content_type::Kind;
use self::feed::{Declared, Start};
use self::validators::StateKey;
use crate::consent::Consent;

/// What the response side needs from the request to gate its HTML.
#[derive(Debug)]
pub(crate) struct HtmlRequest {
    head: bool,
    accept_language: Option<HeaderValue>,
    /// The state whose copy the browser revalidates, when a validator of the gate's
    /// for it went to the app as the app's own: the app's `304` is tagged with it again.
    revalidating: Option<StateKey>,
    /// Where the page is, as the request names it (its path is the consent's page):
    /// read only if the page is rewritten.
    https: bool,
    authority: Option<Authority>,
    host: Option<HeaderValue>,
}

impl HtmlRequest {
    /// Reads what the response side needs, and rewrites the request's conditional
    /// headers for the visitor's consent state ([`validators`]) and, on requests for a
    /// page, its `Accept-Encoding` to the codings the gate reads.
    pub(crate) fn new<B>(request: &mut Request<B>, consent: &Consent) -> Self {
        let accept_language = request.headers().get(ACCEPT_LANGUAGE).cloned();
        let mut revalidating = None;
        if validators::names_gated_validator(request.headers()) {
            let language = consent.context().banner.language(accept_language.as_ref());
            let state = StateKey::new(consent, language);
            if validators::translate_request(request.headers_mut(), &state) {
                revalidating = Some(state);
            }
        }
        if request.headers().contains_key(ACCEPT_ENCODING) {
            trim_accept_encoding(request.headers_mut());
        }
        Self {
            head: request.method() == Method::HEAD,
            accept_language,
            revalidating,
            https: request.uri().scheme() == Some(&Scheme::HTTPS),
            authority: request.uri().authority().cloned(),
            host: request.headers().get(HOST).cloned(),
        }
    }
}

/// On a request for a page (`Accept` names `text/html`), keeps in `Accept-Encoding`
/// only the codings the gate decodes, so that a compression layer or a precompressed
/// file inside the consent layer picks one of them (or none): a coding the gate cannot
/// read would answer the page with an error.
fn trim_accept_encoding(headers: &mut HeaderMap) {
    let for_a_page = headers
        .get_all(ACCEPT)
        .iter()
        .any(|value| names_text_html(value.as_bytes()));
    if !for_a_page {
        return;
    }
    let mut kept = String::new();
    let mut trimmed = false;
    for value in headers.get_all(ACCEPT_ENCODING) {
        for member in value.to_str().unwrap_or("").split(',') {
            let member = member.trim();
            let name = member.split(';').next().unwrap_or("").trim();
            if name.is_empty() {
                continue;
            }
            let readable = name.eq_ignore_ascii_case("identity")
                || decode::Coding::READABLE
                    .iter()
                    .any(|coding| coding.eq_ignore_ascii_case(name));
            if !readable {
                trimmed = true;
                continue;
            }
            if !kept.is_empty() {
                kept.push_str(", ");
            }
            kept.push_str(member);
        }
    }
    if !trimmed {
        return;
    }
    headers.remove(ACCEPT_ENCODING);
    // Without a readable coding, `identity` is what is left: the page comes plain.
    let value = if kept.is_empty() {
        "identity".to_owned()
    } else {
        kept
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(ACCEPT_ENCODING, value);
    }
}

/// Whether an `Accept` value names `text/html` (in any case).
fn names_text_html(accept: &[u8]) -> bool {
    // Header values are short: a plain scan beats a vectorised search here.
    (4..accept.len()).any(|slash| {
        accept[slash] == b'/'
            && accept[slash - 4..slash].eq_ignore_ascii_case(b"text")
            && accept
                .get(slash + 1..slash + 5)
                .is_some_and(|subtype| subtype.eq_ignore_ascii_case(b"html"))
    })
}

/// Decides whether `response` is gated; if so, makes its headers fit what the gate
/// will send (validators naming the consent state, kept out of shared caches, no
/// `Content-Length`, no content coding, …) and returns the body's feed.
pub(crate) fn prepare<B>(
    consent: Consent,
    gate: &Arc<HtmlConfig>,
    request: HtmlRequest,
    response: &mut Response<B>,
) -> Option<Feed> {
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        if let Some(state) = &request.revalidating {
            // The app confirmed its own tag: the browser keeps its copy, which was
            // gated for the request's state (even if this response records a choice).
            let headers = response.headers_mut();
            validators::follow_state(headers, state);
            crate::caching::keep_out_of_shared_caches(headers, "private");
        }
        return None;
    }
    if !rewritable(status, response.headers()) {
        return None;
    }
    let kind = content_type::kind(response.headers());
    let (declared, sniff_type) = match &kind {
        Kind::Html(charset) => (charset.as_deref(), false),
        Kind::Xhtml => (None, false),
        // A browser sniffs a response without a type; a redirect's body is not shown,
        // and an empty body holds nothing.
        Kind::Missing if !status.is_redirection() && !declares_empty(response.headers()) => {
            (None, true)
        }
        Kind::Missing | Kind::Other => return None,
    };
    let context = consent.context();
    let language = context.banner.language(request.accept_language.as_ref());
    let path = consent.page().map_or("/", http::uri::PathAndQuery::path);
    let headers = response.headers_mut();
    validators::follow_state(headers, &StateKey::new(&consent, language));
    crate::caching::keep_out_of_shared_caches(headers, "private");
    headers.remove(CONTENT_LENGTH);
    headers.remove(ACCEPT_RANGES);
    if gate.inject_banner && !varies_on_language(headers) {
        // The injected banner speaks the visitor's language.
        headers.append(VARY, HeaderValue::from_static("accept-language"));
    }
    if kind == Kind::Xhtml {
        // An XML document: lol_html reads HTML, and XML differs where it matters (an
        // element inside `<title>` or `<noscript>`, `<script/>`, entities declared in
        // the document type). It passes only when there is nothing to hold back.
        if context.categories.all().is_subset(consent.granted_set()) {
            return None;
        }
        return Some(refuse(
            gate,
            response,
            path,
            Unreadable::Xhtml,
            "application/xhtml+xml",
        ));
    }
    let decoder = match decode::coding(headers) {
        Ok(None) => None,
        Ok(Some(coding)) => match decode::Decoder::new(coding) {
            Ok(decoder) => Some(decoder),
            Err(error) => {
                let error = error.to_string();
                return Some(refuse(gate, response, path, Unreadable::Coding, &error));
            }
        },
        Err(coding) => return Some(refuse(gate, response, path, Unreadable::Coding, &coding)),
    };
    if decoder.is_some() {
        // Served plain: a compression layer outside the consent layer encodes it.
        headers.remove(CONTENT_ENCODING);
    }
    let declared = match declared {
        None => Declared::Nothing,
        // A label browsers do not know: they go on as without one.
        Some(label) => encoding_rs::Encoding::for_label(label.as_bytes())
            .map_or(Declared::Nothing, Declared::Encoding),
    };
    if let Declared::Encoding(encoding) = declared {
        if lol_html::AsciiCompatibleEncoding::new(encoding).is_none() {
            // UTF-16 and the like are transcoded: the page is served in UTF-8.
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
        }
    }
    if request.head {
        return None;
    }
    let return_to = consent
        .page()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let authority = match &request.authority {
        Some(authority) => Some(authority.as_str()),
        None => request.host.as_ref().and_then(|h| h.to_str().ok()),
    };
    let location = url::Location::of_request(request.https, authority, consent.page());
    let page = rewrite::Page {
        inline: csp::inline_scripts(response.headers()),
        nonces: csp::nonces(response.headers()),
        consent,
        gate: Arc::clone(gate),
        language,
        return_to,
        location,
    };
    Some(Feed::new(
        decoder,
        Start {
            page,
            declared,
            sniff_type,
        },
    ))
}

/// Why a page could not be read.
#[derive(Clone, Copy, Debug)]
enum Unreadable {
    /// A content coding the gate does not decode.
    Coding,
    /// `application/xhtml+xml` while something is to be held back.
    Xhtml,
}

impl Unreadable {
    fn as_str(self) -> &'static str {
        match self {
            Unreadable::Coding => "coding",
            Unreadable::Xhtml => "xhtml",
        }
    }

    /// What the operator can do about it.
    fn advice(self) -> &'static str {
        match self {
            Unreadable::Coding => {
                "put compression outside the consent layer, or enable the coding's feature \
                 (`html-zstd`)"
            }
            Unreadable::Xhtml => "serve the page as text/html",
        }
    }
}

/// Fails closed: the page is not sent; a `500` says why (logged once per path and
/// reason, counted).
fn refuse<B>(
    gate: &HtmlConfig,
    response: &mut Response<B>,
    path: &str,
    why: Unreadable,
    detail: &str,
) -> Feed {
    if gate.unreadable.first_time((path, why.as_str())) {
        tracing::error!(
            path,
            reason = why.as_str(),
            detail,
            "the HTML gate cannot read this page, so it was not sent (a 500 instead): {}",
            why.advice()
        );
    }
    crate::metrics::html_unreadable(why.as_str());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let headers = response.headers_mut();
    validators::remove(headers);
    headers.remove(CONTENT_ENCODING);
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Feed::refused(match why {
        Unreadable::Coding => "it is in a content coding the consent layer cannot read",
        Unreadable::Xhtml => "it is an XHTML document, which the consent layer cannot read",
    })
}

/// Whether the response says its body is empty (`Content-Length: 0`).
fn declares_empty(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .is_some_and(|length| length.as_bytes().trim_ascii() == b"0")
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
            (CONTENT_RANGE, "bytes 0-1/2"),
            (CONTENT_DISPOSITION, "Attachment; filename=a.html"),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(name.clone(), HeaderValue::from_static(value));
            assert!(!rewritable(StatusCode::OK, &headers), "{name}");
        }
        let mut gzip = HeaderMap::new();
        gzip.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(rewritable(StatusCode::OK, &gzip));
        let mut inline = HeaderMap::new();
        inline.insert(CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
        assert!(rewritable(StatusCode::OK, &inline));
    }
}
