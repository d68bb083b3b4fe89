//! The regime settings: where the visitor's region is read, which regime applies where,
//! and which categories "Do Not Sell or Share" and GPC refuse.

use std::fmt;

use super::ConsentLayerBuilder;
use crate::category::{Categories, CategorySet};
use crate::consent::RegimeDefaults;
use crate::regime::{Regimes, Region};
use crate::{BuildError, Category, Regime, RegionSource};

/// The regime settings of a builder.
pub(super) struct RegimeSettings {
    region_source: Option<RegionSource>,
    /// `(region, regime, GPC binding)` as given; checked by `build()`.
    overrides: Vec<(String, Option<Regime>, Option<bool>)>,
    fallback: Regime,
    sale_share: Vec<Category>,
}

impl Default for RegimeSettings {
    fn default() -> Self {
        Self {
            region_source: None,
            overrides: Vec::new(),
            fallback: Regime::OptIn,
            sale_share: vec![Category::Marketing],
        }
    }
}

impl RegimeSettings {
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("region_source", &self.region_source)
            .field("regime_overrides", &self.overrides)
            .field("fallback_regime", &self.fallback)
            .field("sale_share", &self.sale_share);
    }

    /// Which regime applies where, with every region checked.
    pub(super) fn regimes(&mut self) -> Result<Regimes, BuildError> {
        let overrides = self
            .overrides
            .iter()
            .map(|(region, regime, gpc)| {
                let parsed = region
                    .parse::<Region>()
                    .map_err(|_| BuildError::InvalidRegion(region.clone()))?;
                Ok((parsed, *regime, *gpc))
            })
            .collect::<Result<Vec<_>, BuildError>>()?;
        Ok(Regimes::new(
            self.region_source.take(),
            &overrides,
            self.fallback,
        ))
    }

    /// What each regime grants before a decision; the sale/share categories checked:
    /// known, not necessary, at least one.
    pub(super) fn defaults(&self, categories: &Categories) -> Result<RegimeDefaults, BuildError> {
        let mut set = CategorySet::EMPTY;
        for &category in &self.sale_share {
            if category.is_necessary() {
                return Err(BuildError::InvalidSaleShare(
                    "necessary cookies cannot be sold or shared".to_owned(),
                ));
            }
            let index = categories.index_of(category).ok_or_else(|| {
                BuildError::InvalidSaleShare(format!("{category} is not a category of this layer"))
            })?;
            set = set.with(index);
        }
        if set.is_empty() {
            return Err(BuildError::InvalidSaleShare(
                "name at least one category".to_owned(),
            ));
        }
        Ok(RegimeDefaults::new(set, categories.all()))
    }
}

impl ConsentLayerBuilder {
    /// Reads where each visitor is from `source`, so that each gets the consent
    /// [`Regime`] of their region: opt-in in the EEA, the UK, Switzerland and Quebec,
    /// opt-out in the US states with comprehensive privacy laws (the compiled table, see
    /// [`regime_in`](Self::regime_in)), the [fallback](Self::fallback_regime) elsewhere
    /// and when the region is unknown. Without a source every visitor gets the fallback.
    ///
    /// Only name a CDN's headers if the origin cannot be reached around the CDN:
    /// anybody can send them to an origin that is reachable directly.
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, RegionSource};
    /// let builder = ConsentLayer::builder().region_source(RegionSource::cloudflare());
    /// ```
    pub fn region_source(mut self, source: RegionSource) -> Self {
        self.regime.region_source = Some(source);
        self
    }

    /// The regime of visitors whose region is unknown or not in the table (default
    /// [`Regime::OptIn`], the strictest, as consent platforms do).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Regime};
    /// let builder = ConsentLayer::builder().fallback_regime(Regime::OptIn);
    /// ```
    pub fn fallback_regime(mut self, regime: Regime) -> Self {
        self.regime.fallback = regime;
        self
    }

    /// Sets the regime of `region` (a country such as `BR`, or a subdivision such as
    /// `US-VA`), over the compiled table's row; a subdivision's row wins over its
    /// country's. The row's GPC rule is kept (a new row's is that of its country, or
    /// not binding). `build()` checks the region.
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, Regime};
    /// let builder = ConsentLayer::builder()
    ///     .regime_in("BR", Regime::OptIn)
    ///     .regime_in("US-FL", Regime::OptOut);
    /// ```
    pub fn regime_in(mut self, region: impl Into<String>, regime: Regime) -> Self {
        self.regime
            .overrides
            .push((region.into(), Some(regime), None));
        self
    }

    /// Sets whether the law of `region` makes Global Privacy Control a binding opt-out
    /// of sale and sharing, over the compiled table's row. Where it is binding the
    /// layer honours the signal even with [`honour_gpc(false)`](Self::honour_gpc).
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().gpc_binding_in("US-VA", true);
    /// ```
    pub fn gpc_binding_in(mut self, region: impl Into<String>, binding: bool) -> Self {
        self.regime
            .overrides
            .push((region.into(), None, Some(binding)));
        self
    }

    /// The categories whose cookies the site uses to sell or share personal data
    /// (default: marketing): "Do Not Sell or Share My Personal Information" and Global
    /// Privacy Control refuse these. Necessary cannot be one of them.
    ///
    /// ```
    /// # use tower_consent::{Category, ConsentLayer};
    /// let builder = ConsentLayer::builder().sale_share([Category::Marketing, Category::Analytics]);
    /// ```
    pub fn sale_share(mut self, categories: impl IntoIterator<Item = Category>) -> Self {
        self.regime.sale_share = categories.into_iter().collect();
        self
    }
}
