//! What one transaction of the writer task holds: at most [`MAX_BATCH`] records and the
//! distinct wordings they name.

use std::sync::Arc;

use super::Wording;

/// The most records written in one transaction.
pub(crate) const MAX_BATCH: usize = 512;

/// The wordings of a batch, each once (a batch names a handful: one per banner language
/// and policy revision).
pub(crate) fn distinct_wordings<'a>(
    wordings: impl IntoIterator<Item = &'a Arc<Wording>>,
) -> Vec<Wording> {
    let mut distinct: Vec<Wording> = Vec::new();
    for wording in wordings {
        if !distinct.iter().any(|w| w.hash == wording.hash) {
            distinct.push(Wording::clone(wording));
        }
    }
    distinct
}
