//! The gate's settings: how refused cookies are purged, and report-only mode.

use std::fmt;

use super::ConsentLayerBuilder;
use crate::classify::{validate_scopes, Classifier, CookieScope};
use crate::gate::{Gate, Purge, ReportOnly, DEFAULT_PURGE_LIMIT};
use crate::BuildError;

/// The gate's settings of a builder.
pub(super) struct GateSettings {
    /// The default scopes, for rules without their own: the classifier keeps them.
    pub(super) purge_scopes: Vec<CookieScope>,
    purge_limit: usize,
    purge_parent_domains: bool,
    report_only: bool,
}

impl Default for GateSettings {
    fn default() -> Self {
        Self {
            purge_scopes: vec![CookieScope::default()],
            purge_limit: DEFAULT_PURGE_LIMIT,
            purge_parent_domains: true,
            report_only: false,
        }
    }
}

impl GateSettings {
    /// The settings as the builder's `Debug` shows them.
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("purge_scopes", &self.purge_scopes)
            .field("purge_limit", &self.purge_limit)
            .field("purge_parent_domains", &self.purge_parent_domains)
            .field("report_only", &self.report_only);
    }

    pub(super) fn check_purge_limit(&self) -> Result<(), BuildError> {
        if self.purge_limit == 0 {
            return Err(BuildError::InvalidPurgeLimit);
        }
        Ok(())
    }

    pub(super) fn check_scopes(&self) -> Result<(), BuildError> {
        validate_scopes(&self.purge_scopes)
    }

    /// The gate, enforcing by `classifier`.
    pub(super) fn gate(&self, classifier: Classifier) -> Gate {
        Gate {
            purge: Purge::new(&classifier, self.purge_limit, self.purge_parent_domains),
            classifier,
            report_only: self.report_only.then(ReportOnly::new),
        }
    }
}

impl ConsentLayerBuilder {
    /// Adds a scope every purge also deletes in, for rules without scopes of their own.
    /// The host-only `Path=/` scope is always there; add the site domain when scripts
    /// set cookies on it (`_ga` usually lives on `Domain=example.com`).
    ///
    /// ```
    /// # use tower_consent::{ConsentLayer, CookieScope};
    /// let builder = ConsentLayer::builder().purge_scope(CookieScope::domain("example.com", "/"));
    /// ```
    pub fn purge_scope(mut self, scope: CookieScope) -> Self {
        if !self.gate.purge_scopes.contains(&scope) {
            self.gate.purge_scopes.push(scope);
        }
        self
    }

    /// Sets the most deleting `Set-Cookie` headers the layer adds to one response
    /// (default 300; browsers keep about 180 cookies per site). A request holding more
    /// refused cookies than that gets the first ones deleted, the rest on later
    /// responses; each name left out is logged once. Bounds what a request stuffed with
    /// cookie names can make the server send back.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().purge_limit(500);
    /// ```
    pub fn purge_limit(mut self, limit: usize) -> Self {
        self.gate.purge_limit = limit;
        self
    }

    /// Whether purging also deletes refused cookies in the request host's parent domains,
    /// down to the registrable domain from the public suffix list (default `true`):
    /// tracker scripts usually set their cookies with `Domain=example.com`, which a
    /// host-only deletion does not remove. Turn it off only if no script on the site
    /// writes cookies.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().purge_parent_domains(true);
    /// ```
    pub fn purge_parent_domains(mut self, purge: bool) -> Self {
        self.gate.purge_parent_domains = purge;
        self
    }

    /// Report-only mode (default `false`), for rolling the layer out on a running site:
    /// everything is computed as usual — handlers see [`Consent`](crate::Consent), the
    /// consent endpoints and the banner work, choices are recorded — but nothing is
    /// removed: no request cookie is filtered, no `Set-Cookie` stripped, no cookie
    /// purged. Each of those actions is logged instead, once per cookie name, action and
    /// path, with `tracing::warn!` under the target `tower_consent::report_only` (fields
    /// `cookie`, `category`, `action` = `filter` | `strip` | `purge`, `path`).
    ///
    /// Roll out in three steps: run with `report_only(true)` and read the log and the
    /// [undeclared-cookie report](crate::ConsentLayer::report); declare what they show;
    /// then turn report-only off to enforce.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let layer = ConsentLayer::builder()
    ///     .secret([5u8; 32])
    ///     .analytics(["_ga", "_ga_*"])
    ///     .report_only(true)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn report_only(mut self, report_only: bool) -> Self {
        self.gate.report_only = report_only;
        self
    }
}
