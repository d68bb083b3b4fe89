//! What a decision's ledger record holds from the request, and the one rule for
//! whether the decision waits for it.
//!
//! Every decision the layer records (an endpoint's choice, a handler's
//! [`Choice`](crate::Choice), the layer's GPC decision, the withdrawal of an erasure)
//! becomes an [`Entry`] here, and [`Entry::write`] treats it by the one rule of
//! [`Consent::is_refusal`]: a refusal is applied at once and recorded as soon as the
//! store can take it; a grant is applied only once its record is committed. The HTTP
//! side (the endpoints' answers, a handler's choice) is `endpoints::ledger`.

use std::net::IpAddr;
use std::sync::Arc;

use http::header::{ACCEPT_LANGUAGE, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use time::OffsetDateTime;

use super::fleet::Fleet;
use super::limit::{Client, ClientKey, Limited};
use super::record::{truncate, truncate_ip, MAX_PAGE, MAX_USER_AGENT};
use super::writer::Pending;
use super::{Action, ClientIp, Ledger, LedgerError, Record, RecordSource, Wording};
use crate::banner::BannerConfig;
use crate::classify::Classifier;
use crate::consent::Decision;
use crate::Consent;

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

/// The ledger settings of a layer, fixed at build time.
#[derive(Debug)]
pub(crate) struct LedgerConfig {
    pub(crate) ledger: Ledger,
    /// The housekeeping task: sharing sightings with the fleet, the limiter's memory.
    fleet: Fleet,
    user_agent: bool,
    ip: bool,
    /// The wording of each banner language, in the endpoints' language order.
    wordings: Vec<Arc<Wording>>,
}

/// What a record needs from the request, taken before the app gets it: the banner
/// language (an index of the endpoints' languages), and what the operator opted into
/// (boxed, so that the response future of every request stays small, and allocated only
/// when opted in).
#[derive(Debug)]
pub(crate) struct Capture {
    pub(crate) language: u16,
    pub(crate) opted_in: Option<Box<OptedIn>>,
    /// Who the request counts against for the rate limit.
    pub(crate) client: ClientKey,
}

/// The user agent and the address, when the operator keeps them.
#[derive(Debug)]
pub(crate) struct OptedIn {
    user_agent: Option<HeaderValue>,
    ip: Option<IpAddr>,
}

impl LedgerConfig {
    /// The ledger settings of a layer whose classifier is `classifier`; starts the
    /// housekeeping task if built on a tokio runtime (else on the first request that
    /// reaches the ledger, or the first page answered).
    pub(crate) fn new(
        ledger: Ledger,
        user_agent: bool,
        ip: bool,
        wordings: Vec<Arc<Wording>>,
        classifier: &Classifier,
    ) -> Self {
        let (sightings, undeclared) = classifier.observed();
        let fleet = Fleet::new(
            ledger.store().clone(),
            sightings,
            undeclared,
            ledger.limiter(),
        );
        fleet.start();
        Self {
            fleet,
            ledger,
            user_agent,
            ip,
            wordings,
        }
    }

    /// What a record of this request would need.
    pub(crate) fn capture(
        &self,
        banner: &BannerConfig,
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
        let language = banner.language(headers.get(ACCEPT_LANGUAGE));
        Capture {
            // Banner languages are a handful; an impossible overflow names the default.
            language: u16::try_from(language).unwrap_or(u16::MAX),
            opted_in,
            client: Client::of(extensions).key(),
        }
    }

    /// Starts the housekeeping task if it does not run yet: one atomic load once it
    /// runs.
    #[inline]
    pub(crate) fn start_housekeeping(&self) {
        self.fleet.start();
    }

    /// Takes a token from `client`'s bucket of the ledger's rate limit, if it has one:
    /// the one check every request that writes to the ledger, or reads it for a
    /// visitor, passes first.
    pub(crate) fn admit(&self, client: ClientKey) -> Result<(), Limited> {
        match self.ledger.limiter() {
            Some(limiter) => limiter.admit_client(client),
            None => Ok(()),
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
        let categories = &consent.context().categories;
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
