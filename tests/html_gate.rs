//! The HTML gate end to end through the layer and `oneshot`: a table of inputs and
//! outputs per consent state, the untouched cases, streaming, failure, injection.
#![cfg(feature = "html")]

mod common;

use std::convert::Infallible;

use bytes::Bytes;
use http::header::{CONTENT_DISPOSITION, CONTENT_RANGE, CONTENT_SECURITY_POLICY};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use http_body::Frame;
use http_body_util::BodyExt;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{Category, Choice, ConsentLayer, ConsentModeMapping, HtmlGate};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn layer(gate: HtmlGate) -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .html_gate(gate)
        .build()
        .expect("valid configuration")
}

fn gate() -> HtmlGate {
    HtmlGate::new()
        .inject_banner(false)
        .script_rule("/js/tracker.js", Category::Analytics)
}

/// A response the app gives: headers, status, body, and the choice it records.
#[derive(Clone)]
struct Page {
    status: StatusCode,
    headers: Vec<(HeaderName, &'static str)>,
    body: String,
    choice: Option<Choice>,
}

impl Page {
    fn html(body: &str) -> Self {
        Self {
            status: StatusCode::OK,
            headers: vec![(CONTENT_TYPE, "text/html; charset=utf-8")],
            body: body.to_owned(),
            choice: None,
        }
    }

    fn granting(mut self, categories: &[Category]) -> Self {
        self.choice = Some(Choice::only(categories.iter().copied()));
        self
    }

    fn header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }
}

struct Served {
    headers: HeaderMap,
    body: String,
}

async fn serve_with(layer: &ConsentLayer, page: Page, method: Method) -> Served {
    let service = layer.layer(service_fn(move |_: Request<String>| {
        let page = page.clone();
        async move {
            let mut response = Response::new(page.body.clone());
            *response.status_mut() = page.status;
            for (name, value) in &page.headers {
                response
                    .headers_mut()
                    .append(name.clone(), HeaderValue::from_static(value));
            }
            response
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(page.body.len()));
            if let Some(choice) = page.choice {
                response.extensions_mut().insert(choice);
            }
            Ok::<_, Infallible>(response)
        }
    }));
    // A same-origin page load: a choice the page records counts.
    let request = Request::builder()
        .method(method)
        .uri("/page?x=1")
        .header("sec-fetch-site", "same-origin")
        .body(String::new())
        .expect("valid request");
    let response = service.oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    Served {
        headers: parts.headers,
        body: String::from_utf8(common::without_tokens(&bytes)).expect("utf-8"),
    }
}

async fn serve(layer: &ConsentLayer, page: Page) -> Served {
    serve_with(layer, page, Method::GET).await
}

async fn refused(html: &str) -> String {
    serve(&layer(gate()), Page::html(html)).await.body
}

async fn granted(html: &str) -> String {
    let page = Page::html(html).granting(&ALL);
    serve(&layer(gate()), page).await.body
}

const ALL: [Category; 3] = [
    Category::Analytics,
    Category::Marketing,
    Category::Preferences,
];

/// Tracker URLs (and the app's local one) as they appear in the table below.
const TRACKERS: [&str; 8] = [
    "googletagmanager.com",
    "google-analytics.com",
    "connect.facebook.net",
    "facebook.com/tr",
    "hotjar.com",
    "doubleclick.net",
    "/js/tracker.js",
    "/js/app-stats.js",
];

fn mentions_tracker(value: &str) -> bool {
    let value: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let value = value
        .replace("%3a", ":")
        .replace("%2f", "/")
        .replace("%22", "\"");
    TRACKERS.iter().any(|t| value.contains(t))
}

/// Whether a `<script type>` runs.
fn executable(kind: Option<&str>) -> bool {
    kind.is_none_or(|k| {
        let k = k.trim().to_ascii_lowercase();
        k.is_empty() || k == "module" || k.ends_with("javascript") || k.ends_with("ecmascript")
    })
}

/// What a reference HTML parser (html5ever, through scraper) sees as an element that
/// would still load a tracker: a running script, or a loading element, whose URL or
/// text mentions one.
fn active_trackers(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let name = element.name();
        let loads: &[&str] = match name {
            "script" if !executable(element.attr("type")) => continue,
            "script" => &["src", "href", "xlink:href"],
            "iframe" | "frame" => &["src", "srcdoc"],
            "img" | "source" => &["src", "srcset"],
            "video" => &["src", "poster"],
            "audio" | "embed" | "input" => &["src"],
            "object" => &["data"],
            "link" => &["href", "imagesrcset"],
            "image" => &["href", "xlink:href"],
            _ => continue,
        };
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if loads.contains(&attribute.as_str()) && mentions_tracker(value) {
                found.push(format!("<{name} {attribute}={value:?}>"));
            }
        }
        if name == "script" {
            let text: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            // The annotated-only URL is no tracker in script text: only rules and the
            // catalog make text a tracker loader.
            if mentions_tracker(&text.replace("/js/app-stats.js", "")) {
                found.push(format!("<script>{text}"));
            }
        }
    }
    found
}

/// Every element kind and spelling: held back when refused, as written when granted.
const TABLE: &[&str] = &[
    r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#,
    r#"<SCRIPT SRC="HTTPS://WWW.GOOGLE-ANALYTICS.COM/analytics.js"></SCRIPT>"#,
    r#"<script src="//connect.facebook.net/en_US/fbevents.js"></script>"#,
    r#"<script src="  https://static.hotjar.com/c/hotjar-1.js?sv=6  "></script>"#,
    "<script src=\"https://www.google-ana\nlytics.com/analytics.js\"></script>",
    r#"<script src=https://www.google-analytics.com/analytics.js></script>"#,
    r#"<script/src="https://www.google-analytics.com/analytics.js"></script>"#,
    r#"<script src="https&#58;//www&#x2E;google-analytics.com/analytics.js"></script>"#,
    r#"<script src="https:\\www.google-analytics.com\analytics.js"></script>"#,
    r#"<script type="module" src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>"#,
    r#"<svg><script href="https://www.google-analytics.com/analytics.js"></script></svg>"#,
    r#"<svg><script xlink:href="https://www.google-analytics.com/analytics.js"></script></svg>"#,
    r#"<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" height="1" width="1">"#,
    r#"<img srcset="/a.png 1x, https://www.facebook.com/tr?id=1 2x">"#,
    r#"<picture><source srcset="https://www.facebook.com/tr?id=1"><img src="/a.png"></picture>"#,
    r#"<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1" height="0"></iframe>"#,
    r#"<IFRAME SRC="https://ad.doubleclick.net/x"></IFRAME>"#,
    r#"<iframe srcdoc="&lt;script src=&quot;https://www.google-analytics.com/analytics.js&quot;&gt;&lt;/script&gt;"></iframe>"#,
    r#"<iframe src="data:text/html,%3Cscript%20src%3D%22https://www.google-analytics.com/analytics.js%22%3E%3C/script%3E"></iframe>"#,
    r#"<link rel="preload" as="script" href="https://www.googletagmanager.com/gtag/js?id=G-1">"#,
    r#"<link rel=modulepreload href="https://www.googletagmanager.com/m.js">"#,
    r#"<link rel="stylesheet" href="https://static.hotjar.com/x.css">"#,
    r#"<video src="https://www.google-analytics.com/v.mp4" poster="https://www.google-analytics.com/p.png"></video>"#,
    r#"<audio src="https://www.google-analytics.com/a.mp3"></audio>"#,
    r#"<object data="https://www.google-analytics.com/o.swf"></object>"#,
    r#"<embed src="https://www.google-analytics.com/e.swf">"#,
    r#"<input type="image" src="https://www.facebook.com/tr?id=1">"#,
    r#"<svg><image href="https://www.facebook.com/tr?id=1"></image></svg>"#,
    r#"<script src="/js/tracker.js?v=2"></script>"#,
    r#"<script>(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;a=s.createElement(o);a.async=1;a.src=g;m=s.getElementsByTagName(o)[0];m.parentNode.insertBefore(a,m)})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');</script>"#,
    r#"<script>(function(w,d,s,l,i){w[l]=w[l]||[];var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-XXXX');</script>"#,
    r#"<script>!function(f,b,e,v,n,t,s){t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','1');</script>"#,
    r#"<script>(function(h,o,t,j,a,r){h._hjSettings={hjid:1,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>"#,
    r#"<script type="module">import('https://www.googletagmanager.com/gtag/js');</script>"#,
    r#"<script data-consent="analytics" src="/js/app-stats.js"></script>"#,
    r#"<script data-consent="analytics">fetch('/js/app-stats.js')</script>"#,
    r#"<img data-consent="analytics" src="/js/app-stats.js?pixel">"#,
    r#"<iframe data-consent="marketing" src="https://video.example/embed/1"></iframe><p>/js/app-stats.js</p>"#,
];

#[tokio::test]
async fn refused_trackers_never_reach_the_browser_and_granted_ones_are_untouched() {
    for &html in TABLE {
        let out = refused(html).await;
        assert_ne!(out, html, "nothing held back in {html}");
        // Held back for a category, or, an SVG script, for good.
        assert!(
            out.contains("data-consent=") || out.contains("data-consent-blocked="),
            "{out}"
        );
        if !html.contains("video.example") {
            assert_eq!(
                active_trackers(&out),
                Vec::<String>::new(),
                "{html}\n→ {out}"
            );
        }
        assert_eq!(granted(html).await, html, "granted must be as written");
    }
}

#[tokio::test]
async fn base64_data_urls_that_load_a_tracker_are_held_back() {
    // `<script src=https://www.googletagmanager.com/gtm.js></script>` and
    // `import('https://www.googletagmanager.com/gtm.js')`, base64.
    let page =
        "PHNjcmlwdCBzcmM9aHR0cHM6Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20vZ3RtLmpzPjwvc2NyaXB0Pg==";
    let script = "aW1wb3J0KCdodHRwczovL3d3dy5nb29nbGV0YWdtYW5hZ2VyLmNvbS9ndG0uanMnKQ==";
    for html in [
        format!(r#"<iframe src="data:text/html;base64,{page}"></iframe>"#),
        format!(r#"<script src="data:text/javascript; BASE64,{script}"></script>"#),
        format!(r#"<object data="data:text/html;base64,{page}"></object>"#),
    ] {
        let out = refused(&html).await;
        assert!(out.contains(r#"data-consent="analytics""#), "{out}");
        assert!(!out.contains(" src=") && !out.contains(" data=\""), "{out}");
        assert_eq!(granted(&html).await, html, "granted must be as written");
    }
    // A base64 image that loads nothing is left alone.
    let image = r#"<img src="data:image/png;base64,iVBORw0KGgo=">"#;
    assert_eq!(refused(image).await, image);
}

#[tokio::test]
async fn the_reference_check_sees_the_table_as_trackers() {
    // The check above would be vacuous if it saw nothing in the inputs themselves.
    for &html in TABLE {
        if html.contains("video.example") || html.contains("data-consent") {
            continue;
        }
        assert!(
            !active_trackers(html).is_empty(),
            "the checker misses {html}"
        );
    }
}

#[tokio::test]
async fn held_back_elements_keep_what_they_need_to_be_restored() {
    assert_eq!(
        refused(r#"<script async type="module" src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#).await,
        r#"<script type="text/plain" data-consent="analytics" async data-consent-type="module" data-consent-src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#,
    );
    assert_eq!(
        refused(r#"<img srcset="https://www.facebook.com/tr?id=1 2x" src="/a.png">"#).await,
        r#"<img data-consent="marketing" data-consent-srcset="https://www.facebook.com/tr?id=1 2x" data-consent-src="/a.png">"#
    );
    let inline = "<script>var u='https://www.google-analytics.com/analytics.js';</script>";
    assert_eq!(
        refused(inline).await,
        r#"<script type="text/plain" data-consent="analytics">var u='https://www.google-analytics.com/analytics.js';</script>"#
    );
    let iframe =
        refused(r#"<iframe src="https://www.googletagmanager.com/ns.html"></iframe>"#).await;
    assert!(
        iframe.starts_with(r#"<iframe data-consent="analytics" data-consent-src="https://www.googletagmanager.com/ns.html"></iframe><div class="tc-placeholder" role="note" data-consent-placeholder="analytics"><p><strong>Analytics</strong>"#),
        "{iframe}"
    );
    assert!(
        iframe.contains(
            r#"<a href="/_consent/settings?return_to=%2Fpage%3Fx%3D1">Cookie settings</a>"#
        ),
        "{iframe}"
    );
}

#[tokio::test]
async fn base_href_resolves_relative_urls() {
    let html =
        r#"<base href="https://www.googletagmanager.com/"><script src="gtag/js?id=G-1"></script>"#;
    assert_eq!(
        refused(html).await,
        r#"<base href="https://www.googletagmanager.com/"><script type="text/plain" data-consent="analytics" data-consent-src="gtag/js?id=G-1"></script>"#
    );
    assert_eq!(granted(html).await, html);
}

#[tokio::test]
async fn other_scripts_and_elements_pass_byte_for_byte() {
    for html in [
        "<!doctype html><p>Hello <b>world</b></p>",
        "<script>console.log('https://example.com/app.js')</script>",
        r#"<script src="/js/app.js"></script><img src="/logo.png" srcset="/logo@2x.png 2x">"#,
        r#"<script type="application/ld+json">{"url":"https://www.google-analytics.com/"}</script>"#,
        r#"<a href="https://www.google-analytics.com/">a link is not a load</a>"#,
        r#"<script data-consent="necessary" src="/js/app.js"></script>"#,
        "<script>let s = '</scr' + 'ipt>'; document.title = 'x < y';</script><p>after</p>",
        "<p>caf\u{e9} \u{1F36A}</p>",
    ] {
        assert_eq!(refused(html).await, html);
    }
}

#[tokio::test]
async fn app_rules_win_over_the_catalog() {
    let layer = layer(
        gate()
            .script_rule("www.googletagmanager.com/gtm.js", Category::Necessary)
            .script_rule("cdn.example.com", Category::Marketing),
    );
    let gtm = r#"<script src="https://www.googletagmanager.com/gtm.js?id=1"></script>"#;
    assert_eq!(serve(&layer, Page::html(gtm)).await.body, gtm);
    let cdn = r#"<script src="https://CDN.example.com/a.js"></script>"#;
    let analytics_only = Page::html(cdn).granting(&[Category::Analytics]);
    assert!(serve(&layer, analytics_only)
        .await
        .body
        .contains(r#"data-consent="marketing""#));
}

#[tokio::test]
async fn annotations_and_auto_blocking_can_be_turned_off() {
    let plain = layer(
        HtmlGate::new()
            .inject_banner(false)
            .annotations(false)
            .auto_block(false),
    );
    for html in [
        r#"<script data-consent="analytics" src="/a.js"></script>"#,
        r#"<script src="https://www.googletagmanager.com/gtag/js"></script>"#,
        r#"<script>var u='https://www.google-analytics.com/analytics.js'</script>"#,
    ] {
        assert_eq!(serve(&plain, Page::html(html)).await.body, html);
    }
}

#[tokio::test]
async fn the_client_side_convention_is_activated_when_granted() {
    let html =
        r#"<script type="text/plain" data-category="analytics" data-src="/js/x.js"></script>"#;
    assert_eq!(
        granted(html).await,
        r#"<script data-category="analytics" src="/js/x.js"></script>"#
    );
    assert_eq!(
        refused(html).await,
        r#"<script type="text/plain" data-category="analytics" data-src="/js/x.js" data-consent="analytics"></script>"#
    );
}

#[tokio::test]
async fn unknown_categories_are_never_granted() {
    let html = r#"<script data-consent="nope" src="/a.js"></script>"#;
    assert!(granted(html).await.contains(r#"type="text/plain""#));
}

#[tokio::test]
async fn an_inline_script_too_long_to_decide_is_held_back_unless_necessary() {
    let layer = layer(gate().inline_script_limit(1024));
    let text = "x=1;".repeat(1000);
    let long = format!("<script>{text}</script><p>after</p>");
    assert_eq!(
        serve(&layer, Page::html(&long)).await.body,
        format!(
            r#"<script type="text/plain" data-consent-blocked="inline-script-limit">{text}</script><p>after</p>"#
        )
    );
    let typed = format!("<script type=module>{text}</script>");
    assert_eq!(
        serve(&layer, Page::html(&typed)).await.body,
        format!(
            r#"<script type="text/plain" data-consent-blocked="inline-script-limit" data-consent-type=module>{text}</script>"#
        )
    );
    let necessary = format!(
        r#"<script data-consent="necessary">{}</script>"#,
        "x=1;".repeat(1000)
    );
    assert_eq!(serve(&layer, Page::html(&necessary)).await.body, necessary);
    let granted = Page::html(&long).granting(&ALL);
    assert_eq!(serve(&layer, granted).await.body, long);
}

#[tokio::test]
async fn a_script_cut_off_by_the_end_of_the_document_is_decided_on_what_came() {
    let html = "<p>a</p><script>var u='https://www.google-analytics.com/analytics.js'";
    assert_eq!(
        refused(html).await,
        r#"<p>a</p><script type="text/plain" data-consent="analytics">var u='https://www.google-analytics.com/analytics.js'"#
    );
    assert_eq!(refused("<script>var a = 1").await, "<script>var a = 1");
}

const TRACKED: &str = r#"<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#;

#[tokio::test]
async fn rewritten_responses_lose_content_length() {
    let served = serve(&layer(gate()), Page::html(TRACKED)).await;
    assert!(!served.headers.contains_key(CONTENT_LENGTH));
    let json = Page {
        headers: vec![(CONTENT_TYPE, "application/json")],
        ..Page::html(TRACKED)
    };
    let served = serve(&layer(gate()), json).await;
    assert_eq!(
        served.headers[CONTENT_LENGTH],
        TRACKED.len().to_string().as_str()
    );
    assert_eq!(served.body, TRACKED);
}

#[tokio::test]
async fn responses_the_gate_must_not_touch_pass_as_they_are() {
    let layer = layer(gate());
    let html = Page::html(TRACKED);
    let cases = [
        Page {
            headers: vec![(CONTENT_TYPE, "text/plain")],
            ..html.clone()
        },
        // Without a `Content-Type` a browser sniffs the page, and the gate reads an
        // encoded page: both are in tests/real_stacks.rs.
        html.clone().header(CONTENT_RANGE, "bytes 0-10/100"),
        html.clone()
            .header(CONTENT_DISPOSITION, "attachment; filename=\"page.html\""),
        Page {
            status: StatusCode::PARTIAL_CONTENT,
            ..html.clone()
        },
        Page {
            status: StatusCode::NOT_MODIFIED,
            ..html.clone()
        },
    ];
    for page in cases {
        let served = serve(&layer, page.clone()).await;
        assert_eq!(served.body, TRACKED, "{:?} {:?}", page.status, page.headers);
    }
    // HEAD answers the headers GET would: the gated page's, without the app's length.
    let head = serve_with(&layer, html.clone(), Method::HEAD).await;
    assert!(
        !head.headers.contains_key(CONTENT_LENGTH),
        "HEAD has the headers of GET"
    );
    let xhtml = Page {
        headers: vec![(CONTENT_TYPE, "TEXT/HTML")],
        ..html
    };
    assert_ne!(
        serve(&layer, xhtml).await.body,
        TRACKED,
        "media types are case-insensitive"
    );
}

const DOCUMENT: &str =
    "<!doctype html><html><head><title>t</title></head><body><h1>Hi</h1></body></html>";

#[tokio::test]
async fn the_banner_goes_into_full_documents_once() {
    let layer = layer(HtmlGate::new());
    let out = serve(&layer, Page::html(DOCUMENT)).await.body;
    let at = out
        .find("data-tc-endpoint=\"/_consent\"")
        .expect("banner injected");
    assert!(at < out.find("</body>").expect("body end"));
    assert_eq!(out.matches("data-tc-endpoint").count(), 1);
    assert!(out.contains("return_to\" value=\"/page?x=1\""), "{out}");
    let served = serve(&layer, Page::html(DOCUMENT)).await;
    let vary: Vec<_> = served.headers.get_all(http::header::VARY).iter().collect();
    assert!(vary.iter().any(|v| *v == "accept-language"), "{vary:?}");
    // A page that renders the banner itself does not get a second one.
    let twice = serve(&layer, Page::html(&out)).await.body;
    assert_eq!(twice.matches("data-tc-endpoint").count(), 1);
}

#[tokio::test]
async fn fragments_and_unfinished_documents_never_get_the_banner() {
    let layer = layer(HtmlGate::new());
    let fragment = Page::html("<li>item</li>");
    assert_eq!(serve(&layer, fragment).await.body, "<li>item</li>");
    // Appended at the end, the banner's markup would finish the dangling tag into a
    // live tracker script.
    let unfinished =
        r#"<html><body><p>x</p><script src="https://www.google-analytics.com/a.js" alt=">"#;
    let out = serve(&layer, Page::html(unfinished)).await.body;
    assert_eq!(out, unfinished);
}

#[tokio::test]
async fn inline_svg_scripts_cannot_be_read_in_order_and_are_held_back_whole() {
    // As inert `<template>`s: their content is markup for a browser whatever
    // namespace it reads them in, as it is for lol_html (`src/html/foreign.rs`).
    let html = "<svg><script>var a = 1;<a>link</a></script></svg>";
    assert_eq!(
        refused(html).await,
        r#"<svg><template data-consent-blocked="svg-inline-script">var a = 1;<a>link</a></template></svg>"#
    );
    assert_eq!(granted(html).await, html);
    // So are MathML ones: markup too, and live HTML should lol_html misread the
    // nesting.
    let math = "<math><script>var a = 1;<mi>x</mi></script></math>";
    assert_eq!(
        refused(math).await,
        r#"<math><template data-consent-blocked="svg-inline-script">var a = 1;<mi>x</mi></template></math>"#
    );
    // What its attributes would load goes aside with it (a fuzz finding: a `style`
    // whose `url()` spells its dots as CSS escapes).
    let styled = r#"<svg><script style="background:url(https://www\2e googletagmanager\2e com/x)" onclick="x()" href="/a.js">y</script></svg>"#;
    assert_eq!(
        refused(styled).await,
        r#"<svg><template data-consent-style="background:url(https://www\2e googletagmanager\2e com/x)" data-consent-onclick="x()" data-consent-href="/a.js" data-consent-blocked="svg-inline-script">y</template></svg>"#
    );
    // A `</p>` in nested SVG ends it for a browser, not for lol_html, which no element
    // shows: the script after it is HTML text for a browser, ended by the `</script>`
    // lol_html reads inside a quote. As a `<template>` it is markup for both.
    let end_tag =
        r#"<svg><svg></p><script a><script b="</script><script>//www.doubleclick.net/x</script>"#;
    assert_eq!(
        refused(end_tag).await,
        r#"<svg><svg></p><template a data-consent-blocked="svg-inline-script"><script b="</script><script>//www.doubleclick.net/x</script>"#
    );
}

#[tokio::test]
async fn an_element_that_ends_nested_svg_content_ends_it_for_the_gate_too() {
    // `<img>` ends SVG content for a browser however deep it is nested; lol_html 3.0.3
    // leaves one level only and reads the `<script>` that follows as SVG markup, where
    // a browser reads HTML text: the quote that lol_html sees open hides the second
    // script, which a browser runs (the html_gate fuzz finding of this round). As a
    // `<template>`, its content is markup for a browser too: the quote hides the rest
    // for both.
    let tail = r#"<script a><script b="</script><script>//www.doubleclick.net/x</script>"#;
    for nested in [
        "<svg><svg><img>",
        "<math><svg><p>",
        "<svg><math><font size=2>",
    ] {
        let html = format!("{nested}{tail}");
        assert_eq!(
            refused(&html).await,
            format!(
                r#"{nested}<template a data-consent-blocked="svg-inline-script"><script b="</script><script>//www.doubleclick.net/x</script>"#
            ),
            "{nested}"
        );
        assert_eq!(granted(&html).await, html);
    }
    // Once, an SVG `<style>` later in the page is made inert too: for a browser it may
    // be HTML text that ends where lol_html sees an attribute's value.
    let style =
        r#"<svg><svg><b></b><style><i title="</style><img src=https://www.doubleclick.net/x>">"#;
    let out = refused(style).await;
    assert!(
        out.contains(r#"<template data-consent-blocked="foreign-misread"><i title="#),
        "{out}"
    );
    // An element that ends one level, as lol_html reads it too, changes nothing.
    let single = format!("<svg><img>{tail}");
    assert!(!refused(&single).await.contains("foreign-misread"));
    let integration = format!("<svg><foreignObject><img>{tail}");
    assert!(!refused(&integration).await.contains("foreign-misread"));
}

#[tokio::test]
async fn no_placeholder_ends_svg_content_early() {
    // A `<div>` placeholder after the (inert) SVG iframe would end the SVG for a
    // browser, which would then read the CDATA section as a comment and run the
    // script lol_html saw as CDATA text.
    let html = concat!(
        r#"<svg><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe>"#,
        r#"<![CDATA[<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#,
    );
    let out = refused(html).await;
    assert!(!out.contains("tc-placeholder"), "{out}");
    assert!(out.contains(r#"data-consent-src="https://www.googletagmanager.com/ns.html"#));
}

#[tokio::test]
async fn cdata_in_svg_hides_no_markup_from_the_gate() {
    // lol_html leaves nested SVG one level at a time; a browser leaves it whole at
    // `<img>` (or `</p>`) and reads the CDATA section as a comment that ends at its
    // first `>`: the script after it would run.
    for html in [
        r#"<svg><svg><img src="/x.png"><![CDATA[<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>]]></svg></svg>"#,
        r#"<svg><svg></p><![CDATA[<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>]]></svg></svg>"#,
    ] {
        let out = refused(html).await;
        assert!(active_trackers(&out).is_empty(), "{out}");
        assert!(out.contains("<![CDATA[&lt;script"), "{out}");
        // With everything granted nothing is held back, and nothing needs defusing.
        assert_eq!(granted(html).await, html);
    }
    // CDATA without `<` is left as written.
    let css = "<svg><style><![CDATA[ .a > .b { fill: red } ]]></style></svg>";
    assert_eq!(granted(css).await, css);
}

#[tokio::test]
async fn a_value_that_begins_like_a_byte_order_mark_is_read_as_a_browser_reads_it() {
    // lol_html decodes a value that begins with the bytes FE FF as UTF-16; a browser
    // reads two replacement characters and then the markup of the `srcdoc`.
    let layer = layer(gate());
    let mut page = b"<iframe srcdoc=\"\xFE\xFF<script src=https://static.hotjar.com/c/x.js></script>\"></iframe>".to_vec();
    page.extend_from_slice(b"<p>after</p>");
    let whole = stream(&layer, "text/html", chunked(vec![page.clone()]))
        .await
        .expect("rewritten");
    let out = String::from_utf8_lossy(&whole);
    assert!(
        out.starts_with("<iframe data-consent=\"analytics\" data-consent-srcdoc="),
        "{out}"
    );
    for cut in 0..=page.len() {
        let halves = vec![page[..cut].to_vec(), page[cut..].to_vec()];
        let split = stream(&layer, "text/html", chunked(halves)).await;
        assert_eq!(split.as_ref(), Ok(&whole), "cut at {cut}");
    }
}

#[tokio::test]
async fn a_script_whose_end_tag_the_document_leaves_unfinished_is_decided_on_its_text() {
    let layer = layer(gate());
    let open = "<p>a</p><script>gtag('js')";
    let out = stream(&layer, "text/html", chunked(vec![open.into()])).await;
    assert_eq!(out, Ok(open.as_bytes().to_vec()));
    let unfinished = r#"<script>x</script title="a"#;
    let out = stream(&layer, "text/html", chunked(vec![unfinished.into()])).await;
    assert_eq!(out, Ok(unfinished.as_bytes().to_vec()));
    let tracker = r#"<script>fbq('init')//connect.facebook.net/en_US/fbevents.js</script title="a"#;
    let out = stream(&layer, "text/html", chunked(vec![tracker.into()])).await;
    let out = String::from_utf8(out.expect("rewritten")).expect("UTF-8");
    assert!(
        out.starts_with(r#"<script type="text/plain" data-consent="marketing">fbq"#),
        "{out}"
    );
    assert!(active_trackers(&out).is_empty(), "{out}");
}

#[tokio::test]
async fn an_element_lol_html_would_read_as_markup_becomes_an_inert_template() {
    // After a start tag ending in `=` lol_html reads markup where a browser reads the
    // element's text: a comment to lol_html hid a live image from the gate.
    let layer = layer(gate());
    let pages = [
        r#"<style a=><!--</style><img src="https://www.facebook.com/tr?id=1">--><p>after</p>"#,
        r#"<script nonce=><!--</script><img src="https://www.facebook.com/tr?id=1">--><p>after</p>"#,
        r#"<script a= ><p>x</p><script>gtag('js')</script><p>after</p>"#,
        r#"<title a=
><a title="</title><script src=https://static.hotjar.com/c/hotjar-1.js></script>">x</a>"#,
        r#"<iframe a=><!--</iframe><iframe src="https://www.googletagmanager.com/ns.html"></iframe>-->"#,
        r#"<textarea a=>"#,
        "<textarea a=\t><!--</textarea><img src=\"https://www.facebook.com/tr?id=1\">-->",
        r#"<xmp a=><!--</xmp><img src="https://www.facebook.com/tr?id=1">-->"#,
        r#"<noscript a=><!--</noscript><img src="https://www.facebook.com/tr?id=1">-->"#,
        r#"<svg><foreignObject><style a=><!--</style><img src="https://www.facebook.com/tr?id=1">--></foreignObject></svg><p>after</p>"#,
    ];
    for page in pages {
        let whole = stream(&layer, "text/html", chunked(vec![page.into()]))
            .await
            .expect("rewritten");
        let out = String::from_utf8(whole.clone()).expect("UTF-8");
        assert!(
            out.contains(r#"<template "#) && out.contains(r#"data-consent-blocked="misread-tag""#),
            "{out}"
        );
        assert!(active_trackers(&out).is_empty(), "{out}");
        for cut in 0..=page.len() {
            let halves = vec![page[..cut].into(), page[cut..].into()];
            let split = stream(&layer, "text/html", chunked(halves)).await;
            assert_eq!(split.as_ref(), Ok(&whole), "cut at {cut}");
        }
        // Nothing is held back for a visitor who granted everything: left as written.
        let granted = serve(&layer, Page::html(page).granting(&ALL)).await.body;
        assert_eq!(granted, page);
    }
    // lol_html reads the content of every such element as markup, so the gate sees
    // what a browser reads in the template.
    for name in [
        "script", "style", "iframe", "title", "textarea", "xmp", "noembed", "noframes", "noscript",
    ] {
        let page = format!(
            r#"<p>a</p><{name} a=><img src="https://www.facebook.com/tr?id=1"></{name}><p>b</p>"#
        );
        let out = serve(&layer, Page::html(&page)).await.body;
        assert_eq!(
            out,
            format!(
                r#"<p>a</p><template a data-consent-blocked="misread-tag"><img data-consent="marketing" data-consent-src="https://www.facebook.com/tr?id=1"></template><p>b</p>"#
            ),
            "<{name}>"
        );
    }
    // Spellings lol_html reads as browsers do are left as written, their text as text.
    for page in [
        r#"<style a="x"=><img src="https://www.facebook.com/tr?id=1"></style>"#,
        r#"<textarea a=b=><img src="https://www.facebook.com/tr?id=1"></textarea>"#,
        r#"<title a=/><img src="https://www.facebook.com/tr?id=1"></title>"#,
        r#"<iframe a= b><img src="https://www.facebook.com/tr?id=1"></iframe>"#,
        r#"<script a=b=>var x = 1</script>"#,
    ] {
        let out = serve(&layer, Page::html(page)).await.body;
        assert_eq!(out, page);
    }
    // A `<noscript>`'s content is markup for a browser without JavaScript: read as such
    // (`tests/html_loaders.rs`).
    let noscript = r#"<noscript a><img src="https://www.facebook.com/tr?id=1"></noscript>"#;
    assert_eq!(
        serve(&layer, Page::html(noscript)).await.body,
        r#"<noscript a><img data-consent="marketing" data-consent-src="https://www.facebook.com/tr?id=1"></noscript>"#
    );
    // In SVG a script's content is markup for both: no misreading, the script is held
    // back whole as SVG scripts are.
    let svg = serve(&layer, Page::html(r#"<svg><script a=>x</script></svg>"#)).await;
    assert_eq!(
        svg.body,
        r#"<svg><template a data-consent-blocked="svg-inline-script">x</template></svg>"#
    );
}

#[tokio::test]
async fn consent_mode_defaults_come_first_in_head() {
    let layer = layer(gate().google_consent_mode(ConsentModeMapping::new()));
    let out = serve(&layer, Page::html(DOCUMENT)).await.body;
    assert!(
        out.starts_with("<!doctype html><html><head><script data-tc-consent-mode="),
        "{out}"
    );
    assert!(out.contains("gtag('consent','default',{'ad_storage':'denied','ad_user_data':'denied','ad_personalization':'denied','analytics_storage':'denied','functionality_storage':'denied','personalization_storage':'denied','security_storage':'granted','wait_for_update':500});</script><title>"), "{out}");
    let analytics = Page::html(DOCUMENT).granting(&[Category::Analytics]);
    let out = serve(&layer, analytics).await.body;
    assert!(out.contains("'analytics_storage':'granted'"));
    assert!(out.contains("'ad_storage':'denied'"));
    assert!(!out.contains("wait_for_update"));
    // Without a <head> tag, still before the body's scripts.
    let headless = serve(
        &layer,
        Page::html("<html><body><script>gtag()</script></body></html>"),
    )
    .await
    .body;
    assert!(headless.find("gtag('consent'") < headless.find("<script>gtag()"));
}

#[tokio::test]
async fn consent_mode_follows_the_content_security_policy() {
    let layer = layer(gate().google_consent_mode(ConsentModeMapping::new()));
    let nonce = Page::html(DOCUMENT).header(
        CONTENT_SECURITY_POLICY,
        "script-src 'self' 'nonce-r4nd0m=='",
    );
    assert!(serve(&layer, nonce)
        .await
        .body
        .contains("<head><script nonce=\"r4nd0m==\" data-tc-consent-mode="));
    let strict = Page::html(DOCUMENT).header(CONTENT_SECURITY_POLICY, "default-src 'self'");
    assert!(!serve(&layer, strict).await.body.contains("gtag('consent'"));
}

type Chunks = http_body_util::StreamBody<
    futures::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>,
>;

fn chunked(chunks: Vec<Vec<u8>>) -> Chunks {
    let frames: Vec<Result<Frame<Bytes>, Infallible>> = chunks
        .into_iter()
        .map(|c| Ok(Frame::data(Bytes::from(c))))
        .collect();
    http_body_util::StreamBody::new(futures::stream::iter(frames))
}

/// Serves `body` as `content_type`; returns the collected body or its error.
async fn stream<B>(
    layer: &ConsentLayer,
    content_type: &'static str,
    body: B,
) -> Result<Vec<u8>, String>
where
    B: http_body::Body<Data = Bytes, Error = Infallible> + Send + 'static,
{
    let body = std::sync::Mutex::new(Some(body));
    let service = layer.layer(service_fn(move |_: Request<String>| {
        let body = body.lock().expect("lock").take().expect("one request");
        async move {
            let mut response = Response::new(body);
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            Ok::<_, Infallible>(response)
        }
    }));
    let response = service
        .oneshot(Request::new(String::new()))
        .await
        .expect("infallible");
    match response.into_body().collect().await {
        Ok(collected) => Ok(common::without_tokens(&collected.to_bytes())),
        Err(error) => Err(error.to_string()),
    }
}

#[tokio::test]
async fn past_the_memory_limit_the_body_ends_with_an_error() {
    let layer = layer(gate().memory_limit(64 * 1024));
    // One start tag of 1 MiB in 1 KiB chunks: the parser must buffer it all.
    let mut chunks = vec![b"<p>before</p><img alt=\"".to_vec()];
    chunks.extend(std::iter::repeat_n(vec![b'a'; 1024], 1024));
    chunks.push(b"\" src=\"https://www.facebook.com/tr?id=1\">".to_vec());
    let error = stream(&layer, "text/html", chunked(chunks))
        .await
        .expect_err("must fail");
    assert!(error.contains("HTML gate"), "{error}");
}

#[tokio::test]
async fn a_charset_the_parser_cannot_read_is_transcoded_and_read() {
    let layer = layer(gate());
    let utf16: Vec<u8> = TRACKED.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let out = stream(&layer, "text/html; charset=utf-16le", chunked(vec![utf16]))
        .await
        .expect("transcoded");
    let out = String::from_utf8(out).expect("served in UTF-8");
    assert!(out.starts_with("<script type=\"text/plain\""), "{out}");
    // Legacy single-byte charsets are read and written back in their own bytes.
    let latin =
        b"<p>caf\xe9</p><script src=\"https://www.google-analytics.com/analytics.js\"></script>"
            .to_vec();
    let out = stream(
        &layer,
        "text/html; charset=windows-1252",
        chunked(vec![latin]),
    )
    .await
    .expect("rewritten");
    assert!(
        out.starts_with(b"<p>caf\xe9</p><script type=\"text/plain\""),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

/// Pieces that change how what follows parses.
const TRICKY: &[&str] = &[
    "<p>text</p>",
    "<!-- c -->",
    "<!--",
    "-->",
    "</script>",
    "<script>",
    "<svg>",
    "</svg>",
    "<math>",
    "<template>",
    "</template>",
    "<textarea>",
    "</textarea>",
    "<style>",
    "</style>",
    "<noscript>",
    "</noscript>",
    "<title>",
    "</title>",
    "<base href=\"https://www.googletagmanager.com/\">",
    "<script src=\"gtag/js\"></script>",
    "<table><tr><td>",
    "<![CDATA[",
    "]]>",
    "<body>",
    "</body>",
    "\"'>",
    "é\u{1F36A}",
];

fn document() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        3 => proptest::sample::select(TABLE),
        2 => proptest::sample::select(TRICKY),
    ];
    proptest::collection::vec(piece, 1..14).prop_map(|pieces| pieces.concat())
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    #[test]
    fn any_split_into_chunks_gives_the_same_output(
        html in document(),
        cuts in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..8),
    ) {
        let layer = layer(HtmlGate::new().script_rule("/js/tracker.js", Category::Analytics));
        let bytes = html.as_bytes();
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        points.sort_unstable();
        points.dedup();
        let mut chunks = Vec::new();
        let mut start = 0;
        for point in points {
            chunks.push(bytes[start..point].to_vec());
            start = point;
        }
        chunks.push(bytes[start..].to_vec());
        let whole = run(stream(&layer, "text/html", chunked(vec![bytes.to_vec()])));
        let split = run(stream(&layer, "text/html", chunked(chunks)));
        proptest::prop_assert_eq!(whole, split);
    }

    #[test]
    fn no_tracker_survives_refusal_in_generated_documents(html in document()) {
        let layer = layer(gate());
        // An error (markup the parser cannot decide) sends nothing unchecked.
        if let Ok(out) = run(stream(&layer, "text/html", chunked(vec![html.clone().into_bytes()]))) {
            let out = String::from_utf8_lossy(&out);
            let active = active_trackers(&out);
            proptest::prop_assert!(active.is_empty(), "{:?}\n{}\n→ {}", active, html, out);
        }
    }
}

#[tokio::test]
async fn inline_scripts_read_the_same_however_the_page_is_cut() {
    // Where a script's end follows its start tag in the same chunk, the gate sees
    // that it is empty or not without waiting for the end tag; elsewhere it waits.
    // Both ways must write the same page.
    let layer = layer(gate());
    for html in [
        "<p>a</p><script></script><p>b</p>",
        r#"<script async id="x"></SCRIPT ><script type="module"></script/>"#,
        "<script></scripts>'//connect.facebook.net/en_US/fbevents.js'</script>",
        "<script>\n</script><script><</script><script></script",
        "<script>!function(){var s='https://connect.facebook.net/en_US/fbevents.js'}()</script>",
        "<script></script>",
        "<script>",
    ] {
        let bytes = html.as_bytes();
        let whole = stream(&layer, "text/html", chunked(vec![bytes.to_vec()])).await;
        for cut in 0..=bytes.len() {
            let halves = vec![bytes[..cut].to_vec(), bytes[cut..].to_vec()];
            let split = stream(&layer, "text/html", chunked(halves)).await;
            assert_eq!(whole, split, "{html:?} cut at {cut}");
        }
        let bytewise = bytes.iter().map(|&b| vec![b]).collect();
        assert_eq!(
            whole,
            stream(&layer, "text/html", chunked(bytewise)).await,
            "{html:?}"
        );
    }
}

#[tokio::test]
async fn sources_of_a_held_back_media_element_are_held_back_too() {
    let html = r#"<video data-consent="marketing" controls><source src="/v.mp4"><track src="/v.vtt"></video><img src="/after.png">"#;
    assert_eq!(
        refused(html).await,
        r#"<video data-consent="marketing" controls><source data-consent="marketing" data-consent-src="/v.mp4"><track data-consent="marketing" data-consent-src="/v.vtt"></video><img src="/after.png">"#
    );
    let picture = r#"<picture data-consent="analytics"><source srcset="/a.webp"><img src="/a.jpg"></picture>"#;
    let out = refused(picture).await;
    assert!(
        out.contains(r#"<img data-consent="analytics" data-consent-src="/a.jpg">"#),
        "{out}"
    );
    assert_eq!(granted(html).await, html);
}

#[tokio::test]
async fn an_embedded_document_is_read_as_deep_as_a_browser_decodes_it() {
    // A `srcdoc` is a document: its own attributes decode character references once
    // more (and a nested `srcdoc` once more again), and a URL parser decodes a host's
    // percent escapes and reads ideographic full stops as dots.
    for html in [
        r#"<iframe srcdoc="<script src=//www&amp;#46;google-analytics&amp;#46;com/analytics.js></script>"></iframe>"#,
        r#"<iframe srcdoc="<img src=//www&amp;period;facebook&amp;period;com/tr>"></iframe>"#,
        r#"<iframe srcdoc="<iframe srcdoc='<script src=//www&amp;amp;#46;google-analytics&amp;amp;#46;com/a.js></script>'></iframe>"></iframe>"#,
        r#"<iframe srcdoc="<script src=//www.google-analytics%2Ecom/analytics.js></script>"></iframe>"#,
        "<iframe srcdoc=\"<script src=//www.google-analytics\u{3002}com/analytics.js></script>\"></iframe>",
        r#"<iframe src="data:text/html,<script src=//www&amp;#46;google-analytics&amp;#46;com/a.js></script>"></iframe>"#,
    ] {
        let out = refused(html).await;
        assert!(
            out.starts_with(r#"<iframe data-consent="analytics" data-consent-src"#)
                || out.starts_with(r#"<iframe data-consent="marketing" data-consent-src"#),
            "{html}\n→ {out}"
        );
    }
    // Nested deeper than the gate reads: held back for good.
    let mut srcdoc = String::from("<script src=//www&#46;google-analytics&#46;com/a.js></script>");
    for _ in 0..6 {
        srcdoc = format!(
            "<iframe srcdoc='{}'></iframe>",
            srcdoc.replace('&', "&amp;")
        );
    }
    let html = format!(
        r#"<iframe srcdoc="{}"></iframe>"#,
        srcdoc.replace('&', "&amp;")
    );
    let out = refused(&html).await;
    assert!(
        out.starts_with(r#"<iframe data-consent-blocked="nested-too-deep" data-consent-srcdoc"#),
        "{out}"
    );
    assert_eq!(granted(&html).await, html);
}

#[tokio::test]
async fn a_url_that_names_a_necessary_rule_does_not_exempt_another_of_the_element() {
    let layer = layer(gate().script_rule("/js/ok.js", Category::Necessary));
    for html in [
        r#"<iframe src="/js/ok.js" srcdoc="<script src=//www.google-analytics.com/analytics.js></script>"></iframe>"#,
        r#"<img srcset="/js/ok.js 1x, https://www.facebook.com/tr?id=1 2x">"#,
        r#"<iframe srcdoc="<script src=/js/ok.js></script><script src=//www.google-analytics.com/analytics.js></script>"></iframe>"#,
        "<script>load('/js/ok.js'); load('https://www.google-analytics.com/analytics.js')</script>",
    ] {
        let out = serve(&layer, Page::html(html)).await.body;
        assert!(out.contains("data-consent=\""), "{html}\n→ {out}");
    }
    // The necessary URL alone is left as written.
    for html in [
        r#"<iframe src="/js/ok.js" srcdoc="<p>hello</p>"></iframe>"#,
        "<script>load('/js/ok.js')</script>",
    ] {
        assert_eq!(serve(&layer, Page::html(html)).await.body, html);
    }
}

/// A page whose elements repeat, and the same page with each repetition written apart
/// (` data-n="…"` in each start tag, a fragment `#…` after each URL, a comment in each
/// script: none of them changes what anything loads). Neighbours of the same length
/// find different things, so that a repetition mistaken for another shows.
fn repeating_page(apart: bool) -> String {
    let mut page = String::from("<!doctype html><html><head><title>t</title></head><body>");
    for round in 0..12 {
        let parts = [
            r#"<img src="https://www.facebook.com/tr?id=1&amp;ev=ViewContent{u}" width="1""#,
            r#"<img src="https://www.facebook.com/xx?id=1&amp;ev=ViewContent{u}" width="1""#,
            r#"<iframe src="https://www.youtube-nocookie.com/embed/x{u}" title="Video""#,
            "<picture",
            r#"<source srcset="/img/a.webp" type="image/webp""#,
            r#"<img src="/img/a.jpg{u}" alt="A picture" width="640" height="360""#,
            r#"<img src="https://cdn.example-cdn.com/a.gif{u}""#,
            r#"<img src="https://www.doubleclick.net/a.gif{u}""#,
            r#"<iframe src="https://player.vimeo.com/video/1{u}" width="640" height="360" class="v""#,
            r#"<script src="/js/tracker.js{u}""#,
            r#"<img src="/js/tracker.js?v=2{u}""#,
            // Held back alike but for their placeholders' sizes, and for a category
            // the page names.
            r#"<iframe src="https://www.youtube-nocookie.com/embed/x{u}" width="320" height="180""#,
            r#"<iframe src="https://www.youtube-nocookie.com/embed/x{u}" width="640" height="360""#,
            r#"<img src="https://www.facebook.com/tr?id=1{u}" data-consent="analytics""#,
            r#"<img src="https://www.facebook.com/tr?id=1{u}" data-consent="marketing""#,
        ];
        for (k, part) in parts.iter().enumerate() {
            let fragment = match apart {
                true => format!("#{round}-{k}"),
                false => String::new(),
            };
            page.push_str(&part.replace("{u}", &fragment));
            if apart {
                page.push_str(&format!(" data-n=\"{round}-{k}\""));
            }
            page.push('>');
            match *part {
                p if p.starts_with("<iframe") => page.push_str("</iframe>"),
                p if p.starts_with("<script") => page.push_str("</script>"),
                _ => {}
            }
        }
        page.push_str("</picture>");
        // More distinct values than are kept: the oldest are read again.
        page.push_str(&format!("<img src=\"/img/{}.png\">", round % 10));
        for (k, script) in [
            "var s=document.createElement('script');s.src='https://connect.facebook.net/a.js';",
            "var s=document.createElement('script');s.src='https://connect.facebook.org/a.js';",
            "document.querySelectorAll('.x').forEach(function(e){e.hidden=false;});",
            "gtag('config','G-1');var u='https://www.googletagmanager.com/gtag/js?id=G-1';",
        ]
        .iter()
        .enumerate()
        {
            page.push_str("<script>");
            page.push_str(script);
            if apart {
                page.push_str(&format!("/*{round}-{k}*/"));
            }
            page.push_str("</script>");
        }
        page.push_str("<p>text</p>\n");
    }
    page.push_str("</body></html>");
    page
}

/// `served` without what [`repeating_page`] wrote to set repetitions apart.
fn without_apart_marks(served: &str) -> String {
    let mut out = String::with_capacity(served.len());
    let mut rest = served;
    while !rest.is_empty() {
        // The mark's start, what ends it, and whether that end is part of it.
        let mark = [
            (" data-n=\"", '"', true),
            ("/*", '*', true),
            ("#", '"', false),
        ]
        .into_iter()
        .find_map(|(start, end, with_end)| {
            let tail = rest.strip_prefix(start)?;
            let close = tail.find(end)?;
            let inner = &tail[..close];
            let ok = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '-');
            let len = start.len() + close + usize::from(with_end);
            // A comment ends with `*/`.
            let len = if start == "/*" { len + 1 } else { len };
            ok.then_some(len)
        });
        match mark {
            Some(len) => rest = &rest[len..],
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// What the gate read of a URL, a start tag or an inline script it met before in the
/// same response is what it reads again: a page that repeats them is rewritten as the
/// same page with each repetition written apart (with and without a `<base>`, which
/// changes where relative URLs resolve).
#[tokio::test]
async fn repeated_urls_tags_and_scripts_are_read_as_distinct_ones_are() {
    for base in ["", "<base href=\"https://cdn.example.net/\">"] {
        let page =
            |apart: bool| repeating_page(apart).replacen("<title>", &format!("{base}<title>"), 1);
        for granted_now in [&[][..], &[Category::Analytics][..]] {
            let serve_page = |apart: bool| {
                let page = Page::html(&page(apart)).granting(granted_now);
                async move { serve(&layer(gate()), page).await.body }
            };
            let repeated = serve_page(false).await;
            let apart = without_apart_marks(&serve_page(true).await);
            assert_eq!(repeated, apart, "base {base:?}, granted {granted_now:?}");
            // Each repetition was read: the pixel held back, its neighbour of the same
            // length not; the same for the scripts.
            let count = |text: &str| repeated.matches(text).count();
            assert_eq!(count("data-consent-src=\"https://www.facebook.com/tr"), 36);
            assert_eq!(count("<img src=\"https://www.facebook.com/xx"), 12);
            assert_eq!(count("data-consent-src=\"https://www.doubleclick.net/"), 12);
            assert_eq!(count("<img src=\"https://cdn.example-cdn.com/"), 12);
            assert_eq!(count("data-consent=\"marketing\">var s="), 12);
            assert_eq!(count("<script>var s="), 12);
            assert_eq!(count("data-tc-embed-load"), 48);
        }
    }
}
