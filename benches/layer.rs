//! Per-request cost of `ConsentLayer` in time (issue #4).
//!
//! Every request group measures, in the same run and on the same requests:
//!
//! - `bare`: the inner service alone (a `service_fn` answering a small response with the
//!   scenario's `Set-Cookie` headers);
//! - `consent_layer`: the full `ConsentLayer` around it;
//! - `tower_cookies`: `tower_cookies::CookieManagerLayer` around it, the yardstick: the
//!   inner service reads `cookies.get("session")` so the manager actually parses.
//!
//! Requests are built fresh for every iteration (`iter_batched`, outside the timed
//! region) from `HeaderValue::from_static`; responses are dropped outside it too. The
//! services are always ready, so each request is driven by polling its future once with
//! a no-op waker: no executor in the measurement.
//!
//! ```text
//! cargo bench --bench layer -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! `benches/instructions.rs` counts instructions for the same scenarios, which is stable
//! on a noisy machine; `BENCHMARKS.md` has the figures and how to read them.

mod support;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use tower::Layer;
use tower_cookies::CookieManagerLayer;

use support::{
    app, classifier_layer, drive, request, request_scenarios, scaling_header, site_layer,
    unseen_consent_headers, CLASSIFIER_CASES, RULE_COUNTS, SCALING_COUNTS, SET_3,
};

fn requests(c: &mut Criterion) {
    let layer = site_layer();
    for scenario in request_scenarios(&layer) {
        let cookie = scenario.cookie;
        let mut group = c.benchmark_group(scenario.name);
        let mut bare = app(scenario.set_cookies);
        group.bench_function("bare", |b| {
            b.iter_batched(
                || request(cookie),
                |request| drive(&mut bare, request),
                BatchSize::SmallInput,
            )
        });
        let mut consent = layer.layer(app(scenario.set_cookies));
        group.bench_function("consent_layer", |b| {
            b.iter_batched(
                || request(cookie),
                |request| drive(&mut consent, request),
                BatchSize::SmallInput,
            )
        });
        let mut cookies = CookieManagerLayer::new().layer(app(scenario.set_cookies));
        group.bench_function("tower_cookies", |b| {
            b.iter_batched(
                || request(cookie),
                |request| drive(&mut cookies, request),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

/// How many distinct consent cookies `nothing_to_strip_unseen` takes in turn: 8 for each
/// of the 128 entries a thread remembers verified values in, so a value's entry has been
/// taken by another by the time it comes round again.
const UNSEEN: usize = 1024;

/// `nothing_to_strip` with a consent cookie this thread has not verified recently, as on a
/// visitor's first request: every request pays the HMAC-SHA256 (and parsing) that the
/// other groups skip because the thread remembers their one consent cookie.
fn nothing_to_strip_unseen(c: &mut Criterion) {
    let layer = site_layer();
    let headers = unseen_consent_headers(&layer, UNSEEN);
    let mut group = c.benchmark_group("nothing_to_strip_unseen");
    let mut turn = headers.iter().copied().cycle();
    let mut bare = app(SET_3);
    group.bench_function("bare", |b| {
        b.iter_batched(
            || request(turn.next()),
            |request| drive(&mut bare, request),
            BatchSize::SmallInput,
        )
    });
    let mut consent = layer.layer(app(SET_3));
    group.bench_function("consent_layer", |b| {
        b.iter_batched(
            || request(turn.next()),
            |request| drive(&mut consent, request),
            BatchSize::SmallInput,
        )
    });
    let mut cookies = CookieManagerLayer::new().layer(app(SET_3));
    group.bench_function("tower_cookies", |b| {
        b.iter_batched(
            || request(turn.next()),
            |request| drive(&mut cookies, request),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Classification through the layer (the classifier is not public): one request cookie,
/// with the catalog and 50 or 5000 app rules.
fn classifier(c: &mut Criterion) {
    let mut group = c.benchmark_group("classifier");
    for rules in RULE_COUNTS {
        let mut service = classifier_layer(rules).layer(app(&[]));
        for (case, cookie) in CLASSIFIER_CASES {
            group.bench_function(BenchmarkId::new(case, format!("{rules}_rules")), |b| {
                b.iter_batched(
                    || request(cookie),
                    |request| drive(&mut service, request),
                    BatchSize::SmallInput,
                )
            });
        }
    }
    group.finish();
}

/// One `Cookie` header of 10, 100 and 1000 cookies, half of them refused and purged.
fn scaling(c: &mut Criterion) {
    let layer = site_layer();
    let mut group = c.benchmark_group("scaling");
    for count in SCALING_COUNTS {
        let header = Some(scaling_header(count));
        group.throughput(Throughput::Elements(count));
        let mut bare = app(&[]);
        let mut consent = layer.layer(app(&[]));
        let mut cookies = CookieManagerLayer::new().layer(app(&[]));
        group.bench_function(BenchmarkId::new("bare", count), |b| {
            b.iter_batched(
                || request(header),
                |request| drive(&mut bare, request),
                BatchSize::SmallInput,
            )
        });
        group.bench_function(BenchmarkId::new("consent_layer", count), |b| {
            b.iter_batched(
                || request(header),
                |request| drive(&mut consent, request),
                BatchSize::SmallInput,
            )
        });
        group.bench_function(BenchmarkId::new("tower_cookies", count), |b| {
            b.iter_batched(
                || request(header),
                |request| drive(&mut cookies, request),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    requests,
    nothing_to_strip_unseen,
    classifier,
    scaling
);
criterion_main!(benches);
