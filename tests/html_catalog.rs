//! The HTML gate's default configuration against the resource catalog compiled from
//! `data/resources.tsv` (issue 24): a layer built without any `html_gate` call gates
//! its pages; what a site needs (`data/never-block-resources.tsv`) is served as written;
//! hosts that serve both are held back only by the paths that track; `<a ping>` and
//! `<area ping>` lose a refused tracker's URLs.
#![cfg(feature = "html")]

use std::convert::Infallible;

use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{known_tracker_resources, Choice, ConsentLayer, HtmlGate};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

/// The crate's list of resources a site needs: host, path prefix, kind, what.
const NEVER_BLOCK: &str = include_str!("../data/never-block-resources.tsv");

/// The demo's page source, whose gtag tag a default layer must hold back.
const DEMO: &str = include_str!("../examples/demo.rs");

/// A layer as a new user builds it: no `html_gate` call.
fn default_layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .known_trackers()
        .build()
        .expect("valid configuration")
}

/// `body` served as `text/html` through `layer`, for a visitor who has not decided
/// (or, with `choice`, whose request records it); the body as the browser gets it.
async fn serve(layer: &ConsentLayer, body: String, choice: Option<Choice>) -> String {
    let service = layer.layer(service_fn(move |_: Request<String>| {
        let body = body.clone();
        let choice = choice.clone();
        async move {
            let mut response = Response::new(body);
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            if let Some(choice) = choice {
                response.extensions_mut().insert(choice);
            }
            Ok::<_, Infallible>(response)
        }
    }));
    let request = Request::builder()
        .uri("https://shop.example/")
        .header("host", "shop.example")
        .header("sec-fetch-site", "same-origin")
        .body(String::new())
        .expect("a request");
    let response = service.oneshot(request).await.expect("infallible");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The rows of the never-block list: (host, path, kind, what).
fn never_block() -> Vec<[&'static str; 4]> {
    NEVER_BLOCK
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            fields
                .try_into()
                .unwrap_or_else(|_| panic!("4 TAB-separated fields: {line:?}"))
        })
        .collect()
}

/// The URLs a never-block row stands for: its host and a subdomain (a row without a
/// path covers both; one with a path names the exact host its vendor documents), at
/// its path.
fn urls_of(host: &str, path: &str) -> Vec<String> {
    match path {
        "" => vec![
            format!("https://{host}/"),
            format!("https://{host}/v3/sdk.js?key=1"),
            format!("//cdn.{host}/lib/app.min.js"),
        ],
        path => vec![
            format!("https://{host}{path}"),
            format!("https://{host}{path}api.js?render=explicit"),
        ],
    }
}

/// A fragment (no banner goes into one) loading `url` as a script, a frame and an
/// image.
fn fragment(url: &str) -> String {
    format!(
        "<script src=\"{url}\"></script><iframe src=\"{url}\" title=\"x\"></iframe>\
         <img src=\"{url}\" alt=\"\">\n"
    )
}

#[tokio::test]
async fn a_layer_built_without_an_html_gate_call_holds_back_the_demos_gtag_tag() {
    let tag = DEMO
        .lines()
        .find(|line| line.contains("googletagmanager.com/gtag/js"))
        .expect("the demo loads gtag.js")
        .trim();
    let page = format!(
        "<!doctype html><html><head><title>Demo</title>{tag}</head><body><h1>Hi</h1></body></html>"
    );
    let layer = default_layer();
    let out = serve(&layer, page.clone(), None).await;
    assert!(!out.contains(tag), "{out}");
    assert!(
        out.contains("data-consent-src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO\""),
        "{out}"
    );
    assert!(out.contains("type=\"text/plain\""), "{out}");
    assert!(out.contains("data-consent=\"analytics\""), "{out}");
    // And the banner is injected into the full page.
    assert!(out.contains("data-tc-endpoint"), "{out}");

    // Granted, the tag is served as written.
    let granted = serve(&layer, page.clone(), Some(Choice::accept_all())).await;
    assert!(granted.contains(tag), "{granted}");

    // Turned off explicitly, the page passes as written, banner and all.
    let off = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .known_trackers()
        .without_html_gate()
        .build()
        .expect("valid configuration");
    assert_eq!(serve(&off, page.clone(), None).await, page);

    // Configured the way it was before the gate was on by default, it still works.
    let configured = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .without_html_gate()
        .html_gate(HtmlGate::new().inject_banner(false))
        .build()
        .expect("valid configuration");
    let out = serve(&configured, page, None).await;
    assert!(!out.contains(tag), "{out}");
    assert!(!out.contains("data-tc-endpoint"), "{out}");
}

#[tokio::test]
async fn every_resource_a_site_needs_is_served_as_written() {
    let layer = default_layer();
    let rows = never_block();
    assert!(rows.len() > 100, "the list has {} rows", rows.len());
    let mut held = Vec::new();
    for [host, path, kind, what] in &rows {
        for url in urls_of(host, path) {
            let page = fragment(&url);
            let out = serve(&layer, page.clone(), None).await;
            if out != page {
                held.push(format!("{kind} {what}: {url}\n  -> {out}"));
            }
        }
    }
    assert!(held.is_empty(), "held back:\n{}", held.join("\n"));
}

#[tokio::test]
async fn the_check_above_can_fail_a_tracker_is_held_back_in_the_same_fragment() {
    let layer = default_layer();
    for url in [
        "https://www.googletagmanager.com/gtag/js?id=G-1",
        "https://connect.facebook.net/en_US/fbevents.js",
        // From third-party-web's long tail, not in the former hand list.
        "https://cdn.33across.com/x.js",
        "https://static.ads-twitter.com/uwt.js",
    ] {
        let page = fragment(url);
        let out = serve(&layer, page.clone(), None).await;
        assert_ne!(out, page, "{url}");
        assert!(!out.contains(&format!(" src=\"{url}\"")), "{out}");
        assert_eq!(out.matches("data-consent-src=").count(), 3, "{out}");
    }
}

/// Hosts that serve both what sites need and trackers.
const SHARED: [&str; 7] = [
    "google.com",
    "facebook.com",
    "cloudflare.com",
    "x.com",
    "twitter.com",
    "linkedin.com",
    "gstatic.com",
];

#[test]
fn shared_hosts_are_in_the_catalog_only_by_their_tracking_paths_or_subdomains() {
    for shared in SHARED {
        for entry in known_tracker_resources() {
            let whole = entry.host == shared || entry.host == format!("www.{shared}");
            assert!(
                !whole || !entry.path.is_empty(),
                "{shared} is matched whole: {entry:?}"
            );
        }
    }
    // And a catalog this size is what was compiled in, not a hand list.
    assert!(known_tracker_resources().len() > 1_500);
}

#[tokio::test]
async fn shared_hosts_pass_but_their_tracking_paths_are_held_back() {
    let layer = default_layer();
    let mut passing: Vec<String> = SHARED
        .iter()
        .flat_map(|host| {
            [
                format!("https://{host}/"),
                format!("https://www.{host}/"),
                format!("https://www.{host}/some/page.js?x=1"),
                format!("https://{host}/trace.js"),
            ]
        })
        .collect();
    passing.extend(
        [
            "https://accounts.google.com/gsi/client",
            "https://www.google.com/recaptcha/api.js",
            "https://www.gstatic.com/recaptcha/releases/x/recaptcha__en.js",
            "https://www.gstatic.com/firebasejs/10.12.0/firebase-app.js",
            "https://challenges.cloudflare.com/turnstile/v0/api.js",
            "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js",
            "https://www.facebook.com/login.php",
            "https://www.linkedin.com/oauth/v2/authorization?client_id=1",
            "https://x.com/i/oauth2/authorize",
            "https://api.twitter.com/oauth/authenticate",
            // A path beginning like a tracking one, without its boundary.
            "https://www.facebook.com/track",
        ]
        .map(str::to_owned),
    );
    for url in &passing {
        let page = fragment(url);
        assert_eq!(serve(&layer, page.clone(), None).await, page, "{url}");
    }
    for url in [
        "https://www.facebook.com/tr?id=1&ev=PageView",
        "https://www.facebook.com/tr/",
        "https://www.google.com/pagead/1p-conversion/123/?label=x",
        "https://www.google.com/ads/ga-audiences?v=1",
        "https://adservice.google.com/ddm/fls/z",
        "https://analytics.twitter.com/i/adsct?p_id=1",
        "https://px.ads.linkedin.com/collect?pid=1",
    ] {
        let page = fragment(url);
        let out = serve(&layer, page.clone(), None).await;
        assert_eq!(out.matches("data-consent-src=").count(), 3, "{url}: {out}");
    }
}

#[tokio::test]
async fn a_ping_naming_a_refused_tracker_loses_the_attribute_while_refused() {
    let layer = default_layer();
    let refused = [
        (
            "<a href=\"/next\" ping=\"https://www.google-analytics.com/collect\">Next</a>",
            "analytics",
        ),
        // Any URL of the list, whatever the whitespace between them.
        (
            "<a href=\"/next\" ping=\"/local/ping \t\n https://www.facebook.com/tr?id=1\">Next</a>",
            "marketing",
        ),
        // Character references decoded, relative to the page, any case.
        (
            "<AREA shape=rect coords=0,0,1,1 href=/x PING='//www&#46;google-analytics.com/g/collect'>",
            "analytics",
        ),
        (
            "<a ping=\"https://cdn.33across.com/p\" href=\"https://example.org/\">out</a>",
            "marketing",
        ),
    ];
    for (tag, category) in refused {
        let page = format!("<p>{tag}</p>");
        let out = serve(&layer, page.clone(), None).await;
        assert!(!out.contains(" ping=") && !out.contains(" PING="), "{out}");
        assert!(
            out.contains(" data-consent-ping=") || out.contains(" data-consent-ping"),
            "{out}"
        );
        assert!(
            out.contains(&format!("data-consent=\"{category}\"")),
            "{out}"
        );
        // The link still works.
        assert!(
            out.contains("href=") && out.contains("data-consent-held="),
            "{out}"
        );
        assert!(!out.contains("data-consent-href"), "{out}");
        // Granted, it is served as written.
        let granted = serve(&layer, page.clone(), Some(Choice::accept_all())).await;
        assert_eq!(granted, page);
    }
    // A ping to the site itself or a non-tracker, and a ping on an element that
    // audits nothing, stay as written.
    for tag in [
        "<a href=\"/next\" ping=\"/analytics/ping https://stats.example.org/p\">Next</a>",
        "<div ping=\"https://www.google-analytics.com/collect\">x</div>",
        "<a href=\"https://www.google-analytics.com/\">the link itself</a>",
    ] {
        let page = format!("<p>{tag}</p>");
        assert_eq!(serve(&layer, page.clone(), None).await, page, "{tag}");
    }
}
