//! A visitor's choice, as a handler records it.

use super::decision::{ConsentId, Decision, Source};
use super::defaults::RegimeDefaults;
use crate::category::{Categories, CategorySet};
use crate::{Category, Regime};

/// A consent choice to record.
///
/// Put it into a response's extensions (in axum, return it as a response part) and the
/// layer records it: it signs a new consent cookie, strips that response's `Set-Cookie`
/// headers by the new choice, and deletes the cookies the request carried that the
/// choice no longer allows. The consent endpoints record choices the same way.
///
/// A choice is recorded only for a request from a page of this site — the same check
/// the consent endpoints make: `Sec-Fetch-Site: same-origin` (or `none`), or, without
/// Fetch Metadata, an `Origin` with this site's scheme, host and port, or an
/// [allowed origin](crate::ConsentLayerBuilder::allowed_origin). Otherwise another site
/// could make the visitor "accept all" with a form of its own: the choice is dropped,
/// the response goes out without a consent cookie, and a warning is logged once for the
/// route.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, Choice};
///
/// // In plain tower or hyper:
/// let mut response = http::Response::new(String::from("saved"));
/// response
///     .extensions_mut()
///     .insert(Choice::only([Category::Analytics]));
/// ```
///
/// With axum (feature `axum`):
///
/// ```
/// # #[cfg(feature = "axum")] {
/// use tower_consent::Choice;
///
/// async fn accept() -> (Choice, &'static str) {
///     (Choice::accept_all(), "thank you")
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    selection: Selection,
    source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Selection {
    AcceptAll,
    RejectAll,
    Withdraw,
    Only(Vec<Category>),
    DoNotSell,
}

/// What a [`Choice`] does, whatever categories it names: what metrics count and what a
/// ledger record says of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChoiceKind {
    AcceptAll,
    RejectAll,
    Withdraw,
    /// Only the categories it lists.
    Custom,
    /// Only the sale/share categories refused, nothing else decided.
    DoNotSell,
}

impl Choice {
    /// Grants every category.
    ///
    /// ```
    /// # use tower_consent::Choice;
    /// let choice = Choice::accept_all();
    /// ```
    pub fn accept_all() -> Self {
        Self::new(Selection::AcceptAll)
    }

    /// Refuses every category but necessary.
    ///
    /// ```
    /// # use tower_consent::Choice;
    /// let choice = Choice::reject_all();
    /// ```
    pub fn reject_all() -> Self {
        Self::new(Selection::RejectAll)
    }

    /// Withdraws an earlier consent: like [`reject_all`](Self::reject_all), recorded
    /// as a withdrawal.
    ///
    /// ```
    /// # use tower_consent::Choice;
    /// let choice = Choice::withdraw();
    /// assert!(choice.is_withdrawal());
    /// ```
    pub fn withdraw() -> Self {
        Self::new(Selection::Withdraw)
    }

    /// "Do Not Sell or Share My Personal Information": refuses the categories the site
    /// sells or shares (see
    /// [`sale_share`](crate::ConsentLayerBuilder::sale_share); marketing by default)
    /// and decides nothing else, so the other categories keep what the visitor's regime
    /// gives them. In an opt-in region that is nothing more than before.
    ///
    /// ```
    /// # use tower_consent::Choice;
    /// let choice = Choice::do_not_sell_or_share();
    /// ```
    pub fn do_not_sell_or_share() -> Self {
        Self::new(Selection::DoNotSell)
    }

    /// Grants exactly these categories (and necessary). Custom categories the layer
    /// does not know grant nothing and are logged.
    ///
    /// Where the visitor's regime grants categories before a decision (opt-out and
    /// notice-only regions), a category the choice grants is one the visitor left as
    /// it was, not one they consented to: it stays undecided, so in an opt-in region
    /// the visitor is asked for it. The categories the choice leaves out are refused
    /// wherever the visitor goes.
    ///
    /// ```
    /// # use tower_consent::{Category, Choice};
    /// let choice = Choice::only([Category::Preferences, Category::Analytics]);
    /// ```
    pub fn only(categories: impl IntoIterator<Item = Category>) -> Self {
        Self::new(Selection::Only(categories.into_iter().collect()))
    }

    /// Says how the choice was made (default [`Source::Api`]).
    ///
    /// ```
    /// # use tower_consent::{Choice, Source};
    /// let choice = Choice::reject_all().source(Source::Banner);
    /// ```
    pub fn source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// Whether this choice withdraws an earlier consent.
    ///
    /// ```
    /// # use tower_consent::Choice;
    /// assert!(!Choice::reject_all().is_withdrawal());
    /// ```
    pub fn is_withdrawal(&self) -> bool {
        self.selection == Selection::Withdraw
    }

    /// What the choice does, whatever it grants.
    pub(crate) fn kind(&self) -> ChoiceKind {
        match self.selection {
            Selection::AcceptAll => ChoiceKind::AcceptAll,
            Selection::RejectAll => ChoiceKind::RejectAll,
            Selection::Withdraw => ChoiceKind::Withdraw,
            Selection::Only(_) => ChoiceKind::Custom,
            Selection::DoNotSell => ChoiceKind::DoNotSell,
        }
    }

    /// What the choice does, for metrics: `accept_all`, `reject_all`, `withdraw`,
    /// `custom` or `do_not_sell`.
    pub(crate) fn action(&self) -> &'static str {
        match self.kind() {
            ChoiceKind::AcceptAll => "accept_all",
            ChoiceKind::RejectAll => "reject_all",
            ChoiceKind::Withdraw => "withdraw",
            ChoiceKind::Custom => "custom",
            ChoiceKind::DoNotSell => "do_not_sell",
        }
    }

    fn new(selection: Selection) -> Self {
        Self {
            selection,
            source: Source::Api,
        }
    }

    /// The categories this choice grants under `categories`.
    pub(crate) fn granted(&self, categories: &Categories) -> CategorySet {
        match &self.selection {
            Selection::AcceptAll => categories.all(),
            Selection::RejectAll | Selection::Withdraw | Selection::DoNotSell => {
                CategorySet::NECESSARY
            }
            Selection::Only(list) => list.iter().fold(CategorySet::NECESSARY, |set, &category| {
                match categories.index_of(category) {
                    Some(index) => set.with(index),
                    None => {
                        tracing::warn!(%category, "consent choice names an undeclared category");
                        set
                    }
                }
            }),
        }
    }

    /// The categories this choice decides under `regime`: only the sale/share ones
    /// for "Do Not Sell or Share", for a custom choice what it changed from the
    /// regime's defaults (see [`RegimeDefaults::decided_by_custom`]), every one
    /// otherwise.
    fn decided(
        &self,
        categories: &Categories,
        defaults: &RegimeDefaults,
        regime: Regime,
        granted: CategorySet,
    ) -> CategorySet {
        match self.selection {
            Selection::DoNotSell => defaults.sale_share(),
            Selection::Only(_) => defaults.decided_by_custom(regime, granted),
            _ => categories.all(),
        }
    }

    /// Turns the choice into a decision. The browser keeps its consent id (`browser_id`,
    /// also that of a decision no longer in force) across decisions and policy
    /// revisions, so its whole history can be followed, read and erased; a browser
    /// without one gets a fresh id. `gpc` says whether the request carrying the choice
    /// sent Global Privacy Control; `regime` is the regime in force where the choice is
    /// made. `None` only if the operating system gives no randomness for a new id.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide(
        &self,
        categories: &Categories,
        defaults: &RegimeDefaults,
        regime: Regime,
        revision: u32,
        browser_id: Option<ConsentId>,
        gpc: bool,
        now: u64,
    ) -> Option<Decision> {
        let id = match browser_id {
            Some(id) => id,
            None => ConsentId::random()?,
        };
        let granted = self.granted(categories);
        Some(Decision {
            granted,
            decided: self.decided(categories, defaults, regime, granted),
            revision,
            decided_at: now,
            id,
            source: self.source,
            gpc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomCategory;

    #[test]
    fn granted_sets() {
        let categories = Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")]);
        assert_eq!(
            Choice::accept_all().granted(&categories),
            CategorySet::first(5)
        );
        assert_eq!(
            Choice::reject_all().granted(&categories),
            CategorySet::NECESSARY
        );
        assert_eq!(
            Choice::withdraw().granted(&categories),
            CategorySet::NECESSARY
        );
        assert_eq!(
            Choice::only([
                Category::Custom("ab"),
                Category::Custom("zz"),
                Category::Marketing
            ])
            .granted(&categories),
            CategorySet::NECESSARY.with(3).with(4)
        );
    }

    #[test]
    fn decisions_keep_the_browser_id() {
        let categories = Categories::new(Vec::new());
        let first = Choice::accept_all().decide_in(&categories, MARKETING, Regime::OptIn);
        let second = Choice::withdraw()
            .source(crate::Source::Banner)
            .decide(
                &categories,
                &rules(MARKETING),
                Regime::OptIn,
                2,
                Some(first.id),
                true,
                20,
            )
            .unwrap();
        assert_eq!(first.id, second.id);
        assert_eq!(second.granted, CategorySet::NECESSARY);
        assert_eq!(second.source, crate::Source::Banner);
        assert_eq!(second.decided_at, 20);
        assert!(second.gpc);
    }

    /// The marketing category alone, the default sale/share set.
    const MARKETING: CategorySet = CategorySet::EMPTY.with(3);

    /// The regime defaults of a layer with the four built-in categories.
    fn rules(sale_share: CategorySet) -> RegimeDefaults {
        RegimeDefaults::new(sale_share, CategorySet::first(4))
    }

    impl Choice {
        /// The decision of a browser without a consent id, at policy revision 1.
        fn decide_in(
            &self,
            categories: &Categories,
            sale_share: CategorySet,
            regime: Regime,
        ) -> Decision {
            self.decide(categories, &rules(sale_share), regime, 1, None, false, 10)
                .unwrap()
        }
    }

    #[test]
    fn a_custom_choice_in_an_opt_out_region_decides_only_its_refusals() {
        let categories = Categories::new(Vec::new());
        let choice = Choice::only([Category::Preferences, Category::Analytics]);
        let opt_in = choice.decide_in(&categories, MARKETING, Regime::OptIn);
        assert_eq!(opt_in.decided, CategorySet::first(4));
        let opt_out = choice.decide_in(&categories, MARKETING, Regime::OptOut);
        assert_eq!(opt_out.granted, CategorySet::first(3));
        assert_eq!(opt_out.decided, CategorySet::NECESSARY.with(3));
        // "Accept all" is an act of its own, in any region.
        let accept = Choice::accept_all().decide_in(&categories, MARKETING, Regime::OptOut);
        assert_eq!(accept.decided, CategorySet::first(4));
    }

    #[test]
    fn do_not_sell_decides_only_sale_and_share() {
        let categories = Categories::new(Vec::new());
        let sale_share = CategorySet::EMPTY.with(3).with(2);
        let decision =
            Choice::do_not_sell_or_share().decide_in(&categories, sale_share, Regime::OptOut);
        assert_eq!(decision.granted, CategorySet::NECESSARY);
        assert_eq!(decision.decided, sale_share);
        assert_eq!(Choice::do_not_sell_or_share().action(), "do_not_sell");
        let full = Choice::reject_all().decide_in(&categories, sale_share, Regime::OptOut);
        assert_eq!(full.decided, CategorySet::first(4));
    }
}
