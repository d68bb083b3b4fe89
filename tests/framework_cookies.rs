//! The README's "Using it with …" stack, compiled and run: tower-sessions (its cookie
//! is `id`), axum-extra's cookie jar, tower-http's `ServeDir` and `CompressionLayer`,
//! with the consent layer between the cookie layers and compression.
#![cfg(all(feature = "axum", feature = "html"))]

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use http::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, COOKIE, SET_COOKIE};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_consent::{ConsentLayer, HtmlGate};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_sessions::{MemoryStore, Session, SessionManagerLayer};

// The README's snippet, as it is written there.
fn consent_layer() -> Result<ConsentLayer, tower_consent::BuildError> {
    ConsentLayer::builder()
        .secret(*b"an example secret of 32 bytes!!!")
        .secure(false) // plain HTTP in development; keep the default `true` in production
        .necessary(["id"]) // tower-sessions' session cookie
        .preferences(["theme"]) // set through axum-extra's CookieJar
        .analytics(["_ga", "_ga_*"])
        .known_trackers()
        .html_gate(HtmlGate::new())
        .build()
}

async fn cart(session: Session) -> String {
    let items: usize = session.get("items").await.ok().flatten().unwrap_or(0);
    let _ = session.insert("items", items + 1).await;
    format!("{} items", items + 1)
}

async fn theme(jar: CookieJar) -> (CookieJar, &'static str) {
    (jar.add(Cookie::new("theme", "dark")), "dark it is")
}

fn app(consent: ConsentLayer, public: &std::path::Path) -> Router {
    Router::new()
        .route("/cart", get(cart))
        .route("/theme", get(theme))
        .fallback_service(ServeDir::new(public).precompressed_gzip())
        .layer(SessionManagerLayer::new(MemoryStore::default()))
        .layer(consent) // outside every layer that reads or writes cookies
        .layer(CompressionLayer::new()) // outside the consent layer
}
// End of the README's snippet.

async fn get_with(
    app: &Router,
    path: &str,
    headers: &[(http::HeaderName, &str)],
) -> http::Response<Vec<u8>> {
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes().to_vec();
    http::Response::from_parts(parts, body)
}

/// Whether the response deletes the cookie `name` from the browser.
fn deletes(response: &http::Response<Vec<u8>>, name: &str) -> bool {
    response.headers().get_all(SET_COOKIE).iter().any(|v| {
        let v = v.to_str().unwrap_or("");
        v.starts_with(&format!("{name}=")) && v.contains("Max-Age=0")
    })
}

fn set_cookie_names(response: &http::Response<Vec<u8>>) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split('=').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_readme_stack_keeps_sessions_and_gates_pages() {
    let public =
        std::env::temp_dir().join(format!("tower-consent-framework-{}", std::process::id()));
    std::fs::create_dir_all(&public).expect("a directory");
    std::fs::write(
        public.join("index.html"),
        "<!doctype html><title>Shop</title>\
         <script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\
         <h1>Shop</h1><p>Static pages come from ServeDir.</p>",
    )
    .expect("index.html");
    let app = app(consent_layer().expect("valid configuration"), &public);

    // The session cookie is necessary: set, kept, and sent back.
    let first = get_with(&app, "/cart", &[]).await;
    assert_eq!(first.body(), b"1 items");
    let session = first
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("tower-sessions sets its cookie")
        .to_owned();
    assert!(session.starts_with("id="), "{session}");
    let second = get_with(&app, "/cart", &[(COOKIE, &session)]).await;
    assert_eq!(second.body(), b"2 items", "the session survives");
    assert!(!deletes(&second, "id"), "never purged");

    // A static page keeps the session too, and is gated, compressed outside.
    let page = get_with(
        &app,
        "/",
        &[
            (COOKIE, &session),
            (ACCEPT, "text/html"),
            (ACCEPT_ENCODING, "gzip"),
        ],
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[CONTENT_ENCODING], "gzip");
    assert!(!deletes(&page, "id"));
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&page.body()[..]),
        &mut html,
    )
    .expect("gzip");
    assert!(
        html.contains("data-consent-src=\"https://www.googletagmanager.com"),
        "{html}"
    );

    // A preference cookie written through axum-extra's jar waits for consent.
    let theme = get_with(&app, "/theme", &[(COOKIE, &session)]).await;
    assert_eq!(theme.body(), b"dark it is");
    assert!(set_cookie_names(&theme).iter().all(|name| name != "theme"));
    let _ = std::fs::remove_dir_all(public);
}
