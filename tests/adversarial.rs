//! Hostile input, one named test per case: what browsers and attackers may send must
//! neither leak a refused cookie nor crash the layer.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{consent_cookie, layer, round_trip, Answer, SECRET};
use tower_consent::{Category, Choice, ConsentLayer, CustomCategory, Unknown};

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
    assert_eq!(deleted(&outcome), ["_ga="]);
    assert_eq!(outcome.set_cookies().len(), 2);
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
    assert_eq!(deleted(&outcome), ["=_ga", "=_fbp"]);
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
    assert_eq!(deleted(&outcome), ["_ga="]);
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
    assert_eq!(deleted(&outcome), ["_ga="]);
    assert_eq!(outcome.set_cookies()[..2], ["session=a", "session=b"]);
}

#[tokio::test]
async fn names_differing_only_in_case() {
    let lenient = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["_ga"])
        .unknown(Unknown::Allow)
        .build()
        .unwrap();
    // Browsers treat `_GA` and `_ga` as different cookies, and so does the layer.
    let outcome = round_trip(
        &lenient,
        &[b"_GA=1; _ga=2; _Ga=3"],
        Answer::setting(&["_ga=x", "_GA=y"]),
    )
    .await;
    assert_eq!(outcome.received_text(), ["_GA=1; _Ga=3"]);
    assert_eq!(outcome.set_cookies()[0], "_GA=y");
    assert_eq!(deleted(&outcome), ["_ga="]);
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
    assert_eq!(outcome.deletions().len(), 2);
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
    let mut expected_deleted = 0;
    while header.len() < 64 * 1024 {
        header.extend_from_slice(format!("; _ga_{expected_deleted}={}", "v".repeat(40)).as_bytes());
        expected_deleted += 1;
    }
    let outcome = round_trip(&layer(), &[&header], Answer::default()).await;
    assert_eq!(outcome.received_text(), ["session=1"]);
    assert_eq!(outcome.deletions().len(), expected_deleted);
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
