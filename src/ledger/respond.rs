//! Where the data path meets the ledger: what a decision's record holds from the
//! request, whether the decision waits for it, and the asynchronous answers of requests
//! that record one.
//!
//! Every decision the layer records (an endpoint's choice, a handler's
//! [`Choice`](crate::Choice), the layer's GPC decision, the withdrawal of an erasure)
//! becomes an [`Entry`] here, and [`Entry::write`] treats it by the one rule of
//! [`Consent::is_refusal`]: a refusal is applied at once and recorded as soon as the
//! store can take it; a grant is applied only once its record is committed.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{ACCEPT_LANGUAGE, REFERER, USER_AGENT};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use time::OffsetDateTime;

use super::record::{truncate, truncate_ip, MAX_PAGE, MAX_USER_AGENT};
use super::writer::Pending;
use super::{Action, ClientIp, Ledger, LedgerError, Record, RecordSource, Wording};
use crate::consent::Decision;
use crate::endpoints::{self, BodyRead, Endpoint, Endpoints, Problem};
use crate::request_state::RequestState;
use crate::Consent;

/// An endpoint's answer that waits for the ledger, and the decision to record with it.
pub(crate) type Work = Pin<Box<dyn Future<Output = (Response<Bytes>, Option<Decision>)> + Send>>;

/// A handler response's ledger write: `true` once committed, `false` if it failed.
pub(crate) type Committed = Pin<Box<dyn Future<Output = bool> + Send>>;

/// A decision's record, and whether the decision is a refusal.
pub(crate) struct Entry {
    record: Result<(Record, Arc<Wording>), LedgerError>,
    refusal: bool,
}

/// How a decision reaches the ledger.
pub(crate) enum Recording {
    /// A refusal: applied now; its record is written as soon as the store can.
    Applied,
    /// A grant: applied only once this resolves `Ok` (committed).
    Waiting(Pending),
}

impl Entry {
    /// Hands the record to `ledger`: a refusal's to the retry buffer, never waiting; a
    /// grant's to the writer's queue, to wait for its commit.
    pub(crate) fn write(self, ledger: &Ledger) -> Recording {
        match (self.record, self.refusal) {
            (Ok((record, wording)), true) => {
                ledger.defer(record, wording);
                Recording::Applied
            }
            (Ok((record, wording)), false) => Recording::Waiting(ledger.submit(record, wording)),
            (Err(error), true) => {
                tracing::error!(%error, "a refusal could not be recorded; it is applied");
                Recording::Applied
            }
            (Err(error), false) => Recording::Waiting(Pending::failed(error)),
        }
    }
}

impl Recording {
    /// The endpoint's answer carrying `decision`: as it is for a refusal; for a grant
    /// once committed, else `503` without the decision.
    pub(crate) async fn answer(
        self,
        response: Response<Bytes>,
        decision: Decision,
    ) -> (Response<Bytes>, Option<Decision>) {
        match self {
            Recording::Applied => (response, Some(decision)),
            Recording::Waiting(write) => match write.await {
                Ok(()) => (response, Some(decision)),
                Err(error) => {
                    tracing::warn!(%error, id = %decision.id, "a grant not recorded in the ledger, so not applied");
                    (unavailable(), None)
                }
            },
        }
    }
}

/// What a handler's response records.
pub(crate) enum Handled {
    /// A refusal: finish the response with the decision now.
    Applied(Decision),
    /// A grant: finish the response with the decision once `Committed` says `true`,
    /// without it otherwise.
    Waiting(Decision, Committed),
}

/// An endpoint's answer: now, or once the ledger answered.
pub(crate) enum Respond {
    Now(Response<Bytes>, Option<Decision>),
    Later(Work),
}

/// The ledger settings of a layer, fixed at build time.
#[derive(Debug)]
pub(crate) struct LedgerConfig {
    pub(crate) ledger: Ledger,
    user_agent: bool,
    ip: bool,
    /// The wording of each banner language, in the endpoints' language order.
    wordings: Vec<Arc<Wording>>,
}

/// What a record needs from the request, taken before the app gets it: the banner
/// language (an index of the endpoints' languages), and what the operator opted into
/// (boxed, so that the response future of every request stays small, and allocated only
/// when opted in).
#[derive(Debug, Default)]
pub(crate) struct Capture {
    pub(crate) language: u16,
    pub(crate) opted_in: Option<Box<OptedIn>>,
}

/// The user agent and the address, when the operator keeps them.
#[derive(Debug)]
pub(crate) struct OptedIn {
    user_agent: Option<HeaderValue>,
    ip: Option<IpAddr>,
}

impl LedgerConfig {
    pub(crate) fn new(
        ledger: Ledger,
        user_agent: bool,
        ip: bool,
        wordings: Vec<Arc<Wording>>,
    ) -> Self {
        Self {
            ledger,
            user_agent,
            ip,
            wordings,
        }
    }

    /// What a record of this request would need.
    pub(crate) fn capture(
        &self,
        endpoints: &Endpoints,
        headers: &HeaderMap,
        extensions: &http::Extensions,
    ) -> Capture {
        let opted_in = (self.user_agent || self.ip).then(|| {
            Box::new(OptedIn {
                user_agent: if self.user_agent {
                    headers.get(USER_AGENT).cloned()
                } else {
                    None
                },
                ip: if self.ip {
                    extensions.get::<ClientIp>().map(|ip| ip.0)
                } else {
                    None
                },
            })
        });
        let language = endpoints.language(headers.get(ACCEPT_LANGUAGE));
        Capture {
            // Banner languages are a handful; an impossible overflow names the default.
            language: u16::try_from(language).unwrap_or(u16::MAX),
            opted_in,
        }
    }

    /// The entry of `decision`, made on a request whose consent in force is `consent`.
    pub(crate) fn entry(
        &self,
        consent: &Consent,
        decision: &Decision,
        action: Action,
        source: RecordSource,
        page: Option<&str>,
        capture: (u16, Option<&OptedIn>),
    ) -> Entry {
        Entry {
            record: self.record(consent, decision, action, source, page, capture),
            refusal: consent.is_refusal(decision),
        }
    }

    /// The record of `decision` and the wording it was made on.
    fn record(
        &self,
        consent: &Consent,
        decision: &Decision,
        action: Action,
        source: RecordSource,
        page: Option<&str>,
        (language, opted_in): (u16, Option<&OptedIn>),
    ) -> Result<(Record, Arc<Wording>), LedgerError> {
        let language = usize::from(language);
        let Some(wording) = self
            .wordings
            .get(language)
            .or_else(|| self.wordings.first())
        else {
            return Err(LedgerError::Corrupt(format!(
                "no wording for banner language {language}"
            )));
        };
        let recorded_at = i64::try_from(decision.decided_at)
            .ok()
            .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
            .unwrap_or_else(OffsetDateTime::now_utc);
        let categories = &consent.config().categories;
        let record = Record {
            consent_id: decision.id,
            recorded_at,
            revision: decision.revision,
            // What is in force: the decision, and the regime's defaults for what it
            // leaves undecided.
            granted: consent
                .granted_with(decision)
                .iter()
                .filter_map(|index| categories.category(index))
                .map(|category| category.key().to_owned())
                .collect(),
            action,
            source,
            language: wording.language.clone(),
            wording: wording.hash.clone(),
            page: page
                .and_then(|page| page.split(['?', '#']).next())
                .filter(|path| path.starts_with('/'))
                .map(|path| truncate(path, MAX_PAGE).to_owned()),
            gpc: decision.gpc,
            regime: consent.regime(),
            region: consent.region(),
            user_agent: opted_in.and_then(|o| o.user_agent.as_ref()).map(|agent| {
                truncate(&String::from_utf8_lossy(agent.as_bytes()), MAX_USER_AGENT).to_owned()
            }),
            ip: opted_in.and_then(|o| o.ip).map(truncate_ip),
        };
        Ok((record, wording.clone()))
    }
}

/// The path part of a `Referer` (`https://host/path?q` → `/path?q`).
fn referer_path(parts: &Parts) -> Option<&str> {
    let referer = parts.headers.get(REFERER)?.to_str().ok()?;
    let rest = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    rest.find('/').map(|slash| &rest[slash..])
}

/// `503`: the ledger could not record a grant, so it was not applied.
pub(crate) fn unavailable() -> Response<Bytes> {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ledger_unavailable",
        "the choice could not be recorded, so it was not applied; try again",
    )
    .into_response()
}

/// Answers an endpoint request; a grant it makes is recorded before the answer, a
/// refusal applied at once.
pub(crate) fn endpoint(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    state: &mut RequestState,
) -> Respond {
    if state.consent().config().ledger.is_none() {
        let (response, recorded) = endpoints::answer(endpoint, parts, body, state);
        return Respond::Now(response, recorded.map(|(decision, _)| decision));
    }
    if endpoint == Endpoint::Records {
        // A GPC decision the layer made on this request is applied to the answer but
        // not set as a cookie: it is made, and recorded, again on the next page.
        let _ = state.take_pending();
        return endpoints::records::answer(parts, state);
    }
    let (response, recorded) = endpoints::answer(endpoint, parts, body, state);
    // A GPC decision the layer made is superseded by a choice, or recorded with the
    // answer.
    let pending = state.take_pending();
    let (decision, action, source, page) = match (recorded, pending) {
        (Some((decision, request)), _) => {
            let source = match (&request.return_to, decision.source) {
                (Some(_), _) => RecordSource::BannerForm,
                (None, crate::Source::Banner) => RecordSource::BannerJs,
                (None, _) => RecordSource::Api,
            };
            let page = request
                .return_to
                .clone()
                .or_else(|| referer_path(parts).map(str::to_owned));
            (decision, request.choice.ledger_action(), source, page)
        }
        (None, Some(decision)) => (decision, Action::Gpc, RecordSource::Gpc, None),
        (None, None) => return Respond::Now(response, None),
    };
    let consent = state.consent();
    let config = consent.config();
    let Some(ledger) = config.ledger.as_ref() else {
        return Respond::Now(response, Some(decision));
    };
    let capture = ledger.capture(&config.endpoints, &parts.headers, &parts.extensions);
    let entry = ledger.entry(
        consent,
        &decision,
        action,
        source,
        page.as_deref(),
        (capture.language, capture.opted_in.as_deref()),
    );
    match entry.write(&ledger.ledger) {
        Recording::Applied => Respond::Now(response, Some(decision)),
        waiting => Respond::Later(Box::pin(waiting.answer(response, decision))),
    }
}

/// Takes the decision a handler's response records (its `Choice`, or the layer's GPC
/// decision) and hands its record to the ledger; `None` without a ledger or a decision.
pub(crate) fn response<B>(state: &mut RequestState, response: &mut Response<B>) -> Option<Handled> {
    state.consent().config().ledger.as_ref()?;
    let chosen = response.extensions_mut().remove::<crate::Choice>();
    let pending = state.take_pending();
    let decided = chosen.and_then(|choice| {
        let decision = state.decide_handler_choice(&choice)?;
        Some((decision, choice.ledger_action(), RecordSource::Handler))
    });
    let (decision, action, source) =
        decided.or_else(|| pending.map(|d| (d, Action::Gpc, RecordSource::Gpc)))?;
    let consent = state.consent();
    let ledger = consent.config().ledger.as_ref()?;
    let page = Some(state.path());
    let entry = ledger.entry(consent, &decision, action, source, page, state.capture());
    let write = match entry.write(&ledger.ledger) {
        Recording::Applied => return Some(Handled::Applied(decision)),
        Recording::Waiting(write) => write,
    };
    let id = decision.id;
    Some(Handled::Waiting(
        decision,
        Box::pin(async move {
            match write.await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, %id, "a grant not recorded in the ledger, so not applied");
                    false
                }
            }
        }),
    ))
}
