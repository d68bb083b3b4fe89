//! [`ConsentLayer`]: the tower layer; its services share one [`Config`].

use std::sync::Arc;

use tower_layer::Layer;

use crate::builder::ConsentLayerBuilder;
use crate::config::Config;
use crate::declaration::Declaration;
use crate::service::ConsentService;

/// Enforces cookie consent for the services it wraps.
///
/// Build it with [`ConsentLayer::builder`]; see the [crate documentation](crate) for
/// what it does to requests and responses. Cloning is cheap: every clone and every
/// service it makes share one immutable configuration.
///
/// # Example
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_consent::ConsentLayer;
///
/// let consent = ConsentLayer::builder()
///     .secret([42u8; 32]) // use 32+ random bytes from your secret store
///     .analytics(["_ga", "_ga_*"])
///     .build()?;
/// let app: Router = Router::new().route("/", get(|| async { "hi" })).layer(consent);
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct ConsentLayer {
    config: Arc<Config>,
}

impl ConsentLayer {
    /// Starts configuring a layer.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let layer = ConsentLayer::builder().secret([1u8; 32]).build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn builder() -> ConsentLayerBuilder {
        ConsentLayerBuilder::default()
    }

    /// The cookie declaration in the default banner language: every cookie the
    /// configuration declares, plus the [catalog](crate::known_trackers) entries this
    /// layer has seen the site use so far, grouped by category. `GET {prefix}/cookies`
    /// serves the same as a page (or JSON); use this to embed it in your own cookie
    /// policy page.
    ///
    /// ```
    /// use tower_consent::ConsentLayer;
    ///
    /// let layer = ConsentLayer::builder().secret([7u8; 32]).known_trackers().build()?;
    /// let html: String = layer.declaration().to_html();
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn declaration(&self) -> Declaration {
        let endpoints = &self.config.endpoints;
        endpoints.declaration(&self.config, endpoints.language(None))
    }

    /// The cookie declaration in the banner language that best matches `language` (a
    /// tag such as `de` or an `Accept-Language` value), else the default one.
    ///
    /// ```
    /// use tower_consent::ConsentLayer;
    ///
    /// let layer = ConsentLayer::builder().secret([7u8; 32]).build()?;
    /// assert_eq!(layer.declaration_in("de-AT").language, "de");
    /// assert_eq!(layer.declaration_in("xx").language, "en");
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn declaration_in(&self, language: &str) -> Declaration {
        let endpoints = &self.config.endpoints;
        let header = http::HeaderValue::from_str(language).ok();
        endpoints.declaration(&self.config, endpoints.language(header.as_ref()))
    }

    pub(crate) fn from_config(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }
}

impl<S> Layer<S> for ConsentLayer {
    type Service = ConsentService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ConsentService::new(inner, self.config.clone())
    }
}
