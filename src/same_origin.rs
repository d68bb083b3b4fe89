//! The same-origin check every recorded choice passes: a consent endpoint's `POST` and
//! `DELETE`, and a [`Choice`](crate::Choice) a handler returns.
//!
//! A choice must come from a page of this site (Fetch Metadata, OWASP):
//!
//! 1. `Sec-Fetch-Site: same-origin` or `none` (the user typed the address) passes;
//!    `same-site` and `cross-site` are refusals on their own, whatever `Origin` says,
//!    unless `Origin` is an origin the app explicitly
//!    [allowed](crate::ConsentLayerBuilder::allowed_origin);
//! 2. without `Sec-Fetch-Site`, `Origin` must equal this site's origin — scheme, host and
//!    port — or an allowed origin;
//! 3. anything else (no `Origin`, `Origin: null`, an `http://` origin for an HTTPS site) is
//!    refused.
//!
//! The verdict is computed once per request, before the app runs, and carried to the
//! response side, so endpoints and handlers are judged by the same rule.

use http::header::{HOST, ORIGIN};
use http::{HeaderMap, HeaderName, Uri};

/// The Fetch Metadata header saying where a request comes from.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Why a request was refused: one byte, as every request's state keeps its verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `Sec-Fetch-Site` names another site.
    FetchedFromAnotherSite,
    /// Without Fetch Metadata, no `Origin` either.
    NoOrigin,
    /// The `Origin` is not an `http(s)` origin (`null`, another scheme).
    NotAnHttpOrigin,
    /// A page served over plain HTTP by a layer built for HTTPS. Browsers send Fetch
    /// Metadata only to secure origins and store no `Secure` cookie over plain HTTP
    /// except on loopback: a development host reached by a LAN address, a container
    /// name or `*.test` ends here until the layer is built with `secure(false)`.
    PlainHttp,
    /// The `Origin`'s scheme is not the request's.
    OtherScheme,
    /// No `Host` (or authority) to compare the `Origin` with.
    NoHost,
    /// The `Origin` names another host or port.
    OtherOrigin,
}

impl Refusal {
    /// The reason, as the error body and the logs give it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Refusal::FetchedFromAnotherSite => {
                "the browser says the request comes from another site"
            }
            Refusal::NoOrigin => "the request names no Origin",
            Refusal::NotAnHttpOrigin => "the Origin is not an http(s) origin",
            Refusal::PlainHttp => {
                "this page is served over plain HTTP, but the consent layer is built for \
                 HTTPS (`secure(true)`, the default), whose cookies browsers do not store \
                 over HTTP: on a development host, build it with `.secure(false)`"
            }
            Refusal::OtherScheme => "the Origin's scheme is not this site's",
            Refusal::NoHost => "the request names no host to compare its Origin with",
            Refusal::OtherOrigin => "the Origin is another site",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a request may record a choice.
pub(crate) type Verdict = Result<(), Refusal>;

/// Which origins may record choices; fixed when the layer is built.
#[derive(Debug)]
pub(crate) struct SameOrigin {
    /// Origins of other sites the app trusts, exactly as configured
    /// (`https://www.example.com`).
    allowed: Vec<String>,
    /// Whether the site is served over HTTPS only (the consent cookie is `Secure`): an
    /// `http://` origin is then another site.
    https_only: bool,
}

impl SameOrigin {
    pub(crate) fn new(allowed: Vec<String>, https_only: bool) -> Self {
        Self {
            allowed,
            https_only,
        }
    }

    /// Judges a request by its headers and URI.
    pub(crate) fn check(&self, headers: &HeaderMap, uri: &Uri) -> Verdict {
        let origin = || headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        let allowed = |origin: Option<&str>| {
            origin.is_some_and(|o| self.allowed.iter().any(|a| a.eq_ignore_ascii_case(o)))
        };
        match headers.get(SEC_FETCH_SITE).map(|v| v.as_bytes()) {
            Some(b"same-origin" | b"none") => return Ok(()),
            Some(_) if allowed(origin()) => return Ok(()),
            Some(_) => return Err(Refusal::FetchedFromAnotherSite),
            None => {}
        }
        let origin = origin().ok_or(Refusal::NoOrigin)?;
        if allowed(Some(origin)) {
            return Ok(());
        }
        let (scheme, authority) = split_origin(origin).ok_or(Refusal::NotAnHttpOrigin)?;
        let expected_scheme = match uri.scheme_str() {
            Some(uri_scheme) => uri_scheme.eq_ignore_ascii_case(scheme_name(scheme)),
            // A `Secure` consent cookie means an HTTPS site; over plain HTTP (development)
            // the consent cookie is not `Secure` and a network attacker could set it
            // directly, so either scheme is as good.
            None if self.https_only && scheme == Scheme::Http => return Err(Refusal::PlainHttp),
            None => true,
        };
        if !expected_scheme {
            return Err(Refusal::OtherScheme);
        }
        let host = headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .ok_or(Refusal::NoHost)?;
        if authority.eq_ignore_ascii_case(host) {
            Ok(())
        } else {
            Err(Refusal::OtherOrigin)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Http => "http",
        Scheme::Https => "https",
    }
}

/// The scheme and `host[:port]` of an `http://` or `https://` origin.
fn split_origin(origin: &str) -> Option<(Scheme, &str)> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        return None;
    };
    Some((scheme, rest))
}

/// Checks an allowed origin when the layer is built: `scheme://host[:port]`.
pub(crate) fn is_valid_origin(origin: &str) -> bool {
    let Some((_, authority)) = split_origin(origin) else {
        return false;
    };
    !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// `path` if it is a path on this site (`/…`, not `//…`), visible ASCII, at most 2 KiB;
/// otherwise `/`. Never an open redirect.
pub(crate) fn same_site_path(path: &str) -> &str {
    let bytes = path.as_bytes();
    let safe = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes.len() <= 2048
        && bytes.iter().all(|&b| b.is_ascii_graphic());
    if safe {
        path
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &SameOrigin, headers: &[(&str, &str)]) -> Verdict {
        check_uri(policy, "/_consent", headers)
    }

    fn check_uri(policy: &SameOrigin, uri: &str, headers: &[(&str, &str)]) -> Verdict {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        policy.check(&map, &uri.parse().unwrap())
    }

    fn https() -> SameOrigin {
        SameOrigin::new(Vec::new(), true)
    }

    #[test]
    fn fetch_metadata_decides_first() {
        let p = https();
        assert!(check(&p, &[("sec-fetch-site", "same-origin")]).is_ok());
        assert!(check(&p, &[("sec-fetch-site", "none")]).is_ok());
        assert!(check(&p, &[("sec-fetch-site", "cross-site")]).is_err());
        assert!(check(&p, &[("sec-fetch-site", "same-site")]).is_err());
        assert!(check(&p, &[("sec-fetch-site", "garbage")]).is_err());
    }

    #[test]
    fn cross_site_fetch_metadata_wins_over_a_matching_origin() {
        let p = https();
        let host = ("host", "shop.example");
        for site in ["cross-site", "same-site"] {
            assert!(check(
                &p,
                &[
                    host,
                    ("sec-fetch-site", site),
                    ("origin", "https://shop.example")
                ]
            )
            .is_err());
        }
    }

    #[test]
    fn origin_must_be_this_scheme_host_and_port_or_allowed() {
        let p = https();
        let host = ("host", "shop.example:8443");
        assert!(check(&p, &[host, ("origin", "https://shop.example:8443")]).is_ok());
        assert!(check(&p, &[host, ("origin", "https://SHOP.example:8443")]).is_ok());
        assert!(check(&p, &[host, ("origin", "http://shop.example:8443")]).is_err());
        assert!(check(&p, &[host, ("origin", "https://evil.example")]).is_err());
        assert!(check(&p, &[host, ("origin", "https://shop.example")]).is_err());
        assert!(check(&p, &[host, ("origin", "null")]).is_err());
        assert!(check(&p, &[host]).is_err());
        assert!(check(&p, &[("origin", "https://shop.example:8443")]).is_err());
        // An absolute request URI (HTTP/2, proxies) says the scheme itself.
        assert!(check_uri(
            &p,
            "http://shop.example:8443/_consent",
            &[host, ("origin", "http://shop.example:8443")]
        )
        .is_ok());
        // A plain-HTTP development site accepts its own http origin.
        let dev = SameOrigin::new(Vec::new(), false);
        assert!(check(&dev, &[host, ("origin", "http://shop.example:8443")]).is_ok());
    }

    #[test]
    fn allowed_origins_pass_even_as_same_site() {
        let p = SameOrigin::new(vec!["https://www.example".to_owned()], true);
        let host = ("host", "example");
        assert!(check(&p, &[host, ("origin", "https://www.example")]).is_ok());
        assert!(check(
            &p,
            &[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://www.example")
            ]
        )
        .is_ok());
        assert!(check(
            &p,
            &[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://other.example")
            ]
        )
        .is_err());
    }

    #[test]
    fn origins_are_validated() {
        assert!(is_valid_origin("https://example.com"));
        assert!(is_valid_origin("http://127.0.0.1:3000"));
        assert!(!is_valid_origin("example.com"));
        assert!(!is_valid_origin("https://"));
        assert!(!is_valid_origin("https://example.com/path"));
        assert!(!is_valid_origin("ftp://example.com"));
    }

    #[test]
    fn return_paths_never_leave_the_site() {
        assert_eq!(same_site_path("/shop?x=1#top"), "/shop?x=1#top");
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "shop",
            "/a b",
            "/a\r\nSet-Cookie:x",
        ] {
            assert_eq!(same_site_path(hostile), "/", "{hostile:?}");
        }
        assert_eq!(same_site_path(&format!("/{}", "a".repeat(3000))), "/");
    }
}
