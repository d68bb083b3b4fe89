//! The core gate, end to end through `oneshot`: request filtering, `Set-Cookie`
//! stripping, purging, the consent cookie, recording choices.

mod common;

use std::time::Duration;

use common::{consent_cookie, layer, lenient, round_trip, Answer, SECRET};
use tower_consent::{
    BuildError, Category, Choice, ConsentLayer, CookieScope, CustomCategory, Rule, Source, Unknown,
};

const ALL_COOKIES: &[u8] = b"session=1; _ga=GA1.2.3; theme=dark; _fbp=fb.1.2";
const SET_ALL: &[&str] = &[
    "session=s; Path=/; HttpOnly",
    "theme=dark; Path=/",
    "_ga=GA1.1.1.1; Path=/; Max-Age=31536000",
    "_fbp=fb.1.1.1; Path=/",
];

fn names_set(outcome: &common::Outcome) -> Vec<String> {
    outcome
        .set_cookies()
        .iter()
        .filter(|v| !v.contains("Max-Age=0"))
        .map(|v| v.split('=').next().unwrap().trim().to_owned())
        .collect()
}

/// The names of the named cookies deleted. Purging also deletes a nameless cookie that
/// may have sent a refused name (`=_ga`): `nameless_cookies_that_may_hide_a_name_are_purged`
/// checks those.
fn deleted_names(outcome: &common::Outcome) -> Vec<String> {
    outcome
        .deletions()
        .iter()
        .map(|v| v.split('=').next().unwrap().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

#[tokio::test]
async fn nameless_cookies_that_may_hide_a_name_are_purged() {
    // A script's `document.cookie = "=_ga=GA1"` is stored without a name and sent back
    // as `_ga=GA1`: only a nameless deletion removes it.
    let outcome = round_trip(&layer(), &[b"_ga=GA1; session=1"], Answer::default()).await;
    let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
    assert_eq!(
        outcome.deletions(),
        [format!("_ga=; {tail}"), format!("=_ga; {tail}")]
    );
    // Nothing refused, nothing deleted.
    let outcome = round_trip(&layer(), &[b"session=1"], Answer::default()).await;
    assert!(outcome.deletions().is_empty());
    // A granted bare pair shows a nameless cookie the visitor keeps: a named refused
    // cookie is then deleted by name only.
    let lenient = lenient();
    let outcome = round_trip(&lenient, &[b"_ga=1; keepme"], Answer::default()).await;
    assert_eq!(outcome.deletions(), [format!("_ga=; {tail}")]);
    // A refused bare pair is a nameless cookie for sure: deleted even so.
    let outcome = round_trip(&layer(), &[b"_ga; mystery"], Answer::default()).await;
    assert_eq!(outcome.deletions(), [format!("=_ga; {tail}")]);
    // `__Host-` and `__Secure-` text is never a nameless cookie's.
    let prefixed = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .analytics(["__Secure-t"])
        .build()
        .unwrap();
    let outcome = round_trip(&prefixed, &[b"__Secure-t=1"], Answer::default()).await;
    assert_eq!(
        outcome.deletions(),
        [format!("__Secure-t=; {tail}; Secure")]
    );
}

#[tokio::test]
async fn without_consent_only_necessary_cookies_reach_the_handler() {
    let outcome = round_trip(&layer(), &[ALL_COOKIES], Answer::default()).await;
    assert_eq!(outcome.received_text(), ["session=1"]);
    assert!(outcome.consent.needs_banner());
    assert!(!outcome.consent.decided());
    assert_eq!(
        outcome.consent.granted().collect::<Vec<_>>(),
        [Category::Necessary]
    );
    assert_eq!(deleted_names(&outcome), ["_ga", "theme", "_fbp"]);
    for deletion in outcome.deletions() {
        assert!(deletion.contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(deletion.contains("Path=/"));
    }
    assert_eq!(outcome.response.headers()["vary"], "cookie");
}

#[tokio::test]
async fn without_consent_only_necessary_set_cookies_leave() {
    let outcome = round_trip(&layer(), &[], Answer::setting(SET_ALL)).await;
    assert_eq!(outcome.set_cookies(), ["session=s; Path=/; HttpOnly"]);
}

#[tokio::test]
async fn untouched_headers_are_forwarded_byte_for_byte() {
    let header: &[u8] = b"session=1;theme=\"quoted value\";  session=2 ;";
    let consent = consent_cookie(&layer(), "consent", Choice::accept_all()).await;
    let with_consent = format!("{consent}; _ga=x=y=z;_ga_ABC=1");
    let outcome = round_trip(
        &layer(),
        &[header, with_consent.as_bytes()],
        Answer::default(),
    )
    .await;
    assert_eq!(
        outcome.received,
        [header.to_vec(), with_consent.into_bytes()]
    );
    assert!(outcome.deletions().is_empty());
}

#[tokio::test]
async fn every_cookie_header_is_filtered_and_emptied_ones_are_dropped() {
    let outcome = round_trip(
        &layer(),
        &[
            b"_ga=1; session=1",
            b"_fbp=2",
            b"theme=x;session=2; _ga_X=3",
        ],
        Answer::default(),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session=1", "session=2"]);
    assert_eq!(deleted_names(&outcome), ["_ga", "_fbp", "theme", "_ga_X"]);
}

#[tokio::test]
async fn kept_pairs_keep_their_bytes_and_order_when_others_go() {
    let outcome = round_trip(
        &layer(),
        &[b"session=a\"b ; _ga=1;x_unknown=2;  session=\"c d\";theme=t"],
        Answer::default(),
    )
    .await;
    assert_eq!(outcome.received_text(), ["session=a\"b; session=\"c d\""]);
}

#[tokio::test]
async fn set_cookie_is_classified_by_the_name_the_browser_stores() {
    let outcome = round_trip(
        &layer(),
        &[],
        Answer::setting(&[
            " \t_ga \t= padded",
            "_ga",
            "_fbp; Path=/",
            "=_ga",
            "=_fbp=1; Path=/",
            "=",
            "; Path=/",
            "session =ok",
            "=session",
        ]),
    )
    .await;
    assert_eq!(outcome.set_cookies(), ["session =ok", "=session"]);
}

#[tokio::test]
async fn a_handler_deletion_passes_and_is_not_doubled() {
    let own = "_ga=; Max-Age=0; Domain=example.com; Path=/";
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .purge_scope(CookieScope::domain("example.com", "/"))
        .analytics(["_ga"])
        .marketing(["_fbp"])
        .build()
        .unwrap();
    let outcome = round_trip(&layer, &[b"_ga=1; _fbp=2"], Answer::setting(&[own])).await;
    assert_eq!(outcome.set_cookies()[0], own);
    // The app deleted `_ga` on example.com itself: the layer adds only the host-only
    // deletion. `_fbp` gets both.
    let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/";
    assert_eq!(
        outcome.deletions()[1..4],
        [
            format!("_ga=; {tail}"),
            format!("_fbp=; {tail}"),
            format!("_fbp=; {tail}; Domain=example.com"),
        ]
    );
    // A later, valid Max-Age wins, so this one stores a cookie and is stripped.
    let sneaky = "_ga=x; Max-Age=0; Max-Age=99";
    let outcome = round_trip(&layer, &[], Answer::setting(&[sneaky])).await;
    assert!(outcome.set_cookies().is_empty());
}

#[tokio::test]
async fn accepting_all_lets_everything_through_untouched() {
    let consent = consent_cookie(&layer(), "consent", Choice::accept_all()).await;
    let header = format!("{consent}; session=1; _ga=GA1.2.3; theme=dark; _fbp=fb.1.2");
    let outcome = round_trip(&layer(), &[header.as_bytes()], Answer::setting(SET_ALL)).await;
    assert_eq!(outcome.received_text(), [header]);
    assert_eq!(outcome.set_cookies(), SET_ALL);
    assert!(outcome.consent.decided());
    assert!(outcome.consent.allows(Category::Marketing));
    assert_eq!(outcome.consent.revision(), 1);
    assert_eq!(outcome.consent.source(), Some(Source::Api));
}

#[tokio::test]
async fn a_partial_choice_allows_exactly_its_categories() {
    let consent = consent_cookie(&layer(), "consent", Choice::only([Category::Analytics])).await;
    let header = format!("{consent}; session=1; _ga=GA1.2.3; theme=dark; _fbp=fb.1.2");
    let outcome = round_trip(&layer(), &[header.as_bytes()], Answer::setting(SET_ALL)).await;
    assert_eq!(
        outcome.received_text(),
        [format!("{consent}; session=1; _ga=GA1.2.3")]
    );
    assert_eq!(names_set(&outcome), ["session", "_ga"]);
    assert_eq!(deleted_names(&outcome), ["theme", "_fbp"]);
    assert_eq!(
        outcome.consent.granted().collect::<Vec<_>>(),
        [Category::Necessary, Category::Analytics]
    );
}

#[tokio::test]
async fn the_consent_cookie_is_signed_and_scoped() {
    let outcome = round_trip(&layer(), &[], Answer::choosing(Choice::reject_all())).await;
    let set = outcome.set_cookies();
    assert_eq!(set.len(), 1);
    for attribute in [
        "consent=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=15811200",
    ] {
        assert!(set[0].contains(attribute), "{} lacks {attribute}", set[0]);
    }
    assert!(!set[0].contains("Secure"), "secure(false) was configured");

    let secure = ConsentLayer::builder().secret(SECRET).build().unwrap();
    let outcome = round_trip(&secure, &[], Answer::choosing(Choice::reject_all())).await;
    assert!(outcome.set_cookies()[0].starts_with("__Host-consent="));
    assert!(outcome.set_cookies()[0].contains("Secure"));
}

#[tokio::test]
async fn forged_and_garbled_consent_cookies_count_as_no_decision() {
    let genuine = consent_cookie(&layer(), "consent", Choice::accept_all()).await;
    let value = genuine.strip_prefix("consent=").unwrap();
    let (mac, payload) = value.split_at(44);
    let forgeries = [
        format!("consent={payload}"),
        format!("consent={mac}{}", payload.replace(":a:", ":b:")),
        format!("consent={}{payload}", "A".repeat(43) + "="),
        format!("consent={mac}1:1:0:AAAAAAAAAAAAAAAA:a:marketing"),
        "consent=".to_owned(),
        "consent=garbage".to_owned(),
        "consent".to_owned(),
    ];
    for forged in forgeries {
        let header = format!("{forged}; _ga=1");
        let outcome = round_trip(&layer(), &[header.as_bytes()], Answer::default()).await;
        assert!(!outcome.consent.decided(), "{forged} was accepted");
        assert_eq!(deleted_names(&outcome), ["_ga"], "{forged}");
    }
    let other_key = ConsentLayer::builder()
        .secret([9u8; 32])
        .secure(false)
        .build()
        .unwrap();
    let foreign = consent_cookie(&other_key, "consent", Choice::accept_all()).await;
    let outcome = round_trip(&layer(), &[foreign.as_bytes()], Answer::default()).await;
    assert!(!outcome.consent.decided());
}

#[tokio::test]
async fn non_utf8_cookie_bytes_are_filtered_without_panicking() {
    let outcome = round_trip(
        &layer(),
        &[b"session=\xff\xfe; \xff_ga=1; consent=\xc3\x28"],
        Answer::default(),
    )
    .await;
    // The garbled consent cookie is still the (necessary) consent cookie: forwarded,
    // but it grants nothing.
    assert_eq!(
        outcome.received,
        [b"session=\xff\xfe; consent=\xc3\x28".to_vec()]
    );
    assert!(!outcome.consent.decided());
    assert_eq!(deleted_names(&outcome), ["\u{fffd}_ga"]);
}

#[tokio::test]
async fn expired_consent_asks_again() {
    let short = || {
        ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .analytics(["_ga"])
            .lifetime(Duration::from_secs(1))
            .build()
            .unwrap()
    };
    let consent = consent_cookie(&short(), "consent", Choice::accept_all()).await;
    let header = format!("{consent}; _ga=1");
    assert!(
        round_trip(&short(), &[header.as_bytes()], Answer::default())
            .await
            .consent
            .decided()
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let outcome = round_trip(&short(), &[header.as_bytes()], Answer::default()).await;
    assert!(outcome.consent.needs_banner());
    assert_eq!(deleted_names(&outcome), ["_ga"]);
}

#[tokio::test]
async fn a_revision_bump_asks_again() {
    let at = |revision| {
        ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .revision(revision)
            .build()
            .unwrap()
    };
    let consent = consent_cookie(&at(1), "consent", Choice::accept_all()).await;
    assert!(round_trip(&at(1), &[consent.as_bytes()], Answer::default())
        .await
        .consent
        .decided());
    for revision in [0, 2] {
        let outcome = round_trip(&at(revision), &[consent.as_bytes()], Answer::default()).await;
        assert!(outcome.consent.needs_banner(), "revision {revision}");
        assert_eq!(outcome.consent.revision(), revision);
    }
}

#[tokio::test]
async fn rotated_keys_verify_but_only_the_current_key_signs() {
    let old = ConsentLayer::builder()
        .secret([1u8; 32])
        .secure(false)
        .build()
        .unwrap();
    let rotated = ConsentLayer::builder()
        .secret([2u8; 32])
        .previous_secret([1u8; 32])
        .secure(false)
        .build()
        .unwrap();
    let retired = ConsentLayer::builder()
        .secret([2u8; 32])
        .secure(false)
        .build()
        .unwrap();

    let from_old = consent_cookie(&old, "consent", Choice::accept_all()).await;
    assert!(
        round_trip(&rotated, &[from_old.as_bytes()], Answer::default())
            .await
            .consent
            .decided()
    );
    assert!(
        !round_trip(&retired, &[from_old.as_bytes()], Answer::default())
            .await
            .consent
            .decided()
    );

    let from_rotated = consent_cookie(&rotated, "consent", Choice::accept_all()).await;
    assert!(
        round_trip(&retired, &[from_rotated.as_bytes()], Answer::default())
            .await
            .consent
            .decided()
    );
}

#[tokio::test]
async fn a_recorded_choice_applies_to_its_own_response() {
    let outcome = round_trip(
        &layer(),
        &[ALL_COOKIES],
        Answer {
            choice: Some(Choice::only([Category::Analytics]).source(Source::Banner)),
            ..Answer::setting(SET_ALL)
        },
    )
    .await;
    // The handler ran under the old state (nothing decided) ...
    assert_eq!(outcome.received_text(), ["session=1"]);
    // ... and its response is enforced under the new one.
    assert_eq!(names_set(&outcome), ["session", "_ga", "consent"]);
    assert_eq!(deleted_names(&outcome), ["theme", "_fbp"]);
    let consent = outcome.consent_cookie("consent").unwrap();
    let next = round_trip(&layer(), &[consent.as_bytes()], Answer::default()).await;
    assert_eq!(next.consent.source(), Some(Source::Banner));
    assert!(next.consent.allows(Category::Analytics));
    assert!(!next.consent.allows(Category::Preferences));
}

#[tokio::test]
async fn withdrawing_purges_cookies_that_were_allowed_and_keeps_the_id() {
    let accepted = consent_cookie(&layer(), "consent", Choice::accept_all()).await;
    let header = format!("{accepted}; session=1; _ga=GA1.2.3; _fbp=fb");
    let before = round_trip(&layer(), &[header.as_bytes()], Answer::default()).await;
    let outcome = round_trip(
        &layer(),
        &[header.as_bytes()],
        Answer::choosing(Choice::withdraw()),
    )
    .await;
    assert_eq!(deleted_names(&outcome), ["_ga", "_fbp"]);
    let withdrawn = outcome.consent_cookie("consent").unwrap();
    let after = round_trip(&layer(), &[withdrawn.as_bytes()], Answer::default()).await;
    assert!(after.consent.decided(), "a withdrawal is a decision");
    assert!(!after.consent.needs_banner());
    assert_eq!(
        after.consent.granted().collect::<Vec<_>>(),
        [Category::Necessary]
    );
    assert_eq!(after.consent.id(), before.consent.id());
    assert!(after.consent.id().is_some());
}

#[tokio::test]
async fn purging_happens_once_per_name_and_never_for_necessary_cookies() {
    let outcome = round_trip(
        &layer(),
        &[b"_ga=1; _ga=2; session=1", b"_ga=3; session=2"],
        Answer::default(),
    )
    .await;
    assert_eq!(deleted_names(&outcome), ["_ga"]);
}

#[tokio::test]
async fn purging_covers_every_configured_scope_and_name_prefixes() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .purge_scope(CookieScope::domain("example.com", "/"))
        .rule(Rule::new("_fbp", Category::Marketing).scope(CookieScope::host_only("/shop")))
        .analytics(["_ga", "__Host-track", "__Secure-track"])
        .build()
        .unwrap();
    let outcome = round_trip(
        &layer,
        &[b"_ga=1; _fbp=2; __Host-track=3; __Secure-track=4"],
        Answer::default(),
    )
    .await;
    let tail = "Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=";
    assert_eq!(
        outcome.deletions(),
        [
            format!("_ga=; {tail}/"),
            format!("_ga=; {tail}/; Domain=example.com"),
            format!("_fbp=; {tail}/shop"),
            format!("__Host-track=; {tail}/; Secure"),
            format!("__Secure-track=; {tail}/; Secure"),
            format!("__Secure-track=; {tail}/; Domain=example.com; Secure"),
            // A nameless cookie that may have sent `_ga=1`, in every scope of the
            // refused cookies' rules.
            format!("=_ga; {tail}/"),
            format!("=_ga; {tail}/; Domain=example.com"),
            format!("=_ga; {tail}/shop"),
        ]
    );
}

#[tokio::test]
async fn nameless_cookies_are_classified_and_purged_by_their_text() {
    let outcome = round_trip(&layer(), &[b"_ga; session=1"], Answer::default()).await;
    assert_eq!(outcome.received_text(), ["session=1"]);
    assert_eq!(
        outcome.deletions(),
        ["=_ga; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"]
    );
}

#[tokio::test]
async fn unknown_cookies_follow_the_policy() {
    let with = |unknown| {
        ConsentLayer::builder()
            .secret(SECRET)
            .secure(false)
            .unknown(unknown)
            .build()
            .unwrap()
    };
    let blocked = round_trip(&with(Unknown::Block), &[b"mystery=1"], Answer::default()).await;
    assert!(blocked.received.is_empty());
    assert_eq!(deleted_names(&blocked), ["mystery"]);

    let allowed = round_trip(&with(Unknown::Allow), &[b"mystery=1"], Answer::default()).await;
    assert_eq!(allowed.received_text(), ["mystery=1"]);

    let layer = with(Unknown::As(Category::Preferences));
    let refused = round_trip(&layer, &[b"mystery=1"], Answer::default()).await;
    assert!(refused.received.is_empty());
    let consent = consent_cookie(&layer, "consent", Choice::only([Category::Preferences])).await;
    let header = format!("{consent}; mystery=1");
    let granted = round_trip(&layer, &[header.as_bytes()], Answer::default()).await;
    assert_eq!(granted.received_text(), [header]);
}

#[tokio::test]
async fn the_catalog_classifies_well_known_trackers_and_app_rules_win() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .known_trackers()
        .preferences(["_hjid"])
        .build()
        .unwrap();
    let consent = consent_cookie(&layer, "consent", Choice::only([Category::Preferences])).await;
    let header = format!("{consent}; _ga_ABC=1; _fbp=2; _hjid=3; __utma=4");
    let outcome = round_trip(&layer, &[header.as_bytes()], Answer::default()).await;
    assert_eq!(outcome.received_text(), [format!("{consent}; _hjid=3")]);
    assert_eq!(deleted_names(&outcome), ["_ga_ABC", "_fbp", "__utma"]);
}

#[tokio::test]
async fn custom_categories_work_end_to_end() {
    let layer = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("ab", "A/B tests", "Compares versions."))
        .classify(Category::Custom("ab"), ["exp_*"])
        .build()
        .unwrap();
    let consent = consent_cookie(&layer, "consent", Choice::only([Category::Custom("ab")])).await;
    let header = format!("{consent}; exp_home=b");
    let outcome = round_trip(&layer, &[header.as_bytes()], Answer::default()).await;
    assert_eq!(outcome.received_text(), [header]);
    assert!(outcome.consent.allows(Category::Custom("ab")));
    assert!(!outcome.consent.allows(Category::Custom("unknown")));
    assert_eq!(
        outcome.consent.granted().collect::<Vec<_>>(),
        [Category::Necessary, Category::Custom("ab")]
    );
}

#[tokio::test]
async fn a_consent_cookie_from_another_category_configuration_grants_only_shared_keys() {
    let with_ab = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("ab", "A/B tests", "Compares versions."))
        .build()
        .unwrap();
    let consent = consent_cookie(&with_ab, "consent", Choice::accept_all()).await;
    let plain = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .custom_category(CustomCategory::new("video", "Video", "Embedded players."))
        .build()
        .unwrap();
    let outcome = round_trip(&plain, &[consent.as_bytes()], Answer::default()).await;
    assert!(outcome.consent.allows(Category::Marketing));
    assert!(!outcome.consent.allows(Category::Custom("video")));
}

#[test]
fn configuration_errors_are_reported_by_build() {
    let base = || ConsentLayer::builder().secret(SECRET);
    assert_eq!(
        ConsentLayer::builder().build().unwrap_err(),
        BuildError::MissingSecret
    );
    assert_eq!(
        base().previous_secret([1u8; 31]).build().unwrap_err(),
        BuildError::SecretTooShort { len: 31 }
    );
    assert!(matches!(
        base().analytics(["a*"]).marketing(["*a"]).build(),
        Err(BuildError::ConflictingRules { .. })
    ));
    assert!(matches!(
        base()
            .analytics(["consent*"])
            .marketing(["__Host-consent"])
            .build(),
        Err(BuildError::ConflictingRules { .. })
    ));
    assert!(matches!(
        base().classify(Category::Custom("nope"), ["x"]).build(),
        Err(BuildError::UndeclaredCategory(_))
    ));
    assert!(matches!(
        base().analytics(["a;b"]).build(),
        Err(BuildError::InvalidPattern { .. })
    ));
    assert!(matches!(
        base().analytics([""]).build(),
        Err(BuildError::InvalidPattern { .. })
    ));
    assert!(matches!(
        base().cookie_name("__Host-x").secure(false).build(),
        Err(BuildError::InvalidCookieName { .. })
    ));
    assert!(matches!(
        base().cookie_name("a b").build(),
        Err(BuildError::InvalidCookieName { .. })
    ));
    assert_eq!(
        base().lifetime(Duration::ZERO).build().unwrap_err(),
        BuildError::InvalidLifetime
    );
    assert_eq!(
        base()
            .lifetime(Duration::from_secs(401 * 86400))
            .build()
            .unwrap_err(),
        BuildError::InvalidLifetime
    );
    let custom = |key| CustomCategory::new(key, "x", "y");
    assert!(matches!(
        base()
            .custom_category(custom("ab"))
            .custom_category(custom("ab"))
            .build(),
        Err(BuildError::DuplicateCategory(_))
    ));
    assert!(matches!(
        base().custom_category(custom("analytics")).build(),
        Err(BuildError::DuplicateCategory(_))
    ));
    assert!(matches!(
        base().custom_category(custom("Bad Key")).build(),
        Err(BuildError::InvalidCategoryKey(_))
    ));
    assert!(matches!(
        base().purge_scope(CookieScope::host_only("nope")).build(),
        Err(BuildError::InvalidScope { .. })
    ));
    let many = (0..61).map(|i| Box::leak(format!("c{i}").into_boxed_str()) as &'static str);
    let too_many = many.fold(base(), |b, key| b.custom_category(custom(key)));
    assert_eq!(too_many.build().unwrap_err(), BuildError::TooManyCategories);
}

#[test]
fn the_consent_cookie_cannot_be_classified_away_from_necessary() {
    let result = ConsentLayer::builder()
        .secret(SECRET)
        .secure(false)
        .marketing(["consent"])
        .build();
    assert!(matches!(result, Err(BuildError::ConflictingRules { .. })));
}
