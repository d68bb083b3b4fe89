//! [`ConsentLayerBuilder`]: configures a [`ConsentLayer`] and checks the configuration.
//!
//! The settings live with the stage they configure, one file each: [`consent`] (the
//! consent cookie, GPC), [`classify`] (rules, catalog, categories), [`gate`] (purge,
//! report-only), [`banner`] (texts, languages, offered categories), [`endpoints`]
//! (prefix, origins, GPC document, report), [`regime`] (region source, regimes by
//! region, sale/share categories), `ledger` and `html`. Each file holds its
//! stage's settings, their defaults, the builder methods that set them and the checks
//! that compile them; [`build`](ConsentLayerBuilder::build) runs the checks in one
//! order and hands each stage its part.

mod banner;
mod classify;
mod consent;
mod endpoints;
mod gate;
#[cfg(feature = "html")]
mod html;
#[cfg(feature = "ledger")]
mod ledger;
mod regime;

use std::fmt;
use std::sync::Arc;

use self::banner::BannerSettings;
use self::classify::ClassifySettings;
use self::consent::ConsentSettings;
use self::endpoints::EndpointSettings;
use self::gate::GateSettings;
use self::regime::RegimeSettings;
use crate::config::Config;
use crate::consent::ConsentContext;
use crate::declaration::Declared;
use crate::layer::ConsentLayer;
use crate::report_once::ReportOnce;
use crate::{BuildError, Category, Lifetime, Rule};

/// Configures a [`ConsentLayer`]; made by [`ConsentLayer::builder`].
///
/// Every method takes and returns the builder; [`build`](Self::build) checks everything
/// once and reports the first problem as a [`BuildError`].
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use tower_consent::{ConsentLayer, Unknown};
///
/// let layer = ConsentLayer::builder()
///     .secret(std::env::var("CONSENT_SECRET").unwrap_or_else(|_| "x".repeat(32)))
///     .revision(3)
///     .necessary(["session", "csrftoken"])
///     .preferences(["theme", "lang"])
///     .analytics(["_ga", "_ga_*", "_gid"])
///     .marketing(["_fbp", "fr"])
///     .known_trackers()
///     .unknown(Unknown::Block)
///     .lifetime(Duration::from_secs(180 * 24 * 3600))
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[must_use]
#[derive(Default)]
pub struct ConsentLayerBuilder {
    consent: ConsentSettings,
    classify: ClassifySettings,
    gate: GateSettings,
    banner: BannerSettings,
    endpoints: EndpointSettings,
    regime: RegimeSettings,
    #[cfg(feature = "ledger")]
    ledger: self::ledger::LedgerSettings,
    #[cfg(feature = "html")]
    html_gate: self::html::HtmlSettings,
}

impl fmt::Debug for ConsentLayerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ConsentLayerBuilder");
        self.consent.debug_fields(&mut f);
        self.classify.debug_fields(&mut f);
        self.gate.debug_fields(&mut f);
        self.banner.debug_fields(&mut f);
        self.endpoints.debug_fields(&mut f);
        self.regime.debug_fields(&mut f);
        #[cfg(feature = "ledger")]
        f.field("ledger", &self.ledger);
        #[cfg(feature = "html")]
        f.field("html_gate", &self.html_gate);
        f.finish()
    }
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
}

impl ConsentLayerBuilder {
    /// Checks the configuration and builds the layer.
    ///
    /// ```
    /// # use tower_consent::{BuildError, ConsentLayer};
    /// assert_eq!(ConsentLayer::builder().build().unwrap_err(), BuildError::MissingSecret);
    /// ```
    pub fn build(self) -> Result<ConsentLayer, BuildError> {
        let Self {
            consent,
            mut classify,
            mut gate,
            banner,
            mut endpoints,
            mut regime,
            #[cfg(feature = "ledger")]
            ledger,
            #[cfg(feature = "html")]
            html_gate,
        } = self;
        let keys = consent.keys()?;
        consent.check_lifetime()?;
        gate.check_purge_limit()?;
        let cookie_name = consent.cookie_name()?;
        let categories = classify.categories(banner.languages())?;
        gate.check_scopes()?;
        #[cfg(feature = "html")]
        let html = html_gate
            .gate()
            .map(|gate| gate.compile(&categories))
            .transpose()?;
        let offered = banner.offered(&categories, || {
            let used = classify.used(&categories);
            #[cfg(feature = "html")]
            let used = html.as_ref().map_or(used, |gate| {
                gate.matcher
                    .categories()
                    .iter()
                    .fold(used, crate::category::CategorySet::with)
            });
            used
        });
        // The consent cookie itself is strictly necessary.
        let consent_rule = Rule::new(cookie_name.clone(), Category::Necessary)
            .lifetime(Lifetime::For(consent.lifetime));
        let scopes = std::mem::take(&mut gate.purge_scopes);
        let storage = classify.storage_rules(&categories)?;
        let (classifier, declared) = classify.classifier(&categories, consent_rule, scopes)?;
        endpoints.check_prefix_and_origins()?;
        let default_language = banner.default_language()?;
        endpoints.check_gpc_date()?;
        let same_origin = endpoints.same_origin(consent.secure);
        let regimes = regime.regimes()?;
        let defaults = regime.defaults(&categories)?;
        #[cfg(feature = "ledger")]
        let ledger = ledger.checked(&banner.banner_texts, &categories, offered, &classifier)?;
        let declared = Declared::new(declared, classifier.shared_sightings(), storage);
        let banner = banner
            .banner(
                endpoints.endpoint_prefix.clone(),
                default_language,
                declared,
            )
            .offering(offered);
        // The GPC support document says the site honours the signal: served when the
        // layer does for every visitor, or for those whose region's law binds it.
        let endpoints = endpoints
            .endpoints()
            .serving_gpc_json(consent.honour_gpc || regimes.binds_gpc());
        #[cfg(feature = "ledger")]
        let (banner, endpoints) = match &ledger {
            Some(_) => (banner.with_records(), endpoints.with_records()),
            None => (banner, endpoints),
        };
        let context = ConsentContext {
            cookie: consent.cookie(cookie_name, keys),
            categories,
            honour_gpc: consent.honour_gpc,
            defaults,
            banner,
            refused_choice_routes: ReportOnce::new(),
        };
        Ok(ConsentLayer::from_config(Config {
            consent: Arc::new(context),
            gate: gate.gate(classifier),
            endpoints,
            same_origin,
            regimes,
            #[cfg(feature = "ledger")]
            ledger,
            #[cfg(feature = "html")]
            html: html.map(Arc::new),
        }))
    }
}
