//! Classification rules as the app declares them.

use super::Lifetime;
use crate::{BuildError, Category};

/// Assigns cookies whose name matches a pattern to a [`Category`].
///
/// A pattern is an exact cookie name (`"_ga"`) or contains `*` wildcards that match any
/// run of bytes (`"_ga_*"`, `"mp_*_mixpanel"`). Names compare case-sensitively, like
/// browsers compare them. When several rules match one name, the most specific wins:
/// an exact name beats any pattern, and a pattern with more literal bytes beats one with
/// fewer. Two equally specific rules that can match the same name but disagree on the
/// category make [`build`](crate::ConsentLayerBuilder::build) fail.
///
/// A rule also says where the browser may hold the cookie, so the layer can delete every
/// copy when consent is missing: by default the layer deletes the host-only cookie with
/// `Path=/` (plus the [default scopes](crate::ConsentLayerBuilder::purge_scope)).
///
/// What the cookie declaration (`GET {prefix}/cookies`,
/// [`ConsentLayer::declaration`](crate::ConsentLayer::declaration)) shows for the rule
/// comes from [`provider`](Self::provider), [`purpose`](Self::purpose) and
/// [`lifetime`](Self::lifetime).
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, CookieScope, Rule};
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .rule(
///         Rule::new("_ga*", Category::Analytics)
///             .scope(CookieScope::host_only("/"))
///             .scope(CookieScope::domain("example.com", "/")),
///     )
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub(crate) pattern: String,
    pub(crate) category: Category,
    pub(crate) scopes: Vec<CookieScope>,
    pub(crate) provider: Option<String>,
    pub(crate) purpose: Option<String>,
    pub(crate) lifetime: Option<Lifetime>,
    pub(crate) third_party: bool,
}

impl Rule {
    /// A rule putting cookies named like `pattern` into `category`.
    ///
    /// ```
    /// # use tower_consent::{Category, Rule};
    /// let rule = Rule::new("theme", Category::Preferences);
    /// ```
    pub fn new(pattern: impl Into<String>, category: Category) -> Self {
        Self {
            pattern: pattern.into(),
            category,
            scopes: Vec::new(),
            provider: None,
            purpose: None,
            lifetime: None,
            third_party: false,
        }
    }

    /// Who sets the cookie, for the cookie declaration (default: this site).
    ///
    /// ```
    /// # use tower_consent::{Category, Rule};
    /// let rule = Rule::new("_pk_id.*", Category::Analytics).provider("Matomo (self-hosted)");
    /// ```
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// What the cookie is for, in one plain sentence, for the cookie declaration.
    ///
    /// ```
    /// # use tower_consent::{Category, Rule};
    /// let rule = Rule::new("theme", Category::Preferences).purpose("Remembers the colour theme you chose.");
    /// ```
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    /// How long the cookie lives, for the cookie declaration.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use tower_consent::{Category, Lifetime, Rule};
    /// let rule = Rule::new("session", Category::Necessary).lifetime(Lifetime::Session);
    /// ```
    pub fn lifetime(mut self, lifetime: Lifetime) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Marks the cookie as a third-party cookie: set on another site's domain, for
    /// example by an embedded video player, so the declaration lists it as such. The
    /// layer never sees such a cookie, but the rule still classifies a cookie of the same
    /// name on this site.
    ///
    /// ```
    /// # use tower_consent::{Category, Rule};
    /// let rule = Rule::new("VISITOR_INFO1_LIVE", Category::Marketing)
    ///     .provider("YouTube")
    ///     .third_party();
    /// ```
    pub fn third_party(mut self) -> Self {
        self.third_party = true;
        self
    }

    /// Adds a place where the browser may hold these cookies; purging deletes each one.
    /// Once a rule has a scope, the builder's default scopes no longer apply to it.
    ///
    /// ```
    /// # use tower_consent::{Category, CookieScope, Rule};
    /// let rule = Rule::new("_fbp", Category::Marketing)
    ///     .scope(CookieScope::domain("example.com", "/"));
    /// ```
    pub fn scope(mut self, scope: CookieScope) -> Self {
        self.scopes.push(scope);
        self
    }
}

/// The `Domain` and `Path` a cookie was set with.
///
/// Requests do not say where a cookie came from, and a browser deletes a cookie only
/// when the deleting `Set-Cookie` names the same `Domain` and `Path`, so the layer
/// purges with every scope that applies to the cookie's rule.
///
/// # Example
///
/// ```
/// use tower_consent::CookieScope;
///
/// let host = CookieScope::host_only("/");
/// let site = CookieScope::domain("example.com", "/");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CookieScope {
    pub(crate) domain: Option<String>,
    pub(crate) path: String,
}

impl CookieScope {
    /// A cookie set without `Domain` (only this host) and with this `Path`.
    ///
    /// ```
    /// # use tower_consent::CookieScope;
    /// let scope = CookieScope::host_only("/app");
    /// ```
    pub fn host_only(path: impl Into<String>) -> Self {
        Self {
            domain: None,
            path: path.into(),
        }
    }

    /// A cookie set with `Domain=domain` (so also sent to its subdomains) and this `Path`.
    ///
    /// ```
    /// # use tower_consent::CookieScope;
    /// let scope = CookieScope::domain("example.com", "/");
    /// ```
    pub fn domain(domain: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            domain: Some(domain.into()),
            path: path.into(),
        }
    }
}

impl Default for CookieScope {
    /// Host-only, `Path=/`.
    fn default() -> Self {
        Self::host_only("/")
    }
}

/// Checks purge scopes once, when the layer is built.
pub(crate) fn validate_scopes(scopes: &[CookieScope]) -> Result<(), BuildError> {
    for scope in scopes {
        let error = |reason| BuildError::InvalidScope {
            domain: scope.domain.clone(),
            path: scope.path.clone(),
            reason,
        };
        if !scope.path.starts_with('/') {
            return Err(error("the path must start with `/`"));
        }
        if scope
            .path
            .bytes()
            .any(|b| b == b';' || b.is_ascii_control() || !b.is_ascii())
        {
            return Err(error("the path must be visible ASCII without `;`"));
        }
        if let Some(domain) = &scope.domain {
            let host = domain.strip_prefix('.').unwrap_or(domain);
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(error(
                    "the domain must be a host name such as `example.com`",
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_validated() {
        assert!(validate_scopes(&[CookieScope::host_only("/a")]).is_ok());
        assert!(validate_scopes(&[CookieScope::domain(".example.com", "/")]).is_ok());
        assert!(validate_scopes(&[CookieScope::host_only("a")]).is_err());
        assert!(validate_scopes(&[CookieScope::host_only("/;x")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("", "/")]).is_err());
        assert!(validate_scopes(&[CookieScope::domain("a b", "/")]).is_err());
    }
}
