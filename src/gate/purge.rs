//! Purging: deleting refused cookies the browser still holds.
//!
//! A browser deletes a cookie only for a `Set-Cookie` with the same name, `Domain` and
//! `Path`, and a request does not say where a cookie was set. For each refused cookie
//! the layer therefore sends a deletion for every scope its rule declares (by default
//! host-only, `Path=/`) and for every domain from the request's host down to its
//! registrable domain ([`domains`](super::domains)), `Path=/`. A cookie the browser may
//! hold without a name (a script's `document.cookie = "=_ga=1"`, sent back as `_ga=1`) is
//! deleted by a nameless deletion in the same scopes. The number of deletions per
//! response is bounded.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use bytes::Bytes;
use http::header::{Entry, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

use super::cookies::{is_granted, RequestCookies};
use super::domains::{cookie_domains, CookieDomains};
use crate::category::{CategorySet, NECESSARY_INDEX};
use crate::classify::{Class, Classifier, CookieScope, ScopeSetId};
use crate::cookie_header::{
    cookie_pairs, header_set_cookie_name, set_cookie_is_nameless, trim_wsp, CookiePair,
    SetCookieName,
};
use crate::report_once::ReportOnce;

/// The default bound on deleting `Set-Cookie` headers per response: browsers keep about
/// 180 cookies per site, and a handful of scopes each.
pub(crate) const DEFAULT_PURGE_LIMIT: usize = 300;

/// How purging is done; fixed when the layer is built.
#[derive(Debug)]
pub(crate) struct Purge {
    /// Deletions prebuilt for the exact names of the rules.
    prebuilt: Deletions,
    /// The most deleting `Set-Cookie` headers one response may carry.
    limit: usize,
    /// Whether to delete in the request host's parent domains too.
    parent_domains: bool,
    /// Names left out because a response reached the limit, reported once each.
    over_limit: ReportOnce,
}

impl Purge {
    pub(crate) fn new(classifier: &Classifier, limit: usize, parent_domains: bool) -> Self {
        Self {
            prebuilt: Deletions::new(classifier),
            limit,
            parent_domains,
            over_limit: ReportOnce::new(),
        }
    }
}

/// Appends a deleting `Set-Cookie` for every cookie of `request` that `granted` does not
/// cover, in every scope where the browser may hold it (see the module docs), except a
/// scope where the response deletes the same cookie itself. Returns how many deletions
/// were appended: at most the configured limit; names past it are logged once.
pub(crate) fn purge(
    headers: &mut HeaderMap,
    request: &RequestCookies,
    classifier: &Classifier,
    purge: &Purge,
    granted: CategorySet,
) -> usize {
    // Read what the response deletes itself once, and append only after the loop, so
    // the work stays linear in the number of cookies and `Set-Cookie` headers.
    let mut deletions: Vec<HeaderValue> = Vec::new();
    {
        let app = AppDeletions::read(headers);
        let domains = match request.host() {
            Some(host) if purge.parent_domains => cookie_domains(host.as_bytes()),
            _ => CookieDomains::default(),
        };
        let mut out = Out {
            deletions: &mut deletions,
            limit: purge.limit,
            app: &app,
        };
        let mut purged = NameSet::default();
        let mut nameless = Nameless::default();
        for value in request.iter() {
            for pair in cookie_pairs(value.as_bytes()) {
                // A pair with an empty name (`=x`) is no cookie a browser sends.
                if pair.name.is_empty() {
                    continue;
                }
                let class = classifier.classify(pair.name);
                if is_granted(class, granted) {
                    nameless.granted |= pair.bare;
                    continue;
                }
                nameless.note(&pair, class);
                if pair.bare {
                    // A bare pair is a nameless cookie: deleted below.
                    continue;
                }
                if !purged.insert(pair.name) {
                    continue;
                }
                let scopes = classifier.scopes(class.scopes);
                if out.delete(&pair, scopes, purge.prebuilt.get(pair.name), &domains) {
                    crate::metrics::purge_sent(classifier.category_key(class.category));
                } else {
                    report_over_limit(purge, pair.name);
                }
            }
        }
        if let Some((pair, scopes)) = nameless.deletion(classifier) {
            if !out.delete(&pair, &scopes, None, &domains) {
                report_over_limit(purge, b"");
            }
        }
    }
    let appended = deletions.len();
    // One lookup of `Set-Cookie` for all of them, not one per deletion.
    let mut deletions = deletions.into_iter();
    if let Some(first) = deletions.next() {
        let mut entry = match headers.entry(SET_COOKIE) {
            Entry::Occupied(mut entry) => {
                entry.append(first);
                entry
            }
            Entry::Vacant(entry) => entry.insert_entry(first),
        };
        for header in deletions {
            entry.append(header);
        }
    }
    appended
}

/// The cookies of a request that are, or may be, nameless in the browser.
///
/// A browser holds at most one nameless cookie per `Domain` and `Path`, and one nameless
/// deletion there deletes it, whatever its text. A bare pair is a nameless cookie; a
/// named pair may be one whose text holds `=` (a script's `document.cookie =
/// "=_ga=1"` comes back as `_ga=1`), unless its text starts with `__Host-` or
/// `__Secure-`, which browsers refuse for nameless cookies.
#[derive(Default)]
struct Nameless<'a> {
    /// The first refused candidate, named in the deletion for readability.
    first: Option<CookiePair<'a>>,
    /// Whether a refused bare pair shows a nameless cookie is there for sure.
    refused: bool,
    /// Whether a granted bare pair shows a nameless cookie the visitor keeps.
    granted: bool,
    /// The scope lists of the refused candidates.
    scope_sets: Vec<ScopeSetId>,
}

impl<'a> Nameless<'a> {
    fn note(&mut self, pair: &CookiePair<'a>, class: Class) {
        let prefixed = starts_with_ignore_case(pair.name, b"__Host-")
            || starts_with_ignore_case(pair.name, b"__Secure-");
        if prefixed {
            return;
        }
        self.refused |= pair.bare;
        if self.first.is_none() || (pair.bare && !self.first.is_some_and(|p| p.bare)) {
            self.first = Some(CookiePair {
                bare: true,
                ..*pair
            });
        }
        if !self.scope_sets.contains(&class.scopes) {
            self.scope_sets.push(class.scopes);
        }
    }

    /// The nameless deletion to send and its scopes: when a refused nameless cookie is
    /// there, or may be and no granted one is known to be.
    fn deletion<'c>(
        self,
        classifier: &'c Classifier,
    ) -> Option<(CookiePair<'a>, Cow<'c, [CookieScope]>)> {
        let pair = self.first.filter(|_| self.refused || !self.granted)?;
        let scopes = match self.scope_sets[..] {
            [set] => Cow::Borrowed(classifier.scopes(set)),
            ref sets => {
                let mut scopes: Vec<CookieScope> = Vec::new();
                for scope in sets.iter().flat_map(|&set| classifier.scopes(set)) {
                    if !scopes.contains(scope) {
                        scopes.push(scope.clone());
                    }
                }
                Cow::Owned(scopes)
            }
        };
        Some((pair, scopes))
    }
}

fn report_over_limit(purge: &Purge, name: &[u8]) {
    if purge.over_limit.first_time(name) {
        tracing::warn!(
            cookie = %String::from_utf8_lossy(name),
            limit = purge.limit,
            "a response reached the purge limit; this refused cookie was not deleted"
        );
    }
}

/// The deletions of one response, within the limit.
struct Out<'a, 'r> {
    deletions: &'a mut Vec<HeaderValue>,
    limit: usize,
    app: &'a AppDeletions<'r>,
}

impl Out<'_, '_> {
    /// Appends the deletions of `pair` in its rule's `scopes` (given `prebuilt`, when
    /// built already) and in `domains`, all or none. False when they would pass the
    /// limit.
    fn delete(
        &mut self,
        pair: &CookiePair<'_>,
        scopes: &[CookieScope],
        prebuilt: Option<&[ScopedDeletion]>,
        domains: &CookieDomains<'_>,
    ) -> bool {
        let start = self.deletions.len();
        match prebuilt {
            Some(values) => {
                for prebuilt in values {
                    let scope = &scopes[prebuilt.scope];
                    if !self.app.deletes(pair, scope.domain.as_deref(), &scope.path) {
                        self.deletions.push(prebuilt.value.clone());
                    }
                }
            }
            None => {
                for scope in scopes {
                    if !self.app.deletes(pair, scope.domain.as_deref(), &scope.path) {
                        self.deletions
                            .extend(deletion(pair, scope.domain.as_deref(), &scope.path));
                    }
                }
            }
        }
        for domain in domains.iter() {
            let declared = scopes.iter().any(|scope| {
                scope.path == "/"
                    && scope
                        .domain
                        .as_deref()
                        .is_some_and(|d| same_domain(d.as_bytes(), domain.as_bytes()))
            });
            if !declared && !self.app.deletes(pair, Some(domain), "/") {
                self.deletions.extend(deletion(pair, Some(domain), "/"));
            }
        }
        if self.deletions.len() > self.limit {
            self.deletions.truncate(start);
            return false;
        }
        true
    }
}

/// The deletions the response already carries, with an explicit `Path`: the layer need
/// not repeat them.
#[derive(Default)]
struct AppDeletions<'a> {
    scopes: Vec<AppDeletion<'a>>,
}

/// One deletion the app sends itself.
struct AppDeletion<'a> {
    /// Empty for a nameless cookie.
    name: &'a [u8],
    /// Without a leading dot; `None` for a host-only cookie.
    domain: Option<&'a [u8]>,
    path: &'a [u8],
}

impl<'a> AppDeletions<'a> {
    fn read(headers: &'a HeaderMap) -> Self {
        let mut found = Self::default();
        for value in headers.get_all(SET_COOKIE) {
            let bytes = value.as_bytes();
            if !super::is_deletion(bytes) {
                continue;
            }
            let SetCookieName::Stored(name) = header_set_cookie_name(value) else {
                continue;
            };
            let name: &[u8] = if set_cookie_is_nameless(bytes) {
                b""
            } else {
                name
            };
            if let Some((domain, path)) = explicit_scope(bytes) {
                found.scopes.push(AppDeletion { name, domain, path });
            }
        }
        found
    }

    /// Whether the response itself deletes `pair`'s cookie with this `Domain` (none:
    /// host-only) and `Path`.
    fn deletes(&self, pair: &CookiePair<'_>, domain: Option<&str>, path: &str) -> bool {
        let name: &[u8] = if pair.bare { b"" } else { pair.name };
        self.scopes.iter().any(|app| {
            app.name == name
                && app.path == path.as_bytes()
                && match (app.domain, domain) {
                    (None, None) => true,
                    (Some(a), Some(b)) => same_domain(a, b.as_bytes()),
                    _ => false,
                }
        })
    }
}

/// The `Domain` (if any) and `Path` a `Set-Cookie` names, as browsers read them (the
/// last attribute of each wins; values over 1,024 bytes are ignored); `None` when the
/// path is left to the browser's default, which depends on the request.
fn explicit_scope(set_cookie: &[u8]) -> Option<(Option<&[u8]>, &[u8])> {
    let mut domain = None;
    let mut path = None;
    for attribute in set_cookie.split(|&b| b == b';').skip(1) {
        let (name, value) = match attribute.iter().position(|&b| b == b'=') {
            Some(eq) => (trim_wsp(&attribute[..eq]), trim_wsp(&attribute[eq + 1..])),
            None => (trim_wsp(attribute), &[][..]),
        };
        if value.len() > super::response::MAX_ATTRIBUTE_VALUE {
            continue;
        }
        if name.eq_ignore_ascii_case(b"domain") {
            let value = value.strip_prefix(b".").unwrap_or(value);
            domain = (!value.is_empty()).then_some(value);
        } else if name.eq_ignore_ascii_case(b"path") {
            path = Some(value);
        }
    }
    let path = path.filter(|p| p.first() == Some(&b'/'))?;
    Some((domain, path))
}

/// Domains compare case-insensitively, with or without a leading dot.
fn same_domain(a: &[u8], b: &[u8]) -> bool {
    let a = a.strip_prefix(b".").unwrap_or(a);
    let b = b.strip_prefix(b".").unwrap_or(b);
    a.eq_ignore_ascii_case(b)
}

/// The deleting `Set-Cookie` values of every exact cookie name a rule names, in its
/// rule's scopes, built once when the layer is built: purging such a cookie clones them
/// (a reference count) instead of formatting and allocating. Names matched by a
/// wildcard, and the parent-domain deletions (which depend on the request's host), are
/// built when purged.
#[derive(Debug)]
pub(crate) struct Deletions {
    by_name: HashMap<Box<[u8]>, Box<[ScopedDeletion]>, foldhash::fast::RandomState>,
}

/// The deletions of `pair` in each of `scopes` that its name allows.
fn scoped_deletions<'a>(
    pair: &'a CookiePair<'_>,
    scopes: &'a [CookieScope],
) -> impl Iterator<Item = ScopedDeletion> + 'a {
    scopes.iter().enumerate().filter_map(|(index, scope)| {
        Some(ScopedDeletion {
            scope: index,
            value: deletion(pair, scope.domain.as_deref(), &scope.path)?,
        })
    })
}

/// A prebuilt deletion, with the index of its scope in the rule's scope list.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ScopedDeletion {
    scope: usize,
    value: HeaderValue,
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
                let values: Box<[ScopedDeletion]> =
                    scoped_deletions(&pair, classifier.scopes(class.scopes)).collect();
                // A value's first clone moves its bytes to shared storage; do it here
                // rather than on some request.
                drop(values.to_vec());
                (name.into(), values)
            })
            .collect();
        Self { by_name }
    }

    /// The prebuilt deletions of a named cookie, if its name is an exact rule's.
    fn get(&self, name: &[u8]) -> Option<&[ScopedDeletion]> {
        self.by_name.get(name).map(|values| &**values)
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

/// The `Set-Cookie` value deleting `pair` with this `Domain` (none: host-only) and
/// `Path`, honouring the `__Host-` and `__Secure-` name prefixes (browsers refuse a
/// deletion that breaks them). A bare pair is deleted as a nameless cookie.
fn deletion(pair: &CookiePair<'_>, domain: Option<&str>, path: &str) -> Option<HeaderValue> {
    let host_prefix = starts_with_ignore_case(pair.name, b"__Host-");
    if host_prefix && (domain.is_some() || path != "/") {
        return None;
    }
    let secure = host_prefix || starts_with_ignore_case(pair.name, b"__Secure-");
    const EXPIRED: &[u8] = b"; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=";
    const DOMAIN: &[u8] = b"; Domain=";
    const SECURE: &[u8] = b"; Secure";
    let domain = domain.map(str::as_bytes);
    // Exact capacity: the `Bytes` then takes over the buffer without another allocation.
    let len = pair.name.len()
        + 1
        + EXPIRED.len()
        + path.len()
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
    out.extend_from_slice(path.as_bytes());
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
        let root = (None, "/");
        let site = (Some("example.com"), "/");
        let deletion = |pair: &CookiePair<'_>, &(domain, path): &(Option<&str>, &str)| {
            deletion(pair, domain, path)
        };
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
            let built: Vec<_> = scoped_deletions(&pair, classifier.scopes(class.scopes)).collect();
            assert!(!built.is_empty());
            assert_eq!(prebuilt.get(pair.name), Some(&built[..]));
        }
        assert_eq!(
            prebuilt.get(b"sid"),
            None,
            "necessary cookies are never purged"
        );
        assert_eq!(
            prebuilt.get(b"mp_x"),
            None,
            "wildcard names are built when purged"
        );
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
