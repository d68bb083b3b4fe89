//! The reference check of the `html_gate` fuzz target, shared with its corpus replay
//! (`tests/fuzz_corpus.rs`): what html5ever (through scraper) sees as an element that
//! would still load a tracker.

/// Tracker hosts the fuzz configuration gates (catalog entries without a path).
const HOSTS: [&str; 5] = [
    "googletagmanager.com",
    "google-analytics.com",
    "connect.facebook.net",
    "hotjar.com",
    "doubleclick.net",
];
/// The app rule of the fuzz configuration: a path of the site itself.
const LOCAL: &str = "/js/tracker.js";

/// The page the fuzz target's requests ask for: no `Host`, so the gate's placeholder.
const PAGE: &str = "http://page.invalid/";

/// Whether `host` (as the URL parser serialises it) is a tracker host or under one.
fn tracker_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// Whether text (a script's source, a `srcdoc`, a `data:` URL) names a tracker.
fn text_mentions_tracker(text: &str) -> bool {
    // URL parsers drop tabs and newlines; any other space ends a host.
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    // A host counts where a whole host is: `0hotjar.com` and `hotjar.comme` are
    // other domains.
    let label = |c: char| c.is_alphanumeric() || c == '-';
    let host_named = |host: &str| {
        text.match_indices(host).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let mut after = text[at + host.len()..].chars();
            let next = after.next();
            // `hotjar.com.` is that host; `hotjar.com..s`, one run, is another.
            let ends = match next {
                Some('.') => !after.find(|&c| c != '.').is_some_and(label),
                Some(c) => !label(c),
                None => true,
            };
            !before.is_some_and(label) && ends
        })
    };
    // A run a URL parser may read as a host, spelled otherwise (percent escapes,
    // characters UTS 46 maps): read by the URL Standard's host parser.
    let mapped = text
        .split(|c: char| {
            c.is_ascii() && !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '%'))
        })
        .filter(|run| !run.is_ascii() || run.contains('%'))
        .any(|run| match url::Host::parse(run) {
            Ok(url::Host::Domain(host)) => tracker_host(&host),
            _ => false,
        });
    HOSTS.iter().any(|h| host_named(h)) || mapped || text.contains(LOCAL)
}

/// Whether a URL attribute value (references decoded by the HTML parser) loads from a
/// tracker, read by the URL Standard's parser against the document's base: a network
/// URL whose host is or is under a tracker host, one on the page's own host whose
/// path starts with the app rule's, or a `data:`/`javascript:` URL that mentions one.
fn url_loads_tracker(value: &str, base: &url::Url) -> bool {
    let Ok(url) = url::Url::options().base_url(Some(base)).parse(value) else {
        return false;
    };
    match url.scheme() {
        "data" | "javascript" => {
            let text = percent_decoded(url.as_str());
            text_mentions_tracker(&text)
        }
        "http" | "https" | "ws" | "wss" | "ftp" => {
            let host = url.host_str().unwrap_or("");
            // A rule's path ends at a boundary: `/js/tracker.js` is not `/js/tracker.jsx`.
            let local = url.host_str() == Some("page.invalid")
                && percent_decoded(url.path())
                    .to_ascii_lowercase()
                    .strip_prefix(LOCAL)
                    .is_some_and(|rest| {
                        rest.bytes()
                            .next()
                            .is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_')
                    });
            tracker_host(host) || local
        }
        _ => false,
    }
}

/// `%XX` escapes decoded, as the URL Standard decodes them (UTF-8, U+FFFD for what is
/// not).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URLs of a `srcset`, as HTML's "parse a srcset attribute" finds them: a URL is
/// a run without whitespace, trailing commas end it and its candidate, otherwise its
/// descriptors run to the next comma outside parentheses.
fn srcset_urls(value: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return urls;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        rest = after;
        let trimmed = url.trim_end_matches(',');
        urls.push(trimmed);
        if trimmed.len() == url.len() {
            let mut parens = false;
            let mut cut = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => parens = true,
                    ')' => parens = false,
                    ',' if !parens => {
                        cut = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            rest = &rest[cut..];
        }
    }
}

/// The document's base URL: the first `<base href>` in HTML and outside `<template>`,
/// resolved against the page (a browser's "frozen base URL").
fn base_url(document: &scraper::Html) -> url::Url {
    let page = url::Url::parse(PAGE).expect("a valid URL");
    document
        .tree
        .nodes()
        .filter(|node| {
            !node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| e.name() == "template")
            })
        })
        .filter_map(|node| node.value().as_element())
        .filter(|e| e.name() == "base" && &*e.name.ns == "http://www.w3.org/1999/xhtml")
        .find_map(|e| e.attr("href"))
        .and_then(|href| page.join(href).ok())
        .filter(|url| !matches!(url.scheme(), "data" | "javascript"))
        .unwrap_or(page)
}

/// Whether a browser runs a `<script>` of this `type`: none, empty, `module`, or one of
/// HTML's JavaScript MIME type essence strings, whole (`javascript` alone is none).
fn executable(kind: Option<&str>) -> bool {
    const JAVASCRIPT: [&str; 16] = [
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    ];
    kind.is_none_or(|k| {
        let k = k
            .trim_matches(|c: char| c.is_ascii_whitespace())
            .to_ascii_lowercase();
        k.is_empty() || k == "module" || JAVASCRIPT.contains(&k.as_str())
    })
}

/// Elements that still load a tracker, as `<name attribute=value>` strings.
pub(crate) fn active_trackers(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let base = base_url(&document);
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let name = element.name();
        let loads: &[&str] = match name {
            "script" if !executable(element.attr("type")) => continue,
            "script" => &["src", "href", "xlink:href"],
            "iframe" | "frame" => &["src", "srcdoc"],
            "img" | "source" => &["src", "srcset"],
            "video" => &["src", "poster"],
            "audio" | "embed" | "input" => &["src"],
            "object" => &["data"],
            "link" => &["href", "imagesrcset"],
            "image" => &["href", "xlink:href"],
            _ => continue,
        };
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if !loads.contains(&attribute.as_str()) {
                continue;
            }
            let loads_tracker = match attribute.as_str() {
                // A document of its own, which decodes its character references
                // (and its own `srcdoc`s theirs) as it is parsed.
                "srcdoc" => text_mentions_tracker(value) || !active_trackers(value).is_empty(),
                "srcset" | "imagesrcset" => srcset_urls(value)
                    .into_iter()
                    .any(|url| url_loads_tracker(url, &base)),
                _ => url_loads_tracker(value, &base),
            };
            if loads_tracker {
                found.push(format!("<{name} {attribute}={value:?}>"));
            }
        }
        // A script with a URL runs that, never its text.
        let external = ["src", "href", "xlink:href"]
            .iter()
            .any(|a| element.attrs().any(|(n, _)| n.eq_ignore_ascii_case(a)));
        if name == "script" && !external {
            let text: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            if text_mentions_tracker(&text) {
                found.push(format!("<script>{text}"));
            }
        }
    }
    found
}
