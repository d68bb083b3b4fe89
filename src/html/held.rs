//! How an element the gate held back is marked, so that `banner.js` restores what the
//! gate moved and nothing else.
//!
//! A held-back element gets `data-consent="<category>"` and
//! `data-consent-held="<token>"`: a random token made for each response, which the
//! injected banner hands to `banner.js` (on its own `<script>` element). User content
//! written into the page before the gate ran cannot know it, so a forged
//! `data-consent-held` never matches. `banner.js` activates only elements that carry the
//! token, and restores only the attribute names of [`MOVED`] and event handlers
//! (`data-consent-onload` → `onload`), the names the gate moves. On an element it holds
//! back, the gate renames every `data-consent-…` attribute the page wrote itself to
//! `x-data-consent-…` ([`FORGED_PREFIX`]), so that what `banner.js` restores there is
//! what the gate moved.

use std::fmt;

/// The attribute that carries the token.
pub(super) const MARK: &str = "data-consent-held";

/// The attributes that load something, moved out of the way on an element the gate
/// holds back, with the names they move to (`:` becomes `-`). `banner.js` restores
/// exactly these, [`STYLE`] and [`PING`] (`MOVED` there; a unit test checks the lists
/// agree), and
/// event handlers ([`HANDLER_PREFIX`]).
pub(super) const MOVED: [(&str, &str); 15] = [
    ("src", "data-consent-src"),
    ("srcset", "data-consent-srcset"),
    ("href", "data-consent-href"),
    ("data", "data-consent-data"),
    ("poster", "data-consent-poster"),
    ("srcdoc", "data-consent-srcdoc"),
    ("imagesrcset", "data-consent-imagesrcset"),
    ("xlink:href", "data-consent-xlink-href"),
    ("integrity", "data-consent-integrity"),
    ("background", "data-consent-background"),
    ("content", "data-consent-content"),
    ("to", "data-consent-to"),
    ("from", "data-consent-from"),
    ("by", "data-consent-by"),
    ("values", "data-consent-values"),
];

/// A `style` attribute moved when its CSS loads what is refused.
pub(super) const STYLE: (&str, &str) = ("style", "data-consent-style");

/// The `ping` attribute of an `<a>` or `<area>` (hyperlink auditing: the browser posts
/// to each of its URLs when the link is followed), moved when one of its URLs is
/// refused.
pub(super) const PING: (&str, &str) = ("ping", "data-consent-ping");

/// An event handler attribute (`on…`) held back is renamed with this prefix.
pub(super) const HANDLER_PREFIX: &str = "data-consent-";

/// The names the page wrote that begin like the gate's own ([`OWN_PREFIX`]) get this
/// prefix on an element the gate holds back: `banner.js` never reads them.
pub(super) const FORGED_PREFIX: &str = "x-";

/// The beginning of every attribute the gate writes or moves.
pub(super) const OWN_PREFIX: &str = "data-consent-";

/// Whether `name` (as written, any case) is an event handler content attribute: `on`
/// and at least one more letter. Browsers run only the names they know; the gate reads
/// every such name, which may only hold back more.
pub(super) fn is_event_handler(name: &[u8]) -> bool {
    name.len() > 2
        && name[..2].eq_ignore_ascii_case(b"on")
        && name[2..].iter().all(u8::is_ascii_alphabetic)
}

/// The random token of one response: 128 bits from the operating system, in hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Token([u8; 32]);

impl Token {
    /// A fresh token; `None` if the operating system gives no randomness.
    pub(super) fn new() -> Option<Self> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).ok()?;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 32];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(random) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 15)];
        }
        Some(Self(hex))
    }

    /// The hex digits, as bytes: no UTF-8 check for writing them out.
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(super) fn as_str(&self) -> &str {
        // Hex digits only.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not logged: it guards activation on this response's page.
        f.write_str("Token(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_and_differ() {
        let a = Token::new().expect("randomness");
        let b = Token::new().expect("randomness");
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn moved_names_follow_one_rule() {
        for (from, to) in MOVED.into_iter().chain([STYLE, PING]) {
            assert_eq!(to, format!("{OWN_PREFIX}{}", from.replace(':', "-")));
        }
    }

    /// `banner.js` restores the names the gate moves, no more and no fewer.
    #[test]
    fn banner_js_restores_what_the_gate_moves() {
        let script = include_str!("../../assets/banner.js");
        let line = script
            .lines()
            .find(|l| l.trim_start().starts_with("const MOVED = ["))
            .expect("banner.js declares MOVED");
        let list = line
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| list)
            .expect("a list");
        let restored: Vec<&str> = list
            .split(',')
            .map(|name| name.trim().trim_matches('\''))
            .collect();
        let moved: Vec<String> = MOVED
            .iter()
            .chain([&STYLE, &PING])
            .map(|(_, to)| to[OWN_PREFIX.len()..].to_owned())
            .collect();
        assert_eq!(restored, moved);
        assert!(script.contains("const HANDLER = /^on[a-z]+$/;"));
        assert!(script.contains(&format!("const OWN = '{OWN_PREFIX}';")));
        assert!(script.contains(&format!("'{MARK}'")));
    }

    #[test]
    fn event_handlers_are_on_and_letters() {
        for name in ["onload", "ONERROR", "onX"] {
            assert!(is_event_handler(name.as_bytes()), "{name}");
        }
        for name in ["on", "one-two", "once1", "src", "o"] {
            assert!(!is_event_handler(name.as_bytes()), "{name}");
        }
    }
}
