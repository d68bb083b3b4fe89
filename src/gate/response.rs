//! The response side: stripping the app's `Set-Cookie` headers, and `Vary`.

use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

use super::cookies::is_granted;
use crate::category::CategorySet;
use crate::classify::{Class, Classifier, Seen};
use crate::cookie_header::{header_set_cookie_name, trim_wsp, SetCookieName};

/// Drops every `Set-Cookie` that would store a cookie `granted` does not cover, or that
/// browsers ignore anyway. A deletion (`Max-Age` ≤ 0) stores nothing and is kept. Names
/// no rule matches are counted for the report as set on `path`. Returns whether the
/// visitor's consent decided a `Set-Cookie` (one was dropped, or one that needs consent
/// was kept because it is granted): such a response is made for this visitor.
pub(crate) fn strip_set_cookies(
    headers: &mut HeaderMap,
    path: &str,
    classifier: &Classifier,
    granted: CategorySet,
) -> bool {
    let mut consented = false;
    let mut allowed = |value: &HeaderValue| {
        let leaves = match header_set_cookie_name(value) {
            SetCookieName::Stored(name) => {
                let class = classify_set_cookie(name, value, path, classifier);
                if is_granted(class, CategorySet::NECESSARY) {
                    true
                } else if is_granted(class, granted) {
                    consented = true;
                    true
                } else {
                    // A deletion leaves in every consent state.
                    let deletion = is_deletion(value.as_bytes());
                    consented |= !deletion;
                    deletion
                }
            }
            SetCookieName::Ignored => false,
        };
        crate::metrics::set_cookie(leaves)
    };
    let Some(first_refused) = headers.get_all(SET_COOKIE).iter().position(|v| !allowed(v)) else {
        return consented;
    };
    // Each value is decided once: those before the first refused one were allowed.
    let kept: Vec<HeaderValue> = headers
        .get_all(SET_COOKIE)
        .iter()
        .enumerate()
        .filter(|&(index, value)| {
            index < first_refused || (index > first_refused && allowed(value))
        })
        .map(|(_, value)| value.clone())
        .collect();
    headers.remove(SET_COOKIE);
    for value in kept {
        headers.append(SET_COOKIE, value);
    }
    consented
}

/// Why a `Set-Cookie` may not leave: the cookie name it stores and its class, or `None`
/// for a header browsers ignore. `None` from the outer `Option`: it may leave.
pub(super) fn refused<'a>(
    value: &'a HeaderValue,
    path: &str,
    classifier: &Classifier,
    granted: CategorySet,
) -> Option<Option<(&'a [u8], Class)>> {
    match header_set_cookie_name(value) {
        SetCookieName::Stored(name) => {
            let class = classify_set_cookie(name, value, path, classifier);
            let allowed = is_granted(class, granted) || is_deletion(value.as_bytes());
            (!allowed).then_some(Some((name, class)))
        }
        SetCookieName::Ignored => Some(None),
    }
}

/// Classifies the cookie `name` a `Set-Cookie` of the app's response stores (counted
/// for the report as set on `path`); a catalog cookie the declaration does not list yet
/// is listed, unless the header is a deletion.
fn classify_set_cookie(
    name: &[u8],
    value: &HeaderValue,
    path: &str,
    classifier: &Classifier,
) -> Class {
    let class = classifier.classify_seen(name, Seen::response(path, value.as_bytes()));
    if let Some(entry) = class.catalog_entry() {
        if !classifier.sightings().is_listed(usize::from(entry)) {
            set_by_app(classifier, entry, value);
        }
    }
    class
}

/// The app's response sets a cookie of catalog entry `entry` the declaration does not
/// list yet: listed, unless the header is a deletion (which sets nothing).
#[cold]
#[inline(never)]
fn set_by_app(classifier: &Classifier, entry: u16, value: &HeaderValue) {
    if !is_deletion(value.as_bytes()) {
        classifier.sightings().set_by_app(usize::from(entry));
    }
}

/// Attribute values longer than this are ignored by browsers (RFC 6265bis §5.6).
pub(super) const MAX_ATTRIBUTE_VALUE: usize = 1024;

/// Whether a browser certainly stores nothing for this `Set-Cookie` value: its `Max-Age`
/// is zero or negative. Browsers apply the *last* `Max-Age` attribute whose value is at
/// most 1,024 bytes (longer ones are ignored, RFC 6265bis §5.6); when that value is not
/// a number, Chromium falls back to `Expires` (or a session cookie), so such a header is
/// not a deletion. `Expires` alone is never taken as one: whether a date is past depends
/// on the browser's date parser and clock, and a refused cookie that is not a deletion is
/// stripped and purged by the layer anyway.
pub(crate) fn is_deletion(set_cookie: &[u8]) -> bool {
    const MAX_AGE: &[u8] = b"max-age";
    let mut last_max_age: Option<&[u8]> = None;
    for attribute in set_cookie.split(|&b| b == b';').skip(1) {
        // The attribute's name is the trimmed text before its `=`.
        let (name, value) = match attribute.iter().position(|&b| b == b'=') {
            Some(eq) => (trim_wsp(&attribute[..eq]), trim_wsp(&attribute[eq + 1..])),
            None => (trim_wsp(attribute), &[][..]),
        };
        if name.eq_ignore_ascii_case(MAX_AGE) && value.len() <= MAX_ATTRIBUTE_VALUE {
            last_max_age = Some(value);
        }
    }
    let Some(value) = last_max_age else {
        return false;
    };
    let (negative, digits) = match value.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, value),
    };
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && (negative || digits.iter().all(|&b| b == b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_follow_the_last_max_age_as_browsers_read_it() {
        assert!(is_deletion(b"a=; Max-Age=0"));
        assert!(is_deletion(b"a=; max-age = -1; Path=/"));
        assert!(is_deletion(b"a=; Max-Age=5; Max-Age=0"));
        assert!(!is_deletion(b"a=; Max-Age=0; Max-Age=x"));
        assert!(!is_deletion(b"a=; Max-Age=0; Max-Age="));
        assert!(!is_deletion(b"a=; Max-Age=0; Max-Age=-"));
        assert!(is_deletion(b"a=; Max-Age=-0"));
        let long_zero = format!("a=1; Max-Age={}", "0".repeat(MAX_ATTRIBUTE_VALUE + 1));
        assert!(!is_deletion(long_zero.as_bytes()));
        let exactly = format!("a=1; Max-Age={}", "0".repeat(MAX_ATTRIBUTE_VALUE));
        assert!(is_deletion(exactly.as_bytes()));
        let long_negative = format!(
            "a=1; Max-Age=3600; Max-Age=-{}",
            "9".repeat(MAX_ATTRIBUTE_VALUE)
        );
        assert!(!is_deletion(long_negative.as_bytes()));
        let ignored_tail = format!(
            "a=1; Max-Age=0; Max-Age={}",
            "5".repeat(MAX_ATTRIBUTE_VALUE + 1)
        );
        assert!(is_deletion(ignored_tail.as_bytes()));
        assert!(!is_deletion(b"a=; Max-Age=0; Max-Age=5"));
        assert!(!is_deletion(b"a=1"));
        assert!(!is_deletion(b"a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(!is_deletion(b"a=Max-Age=0"));
        assert!(!is_deletion(b"a=1; Max-Age="));
        assert!(!is_deletion(b"a=1; Max-Agex=0"));
        assert!(!is_deletion(b"a=1; Max-Age"));
        assert!(!is_deletion(b"a=1; Max-Age=0; Max-Age"));
        assert!(!is_deletion(b"a=1; Max-Age 0"));
        assert!(is_deletion(b"a=1;\tMAX-AGE\t=\t0\t"));
    }
}
