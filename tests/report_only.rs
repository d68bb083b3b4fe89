//! Report-only mode: for the rules `tests/gate.rs` checks, the same request through a
//! report-only layer reaches the app untouched, the response leaves untouched, and the
//! log names exactly what the enforcing layer did.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use common::{builder, consent_cookie, layer, round_trip, Answer, Outcome};
use tower_consent::{Category, Choice, Unknown};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// One logged action: (action, cookie, category, path).
type Logged = (String, String, String, String);

/// Collects the report-only events.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Logged>>>);

#[derive(Default)]
struct Fields {
    action: String,
    cookie: String,
    category: String,
    path: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}").trim_matches('"').to_owned();
        match field.name() {
            "action" => self.action = text,
            "cookie" => self.cookie = text,
            "category" => self.category = text,
            "path" => self.path = text,
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "tower_consent::report_only" {
            let mut fields = Fields::default();
            event.record(&mut fields);
            self.0.lock().unwrap().push((
                fields.action,
                fields.cookie,
                fields.category,
                fields.path,
            ));
        }
    }
}

/// A scenario: a configuration, the request's cookies and what the app answers.
struct Case {
    name: &'static str,
    builder: fn() -> tower_consent::ConsentLayerBuilder,
    cookies: Vec<Vec<u8>>,
    answer: Answer,
}

const SET_ALL: &[&str] = &[
    "session=s; Path=/; HttpOnly",
    "theme=dark; Path=/",
    "_ga=GA1.1.1.1; Path=/; Max-Age=31536000",
    "_fbp=fb.1.1.1; Path=/",
];

async fn cases() -> Vec<Case> {
    let analytics_only = consent_cookie(&layer(), "consent", Choice::only([Category::Analytics]))
        .await
        .into_bytes();
    let all = consent_cookie(&layer(), "consent", Choice::accept_all())
        .await
        .into_bytes();
    vec![
        Case {
            name: "without consent only necessary cookies pass",
            builder,
            cookies: vec![b"session=1; _ga=GA1.2.3; theme=dark; _fbp=fb.1.2".to_vec()],
            answer: Answer::setting(SET_ALL),
        },
        Case {
            name: "every Cookie header is read",
            builder,
            cookies: vec![b"_ga=1".to_vec(), b"session=2; _ga_X=3".to_vec()],
            answer: Answer::default(),
        },
        Case {
            name: "a partial choice allows exactly its categories",
            builder,
            cookies: vec![[&analytics_only[..], b"; _ga=1; theme=t; _fbp=2"].concat()],
            answer: Answer::setting(SET_ALL),
        },
        Case {
            name: "accepting all lets everything through",
            builder,
            cookies: vec![[&all[..], b"; _ga=1; theme=t; _fbp=2"].concat()],
            answer: Answer::setting(SET_ALL),
        },
        Case {
            name: "nameless and padded Set-Cookie",
            builder,
            cookies: Vec::new(),
            answer: Answer::setting(&[" \t_ga \t= padded", "_fbp; Path=/", "session =ok"]),
        },
        Case {
            name: "a disguised deletion",
            builder,
            cookies: vec![b"_ga=old".to_vec()],
            answer: Answer::setting(&["_ga=x; Max-Age=0; Max-Age=99"]),
        },
        Case {
            name: "unknown cookies under Unknown::Block",
            builder,
            cookies: vec![b"mystery=1; session=2".to_vec()],
            answer: Answer::setting(&["other=1"]),
        },
        Case {
            name: "unknown cookies under Unknown::Allow",
            builder: || builder().unknown(Unknown::Allow),
            cookies: vec![b"mystery=1; _ga=2".to_vec()],
            answer: Answer::setting(&["other=1"]),
        },
        Case {
            name: "the catalog",
            builder: || builder().known_trackers(),
            cookies: vec![b"_hjSessionUser_1=x; _gcl_au=1".to_vec()],
            answer: Answer::setting(&["_uetsid=1"]),
        },
        Case {
            name: "a recorded choice applies to its own response",
            builder,
            cookies: vec![b"_ga=1; _fbp=2".to_vec()],
            answer: Answer {
                choice: Some(Choice::only([Category::Marketing])),
                ..Answer::setting(SET_ALL)
            },
        },
    ]
}

fn text(values: &[Vec<u8>]) -> Vec<String> {
    values
        .iter()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

/// The cookie names a `Cookie` header list carries, without the consent cookie.
fn names(headers: &[Vec<u8>]) -> BTreeSet<String> {
    headers
        .iter()
        .flat_map(|h| h.split(|&b| b == b';'))
        .map(|pair| {
            let name = pair.split(|&b| b == b'=').next().unwrap_or_default();
            String::from_utf8_lossy(name).trim().to_owned()
        })
        .filter(|name| !name.is_empty() && name != "consent")
        .collect()
}

/// What the enforcing layer did: the log lines report-only mode must write.
fn expected(case: &Case, enforced: &Outcome) -> BTreeSet<(String, String)> {
    let sent = names(&case.cookies);
    let received = names(&enforced.received);
    let mut logged: BTreeSet<(String, String)> = sent
        .difference(&received)
        .map(|name| ("filter".to_owned(), name.clone()))
        .collect();
    let kept = enforced.set_cookies();
    for value in &case.answer.set_cookies {
        let value = value.to_str().unwrap();
        if !kept.iter().any(|k| k == value) {
            let pair = value.split(';').next().unwrap();
            let name = match pair.split_once('=') {
                Some((name, _)) if !name.trim().is_empty() => name.trim(),
                // A nameless cookie: its text is a value and is never logged.
                _ => "",
            };
            logged.insert(("strip".to_owned(), name.to_owned()));
        }
    }
    // The layer's own deletions (not the app's). The nameless deletion that covers a
    // script's nameless cookie names no request cookie: report-only names the request
    // cookies themselves.
    let app: Vec<&str> = case
        .answer
        .set_cookies
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    for deletion in enforced.deletions() {
        let name = deletion.split('=').next().unwrap();
        if !name.is_empty() && !app.contains(&deletion.as_str()) {
            logged.insert(("purge".to_owned(), name.to_owned()));
        }
    }
    logged
}

#[tokio::test]
async fn report_only_changes_nothing_and_logs_what_enforcing_does() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    for case in cases().await {
        let cookies: Vec<&[u8]> = case.cookies.iter().map(Vec::as_slice).collect();
        let enforcing = (case.builder)().build().unwrap();
        let enforced = round_trip(&enforcing, &cookies, case.answer.clone()).await;
        let reporting = (case.builder)().report_only(true).build().unwrap();
        capture.0.lock().unwrap().clear();
        let reported = round_trip(&reporting, &cookies, case.answer.clone()).await;

        // The app sees every cookie, byte for byte, and the same consent as enforcing.
        assert_eq!(
            text(&reported.received),
            text(&case.cookies),
            "{}",
            case.name
        );
        assert_eq!(
            reported.consent.granted().collect::<Vec<_>>(),
            enforced.consent.granted().collect::<Vec<_>>(),
            "{}",
            case.name
        );
        // The response carries the app's `Set-Cookie` untouched, then the consent
        // cookie of a recorded choice, and no deletion.
        let app: Vec<String> = case
            .answer
            .set_cookies
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let set = reported.set_cookies();
        assert_eq!(set[..app.len()], app[..], "{}", case.name);
        assert_eq!(
            reported.consent_cookie("consent").is_some(),
            case.answer.choice.is_some(),
            "{}",
            case.name
        );
        assert_eq!(
            set.len(),
            app.len() + usize::from(case.answer.choice.is_some())
        );

        let logged = capture.0.lock().unwrap().clone();
        assert!(logged.iter().all(|(.., path)| path == "/"), "{}", case.name);
        let logged: BTreeSet<(String, String)> = logged
            .into_iter()
            .map(|(action, cookie, ..)| (action, cookie))
            .collect();
        assert_eq!(logged, expected(&case, &enforced), "{}", case.name);
    }
}

#[tokio::test]
async fn each_action_is_logged_once_per_cookie_and_path() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let reporting = builder().report_only(true).build().unwrap();
    for _ in 0..3 {
        round_trip(&reporting, &[b"_ga=1"], Answer::setting(&["_fbp=2"])).await;
    }
    let logged = capture.0.lock().unwrap().clone();
    assert_eq!(
        logged,
        [
            (
                "filter".into(),
                "_ga".into(),
                "analytics".into(),
                "/".into()
            ),
            (
                "strip".into(),
                "_fbp".into(),
                "marketing".into(),
                "/".into()
            ),
            ("purge".into(), "_ga".into(), "analytics".into(), "/".into()),
        ]
    );
}
