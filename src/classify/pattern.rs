//! Cookie-name patterns: exact names and `*` wildcards.

/// A checked cookie-name pattern. `*` matches any run of bytes (also none); every other
/// byte matches itself, case-sensitively, like browsers compare cookie names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern {
    text: Box<[u8]>,
    literal_len: usize,
}

/// Why a pattern was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatternError {
    Empty,
    OnlyWildcards,
    InvalidByte(u8),
    /// Leading or trailing SP/HTAB, which browsers trim from every name.
    Padded,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternError::Empty => f.write_str("the pattern is empty"),
            PatternError::OnlyWildcards => {
                f.write_str("a pattern of only `*` matches every cookie; use `unknown(..)`")
            }
            PatternError::InvalidByte(b) => write!(
                f,
                "byte {b:#04x} cannot appear in a cookie name browsers store \
                 (no control characters, `=` or `;`)"
            ),
            PatternError::Padded => f.write_str(
                "browsers trim spaces and tabs around cookie names; remove them from the pattern",
            ),
        }
    }
}

/// Whether a browser keeps `b` in a cookie name it stores (RFC 6265bis §5.6): anything
/// but control characters (HTAB aside), `=` and `;`. Browsers store and send names such
/// as `@a`, `foo bar` or UTF-8 text, so rules must be able to name them.
fn is_cookie_name_byte(b: u8) -> bool {
    !((b < 0x20 && b != b'\t') || b == 0x7f || b == b'=' || b == b';')
}

impl Pattern {
    pub(crate) fn parse(text: &str) -> Result<Self, PatternError> {
        let bytes = text.as_bytes();
        if bytes.is_empty() {
            return Err(PatternError::Empty);
        }
        if let Some(&bad) = bytes.iter().find(|&&b| !is_cookie_name_byte(b)) {
            return Err(PatternError::InvalidByte(bad));
        }
        if crate::cookie_header::trim_wsp(bytes).len() != bytes.len() {
            return Err(PatternError::Padded);
        }
        let literal_len = bytes.iter().filter(|&&b| b != b'*').count();
        if literal_len == 0 {
            return Err(PatternError::OnlyWildcards);
        }
        Ok(Self {
            text: bytes.into(),
            literal_len,
        })
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    pub(crate) fn is_exact(&self) -> bool {
        self.literal_len == self.text.len()
    }

    /// How many non-wildcard bytes the pattern has: its specificity.
    pub(crate) fn literal_len(&self) -> usize {
        self.literal_len
    }

    /// The bytes before the first `*`.
    pub(crate) fn literal_prefix(&self) -> &[u8] {
        let end = self
            .text
            .iter()
            .position(|&b| b == b'*')
            .unwrap_or(self.text.len());
        &self.text[..end]
    }

    /// Does `name` match the pattern?
    pub(crate) fn matches(&self, name: &[u8]) -> bool {
        glob_match(&self.text, name)
    }

    /// Is there a name that both patterns match?
    pub(crate) fn overlaps(&self, other: &Pattern) -> bool {
        globs_intersect(&self.text, &other.text)
    }
}

/// Iterative wildcard matching with single backtracking: linear in practice, at worst
/// `O(pattern × name)`, never exponential.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut resume: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            resume = Some((p, n));
            p += 1;
        } else if p < pattern.len() && pattern[p] == name[n] {
            p += 1;
            n += 1;
        } else if let Some((star, from)) = resume {
            p = star + 1;
            n = from + 1;
            resume = Some((star, from + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Whether two `*`-globs share a matching string: a reachability search over pairs of
/// positions, `O(a × b)`, run only when the layer is built.
fn globs_intersect(a: &[u8], b: &[u8]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let slot = i * width + j;
        if seen[slot] {
            continue;
        }
        seen[slot] = true;
        if i == a.len() && j == b.len() {
            return true;
        }
        let star_a = a.get(i) == Some(&b'*');
        let star_b = b.get(j) == Some(&b'*');
        // A star may match nothing.
        if star_a {
            stack.push((i + 1, j));
        }
        if star_b {
            stack.push((i, j + 1));
        }
        match (a.get(i), b.get(j)) {
            // A star absorbs one byte the other side spells out (or both stars run on).
            (Some(b'*'), Some(_)) => stack.push((i, j + 1)),
            (Some(_), Some(b'*')) => stack.push((i + 1, j)),
            (Some(x), Some(y)) if x == y => stack.push((i + 1, j + 1)),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Pattern {
        Pattern::parse(text).unwrap()
    }

    #[test]
    fn parsing_checks_bytes_and_counts_literals() {
        assert_eq!(Pattern::parse(""), Err(PatternError::Empty));
        assert_eq!(Pattern::parse("**"), Err(PatternError::OnlyWildcards));
        assert_eq!(Pattern::parse("a=b"), Err(PatternError::InvalidByte(b'=')));
        assert_eq!(Pattern::parse("a;b"), Err(PatternError::InvalidByte(b';')));
        assert_eq!(
            Pattern::parse("a\nb"),
            Err(PatternError::InvalidByte(b'\n'))
        );
        assert_eq!(
            Pattern::parse("a\x7f"),
            Err(PatternError::InvalidByte(0x7f))
        );
        assert_eq!(Pattern::parse(" a"), Err(PatternError::Padded));
        assert_eq!(Pattern::parse("a\t"), Err(PatternError::Padded));
        for name in ["春节回", "@a", "foo bar", "a\tb", "(x)", "a,b", "\"q\""] {
            assert!(p(name).is_exact(), "{name}");
            assert!(p(name).matches(name.as_bytes()), "{name}");
        }
        assert!(p("春*").matches("春节回".as_bytes()));
        assert_eq!(p("mp_*_mixpanel").literal_len(), 12);
        assert_eq!(p("mp_*_mixpanel").literal_prefix(), b"mp_");
        assert!(p("_ga").is_exact());
        assert!(!p("_ga_*").is_exact());
    }

    #[test]
    fn matching() {
        assert!(p("_ga_*").matches(b"_ga_XYZ"));
        assert!(p("_ga_*").matches(b"_ga_"));
        assert!(!p("_ga_*").matches(b"_ga"));
        assert!(p("mp_*_mixpanel").matches(b"mp_abc_mixpanel"));
        assert!(!p("mp_*_mixpanel").matches(b"mp_abc_mixpanelx"));
        assert!(p("*_x*y").matches(b"a_xxy"));
        assert!(p("a*a*a*a*b").matches(b"aaaaaaaaaab"));
        assert!(!p("a*a*a*a*b").matches(&[b'a'; 200]));
        assert!(!p("_GA").matches(b"_ga"));
    }

    #[test]
    fn overlap() {
        assert!(p("_ga*").overlaps(&p("*_ga")));
        assert!(p("a*").overlaps(&p("*b")));
        assert!(!p("a*").overlaps(&p("b*")));
        assert!(!p("*a").overlaps(&p("*b")));
        assert!(p("x*y").overlaps(&p("xy")));
        assert!(!p("x*y").overlaps(&p("x")));
        assert!(p("_hj*").overlaps(&p("_hjSession_*")));
    }
}
