//! The reference check of the `html_gate` fuzz target, shared with its corpus replay
//! (`tests/fuzz_corpus.rs`): what html5ever (through scraper) sees as an element that
//! would still load a tracker.

/// Tracker URLs the fuzz configuration gates: catalog hosts and the app rule.
const TRACKERS: [&str; 6] = [
    "googletagmanager.com",
    "google-analytics.com",
    "connect.facebook.net",
    "hotjar.com",
    "doubleclick.net",
    "/js/tracker.js",
];

fn mentions_tracker(value: &str) -> bool {
    let value: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    TRACKERS.iter().any(|t| value.contains(t))
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
            if loads.contains(&attribute.as_str()) && mentions_tracker(value) {
                found.push(format!("<{name} {attribute}={value:?}>"));
            }
        }
        if name == "script" {
            let text: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            if mentions_tracker(&text) {
                found.push(format!("<script>{text}"));
            }
        }
    }
    found
}
