//! JSON error answers of the consent endpoints.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{ALLOW, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Response, StatusCode};

/// Why an endpoint refused a request. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    allow: Option<&'static str>,
    /// Seconds after which the request may succeed (`Retry-After`).
    retry_after: Option<u64>,
}

impl Problem {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub(crate) fn method_not_allowed(allow: &'static str) -> Self {
        Self {
            allow: Some(allow),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("this endpoint answers {allow}"),
            )
        }
    }

    /// `429`: the client is over the ledger's rate limit; it may try again in
    /// `retry_after` seconds.
    #[cfg(feature = "ledger")]
    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "too many choices from this network in a short time; nothing was \
                     recorded, try again in {retry_after} s"
                ),
            )
        }
    }

    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such consent endpoint",
        )
    }

    /// The JSON `code`, e.g. `bad_request`.
    pub(crate) fn code(&self) -> &'static str {
        self.code
    }

    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// What went wrong, in words that name the fix.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn into_response(self) -> Response<Bytes> {
        let body = serde_json::json!({
            "error": { "code": self.code, "message": self.message }
        });
        let mut response = super::json::answer(self.status, body.to_string());
        self.add_headers(response.headers_mut());
        response
    }

    /// The headers the problem's status calls for: `Allow`, `Retry-After`.
    pub(crate) fn add_headers(&self, headers: &mut HeaderMap) {
        if let Some(allow) = self.allow {
            headers.insert(ALLOW, HeaderValue::from_static(allow));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}
