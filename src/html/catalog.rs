//! The tracker-resource catalog: which script, frame and pixel URLs belong to which
//! vendor and need which consent, and the lookup compiled from it (and from the app's
//! `script_rule`s) at `build()`.
//!
//! A lookup asks a hash set whether some entry's host ends with the URL host's last
//! two labels (most hosts stop there), then walks its labels (`a.b.example.com`,
//! `b.example.com`, `example.com`) and asks a hash map for each, so its cost grows
//! with the length of the host, never with the number of entries.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;

use super::embeds::{EmbedEntry, EmbedId};
use super::pattern::{is_host_byte, parse_rule};
use super::url::{
    document_readings, is_tab_or_newline, percent_decoded, remove_dot_segments, Location, Remote,
    Target, TooDeep,
};
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

/// What a match found: the category and who it is (for logs), and for an embed, which
/// one ([`super::embeds`]: it gets a placeholder).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) category: CategoryIndex,
    pub(crate) vendor: &'static str,
    pub(crate) embed: Option<EmbedId>,
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
    hosts: HashMap<Box<[u8]>, Vec<Entry>, RandomState>,
    /// The last label of every host (`com` of `www.example.com`): a run of script
    /// text whose last label is not here is no host of an entry.
    last_labels: HashSet<Box<[u8]>, RandomState>,
    /// The last two labels of every host (`example.com` of `www.example.com`; every
    /// host has two): a host whose last two are not here cannot match, so most hosts
    /// are ruled out with one lookup.
    last_two_labels: HashSet<Box<[u8]>, RandomState>,
    /// Entries for relative URLs (the app's own paths), longest first.
    local: Vec<Entry>,
    /// The most labels a host of the table has: a lookup walks no more of a host's.
    most_labels: usize,
}

impl HostTable {
    fn insert(&mut self, host: Option<String>, entry: Entry) {
        let list = match host {
            Some(host) => {
                let labels = host.bytes().filter(|&b| b == b'.').count() + 1;
                self.most_labels = self.most_labels.max(labels);
                self.last_labels.insert(last_label(host.as_bytes()).into());
                self.last_two_labels
                    .insert(last_two_labels(host.as_bytes()).into());
                self.hosts
                    .entry(host.into_bytes().into_boxed_slice())
                    .or_default()
            }
            None => &mut self.local,
        };
        list.push(entry);
        // Longest path first: the most specific entry of a host wins.
        list.sort_by_key(|e| std::cmp::Reverse(e.path.len()));
    }

    /// The entry for a lower-case `host` whose path prefix `matches` accepts (asked
    /// only of entries with a prefix: most match any path).
    fn remote(&self, host: &[u8], matches: impl Fn(&str) -> bool) -> Option<Hit> {
        if self.hosts.is_empty() || !self.last_two_labels.contains(last_two_labels(host)) {
            return None;
        }
        // Only the host's last labels can be an entry's host: the walk starts there,
        // so a lookup costs the same however many labels the host has.
        let mut suffix = last_labels(host, self.most_labels);
        loop {
            if let Some(entries) = self.hosts.get(suffix) {
                let found = entries
                    .iter()
                    .find(|e| e.path.is_empty() || matches(&e.path));
                if let Some(entry) = found {
                    return Some(entry.hit);
                }
            }
            let dot = suffix.iter().position(|&b| b == b'.')?;
            suffix = &suffix[dot + 1..];
        }
    }

    fn local<'a>(&self, url: &'a Remote, path: &PathReading<'a>) -> Option<Hit> {
        self.local
            .iter()
            .find(|e| path.has_prefix(&e.path, url))
            .map(|e| e.hit)
    }
}

/// The last `count` labels of `host` (all of it if it has fewer).
fn last_labels(host: &[u8], count: usize) -> &[u8] {
    let mut start = host.len();
    for _ in 0..count {
        match host[..start].iter().rposition(|&b| b == b'.') {
            Some(dot) => start = dot,
            None => return host,
        }
    }
    host.get(start + 1..).unwrap_or_default()
}

/// The last URL attribute value a page's elements named and what it found, so that a
/// page that repeats a URL (an image, a pixel in every block) reads it once. Valid
/// while the document's base URL and the refused categories stay as they were.
#[derive(Debug, Default)]
pub(crate) struct LastFound {
    raw: String,
    found: Option<Result<Option<Hit>, TooDeep>>,
}

impl LastFound {
    /// What the value `raw` found, read by `read` unless it is the last one read.
    pub(crate) fn get_or(
        &mut self,
        raw: &str,
        read: impl FnOnce() -> Result<Option<Hit>, TooDeep>,
    ) -> Result<Option<Hit>, TooDeep> {
        if let Some(found) = self.found.filter(|_| self.raw == raw) {
            return found;
        }
        let found = read();
        self.raw.clear();
        self.raw.push_str(raw);
        self.found = Some(found);
        found
    }
}

/// `com` of `www.example.com`.
fn last_label(host: &[u8]) -> &[u8] {
    host.iter()
        .rposition(|&b| b == b'.')
        .map_or(host, |dot| &host[dot + 1..])
}

/// `example.com` of `www.example.com`; a host of one or two labels whole.
fn last_two_labels(host: &[u8]) -> &[u8] {
    let dot_before = |end: usize| host[..end].iter().rposition(|&b| b == b'.');
    match dot_before(host.len()).and_then(dot_before) {
        Some(dot) => &host[dot + 1..],
        None => host,
    }
}

/// Whether `path` starts with `prefix` (lower case) at a boundary, ignoring ASCII
/// case: the prefix ends with a separator, or the path goes on with one (`/tr` matches
/// `/tr?id=1`, not `/track`).
fn path_matches(prefix: &str, path: &str) -> bool {
    let path = path.as_bytes();
    let Some(head) = path.get(..prefix.len()) else {
        return false;
    };
    if !head.eq_ignore_ascii_case(prefix.as_bytes()) {
        return false;
    }
    let ends_open = prefix
        .bytes()
        .last()
        .is_none_or(|b| !b.is_ascii_alphanumeric());
    ends_open
        || path
            .get(prefix.len())
            .is_none_or(|&b| !b.is_ascii_alphanumeric() && b != b'_')
}

/// A URL's path as rules compare it, normalised at most once and only if it must be
/// ([`Remote::plain_path`]).
#[derive(Default)]
struct PathReading<'a>(std::cell::OnceCell<Cow<'a, str>>);

impl<'a> PathReading<'a> {
    /// [`path_matches`] for the path of `url`.
    fn has_prefix(&self, prefix: &str, url: &'a Remote) -> bool {
        let path = self.0.get_or_init(|| match url.plain_path() {
            Some(path) => Cow::Borrowed(path),
            None => Cow::Owned(url.normalised_path()),
        });
        path_matches(prefix, path)
    }
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
    /// How those labels start.
    last_label_heads: LabelHeads,
    /// How the labels before them start (`example` of `www.example.com`).
    second_label_heads: LabelHeads,
}

/// A `script_rule` as written by the app, before `build()` checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScriptRule {
    pub(crate) pattern: String,
    pub(crate) category: Category,
}

impl ResourceMatcher {
    /// Compiles the app's rules and, with `catalog`, the built-in entries, and the
    /// entries of the embeds (the app's among its rules, the built-in ones with the
    /// catalog's: the two lists share no URL).
    pub(crate) fn build(
        rules: &[ScriptRule],
        catalog: bool,
        embeds: Vec<EmbedEntry>,
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
                        embed: None,
                    },
                },
            );
        }
        for embed in embeds {
            matcher.categories = matcher.categories.with(embed.category);
            let table = match embed.app {
                true => &mut matcher.app,
                false => &mut matcher.catalog,
            };
            table.insert(
                embed.host,
                Entry {
                    path: embed.path.into_boxed_str(),
                    hit: Hit {
                        category: embed.category,
                        vendor: "embed",
                        embed: Some(embed.id),
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
                            embed: None,
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
        for label in [&matcher.app, &matcher.catalog]
            .iter()
            .flat_map(|table| &table.last_labels)
        {
            matcher.last_label_heads.insert(label);
        }
        for last_two in [&matcher.app, &matcher.catalog]
            .iter()
            .flat_map(|table| &table.last_two_labels)
        {
            let second = last_two.split(|&b| b == b'.').next().unwrap_or_default();
            matcher.second_label_heads.insert(second);
        }
        Ok(matcher)
    }

    /// The entry a URL target matches, the app's rules first (for the page's own
    /// host, its rules for local paths before all). A URL that holds a document or a
    /// script (`data:`, `javascript:`) may load many: the first one `wanted` of those
    /// it mentions ([`scan_document`](Self::scan_document)).
    pub(crate) fn find(
        &self,
        target: &Target,
        wanted: impl Fn(&Hit) -> bool,
    ) -> Result<Option<Hit>, TooDeep> {
        Ok(match target {
            Target::Remote(url) => {
                let path = PathReading::default();
                let local = match url.is_own() {
                    true => self.app.local(url, &path),
                    false => None,
                };
                local.or_else(|| self.remote(url.host().as_bytes(), |p| path.has_prefix(p, url)))
            }
            Target::Other => None,
            Target::Inline { text } => self.scan_document(text, wanted)?,
        })
    }

    /// The first entry `wanted` whose URL an embedded HTML document (an `srcdoc` as
    /// written, a `data:` URL's text) mentions in any of its readings
    /// ([`document_readings`]).
    pub(crate) fn scan_document(
        &self,
        text: &str,
        wanted: impl Fn(&Hit) -> bool,
    ) -> Result<Option<Hit>, TooDeep> {
        let readings = document_readings(text)?;
        Ok(readings
            .iter()
            .find_map(|reading| self.scan(reading, &wanted)))
    }

    /// The first entry `wanted` whose URL the text (a script's source, a reading of a
    /// document) mentions: every run of host characters is looked up like a host (as
    /// written and, where it holds a `%` or characters beyond ASCII, mapped as the URL
    /// parser maps a host: [`mapped_host`]), and the app's local paths are searched
    /// for as written. A text may load more than one URL: one that names an entry not
    /// wanted (`necessary`, a granted category) does not hide another.
    pub(crate) fn scan(&self, text: &str, wanted: impl Fn(&Hit) -> bool) -> Option<Hit> {
        let lookup = |host: &[u8], rest: &[u8]| {
            let path = std::cell::OnceCell::new();
            self.remote(host, |prefix| {
                path_matches(prefix, path.get_or_init(|| following_path(rest)))
            })
            .filter(&wanted)
        };
        self.find_in_hosts(text.as_bytes(), lookup)
            .or_else(|| find_in_mapped_runs(text, lookup))
            .or_else(|| {
                self.app
                    .local
                    .iter()
                    .filter(|e| !e.path.is_empty() && contains_path(text.as_bytes(), &e.path))
                    .map(|e| e.hit)
                    .find(&wanted)
            })
    }

    /// Whether the app has rules for its own paths (relative URLs).
    pub(crate) fn has_local_rules(&self) -> bool {
        !self.app.local.is_empty()
    }

    /// Whether the last segment of the local path of one of the app's rules
    /// ([`last_segment`]) appears in `text`, in any case. A URL whose path, resolved
    /// against a base whose path holds none of them, starts with a rule's path holds
    /// that segment as written, unless it is spelled with `%`, `\\`, a tab or a newline.
    pub(crate) fn mentions_local_path(&self, text: &[u8]) -> bool {
        self.app
            .local
            .iter()
            .any(|e| contains_ignore_case(text, last_segment(&e.path)))
    }

    /// Whether a URL resolved against the document at `location` may match a rule or
    /// the catalog whatever is written in it: the page's host names an entry, or the
    /// page's path holds the last segment of a local rule's path (an empty relative
    /// URL resolves to the page itself, `x.js` to its directory).
    pub(crate) fn matches_around(&self, location: &Location) -> bool {
        let host = location.page_host().as_bytes();
        self.remote(host, |_| true).is_some()
            || (self.has_local_rules() && self.mentions_local_path(location.page_path().as_bytes()))
    }

    /// Whether the run of host characters around the dot at `dot` in `text` names the
    /// host of an entry, whatever its path, read as [`scan`](Self::scan) reads runs:
    /// `false` for every dot of a run but its last.
    pub(crate) fn names_a_host_at(&self, text: &[u8], dot: usize) -> bool {
        self.host_at(text, dot, &mut Lowered::default())
            .is_some_and(|(host, _)| self.remote(host, |_| true).is_some())
    }

    /// The entry for a lower-case `host` whose path prefix `matches` accepts: the
    /// app's rules first, then the catalog.
    fn remote(&self, host: &[u8], matches: impl Fn(&str) -> bool) -> Option<Hit> {
        self.app
            .remote(host, &matches)
            .or_else(|| self.catalog.remote(host, &matches))
    }

    /// The first hit `lookup` finds for a run of host characters in `text` (lower
    /// case, without tabs and newlines, trimmed of dots and dashes), given the text
    /// that follows the run.
    fn find_in_hosts(
        &self,
        text: &[u8],
        mut lookup: impl FnMut(&[u8], &[u8]) -> Option<Hit>,
    ) -> Option<Hit> {
        let mut buffer = Lowered::default();
        let mut from = 0;
        // A host has a dot: only the runs of host bytes around a dot are read.
        while let Some(found) = memchr::memchr(b'.', &text[from..]) {
            let dot = from + found;
            let Some((host, end)) = self.host_at(text, dot, &mut buffer) else {
                from = dot + 1;
                continue;
            };
            from = end;
            if let Some(hit) = lookup(host, &text[end..]) {
                return Some(hit);
            }
        }
        None
    }

    /// The run of host bytes around the dot at `dot` in `text` (lower case, without
    /// tabs and newlines, trimmed of dots and dashes) and where it ends, if it may be
    /// a host. Most dots are code (`document.querySelector`): a run is read as a host
    /// only from its last dot, and only if the label after that ends the host of some
    /// entry.
    // Inline: most dots are ruled out at once, without a call.
    #[inline]
    fn host_at<'a>(
        &self,
        text: &'a [u8],
        dot: usize,
        buffer: &'a mut Lowered,
    ) -> Option<(&'a [u8], usize)> {
        if self.label_rules_out(text, dot) {
            return None;
        }
        self.read_host_at(text, dot, buffer)
    }

    /// Whether the label after the dot at `dot` in `text` starts no last label of an
    /// entry's host, as far as its first two bytes tell ([`label_head`]).
    fn label_rules_out(&self, text: &[u8], dot: usize) -> bool {
        label_head(text, dot + 1)
            .is_some_and(|(first, second)| !self.last_label_heads.has(first, second))
    }

    /// [`host_at`](Self::host_at) for a dot its first test leaves.
    fn read_host_at<'a>(
        &self,
        text: &'a [u8],
        dot: usize,
        buffer: &'a mut Lowered,
    ) -> Option<(&'a [u8], usize)> {
        let end = self.ends_a_host(text, dot, buffer)?;
        // The label before the last: after the dot before it, or the run's start.
        let label = text[..dot]
            .iter()
            .rposition(|&b| b == b'.' || !in_host_run(b))
            .map_or(0, |i| i + 1);
        // Then how it starts rules most runs out before they are lowered and looked up.
        let ruled_out = label_head(text, label)
            .is_some_and(|(first, second)| !self.second_label_heads.has(first, second));
        if ruled_out {
            return None;
        }
        let start = text[..label]
            .iter()
            .rposition(|&b| !in_host_run(b))
            .map_or(0, |i| i + 1);
        Some((trim_dots_and_dashes(buffer.lower(&text[start..end])), end))
    }

    /// Where the run of host bytes around the dot at `dot` in `text` ends, if the
    /// label after that dot is the run's last (only dots, dashes, tabs and newlines,
    /// which a host's end is trimmed of, follow it) and the last label of some
    /// entry's host.
    fn ends_a_host(&self, text: &[u8], dot: usize, buffer: &mut Lowered) -> Option<usize> {
        let start = dot + 1;
        let mut at = start;
        // The label, given up once it is longer than any entry's (`querySelectorAll`):
        // its bytes other than dashes, tabs and newlines are at least that long.
        let mut solid = 0;
        let mut label_end = start;
        let mut first = None;
        while let Some(&b) = text.get(at).filter(|&&b| b != b'.' && in_host_run(b)) {
            at += 1;
            if is_tab_or_newline(b) {
                continue;
            }
            first.get_or_insert(b);
            if b != b'-' {
                label_end = at;
                solid += 1;
                if solid > self.longest_last_label {
                    return None;
                }
            }
        }
        // An empty label (`..`, `.-.`) ends no host: given up before the rest of the
        // run is read, so a run of dots is read once, not once per dot.
        let first = first.filter(|_| label_end > start)?;
        // The rest of the run: another label means a later dot decides.
        while let Some(&b) = text.get(at).filter(|&&b| in_host_run(b)) {
            if !matches!(b, b'.' | b'-') && !is_tab_or_newline(b) {
                return None;
            }
            at += 1;
        }
        // No lookup for a label no entry's starts like (`.jpg`, `.x`).
        if !self.last_label_heads.has_first(first) {
            return None;
        }
        let last = buffer.lower(&text[start..label_end]);
        if last.len() > self.longest_last_label {
            return None;
        }
        let known = |table: &HostTable| table.last_labels.contains(last);
        ((!self.app.hosts.is_empty() && known(&self.app)) || known(&self.catalog)).then_some(at)
    }

    /// Every category an entry gates; necessary left out. Empty for no entries.
    pub(crate) fn categories(&self) -> CategorySet {
        self.categories.without(0)
    }
}

/// The first two bytes of the label at `start` in `text` (`.` for the second when the
/// label is one byte long), if they are plainly letters or digits: `None` for a dash,
/// tab or newline there, which the host read from the run would not hold as written.
fn label_head(text: &[u8], start: usize) -> Option<(u8, u8)> {
    let first = *text.get(start).filter(|b| b.is_ascii_alphanumeric())?;
    let second = match text.get(start + 1) {
        Some(&b) if b.is_ascii_alphanumeric() => b,
        Some(&b) if b == b'.' || !in_host_run(b) => b'.',
        None => b'.',
        Some(_) => return None,
    };
    Some((first, second))
}

/// The first two bytes of a set of labels (`.` after a label of one byte), in either
/// case. Most dots of a page are code or file names (`.forEach`, `.jpg`): two bytes
/// rule them out as the last dot of an entry's host.
///
/// A byte is known by its low six bits, which letters and digits may share: a label
/// may be said to start like one of the set when it does not, never the reverse.
#[derive(Debug)]
struct LabelHeads([u64; 64]);

impl Default for LabelHeads {
    fn default() -> Self {
        Self([0; 64])
    }
}

impl LabelHeads {
    fn insert(&mut self, label: &[u8]) {
        if let Some(&first) = label.first() {
            let second = label.get(1).copied().unwrap_or(b'.');
            self.0[Self::index(first)] |= Self::bit(second);
        }
    }

    /// Whether a label of the set may start with `first`.
    fn has_first(&self, first: u8) -> bool {
        self.0[Self::index(first)] != 0
    }

    /// Whether a label of the set may start with `first` and `second`.
    fn has(&self, first: u8, second: u8) -> bool {
        self.0[Self::index(first)] & Self::bit(second) != 0
    }

    fn index(b: u8) -> usize {
        usize::from(b.to_ascii_lowercase() & 63)
    }

    fn bit(b: u8) -> u64 {
        1 << (b.to_ascii_lowercase() & 63)
    }
}

/// Whether `b` belongs in a run of host characters ([`IN_HOST_RUN`]).
fn in_host_run(b: u8) -> bool {
    IN_HOST_RUN[usize::from(b)]
}

/// The bytes of a run of host characters: those of a host and, as URL parsers drop
/// tabs and newlines (a template literal may split a host with them), those too.
static IN_HOST_RUN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = is_host_byte(byte) || matches!(byte, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table
};
/// The path that follows a host in script text, with JSON's `\/` undone and a port
/// skipped, read as a server reads it: percent-decoded, dot segments removed.
fn following_path(rest: &[u8]) -> String {
    let rest = match rest.split_first() {
        Some((b':', port)) => {
            let digits = port.iter().take_while(|b| b.is_ascii_digit()).count();
            &port[digits..]
        }
        _ => rest,
    };
    let mut path = String::new();
    for &b in rest.iter().take(96) {
        match b {
            b'\\' => continue,
            b'/' | b'?' | b'#' | b'-' | b'_' | b'.' | b'=' | b'&' | b'%' => {
                path.push(char::from(b))
            }
            b if b.is_ascii_alphanumeric() => path.push(char::from(b.to_ascii_lowercase())),
            _ => break,
        }
    }
    if path.contains('%') {
        path = percent_decoded(&path).to_ascii_lowercase();
    }
    if path.starts_with('/') && path.contains("/.") {
        let end = path.find(['?', '#']).unwrap_or(path.len());
        path = remove_dot_segments(&path[..end]) + &path[end..];
    }
    path
}

/// The first hit `lookup` finds for a run of `text` that a URL parser may read as a
/// host other than the run's bytes as written: a maximal run of host bytes, `%` and
/// characters beyond ASCII that holds a `%` or such a character, mapped by
/// [`mapped_host`]. Each run is read once: linear in the text's length.
fn find_in_mapped_runs(
    text: &str,
    mut lookup: impl FnMut(&[u8], &[u8]) -> Option<Hit>,
) -> Option<Hit> {
    let bytes = text.as_bytes();
    if bytes.is_ascii() && memchr::memchr(b'%', bytes).is_none() {
        return None;
    }
    let in_run = |b: u8| in_host_run(b) || b == b'%' || !b.is_ascii();
    let mut at = 0;
    while at < bytes.len() {
        let Some(start) = bytes[at..].iter().position(|&b| in_run(b)) else {
            break;
        };
        let start = at + start;
        let len = bytes[start..].iter().take_while(|&&b| in_run(b)).count();
        at = start + len;
        // Runs start and end at ASCII bytes or the text's ends: character boundaries.
        let run = &text[start..at];
        if run.is_ascii() && !run.contains('%') {
            continue;
        }
        let host = mapped_host(run);
        if let Some(hit) = lookup(trim_dots_and_dashes(host.as_bytes()), &bytes[at..]) {
            return Some(hit);
        }
    }
    None
}

/// `run` read as the URL Standard's host parser reads a domain: tabs and newlines
/// dropped, percent-decoded (UTF-8, U+FFFD for what is not), then mapped through
/// UTS 46 (`idna`, as the `url` crate calls it): lower case, full-width forms and
/// ideographic full stops mapped, ignored code points (a soft hyphen, a zero-width
/// space) dropped, labels beyond ASCII in Punycode. A label the mapping rejects stays
/// in the result as an error mark: the labels after it still name their host.
pub(crate) fn mapped_host(run: &str) -> String {
    use idna::uts46::{AsciiDenyList, Hyphens, Uts46};
    let without_breaks: Cow<'_, str> = if run.bytes().any(is_tab_or_newline) {
        Cow::Owned(
            run.chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(run)
    };
    let decoded = percent_decoded(&without_breaks);
    let (mapped, _) = Uts46::new().to_user_interface(
        decoded.as_bytes(),
        AsciiDenyList::URL,
        Hyphens::Allow,
        |_, _, _| false,
    );
    mapped.into_owned()
}

/// Host bytes lower-cased, without tabs and newlines: borrowed when written so (the
/// common case), else copied into a reused buffer.
#[derive(Default)]
struct Lowered(Vec<u8>);

impl Lowered {
    fn lower<'a>(&'a mut self, bytes: &'a [u8]) -> &'a [u8] {
        if !bytes
            .iter()
            .any(|&b| b.is_ascii_uppercase() || is_tab_or_newline(b))
        {
            return bytes;
        }
        self.0.clear();
        self.0.extend(
            bytes
                .iter()
                .filter(|&&b| !is_tab_or_newline(b))
                .map(u8::to_ascii_lowercase),
        );
        &self.0
    }
}

/// A run of host bytes without the dots and dashes at either end.
fn trim_dots_and_dashes(run: &[u8]) -> &[u8] {
    let trimmed = |b: &u8| matches!(b, b'.' | b'-');
    let start = run.iter().position(|b| !trimmed(b)).unwrap_or(run.len());
    let end = run
        .iter()
        .rposition(|b| !trimmed(b))
        .map_or(start, |i| i + 1);
    &run[start..end]
}

/// Whether `text` contains `needle`, ignoring ASCII case (the empty needle always).
fn contains_ignore_case(text: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || text
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether `text` (a script's source) may hold `path` as a URL parser reads it once
/// the script has run, in any ASCII case: tabs and newlines are dropped (the URL
/// Standard removes them), and a run of `/` and `\\` stands for one `/` (URLs of
/// special schemes read `\\` as `/`; `\\/` and `\\\\` are JavaScript's escapes of `/`
/// and `\\`).
///
/// Linear in `text` for a given `path`: a try starts at a byte that can begin `path`
/// (at the start of a run of slashes when `path` begins with one) and reads at most
/// `path.len()` such units.
fn contains_path(text: &[u8], path: &str) -> bool {
    let path = path.as_bytes();
    let Some(&first) = path.first() else {
        return true;
    };
    // Whether the last byte not skipped was a slash: a run of slashes (with tabs and
    // newlines in it) is one `/`, tried once, from its start.
    let mut after_slash = false;
    for (start, &b) in text.iter().enumerate() {
        let begins = match first {
            b'/' => is_slash(b) && !after_slash,
            _ => b.eq_ignore_ascii_case(&first),
        };
        if begins && holds_path_at(text, start, path) {
            return true;
        }
        if !is_skipped(b) {
            after_slash = is_slash(b);
        }
    }
    false
}

/// Whether `text` from `at` holds `path`, read as [`contains_path`] reads it.
fn holds_path_at(text: &[u8], mut at: usize, path: &[u8]) -> bool {
    let mut wanted = 0;
    while let Some(&byte) = path.get(wanted) {
        match text.get(at) {
            None => return false,
            Some(&b) if is_skipped(b) => at += 1,
            Some(&b) if byte == b'/' && is_slash(b) => {
                wanted += path[wanted..].iter().take_while(|&&b| b == b'/').count();
                at += text[at..]
                    .iter()
                    .take_while(|&&b| is_slash(b) || is_skipped(b))
                    .count();
            }
            Some(b) if b.eq_ignore_ascii_case(&byte) => {
                at += 1;
                wanted += 1;
            }
            Some(_) => return false,
        }
    }
    true
}

/// A tab or newline, which the URL Standard removes from a URL.
fn is_skipped(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r')
}

/// `/`, or `\\`, which URLs of special schemes read as `/`.
fn is_slash(b: u8) -> bool {
    b == b'/' || b == b'\\'
}

/// The last segment of a rule's path that is not empty (`heatmap.js` of
/// `/js/heatmap.js`, `js` of `/js/`).
fn last_segment(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// A matcher with the catalog and the app's `rules`, for tests.
#[cfg(test)]
pub(crate) fn test_matcher(rules: &[(&str, Category)]) -> ResourceMatcher {
    let rules: Vec<ScriptRule> = rules
        .iter()
        .map(|(p, c)| ScriptRule {
            pattern: (*p).to_owned(),
            category: *c,
        })
        .collect();
    ResourceMatcher::build(&rules, true, Vec::new(), &Categories::new(Vec::new()))
        .expect("valid rules")
}

#[cfg(test)]
mod tests {
    use super::test_matcher as matcher;
    use super::*;
    use crate::html::url::{test_location, Url};

    fn category(m: &ResourceMatcher, url: &str) -> Option<CategoryIndex> {
        m.find(&Url::new(url).target(&test_location()), |_| true)
            .ok()
            .flatten()
            .map(|h| h.category)
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
        assert_eq!(
            m.scan(ga, |_| true).map(|h| h.vendor),
            Some("Google Analytics")
        );
        let json = r#"{"src":"https:\/\/connect.facebook.net\/en_US\/fbevents.js"}"#;
        let template = "s.src = `https://www.google-ana\nlytics.com/analytics.js`";
        assert_eq!(m.scan(template, |_| true).map(|h| h.category), Some(2));
        assert_eq!(m.scan(json, |_| true).map(|h| h.category), Some(3));
        assert_eq!(m.scan("window.dataLayer.push({a: 1.5})", |_| true), None);
        assert_eq!(
            m.scan("load('/JS/tracker.js')", |_| true)
                .map(|h| h.category),
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
                ResourceMatcher::build(&rules, false, Vec::new(), &categories).is_err(),
                "{bad:?}"
            );
        }
        let undeclared = [ScriptRule {
            pattern: "a.com".into(),
            category: Category::Custom("nope"),
        }];
        assert_eq!(
            ResourceMatcher::build(&undeclared, false, Vec::new(), &categories).unwrap_err(),
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

    #[test]
    fn a_host_with_a_label_of_one_letter_is_found() {
        let m = matcher(&[
            ("tracker.x/js", Category::Analytics),
            ("q.io", Category::Marketing),
        ]);
        for text in [
            "s.src='//q.io/a.js'",
            "s.src='//cdn.Q.IO'",
            "s.src='//tracker.x/js/a.js'",
            "s.src='//cdn.TRACKER.X/JS'",
            r#"load("tracker.x\/js")"#,
        ] {
            assert!(m.scan(text, |_| true).is_some(), "{text:?}");
        }
        for text in [
            "s.src='//tracker.xy/js'",
            "tracker.x/css",
            "tracker.x-y/js",
            "qq.io",
        ] {
            assert!(m.scan(text, |_| true).is_none(), "{text:?}");
        }
    }

    /// [`ResourceMatcher::scan`] the slow way: every maximal run of host bytes, and
    /// every maximal run of host bytes, `%` and characters beyond ASCII mapped as a URL
    /// parser maps a host, is compared with every entry's host, with no filter.
    fn scan_everything(m: &ResourceMatcher, text: &str) -> bool {
        let names = |host: &[u8], rest: &[u8]| {
            let path = following_path(rest);
            [&m.app, &m.catalog].iter().any(|table| {
                table.hosts.iter().any(|(entry, entries)| {
                    let under = host.ends_with(entry)
                        && (host.len() == entry.len()
                            || host[host.len() - entry.len() - 1] == b'.');
                    under
                        && entries
                            .iter()
                            .any(|e| e.path.is_empty() || path_matches(&e.path, &path))
                })
            })
        };
        let runs = |in_run: &dyn Fn(u8) -> bool| {
            let bytes = text.as_bytes();
            let mut found = Vec::new();
            let mut at = 0;
            while at < bytes.len() {
                let start = at;
                while bytes.get(at).is_some_and(|&b| in_run(b)) {
                    at += 1;
                }
                if at == start {
                    at += 1;
                    continue;
                }
                found.push((start, at));
            }
            found
        };
        let plain = runs(&|b| in_host_run(b)).into_iter().any(|(start, end)| {
            let host: Vec<u8> = text.as_bytes()[start..end]
                .iter()
                .filter(|&&b| !is_tab_or_newline(b))
                .map(u8::to_ascii_lowercase)
                .collect();
            names(trim_dots_and_dashes(&host), &text.as_bytes()[end..])
        });
        let mapped = runs(&|b| in_host_run(b) || b == b'%' || !b.is_ascii())
            .into_iter()
            .any(|(start, end)| {
                let host = mapped_host(&text[start..end]);
                names(
                    trim_dots_and_dashes(host.as_bytes()),
                    &text.as_bytes()[end..],
                )
            });
        plain
            || mapped
            || m.app
                .local
                .iter()
                .any(|e| contains_ignore_case(text.as_bytes(), &e.path))
    }

    #[test]
    fn a_path_in_script_text_is_read_as_a_url_parser_reads_it() {
        let path = "/js/heatmap.js";
        for text in [
            "s.src='/js/heatmap.js'",
            "s.src=`/JS/heat\nmap.js`",
            "s.src=`/js/\theatmap.\r\njs`",
            r"s.src='\\js\\heatmap.js'",
            r"s.src='\/js\/heatmap.js'",
            r"s.src='/x\..\js/heatmap.js'",
            "//js//heatmap.js",
        ] {
            assert!(contains_path(text.as_bytes(), path), "{text:?}");
        }
        for text in [
            "/js/heat map.js",
            "/jsheatmap.js",
            "/js/heatmap.j",
            "\tjs/heatmap.js",
            "",
        ] {
            assert!(!contains_path(text.as_bytes(), path), "{text:?}");
        }
        assert!(contains_path(b"heatmap.js", "heatmap.js"));
        assert!(contains_path(b"", ""));
    }

    /// Runs of slashes, tabs and backslashes are read once: 256 KiB of each costs
    /// milliseconds (rescanning the run from each of its slashes would cost minutes).
    #[test]
    fn a_path_search_is_linear_in_runs_of_slashes() {
        for unit in ["/\t", "\\", "/", "\t/", "/j", "/\\\n"] {
            let text = unit.repeat(256 * 1024 / unit.len());
            let started = std::time::Instant::now();
            assert!(!contains_path(text.as_bytes(), "/js/heatmap.js"));
            let took = started.elapsed();
            assert!(
                took < std::time::Duration::from_secs(2),
                "{unit:?}: {took:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn scanning_reads_every_run_that_could_be_a_host(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "www.", "google-analytics.com", "facebook.com", "connect.facebook.net",
                "static.hotjar.com", "clarity.ms", "google-analytics", "COM", "com", "net",
                "x", ".", "..", "-", "--", "\t", "\n", "/tr", "/TR", "/", " ", "'", "(",
                "querySelectorAll", "io", "_", "9", "tracker", ".x", "X", "/js", "tracker.x",
                "FACEBOOK", "f", "fa", "cdn", "Cdn", "%2E", "%2e", "%", "\u{AD}", "\u{200B}",
                "\u{3002}", "\u{FF0E}", "\u{FF46}\u{FF41}", "\u{FF43}\u{FF4F}\u{FF4D}",
                "\u{E9}", "\u{201C}", "/./", "/x/../", "%74r", ":443",
            ]), 0..12),
            app_rules in proptest::bool::ANY,
        ) {
            // An app's hosts may end in a label of one letter.
            let rules: &[(&str, Category)] = if app_rules {
                &[("tracker.x/js", Category::Analytics), ("cdn.tracker.io", Category::Marketing)]
            } else {
                &[]
            };
            let m = matcher(rules);
            let text = parts.concat();
            proptest::prop_assert_eq!(m.scan(&text, |_| true).is_some(), scan_everything(&m, &text), "{:?}", text);
        }
    }
}
