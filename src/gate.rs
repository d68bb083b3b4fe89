//! Enforcement: filtering request cookies, stripping `Set-Cookie`, purging, `Vary`.

use std::collections::HashSet;

use bytes::Bytes;
use http::header::{COOKIE, SET_COOKIE, VARY};
use http::{HeaderMap, HeaderValue};

use crate::category::{Categories, CategorySet};
use crate::classify::{Class, Classifier, CookieScope};
use crate::consent::cookie::ConsentCookie;
use crate::consent::{unix_now, Decision};
use crate::cookie_header::{
    cookie_pairs, filter_cookie_header, header_set_cookie_name, trim_wsp, CookiePair, Filtered,
    SetCookieName,
};
use crate::BuildError;

/// May a cookie of this class be stored or read under `granted`?
pub(crate) fn is_granted(class: Class, granted: CategorySet) -> bool {
    class.category.is_some_and(|index| granted.contains(index))
}

/// The `Cookie` headers a request arrived with, kept to purge what the response must
/// delete. Cloning a `HeaderValue` shares its bytes.
#[derive(Debug, Default)]
pub(crate) struct RequestCookies {
    first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
}

impl RequestCookies {
    fn push(&mut self, value: HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.rest.push(value),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &HeaderValue> {
        self.first.iter().chain(&self.rest)
    }
}

/// What one pass over a request's `Cookie` headers found.
#[derive(Debug)]
pub(crate) struct RequestScan {
    /// The newest current decision among the consent cookies, if any.
    pub(crate) decision: Option<Decision>,
    cookies: RequestCookies,
    /// The categories of the cookies present.
    present: CategorySet,
    /// Whether a cookie matched no rule under [`Unknown::Block`](crate::Unknown::Block).
    blocked_present: bool,
}

/// Reads the request's `Cookie` headers once: verifies the consent cookies and notes
/// which categories the other cookies belong to, so that filtering has nothing more to
/// do when every cookie present is granted. The clock is read only if there is a
/// consent cookie.
pub(crate) fn scan_request(
    headers: &HeaderMap,
    classifier: &Classifier,
    consent: &ConsentCookie,
    categories: &Categories,
) -> RequestScan {
    let mut scan = RequestScan {
        decision: None,
        cookies: RequestCookies::default(),
        present: CategorySet::default(),
        blocked_present: false,
    };
    let mut now = None;
    for value in headers.get_all(COOKIE) {
        for pair in cookie_pairs(value.as_bytes()) {
            if pair.name == consent.name() && !pair.bare {
                // The consent cookie is a necessary cookie (an app rule made at build).
                scan.present = scan.present.with(0);
                let now = *now.get_or_insert_with(unix_now);
                // The newest wins; of equally new ones, the last.
                let newest = scan.decision.map(|d| d.decided_at);
                match consent.decode(pair.value, categories, now) {
                    Some(decision) if newest <= Some(decision.decided_at) => {
                        scan.decision = Some(decision);
                    }
                    _ => {}
                }
                continue;
            }
            match classifier.classify(pair.name).category {
                Some(index) => scan.present = scan.present.with(index),
                None => scan.blocked_present = true,
            }
        }
        scan.cookies.push(value.clone());
    }
    scan
}

/// Removes cookies that `granted` does not cover from every `Cookie` header, keeping the
/// others byte for byte and dropping headers left empty. Returns the original headers
/// and whether anything was removed.
pub(crate) fn filter_request(
    headers: &mut HeaderMap,
    scan: RequestScan,
    classifier: &Classifier,
    granted: CategorySet,
) -> (RequestCookies, bool) {
    let originals = scan.cookies;
    if !scan.blocked_present && scan.present.is_subset(granted) {
        return (originals, false);
    }
    let filter = |value: &HeaderValue| {
        filter_cookie_header(value.as_bytes(), |pair| {
            is_granted(classifier.classify(pair.name), granted)
        })
    };
    // Each header is filtered once: nothing is rewritten until the first change.
    let first_change = originals
        .iter()
        .map(filter)
        .enumerate()
        .find(|(_, filtered)| *filtered != Filtered::Unchanged);
    let Some((changed_at, first)) = first_change else {
        return (originals, false);
    };
    headers.remove(COOKIE);
    let mut rest = originals.iter();
    for original in rest.by_ref().take(changed_at) {
        headers.append(COOKIE, original.clone());
    }
    if let Some(original) = rest.next() {
        append_filtered(headers, original, first);
    }
    for original in rest {
        append_filtered(headers, original, filter(original));
    }
    (originals, true)
}

/// Appends what is left of one `Cookie` header after filtering.
fn append_filtered(headers: &mut HeaderMap, original: &HeaderValue, filtered: Filtered) {
    match filtered {
        Filtered::Unchanged => {
            headers.append(COOKIE, original.clone());
        }
        Filtered::Rewritten(bytes) => {
            // Kept pairs are byte ranges of a valid header value, so this cannot fail;
            // the value takes over the buffer without a copy.
            if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from(bytes)) {
                headers.append(COOKIE, value);
            }
        }
        Filtered::Empty => {}
    }
}

/// Drops every `Set-Cookie` that would store a cookie `granted` does not cover, or that
/// browsers ignore anyway. A deletion (`Max-Age` ≤ 0) stores nothing and is kept.
pub(crate) fn strip_set_cookies(
    headers: &mut HeaderMap,
    classifier: &Classifier,
    granted: CategorySet,
) {
    let allowed = |value: &HeaderValue| match header_set_cookie_name(value) {
        SetCookieName::Stored(name) => {
            is_granted(classifier.classify(name), granted) || is_deletion(value.as_bytes())
        }
        SetCookieName::Ignored => false,
    };
    if headers.get_all(SET_COOKIE).iter().all(allowed) {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter(|value| allowed(value))
        .cloned()
        .collect();
    headers.remove(SET_COOKIE);
    for value in kept {
        headers.append(SET_COOKIE, value);
    }
}

/// Whether a `Set-Cookie` value deletes its cookie: its last valid `Max-Age` attribute
/// (the one browsers apply) is zero or negative.
fn is_deletion(set_cookie: &[u8]) -> bool {
    let mut max_age: Option<bool> = None;
    for attribute in set_cookie.split(|&b| b == b';').skip(1) {
        let (name, value) = match attribute.iter().position(|&b| b == b'=') {
            Some(eq) => (trim_wsp(&attribute[..eq]), trim_wsp(&attribute[eq + 1..])),
            None => continue,
        };
        if !name.eq_ignore_ascii_case(b"max-age") {
            continue;
        }
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

/// Appends a deleting `Set-Cookie` for every cookie of `request` that `granted` does not
/// cover: once per name, for each scope of its rule, never for a name the response
/// already sets itself.
pub(crate) fn purge(
    headers: &mut HeaderMap,
    request: &RequestCookies,
    classifier: &Classifier,
    granted: CategorySet,
) {
    // Read the names the response sets once, and append only after the loop, so the
    // work stays linear in the number of cookies and `Set-Cookie` headers.
    let mut deletions = Vec::new();
    {
        let mut set_by_response = NameSet::default();
        for value in headers.get_all(SET_COOKIE) {
            if let SetCookieName::Stored(name) = header_set_cookie_name(value) {
                set_by_response.insert(name);
            }
        }
        let mut purged = NameSet::default();
        for value in request.iter() {
            for pair in cookie_pairs(value.as_bytes()) {
                // A pair with an empty name (`=x`) is no cookie a browser sends, and a
                // deletion for it (`=; Max-Age=0`) would be ignored.
                if pair.name.is_empty() || set_by_response.contains(pair.name) {
                    continue;
                }
                let class = classifier.classify(pair.name);
                if is_granted(class, granted) || !purged.insert(pair.name) {
                    continue;
                }
                deletions.extend(
                    classifier
                        .scopes(class.scopes)
                        .iter()
                        .filter_map(|scope| deletion(&pair, scope)),
                );
            }
        }
    }
    for header in deletions {
        headers.append(SET_COOKIE, header);
    }
}

/// A set of cookie names that needs no allocation while it holds a few.
#[derive(Default)]
enum NameSet<'a> {
    #[default]
    Empty,
    Few(usize, [&'a [u8]; NameSet::FEW]),
    Many(HashSet<&'a [u8], foldhash::fast::RandomState>),
}

impl<'a> NameSet<'a> {
    const FEW: usize = 8;

    fn contains(&self, name: &[u8]) -> bool {
        match self {
            NameSet::Empty => false,
            NameSet::Few(len, names) => names[..*len].contains(&name),
            NameSet::Many(names) => names.contains(name),
        }
    }

    /// Adds `name`; false if it was there already.
    fn insert(&mut self, name: &'a [u8]) -> bool {
        if self.contains(name) {
            return false;
        }
        match self {
            NameSet::Empty => *self = NameSet::Few(1, [name; NameSet::FEW]),
            NameSet::Few(len, names) if *len < NameSet::FEW => {
                names[*len] = name;
                *len += 1;
            }
            NameSet::Few(_, names) => {
                let mut many: HashSet<_, _> = names.iter().copied().collect();
                many.insert(name);
                *self = NameSet::Many(many);
            }
            NameSet::Many(names) => {
                names.insert(name);
            }
        }
        true
    }
}

/// The `Set-Cookie` value deleting `pair` in `scope`, honouring the `__Host-` and
/// `__Secure-` name prefixes (browsers refuse a deletion that breaks them).
fn deletion(pair: &CookiePair<'_>, scope: &CookieScope) -> Option<HeaderValue> {
    let host_prefix = starts_with_ignore_case(pair.name, b"__Host-");
    if host_prefix && (scope.domain.is_some() || scope.path != "/") {
        return None;
    }
    let secure = host_prefix || starts_with_ignore_case(pair.name, b"__Secure-");
    const EXPIRED: &[u8] = b"; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=";
    const DOMAIN: &[u8] = b"; Domain=";
    const SECURE: &[u8] = b"; Secure";
    let domain = scope.domain.as_deref().map(str::as_bytes);
    // Exact capacity: the `Bytes` then takes over the buffer without another allocation.
    let len = pair.name.len()
        + 1
        + EXPIRED.len()
        + scope.path.len()
        + domain.map_or(0, |d| DOMAIN.len() + d.len())
        + if secure { SECURE.len() } else { 0 };
    let mut out = Vec::with_capacity(len);
    if pair.bare {
        out.push(b'=');
        out.extend_from_slice(pair.name);
    } else {
        out.extend_from_slice(pair.name);
        out.push(b'=');
    }
    out.extend_from_slice(EXPIRED);
    out.extend_from_slice(scope.path.as_bytes());
    if let Some(domain) = domain {
        out.extend_from_slice(DOMAIN);
        out.extend_from_slice(domain);
    }
    if secure {
        out.extend_from_slice(SECURE);
    }
    debug_assert_eq!(out.len(), len);
    HeaderValue::from_maybe_shared(Bytes::from(out)).ok()
}

fn starts_with_ignore_case(name: &[u8], prefix: &[u8]) -> bool {
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
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

/// Checks purge scopes once, when the layer is built.
pub(crate) fn validate_scopes(scopes: &[CookieScope]) -> Result<(), BuildError> {
    for scope in scopes {
        let error = |reason| BuildError::InvalidScope {
            domain: scope.domain.clone(),
            path: scope.path.clone(),
            reason,
        };
        if !scope.path.starts_with('/') {
            return Err(error("the path must start with `/`"));
        }
        if scope
            .path
            .bytes()
            .any(|b| b == b';' || b.is_ascii_control() || !b.is_ascii())
        {
            return Err(error("the path must be visible ASCII without `;`"));
        }
        if let Some(domain) = &scope.domain {
            let host = domain.strip_prefix('.').unwrap_or(domain);
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(error(
                    "the domain must be a host name such as `example.com`",
                ));
            }
        }
    }
    Ok(())
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

    #[test]
    fn deletion_headers_respect_prefixes_and_scopes() {
        let pair = |raw: &'static [u8]| cookie_pairs(raw).next().unwrap();
        let root = CookieScope::default();
        let site = CookieScope::domain("example.com", "/");
        assert_eq!(
            deletion(&pair(b"_ga=1"), &site).unwrap(),
            "_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Domain=example.com"
        );
        assert_eq!(
            deletion(&pair(b"_ga"), &root).unwrap(),
            "=_ga; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"
        );
        assert!(deletion(&pair(b"__Host-x=1"), &site).is_none());
        assert!(deletion(&pair(b"__host-x=1"), &root)
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
        assert!(deletion(&pair(b"__Secure-x=1"), &site)
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }

    #[test]
    fn name_sets_grow_past_the_inline_few() {
        let names: Vec<String> = (0..3 * NameSet::FEW).map(|i| format!("n{i}")).collect();
        let mut set = NameSet::default();
        for (i, name) in names.iter().enumerate() {
            assert!(!set.contains(name.as_bytes()));
            assert!(set.insert(name.as_bytes()), "{name} is new");
            assert!(!set.insert(name.as_bytes()), "{name} is there");
            assert!(names[..=i].iter().all(|n| set.contains(n.as_bytes())));
        }
        assert!(matches!(set, NameSet::Many(_)));
        assert!(!set.contains(b"other"));
    }

    #[test]
    fn scopes_are_validated() {
        assert!(validate_scopes(&[CookieScope::host_only("/a")]).is_ok());
        assert!(validate_scopes(&[CookieScope::domain(".example.com", "/")]).is_ok());
        assert!(validate_scopes(&[CookieScope::host_only("a")]).is_err());
        assert!(validate_scopes(&[CookieScope::host_only("/;x")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("", "/")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("a b", "/")]).is_err());
    }
}
