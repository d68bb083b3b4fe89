//! Where a URL written in an HTML attribute points, read the way a browser reads it.
//!
//! Browsers forgive a lot: character references in attribute values, tabs and newlines
//! anywhere in a URL, leading and trailing spaces, `\` for `/`, upper case schemes and
//! hosts, protocol-relative `//host`, user info, ports, percent-encoded hosts, a
//! trailing dot, ideographic full stops. Each of these is undone here before a URL is
//! matched against the tracker catalog, so no spelling slips past it.

use std::borrow::Cow;

/// What a URL points at, for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// An absolute (or base-resolved) URL: its lower-case host and its path (with the
    /// query, lower case, `\` as `/`, percent-decoded).
    Remote { host: String, path: String },
    /// A URL relative to the page, with no `<base>` host to resolve it against: its path
    /// as far as it is known (a bare relative path stays relative).
    Local { path: String },
    /// `data:` and `javascript:` URLs: their decoded text, which may load other URLs.
    Inline { text: String },
    /// Nothing a catalog entry can name (`mailto:`, an IPv6 literal, `about:blank`).
    Other,
}

/// The document's `<base href>`: the host (and directory) relative URLs resolve against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Base {
    host: Option<String>,
    /// The base URL's path up to and including its last `/`.
    directory: String,
}

impl Base {
    /// Reads a `<base href>` value; relative bases keep the page's own host.
    pub(crate) fn parse(raw: &str) -> Self {
        match locate(raw, None) {
            Target::Remote { host, path } => Self {
                host: Some(host),
                directory: directory_of(&path),
            },
            Target::Local { path } => Self {
                host: None,
                directory: directory_of(&path),
            },
            Target::Inline { .. } | Target::Other => Self::default(),
        }
    }
}

fn directory_of(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    match path.rfind('/') {
        Some(end) => path[..=end].to_owned(),
        None => "/".to_owned(),
    }
}

/// Where the attribute value `raw` (as written, character references and all) points,
/// resolved against `base`.
pub(crate) fn locate(raw: &str, base: Option<&Base>) -> Target {
    let decoded = decode_references(raw);
    // The URL parser drops every ASCII tab and newline, then C0 controls and spaces at
    // both ends.
    let cleaned: Cow<'_, str> = if decoded.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            decoded
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        decoded
    };
    let url = cleaned.trim_matches(|c: char| c <= ' ');
    let slashes = url
        .bytes()
        .take_while(|b| matches!(b, b'/' | b'\\'))
        .count();
    if slashes >= 2 {
        return remote(&url[slashes..]);
    }
    if let Some((scheme, rest)) = split_scheme(url) {
        let is = |name: &str| scheme.eq_ignore_ascii_case(name);
        return if ["http", "https", "ws", "wss", "ftp"].into_iter().any(is) {
            let rest = rest.trim_start_matches(['/', '\\']);
            remote(rest)
        } else if is("data") || is("javascript") {
            Target::Inline {
                text: percent_decode(rest).to_ascii_lowercase(),
            }
        } else {
            Target::Other
        };
    }
    let path = normalise_path(url);
    match base {
        Some(Base {
            host: Some(host),
            directory,
        }) => Target::Remote {
            host: host.clone(),
            path: join(directory, &path),
        },
        Some(Base {
            host: None,
            directory,
        }) => Target::Local {
            path: join(directory, &path),
        },
        None => Target::Local { path },
    }
}

fn join(directory: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else if path.is_empty() || path.starts_with(['?', '#']) {
        format!("{directory}{path}")
    } else {
        let directory = if directory.is_empty() { "/" } else { directory };
        format!("{directory}{path}")
    }
}

/// `scheme:` at the start of `url`, as the URL parser accepts it, and the rest; the
/// scheme as written (no lower-cased copy): compare it ignoring ASCII case.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    let valid = first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then(|| (scheme, &url[colon + 1..]))
}

/// Splits `authority[/path]` into the matchable host and path.
fn remote(rest: &str) -> Target {
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if host_port.starts_with('[') {
        return Target::Other;
    }
    let host = host_port.split(':').next().unwrap_or("");
    let host = percent_decode(host);
    let host = normalise_host(&host);
    if host.is_empty() {
        return Target::Other;
    }
    Target::Remote {
        host,
        path: normalise_path(path),
    }
}

/// Lower case, ideographic and full-width full stops as `.`, no trailing dot.
pub(crate) fn normalise_host(host: &str) -> String {
    if host.is_ascii() {
        let mut out = host.to_ascii_lowercase();
        while out.ends_with('.') {
            out.pop();
        }
        return out;
    }
    let mut out = String::with_capacity(host.len());
    for c in host.chars() {
        match c {
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => out.push('.'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    while out.ends_with('.') {
        out.pop();
    }
    out
}

/// Lower case, `\` as `/`, percent-decoded.
fn normalise_path(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut out = if decoded.is_ascii() {
        decoded.to_ascii_lowercase()
    } else {
        decoded.to_lowercase()
    };
    if out.contains('\\') {
        out = out.replace('\\', "/");
    }
    out
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 stay as they were.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(text),
    }
}

/// Decodes the character references an attribute value may hold: every numeric one,
/// and the named ones that spell URL punctuation. Unknown names stay as written.
pub(crate) fn decode_references(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match reference(rest) {
            Some((decoded, used)) => {
                out.push(decoded);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character `text` (starting with `&`) refers to and the bytes the reference uses.
fn reference(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (number, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..len.min(8)], radix).unwrap_or(0xFFFD);
        let decoded = match char::from_u32(value) {
            Some('\0') | None => '\u{FFFD}',
            Some(c) => c,
        };
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((decoded, skip + len + semicolon));
    }
    const NAMED: &[(&str, char)] = &[
        ("amp", '&'),
        ("colon", ':'),
        ("sol", '/'),
        ("bsol", '\\'),
        ("period", '.'),
        ("quest", '?'),
        ("num", '#'),
        ("commat", '@'),
        ("percnt", '%'),
        ("lowbar", '_'),
        ("equals", '='),
        ("tab", '\t'),
        ("newline", '\n'),
        ("excl", '!'),
        ("plus", '+'),
        ("comma", ','),
        ("semi", ';'),
        ("quot", '"'),
        ("apos", '\''),
        ("lt", '<'),
        ("gt", '>'),
    ];
    let len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &body[..len];
    let (_, decoded) = NAMED
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))?;
    let semicolon = usize::from(body[len..].starts_with(';'));
    Some((*decoded, 1 + len + semicolon))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote_of(raw: &str) -> (String, String) {
        match locate(raw, None) {
            Target::Remote { host, path } => (host, path),
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    #[test]
    fn every_spelling_of_a_host_is_read_as_the_browser_reads_it() {
        let cases = [
            "https://www.google-analytics.com/analytics.js",
            "HTTPS://WWW.GOOGLE-ANALYTICS.COM/analytics.js",
            "//www.google-analytics.com/analytics.js",
            "  \n https://www.google-analytics.com/analytics.js \t",
            "https:\\\\www.google-analytics.com\\analytics.js",
            "https://user:pw@www.google-analytics.com:443/analytics.js",
            "https://www.google-analytics.com./analytics.js",
            "https://www.google%2Danalytics.com/analytics.js",
            "https&#58;//www&#x2E;google-analytics&period;com/analytics.js",
            "ht\ttps://www.google-ana\nlytics.com/analytics.js",
            "https://www.google-analytics\u{3002}com/analytics.js",
            "https:www.google-analytics.com/analytics.js",
        ];
        for raw in cases {
            let (host, path) = remote_of(raw);
            assert_eq!(host, "www.google-analytics.com", "{raw:?}");
            assert_eq!(path, "/analytics.js", "{raw:?}");
        }
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        assert_eq!(
            locate("js/t.js", None),
            Target::Local {
                path: "js/t.js".into()
            }
        );
        let base = Base::parse("https://www.googletagmanager.com/gtag/");
        assert_eq!(
            locate("js?id=G-1", Some(&base)),
            Target::Remote {
                host: "www.googletagmanager.com".into(),
                path: "/gtag/js?id=g-1".into()
            }
        );
        let local = Base::parse("/static/");
        assert_eq!(
            locate("t.js", Some(&local)),
            Target::Local {
                path: "/static/t.js".into()
            }
        );
    }

    #[test]
    fn data_and_javascript_urls_are_text_to_scan() {
        assert!(matches!(
            locate("data:text/html,%3Cscript%20src=//x.com%3E", None),
            Target::Inline { text } if text.contains("<script src=//x.com>")
        ));
        assert_eq!(locate("mailto:a@b.c", None), Target::Other);
        assert_eq!(locate("https://[::1]/x", None), Target::Other);
    }

    #[test]
    fn references_decode_like_a_browser_for_url_punctuation() {
        assert_eq!(
            decode_references("a&amp;b&#47;&#x2f;&sol&unknown;"),
            "a&b///&unknown;"
        );
        assert_eq!(decode_references("&#0;&#99999999999;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decode_references("&"), "&");
        assert_eq!(decode_references("&#"), "&#");
    }
}
