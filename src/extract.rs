//! axum integration: [`Consent`] as an extractor, [`Choice`] as a response part.

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use http::request::Parts;
use http::StatusCode;

use crate::{Choice, Consent};

/// Rejection of the [`Consent`] extractor: the handler runs without a
/// [`ConsentLayer`](crate::ConsentLayer) in front of it. Answers
/// `500 Internal Server Error` with a message naming the fix.
///
/// # Example
///
/// ```
/// use axum::response::IntoResponse;
/// use tower_consent::MissingConsentLayer;
///
/// let response = MissingConsentLayer.into_response();
/// assert_eq!(response.status(), 500);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the `Consent` extractor needs a `tower_consent::ConsentLayer`: add \
     `.layer(consent_layer)` to the router (or to the handler's route)"
)]
pub struct MissingConsentLayer;

impl IntoResponse for MissingConsentLayer {
    fn into_response(self) -> Response {
        tracing::error!("{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Consent {
    type Rejection = MissingConsentLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Consent>()
            .cloned()
            .ok_or(MissingConsentLayer)
    }
}

/// `Option<Consent>` is `None` without the layer instead of a rejection.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Consent {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Consent>().cloned())
    }
}

/// The consent banner for the page a handler renders, as an HTML fragment: extract it
/// and put it in the page's `<body>` (see [`Consent::banner_html`]).
///
/// # Example
///
/// ```
/// use axum::response::Html;
/// use tower_consent::ConsentBanner;
///
/// async fn page(banner: ConsentBanner) -> Html<String> {
///     Html(format!("<!doctype html><title>Shop</title><main>Welcome</main>{banner}"))
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentBanner(String);

impl ConsentBanner {
    /// The HTML fragment.
    ///
    /// ```
    /// # use tower_consent::ConsentBanner;
    /// fn len(banner: &ConsentBanner) -> usize { banner.html().len() }
    /// ```
    pub fn html(&self) -> &str {
        &self.0
    }

    /// The HTML fragment, owned.
    ///
    /// ```
    /// # use tower_consent::ConsentBanner;
    /// fn take(banner: ConsentBanner) -> String { banner.into_string() }
    /// ```
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for ConsentBanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ConsentBanner {
    type Rejection = MissingConsentLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let consent = parts
            .extensions
            .get::<Consent>()
            .ok_or(MissingConsentLayer)?;
        Ok(Self(consent.banner_html(&parts.headers)))
    }
}

/// Returning a [`Choice`] from a handler records it.
impl IntoResponseParts for Choice {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Self::Error> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}
