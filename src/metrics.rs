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
//! | `tower_consent_ledger_refusals_unrecorded_total` | | refusals applied without a ledger record: the retry buffer was full, or the writer task was not running |
//! | `tower_consent_ledger_rate_limited_total` | | requests refused (`429`, or a handler's `Choice` not applied) because their client was over the ledger's rate limit |
//! | `tower_consent_html_unreadable_total` | `reason` | pages the HTML gate could not read and did not send (`coding`, `xhtml`) |

use crate::{Regime, Source};

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

/// Counts one page the HTML gate could not read (and did not send).
#[cfg(feature = "html")]
#[inline]
pub(crate) fn html_unreadable(reason: &'static str) {
    #[cfg(feature = "metrics")]
    counters::html_unreadable(reason);
    #[cfg(not(feature = "metrics"))]
    let _ = reason;
}

/// Counts one recorded choice; `source` is `None` when the choice could not be recorded.
#[inline]
pub(crate) fn decision_recorded(action: &'static str, source: Option<Source>, regime: Regime) {
    #[cfg(feature = "metrics")]
    if let Some(source) = source {
        counters::decision_recorded(action, source, regime);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (action, source, regime);
}

/// Counts one request on which Global Privacy Control overrode a marketing opt-in.
#[inline]
pub(crate) fn gpc_override() {
    #[cfg(feature = "metrics")]
    counters::gpc_override();
}

/// Counts one refusal applied without a ledger record.
#[cfg(feature = "ledger")]
#[inline]
pub(crate) fn refusal_unrecorded() {
    #[cfg(feature = "metrics")]
    counters::refusal_unrecorded();
}

/// Counts one request refused by the ledger's rate limit.
#[cfg(feature = "ledger")]
#[inline]
pub(crate) fn rate_limited() {
    #[cfg(feature = "metrics")]
    counters::rate_limited();
}

/// Counts one error answer of the consent endpoints.
#[inline]
pub(crate) fn endpoint_error(code: &'static str) {
    #[cfg(feature = "metrics")]
    counters::endpoint_error(code);
    #[cfg(not(feature = "metrics"))]
    let _ = code;
}

/// The counter increments, out of line and cold, so that the functions above inline to a
/// branch and leave the code around their callers as it is without the feature.
///
/// Keys are statics: `counter!` with a label builds its key in a new `Vec` on every
/// call, even with no recorder installed; a static key costs no allocation. Only a
/// label value outside the known set (a custom category's key, say) builds its key.
#[cfg(feature = "metrics")]
mod counters {
    use ::metrics::{Key, Label, Level, Metadata};

    use crate::{Regime, Source};

    const FILTERED: &str = "tower_consent_request_cookies_filtered_total";
    const STRIPPED: &str = "tower_consent_set_cookies_stripped_total";
    const PURGES: &str = "tower_consent_purges_total";
    const DECISIONS: &str = "tower_consent_decisions_total";
    const GPC_OVERRIDES: &str = "tower_consent_gpc_overrides_total";
    const ENDPOINT_ERRORS: &str = "tower_consent_endpoint_errors_total";
    #[cfg(feature = "ledger")]
    const REFUSALS_UNRECORDED: &str = "tower_consent_ledger_refusals_unrecorded_total";
    #[cfg(feature = "ledger")]
    const RATE_LIMITED: &str = "tower_consent_ledger_rate_limited_total";
    #[cfg(feature = "html")]
    const HTML_UNREADABLE: &str = "tower_consent_html_unreadable_total";

    /// A constant key: the counter's name and its labels.
    macro_rules! key {
        ($name:expr $(, $label:literal => $value:literal)*) => {{
            static LABELS: &[Label] = &[$(Label::from_static_parts($label, $value)),*];
            static KEY: Key = Key::from_static_parts($name, LABELS);
            &KEY
        }};
    }

    /// Adds one to the counter `key` of the installed recorder.
    fn increment(key: &Key) {
        static METADATA: Metadata<'static> =
            Metadata::new(module_path!(), Level::INFO, Some(module_path!()));
        ::metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA).increment(1));
    }

    #[cold]
    #[inline(never)]
    pub(super) fn request_cookie_filtered() {
        increment(key!(FILTERED));
    }

    #[cfg(feature = "html")]
    #[cold]
    #[inline(never)]
    pub(super) fn html_unreadable(reason: &'static str) {
        increment(&Key::from_parts(
            HTML_UNREADABLE,
            vec![Label::from_static_parts("reason", reason)],
        ));
    }

    #[cold]
    #[inline(never)]
    pub(super) fn set_cookie_stripped() {
        increment(key!(STRIPPED));
    }

    #[cold]
    #[inline(never)]
    pub(super) fn purge_sent(category: &'static str) {
        match category {
            "preferences" => increment(key!(PURGES, "category" => "preferences")),
            "analytics" => increment(key!(PURGES, "category" => "analytics")),
            "marketing" => increment(key!(PURGES, "category" => "marketing")),
            "unknown" => increment(key!(PURGES, "category" => "unknown")),
            custom => increment(&Key::from_parts(
                PURGES,
                vec![Label::from_static_parts("category", custom)],
            )),
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn decision_recorded(action: &'static str, source: Source, regime: Regime) {
        macro_rules! by_regime {
            ($action:literal, $source:literal) => {
                match regime {
                    Regime::OptIn => increment(key!(DECISIONS,
                        "action" => $action, "source" => $source, "regime" => "opt_in")),
                    Regime::OptOut => increment(key!(DECISIONS,
                        "action" => $action, "source" => $source, "regime" => "opt_out")),
                    Regime::NoticeOnly => increment(key!(DECISIONS,
                        "action" => $action, "source" => $source, "regime" => "notice_only")),
                }
            };
        }
        macro_rules! by_source {
            ($action:literal) => {
                match source {
                    Source::Banner => by_regime!($action, "banner"),
                    Source::Api => by_regime!($action, "api"),
                    Source::Gpc => by_regime!($action, "gpc"),
                }
            };
        }
        match action {
            "accept_all" => by_source!("accept_all"),
            "reject_all" => by_source!("reject_all"),
            "withdraw" => by_source!("withdraw"),
            "custom" => by_source!("custom"),
            "do_not_sell" => by_source!("do_not_sell"),
            other => increment(&Key::from_parts(
                DECISIONS,
                vec![
                    Label::from_static_parts("action", other),
                    Label::from_static_parts("source", source.as_str()),
                    Label::from_static_parts("regime", regime.as_str()),
                ],
            )),
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn gpc_override() {
        increment(key!(GPC_OVERRIDES));
    }

    #[cfg(feature = "ledger")]
    #[cold]
    #[inline(never)]
    pub(super) fn refusal_unrecorded() {
        increment(key!(REFUSALS_UNRECORDED));
    }

    #[cfg(feature = "ledger")]
    #[cold]
    #[inline(never)]
    pub(super) fn rate_limited() {
        increment(key!(RATE_LIMITED));
    }

    #[cold]
    #[inline(never)]
    pub(super) fn endpoint_error(code: &'static str) {
        macro_rules! codes {
            ($($code:literal),*) => {
                match code {
                    $($code => increment(key!(ENDPOINT_ERRORS, "code" => $code)),)*
                    other => increment(&Key::from_parts(
                        ENDPOINT_ERRORS,
                        vec![Label::from_static_parts("code", other)],
                    )),
                }
            };
        }
        codes!(
            "bad_request",
            "cross_site_request",
            "forbidden",
            "method_not_allowed",
            "no_randomness",
            "not_found",
            "payload_too_large",
            "rate_limited",
            "unsupported_media_type"
        );
    }
}
