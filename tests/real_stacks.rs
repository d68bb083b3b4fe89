//! The gate in the stacks apps really use, through `oneshot`: tower-http's `ServeDir`
//! (plain and precompressed) and `CompressionLayer` inside and outside the consent
//! layer; validators and conditional requests per consent state (issue 22); encoded
//! pages; how the gate reads a page's type and charset as browsers do, and keeps
//! pages made for one visitor out of shared caches (issue 21, findings 7, 15, 16).
#![cfg(all(feature = "html", feature = "html-zstd"))]

mod common;

use std::convert::Infallible;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE,
    ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED, RANGE, SET_COOKIE,
};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::{service_fn, ServiceExt};
use tower_consent::{Category, Choice, ConsentLayer, HtmlGate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// The page a new user pastes their trackers into.
const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>Shop</title>\n\
    <script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n\
    <script>(function(h,o,t,j,a,r){a=o.getElementsByTagName('head')[0];r=o.createElement('script');\
    r.async=1;r.src='https://static.hotjar.com/c/hotjar-1.js?sv=6';a.appendChild(r);})(window,document);</script>\n\
    </head><body><h1>Shop</h1><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></body></html>\n";

/// The GA tag, as a browser would run it.
const LIVE_TAG: &str = "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\">";
/// The GA tag, held back.
const HELD_TAG: &str = "data-consent-src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"";

fn layer() -> ConsentLayer {
    common::builder()
        .html_gate(HtmlGate::new())
        .build()
        .expect("valid configuration")
}

/// A directory of its own with `index.html` and `index.html.gz` (the same page).
fn site() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tower-consent-real-stacks-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a site directory");
    std::fs::write(dir.join("index.html"), PAGE).expect("index.html");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(PAGE.as_bytes()).expect("gzip");
    std::fs::write(dir.join("index.html.gz"), gz.finish().expect("gzip")).expect("index.html.gz");
    dir
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8")
    }

    fn header(&self, name: http::HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("visible ASCII"))
    }
}

async fn get_with(app: &Router, headers: &[(http::HeaderName, &str)]) -> Answer {
    let mut request = Request::builder().uri("/");
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("body").to_bytes().to_vec(),
    }
}

/// Issue 22, 1: a 304 never hands the browser a page of another consent state, and a
/// visitor whose state did not change still gets the app's 304.
#[tokio::test]
async fn servedir_validators_follow_the_consent_state() {
    let dir = site();
    let layer = layer();
    let app = Router::new()
        .fallback_service(ServeDir::new(&dir))
        .layer(layer.clone());
    let accepted = common::consent_cookie(&layer, "consent", Choice::accept_all()).await;
    let refused = common::consent_cookie(&layer, "consent", Choice::reject_all()).await;

    let undecided = get_with(&app, &[]).await;
    assert_eq!(undecided.status, StatusCode::OK);
    assert!(undecided.text().contains(HELD_TAG), "{}", undecided.text());
    let undecided_tag = undecided.header(ETAG).expect("an ETag").to_owned();
    assert!(undecided_tag.starts_with("W/\""), "{undecided_tag}");
    assert!(undecided.header(LAST_MODIFIED).is_none());
    assert_eq!(undecided.header(CACHE_CONTROL), Some("private"));

    let granted = get_with(&app, &[(COOKIE, &accepted)]).await;
    assert!(granted.text().contains(LIVE_TAG));
    let granted_tag = granted.header(ETAG).expect("an ETag").to_owned();
    assert_ne!(granted_tag, undecided_tag);

    // The same state revalidates: the app's 304, tagged again.
    let same = get_with(&app, &[(IF_NONE_MATCH, &undecided_tag)]).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert_eq!(same.header(ETAG), Some(undecided_tag.as_str()));
    let same = get_with(&app, &[(COOKIE, &accepted), (IF_NONE_MATCH, &granted_tag)]).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert_eq!(same.header(ETAG), Some(granted_tag.as_str()));

    // Withdrawn (refused) with the accepted copy in the cache: the whole page, gated.
    let after = get_with(&app, &[(COOKIE, &refused), (IF_NONE_MATCH, &granted_tag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text().contains(HELD_TAG));
    // Accepted with the undecided copy: the page as written, no banner from the cache.
    let after = get_with(
        &app,
        &[(COOKIE, &accepted), (IF_NONE_MATCH, &undecided_tag)],
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text().contains(LIVE_TAG));

    // A date cannot say which state a copy was gated for: with a tag of another state
    // the browser's `If-Modified-Since` goes too.
    let file = ServeDir::new(&dir)
        .oneshot(Request::new(Body::empty()))
        .await
        .expect("infallible");
    let modified = file.headers()[LAST_MODIFIED]
        .to_str()
        .expect("a date")
        .to_owned();
    let after = get_with(
        &app,
        &[
            (COOKIE, &refused),
            (IF_NONE_MATCH, &granted_tag),
            (IF_MODIFIED_SINCE, &modified),
        ],
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.text().contains(HELD_TAG));

    // A range of a gated copy: the whole page instead.
    let ranged = get_with(&app, &[(IF_RANGE, &undecided_tag), (RANGE, "bytes=0-9")]).await;
    assert_eq!(ranged.status, StatusCode::OK);
    assert!(ranged.text().contains(HELD_TAG));
    let _ = std::fs::remove_dir_all(dir);
}

/// Issue 22, 2: a precompressed page is decoded, gated and served plain.
#[tokio::test]
async fn servedir_precompressed_gzip_is_decoded_and_gated() {
    let dir = site();
    let app = Router::new()
        .fallback_service(ServeDir::new(&dir).precompressed_gzip())
        .layer(layer());
    let page = get_with(&app, &[(ACCEPT, "text/html"), (ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(CONTENT_ENCODING), None);
    let text = page.text();
    assert!(text.contains(HELD_TAG), "{text}");
    assert!(!text.contains(LIVE_TAG));
    assert!(text.contains("id=\"tc-banner\""), "the banner is injected");
    let _ = std::fs::remove_dir_all(dir);
}

/// The page through a handler, behind `CompressionLayer` inside the consent layer.
fn compressed_inside() -> Router {
    Router::new()
        .route("/", get(|| async { axum::response::Html(PAGE) }))
        .layer(CompressionLayer::new())
        .layer(layer())
}

/// Issue 22, tests: each coding decoded and gated.
#[tokio::test]
async fn each_coding_is_decoded_and_gated() {
    let app = compressed_inside();
    for coding in ["gzip", "deflate", "br", "zstd"] {
        let page = get_with(&app, &[(ACCEPT, "text/html"), (ACCEPT_ENCODING, coding)]).await;
        assert_eq!(page.status, StatusCode::OK, "{coding}");
        assert_eq!(
            page.header(CONTENT_ENCODING),
            None,
            "{coding}: served plain"
        );
        let text = page.text();
        assert!(text.contains(HELD_TAG), "{coding}: {text}");
        assert!(!text.contains(LIVE_TAG), "{coding}");
        assert!(
            !text.contains("<script>(function(h,o"),
            "{coding}: Hotjar held back"
        );
    }
}

/// `CompressionLayer` outside the consent layer encodes the gated page.
#[tokio::test]
async fn compression_outside_encodes_the_gated_page() {
    let app = Router::new()
        .route("/", get(|| async { axum::response::Html(PAGE) }))
        .layer(layer())
        .layer(CompressionLayer::new());
    let page = get_with(&app, &[(ACCEPT, "text/html"), (ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(page.header(CONTENT_ENCODING), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&page.body[..])
        .read_to_string(&mut text)
        .expect("gzip");
    assert!(text.contains(HELD_TAG), "{text}");
}

/// Issue 22, tests: a coding the gate cannot read fails closed (a 500 saying so),
/// never ungated and never silently.
#[tokio::test]
async fn an_unknown_coding_fails_closed() {
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                let mut response = Response::new(Body::from(PAGE));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
                headers.insert(CONTENT_ENCODING, HeaderValue::from_static("compress"));
                headers.insert(ETAG, HeaderValue::from_static("\"v1\""));
                response
            }),
        )
        .layer(layer());
    let page = get_with(&app, &[]).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.header(CONTENT_ENCODING), None);
    assert_eq!(page.header(ETAG), None);
    assert_eq!(page.header(CACHE_CONTROL), Some("no-store"));
    let text = page.text();
    assert!(text.contains("was not sent"), "{text}");
    assert!(!text.contains("googletagmanager"), "{text}");
}

/// Requests for a page name only the codings the gate reads, so that a compression
/// layer inside it picks one of them; other requests keep theirs.
#[tokio::test]
async fn pages_are_asked_for_in_codings_the_gate_reads() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = Router::new()
        .route(
            "/",
            get(move |headers: HeaderMap| {
                let record = record.clone();
                async move {
                    let value = headers
                        .get(ACCEPT_ENCODING)
                        .map(|v| v.to_str().unwrap_or("").to_owned());
                    record.lock().expect("lock").push(value);
                    "ok"
                }
            }),
        )
        .layer(layer());
    let pairs = [
        (
            Some("text/html,application/xhtml+xml,*/*;q=0.8"),
            "gzip, deflate, br, zstd, dcb, dcz",
        ),
        (Some("TEXT/HTML"), "compress;q=0.5, *"),
        (Some("image/avif,*/*"), "gzip, dcz"),
        (None, "dcz"),
    ];
    for (accept, encoding) in pairs {
        let mut headers = vec![(ACCEPT_ENCODING, encoding)];
        if let Some(accept) = accept {
            headers.push((ACCEPT, accept));
        }
        get_with(&app, &headers).await;
    }
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        [
            Some("gzip, deflate, br, zstd".to_owned()),
            Some("identity".to_owned()),
            Some("gzip, dcz".to_owned()),
            Some("dcz".to_owned()),
        ]
    );
}

/// Serves `body` with `headers` (each appended) through the gate, for a visitor with
/// `cookie` (or none).
async fn serve(
    headers: &[(http::HeaderName, &'static str)],
    body: Vec<u8>,
    cookie: Option<&str>,
) -> Answer {
    let headers: Vec<(http::HeaderName, &'static str)> = headers.to_vec();
    let app = Router::new()
        .route(
            "/",
            get(move || {
                let headers = headers.clone();
                let body = body.clone();
                async move {
                    let mut response = Response::new(Body::from(body));
                    for (name, value) in headers {
                        response
                            .headers_mut()
                            .append(name, HeaderValue::from_static(value));
                    }
                    response
                }
            }),
        )
        .layer(layer());
    match cookie {
        Some(cookie) => get_with(&app, &[(COOKIE, cookie)]).await,
        None => get_with(&app, &[]).await,
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

/// Issue 21, finding 7: a UTF-16 page with a byte order mark is decoded by browsers
/// whatever the header says; the gate reads it too (transcoded to UTF-8, behind the
/// UTF-8 byte order mark, which wins over the header in every browser).
#[tokio::test]
async fn finding_7_a_utf16_page_with_a_byte_order_mark_is_read() {
    for (content_type, big_endian) in [
        ("text/html; charset=utf-8", false),
        ("text/html", true),
        ("text/html; charset=windows-1252", false),
    ] {
        let page = serve(
            &[(CONTENT_TYPE, content_type)],
            utf16(PAGE, big_endian),
            None,
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.starts_with(b"\xEF\xBB\xBF"), "{content_type}");
        let text = String::from_utf8(page.body[3..].to_vec()).expect("UTF-8");
        assert!(text.contains(HELD_TAG), "{content_type}: {text}");
        assert!(!text.contains(LIVE_TAG));
    }
}

/// Issue 21, finding 7: a UTF-8 byte order mark wins over `charset=windows-1252`, so
/// the gate reads and writes the page in UTF-8 (its banner included).
#[tokio::test]
async fn finding_7_a_utf8_byte_order_mark_wins_over_the_header() {
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend_from_slice(PAGE.as_bytes());
    let page = serve(
        &[(CONTENT_TYPE, "text/html; charset=windows-1252")],
        body,
        None,
    )
    .await;
    let text = String::from_utf8(page.body).expect("the whole page is UTF-8");
    assert!(text.contains(HELD_TAG));
    assert!(
        text.contains("“Cookie settings”"),
        "the banner in UTF-8: {text}"
    );
}

/// Issue 21, finding 15: an XHTML document is not served with its trackers live: with
/// something to hold back it is not sent (lol_html cannot read XML soundly); with
/// everything granted it is served as written, its validators naming the state.
#[tokio::test]
async fn finding_15_xhtml_is_never_served_ungated() {
    let xhtml = [(CONTENT_TYPE, "application/xhtml+xml"), (ETAG, "\"x1\"")];
    let page = serve(&xhtml, PAGE.as_bytes().to_vec(), None).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.text().contains("googletagmanager"));
    let layer = layer();
    let accepted = common::consent_cookie(&layer, "consent", Choice::accept_all()).await;
    let page = serve(&xhtml, PAGE.as_bytes().to_vec(), Some(&accepted)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(), PAGE);
    assert!(page.header(ETAG).is_some_and(|tag| tag.contains("~tc")));
}

/// Issue 21, finding 15: a page without a `Content-Type` is sniffed as browsers do:
/// HTML is read, anything else passes.
#[tokio::test]
async fn finding_15_a_page_without_a_content_type_is_sniffed() {
    let page = serve(&[], PAGE.as_bytes().to_vec(), None).await;
    assert!(page.text().contains(HELD_TAG), "{}", page.text());
    let script_first = format!(
        "  \n<SCRIPT src=\"https://connect.facebook.net/en_US/fbevents.js\"></SCRIPT>{PAGE}"
    );
    let page = serve(&[], script_first.into_bytes(), None).await;
    assert!(
        page.text()
            .contains("data-consent-src=\"https://connect.facebook.net"),
        "{}",
        page.text()
    );
    let json = br#"{"html": "<script src=https://www.googletagmanager.com/gtag/js></script>"}"#;
    let page = serve(&[], json.to_vec(), None).await;
    assert_eq!(page.body, json);
    // An empty answer without a type holds nothing to read: its headers stay.
    let empty = serve(&[(CONTENT_LENGTH, "0")], Vec::new(), None).await;
    assert_eq!(empty.header(CACHE_CONTROL), None);
    assert_eq!(empty.header(CONTENT_LENGTH), Some("0"));
}

/// Issue 21, finding 15: with several `Content-Type` headers browsers take the last
/// valid one.
#[tokio::test]
async fn finding_15_the_last_content_type_wins() {
    let page = serve(
        &[(CONTENT_TYPE, "text/plain"), (CONTENT_TYPE, "text/html")],
        PAGE.as_bytes().to_vec(),
        None,
    )
    .await;
    assert!(page.text().contains(HELD_TAG), "{}", page.text());
    let page = serve(
        &[(CONTENT_TYPE, "text/html"), (CONTENT_TYPE, "text/plain")],
        PAGE.as_bytes().to_vec(),
        None,
    )
    .await;
    assert_eq!(page.text(), PAGE);
}

/// Issue 21, finding 16: a page whose content follows the visitor's consent is not
/// for shared caches: `public` and `s-maxage` go, `private` comes, what else the app
/// set stays.
#[tokio::test]
async fn finding_16_gated_pages_are_private() {
    let cases = [
        ("public, max-age=600, s-maxage=3600", "private, max-age=600"),
        ("no-store", "no-store"),
        ("no-cache, public", "private, no-cache"),
    ];
    for (app, served) in cases {
        let page = serve(
            &[(CONTENT_TYPE, "text/html"), (CACHE_CONTROL, app)],
            PAGE.as_bytes().to_vec(),
            None,
        )
        .await;
        assert_eq!(page.header(CACHE_CONTROL), Some(served), "{app}");
    }
    let page = serve(
        &[(CONTENT_TYPE, "text/html")],
        PAGE.as_bytes().to_vec(),
        None,
    )
    .await;
    assert_eq!(page.header(CACHE_CONTROL), Some("private"));
    // A response that is not a page keeps the app's caching.
    let css = serve(
        &[
            (CONTENT_TYPE, "text/css"),
            (CACHE_CONTROL, "public, max-age=600"),
        ],
        b"p{}".to_vec(),
        None,
    )
    .await;
    assert_eq!(css.header(CACHE_CONTROL), Some("public, max-age=600"));
}

/// Issue 21, finding 16: a cookie that needs consent, set because the visitor granted
/// it, makes the response private too.
#[tokio::test]
async fn finding_16_a_consented_cookie_makes_the_response_private() {
    let layer = layer();
    let accepted =
        common::consent_cookie(&layer, "consent", Choice::only([Category::Analytics])).await;
    let app = tower::Layer::layer(
        &layer,
        service_fn(|_: Request<Body>| async {
            let mut response = Response::new(Body::from("{}"));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            );
            headers.insert(
                SET_COOKIE,
                HeaderValue::from_static("_ga=GA1.1.1.1; Path=/"),
            );
            Ok::<_, Infallible>(response)
        }),
    );
    let request = Request::builder()
        .header(COOKIE, &accepted)
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert!(response.headers().contains_key(SET_COOKIE));
    assert_eq!(response.headers()[CACHE_CONTROL], "private, max-age=60");
}

/// Issue 22, 4: on a plain-HTTP development host that is not loopback (no Fetch
/// Metadata there, and no `Secure` cookie), the banner's form under the default
/// `secure(true)` gets a page in the visitor's language naming `secure(false)`.
#[tokio::test]
async fn a_plain_http_development_host_is_told_to_build_with_secure_false() {
    let layer = ConsentLayer::builder()
        .secret(common::SECRET)
        .build()
        .expect("valid configuration");
    let app = Router::new()
        .route("/", get(|| async { "page" }))
        .layer(layer);
    let request = Request::post("/_consent")
        .header("host", "192.168.1.20:3000")
        .header("origin", "http://192.168.1.20:3000")
        .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("accept-language", "de-DE,de;q=0.9")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("action=accept_all&return_to=%2Fshop"))
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(!response.headers().contains_key(SET_COOKIE));
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let page = String::from_utf8(body.to_vec()).expect("UTF-8");
    assert!(page.contains("<html lang=\"de\">"), "{page}");
    assert!(
        page.contains("<h1>Ihre Auswahl konnte nicht gespeichert werden.</h1>"),
        "{page}"
    );
    assert!(page.contains("`.secure(false)`"), "{page}");
    assert!(page.contains("href=\"/shop\""), "{page}");
}

/// Pieces of pages: trackers in several forms, text in and out of ASCII, markup that
/// changes how what follows parses.
const PIECES: &[&str] = &[
    "<!doctype html><html><head><title>Ünïcödé ✓</title>",
    "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
    "<script>(function(){var s=document.createElement('script');s.src='https://static.hotjar.com/c/hotjar-1.js';})();</script>",
    "<img src=\"https://www.facebook.com/tr?id=1&ev=PageView\" alt=\"pixel\">",
    "<p>Grüße aus Köln — 東京 — 🍪</p>",
    "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>",
    "<!-- a comment with <script> inside -->",
    "<p>plain text</p>",
    "</head><body>",
    "<div data-consent=\"analytics\"><script data-consent=\"analytics\">window.ab = 1;</script></div>",
    "</body></html>",
];

fn generated_page() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::sample::select(PIECES), 1..10)
        .prop_map(|pieces| pieces.concat())
}

/// How a generated page is sent.
#[derive(Clone, Copy, Debug)]
enum Sent {
    Gzip,
    Zlib,
    RawDeflate,
    Utf16Le,
    Utf16Be,
    Utf8Bom,
}

impl Sent {
    const ALL: [Sent; 6] = [
        Sent::Gzip,
        Sent::Zlib,
        Sent::RawDeflate,
        Sent::Utf16Le,
        Sent::Utf16Be,
        Sent::Utf8Bom,
    ];

    fn encode(self, page: &str) -> (Vec<u8>, Option<&'static str>) {
        use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
        use flate2::Compression;
        fn finish<W: Write>(
            mut encoder: W,
            page: &str,
            done: impl FnOnce(W) -> Vec<u8>,
        ) -> Vec<u8> {
            encoder.write_all(page.as_bytes()).expect("encode");
            done(encoder)
        }
        match self {
            Sent::Gzip => (
                finish(GzEncoder::new(Vec::new(), Compression::fast()), page, |e| {
                    e.finish().expect("gzip")
                }),
                Some("gzip"),
            ),
            Sent::Zlib => (
                finish(
                    ZlibEncoder::new(Vec::new(), Compression::fast()),
                    page,
                    |e| e.finish().expect("zlib"),
                ),
                Some("deflate"),
            ),
            Sent::RawDeflate => (
                finish(
                    DeflateEncoder::new(Vec::new(), Compression::fast()),
                    page,
                    |e| e.finish().expect("deflate"),
                ),
                Some("deflate"),
            ),
            Sent::Utf16Le => (utf16(page, false), None),
            Sent::Utf16Be => (utf16(page, true), None),
            Sent::Utf8Bom => ([b"\xEF\xBB\xBF".as_slice(), page.as_bytes()].concat(), None),
        }
    }

    /// What the gate sends for this page: the plain page's output, behind the UTF-8
    /// byte order mark where one decided the encoding.
    fn expected(self, plain: &[u8]) -> Vec<u8> {
        match self {
            Sent::Utf16Le | Sent::Utf16Be | Sent::Utf8Bom => {
                [b"\xEF\xBB\xBF".as_slice(), plain].concat()
            }
            Sent::Gzip | Sent::Zlib | Sent::RawDeflate => plain.to_vec(),
        }
    }
}

/// The gate's output for `chunks` sent with `coding`, through the layer.
fn gated(chunks: Vec<Vec<u8>>, coding: Option<&'static str>) -> Vec<u8> {
    let layer = layer();
    let body = std::sync::Mutex::new(Some(chunks));
    let service = tower::Layer::layer(
        &layer,
        service_fn(move |_: Request<Body>| {
            let chunks = body.lock().expect("lock").take().unwrap_or_default();
            async move {
                let frames: Vec<Result<http_body::Frame<bytes::Bytes>, Infallible>> = chunks
                    .into_iter()
                    .map(|chunk| Ok(http_body::Frame::data(bytes::Bytes::from(chunk))))
                    .collect();
                let mut response = Response::new(http_body_util::StreamBody::new(
                    futures::stream::iter(frames),
                ));
                let headers = response.headers_mut();
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                if let Some(coding) = coding {
                    headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
                }
                Ok::<_, Infallible>(response)
            }
        }),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let response = service
            .oneshot(Request::new(Body::empty()))
            .await
            .expect("infallible");
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("the page is read")
            .to_bytes();
        // Each response holds back with a token of its own.
        common::without_tokens(&bytes)
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 96, ..Default::default() })]

    /// A page sent compressed or in UTF-16, cut anywhere (inside a byte order mark, a
    /// UTF-16 code unit, a compressed block), comes out as the plain page does.
    #[test]
    fn encoded_pages_cut_anywhere_come_out_as_the_plain_page(
        page in generated_page(),
        sent in proptest::sample::select(Sent::ALL.to_vec()),
        cuts in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..6),
    ) {
        let plain = gated(vec![page.clone().into_bytes()], None);
        let (encoded, coding) = sent.encode(&page);
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(encoded.len() + 1)).collect();
        points.push(1);
        points.sort_unstable();
        points.dedup();
        let mut chunks = Vec::new();
        let mut start = 0;
        for point in points.into_iter().filter(|&p| p <= encoded.len()) {
            chunks.push(encoded[start..point].to_vec());
            start = point;
        }
        chunks.push(encoded[start..].to_vec());
        let out = gated(chunks, coding);
        let expected = sent.expected(&plain);
        proptest::prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
    }
}
