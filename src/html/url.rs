//! Where a URL written in an HTML attribute points, read the way a browser reads it.
//!
//! One reading decides every URL the gate considers: the attribute value's character
//! references decoded as the HTML tokenizer decodes them ([`super::references`]),
//! then the WHATWG URL Standard's parser (the `url` crate) against the document's
//! base URL: the page's own URL, or the first `<base href>` a browser honours
//! ([`Location`]). The parser does what a browser does with a URL: tabs and newlines
//! dropped, spaces and controls trimmed, `\` read as `/`, the scheme and host lower
//! case, a host percent-decoded and mapped through UTS 46 (full-width letters, soft
//! hyphens and other ignored code points, ideographic full stops), IPv4 number forms,
//! dot segments (`/./`, `/x/../`, `/%2e/`) removed, relative URLs resolved.
//!
//! What a rule's path is compared with is that parsed path, percent-decoded (as a
//! server reads it) with its dot segments removed again, in ASCII lower case.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

pub(crate) use super::references::decode_references;

/// An attribute value as the URL parser receives it: its character references
/// decoded. [`Url::target`] says where it points.
#[derive(Debug)]
pub(crate) struct Url<'a>(Cow<'a, str>);

impl<'a> Url<'a> {
    /// Reads the attribute value `raw` as written, character references and all.
    pub(crate) fn new(raw: &'a str) -> Self {
        Self(decode_references(raw))
    }

    /// A URL whose character references are decoded already (a `srcset` candidate).
    pub(crate) fn decoded(text: &'a str) -> Self {
        Self(Cow::Borrowed(text))
    }

    /// Where the URL points, resolved against the document's base URL.
    pub(crate) fn target(&self, location: &Location) -> Target {
        let Ok(url) = url::Url::options()
            .base_url(Some(location.base()))
            .parse(&self.0)
        else {
            // A browser loads nothing from a URL it cannot parse.
            return Target::Other;
        };
        match url.scheme() {
            "http" | "https" | "ws" | "wss" | "ftp" => Target::Remote(Remote {
                own: url.host() == location.page.host(),
                url,
            }),
            "data" => Target::Inline {
                text: data_url_text(&url.as_str()["data:".len()..]),
            },
            "javascript" => Target::Inline {
                text: percent_decoded(&url.as_str()["javascript:".len()..]).to_ascii_lowercase(),
            },
            _ => Target::Other,
        }
    }
}

/// ASCII tab, line feed or carriage return: the URL parser drops them wherever they are.
pub(crate) fn is_tab_or_newline(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r')
}

/// What a URL points at, for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A URL fetched over the network (`http`, `https`, `ws`, `wss`, `ftp`).
    Remote(Remote),
    /// `data:` and `javascript:` URLs: their decoded text, which may load other URLs.
    Inline { text: String },
    /// Nothing a rule can name (`mailto:`, `about:blank`, a URL that does not parse).
    Other,
}

/// A parsed network URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remote {
    url: url::Url,
    /// Its host is the page's own.
    own: bool,
}

impl Remote {
    /// The host as the URL parser serialises it (lower case, ASCII, Punycode for
    /// labels beyond ASCII; an IP address as written by the parser), without the dots
    /// a host may end with (`example.com.` names `example.com`).
    pub(crate) fn host(&self) -> &str {
        self.url.host_str().unwrap_or("").trim_end_matches('.')
    }

    /// Whether the URL's host is the page's own (an app's rules for its own paths
    /// apply).
    pub(crate) fn is_own(&self) -> bool {
        self.own
    }

    /// The path and query as parsed, if they read the same percent-decoded (no `%`):
    /// compare them ignoring ASCII case.
    pub(crate) fn plain_path(&self) -> Option<&str> {
        let path = &self.url[url::Position::BeforePath..url::Position::AfterQuery];
        (!path.contains('%')).then_some(path)
    }

    /// The path and query to match a rule against: percent-decoded, `\` read as `/`,
    /// dot segments removed from the path, ASCII lower case.
    pub(crate) fn normalised_path(&self) -> String {
        let path = percent_decoded(self.url.path()).replace('\\', "/");
        let mut out = remove_dot_segments(&path);
        if let Some(query) = self.url.query() {
            out.push('?');
            out.push_str(&percent_decoded(query));
        }
        out.make_ascii_lowercase();
        out
    }
}

/// `text` percent-decoded as the URL Standard decodes bytes, read as UTF-8 with
/// U+FFFD for what is not: one invalid escape leaves the others decoded.
pub(crate) fn percent_decoded(text: &str) -> Cow<'_, str> {
    percent_decode_str(text).decode_utf8_lossy()
}

/// `path` (starting with `/`) without its `.` and `..` segments, as RFC 3986 and the
/// URL Standard remove them.
pub(crate) fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut parts = path.split('/').skip(1).peekable();
    while let Some(segment) = parts.next() {
        let last = parts.peek().is_none();
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            _ => {
                segments.push(segment);
                continue;
            }
        }
        if last {
            // `/a/.` and `/a/b/..` keep their final `/`.
            segments.push("");
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in segments {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Where a document's relative URLs resolve, and which host is the page's own: the
/// page's URL (from the request) and the first `<base href>` a browser honours.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    page: url::Url,
    /// The base URL a `<base href>` set, if any.
    base: Option<url::Url>,
}

impl Default for Location {
    /// A page whose URL is not known.
    fn default() -> Self {
        Self::new(Self::placeholder())
    }
}

impl Location {
    /// The location of a page at `page`, which has no `<base>` yet.
    pub(crate) fn new(page: url::Url) -> Self {
        Self { page, base: None }
    }

    /// The page's own URL, read from the request: `https` or `http`, its host (the
    /// URI's authority or the `Host` header; a placeholder when it has none a URL
    /// parser accepts), path and query.
    pub(crate) fn of_request(
        https: bool,
        authority: Option<&str>,
        path: Option<&http::uri::PathAndQuery>,
    ) -> Self {
        let scheme = if https { "https" } else { "http" };
        let origin = authority
            .filter(|a| !a.contains(['/', '\\', '?', '#', '@']))
            .and_then(|a| url::Url::parse(&format!("{scheme}://{a}/")).ok())
            .filter(|url| url.host().is_some());
        let mut page = origin.unwrap_or_else(Self::placeholder);
        if let Some(path) = path {
            page.set_path(path.path());
            page.set_query(path.query());
        }
        Self::new(page)
    }

    /// A page whose host is not known.
    fn placeholder() -> url::Url {
        url::Url::parse("http://page.invalid/").unwrap_or_else(|_| unreachable!("a valid URL"))
    }

    /// Takes the `href` of the first `<base>` a browser honours: the document's base
    /// URL is then that URL, resolved against the page's, unless it does not parse or
    /// is a `data:` or `javascript:` URL (HTML's "set the frozen base URL").
    pub(crate) fn set_base(&mut self, href: &str) {
        let href = Url::new(href);
        self.base = self
            .page
            .join(&href.0)
            .ok()
            .filter(|url| !matches!(url.scheme(), "data" | "javascript"));
    }

    /// The document's base URL.
    pub(crate) fn base(&self) -> &url::Url {
        self.base.as_ref().unwrap_or(&self.page)
    }

    /// The page's host, as the URL parser serialises it.
    pub(crate) fn page_host(&self) -> &str {
        self.page.host_str().unwrap_or("").trim_end_matches('.')
    }

    /// The page's path (decoded, lower case), which a relative URL's path may start
    /// with.
    pub(crate) fn page_path(&self) -> String {
        percent_decoded(self.page.path()).to_ascii_lowercase()
    }
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
    let mut text = percent_decoded(rest).to_ascii_lowercase();
    let Some((kind, body)) = rest.split_once(',') else {
        return text;
    };
    // `;`, any spaces, then `base64`, in any case, at the end of the type.
    let kind = percent_decoded(kind);
    let kind = kind
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    let base64 = kind
        .strip_suffix("base64")
        .is_some_and(|before| before.trim_end_matches(' ').ends_with(';'));
    if base64 {
        let body: Vec<u8> = percent_decode_str(body)
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
/// references decoded once per level of nesting (a nested `srcdoc` decodes its own).
/// Hosts in them are read as the URL parser reads hosts when they are scanned
/// ([`ResourceMatcher::scan`](super::catalog::ResourceMatcher::scan)).
pub(crate) fn document_readings(text: &str) -> Result<Vec<String>, TooDeep> {
    let mut readings = Vec::new();
    let mut level = text.to_owned();
    for _ in 0..=DOCUMENT_DEPTH {
        let decoded = decode_references(&level).into_owned();
        let last = decoded == level;
        readings.push(std::mem::replace(&mut level, decoded));
        if last {
            return Ok(readings);
        }
    }
    Err(TooDeep)
}

#[cfg(test)]
pub(crate) fn test_location() -> Location {
    let path = http::uri::PathAndQuery::from_static("/blog/post?x=1");
    Location::of_request(false, Some("www.example.org"), Some(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `raw` points from the test page: `Remote(host, path, own)`, `Inline(text)`
    /// or `Other`, with the path normalised.
    fn locate_in(raw: &str, location: &Location) -> String {
        match Url::new(raw).target(location) {
            Target::Remote(remote) => format!(
                "Remote({}, {}{})",
                remote.host(),
                remote.normalised_path(),
                if remote.is_own() { ", own" } else { "" }
            ),
            Target::Inline { text } => format!("Inline({text})"),
            Target::Other => "Other".to_owned(),
        }
    }

    fn locate(raw: &str) -> String {
        locate_in(raw, &test_location())
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
            "https&colon;//www&#0000000046;google-analytics&#46com/analytics.js",
            "ht\ttps://www.google-ana\nlytics.com/analytics.js",
            "https://www.google-analytics\u{3002}com/analytics.js",
            "https://www.google-analytics\u{FF0E}com/analytics.js",
            "https://\u{FF57}\u{FF57}\u{FF57}.google-analytics.com/analytics.js",
            "https://www.google-ana\u{AD}lytics.com/analytics.js",
            "https://www.google-ana&shy;lytics.com/analytics.js",
            "https://www.google-ana%C2%ADlytics.com/analytics.js",
            "https://www.google-ana\u{200B}lytics.com/analytics.js",
            "https://www.google-ana%E2%80%8Blytics.com/analytics.js",
            "https://www.GOOGLE-ANALYTICS.com/ANALYTICS.js",
            "https://www.google-analytics.com/%61nalytics.js",
            "https://www.google-analytics.com/x/../analytics.js",
            "https://www.google-analytics.com/./analytics.js",
            "https://www.google-analytics.com/x/%2e%2E/analytics.js",
        ];
        for raw in cases {
            assert_eq!(
                locate(raw),
                "Remote(www.google-analytics.com, /analytics.js)",
                "{raw:?}"
            );
        }
        // The URL Standard reads a special scheme without slashes as an authority.
        assert_eq!(
            locate("https:www.google-analytics.com/analytics.js"),
            "Remote(www.google-analytics.com, /analytics.js)"
        );
    }

    #[test]
    fn relative_urls_resolve_against_the_page_and_its_base() {
        assert_eq!(
            locate("js/t.js"),
            "Remote(www.example.org, /blog/js/t.js, own)"
        );
        assert_eq!(
            locate("../js/./t.js?V=1"),
            "Remote(www.example.org, /js/t.js?v=1, own)"
        );
        let mut location = test_location();
        location.set_base("https://www.googletagmanager.com/gtag/");
        assert_eq!(
            locate_in("js?id=G-1", &location),
            "Remote(www.googletagmanager.com, /gtag/js?id=g-1)"
        );
        location.set_base("/static/");
        assert_eq!(
            locate_in("t.js", &location),
            "Remote(www.example.org, /static/t.js, own)"
        );
        location.set_base("data:text/html,x");
        assert_eq!(
            locate_in("t.js", &location),
            "Remote(www.example.org, /blog/t.js, own)"
        );
    }

    #[test]
    fn the_page_url_comes_from_the_request() {
        let page = |path: &'static str, host| {
            let path = http::uri::PathAndQuery::from_static(path);
            let location = Location::of_request(false, host, Some(&path));
            location.base().as_str().to_owned()
        };
        assert_eq!(
            page("/a/b?c", Some("Example.COM:8080")),
            "http://example.com:8080/a/b?c"
        );
        let https = Location::of_request(true, Some("x.example"), None);
        assert_eq!(https.base().as_str(), "https://x.example/");
        assert_eq!(page("/p", None), "http://page.invalid/p");
        assert_eq!(page("/p", Some("a/b")), "http://page.invalid/p");
        assert_eq!(
            page("//evil.example/p", Some("site.example")),
            "http://site.example//evil.example/p"
        );
    }

    #[test]
    fn data_and_javascript_urls_are_text_to_scan() {
        assert_eq!(
            locate("data:text/html,%3Cscript%20src=//x.com%3E"),
            "Inline(text/html,<script src=//x.com>)"
        );
        assert_eq!(
            locate("data:text/html,%FF%3Cscript%20src=//x.com%3E"),
            "Inline(text/html,\u{FFFD}<script src=//x.com>)"
        );
        assert_eq!(locate("JavaScript:a%28%29"), "Inline(a())");
        assert_eq!(locate("mailto:a@b.c"), "Other");
        assert_eq!(locate("https://[::1]/x"), "Remote([::1], /x)");
        assert_eq!(locate("https://:443/x"), "Other");
        assert_eq!(locate("https://0x7f.1/x"), "Remote(127.0.0.1, /x)");
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
            format!("data:text/html;base64,{}", &encoded.replace("Pj", "P%20j")),
        ] {
            let Target::Inline { text } = Url::new(&url).target(&test_location()) else {
                panic!("a data: URL is inline");
            };
            assert!(
                text.contains("//www.googletagmanager.com/gtm.js"),
                "{url:?}"
            );
        }
    }

    #[test]
    fn dot_segments_are_removed_as_the_standard_removes_them() {
        for (path, removed) in [
            ("/a/./b", "/a/b"),
            ("/a/../b", "/b"),
            ("/../b", "/b"),
            ("/a/.", "/a/"),
            ("/a/b/..", "/a/"),
            ("/", "/"),
            ("/a//b", "/a//b"),
        ] {
            assert_eq!(remove_dot_segments(path), removed, "{path:?}");
        }
        // A `%2F` a server decodes may make new dot segments.
        assert_eq!(
            locate("https://www.facebook.com/x/..%2Ftr?id=1"),
            "Remote(www.facebook.com, /tr?id=1)"
        );
    }

    #[test]
    fn embedded_documents_are_read_at_every_level_of_references() {
        assert_eq!(
            document_readings("&amp;#46;").expect("shallow"),
            ["&amp;#46;", "&#46;", "."]
        );
        let deep = "&amp;".to_owned() + &"amp;".repeat(DOCUMENT_DEPTH + 1);
        assert_eq!(document_readings(&deep), Err(TooDeep));
    }
}
