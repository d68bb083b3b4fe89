//! [`RegimeDefaults`]: the one rule for what is granted on a request, from the visitor's
//! decision and the defaults of the regime in force where they are.

use crate::category::CategorySet;
use crate::Regime;

/// What each regime grants before the visitor decides, and what "Do Not Sell or Share"
/// and Global Privacy Control refuse. Fixed at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RegimeDefaults {
    /// The categories refused by "Do Not Sell or Share" and by GPC.
    sale_share: CategorySet,
    /// Every category of the layer: the opt-out and notice-only defaults.
    all: CategorySet,
}

impl RegimeDefaults {
    pub(crate) fn new(sale_share: CategorySet, all: CategorySet) -> Self {
        Self { sale_share, all }
    }

    /// The categories "Do Not Sell or Share" and GPC refuse.
    pub(crate) fn sale_share(&self) -> CategorySet {
        self.sale_share
    }

    /// The categories granted under `regime` before any decision.
    pub(crate) fn defaults(&self, regime: Regime) -> CategorySet {
        match regime {
            Regime::OptIn => CategorySet::NECESSARY,
            Regime::OptOut | Regime::NoticeOnly => self.all,
        }
    }

    /// The categories a custom choice granting `granted` decides under `regime`: every
    /// category, except those it grants that the regime grants before any decision.
    ///
    /// In an opt-out region the settings open with every box ticked; leaving a box
    /// ticked is not an act of consent (a pre-ticked box never is, CJEU C-673/17
    /// *Planet49*), so it decides nothing and the category keeps the default of
    /// wherever the visitor is: granted there, asked for in an opt-in region. Unticking
    /// a box is a refusal, and goes with the visitor. In an opt-in region every box
    /// starts unticked and a custom choice decides every category, as before.
    pub(crate) fn decided_by_custom(&self, regime: Regime, granted: CategorySet) -> CategorySet {
        let kept_defaults = granted
            .intersection(self.defaults(regime))
            .difference(CategorySet::NECESSARY);
        self.all.difference(kept_defaults)
    }

    /// Whether `decided` answers every question the banner asks: every category but
    /// necessary.
    pub(crate) fn decides_all(&self, decided: CategorySet) -> bool {
        self.all
            .difference(CategorySet::NECESSARY)
            .difference(decided)
            .is_empty()
    }

    /// What is granted on a request: the visitor's decision for the categories it
    /// decided (`granted` within `decided`), the regime's defaults for the rest,
    /// necessary always. A few bit operations; nothing allocated.
    pub(crate) fn granted(
        &self,
        regime: Regime,
        decision: Option<(CategorySet, CategorySet)>,
    ) -> CategorySet {
        let defaults = self.defaults(regime);
        let granted = match decision {
            None => defaults,
            Some((granted, decided)) => granted
                .intersection(decided)
                .union(defaults.difference(decided)),
        };
        granted.union(CategorySet::NECESSARY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choices_win_defaults_fill_the_rest() {
        let all = CategorySet::first(4);
        let marketing = CategorySet::EMPTY.with(3);
        let rules = RegimeDefaults::new(marketing, all);
        // No decision: the regime's defaults.
        assert_eq!(rules.granted(Regime::OptIn, None), CategorySet::NECESSARY);
        assert_eq!(rules.granted(Regime::OptOut, None), all);
        assert_eq!(rules.granted(Regime::NoticeOnly, None), all);
        // A full refusal wins everywhere.
        let refused = Some((CategorySet::NECESSARY, all));
        for regime in [Regime::OptIn, Regime::OptOut, Regime::NoticeOnly] {
            assert_eq!(rules.granted(regime, refused), CategorySet::NECESSARY);
        }
        // "Do Not Sell or Share": marketing refused, the rest as the regime says.
        let do_not_sell = Some((CategorySet::NECESSARY, marketing));
        assert_eq!(
            rules.granted(Regime::OptOut, do_not_sell),
            all.difference(marketing)
        );
        assert_eq!(
            rules.granted(Regime::OptIn, do_not_sell),
            CategorySet::NECESSARY
        );
        // Necessary, always.
        assert!(rules
            .granted(Regime::OptIn, Some((CategorySet::EMPTY, all)))
            .contains(0));
        assert_eq!(rules.sale_share(), marketing);
    }

    #[test]
    fn a_custom_choice_decides_what_the_visitor_changed_from_the_regimes_defaults() {
        let all = CategorySet::first(4);
        let marketing = CategorySet::EMPTY.with(3);
        let rules = RegimeDefaults::new(marketing, all);
        let analytics_only = CategorySet::NECESSARY.with(2);
        // Opt-in: every box started unticked; every category decided.
        assert_eq!(rules.decided_by_custom(Regime::OptIn, analytics_only), all);
        assert!(rules.decides_all(all));
        // Opt-out: the boxes left ticked decide nothing; the unticked ones are refusals.
        let decided = rules.decided_by_custom(Regime::OptOut, analytics_only);
        assert_eq!(decided, CategorySet::NECESSARY.with(1).with(3));
        assert!(!rules.decides_all(decided));
        // Where the visitor decided it, analytics follows the regime of where they are.
        let decision = Some((analytics_only, decided));
        assert_eq!(rules.granted(Regime::OptOut, decision), analytics_only);
        assert_eq!(
            rules.granted(Regime::OptIn, decision),
            CategorySet::NECESSARY
        );
        // Notice-only defaults grant everything, as opt-out's do.
        assert_eq!(
            rules.decided_by_custom(Regime::NoticeOnly, all),
            CategorySet::NECESSARY
        );
    }
}
