//! The tracker-resource catalog: which script, frame and pixel URLs belong to which
//! vendor and need which consent, and the lookup compiled from it (and from the app's
//! `script_rule`s) at `build()`.
//!
//! A lookup walks the labels of the URL's host (`a.b.example.com`, `b.example.com`,
//! `example.com`, `com`) and asks a hash map for each, so its cost grows with the
//! length of the host, never with the number of entries.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;

use super::url::{is_tab_or_newline, Target};
use crate::category::{Categories, CategoryIndex, CategorySet};
use crate::{BuildError, Category};

/// One well-known tracker resource: a host (and its subdomains), optionally narrowed
/// to a path prefix, the vendor that serves it and the consent it needs.
///
/// # Example
///
/// ```
/// use tower_consent::{known_tracker_resources, Category};
///
/// let gtm = known_tracker_resources()
///     .iter()
///     .find(|r| r.host == "googletagmanager.com")
///     .expect("Google Tag Manager is listed");
/// assert_eq!(gtm.category, Category::Analytics);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownResource {
    /// The host; its subdomains match too.
    pub host: &'static str,
    /// A path prefix the URL must start with (`""` for any path).
    pub path: &'static str,
    /// Who serves it.
    pub vendor: &'static str,
    /// The consent it needs.
    pub category: Category,
}

const fn resource(
    host: &'static str,
    path: &'static str,
    vendor: &'static str,
    category: Category,
) -> KnownResource {
    KnownResource {
        host,
        path,
        vendor,
        category,
    }
}

use Category::{Analytics, Marketing};

#[rustfmt::skip]
static KNOWN_RESOURCES: &[KnownResource] = &[
    resource("googletagmanager.com", "", "Google Tag Manager", Analytics),
    resource("google-analytics.com", "", "Google Analytics", Analytics),
    resource("analytics.google.com", "", "Google Analytics", Analytics),
    resource("googleadservices.com", "", "Google Ads", Marketing),
    resource("adservice.google.com", "", "Google Ads", Marketing),
    resource("doubleclick.net", "", "Google DoubleClick", Marketing),
    resource("googlesyndication.com", "", "Google AdSense / Ad Manager", Marketing),
    resource("connect.facebook.net", "", "Meta", Marketing),
    resource("facebook.com", "/tr", "Meta", Marketing),
    resource("hotjar.com", "", "Hotjar", Analytics),
    resource("hotjar.io", "", "Hotjar", Analytics),
    resource("clarity.ms", "", "Microsoft Clarity", Analytics),
    resource("bat.bing.com", "", "Microsoft Advertising (Bing UET)", Marketing),
    resource("snap.licdn.com", "", "LinkedIn", Marketing),
    resource("px.ads.linkedin.com", "", "LinkedIn", Marketing),
    resource("analytics.tiktok.com", "", "TikTok", Marketing),
    resource("s.pinimg.com", "/ct/", "Pinterest", Marketing),
    resource("ct.pinterest.com", "", "Pinterest", Marketing),
    resource("static.ads-twitter.com", "", "X (Twitter)", Marketing),
    resource("analytics.twitter.com", "", "X (Twitter)", Marketing),
    resource("js.hs-scripts.com", "", "HubSpot", Analytics),
    resource("js.hs-analytics.net", "", "HubSpot", Analytics),
    resource("js.hsadspixel.net", "", "HubSpot", Marketing),
    resource("track.hubspot.com", "", "HubSpot", Analytics),
    resource("mc.yandex.ru", "", "Yandex Metrica", Analytics),
    resource("mc.yandex.com", "", "Yandex Metrica", Analytics),
    resource("cdn.segment.com", "", "Segment", Analytics),
    resource("api.segment.io", "", "Segment", Analytics),
    resource("cdn.mxpnl.com", "", "Mixpanel", Analytics),
    resource("api-js.mixpanel.com", "", "Mixpanel", Analytics),
    resource("cdn.amplitude.com", "", "Amplitude", Analytics),
    resource("api2.amplitude.com", "", "Amplitude", Analytics),
    resource("sc-static.net", "", "Snap", Marketing),
    resource("tr.snapchat.com", "", "Snap", Marketing),
    resource("static.klaviyo.com", "", "Klaviyo", Marketing),
    resource("script.crazyegg.com", "", "Crazy Egg", Analytics),
    resource("cdn.matomo.cloud", "", "Matomo", Analytics),
    resource("visualwebsiteoptimizer.com", "", "VWO", Analytics),
    resource("cdn.optimizely.com", "", "Optimizely", Analytics),
    resource("logx.optimizely.com", "", "Optimizely", Analytics),
    resource("assets.adobedtm.com", "", "Adobe Experience Cloud", Analytics),
    resource("omtrdc.net", "", "Adobe Analytics", Analytics),
    resource("2o7.net", "", "Adobe Analytics", Analytics),
    resource("demdex.net", "", "Adobe Audience Manager", Marketing),
    resource("tt.omtrdc.net", "", "Adobe Target", Analytics),
    resource("static.criteo.net", "", "Criteo", Marketing),
    resource("criteo.com", "", "Criteo", Marketing),
    resource("quantserve.com", "", "Quantcast", Marketing),
    resource("quantcount.com", "", "Quantcast", Marketing),
    resource("redditstatic.com", "/ads/", "Reddit", Marketing),
    resource("alb.reddit.com", "", "Reddit", Marketing),
    resource("cdn.taboola.com", "", "Taboola", Marketing),
    resource("trc.taboola.com", "", "Taboola", Marketing),
    resource("amplify.outbrain.com", "", "Outbrain", Marketing),
    resource("widgets.outbrain.com", "", "Outbrain", Marketing),
];

/// The built-in catalog of tracker resources the HTML gate blocks without
/// annotations (see [`HtmlGate::auto_block`](crate::HtmlGate::auto_block)).
///
/// ```
/// use tower_consent::known_tracker_resources;
///
/// assert!(known_tracker_resources().iter().any(|r| r.host == "connect.facebook.net"));
/// ```
pub fn known_tracker_resources() -> &'static [KnownResource] {
    KNOWN_RESOURCES
}

/// What a match found: the category and who it is (for logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) category: CategoryIndex,
    pub(crate) vendor: &'static str,
}

#[derive(Debug)]
struct Entry {
    /// Lower case; `""` for any path.
    path: Box<str>,
    hit: Hit,
}

/// Host → entries, for one precedence level.
#[derive(Debug, Default)]
struct HostTable {
    hosts: HashMap<Box<str>, Vec<Entry>, RandomState>,
    /// The last label of every host (`com` of `example.com`): a host whose last label
    /// is not here cannot match, so most hosts are ruled out with one short lookup.
    last_labels: HashSet<Box<str>, RandomState>,
    /// Entries for relative URLs (the app's own paths), longest first.
    local: Vec<Entry>,
}

impl HostTable {
    fn insert(&mut self, host: Option<String>, entry: Entry) {
        let list = match host {
            Some(host) => {
                self.last_labels.insert(last_label(&host).into());
                self.hosts.entry(host.into_boxed_str()).or_default()
            }
            None => &mut self.local,
        };
        list.push(entry);
        // Longest path first: the most specific entry of a host wins.
        list.sort_by_key(|e| std::cmp::Reverse(e.path.len()));
    }

    /// The entry for a lower-case `host` and the normalised path `path` makes, which
    /// is made only if a host matches.
    fn remote<'p>(&self, host: &str, path: impl Fn() -> Cow<'p, str>) -> Option<Hit> {
        if !self.last_labels.contains(last_label(host)) {
            return None;
        }
        let mut suffix = host;
        loop {
            if let Some(entries) = self.hosts.get(suffix) {
                let path = path();
                if let Some(entry) = entries.iter().find(|e| path_matches(&e.path, &path)) {
                    return Some(entry.hit);
                }
            }
            let dot = suffix.bytes().position(|b| b == b'.')?;
            suffix = &suffix[dot + 1..];
        }
    }

    fn local(&self, path: &str) -> Option<Hit> {
        self.local
            .iter()
            .find(|e| path_matches(&e.path, path))
            .map(|e| e.hit)
    }
}

/// `com` of `www.example.com`.
fn last_label(host: &str) -> &str {
    host.bytes()
        .rposition(|b| b == b'.')
        .map_or(host, |dot| &host[dot + 1..])
}

/// Whether `path` starts with `prefix` at a boundary: the prefix ends with a
/// separator, or the path goes on with one (`/tr` matches `/tr?id=1`, not `/track`).
fn path_matches(prefix: &str, path: &str) -> bool {
    if !path.starts_with(prefix) {
        return false;
    }
    let ends_open = prefix
        .bytes()
        .last()
        .is_none_or(|b| !b.is_ascii_alphanumeric());
    ends_open
        || path[prefix.len()..]
            .bytes()
            .next()
            .is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_')
}

/// The compiled matcher: the app's rules, then the catalog.
#[derive(Debug, Default)]
pub(crate) struct ResourceMatcher {
    app: HostTable,
    catalog: HostTable,
    /// Every category an entry gates (necessary left out: it gates nothing).
    categories: CategorySet,
    /// The length of the longest last label of an entry's host.
    longest_last_label: usize,
}

/// A `script_rule` as written by the app, before `build()` checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScriptRule {
    pub(crate) pattern: String,
    pub(crate) category: Category,
}

impl ResourceMatcher {
    /// Compiles the app's rules and, with `catalog`, the built-in entries.
    pub(crate) fn build(
        rules: &[ScriptRule],
        catalog: bool,
        categories: &Categories,
    ) -> Result<Self, BuildError> {
        let mut matcher = Self::default();
        for rule in rules {
            let category = categories
                .index_of(rule.category)
                .ok_or_else(|| BuildError::UndeclaredCategory(rule.category.key().to_owned()))?;
            let (host, path) = parse_rule(&rule.pattern)?;
            matcher.categories = matcher.categories.with(category);
            matcher.app.insert(
                host,
                Entry {
                    path: path.into_boxed_str(),
                    hit: Hit {
                        category,
                        vendor: "script_rule",
                    },
                },
            );
        }
        if catalog {
            for known in KNOWN_RESOURCES {
                let Some(category) = categories.index_of(known.category) else {
                    continue;
                };
                matcher.categories = matcher.categories.with(category);
                matcher.catalog.insert(
                    Some(known.host.to_owned()),
                    Entry {
                        path: known.path.into(),
                        hit: Hit {
                            category,
                            vendor: known.vendor,
                        },
                    },
                );
            }
        }
        matcher.longest_last_label = [&matcher.app, &matcher.catalog]
            .iter()
            .flat_map(|table| &table.last_labels)
            .map(|label| label.len())
            .max()
            .unwrap_or(0);
        Ok(matcher)
    }

    /// The entry a URL target matches, the app's rules first.
    pub(crate) fn find(&self, target: &Target<'_>) -> Option<Hit> {
        match target {
            Target::Remote { host, path } => {
                let path = || path.normalised();
                self.app
                    .remote(host, path)
                    .or_else(|| self.catalog.remote(host, path))
            }
            Target::Local { path } if !self.app.local.is_empty() => {
                self.app.local(&path.normalised())
            }
            Target::Local { .. } | Target::Other => None,
            Target::Inline { text } => self.scan(text),
        }
    }

    /// The first entry whose URL the text (script source, `srcdoc`, a `data:` URL)
    /// mentions: every run of host characters is looked up like a host, and the app's
    /// local paths are searched for as written.
    pub(crate) fn scan(&self, text: &str) -> Option<Hit> {
        let bytes = text.as_bytes();
        let mut host = String::new();
        let mut label = String::new();
        // URL parsers drop tabs and newlines, so a template literal may split a host
        // with them: they do not end a run of host bytes.
        let in_run = |b: u8| is_host_byte(b) || is_tab_or_newline(b);
        let mut from = 0;
        // A host has a dot: only the runs of host bytes around a dot are read.
        while let Some(found) = memchr::memchr(b'.', &bytes[from..]) {
            let dot = from + found;
            let end = bytes[dot..]
                .iter()
                .position(|&b| !in_run(b))
                .map_or(bytes.len(), |i| dot + i);
            from = end;
            // Most runs are code (`document.querySelector`): a run is read as a host
            // only if its last label, which follows this dot or a later one, ends
            // the host of some entry.
            if !self.may_end_a_host(&text[dot..end], &mut label) {
                continue;
            }
            let start = bytes[..dot]
                .iter()
                .rposition(|&b| !in_run(b))
                .map_or(0, |i| i + 1);
            let run = &bytes[start..end];
            // Host bytes are ASCII: lower-cased into one reused buffer.
            host.clear();
            host.extend(
                run.iter()
                    .filter(|&&b| !is_tab_or_newline(b))
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
            let trimmed = host.trim_matches(['.', '-']);
            let rest = &text[end..];
            let path = || Cow::Owned(following_path(rest));
            if let Some(hit) = self
                .app
                .remote(trimmed, path)
                .or_else(|| self.catalog.remote(trimmed, path))
            {
                return Some(hit);
            }
        }
        self.app
            .local
            .iter()
            .find(|e| !e.path.is_empty() && contains_ignore_case(text, &e.path))
            .map(|e| e.hit)
    }

    /// Whether the last label of `run` (the end of a run of host bytes in script
    /// text, from a dot on; its end trimmed as a host's is) is the last label of an
    /// entry's host; `label` is a reused buffer.
    fn may_end_a_host(&self, run: &str, label: &mut String) -> bool {
        let bytes = run.as_bytes();
        let end = bytes
            .iter()
            .rposition(|&b| !matches!(b, b'.' | b'-') && !is_tab_or_newline(b))
            .map_or(0, |i| i + 1);
        // Back to the last dot, giving up once the label is longer than any entry's
        // (`querySelectorAll`): no copy, no lookup.
        let mut length = 0;
        let mut plain = true;
        let mut dot = None;
        for (i, &b) in bytes[..end].iter().enumerate().rev() {
            if b == b'.' {
                dot = Some(i);
                break;
            }
            if is_tab_or_newline(b) {
                plain = false;
                continue;
            }
            plain &= !b.is_ascii_uppercase();
            length += 1;
            if length > self.longest_last_label {
                return false;
            }
        }
        let Some(dot) = dot else {
            return false;
        };
        let written = &run[dot + 1..end];
        let last = if plain {
            written
        } else {
            label.clear();
            label.extend(
                written
                    .bytes()
                    .filter(|&b| !is_tab_or_newline(b))
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
            label.as_str()
        };
        self.app.last_labels.contains(last) || self.catalog.last_labels.contains(last)
    }

    /// Every category an entry gates; necessary left out. Empty for no entries.
    pub(crate) fn categories(&self) -> CategorySet {
        self.categories.without(0)
    }
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// The path that follows a host in script text, with JSON's `\/` undone.
fn following_path(rest: &str) -> String {
    let mut path = String::new();
    for c in rest.chars().take(96) {
        match c {
            '\\' => continue,
            '/' | '?' | '#' | '-' | '_' | '.' | '=' | '&' | '%' => path.push(c),
            c if c.is_ascii_alphanumeric() => path.push(c.to_ascii_lowercase()),
            _ => break,
        }
    }
    path
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `host[/path]`, `//host/path`, `https://host/path` or `/path` (the app's own,
/// relative URLs).
fn parse_rule(pattern: &str) -> Result<(Option<String>, String), BuildError> {
    let invalid = |reason: &str| BuildError::InvalidScriptRule {
        pattern: pattern.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = pattern.trim();
    if trimmed.starts_with('/') && !trimmed.starts_with("//") {
        if trimmed.len() < 2 || trimmed.contains(char::is_whitespace) {
            return Err(invalid(
                "a local path is `/` followed by at least one character",
            ));
        }
        return Ok((None, trimmed.to_ascii_lowercase()));
    }
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .or_else(|| trimmed.strip_prefix("//"))
        .unwrap_or(trimmed);
    let rest = rest.strip_prefix("*.").unwrap_or(rest);
    let end = rest.find('/').unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    let valid_host = !host.is_empty()
        && host.contains('.')
        && host.bytes().all(is_host_byte)
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    if !valid_host {
        return Err(invalid("the host is made of `a-z 0-9 . -` and has a dot"));
    }
    if path.contains(char::is_whitespace) {
        return Err(invalid("a path has no whitespace"));
    }
    Ok((Some(host.to_ascii_lowercase()), path.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::url::Url;

    fn matcher(rules: &[(&str, Category)]) -> ResourceMatcher {
        let rules: Vec<ScriptRule> = rules
            .iter()
            .map(|(p, c)| ScriptRule {
                pattern: (*p).to_owned(),
                category: *c,
            })
            .collect();
        ResourceMatcher::build(&rules, true, &Categories::new(Vec::new())).expect("valid rules")
    }

    fn category(m: &ResourceMatcher, url: &str) -> Option<CategoryIndex> {
        m.find(&Url::new(url).target(None)).map(|h| h.category)
    }

    #[test]
    fn hosts_match_with_their_subdomains_and_path_prefixes() {
        let m = matcher(&[]);
        assert_eq!(
            category(&m, "https://www.googletagmanager.com/gtag/js?id=G-1"),
            Some(2)
        );
        assert_eq!(
            category(&m, "//connect.facebook.net/en_US/fbevents.js"),
            Some(3)
        );
        assert_eq!(
            category(&m, "https://www.facebook.com/tr?id=1&ev=PageView"),
            Some(3)
        );
        assert_eq!(category(&m, "https://www.facebook.com/track"), None);
        assert_eq!(category(&m, "https://www.facebook.com/"), None);
        assert_eq!(category(&m, "https://notgoogletagmanager.com/x.js"), None);
        assert_eq!(
            category(&m, "https://googletagmanager.com.evil.example/x.js"),
            None
        );
        assert_eq!(category(&m, "/js/app.js"), None);
    }

    #[test]
    fn app_rules_win_and_necessary_exempts() {
        let m = matcher(&[
            ("www.googletagmanager.com/gtm.js", Category::Necessary),
            ("/js/tracker.js", Category::Marketing),
            ("cdn.example.com", Category::Preferences),
        ]);
        assert_eq!(
            category(&m, "https://www.googletagmanager.com/gtm.js?id=1"),
            Some(0)
        );
        assert_eq!(
            category(&m, "https://www.googletagmanager.com/gtag/js"),
            Some(2)
        );
        assert_eq!(category(&m, "/js/tracker.js?v=2"), Some(3));
        assert_eq!(category(&m, "https://CDN.example.com/a.js"), Some(1));
    }

    #[test]
    fn script_text_is_scanned_for_catalog_urls() {
        let m = matcher(&[("/js/tracker.js", Category::Marketing)]);
        let ga = "(function(i,s,o,g,r,a,m){})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');";
        assert_eq!(m.scan(ga).map(|h| h.vendor), Some("Google Analytics"));
        let json = r#"{"src":"https:\/\/connect.facebook.net\/en_US\/fbevents.js"}"#;
        let template = "s.src = `https://www.google-ana\nlytics.com/analytics.js`";
        assert_eq!(m.scan(template).map(|h| h.category), Some(2));
        assert_eq!(m.scan(json).map(|h| h.category), Some(3));
        assert_eq!(m.scan("window.dataLayer.push({a: 1.5})"), None);
        assert_eq!(
            m.scan("load('/JS/tracker.js')").map(|h| h.category),
            Some(3)
        );
    }

    #[test]
    fn rules_are_checked() {
        let categories = Categories::new(Vec::new());
        for bad in [
            "",
            "nohost",
            "/",
            "exa mple.com",
            ".example.com",
            "a.com/x y",
        ] {
            let rules = [ScriptRule {
                pattern: bad.into(),
                category: Category::Analytics,
            }];
            assert!(
                ResourceMatcher::build(&rules, false, &categories).is_err(),
                "{bad:?}"
            );
        }
        let undeclared = [ScriptRule {
            pattern: "a.com".into(),
            category: Category::Custom("nope"),
        }];
        assert_eq!(
            ResourceMatcher::build(&undeclared, false, &categories).unwrap_err(),
            BuildError::UndeclaredCategory("nope".into())
        );
    }

    #[test]
    fn catalog_hosts_are_valid_rules() {
        for known in known_tracker_resources() {
            assert!(parse_rule(known.host).is_ok(), "{}", known.host);
            assert_eq!(known.host, known.host.to_ascii_lowercase());
        }
    }
}
