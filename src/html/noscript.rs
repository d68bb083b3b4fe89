//! `<noscript>` content read as the markup a browser without JavaScript parses.
//!
//! lol_html parses a page as a browser with scripting on does: a `<noscript>`'s
//! content is text, up to the first `</noscript>`. A browser with JavaScript off
//! (NoScript, Tor Browser's safest level, a policy) parses it as markup, and loads
//! what it holds: Meta's pixel and Google Tag Manager's iframe ship such fallbacks.
//!
//! The gate holds the content back while it arrives (up to
//! [`HtmlGate::inline_script_limit`](crate::HtmlGate::inline_script_limit)), then
//! reads it with the same gate, for the same visitor, as a fragment of the page (its
//! `<base>` applies), and writes what that gate wrote: what is not refused stays byte
//! for byte. Then it writes a probe start tag after the content: if lol_html reads the
//! probe as a start tag of its own, in HTML, the content ended as markup, and a
//! browser without JavaScript reads the `</noscript>` after it as the end tag, as
//! lol_html did. Otherwise (content that ends inside a comment, a tag, a style sheet,
//! a CDATA section or SVG) the browser's reading runs on past the `</noscript>` and
//! the two would disagree about the rest of the page: the content is dropped. So is
//! content the gate cannot read as the browser would: one longer than the limit, a
//! `<noscript>` inside it (lol_html reads it as text again) or a `<base>` (it would set
//! the base of the whole page for that browser).

/// A `<noscript>` held back while its content arrives.
#[derive(Debug)]
pub(super) struct NoscriptHold {
    /// Where its start tag is in what lol_html writes, and its length.
    pub(super) at: usize,
    pub(super) len: usize,
    /// Past the limit: its content is being dropped.
    pub(super) dropping: bool,
}

impl NoscriptHold {
    /// Where its content starts in what lol_html writes.
    pub(super) fn content(&self) -> usize {
        self.at + self.len
    }
}

/// What reading a `<noscript>`'s content as a fragment showed, as the fragment's
/// rewriter learns it.
#[derive(Clone, Copy, Debug)]
pub(super) struct FragmentEnd {
    /// Where the probe after the content starts.
    probe: usize,
    /// The probe was read as a start tag in HTML.
    ended_as_markup: bool,
    /// Why the content cannot be read as the browser reads it, if it cannot.
    unreadable: Option<&'static str>,
}

impl FragmentEnd {
    /// For a content of `len` bytes, followed by the probe.
    pub(super) fn at(len: usize) -> Self {
        Self {
            probe: len,
            ended_as_markup: false,
            unreadable: None,
        }
    }

    /// Whether an element starting at `at` is the probe; it is then seen.
    pub(super) fn probe_at(&mut self, at: usize) -> bool {
        let probe = at == self.probe;
        self.ended_as_markup |= probe;
        probe
    }

    /// The content holds what the gate cannot read as the browser would.
    pub(super) fn unreadable(&mut self, why: &'static str) {
        self.unreadable.get_or_insert(why);
    }
}

/// What becomes of a `<noscript>`'s content.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fragment {
    /// Written as it came: nothing in it is held back.
    Same,
    /// Written as the gate rewrote it.
    Gated(Vec<u8>),
    /// Dropped, for this reason.
    Dropped(&'static str),
}

impl Fragment {
    /// What the fragment rewriter's output `gated` and its end `end` (`None` when it
    /// failed) make of `content`. `gated` ends where the probe was: the rewriter took
    /// the probe's start tag out.
    pub(super) fn of(content: &[u8], gated: Option<Vec<u8>>, end: Option<FragmentEnd>) -> Self {
        let (Some(gated), Some(end)) = (gated, end) else {
            return Self::Dropped("noscript-unreadable");
        };
        if let Some(why) = end.unreadable {
            return Self::Dropped(why);
        }
        if !end.ended_as_markup {
            return Self::Dropped("noscript-unfinished-markup");
        }
        if gated == content {
            Self::Same
        } else {
            Self::Gated(gated)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_kept_only_when_it_ended_as_markup_and_could_be_read() {
        let mut end = FragmentEnd::at(3);
        assert!(!end.probe_at(2));
        assert_eq!(
            Fragment::of(b"abc", Some(b"abc".to_vec()), Some(end)),
            Fragment::Dropped("noscript-unfinished-markup")
        );
        assert!(end.probe_at(3));
        assert_eq!(
            Fragment::of(b"abc", Some(b"abc".to_vec()), Some(end)),
            Fragment::Same
        );
        assert_eq!(
            Fragment::of(b"abc", Some(b"xyz".to_vec()), Some(end)),
            Fragment::Gated(b"xyz".to_vec())
        );
        assert_eq!(
            Fragment::of(b"abc", None, Some(end)),
            Fragment::Dropped("noscript-unreadable")
        );
        end.unreadable("noscript-base");
        assert_eq!(
            Fragment::of(b"abc", Some(b"abc".to_vec()), Some(end)),
            Fragment::Dropped("noscript-base")
        );
    }
}
