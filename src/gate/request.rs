//! The request side: one pass over the `Cookie` headers, and filtering them.

use std::cmp::Reverse;

use bytes::Bytes;
use http::header::{COOKIE, HOST};
use http::{HeaderMap, HeaderValue, Uri};

use super::cookies::{is_granted, RequestCookies};
use crate::category::{Categories, CategorySet, NECESSARY_INDEX};
use crate::classify::{Classifier, Seen, Unlisted, Witness};
use crate::consent::cookie::{ConsentCookie, Verified};
use crate::consent::{unix_now, ConsentId, Decision};
use crate::cookie_header::{cookie_pairs, filter_cookie_header, Filtered};

/// What one pass over a request's `Cookie` headers found.
#[derive(Debug)]
pub(crate) struct RequestScan {
    /// The most restrictive current decision among the consent cookies, if any.
    pub(crate) decision: Option<Decision>,
    /// Without a current decision, the newest decision no longer in force (another
    /// revision, expired) of a consent cookie that verified: its id names the browser.
    stale: Option<Decision>,
    cookies: RequestCookies,
    /// The categories of the cookies present.
    present: CategorySet,
    /// Whether a cookie matched no rule under [`Unknown::Block`](crate::Unknown::Block).
    blocked_present: bool,
}

impl RequestScan {
    /// Whether filtering under `granted` would remove a cookie.
    pub(super) fn refuses_some(&self, granted: CategorySet) -> bool {
        self.blocked_present || !self.present.is_subset(granted)
    }

    /// The browser's consent id: that of the decision in force, else that of a verified
    /// consent cookie no longer in force. New decisions keep it, so that access and
    /// erasure reach every record of the browser across policy revisions.
    pub(crate) fn browser_id(&self) -> Option<ConsentId> {
        self.decision.or(self.stale).map(|decision| decision.id)
    }

    /// The id of the newest verified consent cookie no longer in force, if any.
    pub(crate) fn stale_id(&self) -> Option<ConsentId> {
        self.stale.map(|decision| decision.id)
    }

    /// Keeps a verified consent cookie's decision: the most restrictive of those in
    /// force (the newest of those), else the newest of those that are not.
    fn read_consent_cookie(&mut self, verified: Option<Verified>) {
        let Some(Verified { decision, current }) = verified else {
            return;
        };
        let rank = |d: &Decision| (Reverse(d.granted.count()), d.decided_at);
        if current {
            if self
                .decision
                .is_none_or(|kept| rank(&kept) <= rank(&decision))
            {
                self.decision = Some(decision);
            }
        } else if self
            .stale
            .is_none_or(|kept| kept.decided_at <= decision.decided_at)
        {
            self.stale = Some(decision);
        }
    }

    /// The request's `Cookie` headers, as they arrived.
    pub(super) fn into_cookies(self) -> RequestCookies {
        self.cookies
    }
}

/// Reads the request's `Cookie` headers once: verifies the consent cookies and notes
/// which categories the other cookies belong to, so that filtering has nothing more to
/// do when every cookie present is granted. The clock is read only if there is a
/// consent cookie. Names no rule matches are counted for the report as seen on `path`;
/// catalog entries not listed in the declaration yet are reported as sent by the
/// browser of the consent id found (see [`crate::classify::Sightings`]).
///
/// Of several valid consent cookies (one the site set, another a sibling subdomain
/// planted with a `Domain` attribute, say), the one granting the fewest categories
/// counts, the newest of those: a planted cookie can refuse, never grant. A cookie
/// that verifies but is no longer in force (another revision, expired) grants nothing;
/// it still names the browser ([`RequestScan::browser_id`]).
pub(crate) fn scan_request(
    headers: &HeaderMap,
    uri: &Uri,
    path: &str,
    classifier: &Classifier,
    consent: &ConsentCookie,
    categories: &Categories,
) -> RequestScan {
    let mut scan = RequestScan {
        decision: None,
        stale: None,
        cookies: RequestCookies::default(),
        present: CategorySet::default(),
        blocked_present: false,
    };
    let mut now = None;
    let mut unlisted = Unlisted::default();
    for value in headers.get_all(COOKIE) {
        for pair in cookie_pairs(value.as_bytes()) {
            if pair.name == consent.name() && !pair.bare {
                // The consent cookie is a necessary cookie (an app rule made at build).
                scan.present = scan.present.with(NECESSARY_INDEX);
                let now = *now.get_or_insert_with(unix_now);
                scan.read_consent_cookie(consent.decode(pair.value, categories, now));
                continue;
            }
            let class = classifier.classify_seen(pair.name, Seen::request(path, pair.bare));
            if let Some(entry) = class.catalog_entry() {
                unlisted.note(classifier.sightings(), entry);
            }
            match class.category {
                Some(index) => scan.present = scan.present.with(index),
                None => scan.blocked_present = true,
            }
        }
        scan.cookies.push(value.clone());
    }
    // The catalog cookies a browser sends count for the declaration by its consent id.
    if !unlisted.is_empty() {
        let witness = scan.browser_id().map(|id| Witness::of(id.bytes()));
        classifier.sightings().sent_by_browser(&unlisted, witness);
    }
    if scan.cookies.first.is_some() {
        scan.cookies.host = match headers.get(HOST) {
            Some(host) => Some(host.clone()),
            None => uri
                .authority()
                .and_then(|a| HeaderValue::from_str(a.as_str()).ok()),
        };
    }
    scan
}

/// Removes cookies that `granted` does not cover from every `Cookie` header, keeping the
/// others byte for byte and dropping headers left empty. Returns the original headers
/// and whether anything was removed.
pub(crate) fn filter_request(
    headers: &mut HeaderMap,
    scan: RequestScan,
    classifier: &Classifier,
    granted: CategorySet,
) -> (RequestCookies, bool) {
    if !scan.refuses_some(granted) {
        return (scan.into_cookies(), false);
    }
    let originals = scan.into_cookies();
    let filter = |value: &HeaderValue| {
        filter_cookie_header(value.as_bytes(), |pair| {
            crate::metrics::request_cookie(is_granted(classifier.classify(pair.name), granted))
        })
    };
    // Each header is filtered once: nothing is rewritten until the first change.
    let first_change = originals
        .iter()
        .map(filter)
        .enumerate()
        .find(|(_, filtered)| *filtered != Filtered::Unchanged);
    let Some((changed_at, first)) = first_change else {
        return (originals, false);
    };
    headers.remove(COOKIE);
    let mut rest = originals.iter();
    for original in rest.by_ref().take(changed_at) {
        headers.append(COOKIE, original.clone());
    }
    if let Some(original) = rest.next() {
        append_filtered(headers, original, first);
    }
    for original in rest {
        append_filtered(headers, original, filter(original));
    }
    (originals, true)
}

/// Appends what is left of one `Cookie` header after filtering.
fn append_filtered(headers: &mut HeaderMap, original: &HeaderValue, filtered: Filtered) {
    match filtered {
        Filtered::Unchanged => {
            headers.append(COOKIE, original.clone());
        }
        Filtered::Rewritten(bytes) => {
            // Kept pairs are byte ranges of a valid header value, so this cannot fail;
            // the value takes over the buffer without a copy.
            if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from(bytes)) {
                headers.append(COOKIE, value);
            }
        }
        Filtered::Empty => {}
    }
}
