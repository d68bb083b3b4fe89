//! The response headers that keep a visitor's response to that visitor: `Cache-Control`
//! against shared caches, `Vary: Cookie`. Used by every stage that makes a response
//! depend on the visitor (the gate, the consent cookie, the HTML gate).

use http::header::{CACHE_CONTROL, VARY};
use http::{HeaderMap, HeaderValue};

use crate::cookie_header::trim_wsp;

/// Keeps a response made for one visitor out of shared caches, which could hand it to
/// other visitors: one that carries cookies (RFC 9111 §3: `Set-Cookie` alone does not
/// stop a shared cache), or whose content follows the visitor's consent (only
/// `Vary: Cookie` would stop a shared cache, and many CDNs ignore it). Without
/// `Cache-Control` the response gets `when_absent` (`no-store` for cookies, `private`
/// for a page whose validators name its consent state); otherwise `public` and
/// `s-maxage` go and `private` is added, unless `private` or `no-store` is already
/// there. Nothing the app set is weakened (`no-store`, `no-cache`, `max-age` … stay).
pub(crate) fn keep_out_of_shared_caches(headers: &mut HeaderMap, when_absent: &'static str) {
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(when_absent));
        return;
    }
    let mut directives: Vec<&[u8]> = Vec::new();
    let mut protected = false;
    let mut weakening = false;
    for value in headers.get_all(CACHE_CONTROL) {
        for directive in value.as_bytes().split(|&b| b == b',') {
            let directive = trim_wsp(directive);
            let name = directive
                .split(|&b| b == b'=')
                .next()
                .map(trim_wsp)
                .unwrap_or_default();
            if name.eq_ignore_ascii_case(b"private") || name.eq_ignore_ascii_case(b"no-store") {
                protected = true;
            }
            if name.eq_ignore_ascii_case(b"public") || name.eq_ignore_ascii_case(b"s-maxage") {
                weakening = true;
            } else if !directive.is_empty() {
                directives.push(directive);
            }
        }
    }
    if protected && !weakening {
        return;
    }
    let mut joined: Vec<u8> = if protected {
        Vec::new()
    } else {
        b"private".to_vec()
    };
    for directive in directives {
        if !joined.is_empty() {
            joined.extend_from_slice(b", ");
        }
        joined.extend_from_slice(directive);
    }
    // Directives are byte ranges of valid header values joined by ", ".
    if let Ok(value) = HeaderValue::from_bytes(&joined) {
        headers.insert(CACHE_CONTROL, value);
    }
}

/// Adds `names` (a `Vary` value: header names separated by commas) to `Vary`, unless
/// `Vary` already covers each of them (or is `*`): one lookup of `Vary` and at most one
/// header line, whatever the number of names; the value is shared, not copied.
pub(crate) fn vary_on(headers: &mut HeaderMap, names: &HeaderValue) {
    let existing = headers.get_all(VARY);
    let covered = |name: &[u8]| {
        existing.iter().any(|value| {
            value.as_bytes().split(|&b| b == b',').any(|token| {
                let token = trim_wsp(token);
                token == b"*" || token.eq_ignore_ascii_case(name)
            })
        })
    };
    // Most responses have no `Vary` of their own: nothing to read then.
    let all_covered = existing.iter().next().is_some()
        && names
            .as_bytes()
            .split(|&b| b == b',')
            .all(|name| covered(trim_wsp(name)));
    if !all_covered {
        headers.append(VARY, names.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_control(existing: &[&str]) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for value in existing {
            headers.append(CACHE_CONTROL, HeaderValue::from_str(value).unwrap());
        }
        keep_out_of_shared_caches(&mut headers, "no-store");
        headers
            .get_all(CACHE_CONTROL)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn own_cookies_keep_responses_out_of_shared_caches() {
        assert_eq!(cache_control(&[]), ["no-store"]);
        assert_eq!(
            cache_control(&["public, max-age=31536000, immutable"]),
            ["private, max-age=31536000, immutable"]
        );
        assert_eq!(
            cache_control(&["max-age=60", "s-maxage=600"]),
            ["private, max-age=60"]
        );
        assert_eq!(cache_control(&["no-store"]), ["no-store"]);
        assert_eq!(
            cache_control(&["private, max-age=5"]),
            ["private, max-age=5"]
        );
        assert_eq!(cache_control(&["no-cache"]), ["private, no-cache"]);
        assert_eq!(cache_control(&["public, no-store"]), ["no-store"]);
        assert_eq!(cache_control(&[""]), ["private"]);
    }

    #[test]
    fn vary_is_added_once() {
        let cookie = HeaderValue::from_static("cookie");
        let mut headers = HeaderMap::new();
        vary_on(&mut headers, &cookie);
        vary_on(&mut headers, &cookie);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        let region = HeaderValue::from_static("cf-ipcountry, cf-region-code");
        vary_on(&mut headers, &region);
        vary_on(&mut headers, &region);
        assert_eq!(headers.get_all(VARY).iter().count(), 2);
        headers.remove(VARY);
        headers.insert(
            VARY,
            HeaderValue::from_static("Accept-Encoding, CF-IPCountry,CF-Region-Code"),
        );
        vary_on(&mut headers, &region);
        assert_eq!(headers.get_all(VARY).iter().count(), 1, "covered, any case");
        headers.insert(VARY, HeaderValue::from_static("cf-ipcountry"));
        vary_on(&mut headers, &region);
        assert_eq!(
            headers.get_all(VARY).iter().count(),
            2,
            "one name not covered"
        );
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("Accept-Encoding, Cookie"));
        vary_on(&mut headers, &cookie);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("*"));
        vary_on(&mut headers, &cookie);
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
    }
}
