//! What the rewriter writes, and the start tags the gate holds back in it.
//!
//! lol_html writes a start tag no handler changed exactly as the page wrote it. The
//! gate holds an element back by editing that copy on its way out rather than through
//! lol_html's attribute setters, which copy every name and value and write the whole
//! tag anew: it inserts its own attributes after the tag name and renames the ones that
//! load something (`src` becomes `data-consent-src`), leaving every value, quote and
//! the order as written, in the page's own charset. A browser keeps the first of two
//! attributes of one name, so an inserted `type="text/plain"` wins over the page's own
//! `type`, which is renamed `data-consent-type` to be restored on activation.
//!
//! Each edit is checked against the bytes before it is applied: a tag that is not
//! where the edit expects it fails the page rather than going out as written.
//!
//! An inline script is decided on its whole text, which comes after its start tag:
//! while it is read, what lol_html writes from its start tag on is held back
//! ([`Output::hold`]), so that the tag can still be edited once its text is read.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;

use super::held::{Token, MARK};

/// A start tag to hold back, where lol_html writes it.
#[derive(Debug)]
pub(super) struct Edit {
    /// Where the tag starts, counted in all lol_html writes.
    pub(super) at: usize,
    /// The tag's length as the page wrote it.
    pub(super) len: usize,
    /// The tag name (the page may write it in any case).
    pub(super) name: TagName,
    /// Inserts `type="text/plain"`: the element is a script.
    pub(super) plain: bool,
    /// The attribute inserted after it: `data-consent="<key>"` or
    /// `data-consent-blocked="<why>"`.
    pub(super) mark: Option<(&'static str, &'static str)>,
    /// The response's token, inserted as `data-consent-held="<token>"`: `banner.js` may
    /// activate the element ([`super::held`]).
    pub(super) held: Option<Token>,
    /// Markup written right before the tag: an embed's placeholder
    /// ([`super::embeds`]), shared by every embed of a page that shows the same one.
    pub(super) before: Option<Arc<str>>,
}

/// The name of a start tag to hold back, as the edit checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagName {
    /// This name, in any case.
    Is(&'static str),
    /// A name the gate does not know, of this many bytes as written (an element held
    /// back for an event handler or a `style` attribute).
    Written(usize),
}

impl TagName {
    fn len(self) -> usize {
        match self {
            TagName::Is(name) => name.len(),
            TagName::Written(len) => len,
        }
    }

    /// For messages.
    pub(super) fn label(self) -> &'static str {
        match self {
            TagName::Is(name) => name,
            TagName::Written(_) => "element",
        }
    }
}

/// An attribute renamed in a held-back tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rename {
    /// Where its name is, counted from the start of the tag.
    pub(super) at: Range<usize>,
    /// Its name, lower case (written in any case); with [`To::Prefixed`], how it begins.
    pub(super) from: &'static str,
    pub(super) to: To,
}

/// What a renamed attribute is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum To {
    /// This name.
    Name(&'static str),
    /// Its own name as written, after this prefix (`onload` → `data-consent-onload`).
    Prefixed(&'static str),
}

/// Bytes lol_html wrote that the gate replaces: the content of a `<noscript>` read as
/// the markup a browser without JavaScript parses, held back where it must be.
#[derive(Debug)]
pub(super) struct Replace {
    /// Where they start, counted in all lol_html writes, and how many there are.
    pub(super) at: usize,
    pub(super) len: usize,
    pub(super) with: Vec<u8>,
}

/// A change to what lol_html wrote, in the order of the bytes it changes.
#[derive(Debug)]
enum Change {
    /// A start tag held back, with its renames (a range of `Output::renames`).
    Tag(Edit, Range<usize>),
    Replace(Replace),
}

impl Change {
    fn at(&self) -> usize {
        match self {
            Change::Tag(edit, _) => edit.at,
            Change::Replace(replace) => replace.at,
        }
    }
}

/// A start tag was not where the gate expected lol_html to write it: held back, it
/// would have gone out as written.
#[derive(Debug, thiserror::Error)]
#[error("the HTML gate found no start tag <{0}> to hold back where lol_html wrote it")]
pub(crate) struct MisplacedTag(&'static str);

/// What lol_html writes during one call, and the edits to make in it.
#[derive(Debug, Default)]
pub(super) struct Output {
    /// Written and not sent yet. Lent to the sink for each call into lol_html.
    buffer: Vec<u8>,
    /// How much was written before `buffer`.
    sent: usize,
    /// In the order of the bytes they change.
    edits: Vec<Change>,
    /// Each edit's renames in the order of the tag's attributes.
    renames: Vec<Rename>,
    /// Where a script being read starts: nothing from there on is sent.
    held: Option<usize>,
}

impl Output {
    /// Lends the buffer for a call into lol_html, which appends to it.
    pub(super) fn lend(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }

    /// Takes the buffer back after the call.
    pub(super) fn take_back(&mut self, buffer: Vec<u8>) {
        self.buffer = buffer;
    }

    /// How much lol_html has written, given the length of the buffer it holds.
    pub(super) fn written(&self, lent: usize) -> usize {
        self.sent + lent
    }

    /// Holds back the tag of `edit`, renaming `renames` (in the order of its attributes).
    pub(super) fn edit<E>(
        &mut self,
        edit: Edit,
        renames: impl IntoIterator<Item = Result<Rename, E>>,
    ) -> Result<(), E> {
        let first = self.renames.len();
        for rename in renames {
            match rename {
                Ok(rename) => self.renames.push(rename),
                Err(error) => {
                    self.renames.truncate(first);
                    return Err(error);
                }
            }
        }
        debug_assert!(
            self.edits.last().is_none_or(|last| last.at() < edit.at),
            "edits come in the order of their tags"
        );
        self.edits
            .push(Change::Tag(edit, first..self.renames.len()));
        Ok(())
    }

    /// Replaces what lol_html wrote at `replace.at` (not sent yet, after every edit
    /// made so far).
    pub(super) fn replace(&mut self, replace: Replace) {
        debug_assert!(
            self.edits.last().is_none_or(|last| last.at() < replace.at),
            "edits come in the order of their bytes"
        );
        self.edits.push(Change::Replace(replace));
    }

    /// The bytes lol_html wrote from `at` on that are still in `buffer` (the buffer
    /// lent to the sink), if none of them was sent.
    pub(super) fn unsent<'b>(&self, buffer: &'b [u8], at: usize) -> Option<&'b [u8]> {
        buffer.get(at.checked_sub(self.sent)?..)
    }

    /// Holds back what is written from `at` on (where lol_html is to write a start
    /// tag), until [`release`](Self::release).
    pub(super) fn hold(&mut self, at: usize) {
        debug_assert!(
            self.held.is_none() && at >= self.sent,
            "one hold, not sent yet"
        );
        self.held = Some(at);
    }

    /// Ends the hold: what it kept goes out with the next [`send`](Self::send).
    pub(super) fn release(&mut self) {
        self.held = None;
    }

    /// Everything written and not held back, its held-back tags edited.
    pub(super) fn send(&mut self) -> Result<Bytes, MisplacedTag> {
        let start_of_buffer = self.sent;
        let end = self.held.map_or(self.buffer.len(), |at| {
            at.saturating_sub(start_of_buffer).min(self.buffer.len())
        });
        self.sent += end;
        if self.edits.is_empty() {
            let out = if end == self.buffer.len() {
                // The next call likely writes as much: no regrowing from zero.
                let capacity = end.max(1024);
                std::mem::replace(&mut self.buffer, Vec::with_capacity(capacity))
            } else {
                let held = self.buffer.split_off(end);
                std::mem::replace(&mut self.buffer, held)
            };
            return Ok(Bytes::from(out));
        }
        // What the edits insert: their marks, and the placeholders written before tags.
        let inserted: usize = self
            .edits
            .iter()
            .map(|change| match change {
                Change::Tag(edit, _) => 48 + edit.before.as_ref().map_or(0, |before| before.len()),
                Change::Replace(replace) => replace.with.len(),
            })
            .sum();
        let mut out = Vec::with_capacity(end + inserted);
        let mut from = 0;
        for change in &self.edits {
            let (at, len, name) = match change {
                Change::Tag(edit, _) => (edit.at, edit.len, edit.name.label()),
                Change::Replace(replace) => (replace.at, replace.len, "noscript"),
            };
            // Edits are made only for tags before a hold: one inside it (none is) would
            // be lost with the buffer.
            let start = at.checked_sub(start_of_buffer).ok_or(MisplacedTag(name))?;
            let written = self.buffer[..end]
                .get(start..start + len)
                .filter(|_| start >= from)
                .ok_or(MisplacedTag(name))?;
            out.extend_from_slice(&self.buffer[from..start]);
            match change {
                Change::Tag(edit, renames) => {
                    write_edited(&mut out, written, edit, &self.renames[renames.clone()])?;
                }
                Change::Replace(replace) => out.extend_from_slice(&replace.with),
            }
            from = start + len;
        }
        out.extend_from_slice(&self.buffer[from..end]);
        self.edits.clear();
        self.renames.clear();
        self.buffer.drain(..end);
        Ok(Bytes::from(out))
    }
}

/// Writes `tag` held back as `edit` says, after checking it is the tag the edit was
/// made for.
fn write_edited(
    out: &mut Vec<u8>,
    tag: &[u8],
    edit: &Edit,
    renames: &[Rename],
) -> Result<(), MisplacedTag> {
    let misplaced = || MisplacedTag(edit.name.label());
    let name_end = 1 + edit.name.len();
    let is_tag = tag.first() == Some(&b'<')
        && tag.last() == Some(&b'>')
        && tag.get(1..name_end).is_some_and(|name| match edit.name {
            TagName::Is(known) => name.eq_ignore_ascii_case(known.as_bytes()),
            TagName::Written(_) => name.first().is_some_and(u8::is_ascii_alphabetic),
        })
        && tag
            .get(name_end)
            .is_some_and(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'));
    if !is_tag {
        return Err(misplaced());
    }
    if let Some(before) = &edit.before {
        out.extend_from_slice(before.as_bytes());
    }
    out.extend_from_slice(&tag[..name_end]);
    if edit.plain {
        out.extend_from_slice(b" type=\"text/plain\"");
    }
    let mut attribute = |name: &str, value: &[u8]| {
        debug_assert!(
            !value.contains(&b'"') && !value.contains(&b'&'),
            "a mark needs no escaping"
        );
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        out.extend_from_slice(value);
        out.push(b'"');
    };
    if let Some((name, value)) = edit.mark {
        attribute(name, value.as_bytes());
    }
    if let Some(token) = &edit.held {
        attribute(MARK, token.as_bytes());
    }
    let mut from = name_end;
    for rename in renames {
        let name = tag
            .get(rename.at.clone())
            .filter(|name| {
                let from_name = rename.from.as_bytes();
                rename.at.start >= from
                    && match rename.to {
                        To::Name(_) => name.eq_ignore_ascii_case(from_name),
                        To::Prefixed(_) => name
                            .get(..from_name.len())
                            .is_some_and(|head| head.eq_ignore_ascii_case(from_name)),
                    }
            })
            .ok_or_else(misplaced)?;
        out.extend_from_slice(&tag[from..rename.at.start]);
        match rename.to {
            To::Name(to) => out.extend_from_slice(to.as_bytes()),
            To::Prefixed(prefix) => {
                out.extend_from_slice(prefix.as_bytes());
                out.extend_from_slice(name);
            }
        }
        from = rename.at.start + name.len();
    }
    out.extend_from_slice(&tag[from..]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(at: usize, len: usize) -> Edit {
        Edit {
            at,
            len,
            name: TagName::Is("img"),
            plain: false,
            mark: Some(("data-consent", "marketing")),
            held: None,
            before: None,
        }
    }

    fn src(at: Range<usize>) -> Result<Rename, MisplacedTag> {
        Ok(Rename {
            at,
            from: "src",
            to: To::Name("data-consent-src"),
        })
    }

    /// Writes `text` as lol_html would; returns where it starts.
    fn write(output: &mut Output, text: &[u8]) -> usize {
        let mut buffer = output.lend();
        let at = output.written(buffer.len());
        buffer.extend_from_slice(text);
        output.take_back(buffer);
        at
    }

    #[test]
    fn a_held_back_tag_keeps_its_values_and_order() {
        let mut output = Output::default();
        write(&mut output, b"<p>a</p>");
        let at = write(&mut output, b"<IMG alt=x SRC='t.gif' src=u.gif/><p>");
        output
            .edit(img(at, 34), [src(11..14), src(23..26)])
            .expect("renames");
        let sent = output.send().expect("sent");
        assert_eq!(
            &sent[..],
            &b"<p>a</p><IMG data-consent=\"marketing\" alt=x data-consent-src='t.gif' \
               data-consent-src=u.gif/><p>"[..]
        );
    }

    /// Holds back the `<script type=module>` (its `type` after one space or tab) at
    /// `at` for category `key`.
    fn hold_back_module_script(output: &mut Output, at: usize, key: &'static str) {
        let edit = Edit {
            at,
            len: 20,
            name: TagName::Is("script"),
            plain: true,
            mark: Some(("data-consent", key)),
            held: None,
            before: None,
        };
        let rename = Rename {
            at: 8..12,
            from: "type",
            to: To::Name("data-consent-type"),
        };
        output
            .edit(edit, [Ok::<_, MisplacedTag>(rename)])
            .expect("renames");
    }

    #[test]
    fn a_script_gets_its_type_first() {
        let mut output = Output::default();
        write(&mut output, b"<script\ttype=module>x</script>");
        hold_back_module_script(&mut output, 0, "analytics");
        assert_eq!(
            &output.send().expect("sent")[..],
            &b"<script type=\"text/plain\" data-consent=\"analytics\"\tdata-consent-type=module>x</script>"[..]
        );
    }

    #[test]
    fn what_is_held_goes_out_when_released_its_tag_edited() {
        let mut output = Output::default();
        write(&mut output, b"<p>a</p>");
        let at = write(&mut output, b"<script type=module>");
        output.hold(at);
        write(&mut output, b"fbq()");
        assert_eq!(&output.send().expect("sent")[..], b"<p>a</p>");
        write(&mut output, b";x()");
        assert_eq!(&output.send().expect("sent")[..], b"");
        hold_back_module_script(&mut output, at, "marketing");
        output.release();
        write(&mut output, b"</script><p>");
        assert_eq!(
            &output.send().expect("sent")[..],
            &b"<script type=\"text/plain\" data-consent=\"marketing\" data-consent-type=module>fbq();x()</script><p>"[..]
        );
    }

    #[test]
    fn a_tag_not_where_it_was_expected_fails() {
        for (text, renames) in [
            (&b"<imgx src=a>"[..], 6..9),
            (b"<img  src=a>", 4..7),
            (b"<img src=a", 5..8),
            (b"<div src=a>", 5..8),
        ] {
            let mut output = Output::default();
            write(&mut output, text);
            output
                .edit(img(0, text.len()), [src(renames)])
                .expect("renames");
            assert!(output.send().is_err(), "{text:?}");
        }
        let mut output = Output::default();
        write(&mut output, b"<img>");
        output.edit(img(0, 9), [src(1..2)]).expect("renames");
        assert!(output.send().is_err(), "past the end");
    }
}
