//! A hello-world axum server, bare, behind a [`ConsentLayer`], or behind a do-nothing
//! "floor" layer: the subject of the load test in `scripts/loadtest.sh` (issue #4).
//!
//! ```text
//! cargo run --release --example hello -- 3001              # the bare app
//! cargo run --release --example hello -- 3002 --consent    # the same app behind the layer
//! cargo run --release --example hello -- 3003 --floor      # behind the floor layer
//! WITH_CONSENT=1 PORT=3002 cargo run --release --example hello
//! ```
//!
//! It listens on 127.0.0.1 only. The port comes from the first argument, else `PORT`,
//! else 3001; the layer is on with `--consent` or `WITH_CONSENT=1`. `GET /` answers
//! `Hello, world!`. With the layer, a consent cookie is had from its own endpoint:
//!
//! ```text
//! curl -si -X POST -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' \
//!      --data '{"action":"accept_all"}' http://127.0.0.1:3002/_consent | grep -i set-cookie
//! ```
//!
//! The floor layer does only what any layer in the consent layer's place must do, and
//! nothing about cookies: it puts a value of the size of `Consent` into the request
//! extensions for the handler, wraps the response body in a type of its own (which
//! axum boxes again, as it boxes `ConsentBody`), and adds `Vary: cookie`. The load test
//! measures it so that the consent layer's own work can be told apart from what being
//! such a layer costs.

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};

use axum::extract::Request;
use axum::http::header::VARY;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http_body_util::BodyExt;
use tower::util::{MapRequestLayer, MapResponseLayer};
use tower_consent::ConsentLayer;

const DEFAULT_PORT: u16 = 3001;
/// A fixed secret, so consent cookies stay valid across restarts of this benchmark
/// server. A real app reads 32+ random bytes from its secret store.
const SECRET: &[u8; 32] = b"hello-example-secret-0123456789!";

/// Which layer the app runs behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Bare,
    Consent,
    Floor,
}

/// The floor layer's request extension: as large as `Consent`, and cloned like it.
#[derive(Clone)]
struct FloorValue {
    _bytes: [u8; 104],
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut port = None;
    let mut variant = if std::env::var("WITH_CONSENT").is_ok_and(|v| v == "1") {
        Variant::Consent
    } else {
        Variant::Bare
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--consent" => variant = Variant::Consent,
            "--bare" => variant = Variant::Bare,
            "--floor" => variant = Variant::Floor,
            text => {
                let parsed = text.parse::<u16>().map_err(|e| {
                    format!("expected a port, --bare, --consent or --floor, got {text:?}: {e}")
                })?;
                port = Some(parsed);
            }
        }
    }
    let port = match (port, std::env::var("PORT")) {
        (Some(port), _) => port,
        (None, Ok(text)) => text
            .parse::<u16>()
            .map_err(|e| format!("PORT must be a port number, got {text:?}: {e}"))?,
        (None, Err(_)) => DEFAULT_PORT,
    };

    let mut app = Router::new().route("/", get(|| async { "Hello, world!" }));
    match variant {
        Variant::Bare => {}
        Variant::Consent => {
            let consent = ConsentLayer::builder()
                .secret(SECRET)
                .secure(false) // plain HTTP on loopback
                .necessary(["session", "csrftoken"])
                .preferences(["theme", "lang"])
                .analytics(["_ga", "_ga_*", "_gid"])
                .marketing(["_fbp", "fr"])
                .known_trackers()
                .build()?;
            app = app.layer(consent);
        }
        Variant::Floor => {
            app = app
                .layer(MapResponseLayer::new(|mut response: Response| {
                    let headers = response.headers_mut();
                    headers.append(VARY, HeaderValue::from_static("cookie"));
                    response.map(|body| body.map_err(|error| error))
                }))
                .layer(MapRequestLayer::new(|mut request: Request| {
                    request
                        .extensions_mut()
                        .insert(FloorValue { _bytes: [0; 104] });
                    request
                }));
        }
    }

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("listening on http://{address} ({variant:?})");
    axum::serve(listener, app).await?;
    Ok(())
}
