//! [`RegionSource`]: where the layer reads a visitor's region, as the app names it.

use std::fmt;
use std::sync::Arc;

use http::header::{HeaderMap, HeaderName, InvalidHeaderName};
use http::request::Parts;

use super::Region;

/// Where the layer reads the visitor's [`Region`]. The layer never guesses: without a
/// source every visitor gets the fallback regime, and the headers of sources the app
/// did not name are ignored.
///
/// CDN headers are only trustworthy when the origin cannot be reached around the CDN
/// (firewall it to the CDN's addresses, or authenticate the CDN): otherwise anybody can
/// send `CF-IPCountry: US` to the origin. A header that arrives more than once, or with a
/// value that names no country (`XX`, Tor's `T1`, garbage), gives no region.
///
/// # Example
///
/// ```
/// use tower_consent::{ConsentLayer, Region, RegionSource};
///
/// let behind_cloudflare = ConsentLayer::builder()
///     .secret([3u8; 32])
///     .region_source(RegionSource::cloudflare())
///     .build()?;
///
/// // A GeoIP lookup of the app's own, from a request extension it set earlier.
/// #[derive(Clone)]
/// struct Located(Region);
/// let own_lookup = RegionSource::from_fn(|request: &http::request::Parts| {
///     request.extensions.get::<Located>().map(|located| located.0)
/// });
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone)]
pub struct RegionSource(pub(super) Kind);

/// An app's function from a request head to a region.
type Locate = dyn Fn(&Parts) -> Option<Region> + Send + Sync;

#[derive(Clone)]
pub(super) enum Kind {
    /// A country header and, optionally, a subdivision header.
    Pair {
        country: HeaderName,
        subdivision: Option<HeaderName>,
    },
    /// One header holding both (`US-CA`, `USCA`, `US`).
    Combined(HeaderName),
    /// Akamai EdgeScape: `country_code=US,region_code=CA,…`.
    Edgescape(HeaderName),
    /// The app's own function of the request.
    Function(Arc<Locate>),
}

impl RegionSource {
    /// Cloudflare: `CF-IPCountry` and `cf-region-code` (the latter needs the "Add visitor
    /// location headers" managed transform).
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::cloudflare();
    /// ```
    pub fn cloudflare() -> Self {
        Self::pair("cf-ipcountry", Some("cf-region-code"))
    }

    /// Amazon CloudFront: `CloudFront-Viewer-Country` and
    /// `CloudFront-Viewer-Country-Region` (both added to the origin request policy).
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::cloudfront();
    /// ```
    pub fn cloudfront() -> Self {
        Self::pair(
            "cloudfront-viewer-country",
            Some("cloudfront-viewer-country-region"),
        )
    }

    /// Vercel: `x-vercel-ip-country` and `x-vercel-ip-country-region`.
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::vercel();
    /// ```
    pub fn vercel() -> Self {
        Self::pair("x-vercel-ip-country", Some("x-vercel-ip-country-region"))
    }

    /// Akamai EdgeScape: `X-Akamai-Edgescape`, whose `country_code` and `region_code`
    /// fields are read.
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::akamai();
    /// ```
    pub fn akamai() -> Self {
        Self(Kind::Edgescape(HeaderName::from_static(
            "x-akamai-edgescape",
        )))
    }

    /// A Google Cloud load balancer's custom request header set to
    /// `{client_region_subdivision}` (`USCA`), or to `{client_region}` (`US`).
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::google_cloud("x-client-subdivision")?;
    /// # Ok::<(), http::header::InvalidHeaderName>(())
    /// ```
    pub fn google_cloud(header: &str) -> Result<Self, InvalidHeaderName> {
        Self::header(header)
    }

    /// Fastly, which sets no region header by default: name the headers your VCL or
    /// Compute service sets from `client.geo.country_code` and `client.geo.region`.
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::fastly("fastly-geo-country", "fastly-geo-region")?;
    /// # Ok::<(), http::header::InvalidHeaderName>(())
    /// ```
    pub fn fastly(country: &str, region: &str) -> Result<Self, InvalidHeaderName> {
        Self::headers(country, Some(region))
    }

    /// One header, set by a proxy the app trusts, holding `US-CA`, `USCA` or `US`.
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::header("x-region")?;
    /// # Ok::<(), http::header::InvalidHeaderName>(())
    /// ```
    pub fn header(name: &str) -> Result<Self, InvalidHeaderName> {
        Ok(Self(Kind::Combined(HeaderName::try_from(name)?)))
    }

    /// A country header (`US`) and optionally a subdivision header (`CA` or `US-CA`),
    /// set by a proxy the app trusts.
    ///
    /// ```
    /// # use tower_consent::RegionSource;
    /// let source = RegionSource::headers("x-country", Some("x-subdivision"))?;
    /// # Ok::<(), http::header::InvalidHeaderName>(())
    /// ```
    pub fn headers(country: &str, subdivision: Option<&str>) -> Result<Self, InvalidHeaderName> {
        Ok(Self(Kind::Pair {
            country: HeaderName::try_from(country)?,
            subdivision: subdivision.map(HeaderName::try_from).transpose()?,
        }))
    }

    /// The app's own function of the request, such as a GeoIP lookup of the client
    /// address: `None` when the region is unknown.
    ///
    /// ```
    /// use tower_consent::{Region, RegionSource};
    ///
    /// let source = RegionSource::from_fn(|request: &http::request::Parts| {
    ///     let host = request.headers.get("host")?.as_bytes();
    ///     host.ends_with(b".de").then(|| "DE".parse::<Region>().ok()).flatten()
    /// });
    /// ```
    pub fn from_fn(f: impl Fn(&Parts) -> Option<Region> + Send + Sync + 'static) -> Self {
        Self(Kind::Function(Arc::new(f)))
    }

    fn pair(country: &'static str, subdivision: Option<&'static str>) -> Self {
        Self(Kind::Pair {
            country: HeaderName::from_static(country),
            subdivision: subdivision.map(HeaderName::from_static),
        })
    }

    /// The headers the region is read from (none for a function): a response that
    /// depends on the region varies on them.
    pub(crate) fn header_names(&self) -> impl Iterator<Item = &HeaderName> {
        let (first, second) = match &self.0 {
            Kind::Pair {
                country,
                subdivision,
            } => (Some(country), subdivision.as_ref()),
            Kind::Combined(name) | Kind::Edgescape(name) => (Some(name), None),
            Kind::Function(_) => (None, None),
        };
        first.into_iter().chain(second)
    }

    /// Whether reading the region needs the whole request head, not only its headers.
    pub(crate) fn needs_parts(&self) -> bool {
        matches!(self.0, Kind::Function(_))
    }

    /// The region in `headers`, for every source but a function.
    pub(crate) fn read_headers(&self, headers: &HeaderMap) -> Option<Region> {
        match &self.0 {
            Kind::Pair {
                country,
                subdivision,
            } => {
                let country = single(headers, country)?;
                let subdivision = subdivision.as_ref().and_then(|name| single(headers, name));
                Region::from_codes(country, subdivision)
            }
            Kind::Combined(name) => Region::from_combined(single(headers, name)?),
            Kind::Edgescape(name) => edgescape(single(headers, name)?),
            Kind::Function(_) => None,
        }
    }

    /// The region of a request, for every source.
    pub(crate) fn read_parts(&self, parts: &Parts) -> Option<Region> {
        match &self.0 {
            Kind::Function(f) => f(parts),
            _ => self.read_headers(&parts.headers),
        }
    }
}

/// The value of `name`, if it arrived exactly once: a CDN sets its header once, so a
/// second one is somebody else's.
fn single<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h [u8]> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    values.next().is_none().then(|| value.as_bytes())
}

/// The region in an EdgeScape value: `country_code=US,region_code=CA,city=…`.
fn edgescape(value: &[u8]) -> Option<Region> {
    let mut country = None;
    let mut region = None;
    for field in value.split(|&b| b == b',') {
        let Some(equals) = field.iter().position(|&b| b == b'=') else {
            continue;
        };
        let (name, value) = (field[..equals].trim_ascii(), &field[equals + 1..]);
        let slot = match name {
            b"country_code" => &mut country,
            b"region_code" => &mut region,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            // A field given twice is not what Akamai sends.
            return None;
        }
    }
    Region::from_codes(country?, region)
}

impl fmt::Debug for RegionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Pair {
                country,
                subdivision,
            } => f
                .debug_struct("RegionSource")
                .field("country", country)
                .field("subdivision", subdivision)
                .finish(),
            Kind::Combined(name) => f.debug_tuple("RegionSource").field(name).finish(),
            Kind::Edgescape(name) => f
                .debug_struct("RegionSource")
                .field("edgescape", name)
                .finish(),
            Kind::Function(_) => f.write_str("RegionSource(<fn>)"),
        }
    }
}
