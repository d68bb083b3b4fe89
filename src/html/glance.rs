//! A glance at a start tag as the page wrote it: whether the gate must read its
//! attributes at all.
//!
//! Most elements of a page name no tracker and carry no annotation, and reading the
//! attributes of each one (lol_html parses them lazily, one by one) is most of what
//! the gate would cost. One pass over the tag's bytes tells which tags are such: each
//! byte's class says whether it may begin something the gate reads, and only those few
//! bytes are looked at further.

use super::catalog::{ends_with_data, ResourceMatcher};

/// What a byte of a start tag may begin.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Class {
    /// Nothing the gate reads.
    Plain = 0,
    /// `-`: the dash of `data-consent` or `data-category`.
    Dash,
    /// `.`: the last dot of a host.
    Dot,
    /// `:`: the end of `data:`, a URL whose text may be base64.
    Colon,
    /// `&`, `%` or a byte beyond ASCII: a character reference, a percent escape or a
    /// character a URL parser may map to ASCII (`。`); only reading decodes them.
    Escape,
    /// `\`, tab or newline: a browser reads `\` as `/` and drops tabs and newlines,
    /// so a local path may be written apart.
    PathSpelling,
}

static CLASSES: [Class; 256] = {
    let mut table = [Class::Plain; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'-' => Class::Dash,
            b'.' => Class::Dot,
            b':' => Class::Colon,
            b'&' | b'%' | 0x80..=0xFF => Class::Escape,
            b'\\' | b'\t' | b'\n' | b'\r' => Class::PathSpelling,
            _ => Class::Plain,
        };
        b += 1;
    }
    table
};

/// Whether the attributes of the start tag `tag`, as the page wrote it, must be read:
/// it may carry an annotation (with `annotations`: it has `data-c` in any case), or
/// a URL `matcher` matches, in any attribute, however a browser reads them. No matcher:
/// nothing is left to match.
///
/// `false` with a matcher only for a tag in plain ASCII (no character reference, no
/// percent escape, no `data:` URL; no `\`, tab or newline either when the app has
/// rules for its own paths) where no run of host characters names the host of an
/// entry, whatever its path, and no local path of a rule appears. Every host and path
/// [`ResourceMatcher::find`] reads in such a tag is a run of its bytes, lower-cased.
/// Relative URLs read against a `<base>` are not covered: with a base, read.
pub(super) fn must_read(tag: &[u8], annotations: bool, matcher: Option<&ResourceMatcher>) -> bool {
    let Some(matcher) = matcher else {
        // One byte to look for: memchr's job.
        return annotations
            && memchr::memchr_iter(b'-', tag).any(|dash| begins_an_annotation(tag, dash));
    };
    let mut reader = Reader {
        tag,
        annotations,
        matcher,
        local_rules: matcher.has_local_rules(),
        dots: [0; DOTS],
        dot_count: 0,
    };
    let words = tag.chunks_exact(8);
    let rest = words.remainder();
    for (start, word) in (0..).step_by(8).zip(words) {
        // Nearly every byte of a tag is plain: eight are classified with one branch.
        let classes = word
            .iter()
            .fold(0, |any, &b| any | CLASSES[usize::from(b)] as u8);
        if classes != Class::Plain as u8 && reader.any_says_read(start, word) {
            return true;
        }
    }
    reader.any_says_read(tag.len() - rest.len(), rest) || reader.hosts_or_paths()
}

/// What [`must_read`] has found so far.
struct Reader<'a> {
    tag: &'a [u8],
    annotations: bool,
    matcher: &'a ResourceMatcher,
    local_rules: bool,
    /// The hosts are looked up last, at these dots (the first [`DOTS`], then from the
    /// last of them on): most tags that hold one are read for a cheaper reason.
    dots: [usize; DOTS],
    dot_count: usize,
}

/// How many dots of a tag [`Reader`] keeps.
const DOTS: usize = 8;

impl Reader<'_> {
    /// Whether a byte of `bytes`, which start at `start` in the tag, says the tag must
    /// be read.
    fn any_says_read(&mut self, start: usize, bytes: &[u8]) -> bool {
        (start..).zip(bytes).any(|(at, &b)| {
            let class = CLASSES[usize::from(b)];
            class != Class::Plain && self.says_read(at, class)
        })
    }

    /// Whether the byte at `at`, of `class`, says the tag must be read.
    // Out of line: inlined, its reading around `at` made the loop over plain bytes
    // carry an offset for each byte it reads.
    #[inline(never)]
    fn says_read(&mut self, at: usize, class: Class) -> bool {
        let tag = self.tag;
        match class {
            Class::Plain => false,
            Class::Dash => self.annotations && begins_an_annotation(tag, at),
            Class::Dot => {
                if let Some(slot) = self.dots.get_mut(self.dot_count) {
                    *slot = at;
                    self.dot_count += 1;
                }
                false
            }
            Class::Colon => ends_with_data(&tag[..at]),
            Class::Escape => true,
            Class::PathSpelling => self.local_rules,
        }
    }

    /// Whether a host or a local path the matcher knows appears in the tag.
    fn hosts_or_paths(&self) -> bool {
        let (tag, matcher) = (self.tag, self.matcher);
        let dots = &self.dots[..self.dot_count];
        let names_a_host = match dots.split_last() {
            Some((&last, _)) if dots.len() == DOTS => {
                // More dots than kept: the rest are found again.
                dots.iter().any(|&dot| matcher.names_a_host_at(tag, dot))
                    || matcher.names_a_host(tag, last + 1)
            }
            _ => dots.iter().any(|&dot| matcher.names_a_host_at(tag, dot)),
        };
        names_a_host || (self.local_rules && matcher.mentions_local_path(tag))
    }
}

/// Whether the dash at `dash` is that of `data-c` in any case (`data-consent`,
/// `data-category`).
fn begins_an_annotation(tag: &[u8], dash: usize) -> bool {
    dash >= 4
        && tag[dash - 4..dash].eq_ignore_ascii_case(b"data")
        && tag
            .get(dash + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'c'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::catalog::test_matcher as matcher;
    use crate::html::url::Url;
    use crate::Category;

    #[test]
    fn a_tag_is_kept_unread_only_when_no_url_in_it_can_match() {
        let catalog = matcher(&[]);
        let plain = |tag: &str| !must_read(tag.as_bytes(), false, Some(&catalog));
        assert!(plain(
            r#"<img src="/img/a.jpg" alt="A picture" width="640">"#
        ));
        assert!(plain(
            r#"<img src="https://cdn.example.com/a.jpg" srcset="b.webp 2x">"#
        ));
        assert!(plain(
            "<iframe\nsrc=https://www.youtube-nocookie.com/embed/x>"
        ));
        let m = matcher(&[("/js/tracker.js", Category::Marketing)]);
        let may = |tag: &str| must_read(tag.as_bytes(), false, Some(&m));
        assert!(!may(
            r#"<img src="/img/a.jpg" alt="A picture" width="640">"#
        ));
        // With rules for local paths, a newline anywhere sends the tag to be read.
        assert!(may(
            "<iframe\nsrc=https://www.youtube-nocookie.com/embed/x>"
        ));
        for tag in [
            r#"<img src="https://www.facebook.com/tr?id=1">"#,
            r#"<img src="https://www.facebook.com:443/tr">"#,
            r#"<IMG SRC="HTTPS://WWW.FACEBOOK.COM/TR">"#,
            r#"<img src="https:\\www.facebook.com\tr">"#,
            r#"<iframe src="https://www.google-analytics.com./x">"#,
            "<img src=\"//www.google-ana\nlytics.com/collect\">",
            r#"<img src="https://user:pw@www.google-analytics.com/x">"#,
            r#"<img src="https://www&#46;google-analytics.com/x">"#,
            r#"<img src="https://www%2Egoogle-analytics.com/x">"#,
            "<img src=\"https://www.google-analytics\u{3002}com/x\">",
            r#"<iframe srcdoc="<script src=//www.googletagmanager.com/gtm.js></script>">"#,
            r#"<img src="/JS/Tracker.js">"#,
            "<img src=\"/js/\ntracker.js\">",
            r#"<img src="\js\tracker.js">"#,
            r#"<script src="data:text/javascript;base64,Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20v">"#,
            "<iframe src=\"D\nAtA:text/html;base64,Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20v\">",
            // More dots than the glance keeps before the host.
            r#"<img alt="a.b.c.d.e.f.g.h.i.j" src="https://www.facebook.com/tr">"#,
            r#"<img alt="a.b.c.d.e.f.g" src="https://www.facebook.com/tr">"#,
        ] {
            assert!(may(tag), "{tag:?}");
        }
    }

    #[test]
    fn an_annotation_is_read_in_any_case_and_only_with_annotations_on() {
        for tag in [
            "<img data-consent=analytics src=/a.jpg>",
            "<script type=text/plain DATA-CATEGORY=marketing>",
            "<iframe\ndata-Consent=\"x\">",
        ] {
            assert!(must_read(tag.as_bytes(), true, None), "{tag:?}");
            assert!(!must_read(tag.as_bytes(), false, None), "{tag:?}");
        }
        for tag in [
            "<img data-src=/a.jpg aria-label=x>",
            "<img -c data->",
            "<img",
        ] {
            assert!(!must_read(tag.as_bytes(), true, None), "{tag:?}");
        }
    }

    /// URL-ish attribute values built from the spellings browsers forgive.
    fn url_value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let part = prop::sample::select(vec![
            "https://",
            "//",
            "https:",
            "HTTP:\\\\",
            "javascript:",
            "data:text/html,",
            "data:text/html;base64,",
            ";BASE64,",
            // `<script src=//www.googletagmanager.com/gtm.js>`, base64.
            "PHNjcmlwdCBzcmM9Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20vZ3RtLmpzPg==",
            "/",
            "\\",
            "user@",
            "www.",
            "WWW.",
            "facebook.com",
            "google-analytics.com",
            "googletagmanager.com",
            "s.pinimg.com",
            "pinimg",
            ".com",
            ".c",
            ".Co",
            ".",
            "-",
            ":443",
            "/tr",
            "/TR",
            "/ct/",
            "?id=1",
            "/js/tracker.js",
            "/a.jpg",
            "&#46;",
            "&amp;",
            "%2E",
            "%2f",
            "\t",
            "\n",
            " ",
            "\u{3002}",
            "x",
            "<script src=",
            ",",
            " 2x",
        ]);
        prop::collection::vec(part, 0..10).prop_map(|parts| parts.concat())
    }

    proptest::proptest! {
        #[test]
        fn a_tag_that_may_not_match_holds_no_url_that_does(
            values in proptest::collection::vec(url_value(), 1..4),
            local_rule in proptest::bool::ANY,
            annotations in proptest::bool::ANY,
        ) {
            let rules: &[(&str, Category)] = if local_rule {
                &[("/js/tracker.js", Category::Marketing)]
            } else {
                &[]
            };
            let m = matcher(rules);
            let names = ["src", "srcset", "srcdoc", "href"];
            let mut tag = String::from("<img");
            let mut matched = false;
            for (value, name) in values.iter().zip(names) {
                tag.push_str(&format!(" {name}=\"{value}\""));
                matched |= match name {
                    "srcset" => crate::html::url::decode_references(value)
                        .split_ascii_whitespace()
                        .any(|url| m.find(&Url::new(url).target(None)).is_some()),
                    "srcdoc" => m.scan(&crate::html::url::decode_references(value)).is_some(),
                    _ => m.find(&Url::new(value).target(None)).is_some(),
                };
            }
            tag.push('>');
            proptest::prop_assert!(
                !matched || must_read(tag.as_bytes(), annotations, Some(&m)),
                "{tag:?}"
            );
        }
    }
}
