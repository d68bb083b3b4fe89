//! Purging: deleting refused cookies the browser still holds.

use std::collections::{HashMap, HashSet};

use bytes::Bytes;
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

use super::{is_granted, RequestCookies};
use crate::category::{CategorySet, NECESSARY_INDEX};
use crate::classify::{Classifier, CookieScope};
use crate::cookie_header::{cookie_pairs, header_set_cookie_name, CookiePair, SetCookieName};

/// Appends a deleting `Set-Cookie` for every cookie of `request` that `granted` does not
/// cover: once per name, for each scope of its rule, never for a name the response
/// already sets itself.
pub(crate) fn purge(
    headers: &mut HeaderMap,
    request: &RequestCookies,
    classifier: &Classifier,
    prebuilt: &Deletions,
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
                crate::metrics::purge_sent(classifier.category_key(class.category));
                match prebuilt.get(&pair) {
                    Some(values) => deletions.extend(values.iter().cloned()),
                    None => deletions.extend(
                        classifier
                            .scopes(class.scopes)
                            .iter()
                            .filter_map(|scope| deletion(&pair, scope)),
                    ),
                }
            }
        }
    }
    for header in deletions {
        headers.append(SET_COOKIE, header);
    }
}

/// The deleting `Set-Cookie` values of every exact cookie name a rule names, built once
/// when the layer is built: purging such a cookie clones them (a reference count)
/// instead of formatting and allocating. Names matched by a wildcard get theirs built
/// when purged.
#[derive(Debug)]
pub(crate) struct Deletions {
    by_name: HashMap<Box<[u8]>, Box<[HeaderValue]>, foldhash::fast::RandomState>,
}

impl Deletions {
    pub(crate) fn new(classifier: &Classifier) -> Self {
        let by_name = classifier
            .exact_names()
            // Necessary cookies are never refused, so never purged.
            .filter(|(_, class)| class.category != Some(NECESSARY_INDEX))
            .map(|(name, class)| {
                let pair = CookiePair {
                    raw: name,
                    name,
                    bare: false,
                    value: &[],
                };
                let values: Box<[HeaderValue]> = classifier
                    .scopes(class.scopes)
                    .iter()
                    .filter_map(|scope| deletion(&pair, scope))
                    .collect();
                // A value's first clone moves its bytes to shared storage; do it here
                // rather than on some request.
                drop(values.to_vec());
                (name.into(), values)
            })
            .collect();
        Self { by_name }
    }

    /// The prebuilt deletions of `pair`, if its name is an exact rule's (a bare pair,
    /// which deletes a nameless cookie, has none).
    fn get(&self, pair: &CookiePair<'_>) -> Option<&[HeaderValue]> {
        if pair.bare {
            return None;
        }
        self.by_name.get(pair.name).map(|values| &**values)
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn prebuilt_deletions_are_the_ones_built_when_purging() {
        use crate::category::Categories;
        use crate::classify::{CompiledRule, Rule, Unknown};
        use crate::Category;
        let rules = vec![
            CompiledRule::from(
                Rule::new("_ga", Category::Analytics)
                    .scope(CookieScope::default())
                    .scope(CookieScope::domain("example.com", "/app")),
            ),
            CompiledRule::from(Rule::new("__Host-t", Category::Preferences)),
            CompiledRule::from(Rule::new("sid", Category::Necessary)),
            CompiledRule::from(Rule::new("mp_*", Category::Marketing)),
        ];
        let classifier = Classifier::build(
            &Categories::new(Vec::new()),
            rules,
            Vec::new(),
            Unknown::Block,
            vec![CookieScope::default()],
        )
        .unwrap();
        let prebuilt = Deletions::new(&classifier);
        for raw in [&b"_ga=1"[..], b"__Host-t=x"] {
            let pair = cookie_pairs(raw).next().unwrap();
            let class = classifier.classify(pair.name);
            let built: Vec<_> = classifier
                .scopes(class.scopes)
                .iter()
                .filter_map(|scope| deletion(&pair, scope))
                .collect();
            assert!(!built.is_empty());
            assert_eq!(prebuilt.get(&pair), Some(&built[..]));
        }
        let get = |raw: &'static [u8]| prebuilt.get(&cookie_pairs(raw).next().unwrap());
        assert_eq!(get(b"_ga"), None, "bare pairs are built when purged");
        assert_eq!(get(b"sid=1"), None, "necessary cookies are never purged");
        assert_eq!(get(b"mp_x=1"), None, "wildcard names are built when purged");
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
}
