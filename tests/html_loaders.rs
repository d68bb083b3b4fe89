//! What the HTML gate reads in a document besides resource elements (issue 21): the
//! `<noscript>` content a browser without JavaScript parses, import maps and
//! speculation rules, event handlers, `style`, `<meta http-equiv=refresh>`, legacy
//! `background`, SVG filters and animations; Consent Mode and the banner in documents
//! without `<head>`/`<body>` tags; the token that lets `banner.js` restore only what
//! the gate held back; and the CSP nonces of the injected banner. One test per finding,
//! named after it.
#![cfg(feature = "html")]

use std::convert::Infallible;

use http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{Category, Choice, ConsentLayer, ConsentModeMapping, HtmlGate};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn layer(gate: HtmlGate) -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .html_gate(gate)
        .build()
        .expect("valid configuration")
}

/// No banner, the app's local tracker rule.
fn gate() -> HtmlGate {
    HtmlGate::new()
        .inject_banner(false)
        .script_rule("/js/tracker.js", Category::Analytics)
}

/// Serves `html` (with `headers`) through `layer` to a visitor who granted `granted`;
/// returns the body.
async fn serve_with(
    layer: &ConsentLayer,
    html: &str,
    headers: &[(http::HeaderName, &'static str)],
    granted: Option<&[Category]>,
) -> String {
    let html = html.to_owned();
    let headers = headers.to_vec();
    let choice = granted.map(|categories| Choice::only(categories.iter().copied()));
    let service = layer.layer(service_fn(move |_: Request<String>| {
        let mut response = Response::new(html.clone());
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        for (name, value) in &headers {
            response
                .headers_mut()
                .append(name.clone(), HeaderValue::from_static(value));
        }
        if let Some(choice) = choice.clone() {
            response.extensions_mut().insert(choice);
        }
        async move { Ok::<_, Infallible>(response) }
    }));
    let request = Request::builder()
        .uri("/page")
        .header("sec-fetch-site", "same-origin")
        .body(String::new())
        .expect("request");
    let response = service.oneshot(request).await.expect("infallible");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8(body.to_vec()).expect("utf-8")
}

/// For an undecided visitor.
async fn refused(layer: &ConsentLayer, html: &str) -> String {
    serve_with(layer, html, &[], None).await
}

async fn granted(layer: &ConsentLayer, html: &str) -> String {
    let all = [
        Category::Analytics,
        Category::Marketing,
        Category::Preferences,
    ];
    serve_with(layer, html, &[], Some(&all)).await
}

/// The value of the first `name="…"` attribute in `html`.
fn attribute<'h>(html: &'h str, name: &str) -> Option<&'h str> {
    let needle = format!(" {name}=\"");
    let start = html.find(&needle)? + needle.len();
    let end = start + html[start..].find('"')?;
    Some(&html[start..end])
}

/// `html` with the response's token (32 hex digits) written as `T`.
fn token_as_t(html: &str) -> String {
    match attribute(html, "data-consent-held") {
        Some(token) => html.replace(token, "T"),
        None => html.to_owned(),
    }
}

/// The elements a browser with JavaScript off (`scripting: false`) or on parses from
/// `html` whose URL attributes (or, for a running script, text) name one of the
/// trackers these tests use.
fn active_trackers(html: &str, scripting: bool) -> Vec<String> {
    use html5ever::driver::{parse_document, ParseOpts};
    use html5ever::tendril::TendrilSink;
    use html5ever::tree_builder::TreeBuilderOpts;
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: scripting,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    let document = parse_document(
        scraper::HtmlTreeSink::new(scraper::Html::new_document()),
        opts,
    )
    .one(html);
    let trackers = [
        "facebook.com/tr",
        "googletagmanager.com",
        "connect.facebook.net",
        "/js/tracker.js",
    ];
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let inert = element.name() == "script"
            && element
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
        for (name, value) in element.attrs() {
            let loads = !name.starts_with("data-") && !name.starts_with("x-");
            if loads && !inert && trackers.iter().any(|t| value.contains(t)) {
                found.push(format!("<{} {name}={value:?}>", element.name()));
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------
// Finding 8: <noscript> fallbacks
// ---------------------------------------------------------------------------------

/// Meta's pixel and Google Tag Manager's iframe, as the vendors publish them.
const META_NOSCRIPT: &str = r#"<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1234&ev=PageView&noscript=1"/></noscript>"#;
const GTM_NOSCRIPT: &str = r#"<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>"#;

#[tokio::test]
async fn noscript_fallbacks_fire_for_no_visitor_without_javascript_before_consent() {
    let layer = layer(gate());
    let page = format!(
        "<!doctype html><html><head>{META_NOSCRIPT}</head><body>{GTM_NOSCRIPT}<p>x</p></body></html>"
    );
    let out = refused(&layer, &page).await;
    assert_eq!(
        active_trackers(&page, false).len(),
        2,
        "the fallbacks as written"
    );
    assert_eq!(active_trackers(&out, false), Vec::<String>::new(), "{out}");
    assert_eq!(active_trackers(&out, true), Vec::<String>::new(), "{out}");
    assert!(
        token_as_t(&out).contains(
            r#"<noscript><img data-consent="marketing" data-consent-held="T" height="1" width="1" style="display:none" data-consent-src="https://www.facebook.com/tr?id=1234&ev=PageView&noscript=1"/></noscript>"#
        ),
        "{out}"
    );
    assert!(
        out.contains(r#"data-consent-src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX""#),
        "{out}"
    );
    // Granted, or with nothing refused inside, the content stays as written.
    assert_eq!(granted(&layer, &page).await, page);
    let plain = "<noscript><p>Please turn on <b>JavaScript</b> &amp; reload.</p><img src=/a.png></noscript><p>x</p>";
    assert_eq!(refused(&layer, plain).await, plain);
}

#[tokio::test]
async fn noscript_content_the_gate_cannot_read_as_markup_is_dropped() {
    let layer = layer(gate());
    for page in [
        // The browser's reading would run past `</noscript>` (a comment, a style sheet,
        // a CDATA section in SVG): what follows would be read differently.
        r#"<noscript><!--</noscript><style>--><img src="https://www.facebook.com/tr?id=1"></style>"#,
        r#"<noscript><svg><![CDATA[</noscript><style>]]><img src="https://www.facebook.com/tr?id=1"></style>"#,
        r#"<noscript><img alt="</noscript><style>" src="/a.png"><img src="https://www.facebook.com/tr?id=1"></style>"#,
        // A `<noscript>` inside, which lol_html would read as text again.
        r#"<noscript><noscript></noscript><img src="https://www.facebook.com/tr?id=1"></noscript>"#,
        // A `<base>` a browser without JavaScript would take for the page's.
        r#"<noscript><base href="https://www.facebook.com/"></noscript><img src="tr?id=1">"#,
    ] {
        let out = refused(&layer, page).await;
        assert_eq!(
            active_trackers(&out, false),
            Vec::<String>::new(),
            "{page}\n→ {out}"
        );
        assert_eq!(
            active_trackers(&out, true),
            Vec::<String>::new(),
            "{page}\n→ {out}"
        );
        assert!(
            out.contains("<noscript data-consent-blocked=\"noscript-"),
            "{out}"
        );
    }
    // Past the limit the content is dropped, whatever it holds.
    let layer = layer_with_limit(1024);
    let long = format!(
        "<noscript>{}</noscript><p>after</p>",
        "<p>x</p>".repeat(200)
    );
    assert_eq!(
        refused(&layer, &long).await,
        "<noscript data-consent-blocked=\"noscript-limit\"></noscript><p>after</p>"
    );
}

fn layer_with_limit(limit: usize) -> ConsentLayer {
    layer(gate().inline_script_limit(limit))
}

// ---------------------------------------------------------------------------------
// Finding 9: import maps and speculation rules
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn import_maps_and_speculation_rules_naming_trackers_are_held_back() {
    let layer = layer(gate());
    for (page, key) in [
        (
            r#"<script type="importmap">{"imports":{"analytics":"https://www.googletagmanager.com/gtag/js?id=G-1"}}</script>"#,
            "analytics",
        ),
        // JSON escapes, a URL relative to the page's base.
        (
            r#"<base href="https://www.googletagmanager.com/"><script type=importmap>{"imports":{"a":"gtag\/js"},"scopes":{"/x/":{"b":"https:\/\/connect\u002efacebook.net/en_US/fbevents.js"}}}</script>"#,
            "analytics",
        ),
        (
            r#"<script type=" ImportMap ">{"imports":{"t":"./js/tracker.js"}}</script>"#,
            "analytics",
        ),
        (
            r#"<script type="speculationrules">{"prefetch":[{"source":"list","urls":["https://www.facebook.com/tr?id=1"]}]}</script>"#,
            "marketing",
        ),
        (
            r#"<script type="speculationrules">{"prerender":[{"where":{"href_matches":"https://www.googletagmanager.com/*"}}]}</script>"#,
            "analytics",
        ),
    ] {
        let out = token_as_t(&refused(&layer, page).await);
        assert!(
            out.contains(&format!(
                r#"<script type="text/plain" data-consent="{key}" data-consent-held="T""#
            )),
            "{page}\n→ {out}"
        );
        assert!(out.contains("data-consent-type="), "{out}");
        assert_eq!(granted(&layer, page).await, page);
    }
    // What names no tracker, and JSON no browser reads, pass as written.
    for page in [
        r#"<script type="importmap">{"imports":{"vue":"/js/vue.esm.js"}}</script>"#,
        r#"<script type="speculationrules">{"prefetch":[{"source":"list","urls":["/next"]}]}</script>"#,
        r#"<script type="application/ld+json">{"url":"https://www.facebook.com/tr"}</script>"#,
    ] {
        assert_eq!(refused(&layer, page).await, page);
    }
}

// ---------------------------------------------------------------------------------
// Finding 10: documents without <head> and <body> tags
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn consent_mode_defaults_and_the_banner_reach_documents_without_head_or_body_tags() {
    let layer = layer(
        HtmlGate::new()
            .google_consent_mode(ConsentModeMapping::new())
            .script_rule("/js/tracker.js", Category::Analytics),
    );
    // A valid document: the head and the body are implied.
    let page = concat!(
        "<!doctype html><meta charset=utf-8><title>Implied</title>",
        "<script>window.first = 1</script>",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
        "<p>Hello</p>\n",
    );
    let out = refused(&layer, page).await;
    let defaults = out
        .find("gtag('consent','default'")
        .expect("defaults inserted");
    assert!(
        out.starts_with("<!doctype html><meta charset=utf-8><title>Implied</title><script data-tc-consent-mode="),
        "{out}"
    );
    assert!(defaults < out.find("window.first").expect("the page's script"));
    // The banner at the end of the implied body, once.
    let banner = out.find("data-tc-endpoint=").expect("banner injected");
    assert!(banner > out.find("<p>Hello</p>").expect("content"));
    assert!(out.ends_with("></script>\n"), "{out}");
    assert_eq!(out.matches("data-tc-endpoint=").count(), 1);
    // `<html>` before the scripts, no `<head>` or `<body>`.
    let out = refused(
        &layer,
        "<html><script src=\"https://www.googletagmanager.com/gtm.js\"></script><p>x",
    )
    .await;
    assert!(
        out.starts_with("<html><script data-tc-consent-mode="),
        "{out}"
    );
    assert!(out.contains("data-tc-endpoint="), "{out}");
    // Not where the banner would complete a tag, end an open comment or go into a
    // template, nor into a fragment.
    for page in [
        "<!doctype html><p>x</p><img src=\"/a.png\" alt=\"",
        "<!doctype html><p>x</p><!-- the end",
        "<!doctype html><p>x</p><template><p>inert",
        "<!doctype html><p>x</p><textarea>",
        "<!doctype html><svg><![CDATA[",
        "<!doctype html><p>x</p><noscript><img src=\"https://www.facebook.com/tr?id=1\">",
        "<li>a fragment</li>",
    ] {
        let out = refused(&layer, page).await;
        assert!(!out.contains("data-tc-endpoint"), "{page}\n→ {out}");
        assert!(!out.contains("tc-consent-probe"), "{page}\n→ {out}");
        assert_eq!(active_trackers(&out, false), Vec::<String>::new(), "{out}");
    }
}

// ---------------------------------------------------------------------------------
// Finding 11: banner.js restores only what the gate moved
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn only_what_the_gate_held_back_carries_the_token_banner_js_activates() {
    let layer = layer(HtmlGate::new().script_rule("/js/tracker.js", Category::Analytics));
    // User content (a sanitizer keeps `data-*`): a forged mark, forged moved
    // attributes, and an annotation that makes the gate hold the element back.
    let page = concat!(
        "<!doctype html><html><body>",
        "<img src=\"https://www.facebook.com/tr?id=1\">",
        "<div class=comment><img data-consent=\"analytics\" src=\"/cat.png\" ",
        "data-consent-onerror=\"alert(1)\" data-consent-held=\"0123456789abcdef0123456789abcdef\" ",
        "DATA-CONSENT-SRCDOC=\"<script>alert(2)</script>\" data-consent-href=\"javascript:alert(3)\"></div>",
        "<p data-consent=\"analytics\" data-consent-onclick=\"alert(4)\">untouched</p>",
        "</body></html>",
    );
    let first = refused(&layer, page).await;
    let token = attribute(&first, "data-tc-held").expect("the banner carries the token");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let out = first.replace(token, "T");
    assert!(
        out.contains(r#"<img data-consent="marketing" data-consent-held="T" data-consent-src="https://www.facebook.com/tr?id=1">"#),
        "{out}"
    );
    // The gate's mark first (a browser keeps the first of two attributes), the page's
    // own data-consent-* renamed out of banner.js's reach.
    assert!(
        out.contains(concat!(
            "<img data-consent-held=\"T\" data-consent=\"analytics\" data-consent-src=\"/cat.png\" ",
            "x-data-consent-onerror=\"alert(1)\" x-data-consent-held=\"0123456789abcdef0123456789abcdef\" ",
            "x-DATA-CONSENT-SRCDOC=\"<script>alert(2)</script>\" x-data-consent-href=\"javascript:alert(3)\">"
        )),
        "{out}"
    );
    // An element the gate does not hold back gets no token.
    assert!(out.contains("<p data-consent=\"analytics\" data-consent-onclick=\"alert(4)\">"));
    assert_eq!(out.matches("data-consent-held=\"T\"").count(), 2);
    // A token for each response.
    let second = refused(&layer, page).await;
    assert_ne!(attribute(&second, "data-tc-held"), Some(token));
    // The client-side convention, and a banner the app renders itself, get it too.
    let app = concat!(
        "<script type=\"text/plain\" data-category=\"analytics\" data-src=\"/js/a.js\"></script>",
        "<div class=\"tc-consent\" data-tc-endpoint=\"/_consent\"></div>",
        "<script src=\"/_consent/banner.js?v=1\" defer></script>",
    );
    let out = refused(&layer, app).await;
    let token = attribute(&out, "data-tc-held").expect("the app's banner script gets the token");
    assert_eq!(attribute(&out, "data-consent-held"), Some(token), "{out}");
    // Nothing is held back for a visitor who granted everything: no token.
    let everything = granted(&layer, page).await;
    assert!(!everything.contains("data-tc-held"), "{everything}");
    assert_eq!(
        everything.matches("data-consent-held").count(),
        1,
        "the page's own"
    );
}

// ---------------------------------------------------------------------------------
// Finding 14: loaders the gate did not read
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_annotated_elements_handlers_are_read_whatever_its_key() {
    // An annotation exempts nothing: its event handlers and `style` go aside with the
    // element, also when the key names no category (a fuzz finding: the handler stayed).
    let layer = layer(gate());
    for key in ["marketing", "no-such-category"] {
        let page = format!(
            r#"<img data-consent="{key}" src="/a.png" onclick="fetch('//static.hotjar.com/x')" style="background:url(//www.facebook.com/tr)">"#
        );
        let out = refused(&layer, &page).await;
        assert!(
            out.contains(r#"data-consent-onclick="fetch('//static.hotjar.com/x')""#),
            "{out}"
        );
        assert!(out.contains("data-consent-style="), "{out}");
        assert!(!out.contains(" onclick="), "{out}");
    }
}

#[tokio::test]
async fn event_handlers_refresh_background_svg_animations_and_css_are_read() {
    let layer = layer(gate());
    for (page, expected) in [
        // An event handler is inline script: only it is held back.
        (
            r#"<img src="/a.png" onload="var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';document.head.appendChild(s)">"#,
            r#"<img data-consent="marketing" data-consent-held="T" src="/a.png" data-consent-onload="var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';document.head.appendChild(s)">"#,
        ),
        (
            r#"<div class="x" ONCLICK="fetch('//www.googletagmanager.com/x')">a</div>"#,
            r#"<div data-consent="analytics" data-consent-held="T" class="x" data-consent-ONCLICK="fetch('//www.googletagmanager.com/x')">a</div>"#,
        ),
        (
            r#"<meta http-equiv="refresh" content="0; url=https://www.facebook.com/tr?id=1">"#,
            r#"<meta data-consent="marketing" data-consent-held="T" http-equiv="refresh" data-consent-content="0; url=https://www.facebook.com/tr?id=1">"#,
        ),
        (
            r#"<body background="https://www.facebook.com/tr?id=1"><table background=//www.facebook.com/tr><tr><td background="/js/tracker.js?x=1"></td><th background="https://www.facebook.com/tr"></th></tr></table></body>"#,
            r#"<body data-consent="marketing" data-consent-held="T" data-consent-background="https://www.facebook.com/tr?id=1"><table data-consent="marketing" data-consent-held="T" data-consent-background=//www.facebook.com/tr><tr><td data-consent="analytics" data-consent-held="T" data-consent-background="/js/tracker.js?x=1"></td><th data-consent="marketing" data-consent-held="T" data-consent-background="https://www.facebook.com/tr"></th></tr></table></body>"#,
        ),
        (
            r#"<svg><filter id="f"><feImage href="https://www.facebook.com/tr?id=1"/></filter></svg>"#,
            r#"<svg><filter id="f"><feImage data-consent="marketing" data-consent-held="T" data-consent-href="https://www.facebook.com/tr?id=1"/></filter></svg>"#,
        ),
        (
            r#"<svg><image href="/a.png"><set attributeName="href" to="https://www.facebook.com/tr?id=1"/></image></svg>"#,
            r#"<svg><image href="/a.png"><set data-consent="marketing" data-consent-held="T" attributeName="href" data-consent-to="https://www.facebook.com/tr?id=1"/></image></svg>"#,
        ),
        (
            r#"<svg><image><animate attributeName="href" values="/a.png;https://www.facebook.com/tr" dur="1s"/></image></svg>"#,
            r#"<svg><image><animate data-consent="marketing" data-consent-held="T" attributeName="href" data-consent-values="/a.png;https://www.facebook.com/tr" dur="1s"/></image></svg>"#,
        ),
        // CSS: url(), its escapes (`\2e` is a `.`), image-set(), @import.
        (
            r#"<div style="background:url(https://www.facebook.com/tr?id=1)">x</div>"#,
            r#"<div data-consent="marketing" data-consent-held="T" data-consent-style="background:url(https://www.facebook.com/tr?id=1)">x</div>"#,
        ),
        (
            r#"<p style='background-image: u\72l("https://www\2e facebook\2e com/tr")'>x</p>"#,
            r#"<p data-consent="marketing" data-consent-held="T" data-consent-style='background-image: u\72l("https://www\2e facebook\2e com/tr")'>x</p>"#,
        ),
        (
            r#"<img src="/a.png" style="background:image-set(&quot;/js/tracker.js&quot; 1x)">"#,
            r#"<img data-consent="analytics" data-consent-held="T" src="/a.png" data-consent-style="background:image-set(&quot;/js/tracker.js&quot; 1x)">"#,
        ),
        (
            "<style>@import url(//www.googletagmanager.com/a.css);p{color:red}</style>",
            r#"<style type="text/plain" data-consent="analytics" data-consent-held="T">@import url(//www.googletagmanager.com/a.css);p{color:red}</style>"#,
        ),
        (
            r#"<style media="screen">.pixel{background:url("https://www.facebook.com/tr?id=1")}</style>"#,
            r#"<style type="text/plain" data-consent="marketing" data-consent-held="T" media="screen">.pixel{background:url("https://www.facebook.com/tr?id=1")}</style>"#,
        ),
        (
            r#"<svg><style>.a{fill:url(https://www.facebook.com/tr)}</style></svg>"#,
            r#"<svg><style type="text/plain" data-consent="marketing" data-consent-held="T">.a{fill:url(https://www.facebook.com/tr)}</style></svg>"#,
        ),
    ] {
        let out = token_as_t(&refused(&layer, page).await);
        assert_eq!(out, expected, "{page}");
        assert_eq!(granted(&layer, page).await, page, "{page}");
    }
    // What loads nothing refused passes byte for byte.
    for page in [
        r#"<button onclick="document.querySelector('.menu').hidden = false">Menu</button>"#,
        r#"<div style="background:url(/img/bg.png);color:rgb(1,2,3)" onmouseover="x()">x</div>"#,
        r#"<meta http-equiv="refresh" content="30">"#,
        r#"<meta name="description" content="see www.facebook.com/tr">"#,
        "<style>p{content:'https://www.facebook.com/tr'}/* url(//www.facebook.com/tr) */</style>",
        r#"<svg><animate attributeName="opacity" values="0;1"/></svg>"#,
    ] {
        assert_eq!(refused(&layer, page).await, page);
    }
}

/// A fuzz finding of issue 21's last run: a `<base>` was read for its `href` only, so
/// its event handlers stayed active (one without `href` was not read at all). A kept
/// `<base>` has them held back as any element's; a moved one loses them with its `href`.
#[tokio::test]
async fn a_bases_event_handlers_are_read_as_any_elements() {
    let layer = layer(gate());
    for (page, expected) in [
        (
            r#"<base target="_top" onerror="fetch('https://www.facebook.com/tr?id=1')">"#,
            r#"<base data-consent="marketing" data-consent-held="T" target="_top" data-consent-onerror="fetch('https://www.facebook.com/tr?id=1')">"#,
        ),
        (
            r#"<base href="/a/" onclick="fetch('https://www.facebook.com/tr?id=1')">"#,
            r#"<base data-consent="marketing" data-consent-held="T" href="/a/" data-consent-onclick="fetch('https://www.facebook.com/tr?id=1')">"#,
        ),
        (
            r#"<img src="/a.png"><base href="/a/" onclick="fetch('https://www.facebook.com/tr?id=1')">"#,
            r#"<img src="/a.png"><base data-consent-blocked="late-base" data-consent-href="/a/" data-consent-onclick="fetch('https://www.facebook.com/tr?id=1')">"#,
        ),
    ] {
        assert_eq!(token_as_t(&refused(&layer, page).await), expected, "{page}");
        assert_eq!(granted(&layer, page).await, page);
    }
    // Its handlers do not make a later `<base>` late.
    let page = r#"<base target="_top" onclick="go()"><base href="https://www.facebook.com/"><img src="tr?id=1">"#;
    let out = refused(&layer, page).await;
    assert!(!out.contains("late-base"), "{out}");
}

#[tokio::test]
async fn inline_style_sheets_too_long_to_read_are_held_back_unless_necessary() {
    let layer = layer_with_limit(1024);
    let long = format!("<style>{}</style><p>x</p>", "p{color:red}".repeat(100));
    let out = refused(&layer, &long).await;
    assert!(
        out.starts_with(
            "<style type=\"text/plain\" data-consent-blocked=\"inline-style-limit\">p{color:red}"
        ),
        "{out}"
    );
    let necessary = format!(
        "<style data-consent=\"necessary\">{}a{{background:url(//www.facebook.com/tr)}}</style>",
        "p{color:red}".repeat(100)
    );
    assert_eq!(refused(&layer, &necessary).await, necessary);
}

// ---------------------------------------------------------------------------------
// Finding 21: nonces for the injected banner
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn the_injected_banner_carries_the_nonces_of_a_nonce_based_policy() {
    let layer = layer(HtmlGate::new().google_consent_mode(ConsentModeMapping::new()));
    let page = "<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>";
    let policy = "script-src 'nonce-r4nd0m' 'strict-dynamic'; style-src 'nonce-5tyle'";
    let out = serve_with(&layer, page, &[(CONTENT_SECURITY_POLICY, policy)], None).await;
    let tag = |needle: &str| {
        let at = out
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {out}"));
        let start = out[..at].rfind('<').expect("tag start");
        let end = at + out[at..].find('>').expect("tag end");
        out[start..=end].to_owned()
    };
    assert!(tag("/banner.js").contains(" nonce=\"r4nd0m\""), "{out}");
    assert!(tag("/banner.css").contains(" nonce=\"5tyle\""), "{out}");
    assert!(
        tag("data-tc-consent-mode").contains(" nonce=\"r4nd0m\""),
        "{out}"
    );
    // Without a policy, no nonce.
    let out = serve_with(&layer, page, &[], None).await;
    assert!(!out.contains("nonce="), "{out}");
}
