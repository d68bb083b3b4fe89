//! What an axum `Router` answered to one request, collected: status, headers and body.

use axum::body::Body;
use axum::Router;
use http::header::SET_COOKIE;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A response, its body read whole.
pub(crate) struct Served {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Served {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub(crate) fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The consent cookie pair (`consent=…`) this answer set.
    pub(crate) fn consent_cookie(&self) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with("consent="))
            .map(|c| c.split(';').next().unwrap().to_owned())
    }

    /// The `code` of a JSON error body.
    pub(crate) fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap().to_owned()
    }
}

/// Sends `request` through `app` and reads the whole answer.
pub(crate) async fn send(app: &Router, request: Request<Body>) -> Served {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Served {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}
