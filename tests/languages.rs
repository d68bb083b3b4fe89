//! Banner languages: every built-in language is offered and chosen by
//! `Accept-Language`; custom categories are labelled per language; translations for
//! languages the banner does not offer are refused by `build()`.

use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{BannerTexts, BuildError, ConsentLayer, CustomCategory};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn ab_testing() -> CustomCategory {
    CustomCategory::new(
        "ab_testing",
        "A/B testing",
        "Compares two versions of a page.",
    )
    .label_in("de", "A/B-Tests", "Vergleicht zwei Versionen einer Seite.")
    .label_in("pl", "Testy A/B", "Porównują dwie wersje strony.")
}

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(ab_testing())
        .build()
        .expect("valid configuration")
}

/// `GET /_consent` with this `Accept-Language`: the JSON state.
async fn state(accept_language: &str) -> Value {
    let service = layer().layer(service_fn(|_: Request<String>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    }));
    let request = Request::get("/_consent")
        .header("accept-language", accept_language)
        .body(String::new())
        .unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

fn label(state: &Value, key: &str) -> String {
    state["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .map(|c| c["label"].as_str().unwrap().to_owned())
        .unwrap()
}

#[tokio::test]
async fn every_builtin_language_is_chosen_by_accept_language() {
    for code in BannerTexts::BUILTIN_LANGUAGES {
        let texts = BannerTexts::builtin(code).unwrap();
        // A regional variant and a lower-priority English.
        let state = state(&format!("{code}-XX, en;q=0.1")).await;
        assert_eq!(state["language"], code);
        assert_eq!(label(&state, "necessary"), texts.necessary.label, "{code}");
        assert_eq!(label(&state, "analytics"), texts.analytics.label, "{code}");
    }
    // Not an EU language: the default.
    assert_eq!(state("ja, zh;q=0.8").await["language"], "en");
}

#[tokio::test]
async fn custom_categories_are_labelled_per_language() {
    assert_eq!(label(&state("de-CH").await, "ab_testing"), "A/B-Tests");
    assert_eq!(label(&state("pl").await, "ab_testing"), "Testy A/B");
    // No translation for Italian: the declared texts.
    assert_eq!(label(&state("it").await, "ab_testing"), "A/B testing");
    assert_eq!(label(&state("en").await, "ab_testing"), "A/B testing");
}

#[test]
fn translations_need_a_banner_language() {
    let build = |category: CustomCategory| {
        ConsentLayer::builder()
            .secret(SECRET)
            .custom_category(category)
            .build()
    };
    let refused = |language: &str| {
        build(ab_testing().label_in(language, "x", "y"))
            .map(|_| ())
            .unwrap_err()
    };
    assert_eq!(refused("ja"), BuildError::InvalidLanguage("ja".into()));
    assert_eq!(refused("sr"), BuildError::InvalidLanguage("sr".into()));
    assert_eq!(
        refused("not a tag"),
        BuildError::InvalidLanguage("not a tag".into())
    );
    assert_eq!(refused(""), BuildError::InvalidLanguage(String::new()));
    // Case does not matter; a primary subtag of a banner language is fine.
    assert!(build(ab_testing().label_in("FR", "Tests A/B", "Compare.")).is_ok());
    let regional = ConsentLayer::builder()
        .secret(SECRET)
        .banner_texts("sr-Latn", BannerTexts::english())
        .custom_category(ab_testing().label_in("sr", "A/B testiranje", "Poredi."))
        .build();
    assert!(regional.is_ok());
}
