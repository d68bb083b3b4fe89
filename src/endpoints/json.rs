//! The one place the endpoints' JSON answers are built: the state, errors, the visitor's
//! records, the declaration's JSON, the report and the GPC document.

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderValue, Response, StatusCode};

/// A JSON answer: `application/json`, `nosniff` (so that no browser reads a text the
/// answer echoes as markup or script), and `no-store` unless the caller says otherwise.
pub(crate) fn answer(status: StatusCode, json: impl Into<Bytes>) -> Response<Bytes> {
    let mut response = Response::new(json.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
