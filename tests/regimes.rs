//! Regimes by region (issue 25), end to end through the layer: which cookies pass, are
//! stripped and are purged for each regime × GPC × prior explicit choice × category; a
//! visitor who travels; the JSON state and `Consent` in handlers; the ledger's regime
//! and region; the banner each region gets; the builder's checks.

mod common;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE, VARY};
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use common::{builder, send, Answer, SECRET};
use tower_consent::{
    BuildError, Category, Choice, ConsentBanner, ConsentLayer, ConsentLayerBuilder, Regime,
    RegionSource,
};

/// The cookies the app sets on every response, one per category.
const APP_COOKIES: [&str; 4] = [
    "session=s; Path=/",
    "theme=dark; Path=/",
    "_ga=GA1.1.1; Path=/",
    "_fbp=fb.1.2; Path=/",
];
/// What the browser sends back, one per category.
const BROWSER_COOKIES: &str = "session=1; theme=light; _ga=GA1.2.3; _fbp=fb.1.2";

fn regional() -> ConsentLayerBuilder {
    builder().region_source(RegionSource::cloudflare())
}

/// Where the visitor is, as Cloudflare's headers say.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// No region header.
    Nowhere,
    Germany,
    California,
    /// Virginia: opt-out, GPC not binding.
    Virginia,
    /// Wyoming: no comprehensive privacy law, the fallback.
    Wyoming,
}

impl Place {
    fn headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Place::Nowhere => &[],
            Place::Germany => &[("cf-ipcountry", "DE")],
            Place::California => &[("cf-ipcountry", "US"), ("cf-region-code", "CA")],
            Place::Virginia => &[("cf-ipcountry", "US"), ("cf-region-code", "VA")],
            Place::Wyoming => &[("cf-ipcountry", "US"), ("cf-region-code", "WY")],
        }
    }
}

fn request(place: Place, gpc: bool, cookies: &[&str]) -> Request<String> {
    let mut request = Request::builder()
        .uri("/")
        .header("sec-fetch-site", "same-origin");
    for (name, value) in place.headers() {
        request = request.header(*name, *value);
    }
    if gpc {
        request = request.header("sec-gpc", "1");
    }
    for cookie in cookies {
        request = request.header(COOKIE, *cookie);
    }
    request.body(String::new()).unwrap()
}

/// The body `app` answers to a `GET` of `uri` from `place` (with `Sec-GPC: 1` if
/// `gpc`), in `language`.
async fn body_of(app: &Router, uri: &str, place: Place, gpc: bool, language: &str) -> String {
    let mut request = Request::get(uri).header("accept-language", language);
    for (name, value) in place.headers() {
        request = request.header(*name, *value);
    }
    if gpc {
        request = request.header("sec-gpc", "1");
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// What happened to each category's cookie on one request.
#[derive(Debug, PartialEq, Eq)]
struct Fate {
    /// The app received the browser's cookie.
    received: bool,
    /// The app's `Set-Cookie` went out.
    set: bool,
    /// The layer deleted the browser's cookie.
    purged: bool,
}

const PASSES: Fate = Fate {
    received: true,
    set: true,
    purged: false,
};
const WITHHELD: Fate = Fate {
    received: false,
    set: false,
    purged: true,
};

/// The fate of `session`, `theme`, `_ga` and `_fbp` on a page request.
async fn fates(layer: &ConsentLayer, place: Place, gpc: bool, consent: Option<&str>) -> Vec<Fate> {
    let mut cookies = vec![BROWSER_COOKIES];
    cookies.extend(consent);
    let outcome = send(
        layer,
        request(place, gpc, &cookies),
        Answer::setting(&APP_COOKIES),
    )
    .await;
    let received = outcome.received_text().join("; ");
    let set_cookies = outcome.set_cookies();
    ["session", "theme", "_ga", "_fbp"]
        .into_iter()
        .map(|name| Fate {
            received: received
                .split("; ")
                .any(|pair| pair.starts_with(&format!("{name}="))),
            set: set_cookies
                .iter()
                .any(|v| v.starts_with(&format!("{name}=")) && !v.contains("Max-Age=0")),
            purged: set_cookies
                .iter()
                .any(|v| v.starts_with(&format!("{name}=")) && v.contains("Max-Age=0")),
        })
        .collect()
}

/// A consent cookie (`name=value`) recording `choice`, made in `place`.
async fn choice_cookie(layer: &ConsentLayer, place: Place, choice: Choice) -> String {
    let outcome = send(layer, request(place, false, &[]), Answer::choosing(choice)).await;
    outcome.consent_cookie("consent").expect("a consent cookie")
}

#[tokio::test]
async fn regime_gpc_prior_choice_and_category_decide_each_cookie() {
    let layer = regional().build().unwrap();
    let necessary_only = [PASSES, WITHHELD, WITHHELD, WITHHELD];
    let all = [PASSES, PASSES, PASSES, PASSES];
    let but_marketing = [PASSES, PASSES, PASSES, WITHHELD];

    // Opt-in (Germany, no region, a region without a law): as today.
    for place in [Place::Nowhere, Place::Germany, Place::Wyoming] {
        for gpc in [false, true] {
            assert_eq!(
                fates(&layer, place, gpc, None).await,
                necessary_only,
                "{place:?} {gpc}"
            );
        }
    }
    // Opt-out: everything until refused; GPC refuses marketing (sale/share).
    for place in [Place::California, Place::Virginia] {
        assert_eq!(fates(&layer, place, false, None).await, all, "{place:?}");
        assert_eq!(
            fates(&layer, place, true, None).await,
            but_marketing,
            "{place:?}"
        );
    }

    // A prior explicit choice wins over every regime's defaults.
    let rejected = choice_cookie(&layer, Place::Germany, Choice::reject_all()).await;
    let accepted = choice_cookie(&layer, Place::Germany, Choice::accept_all()).await;
    let analytics =
        choice_cookie(&layer, Place::Germany, Choice::only([Category::Analytics])).await;
    let analytics_only = [PASSES, WITHHELD, PASSES, WITHHELD];
    for place in [
        Place::Nowhere,
        Place::Germany,
        Place::California,
        Place::Virginia,
    ] {
        assert_eq!(
            fates(&layer, place, false, Some(&rejected)).await,
            necessary_only
        );
        assert_eq!(fates(&layer, place, false, Some(&accepted)).await, all);
        assert_eq!(
            fates(&layer, place, false, Some(&analytics)).await,
            analytics_only
        );
        // GPC refuses marketing over an opt-in made without it, in every regime.
        assert_eq!(
            fates(&layer, place, true, Some(&accepted)).await,
            but_marketing
        );
        assert_eq!(
            fates(&layer, place, true, Some(&rejected)).await,
            necessary_only
        );
    }

    // "Do Not Sell or Share", made in California: marketing refused wherever the
    // visitor goes; the rest follows the regime of where they are.
    let do_not_sell =
        choice_cookie(&layer, Place::California, Choice::do_not_sell_or_share()).await;
    assert_eq!(
        fates(&layer, Place::California, false, Some(&do_not_sell)).await,
        but_marketing
    );
    assert_eq!(
        fates(&layer, Place::Germany, false, Some(&do_not_sell)).await,
        necessary_only
    );
}

#[tokio::test]
async fn gpc_is_binding_where_the_law_says_so_even_if_the_app_does_not_honour_it() {
    let layer = regional().honour_gpc(false).build().unwrap();
    let all = [PASSES, PASSES, PASSES, PASSES];
    let but_marketing = [PASSES, PASSES, PASSES, WITHHELD];
    // California's regulations make the signal binding (11 CCR 7025).
    assert_eq!(
        fates(&layer, Place::California, true, None).await,
        but_marketing
    );
    // Virginia's law does not; the app chose not to honour it.
    assert_eq!(fates(&layer, Place::Virginia, true, None).await, all);
    // The app can say otherwise for a region.
    let stricter = regional()
        .honour_gpc(false)
        .gpc_binding_in("US-VA", true)
        .build()
        .unwrap();
    assert_eq!(
        fates(&stricter, Place::Virginia, true, None).await,
        but_marketing
    );
}

#[tokio::test]
async fn gpc_in_an_opt_out_region_is_recorded_on_the_first_request() {
    let layer = regional().build().unwrap();
    let outcome = send(
        &layer,
        request(Place::California, true, &[BROWSER_COOKIES]),
        Answer::default(),
    )
    .await;
    let cookie = outcome
        .consent_cookie("consent")
        .expect("the refusal is recorded");
    let consent = &outcome.consent;
    assert_eq!(consent.regime(), Regime::OptOut);
    assert_eq!(consent.source(), Some(tower_consent::Source::Gpc));
    assert!(!consent.allows(Category::Marketing));
    assert!(consent.allows(Category::Analytics));
    // The next request carries it: nothing more to record.
    let again = send(
        &layer,
        request(Place::California, true, &[BROWSER_COOKIES, &cookie]),
        Answer::default(),
    )
    .await;
    assert_eq!(again.consent_cookie("consent"), None);
    // In an opt-in region nothing is recorded: nothing is granted to refuse.
    let germany = send(
        &layer,
        request(Place::Germany, true, &[]),
        Answer::default(),
    )
    .await;
    assert_eq!(germany.consent_cookie("consent"), None);
}

#[tokio::test]
async fn defaults_follow_the_region_explicit_choices_follow_the_visitor() {
    let layer = regional().build().unwrap();
    let journey = [
        Place::California,
        Place::Germany,
        Place::Virginia,
        Place::Nowhere,
    ];
    // Without a choice: the defaults of where the visitor is, never written down.
    for place in journey {
        let outcome = send(
            &layer,
            request(place, false, &[BROWSER_COOKIES]),
            Answer::default(),
        )
        .await;
        assert_eq!(outcome.consent_cookie("consent"), None, "{place:?}");
        let opt_out = matches!(place, Place::California | Place::Virginia);
        assert_eq!(
            outcome.consent.allows(Category::Analytics),
            opt_out,
            "{place:?}"
        );
        assert!(!outcome.consent.decided());
    }
    // Accepting analytics only, in Germany, holds everywhere: marketing stays off even
    // in California.
    let analytics =
        choice_cookie(&layer, Place::Germany, Choice::only([Category::Analytics])).await;
    for place in journey {
        let outcome = send(
            &layer,
            request(place, false, &[&analytics]),
            Answer::default(),
        )
        .await;
        assert!(outcome.consent.allows(Category::Analytics), "{place:?}");
        assert!(!outcome.consent.allows(Category::Marketing), "{place:?}");
        assert!(!outcome.consent.allows(Category::Preferences), "{place:?}");
    }
    // A "Do Not Sell or Share" travels as what it is: marketing refused, the rest left
    // to the regime.
    let do_not_sell = choice_cookie(&layer, Place::Virginia, Choice::do_not_sell_or_share()).await;
    let at = |place| {
        let layer = &layer;
        let cookie = &do_not_sell;
        async move {
            let outcome = send(layer, request(place, false, &[cookie]), Answer::default()).await;
            (
                outcome.consent.allows(Category::Analytics),
                outcome.consent.allows(Category::Marketing),
            )
        }
    };
    assert_eq!(at(Place::California).await, (true, false));
    assert_eq!(at(Place::Germany).await, (false, false));
}

#[tokio::test]
async fn boxes_left_ticked_in_an_opt_out_region_are_not_consent_elsewhere() {
    let layer = regional().build().unwrap();
    // In California the settings open with every box ticked; the visitor unticks
    // marketing and saves: preferences and analytics stay as they were.
    let all_but_marketing = |place| {
        choice_cookie(
            &layer,
            place,
            Choice::only([Category::Preferences, Category::Analytics]),
        )
    };
    let kept_ticked = all_but_marketing(Place::California).await;
    assert_eq!(
        fates(&layer, Place::California, false, Some(&kept_ticked)).await,
        [PASSES, PASSES, PASSES, WITHHELD]
    );
    // In Germany nobody consented to analytics or preferences: they are withheld, the
    // refusal of marketing holds, and the banner asks.
    assert_eq!(
        fates(&layer, Place::Germany, false, Some(&kept_ticked)).await,
        [PASSES, WITHHELD, WITHHELD, WITHHELD]
    );
    let banner_open = |cookie: String| {
        let layer = &layer;
        async move {
            let outcome = send(
                layer,
                request(Place::Germany, false, &[&cookie]),
                Answer::default(),
            )
            .await;
            (outcome.consent.decided(), outcome.consent.needs_banner())
        }
    };
    assert_eq!(banner_open(kept_ticked).await, (true, true));
    // So does a "Do Not Sell or Share" made in Virginia.
    let do_not_sell = choice_cookie(&layer, Place::Virginia, Choice::do_not_sell_or_share()).await;
    assert_eq!(banner_open(do_not_sell).await, (true, true));
    // The same custom choice made in Germany is consent, in Germany and elsewhere.
    let consented = all_but_marketing(Place::Germany).await;
    assert_eq!(
        fates(&layer, Place::Germany, false, Some(&consented)).await,
        [PASSES, PASSES, PASSES, WITHHELD]
    );
    assert_eq!(banner_open(consented).await, (true, false));
    // "Accept all" is an act of consent wherever it is clicked.
    let accepted = choice_cookie(&layer, Place::California, Choice::accept_all()).await;
    assert_eq!(
        fates(&layer, Place::Germany, false, Some(&accepted)).await,
        [PASSES; 4]
    );
    assert_eq!(banner_open(accepted).await, (true, false));
}

#[tokio::test]
async fn handlers_and_the_json_state_see_regime_and_region() {
    let layer = regional().build().unwrap();
    let outcome = send(
        &layer,
        request(Place::California, false, &[]),
        Answer::default(),
    )
    .await;
    assert_eq!(outcome.consent.regime(), Regime::OptOut);
    assert_eq!(outcome.consent.region().unwrap().to_string(), "US-CA");
    // The response depends on the region headers: caches must know.
    let vary: Vec<String> = outcome
        .response
        .headers()
        .get_all(VARY)
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|name| name.trim().to_owned())
        .collect();
    for name in ["cookie", "cf-ipcountry", "cf-region-code"] {
        assert!(vary.iter().any(|v| v == name), "{name}: {vary:?}");
    }

    let app = Router::new()
        .route("/", get(|| async { "page" }))
        .layer(layer);
    let state = |place: Place, gpc: bool| {
        let app = &app;
        async move {
            let body = body_of(app, "/_consent", place, gpc, "en").await;
            serde_json::from_str::<serde_json::Value>(&body).unwrap()
        }
    };
    let california = state(Place::California, false).await;
    assert_eq!(california["regime"], "opt_out");
    assert_eq!(california["region"], "US-CA");
    assert_eq!(california["decided"], false);
    assert_eq!(california["categories"][2]["granted"], true);
    let germany = state(Place::Germany, false).await;
    assert_eq!(germany["regime"], "opt_in");
    assert_eq!(germany["region"], "DE");
    assert_eq!(germany["categories"][2]["granted"], false);
    let nowhere = state(Place::Nowhere, false).await;
    assert_eq!(nowhere["region"], serde_json::Value::Null);
    let under_gpc = state(Place::California, true).await;
    assert_eq!(under_gpc["gpc"]["applied"], true);
    assert_eq!(under_gpc["categories"][3]["granted"], false);
}

#[tokio::test]
async fn do_not_sell_works_as_a_form_and_as_json_through_the_same_checks() {
    let app = Router::new()
        .route("/", get(|| async { "page" }))
        .layer(regional().build().unwrap());
    let post = |body: &'static str, content_type: &'static str, site: &'static str| {
        let app = app.clone();
        async move {
            let request = Request::builder()
                .method(Method::POST)
                .uri("/_consent")
                .header("cf-ipcountry", "US")
                .header("cf-region-code", "CA")
                .header("sec-fetch-site", site)
                .header(CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap();
            app.oneshot(request).await.unwrap()
        }
    };
    // The form without JavaScript: a 303 back, with the cookie.
    let form = post(
        "action=do_not_sell&return_to=%2Fshop",
        "application/x-www-form-urlencoded",
        "same-origin",
    )
    .await;
    assert_eq!(form.status(), StatusCode::SEE_OTHER);
    assert_eq!(form.headers()[LOCATION], "/shop");
    assert!(form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("consent=")));
    // JSON: the new state.
    let json = post(
        r#"{"action":"do_not_sell"}"#,
        "application/json",
        "same-origin",
    )
    .await;
    assert_eq!(json.status(), StatusCode::OK);
    let bytes = json.into_body().collect().await.unwrap().to_bytes();
    let state: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(state["decided"], true);
    assert_eq!(
        state["categories"][2]["granted"], true,
        "analytics stays on"
    );
    assert_eq!(
        state["categories"][3]["granted"], false,
        "marketing refused"
    );
    // From another site: refused like any choice.
    let cross = post(
        r#"{"action":"do_not_sell"}"#,
        "application/json",
        "cross-site",
    )
    .await;
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cross.headers().get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn each_region_gets_its_banner() {
    async fn page(banner: ConsentBanner) -> axum::response::Html<String> {
        axum::response::Html(format!("<main>page</main>{banner}"))
    }
    let app = Router::new()
        .route("/", get(page))
        .layer(regional().build().unwrap());
    let html =
        |place: Place, gpc: bool, language: &'static str| body_of(&app, "/", place, gpc, language);
    let california = html(Place::California, false, "en").await;
    assert!(california.contains("Do Not Sell or Share My Personal Information"));
    assert!(california.contains("id=\"tc-reopen\">Your Privacy Choices</a>"));
    assert!(california.contains("id=\"tc-notice\""));
    let spanish = html(Place::California, false, "es").await;
    assert!(spanish.contains("No vender ni compartir mi información personal"));
    assert!(spanish.contains("Sus opciones de privacidad"));
    let german = html(Place::California, false, "de").await;
    assert!(
        german.contains("Do Not Sell or Share My Personal Information"),
        "English until translated"
    );
    let gpc = html(Place::California, true, "en").await;
    assert!(gpc.contains("opt-out preference signal (Global Privacy Control) was honoured"));
    // Opt-in: today's banner.
    let germany = html(Place::Germany, false, "en").await;
    assert!(!germany.contains("tc-notice"));
    assert!(!germany.contains("Do Not Sell"));
    assert!(germany.contains("id=\"tc-reopen\">Cookie settings</a>"));
}

#[tokio::test]
async fn a_function_source_and_notice_only_overrides() {
    #[derive(Clone)]
    struct Located(&'static str);
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .marketing(["_fbp"])
        .region_source(RegionSource::from_fn(|parts: &http::request::Parts| {
            parts.extensions.get::<Located>()?.0.parse().ok()
        }))
        .regime_in("JP", Regime::NoticeOnly)
        .fallback_regime(Regime::OptIn)
        .build()
        .unwrap();
    let mut request = request(Place::California, false, &["_ga=1; _fbp=2"]);
    request.extensions_mut().insert(Located("JP"));
    let outcome = send(&layer, request, Answer::default()).await;
    assert_eq!(outcome.consent.regime(), Regime::NoticeOnly);
    assert!(outcome.consent.allows(Category::Marketing));
    assert_eq!(outcome.received_text(), ["_ga=1; _fbp=2"]);
    // The function's request still reaches the app whole: its extension is there.
    // Cloudflare's headers are not this layer's source: ignored.
    let outcome = send(&layer, request_with(Place::California), Answer::default()).await;
    assert_eq!(outcome.consent.regime(), Regime::OptIn);
    assert_eq!(outcome.consent.region(), None);
}

fn request_with(place: Place) -> Request<String> {
    request(place, false, &[])
}

#[tokio::test]
async fn sale_share_is_configurable() {
    let layer = regional()
        .sale_share([Category::Marketing, Category::Analytics])
        .build()
        .unwrap();
    let fates = fates(&layer, Place::California, true, None).await;
    assert_eq!(fates, [PASSES, PASSES, WITHHELD, WITHHELD]);
}

#[test]
fn the_builder_checks_regions_and_sale_share() {
    let error = |builder: ConsentLayerBuilder| builder.build().unwrap_err();
    assert_eq!(
        error(builder().regime_in("California", Regime::OptOut)),
        BuildError::InvalidRegion("California".into())
    );
    assert_eq!(
        error(builder().gpc_binding_in("XX", true)),
        BuildError::InvalidRegion("XX".into())
    );
    assert!(matches!(
        error(builder().sale_share([Category::Necessary])),
        BuildError::InvalidSaleShare(_)
    ));
    assert!(matches!(
        error(builder().sale_share([Category::Custom("nope")])),
        BuildError::InvalidSaleShare(_)
    ));
    assert!(matches!(
        error(builder().sale_share([] as [Category; 0])),
        BuildError::InvalidSaleShare(_)
    ));
    assert!(builder()
        .regime_in("us-tx", Regime::NoticeOnly)
        .build()
        .is_ok());
}

#[cfg(feature = "ledger")]
#[tokio::test]
async fn the_ledger_keeps_regime_and_region_and_records_the_opt_out() {
    use tower_consent::ledger::{Action, Ledger, MemoryStore, RecordSource, Who};

    let ledger = Ledger::new(MemoryStore::new());
    let app = Router::new()
        .route("/", get(|| async { "page" }))
        .layer(regional().ledger(ledger.clone()).build().unwrap());
    let post = |place: Place, body: &'static str| {
        let app = app.clone();
        async move {
            let mut request = Request::builder()
                .method(Method::POST)
                .uri("/_consent")
                .header("sec-fetch-site", "same-origin")
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
            for (name, value) in place.headers() {
                request = request.header(*name, *value);
            }
            app.oneshot(request.body(Body::from(body)).unwrap())
                .await
                .unwrap()
        }
    };
    let answer = post(Place::California, "action=do_not_sell&return_to=%2F").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let cookie = answer
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|pair| pair.starts_with("consent="))
        .expect("the opt-out is applied at once, as every refusal");
    ledger.flush().await.unwrap();
    let state = Router::new()
        .layer(regional().build().unwrap())
        .oneshot(
            Request::get("/_consent")
                .header(COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = state.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let id = json["id"].as_str().unwrap().parse().unwrap();
    let history = ledger.history(&Who::Consent(id)).await.unwrap();
    let [record] = history.as_slice() else {
        panic!("one record: {history:?}");
    };
    assert_eq!(
        (record.action, record.source),
        (Action::DoNotSell, RecordSource::BannerForm)
    );
    assert_eq!(record.regime, Regime::OptOut);
    assert_eq!(record.region.unwrap().to_string(), "US-CA");
    // What is in force: everything but the sale/share categories.
    assert_eq!(record.granted, ["necessary", "preferences", "analytics"]);

    // An opt-in region's choice keeps its regime and region too; no region, none.
    let id_in = |answer: &http::Response<Body>| -> tower_consent::ConsentId {
        let cookie = answer
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("consent="))
            .expect("a consent cookie")
            .to_owned();
        // The signed payload names the consent id in its fourth field.
        cookie.split(':').nth(3).unwrap().parse().unwrap()
    };
    let germany = post(Place::Germany, "action=reject_all&return_to=%2F").await;
    let nowhere = post(Place::Nowhere, "action=accept_all&return_to=%2F").await;
    ledger.flush().await.unwrap();
    for (answer, regime, region) in [
        (&germany, Regime::OptIn, Some("DE")),
        (&nowhere, Regime::OptIn, None),
    ] {
        let history = ledger.history(&Who::Consent(id_in(answer))).await.unwrap();
        let [record] = history.as_slice() else {
            panic!("one record: {history:?}");
        };
        assert_eq!(record.regime, regime);
        assert_eq!(record.region.map(|r| r.to_string()).as_deref(), region);
    }
    assert_eq!(ledger.stats().await.unwrap().records, 3);

    // GPC on the first request in California: recorded by the layer, with the region.
    let page = app
        .clone()
        .oneshot(
            Request::get("/")
                .header("cf-ipcountry", "US")
                .header("cf-region-code", "CA")
                .header("sec-gpc", "1")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("consent=")));
    ledger.flush().await.unwrap();
    assert_eq!(ledger.stats().await.unwrap().records, 4);
}

/// The HTML gate and Google Consent Mode follow the regime: one resolved default per
/// request, trackers held back only where the regime says so, the notice injected.
#[cfg(feature = "html")]
#[tokio::test]
async fn the_html_gate_and_consent_mode_follow_the_regime() {
    use tower_consent::{ConsentModeMapping, HtmlGate};

    const PAGE: &str = "<!doctype html><html><head><title>t</title>\
        <script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\
        <script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script>\
        </head><body><main>page</main></body></html>";
    let layer = regional()
        .html_gate(HtmlGate::new().google_consent_mode(ConsentModeMapping::new()))
        .build()
        .unwrap();
    let app = Router::new()
        .route("/", get(|| async { axum::response::Html(PAGE) }))
        .layer(layer);
    let html = |place: Place, gpc: bool| body_of(&app, "/", place, gpc, "en");
    let held = |page: &str, host: &str| {
        // A held-back script keeps its URL in `data-consent-src`, not `src`.
        page.contains(&format!("data-consent-src=\"https://{host}"))
    };
    // California: everything on until the visitor refuses.
    let california = html(Place::California, false).await;
    assert!(
        california.contains("'ad_storage':'granted'"),
        "{california}"
    );
    assert!(california.contains("'analytics_storage':'granted'"));
    assert_eq!(california.matches("gtag('consent','default'").count(), 1);
    assert!(!held(&california, "www.googletagmanager.com"));
    assert!(!held(&california, "connect.facebook.net"));
    assert!(california.contains("id=\"tc-do-not-sell\""));
    // California under GPC: advertising off, analytics on.
    let gpc = html(Place::California, true).await;
    assert!(gpc.contains("'ad_storage':'denied'"), "{gpc}");
    assert!(gpc.contains("'analytics_storage':'granted'"));
    assert!(held(&gpc, "connect.facebook.net"));
    assert!(!held(&gpc, "www.googletagmanager.com"));
    // Germany, and no region: as today.
    for place in [Place::Germany, Place::Nowhere] {
        let page = html(place, false).await;
        assert!(page.contains("'ad_storage':'denied'"), "{place:?}");
        assert!(page.contains("'analytics_storage':'denied'"), "{place:?}");
        assert!(held(&page, "www.googletagmanager.com"), "{place:?}");
        assert!(!page.contains("tc-notice"), "{place:?}");
    }
}
