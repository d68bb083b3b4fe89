//! A hello-world axum server, with or without a [`ConsentLayer`]: the subject of the load
//! test in `scripts/loadtest.sh` (issue #4).
//!
//! ```text
//! cargo run --release --example hello -- 3001              # the bare app
//! cargo run --release --example hello -- 3002 --consent    # the same app behind the layer
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

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};

use axum::routing::get;
use axum::Router;
use tower_consent::ConsentLayer;

const DEFAULT_PORT: u16 = 3001;
/// A fixed secret, so consent cookies stay valid across restarts of this benchmark
/// server. A real app reads 32+ random bytes from its secret store.
const SECRET: &[u8; 32] = b"hello-example-secret-0123456789!";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut port = None;
    let mut with_consent = std::env::var("WITH_CONSENT").is_ok_and(|v| v == "1");
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--consent" => with_consent = true,
            "--bare" => with_consent = false,
            text => {
                let parsed = text
                    .parse::<u16>()
                    .map_err(|e| format!("expected a port or --consent, got {text:?}: {e}"))?;
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
    if with_consent {
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

    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(address).await?;
    let variant = if with_consent { "with" } else { "without" };
    println!("listening on http://{address} ({variant} ConsentLayer)");
    axum::serve(listener, app).await?;
    Ok(())
}
