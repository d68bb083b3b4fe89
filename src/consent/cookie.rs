//! The signed consent cookie: format, signing (the `cookie` crate's HMAC-SHA256 signed
//! jar) and verification.
//!
//! The signed payload is `1:<revision>:<decided_at>:<id>:<source>:<gpc>:<key>+<key>…`,
//! where `1` is the format version, `decided_at` Unix seconds, `id` the consent id,
//! `source` one letter, `gpc` `1` when the choice was made while the browser sent
//! Global Privacy Control, and the keys those of the granted categories other than
//! necessary. Keys, not
//! bit positions, are stored so a cookie means the same under any configuration.
//!
//! A decision that decides only some categories ("Do Not Sell or Share", GPC in an
//! opt-out region) is written as format `2`, with one more field: the keys of the
//! categories it decides (`…:<granted keys>:<decided keys>`). The regime's defaults
//! apply to the others on each request; they are never written.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cookie::{Cookie, CookieJar, Key, SameSite};
use hmac::{Hmac, Mac};
use http::HeaderValue;
use sha2::Sha256;

use super::decision::{ConsentId, Decision, Source};
use super::verified::VerifiedValues;
use crate::category::{Categories, CategorySet};

const FORMAT_VERSION: &str = "1";
/// The format of a decision about only some categories.
const PARTIAL_FORMAT_VERSION: &str = "2";
/// How far in the future a decision time may lie before the cookie is refused.
const CLOCK_SKEW: u64 = 5 * 60;
/// Length of the base64 HMAC-SHA256 signature that starts a signed value.
const SIGNATURE_LEN: usize = 44;
/// Length of an HMAC-SHA256 tag.
const MAC_LEN: usize = 32;
/// Keeps the consent key apart from keys the app derives from the same secret.
const KEY_CONTEXT: &[u8] = b"tower-consent consent cookie v1\0";

/// A consent cookie value whose signature verified with one of the layer's keys: the
/// decision it carries, and whether that decision is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    pub(crate) decision: Decision,
    /// Of the current revision, neither expired nor from the future. A decision that is
    /// not grants nothing, but its id still names the browser.
    pub(crate) current: bool,
}

impl Verified {
    /// The decision, if it is in force.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn current(self) -> Option<Decision> {
        self.current.then_some(self.decision)
    }
}

/// Settings and keys of the consent cookie.
pub(crate) struct ConsentCookie {
    name: String,
    /// The first key signs; all of them verify.
    keys: Vec<Key>,
    /// One HMAC per key, keyed once: verification clones it instead of re-keying.
    verifiers: Vec<Hmac<Sha256>>,
    /// Values that verified recently, so a repeat skips the HMAC.
    verified: VerifiedValues,
    secure: bool,
    lifetime: Duration,
    revision: u32,
}

impl std::fmt::Debug for ConsentCookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentCookie")
            .field("name", &self.name)
            .field("keys", &self.keys.len())
            .field("secure", &self.secure)
            .field("lifetime", &self.lifetime)
            .field("revision", &self.revision)
            .finish()
    }
}

/// Derives the signing key for a secret of at least 32 bytes.
pub(crate) fn derive_key(secret: &[u8]) -> Key {
    Key::derive_from(&[KEY_CONTEXT, secret].concat())
}

impl ConsentCookie {
    pub(crate) fn new(
        name: String,
        keys: Vec<Key>,
        secure: bool,
        lifetime: Duration,
        revision: u32,
    ) -> Self {
        let verifiers = keys
            .iter()
            .filter_map(|key| Hmac::<Sha256>::new_from_slice(key.signing()).ok())
            .collect();
        Self {
            name,
            keys,
            verifiers,
            verified: VerifiedValues::new(),
            secure,
            lifetime,
            revision,
        }
    }

    pub(crate) fn revision(&self) -> u32 {
        self.revision
    }

    /// The cookie's name.
    pub(crate) fn name(&self) -> &[u8] {
        self.name.as_bytes()
    }

    /// Verifies and parses one consent cookie value, and checks whether it is current.
    /// `None` for a value that does not verify: it says nothing, not even an id.
    ///
    /// `categories` are those of the layer this cookie belongs to, the same on every call:
    /// a value that verified is remembered with its parsed decision.
    pub(crate) fn decode(
        &self,
        value: &[u8],
        categories: &Categories,
        now: u64,
    ) -> Option<Verified> {
        let decision = self.verified.get_or_verify(value, || {
            let payload = self.verify(std::str::from_utf8(value).ok()?)?;
            parse_payload(payload, categories)
        })?;
        let expires = decision.decided_at.saturating_add(self.lifetime.as_secs());
        let current = decision.revision == self.revision
            && decision.decided_at <= now.saturating_add(CLOCK_SKEW)
            && now < expires;
        Some(Verified { decision, current })
    }

    /// The payload of a signed value, if its MAC verifies with one of the keys.
    ///
    /// This checks exactly what the `cookie` crate's `SignedJar::verify` checks (the
    /// value is `base64(HMAC-SHA256(payload)) ‖ payload`, the MAC compared in constant
    /// time), without its three allocations per call: it runs on every request.
    fn verify<'v>(&self, value: &'v str) -> Option<&'v str> {
        if !value.is_char_boundary(SIGNATURE_LEN) {
            return None;
        }
        let (signature, payload) = value.split_at(SIGNATURE_LEN);
        let mut mac = [0u8; MAC_LEN + 1];
        let decoded = STANDARD.decode_slice(signature, &mut mac).ok()?;
        let mac = mac.get(..decoded).filter(|m| m.len() == MAC_LEN)?;
        self.verifiers
            .iter()
            .any(|verifier| {
                let mut verifier = verifier.clone();
                verifier.update(payload.as_bytes());
                verifier.verify_slice(mac).is_ok()
            })
            .then_some(payload)
    }

    /// `payload` signed with the current key: `base64(HMAC-SHA256) ‖ payload`.
    pub(crate) fn sign(&self, payload: String) -> String {
        let mut jar = CookieJar::new();
        jar.signed_mut(&self.keys[0])
            .add(Cookie::new(self.name.clone(), payload));
        jar.get(&self.name)
            .map(|cookie| cookie.value().to_owned())
            .unwrap_or_default()
    }

    /// The `Set-Cookie` value carrying `decision`, signed with the current key.
    pub(crate) fn encode(&self, decision: &Decision, categories: &Categories) -> HeaderValue {
        let signed = self.sign(payload(decision, categories));
        let lifetime = cookie::time::Duration::seconds(
            i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX),
        );
        let cookie = Cookie::build((self.name.as_str(), signed))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
            .max_age(lifetime);
        // The name was validated at build time; the value is base64 and the payload
        // alphabet, all valid header bytes.
        HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
    }
}

fn payload(decision: &Decision, categories: &Categories) -> String {
    let partial = !categories.all().is_subset(decision.decided);
    let mut text = format!(
        "{}:{}:{}:{}:{}:{}:",
        if partial {
            PARTIAL_FORMAT_VERSION
        } else {
            FORMAT_VERSION
        },
        decision.revision,
        decision.decided_at,
        decision.id,
        char::from(decision.source.code()),
        u8::from(decision.gpc),
    );
    push_keys(&mut text, decision.granted, categories);
    if partial {
        text.push(':');
        push_keys(&mut text, decision.decided, categories);
    }
    text
}

/// The keys of the categories of `set` other than necessary, joined by `+`.
fn push_keys(text: &mut String, set: CategorySet, categories: &Categories) {
    let mut keys = set
        .iter()
        .filter(|&index| index != 0)
        .filter_map(|index| categories.category(index))
        .map(|category| category.key());
    if let Some(first) = keys.next() {
        text.push_str(first);
        for key in keys {
            text.push('+');
            text.push_str(key);
        }
    }
}

/// The categories named by `+`-joined keys; keys this configuration does not know (a
/// removed custom category) name nothing.
fn parse_keys(keys: &str, categories: &Categories) -> CategorySet {
    keys.split('+')
        .filter_map(|key| categories.index_of_key(key))
        .fold(CategorySet::EMPTY, CategorySet::with)
}

fn parse_payload(payload: &str, categories: &Categories) -> Option<Decision> {
    let mut fields = payload.split(':');
    let partial = match fields.next()? {
        FORMAT_VERSION => false,
        PARTIAL_FORMAT_VERSION => true,
        _ => return None,
    };
    let revision = fields.next()?.parse().ok()?;
    let decided_at = fields.next()?.parse().ok()?;
    let id = fields.next()?.parse::<ConsentId>().ok()?;
    let source = Source::from_code(fields.next()?)?;
    let gpc = match fields.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let granted = parse_keys(fields.next()?, categories).union(CategorySet::NECESSARY);
    let decided = if partial {
        parse_keys(fields.next()?, categories)
    } else {
        categories.all()
    };
    if fields.next().is_some() {
        return None;
    }
    Some(Decision {
        granted,
        decided,
        revision,
        decided_at,
        id,
        source,
        gpc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomCategory;

    const NOW: u64 = 1_800_000_000;

    fn categories() -> Categories {
        Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")])
    }

    fn cookie(secret: u8, revision: u32) -> ConsentCookie {
        ConsentCookie::new(
            "consent".into(),
            vec![derive_key(&[secret; 32])],
            true,
            Duration::from_secs(3600),
            revision,
        )
    }

    fn decision(granted: CategorySet) -> Decision {
        Decision {
            granted,
            decided: CategorySet::first(5),
            revision: 3,
            decided_at: NOW,
            id: ConsentId([7; 12]),
            source: Source::Banner,
            gpc: true,
        }
    }

    fn signed_value(header: &HeaderValue) -> String {
        let text = header.to_str().unwrap();
        let pair = text.split(';').next().unwrap();
        pair.split_once('=').unwrap().1.to_owned()
    }

    #[test]
    fn round_trip() {
        let cookie = cookie(1, 3);
        let original = decision(CategorySet::NECESSARY.with(2).with(4));
        let header = cookie.encode(&original, &categories());
        let text = header.to_str().unwrap();
        assert!(text.starts_with("consent="));
        for attribute in [
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Secure",
            "Max-Age=3600",
        ] {
            assert!(text.contains(attribute), "{text} lacks {attribute}");
        }
        let value = signed_value(&header);
        assert!(value.ends_with(":b:1:analytics+ab"), "{value}");
        assert_eq!(
            cookie
                .decode(value.as_bytes(), &categories(), NOW)
                .and_then(Verified::current),
            Some(original)
        );
    }

    #[test]
    fn refuses_forged_stale_and_foreign_cookies() {
        let categories = categories();
        let value = signed_value(
            &cookie(1, 3).encode(&decision(CategorySet::NECESSARY.with(3)), &categories),
        );
        let decode = |c: &ConsentCookie, v: &str, now| {
            c.decode(v.as_bytes(), &categories, now)
                .and_then(Verified::current)
        };
        assert!(decode(&cookie(1, 3), &value, NOW).is_some());
        assert!(decode(&cookie(2, 3), &value, NOW).is_none(), "other key");
        assert!(
            decode(&cookie(1, 4), &value, NOW).is_none(),
            "revision bumped"
        );
        assert!(
            decode(&cookie(1, 3), &value, NOW + 3600).is_none(),
            "expired"
        );
        assert!(
            decode(&cookie(1, 3), &value, NOW - 3600).is_none(),
            "from the future"
        );
        let tampered = value.replace("marketing", "analytics");
        assert!(decode(&cookie(1, 3), &tampered, NOW).is_none(), "tampered");
        let unsigned = value[44..].to_owned();
        assert!(decode(&cookie(1, 3), &unsigned, NOW).is_none(), "unsigned");
        for garbage in ["", "x", "é", &"A".repeat(44), &value[..50]] {
            assert!(decode(&cookie(1, 3), garbage, NOW).is_none(), "{garbage:?}");
        }
        assert!(cookie(1, 3).decode(b"\xff\xfe", &categories, NOW).is_none());
    }

    #[test]
    fn verification_agrees_with_the_cookie_crate() {
        let cookie = cookie(1, 3);
        let value = cookie.sign("1:3:5:BwcHBwcHBwcHBwcH:a:0:analytics".to_owned());
        let by_cookie_crate = |v: &str| {
            CookieJar::new()
                .signed(&cookie.keys[0])
                .verify(Cookie::new("consent", v.to_owned()))
                .map(|c| c.value().to_owned())
        };
        let mut variants = vec![value.clone(), value[..44].to_owned(), String::new()];
        for at in [0, 10, 42, 43, 44, 50, value.len() - 1] {
            for byte in [b'A', b'/', b'=', b'x', b'+'] {
                let mut bytes = value.clone().into_bytes();
                bytes[at] = byte;
                variants.extend(String::from_utf8(bytes).ok());
            }
        }
        for variant in variants {
            assert_eq!(
                cookie.verify(&variant).map(str::to_owned),
                by_cookie_crate(&variant),
                "{variant}"
            );
        }
    }

    #[test]
    fn previous_keys_verify() {
        let value =
            signed_value(&cookie(1, 3).encode(&decision(CategorySet::NECESSARY), &categories()));
        let rotated = ConsentCookie::new(
            "consent".into(),
            vec![derive_key(&[2; 32]), derive_key(&[1; 32])],
            true,
            Duration::from_secs(3600),
            3,
        );
        assert!(rotated
            .decode(value.as_bytes(), &categories(), NOW)
            .and_then(Verified::current)
            .is_some());
    }

    /// Issue 21, finding 19: a decision no longer in force (another revision, expired,
    /// from the future) still names the browser by its id; a value that does not verify
    /// names nobody.
    #[test]
    fn a_stale_cookie_keeps_its_id_a_forged_one_gives_nothing() {
        let categories = categories();
        let original = decision(CategorySet::NECESSARY.with(3));
        let value = signed_value(&cookie(1, 3).encode(&original, &categories));
        let read = |c: &ConsentCookie, v: &str, now| c.decode(v.as_bytes(), &categories, now);
        for (why, layer, now) in [
            ("revision bumped", cookie(1, 4), NOW),
            ("expired", cookie(1, 3), NOW + 3600),
            ("from the future", cookie(1, 3), NOW - 3600),
        ] {
            assert_eq!(
                read(&layer, &value, now),
                Some(Verified {
                    decision: original,
                    current: false
                }),
                "{why}"
            );
        }
        assert_eq!(read(&cookie(2, 4), &value, NOW), None, "another key");
        let tampered = value.replace(":b:1:", ":a:1:");
        assert_eq!(read(&cookie(1, 4), &tampered, NOW), None, "tampered");
    }

    #[test]
    fn a_partial_decision_keeps_what_it_decided() {
        let cookie = cookie(1, 3);
        let do_not_sell = Decision {
            decided: CategorySet::EMPTY.with(3),
            ..decision(CategorySet::NECESSARY)
        };
        let value = signed_value(&cookie.encode(&do_not_sell, &categories()));
        assert!(value.ends_with(":b:1::marketing"), "{value}");
        assert!(value[44..].starts_with("2:"), "{value}");
        assert_eq!(
            cookie
                .decode(value.as_bytes(), &categories(), NOW)
                .and_then(Verified::current),
            Some(do_not_sell)
        );
        // A full decision keeps format 1, as before.
        let full = signed_value(&cookie.encode(&decision(CategorySet::NECESSARY), &categories()));
        assert!(full[44..].starts_with("1:"), "{full}");
        assert!(parse_payload("2:3:5:BwcHBwcHBwcHBwcH:a:0::marketing:x", &categories()).is_none());
    }

    #[test]
    fn unknown_keys_grant_nothing() {
        let parsed =
            parse_payload("1:3:5:BwcHBwcHBwcHBwcH:a:0:analytics+gone", &categories()).unwrap();
        assert_eq!(parsed.granted, CategorySet::NECESSARY.with(2));
        assert!(parse_payload("2:3:5:BwcHBwcHBwcHBwcH:a:0:", &categories()).is_none());
        assert!(parse_payload("1:3:5:BwcHBwcHBwcHBwcH:z:0:", &categories()).is_none());
        assert!(parse_payload("1:3:5:BwcHBwcHBwcHBwcH:a:0::", &categories()).is_none());
        assert!(parse_payload("1:3:5:BwcHBwcHBwcHBwcH:a:2:", &categories()).is_none());
        assert!(parse_payload("1:-3:5:BwcHBwcHBwcHBwcH:a:0:", &categories()).is_none());
    }
}
