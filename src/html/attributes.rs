//! The attributes of a resource element the gate reads, in one pass and, where they
//! lie in the chunk being rewritten, without a copy.
//!
//! lol_html's accessors copy every name (lower-cased) and every value into a new
//! `String`: on a page of many elements those copies cost more than the gate's own
//! work. The gate keeps the chunks it feeds to lol_html (the current one and the one
//! before); an attribute that lol_html read from them (its source location says where)
//! is compared and borrowed in place, and its value decoded as a browser decodes it.
//! Anything else (a tag spread over more chunks, an attribute a handler changed, bytes
//! another charset would read differently) goes through lol_html's accessors.

use std::borrow::Cow;
use std::ops::Range;

use bytes::Bytes;

use lol_html::html_content::{Attribute, Element};
use lol_html::send::SendHandlerTypes;

use super::held::{is_event_handler, FORGED_PREFIX, HANDLER_PREFIX, OWN_PREFIX, PING, STYLE};
use super::output::{Rename, To};

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// The chunks of the document lol_html is rewriting, kept for reading attributes in
/// place: the current one and the one before it, where a tag split between the two
/// begins (`Bytes` handles on the body's own chunks: no copy for a `Bytes` body).
/// Whatever the chunks' sizes, at least the [`KEPT_BEFORE`] bytes before the current
/// chunk are kept.
#[derive(Debug)]
pub(super) struct Input {
    /// Where `previous` starts in the document; `current` follows it.
    start: usize,
    /// The chunk before the current one, or, if shorter than [`KEPT_BEFORE`], the end
    /// of the ones before it too.
    previous: Bytes,
    current: Bytes,
    /// The document is UTF-8 for sure (no `<meta charset>` can change how lol_html
    /// decodes it).
    utf8: bool,
}

/// How many bytes before the current chunk [`Input`] keeps at least: the end of a
/// start tag is read there ([`super::misread`]).
pub(super) const KEPT_BEFORE: usize = 256;

impl Input {
    pub(super) fn new(utf8: bool) -> Self {
        Self {
            start: 0,
            previous: Bytes::new(),
            current: Bytes::new(),
            utf8,
        }
    }

    /// Takes `chunk`, the bytes that follow those taken before.
    pub(super) fn keep(&mut self, chunk: &Bytes) {
        let current = std::mem::replace(&mut self.current, chunk.clone());
        // Where the chunk just taken begins.
        let end = self.start + self.previous.len() + current.len();
        self.previous = if current.len() >= KEPT_BEFORE || self.previous.is_empty() {
            current
        } else {
            // Copied only for short chunks, which a body rarely sends.
            let from = self
                .previous
                .len()
                .saturating_sub(KEPT_BEFORE - current.len());
            Bytes::from([&self.previous[from..], &current[..]].concat())
        };
        self.start = end - self.previous.len();
    }

    /// The last `len` bytes (or fewer, at the start of the document) of the document
    /// before `end`, which lies in the current chunk: always kept up to [`KEPT_BEFORE`].
    pub(super) fn before(&self, end: usize, len: usize) -> Option<Cow<'_, [u8]>> {
        self.bytes(end.saturating_sub(len).max(self.start)..end)
    }

    /// The `len` bytes of the document from `start`, if all of them are in the current
    /// chunk.
    pub(super) fn after(&self, start: usize, len: usize) -> Option<&[u8]> {
        let from = start.checked_sub(self.start + self.previous.len())?;
        self.current.get(from..from.checked_add(len)?)
    }

    /// Where the current chunk first writes the start of a tag named `name` (lower
    /// case), in any case, the `<` perhaps in the chunk before: `<name` followed by
    /// whitespace, `/` or `>`, wherever it is (text, a comment or a script included:
    /// any place where it may begin an element).
    pub(super) fn find_start_tag(&self, name: &[u8]) -> Option<usize> {
        let current_start = self.start + self.previous.len();
        let from = current_start.saturating_sub(name.len() + 1).max(self.start);
        let bytes = self.bytes(from..current_start + self.current.len())?;
        memchr::memchr_iter(b'<', &bytes).find_map(|at| {
            let tag = bytes.get(at + 1..at + 1 + name.len())?;
            // The byte after the name: at the chunk's end, the next chunk sees it.
            let after = bytes.get(at + 1 + name.len());
            let ends = after.is_some_and(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
            (tag.eq_ignore_ascii_case(name) && ends).then_some(from + at)
        })
    }

    /// The start tag of `el` as the page wrote it, if kept.
    pub(super) fn start_tag(&self, el: &El<'_, '_>) -> Option<Cow<'_, [u8]>> {
        self.bytes(el.source_location().bytes())
    }

    /// The bytes of the document at `range`, if kept (copied only when the range
    /// runs from one kept chunk into the next).
    // Inline: every element's start tag is looked up here.
    #[inline]
    fn bytes(&self, range: Range<usize>) -> Option<Cow<'_, [u8]>> {
        let current_start = self.start + self.previous.len();
        if let Some(start) = range.start.checked_sub(current_start) {
            let end = range.end.checked_sub(current_start)?;
            return self.current.get(start..end).map(Cow::Borrowed);
        }
        let start = range.start.checked_sub(self.start)?;
        if range.end <= current_start {
            return self
                .previous
                .get(start..range.end - self.start)
                .map(Cow::Borrowed);
        }
        let tail = self.current.get(..range.end - current_start)?;
        Some(Cow::Owned([&self.previous[start..], tail].concat()))
    }

    /// The text of the document at `range`, if kept, read as a browser reads it; `None`
    /// where only lol_html knows the charset it reads in.
    fn text(&self, range: Range<usize>) -> Option<Cow<'_, str>> {
        let bytes = self.bytes(range)?;
        // lol_html decodes a value that begins like a byte order mark as UTF-16
        // (`\xFE\xFF`): a browser does not, and reads its ASCII as ASCII, which is
        // all that matching reads.
        let readable = bytes.is_ascii()
            || self.utf8
            || [&b"\xEF\xBB\xBF"[..], b"\xFE\xFF", b"\xFF\xFE"]
                .iter()
                .any(|bom| bytes.starts_with(bom));
        if !readable {
            return None;
        }
        Some(match bytes {
            // Checked first: far cheaper than the lossy decoder when nothing is lost.
            Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(bytes),
            },
            Cow::Owned(bytes) => match String::from_utf8_lossy(&bytes) {
                Cow::Borrowed(_) => Cow::Owned(String::from_utf8(bytes).ok()?),
                Cow::Owned(text) => Cow::Owned(text),
            },
        })
    }
}

/// The attributes the gate reads (the first of each name, as `get_attribute` finds it).
#[derive(Debug, Default)]
pub(super) struct Attrs<'i> {
    pub(super) data_consent: Option<Cow<'i, str>>,
    pub(super) data_category: Option<Cow<'i, str>>,
    /// `type`.
    pub(super) kind: Option<Cow<'i, str>>,
    /// `http-equiv` (of a `<meta>`).
    pub(super) http_equiv: Option<Cow<'i, str>>,
    /// `style`, CSS that may load URLs (read with the URLs).
    pub(super) style: Option<Cow<'i, str>>,
    /// `ping`, the URLs an `<a>` or `<area>` posts to when followed (read with the URLs).
    pub(super) ping: Option<Cow<'i, str>>,
    /// The values of the event handler attributes (`on…`), inline scripts by another
    /// name (read with the URLs).
    pub(super) handlers: Vec<Cow<'i, str>>,
    /// `None` when no URL was read (nothing left to match).
    pub(super) urls: Option<Urls<'i>>,
    /// `width`, `height` and `class`, read only for an element that may be an embed
    /// (its placeholder takes its place: [`super::embeds::Layout`]).
    pub(super) layout: Option<LayoutAttrs<'i>>,
}

/// The attributes that say how an embed is laid out, besides `style`.
#[derive(Debug, Default)]
pub(super) struct LayoutAttrs<'i> {
    pub(super) width: Option<Cow<'i, str>>,
    pub(super) height: Option<Cow<'i, str>>,
    pub(super) class: Option<Cow<'i, str>>,
}

/// The URL attributes of a resource element, and `integrity`, which moves with them
/// when the element is held back.
#[derive(Debug, Default)]
pub(super) struct Urls<'i> {
    src: Option<Cow<'i, str>>,
    href: Option<Cow<'i, str>>,
    xlink_href: Option<Cow<'i, str>>,
    srcset: Option<Cow<'i, str>>,
    srcdoc: Option<Cow<'i, str>>,
    poster: Option<Cow<'i, str>>,
    data: Option<Cow<'i, str>>,
    imagesrcset: Option<Cow<'i, str>>,
    integrity: Option<Cow<'i, str>>,
    background: Option<Cow<'i, str>>,
    content: Option<Cow<'i, str>>,
    to: Option<Cow<'i, str>>,
    from: Option<Cow<'i, str>>,
    by: Option<Cow<'i, str>>,
    values: Option<Cow<'i, str>>,
}

impl<'i> Attrs<'i> {
    /// Everything, URLs included, in one pass over the element's attributes; with
    /// `layout`, what lays it out too.
    pub(super) fn read(el: &El<'_, '_>, input: &'i Input, layout: bool) -> Self {
        let mut attrs = Self {
            urls: Some(Urls::default()),
            layout: layout.then(LayoutAttrs::default),
            ..Self::default()
        };
        for attribute in el.attributes() {
            let written = attribute
                .name_source_location()
                .and_then(|at| input.bytes(at.bytes()));
            // A name with other bytes than ASCII is none of those read, however it
            // decodes.
            debug_assert!(
                written.as_ref().is_none_or(|name| {
                    !name.is_ascii() || name.eq_ignore_ascii_case(attribute.name().as_bytes())
                }),
                "an attribute name read in place"
            );
            let name = match &written {
                Some(name) => Cow::Borrowed(&name[..]),
                None => Cow::Owned(attribute.name().into_bytes()),
            };
            if attrs.urls.is_some() && is_event_handler(&name) {
                attrs
                    .handlers
                    .push(value(attribute, written.is_some(), input));
                continue;
            }
            let Some(slot) = attrs.slot(&name) else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(value(attribute, written.is_some(), input));
            }
        }
        attrs
    }

    /// Only what the annotations need, looked up one by one (fewer lookups than the
    /// element has attributes); no URL.
    pub(super) fn annotations(el: &El<'_, '_>, tag: &str) -> Self {
        let get = |name| el.get_attribute(name).map(Cow::Owned);
        let mut attrs = Self {
            data_consent: get("data-consent"),
            ..Self::default()
        };
        if attrs.data_consent.is_none() && tag == "script" {
            attrs.kind = get("type");
            if super::element::is_plain_text(attrs.kind.as_deref()) {
                attrs.data_category = get("data-category");
            }
        }
        attrs
    }

    /// Where the value of the attribute `name` (any case) goes, if it is read.
    fn slot(&mut self, name: &[u8]) -> Option<&mut Option<Cow<'i, str>>> {
        let urls = self.urls.as_mut()?;
        // By length first: most names are ruled out without a comparison.
        let is = |known: &str| name.eq_ignore_ascii_case(known.as_bytes());
        if let Some(layout) = &mut self.layout {
            match name.len() {
                5 if is("width") => return Some(&mut layout.width),
                5 if is("class") => return Some(&mut layout.class),
                6 if is("height") => return Some(&mut layout.height),
                _ => {}
            }
        }
        Some(match name.len() {
            2 if is("to") => &mut urls.to,
            2 if is("by") => &mut urls.by,
            3 if is("src") => &mut urls.src,
            4 if is("type") => &mut self.kind,
            4 if is("href") => &mut urls.href,
            4 if is("data") => &mut urls.data,
            4 if is("from") => &mut urls.from,
            4 if is("ping") => &mut self.ping,
            5 if is("style") => &mut self.style,
            6 if is("srcset") => &mut urls.srcset,
            6 if is("srcdoc") => &mut urls.srcdoc,
            6 if is("poster") => &mut urls.poster,
            6 if is("values") => &mut urls.values,
            7 if is("content") => &mut urls.content,
            9 if is("integrity") => &mut urls.integrity,
            10 if is("xlink:href") => &mut urls.xlink_href,
            10 if is("background") => &mut urls.background,
            10 if is("http-equiv") => &mut self.http_equiv,
            11 if is("imagesrcset") => &mut urls.imagesrcset,
            12 if is("data-consent") => &mut self.data_consent,
            13 if is("data-category") => &mut self.data_category,
            _ => return None,
        })
    }
}

/// The value of `attribute`, borrowed from `input` when lol_html read it from there
/// (`in_input`: its name was found there).
fn value<'i>(attribute: &Attribute<'_>, in_input: bool, input: &'i Input) -> Cow<'i, str> {
    let read = match attribute.value_source_location() {
        Some(at) => input.text(at.bytes()),
        // Read from the input and without a location: written without a value.
        None if in_input => Some(Cow::Borrowed("")),
        None => None,
    };
    match read {
        Some(value) => {
            debug_assert!(
                value == attribute.value() || value.starts_with(['\u{FEFF}', '\u{FFFD}']),
                "an attribute read in place: {value:?}"
            );
            value
        }
        None => Cow::Owned(attribute.value()),
    }
}

/// An attribute to rename has no place in the page: lol_html or a handler made it.
#[derive(Debug, thiserror::Error)]
#[error("the HTML gate cannot rename an attribute the page did not write")]
pub(super) struct Unwritten;

/// Which attributes a held-back start tag renames.
#[derive(Debug, Clone, Copy)]
pub(super) struct RenamePlan {
    /// Pairs of a name and its new name: what loads something.
    pub(super) moved: &'static [(&'static str, &'static str)],
    /// The first `type` (the one a browser reads) becomes `data-consent-type`.
    pub(super) kind: bool,
    /// Event handlers (`on…`) get the prefix `data-consent-`.
    pub(super) handlers: bool,
    /// `style` becomes `data-consent-style`.
    pub(super) style: bool,
    /// `ping` becomes `data-consent-ping`.
    pub(super) ping: bool,
}

/// The attributes a held-back `el` has renamed, in their order: those `plan` names, and
/// every other `data-consent-…` the page wrote, which gets the prefix `x-`: on an
/// element the gate holds back, `banner.js` restores only what the gate moved
/// ([`super::held`]). Positions count from the start of the tag.
pub(super) fn renames<'a>(
    el: &'a El<'_, '_>,
    input: &'a Input,
    plan: RenamePlan,
) -> impl Iterator<Item = Result<Rename, Unwritten>> + 'a {
    let tag = el.source_location().bytes().start;
    let mut kind = plan.kind;
    el.attributes().iter().filter_map(move |attribute| {
        let at = attribute.name_source_location().map(|at| at.bytes());
        let name = match at.clone().and_then(|at| input.bytes(at)) {
            Some(name) => name,
            None => Cow::Owned(attribute.name().into_bytes()),
        };
        let is = |known: &str| name.eq_ignore_ascii_case(known.as_bytes());
        let (from, to) = if kind && is("type") {
            kind = false;
            ("type", To::Name("data-consent-type"))
        } else if let Some((from, to)) = plan.moved.iter().find(|(from, _)| is(from)) {
            (*from, To::Name(to))
        } else if plan.handlers && is_event_handler(&name) {
            ("on", To::Prefixed(HANDLER_PREFIX))
        } else if plan.style && is(STYLE.0) {
            (STYLE.0, To::Name(STYLE.1))
        } else if plan.ping && is(PING.0) {
            (PING.0, To::Name(PING.1))
        } else if name
            .get(..OWN_PREFIX.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(OWN_PREFIX.as_bytes()))
        {
            (OWN_PREFIX, To::Prefixed(FORGED_PREFIX))
        } else {
            return None;
        };
        let at = at.and_then(|at| Some(at.start.checked_sub(tag)?..at.end.checked_sub(tag)?));
        Some(at.map(|at| Rename { at, from, to }).ok_or(Unwritten))
    })
}

impl Urls<'_> {
    /// The value of one of the URL attributes, or `integrity`.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        match name {
            "src" => &self.src,
            "href" => &self.href,
            "xlink:href" => &self.xlink_href,
            "srcset" => &self.srcset,
            "srcdoc" => &self.srcdoc,
            "poster" => &self.poster,
            "data" => &self.data,
            "imagesrcset" => &self.imagesrcset,
            "integrity" => &self.integrity,
            "background" => &self.background,
            "content" => &self.content,
            "to" => &self.to,
            "from" => &self.from,
            "by" => &self.by,
            "values" => &self.values,
            _ => &None,
        }
        .as_deref()
    }
}
