//! Counters through the [`metrics`](https://docs.rs/metrics) facade (feature `metrics`).
//!
//! Every counter the layer moves is incremented here, by one function per event, called
//! from the few places the event happens. Without the feature the functions are empty
//! and inlined away. With it, each is one `counter!` call, made only when the layer acts
//! (a cookie filtered, a `Set-Cookie` stripped, …): a request the layer lets through
//! untouched moves no counter.
//!
//! | Counter | Labels | Counts |
//! | --- | --- | --- |
//! | `tower_consent_request_cookies_filtered_total` | | cookies removed from `Cookie` headers |
//! | `tower_consent_set_cookies_stripped_total` | | `Set-Cookie` headers removed from responses |
//! | `tower_consent_purges_total` | `category` | refused cookies deleted from the browser (once per cookie, whatever the number of scopes) |
//! | `tower_consent_decisions_total` | `action`, `source` | choices recorded (`accept_all`, `reject_all`, `custom`, `withdraw`; `banner`, `api`, `gpc`) |
//! | `tower_consent_gpc_overrides_total` | | requests on which `Sec-GPC: 1` overrode a marketing opt-in |
//! | `tower_consent_endpoint_errors_total` | `code` | error answers of the consent endpoints, by their JSON `code` |

use crate::Source;

/// Counts one request cookie that was not forwarded unless `kept`; returns `kept`.
#[inline]
pub(crate) fn request_cookie(kept: bool) -> bool {
    #[cfg(feature = "metrics")]
    if !kept {
        counters::request_cookie_filtered();
    }
    kept
}

/// Counts one `Set-Cookie` header that was stripped unless `kept`; returns `kept`.
#[inline]
pub(crate) fn set_cookie(kept: bool) -> bool {
    #[cfg(feature = "metrics")]
    if !kept {
        counters::set_cookie_stripped();
    }
    kept
}

/// Counts one refused cookie deleted from the browser.
#[inline]
pub(crate) fn purge_sent(category: &'static str) {
    #[cfg(feature = "metrics")]
    counters::purge_sent(category);
    #[cfg(not(feature = "metrics"))]
    let _ = category;
}

/// Counts one recorded choice; `source` is `None` when the choice could not be recorded.
#[inline]
pub(crate) fn decision_recorded(action: &'static str, source: Option<Source>) {
    #[cfg(feature = "metrics")]
    if let Some(source) = source {
        counters::decision_recorded(action, source);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (action, source);
}

/// Counts one request on which Global Privacy Control overrode a marketing opt-in.
#[inline]
pub(crate) fn gpc_override() {
    #[cfg(feature = "metrics")]
    counters::gpc_override();
}

/// Counts one error answer of the consent endpoints.
#[inline]
pub(crate) fn endpoint_error(code: &'static str) {
    #[cfg(feature = "metrics")]
    counters::endpoint_error(code);
    #[cfg(not(feature = "metrics"))]
    let _ = code;
}

/// The `counter!` calls, out of line and cold, so that the functions above inline to a
/// branch and leave the code around their callers as it is without the feature.
#[cfg(feature = "metrics")]
mod counters {
    use ::metrics::counter;

    use crate::Source;

    #[cold]
    #[inline(never)]
    pub(super) fn request_cookie_filtered() {
        counter!("tower_consent_request_cookies_filtered_total").increment(1);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn set_cookie_stripped() {
        counter!("tower_consent_set_cookies_stripped_total").increment(1);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn purge_sent(category: &'static str) {
        counter!("tower_consent_purges_total", "category" => category).increment(1);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn decision_recorded(action: &'static str, source: Source) {
        counter!(
            "tower_consent_decisions_total",
            "action" => action,
            "source" => source.as_str()
        )
        .increment(1);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn gpc_override() {
        counter!("tower_consent_gpc_overrides_total").increment(1);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn endpoint_error(code: &'static str) {
        counter!("tower_consent_endpoint_errors_total", "code" => code).increment(1);
    }
}
