//! Hostile input, one named test per case: what browsers and attackers may send must
//! neither leak a refused cookie nor crash the layer.

mod common;

use std::convert::Infallible;

use common::{consent_cookie, layer, lenient, round_trip, send, Answer, SECRET};
use http::header::{COOKIE, SET_COOKIE};
use http::{Request, Response};
use tower::{Layer, ServiceExt};
use tower_consent::{Category, Choice, ConsentBody, ConsentLayer, CustomCategory};

fn deleted(outcome: &common::Outcome) -> Vec<String> {
    outcome
        .deletions()
        .iter()
        .map(|v| v.split(';').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn whitespace_around_names() {
    let outcome = round_trip(
        &layer(),
        &[b" \t_ga \t=1;\tsession\t=2 "],
        Answer::setting(&["\t _ga\t =x", "  _fbp=y", "session =ok"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session\t=2"]);
    assert_eq!(outcome.set_cookies()[0], "session =ok");
    // `_ga` is deleted, and so is a nameless cookie that may have sent `_ga=1`.
    assert_eq!(deleted(&outcome), ["_ga=", "=_ga"]);
    assert_eq!(outcome.set_cookies().len(), 3);
}

#[tokio::test]
async fn nameless_cookies() {
    let outcome = round_trip(
        &layer(),
        &[b"_ga; session=1; _fbp"],
        Answer::setting(&["_ga", "=_fbp", "_ga; Path=/; Max-Age=99", "=session"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session=1"]);
    assert_eq!(outcome.set_cookies()[0], "=session");
    // A browser holds one nameless cookie per scope: one nameless deletion there
    // deletes it, whatever its text.
    assert_eq!(deleted(&outcome), ["=_ga"]);
}

#[tokio::test]
async fn equals_signs_inside_values() {
    let outcome = round_trip(
        &layer(),
        &[b"session=a=b==c; _ga=x=_fbp=y"],
        Answer::setting(&["_ga=session=1", "session=_ga=1"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session=a=b==c"]);
    assert_eq!(outcome.set_cookies()[0], "session=_ga=1");
    assert_eq!(deleted(&outcome), ["_ga=", "=_ga"]);
}

#[tokio::test]
async fn quoted_values() {
    let outcome = round_trip(
        &layer(),
        &[b"session=\"a;b\"; _ga=\"x\""],
        Answer::setting(&["_ga=\"session\"", "session=\"_ga\""]),
    )
    .await;
    // Quotes do not protect a `;`: browsers and the layer split there alike.
    assert_eq!(outcome.received_text(), ["session=\"a"]);
    assert_eq!(outcome.set_cookies()[0], "session=\"_ga\"");
}

#[tokio::test]
async fn duplicate_names() {
    let outcome = round_trip(
        &layer(),
        &[b"_ga=1; session=1; _ga=2", b"session=2; _ga=3"],
        Answer::setting(&["_ga=1", "_ga=2", "session=a", "session=b"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session=1", "session=2"]);
    assert_eq!(deleted(&outcome), ["_ga=", "=_ga"]);
    assert_eq!(outcome.set_cookies()[..2], ["session=a", "session=b"]);
}

#[tokio::test]
async fn names_differing_only_in_case() {
    let lenient = lenient();
    // Browsers treat `_GA` and `_ga` as different cookies, and so does the layer.
    let outcome = round_trip(
        &lenient,
        &[b"_GA=1; _ga=2; _Ga=3"],
        Answer::setting(&["_ga=x", "_GA=y"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["_GA=1; _Ga=3"]);
    assert_eq!(outcome.set_cookies()[0], "_GA=y");
    assert_eq!(deleted(&outcome), ["_ga=", "=_ga"]);
}

#[tokio::test]
async fn host_and_secure_name_prefixes() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["__Host-track", "__Secure-track"])
        .necessary(["__Host-session"])
        .build()
        .unwrap();
    let outcome = round_trip(
        &layer,
        &[b"__Host-track=1; __Secure-track=2; __Host-session=3"],
        Answer::setting(&[
            "__Host-track=1; Secure; Path=/",
            "__Host-session=s; Secure; Path=/",
        ]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["__Host-session=3"]);
    assert_eq!(outcome.set_cookies()[0], "__Host-session=s; Secure; Path=/");
    for deletion in outcome.deletions() {
        assert!(deletion.ends_with("; Secure"), "{deletion}");
        assert!(!deletion.contains("Domain"), "{deletion}");
    }
    assert_eq!(deleted(&outcome), ["__Host-track=", "__Secure-track="]);
}

#[tokio::test]
async fn non_utf8_bytes_and_tabs() {
    let outcome = round_trip(
        &layer(),
        &[b"session=\xc3\x28\t\xff; _ga=\xfe; \xe2\x82=x"],
        Answer::setting(&["session=caf\u{e9}"]),
    )
    .await;
    assert_eq!(outcome.received, [b"session=\xc3\x28\t\xff".to_vec()]);
    assert_eq!(outcome.set_cookies()[0], "session=caf\u{e9}");
    // `_ga`, `\xe2\x82`, and a nameless cookie that may have sent either.
    assert_eq!(outcome.deletions().len(), 3);
}

#[test]
fn control_bytes_never_reach_the_layer() {
    // `http` refuses header values with control bytes other than HTAB, so neither a
    // request nor a handler can hand the layer one; the layer still ignores such a
    // `Set-Cookie` (see `cookie_header` unit tests).
    for byte in (0u8..0x20).filter(|&b| b != b'\t').chain([0x7f]) {
        assert!(http::HeaderValue::from_bytes(&[b'a', b'=', byte]).is_err());
    }
}

#[tokio::test]
async fn a_64_kib_cookie_header() {
    let mut header = b"session=1".to_vec();
    let mut refused = 0;
    while header.len() < 64 * 1024 {
        header.extend_from_slice(format!("; _ga_{refused}={}", "v".repeat(40)).as_bytes());
        refused += 1;
    }
    let outcome = round_trip(&layer(), &[&header], Answer::default()).await;
    assert_eq!(outcome.received_text(), ["session=1"]);
    // More refused cookies than a browser keeps: the first 300 are deleted.
    assert!(refused > 1000);
    assert_eq!(outcome.deletions().len(), 300);
}

#[tokio::test]
async fn a_thousand_set_cookie_headers() {
    let values: Vec<String> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                format!("_ga_{i}=1")
            } else {
                format!("session=x{i}")
            }
        })
        .collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let outcome = round_trip(&layer(), &[], Answer::setting(&refs)).await;
    let kept = outcome.set_cookies();
    assert_eq!(kept.len(), 500);
    assert!(kept.iter().all(|v| v.starts_with("session=")));
}

#[tokio::test]
async fn several_cookie_headers() {
    let consent = consent_cookie(&layer(), "consent", Choice::only([Category::Analytics])).await;
    let outcome = round_trip(
        &layer(),
        &[
            b"_fbp=1",
            consent.as_bytes(),
            b"_ga=2; theme=3",
            b"session=4",
        ],
        Answer::default(),
    )
    .await;
    assert_eq!(
        outcome.received_text(),
        [consent.clone(), "_ga=2".to_owned(), "session=4".to_owned()]
    );
    assert!(outcome.consent.allows(Category::Analytics));
}

#[tokio::test]
async fn a_consent_cookie_replayed_after_a_revision_bump() {
    let consent = consent_cookie(&layer(), "consent", Choice::accept_all()).await;
    let bumped = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .revision(2)
        .build()
        .unwrap();
    let outcome = round_trip(
        &bumped,
        &[format!("{consent}; _ga=1").as_bytes()],
        Answer::default(),
    )
    .await;
    assert!(outcome.consent.needs_banner());
    assert_eq!(outcome.received_text(), [consent]);
}

#[tokio::test]
async fn a_consent_cookie_signed_with_a_rotated_out_key() {
    let old = ConsentLayer::builder()
        .secret([1u8; 32])
        .secure(false)
        .build()
        .unwrap();
    let consent = consent_cookie(&old, "consent", Choice::accept_all()).await;
    let current = ConsentLayer::builder()
        .secret([2u8; 32])
        .secure(false)
        .build()
        .unwrap();
    let outcome = round_trip(&current, &[consent.as_bytes()], Answer::default()).await;
    assert!(!outcome.consent.decided());
}

#[cfg(feature = "__fuzz")]
#[tokio::test]
async fn a_consent_cookie_from_the_future() {
    use std::time::{SystemTime, UNIX_EPOCH};
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let forged = |decided_at: u64| {
        let payload = format!("1:1:{decided_at}:BwcHBwcHBwcHBwcH:b:0:analytics+marketing");
        format!(
            "consent={}",
            tower_consent::fuzz::signed_consent_value(&SECRET, &payload)
        )
    };
    // Within the allowed clock skew the decision counts ...
    let outcome = round_trip(&layer(), &[forged(now + 60).as_bytes()], Answer::default()).await;
    assert!(outcome.consent.decided());
    // ... far in the future it does not, however valid the signature.
    let outcome = round_trip(
        &layer(),
        &[forged(now + 24 * 3600).as_bytes()],
        Answer::default(),
    )
    .await;
    assert!(!outcome.consent.decided());
    let outcome = round_trip(&layer(), &[forged(u64::MAX).as_bytes()], Answer::default()).await;
    assert!(!outcome.consent.decided());
}

#[tokio::test]
async fn a_consent_cookie_copied_between_two_category_configurations() {
    let shop = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("video", "Video", "Embedded players."))
        .build()
        .unwrap();
    let consent = consent_cookie(&shop, "consent", Choice::only([Category::Custom("video")])).await;
    let blog = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("ab", "A/B", "Tests."))
        .custom_category(CustomCategory::new("video", "Video", "Embedded players."))
        .build()
        .unwrap();
    // Categories travel by key, not position: `video` stays `video`, nothing else.
    let outcome = round_trip(&blog, &[consent.as_bytes()], Answer::default()).await;
    assert!(outcome.consent.allows(Category::Custom("video")));
    assert!(!outcome.consent.allows(Category::Custom("ab")));
    assert!(!outcome.consent.allows(Category::Analytics));
}

// Issue 9, the security review: one test per finding.

/// Sends `request` to the layer's own endpoints (no handler runs).
async fn endpoint(layer: &ConsentLayer, request: Request<String>) -> Response<ConsentBody<()>> {
    let service = layer.layer(tower::service_fn(|_: Request<String>| async {
        Ok::<_, Infallible>(Response::new(()))
    }));
    service.oneshot(request).await.unwrap()
}

fn set_cookies<B>(response: &Response<B>) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The `Cookie` header of a visitor who accepted everything under `layer()`.
async fn accepted_all() -> String {
    consent_cookie(&layer(), "consent", Choice::accept_all()).await
}

#[tokio::test]
async fn another_site_cannot_record_a_choice_through_a_handler() {
    // The quick start's `POST /accept` handler, reached by another site's form.
    let forged = Request::post("/accept")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(String::new())
        .unwrap();
    let outcome = send(&layer(), forged, Answer::choosing(Choice::accept_all())).await;
    assert_eq!(outcome.consent_cookie("consent"), None);
    // Without Fetch Metadata, an Origin of another site, or none at all, is refused too.
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let mut request = Request::post("/accept").header("host", "shop.example");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let outcome = send(
            &layer(),
            request.body(String::new()).unwrap(),
            Answer::choosing(Choice::accept_all()),
        )
        .await;
        assert_eq!(outcome.consent_cookie("consent"), None, "{origin:?}");
    }
    // With GPC, a forged grant does not count as an opt-in over the signal either.
    let consent = accepted_all().await;
    let forged = Request::post("/accept")
        .header("sec-fetch-site", "cross-site")
        .header("sec-gpc", "1")
        .header(COOKIE, consent.as_str())
        .body(String::new())
        .unwrap();
    let outcome = send(&layer(), forged, Answer::choosing(Choice::accept_all())).await;
    assert!(!outcome.consent.allows(Category::Marketing));
    let recorded = outcome
        .consent_cookie("consent")
        .expect("GPC's own opt-out");
    assert!(!recorded.contains("marketing"), "{recorded}");
    // The site's own page records it.
    let own = Request::post("/accept")
        .header("host", "shop.example")
        .header("origin", "http://shop.example")
        .body(String::new())
        .unwrap();
    let outcome = send(&layer(), own, Answer::choosing(Choice::accept_all())).await;
    assert!(outcome.consent_cookie("consent").is_some());
}

#[tokio::test]
async fn a_set_cookie_that_only_looks_like_a_deletion_is_stripped_and_purged() {
    let long_digits = "0".repeat(1025);
    let long_negative = format!("-{}", "9".repeat(1024));
    let disguised = [
        "_ga=GA1.2.3; Max-Age=0; Max-Age=x".to_owned(),
        "_ga=GA1.2.3; Max-Age=0; Max-Age=".to_owned(),
        format!("_ga=GA1.2.3; Max-Age={long_digits}"),
        format!("_ga=GA1.2.3; Max-Age=3600; Max-Age={long_negative}"),
    ];
    for value in &disguised {
        let outcome = round_trip(&layer(), &[b"_ga=old"], Answer::setting(&[value])).await;
        let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
        assert_eq!(
            outcome.set_cookies(),
            [format!("_ga=; {tail}"), format!("=_ga; {tail}")],
            "{value:.60}"
        );
    }
    // A real deletion passes.
    let real = "_ga=; Max-Age=0; Path=/blog";
    let outcome = round_trip(&layer(), &[], Answer::setting(&[real])).await;
    assert_eq!(outcome.set_cookies(), [real]);
}

#[tokio::test]
async fn purging_does_not_amplify_a_request() {
    // Many short distinct names, as an attacker would send them.
    let names: Vec<String> = (0..6000).map(|i| format!("c{i:x}")).collect();
    for size in [16 * 1024, 400 * 1024] {
        let mut header = String::new();
        for name in &names {
            if header.len() + name.len() + 2 > size {
                break;
            }
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(name);
        }
        let request = Request::get("/")
            .header("host", "www.shop.example")
            .header(COOKIE, header.as_str())
            .body(String::new())
            .unwrap();
        let outcome = send(&layer(), request, Answer::default()).await;
        let deletions = outcome.deletions();
        assert!(deletions.len() <= 300, "{}", deletions.len());
        let bytes: usize = deletions.iter().map(String::len).sum();
        assert!(bytes < 32 * 1024, "{bytes} bytes of deletions");
        assert!(
            bytes < 2 * header.len(),
            "{bytes} bytes of deletions for a {}-byte header",
            header.len()
        );
    }
    // Within the limit every refused cookie goes, in every scope.
    let limited = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .purge_limit(4)
        .build()
        .unwrap();
    let outcome = round_trip(&limited, &[b"a=1; b=2; c=3; d=4; e=5"], Answer::default()).await;
    assert_eq!(deleted(&outcome), ["a=", "b=", "c=", "d="]);
    assert!(ConsentLayer::builder()
        .secret(SECRET)
        .purge_limit(0)
        .build()
        .is_err());
}

#[tokio::test]
async fn withdrawal_deletes_cookies_scripts_set_on_the_site_domain() {
    let consent = accepted_all().await;
    let withdraw = Request::delete("/_consent")
        .header("host", "www.shop.example.co.uk:8443")
        .header("sec-fetch-site", "same-origin")
        .header(COOKIE, format!("{consent}; _ga=GA1.2.3; _ga_X=GS1"))
        .body(String::new())
        .unwrap();
    let response = endpoint(&layer(), withdraw).await;
    assert_eq!(response.status(), 200);
    let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
    let deletions: Vec<String> = set_cookies(&response)
        .into_iter()
        .filter(|v| v.contains("Max-Age=0"))
        .collect();
    for name in ["_ga=", "_ga_X=", "=_ga"] {
        for scope in [
            "",
            "; Domain=example.co.uk",
            "; Domain=shop.example.co.uk",
            "; Domain=www.shop.example.co.uk",
        ] {
            let expected = format!("{name}; {tail}{scope}");
            assert!(
                deletions.contains(&expected),
                "{expected} in {deletions:#?}"
            );
        }
    }
    assert_eq!(deletions.len(), 12, "{deletions:#?}");
    // `__Host-` cookies are host-only by definition; IP hosts have no parent domains.
    let request = Request::get("/")
        .header("host", "127.0.0.1:3000")
        .header(COOKIE, "_ga=1")
        .body(String::new())
        .unwrap();
    let outcome = send(&layer(), request, Answer::default()).await;
    assert!(outcome.deletions().iter().all(|d| !d.contains("Domain")));
}

#[tokio::test]
async fn the_layer_never_puts_a_visitor_cookie_on_a_shared_cache() {
    let consent = accepted_all().await;
    // The app's response is publicly cacheable; the layer adds a consent cookie.
    let outcome = round_trip(
        &layer(),
        &[],
        Answer::choosing(Choice::accept_all())
            .with_header("cache-control", "public, max-age=86400, immutable"),
    )
    .await;
    assert!(outcome.consent_cookie("consent").is_some());
    assert_eq!(
        outcome.response.headers()["cache-control"],
        "private, max-age=86400, immutable"
    );
    // Purge deletions too; without Cache-Control the response is `no-store`.
    let outcome = round_trip(&layer(), &[b"_ga=1"], Answer::default()).await;
    assert!(!outcome.deletions().is_empty());
    assert_eq!(outcome.response.headers()["cache-control"], "no-store");
    // Nothing of the layer's own: the app's caching stands (a response the HTML gate
    // does not read: typed, and not HTML).
    let outcome = round_trip(
        &layer(),
        &[b"session=1"],
        Answer::default()
            .with_header("cache-control", "public, max-age=60")
            .with_header("content-type", "text/css"),
    )
    .await;
    assert_eq!(
        outcome.response.headers()["cache-control"],
        "public, max-age=60"
    );
    // A response without a type may be a page, which the HTML gate (on by default)
    // reads for this visitor: kept out of shared caches.
    let outcome = round_trip(
        &layer(),
        &[b"session=1"],
        Answer::default().with_header("cache-control", "public, max-age=60"),
    )
    .await;
    assert_eq!(
        outcome.response.headers()["cache-control"],
        "private, max-age=60"
    );
    // A pending GPC decision is not recorded on the static assets or the GPC document.
    for path in [
        "/_consent/banner.js",
        "/_consent/banner.css",
        "/.well-known/gpc.json",
    ] {
        let request = Request::get(path)
            .header("sec-gpc", "1")
            .header(COOKIE, consent.as_str())
            .body(String::new())
            .unwrap();
        let response = endpoint(&layer(), request).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(set_cookies(&response).is_empty(), "{path}");
        assert!(response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("public"));
    }
}

#[tokio::test]
async fn cross_site_fetch_metadata_wins_over_a_matching_origin() {
    let https = ConsentLayer::builder()
        .secret(SECRET)
        .analytics(["_ga"])
        .build()
        .unwrap();
    let choice = |headers: &[(&str, &str)]| {
        let mut request = Request::post("/_consent")
            .header("host", "shop.example")
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(r#"{"action":"accept_all"}"#.to_owned())
            .unwrap()
    };
    for refused in [
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://shop.example"),
        ][..],
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", "https://shop.example"),
        ],
        &[("origin", "http://shop.example")],
    ] {
        let response = endpoint(&https, choice(refused)).await;
        assert_eq!(response.status(), 403, "{refused:?}");
        assert!(set_cookies(&response).is_empty(), "{refused:?}");
    }
    let response = endpoint(&https, choice(&[("origin", "https://shop.example")])).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn an_app_deletion_on_another_path_keeps_the_root_purge() {
    let app_deletion = "_ga=; Max-Age=0; Path=/blog";
    let outcome = round_trip(&layer(), &[b"_ga=1"], Answer::setting(&[app_deletion])).await;
    let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
    assert_eq!(
        outcome.set_cookies(),
        [
            app_deletion.to_owned(),
            format!("_ga=; {tail}"),
            format!("=_ga; {tail}")
        ]
    );
    // The same deletion at the root is not sent twice.
    let root = "_ga=; Max-Age=0; Path=/";
    let outcome = round_trip(&layer(), &[b"_ga=1"], Answer::setting(&[root])).await;
    assert_eq!(
        outcome.set_cookies(),
        [root.to_owned(), format!("=_ga; {tail}")]
    );
}

#[tokio::test]
async fn a_nameless_cookie_written_by_a_script_is_purged() {
    // `document.cookie = "=_ga=GA1"` is stored without a name, sent back as `_ga=GA1`.
    let outcome = round_trip(&layer(), &[b"_ga=GA1"], Answer::default()).await;
    assert!(outcome
        .deletions()
        .contains(&"=_ga; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/".to_owned()));
}

#[tokio::test]
async fn any_cookie_name_a_browser_stores_can_be_declared() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .necessary(["@a", "foo bar"])
        .analytics(["春节回", "(tracker)*"])
        .build()
        .unwrap();
    let header = "@a=1; foo bar=2; \u{6625}\u{8282}\u{56de}=3; (tracker)x=4; other=5";
    let outcome = round_trip(&layer, &[header.as_bytes()], Answer::default()).await;
    assert_eq!(outcome.received_text(), ["@a=1; foo bar=2"]);
    let consent = consent_cookie(&layer, "consent", Choice::only([Category::Analytics])).await;
    let with_consent = format!("{consent}; {header}");
    let outcome = round_trip(&layer, &[with_consent.as_bytes()], Answer::default()).await;
    assert_eq!(
        outcome.received_text(),
        [format!(
            "{consent}; @a=1; foo bar=2; \u{6625}\u{8282}\u{56de}=3; (tracker)x=4"
        )]
    );
    for invalid in ["a=b", "a;b", " padded", "tab\t", "bell\u{7}"] {
        assert!(
            ConsentLayer::builder()
                .secret(SECRET)
                .analytics([invalid])
                .build()
                .is_err(),
            "{invalid:?}"
        );
    }
}

#[tokio::test]
async fn an_endpoint_error_records_no_gpc_decision() {
    let consent = accepted_all().await;
    let bad = Request::post("/_consent")
        .header("sec-fetch-site", "same-origin")
        .header("sec-gpc", "1")
        .header("content-type", "application/json")
        .header(COOKIE, consent.as_str())
        .body("{not json".to_owned())
        .unwrap();
    let response = endpoint(&layer(), bad).await;
    assert_eq!(response.status(), 400);
    assert!(set_cookies(&response).is_empty());
    let forbidden = Request::post("/_consent")
        .header("sec-fetch-site", "cross-site")
        .header("sec-gpc", "1")
        .header(COOKIE, consent.as_str())
        .body(String::new())
        .unwrap();
    let response = endpoint(&layer(), forbidden).await;
    assert_eq!(response.status(), 403);
    assert!(set_cookies(&response).is_empty());
}

#[tokio::test]
async fn of_several_consent_cookies_the_most_restrictive_counts() {
    let all = accepted_all().await;
    let none = consent_cookie(&layer(), "consent", Choice::reject_all()).await;
    // Whatever the order, and even when the refusal is older.
    for header in [format!("{all}; {none}"), format!("{none}; {all}")] {
        let outcome = round_trip(&layer(), &[header.as_bytes()], Answer::default()).await;
        assert!(outcome.consent.decided());
        assert!(!outcome.consent.allows(Category::Analytics), "{header}");
    }
    // Over HTTPS, a name another subdomain could plant needs an explicit opt-in.
    let unprefixed = || {
        ConsentLayer::builder()
            .secret(SECRET)
            .cookie_name("consent")
    };
    assert!(matches!(
        unprefixed().build(),
        Err(tower_consent::BuildError::InvalidCookieName { .. })
    ));
    assert!(unprefixed()
        .allow_unprefixed_cookie_name(true)
        .build()
        .is_ok());
    assert!(ConsentLayer::builder()
        .secret(SECRET)
        .cookie_name("__Host-choice")
        .build()
        .is_ok());
}
