//! Entry points of the fuzz targets in `fuzz/`, also replayed over the saved corpus by
//! `tests/fuzz_corpus.rs`. Each checks invariants, not just the absence of panics.
//!
//! Not a public API: compiled only with the hidden `__fuzz` feature.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::Request;

use crate::category::{Categories, CategorySet};
use crate::consent::cookie::{derive_key, ConsentCookie};
use crate::cookie_header::{
    cookie_pairs, filter_cookie_header, header_set_cookie_name, reference_cookie_pairs,
    set_cookie_name, trim_wsp, Filtered, SetCookieName,
};
use crate::endpoints::choice_request::parse;
use crate::gate::is_deletion;
use crate::same_origin::same_site_path;
use crate::same_origin::SameOrigin;
use crate::CustomCategory;

/// Unix seconds the consent-cookie target checks expiry against.
const NOW: u64 = 1_800_000_000;

fn categories() -> Categories {
    Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")])
}

/// `Set-Cookie` reading: the name a browser stores is trimmed, holds no `;`, and is
/// exactly the name the server reads back from the `Cookie` pair the browser sends for
/// it. For a valid header value, the shortcut that skips the control-byte scan agrees.
/// A value counts as a deletion exactly when a plain reading of the browser's
/// algorithm says its cookie expires at once.
pub fn set_cookie(data: &[u8]) {
    assert_eq!(
        is_deletion(data),
        reference_is_deletion(data),
        "deletion as browsers read it"
    );
    let read = set_cookie_name(data);
    if let Ok(value) = http::HeaderValue::from_bytes(data) {
        assert_eq!(
            header_set_cookie_name(&value),
            read,
            "header shortcut agrees"
        );
    }
    let SetCookieName::Stored(name) = read else {
        return;
    };
    assert_eq!(trim_wsp(name), name, "stored names are trimmed");
    assert!(!name.contains(&b';'), "a name never spans attributes");
    let pair = data.split(|&b| b == b';').next().unwrap_or(&[]);
    let sent_back: Vec<u8> = match pair.iter().position(|&b| b == b'=') {
        Some(eq) if !trim_wsp(&pair[..eq]).is_empty() => {
            [trim_wsp(&pair[..eq]), b"=", trim_wsp(&pair[eq + 1..])].concat()
        }
        Some(eq) => trim_wsp(&pair[eq + 1..]).to_vec(),
        None => trim_wsp(pair).to_vec(),
    };
    let read_back = cookie_pairs(&sent_back).next().map(|p| p.name);
    assert_eq!(
        read_back,
        Some(name),
        "classified as the server will read it"
    );
}

/// RFC 6265bis §5.6 written plainly: of the `Max-Age` attributes whose value is at most
/// 1,024 bytes, the last one counts (Chromium keeps it even when it is not a number,
/// then falls back to `Expires`); the cookie expires at once when that value is an
/// integer (no `+`) of zero or less.
fn reference_is_deletion(set_cookie: &[u8]) -> bool {
    let mut last = None;
    for attribute in set_cookie.split(|&b| b == b';').skip(1) {
        let (name, value) = match attribute.iter().position(|&b| b == b'=') {
            Some(eq) => (&attribute[..eq], &attribute[eq + 1..]),
            None => (attribute, &[][..]),
        };
        let (name, value) = (trim_wsp(name), trim_wsp(value));
        if value.len() <= 1024 && name.eq_ignore_ascii_case(b"Max-Age") {
            last = Some(value);
        }
    }
    let Some(text) = last.and_then(|v| std::str::from_utf8(v).ok()) else {
        return false;
    };
    // `i64::from_str` takes a `+` and reports an overflow before a later non-digit.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match text.parse::<i64>() {
        Ok(seconds) => seconds <= 0,
        Err(error) => *error.kind() == std::num::IntErrorKind::NegOverflow,
    }
}

/// `Cookie` filtering: the first byte seeds which names are blocked; the output holds
/// exactly the kept pairs, unchanged and in order, and no blocked name.
pub fn cookie_filter(data: &[u8]) {
    let Some((&seed, header)) = data.split_first() else {
        return;
    };
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let blocked = |name: &[u8]| hasher.hash_one((seed, name)) % 3 == 0;
    let pairs: Vec<_> = cookie_pairs(header).collect();
    assert_eq!(
        pairs,
        reference_cookie_pairs(header),
        "the tokenizer agrees"
    );
    let kept: Vec<&[u8]> = pairs
        .iter()
        .filter(|p| !blocked(p.name))
        .map(|p| p.raw)
        .collect();
    let filtered = filter_cookie_header(header, |p| !blocked(p.name));
    match filtered {
        Filtered::Unchanged => assert_eq!(kept.len(), pairs.len()),
        Filtered::Empty => assert!(kept.is_empty() && !pairs.is_empty()),
        Filtered::Rewritten(out) => {
            let out_pairs: Vec<&[u8]> = cookie_pairs(&out).map(|p| p.raw).collect();
            assert_eq!(out_pairs, kept);
            assert!(cookie_pairs(&out).all(|p| !blocked(p.name)));
        }
    }
}

/// Consent-cookie verification: with the first byte even the rest is a cookie value,
/// which may decode only if it carries the MAC of its payload; otherwise the rest is a
/// payload signed with the right key, which may grant only categories it names.
pub fn consent_cookie(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let categories = categories();
    let cookie = ConsentCookie::new(
        "consent".to_owned(),
        vec![derive_key(&[7; 32])],
        true,
        Duration::from_secs(3600),
        1,
    );
    if mode % 2 == 0 {
        if cookie.decode(rest, &categories, NOW).is_some() {
            let text = std::str::from_utf8(rest).expect("a decoded value is UTF-8");
            let (mac, payload) = text.split_at(44);
            let genuine = cookie.sign(payload.to_owned());
            assert_eq!(
                mac_bytes(mac),
                mac_bytes(&genuine[..44]),
                "forged MAC accepted"
            );
        }
        return;
    }
    let Ok(payload) = std::str::from_utf8(rest) else {
        return;
    };
    let signed = cookie.sign(payload.to_owned());
    let verified = cookie.decode(signed.as_bytes(), &categories, NOW);
    if let Some(decision) = verified.and_then(crate::consent::cookie::Verified::current) {
        let named = payload.rsplit(':').next().unwrap_or("");
        let allowed = named
            .split('+')
            .filter_map(|key| categories.index_of_key(key))
            .fold(CategorySet::NECESSARY, CategorySet::with);
        assert_eq!(decision.granted, allowed);
        assert_eq!(decision.revision, 1);
        assert!(decision.decided_at <= NOW + 300 && decision.decided_at + 3600 > NOW);
    }
}

fn mac_bytes(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_default()
}

/// Choice request parsing: the first byte picks the content type; a parsed choice only
/// names declared categories and only ever redirects within the site. The same input,
/// read as request headers, goes through the same-origin check every recorded choice
/// passes.
pub fn choice_request(data: &[u8]) {
    same_origin(data);
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    let content_type = match kind % 3 {
        0 => "application/json",
        1 => "application/x-www-form-urlencoded",
        _ => "text/plain",
    };
    let Ok(request) = Request::post("/_consent")
        .header(CONTENT_TYPE, content_type)
        .body(())
    else {
        return;
    };
    let parts = request.into_parts().0;
    let categories = categories();
    if let Ok(parsed) = parse(&parts, body, &categories) {
        assert!(kind % 3 != 2, "only JSON and forms are read");
        assert!(parsed.choice.granted(&categories).iter().all(|i| i < 5));
        if let Some(return_to) = parsed.return_to {
            let target = same_site_path(&return_to);
            assert!(target.starts_with('/') && !target.starts_with("//"));
            assert!(!target.starts_with("/\\") && !target.bytes().any(|b| b.is_ascii_control()));
        }
    }
}

/// The same-origin check: the first byte picks `Sec-Fetch-Site`, the rest is split at
/// newlines into `Origin`, `Host` and the request URI. A cross-site or same-site request
/// passes only with an allowed origin; without Fetch Metadata, only an `https://` origin
/// naming the request's host, or an allowed one.
fn same_origin(data: &[u8]) {
    const ALLOWED: &str = "https://www.shop.example";
    let Some((&site, rest)) = data.split_first() else {
        return;
    };
    let mut fields = rest.split(|&b| b == b'\n');
    let (origin, host, uri) = (fields.next(), fields.next(), fields.next());
    let mut headers = http::HeaderMap::new();
    let fetch_site = ["same-origin", "none", "same-site", "cross-site", "bogus"]
        .get(usize::from(site % 6))
        .copied();
    if let Some(value) = fetch_site {
        headers.insert("sec-fetch-site", http::HeaderValue::from_static(value));
    }
    for (name, value) in [(http::header::ORIGIN, origin), (http::header::HOST, host)] {
        if let Some(value) = value.and_then(|v| http::HeaderValue::from_bytes(v).ok()) {
            headers.insert(name, value);
        }
    }
    let uri = uri
        .and_then(|u| http::Uri::try_from(u).ok())
        .unwrap_or_else(|| http::Uri::from_static("/"));
    let policy = SameOrigin::new(vec![ALLOWED.to_owned()], true);
    let Ok(()) = policy.check(&headers, &uri) else {
        return;
    };
    let origin = headers
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let allowed = origin.is_some_and(|o| o.eq_ignore_ascii_case(ALLOWED));
    match fetch_site {
        Some("same-origin" | "none") => {}
        Some(_) => assert!(allowed, "a cross-site request passed"),
        None if allowed => {}
        None => {
            let origin = origin
                .expect("passed without an Origin")
                .to_ascii_lowercase();
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| {
                    let http_uri = uri
                        .scheme_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case("http"));
                    origin.strip_prefix("http://").filter(|_| http_uri)
                })
                .expect("an Origin of this site's scheme");
            let host = headers
                .get(http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .or_else(|| uri.authority().map(|a| a.as_str()))
                .expect("a host to compare with");
            assert!(authority.eq_ignore_ascii_case(host), "another host passed");
        }
    }
}

/// A consent-cookie value carrying `payload`, signed for a layer built with `secret`:
/// lets tests forge cookies a real layer would have to refuse (future timestamps,
/// foreign revisions) without waiting for the clock.
pub fn signed_consent_value(secret: &[u8], payload: &str) -> String {
    ConsentCookie::new(
        "consent".to_owned(),
        vec![derive_key(secret)],
        true,
        Duration::from_secs(1),
        0,
    )
    .sign(payload.to_owned())
}

/// The HTML gate on arbitrary bytes, for a visitor who decided nothing, with the app
/// rule `/js/tracker.js` (analytics): the first byte says where the input is cut in two
/// chunks, and the output must not depend on the cut. Returns the rewritten page
/// (`None` when the rewriter refused it: then nothing was sent), for the caller to
/// check with a reference HTML parser that no tracker is left active.
#[cfg(feature = "html")]
pub fn html_gate(data: &[u8]) -> Option<Vec<u8>> {
    use crate::html::{prepare, HtmlRequest};
    use crate::{Category, Consent, ConsentLayer, HtmlGate};

    let (&cut, page) = data.split_first()?;
    let layer = ConsentLayer::builder()
        .secret([1u8; 32])
        .html_gate(
            HtmlGate::new()
                .inject_banner(false)
                .script_rule("/js/tracker.js", Category::Analytics),
        )
        .build()
        .ok()?;
    let rewrite = |chunks: &[&[u8]]| -> Option<Vec<u8>> {
        let config = layer.config();
        let consent = Consent::new(
            None,
            None,
            false,
            None,
            crate::regime::InForce::OPT_IN,
            config.consent.clone(),
        );
        let mut response = http::Response::new(());
        response
            .headers_mut()
            .insert(CONTENT_TYPE, http::HeaderValue::from_static("text/html"));
        let request = HtmlRequest::new(&mut Request::new(()), &consent);
        let mut feed = prepare(consent, config.html.as_ref()?, request, &mut response)?;
        let mut out = Vec::new();
        for chunk in chunks {
            feed.write(bytes::Bytes::copy_from_slice(chunk));
            while let Some(written) = feed.next().ok()? {
                out.extend_from_slice(&written);
            }
        }
        feed.end();
        while let Some(written) = feed.next().ok()? {
            out.extend_from_slice(&written);
        }
        Some(out)
    };
    let at = usize::from(cut) * page.len() / 255;
    let whole = rewrite(&[page]);
    let split = rewrite(&[&page[..at], &page[at..]]);
    assert_eq!(
        whole.as_deref().map(tokens_as_t),
        split.as_deref().map(tokens_as_t),
        "the output does not depend on chunk boundaries (but for each response's token)"
    );
    whole
}

/// `page` with each response's random token (32 hex digits in `data-consent-held` and
/// `data-tc-held`) written as `T`.
#[cfg(feature = "html")]
fn tokens_as_t(page: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.len());
    let mut rest = page;
    'scan: while let Some((&first, tail)) = rest.split_first() {
        for attribute in [&b"data-consent-held=\""[..], b"data-tc-held=\""] {
            let token = rest.get(attribute.len()..attribute.len() + 33);
            if rest.starts_with(attribute)
                && token.is_some_and(|t| t[32] == b'"' && t[..32].iter().all(u8::is_ascii_hexdigit))
            {
                out.extend_from_slice(attribute);
                out.extend_from_slice(b"T\"");
                rest = &rest[attribute.len() + 33..];
                continue 'scan;
            }
        }
        out.push(first);
        rest = tail;
    }
    out
}
