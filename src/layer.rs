//! [`ConsentLayer`]: the tower layer; its services share one [`Config`].

use std::sync::Arc;

use tower_layer::Layer;

use crate::builder::ConsentLayerBuilder;
use crate::config::Config;
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

    /// The compiled configuration (for the fuzz entry points).
    #[cfg(all(feature = "__fuzz", feature = "html"))]
    pub(crate) fn config(&self) -> &Arc<Config> {
        &self.config
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
