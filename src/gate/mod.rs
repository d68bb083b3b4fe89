//! Enforcement: filtering request cookies, stripping `Set-Cookie`, purging.
//!
//! [`request`] reads and filters the `Cookie` headers before the app runs; [`response`]
//! strips the app's `Set-Cookie` headers; [`purge`] deletes refused cookies the browser
//! still holds; [`report_only`] logs what they would do instead. [`Gate`] is the gate's
//! part of the configuration; `Vary` and `Cache-Control` are set by
//! [`caching`](crate::caching).

mod cookies;
mod domains;
mod purge;
mod report_only;
mod request;
mod response;

pub(crate) use self::cookies::RequestCookies;
pub(crate) use self::purge::{purge, Purge, DEFAULT_PURGE_LIMIT};
pub(crate) use self::report_only::ReportOnly;
pub(crate) use self::request::{filter_request, scan_request};
pub(crate) use self::response::{is_deletion, strip_set_cookies};
use crate::classify::Classifier;

/// The gate's part of the configuration, fixed at build time: how cookies are
/// classified, how refused ones are deleted, and whether it only reports.
#[derive(Debug)]
pub(crate) struct Gate {
    pub(crate) classifier: Classifier,
    /// How refused cookies are deleted.
    pub(crate) purge: Purge,
    /// Report-only mode: what the gate would do is logged, nothing is removed.
    pub(crate) report_only: Option<ReportOnly>,
}
