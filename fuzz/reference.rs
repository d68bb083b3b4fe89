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

/// Whether a `<script type>` runs: none, empty, `module`, or one of HTML's JavaScript
/// MIME types (parameters after a `;` allowed, as the gate allows them).
fn executable(kind: Option<&str>) -> bool {
    kind.is_none_or(|k| {
        let k = k.trim().to_ascii_lowercase();
        let essence = k.split(';').next().unwrap_or("").trim();
        k.is_empty()
            || k == "module"
            || (essence.starts_with("text/javascript1.")
                && matches!(&essence[16..], "0" | "1" | "2" | "3" | "4" | "5"))
            || matches!(
                essence,
                "application/ecmascript"
                    | "application/javascript"
                    | "application/x-ecmascript"
                    | "application/x-javascript"
                    | "text/ecmascript"
                    | "text/javascript"
                    | "text/jscript"
                    | "text/livescript"
                    | "text/x-ecmascript"
                    | "text/x-javascript"
            )
    })
}

/// Elements that still load a tracker, as `<name attribute=value>` strings: in the
/// page as a browser with JavaScript parses it, and as one without JavaScript does
/// (`<noscript>` content is markup there).
pub(crate) fn active_trackers(html: &str) -> Vec<String> {
    let mut found = active_in(&parse(html, true));
    found.extend(active_in(&parse(html, false)));
    found
}

/// `html` parsed as a browser with `scripting` on or off parses it.
fn parse(html: &str, scripting: bool) -> scraper::Html {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::driver::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: scripting,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(scraper::Html::new_document()),
        opts,
    )
    .one(html)
}

/// What CSS text loads, read plainly, a character at a time: comments and strings
/// skipped, names read with their escapes undone (`\2e ` is a `.`); then each
/// `url(…)`, each string inside `image-set(`, and, in a style `sheet` (not a `style`
/// attribute, whose declarations hold no `@import`), each string right after
/// `@import`.
fn css_loads_tracker(css: &str, sheet: bool) -> bool {
    let chars: Vec<char> = css.chars().collect();
    let name_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii();
    // Reads a string that opens at `at` (a quote); returns its text (`None` for a bad
    // string, which a newline ends: CSS reads `\r` and `\x0C` as newlines too) and
    // where it ends.
    let string = |at: usize| -> (Option<String>, usize) {
        let quote = chars[at];
        let mut text = String::new();
        let mut i = at + 1;
        while i < chars.len() && chars[i] != quote {
            if matches!(chars[i], '\n' | '\r' | '\x0C') {
                return (None, i);
            }
            if chars[i] == '\\' && i + 1 < chars.len() {
                text.push('\\');
                i += 1;
            }
            text.push(chars[i]);
            i += 1;
        }
        (Some(css_unescaped(&text)), i + 1)
    };
    let mut urls = Vec::new();
    // Strings are URLs inside this many `image-set(` levels, or just after `@import`.
    let mut image_set_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut import = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let rest: String = chars[i + 2..].iter().collect();
            i = rest
                .find("*/")
                .map_or(chars.len(), |end| i + 2 + rest[..end].chars().count() + 2);
            continue;
        }
        if c == '"' || c == '\'' {
            let (text, end) = string(i);
            if import || image_set_depth.is_some() {
                urls.extend(text);
            }
            import = false;
            i = end;
            continue;
        }
        // A name, an at-keyword (`@import`) or a hash (`#url` is no function name).
        if name_char(c) || c == '\\' || c == '@' || c == '#' {
            let start = i;
            i += 1;
            while i < chars.len() && (name_char(chars[i]) || chars[i] == '\\') {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            let raw: String = chars[start..i.min(chars.len())].iter().collect();
            let name = css_unescaped(&raw).to_lowercase();
            import = sheet && name == "@import";
            if chars.get(i) == Some(&'(') {
                i += 1;
                depth += 1;
                if name == "url" || name == "src" {
                    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                        i += 1;
                    }
                    if matches!(chars.get(i), Some('"' | '\'')) {
                        let (text, end) = string(i);
                        urls.extend(text);
                        i = end;
                    } else {
                        let end = chars[i.min(chars.len())..]
                            .iter()
                            .position(|&c| c == ')')
                            .map_or(chars.len(), |at| i + at);
                        let raw: String = chars[i.min(chars.len())..end].iter().collect();
                        // A quote, `(`, inner space or control character makes it a bad
                        // URL, which loads nothing.
                        let bad = {
                            let mut rest = raw.trim().chars().peekable();
                            let mut bad = false;
                            while let Some(c) = rest.next() {
                                if c == '\\' {
                                    // An escape: up to six hex digits and one space, or
                                    // any one character.
                                    let mut hex = 0;
                                    while hex < 6
                                        && rest.peek().is_some_and(char::is_ascii_hexdigit)
                                    {
                                        rest.next();
                                        hex += 1;
                                    }
                                    let space = rest.peek().is_some_and(|c| c.is_whitespace());
                                    if hex == 0 || space {
                                        rest.next();
                                    }
                                    continue;
                                }
                                bad |= matches!(c, '"' | '\'' | '(')
                                    || c.is_whitespace()
                                    || c.is_control();
                            }
                            bad
                        };
                        if !bad {
                            urls.push(css_unescaped(raw.trim()));
                        }
                        i = end;
                    }
                } else if name == "image-set" || name == "-webkit-image-set" {
                    image_set_depth.get_or_insert(depth);
                }
            }
            continue;
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                if image_set_depth == Some(depth) {
                    image_set_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !c.is_whitespace() {
            import = false;
        }
        i += 1;
    }
    urls.iter().any(|url| url_loads_tracker(url))
}

/// CSS escapes undone: `\` and up to six hex digits (and one space after them), or
/// `\` and any other character for itself.
fn css_unescaped(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
            hex.extend(chars.next());
        }
        if hex.is_empty() {
            out.extend(chars.next());
            continue;
        }
        if chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
    }
    out
}

/// The URL of a `<meta http-equiv=refresh content>`, read plainly: after the delay
/// (digits and dots) and a `;`, `,` or space, the rest, less a leading `url=` and the
/// quotes around it.
fn refresh_loads_tracker(content: &str) -> bool {
    let rest = content
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let Some(rest) = rest.strip_prefix(|c: char| c == ';' || c == ',' || c.is_whitespace()) else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix(|c: char| c == ';' || c == ',')
        .unwrap_or(rest)
        .trim_start();
    let url = match rest
        .get(..3)
        .filter(|head| head.eq_ignore_ascii_case("url"))
    {
        Some(_) => match rest[3..].trim_start().strip_prefix('=') {
            Some(after) => after.trim_start(),
            None => rest,
        },
        None => rest,
    };
    let url = match url.chars().next().filter(|c| *c == '"' || *c == '\'') {
        Some(quote) => url[1..].split(quote).next().unwrap_or(""),
        None => url,
    };
    url_loads_tracker(url)
}

/// Elements that still load a tracker in one parsed page.
fn active_in(document: &scraper::Html) -> Vec<String> {
    let mut found = Vec::new();
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let name = element.name();
        // Loaders on any element: event handlers (inline script by another name) and
        // `style` (CSS).
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            let handler = attribute.len() > 2
                && attribute.starts_with("on")
                && attribute[2..].bytes().all(|b| b.is_ascii_lowercase());
            if (handler && text_mentions_tracker(value))
                || (attribute == "style" && css_loads_tracker(value, false))
            {
                found.push(format!("<{name} {attribute}={value:?}>"));
            }
        }
        let text = || -> String {
            node.children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect()
        };
        let css_type = element
            .attr("type")
            .is_none_or(|t| t.trim().is_empty() || t.trim().eq_ignore_ascii_case("text/css"));
        if name == "style" && css_type && css_loads_tracker(&text(), true) {
            found.push(format!("<style>{}", text()));
        }
        let json_script = element.attr("type").is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            t == "importmap" || t == "speculationrules"
        });
        if name == "script" && json_script && text_mentions_tracker(&text().replace("\\/", "/")) {
            found.push(format!("<script type=json>{}", text()));
        }
        if name == "meta"
            && element
                .attr("http-equiv")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"))
            && element.attr("content").is_some_and(refresh_loads_tracker)
        {
            found.push(format!("<meta content={:?}>", element.attr("content")));
        }
        // SVG names come camel-cased (`feImage`).
        let loads: &[&str] = match name.to_ascii_lowercase().as_str() {
            "script" if !executable(element.attr("type")) => continue,
            "script" => &["src", "href", "xlink:href"],
            "iframe" | "frame" => &["src", "srcdoc"],
            "img" | "source" => &["src", "srcset"],
            "video" => &["src", "poster"],
            "audio" | "embed" | "input" => &["src"],
            "object" => &["data"],
            "link" => &["href", "imagesrcset"],
            "image" | "feimage" => &["href", "xlink:href"],
            "body" | "table" | "td" | "th" => &["background"],
            "set" | "animate" | "animatemotion" | "animatetransform" => {
                &["to", "from", "by", "values", "href", "xlink:href"]
            }
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
                "values" => value.split(';').any(url_loads_tracker),
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
