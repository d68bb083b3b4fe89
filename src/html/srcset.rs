//! The URLs of a `srcset` (or `imagesrcset`) attribute, found as HTML's "parse a
//! srcset attribute" algorithm finds them.
//!
//! A candidate's URL is a run of characters other than ASCII whitespace; trailing
//! commas end it (and the candidate), otherwise its descriptors run to the next comma
//! outside parentheses, with or without whitespace around it:
//! `a.jpg 2x,https://t.example/p 1x` holds two URLs. Every URL is returned, also
//! those of candidates whose descriptors a browser would reject: reading one URL too
//! many only holds back more.

/// The candidate URLs of the (character-reference-decoded) attribute value `value`.
///
/// ```text
/// "a.jpg 2x,b.jpg 1x"  → ["a.jpg", "b.jpg"]
/// "a.jpg, b.jpg 100w"  → ["a.jpg", "b.jpg"]
/// "a.jpg,b.jpg 100w"   → ["a.jpg,b.jpg"]   (a comma inside a URL is the URL's)
/// ```
pub(crate) fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    let bytes = value.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // Whitespace and commas before a candidate.
        while bytes
            .get(at)
            .is_some_and(|&b| b == b',' || b.is_ascii_whitespace())
        {
            at += 1;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        let mut url = &value[start..at];
        let trimmed = url.trim_end_matches(',');
        if trimmed.len() < url.len() {
            // Trailing commas end the candidate: no descriptors.
            url = trimmed;
        } else {
            skip_descriptors(bytes, &mut at);
        }
        Some(url)
    })
    .filter(|url| !url.is_empty())
}

/// Moves `at` past a candidate's descriptors: to just after the comma that ends the
/// candidate (outside parentheses), or to the end.
fn skip_descriptors(bytes: &[u8], at: &mut usize) {
    let mut in_parens = false;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        match b {
            b'(' if !in_parens => in_parens = true,
            b')' if in_parens => in_parens = false,
            b',' if !in_parens => return,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(value: &str) -> Vec<&str> {
        srcset_urls(value).collect()
    }

    #[test]
    fn candidates_split_as_html_splits_them() {
        assert_eq!(
            urls("a.jpg 2x,https://www.facebook.com/tr 1x"),
            ["a.jpg", "https://www.facebook.com/tr"]
        );
        assert_eq!(urls("a.jpg, b.jpg 100w"), ["a.jpg", "b.jpg"]);
        assert_eq!(urls("a.jpg,b.jpg 100w"), ["a.jpg,b.jpg"]);
        assert_eq!(urls("  a.jpg ,, b.jpg,"), ["a.jpg", "b.jpg"]);
        assert_eq!(urls("a,b.jpg"), ["a,b.jpg"]);
        assert_eq!(urls("a.jpg (x, y) 2x, b.jpg"), ["a.jpg", "b.jpg"]);
        assert_eq!(urls("a.jpg\t1x,\nb.jpg"), ["a.jpg", "b.jpg"]);
        assert_eq!(urls(",,, "), Vec::<&str>::new());
        assert_eq!(urls("a.jpg 1x 2x 3x"), ["a.jpg"]);
    }
}
