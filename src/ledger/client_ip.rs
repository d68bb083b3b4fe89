//! [`ClientIp`]: the client's address, as the app tells the ledger.

use std::net::IpAddr;

/// The client's IP address, put into the request extensions by the app (outside the
/// consent layer): the client the ledger's [`RateLimit`](super::RateLimit) counts
/// (without it, the connection's address: axum's `ConnectInfo<SocketAddr>`), and for
/// [`ledger_ip(true)`](crate::ConsentLayerBuilder::ledger_ip) the network a record
/// keeps: `/24` for IPv4, `/48` for IPv6.
///
/// The layer cannot know which address to trust: behind a proxy the connection is the
/// proxy's, and `X-Forwarded-For` is whatever the client wrote unless your proxy sets
/// it. Take it from where your deployment makes it trustworthy: the address your own
/// proxy appends last to `X-Forwarded-For` (never an earlier one, which the client may
/// have written), or the header your CDN sets.
///
/// # Example
///
/// With axum, from the connection (serve with
/// `into_make_service_with_connect_info::<SocketAddr>()`):
///
/// ```
/// use std::net::SocketAddr;
/// use axum::extract::{ConnectInfo, Request};
/// use axum::{middleware::map_request, routing::get, Router};
/// use tower_consent::ledger::{ClientIp, Ledger, MemoryStore};
/// use tower_consent::ConsentLayer;
///
/// async fn client_ip(ConnectInfo(addr): ConnectInfo<SocketAddr>, mut request: Request) -> Request {
///     request.extensions_mut().insert(ClientIp(addr.ip()));
///     request
/// }
///
/// let consent = ConsentLayer::builder()
///     .secret([42u8; 32])
///     .ledger(Ledger::new(MemoryStore::new()))
///     .ledger_ip(true)
///     .build()?;
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hi" }))
///     .layer(consent)
///     .layer(map_request(client_ip)); // outermost: runs before the consent layer
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);
