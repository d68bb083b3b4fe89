//! Character references in an attribute value, decoded as the HTML tokenizer decodes
//! them (WHATWG HTML, "character reference state" and the states after it).
//!
//! Numeric references take any number of digits (`&#0000000046;` is `.`), an
//! optional `;`, and map as the tokenizer maps them: 0, surrogates and values past
//! U+10FFFF become U+FFFD, the C1 controls of windows-1252 their characters. Named
//! references come from the standard's whole table ([`web_atoms::NAMED_ENTITIES`]):
//! case-sensitive, the longest name that matches, and, in an attribute value, a
//! legacy name without `;` followed by `=` or a letter or digit is left as written.
//!
//! Decoding is linear in the value's length: each `&` reads at most the longest name
//! of the table, or the digits that follow it once.

use std::borrow::Cow;

use web_atoms::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// Decodes the character references of an attribute value `raw`, and replaces each
/// U+0000 with U+FFFD, as the tokenizer's attribute value states do: the value a
/// browser hands to the URL parser.
///
/// ```text
/// "a&amp;b&#0000000046;&period;&ampx=" → "a&b..&ampx="
/// "\0s:" → "\u{FFFD}s:"   (a relative URL, not the scheme `s:`)
/// ```
pub(crate) fn decode_references(raw: &str) -> Cow<'_, str> {
    let special = |text: &str| memchr::memchr2(b'&', b'\0', text.as_bytes());
    let Some(mut at) = special(raw) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let used = if rest.starts_with('\0') {
            out.push('\u{FFFD}');
            1
        } else if let Some((decoded, used)) = reference(rest) {
            out.extend(decoded.into_iter().flatten());
            used
        } else {
            out.push('&');
            1
        };
        rest = &rest[used..];
        match special(rest) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The characters `text` (starting with `&`) refers to in an attribute value and the
/// bytes the reference uses; `None` where the tokenizer leaves the `&` as written.
fn reference(text: &str) -> Option<([Option<char>; 2], usize)> {
    let body = text.as_bytes().get(1..)?;
    // The commonest reference in a URL (a query's `&`), as the table reads it: no
    // longer name starts with `amp;`.
    if body.starts_with(b"amp;") {
        return Some(([Some('&'), None], 5));
    }
    match body.first()? {
        b'#' => numeric(&body[1..]).map(|(c, used)| ([Some(c), None], 2 + used)),
        b if b.is_ascii_alphanumeric() => named(body).map(|(chars, used)| (chars, 1 + used)),
        _ => None,
    }
}

/// A numeric reference after `&#`: the character and the bytes used.
fn numeric(body: &[u8]) -> Option<(char, usize)> {
    let (radix, skip) = match body.first() {
        Some(b'x' | b'X') => (16, 1),
        _ => (10, 0),
    };
    let digits = &body[skip..];
    let len = digits
        .iter()
        .take_while(|&&b| char::from(b).is_digit(radix))
        .count();
    if len == 0 {
        // `&#` or `&#x` without a digit: left as written.
        return None;
    }
    // The tokenizer's value only grows; past U+10FFFF it is replaced whatever it is.
    let value = digits[..len].iter().fold(0u32, |value, &b| {
        let digit = char::from(b).to_digit(radix).unwrap_or(0);
        value
            .saturating_mul(radix)
            .saturating_add(digit)
            .min(0x11_0000)
    });
    let semicolon = usize::from(digits.get(len) == Some(&b';'));
    Some((numeric_character(value), skip + len + semicolon))
}

/// The "numeric character reference end state": what a value decodes to.
fn numeric_character(value: u32) -> char {
    match value {
        0 => '\u{FFFD}',
        0x80..=0x9F => C1_REPLACEMENTS[(value - 0x80) as usize]
            .or_else(|| char::from_u32(value))
            .unwrap_or('\u{FFFD}'),
        // Surrogates and values past U+10FFFF.
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    }
}

/// The longest name of the table, `;` included.
const LONGEST_NAME: usize = 32;
/// The longest legacy name (one the table also holds without `;`).
const LONGEST_LEGACY_NAME: usize = 6;

/// A named reference after `&` (`body` starts with a letter or digit): the longest
/// name of the table that matches, its characters and the bytes used; `None` where
/// it stays as written.
fn named(body: &[u8]) -> Option<([Option<char>; 2], usize)> {
    // Names are ASCII letters and digits, then `;` (legacy ones also without).
    let run = body
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let lookup = |len: usize| {
        let name = std::str::from_utf8(body.get(..len)?).ok()?;
        NAMED_ENTITIES
            .get(name)
            .filter(|(first, _)| *first != 0)
            .copied()
    };
    // With its `;`, the whole run is the longest match there can be.
    if body.get(run) == Some(&b';') && run < LONGEST_NAME {
        if let Some((first, second)) = lookup(run + 1) {
            return Some((characters(first, second), run + 1));
        }
    }
    // Else the longest legacy name the run starts with, unless (in an attribute) `=` or
    // a letter or digit follows it: then it is text.
    let (used, (first, second)) = (1..=run.min(LONGEST_LEGACY_NAME))
        .rev()
        .find_map(|len| lookup(len).map(|found| (len, found)))?;
    let legacy_text = body
        .get(used)
        .is_some_and(|&b| b == b'=' || b.is_ascii_alphanumeric());
    (!legacy_text).then(|| (characters(first, second), used))
}

/// The one or two characters of a table entry (the second 0 when there is one).
fn characters(first: u32, second: u32) -> [Option<char>; 2] {
    let second = (second != 0).then(|| char::from_u32(second)).flatten();
    [char::from_u32(first), second]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_references_of_any_length_decode_as_the_tokenizer_decodes_them() {
        for (raw, decoded) in [
            ("&#0000000046;", "."),
            ("&#x000000000002E;", "."),
            ("&#46", "."),
            ("&#X2e;x", ".x"),
            ("&#0;", "\u{FFFD}"),
            ("&#99999999999999999999;", "\u{FFFD}"),
            ("&#x110000;", "\u{FFFD}"),
            ("&#xD800;", "\u{FFFD}"),
            ("&#x80;", "\u{20AC}"),
            ("&#x81;", "\u{81}"),
            ("&#", "&#"),
            ("&#x;", "&#x;"),
            ("&#a", "&#a"),
        ] {
            assert_eq!(decode_references(raw), decoded, "{raw:?}");
        }
    }

    #[test]
    fn named_references_follow_the_standard_table() {
        for (raw, decoded) in [
            ("a&amp;b", "a&b"),
            ("&period;&sol;&colon;", "./:"),
            ("&NewLine;&Tab;", "\n\t"),
            // Case-sensitive: `&PERIOD;` is no name.
            ("&PERIOD;", "&PERIOD;"),
            ("&AMP;", "&"),
            // The longest name that matches: `&notin;`, not `&not` + `in;`.
            ("&notin;", "\u{2209}"),
            ("&notit;", "&notit;"),
            ("&not/", "\u{AC}/"),
            // Legacy names without `;`, unless `=` or a letter or digit follows.
            ("&amp", "&"),
            ("&amp/", "&/"),
            ("&ampx", "&ampx"),
            ("&amp=", "&amp="),
            ("&shy;", "\u{AD}"),
            ("&unknown;", "&unknown;"),
            ("&", "&"),
            ("&\u{e9}", "&\u{e9}"),
            ("\0s:", "\u{FFFD}s:"),
            ("&amp\0", "&\u{FFFD}"),
        ] {
            assert_eq!(decode_references(raw), decoded, "{raw:?}");
        }
        assert!(NAMED_ENTITIES.keys().all(|name| name.len() <= LONGEST_NAME));
        assert!(NAMED_ENTITIES
            .entries()
            .filter(|(name, (first, _))| *first != 0 && !name.ends_with(';'))
            .all(|(name, _)| name.len() <= LONGEST_LEGACY_NAME));
    }
}
