//! End-to-end tests through a real HTTP/1 server on loopback: axum serves a router behind
//! the `ConsentLayer`, and a hyper client talks to it over TCP, so the headers cross a
//! real connection (and several `Cookie` headers stay separate, as hyper does not join
//! them).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::http::HeaderMap;
use axum::response::{AppendHeaders, IntoResponse};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{COOKIE, SET_COOKIE, VARY};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_consent::{Choice, ConsentLayer};

const SECRET: [u8; 32] = *b"real-server-test-secret-32-bytes";
const LIMIT: Duration = Duration::from_secs(10);

/// Runs a test body, failing it if it takes longer than [`LIMIT`].
async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(LIMIT, test)
        .await
        .expect("the test finished within 10 s")
}

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["session", "csrf"])
        .preferences(["theme"])
        .analytics(["_ga", "_ga_*"])
        .marketing(["_fbp"])
        .known_trackers()
        .build()
        .expect("valid configuration")
}

/// Answers with the `Cookie` headers it received, one per line, and tries to set an
/// analytics and a preferences cookie.
async fn echo(headers: HeaderMap) -> impl IntoResponse {
    let received = headers
        .get_all(COOKIE)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let set = AppendHeaders([
        (SET_COOKIE, "_ga=GA1.1.111.222; Path=/; Max-Age=31536000"),
        (SET_COOKIE, "theme=dark; Path=/"),
    ]);
    (set, received)
}

async fn accept() -> (Choice, &'static str) {
    (Choice::accept_all(), "ok")
}

/// Serves the app on an ephemeral loopback port for the rest of the test's runtime.
async fn serve() -> SocketAddr {
    let app = Router::new()
        .route("/", get(echo))
        .route("/accept", post(accept))
        .layer(layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server runs");
    });
    addr
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// What came back: status, `Set-Cookie` values, `Vary` values, body text.
struct Reply {
    status: StatusCode,
    set_cookies: Vec<String>,
    vary: Vec<String>,
    body: String,
}

impl Reply {
    async fn read(response: Response<hyper::body::Incoming>) -> Self {
        let (parts, body) = response.into_parts();
        let text = |name| {
            parts
                .headers
                .get_all(name)
                .iter()
                .map(|v| v.to_str().expect("ASCII header").to_owned())
                .collect::<Vec<_>>()
        };
        let set_cookies = text(SET_COOKIE);
        let vary = text(VARY);
        let body = body.collect().await.expect("body").to_bytes();
        Self {
            status: parts.status,
            set_cookies,
            vary,
            body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
        }
    }

    /// The `Cookie` pairs the handler received, over all headers.
    fn received(&self) -> Vec<&str> {
        self.body
            .lines()
            .flat_map(|line| line.split(';'))
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .collect()
    }

    fn sets(&self, prefix: &str) -> bool {
        self.set_cookies.iter().any(|c| c.starts_with(prefix))
    }

    /// Whether the response deletes cookie `name`.
    fn deletes(&self, name: &str) -> bool {
        let prefix = format!("{name}=;");
        self.set_cookies
            .iter()
            .any(|c| c.starts_with(&prefix) && c.to_ascii_lowercase().contains("max-age=0"))
    }

    fn varies_on_cookie(&self) -> bool {
        self.vary
            .iter()
            .flat_map(|v| v.split(','))
            .any(|v| v.trim().eq_ignore_ascii_case("cookie"))
    }
}

async fn get_with(addr: SocketAddr, cookies: &[&str]) -> Reply {
    let mut request = Request::get(format!("http://{addr}/"))
        .body(Full::new(Bytes::new()))
        .expect("request");
    for cookie in cookies {
        request
            .headers_mut()
            .append(COOKIE, cookie.parse().expect("header value"));
    }
    let response = client().request(request).await.expect("response");
    Reply::read(response).await
}

/// Accepts everything, as a form on the site's own page would (its `Origin`), and
/// returns the consent cookie's `name=value`.
async fn accept_all(addr: SocketAddr) -> String {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("http://{addr}/accept"))
        .header("origin", format!("http://{addr}"))
        .body(Full::new(Bytes::new()))
        .expect("request");
    let reply = Reply::read(client().request(request).await.expect("response")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok");
    let consent = reply
        .set_cookies
        .iter()
        .find(|c| c.starts_with("consent="))
        .unwrap_or_else(|| panic!("a consent cookie in {:?}", reply.set_cookies));
    assert!(
        consent.to_ascii_lowercase().contains("httponly"),
        "{consent}"
    );
    consent
        .split(';')
        .next()
        .expect("name=value")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn without_consent_only_necessary_cookies_pass() {
    bounded(async {
        let addr = serve().await;
        let reply = get_with(addr, &["session=1; _ga=GA1.2.3; _fbp=fb.1.2"]).await;

        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.received(), ["session=1"]);
        assert!(!reply.sets("_ga=GA1"), "{:?}", reply.set_cookies);
        assert!(!reply.sets("theme="), "{:?}", reply.set_cookies);
        assert!(reply.deletes("_ga"), "{:?}", reply.set_cookies);
        assert!(reply.deletes("_fbp"), "{:?}", reply.set_cookies);
        assert!(!reply.deletes("session"), "{:?}", reply.set_cookies);
        assert!(reply.varies_on_cookie(), "{:?}", reply.vary);
    })
    .await;
}

#[tokio::test]
async fn after_accepting_all_cookies_pass_both_ways() {
    bounded(async {
        let addr = serve().await;
        let consent = accept_all(addr).await;

        let cookie = format!("{consent}; session=1; _ga=GA1.2.3; _fbp=fb.1.2");
        let reply = get_with(addr, &[&cookie]).await;

        let received = reply.received();
        for pair in ["session=1", "_ga=GA1.2.3", "_fbp=fb.1.2", consent.as_str()] {
            assert!(received.contains(&pair), "{pair} in {received:?}");
        }
        assert!(reply.sets("_ga=GA1.1.111.222"), "{:?}", reply.set_cookies);
        assert!(reply.sets("theme=dark"), "{:?}", reply.set_cookies);
        assert!(!reply.deletes("_ga"), "{:?}", reply.set_cookies);
        assert!(!reply.deletes("_fbp"), "{:?}", reply.set_cookies);
    })
    .await;
}

#[tokio::test]
async fn every_cookie_header_is_filtered() {
    bounded(async {
        let addr = serve().await;
        let reply = get_with(addr, &["session=1; _ga=GA1.2.3", "_fbp=fb.1.2; csrf=abc"]).await;

        let mut received = reply.received();
        received.sort_unstable();
        assert_eq!(received, ["csrf=abc", "session=1"], "body {:?}", reply.body);
        assert!(reply.deletes("_ga"), "{:?}", reply.set_cookies);
        assert!(reply.deletes("_fbp"), "{:?}", reply.set_cookies);
    })
    .await;
}

#[tokio::test]
async fn consent_is_read_from_any_cookie_header() {
    bounded(async {
        let addr = serve().await;
        let consent = accept_all(addr).await;

        let reply = get_with(addr, &["session=1; _ga=GA1.2.3", &consent]).await;

        let received = reply.received();
        assert!(received.contains(&"_ga=GA1.2.3"), "{received:?}");
        assert!(reply.sets("_ga=GA1.1.111.222"), "{:?}", reply.set_cookies);
        assert!(!reply.deletes("_ga"), "{:?}", reply.set_cookies);
    })
    .await;
}
