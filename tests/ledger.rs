//! The ledger behind the layer (issue 11), through an axum router and `oneshot`: every
//! decision is committed before its cookie; a failing store means `503` and no cookie;
//! the visitor's own records endpoints.
#![cfg(all(feature = "axum", feature = "sqlite"))]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use common::served::{send, Served};
use http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{Method, Request, StatusCode};
use serde_json::Value;
use tower_consent::ledger::{
    Action, BoxFuture, ClientIp, HistoryPage, Ledger, LedgerError, LedgerStore, MemoryStore,
    Record, RecordSource, SqliteStore, Stats, Who, Wording,
};
use tower_consent::{BuildError, Category, Choice, ConsentId, ConsentLayer, ConsentLayerBuilder};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

/// A store that can be switched off: every call fails while it is down.
#[derive(Debug)]
struct Switch<S> {
    inner: S,
    down: AtomicBool,
}

impl<S> Switch<S> {
    fn new(inner: S) -> Arc<Self> {
        Arc::new(Self {
            inner,
            down: AtomicBool::new(false),
        })
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), LedgerError> {
        if self.down.load(Ordering::SeqCst) {
            Err(LedgerError::store(std::io::Error::other("store down")))
        } else {
            Ok(())
        }
    }
}

impl<S: LedgerStore> LedgerStore for Switch<S> {
    fn append<'a>(
        &'a self,
        records: &'a [Record],
        wordings: &'a [Wording],
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        Box::pin(async move {
            self.check()?;
            self.inner.append(records, wordings).await
        })
    }
    fn history<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<Vec<Record>, LedgerError>> {
        Box::pin(async move {
            self.check()?;
            self.inner.history(who).await
        })
    }
    fn history_page<'a>(
        &'a self,
        who: &'a Who,
        after: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<HistoryPage, LedgerError>> {
        Box::pin(async move {
            self.check()?;
            self.inner.history_page(who, after, limit).await
        })
    }
    fn wordings<'a>(
        &'a self,
        hashes: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Wording>, LedgerError>> {
        self.inner.wordings(hashes)
    }
    fn erase<'a>(&'a self, who: &'a Who) -> BoxFuture<'a, Result<u64, LedgerError>> {
        Box::pin(async move {
            self.check()?;
            self.inner.erase(who).await
        })
    }
    fn link<'a>(
        &'a self,
        id: ConsentId,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<(), LedgerError>> {
        self.inner.link(id, subject)
    }
    fn delete_before(
        &self,
        before: time::OffsetDateTime,
    ) -> BoxFuture<'_, Result<u64, LedgerError>> {
        self.inner.delete_before(before)
    }
    fn stats(&self) -> BoxFuture<'_, Result<Stats, LedgerError>> {
        self.inner.stats()
    }
}

fn builder() -> ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session"])
        .analytics(["_ga"])
        .marketing(["_fbp"])
}

fn app(builder: ConsentLayerBuilder) -> Router {
    Router::new()
        .route("/", get(|| async { "page" }))
        .route(
            "/accept",
            post(|| async { (Choice::only([Category::Analytics]), "saved") }),
        )
        .layer(builder.build().expect("valid configuration"))
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

fn id_of(answer: &Served) -> ConsentId {
    answer.json()["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_endpoint_choice_is_committed_before_its_cookie_is_set() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));

    let answer = send(
        &app,
        same_origin(Method::POST, "/_consent")
            .header(CONTENT_TYPE, "application/json")
            .header("accept-language", "de-DE,de;q=0.9")
            .header("referer", "http://shop.example/cart?step=2")
            .body(Body::from(r#"{"action":"accept_all","source":"banner"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.consent_cookie().is_some());
    let id = id_of(&answer);
    // By the time the answer exists, the record is in the store.
    let export = ledger.export(&Who::Consent(id)).await.unwrap();
    let [record] = export.records.as_slice() else {
        panic!("one record: {export:?}");
    };
    assert_eq!(record.action, Action::AcceptAll);
    assert_eq!(record.source, RecordSource::BannerJs);
    assert_eq!(
        record.granted,
        ["necessary", "preferences", "analytics", "marketing"]
    );
    assert_eq!(record.language, "de");
    assert_eq!(record.page.as_deref(), Some("/cart"));
    assert_eq!(record.revision, 1);
    assert!(!record.gpc);
    assert_eq!(
        (record.user_agent.as_deref(), record.ip.as_deref()),
        (None, None)
    );
    let [wording] = export.wordings.as_slice() else {
        panic!("one wording: {export:?}");
    };
    assert_eq!(wording.hash, record.wording);
    assert_eq!(wording.language, "de");
    let shown: Value = serde_json::from_str(&wording.content).unwrap();
    assert_eq!(shown["texts"]["title"], "Cookies auf dieser Website");
    assert_eq!(shown["categories"][2]["key"], "analytics");

    // The form: source banner_form, page from return_to without its query.
    let form = send(
        &app,
        same_origin(Method::POST, "/_consent")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "action=custom&granted=analytics&return_to=%2Fshop%3Fpage%3D2",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert!(form.consent_cookie().is_some());
    // The JSON API, then a withdrawal with the same browser.
    let api = send(&app, json_choice(r#"{"action":"reject_all"}"#)).await;
    let cookie = api.consent_cookie().unwrap();
    let api_id = id_of(&api);
    let withdraw = send(
        &app,
        same_origin(Method::DELETE, "/_consent")
            .header(COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(withdraw.status, StatusCode::OK);
    let history = ledger.history(&Who::Consent(api_id)).await.unwrap();
    let actions: Vec<_> = history.iter().map(|r| (r.action, r.source)).collect();
    assert_eq!(
        actions,
        [
            (Action::RejectAll, RecordSource::Api),
            (Action::Withdraw, RecordSource::Api)
        ]
    );
    assert_eq!(ledger.stats().await.unwrap().records, 4);

    let form_state = send(
        &app,
        Request::get("/_consent")
            .header(COOKIE, form.consent_cookie().unwrap())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let forms = ledger
        .history(&Who::Consent(id_of(&form_state)))
        .await
        .unwrap();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].action, Action::Custom);
    assert_eq!(forms[0].source, RecordSource::BannerForm);
    assert_eq!(forms[0].page.as_deref(), Some("/shop"));
    assert_eq!(forms[0].granted, ["necessary", "analytics"]);
}

#[tokio::test]
async fn a_handler_choice_is_recorded_with_its_page() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));
    let answer = send(
        &app,
        Request::post("/accept?from=mail")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "saved");
    let cookie = answer.consent_cookie().expect("the choice is applied");
    let state = send(
        &app,
        Request::get("/_consent")
            .header(COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let history = ledger.history(&Who::Consent(id_of(&state))).await.unwrap();
    let [record] = history.as_slice() else {
        panic!("{history:?}");
    };
    assert_eq!(
        (record.action, record.source),
        (Action::Custom, RecordSource::Handler)
    );
    assert_eq!(record.page.as_deref(), Some("/accept"));
    assert_eq!(record.language, "en");
}

#[tokio::test]
async fn pages_without_a_choice_record_nothing() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));
    for uri in ["/", "/_consent", "/_consent/banner", "/_consent/settings"] {
        let answer = send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert!(answer.consent_cookie().is_none(), "{uri}");
    }
    assert_eq!(ledger.stats().await.unwrap().records, 0);
}

#[tokio::test]
async fn gpc_overriding_an_opt_in_is_recorded() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let id = id_of(&accepted);
    let answer = send(
        &app,
        Request::get("/")
            .header(COOKIE, accepted.consent_cookie().unwrap())
            .header("sec-gpc", "1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.consent_cookie().is_some());
    let history = ledger.history(&Who::Consent(id)).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.action, last.source), (Action::Gpc, RecordSource::Gpc));
    assert!(last.gpc);
    assert_eq!(last.granted, ["necessary", "preferences", "analytics"]);

    // Reading the records with the signal on: the override is not set as a cookie
    // there (it would have no record); the history is served.
    let other = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let other_id = id_of(&other);
    let records = send(
        &app,
        Request::get("/_consent/records")
            .header(COOKIE, other.consent_cookie().unwrap())
            .header("sec-gpc", "1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(records.status, StatusCode::OK);
    assert_eq!(records.consent_cookie(), None);
    assert_eq!(
        ledger.history(&Who::Consent(other_id)).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_failing_store_means_503_no_cookie_and_pages_still_served() {
    let dir = tempdir("down");
    let store = Switch::new(SqliteStore::open(dir.join("ledger.db")).await.unwrap());
    let ledger = Ledger::from_arc(store.clone());
    let app = app(builder().ledger(ledger.clone()));
    store.set_down(true);

    let refused = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.json()["error"]["code"], "ledger_unavailable");
    assert_eq!(refused.consent_cookie(), None);
    let form = send(
        &app,
        same_origin(Method::POST, "/_consent")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("action=accept_all&return_to=%2F"))
            .unwrap(),
    )
    .await;
    assert_eq!(form.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(form.consent_cookie(), None);

    // A handler's choice is not applied; its response still goes out.
    let handler = send(
        &app,
        Request::post("/accept")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(handler.status, StatusCode::OK);
    assert_eq!(handler.body, "saved");
    assert_eq!(handler.consent_cookie(), None);

    // Pages without a choice are served as ever.
    let page = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!((page.status, page.body.as_str()), (StatusCode::OK, "page"));
    assert_eq!(ledger.stats().await.unwrap().records, 0);

    // Back up: choices are recorded and applied again.
    store.set_down(false);
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    assert_eq!(accepted.status, StatusCode::OK);
    assert!(accepted.consent_cookie().is_some());
    let handler = send(
        &app,
        Request::post("/accept")
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(handler.consent_cookie().is_some());
    assert_eq!(ledger.stats().await.unwrap().records, 2);
    drop((app, ledger, store));
    let _ = std::fs::remove_dir_all(dir);
}

/// Regimes by region (issue 25): in an opt-out region everything is on before a
/// choice, yet "Accept all" is still a grant (the visitor carries it into every region),
/// so it waits for its record; "Do Not Sell or Share" and GPC are refusals, applied at
/// once whatever the store does.
#[tokio::test]
async fn in_an_opt_out_region_grants_still_wait_and_opt_outs_do_not() {
    let dir = tempdir("opt-out-down");
    let store = Switch::new(SqliteStore::open(dir.join("ledger.db")).await.unwrap());
    let ledger = Ledger::from_arc(store.clone());
    let app = app(builder()
        .ledger(ledger.clone())
        .region_source(tower_consent::RegionSource::cloudflare()));
    store.set_down(true);
    let californian = |body: &'static str| {
        same_origin(Method::POST, "/_consent")
            .header("cf-ipcountry", "US")
            .header("cf-region-code", "CA")
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let accept = send(&app, californian(r#"{"action":"accept_all"}"#)).await;
    assert_eq!(accept.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(accept.consent_cookie(), None);
    let opt_out = send(&app, californian(r#"{"action":"do_not_sell"}"#)).await;
    assert_eq!(opt_out.status, StatusCode::OK);
    assert!(opt_out.consent_cookie().is_some());
    let page = send(
        &app,
        Request::get("/")
            .header("cf-ipcountry", "US")
            .header("cf-region-code", "CA")
            .header("sec-gpc", "1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.consent_cookie().is_some(), "GPC's refusal applies");
    // Back up: the deferred refusals reach the store.
    store.set_down(false);
    ledger.flush().await.unwrap();
    assert_eq!(ledger.stats().await.unwrap().records, 2);
    drop((app, ledger, store));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn visitors_read_and_erase_their_own_records() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let cookie = accepted.consent_cookie().unwrap();
    let id = id_of(&accepted);
    let changed = send(
        &app,
        same_origin(Method::POST, "/_consent")
            .header(COOKIE, &cookie)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"custom","granted":["analytics"]}"#))
            .unwrap(),
    )
    .await;
    let cookie = changed.consent_cookie().unwrap();

    let records = send(
        &app,
        Request::get("/_consent/records")
            .header(COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(records.status, StatusCode::OK);
    let json = records.json();
    assert_eq!(json["consent_id"], id.to_string());
    let actions: Vec<&str> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["accept_all", "custom"]);
    assert_eq!(json["wordings"].as_array().unwrap().len(), 1);

    // The settings link to them once there is a decision.
    let settings = |cookie: Option<&str>| {
        let mut request = Request::get("/_consent/settings");
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        send(&app, request.body(Body::empty()).unwrap())
    };
    assert!(settings(Some(&cookie))
        .await
        .body
        .contains("href=\"/_consent/records\""));
    assert!(!settings(None).await.body.contains("/_consent/records"));

    // Nobody else reads them: no cookie, a forged one, another site.
    let none = send(
        &app,
        Request::get("/_consent/records")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let forged = send(
        &app,
        Request::get("/_consent/records")
            .header(COOKIE, format!("{cookie}x"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    let cross = send(
        &app,
        Request::get("/_consent/records")
            .header(COOKIE, &cookie)
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);

    // Erasing needs the same origin...
    for refused in [
        Request::delete("/_consent/records")
            .header(COOKIE, &cookie)
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
        Request::delete("/_consent/records")
            .header(COOKIE, &cookie)
            .header("host", "shop.example")
            .header("origin", "https://evil.example")
            .body(Body::empty())
            .unwrap(),
    ] {
        let answer = send(&app, refused).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.consent_cookie(), None);
    }
    let no_cookie = send(
        &app,
        same_origin(Method::DELETE, "/_consent/records")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(no_cookie.status, StatusCode::NOT_FOUND);
    assert_eq!(ledger.history(&Who::Consent(id)).await.unwrap().len(), 2);

    // ...and then erases everything and withdraws under a fresh id.
    let erased = send(
        &app,
        same_origin(Method::DELETE, "/_consent/records")
            .header(COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(erased.status, StatusCode::OK);
    assert_eq!(erased.json()["erased"], 2);
    let new_cookie = erased.consent_cookie().expect("a withdrawal cookie");
    let new_id: ConsentId = erased.json()["consent_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(new_id, id);
    let export = ledger.export(&Who::Consent(id)).await.unwrap();
    assert!(export.records.is_empty() && export.wordings.is_empty());
    let after = send(
        &app,
        Request::get("/_consent/records")
            .header(COOKIE, &new_cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let json = after.json();
    assert_eq!(json["records"].as_array().unwrap().len(), 1);
    assert_eq!(json["records"][0]["action"], "withdraw");
    assert_eq!(
        json["records"][0]["granted"],
        serde_json::json!(["necessary"])
    );
}

#[tokio::test]
async fn user_agent_and_network_only_when_asked() {
    let ledger = Ledger::new(MemoryStore::new());
    let with = app(builder()
        .ledger(ledger.clone())
        .ledger_user_agent(true)
        .ledger_ip(true));
    let without = app(builder().ledger(ledger.clone()));
    let request = || {
        let mut request = same_origin(Method::POST, "/_consent")
            .header(CONTENT_TYPE, "application/json")
            .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64)")
            .body(Body::from(r#"{"action":"reject_all"}"#))
            .unwrap();
        request
            .extensions_mut()
            .insert(ClientIp("2001:db8:abcd:12::7".parse().unwrap()));
        request
    };
    let kept = ledger
        .history(&Who::Consent(id_of(&send(&with, request()).await)))
        .await
        .unwrap();
    assert_eq!(
        kept[0].user_agent.as_deref(),
        Some("Mozilla/5.0 (X11; Linux x86_64)")
    );
    assert_eq!(kept[0].ip.as_deref(), Some("2001:db8:abcd::/48"));
    let plain = ledger
        .history(&Who::Consent(id_of(&send(&without, request()).await)))
        .await
        .unwrap();
    assert_eq!(
        (plain[0].user_agent.as_deref(), plain[0].ip.as_deref()),
        (None, None)
    );
}

#[tokio::test]
async fn without_a_ledger_nothing_changes() {
    let app = app(builder());
    let answer = send(
        &app,
        Request::get("/_consent/records")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(
        builder().ledger_ip(true).build().unwrap_err(),
        BuildError::LedgerOptionWithoutLedger
    );
    assert_eq!(
        builder()
            .ledger(Ledger::new(MemoryStore::new()).retention(std::time::Duration::ZERO))
            .build()
            .unwrap_err(),
        BuildError::InvalidRetention
    );
}

/// A fresh directory under the system's temporary directory.
fn tempdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tower-consent-{tag}-{}-{}",
        std::process::id(),
        ConsentId::random()
            .unwrap()
            .to_string()
            .replace(['-', '_'], "x")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Issue 21, finding 18: `GET /_consent/records` answered every record of an id at once
/// (6,001 records made a 2 MB answer). It answers a page (100 records unless `limit`
/// says fewer, at most 500) with a `next` link while more follow.
#[tokio::test]
async fn the_records_endpoint_answers_pages_with_a_next_link() {
    let ledger = Ledger::new(MemoryStore::new());
    let app = app(builder().ledger(ledger.clone()));
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let cookie = accepted.consent_cookie().unwrap();
    let id = id_of(&accepted);
    // 249 more records of that browser, written straight to the store.
    let export = ledger.export(&Who::Consent(id)).await.unwrap();
    let more = vec![export.records[0].clone(); 249];
    ledger
        .store()
        .append(&more, &export.wordings)
        .await
        .unwrap();

    let read = |uri: String| {
        send(
            &app,
            Request::get(uri)
                .header(COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
    };
    let mut uri = "/_consent/records".to_owned();
    let mut sizes = Vec::new();
    loop {
        let page = read(uri.clone()).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
        let json = page.json();
        assert_eq!(json["consent_id"], id.to_string());
        assert_eq!(json["wordings"].as_array().unwrap().len(), 1, "{uri}");
        sizes.push(json["records"].as_array().unwrap().len());
        match json["next"].as_str() {
            Some(next) => uri = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(sizes, [100, 100, 50]);

    let seven = read("/_consent/records?limit=7".to_owned()).await.json();
    assert_eq!(seven["records"].as_array().unwrap().len(), 7);
    let next = seven["next"].as_str().unwrap();
    assert!(
        next.starts_with("/_consent/records?after=") && next.ends_with("&limit=7"),
        "{next}"
    );
    let eighth = read(next.to_owned()).await.json();
    assert_eq!(eighth["records"].as_array().unwrap().len(), 7);
    let all = read("/_consent/records?limit=500".to_owned()).await.json();
    assert_eq!(all["records"].as_array().unwrap().len(), 250);
    assert_eq!(all["next"], Value::Null);

    for query in [
        "limit=0",
        "limit=501",
        "limit=x",
        "after=-1",
        "after=x",
        "after=",
    ] {
        let answer = read(format!("/_consent/records?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["error"]["code"], "bad_request", "{query}");
    }
}

/// Issue 21, finding 19: after a policy revision the browser's consent id was dropped (a
/// stale decision is not carried), so its new decision got a fresh id and its earlier
/// records could no longer be read or erased through `/_consent/records`. The id of a
/// consent cookie that verifies is kept across revisions; one that does not verify
/// gives nothing.
#[tokio::test]
async fn a_policy_revision_keeps_the_browsers_id_for_access_and_erasure() {
    let ledger = Ledger::new(MemoryStore::new());
    let first = app(builder().revision(1).ledger(ledger.clone()));
    let accepted = send(&first, json_choice(r#"{"action":"accept_all"}"#)).await;
    let stale = accepted.consent_cookie().unwrap();
    let id = id_of(&accepted);

    let second = app(builder().revision(2).ledger(ledger.clone()));
    let with_cookie = |method: Method, uri: &str, cookie: &str| {
        same_origin(method, uri)
            .header(COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    // The old decision grants nothing now: the banner asks again...
    let state = send(&second, with_cookie(Method::GET, "/_consent", &stale)).await;
    assert_eq!(state.json()["decided"], false);
    assert_eq!(state.json()["id"], Value::Null);
    // ...but the visitor still reads their records, and is shown the link to them.
    let records = send(
        &second,
        with_cookie(Method::GET, "/_consent/records", &stale),
    )
    .await;
    assert_eq!(records.status, StatusCode::OK, "{}", records.body);
    assert_eq!(records.json()["consent_id"], id.to_string());
    assert_eq!(records.json()["records"].as_array().unwrap().len(), 1);
    let settings = send(
        &second,
        with_cookie(Method::GET, "/_consent/settings", &stale),
    )
    .await;
    assert!(settings.body.contains("href=\"/_consent/records\""));

    // The new decision keeps the browser's id.
    let refused = send(
        &second,
        same_origin(Method::POST, "/_consent")
            .header(COOKIE, &stale)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"reject_all"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(id_of(&refused), id);
    let history = ledger.history(&Who::Consent(id)).await.unwrap();
    let revisions: Vec<_> = history.iter().map(|r| (r.revision, r.action)).collect();
    assert_eq!(revisions, [(1, Action::AcceptAll), (2, Action::RejectAll)]);

    // Erasure reaches the records of both revisions, from the stale cookie too.
    let erased = send(
        &second,
        with_cookie(Method::DELETE, "/_consent/records", &stale),
    )
    .await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
    assert_eq!(erased.json()["erased"], 2);
    assert!(ledger.history(&Who::Consent(id)).await.unwrap().is_empty());

    // A cookie that does not verify names nobody: no records, a fresh id.
    let forged = format!("{stale}x");
    let none = send(
        &second,
        with_cookie(Method::GET, "/_consent/records", &forged),
    )
    .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let fresh = send(
        &second,
        same_origin(Method::POST, "/_consent")
            .header(COOKIE, &forged)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"reject_all"}"#))
            .unwrap(),
    )
    .await;
    assert_ne!(id_of(&fresh), id);
}

/// The app of the refusal tests: a page, a handler that grants analytics, one that
/// refuses everything.
fn refusing_app(builder: ConsentLayerBuilder) -> Router {
    Router::new()
        .route("/", get(|| async { "page" }))
        .route(
            "/accept",
            post(|| async { (Choice::only([Category::Analytics]), "saved") }),
        )
        .route(
            "/refuse",
            post(|| async { (Choice::reject_all(), "refused") }),
        )
        .layer(builder.build().expect("valid configuration"))
}

/// Whether `answer` deletes the cookie `name` from the browser.
fn deletes(answer: &Served, name: &str) -> bool {
    answer
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(&format!("{name}=;")) && c.contains("Max-Age=0"))
}

/// Waits (at most 10 s, making no request) until `store` holds `count` records of `id`.
async fn until_recorded(store: &MemoryStore, id: ConsentId, count: usize) -> Vec<Record> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let records = store.history(&Who::Consent(id)).await.unwrap();
        if records.len() >= count || tokio::time::Instant::now() > deadline {
            return records;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Issue 21, finding 12: while the store could not write, "Reject all" and "withdraw"
/// answered `503` and set nothing, so trackers stayed active for a visitor who refused.
/// Every refusal (reject all, withdraw, the banner form, a custom choice that only
/// narrows, a handler's `Choice`, the layer's GPC decision) is applied at once, and
/// recorded when the store is back, in order, without another request; grants still
/// wait for the store and answer `503`.
#[tokio::test]
async fn a_refusal_is_applied_at_once_while_the_store_is_down_and_recorded_when_it_is_back() {
    let store = Switch::new(MemoryStore::new());
    let ledger = Ledger::from_arc(store.clone());
    let app = refusing_app(builder().ledger(ledger.clone()));
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let all = accepted.consent_cookie().unwrap();
    let id = id_of(&accepted);
    store.set_down(true);

    let trackers = format!("{all}; _ga=GA1.2.3; _fbp=fb.1.2");
    let json = |body: &'static str| {
        same_origin(Method::POST, "/_consent")
            .header(COOKIE, &trackers)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let refusals = [
        (
            "reject all",
            json(r#"{"action":"reject_all"}"#),
            StatusCode::OK,
        ),
        (
            "withdraw",
            same_origin(Method::DELETE, "/_consent")
                .header(COOKIE, &trackers)
                .body(Body::empty())
                .unwrap(),
            StatusCode::OK,
        ),
        (
            "the banner form",
            same_origin(Method::POST, "/_consent")
                .header(COOKIE, &trackers)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("action=reject_all&return_to=%2F"))
                .unwrap(),
            StatusCode::SEE_OTHER,
        ),
        (
            "a custom choice that only narrows",
            json(r#"{"action":"custom","granted":["analytics"]}"#),
            StatusCode::OK,
        ),
        (
            "a handler's Choice",
            same_origin(Method::POST, "/refuse")
                .header(COOKIE, &trackers)
                .body(Body::empty())
                .unwrap(),
            StatusCode::OK,
        ),
        (
            "the layer's GPC decision",
            same_origin(Method::GET, "/")
                .header(COOKIE, &trackers)
                .header("sec-gpc", "1")
                .body(Body::empty())
                .unwrap(),
            StatusCode::OK,
        ),
    ];
    for (what, request, status) in refusals {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        let cookie = answer
            .consent_cookie()
            .unwrap_or_else(|| panic!("{what}: applied, with its consent cookie"));
        assert!(deletes(&answer, "_fbp"), "{what}: marketing purged");
        let state = send(
            &app,
            Request::get("/_consent")
                .header(COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
        assert_eq!(state["id"], id.to_string(), "{what}: the browser's id");
        let marketing = &state["categories"][3];
        assert_eq!(marketing["key"], "marketing");
        assert_eq!(marketing["granted"], false, "{what}");
    }

    // Grants still wait for the store: 503, nothing set.
    let granted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    assert_eq!(granted.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(granted.json()["error"]["code"], "ledger_unavailable");
    assert_eq!(granted.consent_cookie(), None);
    let refused = send(
        &app,
        same_origin(Method::POST, "/refuse")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .consent_cookie()
    .unwrap();
    let widening = send(
        &app,
        same_origin(Method::POST, "/_consent")
            .header(COOKIE, &refused)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"custom","granted":["analytics"]}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(widening.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(widening.consent_cookie(), None);
    let handler = send(
        &app,
        same_origin(Method::POST, "/accept")
            .header(COOKIE, &refused)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (handler.status, handler.body.as_str()),
        (StatusCode::OK, "saved")
    );
    assert_eq!(handler.consent_cookie(), None);

    // Nothing of the refusals is in the store yet...
    assert_eq!(
        store.inner.history(&Who::Consent(id)).await.unwrap().len(),
        1
    );
    // ...and once it is back, they are written without another request, in order.
    store.set_down(false);
    let history = until_recorded(&store.inner, id, 7).await;
    let written: Vec<_> = history.iter().map(|r| (r.action, r.source)).collect();
    assert_eq!(
        written,
        [
            (Action::AcceptAll, RecordSource::Api),
            (Action::RejectAll, RecordSource::Api),
            (Action::Withdraw, RecordSource::Api),
            (Action::RejectAll, RecordSource::BannerForm),
            (Action::Custom, RecordSource::Api),
            (Action::RejectAll, RecordSource::Handler),
            (Action::Gpc, RecordSource::Gpc),
        ]
    );
    assert_eq!(history[4].granted, ["necessary", "analytics"]);
}

/// Issue 21, finding 12: refusals wait for the store in a bounded buffer; past it they
/// are still applied, but not recorded.
#[tokio::test]
async fn refusals_waiting_for_the_store_are_bounded() {
    let store = Switch::new(MemoryStore::new());
    let ledger = Ledger::from_arc(store.clone()).retry_capacity(2);
    let app = refusing_app(builder().ledger(ledger.clone()));
    store.set_down(true);
    for _ in 0..4 {
        let refused = send(&app, json_choice(r#"{"action":"reject_all"}"#)).await;
        assert_eq!(refused.status, StatusCode::OK);
        assert!(refused.consent_cookie().is_some(), "applied, bound or not");
    }
    assert!(ledger.flush().await.is_err(), "the store is down");
    store.set_down(false);
    ledger
        .flush()
        .await
        .expect("written once the store is back");
    assert_eq!(
        store.inner.stats().await.unwrap().records,
        2,
        "the bound held"
    );
    // Written records give their places back.
    for _ in 0..2 {
        send(&app, json_choice(r#"{"action":"reject_all"}"#)).await;
    }
    ledger.flush().await.unwrap();
    assert_eq!(store.inner.stats().await.unwrap().records, 4);
}

/// Issue 21, finding 12: `DELETE /_consent/records` withdraws consent whatever the store
/// does; when the records cannot be erased, the withdrawal keeps the browser's id, so
/// the visitor can ask again.
#[tokio::test]
async fn an_erasure_while_the_store_is_down_still_withdraws_and_can_be_repeated() {
    let store = Switch::new(MemoryStore::new());
    let ledger = Ledger::from_arc(store.clone());
    let app = refusing_app(builder().ledger(ledger.clone()));
    let accepted = send(&app, json_choice(r#"{"action":"accept_all"}"#)).await;
    let id = id_of(&accepted);
    let erase = |cookie: String| {
        same_origin(Method::DELETE, "/_consent/records")
            .header(COOKIE, format!("{cookie}; _ga=GA1.2.3"))
            .body(Body::empty())
            .unwrap()
    };
    store.set_down(true);
    let failed = send(&app, erase(accepted.consent_cookie().unwrap())).await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(failed.json()["error"]["code"], "ledger_unavailable");
    assert!(deletes(&failed, "_ga"), "the withdrawal is applied");
    let withdrawn = failed.consent_cookie().expect("a withdrawal cookie");
    let state = send(
        &app,
        Request::get("/_consent")
            .header(COOKIE, &withdrawn)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(state["id"], id.to_string(), "still the browser's id");

    store.set_down(false);
    let erased = send(&app, erase(withdrawn)).await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.body);
    assert_eq!(
        erased.json()["erased"],
        2,
        "the grant and the first withdrawal"
    );
    assert!(ledger.history(&Who::Consent(id)).await.unwrap().is_empty());
    let fresh: ConsentId = erased.json()["consent_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(fresh, id);
    assert_eq!(ledger.history(&Who::Consent(fresh)).await.unwrap().len(), 1);
}
