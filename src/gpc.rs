//! Global Privacy Control: the `Sec-GPC` request header and `/.well-known/gpc.json`.
//!
//! `Sec-GPC: 1` is an opt-out of the sale and sharing of personal data. The layer
//! treats it as a refusal of [`Category::Marketing`](crate::Category::Marketing) that
//! wins over an earlier opt-in, unless the visitor granted marketing explicitly while
//! the signal was being sent.

use http::{HeaderMap, HeaderName};

use crate::consent::{Decision, Source};

/// The index of the marketing category in every configuration.
const MARKETING: u8 = 3;

/// Whether the request carries the GPC signal: `Sec-GPC` present, and every such header
/// exactly `1`.
pub(crate) fn signal(headers: &HeaderMap) -> bool {
    const SEC_GPC: HeaderName = HeaderName::from_static("sec-gpc");
    let mut values = headers.get_all(SEC_GPC).iter().peekable();
    values.peek().is_some() && values.all(|value| value.as_bytes() == b"1")
}

/// The decision GPC turns `decision` into on a request that sends the signal: marketing
/// refused, recorded as coming from GPC. `None` when GPC changes nothing (no decision,
/// marketing not granted, or granted explicitly while GPC was sent). The clock is read
/// only when GPC changes something.
pub(crate) fn override_decision(
    decision: Option<&Decision>,
    now: impl FnOnce() -> u64,
) -> Option<Decision> {
    let decision = decision?;
    if decision.gpc || !decision.granted.contains(MARKETING) {
        return None;
    }
    Some(Decision {
        granted: decision.granted.without(MARKETING),
        decided_at: now(),
        source: Source::Gpc,
        gpc: true,
        ..*decision
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
    use crate::category::CategorySet;
    use crate::consent::ConsentId;
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

    #[test]
    fn gpc_refuses_marketing_unless_granted_under_gpc() {
        let decision = Decision {
            granted: CategorySet::NECESSARY.with(2).with(MARKETING),
            revision: 1,
            decided_at: 10,
            id: ConsentId::random().unwrap(),
            source: Source::Banner,
            gpc: false,
        };
        let overridden = override_decision(Some(&decision), || 20).unwrap();
        assert_eq!(overridden.granted, CategorySet::NECESSARY.with(2));
        assert_eq!(overridden.source, Source::Gpc);
        assert_eq!((overridden.id, overridden.decided_at), (decision.id, 20));
        assert!(overridden.gpc);
        assert!(override_decision(Some(&overridden), || 30).is_none());
        let explicit = Decision {
            gpc: true,
            ..decision
        };
        assert!(override_decision(Some(&explicit), || 30).is_none());
        assert!(override_decision(None, || 30).is_none());
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
