//! The axum integration: the `Consent` extractor and `Choice` as a response part.
#![cfg(feature = "axum")]

mod common;

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use http::header::{COOKIE, SET_COOKIE};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_consent::{Category, Choice, Consent};

async fn page(consent: Consent) -> String {
    format!(
        "decided={} analytics={}",
        consent.decided(),
        consent.allows(Category::Analytics)
    )
}

async fn maybe(consent: Option<Consent>) -> &'static str {
    if consent.is_some() {
        "layer"
    } else {
        "no layer"
    }
}

async fn accept() -> (Choice, &'static str) {
    (Choice::accept_all(), "accepted")
}

async fn body_text(response: axum::response::Response) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn get_request(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn handlers_extract_consent_and_record_choices() {
    let app = Router::new()
        .route("/", get(page))
        .route("/accept", post(accept))
        .layer(common::layer());

    let response = app.clone().oneshot(get_request("/", None)).await.unwrap();
    assert_eq!(body_text(response).await, "decided=false analytics=false");

    // Another site's form posting to /accept records nothing.
    let request = Request::post("/accept")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert!(response.headers().get(SET_COOKIE).is_none());
    assert_eq!(body_text(response).await, "accepted");

    let request = Request::post("/accept")
        .header("sec-fetch-site", "same-origin")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();
    assert!(pair.starts_with("consent="));
    assert_eq!(body_text(response).await, "accepted");

    let response = app.oneshot(get_request("/", Some(&pair))).await.unwrap();
    assert_eq!(body_text(response).await, "decided=true analytics=true");
}

#[tokio::test]
async fn a_missing_layer_is_a_clear_500() {
    let app = Router::new()
        .route("/", get(page))
        .route("/maybe", get(maybe));
    let response = app.clone().oneshot(get_request("/", None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let message = body_text(response).await;
    assert!(message.contains("ConsentLayer"), "{message}");
    assert!(message.contains(".layer("), "{message}");

    let response = app.oneshot(get_request("/maybe", None)).await.unwrap();
    assert_eq!(body_text(response).await, "no layer");
}

#[tokio::test]
async fn the_banner_returns_to_the_full_path_under_nested_routers() {
    async fn cart(banner: tower_consent::ConsentBanner) -> String {
        banner.into_string()
    }
    let app = Router::new()
        .nest("/shop", Router::new().route("/cart", get(cart)))
        .layer(common::layer());
    let response = app
        .oneshot(get_request("/shop/cart?x=1", None))
        .await
        .unwrap();
    let html = body_text(response).await;
    assert!(html.contains("value=\"/shop/cart?x=1\""), "{html}");
    assert!(html.contains("return_to=%2Fshop%2Fcart%3Fx%3D1"), "{html}");
}
