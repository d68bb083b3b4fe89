//! `{prefix}/records`: the visitor's own ledger records (GDPR Art. 15, 17, 20).
//!
//! `GET` returns the history of the browser's consent id as JSON, a page at a time:
//! [`PAGE_SIZE`] records (or `?limit=`, at most [`MAX_PAGE_SIZE`]), oldest first, the
//! wordings they name, and a `next` link (`?after=` a position) while more follow.
//! `DELETE` withdraws consent and erases the history: the withdrawal is a refusal, so it
//! is applied whatever the store does; it is made under a fresh consent id once the
//! records are erased (nothing links the new cookie to them), under the browser's id
//! with a `503` if they cannot be erased now (the visitor can try again).
//!
//! Both need a consent cookie that verifies, of any policy revision and even expired
//! (its id names the browser; `404` without one), and refuse cross-site requests
//! (`403`): reading by `Sec-Fetch-Site`, deleting by the same check as every changing
//! endpoint.

use http::request::Parts;
use http::{Method, StatusCode};

use super::problem::Problem;
use super::recorded::{answer_when_recorded, unavailable, Respond};
use super::{forbidden, json};
use crate::consent::{unix_now, Decision};
use crate::ledger::{Action, LedgerConfig, RecordSource, Who};
use crate::request_state::RequestState;
use crate::same_origin::Refusal;
use crate::Choice;

/// The records of one answer unless `?limit=` asks for fewer (or more).
pub(crate) const PAGE_SIZE: usize = 100;
/// The most records one answer holds, whatever `?limit=` says: about 300 KB with the
/// longest page paths and user agents a record keeps.
pub(crate) const MAX_PAGE_SIZE: usize = 500;

/// Answers `GET`, `HEAD` and `DELETE` on `{prefix}/records`.
pub(crate) fn answer(parts: &Parts, state: &RequestState, ledger: &LedgerConfig) -> Respond {
    match respond(parts, state, ledger) {
        Ok(respond) => respond,
        Err(problem) => Respond::Now(problem.into_response(), None),
    }
}

fn respond(parts: &Parts, state: &RequestState, ledger: &LedgerConfig) -> Result<Respond, Problem> {
    let consent = state.consent();
    let context = consent.context();
    let reading = parts.method == Method::GET || parts.method == Method::HEAD;
    if reading {
        if let Some(b"cross-site" | b"same-site") =
            parts.headers.get("sec-fetch-site").map(|v| v.as_bytes())
        {
            return Err(forbidden(Refusal::FetchedFromAnotherSite));
        }
    } else if parts.method == Method::DELETE {
        state.same_origin().map_err(forbidden)?;
    } else {
        return Err(Problem::method_not_allowed("GET, HEAD, DELETE"));
    }
    let id = consent.browser_id().ok_or_else(no_consent)?;
    ledger
        .admit(state.client())
        .map_err(|limited| Problem::rate_limited(limited.retry_after))?;
    let store = ledger.ledger.clone();
    if reading {
        let (after, limit) = page_query(parts)?;
        let records_path = format!("{}/records", context.banner.prefix());
        return Ok(Respond::Later(Box::pin(async move {
            let page = store.history_page(&Who::Consent(id), after, limit).await;
            let read = match page {
                Ok(page) => store
                    .wordings_of(&page.records)
                    .await
                    .map(|wordings| (page, wordings)),
                Err(error) => Err(error),
            };
            match read {
                Ok((page, wordings)) => {
                    let next = page
                        .next
                        .map(|after| format!("{records_path}?after={after}&limit={limit}"));
                    let json = serde_json::json!({
                        "consent_id": id.to_string(),
                        "records": page.records,
                        "wordings": wordings,
                        "next": next,
                    });
                    (json::answer(StatusCode::OK, json.to_string()), None)
                }
                Err(error) => {
                    tracing::warn!(%error, %id, "reading a visitor's ledger records failed");
                    (unavailable(), None)
                }
            }
        })));
    }
    // The withdrawal is a refusal: applied whatever the store does. Once the records
    // are erased it is made under a fresh id, so that nothing links the new cookie to
    // them; if they cannot be erased now (or no fresh id can be drawn), under the
    // browser's id, so that the visitor can try again with it.
    let withdraw = |id| {
        Choice::withdraw().decide(
            &context.categories,
            &context.defaults,
            consent.regime(),
            context.cookie.revision(),
            id,
            consent.gpc(),
            unix_now(),
        )
    };
    let capture = ledger.capture(&context.banner, &parts.headers, &parts.extensions);
    let capture = (capture.language, capture.opted_in.as_deref());
    let entry = |decision: Decision| {
        let entry = ledger.entry(
            consent,
            &decision,
            Action::Withdraw,
            RecordSource::Api,
            None,
            capture,
        );
        (decision, entry)
    };
    let (kept, kept_entry) = withdraw(Some(id)).map(entry).ok_or_else(no_randomness)?;
    let fresh = withdraw(None).map(entry);
    Ok(Respond::Later(Box::pin(async move {
        let Some((fresh, fresh_entry)) = fresh else {
            let recording = kept_entry.write(&store);
            return answer_when_recorded(recording, no_randomness().into_response(), kept).await;
        };
        match store.erase(&Who::Consent(id)).await {
            Ok(erased) => {
                let json = serde_json::json!({
                    "erased": erased,
                    "consent_id": fresh.id.to_string(),
                });
                let response = json::answer(StatusCode::OK, json.to_string());
                answer_when_recorded(fresh_entry.write(&store), response, fresh).await
            }
            Err(error) => {
                tracing::warn!(%error, %id, "erasing a visitor's ledger records failed; consent withdrawn");
                let response = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ledger_unavailable",
                    "consent was withdrawn, but the records could not be erased now; try again",
                )
                .into_response();
                answer_when_recorded(kept_entry.write(&store), response, kept).await
            }
        }
    })))
}

fn no_randomness() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "no_randomness",
        "the server could not draw a consent id; try again",
    )
}

/// The page a `GET` asks for: `?after=` (a position a `next` link gave) and `?limit=`
/// (1 to [`MAX_PAGE_SIZE`], default [`PAGE_SIZE`]).
fn page_query(parts: &Parts) -> Result<(Option<u64>, usize), Problem> {
    let mut after = None;
    let mut limit = None;
    let pairs = parts
        .uri
        .query()
        .map(|query| form_urlencoded::parse(query.as_bytes()));
    for (name, value) in pairs.into_iter().flatten() {
        match &*name {
            "after" if after.is_none() => {
                after = Some(value.parse::<u64>().map_err(|_| {
                    Problem::bad_request("`after` is the position a `next` link gives")
                })?);
            }
            "limit" if limit.is_none() => {
                let parsed = value
                    .parse::<usize>()
                    .ok()
                    .filter(|limit| (1..=MAX_PAGE_SIZE).contains(limit));
                limit = Some(parsed.ok_or_else(|| {
                    Problem::bad_request(format!(
                        "`limit` is a number of records from 1 to {MAX_PAGE_SIZE}"
                    ))
                })?);
            }
            _ => {}
        }
    }
    Ok((after, limit.unwrap_or(PAGE_SIZE)))
}

fn no_consent() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no_consent",
        "this browser has no valid consent cookie, so no records",
    )
}
