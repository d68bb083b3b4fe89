//! Enforcement: filtering request cookies, stripping `Set-Cookie`, purging, `Vary`.
//!
//! [`request`] reads and filters the `Cookie` headers before the app runs; [`response`]
//! strips the app's `Set-Cookie` headers and adds `Vary`; [`purge`] deletes refused
//! cookies the browser still holds; [`report_only`] logs what they would do instead.

mod domains;
mod purge;
mod report_only;
mod request;
mod response;

use http::HeaderValue;

pub(crate) use self::purge::{purge, Purge, DEFAULT_PURGE_LIMIT};
pub(crate) use self::report_only::ReportOnly;
pub(crate) use self::request::{filter_request, scan_request};
pub(crate) use self::response::{
    is_deletion, keep_out_of_shared_caches, strip_set_cookies, vary_on, vary_on_cookie,
};
use crate::category::CategorySet;
use crate::classify::{Class, CookieScope};
use crate::BuildError;

/// May a cookie of this class be stored or read under `granted`?
pub(crate) fn is_granted(class: Class, granted: CategorySet) -> bool {
    class.category.is_some_and(|index| granted.contains(index))
}

/// The `Cookie` headers a request arrived with, and its host, kept to purge what the
/// response must delete. Cloning a `HeaderValue` shares its bytes.
#[derive(Debug, Default)]
pub(crate) struct RequestCookies {
    first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
    /// The `Host` header (or the URI's authority) of a request that sent cookies.
    host: Option<HeaderValue>,
}

impl RequestCookies {
    fn host(&self) -> Option<&HeaderValue> {
        self.host.as_ref()
    }

    fn push(&mut self, value: HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.rest.push(value),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &HeaderValue> {
        self.first.iter().chain(&self.rest)
    }
}

/// Checks purge scopes once, when the layer is built.
pub(crate) fn validate_scopes(scopes: &[CookieScope]) -> Result<(), BuildError> {
    for scope in scopes {
        let error = |reason| BuildError::InvalidScope {
            domain: scope.domain.clone(),
            path: scope.path.clone(),
            reason,
        };
        if !scope.path.starts_with('/') {
            return Err(error("the path must start with `/`"));
        }
        if scope
            .path
            .bytes()
            .any(|b| b == b';' || b.is_ascii_control() || !b.is_ascii())
        {
            return Err(error("the path must be visible ASCII without `;`"));
        }
        if let Some(domain) = &scope.domain {
            let host = domain.strip_prefix('.').unwrap_or(domain);
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(error(
                    "the domain must be a host name such as `example.com`",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_validated() {
        assert!(validate_scopes(&[CookieScope::host_only("/a")]).is_ok());
        assert!(validate_scopes(&[CookieScope::domain(".example.com", "/")]).is_ok());
        assert!(validate_scopes(&[CookieScope::host_only("a")]).is_err());
        assert!(validate_scopes(&[CookieScope::host_only("/;x")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("", "/")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("a b", "/")]).is_err());
    }
}
