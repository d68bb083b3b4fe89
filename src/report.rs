//! The undeclared-cookie report: which cookie names the site really uses that no rule
//! declares, read with [`ConsentLayer::report`](crate::ConsentLayer::report) or, when
//! the app allows it, as JSON on `GET {prefix}/report`. The names are gathered by the
//! classifier (`classify/report.rs`).

use std::fmt;
use std::time::SystemTime;

use http::request::Parts;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A snapshot of the undeclared cookie names the layer has seen: read it with
/// [`ConsentLayer::report`](crate::ConsentLayer::report).
///
/// # What is kept, and the cap
///
/// Every name seen in a `Cookie` or `Set-Cookie` header that no rule matches is counted,
/// whatever [`Unknown`](crate::Unknown) then does with it. Per name: when it was first
/// seen, on which path (without the query), in which direction, and how often since in
/// requests and in responses. **Never a value**: a nameless cookie (whose text is its
/// value) is counted under the empty name.
///
/// At most 1,024 distinct names are kept (a name may be refused a little earlier when
/// its slot's neighbourhood is full). Names seen after that are not kept: their
/// sightings only add to [`CookieReport::dropped`]. Names are cut to 128 bytes, paths to
/// 256. So the report holds at most about 0.5 MB whatever the traffic, and nothing
/// leaves it until the layer is dropped.
///
/// # Example
///
/// ```
/// use tower_consent::ConsentLayer;
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .necessary(["session"])
///     // Serve the report as JSON to requests the app trusts.
///     .report_endpoint(|request: &http::request::Parts| {
///         request.headers.get("x-admin-token").is_some_and(|t| t == "letmein")
///     })
///     .build()?;
/// for cookie in layer.report().cookies {
///     println!("{} first seen on {}", cookie.name, cookie.first_path);
/// }
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieReport {
    /// The names, in the order they were first seen.
    pub cookies: Vec<UndeclaredCookie>,
    /// How many distinct names the report can hold.
    pub capacity: usize,
    /// Sightings of names that were not kept because the report was full.
    pub dropped: u64,
}

impl CookieReport {
    /// The report as the JSON document `GET {prefix}/report` answers: times in RFC 3339.
    ///
    /// ```
    /// use tower_consent::ConsentLayer;
    ///
    /// let layer = ConsentLayer::builder().secret([7u8; 32]).build()?;
    /// assert_eq!(
    ///     layer.report().to_json(),
    ///     r#"{"capacity":1024,"dropped":0,"cookies":[]}"#
    /// );
    /// # Ok::<(), tower_consent::BuildError>(())
    /// ```
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Document<'a> {
            capacity: usize,
            dropped: u64,
            cookies: Vec<Cookie<'a>>,
        }
        #[derive(Serialize)]
        struct Cookie<'a> {
            name: &'a str,
            name_truncated: bool,
            first_seen: Option<String>,
            first_path: &'a str,
            first_direction: &'static str,
            in_requests: u64,
            in_responses: u64,
        }
        let document = Document {
            capacity: self.capacity,
            dropped: self.dropped,
            cookies: self
                .cookies
                .iter()
                .map(|c| Cookie {
                    name: &c.name,
                    name_truncated: c.name_truncated,
                    first_seen: OffsetDateTime::from(c.first_seen).format(&Rfc3339).ok(),
                    first_path: &c.first_path,
                    first_direction: c.first_direction.as_str(),
                    in_requests: c.in_requests,
                    in_responses: c.in_responses,
                })
                .collect(),
        };
        serde_json::to_string(&document).unwrap_or_default()
    }
}

/// One cookie name that no rule matches.
///
/// # Example
///
/// ```
/// use tower_consent::{CookieReport, Direction};
///
/// fn set_by_the_app(report: &CookieReport) -> Vec<&str> {
///     report
///         .cookies
///         .iter()
///         .filter(|c| c.in_responses > 0)
///         .map(|c| c.name.as_str())
///         .collect()
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UndeclaredCookie {
    /// The name (cut to 128 bytes; bytes that are not UTF-8 replaced by `�`). Empty for
    /// nameless cookies, whose text, being their value, is not kept.
    pub name: String,
    /// Whether [`name`](Self::name) was cut.
    pub name_truncated: bool,
    /// When the name was first seen.
    pub first_seen: SystemTime,
    /// The path (without query, cut to 256 bytes) of the request it was first seen on.
    pub first_path: String,
    /// Whether it was first seen in a request or in a response.
    pub first_direction: Direction,
    /// How many times a request carried it.
    pub in_requests: u64,
    /// How many times a response set it.
    pub in_responses: u64,
}

impl UndeclaredCookie {
    /// A name first seen at `first_seen` on `first_path`, in `first_direction`, not
    /// counted yet (for [`LedgerStore::share`](crate::ledger::LedgerStore::share)
    /// implementations, which add the counts).
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use tower_consent::{Direction, UndeclaredCookie};
    ///
    /// let mut cookie = UndeclaredCookie::new("trk", SystemTime::now(), "/", Direction::Request);
    /// cookie.in_requests = 3;
    /// assert_eq!(cookie.in_requests + cookie.in_responses, 3);
    /// ```
    pub fn new(
        name: impl Into<String>,
        first_seen: SystemTime,
        first_path: impl Into<String>,
        first_direction: Direction,
    ) -> Self {
        Self {
            name: name.into(),
            name_truncated: false,
            first_seen,
            first_path: first_path.into(),
            first_direction,
            in_requests: 0,
            in_responses: 0,
        }
    }
}

/// Which way a cookie name was seen.
///
/// ```
/// use tower_consent::Direction;
///
/// assert_eq!(Direction::Response.as_str(), "response");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// In a request's `Cookie` header: the browser holds the cookie.
    Request,
    /// In a response's `Set-Cookie` header: the app (or a proxy) sets it.
    Response,
}

impl Direction {
    /// `request` or `response`.
    ///
    /// ```
    /// # use tower_consent::Direction;
    /// assert_eq!(Direction::Request.as_str(), "request");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// Decides whether a request may read the report on `GET {prefix}/report`.
///
/// Implemented for every closure `Fn(&http::request::Parts) -> bool`, like tower-http's
/// predicates; implement it on a type for checks that hold state. The layer calls it
/// for requests to the report endpoint only. Cookies the layer filtered are not in
/// `parts` by then: check a necessary cookie, a header, or a peer address extension.
///
/// # Example
///
/// ```
/// use http::request::Parts;
/// use tower_consent::ReportAccess;
///
/// struct AdminToken(String);
///
/// impl ReportAccess for AdminToken {
///     fn allows(&self, request: &Parts) -> bool {
///         request
///             .headers
///             .get(http::header::AUTHORIZATION)
///             .is_some_and(|value| value.as_bytes() == format!("Bearer {}", self.0).as_bytes())
///     }
/// }
///
/// let closure = |request: &Parts| request.uri.host() == Some("admin.internal");
/// # fn takes(_: impl ReportAccess) {}
/// takes(AdminToken("s3cret".into()));
/// takes(closure);
/// ```
pub trait ReportAccess: Send + Sync + 'static {
    /// Whether `request` may read the report.
    fn allows(&self, request: &Parts) -> bool;
}

impl<F> ReportAccess for F
where
    F: Fn(&Parts) -> bool + Send + Sync + 'static,
{
    fn allows(&self, request: &Parts) -> bool {
        self(request)
    }
}

/// The app's [`ReportAccess`], boxed for the configuration.
pub(crate) struct Access(pub(crate) Box<dyn ReportAccess>);

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReportAccess")
    }
}
