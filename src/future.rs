//! The response future of [`ConsentService`](crate::ConsentService): waits for the app
//! or answers an endpoint, then finishes the response with the [`RequestState`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use http::request::Parts;
use http::Response;
use http_body::Body;
use pin_project_lite::pin_project;

use crate::body::ConsentBody;
use crate::config::Config;
use crate::consent::Decision;
use crate::endpoints::choice_request::MAX_BODY;
use crate::endpoints::{BodyRead, Endpoint};
use crate::request_state::RequestState;

pin_project! {
    /// Response future of [`ConsentService`](crate::ConsentService).
    pub struct ResponseFuture<F: Future, ReqBody> {
        #[pin]
        kind: Kind<F, ReqBody>,
        state: Option<RequestState>,
        config: Arc<Config>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F: Future, ReqBody> {
        /// The app answers.
        Inner { #[pin] future: F },
        /// An endpoint answers once the request body is read.
        Collect {
            #[pin]
            body: ReqBody,
            // Boxed, as is the answer below: endpoint requests are rare, and the future
            // of every other request is smaller for it (less to move on each poll).
            collecting: Box<Collecting>,
        },
        /// An endpoint answered at once.
        Answered { response: Option<Box<Response<Bytes>>> },
        /// The app answered with a grant; its ledger record is being committed.
        #[cfg_attr(not(feature = "ledger"), allow(dead_code))]
        Recording { recording: Box<Recording<F::Output>> },
        /// An endpoint's answer waits for the ledger.
        #[cfg_attr(not(feature = "ledger"), allow(dead_code))]
        Ledger { answer: Box<LedgerAnswer> },
    }
}

/// A response whose decision waits for its ledger commit.
#[cfg_attr(not(feature = "ledger"), allow(dead_code))]
struct Recording<T> {
    /// The app's answer (always `Ok`), until it is given out.
    output: Option<T>,
    decision: Decision,
    /// `true` once committed, `false` if the write failed.
    committed: Pin<Box<dyn Future<Output = bool> + Send>>,
    state: Option<RequestState>,
}

/// An endpoint's answer, once the ledger answered, and the decision it records.
type EndpointWork = Pin<Box<dyn Future<Output = (Response<Bytes>, Option<Decision>)> + Send>>;

/// An endpoint's answer that waits for the ledger.
#[cfg_attr(not(feature = "ledger"), allow(dead_code))]
struct LedgerAnswer {
    work: EndpointWork,
    state: Option<RequestState>,
    head: bool,
}

/// An endpoint request whose body is being read.
struct Collecting {
    buffer: Vec<u8>,
    parts: Option<Parts>,
    endpoint: Endpoint,
}

impl<F: Future, ReqBody> ResponseFuture<F, ReqBody> {
    pub(crate) fn inner(future: F, state: RequestState, config: Arc<Config>) -> Self {
        Self {
            kind: Kind::Inner { future },
            state: Some(state),
            config,
        }
    }

    pub(crate) fn endpoint(
        endpoint: Endpoint,
        request: http::Request<ReqBody>,
        state: RequestState,
        config: Arc<Config>,
    ) -> Self {
        let (parts, body) = request.into_parts();
        if endpoint.needs_body(&parts.method) {
            return Self {
                kind: Kind::Collect {
                    body,
                    collecting: Box::new(Collecting {
                        buffer: Vec::new(),
                        parts: Some(parts),
                        endpoint,
                    }),
                },
                state: Some(state),
                config,
            };
        }
        Self {
            kind: answer(endpoint, &parts, BodyRead::Read(&[]), state, &config),
            state: None,
            config,
        }
    }
}

/// Answers an endpoint request and enforces consent on the answer.
#[cfg_attr(not(feature = "ledger"), allow(unused_mut))]
fn answer<F: Future, ReqBody>(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    mut state: RequestState,
    config: &Config,
) -> Kind<F, ReqBody> {
    let settings = config.endpoint_settings();
    #[cfg(feature = "ledger")]
    let (mut response, decided) =
        match crate::endpoints::ledger::endpoint(endpoint, parts, body, &mut state, settings) {
            crate::endpoints::ledger::Respond::Now(response, decided) => (response, decided),
            crate::endpoints::ledger::Respond::Later(work) => {
                return Kind::Ledger {
                    answer: Box::new(LedgerAnswer {
                        work,
                        state: Some(state),
                        head: parts.method == http::Method::HEAD,
                    }),
                }
            }
        };
    #[cfg(not(feature = "ledger"))]
    let (mut response, decided) = {
        let (response, recorded) =
            crate::endpoints::answer(endpoint, parts, body, &mut state, settings);
        (response, recorded.map(|(decision, _)| decision))
    };
    let _ = state.finish(&mut response, decided, &config.gate, config.regimes.vary());
    if parts.method == http::Method::HEAD {
        *response.body_mut() = Bytes::new();
    }
    Kind::Answered {
        response: Some(Box::new(response)),
    }
}

/// With a ledger: the app's response waits for the commit of the grant it records, or
/// is to be finished now when it records a refusal or nothing. Kept out of `poll`, so that the path
/// of layers without a ledger stays as it was.
#[cfg(feature = "ledger")]
#[inline(never)]
fn record<F, ReqBody, B, E>(
    mut state: RequestState,
    mut response: Response<B>,
    ledger: &crate::ledger::LedgerConfig,
) -> Recorded<Kind<F, ReqBody>, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    use crate::endpoints::ledger::Handled;
    match crate::endpoints::ledger::response(&mut state, &mut response, ledger) {
        Some(Handled::Waiting(decision, committed)) => Recorded::Waiting(Kind::Recording {
            recording: Box::new(Recording {
                output: Some(Ok(response)),
                decision,
                committed,
                state: Some(state),
            }),
        }),
        // A refusal is applied at once; its record follows.
        Some(Handled::Applied(decision)) => Recorded::Now(state, response, Some(decision)),
        None => Recorded::Now(state, response, None),
    }
}

/// What [`record`] makes of the app's response. A return value moved once: boxing the
/// large variant would cost every page of a ledger-keeping app an allocation.
#[cfg(feature = "ledger")]
#[allow(clippy::large_enum_variant)]
enum Recorded<K, B> {
    /// The response waits for its decision's commit in this state of the future.
    Waiting(K),
    /// Nothing to wait for: the response is finished now, with the decision it applies.
    Now(RequestState, Response<B>, Option<Decision>),
}

/// Finishes the app's response: consent enforced on its headers, then, for a page the
/// HTML gate applies to, its body streamed through the gate.
#[cfg_attr(not(feature = "html"), allow(unused_mut))]
fn finish_app<B>(
    mut state: RequestState,
    mut response: Response<B>,
    decided: Option<Decision>,
    config: &Config,
) -> Response<ConsentBody<B>> {
    #[cfg(feature = "html")]
    let html = state.take_html();
    let consent = state.finish(&mut response, decided, &config.gate, config.regimes.vary());
    #[cfg(feature = "html")]
    if let (Some(html), Some(gate)) = (html, &config.html) {
        if let Some(feed) = crate::html::prepare(consent, gate, html, &mut response) {
            return response.map(|body| ConsentBody::html(body, feed));
        }
    }
    #[cfg(not(feature = "html"))]
    let _ = consent;
    response.map(ConsentBody::inner)
}

impl<F, B, E, ReqBody> Future for ResponseFuture<F, ReqBody>
where
    F: Future<Output = Result<Response<B>, E>>,
    ReqBody: Body,
{
    type Output = Result<Response<ConsentBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.kind.as_mut().project() {
                KindProj::Inner { future } => {
                    let response = ready!(future.poll(cx))?;
                    if let Some(state) = this.state.take() {
                        let config = &**this.config;
                        #[cfg(feature = "ledger")]
                        if let Some(ledger) = &config.ledger {
                            match record::<F, ReqBody, _, _>(state, response, ledger) {
                                Recorded::Waiting(recording) => {
                                    this.kind.set(recording);
                                    continue;
                                }
                                Recorded::Now(state, response, decided) => {
                                    return Poll::Ready(Ok(finish_app(
                                        state, response, decided, config,
                                    )))
                                }
                            }
                        }
                        return Poll::Ready(Ok(finish_app(state, response, None, config)));
                    }
                    return Poll::Ready(Ok(response.map(ConsentBody::inner)));
                }
                KindProj::Recording { recording } => {
                    let committed = ready!(recording.committed.as_mut().poll(cx));
                    let (Some(output), Some(state)) =
                        (recording.output.take(), recording.state.take())
                    else {
                        // Polled again after answering.
                        this.kind.set(Kind::Answered { response: None });
                        continue;
                    };
                    let response = output?;
                    // Without its commit, the decision is not applied: the response
                    // goes out without a consent cookie.
                    let decided = committed.then_some(recording.decision);
                    return Poll::Ready(Ok(finish_app(state, response, decided, this.config)));
                }
                KindProj::Ledger { answer } => {
                    let (mut response, decided) = ready!(answer.work.as_mut().poll(cx));
                    if let Some(state) = answer.state.take() {
                        let _ = state.finish(
                            &mut response,
                            decided,
                            &this.config.gate,
                            this.config.regimes.vary(),
                        );
                    }
                    if answer.head {
                        *response.body_mut() = Bytes::new();
                    }
                    this.kind.set(Kind::Answered {
                        response: Some(Box::new(response)),
                    });
                }
                KindProj::Collect {
                    mut body,
                    collecting,
                } => {
                    let Collecting {
                        buffer,
                        parts,
                        endpoint,
                    } = &mut **collecting;
                    let read = loop {
                        match ready!(body.as_mut().poll_frame(cx)) {
                            Some(Ok(frame)) => {
                                let Ok(mut data) = frame.into_data() else {
                                    continue;
                                };
                                if buffer.len() + data.remaining() > MAX_BODY {
                                    break BodyRead::TooLarge;
                                }
                                while data.has_remaining() {
                                    let chunk = data.chunk();
                                    buffer.extend_from_slice(chunk);
                                    let read = chunk.len();
                                    data.advance(read);
                                }
                            }
                            Some(Err(_)) => break BodyRead::Unreadable,
                            None => break BodyRead::Read(buffer),
                        }
                    };
                    let next = match (parts.take(), this.state.take()) {
                        (Some(parts), Some(state)) => {
                            answer(*endpoint, &parts, read, state, this.config)
                        }
                        // Polled again after answering: nothing left to give.
                        _ => Kind::Answered { response: None },
                    };
                    this.kind.set(next);
                }
                KindProj::Answered { response } => {
                    let response = response.take().map_or_else(
                        || {
                            let mut gone = Response::new(Bytes::new());
                            *gone.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                            gone
                        },
                        |response| *response,
                    );
                    return Poll::Ready(Ok(response.map(ConsentBody::full)));
                }
            }
        }
    }
}

impl<F: Future, ReqBody> std::fmt::Debug for ResponseFuture<F, ReqBody> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
