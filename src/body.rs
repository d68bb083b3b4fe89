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

/// What an HTML body goes through; without the `html` feature there is none.
#[cfg(feature = "html")]
type HtmlFeed = Box<crate::html::Feed>;
#[cfg(not(feature = "html"))]
type HtmlFeed = std::convert::Infallible;

pin_project! {
    #[project = KindProj]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Full { data: Option<Bytes> },
        Html {
            #[pin]
            body: B,
            // Boxed: the feed is large, and only HTML responses carry it.
            feed: HtmlFeed,
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
    pub(crate) fn html(body: B, feed: crate::html::Feed) -> Self {
        Self {
            kind: Kind::Html {
                body,
                feed: Box::new(feed),
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
                feed,
                trailers,
                done,
            } => poll_html(body, feed, trailers, done, cx),
            #[cfg(not(feature = "html"))]
            KindProj::Html { feed, .. } => match *feed {},
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

/// Feeds the inner body's data through the gate ([`Feed`](crate::html::Feed): decoded,
/// sniffed, rewritten) and yields what it writes, a decoded page in bounded steps. A
/// failure ends the body with an error; nothing unread is ever sent.
#[cfg(feature = "html")]
fn poll_html<B>(
    mut body: Pin<&mut B>,
    feed: &mut crate::html::Feed,
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

    loop {
        if *done {
            return Poll::Ready(trailers.take().map(|t| Ok(Frame::trailers(t))));
        }
        match feed.next() {
            Ok(Some(out)) if !out.is_empty() => {
                return Poll::Ready(Some(Ok(Frame::data(out.into()))));
            }
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(error) => {
                *done = true;
                tracing::error!(%error, "HTML gate failed; the response body ends with an error");
                return Poll::Ready(Some(Err(BoxError::from(error))));
            }
        }
        if feed.is_finished() {
            *done = true;
            continue;
        }
        match std::task::ready!(body.as_mut().poll_frame(cx)) {
            Some(Ok(frame)) => match frame.into_data() {
                // A `Bytes` body's chunk is shared, not copied: the gate keeps it
                // while lol_html reads it.
                Ok(mut data) => feed.write(data.copy_to_bytes(data.remaining())),
                Err(frame) => {
                    // Trailers come last: sent after the gate's last bytes.
                    if let Ok(map) = frame.into_trailers() {
                        *trailers = Some(map);
                    }
                }
            },
            Some(Err(error)) => {
                *done = true;
                return Poll::Ready(Some(Err(error.into())));
            }
            None => feed.end(),
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
