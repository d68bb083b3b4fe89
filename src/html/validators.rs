//! Validators follow the representation: a page the gate decides on is a different
//! representation for each consent state, so its `ETag` names the state it was gated
//! for, and a conditional request reaches the app only while it can still be true for
//! the visitor's state.
//!
//! - **Response.** The app's `ETag` (`"abc"` or `W/"abc"`) becomes `W/"abc~tcs<state>"`
//!   (`s` or `w`: the app's own strength, restored on the way back). It is weak: the
//!   gated bytes of one state are equivalent, not identical, over time (the banner's
//!   cookie lists grow as the layer sees catalog cookies). `Last-Modified` is dropped:
//!   a date cannot say which state the browser's copy was gated for.
//! - **Request.** In `If-None-Match`, a tag of the gate's for this visitor's state is
//!   handed to the app as the app's own tag, so the app's `304` keeps working (and the
//!   gate tags the `304`'s `ETag` again); a tag of another state is removed, and if no
//!   tag is left the header goes, with `If-Modified-Since` (which the app would
//!   evaluate instead). `*` and the app's own tags pass. An `If-Range` naming a tag of
//!   the gate's can never match (a weak tag), so `If-Range` and `Range` go and the app
//!   answers the whole page, which is gated.
//!
//! The state is everything that changes the gated bytes: the granted categories,
//! whether the visitor decided and whether the banner is open (a decision made in
//! another regime can leave it open), whether Global Privacy Control is applied (its
//! notice), the regime (which banner or notice), the policy revision and the banner
//! language.

use http::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED, RANGE};
use http::{HeaderMap, HeaderValue};

use crate::consent::Consent;
use crate::Regime;

/// Marks a tag of the gate's: the app's opaque tag, this, its strength, the state.
const MARK: &str = "~tc";

/// The consent state a page is gated for, in one compact, stable form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StateKey(String);

impl StateKey {
    /// The state of `consent`, served in `language` (an index of the banner texts).
    pub(crate) fn new(consent: &Consent, language: usize) -> Self {
        let regime = match consent.regime() {
            Regime::OptIn => 0,
            Regime::OptOut => 1,
            Regime::NoticeOnly => 2,
        };
        let flags = u8::from(consent.decided())
            | u8::from(consent.needs_banner()) << 1
            | u8::from(consent.gpc_applied()) << 2
            | regime << 3;
        Self(format!(
            "{:x}.{flags:x}.{:x}.{language:x}",
            consent.granted_set().bits(),
            consent.revision(),
        ))
    }
}

/// An entity tag: its opaque part (without quotes) and whether it is weak.
struct Tag<'a> {
    weak: bool,
    opaque: &'a str,
}

impl<'a> Tag<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim_matches([' ', '\t']);
        let (weak, quoted) = match text.strip_prefix("W/") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let opaque = quoted.strip_prefix('"')?.strip_suffix('"')?;
        (!opaque.contains('"')).then_some(Self { weak, opaque })
    }

    /// The app's tag and the state, if this is a tag of the gate's.
    fn gated(&self) -> Option<(Tag<'a>, &'a str)> {
        let at = self.opaque.rfind(MARK)?;
        let (opaque, rest) = (&self.opaque[..at], &self.opaque[at + MARK.len()..]);
        let (weak, state) = match rest.as_bytes().first()? {
            b's' => (false, &rest[1..]),
            b'w' => (true, &rest[1..]),
            _ => return None,
        };
        let state_like = !state.is_empty()
            && state
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'.');
        state_like.then_some((Tag { weak, opaque }, state))
    }

    fn write(&self, out: &mut String) {
        if self.weak {
            out.push_str("W/");
        }
        out.push('"');
        out.push_str(self.opaque);
        out.push('"');
    }
}

/// Splits an `If-None-Match` list into its members (entity tags cannot hold `"`,
/// so a comma inside quotes is part of a tag).
fn members(list: &str) -> impl Iterator<Item = &str> {
    let mut rest = list;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(rest.len(), |(i, _)| i);
        let member = rest[..end].trim_matches([' ', '\t']);
        rest = rest.get(end + 1..).unwrap_or("");
        if !member.is_empty() {
            return Some(member);
        }
    })
}

/// Whether the request's conditional headers name a validator of the gate's.
pub(crate) fn names_gated_validator(headers: &HeaderMap) -> bool {
    let marked = |value: &HeaderValue| {
        value
            .as_bytes()
            .windows(MARK.len())
            .any(|window| window == MARK.as_bytes())
    };
    headers.get_all(IF_NONE_MATCH).iter().any(marked)
        || headers.get_all(IF_RANGE).iter().any(marked)
}

/// Rewrites the request's conditional headers for a visitor in `state` (see the
/// module documentation). Returns whether a tag of the gate's was handed to the app
/// as its own, so that the `304` it may answer is tagged again.
pub(crate) fn translate_request(headers: &mut HeaderMap, state: &StateKey) -> bool {
    if headers.get_all(IF_RANGE).iter().any(|value| {
        value
            .to_str()
            .ok()
            .and_then(Tag::parse)
            .is_some_and(|t| t.gated().is_some())
    }) {
        headers.remove(IF_RANGE);
        headers.remove(RANGE);
    }
    let mut handed = false;
    let mut removed = false;
    let mut kept = String::new();
    let mut unreadable = false;
    for value in headers.get_all(IF_NONE_MATCH) {
        let Ok(list) = value.to_str() else {
            unreadable = true;
            continue;
        };
        for member in members(list) {
            if member == "*" {
                push_member(&mut kept, |out| out.push('*'));
                continue;
            }
            let Some(tag) = Tag::parse(member) else {
                unreadable = true;
                continue;
            };
            match tag.gated() {
                None => push_member(&mut kept, |out| tag.write(out)),
                Some((own, tagged_state)) if tagged_state == state.0 => {
                    handed = true;
                    push_member(&mut kept, |out| own.write(out));
                }
                Some(_) => removed = true,
            }
        }
    }
    if !handed && !removed && !unreadable {
        return false;
    }
    headers.remove(IF_NONE_MATCH);
    // A list the gate cannot read might hold a tag of another state: it goes whole.
    if !unreadable {
        if let Ok(value) = HeaderValue::from_str(&kept) {
            if !kept.is_empty() {
                headers.insert(IF_NONE_MATCH, value);
            }
        }
    }
    if !headers.contains_key(IF_NONE_MATCH) {
        headers.remove(IF_MODIFIED_SINCE);
        handed = false;
    }
    handed
}

fn push_member(list: &mut String, write: impl FnOnce(&mut String)) {
    if !list.is_empty() {
        list.push_str(", ");
    }
    write(list);
}

/// Makes the response's validators name `state`: the app's `ETag` tagged with it (an
/// unreadable one removed), `Last-Modified` removed.
pub(crate) fn follow_state(headers: &mut HeaderMap, state: &StateKey) {
    headers.remove(LAST_MODIFIED);
    let tagged = headers
        .get(ETAG)
        .and_then(|value| value.to_str().ok())
        .and_then(Tag::parse)
        .and_then(|tag| {
            // The app's own strength is kept inside the tag, to be handed back.
            let (own, _) = tag.gated().unwrap_or((
                Tag {
                    weak: tag.weak,
                    opaque: tag.opaque,
                },
                "",
            ));
            let strength = if own.weak { 'w' } else { 's' };
            HeaderValue::from_str(&format!("W/\"{}{MARK}{strength}{}\"", own.opaque, state.0)).ok()
        });
    headers.remove(ETAG);
    if let Some(tagged) = tagged {
        headers.insert(ETAG, tagged);
    }
}

/// Removes the response's validators: an answer of the gate's own, for no state.
pub(crate) fn remove(headers: &mut HeaderMap) {
    headers.remove(ETAG);
    headers.remove(LAST_MODIFIED);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(text: &str) -> StateKey {
        StateKey(text.to_owned())
    }

    fn request(pairs: &[(http::HeaderName, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn tagged(etag: &str, key: &str) -> String {
        let mut headers = request(&[
            (ETAG, etag),
            (LAST_MODIFIED, "Tue, 01 Dec 2026 00:00:00 GMT"),
        ]);
        follow_state(&mut headers, &state(key));
        assert!(!headers.contains_key(LAST_MODIFIED));
        headers
            .get(ETAG)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn responses_name_the_state_in_a_weak_tag() {
        assert_eq!(tagged("\"abc\"", "3.1.1.0"), "W/\"abc~tcs3.1.1.0\"");
        assert_eq!(tagged("W/\"abc\"", "1.0.1.2"), "W/\"abc~tcw1.0.1.2\"");
        // Tagged twice (two layers, or a cached tag): the app's tag is kept once.
        assert_eq!(
            tagged("W/\"abc~tcs1.0.1.0\"", "3.1.1.0"),
            "W/\"abc~tcs3.1.1.0\""
        );
        assert_eq!(tagged("no quotes", "1.0.1.0"), "");
    }

    #[test]
    fn a_matching_state_hands_the_app_its_own_tag() {
        let mut headers = request(&[
            (IF_NONE_MATCH, "W/\"abc~tcs3.1.1.0\""),
            (IF_MODIFIED_SINCE, "Tue, 01 Dec 2026 00:00:00 GMT"),
        ]);
        assert!(names_gated_validator(&headers));
        assert!(translate_request(&mut headers, &state("3.1.1.0")));
        assert_eq!(headers[IF_NONE_MATCH], "\"abc\"");
        assert!(headers.contains_key(IF_MODIFIED_SINCE));
        let mut weak = request(&[(IF_NONE_MATCH, "W/\"abc~tcw3.1.1.0\"")]);
        assert!(translate_request(&mut weak, &state("3.1.1.0")));
        assert_eq!(weak[IF_NONE_MATCH], "W/\"abc\"");
    }

    #[test]
    fn another_state_drops_the_condition() {
        let mut headers = request(&[
            (IF_NONE_MATCH, "W/\"abc~tcs3.1.1.0\""),
            (IF_MODIFIED_SINCE, "Tue, 01 Dec 2026 00:00:00 GMT"),
        ]);
        assert!(!translate_request(&mut headers, &state("1.1.1.0")));
        assert!(!headers.contains_key(IF_NONE_MATCH));
        assert!(!headers.contains_key(IF_MODIFIED_SINCE));
    }

    #[test]
    fn lists_keep_the_apps_tags_and_star() {
        let mut headers = request(&[
            (IF_NONE_MATCH, "\"x,y\", W/\"abc~tcs3.1.1.0\""),
            (IF_NONE_MATCH, "W/\"abc~tcs1.1.1.0\", *"),
        ]);
        assert!(translate_request(&mut headers, &state("3.1.1.0")));
        assert_eq!(headers[IF_NONE_MATCH], "\"x,y\", \"abc\", *");
        let mut other = request(&[(IF_NONE_MATCH, "\"css-1\", W/\"abc~tcs1.1.1.0\"")]);
        assert!(!translate_request(&mut other, &state("3.1.1.0")));
        assert_eq!(other[IF_NONE_MATCH], "\"css-1\"");
        // An app tag that merely contains the mark is the app's.
        let mut app = request(&[(IF_NONE_MATCH, "\"a~tcz\"")]);
        assert!(!translate_request(&mut app, &state("3.1.1.0")));
        assert_eq!(app[IF_NONE_MATCH], "\"a~tcz\"");
    }

    #[test]
    fn an_unreadable_list_with_a_gated_tag_goes() {
        let mut headers = request(&[
            (IF_NONE_MATCH, "W/\"abc~tcs1.1.1.0\", garbage"),
            (IF_MODIFIED_SINCE, "Tue, 01 Dec 2026 00:00:00 GMT"),
        ]);
        assert!(!translate_request(&mut headers, &state("3.1.1.0")));
        assert!(!headers.contains_key(IF_NONE_MATCH));
        assert!(!headers.contains_key(IF_MODIFIED_SINCE));
    }

    #[test]
    fn if_range_with_a_gated_tag_asks_for_the_whole_page() {
        let mut headers = request(&[(IF_RANGE, "W/\"abc~tcs3.1.1.0\""), (RANGE, "bytes=100-")]);
        assert!(names_gated_validator(&headers));
        translate_request(&mut headers, &state("3.1.1.0"));
        assert!(!headers.contains_key(IF_RANGE));
        assert!(!headers.contains_key(RANGE));
        let mut date = request(&[
            (IF_RANGE, "Tue, 01 Dec 2026 00:00:00 GMT"),
            (RANGE, "bytes=100-"),
        ]);
        assert!(!names_gated_validator(&date));
        translate_request(&mut date, &state("3.1.1.0"));
        assert!(date.contains_key(RANGE));
    }
}
