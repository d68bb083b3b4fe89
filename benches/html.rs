//! Throughput of the HTML gate (issue 10) on a realistic page of 100 KiB and 1 MiB
//! (tracker tags, inline snippets, many elements), fed in 16 KiB chunks as a server
//! body would be:
//!
//! - `passthrough`: the consent layer without the HTML gate (the body is forwarded);
//! - `lol_html`: lol_html alone with the gate's selectors and no-op handlers;
//! - `gate`: the consent layer with the HTML gate, visitor undecided (everything held
//!   back, the banner injected);
//! - `gate_granted`: the same for a visitor who accepted everything (nothing to hold
//!   back: URLs and inline scripts are not read; the banner's reopen link is injected).
//!
//! Each iteration drives one request to the end of its body, polled with a no-op
//! waker (every body is ready at once).
//!
//! ```text
//! cargo bench --bench html -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! With the hidden `__bench` feature, `HTML_BENCH_CATALOG_COPIES=<n>` adds `n` renamed
//! copies of every entry of the resource catalog (9: a catalog ten times larger) to
//! the gate of every mode, to show that its lookups do not grow with the catalog:
//!
//! ```text
//! cargo bench --bench html --features __bench --no-run
//! HTML_BENCH_CATALOG_COPIES=9 HTML_BENCH_ONCE=gate valgrind --tool=callgrind <bench binary>
//! ```

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use http::{HeaderValue, Request, Response};
use http_body::{Body, Frame};
use http_body_util::{Empty, StreamBody};
use lol_html::html_content::{Doctype, DocumentEnd, Element, TextChunk};
use lol_html::send::{
    DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, SendHandlerTypes, Settings,
};
use lol_html::Selector;
use tower::{service_fn, Layer, Service};
use tower_consent::{Choice, ConsentLayer, HtmlGate};

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";
const CHUNK: usize = 16 * 1024;

/// A news-article-like page of about `size` bytes.
fn page(size: usize) -> Bytes {
    let head = concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<title>Article</title><link rel=\"stylesheet\" href=\"/css/site.css\">",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}",
        "gtag('js',new Date());gtag('config','G-1');</script>",
        "<script>!function(f,b,e,v,n,t,s){t=b.createElement(e);t.async=!0;t.src=v;",
        "s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,",
        "'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','1');</script>",
        "<script src=\"/js/app.js\" defer></script></head><body><header><nav>",
        "<a href=\"/\">Home</a> <a href=\"/news\">News</a></nav></header><main>",
    );
    let block = concat!(
        "<article><h2>A headline for this block</h2>",
        "<p>Some paragraph text of the article, with <a href=\"/x\">a link</a>, ",
        "<em>emphasis</em> and <strong>strong words</strong> in it, long enough to be ",
        "a realistic paragraph of a news page.</p>",
        "<picture><source srcset=\"/img/a.webp\" type=\"image/webp\">",
        "<img src=\"/img/a.jpg\" alt=\"A picture\" width=\"640\" height=\"360\"></picture>",
        "<p>Another paragraph, with a <code>code</code> span and a list:</p>",
        "<ul><li>one</li><li>two</li><li>three</li></ul>",
        "<img src=\"https://www.facebook.com/tr?id=1&amp;ev=ViewContent\" width=\"1\" height=\"1\">",
        "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" title=\"Video\"></iframe>",
        "<script>document.querySelectorAll('.x').forEach(function(e){e.hidden=false;});</script>",
        "</article>\n",
    );
    let tail = "</main><footer><p>Footer</p></footer></body></html>";
    let mut out = String::with_capacity(size + block.len());
    out.push_str(head);
    while out.len() + tail.len() < size {
        out.push_str(block);
    }
    out.push_str(tail);
    Bytes::from(out)
}

type Chunks =
    StreamBody<futures::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>;

fn chunks(page: &Bytes) -> Chunks {
    let frames: Vec<_> = page
        .chunks(CHUNK)
        .map(|c| Ok(Frame::data(page.slice_ref(c))))
        .collect();
    StreamBody::new(futures::stream::iter(frames))
}

/// Drives a request and its whole body; returns the body's length.
fn drive<S, B>(service: &mut S) -> usize
where
    S: Service<Request<Empty<Bytes>>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    drive_with(service, None)
}

/// Like [`drive`], with a `Cookie` header.
fn drive_with<S, B>(service: &mut S, cookie: Option<&HeaderValue>) -> usize
where
    S: Service<Request<Empty<Bytes>>, Response = Response<B>>,
    S::Error: std::fmt::Debug,
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut request = Request::new(Empty::new());
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert(http::header::COOKIE, cookie.clone());
    }
    let future = pin!(service.call(request));
    let Poll::Ready(response) = future.poll(&mut cx) else {
        unreachable!("the app answers at once")
    };
    let mut body = pin!(response.expect("infallible").into_body());
    let mut total = 0;
    while let Poll::Ready(Some(frame)) = body.as_mut().poll_frame(&mut cx) {
        if let Ok(data) = frame.expect("no error").into_data() {
            total += black_box(data).len();
        }
    }
    total
}

fn app(
    page: Bytes,
) -> impl Service<
    Request<Empty<Bytes>>,
    Response = Response<Chunks>,
    Error = Infallible,
    Future = std::future::Ready<Result<Response<Chunks>, Infallible>>,
> + Clone {
    service_fn(move |_: Request<Empty<Bytes>>| {
        let mut response = Response::new(chunks(&page));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        std::future::ready(Ok(response))
    })
}

/// lol_html with the gate's selectors and handlers that do nothing, handlers of the
/// same kinds on the same selectors as the gate's for an undecided visitor: one element
/// handler for every element, text handlers for the elements whose text the gate reads,
/// and the document's doctype and end handlers.
fn lol_html_alone(page: &Bytes) -> usize {
    let every: Selector = "*".parse().expect("valid selector");
    let text: Vec<Selector> = [
        "script",
        "svg, math",
        "style",
        "noscript",
        "iframe, title, textarea, xmp, noembed, noframes",
    ]
    .into_iter()
    .map(|s| s.parse().expect("valid selector"))
    .collect();
    let mut settings = Settings::new_send()
        .append_element_content_handler((
            Cow::Borrowed(&every),
            ElementContentHandlers::default()
                .element(|_: &mut Element<'_, '_, SendHandlerTypes>| Ok(())),
        ))
        .append_document_content_handler(
            DocumentContentHandlers::default()
                .doctype(|_: &mut Doctype<'_>| Ok(()))
                .end(|_: &mut DocumentEnd<'_>| Ok(())),
        );
    for selector in &text {
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().text(|_: &mut TextChunk<'_>| Ok(())),
        ));
    }
    let mut total = 0;
    let mut rewriter = HtmlRewriter::new(settings, |out: &[u8]| total += black_box(out).len());
    for chunk in page.chunks(CHUNK) {
        rewriter.write(chunk).expect("rewrites");
    }
    rewriter.end().expect("ends");
    total
}

/// The gate of the `gate` modes: [`HtmlGate::new`], with the catalog copies
/// `HTML_BENCH_CATALOG_COPIES` asks for (feature `__bench`).
fn html_gate() -> HtmlGate {
    let gate = HtmlGate::new();
    #[cfg(feature = "__bench")]
    let gate = match std::env::var("HTML_BENCH_CATALOG_COPIES") {
        Ok(copies) => gate.__catalog_copies(copies.parse().expect("a number of copies")),
        Err(_) => gate,
    };
    gate
}

/// A consent cookie granting everything, as the layer signs it.
fn accept_all_cookie(layer: &ConsentLayer) -> HeaderValue {
    let mut chooser = layer.layer(service_fn(|_: Request<Empty<Bytes>>| {
        let mut response = Response::new(Empty::<Bytes>::new());
        response.extensions_mut().insert(Choice::accept_all());
        std::future::ready(Ok::<_, Infallible>(response))
    }));
    let mut cx = Context::from_waker(std::task::Waker::noop());
    // A choice is recorded only from a page of the site.
    let mut request = Request::new(Empty::new());
    request.headers_mut().insert(
        http::HeaderName::from_static("sec-fetch-site"),
        HeaderValue::from_static("same-origin"),
    );
    let future = pin!(chooser.call(request));
    let Poll::Ready(Ok(response)) = future.poll(&mut cx) else {
        unreachable!("the app answers at once")
    };
    let cookie = response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("consent="))
        .and_then(|v| v.split(';').next())
        .expect("a consent cookie")
        .to_owned();
    HeaderValue::from_str(&cookie).expect("a header value")
}

fn html(c: &mut Criterion) {
    let plain = ConsentLayer::builder()
        .secret(SECRET)
        .without_html_gate()
        .build()
        .expect("valid configuration");
    let gated = ConsentLayer::builder()
        .secret(SECRET)
        .html_gate(html_gate())
        .build()
        .expect("valid configuration");
    let mut group = c.benchmark_group("html_page");
    for (name, size) in [("100KiB", 100 * 1024), ("1MiB", 1024 * 1024)] {
        let page = page(size);
        group.throughput(Throughput::Bytes(page.len() as u64));
        let mut passthrough = plain.layer(app(page.clone()));
        group.bench_function(BenchmarkId::new("passthrough", name), |b| {
            b.iter(|| drive(&mut passthrough))
        });
        group.bench_function(BenchmarkId::new("lol_html", name), |b| {
            b.iter(|| lol_html_alone(&page))
        });
        let mut gate = gated.layer(app(page.clone()));
        group.bench_function(BenchmarkId::new("gate", name), |b| {
            b.iter(|| drive(&mut gate))
        });
        let cookie = accept_all_cookie(&gated);
        group.bench_function(BenchmarkId::new("gate_granted", name), |b| {
            b.iter(|| drive_with(&mut gate, Some(&cookie)))
        });
    }
    group.finish();
}

/// The groups the modes outside criterion run.
const GROUPS: [&str; 3] = ["lol_html", "gate", "gate_granted"];

/// The page size of the modes outside criterion, in KiB: `HTML_BENCH_KIB`, 1024 by
/// default.
fn runner_kib() -> usize {
    std::env::var("HTML_BENCH_KIB")
        .ok()
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(1024)
}

/// Runs one of [`GROUPS`] on the page of [`runner_kib`], for the modes outside
/// criterion.
///
/// `HTML_BENCH_EMBEDS=0` gates without the built-in embeds (issue 24), to measure what
/// they cost in the same build. The page is the same: its YouTube player is then one
/// the gate does not know and passes, as in every round before the embeds (the page
/// has carried it since the first), so these figures compare with those rounds'.
fn runner() -> impl FnMut(&str) -> usize {
    let embeds = std::env::var("HTML_BENCH_EMBEDS").map_or(true, |on| on != "0");
    let gated = ConsentLayer::builder()
        .secret(SECRET)
        .html_gate(html_gate().known_embeds(embeds))
        .build()
        .expect("valid configuration");
    let page = page(runner_kib() * 1024);
    let mut gate = gated.layer(app(page.clone()));
    let cookie = accept_all_cookie(&gated);
    move |group| match group {
        "lol_html" => lol_html_alone(&page),
        "gate" => drive(&mut gate),
        "gate_granted" => drive_with(&mut gate, Some(&cookie)),
        other => panic!("unknown group {other}"),
    }
}

/// Under callgrind: `HTML_BENCH_ONCE=<group> valgrind --tool=callgrind <bench binary>`
/// runs that group once on the page (1 MiB unless `HTML_BENCH_KIB` says otherwise)
/// after one warm-up run and exits, so the instruction counts of `lol_html` and `gate`
/// can be compared. Both runs go through [`counted_page`]: with
/// `--collect-atstart=no --toggle-collect=*counted_page*` callgrind counts them without
/// the setup (building the layer and its catalog, making the page).
fn once(group: &str) {
    let mut run = runner();
    counted_page(&mut run, group);
    black_box(counted_page(&mut run, group));
}

/// One run of `group`: the region callgrind counts with `--toggle-collect`.
#[inline(never)]
fn counted_page(run: &mut impl FnMut(&str) -> usize, group: &str) -> usize {
    run(group)
}

/// `HTML_BENCH_INTERLEAVED=<rounds>`: on a shared, noisy machine, times [`GROUPS`] on
/// the page (1 MiB unless `HTML_BENCH_KIB` says otherwise) in turn, `rounds` times, and prints each one's median and the ratios
/// of the medians, so that load that comes and goes weighs on all three alike; and the
/// median of the ratios within each round (`lol_html` and a group timed back to back),
/// which the machine's slower and faster spells disturb least.
fn interleaved(rounds: usize) {
    let mut run = runner();
    let mut times: [Vec<f64>; 3] = Default::default();
    for _ in 0..rounds {
        for (group, times) in GROUPS.iter().zip(&mut times) {
            let start = std::time::Instant::now();
            black_box(run(group));
            times.push(start.elapsed().as_secs_f64());
        }
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let [lol_html, gate, granted] = &times;
    let paired = |group: &[f64]| median(lol_html.iter().zip(group).map(|(l, g)| l / g).collect());
    let ms = |values: &[f64]| median(values.to_vec()) * 1e3;
    let (lol_ms, gate_ms, granted_ms) = (ms(lol_html), ms(gate), ms(granted));
    println!(
        "{} KiB, {rounds} rounds, medians: lol_html {lol_ms:.2} ms, gate {gate_ms:.2} ms \
         ({:.3}x), gate_granted {granted_ms:.2} ms ({:.3}x); median of the ratios within \
         rounds: gate {:.3}x, gate_granted {:.3}x",
        runner_kib(),
        lol_ms / gate_ms,
        lol_ms / granted_ms,
        paired(gate),
        paired(granted),
    );
}

criterion_group!(benches, html);

fn main() {
    if let Ok(group) = std::env::var("HTML_BENCH_ONCE") {
        once(&group);
        return;
    }
    if let Some(rounds) = std::env::var("HTML_BENCH_INTERLEAVED")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
    {
        interleaved(rounds);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
