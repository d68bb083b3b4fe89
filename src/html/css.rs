//! The URLs a style sheet or a `style` attribute loads, read with CSS's own
//! tokenisation (cssparser, Servo's implementation of CSS Syntax Level 3).
//!
//! A URL in CSS is a `url(…)` token (written `url(`, `URL(`, `u\72l(` …: escapes are
//! undone, `\2e` is a `.`), the string of a `url("…")` or `src("…")` function, a string
//! inside `image-set(…)` (and `-webkit-image-set(…)`), or the string after `@import`.
//! Comments, `bad-url` tokens (which load nothing) and every other token are skipped.

use cssparser::{Parser, ParserInput, Token};

/// Where a string token is read as a URL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strings {
    /// Not here.
    Text,
    /// Inside `url(` or `src(`: the argument is a URL.
    Url,
    /// Inside `image-set(`: each string is an image's URL.
    ImageSet,
}

/// Whether CSS text may hold a URL at all: every way of writing one has a `(` (a
/// function or a `url(` token) or an `@` (`@import "…"`).
pub(super) fn may_hold_urls(css: &str) -> bool {
    memchr::memchr2(b'(', b'@', css.as_bytes()).is_some()
}

/// How deep the blocks (`{`, `(`, `[`, functions) of CSS the gate reads may nest; a
/// style sheet nested deeper is not read ([`TooDeep`]).
const DEPTH: usize = 64;

/// CSS nests its blocks deeper than [`DEPTH`]: what it loads is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TooDeep;

/// Calls `found` with each URL `css` loads, as CSS decodes it, until it returns `true`;
/// whether one did.
pub(super) fn any_url(css: &str, mut found: impl FnMut(&str) -> bool) -> Result<bool, TooDeep> {
    if !may_hold_urls(css) {
        return Ok(false);
    }
    let mut input = ParserInput::new(css);
    let mut parser = Parser::new(&mut input);
    walk(&mut parser, Strings::Text, &mut found, DEPTH)
}

/// Reads the tokens of one block (or the whole text) for URLs, `depth` more levels of
/// blocks deep at most.
fn walk(
    parser: &mut Parser<'_, '_>,
    strings: Strings,
    found: &mut dyn FnMut(&str) -> bool,
    depth: usize,
) -> Result<bool, TooDeep> {
    // After `@import`, the next token (a string or a `url(`) is the sheet to load.
    let mut import = false;
    loop {
        let token = match parser.next_including_whitespace_and_comments() {
            Ok(token) => token.clone(),
            Err(_) => return Ok(false),
        };
        let nested = match &token {
            Token::WhiteSpace(_) | Token::Comment(_) => continue,
            Token::UnquotedUrl(url) => {
                if found(url) {
                    return Ok(true);
                }
                None
            }
            Token::QuotedString(text) if import || strings != Strings::Text => {
                if found(text) {
                    return Ok(true);
                }
                None
            }
            Token::Function(name) => {
                let is = |known: &str| name.eq_ignore_ascii_case(known);
                Some(if is("url") || is("src") {
                    Strings::Url
                } else if is("image-set") || is("-webkit-image-set") {
                    Strings::ImageSet
                } else {
                    Strings::Text
                })
            }
            Token::ParenthesisBlock | Token::SquareBracketBlock | Token::CurlyBracketBlock => {
                Some(Strings::Text)
            }
            _ => None,
        };
        import = matches!(&token, Token::AtKeyword(name) if name.eq_ignore_ascii_case("import"));
        if let Some(strings) = nested {
            let deeper = depth.checked_sub(1).ok_or(TooDeep)?;
            let hit = parser.parse_nested_block(|block| {
                Ok::<_, cssparser::ParseError<'_, ()>>(walk(block, strings, found, deeper))
            });
            if hit.unwrap_or(Ok(false))? {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(css: &str) -> Vec<String> {
        let mut all = Vec::new();
        any_url(css, |url| {
            all.push(url.to_owned());
            false
        })
        .expect("not too deep");
        all
    }

    #[test]
    fn every_way_css_writes_a_url_is_read() {
        assert_eq!(
            urls("a{background:url(//t.example/p.gif)}"),
            ["//t.example/p.gif"]
        );
        assert_eq!(urls("a{background:URL( 'x.png' )}"), ["x.png"]);
        assert_eq!(urls("background-image:u\\72l(x.png)"), ["x.png"]);
        assert_eq!(
            urls("background:url(https://www\\2e facebook\\2e com/tr)"),
            ["https://www.facebook.com/tr"]
        );
        assert_eq!(
            urls("@import \"a.css\"; @import url(b.css) screen;"),
            ["a.css", "b.css"]
        );
        assert_eq!(
            urls("x{background:image-set(\"a.png\" 1x, url(b.png) 2x)}"),
            ["a.png", "b.png"]
        );
        assert_eq!(
            urls("x{background:-webkit-image-set('a.png' 1x)}"),
            ["a.png"]
        );
        assert_eq!(
            urls("@media screen{@font-face{src:url(f.woff2) format('woff2')}}"),
            ["f.woff2"]
        );
        assert_eq!(
            urls("a{content:'x.png';color:rgb(1 2 3)}"),
            Vec::<String>::new()
        );
        assert_eq!(urls("/* url(x.png) */ a{}"), Vec::<String>::new());
        assert_eq!(urls("a{background:url(x y.png)}"), Vec::<String>::new());
        assert_eq!(urls("a{background:url(x.png"), ["x.png"]);
    }

    #[test]
    fn reading_stops_at_the_first_url_found() {
        let mut seen = 0;
        let found = any_url("a{b:url(1)} c{d:url(2)}", |_| {
            seen += 1;
            true
        });
        assert_eq!(found, Ok(true));
        assert_eq!(seen, 1);
    }

    #[test]
    fn blocks_nested_past_the_depth_are_not_read() {
        let deep = format!("{}url(x){}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(any_url(&deep, |_| false), Err(TooDeep));
        let shallow = format!("{}url(x){}", "(".repeat(10), ")".repeat(10));
        assert_eq!(any_url(&shallow, |_| true), Ok(true));
    }
}
