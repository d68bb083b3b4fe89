//! Report-only mode: what the gate would do to a request and its response, logged
//! instead of done, like `Content-Security-Policy-Report-Only`.
//!
//! Each action is logged once per cookie name, action and path (a bounded memory of
//! 1,024 such triples; past it, nothing more is logged), with `tracing::warn!` under the
//! target `tower_consent::report_only` and the fields `cookie`, `category`, `action`
//! (`filter`: the app would not have seen the request cookie; `strip`: the response's
//! `Set-Cookie` would have been dropped; `purge`: the browser's copy would have been
//! deleted) and `path`. Nothing is removed, so the app behaves exactly as without the
//! layer, and the undeclared-cookie report fills as usual.

use http::header::SET_COOKIE;
use http::HeaderMap;

use super::cookies::{is_granted, RequestCookies};
use super::request::RequestScan;
use super::response::refused;
use crate::category::CategorySet;
use crate::classify::Classifier;
use crate::cookie_header::{cookie_pairs, set_cookie_is_nameless};
use crate::report_once::ReportOnce;

/// What report-only mode remembers: the actions already logged.
#[derive(Debug)]
pub(crate) struct ReportOnly {
    logged: ReportOnce,
}

/// An action the gate would have taken.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum Action {
    Filter,
    Strip,
    Purge,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Filter => "filter",
            Action::Strip => "strip",
            Action::Purge => "purge",
        }
    }
}

impl ReportOnly {
    pub(crate) fn new() -> Self {
        Self {
            logged: ReportOnce::new(),
        }
    }

    /// Logs the request cookies filtering would remove. Returns the `Cookie` headers,
    /// which stay untouched, and whether filtering would have removed any.
    pub(crate) fn request(
        &self,
        scan: RequestScan,
        classifier: &Classifier,
        granted: CategorySet,
        path: &str,
    ) -> (RequestCookies, bool) {
        let refuses = scan.refuses_some(granted);
        let cookies = scan.into_cookies();
        if refuses {
            self.refused_request_cookies(&cookies, classifier, granted, path, Action::Filter);
        }
        (cookies, refuses)
    }

    /// Logs the `Set-Cookie` headers stripping would drop and, when the response would
    /// purge (`purging`), the request cookies it would delete. Changes nothing.
    pub(crate) fn response(
        &self,
        headers: &HeaderMap,
        cookies: &RequestCookies,
        classifier: &Classifier,
        granted: CategorySet,
        path: &str,
        purging: bool,
    ) {
        for value in headers.get_all(SET_COOKIE) {
            if let Some(Some((name, class))) = refused(value, path, classifier, granted) {
                // A nameless cookie's "name" is its value: never logged.
                let nameless = set_cookie_is_nameless(value.as_bytes());
                let shown = if nameless { &[][..] } else { name };
                self.log(
                    classifier.category_key(class.category),
                    shown,
                    Action::Strip,
                    path,
                );
            }
        }
        if purging {
            self.refused_request_cookies(cookies, classifier, granted, path, Action::Purge);
        }
    }

    fn refused_request_cookies(
        &self,
        cookies: &RequestCookies,
        classifier: &Classifier,
        granted: CategorySet,
        path: &str,
        action: Action,
    ) {
        for value in cookies.iter() {
            for pair in cookie_pairs(value.as_bytes()) {
                let class = classifier.classify(pair.name);
                if !pair.name.is_empty() && !is_granted(class, granted) {
                    // A bare pair is a nameless cookie's value: never logged.
                    let shown = if pair.bare { &[][..] } else { pair.name };
                    self.log(classifier.category_key(class.category), shown, action, path);
                }
            }
        }
    }

    fn log(&self, category: &str, name: &[u8], action: Action, path: &str) {
        if self.logged.first_time((action, name, path)) {
            tracing::warn!(
                target: "tower_consent::report_only",
                cookie = %String::from_utf8_lossy(name),
                category,
                action = action.as_str(),
                path,
                "report-only: the consent layer would have acted on this cookie"
            );
        }
    }
}
