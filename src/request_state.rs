//! [`RequestState`]: what the response side of the data path needs to know about the
//! request, carried from [`ConsentService::call`](crate::ConsentService) to the response
//! future and the endpoints.

use http::header::SET_COOKIE;
use http::Response;

use crate::consent::{unix_now, Choice, Consent, Decision};
use crate::gate::{self, RequestCookies};

/// What the response side needs to know about the request.
#[derive(Debug)]
pub(crate) struct RequestState {
    consent: Consent,
    cookies: RequestCookies,
    /// Whether the request carried cookies that were not forwarded.
    filtered: bool,
    /// Whether the consent's decision was made by the layer on this request (GPC
    /// overriding an opt-in) and must be recorded even if nobody makes a choice.
    record_pending: bool,
    /// The banner language of a ledger record of a handler's choice (an index of the
    /// endpoints' languages): fits beside the flags above.
    #[cfg(feature = "ledger")]
    language: u16,
    /// What else the record keeps, if the operator opted in.
    #[cfg(feature = "ledger")]
    opted_in: Option<Box<crate::ledger::respond::OptedIn>>,
}

impl RequestState {
    pub(crate) fn new(
        consent: Consent,
        cookies: RequestCookies,
        filtered: bool,
        record_pending: bool,
    ) -> Self {
        Self {
            consent,
            cookies,
            filtered,
            record_pending,
            #[cfg(feature = "ledger")]
            language: 0,
            #[cfg(feature = "ledger")]
            opted_in: None,
        }
    }

    /// Keeps what a ledger record of this request needs.
    #[cfg(feature = "ledger")]
    pub(crate) fn set_capture(&mut self, capture: crate::ledger::respond::Capture) {
        self.language = capture.language;
        self.opted_in = capture.opted_in;
    }

    #[cfg(feature = "ledger")]
    pub(crate) fn capture(&self) -> (u16, Option<&crate::ledger::respond::OptedIn>) {
        (self.language, self.opted_in.as_deref())
    }

    /// Takes the GPC decision the layer made on this request, so that it is recorded
    /// (in the ledger first) by whoever took it, and [`finish`](Self::finish) does not
    /// record it again.
    #[cfg(feature = "ledger")]
    pub(crate) fn take_pending(&mut self) -> Option<Decision> {
        let pending = self.consent.decision().filter(|_| self.record_pending);
        let pending = pending.copied();
        self.record_pending = false;
        pending
    }

    pub(crate) fn consent(&self) -> &Consent {
        &self.consent
    }

    /// Turns a choice made on this request into the decision to record. Every choice,
    /// from a handler or an endpoint, is decided here.
    pub(crate) fn decide(&self, choice: &Choice) -> Option<Decision> {
        let config = self.consent.config();
        let decision = choice.decide(
            &config.categories,
            config.cookie.revision(),
            self.consent.decision(),
            self.consent.gpc(),
            unix_now(),
        );
        match &decision {
            Some(decision) => tracing::debug!(
                id = %decision.id,
                source = decision.source.as_str(),
                withdrawal = choice.is_withdrawal(),
                "consent recorded"
            ),
            None => tracing::error!("no randomness for a consent id; the choice was not recorded"),
        }
        decision
    }

    /// Enforces consent on the response. `decided` is a decision an endpoint made;
    /// otherwise a [`Choice`] the handler put into the response extensions is decided,
    /// otherwise a pending GPC decision is recorded. Then `Set-Cookie` is stripped by
    /// the consent in force, refused request cookies are purged, the consent cookie is
    /// set if a decision was made, and `Vary: Cookie` is added.
    pub(crate) fn finish<B>(self, response: &mut Response<B>, decided: Option<Decision>) {
        let chosen = response.extensions_mut().remove::<Choice>();
        let recorded = decided
            .or_else(|| chosen.and_then(|choice| self.decide(&choice)))
            .or_else(|| {
                let pending = self.consent.decision().filter(|_| self.record_pending);
                pending.copied()
            });
        let config = self.consent.config();
        let granted = recorded.map_or(self.consent.granted_set(), |d| d.granted);
        let headers = response.headers_mut();
        gate::strip_set_cookies(headers, &config.classifier, granted);
        if self.filtered || recorded.is_some() {
            gate::purge(
                headers,
                &self.cookies,
                &config.classifier,
                &config.deletions,
                granted,
            );
        }
        if let Some(decision) = &recorded {
            headers.append(
                SET_COOKIE,
                config.cookie.encode(decision, &config.categories),
            );
        }
        gate::vary_on_cookie(headers);
    }
}
