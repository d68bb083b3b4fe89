//! The response future of [`ConsentService`](crate::ConsentService).

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http::header::SET_COOKIE;
use http::Response;
use pin_project_lite::pin_project;

use crate::consent::{unix_now, Choice, Consent};
use crate::gate::{self, RequestCookies};

/// What the response side needs to know about the request.
#[derive(Debug)]
pub(crate) struct RequestState {
    consent: Consent,
    cookies: RequestCookies,
    /// Whether the request carried cookies that were not forwarded.
    filtered: bool,
}

impl RequestState {
    pub(crate) fn new(consent: Consent, cookies: RequestCookies, filtered: bool) -> Self {
        Self {
            consent,
            cookies,
            filtered,
        }
    }

    /// Records a [`Choice`] the response carries, then enforces the consent in force:
    /// strips `Set-Cookie`, purges refused cookies the request carried, adds `Vary`.
    pub(crate) fn finish<B>(self, response: &mut Response<B>) {
        let config = self.consent.config();
        let mut granted = self.consent.granted_set();
        let choice = response.extensions_mut().remove::<Choice>();
        let decision = choice.as_ref().and_then(|choice| {
            let decision = choice.decide(
                &config.categories,
                config.cookie.revision(),
                self.consent.decision(),
                unix_now(),
            );
            if decision.is_none() {
                tracing::error!("no randomness for a consent id; the choice was not recorded");
            }
            decision
        });
        if let Some(decision) = &decision {
            granted = decision.granted;
        }
        let headers = response.headers_mut();
        gate::strip_set_cookies(headers, &config.classifier, granted);
        if self.filtered || decision.is_some() {
            gate::purge(headers, &self.cookies, &config.classifier, granted);
        }
        if let Some(decision) = &decision {
            headers.append(
                SET_COOKIE,
                config.cookie.encode(decision, &config.categories),
            );
        }
        gate::vary_on_cookie(headers);
    }
}

pin_project! {
    /// Response future of [`ConsentService`](crate::ConsentService).
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        state: Option<RequestState>,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, state: RequestState) -> Self {
        Self {
            inner,
            state: Some(state),
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        if let Some(state) = this.state.take() {
            state.finish(&mut response);
        }
        Poll::Ready(Ok(response))
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
