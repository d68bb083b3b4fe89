//! The consent stage's settings: the signed consent cookie (secrets, revision, name,
//! lifetime) and whether the layer honours Global Privacy Control.

use std::fmt;
use std::time::Duration;

use super::ConsentLayerBuilder;
use crate::consent::cookie::{derive_key, ConsentCookie};
use crate::BuildError;

/// Six months: how long a choice (acceptance or refusal alike) is remembered by default.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(183 * 24 * 60 * 60);
/// Browsers cap cookie lifetimes at 400 days.
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 60 * 60);
/// The shortest secret accepted, in bytes.
const MIN_SECRET_LEN: usize = 32;

/// The consent cookie's settings of a builder.
pub(super) struct ConsentSettings {
    secret: Option<Vec<u8>>,
    previous_secrets: Vec<Vec<u8>>,
    revision: u32,
    cookie_name: Option<String>,
    allow_unprefixed_cookie_name: bool,
    /// Also whether choices may come only from secure origins.
    pub(super) secure: bool,
    pub(super) lifetime: Duration,
    pub(super) honour_gpc: bool,
}

impl Default for ConsentSettings {
    fn default() -> Self {
        Self {
            secret: None,
            previous_secrets: Vec::new(),
            revision: 1,
            cookie_name: None,
            allow_unprefixed_cookie_name: false,
            secure: true,
            lifetime: DEFAULT_LIFETIME,
            honour_gpc: true,
        }
    }
}

impl ConsentSettings {
    /// The settings as the builder's `Debug` shows them: secrets redacted.
    pub(super) fn debug_fields(&self, f: &mut fmt::DebugStruct<'_, '_>) {
        f.field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("previous_secrets", &self.previous_secrets.len())
            .field("revision", &self.revision)
            .field("cookie_name", &self.cookie_name)
            .field(
                "allow_unprefixed_cookie_name",
                &self.allow_unprefixed_cookie_name,
            )
            .field("secure", &self.secure)
            .field("lifetime", &self.lifetime)
            .field("honour_gpc", &self.honour_gpc);
    }

    /// The signing key first, then the keys that only verify.
    pub(super) fn keys(&self) -> Result<Vec<cookie::Key>, BuildError> {
        let secret = self.secret.as_ref().ok_or(BuildError::MissingSecret)?;
        std::iter::once(secret)
            .chain(&self.previous_secrets)
            .map(|secret| {
                if secret.len() < MIN_SECRET_LEN {
                    Err(BuildError::SecretTooShort { len: secret.len() })
                } else {
                    Ok(derive_key(secret))
                }
            })
            .collect()
    }

    pub(super) fn check_lifetime(&self) -> Result<(), BuildError> {
        if self.lifetime.is_zero() || self.lifetime > MAX_LIFETIME {
            return Err(BuildError::InvalidLifetime);
        }
        Ok(())
    }

    /// The consent cookie's name, checked.
    pub(super) fn cookie_name(&self) -> Result<String, BuildError> {
        checked_cookie_name(
            self.cookie_name.clone(),
            self.secure,
            self.allow_unprefixed_cookie_name,
        )
    }

    /// The consent cookie, named `name`, signed with `keys`.
    pub(super) fn cookie(&self, name: String, keys: Vec<cookie::Key>) -> ConsentCookie {
        ConsentCookie::new(name, keys, self.secure, self.lifetime, self.revision)
    }
}

impl ConsentLayerBuilder {
    /// Sets the secret that signs the consent cookie: at least 32 random bytes, kept out
    /// of the source code. Required. Use it for nothing else.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().secret([0x5au8; 32]);
    /// ```
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.consent.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// Adds an old secret that still verifies consent cookies but signs nothing, so
    /// secrets can be rotated without asking every visitor again.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder()
    ///     .secret([2u8; 32])
    ///     .previous_secret([1u8; 32]);
    /// ```
    pub fn previous_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.consent.previous_secrets.push(secret.as_ref().to_vec());
        self
    }

    /// Sets the cookie-policy revision (default 1). Raise it when the cookie policy
    /// changes: decisions made under another revision no longer count and the visitor
    /// is asked again.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().revision(4);
    /// ```
    pub fn revision(mut self, revision: u32) -> Self {
        self.consent.revision = revision;
        self
    }

    /// Sets the consent cookie's name. The default is `__Host-consent` (a name browsers
    /// accept only from the host itself, over HTTPS), or `consent` with
    /// [`secure(false)`](Self::secure).
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().cookie_name("__Host-cookie-choice");
    /// ```
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.consent.cookie_name = Some(name.into());
        self
    }

    /// Allows a consent cookie name without the `__Host-` prefix while
    /// [`secure`](Self::secure) is on (default `false`: such a name fails to build).
    ///
    /// **Dangerous.** Without `__Host-`, any subdomain of the site (or a sibling of it
    /// under the same registrable domain) can set a cookie of that name with a `Domain`
    /// attribute ("cookie tossing"). The layer counts the most restrictive of several
    /// valid consent cookies, so a planted cookie cannot grant more than the visitor did,
    /// but it can still pin an old signed refusal. Use it only when an existing cookie
    /// name must be kept and every subdomain is trusted.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let layer = ConsentLayer::builder()
    ///     .secret([3u8; 32])
    ///     .cookie_name("cookie_choice")
    ///     .allow_unprefixed_cookie_name(true)
    ///     .build()?;
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn allow_unprefixed_cookie_name(mut self, allow: bool) -> Self {
        self.consent.allow_unprefixed_cookie_name = allow;
        self
    }

    /// Whether the consent cookie is marked `Secure` (default `true`). Turn it off only
    /// for development over plain HTTP. Browsers store `Secure` cookies over plain HTTP
    /// only on loopback and send Fetch Metadata only to secure origins, so on a
    /// plain-HTTP host that is not loopback (a LAN address, a container name, `*.test`)
    /// the banner's form under `secure(true)` gets a page naming `secure(false)` and
    /// nothing is saved.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().secure(cfg!(not(debug_assertions)));
    /// ```
    pub fn secure(mut self, secure: bool) -> Self {
        self.consent.secure = secure;
        self
    }

    /// How long a choice is remembered, acceptance and refusal alike (default six
    /// months, at most 400 days).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().lifetime(Duration::from_secs(90 * 24 * 3600));
    /// ```
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.consent.lifetime = lifetime;
        self
    }

    /// Whether `Sec-GPC: 1` refuses marketing (default `true`): it then wins over an
    /// earlier opt-in, unless the visitor grants marketing explicitly while sending the
    /// signal, and `/.well-known/gpc.json` is served. With `false`, the signal is still
    /// honoured for visitors whose region's law makes it binding (see
    /// [`region_source`](Self::region_source)), and the document is served when some
    /// region of the table does.
    ///
    /// ```
    /// # use tower_consent::ConsentLayer;
    /// let builder = ConsentLayer::builder().honour_gpc(true);
    /// ```
    pub fn honour_gpc(mut self, honour: bool) -> Self {
        self.consent.honour_gpc = honour;
        self
    }
}

fn checked_cookie_name(
    name: Option<String>,
    secure: bool,
    allow_unprefixed: bool,
) -> Result<String, BuildError> {
    let name = name.unwrap_or_else(|| if secure { "__Host-consent" } else { "consent" }.to_owned());
    let error = |reason| {
        Err(BuildError::InvalidCookieName {
            name: name.clone(),
            reason,
        })
    };
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b))
    {
        return error("a cookie name is 1 or more RFC 6265 token characters");
    }
    let lower = name.to_ascii_lowercase();
    if !secure && (lower.starts_with("__host-") || lower.starts_with("__secure-")) {
        return error("`__Host-` and `__Secure-` names need `secure(true)`");
    }
    if secure && !lower.starts_with("__host-") && !allow_unprefixed {
        return error(
            "over HTTPS the name must start with `__Host-`, or a sibling subdomain can plant \
             its own consent cookie; see `allow_unprefixed_cookie_name`",
        );
    }
    Ok(name)
}
