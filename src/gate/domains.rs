//! The domains a cookie of this site may have been set on, from the public suffix list.
//!
//! Scripts usually write their cookies with a `Domain` attribute: gtag.js's default
//! "auto" cookie domain is the registrable domain (`Domain=example.com`), even on the
//! apex. A browser deletes such a cookie only with a `Set-Cookie` naming the same
//! `Domain`, so purging names each domain between the request's host and its
//! registrable domain. The registrable domain comes from the public suffix list (the
//! `psl` crate), never from a guess such as "the last two labels".

use std::borrow::Cow;
use std::net::Ipv4Addr;

/// The most `Domain` variants purged per cookie: the registrable domain and up to three
/// subdomains below it towards the host (`a.b.shop.example.co.uk` gets
/// `example.co.uk`, `shop.example.co.uk`, `b.shop.example.co.uk` and the host). Bounds
/// the response a hostile `Host` header with many labels can cause.
pub(crate) const MAX_DOMAINS: usize = 4;

/// The domains from the registrable domain of a host up to the host itself, lower case,
/// registrable domain first, at most [`MAX_DOMAINS`]: suffixes of one host name.
#[derive(Debug, Default)]
pub(crate) struct CookieDomains<'a> {
    host: Cow<'a, str>,
    /// Where each domain starts in `host`.
    starts: [usize; MAX_DOMAINS],
    len: usize,
}

impl CookieDomains<'_> {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.starts[..self.len]
            .iter()
            .map(|&start| &self.host[start..])
    }
}

/// The [`CookieDomains`] of a `Host` header value (or URI authority), which may carry a
/// port. None for IP addresses, hosts without a registrable domain (`localhost`, a bare
/// public suffix) and anything that is not a valid host name. Allocates only for a host
/// written in upper case.
pub(crate) fn cookie_domains(authority: &[u8]) -> CookieDomains<'_> {
    let Some(host) = host_name(authority) else {
        return CookieDomains::default();
    };
    let Some(registrable) = psl::domain_str(&host).map(str::len) else {
        return CookieDomains::default();
    };
    let mut domains = CookieDomains {
        starts: [0; MAX_DOMAINS],
        len: 1,
        host: Cow::Borrowed(""),
    };
    domains.starts[0] = host.len() - registrable;
    // Walk from the registrable domain towards the host, one label at a time.
    let mut start = host.len() - registrable;
    while start > 0 && domains.len < MAX_DOMAINS {
        // `start - 1` is the dot before the current domain.
        start = host[..start - 1].rfind('.').map_or(0, |dot| dot + 1);
        domains.starts[domains.len] = start;
        domains.len += 1;
    }
    domains.host = host;
    domains
}

/// The host name of a `Host` header value (or URI authority), lower case and without a
/// port or a trailing dot; `None` for IP addresses and anything that is not a host name.
fn host_name(authority: &[u8]) -> Option<Cow<'_, str>> {
    if authority.first() == Some(&b'[') {
        return None; // an IPv6 literal
    }
    let host = match memchr::memrchr(b':', authority) {
        Some(colon) if authority[colon + 1..].iter().all(u8::is_ascii_digit) => &authority[..colon],
        Some(_) => return None,
        None => authority,
    };
    let host = host.strip_suffix(b".").unwrap_or(host);
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .split(|&b| b == b'.')
            .all(|label| !label.is_empty() && label.len() <= 63)
        && host
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !valid {
        return None;
    }
    let host = std::str::from_utf8(host).ok()?;
    if host.parse::<Ipv4Addr>().is_ok() {
        return None;
    }
    Some(if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains(host: &str) -> Vec<String> {
        cookie_domains(host.as_bytes())
            .iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn registrable_domain_first_then_towards_the_host() {
        assert_eq!(domains("example.com"), ["example.com"]);
        assert_eq!(
            domains("www.example.com"),
            ["example.com", "www.example.com"]
        );
        assert_eq!(
            domains("WWW.Example.COM:8443"),
            ["example.com", "www.example.com"]
        );
        assert_eq!(
            domains("shop.example.co.uk."),
            ["example.co.uk", "shop.example.co.uk"]
        );
        assert_eq!(domains("user.github.io"), ["user.github.io"]);
    }

    #[test]
    fn deep_hosts_are_bounded() {
        let got = domains("a.b.c.d.e.shop.example.com");
        assert_eq!(got.len(), MAX_DOMAINS);
        assert_eq!(
            got,
            [
                "example.com",
                "shop.example.com",
                "e.shop.example.com",
                "d.e.shop.example.com"
            ]
        );
    }

    #[test]
    fn no_domains_for_addresses_suffixes_and_garbage() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:3000",
            "[::1]:3000",
            "localhost",
            "com",
            "co.uk",
            "",
            "exa mple.com",
            "example.com:80x",
            "a..example.com",
            "example.com;Domain=evil",
        ] {
            assert!(domains(host).is_empty(), "{host:?}");
        }
    }
}
