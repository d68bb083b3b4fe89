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

/// Reads the response's MIME type the way Fetch's "extract a MIME type" does. Nothing is
/// allocated unless the page is HTML with a charset.
pub(crate) fn kind(headers: &HeaderMap) -> Kind {
    // The common case first: one header naming one valid type that is neither HTML
    // nor XHTML (what the full reading below would also conclude).
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    if let (Some(only), None) = (values.next(), values.next()) {
        let bytes = only.as_bytes();
        // Header values are short: a plain scan beats a vectorised search here.
        if !bytes.iter().any(|&b| b == b',' || b == b'"') {
            let end = bytes.iter().position(|&b| b == b';').unwrap_or(bytes.len());
            let essence = trim(&bytes[..end]);
            if let Some(slash) = essence.iter().position(|&b| b == b'/') {
                let (kind, subtype) = (&essence[..slash], &essence[slash + 1..]);
                let valid = !kind.is_empty()
                    && !subtype.is_empty()
                    && kind.iter().copied().all(is_token)
                    && subtype.iter().copied().all(is_token);
                // `*/*` is skipped as if absent: the full reading decides.
                let undecided = subtype.eq_ignore_ascii_case(b"html")
                    || subtype.eq_ignore_ascii_case(b"xhtml+xml")
                    || essence == b"*/*";
                if valid && !undecided {
                    return Kind::Other;
                }
            }
        }
    }
    // The essence found last, and Fetch's `charset` (set when the essence changes).
    let mut essence: Option<(&[u8], &[u8])> = None;
    let mut charset: Option<Value<'_>> = None;
    // The charset of the MIME type found last, `charset` filled in when it has none.
    let mut result_charset: Option<Value<'_>> = None;
    for header in headers.get_all(CONTENT_TYPE) {
        // "Getting, decoding, and splitting": header values are isomorphic-decoded and
        // split on commas outside quoted strings.
        for value in split_values(header.as_bytes()) {
            let Some(parsed) = parse(value) else {
                continue;
            };
            if parsed.essence == (&b"*"[..], &b"*"[..]) {
                continue;
            }
            let same = essence.is_some_and(|(kind, subtype)| {
                kind.eq_ignore_ascii_case(parsed.essence.0)
                    && subtype.eq_ignore_ascii_case(parsed.essence.1)
            });
            if same {
                result_charset = parsed.charset.or(charset);
            } else {
                charset = parsed.charset;
                result_charset = parsed.charset;
                essence = Some(parsed.essence);
            }
        }
    }
    let Some((kind, subtype)) = essence else {
        return Kind::Missing;
    };
    if kind.eq_ignore_ascii_case(b"text") && subtype.eq_ignore_ascii_case(b"html") {
        Kind::Html(result_charset.map(Value::decode))
    } else if kind.eq_ignore_ascii_case(b"application")
        && subtype.eq_ignore_ascii_case(b"xhtml+xml")
    {
        Kind::Xhtml
    } else {
        Kind::Other
    }
}

/// A parameter value as written: a token, or a quoted string (without its quotes).
#[derive(Clone, Copy)]
struct Value<'a> {
    text: &'a [u8],
    quoted: bool,
}

impl Value<'_> {
    fn decode(self) -> String {
        if self.quoted {
            String::from_utf8_lossy(&unescape(self.text)).into_owned()
        } else {
            String::from_utf8_lossy(self.text).into_owned()
        }
    }
}

/// A parsed MIME type: its type and subtype as written, and its charset parameter.
struct Parsed<'a> {
    essence: (&'a [u8], &'a [u8]),
    charset: Option<Value<'a>>,
}

/// HTTP whitespace.
fn is_http_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// The HTTP token code points, by byte.
const TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// An HTTP token code point.
fn is_token(b: u8) -> bool {
    TOKEN[usize::from(b)]
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
fn parse(input: &[u8]) -> Option<Parsed<'_>> {
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
                    let end = closing_quote(quoted);
                    let text = &quoted[..end];
                    let after_quote = quoted.get(end + 1..).unwrap_or_default();
                    let skip = after_quote
                        .iter()
                        .position(|&b| b == b';')
                        .unwrap_or(after_quote.len());
                    rest = &after_quote[skip..];
                    Some(Value { text, quoted: true })
                } else {
                    let value_end = tail.iter().position(|&b| b == b';').unwrap_or(tail.len());
                    rest = &tail[value_end..];
                    let text = trim_end(&tail[..value_end]);
                    (!text.is_empty()).then_some(Value {
                        text,
                        quoted: false,
                    })
                }
            }
            _ => None,
        };
        if charset.is_none() && name.eq_ignore_ascii_case(b"charset") {
            charset = value;
        }
    }
    Some(Parsed {
        essence: (kind, subtype),
        charset,
    })
}

/// Where the quoted string starting after its opening quote ends: the index of its
/// closing quote, or the input's length when it has none.
fn closing_quote(input: &[u8]) -> usize {
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'"' => return i,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    input.len()
}

/// A quoted string's value, its escapes resolved.
fn unescape(input: &[u8]) -> Vec<u8> {
    let mut value = Vec::with_capacity(input.len());
    let mut escaped = false;
    for &b in input {
        if escaped || b != b'\\' {
            value.push(b);
            escaped = false;
        } else {
            escaped = true;
        }
    }
    value
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
        assert_eq!(kind_of(&["text/"]), Kind::Missing);
        assert_eq!(kind_of(&["text/css; charset=utf-8"]), Kind::Other);
        assert_eq!(
            kind_of(&["Application/XHTML+XML; charset=utf-8"]),
            Kind::Xhtml
        );
        assert_eq!(kind_of(&["text/html;"]), Kind::Html(None));
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
