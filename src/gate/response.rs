//! The response side: stripping the app's `Set-Cookie` headers, and `Vary`.

use http::header::{SET_COOKIE, VARY};
use http::{HeaderMap, HeaderValue};

use super::is_granted;
use crate::category::CategorySet;
use crate::classify::{Classifier, Seen};
use crate::cookie_header::{header_set_cookie_name, trim_wsp, SetCookieName};

/// Drops every `Set-Cookie` that would store a cookie `granted` does not cover, or that
/// browsers ignore anyway. A deletion (`Max-Age` ≤ 0) stores nothing and is kept. Names
/// no rule matches are counted for the report as set on `path`.
pub(crate) fn strip_set_cookies(
    headers: &mut HeaderMap,
    path: &str,
    classifier: &Classifier,
    granted: CategorySet,
) {
    let allowed = |value: &HeaderValue| {
        crate::metrics::set_cookie(match header_set_cookie_name(value) {
            SetCookieName::Stored(name) => {
                let class = classifier.classify_seen(name, Seen::response(path, value.as_bytes()));
                is_granted(class, granted) || is_deletion(value.as_bytes())
            }
            SetCookieName::Ignored => false,
        })
    };
    let Some(first_refused) = headers.get_all(SET_COOKIE).iter().position(|v| !allowed(v)) else {
        return;
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
}

/// Whether a `Set-Cookie` value deletes its cookie: its last valid `Max-Age` attribute
/// (the one browsers apply) is zero or negative.
fn is_deletion(set_cookie: &[u8]) -> bool {
    const MAX_AGE: &[u8] = b"max-age";
    let mut max_age: Option<bool> = None;
    for attribute in set_cookie.split(|&b| b == b';').skip(1) {
        // The attribute's name is the trimmed text before its `=`: `max-age`, then
        // optional whitespace, then `=`.
        let attribute = trim_wsp(attribute);
        let Some((name, rest)) = attribute.split_at_checked(MAX_AGE.len()) else {
            continue;
        };
        if !name.eq_ignore_ascii_case(MAX_AGE) {
            continue;
        }
        let Some(value) = trim_wsp(rest).strip_prefix(b"=") else {
            continue;
        };
        let value = trim_wsp(value);
        let (negative, digits) = match value.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, value),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            continue;
        }
        max_age = Some(negative || digits.iter().all(|&b| b == b'0'));
    }
    max_age.unwrap_or(false)
}

/// Adds `Vary: Cookie` unless the response already varies on `Cookie` or on everything.
pub(crate) fn vary_on_cookie(headers: &mut HeaderMap) {
    let covered = headers.get_all(VARY).iter().any(|value| {
        value.as_bytes().split(|&b| b == b',').any(|token| {
            let token = trim_wsp(token);
            token == b"*" || token.eq_ignore_ascii_case(b"cookie")
        })
    });
    if !covered {
        headers.append(VARY, HeaderValue::from_static("cookie"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_follow_the_last_valid_max_age() {
        assert!(is_deletion(b"a=; Max-Age=0"));
        assert!(is_deletion(b"a=; max-age = -1; Path=/"));
        assert!(is_deletion(b"a=; Max-Age=5; Max-Age=0"));
        assert!(is_deletion(b"a=; Max-Age=0; Max-Age=x"));
        assert!(!is_deletion(b"a=; Max-Age=0; Max-Age=5"));
        assert!(!is_deletion(b"a=1"));
        assert!(!is_deletion(b"a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(!is_deletion(b"a=Max-Age=0"));
        assert!(!is_deletion(b"a=1; Max-Age="));
        assert!(!is_deletion(b"a=1; Max-Agex=0"));
        assert!(!is_deletion(b"a=1; Max-Age"));
        assert!(!is_deletion(b"a=1; Max-Age 0"));
        assert!(is_deletion(b"a=1;\tMAX-AGE\t=\t0\t"));
    }

    #[test]
    fn vary_is_added_once() {
        let mut headers = HeaderMap::new();
        vary_on_cookie(&mut headers);
        vary_on_cookie(&mut headers);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("Accept-Encoding, Cookie"));
        vary_on_cookie(&mut headers);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("*"));
        vary_on_cookie(&mut headers);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
    }
}
