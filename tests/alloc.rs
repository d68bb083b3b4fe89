//! Heap allocations on the request and response path (issue #4).
//!
//! The counting global allocator comes from the `allocation-counter` dev-dependency: it
//! wraps `std::alloc::System` and counts, per thread, only inside
//! `allocation_counter::measure`. (This crate forbids `unsafe_code`, so it cannot
//! implement `GlobalAlloc` itself.) Every allocator call counts, a `realloc` included.
//!
//! Each case sends one request through a `ConsentLayer` and polls the response future
//! once with a no-op waker: no executor, no other thread. The inner service allocates
//! nothing: it hands out a response built before the measurement. The request is built
//! before it too, from `HeaderValue::from_static` values; cloning those (as the layer
//! does to remember the `Cookie` headers for purging) shares the bytes, as it does for
//! the values hyper parses off the wire. Every case runs once before it is measured, so
//! one-time initialisation (thread-locals, `tracing` call sites) is not counted.
//!
//! These numbers document the status quo, they are not a goal: when the hot path
//! allocates less, lower them.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE, HOST, SET_COOKIE, VARY};
use http::{HeaderValue, Request, Response};
use http_body_util::{Empty, Full};
use tower::{Layer, Service};
use tower_consent::{Choice, ConsentLayer};

type Req = Request<Empty<Bytes>>;
type Res = Response<Full<Bytes>>;

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

const FIVE_COOKIES: &str = "session=s3cr3t-session-id; csrftoken=c5rf-t0k3n; theme=dark; \
                            _ga=GA1.2.123456789.1700000000; _fbp=fb.1.1700000000.987654321";

const SET_3: [&str; 3] = [
    "theme=light; Path=/; Max-Age=31536000",
    "_ga=GA1.2.555.666; Path=/; Max-Age=63072000",
    "_fbp=fb.1.777.888; Path=/; Max-Age=7776000",
];

/// The cookie path alone: the HTML gate, on by default, is measured on its own below.
fn layer() -> ConsentLayer {
    builder()
        .without_html_gate()
        .build()
        .expect("valid configuration")
}

fn builder() -> tower_consent::ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .necessary(["session", "csrftoken"])
        .preferences(["theme", "lang"])
        .analytics(["_ga", "_ga_*", "_gid"])
        .marketing(["_fbp", "fr"])
        .known_trackers()
}

/// The application: answers the response it was given, allocating nothing.
#[derive(Default)]
struct Prepared(Option<Res>);

impl Service<Req> for Prepared {
    type Response = Res;
    type Error = Infallible;
    type Future = Ready<Result<Res, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _request: Req) -> Self::Future {
        ready(Ok(self.0.take().expect("a prepared response")))
    }
}

/// A small response as an app would send it: a content type and `set_cookies`.
fn response(set_cookies: &[&'static str]) -> Res {
    let mut response = Response::new(Full::new(Bytes::from_static(b"hello, world")));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    for value in set_cookies {
        headers.append(SET_COOKIE, HeaderValue::from_static(value));
    }
    response
}

/// A browser's same-origin request to `https://shop.example/`.
fn request(cookie: Option<&'static str>) -> Req {
    let mut request = Request::new(Empty::new());
    let headers = request.headers_mut();
    headers.insert(HOST, HeaderValue::from_static("shop.example"));
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert(COOKIE, HeaderValue::from_static(cookie));
    }
    request
}

/// Polls `service` ready and its response future once; both must be ready at once.
fn drive<S: Service<Req>>(service: &mut S, request: Req) -> S::Response {
    let mut cx = Context::from_waker(futures::task::noop_waker_ref());
    let Poll::Ready(Ok(())) = service.poll_ready(&mut cx) else {
        panic!("the service is always ready");
    };
    let future = pin!(service.call(request));
    let Poll::Ready(Ok(response)) = future.poll(&mut cx) else {
        panic!("the response is ready at once");
    };
    response
}

/// The allocations of one request and response through `service`, and the response.
fn count<S: Service<Req>>(service: &mut S, request: Req) -> (u64, S::Response) {
    let mut response = None;
    let info = allocation_counter::measure(|| response = Some(drive(service, request)));
    (info.count_total, response.expect("the request was driven"))
}

/// A valid consent cookie (`name=value`) recording `choice`, as the layer sets it.
fn consent_cookie(layer: &ConsentLayer, choice: Choice) -> String {
    let mut service = layer.layer(Prepared::default());
    let mut response = response(&[]);
    response.extensions_mut().insert(choice);
    service.get_mut().0 = Some(response);
    let response = drive(&mut service, request(None));
    let header = response
        .headers()
        .get(SET_COOKIE)
        .expect("a consent cookie");
    let text = header.to_str().expect("ASCII");
    text.split(';').next().expect("a pair").to_owned()
}

/// What the bare app and the layered app allocate for the same request and response,
/// each measured on its second run; and the layered response.
fn measure(
    cookie: Option<&'static str>,
    set_cookies: &[&'static str],
) -> (u64, u64, Response<tower_consent::ConsentBody<Full<Bytes>>>) {
    measure_after(cookie, cookie, set_cookies)
}

/// [`measure`] with a warm-up request that carries `warm_up` instead of `cookie`.
fn measure_after(
    warm_up: Option<&'static str>,
    cookie: Option<&'static str>,
    set_cookies: &[&'static str],
) -> (u64, u64, Response<tower_consent::ConsentBody<Full<Bytes>>>) {
    measure_on(&layer(), warm_up, cookie, set_cookies)
}

/// [`measure_after`] through `layer`.
fn measure_on(
    layer: &ConsentLayer,
    warm_up: Option<&'static str>,
    cookie: Option<&'static str>,
    set_cookies: &[&'static str],
) -> (u64, u64, Response<tower_consent::ConsentBody<Full<Bytes>>>) {
    let mut bare = Prepared::default();
    let mut layered = layer.layer(Prepared::default());
    let mut results = None;
    for sent in [warm_up, cookie] {
        bare.0 = Some(response(set_cookies));
        let (bare_count, _) = count(&mut bare, request(sent));
        layered.get_mut().0 = Some(response(set_cookies));
        let (layer_count, response) = count(&mut layered, request(sent));
        results = Some((bare_count, layer_count, response));
    }
    results.expect("measured")
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[test]
fn allocations_per_request() {
    let all = consent_cookie(&layer(), Choice::accept_all());
    let necessary = consent_cookie(&layer(), Choice::reject_all());

    // No cookie in the request, none set by the app. The layer adds 3 allocations, all
    // for putting `Consent` into the request's `http::Extensions`: the boxed map
    // (`Option<Box<AnyMap>>` is created on first insert), the map's hash table, and the
    // `Box<dyn AnyClone>` holding the value. `Vary: cookie` is a static value appended
    // within the response map's capacity.
    let (bare, layered, response) = measure(None, &[]);
    assert_eq!(bare, 0, "the inner service must not allocate");
    assert_eq!(response.headers()[VARY], "cookie");
    assert_eq!(layered - bare, 3, "no cookies");

    // Nothing stripped: 5 granted cookies + a valid accept-all consent cookie, 3 granted
    // `Set-Cookie`. The layer adds 3 allocations, all for `Extensions::insert` as above.
    // Reading the consent cookie allocates nothing: the warm-up request verified it (the
    // MAC decoded into a stack buffer, an HMAC keyed once at build time) and this thread
    // remembers the verified value, so the measured request compares bytes instead. The
    // first sight of a value on a thread allocates its memo entry (1, and 1 for the
    // thread's table the very first time).
    // Classification (hash map + trie lookups), `Cookie` filtering (nothing removed:
    // no rewrite), keeping the `Cookie` header for purging (a `Bytes` refcount, and
    // `RequestCookies` only allocates for a second `Cookie` header) and `Set-Cookie`
    // stripping (nothing stripped: no rebuild) allocate nothing.
    let with_all = leak(format!("{FIVE_COOKIES}; {all}"));
    let (bare, layered, response) = measure(Some(with_all), &SET_3);
    assert_eq!(bare, 0, "the inner service must not allocate");
    assert_eq!(
        response.headers().get_all(SET_COOKIE).iter().count(),
        3,
        "nothing is stripped or purged under accept-all"
    );
    assert_eq!(layered - bare, 3, "nothing stripped");

    // The same request to a layer that has not seen its consent cookie yet (its warm-up
    // request sent another one): verifying it allocates nothing, remembering it 1 (its
    // memo entry; the thread's table exists since the warm-up).
    let other = consent_cookie(&layer(), Choice::accept_all());
    assert_ne!(other, all, "every choice has its own consent id");
    let with_other = leak(format!("{FIVE_COOKIES}; {other}"));
    let (bare, layered, response) = measure_after(Some(with_other), Some(with_all), &SET_3);
    assert_eq!(bare, 0, "the inner service must not allocate");
    assert_eq!(response.headers().get_all(SET_COOKIE).iter().count(), 3);
    assert_eq!(layered - bare, 3 + 1, "first sight of a consent cookie");

    // For the record, the refusing path: a valid necessary-only consent cookie, so 3 of
    // the 5 request cookies are dropped and purged and all 3 `Set-Cookie` stripped. The
    // layer adds 14 allocations: the 3 above, and
    // - 2 to rewrite the `Cookie` header (src/gate/request.rs `filter_request`): the
    //   kept pairs' buffer, and the `Bytes` that takes it over without copying (its
    //   shared header, because the buffer has spare capacity);
    // - 0 to strip: every `Set-Cookie` goes, so the `Vec` of kept values stays empty
    //   (1 allocation when some are kept);
    // - 7 to purge (src/gate/purge.rs): the list of deletions gathered before appending
    //   (2: it grows past 4); the host-only deletions of names that rules name exactly
    //   were built with the layer, so each is a reference-count clone; the deletions on
    //   `Domain=shop.example`, which depend on the request's host, are built (3), and so
    //   are the nameless deletion, host-only and on the domain (2). The host is lower
    //   case, so reading its domains allocates nothing; the name sets stay on the stack
    //   (up to 8 names);
    // - 2 for the response headers: 8 deletions do not fit in the room the app's 3
    //   `Set-Cookie` left, so the header map grows. `Cache-Control: no-store` (the
    //   response now carries cookies of the layer's own) is a static value.
    let with_necessary = leak(format!("{FIVE_COOKIES}; {necessary}"));
    let (bare, layered, response) = measure(Some(with_necessary), &SET_3);
    assert_eq!(bare, 0, "the inner service must not allocate");
    let deletions = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter(|v| v.to_str().is_ok_and(|v| v.contains("Max-Age=0")))
        .count();
    assert_eq!(
        deletions, 8,
        "theme, _ga and _fbp, and a nameless cookie, host-only and on shop.example"
    );
    assert_eq!(
        response.headers().get_all(SET_COOKIE).iter().count(),
        8,
        "the app's 3 Set-Cookie are stripped"
    );
    assert_eq!(layered - bare, 14, "strip and purge");
    assert_eq!(
        response.headers().get(http::header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
}

/// The HTML gate, on by default (issue 24), adds one allocation to a response it does
/// not read (here `text/plain`): the box that carries what it needs from the request
/// (the page's address, `Accept-Language`, the validators it translated) to the
/// response, where the type is known. The same with and without cookies.
#[test]
fn the_default_html_gate_adds_one_allocation_to_a_response_it_does_not_read() {
    let gated = builder().build().expect("valid configuration");
    let all = leak(format!(
        "{FIVE_COOKIES}; {}",
        consent_cookie(&gated, Choice::accept_all())
    ));
    for (cookie, set_cookies) in [(None, &[][..]), (Some(all), &SET_3[..])] {
        let (bare, off, _) = measure_on(&layer(), cookie, cookie, set_cookies);
        let (_, on, response) = measure_on(&gated, cookie, cookie, set_cookies);
        assert_eq!(bare, 0, "the inner service must not allocate");
        assert_eq!(on - off, 1, "{cookie:?}");
        // Not a page: served as the app answered it.
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain");
    }
}

/// A ledger (issue 11) changes nothing for requests that record nothing: the same
/// allocations with and without one, in every case above. (The layer keeps the request
/// bits a record would need, `Bytes` reference counts, and never touches the store.)
#[cfg(feature = "ledger")]
#[test]
fn a_ledger_adds_no_allocation_to_requests_that_record_nothing() {
    use tower_consent::ledger::{Ledger, MemoryStore};

    let with_ledger = || {
        builder()
            .without_html_gate()
            .ledger(Ledger::new(MemoryStore::new()))
            .build()
            .expect("valid configuration")
    };
    let all = leak(format!(
        "{FIVE_COOKIES}; {}",
        consent_cookie(&layer(), Choice::accept_all())
    ));
    let necessary = leak(format!(
        "{FIVE_COOKIES}; {}",
        consent_cookie(&layer(), Choice::reject_all())
    ));
    for (cookie, set_cookies) in [
        (None, &[][..]),
        (Some(all), &SET_3[..]),
        (Some(necessary), &SET_3[..]),
    ] {
        let mut counts = Vec::new();
        for layer in [layer(), with_ledger()] {
            let mut service = layer.layer(Prepared::default());
            let mut last = 0;
            // The second run is measured, as above.
            for _ in 0..2 {
                service.get_mut().0 = Some(response(set_cookies));
                let (allocations, response) = count(&mut service, request(cookie));
                assert!(
                    !response
                        .headers()
                        .get_all(SET_COOKIE)
                        .iter()
                        .any(|v| v.as_bytes().starts_with(b"__Host-consent=")),
                    "nothing is recorded"
                );
                last = allocations;
            }
            counts.push(last);
        }
        assert_eq!(counts[0], counts[1], "with a ledger, for {cookie:?}");
    }
}

/// Regimes by region (issue 25): working out the regime allocates nothing. A layer
/// that reads Cloudflare's headers allocates, for each request, what a layer without a
/// region source allocates for the request whose consent is the same: reading the two
/// headers, normalising the region and finding its row (binary searches of a static
/// table) cost no allocation, nor does `Vary` on the two headers (static names).
#[test]
fn working_out_the_regime_allocates_nothing() {
    use tower_consent::RegionSource;

    let regional = || {
        ConsentLayer::builder()
            .secret(SECRET)
            .necessary(["session", "csrftoken"])
            .preferences(["theme", "lang"])
            .analytics(["_ga", "_ga_*", "_gid"])
            .marketing(["_fbp", "fr"])
            .known_trackers()
            .region_source(RegionSource::cloudflare())
            .without_html_gate()
            .build()
            .expect("valid configuration")
    };
    let located = |cookie: Option<&'static str>, region: &[(&'static str, &'static str)]| {
        let mut request = request(cookie);
        for (name, value) in region {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_static(value));
        }
        request
    };
    // The second run of `request()` through a fresh service of `layer`.
    let allocations = |layer: ConsentLayer, request: &dyn Fn() -> Req, set: &[&'static str]| {
        let mut service = layer.layer(Prepared::default());
        let mut last = 0;
        for _ in 0..2 {
            service.get_mut().0 = Some(response(set));
            last = count(&mut service, request()).0;
        }
        last
    };
    let all = leak(format!(
        "{FIVE_COOKIES}; {}",
        consent_cookie(&layer(), Choice::accept_all())
    ));
    let necessary = leak(format!(
        "{FIVE_COOKIES}; {}",
        consent_cookie(&layer(), Choice::reject_all())
    ));
    const CALIFORNIA: &[(&str, &str)] = &[("cf-ipcountry", "US"), ("cf-region-code", "CA")];
    const GERMANY: &[(&str, &str)] = &[("cf-ipcountry", "DE"), ("cf-region-code", "BY")];
    /// A case: its name, the request's `Cookie`, its region headers, and the `Cookie` of
    /// the request with the same consent to a layer without a region source.
    type Case = (
        &'static str,
        Option<&'static str>,
        &'static [(&'static str, &'static str)],
        Option<&'static str>,
    );
    let cases: [Case; 5] = [
        // An undecided Californian: opt-out, nothing stripped, as accept-all without a
        // region source.
        (
            "opt-out, undecided",
            Some(FIVE_COOKIES),
            CALIFORNIA,
            Some(all),
        ),
        // An undecided German: opt-in, as today.
        (
            "opt-in, undecided",
            Some(FIVE_COOKIES),
            GERMANY,
            Some(FIVE_COOKIES),
        ),
        (
            "no region header",
            Some(FIVE_COOKIES),
            &[],
            Some(FIVE_COOKIES),
        ),
        (
            "opt-out, refused",
            Some(necessary),
            CALIFORNIA,
            Some(necessary),
        ),
        ("opt-in, accepted", Some(all), GERMANY, Some(all)),
    ];
    for (case, cookie, region, same_as) in cases {
        let with_region = allocations(regional(), &|| located(cookie, region), &SET_3);
        let without = allocations(layer(), &|| request(same_as), &SET_3);
        assert_eq!(with_region, without, "{case}");
    }
}
