//! [`Region`]: where a visitor is, as an ISO 3166-1 country and an optional ISO 3166-2
//! subdivision, normalised from whatever a region source says.

use std::fmt;
use std::str::FromStr;

/// Where a visitor is: an ISO 3166-1 alpha-2 country (`US`) and, if known, an ISO 3166-2
/// subdivision of it (`US-CA`).
///
/// Built from what a [`RegionSource`](crate::RegionSource) reads, or parsed from text:
/// letters are upper-cased, and values that name no country are refused (`XX` and `ZZ`
/// "unknown", `T1` Tor, the user-assigned codes `AA`, `QM`–`QZ`, `XA`–`XZ` but Kosovo's
/// `XK`, and the `EU`/`AP` pseudo-countries of some GeoIP databases). A subdivision is 1 to
/// 3 letters or digits. A `Region` is 5 bytes, copied freely.
///
/// # Example
///
/// ```
/// use tower_consent::Region;
///
/// let california: Region = "us-ca".parse()?;
/// assert_eq!(california.to_string(), "US-CA");
/// assert_eq!(california.country(), "US");
/// assert_eq!(california.subdivision(), Some("CA"));
/// assert!("XX".parse::<Region>().is_err());
/// # Ok::<(), tower_consent::InvalidRegion>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(pub(super) [u8; 5]);

/// The byte order of the codes (`DE` < `US` < `US-CA`), compared as one integer: the
/// regime table is searched by it on every request of a layer that reads regions.
impl Ord for Region {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.packed().cmp(&other.packed())
    }
}

impl PartialOrd for Region {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Region {
    /// The country's slot among the 26 × 26 two-letter codes.
    pub(super) fn country_index(self) -> usize {
        let [a, b, ..] = self.0;
        usize::from(a.wrapping_sub(b'A')) * 26 + usize::from(b.wrapping_sub(b'A'))
    }

    /// Whether the region names a subdivision of its country.
    pub(super) fn has_subdivision(self) -> bool {
        self.0[2] != 0
    }

    /// The five bytes as a big-endian integer: its order is theirs.
    fn packed(self) -> u64 {
        let [a, b, c, d, e] = self.0;
        u64::from_be_bytes([0, 0, 0, a, b, c, d, e])
    }

    /// The region a country code and an optional subdivision code name, as CDNs send
    /// them in two headers (`US` and `CA`, or `US` and `US-CA`). An unusable subdivision
    /// leaves the country alone; an unusable country gives `None`.
    ///
    /// ```
    /// use tower_consent::Region;
    ///
    /// let region = Region::from_codes(b"US", Some(b"ca")).unwrap();
    /// assert_eq!(region.to_string(), "US-CA");
    /// assert_eq!(Region::from_codes(b"US", Some(b"not a region")).unwrap().to_string(), "US");
    /// assert!(Region::from_codes(b"T1", None).is_none());
    /// ```
    pub fn from_codes(country: &[u8], subdivision: Option<&[u8]>) -> Option<Region> {
        let country = country.trim_ascii();
        let [a, b] = <[u8; 2]>::try_from(country).ok()?;
        let (a, b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
        if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() || !is_country(a, b) {
            return None;
        }
        let mut bytes = [a, b, 0, 0, 0];
        if let Some(code) = subdivision.and_then(|s| subdivision_code(s, [a, b])) {
            bytes[2..].copy_from_slice(&code);
        }
        Some(Region(bytes))
    }

    /// The region in a value that holds both codes: `US-CA`, `US_CA`, `USCA` (Google
    /// Cloud load balancers' `{client_region_subdivision}`) or a bare country `US`.
    ///
    /// ```
    /// use tower_consent::Region;
    ///
    /// assert_eq!(Region::from_combined(b"USCA").unwrap().to_string(), "US-CA");
    /// assert_eq!(Region::from_combined(b"de").unwrap().to_string(), "DE");
    /// ```
    pub fn from_combined(value: &[u8]) -> Option<Region> {
        let value = value.trim_ascii();
        if value.len() < 2 || value.len() > 6 {
            return None;
        }
        let (country, rest) = value.split_at(2);
        let subdivision = match rest {
            [] => None,
            [b'-' | b'_', code @ ..] => Some(code),
            code => Some(code),
        };
        if subdivision.is_some_and(|code| !is_subdivision(code)) {
            // `US-` followed by garbage is not a value anyone set on purpose.
            return None;
        }
        Region::from_codes(country, subdivision)
    }

    /// The country, without its subdivision.
    ///
    /// ```
    /// # use tower_consent::Region;
    /// let region: Region = "CA-QC".parse().unwrap();
    /// assert_eq!(region.without_subdivision().to_string(), "CA");
    /// ```
    pub fn without_subdivision(self) -> Region {
        let [a, b, ..] = self.0;
        Region([a, b, 0, 0, 0])
    }

    /// The ISO 3166-1 alpha-2 country code, upper case.
    ///
    /// ```
    /// # use tower_consent::Region;
    /// assert_eq!("fr".parse::<Region>().unwrap().country(), "FR");
    /// ```
    pub fn country(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0[..2]).unwrap_or("")
    }

    /// The subdivision code after the dash (`CA` in `US-CA`), if known.
    ///
    /// ```
    /// # use tower_consent::Region;
    /// assert_eq!("US-TX".parse::<Region>().unwrap().subdivision(), Some("TX"));
    /// assert_eq!("US".parse::<Region>().unwrap().subdivision(), None);
    /// ```
    pub fn subdivision(&self) -> Option<&str> {
        let code = &self.0[2..];
        let len = code.iter().position(|&b| b == 0).unwrap_or(code.len());
        (len > 0).then(|| std::str::from_utf8(&code[..len]).unwrap_or(""))
    }
}

/// Whether `[a, b]` (upper-case letters) may name a country: not one of the codes
/// ISO 3166-1 leaves to users, nor a GeoIP database's pseudo-country.
fn is_country(a: u8, b: u8) -> bool {
    !matches!(
        [a, b],
        [b'A', b'A'] | [b'Q', b'M'..=b'Z'] | [b'Z', b'Z'] | [b'E', b'U'] | [b'A', b'P']
    ) && (a != b'X' || b == b'K')
}

fn is_subdivision(code: &[u8]) -> bool {
    (1..=3).contains(&code.len()) && code.iter().all(u8::is_ascii_alphanumeric)
}

/// The subdivision code in `value`, upper-cased and zero-padded: from `CA`, or from
/// `US-CA` when its country is `country`.
fn subdivision_code(value: &[u8], country: [u8; 2]) -> Option<[u8; 3]> {
    let value = value.trim_ascii();
    let code = match value {
        [a, b, b'-', code @ ..] if [a.to_ascii_uppercase(), b.to_ascii_uppercase()] == country => {
            code
        }
        code => code,
    };
    if !is_subdivision(code) {
        return None;
    }
    let mut upper = [0u8; 3];
    for (to, from) in upper.iter_mut().zip(code) {
        *to = from.to_ascii_uppercase();
    }
    Some(upper)
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.country())?;
        if let Some(subdivision) = self.subdivision() {
            write!(f, "-{subdivision}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({self})")
    }
}

/// The text is not an ISO 3166-1 country code, optionally followed by `-` and an ISO
/// 3166-2 subdivision code.
///
/// # Example
///
/// ```
/// use tower_consent::{InvalidRegion, Region};
///
/// assert_eq!("California".parse::<Region>(), Err(InvalidRegion));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a region is an ISO 3166-1 alpha-2 country code, optionally followed by `-` and an ISO 3166-2 subdivision code (`US-CA`)")]
pub struct InvalidRegion;

impl FromStr for Region {
    type Err = InvalidRegion;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        // Text is strict: `US-CA` or `US`, never `USCA`.
        let valid = bytes.len() == 2 || bytes.get(2) == Some(&b'-');
        valid
            .then(|| Region::from_combined(bytes))
            .flatten()
            .filter(|region| region.to_string().len() == text.len())
            .ok_or(InvalidRegion)
    }
}
