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
    /// What the HTML gate needs, when it is on and the app answers. Boxed: the
    /// response future of every request carries this state.
    #[cfg(feature = "html")]
    html: Option<Box<crate::html::HtmlRequest>>,
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
            #[cfg(feature = "html")]
            html: None,
        }
    }

    /// Carries what the HTML gate needs to the response.
    #[cfg(feature = "html")]
    pub(crate) fn with_html(mut self, html: crate::html::HtmlRequest) -> Self {
        self.html = Some(Box::new(html));
        self
    }

    /// Takes what the HTML gate needs, if it is on.
    #[cfg(feature = "html")]
    pub(crate) fn take_html(&mut self) -> Option<crate::html::HtmlRequest> {
        self.html.take().map(|html| *html)
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
    /// set if a decision was made, and `Vary: Cookie` is added. Returns the consent in
    /// force for the response (a decision it records included).
    pub(crate) fn finish<B>(
        self,
        response: &mut Response<B>,
        decided: Option<Decision>,
    ) -> Consent {
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
        match recorded {
            Some(decision) => self.consent.with_decision(decision),
            None => self.consent,
        }
    }
}
