//! [`ConsentService`]: enforces consent around one inner service.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use http_body::Body;
use tower_service::Service;

use crate::body::ConsentBody;
use crate::config::Config;
use crate::consent::{unix_now, Consent};
use crate::future::ResponseFuture;
use crate::regime::{InForce, Regimes};
use crate::request_state::RequestState;
use crate::{gate, gpc};

/// Middleware that enforces cookie consent; made by [`ConsentLayer`](crate::ConsentLayer).
///
/// See the [crate documentation](crate) for what it does and an example.
#[derive(Clone, Debug)]
pub struct ConsentService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> ConsentService<S> {
    pub(crate) fn new(inner: S, config: Arc<Config>) -> Self {
        Self { inner, config }
    }

    /// The wrapped service.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// # use tower_layer::Layer;
    /// let layer = ConsentLayer::builder().secret([1u8; 32]).build()?;
    /// let service = layer.layer(tower::service_fn(|_: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// }));
    /// let _inner = service.get_ref();
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// # use tower_layer::Layer;
    /// let layer = ConsentLayer::builder().secret([1u8; 32]).build()?;
    /// let mut service = layer.layer(tower::service_fn(|_: http::Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let _inner = service.get_mut();
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// # use tower_layer::Layer;
    /// let layer = ConsentLayer::builder().secret([1u8; 32]).build()?;
    /// let service = layer.layer(tower::service_fn(|_: http::Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let _inner = service.into_inner();
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for ConsentService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ReqBody: Body,
{
    type Response = Response<ConsentBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let config = &self.config;
        let context = &config.consent;
        let gpc = gpc::signal(request.headers());
        let scan = gate::scan_request(
            request.headers(),
            request.uri(),
            request.uri().path(),
            &config.gate.classifier,
            &context.cookie,
            &context.categories,
        );
        let read = scan.decision;
        let stale_id = scan.stale_id();
        let in_force = regime(&config.regimes, &mut request);
        let pending = if gpc && (context.honour_gpc || in_force.gpc_binding) {
            let found = gpc::Found {
                decision: read.as_ref(),
                granted: context
                    .defaults
                    .granted(in_force.regime, read.map(|d| (d.granted, d.decided))),
                sale_share: context.defaults.sale_share(),
                browser_id: read.map(|d| d.id).or(stale_id),
                revision: context.cookie.revision(),
            };
            gpc::override_decision(found, unix_now)
        } else {
            None
        };
        if pending.is_some() {
            crate::metrics::gpc_override();
        }
        let page = request.uri().path_and_query().cloned();
        let consent = Consent::new(
            pending.or(read),
            stale_id,
            gpc,
            page,
            in_force,
            context.clone(),
        );
        let (cookies, filtered) = match &config.gate.report_only {
            Some(report) => report.request(
                scan,
                &config.gate.classifier,
                consent.granted_set(),
                request.uri().path(),
            ),
            None => gate::filter_request(
                request.headers_mut(),
                scan,
                &config.gate.classifier,
                consent.granted_set(),
            ),
        };
        let origin = config.same_origin.check(request.headers(), request.uri());
        let endpoint = config.endpoints.route(request.uri().path());
        if let Some(endpoint) = endpoint {
            let mut state =
                RequestState::new(consent, cookies, filtered, pending.is_some(), origin);
            #[cfg(feature = "ledger")]
            if config.ledger.is_some() {
                state.set_client(crate::ledger::Client::of(request.extensions()).key());
            }
            if endpoint.is_static() {
                // Cacheable answers must not carry a visitor's consent cookie.
                state.discard_pending();
            }
            return ResponseFuture::endpoint(endpoint, request, state, config.clone());
        }
        #[cfg_attr(not(feature = "ledger"), allow(unused_mut))]
        // The response side keeps the page too: the report, the logs and the HTML gate
        // name it (a reference count on the request's buffer).
        let mut state = RequestState::new(
            consent.clone(),
            cookies,
            filtered,
            pending.is_some(),
            origin,
        );
        #[cfg(feature = "ledger")]
        if let Some(ledger) = &config.ledger {
            state.set_capture(ledger.capture(
                &context.banner,
                request.headers(),
                request.extensions(),
            ));
        }
        #[cfg(feature = "html")]
        let state = if config.html.is_some() && config.gate.report_only.is_none() {
            // Report-only mode leaves pages as they are.
            state.with_html(crate::html::HtmlRequest::new(&mut request, &consent))
        } else {
            state
        };
        request.extensions_mut().insert(consent);
        ResponseFuture::inner(self.inner.call(request), state, config.clone())
    }
}

/// The regime in force on `request`. Without a region source, the fallback at once; a
/// function source is lent the request's head (moved out and back: nothing is copied
/// or allocated).
#[inline]
fn regime<B>(regimes: &Regimes, request: &mut Request<B>) -> InForce {
    if !regimes.reads_regions() {
        return regimes.in_force(None);
    }
    if !regimes.needs_parts() {
        return regimes.for_headers(request.headers());
    }
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.method = request.method().clone();
    parts.version = request.version();
    parts.uri = std::mem::take(request.uri_mut());
    parts.headers = std::mem::take(request.headers_mut());
    parts.extensions = std::mem::take(request.extensions_mut());
    let in_force = regimes.for_parts(&parts);
    *request.uri_mut() = parts.uri;
    *request.headers_mut() = parts.headers;
    *request.extensions_mut() = parts.extensions;
    in_force
}
