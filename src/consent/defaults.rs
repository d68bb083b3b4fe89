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
    fn defaults(&self, regime: Regime) -> CategorySet {
        match regime {
            Regime::OptIn => CategorySet::NECESSARY,
            Regime::OptOut | Regime::NoticeOnly => self.all,
        }
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
}
