//! Whether the gate may insert an inline script under the response's
//! `Content-Security-Policy`, and with which nonce.

use http::header::CONTENT_SECURITY_POLICY;
use http::HeaderMap;

/// What the response's policies allow for a script the gate inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InlineScripts {
    /// No policy restricts inline scripts.
    Allowed,
    /// Allowed with this nonce (from `script-src 'nonce-…'`).
    Nonce(String),
    /// A policy allows no inline script the gate could write: insert none.
    Forbidden,
}

/// Reads every `Content-Security-Policy` header (each is enforced on its own: an inline
/// script must pass them all). `Content-Security-Policy-Report-Only` blocks nothing
/// and is ignored.
pub(crate) fn inline_scripts(headers: &HeaderMap) -> InlineScripts {
    let mut nonce: Option<String> = None;
    for value in headers.get_all(CONTENT_SECURITY_POLICY) {
        let Ok(value) = value.to_str() else {
            return InlineScripts::Forbidden;
        };
        for policy in value.split(',') {
            match policy_allows(policy) {
                Verdict::Any => {}
                Verdict::Nonce(found) => match &nonce {
                    Some(existing) if *existing != found => return InlineScripts::Forbidden,
                    _ => nonce = Some(found),
                },
                Verdict::Nothing => return InlineScripts::Forbidden,
            }
        }
    }
    match nonce {
        Some(nonce) => InlineScripts::Nonce(nonce),
        None => InlineScripts::Allowed,
    }
}

enum Verdict {
    Any,
    Nonce(String),
    Nothing,
}

/// One policy: the directive that governs inline `<script>` elements is
/// `script-src-elem`, else `script-src`, else `default-src`.
fn policy_allows(policy: &str) -> Verdict {
    let mut directives = [None, None, None];
    for directive in policy.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next() else { continue };
        let slot = match name.to_ascii_lowercase().as_str() {
            "script-src-elem" => 0,
            "script-src" => 1,
            "default-src" => 2,
            _ => continue,
        };
        // Only the first occurrence of a directive counts.
        if directives[slot].is_none() {
            directives[slot] = Some(directive);
        }
    }
    let Some(directive) = directives.into_iter().flatten().next() else {
        return Verdict::Any;
    };
    let mut unsafe_inline = false;
    let mut hash_or_nonce = false;
    let mut strict_dynamic = false;
    for source in directive.split_ascii_whitespace().skip(1) {
        let lower = source.to_ascii_lowercase();
        if let Some(value) = lower
            .strip_prefix("'nonce-")
            .and_then(|v| v.strip_suffix('\''))
        {
            // The original spelling: nonces are case-sensitive.
            let value = &source[7..7 + value.len()];
            if !value.is_empty()
                && value.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
                })
            {
                return Verdict::Nonce(value.to_owned());
            }
        }
        match lower.as_str() {
            "'unsafe-inline'" => unsafe_inline = true,
            "'strict-dynamic'" => strict_dynamic = true,
            _ if lower.starts_with("'sha") || lower.starts_with("'nonce-") => hash_or_nonce = true,
            _ => {}
        }
    }
    if unsafe_inline && !hash_or_nonce && !strict_dynamic {
        Verdict::Any
    } else {
        Verdict::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(policies: &[&str]) -> InlineScripts {
        let mut headers = HeaderMap::new();
        for policy in policies {
            headers.append(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(policy).expect("ascii"),
            );
        }
        inline_scripts(&headers)
    }

    #[test]
    fn policies_decide_inline_scripts() {
        assert_eq!(with(&[]), InlineScripts::Allowed);
        assert_eq!(with(&["img-src 'self'"]), InlineScripts::Allowed);
        assert_eq!(
            with(&["default-src 'self'; script-src 'self' 'nonce-AbC123=='"]),
            InlineScripts::Nonce("AbC123==".into())
        );
        assert_eq!(with(&["script-src 'self'"]), InlineScripts::Forbidden);
        assert_eq!(with(&["default-src 'self'"]), InlineScripts::Forbidden);
        assert_eq!(
            with(&["script-src 'self' 'unsafe-inline'"]),
            InlineScripts::Allowed
        );
        assert_eq!(
            with(&["script-src 'unsafe-inline' 'sha256-abc'"]),
            InlineScripts::Forbidden
        );
        assert_eq!(
            with(&["script-src-elem 'self'; script-src 'nonce-x'"]),
            InlineScripts::Forbidden
        );
        assert_eq!(
            with(&["script-src 'nonce-a'", "script-src 'nonce-b'"]),
            InlineScripts::Forbidden
        );
        assert_eq!(with(&["script-src 'nonce-\"x'"]), InlineScripts::Forbidden);
    }
}
