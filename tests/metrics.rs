//! Counters through the `metrics` facade, read back from a `DebuggingRecorder`.
#![cfg(feature = "metrics")]

use std::cell::RefCell;
use std::collections::HashMap;
use std::convert::Infallible;

use http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderValue, Request, Response, StatusCode};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use metrics_util::MetricKind;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{Category, Choice, ConsentLayer, CustomCategory};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session"])
        .analytics(["_ga"])
        .marketing(["_fbp"])
        .custom_category(CustomCategory::new("ab", "A/B", "Tests."))
        .classify(Category::Custom("ab"), ["exp_*"])
        .build()
        .unwrap()
}

/// One request through `layer` to an app answering with `set_cookies` and, if given,
/// recording `choice`; run on this thread so that the local recorder sees it.
fn send(
    layer: &ConsentLayer,
    request: Request<String>,
    set_cookies: &'static [&'static str],
    choice: Option<Choice>,
) -> Response<tower_consent::ConsentBody<String>> {
    let app = layer.layer(service_fn(move |_: Request<String>| {
        let choice = choice.clone();
        async move {
            let mut response = Response::new(String::new());
            for value in set_cookies {
                response
                    .headers_mut()
                    .append(SET_COOKIE, HeaderValue::from_static(value));
            }
            if let Some(choice) = choice {
                response.extensions_mut().insert(choice);
            }
            Ok::<_, Infallible>(response)
        }
    }));
    futures::executor::block_on(app.oneshot(request)).unwrap()
}

/// A counter: its name and its sorted labels.
type CounterKey = (String, Vec<(String, String)>);

/// Counter totals: the recorder's snapshots hand out counts since the last snapshot,
/// which this adds up.
struct Counters {
    snapshotter: Snapshotter,
    totals: RefCell<HashMap<CounterKey, u64>>,
}

impl Counters {
    /// The total of the counter `name` with exactly `labels`; 0 if it never moved.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let mut totals = self.totals.borrow_mut();
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            assert_eq!(key.kind(), MetricKind::Counter, "{key:?}");
            let DebugValue::Counter(count) = value else {
                panic!("{key:?} is {value:?}")
            };
            let mut labels: Vec<(String, String)> = key
                .key()
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            labels.sort();
            *totals
                .entry((key.key().name().to_owned(), labels))
                .or_default() += count;
        }
        let mut wanted: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        wanted.sort();
        totals.get(&(name.to_owned(), wanted)).copied().unwrap_or(0)
    }
}

#[test]
fn counters_move_with_what_the_layer_does() {
    let recorder = DebuggingRecorder::new();
    let counters = Counters {
        snapshotter: recorder.snapshotter(),
        totals: RefCell::default(),
    };
    metrics::with_local_recorder(&recorder, || {
        let layer = layer();
        let count = |name, labels: &[(&str, &str)]| counters.get(name, labels);

        // Nothing refused, nothing to count.
        let request = Request::get("/")
            .header(COOKIE, "session=1")
            .body(String::new())
            .unwrap();
        send(&layer, request, &["session=2"], None);
        assert_eq!(
            count("tower_consent_request_cookies_filtered_total", &[]),
            0
        );
        assert_eq!(count("tower_consent_set_cookies_stripped_total", &[]), 0);

        // No decision: every cookie but session is filtered and purged (each name once),
        // the app's _ga and _fbp stripped.
        let request = Request::get("/")
            .header(COOKIE, "session=1; _ga=1; _fbp=2")
            .header(COOKIE, "_ga=1; exp_1=a; mystery=b")
            .body(String::new())
            .unwrap();
        send(&layer, request, &["_ga=3", "session=4", "_fbp=5"], None);
        assert_eq!(
            count("tower_consent_request_cookies_filtered_total", &[]),
            5
        );
        assert_eq!(count("tower_consent_set_cookies_stripped_total", &[]), 2);
        assert_eq!(
            count("tower_consent_purges_total", &[("category", "analytics")]),
            1
        );
        assert_eq!(
            count("tower_consent_purges_total", &[("category", "marketing")]),
            1
        );
        assert_eq!(
            count("tower_consent_purges_total", &[("category", "ab")]),
            1
        );
        assert_eq!(
            count("tower_consent_purges_total", &[("category", "unknown")]),
            1
        );

        // A handler records a choice (from a page of the site); the endpoint records
        // another.
        let request = Request::get("/")
            .header("sec-fetch-site", "same-origin")
            .body(String::new())
            .unwrap();
        let response = send(&layer, request, &[], Some(Choice::accept_all()));
        assert_eq!(
            count(
                "tower_consent_decisions_total",
                &[
                    ("action", "accept_all"),
                    ("source", "api"),
                    ("regime", "opt_in")
                ]
            ),
            1
        );
        let consent_cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("consent="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let request = Request::post("/_consent")
            .header("sec-fetch-site", "same-origin")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("action=withdraw&return_to=/".to_owned())
            .unwrap();
        let response = send(&layer, request, &[], None);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            count(
                "tower_consent_decisions_total",
                &[
                    ("action", "withdraw"),
                    ("source", "banner"),
                    ("regime", "opt_in")
                ]
            ),
            1
        );

        // Decisions by regime: "Do Not Sell or Share" from California (issue 25).
        let regional = ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .marketing(["_fbp"])
            .region_source(tower_consent::RegionSource::cloudflare())
            .build()
            .unwrap();
        let request = Request::post("/_consent")
            .header("sec-fetch-site", "same-origin")
            .header("cf-ipcountry", "US")
            .header("cf-region-code", "CA")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("action=do_not_sell&return_to=/".to_owned())
            .unwrap();
        let response = send(&regional, request, &[], None);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            count(
                "tower_consent_decisions_total",
                &[
                    ("action", "do_not_sell"),
                    ("source", "banner"),
                    ("regime", "opt_out")
                ]
            ),
            1
        );

        // Global Privacy Control overrides the marketing opt-in.
        let request = Request::get("/")
            .header(COOKIE, &consent_cookie)
            .header("sec-gpc", "1")
            .body(String::new())
            .unwrap();
        send(&layer, request, &[], None);
        assert_eq!(count("tower_consent_gpc_overrides_total", &[]), 1);

        // Endpoint errors, by code.
        let request = Request::get("/_consent/nothing-here")
            .body(String::new())
            .unwrap();
        send(&layer, request, &[], None);
        let request = Request::post("/_consent")
            .header("sec-fetch-site", "cross-site")
            .body(String::new())
            .unwrap();
        send(&layer, request, &[], None);
        assert_eq!(
            count(
                "tower_consent_endpoint_errors_total",
                &[("code", "not_found")]
            ),
            1
        );
        assert_eq!(
            count(
                "tower_consent_endpoint_errors_total",
                &[("code", "cross_site_request")]
            ),
            1
        );
    });
}

/// Issue 21, finding 12: a refusal applied without a ledger record (the retry buffer
/// full, or no writer task) is counted.
#[cfg(feature = "ledger")]
#[test]
fn refusals_applied_without_a_record_are_counted() {
    use tower_consent::ledger::{Ledger, MemoryStore};

    let recorder = DebuggingRecorder::new();
    let counters = Counters {
        snapshotter: recorder.snapshotter(),
        totals: RefCell::default(),
    };
    metrics::with_local_recorder(&recorder, || {
        let count = || counters.get("tower_consent_ledger_refusals_unrecorded_total", &[]);
        let refuse = |ledger: Ledger| {
            let layer = ConsentLayer::builder()
                .secret(SECRET)
                .secure(false)
                .analytics(["_ga"])
                .ledger(ledger)
                .build()
                .unwrap();
            let request = Request::post("/_consent")
                .header("sec-fetch-site", "same-origin")
                .header(CONTENT_TYPE, "application/json")
                .body(r#"{"action":"reject_all"}"#.to_owned())
                .unwrap();
            let response = send(&layer, request, &[], None);
            assert_eq!(response.status(), StatusCode::OK, "applied all the same");
            assert!(response.headers().contains_key(SET_COOKIE));
        };
        assert_eq!(count(), 0);
        // No place in the retry buffer.
        refuse(Ledger::new(MemoryStore::new()).retry_capacity(0));
        assert_eq!(count(), 1);
        // No tokio runtime here, so no writer task.
        refuse(Ledger::new(MemoryStore::new()));
        assert_eq!(count(), 2);
    });
}

/// A request refused by the ledger's rate limit is counted once, and as the endpoint
/// error `rate_limited`.
#[cfg(feature = "ledger")]
#[test]
fn rate_limited_requests_are_counted() {
    use std::time::Duration;
    use tower_consent::ledger::{ClientIp, Ledger, MemoryStore, RateLimit};

    let recorder = DebuggingRecorder::new();
    let counters = Counters {
        snapshotter: recorder.snapshotter(),
        totals: RefCell::default(),
    };
    metrics::with_local_recorder(&recorder, || {
        let layer = ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .analytics(["_ga"])
            .ledger(
                Ledger::new(MemoryStore::new())
                    .retry_capacity(0)
                    .rate_limit(RateLimit::new(1, Duration::from_secs(60))),
            )
            .build()
            .unwrap();
        let refuse = || {
            let mut request = Request::post("/_consent")
                .header("sec-fetch-site", "same-origin")
                .header(CONTENT_TYPE, "application/json")
                .body(r#"{"action":"reject_all"}"#.to_owned())
                .unwrap();
            request
                .extensions_mut()
                .insert(ClientIp("192.0.2.1".parse().unwrap()));
            send(&layer, request, &[], None).status()
        };
        assert_eq!(refuse(), StatusCode::OK);
        assert_eq!(refuse(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            counters.get("tower_consent_ledger_rate_limited_total", &[]),
            1
        );
        assert_eq!(
            counters.get(
                "tower_consent_endpoint_errors_total",
                &[("code", "rate_limited")]
            ),
            1
        );
    });
}

/// A page the HTML gate cannot read is counted by reason, once per response.
#[cfg(feature = "html")]
#[test]
fn unreadable_pages_are_counted() {
    use http::header::CONTENT_ENCODING;

    let recorder = DebuggingRecorder::new();
    let counters = Counters {
        snapshotter: recorder.snapshotter(),
        totals: RefCell::default(),
    };
    metrics::with_local_recorder(&recorder, || {
        let layer = ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .analytics(["_ga"])
            .html_gate(tower_consent::HtmlGate::new())
            .build()
            .unwrap();
        let serve = |content_type: &'static str, coding: Option<&'static str>| {
            let app = layer.layer(service_fn(move |_: Request<String>| async move {
                let mut response = Response::new(String::from("<p>page</p>"));
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
                if let Some(coding) = coding {
                    headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
                }
                Ok::<_, Infallible>(response)
            }));
            let response = futures::executor::block_on(app.oneshot(Request::new(String::new())));
            response.unwrap().status()
        };
        let count =
            |reason| counters.get("tower_consent_html_unreadable_total", &[("reason", reason)]);
        assert_eq!(serve("text/html", None), StatusCode::OK);
        assert_eq!(count("coding"), 0);
        assert_eq!(
            serve("text/html", Some("compress")),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            serve("text/html", Some("compress")),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(count("coding"), 2);
        assert_eq!(
            serve("application/xhtml+xml", None),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(count("xhtml"), 1);
    });
}
