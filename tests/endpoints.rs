//! The consent endpoints, end to end through an axum router and `oneshot`.
#![cfg(feature = "axum")]

mod common;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use common::served::send;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, COOKIE, ETAG, IF_NONE_MATCH, LOCATION};
use http::{Method, Request, StatusCode};
use serde_json::Value;
use tower_consent::{Category, Consent, ConsentLayer, ConsentLayerBuilder, RegionSource};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn builder() -> ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session"])
        .analytics(["_ga"])
        .marketing(["_fbp"])
        .allowed_origin("https://www.example.com")
        .gpc_last_update("2026-11-24")
}

async fn page(consent: Consent) -> String {
    let granted: Vec<&str> = consent.granted().map(Category::key).collect();
    granted.join(",")
}

fn app_with(builder: ConsentLayerBuilder) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/.well-known/gpc.json", get(|| async { "app's own" }))
        .layer(builder.build().unwrap())
}

fn app() -> Router {
    app_with(builder())
}

fn same_origin(method: Method, uri: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "shop.example")
        .header("sec-fetch-site", "same-origin")
}

fn json_choice(body: &str) -> Request<Body> {
    same_origin(Method::POST, "/_consent")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn form_choice(body: &str) -> Request<Body> {
    same_origin(Method::POST, "/_consent")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

fn granted_keys(state: &Value) -> Vec<String> {
    state["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["granted"] == true)
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_state_describes_every_category_in_the_visitors_language() {
    let answer = send(&app(), get_with("/_consent", &[])).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[CONTENT_TYPE], "application/json");
    assert_eq!(answer.headers[CACHE_CONTROL], "no-store");
    let state = answer.json();
    assert_eq!(state["decided"], false);
    assert_eq!(state["revision"], 1);
    assert_eq!(state["decided_at"], Value::Null);
    assert_eq!(state["gpc"]["seen"], false);
    assert_eq!(state["language"], "en");
    let keys: Vec<&str> = state["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["necessary", "preferences", "analytics", "marketing"]);
    assert_eq!(state["categories"][0]["required"], true);
    assert_eq!(granted_keys(&state), ["necessary"]);

    let german = send(
        &app(),
        get_with("/_consent", &[("accept-language", "de-AT, en;q=0.5")]),
    )
    .await;
    let german = german.json();
    assert_eq!(german["language"], "de");
    assert_ne!(
        german["categories"][2]["label"],
        state["categories"][2]["label"]
    );
}

#[tokio::test]
async fn a_json_choice_answers_the_new_state_and_sets_the_cookie() {
    let app = app();
    let answer = send(
        &app,
        json_choice(r#"{"action":"custom","granted":["analytics"]}"#),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let state = answer.json();
    assert_eq!(state["decided"], true);
    assert_eq!(state["source"], "api");
    assert!(state["decided_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(granted_keys(&state), ["necessary", "analytics"]);
    let cookie = answer.consent_cookie().expect("consent cookie set");

    let seen = send(&app, get_with("/", &[("cookie", &cookie)])).await;
    assert_eq!(seen.body, "necessary,analytics");

    let all = send(
        &app,
        json_choice(r#"{"action":"accept_all","source":"banner"}"#),
    )
    .await;
    assert_eq!(all.json()["source"], "banner");
    assert_eq!(granted_keys(&all.json()).len(), 4);
}

#[tokio::test]
async fn a_form_choice_redirects_back_to_the_same_site() {
    let app = app();
    let answer = send(
        &app,
        form_choice("action=accept_all&return_to=%2Fshop%3Fpage%3D2"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[LOCATION], "/shop?page=2");
    let cookie = answer.consent_cookie().expect("consent cookie set");
    let seen = send(&app, get_with("/", &[("cookie", &cookie)])).await;
    assert_eq!(seen.body, "necessary,preferences,analytics,marketing");

    for hostile in [
        "https%3A%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "",
    ] {
        let answer = send(
            &app,
            form_choice(&format!("action=reject_all&return_to={hostile}")),
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.headers[LOCATION], "/", "{hostile}");
    }
    let answer = send(&app, form_choice("action=custom&granted=marketing")).await;
    assert_eq!(answer.headers[LOCATION], "/");
}

#[tokio::test]
async fn choosing_purges_the_cookies_it_refuses() {
    let app = app();
    let request = same_origin(Method::POST, "/_consent")
        .header(CONTENT_TYPE, "application/json")
        .header(COOKIE, "session=1; _ga=GA1.2.3; _fbp=fb.1")
        .body(Body::from(r#"{"action":"custom","granted":["marketing"]}"#))
        .unwrap();
    let answer = send(&app, request).await;
    let deleted: Vec<String> = answer
        .set_cookies()
        .into_iter()
        .filter(|c| c.contains("Max-Age=0"))
        .map(|c| c.replace("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT", ""))
        .collect();
    // `_ga`, and a nameless cookie that may have sent `_ga=…`, host-only and on the
    // host's registrable domain.
    assert_eq!(
        deleted,
        [
            "_ga=; Path=/",
            "_ga=; Path=/; Domain=shop.example",
            "=_ga; Path=/",
            "=_ga; Path=/; Domain=shop.example",
        ]
    );
}

#[tokio::test]
async fn withdrawing_refuses_everything_and_purges() {
    let app = app();
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let cookie = accepted.consent_cookie().unwrap();
    let request = same_origin(Method::DELETE, "/_consent")
        .header(COOKIE, format!("{cookie}; _ga=GA1.2.3"))
        .body(Body::empty())
        .unwrap();
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::OK);
    let state = answer.json();
    assert_eq!(state["decided"], true);
    assert_eq!(granted_keys(&state), ["necessary"]);
    assert_eq!(state["id"], accepted.json()["id"]);
    assert!(answer
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("_ga=; Max-Age=0")));

    let form = send(&app, form_choice("action=withdraw&return_to=/")).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cross_site_choices_are_refused_and_change_nothing() {
    let app = app();
    let refused = [
        Request::post("/_consent").header("host", "shop.example"),
        Request::post("/_consent")
            .header("host", "shop.example")
            .header("sec-fetch-site", "cross-site"),
        Request::post("/_consent")
            .header("host", "shop.example")
            .header("origin", "https://evil.example"),
        Request::post("/_consent")
            .header("host", "shop.example")
            .header("sec-fetch-site", "same-site")
            .header("origin", "https://other.example"),
        Request::delete("/_consent").header("origin", "null"),
    ];
    for request in refused {
        let request = request
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"accept_all"}"#))
            .unwrap();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.error_code(), "cross_site_request");
        assert!(answer.consent_cookie().is_none());
    }
    let allowed = [
        Request::post("/_consent")
            .header("host", "shop.example")
            .header("origin", "https://shop.example"),
        Request::post("/_consent")
            .header("host", "shop.example")
            .header("origin", "https://www.example.com"),
        Request::post("/_consent").header("sec-fetch-site", "none"),
    ];
    for request in allowed {
        let request = request
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"accept_all"}"#))
            .unwrap();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.consent_cookie().is_some());
    }
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_and_changes_nothing() {
    let app = app();
    let cases = [
        (
            json_choice("{not json"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json_choice(r#"{"action":"custom","granted":["cookies"]}"#),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json_choice(r#"{"action":"accept_all","sneaky":true}"#),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            same_origin(Method::POST, "/_consent")
                .header(CONTENT_TYPE, "text/plain")
                .body(Body::from("accept_all"))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            json_choice(&format!(
                r#"{{"action":"accept_all","pad":"{}"}}"#,
                "x".repeat(17 * 1024)
            )),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            same_origin(Method::PUT, "/_consent")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            same_origin(Method::POST, "/_consent/banner")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            get_with("/_consent/nope", &[]),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (request, status, code) in cases {
        let uri = request.uri().clone();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, status, "{uri}: {}", answer.body);
        assert_eq!(answer.error_code(), code);
        assert!(answer.consent_cookie().is_none());
    }
    let put = send(
        &app,
        same_origin(Method::PUT, "/_consent")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(put.headers[ALLOW], "GET, HEAD, POST, DELETE");
    // The banner's form without JavaScript gets a page saying why.
    let form = send(&app, form_choice("granted=analytics")).await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    assert_eq!(form.headers[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(
        form.body
            .contains("<h1>Your choice could not be saved.</h1>")
            && form.body.contains("the form has no `action`"),
        "{}",
        form.body
    );
    assert!(form.consent_cookie().is_none());
}

#[tokio::test]
async fn paths_outside_the_endpoints_reach_the_app() {
    let app = app();
    let answer = send(&app, get_with("/_consentx", &[])).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "axum's own 404");
    assert!(answer.body.is_empty());
    let custom = app_with(builder().endpoint_prefix("/privacy"));
    assert_eq!(
        send(&custom, get_with("/privacy", &[])).await.json()["decided"],
        false
    );
}

#[tokio::test]
async fn the_banner_and_its_assets_are_served_with_caching() {
    let app = app();
    let banner = send(&app, get_with("/_consent/banner?return_to=/shop", &[])).await;
    assert_eq!(banner.status, StatusCode::OK);
    assert_eq!(banner.headers[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(banner.body.contains("id=\"tc-banner\""));
    assert!(banner.body.contains("value=\"/shop\""));

    let settings = send(
        &app,
        get_with("/_consent/settings", &[("accept-language", "fr")]),
    )
    .await;
    assert!(settings
        .body
        .to_ascii_lowercase()
        .starts_with("<!doctype html>"));
    assert!(settings.body.contains("lang=\"fr\""));

    for (path, content_type) in [
        ("/_consent/banner.js", "text/javascript; charset=utf-8"),
        ("/_consent/banner.css", "text/css; charset=utf-8"),
    ] {
        let asset = send(&app, get_with(path, &[])).await;
        assert_eq!(asset.status, StatusCode::OK);
        assert_eq!(asset.headers[CONTENT_TYPE], content_type);
        assert!(!asset.body.is_empty());
        let etag = asset.headers[ETAG].to_str().unwrap().to_owned();
        let version = etag.trim_matches('"');
        assert!(banner.body.contains(&format!("?v={version}")));
        let again = send(&app, get_with(path, &[(IF_NONE_MATCH.as_str(), &etag)])).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        let versioned = send(&app, get_with(&format!("{path}?v={version}"), &[])).await;
        assert!(versioned.headers[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable"));
    }
}

#[tokio::test]
async fn head_requests_get_headers_only() {
    let request = Request::head("/_consent").body(Body::empty()).unwrap();
    let answer = send(&app(), request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn the_banner_opens_until_a_decision_and_again_after_a_revision_bump() {
    let app = app();
    let closed_marker = "id=\"tc-banner\"";
    let fresh = send(&app, get_with("/_consent/banner", &[])).await;
    let dialog = |body: &str| {
        let start = body.find(closed_marker).unwrap();
        body[start..start + body[start..].find('>').unwrap()].to_owned()
    };
    assert!(!dialog(&fresh.body).contains("hidden"));
    let cookie = send(&app, json_choice(r#"{"action":"reject_all"}"#))
        .await
        .consent_cookie()
        .unwrap();
    let decided = send(&app, get_with("/_consent/banner", &[("cookie", &cookie)])).await;
    assert!(dialog(&decided.body).contains("hidden"));
    let bumped = app_with(builder().revision(2));
    let again = send(
        &bumped,
        get_with("/_consent/banner", &[("cookie", &cookie)]),
    )
    .await;
    assert!(!dialog(&again.body).contains("hidden"));
}

#[tokio::test]
async fn gpc_refuses_marketing_over_an_earlier_opt_in_and_remembers_it() {
    let app = app();
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#))
        .await
        .consent_cookie()
        .unwrap();
    let with_gpc = get_with(
        "/",
        &[
            ("cookie", &format!("{accepted}; _fbp=fb.1")),
            ("sec-gpc", "1"),
        ],
    );
    let answer = send(&app, with_gpc).await;
    assert_eq!(answer.body, "necessary,preferences,analytics");
    assert!(answer
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("_fbp=; Max-Age=0")));
    let remembered = answer
        .consent_cookie()
        .expect("the GPC opt-out is recorded");

    let state = send(&app, get_with("/_consent", &[("cookie", &remembered)]))
        .await
        .json();
    assert_eq!(state["source"], "gpc");
    assert_eq!(state["gpc"]["seen"], false);
    assert_eq!(
        granted_keys(&state),
        ["necessary", "preferences", "analytics"]
    );

    let state = send(
        &app,
        get_with("/_consent", &[("cookie", &remembered), ("sec-gpc", "1")]),
    )
    .await
    .json();
    assert_eq!(
        state["gpc"],
        serde_json::json!({"seen": true, "honoured": true, "applied": true})
    );
    let banner = send(
        &app,
        get_with(
            "/_consent/banner",
            &[("cookie", &remembered), ("sec-gpc", "1")],
        ),
    )
    .await;
    assert!(banner.body.contains("tc-gpc"));
}

#[tokio::test]
async fn an_explicit_opt_in_while_sending_gpc_wins() {
    let app = app();
    let request = same_origin(Method::POST, "/_consent")
        .header(CONTENT_TYPE, "application/json")
        .header("sec-gpc", "1")
        .body(Body::from(r#"{"action":"custom","granted":["marketing"]}"#))
        .unwrap();
    let answer = send(&app, request).await;
    assert_eq!(granted_keys(&answer.json()), ["necessary", "marketing"]);
    let cookie = answer.consent_cookie().unwrap();
    let seen = send(
        &app,
        get_with("/", &[("cookie", &cookie), ("sec-gpc", "1")]),
    )
    .await;
    assert_eq!(seen.body, "necessary,marketing");
    assert!(seen.consent_cookie().is_none(), "nothing to re-record");
    let state = send(
        &app,
        get_with("/_consent", &[("cookie", &cookie), ("sec-gpc", "1")]),
    )
    .await
    .json();
    assert_eq!(state["gpc"]["applied"], false);
}

#[tokio::test]
async fn gpc_json_is_served_only_where_gpc_is_honoured() {
    let answer = send(&app(), get_with("/.well-known/gpc.json", &[])).await;
    assert_eq!(answer.headers[CONTENT_TYPE], "application/json");
    assert_eq!(
        answer.json(),
        serde_json::json!({"gpc": true, "lastUpdate": "2026-11-24"})
    );

    let ignoring = app_with(builder().honour_gpc(false));
    assert_eq!(
        send(&ignoring, get_with("/.well-known/gpc.json", &[]))
            .await
            .body,
        "app's own"
    );
    // With regions read, the layer honours GPC where the law binds it (California's
    // row), and says so; unless the app overrides every such row.
    let binding_somewhere = || {
        builder()
            .honour_gpc(false)
            .region_source(RegionSource::cloudflare())
    };
    assert_eq!(
        send(
            &app_with(binding_somewhere()),
            get_with("/.well-known/gpc.json", &[])
        )
        .await
        .json()["gpc"],
        true
    );
    let binding_nowhere = include_str!("../data/regimes.tsv")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields.get(2) == Some(&"yes")).then(|| fields[0])
        })
        .fold(binding_somewhere(), |builder, region| {
            builder.gpc_binding_in(region, false)
        });
    assert_eq!(
        send(
            &app_with(binding_nowhere),
            get_with("/.well-known/gpc.json", &[])
        )
        .await
        .body,
        "app's own"
    );
    let accepted = send(&ignoring, json_choice(r#"{"action":"accept_all"}"#))
        .await
        .consent_cookie()
        .unwrap();
    let seen = send(
        &ignoring,
        get_with("/", &[("cookie", &accepted), ("sec-gpc", "1")]),
    )
    .await;
    assert_eq!(seen.body, "necessary,preferences,analytics,marketing");
}

#[test]
fn endpoint_settings_are_validated() {
    use tower_consent::BuildError;
    for prefix in ["", "/", "consent", "/consent/", "/a b", "//x"] {
        assert!(
            matches!(
                builder().endpoint_prefix(prefix).build(),
                Err(BuildError::InvalidPrefix(_))
            ),
            "{prefix:?}"
        );
    }
    assert!(matches!(
        builder().allowed_origin("example.com").build(),
        Err(BuildError::InvalidOrigin(_))
    ));
    assert!(matches!(
        builder().default_language("ja").build(),
        Err(BuildError::InvalidLanguage(_))
    ));
    assert!(matches!(
        builder()
            .banner_texts("not a tag", tower_consent::BannerTexts::english())
            .build(),
        Err(BuildError::InvalidLanguage(_))
    ));
    assert!(matches!(
        builder().gpc_last_update("24/11/2026").build(),
        Err(BuildError::InvalidGpcDate(_))
    ));
    let italian = builder()
        .banner_texts(
            "it",
            tower_consent::BannerTexts {
                title: "Cookie".into(),
                ..tower_consent::BannerTexts::english()
            },
        )
        .default_language("it");
    assert!(italian.build().is_ok());
}

/// Issue 21, finding 22: JSON answers (the state, errors, the declaration's JSON, the
/// report, the GPC document) lacked `X-Content-Type-Options: nosniff`.
#[tokio::test]
async fn json_answers_carry_nosniff() {
    let app = app_with(builder().report_endpoint(|_: &http::request::Parts| true));
    let answers = [
        ("state", send(&app, get_with("/_consent", &[])).await),
        (
            "choice",
            send(&app, json_choice(r#"{"action":"accept_all"}"#)).await,
        ),
        ("bad request", send(&app, json_choice("{")).await),
        (
            "not found",
            send(&app, get_with("/_consent/nope", &[])).await,
        ),
        (
            "method",
            send(
                &app,
                same_origin(Method::PUT, "/_consent")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await,
        ),
        (
            "declaration",
            send(
                &app,
                get_with("/_consent/cookies", &[("accept", "application/json")]),
            )
            .await,
        ),
        (
            "report",
            send(&app, get_with("/_consent/report", &[])).await,
        ),
        (
            "gpc.json",
            send(&app, get_with("/.well-known/gpc.json", &[])).await,
        ),
    ];
    for (what, answer) in answers {
        assert_eq!(answer.headers[CONTENT_TYPE], "application/json", "{what}");
        assert_eq!(
            answer
                .headers
                .get("x-content-type-options")
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{what}"
        );
    }
}

/// Issue 22: categories nothing of the configuration uses can be left out of the banner.
#[tokio::test]
async fn unused_categories_can_be_left_out_of_the_banner() {
    let offered = |hide: bool, html_gate: bool| async move {
        let builder = ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .analytics(["_ga"])
            .custom_category(tower_consent::CustomCategory::new(
                "ab_testing",
                "A/B testing",
                "Compares two versions of a page.",
            ))
            .hide_unused_categories(hide);
        let builder = match html_gate {
            true => builder,
            false => builder.without_html_gate(),
        };
        let app = app_with(builder);
        let banner = send(&app, get_with("/_consent/banner", &[])).await.body;
        [
            "necessary",
            "preferences",
            "analytics",
            "marketing",
            "ab_testing",
        ]
        .into_iter()
        .filter(|key| banner.contains(&format!("name=\"granted\" value=\"{key}\"")))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        offered(false, false).await,
        [
            "necessary",
            "preferences",
            "analytics",
            "marketing",
            "ab_testing"
        ]
    );
    assert_eq!(offered(true, false).await, ["necessary", "analytics"]);
    // The HTML gate, on by default, holds back the catalog's analytics and marketing
    // resources: both are in use.
    assert_eq!(
        offered(true, true).await,
        ["necessary", "analytics", "marketing"]
    );
}
