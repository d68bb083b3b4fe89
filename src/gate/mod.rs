//! Enforcement: filtering request cookies, stripping `Set-Cookie`, purging, `Vary`.
//!
//! [`request`] reads and filters the `Cookie` headers before the app runs; [`response`]
//! strips the app's `Set-Cookie` headers and adds `Vary`; [`purge`] deletes refused
//! cookies the browser still holds; [`report_only`] logs what they would do instead.

mod domains;
mod purge;
mod report_only;
mod request;
mod response;

use http::HeaderValue;

pub(crate) use self::purge::{purge, Purge, DEFAULT_PURGE_LIMIT};
pub(crate) use self::report_only::ReportOnly;
pub(crate) use self::request::{filter_request, scan_request};
pub(crate) use self::response::{is_deletion, strip_set_cookies};
use crate::category::CategorySet;
use crate::classify::{Class, Classifier};

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

/// May a cookie of this class be stored or read under `granted`?
pub(crate) fn is_granted(class: Class, granted: CategorySet) -> bool {
    class.category.is_some_and(|index| granted.contains(index))
}

/// The `Cookie` headers a request arrived with, and its host, kept to purge what the
/// response must delete. Cloning a `HeaderValue` shares its bytes.
#[derive(Debug, Default)]
pub(crate) struct RequestCookies {
    first: Option<HeaderValue>,
    rest: Vec<HeaderValue>,
    /// The `Host` header (or the URI's authority) of a request that sent cookies.
    host: Option<HeaderValue>,
}

impl RequestCookies {
    fn host(&self) -> Option<&HeaderValue> {
        self.host.as_ref()
    }

    fn push(&mut self, value: HeaderValue) {
        match self.first {
            None => self.first = Some(value),
            Some(_) => self.rest.push(value),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &HeaderValue> {
        self.first.iter().chain(&self.rest)
    }
}
