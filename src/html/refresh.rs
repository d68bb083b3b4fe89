//! The URL of `<meta http-equiv="refresh" content="…">`, read as HTML's "shared
//! declarative refresh steps" read it: the page navigates there (a tracker's redirect,
//! a pixel) for every visitor, JavaScript or not.

/// Whether an `http-equiv` value is `refresh` (ASCII case ignored).
pub(super) fn is_refresh(http_equiv: &str) -> bool {
    http_equiv.eq_ignore_ascii_case("refresh")
}

/// The URL a refresh `content` value navigates to, as written (to be parsed against the
/// document's base); `None` when the value is invalid or names no URL (the page reloads
/// itself).
pub(super) fn refresh_url(content: &str) -> Option<&str> {
    let whitespace = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ');
    let bytes = content.as_bytes();
    let mut at = 0;
    let skip = |at: &mut usize, what: &dyn Fn(u8) -> bool| {
        while bytes.get(*at).is_some_and(|&b| what(b)) {
            *at += 1;
        }
    };
    skip(&mut at, &whitespace);
    let digits = at;
    skip(&mut at, &|b: u8| b.is_ascii_digit());
    if at == digits && bytes.get(at) != Some(&b'.') {
        return None;
    }
    skip(&mut at, &|b: u8| b.is_ascii_digit() || b == b'.');
    if at < bytes.len() {
        if !(matches!(bytes[at], b';' | b',') || whitespace(bytes[at])) {
            return None;
        }
        skip(&mut at, &whitespace);
        if matches!(bytes.get(at), Some(b';' | b',')) {
            at += 1;
        }
        skip(&mut at, &whitespace);
    }
    if at >= bytes.len() {
        return None;
    }
    let mut url_start = at;
    if bytes[at..].len() >= 3 && bytes[at..at + 3].eq_ignore_ascii_case(b"url") {
        let mut after = at + 3;
        skip(&mut after, &whitespace);
        if bytes.get(after) == Some(&b'=') {
            after += 1;
            skip(&mut after, &whitespace);
            url_start = after;
        }
    }
    let quote = bytes
        .get(url_start)
        .copied()
        .filter(|&b| matches!(b, b'"' | b'\''));
    let mut url = &content[url_start..];
    if let Some(quote) = quote {
        url = &url[1..];
        if let Some(end) = memchr::memchr(quote, url.as_bytes()) {
            url = &url[..end];
        }
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_urls_are_read_as_browsers_read_them() {
        for (content, url) in [
            ("0;url=https://t.example/p", Some("https://t.example/p")),
            (
                "0; URL = 'https://t.example/p' x",
                Some("https://t.example/p"),
            ),
            ("5, \"/next\"", Some("/next")),
            (" 1.5 https://t.example/", Some("https://t.example/")),
            ("0;urlx", Some("urlx")),
            (".5;url=/a", Some("/a")),
            ("0", None),
            ("0;", None),
            ("x;url=/a", None),
            ("0x;url=/a", None),
            ("", None),
        ] {
            assert_eq!(refresh_url(content), url, "{content:?}");
        }
        assert!(is_refresh("Refresh"));
    }
}
