//! Choosing the banner language from `Accept-Language` (RFC 9110 §12.5.4).

use http::HeaderValue;

/// How many language ranges of one header are considered.
const MAX_RANGES: usize = 32;

/// The index in `available` (language tags such as `en` or `pt-BR`) that best matches
/// the visitor's `Accept-Language`, or `default` when nothing matches.
///
/// A range matches a tag equal to it, or whose primary subtag equals the range's
/// (`de-AT` is served `de`); higher `q` wins, then earlier ranges; `q=0` excludes.
pub(crate) fn negotiate<'a>(
    accept_language: Option<&HeaderValue>,
    available: impl Iterator<Item = &'a str> + Clone,
    default: usize,
) -> usize {
    let Some(header) = accept_language.and_then(|v| v.to_str().ok()) else {
        return default;
    };
    let mut best: Option<(u16, usize)> = None;
    for range in header.split(',').take(MAX_RANGES) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .find_map(|param| {
                let (name, value) = param.split_once('=')?;
                (name.trim().eq_ignore_ascii_case("q")).then(|| parse_quality(value.trim()))
            })
            .unwrap_or(Some(1000));
        let Some(quality) = quality.filter(|&q| q > 0) else {
            continue;
        };
        if best.is_some_and(|(q, _)| q >= quality) {
            continue;
        }
        let found = if tag == "*" {
            Some(default)
        } else {
            position_matching(tag, available.clone())
        };
        if let Some(index) = found {
            best = Some((quality, index));
        }
    }
    best.map_or(default, |(_, index)| index)
}

fn position_matching<'a>(
    range: &str,
    available: impl Iterator<Item = &'a str> + Clone,
) -> Option<usize> {
    if range.is_empty() {
        return None;
    }
    available
        .clone()
        .position(|tag| tag.eq_ignore_ascii_case(range))
        .or_else(|| {
            let primary = range.split('-').next().unwrap_or(range);
            available.clone().position(|tag| {
                tag.split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
            })
        })
}

/// A `qvalue` in thousandths; `None` when malformed.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .zip([100, 10, 1])
        .map(|(digit, weight)| u16::from(digit - b'0') * weight)
        .sum::<u16>();
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// `primary[-subtag…]`: 2 to 8 letters, then subtags of 1 to 8 letters or digits.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVAILABLE: [&str; 4] = ["en", "es", "de", "fr"];

    fn pick(header: &str) -> &'static str {
        let value = HeaderValue::from_str(header).unwrap();
        AVAILABLE[negotiate(Some(&value), AVAILABLE.iter().copied(), 0)]
    }

    #[test]
    fn negotiation() {
        assert_eq!(pick("de-AT,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(pick("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5"), "fr");
        assert_eq!(pick("it, es;q=0.5"), "es");
        assert_eq!(pick("en;q=0.2, es;q=0.9"), "es");
        assert_eq!(pick("ES"), "es");
        assert_eq!(pick("es;q=0, de;q=0.1"), "de");
        assert_eq!(pick("it"), "en");
        assert_eq!(pick("*"), "en");
        assert_eq!(pick("es;q=2, fr"), "fr");
        assert_eq!(pick("es;q=0.5x, fr;q=0.1"), "fr");
        assert_eq!(pick(""), "en");
        assert_eq!(pick(",,;;=,"), "en");
        assert_eq!(negotiate(None, AVAILABLE.iter().copied(), 2), 2);
    }

    #[test]
    fn qualities() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.005"), Some(5));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.1234"), None);
        assert_eq!(parse_quality("-0"), None);
    }
}
