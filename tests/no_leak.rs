//! Property: for any rules, cookies, `Set-Cookie` lists and consent, no cookie of a
//! refused category reaches the handler or leaves in a storing `Set-Cookie`, and every
//! allowed cookie passes unchanged.
//!
//! The expected category of each name comes from an independent oracle: a linear scan
//! over the rules with a naive wildcard matcher, most specific rule first.

mod common;

use common::{consent_cookie, round_trip, Answer, SECRET};
use proptest::prelude::*;
use tower_consent::{Category, Choice, ConsentLayer};

const OPTIONAL: [Category; 3] = [
    Category::Preferences,
    Category::Analytics,
    Category::Marketing,
];

/// Names from a tiny alphabet so rules and cookies collide often.
fn name() -> impl Strategy<Value = String> {
    "[ab_]{1,4}"
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        name(),
        "[ab_]{0,2}\\*[ab_]{0,2}".prop_filter("needs a literal", |p| p.len() > 1)
    ]
}

fn category() -> impl Strategy<Value = Category> {
    prop_oneof![
        Just(Category::Necessary),
        Just(Category::Preferences),
        Just(Category::Analytics),
        Just(Category::Marketing),
    ]
}

fn value() -> impl Strategy<Value = String> {
    "[a-z0-9=\"./]{0,6}"
}

/// How a cookie pair or `Set-Cookie` is spelled.
#[derive(Clone, Debug)]
enum Spelling {
    Plain,
    Padded,
    Nameless,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::Plain),
        Just(Spelling::Padded),
        Just(Spelling::Nameless)
    ]
}

fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| glob(rest, &name[skip..])),
        Some((&byte, rest)) => name.first() == Some(&byte) && glob(rest, &name[1..]),
    }
}

/// The category the rules give `name`, or `None` for an unknown (blocked) cookie.
fn oracle(rules: &[(String, Category)], name: &str) -> Option<Category> {
    if name == "consent" {
        return Some(Category::Necessary);
    }
    rules
        .iter()
        .filter(|(pattern, _)| glob(pattern.as_bytes(), name.as_bytes()))
        .max_by_key(|(pattern, _)| {
            let literal = pattern.bytes().filter(|&b| b != b'*').count();
            (!pattern.contains('*'), literal)
        })
        .map(|(_, category)| *category)
}

fn allowed(rules: &[(String, Category)], granted: &[Category], name: &str) -> bool {
    oracle(rules, name).is_some_and(|c| c == Category::Necessary || granted.contains(&c))
}

fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// The name a server reads from a `Cookie` pair.
fn pair_name(pair: &str) -> &str {
    trim(pair.split('=').next().unwrap_or(""))
}

/// The name a browser stores for a `Set-Cookie` (as sent back, read by `pair_name`).
fn stored_name(set_cookie: &str) -> &str {
    let pair = set_cookie.split(';').next().unwrap_or("");
    match pair.split_once('=') {
        Some((name, _)) if !trim(name).is_empty() => trim(name),
        Some((_, value)) => pair_name(value),
        None => pair_name(pair),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, max_global_rejects: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn nothing_refused_leaks_and_nothing_allowed_is_touched(
        rules in prop::collection::vec((pattern(), category()), 0..8),
        granted in prop::option::of(prop::sample::subsequence(OPTIONAL.to_vec(), 0..=3)),
        request in prop::collection::vec(prop::collection::vec((name(), value(), spelling()), 0..6), 0..3),
        responses in prop::collection::vec((name(), value(), spelling()), 0..6),
    ) {
        let mut builder = ConsentLayer::builder().secret(SECRET).secure(false);
        for (pattern, category) in &rules {
            builder = builder.classify(*category, [pattern.clone()]);
        }
        // Equally specific overlapping rules of different categories are refused.
        let Ok(layer) = builder.build() else { return Err(TestCaseError::reject("conflict")) };

        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let consent = granted
            .clone()
            .map(|categories| runtime.block_on(consent_cookie(&layer, "consent", Choice::only(categories))));
        let granted = granted.unwrap_or_default();

        let mut headers: Vec<String> = request
            .iter()
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|(name, value, spelling)| match spelling {
                        Spelling::Plain => format!("{name}={value}"),
                        Spelling::Padded => format!(" {name} ={value}"),
                        Spelling::Nameless => name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect();
        if let Some(consent) = &consent {
            headers.push(consent.clone());
        }
        let set_cookies: Vec<String> = responses
            .iter()
            .map(|(name, value, spelling)| match spelling {
                Spelling::Plain => format!("{name}={value}; Path=/"),
                Spelling::Padded => format!(" \t{name}\t= {value}"),
                Spelling::Nameless => format!("={name}"),
            })
            .collect();

        let header_bytes: Vec<&[u8]> = headers.iter().map(|h| h.as_bytes()).collect();
        let set: Vec<&str> = set_cookies.iter().map(String::as_str).collect();
        let outcome = runtime.block_on(round_trip(&layer, &header_bytes, Answer::setting(&set)));

        // Request side: exactly the allowed pairs, byte for byte, in order.
        // A header without any pair is forwarded as it came; one whose pairs are all
        // refused is dropped.
        let expected: Vec<String> = headers
            .iter()
            .filter_map(|header| {
                let pairs: Vec<&str> = header.split(';').map(trim).filter(|p| !p.is_empty()).collect();
                let kept: Vec<&str> = pairs
                    .iter()
                    .copied()
                    .filter(|pair| allowed(&rules, &granted, pair_name(pair)))
                    .collect();
                (pairs.is_empty() || !kept.is_empty()).then(|| kept.join("; "))
            })
            .collect();
        let received: Vec<String> = outcome
            .received_text()
            .iter()
            .map(|header| header.split(';').map(trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("; "))
            .collect();
        prop_assert_eq!(&received, &expected);
        for header in outcome.received_text() {
            for pair in header.split(';').map(trim).filter(|p| !p.is_empty()) {
                prop_assert!(allowed(&rules, &granted, pair_name(pair)), "{pair} leaked");
            }
        }

        // Response side: the allowed Set-Cookies pass unchanged and in order; the only
        // other headers are deletions, one per refused name the request carried.
        let (deletions, stored): (Vec<String>, Vec<String>) = outcome
            .set_cookies()
            .into_iter()
            .partition(|v| v.contains("; Max-Age=0; Expires=Thu, 01 Jan 1970"));
        let expected_set: Vec<String> = set_cookies
            .iter()
            .filter(|v| allowed(&rules, &granted, stored_name(v)))
            .cloned()
            .collect();
        prop_assert_eq!(&stored, &expected_set);
        for deletion in &deletions {
            let name = stored_name(deletion);
            prop_assert!(!allowed(&rules, &granted, name), "purged allowed {name}");
            prop_assert!(headers.iter().any(|h| h.split(';').any(|p| pair_name(p) == name)));
        }
    }
}
