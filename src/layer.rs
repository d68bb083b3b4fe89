//! [`ConsentLayer`]: the tower layer; its services share one [`Config`]. It is made by
//! the [`builder`](crate::builder).

use std::sync::Arc;

use tower_layer::Layer;

use crate::config::Config;
use crate::declaration::Declaration;
use crate::service::ConsentService;
use crate::CookieReport;

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
    /// The cookie names seen in `Cookie` and `Set-Cookie` headers that no rule matches,
    /// with when and where each was first seen and how often: what to declare before
    /// enforcing. Never values. Bounded in memory; see [`CookieReport`] for the cap.
    ///
    /// Every clone of the layer, and every service it made, shares one report.
    ///
    /// ```
    /// use tower::{Layer, ServiceExt};
    /// use tower_consent::{ConsentLayer, Direction};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let layer = ConsentLayer::builder()
    ///     .secret([7u8; 32])
    ///     .necessary(["session"])
    ///     .build()?;
    /// let app = layer.layer(tower::service_fn(|_: http::Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
    /// }));
    /// let request = http::Request::get("/shop?page=2")
    ///     .header("cookie", "session=1; _hjid=abc")
    ///     .body(String::new())?;
    /// app.oneshot(request).await?;
    ///
    /// let report = layer.report();
    /// assert_eq!(report.cookies.len(), 1);
    /// let cookie = &report.cookies[0];
    /// assert_eq!(cookie.name, "_hjid");
    /// assert_eq!(cookie.first_path, "/shop");
    /// assert_eq!(cookie.first_direction, Direction::Request);
    /// assert_eq!((cookie.in_requests, cookie.in_responses), (1, 0));
    /// # Ok(()) }
    /// ```
    pub fn report(&self) -> CookieReport {
        self.config.gate.classifier.report()
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
        let context = &self.config.consent;
        let banner = &context.banner;
        banner.declaration(&context.categories, banner.language(None))
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
        let context = &self.config.consent;
        let banner = &context.banner;
        let header = http::HeaderValue::from_str(language).ok();
        banner.declaration(&context.categories, banner.language(header.as_ref()))
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
