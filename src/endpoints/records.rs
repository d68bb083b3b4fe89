//! `{prefix}/records`: the visitor's own ledger records (GDPR Art. 15, 17, 20).
//!
//! `GET` returns the history of the browser's verified consent id as JSON; `DELETE`
//! erases it and withdraws consent under a fresh consent id, so nothing links the new
//! cookie to the erased records. Both need a verified consent cookie (`404` without
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
    let id = consent.id().ok_or_else(no_consent)?;
    let store = ledger.ledger.clone();
    if reading {
        return Ok(Respond::Later(Box::pin(async move {
            match store.export(&Who::Consent(id)).await {
                Ok(export) => {
                    let json = serde_json::json!({
                        "consent_id": id.to_string(),
                        "records": export.records,
                        "wordings": export.wordings,
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

fn no_consent() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no_consent",
        "this browser has no valid consent cookie, so no records",
    )
}
