//! The cookie declaration (`GET {prefix}/cookies`, `ConsentLayer::declaration`) end to
//! end: app rules, catalog entries the site was seen to use, custom categories, HTML and
//! JSON, escaping, and the banner's "Show cookies" lists.
#![cfg(feature = "axum")]

use std::time::Duration;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::{
    ACCEPT, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, SET_COOKIE, VARY,
};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use tower_consent::{
    Category, ConsentLayer, CustomCategory, DeclaredCookie, Lifetime, Party, Rule, Storage,
    StorageRule,
};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";
const HOSTILE: &str = "\"><script>alert('x')</script>&";

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new(
            "ab",
            "A/B tests",
            "Compares versions of a page.",
        ))
        .rule(
            Rule::new("session", Category::Necessary)
                .purpose("Keeps you signed in.")
                .lifetime(Lifetime::Session),
        )
        .rule(
            Rule::new("theme", Category::Preferences)
                .purpose("Remembers the colour theme you chose.")
                .lifetime(Lifetime::For(Duration::from_secs(365 * 86_400))),
        )
        .classify(Category::Custom("ab"), ["exp_*"])
        .rule(
            Rule::new("VISITOR_INFO1_LIVE", Category::Marketing)
                .provider("YouTube")
                .purpose("Estimates bandwidth for embedded videos.")
                .lifetime(Lifetime::For(Duration::from_secs(180 * 86_400)))
                .third_party(),
        )
        .known_trackers()
        .build()
        .expect("valid configuration")
}

fn app(layer: ConsentLayer) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { ([(SET_COOKIE, "_hjSessionUser_42=abc; Path=/")], "hello") }),
        )
        .layer(layer)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn get_with(app: &Router, path: &str, headers: &[(http::HeaderName, &str)]) -> Answer {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// The names of the cookies (not the storage keys) of a category.
fn names(cookies: &[DeclaredCookie]) -> Vec<&str> {
    cookies
        .iter()
        .filter(|c| c.storage == Storage::Cookie)
        .map(|c| c.name.as_str())
        .collect()
}

/// The storage keys of a category, with where each is kept.
fn storage_keys(cookies: &[DeclaredCookie]) -> Vec<(&str, Storage)> {
    cookies
        .iter()
        .filter(|c| c.storage != Storage::Cookie)
        .map(|c| (c.name.as_str(), c.storage))
        .collect()
}

#[tokio::test]
async fn lists_app_rules_and_only_the_catalog_entries_seen() {
    let layer = layer();
    let app = app(layer.clone());

    // Before any traffic: the app's rules only, every category listed.
    let before = layer.declaration();
    let keys: Vec<&str> = before.categories.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        ["necessary", "preferences", "analytics", "marketing", "ab"]
    );
    assert_eq!(names(&before.categories[0].cookies), ["consent", "session"]);
    assert_eq!(names(&before.categories[1].cookies), ["theme"]);
    assert!(before.categories[2].cookies.is_empty());
    assert_eq!(names(&before.categories[3].cookies), ["VISITOR_INFO1_LIVE"]);
    assert_eq!(names(&before.categories[4].cookies), ["exp_*"]);
    assert_eq!(before.categories[4].label, "A/B tests");

    // Requests of three browsers carrying _ga and _fbp, and a response setting a
    // Hotjar cookie: the catalog entries that classified them are now listed, and
    // nothing else.
    let answer = sent_by_three_browsers(&app, "_ga=GA1.2.3.4; _fbp=fb.1.2.3; other=1").await;
    assert_eq!(answer.status, StatusCode::OK);
    let after = layer.declaration();
    assert_eq!(
        names(&after.categories[2].cookies),
        ["_ga", "_hjSessionUser_*"]
    );
    assert_eq!(
        names(&after.categories[3].cookies),
        ["VISITOR_INFO1_LIVE", "_fbp"]
    );
    // Hotjar's cookies were seen: the keys its script keeps in the browser's storage
    // are listed too, after the cookies, as their own type.
    assert_eq!(
        storage_keys(&after.categories[2].cookies),
        [
            ("hjActiveViewportIds", Storage::Local),
            ("hjViewportId", Storage::Session),
            ("_hj*", Storage::Local),
            ("_hj*", Storage::Session),
        ]
    );
    assert!(storage_keys(&before.categories[2].cookies).is_empty());
    assert!(
        storage_keys(&after.categories[3].cookies).is_empty(),
        "no vendor seen"
    );
    let ga = &after.categories[2].cookies[0];
    assert_eq!(ga.provider, "Google Analytics");
    assert_eq!(ga.lifetime.as_deref(), Some("2 years"));
    assert_eq!(ga.lifetime_seconds, Some(2 * 365 * 86_400));
    assert_eq!(ga.party, Party::First);
    assert!(ga.catalog);
    assert!(ga.purpose.as_deref().is_some_and(|p| !p.is_empty()));

    let consent = &after.categories[0].cookies[0];
    assert_eq!(consent.provider, "This site");
    assert_eq!(
        consent.purpose.as_deref(),
        Some("Remembers your cookie choice.")
    );
    assert_eq!(consent.lifetime.as_deref(), Some("183 days"));
    assert!(!consent.catalog);
    let youtube = &after.categories[3].cookies[0];
    assert_eq!(youtube.party, Party::Third);
    assert_eq!(youtube.provider, "YouTube");
    let exp = &after.categories[4].cookies[0];
    assert_eq!(exp.purpose, None);
    assert_eq!(exp.lifetime, None);

    // Layers are independent: another layer has seen nothing.
    assert!(self::layer().declaration().categories[2].cookies.is_empty());
}

#[tokio::test]
async fn the_endpoint_answers_html_or_json() {
    let layer = layer();
    let app = app(layer.clone());
    sent_by_three_browsers(&app, "_ga=1").await;

    let page = get_with(&app, "/_consent/cookies", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(page.headers[CACHE_CONTROL], "no-cache");
    assert!(page
        .headers
        .get_all(VARY)
        .iter()
        .any(|v| v == "accept, accept-language"));
    assert!(page.body.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(page.body.contains("<title>Cookie declaration</title>"));
    assert!(page
        .body
        .contains("<h3 id=\"tc-declaration-analytics\">Analytics</h3>"));
    assert!(page.body.contains(
        "<tr><td>theme</td><td>This site</td><td>Remembers the colour theme you chose.</td><td>1 year</td><td>First party</td></tr>"
    ));
    assert!(page.body.contains("<td>_ga</td><td>Google Analytics</td>"));
    assert!(page.body.contains(
        "<tr><td>exp_*</td><td>This site</td><td>Not stated</td><td>Not stated</td><td>First party</td></tr>"
    ));
    assert!(page.body.contains("<td>Third party</td>"));
    assert!(!page.body.contains("_fbp"), "not seen on this layer");
    assert!(!page.body.contains("<script"), "the page needs no script");

    let json = get_with(&app, "/_consent/cookies", &[(ACCEPT, "application/json")]).await;
    assert_eq!(json.headers[CONTENT_TYPE], "application/json");
    let value: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["language"], "en");
    assert_eq!(value["categories"][0]["key"], "necessary");
    assert_eq!(value["categories"][0]["cookies"][0]["name"], "consent");
    assert_eq!(value["categories"][0]["cookies"][0]["party"], "first");
    let analytics = &value["categories"][2]["cookies"][0];
    assert_eq!(analytics["name"], "_ga");
    assert_eq!(analytics["provider"], "Google Analytics");
    assert_eq!(analytics["lifetime_seconds"], 2 * 365 * 86_400);
    assert_eq!(analytics["catalog"], true);
    assert_eq!(value["categories"][4]["key"], "ab");
    assert_eq!(value["categories"][4]["cookies"][0]["purpose"], Value::Null);
    assert_eq!(
        value,
        serde_json::from_str::<Value>(&layer.declaration().to_json()).unwrap()
    );

    let german = get_with(&app, "/_consent/cookies", &[(ACCEPT_LANGUAGE, "de")]).await;
    assert!(german.body.contains("<title>Cookie-Erklärung</title>"));
    assert!(german.body.contains("<td>1 Jahr</td>"));
    assert!(german.body.contains("<td>Diese Website</td>"));

    let post = app
        .clone()
        .oneshot(
            Request::post("/_consent/cookies")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_text_is_escaped() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("x", HOSTILE, HOSTILE))
        .rule(
            Rule::new("hostile", Category::Custom("x"))
                .provider(HOSTILE)
                .purpose(HOSTILE),
        )
        .build()
        .unwrap();
    let html = layer.declaration().to_html();
    let app = app(layer);
    let page = get_with(&app, "/_consent/cookies", &[]).await.body;
    let banner = get_with(&app, "/_consent/banner", &[]).await.body;
    for html in [html, page, banner] {
        assert!(!html.contains(HOSTILE), "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
    }
}

#[tokio::test]
async fn the_banner_links_to_the_declaration_and_lists_each_categorys_cookies() {
    let layer = layer();
    let app = app(layer);
    sent_by_three_browsers(&app, "_ga=1").await;
    let banner = get_with(&app, "/_consent/banner", &[]).await.body;
    assert!(banner.contains(
        "<a href=\"/_consent/cookies\" id=\"tc-declaration-link\">Cookie declaration</a>"
    ));
    for key in ["necessary", "preferences", "analytics", "marketing", "ab"] {
        assert!(
            banner.contains(&format!(
                "<details class=\"tc-cookie-list\" id=\"tc-cookies-{key}\">\n<summary>Show cookies</summary>"
            )),
            "{key}"
        );
    }
    let analytics = banner
        .split("id=\"tc-cookies-analytics\"")
        .nth(1)
        .and_then(|rest| rest.split("</details>").next())
        .unwrap();
    assert!(analytics.contains("<td>_ga</td><td>Google Analytics</td>"));
    assert!(!analytics.contains("theme"));
    let preferences = banner
        .split("id=\"tc-cookies-preferences\"")
        .nth(1)
        .and_then(|rest| rest.split("</details>").next())
        .unwrap();
    assert!(preferences.contains("<td>theme</td>"));

    let french = get_with(&app, "/_consent/settings", &[(ACCEPT_LANGUAGE, "fr")])
        .await
        .body;
    assert!(french.contains("<summary>Voir les cookies</summary>"));
    assert!(french.contains(">Déclaration relative aux cookies</a>"));
}

#[test]
fn declaration_in_follows_the_language() {
    let layer = layer();
    assert_eq!(layer.declaration().language, "en");
    let spanish = layer.declaration_in("es-ES,es;q=0.9");
    assert_eq!(spanish.language, "es");
    assert_eq!(spanish.title, "Declaración de cookies");
    assert_eq!(layer.declaration_in("\n").language, "en");
}

/// A consent cookie of a browser that just refused (a new consent id each time).
async fn new_browser(app: &Router) -> String {
    let response = app
        .clone()
        .oneshot(
            Request::post("/_consent")
                .header("sec-fetch-site", "same-origin")
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"action":"reject_all"}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .find_map(|v| v.to_str().ok()?.strip_prefix("consent="))
        .expect("a consent cookie");
    format!("consent={}", cookie.split(';').next().unwrap())
}

/// Sends `cookies` to `/` from three browsers (three consent ids): what lists a catalog
/// entry seen only in requests.
async fn sent_by_three_browsers(app: &Router, cookies: &str) -> Answer {
    let mut last = None;
    for _ in 0..3 {
        let browser = new_browser(app).await;
        let cookie = format!("{browser}; {cookies}");
        last = Some(get_with(app, "/", &[(COOKIE, &cookie)]).await);
    }
    last.expect("three requests")
}

/// The catalog entries the declaration lists.
fn listed(layer: &ConsentLayer) -> Vec<String> {
    layer
        .declaration()
        .categories
        .iter()
        .flat_map(|category| &category.cookies)
        .filter(|cookie| cookie.catalog && cookie.storage == Storage::Cookie)
        .map(|cookie| cookie.name.clone())
        .collect()
}

/// Issue 21, finding 23: one request whose `Cookie` header named many catalog cookies
/// made the public declaration list hundreds of vendors (6 → 473 cookies, 1 → 110
/// providers). A name seen only in requests is listed once browsers of three consent ids
/// sent it, each request brings at most two entries a new witness, and at most 64
/// entries are listed from requests; what the app itself sets is listed at once.
#[tokio::test]
async fn one_visitor_cannot_fill_the_declaration() {
    let layer = layer();
    let app = app(layer.clone());
    // A cookie for every catalog entry.
    let every: Vec<String> = tower_consent::known_trackers()
        .iter()
        .map(|known| format!("{}=1", known.pattern.replace('*', "x")))
        .collect();
    let every = every.join("; ");
    let request = |cookie: String| {
        Request::get("/elsewhere")
            .header(COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };

    // Without a consent cookie, or from one browser however often: nothing.
    app.clone().oneshot(request(every.clone())).await.unwrap();
    let one = new_browser(&app).await;
    for _ in 0..10 {
        app.clone()
            .oneshot(request(format!("{one}; {every}")))
            .await
            .unwrap();
    }
    assert_eq!(listed(&layer), Vec::<String>::new());

    // Three browsers: at most two entries per request get a new witness.
    let browsers = [one, new_browser(&app).await, new_browser(&app).await];
    for browser in &browsers[1..] {
        app.clone()
            .oneshot(request(format!("{browser}; {every}")))
            .await
            .unwrap();
    }
    assert_eq!(listed(&layer).len(), 2, "{:?}", listed(&layer));

    // However many requests they send, at most 64 entries are listed from requests.
    for round in 0..150 {
        let browser = &browsers[round % 3];
        app.clone()
            .oneshot(request(format!("{browser}; {every}")))
            .await
            .unwrap();
    }
    assert_eq!(listed(&layer).len(), 64);
    // The app's own Set-Cookie is listed at once, past the bound.
    get_with(&app, "/", &[]).await;
    let listed = listed(&layer);
    assert_eq!(listed.len(), 65);
    assert!(listed.contains(&"_hjSessionUser_*".to_owned()));
}

/// Issue 22: an app rule naming a cookie the catalog knows (`.analytics(["_ga"])`, as
/// the quick start writes) keeps the catalog's provider, purpose and lifetime, unless
/// the rule states its own.
#[test]
fn an_app_rule_for_a_catalog_cookie_keeps_the_catalog_facts() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .analytics(["_ga", "_ga_ABC123", "my_own"])
        .rule(Rule::new("_fbp", Category::Marketing).provider("Meta, via our tag manager"))
        .build()
        .expect("valid configuration");
    let declaration = layer.declaration();
    let find = |name: &str| -> DeclaredCookie {
        declaration
            .categories
            .iter()
            .flat_map(|c| &c.cookies)
            .find(|c| c.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} is declared"))
    };
    let ga = find("_ga");
    assert_eq!(ga.provider, "Google Analytics");
    assert!(ga.purpose.is_some() && ga.lifetime.is_some(), "{ga:?}");
    assert!(!ga.catalog, "it is the app's rule");
    // An exact name a catalog pattern (`_ga_*`) covers.
    assert_eq!(find("_ga_ABC123").provider, "Google Analytics");
    let fbp = find("_fbp");
    assert_eq!(fbp.provider, "Meta, via our tag manager");
    assert!(fbp.purpose.is_some(), "the catalog's purpose fills the gap");
    let own = find("my_own");
    assert_eq!(own.provider, "This site");
    assert_eq!(own.purpose, None);
}

/// Issue 24: keys the app declares in the browser's storage are listed as their own
/// type in the declaration, its JSON and the banner's lists; the built-in ones of a
/// vendor only once the site was seen to use that vendor's cookies.
#[tokio::test]
async fn storage_keys_are_listed_as_their_own_type() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .storage(
            StorageRule::local("ab_variant_*", Category::Analytics)
                .purpose("Remembers which variant of a page you saw."),
        )
        .session_storage(Category::Preferences, ["draft"])
        .known_trackers()
        .build()
        .expect("valid configuration");
    let declaration = layer.declaration();
    let analytics = &declaration.categories[2];
    assert_eq!(
        storage_keys(&analytics.cookies),
        [("ab_variant_*", Storage::Local)]
    );
    let variant = &analytics.cookies[0];
    assert_eq!(variant.provider, "This site");
    assert_eq!(variant.lifetime.as_deref(), Some("Until deleted"));
    assert_eq!(variant.lifetime_seconds, None);
    assert!(!variant.catalog);
    assert_eq!(
        storage_keys(&declaration.categories[1].cookies),
        [("draft", Storage::Session)]
    );
    // Amplitude's keys wait until its cookies are seen.
    assert!(!analytics.cookies.iter().any(|c| c.name == "AMP_*"));

    let html = declaration.to_html();
    assert!(html.contains(
        "<tr><td>ab_variant_*</td><td>This site</td><td>Remembers which variant of a page you saw.</td><td>Until deleted</td><td>Local storage</td></tr>"
    ), "{html}");
    assert!(html.contains(
        "<tr><td>draft</td><td>This site</td><td>Not stated</td><td>Session</td><td>Session storage</td></tr>"
    ), "{html}");
    let json: Value = serde_json::from_str(&declaration.to_json()).unwrap();
    assert_eq!(json["categories"][2]["cookies"][0]["storage"], "local");
    assert_eq!(json["categories"][0]["cookies"][0]["storage"], "cookie");

    // In German, and in the banner's "Show cookies" lists.
    let app = app(layer);
    let page = get_with(&app, "/_consent/cookies", &[(ACCEPT_LANGUAGE, "de")]).await;
    assert!(
        page.body
            .contains("<td>Bis zur Löschung</td><td>Lokaler Speicher</td>"),
        "{}",
        page.body
    );
    let settings = get_with(&app, "/_consent/settings", &[]).await;
    assert!(
        settings.body.contains("<td>ab_variant_*</td>"),
        "{}",
        settings.body
    );
}

#[test]
fn storage_patterns_are_checked() {
    let error = ConsentLayer::builder()
        .secret(SECRET)
        .local_storage(Category::Analytics, ["*"])
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            tower_consent::BuildError::InvalidStoragePattern { .. }
        ),
        "{error:?}"
    );
}
