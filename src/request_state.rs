//! [`RequestState`]: what the response side of the data path needs to know about the
//! request, carried from [`ConsentService::call`](crate::ConsentService) to the response
//! future and the endpoints.

use http::header::SET_COOKIE;
use http::uri::PathAndQuery;
use http::Response;

use crate::caching;
use crate::consent::{unix_now, Choice, Consent, Decision};
use crate::gate::{self, Gate, RequestCookies};
use crate::same_origin::{Refusal, Verdict};

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
    /// Whether the request may record a choice.
    origin: Verdict,
    /// The banner language of a ledger record of a handler's choice (an index of the
    /// endpoints' languages): fits beside the flags above.
    #[cfg(feature = "ledger")]
    language: u16,
    /// What else the record keeps, if the operator opted in.
    #[cfg(feature = "ledger")]
    opted_in: Option<Box<crate::ledger::OptedIn>>,
    /// Who the request counts against for the ledger's rate limit (4 bytes: the room
    /// this struct had spare).
    #[cfg(feature = "ledger")]
    client: crate::ledger::ClientKey,
    /// What the HTML gate needs, when it is on and the app answers. Boxed: the
    /// response future of every request carries this state.
    #[cfg(feature = "html")]
    html: Option<Box<crate::html::HtmlRequest>>,
}

/// Why a choice made on a request was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotRecorded {
    /// The request did not come from a page of this site.
    CrossSite(Refusal),
    /// The operating system gave no randomness for a consent id.
    NoRandomness,
}

impl RequestState {
    pub(crate) fn new(
        consent: Consent,
        cookies: RequestCookies,
        filtered: bool,
        record_pending: bool,
        origin: Verdict,
    ) -> Self {
        Self {
            consent,
            cookies,
            filtered,
            record_pending,
            origin,
            #[cfg(feature = "ledger")]
            language: 0,
            #[cfg(feature = "ledger")]
            opted_in: None,
            #[cfg(feature = "ledger")]
            client: crate::ledger::ClientKey::UNKNOWN,
            #[cfg(feature = "html")]
            html: None,
        }
    }

    /// The request's path, without the query.
    pub(crate) fn path(&self) -> &str {
        self.consent.page().map_or("/", PathAndQuery::path)
    }

    /// Keeps what a ledger record of this request needs.
    #[cfg(feature = "ledger")]
    pub(crate) fn set_capture(&mut self, capture: crate::ledger::Capture) {
        self.language = capture.language;
        self.opted_in = capture.opted_in;
        self.client = capture.client;
    }

    /// Keeps who an endpoint request counts against for the ledger's rate limit.
    #[cfg(feature = "ledger")]
    pub(crate) fn set_client(&mut self, client: crate::ledger::ClientKey) {
        self.client = client;
    }

    /// Who the request counts against for the ledger's rate limit.
    #[cfg(feature = "ledger")]
    pub(crate) fn client(&self) -> crate::ledger::ClientKey {
        self.client
    }

    #[cfg(feature = "ledger")]
    pub(crate) fn capture(&self) -> (u16, Option<&crate::ledger::OptedIn>) {
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

    /// Whether this request may record a choice (see [`crate::same_origin`]).
    pub(crate) fn same_origin(&self) -> Verdict {
        self.origin
    }

    /// Records nothing the layer decided by itself (a pending GPC decision) on this
    /// response: for answers that must change nothing, such as errors and static assets.
    pub(crate) fn discard_pending(&mut self) {
        self.record_pending = false;
    }

    /// Turns a choice made on this request into the decision to record. Every choice,
    /// from a handler or an endpoint, is decided here, and only for a request that
    /// passes the same-origin check.
    pub(crate) fn decide(&self, choice: &Choice) -> Result<Decision, NotRecorded> {
        self.same_origin().map_err(NotRecorded::CrossSite)?;
        let context = self.consent.context();
        let decision = choice.decide(
            &context.categories,
            &context.defaults,
            self.consent.regime(),
            context.cookie.revision(),
            self.consent.browser_id(),
            self.consent.gpc(),
            unix_now(),
        );
        crate::metrics::decision_recorded(
            choice.action(),
            decision.as_ref().map(|d| d.source),
            self.consent.regime(),
        );
        match &decision {
            Some(decision) => tracing::debug!(
                id = %decision.id,
                source = decision.source.as_str(),
                regime = self.consent.regime().as_str(),
                withdrawal = choice.is_withdrawal(),
                "consent recorded"
            ),
            None => tracing::error!("no randomness for a consent id; the choice was not recorded"),
        }
        decision.ok_or(NotRecorded::NoRandomness)
    }

    /// Decides a [`Choice`] a handler returned; a refused one is logged, once per route.
    pub(crate) fn decide_handler_choice(&self, choice: &Choice) -> Option<Decision> {
        match self.decide(choice) {
            Ok(decision) => Some(decision),
            Err(NotRecorded::CrossSite(reason)) => {
                let path = self.path();
                let routes = &self.consent.context().refused_choice_routes;
                if routes.first_time(path.as_bytes()) {
                    tracing::warn!(
                        path,
                        reason = reason.as_str(),
                        "a handler's Choice was not recorded: the request did not come from \
                         a page of this site. Record choices from same-origin requests (a \
                         form or fetch on your own pages), or allow the page's origin with \
                         ConsentLayerBuilder::allowed_origin"
                    );
                }
                None
            }
            Err(NotRecorded::NoRandomness) => None,
        }
    }

    /// Enforces consent on the response. `decided` is a decision an endpoint made;
    /// otherwise a [`Choice`] the handler put into the response extensions is decided,
    /// otherwise a pending GPC decision is recorded. Then `Set-Cookie` is stripped by
    /// the consent in force, refused request cookies are purged (in report-only mode
    /// both are only logged), the consent cookie is set if a decision was made, a
    /// response carrying cookies of the layer's own is kept out of shared caches, and
    /// `vary` (the layer's `Vary` line: `cookie`, and the region source's headers) is
    /// added, all by `gate`. Returns the consent in force for the
    /// response (a decision it records included).
    pub(crate) fn finish<B>(
        self,
        response: &mut Response<B>,
        decided: Option<Decision>,
        gate: &Gate,
        vary: &http::HeaderValue,
    ) -> Consent {
        let chosen = response.extensions_mut().remove::<Choice>();
        let recorded = decided
            .or_else(|| chosen.and_then(|choice| self.decide_handler_choice(&choice)))
            .or_else(|| {
                let pending = self.consent.decision().filter(|_| self.record_pending);
                pending.copied()
            });
        let context = self.consent.context();
        let granted = recorded.map_or(self.consent.granted_set(), |d| {
            self.consent.granted_with(&d)
        });
        let headers = response.headers_mut();
        let purging = self.filtered || recorded.is_some();
        let mut own_cookies = false;
        // The visitor's consent decided a `Set-Cookie` of the app's.
        let mut consented = false;
        match &gate.report_only {
            Some(report) => {
                let path = self.path();
                report.response(
                    headers,
                    &self.cookies,
                    &gate.classifier,
                    granted,
                    path,
                    purging,
                );
            }
            None => {
                consented =
                    gate::strip_set_cookies(headers, self.path(), &gate.classifier, granted);
                if purging {
                    own_cookies = gate::purge(
                        headers,
                        &self.cookies,
                        &gate.classifier,
                        &gate.purge,
                        granted,
                    ) > 0;
                }
            }
        }
        if let Some(decision) = &recorded {
            headers.append(
                SET_COOKIE,
                context.cookie.encode(decision, &context.categories),
            );
            own_cookies = true;
        }
        if own_cookies {
            caching::keep_out_of_shared_caches(headers, "no-store");
        } else if consented {
            caching::keep_out_of_shared_caches(headers, "private");
        }
        caching::vary_on(headers, vary);
        match recorded {
            Some(decision) => self.consent.with_decision(decision),
            None => self.consent,
        }
    }
}
#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    /// Every request's response future carries its state, and moves it a few times:
    /// up to 256 bytes a move is a few vector copies, beyond it memcpy's loop (+30
    /// instructions a move; issue 25 measured +4% on the smallest request when the
    /// regime's 8 bytes crossed the line).
    #[test]
    fn the_request_state_fits_in_256_bytes() {
        assert!(std::mem::size_of::<super::RequestState>() <= 256);
        assert!(std::mem::size_of::<crate::consent::Consent>() <= 120);
    }
}
