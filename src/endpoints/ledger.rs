//! Where the HTTP side of the data path meets the ledger: the endpoints' answers that
//! record a decision (asynchronously when a grant waits for its commit), the visitor's
//! records, and a handler's [`Choice`](crate::Choice) recorded on its response. What a
//! record holds and when a decision waits is the ledger's own rule
//! ([`ledger::entry`](crate::ledger)).

use std::future::Future;
use std::pin::Pin;

use http::header::REFERER;
use http::request::Parts;
use http::Response;

use super::recorded::answer_when_recorded;
pub(crate) use super::recorded::Respond;
use super::{BodyRead, Endpoint, Settings};
use crate::consent::Decision;
use crate::ledger::{Action, LedgerConfig, RecordSource, Recording};
use crate::request_state::RequestState;

/// A handler response's ledger write: `true` once committed, `false` if it failed.
pub(crate) type Committed = Pin<Box<dyn Future<Output = bool> + Send>>;

/// What a handler's response records.
pub(crate) enum Handled {
    /// A refusal: finish the response with the decision now.
    Applied(Decision),
    /// A grant: finish the response with the decision once `Committed` says `true`,
    /// without it otherwise.
    Waiting(Decision, Committed),
}

/// The path part of a `Referer` (`https://host/path?q` → `/path?q`).
fn referer_path(parts: &Parts) -> Option<&str> {
    let referer = parts.headers.get(REFERER)?.to_str().ok()?;
    let rest = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    rest.find('/').map(|slash| &rest[slash..])
}

/// Answers an endpoint request; a grant it makes is recorded before the answer, a
/// refusal applied at once.
pub(crate) fn endpoint(
    endpoint: Endpoint,
    parts: &Parts,
    body: BodyRead<'_>,
    state: &mut RequestState,
    settings: Settings<'_>,
) -> Respond {
    let Some(ledger) = settings.ledger else {
        let (response, recorded) = super::answer(endpoint, parts, body, state, settings);
        return Respond::Now(response, recorded.map(|(decision, _)| decision));
    };
    ledger.start_housekeeping();
    if endpoint == Endpoint::Records {
        // A GPC decision the layer made on this request is applied to the answer but
        // not set as a cookie: it is made, and recorded, again on the next page.
        let _ = state.take_pending();
        return super::records::answer(parts, state, ledger);
    }
    let (response, recorded) = super::answer(endpoint, parts, body, state, settings);
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
            (decision, Action::of(request.choice.kind()), source, page)
        }
        // The layer's GPC decision is recorded under the rate limit too; over it, it
        // applies to this answer only, and is made again on the next request.
        (None, Some(decision)) if ledger.admit(state.client()).is_ok() => {
            (decision, Action::Gpc, RecordSource::Gpc, None)
        }
        (None, _) => return Respond::Now(response, None),
    };
    let consent = state.consent();
    let banner = &consent.context().banner;
    let capture = ledger.capture(banner, &parts.headers, &parts.extensions);
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
        waiting => Respond::Later(Box::pin(answer_when_recorded(waiting, response, decision))),
    }
}

/// Takes the decision a handler's response records (its `Choice`, or the layer's GPC
/// decision) and hands its record to `ledger`; `None` without a decision.
pub(crate) fn response<B>(
    state: &mut RequestState,
    response: &mut Response<B>,
    ledger: &LedgerConfig,
) -> Option<Handled> {
    ledger.start_housekeeping();
    let chosen = response.extensions_mut().remove::<crate::Choice>();
    let pending = state.take_pending();
    // Over the rate limit a handler's choice is not applied: the response goes out
    // without the consent cookie, as when a grant cannot be recorded. A choice from
    // another site takes no token (it is refused, and logged, by the decision itself):
    // otherwise any page could spend a visitor's limit by making the browser post.
    let decided = chosen.and_then(|choice| {
        if state.same_origin().is_ok() {
            ledger.admit(state.client()).ok()?;
        }
        let decision = state.decide_handler_choice(&choice)?;
        Some((decision, Action::of(choice.kind()), RecordSource::Handler))
    });
    let (decision, action, source) = decided.or_else(|| {
        // Under the rate limit like every write; over it, the GPC decision applies to
        // this response only.
        let pending = pending.filter(|_| ledger.admit(state.client()).is_ok())?;
        Some((pending, Action::Gpc, RecordSource::Gpc))
    })?;
    let consent = state.consent();
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
