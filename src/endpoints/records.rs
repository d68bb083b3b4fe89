//! `{prefix}/records`: the visitor's own ledger records (GDPR Art. 15, 17, 20).
//!
//! `GET` returns the history of the browser's verified consent id as JSON, a page at a
//! time: [`PAGE_SIZE`] records (or `?limit=`, at most [`MAX_PAGE_SIZE`]), oldest first,
//! the wordings they name, and a `next` link while more follow (`?after=` a position
//! the link gives); `DELETE`
//! erases it and withdraws consent under a fresh consent id, so nothing links the new
//! cookie to the erased records. Both need a consent cookie that verifies, of any
//! policy revision and even expired (its id names the browser; `404` without
//! one) and refuse cross-site requests (`403`): reading by `Sec-Fetch-Site`, deleting
//! by the same check as every changing endpoint.

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response, StatusCode};

use super::problem::Problem;
use super::{forbidden, json};
use crate::consent::unix_now;
use crate::ledger::respond::{unavailable, Respond};
use crate::ledger::{Action, RecordSource, Who};
use crate::request_state::RequestState;
use crate::Choice;

/// The records of one answer unless `?limit=` asks for fewer (or more).
pub(crate) const PAGE_SIZE: usize = 100;
/// The most records one answer holds, whatever `?limit=` says: about 300 KB with the
/// longest page paths and user agents a record keeps.
pub(crate) const MAX_PAGE_SIZE: usize = 500;

/// Answers `GET`, `HEAD` and `DELETE` on `{prefix}/records`.
pub(crate) fn answer(parts: &Parts, state: &RequestState) -> Respond {
    match respond(parts, state) {
        Ok(respond) => respond,
        Err(problem) => Respond::Now(problem.into_response(), None),
    }
}

fn respond(parts: &Parts, state: &RequestState) -> Result<Respond, Problem> {
    let consent = state.consent();
    let config = consent.config();
    let Some(ledger) = config.ledger.as_ref() else {
        return Err(Problem::not_found());
    };
    let reading = parts.method == Method::GET || parts.method == Method::HEAD;
    if reading {
        if let Some(b"cross-site" | b"same-site") =
            parts.headers.get("sec-fetch-site").map(|v| v.as_bytes())
        {
            return Err(forbidden("the request comes from another site"));
        }
    } else if parts.method == Method::DELETE {
        state.same_origin().map_err(forbidden)?;
    } else {
        return Err(Problem::method_not_allowed("GET, HEAD, DELETE"));
    }
    let id = consent.browser_id().ok_or_else(no_consent)?;
    let store = ledger.ledger.clone();
    if reading {
        let (after, limit) = page_query(parts)?;
        let records_path = format!("{}/records", config.endpoints.prefix());
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
    // The withdrawal is recorded first, under a fresh id: if erasing then fails, the
    // visitor keeps their consent and their records, and can try again.
    let withdrawal = Choice::withdraw()
        .decide(
            &config.categories,
            config.cookie.revision(),
            None,
            consent.gpc(),
            unix_now(),
        )
        .ok_or_else(|| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "no_randomness",
                "the server could not draw a consent id; try again",
            )
        })?;
    let capture = ledger.capture(&config.endpoints, &parts.headers, &parts.extensions);
    let write = ledger.submit(
        config,
        &withdrawal,
        Action::Withdraw,
        RecordSource::Api,
        None,
        (capture.language, capture.opted_in.as_deref()),
    );
    Ok(Respond::Later(Box::pin(async move {
        if let Err(error) = write.await {
            tracing::warn!(%error, %id, "recording a withdrawal failed; nothing erased");
            return (unavailable(), None);
        }
        match store.erase(&Who::Consent(id)).await {
            Ok(erased) => {
                let json = serde_json::json!({
                    "erased": erased,
                    "consent_id": withdrawal.id.to_string(),
                });
                let response: Response<Bytes> = json::answer(StatusCode::OK, json.to_string());
                (response, Some(withdrawal))
            }
            Err(error) => {
                tracing::warn!(%error, %id, "erasing a visitor's ledger records failed");
                (unavailable(), None)
            }
        }
    })))
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
