//! HTML escaping for the markup the crate writes itself (the banner, the cookie
//! declaration, the HTML gate's notices): every interpolated string goes through
//! [`escape_into`].

/// An HTML string being written.
pub(crate) struct Html(pub(crate) String);

impl Html {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(String::with_capacity(capacity))
    }

    /// Appends trusted markup as is.
    pub(crate) fn raw(&mut self, markup: &str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Appends text, escaped for element content and quoted attribute values.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.0, text);
        self
    }
}

/// Escapes `& < > " '`, enough for text and double- or single-quoted attribute values.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is the index of an ASCII byte, so both slices end on char boundaries.
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_characters() {
        let mut out = String::new();
        escape_into(&mut out, "a&b<c>d\"e'f — ü");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e&#39;f — ü");
        let mut out = String::new();
        escape_into(&mut out, "");
        assert_eq!(out, "");
    }
}
