//! Global Privacy Control: the `Sec-GPC` request header and `/.well-known/gpc.json`.
//!
//! `Sec-GPC: 1` is an opt-out of the sale and sharing of personal data. The layer
//! treats it as a refusal of the sale/share categories
//! ([`Category::Marketing`](crate::Category::Marketing) unless the app says otherwise)
//! that wins over an earlier opt-in, unless the visitor granted them explicitly while
//! the signal was being sent. In an opt-out region, where those categories are on by
//! default, the first request with the signal records that refusal.

use http::{HeaderMap, HeaderName};

use crate::category::CategorySet;
use crate::consent::{ConsentId, Decision, Source};

/// Whether the request carries the GPC signal: `Sec-GPC` present, and every such header
/// exactly `1`.
pub(crate) fn signal(headers: &HeaderMap) -> bool {
    const SEC_GPC: HeaderName = HeaderName::from_static("sec-gpc");
    let mut values = headers.get_all(SEC_GPC).iter().peekable();
    values.peek().is_some() && values.all(|value| value.as_bytes() == b"1")
}

/// What GPC finds on a request that sends the signal.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found<'a> {
    /// The decision in force, if any.
    pub(crate) decision: Option<&'a Decision>,
    /// What is granted on the request without GPC (decision and regime defaults).
    pub(crate) granted: CategorySet,
    /// The categories GPC refuses.
    pub(crate) sale_share: CategorySet,
    /// The browser's consent id, also that of a decision no longer in force.
    pub(crate) browser_id: Option<ConsentId>,
    /// The policy revision in force.
    pub(crate) revision: u32,
}

/// The decision GPC turns the request's consent into: the sale/share categories
/// refused, recorded as coming from GPC. `None` when GPC changes nothing (none of them
/// granted, or granted explicitly while GPC was sent), or when a new decision needs an
/// id and the system has no randomness. The clock is read only when GPC changes
/// something.
pub(crate) fn override_decision(found: Found<'_>, now: impl FnOnce() -> u64) -> Option<Decision> {
    if found.granted.intersection(found.sale_share).is_empty() {
        return None;
    }
    if let Some(decision) = found.decision {
        if decision.gpc && found.sale_share.is_subset(decision.decided) {
            return None;
        }
    }
    let (granted, decided, id, revision) = match found.decision {
        Some(d) => (d.granted, d.decided, d.id, d.revision),
        None => (
            CategorySet::NECESSARY,
            CategorySet::EMPTY,
            match found.browser_id {
                Some(id) => id,
                None => ConsentId::random()?,
            },
            found.revision,
        ),
    };
    Some(Decision {
        granted: granted.difference(found.sale_share),
        decided: decided.union(found.sale_share),
        revision,
        decided_at: now(),
        id,
        source: Source::Gpc,
        gpc: true,
    })
}

/// The body of `/.well-known/gpc.json`.
pub(crate) fn well_known_json(last_update: Option<&str>) -> String {
    match last_update {
        Some(date) => format!(r#"{{"gpc": true, "lastUpdate": "{date}"}}"#),
        None => r#"{"gpc": true}"#.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn only_an_exact_one_is_a_signal() {
        let with = |values: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append("sec-gpc", HeaderValue::from_static(value));
            }
            signal(&headers)
        };
        assert!(with(&["1"]));
        assert!(with(&["1", "1"]));
        assert!(!with(&[]));
        for value in ["0", " 1", "1 ", "true", "01", ""] {
            assert!(!with(&[value]), "{value:?}");
        }
        assert!(!with(&["1", "0"]));
    }

    fn marketing() -> CategorySet {
        CategorySet::EMPTY.with(3)
    }

    fn found(decision: Option<&Decision>, granted: CategorySet) -> Found<'_> {
        Found {
            decision,
            granted,
            sale_share: marketing(),
            browser_id: None,
            revision: 7,
        }
    }

    #[test]
    fn gpc_refuses_marketing_unless_granted_under_gpc() {
        let all = CategorySet::first(4);
        let decision = Decision {
            granted: CategorySet::NECESSARY.with(2).with(3),
            decided: all,
            revision: 1,
            decided_at: 10,
            id: ConsentId::random().unwrap(),
            source: Source::Banner,
            gpc: false,
        };
        let overridden =
            override_decision(found(Some(&decision), decision.granted), || 20).unwrap();
        assert_eq!(overridden.granted, CategorySet::NECESSARY.with(2));
        assert_eq!(overridden.decided, all);
        assert_eq!(overridden.source, Source::Gpc);
        assert_eq!((overridden.id, overridden.decided_at), (decision.id, 20));
        assert!(overridden.gpc);
        assert!(override_decision(found(Some(&overridden), overridden.granted), || 30).is_none());
        let explicit = Decision {
            gpc: true,
            ..decision
        };
        assert!(override_decision(found(Some(&explicit), explicit.granted), || 30).is_none());
        assert!(override_decision(found(None, CategorySet::NECESSARY), || 30).is_none());
    }

    #[test]
    fn gpc_refuses_an_opt_out_default_on_the_first_request() {
        // No decision, and the regime grants everything by default.
        let first = override_decision(found(None, CategorySet::first(4)), || 40).unwrap();
        assert_eq!(first.granted, CategorySet::NECESSARY);
        assert_eq!(first.decided, marketing(), "only sale/share is decided");
        assert_eq!((first.revision, first.decided_at), (7, 40));
        assert_eq!(first.source, Source::Gpc);
        // Once recorded, the signal finds nothing left to refuse.
        let after = CategorySet::first(4).difference(marketing());
        assert!(override_decision(found(Some(&first), after), || 50).is_none());
        // A browser keeps its id.
        let id = ConsentId::random().unwrap();
        let again = Found {
            browser_id: Some(id),
            ..found(None, CategorySet::first(4))
        };
        assert_eq!(override_decision(again, || 60).unwrap().id, id);
    }

    #[test]
    fn well_known_document() {
        assert_eq!(well_known_json(None), r#"{"gpc": true}"#);
        assert_eq!(
            well_known_json(Some("2026-11-24")),
            r#"{"gpc": true, "lastUpdate": "2026-11-24"}"#
        );
    }
}
