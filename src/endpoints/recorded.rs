//! The answers of endpoint requests whose decision the ledger records: they wait for a
//! grant's commit, or go at once for a refusal.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Problem;
use crate::consent::Decision;
use crate::ledger::Recording;

/// An endpoint's answer that waits for the ledger, and the decision to record with it.
pub(crate) type Work = Pin<Box<dyn Future<Output = (Response<Bytes>, Option<Decision>)> + Send>>;

/// An endpoint's answer: now, or once the ledger answered.
pub(crate) enum Respond {
    Now(Response<Bytes>, Option<Decision>),
    Later(Work),
}

/// The endpoint's answer carrying `decision` once `recording` is done: as it is for a
/// refusal; for a grant once committed, else `503` without the decision.
pub(super) async fn answer_when_recorded(
    recording: Recording,
    response: Response<Bytes>,
    decision: Decision,
) -> (Response<Bytes>, Option<Decision>) {
    match recording {
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

/// `503`: the ledger could not record a grant, so it was not applied.
pub(crate) fn unavailable() -> Response<Bytes> {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ledger_unavailable",
        "the choice could not be recorded, so it was not applied; try again",
    )
    .into_response()
}
