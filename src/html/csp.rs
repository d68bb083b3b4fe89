//! Whether the gate may insert an inline script under the response's
//! `Content-Security-Policy`, and the nonces its inserted elements carry: the Consent
//! Mode script, and the injected banner's `<script src>` and `<link rel=stylesheet>`.

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

/// The nonces the response's policies give `<script>` and `<link rel=stylesheet>`
/// elements, for the banner the gate injects: under `script-src 'nonce-…'
/// 'strict-dynamic'` a script without the nonce does not run, whatever its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Nonces {
    /// From `script-src-elem`, else `script-src`, else `default-src`.
    pub(crate) script: Option<String>,
    /// From `style-src-elem`, else `style-src`, else `default-src`.
    pub(crate) style: Option<String>,
}

/// Reads the nonces of every `Content-Security-Policy` header. Each policy is enforced
/// on its own: where two name different nonces for one kind of element, none can pass
/// both, and none is given (the element still passes a policy that allows its URL).
pub(crate) fn nonces(headers: &HeaderMap) -> Nonces {
    let mut found: [Option<Option<&str>>; 2] = [None, None];
    for value in headers.get_all(CONTENT_SECURITY_POLICY) {
        let Ok(value) = value.to_str() else { continue };
        for policy in value.split(',') {
            let kinds = [
                ["script-src-elem", "script-src", "default-src"],
                ["style-src-elem", "style-src", "default-src"],
            ];
            for (slot, names) in found.iter_mut().zip(kinds) {
                let Some(nonce) = governing(policy, names).and_then(nonce_of) else {
                    continue;
                };
                match slot {
                    None => *slot = Some(Some(nonce)),
                    Some(Some(existing)) if *existing != nonce => *slot = Some(None),
                    Some(_) => {}
                }
            }
        }
    }
    let [script, style] = found.map(|slot| slot.flatten().map(str::to_owned));
    Nonces { script, style }
}

/// The directive of `policy` that governs an element: the first of `names` the policy
/// has (only the first occurrence of a directive counts).
fn governing<'p>(policy: &'p str, names: [&str; 3]) -> Option<&'p str> {
    let mut directives: [Option<&str>; 3] = [None; 3];
    for directive in policy.split(';') {
        let Some(name) = directive.split_ascii_whitespace().next() else {
            continue;
        };
        if let Some(slot) = names.iter().position(|n| name.eq_ignore_ascii_case(n)) {
            directives[slot].get_or_insert(directive);
        }
    }
    directives.into_iter().flatten().next()
}

/// The first valid `'nonce-…'` source of a directive, as written (nonces are
/// case-sensitive).
fn nonce_of(directive: &str) -> Option<&str> {
    directive
        .split_ascii_whitespace()
        .skip(1)
        .find_map(|source| {
            let value = source
                .get(..7)
                .filter(|head| head.eq_ignore_ascii_case("'nonce-"))
                .and_then(|_| source[7..].strip_suffix('\''))?;
            let valid = !value.is_empty()
                && value.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
                });
            valid.then_some(value)
        })
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

    fn nonces_of(policies: &[&str]) -> Nonces {
        let mut headers = HeaderMap::new();
        for policy in policies {
            headers.append(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(policy).expect("ascii"),
            );
        }
        nonces(&headers)
    }

    #[test]
    fn scripts_and_style_sheets_get_the_nonce_of_their_directive() {
        let both = |script: &str, style: &str| Nonces {
            script: Some(script.into()),
            style: Some(style.into()),
        };
        assert_eq!(nonces_of(&[]), Nonces::default());
        assert_eq!(
            nonces_of(&["script-src 'nonce-a1' 'strict-dynamic'; style-src 'nonce-B2'"]),
            both("a1", "B2")
        );
        assert_eq!(
            nonces_of(&["default-src 'nonce-d'; script-src-elem 'nonce-e'"]),
            both("e", "d")
        );
        assert_eq!(
            nonces_of(&["script-src 'self'; style-src 'nonce-s'"]),
            Nonces {
                script: None,
                style: Some("s".into())
            }
        );
        // Two policies, two nonces: none passes both.
        assert_eq!(
            nonces_of(&["script-src 'nonce-a'", "script-src 'nonce-b'"]).script,
            None
        );
        assert_eq!(
            nonces_of(&["script-src 'nonce-a', style-src 'nonce-b'"]),
            both("a", "b")
        );
        assert_eq!(
            nonces_of(&["script-src 'NONCE-x'"]).script,
            Some("x".into())
        );
    }
}
