//! What both benchmarks share: the configurations, the request scenarios, the inner
//! service and the driver.
#![allow(dead_code)] // each benchmark uses its own part

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{COOKIE, HOST, SET_COOKIE};
use http::{HeaderValue, Request, Response};
use http_body_util::{Empty, Full};
use tower::{service_fn, Layer, Service};
use tower_consent::{
    Category, Choice, Consent, ConsentLayer, ConsentLayerBuilder, RegionSource, Rule,
};
use tower_cookies::Cookies;

pub(crate) type Req = Request<Empty<Bytes>>;
pub(crate) type Res = Response<Full<Bytes>>;

const SECRET: [u8; 32] = *b"0123456789abcdef0123456789abcdef";

/// The three `Set-Cookie` headers of the "3 Set-Cookie" scenarios: a preference, an
/// analytics and a marketing cookie. Under accept-all nothing is stripped; under
/// necessary-only all three are.
pub(crate) const SET_3: &[&str] = &[
    "theme=light; Path=/; Max-Age=31536000",
    "_ga=GA1.2.555.666; Path=/; Max-Age=63072000",
    "_fbp=fb.1.777.888; Path=/; Max-Age=7776000",
];

/// The five cookies of a typical visitor: two necessary, a preference, analytics and
/// marketing.
pub(crate) const FIVE_COOKIES: &str =
    "session=s3cr3t-session-id; csrftoken=c5rf-t0k3n; theme=dark; \
                                _ga=GA1.2.123456789.1700000000; _fbp=fb.1.1700000000.987654321";

/// The realistic configuration of the request and scaling scenarios. The HTML gate
/// (on by default) is off in every layer here: these benchmarks measure the cookie
/// work, and their app answers a body without a type, which the gate would sniff
/// (`benches/html.rs` measures the gate).
pub(crate) fn site_layer() -> ConsentLayer {
    site().build().expect("valid configuration")
}

/// [`site_layer`] reading the visitor's region from Cloudflare's headers (issue 25).
pub(crate) fn regional_layer() -> ConsentLayer {
    site()
        .region_source(RegionSource::cloudflare())
        .build()
        .expect("valid configuration")
}

/// The site's configuration, which both layers share (the regimes group compares
/// them: one set of rules, the HTML gate off in both).
fn site() -> ConsentLayerBuilder {
    ConsentLayer::builder()
        .secret(SECRET)
        .without_html_gate()
        .necessary(["session", "csrftoken", "sid_*"])
        .preferences(["theme", "lang", "pref_*"])
        .analytics(["_ga", "_ga_*", "_gid"])
        .marketing(["_fbp", "fr"])
        .known_trackers()
}

/// Region headers a CDN set on a request.
pub(crate) type Region = &'static [(&'static str, &'static str)];

/// A regimes case: with or without a region source, and the region headers sent. The
/// request carries [`FIVE_COOKIES`] without a consent cookie (an undecided visitor)
/// and the app sets [`SET_3`].
pub(crate) struct RegimeCase {
    pub(crate) name: &'static str,
    pub(crate) source: bool,
    pub(crate) region: Region,
}

/// The regimes cases of issue 25.
pub(crate) const REGIME_CASES: [RegimeCase; 4] = [
    RegimeCase {
        name: "no_source",
        source: false,
        region: &[],
    },
    RegimeCase {
        name: "cloudflare_no_headers",
        source: true,
        region: &[],
    },
    RegimeCase {
        name: "cloudflare_de_opt_in",
        source: true,
        region: &[("cf-ipcountry", "DE"), ("cf-region-code", "BY")],
    },
    RegimeCase {
        name: "cloudflare_us_ca_opt_out",
        source: true,
        region: &[("cf-ipcountry", "US"), ("cf-region-code", "CA")],
    },
];

/// `request` with `region`'s headers, as a CDN sets them.
pub(crate) fn located(mut request: Req, region: Region) -> Req {
    for (name, value) in region {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_static(value));
    }
    request
}

/// The catalog plus `rules` app rules: half exact names, half `app_pfx_<i>_*` patterns.
pub(crate) fn classifier_layer(rules: usize) -> ConsentLayer {
    let mut builder = ConsentLayer::builder()
        .secret(SECRET)
        .without_html_gate()
        .known_trackers();
    for i in 0..rules / 2 {
        let category = [
            Category::Preferences,
            Category::Analytics,
            Category::Marketing,
        ][i % 3];
        builder = builder
            .rule(Rule::new(format!("app_exact_{i}"), Category::Analytics))
            .rule(Rule::new(format!("app_pfx_{i}_*"), category));
    }
    builder.build().expect("valid configuration")
}

/// The catalog plus `copies` renamed copies of each of its entries (`copies = 9`: a
/// catalog ten times larger), and no app rules but the consent cookie's.
#[cfg(feature = "__bench")]
pub(crate) fn catalog_layer(copies: usize) -> ConsentLayer {
    ConsentLayer::builder()
        .secret(SECRET)
        .without_html_gate()
        .known_trackers()
        .__catalog_copies(copies)
        .build()
        .expect("valid configuration")
}

/// The catalog sizes the `catalog` group compares: the catalog, and ten times it.
pub(crate) const CATALOG_COPIES: [usize; 2] = [0, 9];

/// The classifier cases: one request cookie and no consent cookie, so every case is
/// classified, refused and purged alike and they differ only in the lookup; `empty` (no
/// cookie) is the floor to subtract.
pub(crate) const CLASSIFIER_CASES: [(&str, Option<&str>); 6] = [
    ("empty", None),
    ("catalog_hit", Some("_ga_ABC123=GS1.1.1700000000.1")),
    ("catalog_exact_hit", Some("_fbp=fb.1.1700000000.987654321")),
    ("app_exact_hit", Some("app_exact_7=1")),
    ("app_prefix_hit", Some("app_pfx_7_session=1")),
    ("miss", Some("zz_unknown_cookie=1")),
];

/// The rule counts the classifier group compares.
pub(crate) const RULE_COUNTS: [usize; 2] = [50, 5000];

/// The cookie counts of the scaling group.
pub(crate) const SCALING_COUNTS: [u64; 3] = [10, 100, 1000];

/// One request shape: its `Cookie` header and the app's `Set-Cookie` headers.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) cookie: Option<&'static str>,
    pub(crate) set_cookies: &'static [&'static str],
}

/// The four request scenarios of issue #4, under [`site_layer`].
pub(crate) fn request_scenarios(layer: &ConsentLayer) -> Vec<Scenario> {
    let all = consent_cookie(layer, Choice::accept_all());
    let necessary = consent_cookie(layer, Choice::reject_all());
    let thirty = {
        let mut pairs: Vec<String> = [
            "session=s3cr3t-session-id",
            "csrftoken=c5rf-t0k3n",
            "theme=dark",
            "lang=de",
            "_ga=GA1.2.123456789.1700000000",
            "_gid=GA1.2.42.1700000000",
            "_fbp=fb.1.1700000000.987654321",
            "fr=0abcdef",
        ]
        .iter()
        .map(|pair| (*pair).to_owned())
        .collect();
        pairs.extend((0..7).map(|i| format!("_ga_MEAS{i}=GS1.1.1700000000.{i}")));
        pairs.extend((0..7).map(|i| format!("pref_{i}=value{i}")));
        pairs.extend((0..8).map(|i| format!("sid_{i}=node{i}")));
        assert_eq!(pairs.len(), 30);
        leak(format!("{}; {all}", pairs.join("; ")))
    };
    vec![
        Scenario {
            name: "no_cookies",
            cookie: None,
            set_cookies: &[],
        },
        Scenario {
            name: "nothing_to_strip",
            cookie: Some(leak(format!("{FIVE_COOKIES}; {all}"))),
            set_cookies: SET_3,
        },
        Scenario {
            name: "strip_and_purge",
            cookie: Some(leak(format!("{FIVE_COOKIES}; {necessary}"))),
            set_cookies: SET_3,
        },
        Scenario {
            name: "30_cookies",
            cookie: Some(thirty),
            set_cookies: SET_3,
        },
    ]
}

/// `count` `Cookie` headers like `nothing_to_strip`'s, each with its own accept-all consent
/// cookie (every choice gets a new consent id, so every value differs).
pub(crate) fn unseen_consent_headers(layer: &ConsentLayer, count: usize) -> Vec<&'static str> {
    (0..count)
        .map(|_| {
            let all = consent_cookie(layer, Choice::accept_all());
            leak(format!("{FIVE_COOKIES}; {all}"))
        })
        .collect()
}

/// One `Cookie` header of `count` cookies, half necessary (`sid_<i>`, kept) and half
/// preferences (`pref_<i>`, refused and purged without a consent cookie), all distinct.
pub(crate) fn scaling_header(count: u64) -> &'static str {
    leak(
        (0..count)
            .map(|i| {
                if i % 2 == 0 {
                    format!("sid_{i}=node-{i}")
                } else {
                    format!("pref_{i}=value-{i}")
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// Polls `service` ready and its response future once; both must be ready at once.
pub(crate) fn drive<S>(service: &mut S, request: Req) -> S::Response
where
    S: Service<Req>,
{
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

/// The application: reads what a handler would read (the `Consent` extension under the
/// consent layer, `cookies.get("session")` under tower-cookies) and answers a small body
/// with `set_cookies`.
pub(crate) fn app(
    set_cookies: &'static [&'static str],
) -> impl Service<Req, Response = Res, Error = Infallible, Future = Ready<Result<Res, Infallible>>> + Clone
{
    service_fn(move |request: Req| {
        if let Some(consent) = request.extensions().get::<Consent>() {
            black_box(consent.allows(Category::Analytics));
        }
        if let Some(cookies) = request.extensions().get::<Cookies>() {
            black_box(cookies.get("session"));
        }
        let mut response = Response::new(Full::new(Bytes::from_static(b"hello, world")));
        for value in set_cookies {
            response
                .headers_mut()
                .append(SET_COOKIE, HeaderValue::from_static(value));
        }
        ready(Ok(response))
    })
}

/// A fresh request with this `Cookie` header, its value shared, not copied.
/// A browser's same-origin request to `https://shop.example/`.
pub(crate) fn request(cookie: Option<&'static str>) -> Req {
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

/// A valid consent cookie (`name=value`) recording `choice` under `layer`, read from the
/// `Set-Cookie` the layer sends when a handler returns `choice`.
pub(crate) fn consent_cookie(layer: &ConsentLayer, choice: Choice) -> String {
    let mut service = layer.layer(service_fn(move |_: Req| {
        let mut response = Response::new(Full::new(Bytes::new()));
        response.extensions_mut().insert(choice.clone());
        ready(Ok::<_, Infallible>(response))
    }));
    let response = drive(&mut service, request(None));
    let header = response
        .headers()
        .get(SET_COOKIE)
        .expect("the layer sets the consent cookie");
    let text = header.to_str().expect("ASCII");
    text.split(';').next().expect("a pair").to_owned()
}

/// A `'static` copy, for `HeaderValue::from_static`.
pub(crate) fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}
