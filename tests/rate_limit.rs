//! The ledger's rate limit per client (issue 26): one client over the limit gets `429`
//! with `Retry-After` and the JSON error, and writes nothing more, whichever way it
//! tries (the consent endpoint, a form, a handler's `Choice`, its records); another
//! client at the same time records normally. Clients are the app's `ClientIp`, else the
//! connection's address (a real server on 127.0.0.1 with `ConnectInfo`); an IPv6 client
//! is its `/64`.
#![cfg(all(feature = "axum", feature = "ledger"))]

mod common;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use common::served::{send, Served};
use http::header::{CONTENT_TYPE, COOKIE, RETRY_AFTER};
use http::{Method, Request, StatusCode};
use tower_consent::ledger::{ClientIp, Ledger, MemoryStore, RateLimit, NETWORK_SHARE};
use tower_consent::{BuildError, Category, Choice, ConsentLayer};

const SECRET: [u8; 32] = *b"rate-limit-test-secret-32-bytes!";

/// A burst of 3, then one a minute.
fn limited() -> Ledger {
    Ledger::new(MemoryStore::new()).rate_limit(RateLimit::new(3, Duration::from_secs(60)))
}

fn app(ledger: Ledger) -> Router {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .ledger(ledger)
        .build()
        .expect("valid configuration");
    Router::new()
        .route("/", get(|| async { "page" }))
        .route(
            "/accept",
            post(|| async { (Choice::only([Category::Analytics]), "saved") }),
        )
        .layer(layer)
}

/// What the rate limit's refusal looks like.
trait Refused {
    /// A `429` with `Retry-After` (seconds, within the period) and nothing set.
    fn assert_limited(&self);
}

impl Refused for Served {
    fn assert_limited(&self) {
        assert_eq!(self.status, StatusCode::TOO_MANY_REQUESTS, "{}", self.body);
        let retry: u64 = self.headers[RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "Retry-After: {retry}");
        assert_eq!(self.consent_cookie(), None);
    }
}

/// A same-origin request from `client`.
fn from(client: &str, method: Method, uri: &str) -> http::request::Builder {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("sec-fetch-site", "same-origin");
    let ip: IpAddr = client.parse().unwrap();
    request.extensions_mut().unwrap().insert(ClientIp(ip));
    request
}

fn choice(client: &str, body: &str) -> Request<Body> {
    from(client, Method::POST, "/_consent")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn a_client_over_the_limit_gets_429_and_records_nothing_while_another_records() {
    let ledger = limited();
    let app = app(ledger.clone());
    let mut cookie = None;
    for _ in 0..3 {
        let answer = send(&app, choice("192.0.2.1", r#"{"action":"accept_all"}"#)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        cookie = answer.consent_cookie();
    }
    let cookie = cookie.expect("a consent cookie");
    assert_eq!(ledger.stats().await.unwrap().records, 3);

    // Over the limit: a grant, a refusal, a withdrawal, with or without a cookie.
    let over = send(&app, choice("192.0.2.1", r#"{"action":"reject_all"}"#)).await;
    over.assert_limited();
    assert_eq!(over.json()["error"]["code"], "rate_limited");
    assert_eq!(over.headers[CONTENT_TYPE], "application/json");
    send(&app, choice("192.0.2.1", r#"{"action":"accept_all"}"#))
        .await
        .assert_limited();
    let withdraw = from("192.0.2.1", Method::DELETE, "/_consent")
        .header(COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    send(&app, withdraw).await.assert_limited();
    // The previous state stands: the visitor's cookie still grants what it granted.
    let state = send(
        &app,
        from("192.0.2.1", Method::GET, "/_consent")
            .header(COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        state.status,
        StatusCode::OK,
        "reading the state is not limited"
    );
    assert_eq!(state.json()["decided"], true, "{}", state.body);

    // Another client, meanwhile, records normally; so does an IPv6 /64 next door.
    let other = send(&app, choice("192.0.2.2", r#"{"action":"reject_all"}"#)).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(other.consent_cookie().is_some());
    assert_eq!(ledger.stats().await.unwrap().records, 4);

    // Invalid requests take no token: they record nothing anyway.
    let bad = send(&app, choice("192.0.2.3", "{not json")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_ipv6_client_is_its_slash_64() {
    let ledger = limited();
    let app = app(ledger.clone());
    for client in [
        "2001:db8:aa:bb::1",
        "2001:db8:aa:bb::2",
        "2001:db8:aa:bb:ffff:ffff:ffff:ffff",
    ] {
        let answer = send(&app, choice(client, r#"{"action":"accept_all"}"#)).await;
        assert_eq!(answer.status, StatusCode::OK, "{client}");
    }
    send(
        &app,
        choice("2001:db8:aa:bb:1234::9", r#"{"action":"accept_all"}"#),
    )
    .await
    .assert_limited();
    let next = send(
        &app,
        choice("2001:db8:aa:bc::1", r#"{"action":"accept_all"}"#),
    )
    .await;
    assert_eq!(next.status, StatusCode::OK, "another /64");
    assert_eq!(ledger.stats().await.unwrap().records, 4);
}

#[tokio::test]
async fn an_ipv6_slash_48_gets_sixteen_clients_worth_however_many_slash_64s_it_uses() {
    assert_eq!(NETWORK_SHARE, 16);
    let ledger = limited();
    let app = app(ledger.clone());
    // One holder of 2001:db8:77::/48 moves to a new /64 for every decision: each /64
    // has its own burst of 3, the /48 has 16 × 3.
    let mut recorded = 0;
    for subnet in 0..100u32 {
        let client = format!("2001:db8:77:{subnet:x}::1");
        let answer = send(&app, choice(&client, r#"{"action":"accept_all"}"#)).await;
        if answer.status == StatusCode::OK {
            recorded += 1;
        } else {
            answer.assert_limited();
        }
    }
    assert_eq!(recorded, 48);
    assert_eq!(ledger.stats().await.unwrap().records, 48);
    // Another /48 is another network.
    let other = send(&app, choice("2001:db8:78::1", r#"{"action":"accept_all"}"#)).await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn a_form_over_the_limit_gets_a_page_with_retry_after() {
    let ledger = limited();
    let app = app(ledger.clone());
    let form = || {
        from("192.0.2.1", Method::POST, "/_consent")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("action=reject_all&return_to=%2F"))
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(send(&app, form()).await.status, StatusCode::SEE_OTHER);
    }
    let page = send(&app, form()).await;
    page.assert_limited();
    assert!(page.headers[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.body.contains("try again"), "{}", page.body);
    assert_eq!(ledger.stats().await.unwrap().records, 3);
}

#[tokio::test]
async fn a_handlers_choice_over_the_limit_is_not_applied() {
    let ledger = limited();
    let app = app(ledger.clone());
    let accept = || {
        from("192.0.2.1", Method::POST, "/accept")
            .body(Body::empty())
            .unwrap()
    };
    for _ in 0..3 {
        let answer = send(&app, accept()).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.consent_cookie().is_some());
    }
    // The handler's answer goes out as it is, without the consent cookie.
    let over = send(&app, accept()).await;
    assert_eq!(over.status, StatusCode::OK);
    assert_eq!(over.body, "saved");
    assert_eq!(over.consent_cookie(), None);
    assert_eq!(ledger.stats().await.unwrap().records, 3);
    // The same client's endpoint choices share the bucket.
    send(&app, choice("192.0.2.1", r#"{"action":"accept_all"}"#))
        .await
        .assert_limited();
}

#[tokio::test]
async fn choices_from_another_site_spend_no_token() {
    let ledger = limited();
    let app = app(ledger.clone());
    // A page of another site makes the visitor's browser post, again and again: to the
    // consent endpoint and to a handler that returns a Choice.
    for _ in 0..10 {
        let mut forged = choice("192.0.2.7", r#"{"action":"accept_all"}"#);
        forged
            .headers_mut()
            .insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert_eq!(send(&app, forged).await.status, StatusCode::FORBIDDEN);
        let forged = Request::builder()
            .method(Method::POST)
            .uri("/accept")
            .header("sec-fetch-site", "cross-site")
            .extension(ClientIp("192.0.2.7".parse().unwrap()))
            .body(Body::empty())
            .unwrap();
        let answer = send(&app, forged).await;
        assert_eq!(answer.consent_cookie(), None);
    }
    assert_eq!(ledger.stats().await.unwrap().records, 0);
    // The visitor's own choices still have the whole burst.
    for _ in 0..3 {
        let answer = send(&app, choice("192.0.2.7", r#"{"action":"accept_all"}"#)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
}

#[tokio::test]
async fn reading_and_erasing_records_count_too() {
    let ledger = limited();
    let app = app(ledger.clone());
    let answer = send(&app, choice("192.0.2.1", r#"{"action":"accept_all"}"#)).await;
    let cookie = answer.consent_cookie().unwrap();
    let records = |method| {
        from("192.0.2.1", method, "/_consent/records")
            .header(COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    for _ in 0..2 {
        assert_eq!(
            send(&app, records(Method::GET)).await.status,
            StatusCode::OK
        );
    }
    send(&app, records(Method::GET)).await.assert_limited();
    send(&app, records(Method::DELETE)).await.assert_limited();
    assert_eq!(ledger.stats().await.unwrap().records, 1, "nothing erased");
}

#[tokio::test]
async fn the_limit_can_be_turned_off_and_must_be_valid() {
    let ledger = Ledger::new(MemoryStore::new()).rate_limit(None);
    let app = app(ledger.clone());
    for _ in 0..150 {
        let answer = send(&app, choice("192.0.2.1", r#"{"action":"reject_all"}"#)).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let build = |limit| {
        ConsentLayer::builder()
            .secret(SECRET)
            .ledger(Ledger::new(MemoryStore::new()).rate_limit(limit))
            .build()
            .map(|_| ())
    };
    assert_eq!(
        build(RateLimit::new(0, Duration::from_secs(1))),
        Err(BuildError::InvalidRateLimit)
    );
    assert_eq!(
        build(RateLimit::new(1, Duration::ZERO)),
        Err(BuildError::InvalidRateLimit)
    );
    assert_eq!(build(RateLimit::default()), Ok(()));
}

/// On a real server the client is the connection's address (`ConnectInfo`): the
/// default burst of 100 from 127.0.0.1, then `429`, while 127.0.0.2 records.
#[tokio::test]
async fn a_real_server_keys_on_the_connections_address() {
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let ledger = Ledger::new(MemoryStore::new());
    let app = app(ledger.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let client_from = |source: &str| {
        let mut connector = HttpConnector::new();
        connector.set_local_address(Some(source.parse().unwrap()));
        Client::builder(TokioExecutor::new()).build::<_, Body>(connector)
    };
    let post = || {
        Request::post(format!("http://{addr}/_consent"))
            .header("sec-fetch-site", "same-origin")
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"reject_all"}"#))
            .unwrap()
    };
    let first = client_from("127.0.0.1");
    let mut statuses = Vec::new();
    for _ in 0..110 {
        statuses.push(first.request(post()).await.unwrap().status());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!((100..=101).contains(&ok), "{ok} recorded");
    assert_eq!(ok + limited, 110);
    let second = client_from("127.0.0.2");
    assert_eq!(
        second.request(post()).await.unwrap().status(),
        StatusCode::OK
    );
    ledger.flush().await.unwrap();
    assert_eq!(ledger.stats().await.unwrap().records, ok as u64 + 1);
}
