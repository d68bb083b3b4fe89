//! What a decision is, as the consent cookie carries it: the granted categories, the
//! policy revision, when, the browser's [`ConsentId`] and the [`Source`].

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::category::CategorySet;

/// A recorded decision, as carried by the consent cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Always contains necessary.
    pub(crate) granted: CategorySet,
    /// The categories the decision decides: every category for a full choice, only the
    /// sale/share ones for "Do Not Sell or Share" and GPC. The regime's defaults apply
    /// to the rest.
    pub(crate) decided: CategorySet,
    pub(crate) revision: u32,
    /// Unix seconds.
    pub(crate) decided_at: u64,
    pub(crate) id: ConsentId,
    pub(crate) source: Source,
    /// Whether the browser sent Global Privacy Control when the choice was made: a
    /// marketing grant made then is an explicit opt-in that GPC does not override.
    pub(crate) gpc: bool,
}

/// Seconds since the Unix epoch; 0 if the clock is before it.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How a decision was made.
///
/// # Example
///
/// ```
/// use tower_consent::{Choice, Source};
///
/// let choice = Choice::accept_all().source(Source::Banner);
/// assert_eq!(Source::Gpc.as_str(), "gpc");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The visitor used the consent banner.
    Banner,
    /// The app recorded it through the API (a handler or the JSON endpoint).
    Api,
    /// The browser's Global Privacy Control signal.
    Gpc,
}

impl Source {
    /// The name used in JSON and logs: `banner`, `api` or `gpc`.
    ///
    /// ```
    /// # use tower_consent::Source;
    /// assert_eq!(Source::Banner.as_str(), "banner");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Banner => "banner",
            Source::Api => "api",
            Source::Gpc => "gpc",
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Source::Banner => b'b',
            Source::Api => b'a',
            Source::Gpc => b'g',
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Self> {
        match code {
            "b" => Some(Source::Banner),
            "a" => Some(Source::Api),
            "g" => Some(Source::Gpc),
            _ => None,
        }
    }
}

/// A random 96-bit identifier of one browser's consent, drawn from the operating
/// system's CSPRNG. Displayed as 16 URL-safe base64 characters.
///
/// # Example
///
/// ```
/// use tower_consent::ConsentId;
///
/// let id = ConsentId::random().expect("the OS has randomness");
/// assert_eq!(id.to_string().len(), 16);
/// assert_eq!(id.to_string().parse::<ConsentId>(), Ok(id));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConsentId(pub(super) [u8; 12]);

impl ConsentId {
    /// A fresh identifier, or `None` if the operating system gives no randomness.
    pub fn random() -> Option<Self> {
        let mut bytes = [0; 12];
        getrandom::fill(&mut bytes).ok()?;
        Some(Self(bytes))
    }

    /// The identifier's random bytes.
    pub(crate) fn bytes(&self) -> &[u8; 12] {
        &self.0
    }
}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; 16];
        let written = URL_SAFE_NO_PAD
            .encode_slice(self.0, &mut text)
            .map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&text[..written]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsentId({self})")
    }
}

/// The text is not 16 URL-safe base64 characters.
///
/// # Example
///
/// ```
/// use tower_consent::{ConsentId, InvalidConsentId};
///
/// assert_eq!("nope".parse::<ConsentId>(), Err(InvalidConsentId));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a consent id is 16 URL-safe base64 characters")]
pub struct InvalidConsentId;

impl std::str::FromStr for ConsentId {
    type Err = InvalidConsentId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() != 16 {
            return Err(InvalidConsentId);
        }
        let mut bytes = [0; 12];
        match URL_SAFE_NO_PAD.decode_slice(text, &mut bytes) {
            Ok(12) => Ok(Self(bytes)),
            _ => Err(InvalidConsentId),
        }
    }
}
