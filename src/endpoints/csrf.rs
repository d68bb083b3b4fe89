//! Cross-site request forgery protection for the state-changing endpoints.
//!
//! A choice must come from a page of this site: browsers say so with
//! `Sec-Fetch-Site: same-origin` (or `none` for a request the user made directly);
//! otherwise the `Origin` header must name this very host or a configured origin.

use http::header::{HOST, ORIGIN};
use http::request::Parts;

/// Why a request was refused.
pub(crate) type Refusal = &'static str;

/// Accepts a state-changing request only if it comes from the same origin.
pub(crate) fn check(parts: &Parts, allowed_origins: &[String]) -> Result<(), Refusal> {
    if let Some(b"same-origin" | b"none") =
        parts.headers.get("sec-fetch-site").map(|v| v.as_bytes())
    {
        return Ok(());
    }
    let origin = parts
        .headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or("the request comes from another site or names no Origin")?;
    if allowed_origins
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    {
        return Ok(());
    }
    let authority =
        http_authority(origin).ok_or("the Origin is not an http(s) origin of this site")?;
    let host = parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .ok_or("the request names no host to compare its Origin with")?;
    if authority.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err("the Origin is another site")
    }
}

/// The `host[:port]` of an `http://` or `https://` origin.
fn http_authority(origin: &str) -> Option<&str> {
    origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
}

/// Checks an allowed origin when the layer is built: `scheme://host[:port]`.
pub(crate) fn is_valid_origin(origin: &str) -> bool {
    let Some(authority) = http_authority(origin) else {
        return false;
    };
    !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Request;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = Request::post("/_consent");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn fetch_metadata_decides_first() {
        assert!(check(&parts(&[("sec-fetch-site", "same-origin")]), &[]).is_ok());
        assert!(check(&parts(&[("sec-fetch-site", "none")]), &[]).is_ok());
        assert!(check(&parts(&[("sec-fetch-site", "cross-site")]), &[]).is_err());
        assert!(check(&parts(&[("sec-fetch-site", "same-site")]), &[]).is_err());
    }

    #[test]
    fn origin_must_be_this_host_or_allowed() {
        let host = ("host", "shop.example:8443");
        assert!(check(
            &parts(&[host, ("origin", "https://shop.example:8443")]),
            &[]
        )
        .is_ok());
        assert!(check(
            &parts(&[host, ("origin", "https://SHOP.example:8443")]),
            &[]
        )
        .is_ok());
        assert!(check(&parts(&[host, ("origin", "https://evil.example")]), &[]).is_err());
        assert!(check(&parts(&[host, ("origin", "https://shop.example")]), &[]).is_err());
        assert!(check(&parts(&[host, ("origin", "null")]), &[]).is_err());
        assert!(check(&parts(&[host]), &[]).is_err());
        assert!(check(&parts(&[("origin", "https://shop.example:8443")]), &[]).is_err());
        let allowed = ["https://www.example".to_owned()];
        assert!(check(&parts(&[host, ("origin", "https://www.example")]), &allowed).is_ok());
        assert!(check(
            &parts(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://www.example")
            ]),
            &allowed
        )
        .is_ok());
    }

    #[test]
    fn origins_are_validated() {
        assert!(is_valid_origin("https://example.com"));
        assert!(is_valid_origin("http://127.0.0.1:3000"));
        assert!(!is_valid_origin("example.com"));
        assert!(!is_valid_origin("https://"));
        assert!(!is_valid_origin("https://example.com/path"));
    }
}
