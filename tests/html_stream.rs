//! The HTML gate streams: a 100 MiB page generated on the fly passes with bounded
//! memory, bytes leave before the app's body ends, and the gate still works behind
//! tower-http's `CompressionLayer`.
#![cfg(feature = "html")]

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use http::{HeaderValue, Request, Response};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use tower::{service_fn, Layer, ServiceExt};
use tower_consent::{ConsentLayer, HtmlGate};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

fn layer() -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .html_gate(HtmlGate::new())
        .build()
        .expect("valid configuration")
}

fn html_response<B>(body: B) -> Response<B> {
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

/// A page of `chunks` chunks, each made when it is asked for.
struct Generated {
    left: usize,
    chunk: Bytes,
}

impl Body for Generated {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        // A fresh copy each time: the source never holds more than one chunk.
        Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(&self.chunk)))))
    }
}

/// 64 KiB of page: a tracker script, an inline snippet and a pixel, then article text.
fn chunk() -> Bytes {
    let mut page = String::from(concat!(
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
        "<script>var u='https://connect.facebook.net/en_US/fbevents.js';</script>",
        "<img src=\"https://www.facebook.com/tr?id=1\" width=\"1\">",
    ));
    let text =
        "<p>Some text of the article, with <a href=\"/x\">a link</a> and <em>emphasis</em>.</p>\n";
    while page.len() + text.len() <= 64 * 1024 {
        page.push_str(text);
    }
    Bytes::from(page)
}

#[test]
fn a_100_mib_page_streams_through_in_bounded_memory() {
    let chunk = chunk();
    let chunks = (100 * 1024 * 1024) / chunk.len() + 1;
    let service = layer().layer(service_fn(move |_: Request<String>| {
        let body = Generated {
            left: chunks,
            chunk: chunk.clone(),
        };
        async move { Ok::<_, Infallible>(html_response(body)) }
    }));
    let mut total = 0usize;
    let mut largest = 0usize;
    let mut held_back = 0usize;
    let info = allocation_counter::measure(|| {
        futures::executor::block_on(async {
            let response = service
                .oneshot(Request::new(String::new()))
                .await
                .expect("infallible");
            let mut body = response.into_body();
            while let Some(frame) = body.frame().await {
                let data = frame.expect("no error").into_data().expect("data");
                total += data.len();
                largest = largest.max(data.len());
                held_back += memchr::memmem::find_iter(&data, b"data-consent=").count();
            }
        });
    });
    assert!(total > 100 * 1024 * 1024, "{total}");
    assert!(largest < 256 * 1024, "an output frame of {largest} bytes");
    // Three per chunk, never straddling two.
    assert_eq!(held_back, 3 * chunks);
    assert!(
        info.bytes_max < 8 * 1024 * 1024,
        "peak {} bytes for a 100 MiB page",
        info.bytes_max
    );
}

/// A body the test feeds by hand.
struct Fed(tokio::sync::mpsc::Receiver<Bytes>);

impl Body for Fed {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
    }
}

#[tokio::test]
async fn bytes_leave_before_the_app_body_ends() {
    let (send, receive) = tokio::sync::mpsc::channel(4);
    let receive = std::sync::Mutex::new(Some(receive));
    let service = layer().layer(service_fn(move |_: Request<String>| {
        let body = Fed(receive.lock().expect("lock").take().expect("one request"));
        async move { Ok::<_, Infallible>(html_response(body)) }
    }));
    let response = service
        .oneshot(Request::new(String::new()))
        .await
        .expect("infallible");
    let mut body = response.into_body();
    send.send(Bytes::from_static(b"<html><body><p>first</p><script src=\"https://www.google-analytics.com/analytics.js\"></script>"))
        .await
        .expect("open");
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), body.frame())
        .await
        .expect("the first bytes come before the body ends")
        .expect("a frame")
        .expect("no error")
        .into_data()
        .expect("data");
    let first = String::from_utf8_lossy(&first).into_owned();
    assert!(first.starts_with("<html><body><p>first</p>"), "{first}");
    assert!(first.contains("data-consent=\"analytics\""), "{first}");
    send.send(Bytes::from_static(b"<p>last</p></body></html>"))
        .await
        .expect("open");
    drop(send);
    let rest = body.collect().await.expect("no error").to_bytes();
    let rest = String::from_utf8_lossy(&rest).into_owned();
    assert!(rest.contains("<p>last</p>"), "{rest}");
    assert!(
        rest.contains("data-tc-endpoint"),
        "banner injected at the end: {rest}"
    );
}

#[tokio::test]
async fn behind_the_compression_layer_pages_are_gated_then_compressed() {
    let page = "<html><body><script src=\"https://www.google-analytics.com/analytics.js\"></script></body></html>";
    let app = service_fn(move |_: Request<String>| async move {
        Ok::<_, Infallible>(html_response(page.to_owned()))
    });
    let service = tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .layer(layer().layer(app));
    let request = Request::builder()
        .header(ACCEPT_ENCODING, "gzip")
        .body(String::new())
        .expect("valid request");
    let response = service.oneshot(request).await.expect("infallible");
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    let compressed = response
        .into_body()
        .collect()
        .await
        .expect("no error")
        .to_bytes();
    let mut html = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut html,
    )
    .expect("gzip");
    assert!(
        html.contains("data-consent-src=\"https://www.google-analytics.com/analytics.js\""),
        "{html}"
    );
    assert!(
        !html.contains(" src=\"https://www.google-analytics.com"),
        "{html}"
    );
}
