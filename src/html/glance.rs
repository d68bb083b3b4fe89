//! A glance at a start tag as the page wrote it: whether the gate must read its
//! attributes at all.
//!
//! Most elements of a page name no tracker and carry no annotation, and reading the
//! attributes of each one (lol_html parses them lazily, one by one) is most of what
//! the gate would cost. One pass over the tag's bytes, without a branch on them, tells
//! which kinds of bytes that may begin something the gate reads it holds; only those
//! are then looked for (most tags hold a dot or two, and no other).

use super::catalog::ResourceMatcher;
use super::url::is_tab_or_newline;

/// The kinds of bytes a start tag may hold that begin something the gate reads, one
/// bit each.
mod kind {
    /// `-`: the dash of `data-consent` or `data-category`.
    pub(super) const DASH: u8 = 1;
    /// `.`: the last dot of a host.
    pub(super) const DOT: u8 = 2;
    /// `:`: the end of `data:`, a URL whose text may be base64.
    pub(super) const COLON: u8 = 4;
    /// `&`, `%` or a byte beyond ASCII: a character reference, a percent escape or a
    /// character a URL parser may map to ASCII (`。`); only reading decodes them.
    pub(super) const ESCAPE: u8 = 8;
    /// `\`, tab or newline: a browser reads `\` as `/` and drops tabs and newlines,
    /// so a local path may be written apart.
    pub(super) const PATH_SPELLING: u8 = 16;
}

/// The [`kind`] of each byte; 0 for the others.
static KINDS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'-' => kind::DASH,
            b'.' => kind::DOT,
            b':' => kind::COLON,
            b'&' | b'%' | 0x80..=0xFF => kind::ESCAPE,
            b'\\' | b'\t' | b'\n' | b'\r' => kind::PATH_SPELLING,
            _ => 0,
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
/// entry, whatever its path, and the last segment of no local rule's path appears.
/// The URL parser ([`ResourceMatcher::find`]) changes such a tag's hosts only by
/// lower-casing them and dropping what ends a run (UTS 46 maps nothing else in ASCII),
/// so every host it reads there is a run of the tag's bytes; a path it resolves to a
/// rule's holds the rule's last segment as written or takes it from the base's path.
/// Not covered, so the caller reads every tag then: relative URLs after a `<base>`, and
/// a page whose own host or path may match
/// ([`ResourceMatcher::matches_around`]).
pub(super) fn must_read(tag: &[u8], annotations: bool, matcher: Option<&ResourceMatcher>) -> bool {
    let annotated = || memchr::memchr_iter(b'-', tag).any(|dash| begins_an_annotation(tag, dash));
    let Some(matcher) = matcher else {
        // One byte to look for: memchr's job.
        return annotations && annotated();
    };
    let local_rules = matcher.has_local_rules();
    let kinds = tag
        .iter()
        .fold(0, |kinds, &b| kinds | KINDS[usize::from(b)]);
    let read_at_once = match local_rules {
        true => kind::ESCAPE | kind::PATH_SPELLING,
        false => kind::ESCAPE,
    };
    let holds = |kind| kinds & kind != 0;
    holds(read_at_once)
        || (holds(kind::DASH) && annotations && annotated())
        || (holds(kind::COLON)
            && memchr::memchr_iter(b':', tag).any(|colon| ends_with_data(&tag[..colon])))
        || (holds(kind::DOT)
            && memchr::memchr_iter(b'.', tag).any(|dot| matcher.names_a_host_at(tag, dot)))
        || (local_rules && matcher.mentions_local_path(tag))
}

/// The last start tags [`must_read`] was asked about, exactly as written, and its
/// answers, for one response (the annotations setting and the matcher stay the same
/// through it): a page repeats its tags (an image, a pixel, a player in every block),
/// and a tag read before is looked up instead of glanced at again.
#[derive(Debug, Default)]
pub(super) struct RecentGlances {
    /// Tags and answers; the oldest is replaced first. An empty tag matches none.
    tags: [(Vec<u8>, bool); RecentGlances::KEPT],
    /// The slot the next answer goes to.
    next: usize,
}

impl RecentGlances {
    /// How many tags are kept.
    const KEPT: usize = 8;
    /// Longer tags are not kept: they are rarely repeated, and holding them would
    /// cost memory.
    const LONGEST: usize = 512;

    /// [`must_read`] with a matcher, answered from the tags kept when `tag` is one.
    pub(super) fn must_read(
        &mut self,
        tag: &[u8],
        annotations: bool,
        matcher: &ResourceMatcher,
    ) -> bool {
        if let Some((_, answer)) = self.tags.iter().find(|(kept, _)| kept[..] == *tag) {
            return *answer;
        }
        let answer = must_read(tag, annotations, Some(matcher));
        if tag.len() <= Self::LONGEST {
            let (kept, kept_answer) = &mut self.tags[self.next];
            kept.clear();
            kept.extend_from_slice(tag);
            *kept_answer = answer;
            self.next = (self.next + 1) % Self::KEPT;
        }
        answer
    }
}

/// Whether `text` ends with `data` in any case, tabs and newlines left out.
fn ends_with_data(text: &[u8]) -> bool {
    let mut letters = text.iter().rev().filter(|&&b| !is_tab_or_newline(b));
    b"atad".iter().all(|&letter| {
        letters
            .next()
            .is_some_and(|b| b.eq_ignore_ascii_case(&letter))
    })
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
    use crate::html::srcset::srcset_urls;
    use crate::html::url::{decode_references, test_location, Url};
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
    fn a_tag_glanced_at_before_gets_the_same_answer() {
        let catalog = matcher(&[]);
        let mut recent = RecentGlances::default();
        let tags = [
            r#"<img src="/img/a.jpg" alt="A picture" width="640">"#,
            r#"<img src="https://www.facebook.com/tr?id=1">"#,
            r#"<iframe src="https://www.youtube-nocookie.com/embed/x">"#,
            "<img data-consent=analytics src=/a.jpg>",
        ];
        for _ in 0..3 {
            for annotations in [false, true] {
                let mut recent_here = RecentGlances::default();
                for tag in tags {
                    let tag = tag.as_bytes();
                    let expected = must_read(tag, annotations, Some(&catalog));
                    assert_eq!(recent_here.must_read(tag, annotations, &catalog), expected);
                }
            }
            for tag in tags {
                let tag = tag.as_bytes();
                assert_eq!(
                    recent.must_read(tag, true, &catalog),
                    must_read(tag, true, Some(&catalog))
                );
            }
        }
        // More tags than are kept, and a tag too long to keep.
        let long = format!(
            "<img alt=\"{}\" src=https://www.facebook.com/tr>",
            "x".repeat(600)
        );
        for i in 0..20 {
            let tag = format!("<img src=/{i}.png>");
            assert!(!recent.must_read(tag.as_bytes(), true, &catalog));
            assert!(recent.must_read(long.as_bytes(), true, &catalog));
        }
        assert!(recent.must_read(tags[1].as_bytes(), true, &catalog));
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
            "2x,",
            // Spellings the URL parser maps: references of any length, UTS 46 (a soft
            // hyphen, a zero-width space, full-width letters), dot segments.
            "&#0000000046;",
            "&shy;",
            "\u{AD}",
            "\u{200B}",
            "%C2%AD",
            "\u{FF46}\u{FF41}",
            "/./",
            "/x/../",
            "/%2e%2E/",
            "js/tracker.js",
            "./",
            "../",
            "tracker.js",
            "?",
        ]);
        prop::collection::vec(part, 0..10).prop_map(|parts| parts.concat())
    }

    /// Whether the gate holds back an element with a URL that found this: it matched,
    /// or it nests documents too deep to read.
    fn matches(
        found: Result<Option<crate::html::catalog::Hit>, crate::html::url::TooDeep>,
    ) -> bool {
        !matches!(found, Ok(None))
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
                let location = test_location();
                let find = |url: &str| matches(m.find(&Url::new(url).target(&location), |_| true));
                matched |= match name {
                    "srcset" => srcset_urls(&decode_references(value)).any(find),
                    "srcdoc" => matches(m.scan_document(value, |_| true)),
                    _ => find(value),
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
