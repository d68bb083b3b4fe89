//! Shared harness: drives a `ConsentLayer` with `tower::ServiceExt::oneshot` around a
//! handler that records what it received and answers with chosen `Set-Cookie` headers.
#![allow(dead_code)] // each test binary uses its own part of the harness

pub(crate) mod served;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderValue, Request, Response};
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{Choice, Consent, ConsentLayer, ConsentLayerBuilder, Unknown};

pub(crate) const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

/// The demo-like configuration most tests use, to build on.
pub(crate) fn builder() -> ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session"])
        .preferences(["theme"])
        .analytics(["_ga", "_ga_*"])
        .marketing(["_fbp"])
}

/// The demo-like configuration most tests use.
pub(crate) fn layer() -> ConsentLayer {
    builder().build().expect("valid configuration")
}

/// Only `_ga` declared (analytics); every other cookie allowed.
pub(crate) fn lenient() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .unknown(Unknown::Allow)
        .build()
        .expect("valid configuration")
}

/// What the handler should answer.
#[derive(Default, Clone)]
pub(crate) struct Answer {
    pub(crate) set_cookies: Vec<HeaderValue>,
    pub(crate) choice: Option<Choice>,
    /// Other response headers.
    pub(crate) headers: Vec<(http::HeaderName, HeaderValue)>,
}

impl Answer {
    pub(crate) fn setting(values: &[&str]) -> Self {
        Self {
            set_cookies: values
                .iter()
                .map(|v| HeaderValue::from_str(v).expect("valid header"))
                .collect(),
            ..Self::default()
        }
    }

    pub(crate) fn choosing(choice: Choice) -> Self {
        Self {
            choice: Some(choice),
            ..Self::default()
        }
    }

    /// The same answer with one more response header.
    pub(crate) fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((
            http::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
        self
    }
}

/// What one round trip produced.
pub(crate) struct Outcome {
    /// The `Cookie` header values the handler received, in order.
    pub(crate) received: Vec<Vec<u8>>,
    /// The consent state the handler saw.
    pub(crate) consent: Consent,
    pub(crate) response: Response<tower_consent::ConsentBody<()>>,
}

impl Outcome {
    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    pub(crate) fn received_text(&self) -> Vec<String> {
        self.received
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// Deleting `Set-Cookie` headers (`Max-Age=0`).
    pub(crate) fn deletions(&self) -> Vec<String> {
        self.set_cookies()
            .into_iter()
            .filter(|v| v.contains("Max-Age=0"))
            .collect()
    }

    /// The `name=value` pair of the consent cookie this response set, if any.
    pub(crate) fn consent_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find_map(|v| {
            let pair = v.split(';').next()?.to_owned();
            pair.starts_with(&format!("{name}=")).then_some(pair)
        })
    }
}

/// Sends one request with these `Cookie` header values through `layer`.
/// What the handler saw: the `Cookie` header values and the consent state.
type Seen = Arc<Mutex<Option<(Vec<Vec<u8>>, Consent)>>>;

pub(crate) async fn round_trip(layer: &ConsentLayer, cookies: &[&[u8]], answer: Answer) -> Outcome {
    // A browser navigating within the site: a same-origin request may record a choice.
    let mut request = Request::builder()
        .uri("/")
        .header("sec-fetch-site", "same-origin");
    for value in cookies {
        request = request.header(
            COOKIE,
            HeaderValue::from_bytes(value).expect("valid header"),
        );
    }
    send(layer, request.body(String::new()).unwrap(), answer).await
}

/// Sends `request` through `layer` to a handler that records what it received and
/// answers with `answer`.
pub(crate) async fn send(
    layer: &ConsentLayer,
    request: Request<String>,
    answer: Answer,
) -> Outcome {
    let seen: Seen = Arc::default();
    let capture = seen.clone();
    let service = layer.layer(service_fn(move |request: Request<String>| {
        let capture = capture.clone();
        let answer = answer.clone();
        async move {
            let received = request
                .headers()
                .get_all(COOKIE)
                .iter()
                .map(|v| v.as_bytes().to_vec())
                .collect();
            let consent = request
                .extensions()
                .get::<Consent>()
                .cloned()
                .expect("the layer inserts Consent");
            *capture.lock().unwrap() = Some((received, consent));
            let mut response = Response::new(());
            for value in answer.set_cookies {
                response.headers_mut().append(SET_COOKIE, value);
            }
            for (name, value) in answer.headers {
                response.headers_mut().append(name, value);
            }
            if let Some(choice) = answer.choice {
                response.extensions_mut().insert(choice);
            }
            Ok::<_, Infallible>(response)
        }
    }));
    let response = service.oneshot(request).await.unwrap();
    let (received, consent) = seen.lock().unwrap().take().expect("handler ran");
    Outcome {
        received,
        consent,
        response,
    }
}

/// A valid consent cookie (`name=value`) recording `choice` under `layer`.
pub(crate) async fn consent_cookie(layer: &ConsentLayer, name: &str, choice: Choice) -> String {
    round_trip(layer, &[], Answer::choosing(choice))
        .await
        .consent_cookie(name)
        .expect("a consent cookie was set")
}

/// `bytes` without the random token of each response (`data-consent-held="…"` on
/// held-back elements, `data-tc-held="…"` on the banner's script): the tables below
/// compare pages; `tests/html_loaders.rs` checks the token.
pub(crate) fn without_tokens(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    'scan: while !rest.is_empty() {
        for attribute in [
            &b" data-consent-held=\""[..],
            b" data-tc-held=\"",
            b" data-tc-embed=\"",
        ] {
            let token = rest.get(attribute.len()..attribute.len() + 33);
            let is_token = rest.starts_with(attribute)
                && token
                    .is_some_and(|t| t[32] == b'"' && t[..32].iter().all(u8::is_ascii_hexdigit));
            if is_token {
                rest = &rest[attribute.len() + 33..];
                continue 'scan;
            }
        }
        out.push(rest[0]);
        rest = &rest[1..];
    }
    out
}
