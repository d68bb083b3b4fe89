//! [`Feed`]: what a gated page's body goes through, in order: its content coding
//! decoded ([`decode`](super::decode)), its first bytes sniffed as a browser does
//! (a byte order mark wins over the `Content-Type` charset; a response without a type
//! is HTML only if it starts like HTML), a page in an encoding lol_html cannot parse
//! (UTF-16, ISO-2022-JP) transcoded to UTF-8, then the [`Rewriter`].

use bytes::{Buf, Bytes};
use encoding_rs::Encoding;
use lol_html::AsciiCompatibleEncoding;

use super::decode::{DecodeError, Decoder};
use super::rewrite::{Page, RewriteError, Rewriter};

/// The UTF-8 byte order mark: put before a page transcoded from UTF-16, it makes
/// browsers decode it as UTF-8 whatever the `Content-Type` charset says.
const UTF_8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How far the MIME Sniffing Standard reads into a resource ("resource header").
const SNIFF_LIMIT: usize = 1445;

/// Why a gated body failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FeedError {
    #[error(transparent)]
    Rewrite(#[from] RewriteError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// The charset the response's `Content-Type` names, as the gate will read it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Declared {
    /// None, or a label browsers do not know: a `<meta>` may still name one.
    Nothing,
    /// An encoding: final unless the body starts with a byte order mark.
    Encoding(&'static Encoding),
}

/// Everything the reading needs before the first bytes decide how to read.
pub(crate) struct Start {
    pub(crate) page: Page,
    pub(crate) declared: Declared,
    /// The response had no MIME type: read it only if it starts like HTML.
    pub(crate) sniff_type: bool,
}

/// The body of one gated response on its way through the gate.
pub(crate) struct Feed {
    decoder: Option<Decoder>,
    /// Input the decoder has not taken yet (or, without one, not yet read).
    pending: Bytes,
    /// The inner body ended.
    ended: bool,
    /// Everything was read and the rewriter ended.
    finished: bool,
    reading: Reading,
}

enum Reading {
    /// The first bytes, until they decide how the page is read.
    Sniffing {
        head: Vec<u8>,
        start: Option<Box<Start>>,
    },
    /// Through a decoder to UTF-8, then the rewriter.
    Transcoding {
        decoder: encoding_rs::Decoder,
        rewriter: Box<Rewriter>,
        /// The UTF-8 byte order mark is still to be written first.
        bom: bool,
    },
    Rewriting(Box<Rewriter>),
    /// A response without a type that does not start like HTML: browsers do not
    /// run it as a page; it passes as decoded.
    Passing,
    /// The page cannot be read: this is sent instead, and the inner body is not read.
    Refused(&'static str),
}

/// How the first bytes say the page is read.
enum Decision {
    Wait,
    Read {
        encoding: &'static Encoding,
        /// A byte order mark or the `Content-Type` named it: a `<meta>` cannot change it.
        known: bool,
        /// A UTF-16 byte order mark: write the UTF-8 one instead.
        bom: bool,
    },
    Pass,
}

impl Feed {
    pub(crate) fn new(decoder: Option<Decoder>, start: Start) -> Self {
        Self {
            decoder,
            pending: Bytes::new(),
            ended: false,
            finished: false,
            reading: Reading::Sniffing {
                head: Vec::new(),
                start: Some(Box::new(start)),
            },
        }
    }

    /// A feed that sends a short page saying why the page was not sent (`reason`), and
    /// reads nothing of the inner body.
    pub(crate) fn refused(reason: &'static str) -> Self {
        Self {
            decoder: None,
            pending: Bytes::new(),
            ended: false,
            finished: false,
            reading: Reading::Refused(reason),
        }
    }

    /// Whether the page is finished: nothing more is to be read from the inner body.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    /// Takes the inner body's next chunk; [`next`](Self::next) reads it.
    pub(crate) fn write(&mut self, chunk: Bytes) {
        if self.pending.is_empty() {
            self.pending = chunk;
        } else {
            let mut joined = Vec::with_capacity(self.pending.len() + chunk.len());
            joined.extend_from_slice(&self.pending);
            joined.extend_from_slice(&chunk);
            self.pending = joined.into();
        }
    }

    /// The inner body ended; [`next`](Self::next) finishes the page.
    pub(crate) fn end(&mut self) {
        self.ended = true;
    }

    /// Reads some of what was written: `Some` output (possibly empty) while there is
    /// input to read, `None` once all of it was read (and, after [`end`](Self::end),
    /// the page finished). A decoded page comes out in steps of bounded size.
    pub(crate) fn next(&mut self) -> Result<Option<Bytes>, FeedError> {
        if self.finished {
            return Ok(None);
        }
        if let Reading::Refused(reason) = self.reading {
            self.finished = true;
            return Ok(Some(Bytes::from(format!(
                "<!doctype html><meta charset=utf-8><title>Page not sent</title>\
                 <p>This page was not sent: {reason}. The site's logs say more.</p>\n"
            ))));
        }
        let Some(decoder) = &mut self.decoder else {
            if !self.pending.is_empty() {
                let chunk = std::mem::take(&mut self.pending);
                return self.read(chunk).map(Some);
            }
            return self.finish_if_ended();
        };
        if self.pending.is_empty() && !self.ended {
            return Ok(None);
        }
        let mut decoded = Vec::new();
        let taken = decoder.step(&self.pending, &mut decoded)?;
        self.pending.advance(taken);
        if taken == 0 && decoded.is_empty() {
            // The compressed stream ended: bytes after it are not part of the page.
            self.pending.clear();
            return self.finish_if_ended();
        }
        self.read(decoded.into()).map(Some)
    }

    fn finish_if_ended(&mut self) -> Result<Option<Bytes>, FeedError> {
        if !self.ended {
            return Ok(None);
        }
        self.finished = true;
        self.finish().map(Some)
    }

    /// Reads decoded bytes.
    fn read(&mut self, chunk: Bytes) -> Result<Bytes, FeedError> {
        if let Reading::Sniffing { head, start } = &mut self.reading {
            let chunk = if head.is_empty() {
                chunk
            } else {
                head.extend_from_slice(&chunk);
                Bytes::from(std::mem::take(head))
            };
            let Some(started) = start.as_deref() else {
                return Err(RewriteError::Ended.into());
            };
            match decide(started, &chunk, false) {
                Decision::Wait => {
                    *head = chunk.to_vec();
                    return Ok(Bytes::new());
                }
                decision => {
                    let Some(start) = start.take() else {
                        return Err(RewriteError::Ended.into());
                    };
                    self.reading = reading(*start, decision);
                }
            }
            return self.read(chunk);
        }
        match &mut self.reading {
            Reading::Rewriting(rewriter) => Ok(rewriter.write(&chunk)?),
            Reading::Transcoding {
                decoder,
                rewriter,
                bom,
            } => {
                let utf8 = transcode(decoder, &chunk, false);
                let written = rewriter.write(&utf8)?;
                Ok(with_bom(bom, written))
            }
            Reading::Passing => Ok(chunk),
            Reading::Sniffing { .. } | Reading::Refused(_) => Err(RewriteError::Ended.into()),
        }
    }

    /// Ends the page: what the sniffing still held is decided and read, then the
    /// rewriter ends.
    fn finish(&mut self) -> Result<Bytes, FeedError> {
        let mut first = Bytes::new();
        if let Reading::Sniffing { head, start } = &mut self.reading {
            let head = Bytes::from(std::mem::take(head));
            let Some(start) = start.take() else {
                return Err(RewriteError::Ended.into());
            };
            let decision = decide(&start, &head, true);
            self.reading = reading(*start, decision);
            first = self.read(head)?;
        }
        let rest = match &mut self.reading {
            Reading::Rewriting(rewriter) => rewriter.end()?,
            Reading::Transcoding {
                decoder,
                rewriter,
                bom,
            } => {
                let utf8 = transcode(decoder, &[], true);
                let mut written = rewriter.write(&utf8)?.to_vec();
                written.extend_from_slice(&rewriter.end()?);
                with_bom(bom, written.into())
            }
            Reading::Passing | Reading::Sniffing { .. } | Reading::Refused(_) => Bytes::new(),
        };
        Ok(if first.is_empty() {
            rest
        } else {
            [first, rest].concat().into()
        })
    }
}

/// The reading `decision` asks for.
fn reading(start: Start, decision: Decision) -> Reading {
    match decision {
        Decision::Pass => Reading::Passing,
        Decision::Wait => Reading::Passing,
        Decision::Read {
            encoding,
            known,
            bom,
        } => match AsciiCompatibleEncoding::new(encoding) {
            Some(ascii) if !bom => {
                Reading::Rewriting(Box::new(Rewriter::new(start.page, ascii, known)))
            }
            _ => Reading::Transcoding {
                // A byte order mark was read by `decide`; the decoder skips it.
                decoder: encoding.new_decoder_with_bom_removal(),
                rewriter: Box::new(Rewriter::new(
                    start.page,
                    AsciiCompatibleEncoding::utf_8(),
                    true,
                )),
                bom,
            },
        },
    }
}

/// Decides how to read the page from its first bytes, `at_end` if there are no more.
fn decide(start: &Start, head: &[u8], at_end: bool) -> Decision {
    if start.sniff_type {
        match starts_like_html(head) {
            Some(true) => {}
            Some(false) => return Decision::Pass,
            None if at_end || head.len() >= SNIFF_LIMIT => return Decision::Pass,
            None => return Decision::Wait,
        }
    }
    // The Encoding Standard's BOM sniffing wins over every charset label.
    for (bom, encoding) in [
        (UTF_8_BOM, encoding_rs::UTF_8),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
    ] {
        if head.starts_with(bom) {
            return Decision::Read {
                encoding,
                known: true,
                bom: encoding != encoding_rs::UTF_8,
            };
        }
        if !at_end && head.len() < bom.len() && bom.starts_with(head) {
            return Decision::Wait;
        }
    }
    match start.declared {
        Declared::Nothing => Decision::Read {
            encoding: encoding_rs::UTF_8,
            known: false,
            bom: false,
        },
        Declared::Encoding(encoding) => Decision::Read {
            encoding,
            known: true,
            bom: false,
        },
    }
}

/// The MIME Sniffing Standard's HTML patterns (the first rows of "identify an unknown
/// MIME type"): `Some(true)` if `head` starts like HTML, `Some(false)` if it does not,
/// `None` if more bytes could tell.
fn starts_like_html(head: &[u8]) -> Option<bool> {
    const PATTERNS: [&[u8]; 17] = [
        b"<!DOCTYPE HTML",
        b"<HTML",
        b"<HEAD",
        b"<SCRIPT",
        b"<IFRAME",
        b"<H1",
        b"<DIV",
        b"<FONT",
        b"<TABLE",
        b"<A",
        b"<STYLE",
        b"<TITLE",
        b"<B",
        b"<BODY",
        b"<BR",
        b"<P",
        b"<!--",
    ];
    let start = head
        .iter()
        .position(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))?;
    let head = &head[start..];
    let mut undecided = false;
    for pattern in PATTERNS {
        let known = head.len().min(pattern.len());
        if !head[..known].eq_ignore_ascii_case(&pattern[..known]) {
            continue;
        }
        // Every pattern is followed by a tag-terminating byte (space or `>`), but
        // `<!--`, which is followed by anything.
        let needs_end = pattern != b"<!--";
        match head.get(pattern.len()) {
            _ if known < pattern.len() => undecided = true,
            _ if !needs_end => return Some(true),
            Some(b' ' | b'>') => return Some(true),
            Some(_) => {}
            None => undecided = true,
        }
    }
    (!undecided).then_some(false)
}

/// Decodes `input` to UTF-8; malformed sequences become U+FFFD, as browsers decode.
fn transcode(decoder: &mut encoding_rs::Decoder, input: &[u8], last: bool) -> Bytes {
    let room = |decoder: &encoding_rs::Decoder, len: usize| {
        decoder
            .max_utf8_buffer_length(len)
            .unwrap_or(len.saturating_mul(3).saturating_add(16))
    };
    let mut out = String::with_capacity(room(decoder, input.len()));
    let mut rest = input;
    loop {
        let (result, read, _) = decoder.decode_to_string(rest, &mut out, last);
        rest = rest.get(read..).unwrap_or_default();
        match result {
            encoding_rs::CoderResult::InputEmpty => break,
            encoding_rs::CoderResult::OutputFull => out.reserve(room(decoder, rest.len())),
        }
    }
    Bytes::from(out)
}

/// `written`, after the UTF-8 byte order mark if it is still to be written.
fn with_bom(bom: &mut bool, written: Bytes) -> Bytes {
    if !*bom || written.is_empty() {
        return written;
    }
    *bom = false;
    [UTF_8_BOM, &written].concat().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sniffed_as_the_mime_sniffing_standard_says() {
        assert_eq!(starts_like_html(b"<!doctype html>"), Some(true));
        assert_eq!(starts_like_html(b" \n\t<html lang=en>"), Some(true));
        assert_eq!(starts_like_html(b"<script>alert(1)</script>"), Some(true));
        assert_eq!(starts_like_html(b"<p>hi"), Some(true));
        assert_eq!(starts_like_html(b"<!--x-->"), Some(true));
        assert_eq!(starts_like_html(b"<?xml version=1.0?>"), Some(false));
        assert_eq!(starts_like_html(b"{\"json\": true}"), Some(false));
        assert_eq!(starts_like_html(b"<pre>"), Some(false));
        assert_eq!(starts_like_html(b"<scrip"), None);
        assert_eq!(starts_like_html(b"<p"), None);
        assert_eq!(starts_like_html(b"   "), None);
        assert_eq!(starts_like_html(b"\xEF\xBB\xBF<html>"), Some(false));
    }
}
