//! Regimes by region: which consent rule applies to a visitor, from where the visitor
//! is.
//!
//! - [`Regime::OptIn`] (the EU's ePrivacy rule, the default): non-necessary cookies only
//!   after the visitor consents.
//! - [`Regime::OptOut`] (US state privacy laws): non-necessary cookies until the visitor
//!   refuses; "Do Not Sell or Share My Personal Information", or Global Privacy Control,
//!   refuses the categories the site sells or shares (marketing unless configured
//!   otherwise).
//! - [`Regime::NoticeOnly`]: everything on; the banner informs, and the settings still
//!   let a visitor refuse.
//!
//! The region comes from a [`RegionSource`] the app names (a CDN's headers, or a
//! function of the request), never from a guess; a region the table does not list, or
//! no region, gets the fallback regime, opt-in unless the app chooses otherwise. The
//! table (`data/regimes.tsv`, one row per country or subdivision with the law behind
//! it) is compiled in; the app overrides any row.
//!
//! A regime only supplies defaults for the categories the visitor has not decided
//! (worked out per request by the consent stage's `RegimeDefaults`, never
//! written into the consent cookie), so a visitor who travels gets the defaults of
//! where they are, while their explicit choices go with them. This module knows
//! nothing of categories: it only says which regime is in force.

mod region;
mod source;
mod table;

use std::fmt;
use std::str::FromStr;

use http::request::Parts;
use http::HeaderMap;

pub use self::region::{InvalidRegion, Region};
pub use self::source::RegionSource;
use self::table::RegimeTable;

/// The consent rule for a visitor, chosen by where they are.
///
/// # Example
///
/// ```
/// use tower_consent::Regime;
///
/// assert_eq!(Regime::OptOut.as_str(), "opt_out");
/// assert_eq!("notice_only".parse::<Regime>(), Ok(Regime::NoticeOnly));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Regime {
    /// Non-necessary cookies only after consent (GDPR and ePrivacy, UK PECR, Quebec).
    #[default]
    OptIn,
    /// Non-necessary cookies until the visitor refuses; a refusal or Global Privacy
    /// Control refuses the sale/share categories (US state privacy laws).
    OptOut,
    /// Every category on; the banner informs and the settings still let a visitor
    /// refuse.
    NoticeOnly,
}

impl Regime {
    /// The name used in JSON, the ledger, metrics and logs: `opt_in`, `opt_out` or
    /// `notice_only`.
    ///
    /// ```
    /// # use tower_consent::Regime;
    /// assert_eq!(Regime::OptIn.as_str(), "opt_in");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::OptIn => "opt_in",
            Regime::OptOut => "opt_out",
            Regime::NoticeOnly => "notice_only",
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not `opt_in`, `opt_out` or `notice_only`.
///
/// # Example
///
/// ```
/// use tower_consent::{InvalidRegime, Regime};
///
/// assert_eq!("opt_maybe".parse::<Regime>(), Err(InvalidRegime));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a regime is `opt_in`, `opt_out` or `notice_only`")]
pub struct InvalidRegime;

impl FromStr for Regime {
    type Err = InvalidRegime;

    /// Reads `opt_in`, `opt_out` or `notice_only` (or the same with `-`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "opt_in" | "opt-in" => Ok(Regime::OptIn),
            "opt_out" | "opt-out" => Ok(Regime::OptOut),
            "notice_only" | "notice-only" => Ok(Regime::NoticeOnly),
            _ => Err(InvalidRegime),
        }
    }
}

/// What a region's row says: the regime, and whether its law makes the opt-out
/// preference signal (GPC) binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Law {
    pub(crate) regime: Regime,
    pub(crate) gpc_binding: bool,
}

impl Law {
    const fn new(regime: Regime, gpc_binding: bool) -> Self {
        Self {
            regime,
            gpc_binding,
        }
    }
}

// `static TABLE: &[(Region, Law)]`, sorted by region: built from `data/regimes.tsv`.
include!(concat!(env!("OUT_DIR"), "/regimes.rs"));

/// The regime in force on one request, and where the visitor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InForce {
    pub(crate) regime: Regime,
    pub(crate) region: Option<Region>,
    /// Whether the region's law makes GPC a binding opt-out.
    pub(crate) gpc_binding: bool,
}

impl InForce {
    /// A request of a layer without regions: today's opt-in, no region.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) const OPT_IN: InForce = InForce {
        regime: Regime::OptIn,
        region: None,
        gpc_binding: false,
    };
}

/// The regime settings of a layer, fixed at build time.
#[derive(Debug)]
pub(crate) struct Regimes {
    source: Option<RegionSource>,
    /// The compiled table with the app's overrides.
    table: RegimeTable,
    fallback: Law,
    /// The `Vary` value of the layer's responses, made once: `cookie`, and the
    /// source's header names.
    vary: http::HeaderValue,
}

impl Regimes {
    /// Settings with the compiled table changed by `overrides` (later ones win); an
    /// override's `None` keeps the row's (or the fallback's) value.
    pub(crate) fn new(
        source: Option<RegionSource>,
        overrides: &[(Region, Option<Regime>, Option<bool>)],
        fallback: Regime,
    ) -> Self {
        let fallback = Law::new(fallback, false);
        let mut table = RegimeTable::new(TABLE);
        for &(region, regime, gpc_binding) in overrides {
            table.set(region, regime, gpc_binding, fallback);
        }
        let names: Vec<&str> = std::iter::once("cookie")
            .chain(
                source
                    .iter()
                    .flat_map(RegionSource::header_names)
                    .map(http::HeaderName::as_str),
            )
            .collect();
        // `cookie` alone is a static value, which every response shares for free; a
        // longer line is made once and shared by reference count. Header names are
        // valid header values.
        let vary = match names.as_slice() {
            [_cookie] => None,
            _ => http::HeaderValue::from_str(&names.join(", ")).ok(),
        }
        .unwrap_or_else(|| http::HeaderValue::from_static("cookie"));
        Self {
            source,
            table,
            fallback,
            vary,
        }
    }

    /// Whether some visitors are in a region whose law makes GPC binding: the layer
    /// reads regions and a row of its table says so.
    pub(crate) fn binds_gpc(&self) -> bool {
        self.source.is_some() && self.table.binds_gpc()
    }

    /// Whether the layer reads regions at all.
    pub(crate) fn reads_regions(&self) -> bool {
        self.source.is_some()
    }

    /// The `Vary` value of the layer's responses: what is granted depends on the
    /// consent cookie, and on where the visitor is as the source's headers say
    /// (`cookie, cf-ipcountry, cf-region-code`; `cookie` alone without a source or for a
    /// function of the request).
    pub(crate) fn vary(&self) -> &http::HeaderValue {
        &self.vary
    }

    /// Whether the source needs the whole request head (a function of the request).
    pub(crate) fn needs_parts(&self) -> bool {
        self.source.as_ref().is_some_and(RegionSource::needs_parts)
    }

    /// The regime for a request with these headers (every source but a function).
    pub(crate) fn for_headers(&self, headers: &HeaderMap) -> InForce {
        let region = self.source.as_ref().and_then(|s| s.read_headers(headers));
        self.in_force(region)
    }

    /// The regime for a request with this head (every source).
    pub(crate) fn for_parts(&self, parts: &Parts) -> InForce {
        let region = self.source.as_ref().and_then(|s| s.read_parts(parts));
        self.in_force(region)
    }

    /// The regime for a visitor in `region`: its subdivision's row, else its country's,
    /// else the fallback. An array index and, for a subdivision, a binary search of
    /// the subdivision rows; nothing allocated.
    pub(crate) fn in_force(&self, region: Option<Region>) -> InForce {
        let law = region
            .and_then(|region| self.table.lookup(region))
            .unwrap_or(self.fallback);
        InForce {
            regime: law.regime,
            region,
            gpc_binding: law.gpc_binding,
        }
    }
}

#[cfg(test)]
mod tests;
