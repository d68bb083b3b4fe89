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

/// Whether a `<script type>` runs: none, empty, `module`, or one of HTML's JavaScript
/// MIME type essence strings, whole (`javascript` alone is none), with parameters after a
/// `;` allowed as the gate allows them (reading more as a script only makes this check
/// stricter).
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
        let essence = k
            .split(';')
            .next()
            .unwrap_or("")
            .trim_matches(|c: char| c.is_ascii_whitespace());
        k.is_empty() || k == "module" || JAVASCRIPT.contains(&essence)
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
fn css_loads_tracker(css: &str, sheet: bool, base: &url::Url) -> bool {
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
    urls.iter().any(|url| url_loads_tracker(url, base))
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
fn refresh_loads_tracker(content: &str, base: &url::Url) -> bool {
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
    url_loads_tracker(url, base)
}

/// Elements that still load a tracker in one parsed page.
fn active_in(document: &scraper::Html) -> Vec<String> {
    let base = base_url(document);
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
                || (attribute == "style" && css_loads_tracker(value, false, &base))
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
        if name == "style" && css_type && css_loads_tracker(&text(), true, &base) {
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
            && element
                .attr("content")
                .is_some_and(|content| refresh_loads_tracker(content, &base))
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
                "srcset" | "imagesrcset" => srcset_urls(value)
                    .into_iter()
                    .any(|url| url_loads_tracker(url, &base)),
                "values" => value.split(';').any(|url| url_loads_tracker(url, &base)),
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
