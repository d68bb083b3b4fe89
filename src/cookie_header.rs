//! Browser-faithful reading of `Cookie` and `Set-Cookie` header values.
//!
//! Everything here works on raw header bytes: header values may carry obs-text (bytes
//! 0x80–0xFF) and need not be UTF-8. Nothing here allocates unless a `Cookie` header
//! actually has to be rewritten.

/// Is `b` whitespace that RFC 6265bis trims around names and values (SP or HTAB)?
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `bytes` without leading and trailing SP/HTAB.
pub(crate) fn trim_wsp(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_wsp(*first) {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !is_wsp(*last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// One `name=value` pair of a `Cookie` header, as the server sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CookiePair<'a> {
    /// The whole pair, trimmed of SP/HTAB: the exact bytes to keep when forwarding.
    pub(crate) raw: &'a [u8],
    /// The name the cookie is classified by: the text before the first `=`, trimmed; for a
    /// bare pair without `=` (a nameless cookie sent back by a browser), the whole text.
    pub(crate) name: &'a [u8],
    /// Whether the pair had no `=` (the browser stores it as a cookie with an empty name).
    pub(crate) bare: bool,
    /// The value, trimmed; empty for a bare pair.
    pub(crate) value: &'a [u8],
}

impl<'a> CookiePair<'a> {
    /// The pair whose text, trimmed of SP/HTAB and not empty, is `raw`.
    fn from_trimmed(raw: &'a [u8]) -> Self {
        // Names are short: a plain scan finds their `=` sooner than memchr, whose set-up
        // pays off only on longer input such as the rest of the header.
        match raw.iter().position(|&b| b == b'=') {
            Some(eq) => CookiePair {
                raw,
                name: trim_wsp(&raw[..eq]),
                bare: false,
                value: trim_wsp(&raw[eq + 1..]),
            },
            None => CookiePair {
                raw,
                name: raw,
                bare: true,
                value: &[],
            },
        }
    }
}

/// The non-empty pairs of one `Cookie` header value, in order.
pub(crate) fn cookie_pairs(header: &[u8]) -> CookiePairs<'_> {
    CookiePairs { rest: header }
}

/// Iterator over the pairs of a `Cookie` header value: see [`cookie_pairs`].
#[derive(Clone, Debug)]
pub(crate) struct CookiePairs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for CookiePairs<'a> {
    type Item = CookiePair<'a>;

    #[inline]
    fn next(&mut self) -> Option<CookiePair<'a>> {
        while !self.rest.is_empty() {
            let piece = match memchr::memchr(b';', self.rest) {
                Some(semicolon) => {
                    let piece = &self.rest[..semicolon];
                    self.rest = &self.rest[semicolon + 1..];
                    piece
                }
                None => std::mem::take(&mut self.rest),
            };
            let raw = trim_wsp(piece);
            if raw.is_empty() {
                continue;
            }
            return Some(CookiePair::from_trimmed(raw));
        }
        None
    }
}

/// [`cookie_pairs`] written as plainly as possible (split at `;`, trim): the reference the
/// tokenizer's pair boundaries are checked against by a property test and a fuzz target.
#[cfg(any(test, feature = "__fuzz"))]
pub(crate) fn reference_cookie_pairs(header: &[u8]) -> Vec<CookiePair<'_>> {
    header
        .split(|&b| b == b';')
        .map(trim_wsp)
        .filter(|raw| !raw.is_empty())
        .map(CookiePair::from_trimmed)
        .collect()
}

/// The outcome of filtering one `Cookie` header value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filtered {
    /// Every pair was kept; the header is forwarded untouched.
    Unchanged,
    /// Some pairs were removed; the kept pairs, byte for byte, joined by `"; "`.
    Rewritten(Vec<u8>),
    /// Every pair was removed; the header is dropped.
    Empty,
}

/// Keeps the pairs of `header` for which `keep` returns true. Allocates only when a pair
/// is removed and another one is kept.
pub(crate) fn filter_cookie_header(
    header: &[u8],
    mut keep: impl FnMut(&CookiePair<'_>) -> bool,
) -> Filtered {
    let mut rewritten: Option<Vec<u8>> = None;
    let mut kept_any = false;
    // Until the first removal, the kept pairs are a prefix of the header: remember only
    // where that prefix ends and copy it if and when a pair is removed.
    let mut prefix_end = 0;
    for pair in cookie_pairs(header) {
        if keep(&pair) {
            kept_any = true;
            match &mut rewritten {
                Some(out) => {
                    if !out.is_empty() {
                        out.extend_from_slice(b"; ");
                    }
                    out.extend_from_slice(pair.raw);
                }
                None => prefix_end = offset_in(header, pair.raw) + pair.raw.len(),
            }
        } else if rewritten.is_none() {
            let mut out = Vec::with_capacity(header.len());
            out.extend_from_slice(&header[..prefix_end]);
            rewritten = Some(out);
        }
    }
    match rewritten {
        None => Filtered::Unchanged,
        Some(_) if !kept_any => Filtered::Empty,
        Some(out) => Filtered::Rewritten(out),
    }
}

/// The byte offset of `part` inside `whole`; `part` must be a sub-slice of `whole`.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// How a browser treats one `Set-Cookie` header (RFC 6265bis §5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetCookieName<'a> {
    /// The browser stores a cookie and will send it back under this name: the text
    /// before the first `=` (trimmed) or, for a nameless cookie, the text it sends back
    /// bare, read the way [`cookie_pairs`] reads it.
    Stored(&'a [u8]),
    /// The browser ignores the header (control characters, or empty name and value).
    Ignored,
}

/// Whether a `Set-Cookie` value stores a cookie without a name (no `=` before the first
/// `;`, or only whitespace before it): its "name" as the server reads it back is its
/// value.
pub(crate) fn set_cookie_is_nameless(header: &[u8]) -> bool {
    let pair = match memchr::memchr(b';', header) {
        Some(semicolon) => &header[..semicolon],
        None => header,
    };
    match memchr::memchr(b'=', pair) {
        Some(eq) => trim_wsp(&pair[..eq]).is_empty(),
        None => true,
    }
}

/// The name a browser will store for a `Set-Cookie` header value given as raw bytes: the
/// reference that [`header_set_cookie_name`] is checked against.
#[cfg(any(test, feature = "__fuzz"))]
pub(crate) fn set_cookie_name(header: &[u8]) -> SetCookieName<'_> {
    // A set-cookie-string with a control character other than HTAB is ignored whole.
    if header
        .iter()
        .any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return SetCookieName::Ignored;
    }
    visible_set_cookie_name(header)
}

/// The name a browser will store for a `Set-Cookie` header: [`set_cookie_name`] without
/// the scan for control characters, which a `HeaderValue` cannot hold (its constructors
/// refuse bytes below 0x20 other than HTAB, and 0x7F).
pub(crate) fn header_set_cookie_name(value: &http::HeaderValue) -> SetCookieName<'_> {
    visible_set_cookie_name(value.as_bytes())
}

fn visible_set_cookie_name(header: &[u8]) -> SetCookieName<'_> {
    let pair = match memchr::memchr(b';', header) {
        Some(semicolon) => &header[..semicolon],
        None => header,
    };
    let (name, value) = match memchr::memchr(b'=', pair) {
        Some(eq) => (trim_wsp(&pair[..eq]), trim_wsp(&pair[eq + 1..])),
        None => (&[][..], trim_wsp(pair)),
    };
    if !name.is_empty() {
        return SetCookieName::Stored(name);
    }
    if value.is_empty() {
        return SetCookieName::Ignored;
    }
    // A nameless cookie comes back as `Cookie: <value>`; the server reads that pair's
    // name as the text before its first `=`, or the whole text when there is none.
    match cookie_pairs(value).next() {
        Some(pair) => SetCookieName::Stored(pair.name),
        None => SetCookieName::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(header: &str) -> Vec<&str> {
        cookie_pairs(header.as_bytes())
            .map(|p| std::str::from_utf8(p.name).unwrap())
            .collect()
    }

    fn filter(header: &str, drop: &[&str]) -> Filtered {
        filter_cookie_header(header.as_bytes(), |p| {
            !drop.iter().any(|d| d.as_bytes() == p.name)
        })
    }

    #[test]
    fn pairs_are_trimmed_and_bare_pairs_named_by_their_text() {
        assert_eq!(names("a=1; b=2;c=3"), ["a", "b", "c"]);
        assert_eq!(names(" a =1 ;;\t_ga ; =x"), ["a", "_ga", ""]);
        let bare = cookie_pairs(b"_ga").next().unwrap();
        assert!(bare.bare);
        assert_eq!(bare.name, b"_ga");
        let pair = cookie_pairs(b"k = v=w ").next().unwrap();
        assert_eq!(
            (pair.name, pair.value, pair.bare),
            (&b"k"[..], &b"v=w"[..], false)
        );
    }

    proptest::proptest! {
        #[test]
        fn pairs_match_the_reference(header in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(b"; =\t\"ab".to_vec()),
                proptest::num::u8::ANY,
            ],
            0..48,
        )) {
            proptest::prop_assert_eq!(
                cookie_pairs(&header).collect::<Vec<_>>(),
                reference_cookie_pairs(&header)
            );
        }
    }

    #[test]
    fn filtering_keeps_bytes_and_order() {
        assert_eq!(filter("a=1; b=2", &[]), Filtered::Unchanged);
        assert_eq!(
            filter("a=1;  b=\"q\" ; c=3", &["c"]),
            Filtered::Rewritten(b"a=1;  b=\"q\"".to_vec())
        );
        assert_eq!(
            filter("a=1; b=2; c=3", &["b"]),
            Filtered::Rewritten(b"a=1; c=3".to_vec())
        );
        assert_eq!(
            filter("a=1; b=2; c=3", &["a"]),
            Filtered::Rewritten(b"b=2; c=3".to_vec())
        );
        assert_eq!(filter("a=1; b=2", &["a", "b"]), Filtered::Empty);
        assert_eq!(filter("", &["a"]), Filtered::Unchanged);
        assert_eq!(filter(" ; ", &["a"]), Filtered::Unchanged);
    }

    #[test]
    fn set_cookie_names_follow_rfc6265bis() {
        use SetCookieName::*;
        assert_eq!(set_cookie_name(b"_ga=GA1; Path=/"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b" \t_ga \t=1"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b"_ga"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b"_ga; Path=/"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b"=_ga"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b"=_ga=1; Max-Age=9"), Stored(b"_ga"));
        assert_eq!(set_cookie_name(b"a=b=c"), Stored(b"a"));
        assert_eq!(set_cookie_name(b"="), Ignored);
        assert_eq!(set_cookie_name(b"; Path=/"), Ignored);
        assert_eq!(set_cookie_name(b"_ga=1\x01"), Ignored);
        assert_eq!(set_cookie_name(b"\xffname=1"), Stored(b"\xffname"));
    }

    #[test]
    fn nameless_set_cookies_are_those_without_a_name_before_the_first_semicolon() {
        for nameless in [
            &b"_ga"[..],
            b"=_ga=1",
            b" \t=x; Path=/",
            b"_ga; Path=/a=b",
            b"",
        ] {
            assert!(set_cookie_is_nameless(nameless), "{nameless:?}");
        }
        for named in [&b"_ga=1"[..], b" a =; Max-Age=0", b"a=b=c; Path=/"] {
            assert!(!set_cookie_is_nameless(named), "{named:?}");
        }
    }

    #[test]
    fn trim_handles_all_whitespace() {
        assert_eq!(trim_wsp(b" \t "), b"");
        assert_eq!(trim_wsp(b"x"), b"x");
        assert_eq!(trim_wsp(b"\tx y "), b"x y");
    }
}
