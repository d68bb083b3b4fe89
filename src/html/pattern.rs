//! The `host[/path]` pattern of a script rule or an embed, read once when the layer is
//! built.

use crate::BuildError;

/// `host[/path]`, `//host/path`, `https://host/path` or `/path` (the app's own,
/// relative URLs).
pub(super) fn parse_rule(pattern: &str) -> Result<(Option<String>, String), BuildError> {
    let invalid = |reason: &str| BuildError::InvalidScriptRule {
        pattern: pattern.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = pattern.trim();
    if trimmed.starts_with('/') && !trimmed.starts_with("//") {
        if trimmed.len() < 2 || trimmed.contains(char::is_whitespace) {
            return Err(invalid(
                "a local path is `/` followed by at least one character",
            ));
        }
        return Ok((None, trimmed.to_ascii_lowercase()));
    }
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .or_else(|| trimmed.strip_prefix("//"))
        .unwrap_or(trimmed);
    let rest = rest.strip_prefix("*.").unwrap_or(rest);
    let end = rest.find('/').unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    let valid_host = !host.is_empty()
        && host.contains('.')
        && host.bytes().all(is_host_byte)
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    if !valid_host {
        return Err(invalid("the host is made of `a-z 0-9 . -` and has a dot"));
    }
    if path.contains(char::is_whitespace) {
        return Err(invalid("a path has no whitespace"));
    }
    Ok((Some(host.to_ascii_lowercase()), path.to_ascii_lowercase()))
}

pub(super) const fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}
