//! The undeclared-cookie report: what it keeps (names, never values), its bound under a
//! flood of distinct names, and the endpoint that only the app's check opens.

use std::convert::Infallible;

use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{ConsentLayer, ConsentLayerBuilder, Direction, Unknown};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn builder() -> ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session"])
        .analytics(["_ga", "_ga_*"])
}

/// Sends one request through `layer` to an app answering with `set_cookies`.
async fn send(
    layer: &ConsentLayer,
    request: Request<String>,
    set_cookies: &'static [&'static str],
) -> (StatusCode, String) {
    let app = layer.layer(service_fn(move |_: Request<String>| async move {
        let mut response = Response::new(String::new());
        for value in set_cookies {
            response
                .headers_mut()
                .append(SET_COOKIE, http::HeaderValue::from_static(value));
        }
        Ok::<_, Infallible>(response)
    }));
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn get(path: &str, cookie: &str) -> Request<String> {
    Request::get(path)
        .header(COOKIE, cookie)
        .body(String::new())
        .unwrap()
}

#[tokio::test]
async fn keeps_undeclared_names_with_where_and_how_often_never_values() {
    let layer = builder().build().unwrap();
    send(
        &layer,
        get(
            "/shop?token=query-secret",
            "session=s1; _hjid=value-secret-1; _ga=GA1",
        ),
        &["intercom-id=value-secret-2; Path=/", "_ga_X=1"],
    )
    .await;
    send(&layer, get("/cart", "_hjid=value-secret-3"), &[]).await;
    send(&layer, get("/", "intercom-id=value-secret-4"), &[]).await;
    // A nameless cookie: its text is a value, so it is counted under "".
    send(
        &layer,
        get("/", "nameless-value-secret"),
        &["other-nameless-secret"],
    )
    .await;

    let report = layer.report();
    assert_eq!(report.dropped, 0);
    let names: Vec<&str> = report.cookies.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let cookie = |name: &str| report.cookies.iter().find(|c| c.name == name).unwrap();

    let hjid = cookie("_hjid");
    assert_eq!(hjid.first_path, "/shop");
    assert_eq!(hjid.first_direction, Direction::Request);
    assert_eq!((hjid.in_requests, hjid.in_responses), (2, 0));

    let intercom = cookie("intercom-id");
    assert_eq!(intercom.first_path, "/shop");
    assert_eq!(intercom.first_direction, Direction::Response);
    assert_eq!((intercom.in_requests, intercom.in_responses), (1, 1));

    let nameless = cookie("");
    assert_eq!((nameless.in_requests, nameless.in_responses), (1, 1));

    let everything = format!("{report:?}{}", report.to_json());
    assert!(!everything.contains("secret"), "{everything}");
    assert!(!everything.contains("GA1"), "{everything}");
}

#[tokio::test]
async fn names_are_reported_whatever_unknown_does_with_them() {
    for unknown in [Unknown::Block, Unknown::Allow] {
        let layer = builder().unknown(unknown).build().unwrap();
        send(&layer, get("/", "mystery=1"), &[]).await;
        assert_eq!(layer.report().cookies[0].name, "mystery", "{unknown:?}");
    }
}

#[tokio::test]
async fn stays_bounded_under_a_flood_of_distinct_names() {
    let layer = builder().build().unwrap();
    let mut sent = 0u64;
    for batch in 0..100 {
        let cookie: Vec<String> = (0..50).map(|i| format!("flood{batch}_{i}=x")).collect();
        send(&layer, get("/", &cookie.join("; ")), &[]).await;
        sent += 50;
    }
    let report = layer.report();
    assert!(report.cookies.len() <= report.capacity);
    assert_eq!(report.capacity, 1024);
    assert!(report.cookies.len() > report.capacity / 2);
    let counted: u64 = report.cookies.iter().map(|c| c.in_requests).sum();
    assert_eq!(counted + report.dropped, sent);
    // A name kept before the flood is still counted after it.
    send(&layer, get("/", "flood0_0=x"), &[]).await;
    let again = layer.report();
    let first = again.cookies.iter().find(|c| c.name == "flood0_0").unwrap();
    assert_eq!(first.in_requests, 2);
}

#[tokio::test]
async fn long_names_are_cut() {
    let layer = builder().build().unwrap();
    let long = "n".repeat(4000);
    send(&layer, get("/", &format!("{long}=1")), &[]).await;
    let report = layer.report();
    assert_eq!(report.cookies[0].name.len(), 128);
    assert!(report.cookies[0].name_truncated);
}

fn admin(parts: &Parts) -> bool {
    parts.headers.get("x-operator").is_some_and(|v| v == "yes")
}

#[tokio::test]
async fn the_endpoint_exists_only_when_configured_and_answers_only_the_apps_check() {
    // Not configured: no endpoint, whatever the request says.
    let closed = builder().build().unwrap();
    let request = Request::get("/_consent/report")
        .header("x-operator", "yes")
        .body(String::new())
        .unwrap();
    assert_eq!(send(&closed, request, &[]).await.0, StatusCode::NOT_FOUND);

    let open = builder().report_endpoint(admin).build().unwrap();
    send(&open, get("/page", "_hjid=v"), &[]).await;
    let refused = send(&open, get("/_consent/report", "session=1"), &[]).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN);
    assert!(!refused.1.contains("_hjid"), "{}", refused.1);

    let request = Request::get("/_consent/report")
        .header("x-operator", "yes")
        .body(String::new())
        .unwrap();
    let (status, body) = send(&open, request, &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["capacity"], 1024);
    assert_eq!(json["dropped"], 0);
    let cookie = &json["cookies"][0];
    assert_eq!(cookie["name"], "_hjid");
    assert_eq!(cookie["first_path"], "/page");
    assert_eq!(cookie["first_direction"], "request");
    assert_eq!(cookie["in_requests"], 1);
    assert_eq!(cookie["in_responses"], 0);
    let first_seen = cookie["first_seen"].as_str().unwrap();
    assert!(
        first_seen.len() >= 20 && first_seen.contains('T'),
        "{first_seen}"
    );

    let post = Request::post("/_consent/report")
        .header("x-operator", "yes")
        .body(String::new())
        .unwrap();
    assert_eq!(
        send(&open, post, &[]).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}
