//! The endpoints' settings: their path prefix, who may record a choice, the GPC
//! support document and the report endpoint.

use std::fmt;

use super::ConsentLayerBuilder;
use crate::endpoints::{validate_prefix, Endpoints};
use crate::report::Access;
use crate::same_origin::{is_valid_origin, SameOrigin};
use crate::{BuildError, ReportAccess};

/// The endpoints' settings of a builder.
pub(super) struct EndpointSettings {
    pub(super) endpoint_prefix: String,
    allowed_origins: Vec<String>,
    gpc_last_update: Option<String>,
    report_access: Option<Access>,
}

impl Default for EndpointSettings {
    fn default() -> Self {
        Self {
            endpoint_prefix: "/_consent".to_owned(),
            allowed_origins: Vec::new(),
            gpc_last_update: None,
            report_access: None,
        }
    }
}

impl EndpointSettings {
    /// The settings as the builder's `Debug` shows them.
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("endpoint_prefix", &self.endpoint_prefix)
            .field("allowed_origins", &self.allowed_origins)
            .field("gpc_last_update", &self.gpc_last_update)
            .field("report_access", &self.report_access);
    }

    pub(super) fn check_prefix_and_origins(&self) -> Result<(), BuildError> {
        validate_prefix(&self.endpoint_prefix)?;
        if let Some(origin) = self
            .allowed_origins
            .iter()
            .find(|origin| !is_valid_origin(origin))
        {
            return Err(BuildError::InvalidOrigin(origin.clone()));
        }
        Ok(())
    }

    pub(super) fn check_gpc_date(&self) -> Result<(), BuildError> {
        if let Some(date) = &self.gpc_last_update {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(date, &format)
                .map_err(|_| BuildError::InvalidGpcDate(date.clone()))?;
        }
        Ok(())
    }

    /// Who may record a choice: the request's own origin (a secure one when `secure`),
    /// and the allowed origins.
    pub(super) fn same_origin(&mut self, secure: bool) -> SameOrigin {
        SameOrigin::new(std::mem::take(&mut self.allowed_origins), secure)
    }

    /// The endpoints.
    pub(super) fn endpoints(self) -> Endpoints {
        Endpoints::new(self.endpoint_prefix, self.gpc_last_update)
            .with_report_access(self.report_access)
    }
}

impl ConsentLayerBuilder {
    /// Sets the path the consent endpoints live under (default `/_consent`): the state
    /// JSON and choices at the path itself, the banner at `{prefix}/banner`, its assets
    /// at `{prefix}/banner.js` and `{prefix}/banner.css`, the settings page at
    /// `{prefix}/settings`, the cookie declaration at `{prefix}/cookies`.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().endpoint_prefix("/privacy/consent");
    /// ```
    pub fn endpoint_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.endpoints.endpoint_prefix = prefix.into();
        self
    }

    /// Lets pages of another origin (`https://www.example.com`) record choices; by
    /// default only the endpoint's own origin may.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().allowed_origin("https://www.example.com");
    /// ```
    pub fn allowed_origin(mut self, origin: impl Into<String>) -> Self {
        self.endpoints.allowed_origins.push(origin.into());
        self
    }

    /// Sets the `lastUpdate` date (`YYYY-MM-DD`) of `/.well-known/gpc.json`.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().gpc_last_update("2026-11-24");
    /// ```
    pub fn gpc_last_update(mut self, date: impl Into<String>) -> Self {
        self.endpoints.gpc_last_update = Some(date.into());
        self
    }

    /// Serves the [undeclared-cookie report](crate::CookieReport) as JSON on
    /// `GET {prefix}/report` to requests `access` allows; others get `403`. Without
    /// this call the endpoint does not exist (`404`), and the report is read with
    /// [`ConsentLayer::report`](crate::ConsentLayer::report) only. The report names cookies and paths of your site:
    /// allow only operators.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().report_endpoint(|request: &http::request::Parts| {
    ///     request
    ///         .headers
    ///         .get(http::header::AUTHORIZATION)
    ///         .is_some_and(|value| value == "Bearer operator-token")
    /// });
    /// ```
    pub fn report_endpoint(mut self, access: impl ReportAccess) -> Self {
        self.endpoints.report_access = Some(Access(Box::new(access)));
        self
    }
}
