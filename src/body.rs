//! [`ConsentBody`]: the response body of [`ConsentService`](crate::ConsentService).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

/// The error type of [`ConsentBody`]: the inner body's error, or (with the HTML gate)
/// why a page could not be rewritten.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pin_project! {
    /// Response body of [`ConsentService`](crate::ConsentService): the inner service's
    /// body, passed through untouched or (with the [HTML gate](crate::ConsentLayerBuilder::html_gate))
    /// rewritten as it streams, or a body the layer wrote itself (the consent
    /// endpoints).
    ///
    /// Its error is a [`BoxError`]: the inner body's error, or the HTML gate's when a
    /// page cannot be rewritten (the body then ends with that error rather than send
    /// anything unchecked).
    ///
    /// # Example
    ///
    /// ```
    /// use http::{Request, Response};
    /// use tower::ServiceExt;
    /// use tower_consent::{ConsentBody, ConsentLayer};
    /// # use tower_layer::Layer;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let layer = ConsentLayer::builder().secret([1u8; 32]).build()?;
    /// let service = layer.layer(tower::service_fn(|_: Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(String::from("hi")))
    /// }));
    /// let response: Response<ConsentBody<String>> =
    ///     service.oneshot(Request::new(String::new())).await?;
    /// # Ok(()) }
    /// ```
    pub struct ConsentBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

/// The rewriter an HTML body carries; without the `html` feature there is none.
#[cfg(feature = "html")]
type HtmlRewriter = Box<crate::html::Rewriter>;
#[cfg(not(feature = "html"))]
type HtmlRewriter = std::convert::Infallible;

pin_project! {
    #[project = KindProj]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Full { data: Option<Bytes> },
        Html {
            #[pin]
            body: B,
            // Boxed: the rewriter is large, and only HTML responses carry it.
            rewriter: HtmlRewriter,
            trailers: Option<http::HeaderMap>,
            done: bool,
        },
    }
}

impl<B> ConsentBody<B> {
    pub(crate) fn inner(body: B) -> Self {
        Self {
            kind: Kind::Inner { body },
        }
    }

    #[cfg(feature = "html")]
    pub(crate) fn html(body: B, rewriter: crate::html::Rewriter) -> Self {
        Self {
            kind: Kind::Html {
                body,
                rewriter: Box::new(rewriter),
                trailers: None,
                done: false,
            },
        }
    }

    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        let data: Bytes = data.into();
        Self {
            kind: Kind::Full {
                data: (!data.is_empty()).then_some(data),
            },
        }
    }
}

impl<B> std::fmt::Debug for ConsentBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            Kind::Inner { .. } => "Inner",
            Kind::Full { .. } => "Full",
            Kind::Html { .. } => "Html",
        };
        f.debug_tuple("ConsentBody").field(&kind).finish()
    }
}

impl<B> Body for ConsentBody<B>
where
    B: Body,
    B::Data: From<Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx).map_err(Into::into),
            KindProj::Full { data } => {
                Poll::Ready(data.take().map(|data| Ok(Frame::data(data.into()))))
            }
            #[cfg(feature = "html")]
            KindProj::Html {
                body,
                rewriter,
                trailers,
                done,
            } => poll_html(body, rewriter, trailers, done, cx),
            #[cfg(not(feature = "html"))]
            KindProj::Html { rewriter, .. } => match *rewriter {},
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Full { data } => data.is_none(),
            Kind::Html { done, trailers, .. } => *done && trailers.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Full { data } => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            Kind::Html { done, trailers, .. } if *done && trailers.is_none() => {
                SizeHint::with_exact(0)
            }
            Kind::Html { .. } => SizeHint::default(),
        }
    }
}

/// Feeds the inner body's data through the rewriter and yields what it writes. A
/// rewriter failure ends the body with an error; nothing unrewritten is ever sent.
#[cfg(feature = "html")]
fn poll_html<B>(
    mut body: Pin<&mut B>,
    rewriter: &mut crate::html::Rewriter,
    trailers: &mut Option<http::HeaderMap>,
    done: &mut bool,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Frame<B::Data>, BoxError>>>
where
    B: Body,
    B::Data: From<Bytes>,
    B::Error: Into<BoxError>,
{
    use bytes::Buf;

    let failed = |done: &mut bool, error: crate::html::RewriteError| {
        *done = true;
        tracing::error!(%error, "HTML gate failed; the response body ends with an error");
        Poll::Ready(Some(Err(BoxError::from(error))))
    };
    loop {
        if *done {
            return Poll::Ready(trailers.take().map(|t| Ok(Frame::trailers(t))));
        }
        match std::task::ready!(body.as_mut().poll_frame(cx)) {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(mut data) => {
                    // Usually one contiguous chunk: its output is sent as it is.
                    let mut out: Option<Bytes> = None;
                    while data.has_remaining() {
                        // A `Bytes` body's chunk is shared, not copied: the rewriter
                        // keeps it while lol_html reads it.
                        let chunk = data.copy_to_bytes(data.chunk().len());
                        let written = match rewriter.write(&chunk) {
                            Ok(written) => written,
                            Err(error) => return failed(done, error),
                        };
                        out = Some(match out.take() {
                            None => written,
                            Some(before) => [before, written].concat().into(),
                        });
                    }
                    if let Some(out) = out.filter(|out| !out.is_empty()) {
                        return Poll::Ready(Some(Ok(Frame::data(out.into()))));
                    }
                }
                Err(frame) => {
                    // Trailers come last: sent after the rewriter's last bytes.
                    if let Ok(map) = frame.into_trailers() {
                        *trailers = Some(map);
                    }
                }
            },
            Some(Err(error)) => {
                *done = true;
                return Poll::Ready(Some(Err(error.into())));
            }
            None => {
                let rest = match rewriter.end() {
                    Ok(rest) => rest,
                    Err(error) => return failed(done, error),
                };
                *done = true;
                if !rest.is_empty() {
                    return Poll::Ready(Some(Ok(Frame::data(rest.into()))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_stay_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<ConsentBody<String>>();
    }

    #[test]
    fn full_bodies_report_their_size_and_end() {
        let body: ConsentBody<String> = ConsentBody::full("abc");
        assert_eq!(body.size_hint().exact(), Some(3));
        assert!(!body.is_end_stream());
        let empty: ConsentBody<String> = ConsentBody::full("");
        assert!(empty.is_end_stream());
        let inner = ConsentBody::inner(String::from("xy"));
        assert_eq!(inner.size_hint().exact(), Some(2));
    }
}
