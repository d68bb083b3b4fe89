//! `GET {prefix}/cookies`: the cookie declaration, as a page or as JSON.

use bytes::Bytes;
use http::header::{ACCEPT, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, VARY};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::consent::ConsentContext;

/// Answers with the declaration in the request's language: JSON when the request
/// accepts `application/json` (and not HTML first), a standalone page otherwise.
pub(super) fn respond(parts: &Parts, context: &ConsentContext) -> Response<Bytes> {
    let banner = &context.banner;
    let language = banner.language(parts.headers.get(ACCEPT_LANGUAGE));
    let declaration = banner.declaration(&context.categories, language);
    let mut response = if wants_json(&parts.headers) {
        super::json::answer(StatusCode::OK, declaration.to_json())
    } else {
        let mut page = Response::new(Bytes::from(declaration.to_page(&banner.stylesheet())));
        page.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        page
    };
    let headers = response.headers_mut();
    // The list grows as the site is seen to use catalog cookies.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.append(VARY, HeaderValue::from_static("accept, accept-language"));
    response
}

/// Whether the `Accept` headers ask for JSON: `application/json` is listed with a
/// non-zero quality, and `text/html` is not preferred over it.
fn wants_json(headers: &HeaderMap) -> bool {
    let mut json: Option<u16> = None;
    let mut html: Option<u16> = None;
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim();
            let quality = parts
                .find_map(|p| {
                    let (name, value) = p.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| quality(value.trim()))
                })
                .unwrap_or(1000);
            if media.eq_ignore_ascii_case("application/json") {
                json = json.max(Some(quality));
            } else if media.eq_ignore_ascii_case("text/html") {
                html = html.max(Some(quality));
            }
        }
    }
    match json {
        Some(q) if q > 0 => !matches!(html, Some(h) if h > q),
        _ => false,
    }
}

/// An RFC 9110 quality value in thousandths; malformed ones count as 0.
fn quality(text: &str) -> u16 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match int {
        "1" if frac.bytes().all(|b| b == b'0') => 1000,
        "0" => format!("{frac:0<3}").parse().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(values: &[&str]) -> bool {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        wants_json(&headers)
    }

    #[test]
    fn json_only_when_asked_for() {
        assert!(accept(&["application/json"]));
        assert!(accept(&["text/plain", "application/json"]));
        assert!(accept(&["application/json, text/html;q=0.5"]));
        assert!(accept(&["Application/JSON;q=0.8, text/html;q=0.8"]));
        assert!(!accept(&[]));
        assert!(!accept(&["text/html,application/xhtml+xml,*/*;q=0.8"]));
        assert!(!accept(&["text/html, application/json;q=0.9"]));
        assert!(!accept(&["application/json;q=0"]));
        assert!(!accept(&["application/json;q=abc"]));
        assert!(!accept(&["*/*"]));
    }

    #[test]
    fn qualities() {
        assert_eq!(quality("1"), 1000);
        assert_eq!(quality("1.000"), 1000);
        assert_eq!(quality("0.5"), 500);
        assert_eq!(quality("0.05"), 50);
        assert_eq!(quality("0"), 0);
        assert_eq!(quality("1.5"), 0);
        assert_eq!(quality("0.1234"), 0);
        assert_eq!(quality("2"), 0);
    }
}
