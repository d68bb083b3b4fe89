//! The response future of [`ConsentService`](crate::ConsentService): waits for the app
//! or answers an endpoint, then finishes the response with the [`RequestState`].

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes};
use http::request::Parts;
use http::Response;
use http_body::Body;
use pin_project_lite::pin_project;

use crate::body::ConsentBody;
use crate::endpoints::choice_request::MAX_BODY;
use crate::endpoints::{self, BodyRead, Endpoint};
use crate::request_state::RequestState;

pin_project! {
    /// Response future of [`ConsentService`](crate::ConsentService).
    pub struct ResponseFuture<F, ReqBody> {
        #[pin]
        kind: Kind<F, ReqBody>,
        state: Option<RequestState>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, ReqBody> {
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
    }
}

/// An endpoint request whose body is being read.
struct Collecting {
    buffer: Vec<u8>,
    parts: Option<Parts>,
    endpoint: Endpoint,
}

impl<F, ReqBody> ResponseFuture<F, ReqBody> {
    pub(crate) fn inner(future: F, state: RequestState) -> Self {
        Self {
            kind: Kind::Inner { future },
            state: Some(state),
        }
    }

    pub(crate) fn endpoint(
        endpoint: Endpoint,
        request: http::Request<ReqBody>,
        state: RequestState,
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
            };
        }
        Self {
            kind: answer(endpoint, &parts, BodyRead::Read(&[]), state),
            state: None,
        }
    }
}

/// Answers an endpoint request and enforces consent on the answer.
fn answer<F, ReqBody>(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    state: RequestState,
) -> Kind<F, ReqBody> {
    let (mut response, decided) = endpoints::answer(endpoint, parts, body, &state);
    let _ = state.finish(&mut response, decided);
    if parts.method == http::Method::HEAD {
        *response.body_mut() = Bytes::new();
    }
    Kind::Answered {
        response: Some(Box::new(response)),
    }
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
                    let mut response = ready!(future.poll(cx))?;
                    if let Some(state) = this.state.take() {
                        #[cfg(feature = "html")]
                        let (html, state) = {
                            let mut state = state;
                            (state.take_html(), state)
                        };
                        let consent = state.finish(&mut response, None);
                        #[cfg(feature = "html")]
                        if let Some(html) = html {
                            if let Some(rewriter) =
                                crate::html::prepare(consent, html, &mut response)
                            {
                                return Poll::Ready(Ok(
                                    response.map(|body| ConsentBody::html(body, rewriter))
                                ));
                            }
                        }
                        #[cfg(not(feature = "html"))]
                        let _ = consent;
                    }
                    return Poll::Ready(Ok(response.map(ConsentBody::inner)));
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
                        (Some(parts), Some(state)) => answer(*endpoint, &parts, read, state),
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

impl<F, ReqBody> std::fmt::Debug for ResponseFuture<F, ReqBody> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
