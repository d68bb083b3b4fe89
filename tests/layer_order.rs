//! Where the consent layer goes relative to other layers that read or write cookies
//! (tower-cookies' `CookieManagerLayer`, sessions, CSRF): outside them, so that what
//! they read is already filtered and what they write is still stripped.
#![cfg(feature = "axum")]

mod common;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::{COOKIE, SET_COOKIE};
use http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_cookies::{Cookie, CookieManagerLayer, Cookies};

/// Reads `_ga` through tower-cookies and sets `_fbp` through it.
async fn tracker(cookies: Cookies) -> String {
    cookies.add(Cookie::new("_fbp", "fb.1.2"));
    cookies.add(Cookie::new("session", "s"));
    match cookies.get("_ga") {
        Some(ga) => format!("saw _ga={}", ga.value()),
        None => "no _ga".to_owned(),
    }
}

async fn run(app: Router) -> (String, Vec<String>) {
    let request = Request::get("/")
        .header(COOKIE, "session=1; _ga=GA1.2.3")
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let set: Vec<String> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .filter(|v| !v.contains("Max-Age=0"))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (String::from_utf8(body.to_vec()).unwrap(), set)
}

#[tokio::test]
async fn the_consent_layer_outside_cookie_manager_gates_what_it_reads_and_writes() {
    // axum applies the last `.layer` outermost: consent wraps the cookie manager.
    let app = Router::new()
        .route("/", get(tracker))
        .layer(CookieManagerLayer::new())
        .layer(common::layer());
    let (body, set) = run(app).await;
    assert_eq!(body, "no _ga");
    assert_eq!(set, ["session=s"]);
}

#[tokio::test]
async fn the_consent_layer_inside_cookie_manager_cannot_gate_it() {
    // The wrong order, for the record: the cookie manager reads the `Cookie` header
    // before the consent layer filters it, and adds its `Set-Cookie` after the consent
    // layer stripped the response. README.md says which order to use.
    let app = Router::new()
        .route("/", get(tracker))
        .layer(common::layer())
        .layer(CookieManagerLayer::new());
    let (body, set) = run(app).await;
    assert_eq!(body, "saw _ga=GA1.2.3");
    assert!(set.iter().any(|v| v.starts_with("_fbp=")), "{set:?}");
}
