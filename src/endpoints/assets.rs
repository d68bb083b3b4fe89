//! The banner's static assets, served with a content hash as `ETag` and version.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};

const SCRIPT: &str = include_str!("../../assets/banner.js");
const STYLESHEET: &str = include_str!("../../assets/banner.css");

/// One of the banner's static files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Asset {
    Script,
    Stylesheet,
}

impl Asset {
    fn content(self) -> &'static str {
        match self {
            Asset::Script => SCRIPT,
            Asset::Stylesheet => STYLESHEET,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Asset::Script => "text/javascript; charset=utf-8",
            Asset::Stylesheet => "text/css; charset=utf-8",
        }
    }
}

/// A short hash of both assets: the `?v=` of their URLs and their `ETag`.
pub(crate) fn version() -> String {
    let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one((SCRIPT, STYLESHEET));
    format!("{hash:016x}")
}

/// Answers a request for `asset`: `304` when the browser's copy is current. Versioned
/// URLs (`?v=` with the current version) may be cached for a year.
pub(crate) fn respond(asset: Asset, parts: &Parts, version: &str) -> Response<Bytes> {
    let etag = format!("\"{version}\"");
    let cache_control = if parts.uri.query() == Some(&format!("v={version}")) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let fresh = parts
        .headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        });
    let mut response = if fresh {
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Bytes::from_static(asset.content().as_bytes()));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type()));
        response
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, etag);
    }
    response
}
