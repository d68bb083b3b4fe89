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
            let ends = match next {
                Some('.') => !after.next().is_some_and(label),
                Some(c) => !label(c),
                None => true,
            };
            !before.is_some_and(label) && ends
        })
    };
    HOSTS.iter().any(|h| host_named(h)) || text.contains(LOCAL)
}

/// Whether a URL attribute value loads from a tracker, read simply: tabs and newlines
/// dropped, trimmed, `\` as `/`; the host after `scheme:` and slashes (or `//`) ends
/// with a tracker host (network schemes only), or the path of a relative URL starts
/// with the app rule's path.
fn url_loads_tracker(value: &str) -> bool {
    let url: String = value
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let url = url.trim_matches(|c: char| c <= ' ');
    if url.starts_with("data:") || url.starts_with("javascript:") {
        return text_mentions_tracker(url);
    }
    let scheme = url.find(':').filter(|&i| {
        i > 0
            && url[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    let rest = match scheme {
        // Other schemes load nothing from the network.
        Some(i) if !matches!(&url[..i], "http" | "https" | "ws" | "wss" | "ftp") => return false,
        Some(i) => url[i + 1..].trim_start_matches('/'),
        None if url.starts_with("//") => url.trim_start_matches('/'),
        // A rule's path ends at a boundary: `/js/tracker.js` is not `/js/tracker.jsx`.
        None => {
            return url.strip_prefix(LOCAL).is_some_and(|rest| {
                rest.bytes()
                    .next()
                    .is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_')
            })
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("");
    // A URL parser decodes a host's percent escapes and reads ideographic and
    // full-width full stops as dots.
    let host = percent_decoded(host).replace(['\u{3002}', '\u{FF0E}', '\u{FF61}'], ".");
    let host = host.trim_end_matches('.');
    HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// `%XX` escapes decoded (invalid ones and invalid UTF-8 kept as written).
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
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn executable(kind: Option<&str>) -> bool {
    kind.is_none_or(|k| {
        let k = k.trim().to_ascii_lowercase();
        k.is_empty() || k == "module" || k.ends_with("javascript") || k.ends_with("ecmascript")
    })
}

/// Elements that still load a tracker, as `<name attribute=value>` strings.
pub(crate) fn active_trackers(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
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
                "srcset" | "imagesrcset" => value
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .any(url_loads_tracker),
                _ => url_loads_tracker(value),
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
