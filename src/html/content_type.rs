//! The response's MIME type as a browser reads it: Fetch's "extract a MIME type" over
//! every `Content-Type` header (the last valid one wins, a charset carried over from an
//! earlier one of the same essence), with the MIME Sniffing Standard's parsing.

use http::header::CONTENT_TYPE;
use http::HeaderMap;

/// What the gate makes of a response's `Content-Type` headers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `text/html`, with its charset parameter if any.
    Html(Option<String>),
    /// `application/xhtml+xml`: an XML document a browser runs, which an HTML parser
    /// cannot read soundly.
    Xhtml,
    /// No valid MIME type at all: a browser sniffs the body.
    Missing,
    /// Anything else.
    Other,
}

/// Reads the response's MIME type the way Fetch's "extract a MIME type" does.
pub(crate) fn kind(headers: &HeaderMap) -> Kind {
    let mut essence: Option<String> = None;
    // Fetch's `charset`: set when the essence changes.
    let mut charset: Option<String> = None;
    // The charset of the MIME type found last, `charset` filled in when it has none.
    let mut result_charset: Option<String> = None;
    let mut found = false;
    for header in headers.get_all(CONTENT_TYPE) {
        // "Getting, decoding, and splitting": header values are isomorphic-decoded and
        // split on commas outside quoted strings.
        for value in split_values(header.as_bytes()) {
            let Some(parsed) = parse(value) else {
                continue;
            };
            if parsed.essence == "*/*" {
                continue;
            }
            found = true;
            if essence.as_deref() != Some(parsed.essence.as_str()) {
                charset.clone_from(&parsed.charset);
                result_charset = parsed.charset;
                essence = Some(parsed.essence);
            } else {
                result_charset = parsed.charset.or_else(|| charset.clone());
            }
        }
    }
    if !found {
        return Kind::Missing;
    }
    match essence.as_deref() {
        Some("text/html") => Kind::Html(result_charset),
        Some("application/xhtml+xml") => Kind::Xhtml,
        _ => Kind::Other,
    }
}

/// A parsed MIME type: its lowercased essence and its charset parameter.
struct Parsed {
    essence: String,
    charset: Option<String>,
}

/// HTTP whitespace.
fn is_http_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// An HTTP token code point.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Splits a header value on commas that are not inside a quoted string.
fn split_values(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let value = rest?;
        let mut quoted = false;
        let mut escaped = false;
        for (i, &b) in value.iter().enumerate() {
            if escaped {
                escaped = false;
            } else if quoted && b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                quoted = !quoted;
            } else if b == b',' && !quoted {
                rest = Some(&value[i + 1..]);
                return Some(&value[..i]);
            }
        }
        rest = None;
        Some(value)
    })
}

/// The MIME Sniffing Standard's "parse a MIME type", keeping only the charset
/// parameter (the first one, as the standard keeps the first of each name).
fn parse(input: &[u8]) -> Option<Parsed> {
    let input = trim(input);
    let slash = input.iter().position(|&b| b == b'/')?;
    let kind = &input[..slash];
    if kind.is_empty() || !kind.iter().copied().all(is_token) {
        return None;
    }
    let after = &input[slash + 1..];
    let end = after.iter().position(|&b| b == b';').unwrap_or(after.len());
    let subtype = trim_end(&after[..end]);
    if subtype.is_empty() || !subtype.iter().copied().all(is_token) {
        return None;
    }
    let essence = format!(
        "{}/{}",
        String::from_utf8_lossy(kind).to_ascii_lowercase(),
        String::from_utf8_lossy(subtype).to_ascii_lowercase()
    );
    let mut charset = None;
    let mut rest = &after[end..];
    while let Some((b';', tail)) = rest.split_first() {
        let tail = trim_start(tail);
        let name_end = tail
            .iter()
            .position(|&b| b == b';' || b == b'=')
            .unwrap_or(tail.len());
        let name = &tail[..name_end];
        rest = &tail[name_end..];
        let value = match rest.split_first() {
            Some((b'=', tail)) => {
                if let Some((b'"', quoted)) = tail.split_first() {
                    let (value, after_quote) = collect_quoted(quoted);
                    let skip = after_quote
                        .iter()
                        .position(|&b| b == b';')
                        .unwrap_or(after_quote.len());
                    rest = &after_quote[skip..];
                    Some(value)
                } else {
                    let value_end = tail.iter().position(|&b| b == b';').unwrap_or(tail.len());
                    rest = &tail[value_end..];
                    let value = trim_end(&tail[..value_end]);
                    (!value.is_empty()).then(|| value.to_vec())
                }
            }
            _ => None,
        };
        if charset.is_none() && name.eq_ignore_ascii_case(b"charset") {
            if let Some(value) = value {
                charset = Some(String::from_utf8_lossy(&value).into_owned());
            }
        }
    }
    Some(Parsed { essence, charset })
}

/// A quoted string's value (escapes resolved) and what follows its closing quote.
fn collect_quoted(input: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut value = Vec::new();
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'"' => return (value, &input[i + 1..]),
            b'\\' if i + 1 < input.len() => {
                value.push(input[i + 1]);
                i += 2;
            }
            b => {
                value.push(b);
                i += 1;
            }
        }
    }
    (value, &[])
}

fn trim(input: &[u8]) -> &[u8] {
    trim_end(trim_start(input))
}

fn trim_start(input: &[u8]) -> &[u8] {
    let start = input
        .iter()
        .position(|&b| !is_http_whitespace(b))
        .unwrap_or(input.len());
    &input[start..]
}

fn trim_end(input: &[u8]) -> &[u8] {
    let end = input
        .iter()
        .rposition(|&b| !is_http_whitespace(b))
        .map_or(0, |i| i + 1);
    &input[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn kind_of(values: &[&str]) -> Kind {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        }
        kind(&headers)
    }

    #[test]
    fn reads_one_content_type() {
        assert_eq!(kind_of(&["text/html"]), Kind::Html(None));
        assert_eq!(
            kind_of(&["Text/HTML ; Charset=\"UTF-8\""]),
            Kind::Html(Some("UTF-8".into()))
        );
        assert_eq!(
            kind_of(&["text/html;foo=\"a;b\";charset=latin1"]),
            Kind::Html(Some("latin1".into()))
        );
        assert_eq!(kind_of(&["application/xhtml+xml"]), Kind::Xhtml);
        assert_eq!(kind_of(&["text/plain"]), Kind::Other);
        assert_eq!(kind_of(&[]), Kind::Missing);
        assert_eq!(kind_of(&["html"]), Kind::Missing);
        assert_eq!(kind_of(&["*/*"]), Kind::Missing);
    }

    /// Issue 21, finding 15: browsers take the last valid `Content-Type`.
    #[test]
    fn several_content_types_the_last_valid_one_wins() {
        assert_eq!(kind_of(&["text/plain", "text/html"]), Kind::Html(None));
        assert_eq!(kind_of(&["text/plain, text/html"]), Kind::Html(None));
        assert_eq!(kind_of(&["text/html", "text/plain"]), Kind::Other);
        assert_eq!(kind_of(&["text/html", "nonsense"]), Kind::Html(None));
        assert_eq!(kind_of(&["text/html", "*/*"]), Kind::Html(None));
        // A charset of an earlier header of the same essence is kept (Fetch's example).
        assert_eq!(
            kind_of(&["text/html;charset=shift_jis", "text/html"]),
            Kind::Html(Some("shift_jis".into()))
        );
        assert_eq!(
            kind_of(&["text/html;charset=shift_jis", "text/plain", "text/html"]),
            Kind::Html(None)
        );
        assert_eq!(
            kind_of(&["text/html;charset=\"a,b\", text/html"]),
            Kind::Html(Some("a,b".into()))
        );
    }
}
