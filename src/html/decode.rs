//! Content codings the HTML gate decodes before it reads a page: `gzip` (and its alias
//! `x-gzip`), `deflate` (zlib, or raw deflate as browsers also accept), `br`, and with
//! the feature `html-zstd`, `zstd`.
//!
//! The decoders are push-style (flate2, brotli-decompressor, zstd): each step takes
//! what it can of the input and writes at most [`STEP`] bytes or so, so that a small
//! compressed chunk that expands enormously (a decompression bomb) is read, gated and
//! sent in bounded pieces, never held whole in memory. The window each format may ask
//! for is bounded too: 32 KiB for deflate, 16 MiB for brotli (its large-window
//! extension, which browsers refuse, is off), 8 MiB for zstd (RFC 8878's limit for
//! HTTP).

use std::io::Write as _;

use http::header::CONTENT_ENCODING;
use http::HeaderMap;

/// About how many decoded bytes one step writes.
pub(crate) const STEP: usize = 32 * 1024;

/// A content coding the gate can decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
    Brotli,
    #[cfg(feature = "html-zstd")]
    Zstd,
}

impl Coding {
    /// The codings this build decodes, as `Accept-Encoding` names them.
    pub(crate) const READABLE: &'static [&'static str] = &[
        "gzip",
        "x-gzip",
        "deflate",
        "br",
        #[cfg(feature = "html-zstd")]
        "zstd",
    ];

    fn from_name(name: &[u8]) -> Option<Self> {
        let coding = if name.eq_ignore_ascii_case(b"gzip") || name.eq_ignore_ascii_case(b"x-gzip") {
            Coding::Gzip
        } else if name.eq_ignore_ascii_case(b"deflate") {
            Coding::Deflate
        } else if name.eq_ignore_ascii_case(b"br") {
            Coding::Brotli
        } else {
            #[cfg(feature = "html-zstd")]
            if name.eq_ignore_ascii_case(b"zstd") {
                return Some(Coding::Zstd);
            }
            return None;
        };
        Some(coding)
    }
}

/// The response's content coding: `Ok(None)` when it has none (or only `identity`),
/// `Err` with the header's text when it is one the gate cannot decode (unknown, not
/// compiled in, or several stacked).
pub(crate) fn coding(headers: &HeaderMap) -> Result<Option<Coding>, String> {
    let mut found: Option<Coding> = None;
    for value in headers.get_all(CONTENT_ENCODING) {
        for name in value.as_bytes().split(|&b| b == b',') {
            let name = name.trim_ascii();
            if name.is_empty() || name.eq_ignore_ascii_case(b"identity") {
                continue;
            }
            match (Coding::from_name(name), found) {
                (Some(coding), None) => found = Some(coding),
                _ => return Err(String::from_utf8_lossy(value.as_bytes()).into_owned()),
            }
        }
    }
    Ok(found)
}

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("the HTML gate could not decode the page's {coding} content coding: {reason}")]
pub(crate) struct DecodeError {
    coding: &'static str,
    reason: String,
}

/// A streaming decoder of one content coding.
pub(crate) struct Decoder {
    kind: Kind,
}

enum Kind {
    Gzip(Box<flate2::write::MultiGzDecoder<Vec<u8>>>),
    /// `deflate` until its first two bytes tell zlib from raw deflate.
    Deflate {
        start: Vec<u8>,
        inflate: Option<flate2::Decompress>,
    },
    Brotli(Box<Brotli>),
    #[cfg(feature = "html-zstd")]
    Zstd(Box<zstd::stream::raw::Decoder<'static>>),
}

type Brotli = brotli_decompressor::BrotliState<
    brotli_decompressor::StandardAlloc,
    brotli_decompressor::StandardAlloc,
    brotli_decompressor::StandardAlloc,
>;

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Decoder").field(&self.name()).finish()
    }
}

impl Decoder {
    /// A decoder of `coding`.
    pub(crate) fn new(coding: Coding) -> Result<Self, DecodeError> {
        let kind = match coding {
            Coding::Gzip => Kind::Gzip(Box::new(flate2::write::MultiGzDecoder::new(Vec::new()))),
            Coding::Deflate => Kind::Deflate {
                start: Vec::new(),
                inflate: None,
            },
            Coding::Brotli => {
                use brotli_decompressor::{BrotliDecoderParameter, StandardAlloc};
                let mut state = Brotli::new(
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                    StandardAlloc::default(),
                );
                state.set_parameter(BrotliDecoderParameter::BROTLI_DECODER_PARAM_LARGE_WINDOW, 0);
                Kind::Brotli(Box::new(state))
            }
            #[cfg(feature = "html-zstd")]
            Coding::Zstd => {
                let mut decoder = zstd::stream::raw::Decoder::new().map_err(|e| DecodeError {
                    coding: "zstd",
                    reason: e.to_string(),
                })?;
                decoder
                    .set_parameter(zstd::stream::raw::DParameter::WindowLogMax(23))
                    .map_err(|e| DecodeError {
                        coding: "zstd",
                        reason: e.to_string(),
                    })?;
                Kind::Zstd(Box::new(decoder))
            }
        };
        Ok(Self { kind })
    }

    fn name(&self) -> &'static str {
        match self.kind {
            Kind::Gzip(_) => "gzip",
            Kind::Deflate { .. } => "deflate",
            Kind::Brotli(_) => "br",
            #[cfg(feature = "html-zstd")]
            Kind::Zstd(_) => "zstd",
        }
    }

    /// Decodes from `input`, appending about [`STEP`] bytes at most to `out`; returns
    /// how many bytes of `input` it took. Call it again with the rest (or an empty
    /// slice at the end) until it takes nothing and writes nothing.
    pub(crate) fn step(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, DecodeError> {
        let before = out.len();
        let taken = match &mut self.kind {
            Kind::Gzip(decoder) => {
                let taken = if input.is_empty() {
                    decoder.flush().map(|()| 0)
                } else {
                    decoder.write(input)
                };
                let taken = taken.map_err(|e| DecodeError {
                    coding: "gzip",
                    reason: e.to_string(),
                })?;
                out.append(decoder.get_mut());
                taken
            }
            Kind::Deflate { start, inflate } => {
                let deflate_error = |e: flate2::DecompressError| DecodeError {
                    coding: "deflate",
                    reason: e.to_string(),
                };
                let mut taken = 0;
                let inflate = match inflate {
                    Some(inflate) => inflate,
                    None => {
                        // RFC 9110's `deflate` is zlib; browsers also read raw deflate.
                        taken = input.len().min(2 - start.len());
                        start.extend_from_slice(&input[..taken]);
                        if start.len() < 2 {
                            return Ok(taken);
                        }
                        let zlib = start[0] & 0x0f == 8
                            && (u16::from(start[0]) << 8 | u16::from(start[1])) % 31 == 0;
                        let mut fresh = flate2::Decompress::new(zlib);
                        let mut head = Vec::with_capacity(STEP);
                        fresh
                            .decompress_vec(start, &mut head, flate2::FlushDecompress::None)
                            .map_err(deflate_error)?;
                        if fresh.total_in() < start.len() as u64 {
                            return Err(DecodeError {
                                coding: "deflate",
                                reason: "the stream's first bytes were not read".into(),
                            });
                        }
                        out.extend_from_slice(&head);
                        inflate.insert(fresh)
                    }
                };
                let before_in = inflate.total_in();
                let mut buffer = Vec::with_capacity(STEP);
                inflate
                    .decompress_vec(&input[taken..], &mut buffer, flate2::FlushDecompress::None)
                    .map_err(deflate_error)?;
                out.extend_from_slice(&buffer);
                taken + (inflate.total_in() - before_in) as usize
            }
            Kind::Brotli(state) => {
                use brotli_decompressor::{BrotliDecompressStream, BrotliResult};
                let mut buffer = vec![0; STEP];
                let (mut available_in, mut input_offset) = (input.len(), 0);
                let (mut available_out, mut output_offset, mut total) = (STEP, 0, 0);
                let result = BrotliDecompressStream(
                    &mut available_in,
                    &mut input_offset,
                    input,
                    &mut available_out,
                    &mut output_offset,
                    &mut buffer,
                    &mut total,
                    state,
                );
                if let BrotliResult::ResultFailure = result {
                    return Err(DecodeError {
                        coding: "br",
                        reason: format!("{:?}", state.error_code),
                    });
                }
                out.extend_from_slice(&buffer[..output_offset]);
                input_offset
            }
            #[cfg(feature = "html-zstd")]
            Kind::Zstd(decoder) => {
                use zstd::stream::raw::{InBuffer, Operation, OutBuffer};
                let mut buffer = Vec::with_capacity(STEP);
                let mut source = InBuffer::around(input);
                let mut sink = OutBuffer::around(&mut buffer);
                decoder
                    .run(&mut source, &mut sink)
                    .map_err(|e| DecodeError {
                        coding: "zstd",
                        reason: e.to_string(),
                    })?;
                let taken = source.pos();
                out.extend_from_slice(&buffer);
                taken
            }
        };
        debug_assert!(out.len() - before <= 2 * STEP + 2);
        Ok(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn coding_of(values: &[&str]) -> Result<Option<Coding>, String> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(CONTENT_ENCODING, HeaderValue::from_str(value).unwrap());
        }
        coding(&headers)
    }

    #[test]
    fn content_codings_are_read_as_browsers_name_them() {
        assert_eq!(coding_of(&[]), Ok(None));
        assert_eq!(coding_of(&["identity"]), Ok(None));
        assert_eq!(coding_of(&["GZIP"]), Ok(Some(Coding::Gzip)));
        assert_eq!(coding_of(&["x-gzip"]), Ok(Some(Coding::Gzip)));
        assert_eq!(coding_of(&["identity, deflate"]), Ok(Some(Coding::Deflate)));
        assert_eq!(coding_of(&["br"]), Ok(Some(Coding::Brotli)));
        assert!(coding_of(&["compress"]).is_err());
        assert!(coding_of(&["gzip, br"]).is_err());
        assert!(coding_of(&["gzip", "gzip"]).is_err());
        #[cfg(feature = "html-zstd")]
        assert_eq!(coding_of(&["zstd"]), Ok(Some(Coding::Zstd)));
        #[cfg(not(feature = "html-zstd"))]
        assert!(coding_of(&["zstd"]).is_err());
    }

    /// Decodes `input` fed in `chunk`-byte pieces, as the body does.
    fn decode(coding: Coding, input: &[u8], chunk: usize) -> Vec<u8> {
        let mut decoder = Decoder::new(coding).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            let mut rest = piece;
            loop {
                let before = out.len();
                let taken = decoder.step(rest, &mut out).unwrap();
                assert!(out.len() - before <= 2 * STEP + 2);
                rest = &rest[taken..];
                if taken == 0 && out.len() == before {
                    break;
                }
            }
        }
        while {
            let before = out.len();
            decoder.step(&[], &mut out).unwrap();
            out.len() != before
        } {}
        out
    }

    fn page() -> Vec<u8> {
        let mut page = b"<!doctype html><title>t</title>".to_vec();
        for i in 0..20_000 {
            page.extend_from_slice(format!("<p>paragraph {i}</p>\n").as_bytes());
        }
        page
    }

    #[test]
    fn gzip_and_deflate_decode_in_bounded_steps() {
        use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
        use flate2::Compression;
        let page = page();
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&page).unwrap();
        let gz = gz.finish().unwrap();
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(&page).unwrap();
        let zlib = zlib.finish().unwrap();
        let mut raw = DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(&page).unwrap();
        let raw = raw.finish().unwrap();
        for chunk in [1, 7, 4096, usize::MAX] {
            assert_eq!(decode(Coding::Gzip, &gz, chunk), page, "gzip {chunk}");
            assert_eq!(decode(Coding::Deflate, &zlib, chunk), page, "zlib {chunk}");
            assert_eq!(decode(Coding::Deflate, &raw, chunk), page, "raw {chunk}");
        }
    }

    #[test]
    fn a_decompression_bomb_comes_out_in_bounded_steps() {
        use flate2::write::GzEncoder;
        use flate2::Compression;
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&zeros).unwrap();
        }
        let gz = gz.finish().unwrap();
        assert!(gz.len() < 100 * 1024);
        let mut decoder = Decoder::new(Coding::Gzip).unwrap();
        let mut rest = &gz[..];
        let mut total = 0;
        loop {
            let mut out = Vec::new();
            let taken = decoder.step(rest, &mut out).unwrap();
            assert!(out.len() <= 2 * STEP + 2, "{}", out.len());
            total += out.len();
            rest = &rest[taken..];
            if taken == 0 && out.is_empty() {
                break;
            }
        }
        assert_eq!(total, 64 << 20);
    }

    #[test]
    fn corrupt_streams_are_errors() {
        let mut decoder = Decoder::new(Coding::Gzip).unwrap();
        let mut out = Vec::new();
        assert!(decoder.step(b"not gzip at all", &mut out).is_err());
        let mut decoder = Decoder::new(Coding::Brotli).unwrap();
        assert!(decoder.step(&[0xff; 64], &mut out).is_err());
    }
}
