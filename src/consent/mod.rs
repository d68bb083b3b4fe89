//! The visitor's consent: what the layer read from the consent cookie, as handlers see it.

mod choice;
pub(crate) mod cookie;
mod decision;
mod defaults;
mod verified;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::uri::PathAndQuery;

pub use self::choice::Choice;
#[cfg(feature = "ledger")]
pub(crate) use self::choice::ChoiceKind;
use self::cookie::ConsentCookie;
pub(crate) use self::decision::{unix_now, Decision};
pub use self::decision::{ConsentId, InvalidConsentId, Source};
pub(crate) use self::defaults::RegimeDefaults;
use crate::banner::{AssetAttributes, BannerConfig, Notice, Visitor};
use crate::category::{Categories, CategoryIndex, CategorySet};
use crate::regime::InForce;
use crate::report_once::ReportOnce;
use crate::{Category, Regime, Region};

/// What every [`Consent`] of a layer shares: what it needs to answer questions about
/// the visitor's consent and to record a new choice, and nothing of the other stages.
#[derive(Debug)]
pub(crate) struct ConsentContext {
    pub(crate) categories: Categories,
    /// The consent cookie: its policy revision, and how decisions are written.
    pub(crate) cookie: ConsentCookie,
    /// Whether `Sec-GPC: 1` refuses the sale/share categories where no law makes it
    /// binding.
    pub(crate) honour_gpc: bool,
    /// What each regime grants before a decision, and the categories sold or shared.
    pub(crate) defaults: RegimeDefaults,
    /// The banner, as [`Consent::banner_html`] renders it.
    pub(crate) banner: BannerConfig,
    /// Routes whose handler returned a `Choice` that was not recorded because the
    /// request was cross-site: logged once each.
    pub(crate) refused_choice_routes: ReportOnce,
}

/// The consent state of one request, computed once by the layer from the signed consent
/// cookie.
///
/// The layer puts it into the request extensions, so plain tower services read it with
/// `request.extensions().get::<Consent>()`, and (with the `axum` feature) handlers take it
/// as an extractor. Without a verified, current consent cookie only necessary cookies
/// are allowed in opt-in regions, and every category in opt-out and notice-only ones
/// (see [`regime`](Self::regime)); a decision wins over those defaults for the
/// categories it decides.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, Consent};
///
/// async fn page(consent: Consent) -> String {
///     if consent.allows(Category::Analytics) {
///         "<script src=/analytics.js></script>".to_owned()
///     } else {
///         String::new()
///     }
/// }
/// ```
#[derive(Clone)]
pub struct Consent {
    /// What the consent cookie gave (one field: every request's future carries it).
    read: Read,
    granted: CategorySet,
    /// Whether the request sent `Sec-GPC: 1`.
    gpc: bool,
    /// The regime in force where the visitor is, and the region.
    in_force: InForce,
    /// The path and query the request was for, as the layer saw it (before any router
    /// stripped a prefix): where the banner's forms send the visitor back to.
    page: Option<PathAndQuery>,
    context: Arc<ConsentContext>,
}

/// What a request's consent cookie gave: a decision in force, or only the id of one
/// this server signed that is no longer in force (an earlier policy revision, expired:
/// see [`Consent::browser_id`]), or nothing.
#[derive(Clone, Copy, Debug)]
enum Read {
    Nothing,
    Decision(Decision),
    Stale(ConsentId),
}

impl Consent {
    /// `stale_id` is the id of a verified consent cookie no longer in force; the
    /// decision's own id wins over it.
    pub(crate) fn new(
        decision: Option<Decision>,
        stale_id: Option<ConsentId>,
        gpc: bool,
        page: Option<PathAndQuery>,
        in_force: InForce,
        context: Arc<ConsentContext>,
    ) -> Self {
        let granted = context
            .defaults
            .granted(in_force.regime, decision.map(|d| (d.granted, d.decided)));
        let read = match (decision, stale_id) {
            (Some(decision), _) => Read::Decision(decision),
            (None, Some(id)) => Read::Stale(id),
            (None, None) => Read::Nothing,
        };
        Self {
            read,
            granted,
            gpc,
            in_force,
            page,
            context,
        }
    }

    /// What `decision` grants on this request: its choices for what it decided, this
    /// request's regime defaults for the rest (see [`RegimeDefaults::granted`]).
    pub(crate) fn granted_with(&self, decision: &Decision) -> CategorySet {
        self.context.defaults.granted(
            self.in_force.regime,
            Some((decision.granted, decision.decided)),
        )
    }

    /// The consent regime in force for this visitor, chosen by their region (see
    /// [`ConsentLayerBuilder::region_source`](crate::ConsentLayerBuilder::region_source));
    /// the fallback, [`Regime::OptIn`] unless the app chose otherwise, without a region
    /// source.
    ///
    /// ```
    /// # use tower_consent::{Consent, Regime};
    /// fn opt_out(consent: &Consent) -> bool { consent.regime() == Regime::OptOut }
    /// ```
    pub fn regime(&self) -> Regime {
        self.in_force.regime
    }

    /// Where the visitor is, as the layer's region source says; `None` without a source
    /// or when the source does not know.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn region(consent: &Consent) -> String {
    ///     consent.region().map_or_else(|| "unknown".into(), |r| r.to_string())
    /// }
    /// ```
    pub fn region(&self) -> Option<Region> {
        self.in_force.region
    }

    /// The same request's consent after `decision` was recorded.
    pub(crate) fn with_decision(&self, decision: Decision) -> Self {
        Self::new(
            Some(decision),
            None,
            self.gpc,
            self.page.clone(),
            self.in_force,
            self.context.clone(),
        )
    }

    /// The path and query the request was for, as the layer saw it.
    pub(crate) fn page(&self) -> Option<&PathAndQuery> {
        self.page.as_ref()
    }

    pub(crate) fn decision(&self) -> Option<&Decision> {
        match &self.read {
            Read::Decision(decision) => Some(decision),
            Read::Stale(_) | Read::Nothing => None,
        }
    }

    /// What every consent of the layer shares.
    pub(crate) fn context(&self) -> &ConsentContext {
        &self.context
    }

    pub(crate) fn granted_set(&self) -> CategorySet {
        self.granted
    }

    /// Whether cookies of `category` may be used. Necessary is always allowed; a custom
    /// category the layer does not know is never allowed.
    ///
    /// ```
    /// # use tower_consent::{Category, Consent};
    /// fn track(consent: &Consent) -> bool {
    ///     consent.allows(Category::Analytics)
    /// }
    /// ```
    pub fn allows(&self, category: Category) -> bool {
        self.context
            .categories
            .index_of(category)
            .is_some_and(|index| self.granted.contains(index))
    }

    /// The allowed categories, necessary first.
    ///
    /// ```
    /// # use tower_consent::{Category, Consent};
    /// fn keys(consent: &Consent) -> Vec<&'static str> {
    ///     consent.granted().map(Category::key).collect()
    /// }
    /// ```
    pub fn granted(&self) -> impl Iterator<Item = Category> + '_ {
        self.granted
            .iter()
            .filter_map(|index: CategoryIndex| self.context.categories.category(index))
    }

    /// Whether the visitor made a choice that is still valid (signed, current revision,
    /// not expired). A refusal is a decision too.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn chose(consent: &Consent) -> bool { consent.decided() }
    /// ```
    pub fn decided(&self) -> bool {
        self.decision().is_some()
    }

    /// Whether the banner should be shown: there is no valid decision, or, in an opt-in
    /// region, the decision was made where another regime applied and leaves
    /// categories undecided ("Do Not Sell or Share", or a custom choice that kept an
    /// opt-out region's pre-ticked boxes): the visitor is asked for those here.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn show_banner(consent: &Consent) -> bool { consent.needs_banner() }
    /// ```
    pub fn needs_banner(&self) -> bool {
        match self.decision() {
            None => true,
            Some(decision) => {
                self.in_force.regime == Regime::OptIn
                    && !self.context.defaults.decides_all(decision.decided)
            }
        }
    }

    /// The cookie-policy revision the layer enforces; a decision always belongs to it.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn policy(consent: &Consent) -> u32 { consent.revision() }
    /// ```
    pub fn revision(&self) -> u32 {
        self.context.cookie.revision()
    }

    /// The random identifier of the decision, for the proof-of-consent record; `None`
    /// before a decision. It identifies a browser's choice, never a person.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn id(consent: &Consent) -> Option<String> { consent.id().map(|id| id.to_string()) }
    /// ```
    pub fn id(&self) -> Option<ConsentId> {
        self.decision().map(|d| d.id)
    }

    /// Whether `decision`, made on this request, is a refusal: it explicitly grants no
    /// category this consent's decision (the one in force on the request, a GPC
    /// override included) does not already grant explicitly. Rejecting all,
    /// withdrawing, a custom choice that only narrows, "Do Not Sell or Share", the
    /// layer's own GPC decision and the withdrawal that comes with an erasure are
    /// refusals; so is choosing again only what is granted already. A regime's
    /// defaults are no grant: "Accept all" in an opt-out region grants what the
    /// visitor then carries into every region, so it is a grant.
    ///
    /// The one rule for whether a decision may be applied before the ledger records it:
    /// refusing must never be harder than consenting, so refusals are applied at once
    /// whatever the store does, and grants only once committed.
    #[cfg(feature = "ledger")]
    pub(crate) fn is_refusal(&self, decision: &Decision) -> bool {
        let explicit = |d: &Decision| d.granted.intersection(d.decided);
        let before = self
            .decision()
            .map_or(CategorySet::NECESSARY, explicit)
            .union(CategorySet::NECESSARY);
        explicit(decision).is_subset(before)
    }

    /// The browser's consent id, even when its decision is no longer in force (an
    /// earlier policy revision, expired): what a new decision keeps, and what the
    /// visitor's records are found by. `None` without a consent cookie that verifies.
    pub(crate) fn browser_id(&self) -> Option<ConsentId> {
        match self.read {
            Read::Decision(decision) => Some(decision.id),
            Read::Stale(id) => Some(id),
            Read::Nothing => None,
        }
    }

    /// When the decision was made.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn when(consent: &Consent) -> Option<std::time::SystemTime> { consent.decided_at() }
    /// ```
    pub fn decided_at(&self) -> Option<SystemTime> {
        self.decision()
            .map(|d| UNIX_EPOCH + Duration::from_secs(d.decided_at))
    }

    /// Whether the request sent the Global Privacy Control signal (`Sec-GPC: 1`).
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn opted_out(consent: &Consent) -> bool { consent.gpc() }
    /// ```
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// Whether the sale/share categories are off because the layer honours this
    /// request's GPC signal (and the visitor did not grant them explicitly while sending
    /// it).
    pub(crate) fn gpc_applied(&self) -> bool {
        let sale_share = self.context.defaults.sale_share();
        let explicit_opt_in = self
            .decision()
            .is_some_and(|d| d.gpc && !self.granted.intersection(sale_share).is_empty());
        self.gpc && self.honours_gpc() && !explicit_opt_in
    }

    /// Whether the layer honours GPC on this request: the app chose to
    /// ([`honour_gpc`](crate::ConsentLayerBuilder::honour_gpc), the default), or the
    /// visitor's region's law makes the signal binding.
    pub(crate) fn honours_gpc(&self) -> bool {
        self.context.honour_gpc || self.in_force.gpc_binding
    }

    /// The consent banner for the page this request asks for, as an HTML fragment to
    /// put in the page's `<body>`: the dialog (open while there is no decision) and the
    /// permanent "Cookie settings" link. It works without JavaScript: its forms send the
    /// visitor back to the requested path (as the layer saw it, so also under nested
    /// routers). The language follows the request's `Accept-Language`. With axum, the
    /// [`ConsentBanner`](crate::ConsentBanner) extractor does this for you.
    ///
    /// ```
    /// # use tower_consent::Consent;
    /// fn page(consent: &Consent, request: &http::request::Parts) -> String {
    ///     format!("<main>…</main>{}", consent.banner_html(&request.headers))
    /// }
    /// ```
    pub fn banner_html(&self, headers: &http::HeaderMap) -> String {
        let banner = &self.context.banner;
        let language = banner.language(headers.get(http::header::ACCEPT_LANGUAGE));
        let return_to = self.page.as_ref().map_or("/", PathAndQuery::as_str);
        self.banner_in(language, return_to, false, AssetAttributes::default())
    }

    /// The banner for this consent in `language` (an index of the banner texts),
    /// sending form submissions back to `return_to`: a whole page when `page`,
    /// otherwise a fragment whose style sheet and script carry `assets`.
    pub(crate) fn banner_in(
        &self,
        language: usize,
        return_to: &str,
        page: bool,
        assets: AssetAttributes<'_>,
    ) -> String {
        let context = &self.context;
        context.banner.render(
            &context.categories,
            self.visitor(),
            language,
            return_to,
            page,
            assets,
        )
    }

    /// What the banner shows of this consent.
    fn visitor(&self) -> Visitor {
        Visitor {
            granted: self.granted,
            undecided: self.needs_banner(),
            withdraw: self.granted().any(|c| !c.is_necessary()),
            gpc_applied: self.gpc_applied(),
            identified: self.browser_id().is_some(),
            notice: self.notice(),
        }
    }

    /// The notice this consent's regime shows in place of the dialog: open while the
    /// visitor has not decided, and in an opt-out region also while the decision in
    /// force is the layer's own from the GPC signal, so that the visitor sees it was
    /// honoured.
    fn notice(&self) -> Option<Notice> {
        let open = !self.decided();
        match self.regime() {
            Regime::OptIn => None,
            Regime::OptOut => Some(Notice::OptOut {
                open: open || self.source() == Some(Source::Gpc),
            }),
            Regime::NoticeOnly => Some(Notice::NoticeOnly { open }),
        }
    }

    /// How the decision was made.
    ///
    /// ```
    /// # use tower_consent::{Consent, Source};
    /// fn from_banner(consent: &Consent) -> bool { consent.source() == Some(Source::Banner) }
    /// ```
    pub fn source(&self) -> Option<Source> {
        self.decision().map(|d| d.source)
    }
}

impl fmt::Debug for Consent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consent")
            .field("granted", &self.granted().collect::<Vec<_>>())
            .field("decision", &self.decision())
            .field("gpc", &self.gpc)
            .field("regime", &self.in_force.regime)
            .field("region", &self.in_force.region)
            .finish()
    }
}
