//! Where a URL written in an HTML attribute points, read the way a browser reads it.
//!
//! Browsers forgive a lot: character references in attribute values, tabs and newlines
//! anywhere in a URL, leading and trailing spaces, `\` for `/`, upper case schemes and
//! hosts, protocol-relative `//host`, user info, ports, percent-encoded hosts, a
//! trailing dot, ideographic full stops. Each of these is undone here before a URL is
//! matched against the tracker catalog, so no spelling slips past it.
//!
//! Reading borrows from the attribute value: a URL written plainly (the common case)
//! is matched without a copy, and its path is normalised only when its host matches.

use std::borrow::Cow;

/// An attribute value as the URL parser sees it: character references decoded, ASCII
/// tabs and newlines removed. [`Url::target`] says where it points.
#[derive(Debug)]
pub(crate) struct Url<'a>(Cow<'a, str>);

impl<'a> Url<'a> {
    /// Reads the attribute value `raw` as written, character references and all.
    pub(crate) fn new(raw: &'a str) -> Self {
        let decoded = decode_references(raw);
        if memchr::memchr3(b'\t', b'\n', b'\r', decoded.as_bytes()).is_some() {
            Self(Cow::Owned(
                decoded
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect(),
            ))
        } else {
            Self(decoded)
        }
    }

    /// Where the URL points, resolved against `base`.
    pub(crate) fn target<'s>(&'s self, base: Option<&'s Base>) -> Target<'s> {
        // C0 controls and spaces at both ends are dropped. They are all single bytes,
        // so trimming bytes keeps to character boundaries.
        let bytes = self.0.as_bytes();
        let start = bytes.iter().position(|&b| b > b' ').unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|&b| b > b' ')
            .map_or(start, |i| i + 1);
        let url = &self.0[start..end];
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
                let slashes = rest
                    .bytes()
                    .take_while(|b| matches!(b, b'/' | b'\\'))
                    .count();
                remote(&rest[slashes..])
            } else if is("data") {
                Target::Inline {
                    text: data_url_text(rest),
                }
            } else if is("javascript") {
                Target::Inline {
                    text: percent_decode(rest).to_ascii_lowercase(),
                }
            } else {
                Target::Other
            };
        }
        let path = Path {
            directory: base.map(|base| base.directory.as_str()),
            written: url,
        };
        match base.and_then(|base| base.host.as_deref()) {
            Some(host) => Target::Remote {
                host: Cow::Borrowed(host),
                path,
            },
            None => Target::Local { path },
        }
    }
}

/// ASCII tab, line feed or carriage return: the URL parser drops them wherever they are.
pub(crate) fn is_tab_or_newline(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r')
}

/// What a URL points at, for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    /// An absolute (or base-resolved) URL: its host, lower case, and its path.
    Remote { host: Cow<'a, str>, path: Path<'a> },
    /// A URL relative to the page, with no `<base>` host to resolve it against: its path
    /// as far as it is known (a bare relative path stays relative).
    Local { path: Path<'a> },
    /// `data:` and `javascript:` URLs: their decoded text, which may load other URLs.
    Inline { text: String },
    /// Nothing a catalog entry can name (`mailto:`, an IPv6 literal, `about:blank`).
    Other,
}

/// A URL's path (with its query) as written, and the `<base>` directory a relative
/// one resolves against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Path<'a> {
    directory: Option<&'a str>,
    written: &'a str,
}

impl Path<'_> {
    /// The path as written, if its first `len` bytes are those of [`Path::normalised`]
    /// but for ASCII case: ASCII with no `%` or `\`, and no base directory to join.
    /// Matching a prefix then needs no copy.
    pub(crate) fn plain(&self, len: usize) -> Option<&str> {
        let head = self
            .written
            .as_bytes()
            .get(..len)
            .unwrap_or(self.written.as_bytes());
        let plain = self.directory.is_none()
            && head
                .iter()
                .all(|&b| b.is_ascii() && b != b'%' && b != b'\\');
        plain.then_some(self.written)
    }

    /// The path to match: lower case, `\` as `/`, percent-decoded, joined to the base's
    /// directory. Borrowed when it is written that way already.
    pub(crate) fn normalised(&self) -> Cow<'_, str> {
        let path = normalise_path(self.written);
        match self.directory {
            Some(directory) => Cow::Owned(join(directory, &path)),
            None => path,
        }
    }
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
        match Url::new(raw).target(None) {
            Target::Remote { host, path } => Self {
                host: Some(host.into_owned()),
                directory: directory_of(&path.normalised()),
            },
            Target::Local { path } => Self {
                host: None,
                directory: directory_of(&path.normalised()),
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
    let bytes = url.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let colon = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    (bytes[colon] == b':').then(|| (&url[..colon], &url[colon + 1..]))
}

/// Splits `authority[/path]` into the matchable host and path.
fn remote(rest: &str) -> Target<'_> {
    // One pass: the authority ends at the path, query or fragment; the host starts
    // after its last `@` and ends at the port's `:`.
    let bytes = rest.as_bytes();
    let mut end = bytes.len();
    let mut host_start = 0;
    let mut port = None;
    // A `%`, upper case or a byte beyond ASCII: the host is decoded and lower-cased.
    let mut spelled = false;
    for (i, &b) in bytes.iter().enumerate() {
        match AUTHORITY[usize::from(b)] {
            Authority::Host => {}
            Authority::End => {
                end = i;
                break;
            }
            Authority::At => {
                host_start = i + 1;
                port = None;
                spelled = false;
            }
            Authority::Colon => {
                port.get_or_insert(i);
            }
            Authority::Spelled => spelled = true,
        }
    }
    let host = &rest[host_start..port.unwrap_or(end)];
    if host.starts_with('[') {
        return Target::Other;
    }
    let host = if spelled {
        normalise_host(percent_decode(host))
    } else {
        Cow::Borrowed(host.trim_end_matches('.'))
    };
    if host.is_empty() {
        return Target::Other;
    }
    Target::Remote {
        host,
        path: Path {
            directory: None,
            written: &rest[end..],
        },
    }
}

/// What a byte of `user@host:port` is to [`remote`].
#[derive(Clone, Copy)]
enum Authority {
    /// Part of the host (or the user or port) as matched.
    Host,
    /// `/`, `\`, `?` or `#`: the authority's end.
    End,
    At,
    Colon,
    /// `%`, upper case or beyond ASCII: the host must be normalised.
    Spelled,
}

static AUTHORITY: [Authority; 256] = {
    let mut table = [Authority::Host; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'/' | b'\\' | b'?' | b'#' => Authority::End,
            b'@' => Authority::At,
            b':' => Authority::Colon,
            b'%' | b'A'..=b'Z' | 0x80..=0xFF => Authority::Spelled,
            _ => Authority::Host,
        };
        b += 1;
    }
    table
};

/// The ideographic and full-width full stops a URL parser reads in a host as `.`.
const FULL_STOPS: [char; 3] = ['\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// Lower case, [`FULL_STOPS`] as `.`, no trailing dot.
fn normalise_host(host: Cow<'_, str>) -> Cow<'_, str> {
    let mut host = if !host
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        host
    } else if host.is_ascii() {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        let mut out = String::with_capacity(host.len());
        for c in host.chars() {
            match c {
                c if FULL_STOPS.contains(&c) => out.push('.'),
                _ => out.extend(c.to_lowercase()),
            }
        }
        Cow::Owned(out)
    };
    let length = host
        .bytes()
        .rposition(|b| b != b'.')
        .map_or(0, |last| last + 1);
    match &mut host {
        Cow::Borrowed(host) => *host = &host[..length],
        Cow::Owned(host) => host.truncate(length),
    }
    host
}

/// Lower case, `\` as `/`, percent-decoded.
fn normalise_path(path: &str) -> Cow<'_, str> {
    let mut out = percent_decode(path);
    if !out.is_ascii() {
        out = Cow::Owned(out.to_lowercase());
    } else if out.bytes().any(|b| b.is_ascii_uppercase()) {
        out.to_mut().make_ascii_lowercase();
    }
    if out.contains('\\') {
        out = Cow::Owned(out.replace('\\', "/"));
    }
    out
}

/// What a `data:` URL (`rest`, after the scheme) holds, lower case, for scanning: its
/// body percent-decoded and, when its type ends in `;base64`, also base64-decoded the
/// forgiving way the Fetch standard reads it (`<script src="data:…;base64,…">` runs
/// what it encodes). Both readings are kept: a body that does not decode is scanned as
/// written.
fn data_url_text(rest: &str) -> String {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine as _;
    const FORGIVING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let mut text = percent_decode(rest).to_ascii_lowercase();
    let Some((kind, body)) = rest.split_once(',') else {
        return text;
    };
    // `;`, any spaces, then `base64`, in any case, at the end of the type.
    let kind = kind
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    let base64 = kind
        .strip_suffix("base64")
        .is_some_and(|before| before.trim_end_matches(' ').ends_with(';'));
    if base64 {
        let body: Vec<u8> = percent_decode(body)
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if let Ok(decoded) = FORGIVING.decode(body) {
            text.push('\n');
            text.push_str(&String::from_utf8_lossy(&decoded).to_ascii_lowercase());
        }
    }
    text
}

/// How many levels deep the gate reads an embedded HTML document (an `srcdoc`, a
/// `data:` URL's text): each `<iframe srcdoc>` nested in it decodes its character
/// references once more.
const DOCUMENT_DEPTH: usize = 4;

/// An embedded document nests more `srcdoc` levels than [`DOCUMENT_DEPTH`]: what it
/// loads cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep;

/// The texts of an embedded HTML document (an `srcdoc` as written, a `data:` URL's
/// text) in which a browser may find a URL to load: the text with its character
/// references decoded once per level of nesting (a nested `srcdoc` decodes its own),
/// and each of those with its percent escapes decoded and ideographic or full-width
/// full stops read as `.`, as a URL parser reads a host.
pub(crate) fn document_readings(text: &str) -> Result<Vec<String>, TooDeep> {
    let mut readings = Vec::new();
    let mut level = text.to_owned();
    for _ in 0..=DOCUMENT_DEPTH {
        let decoded = decode_references(&level).into_owned();
        let as_host = percent_decode(&level).replace(FULL_STOPS, ".");
        if as_host != level {
            readings.push(as_host);
        }
        let last = decoded == level;
        readings.push(std::mem::replace(&mut level, decoded));
        if last {
            return Ok(readings);
        }
    }
    Err(TooDeep)
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 stay as they were.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'%', text.as_bytes()).is_none() {
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
    let ampersand = |text: &str| memchr::memchr(b'&', text.as_bytes());
    let Some(mut at) = ampersand(raw) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
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
        match ampersand(rest) {
            Some(next) => at = next,
            None => break,
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

    /// Where `raw` points, resolved against `base`: `Remote(host, path)`, `Local(path)`,
    /// `Inline(text)` or `Other`, with the path normalised.
    fn locate(raw: &str, base: Option<&Base>) -> String {
        match Url::new(raw).target(base) {
            Target::Remote { host, path } => format!("Remote({host}, {})", path.normalised()),
            Target::Local { path } => format!("Local({})", path.normalised()),
            Target::Inline { text } => format!("Inline({text})"),
            Target::Other => "Other".to_owned(),
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
            "https://a@b@www.google-analytics.com..:443/analytics.js",
            "https://www.google%2Danalytics.com/analytics.js",
            "https&#58;//www&#x2E;google-analytics&period;com/analytics.js",
            "ht\ttps://www.google-ana\nlytics.com/analytics.js",
            "https://www.google-analytics\u{3002}com/analytics.js",
            "https:www.google-analytics.com/analytics.js",
            "https://www.google-analytics.com/ANALYTICS.js",
            "https://www.google-analytics.com/%61nalytics.js",
        ];
        for raw in cases {
            assert_eq!(
                locate(raw, None),
                "Remote(www.google-analytics.com, /analytics.js)",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn a_url_written_plainly_is_read_without_a_copy() {
        let url = Url::new("https://www.google-analytics.com/analytics.js?id=1");
        let Target::Remote { host, path } = url.target(None) else {
            panic!("a remote URL");
        };
        assert!(matches!(host, Cow::Borrowed("www.google-analytics.com")));
        assert!(matches!(
            path.normalised(),
            Cow::Borrowed("/analytics.js?id=1")
        ));
        let upper = Url::new("https://WWW.Example.com./A");
        let Target::Remote { host, path } = upper.target(None) else {
            panic!("a remote URL");
        };
        assert_eq!(
            (host.as_ref(), path.normalised().as_ref()),
            ("www.example.com", "/a")
        );
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        assert_eq!(locate("js/t.js", None), "Local(js/t.js)");
        let base = Base::parse("https://www.googletagmanager.com/gtag/");
        assert_eq!(
            locate("js?id=G-1", Some(&base)),
            "Remote(www.googletagmanager.com, /gtag/js?id=g-1)"
        );
        assert_eq!(
            locate("?q", Some(&base)),
            "Remote(www.googletagmanager.com, /gtag/?q)"
        );
        let local = Base::parse("/static/");
        assert_eq!(locate("t.js", Some(&local)), "Local(/static/t.js)");
        assert_eq!(locate("/t.js", Some(&local)), "Local(/t.js)");
    }

    #[test]
    fn data_and_javascript_urls_are_text_to_scan() {
        assert_eq!(
            locate("data:text/html,%3Cscript%20src=//x.com%3E", None),
            "Inline(text/html,<script src=//x.com>)"
        );
        assert_eq!(locate("mailto:a@b.c", None), "Other");
        assert_eq!(locate("https://[::1]/x", None), "Other");
        assert_eq!(locate("https://:443/x", None), "Other");
        assert_eq!(locate("1http://x.com/a", None), "Local(1http://x.com/a)");
    }

    #[test]
    fn base64_data_urls_are_read_decoded() {
        // `<script src=https://www.googletagmanager.com/gtm.js></script>`, base64.
        let encoded =
            "PHNjcmlwdCBzcmM9aHR0cHM6Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20vZ3RtLmpzPjwvc2NyaXB0Pg";
        for url in [
            format!("data:text/html;base64,{encoded}=="),
            format!("DATA:text/html; BASE64 ,{encoded}"),
            format!("data:text/html;base64,{}", &encoded.replace("Pj", "P\nj")),
        ] {
            let Target::Inline { text } = Url::new(&url).target(None) else {
                panic!("a data: URL is inline");
            };
            assert!(
                text.contains("//www.googletagmanager.com/gtm.js"),
                "{url:?}"
            );
        }
        let Target::Inline { text } = Url::new("data:text/plain;base64,%%%").target(None) else {
            panic!("a data: URL is inline");
        };
        assert_eq!(text, "text/plain;base64,%%%");
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

    /// [`remote`]'s host the slow way: every host decoded and normalised.
    fn host_the_slow_way(rest: &str) -> Option<String> {
        let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        if host_port.starts_with('[') {
            return None;
        }
        let host = host_port.split(':').next().unwrap_or("");
        let host = normalise_host(percent_decode(host));
        (!host.is_empty()).then(|| host.into_owned())
    }

    proptest::proptest! {
        #[test]
        fn a_host_written_plainly_is_read_as_one_decoded(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "www.", "Facebook", "facebook", "COM", "com", ".", "..", "%2E", "%41", "%",
                "@", "user:pw@", ":", "443", "/", "?", "#", "\\", "\u{e9}", "\u{3002}",
                "[::1]", "-", "x",
            ]), 0..10),
        ) {
            let rest = parts.concat();
            let host = match remote(&rest) {
                Target::Remote { host, .. } => Some(host.into_owned()),
                _ => None,
            };
            proptest::prop_assert_eq!(host, host_the_slow_way(&rest), "{:?}", rest);
        }
    }
}
