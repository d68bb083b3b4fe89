//! [`RegimeTable`]: the rows a layer looks regions up in, indexed for the request path.

use super::{Law, Regime, Region};

/// Countries are indexed by their two letters: 26 × 26 slots.
const COUNTRY_SLOTS: usize = 26 * 26;

/// The compiled rows with the app's overrides, indexed so that finding a region's row
/// is an array index for its country and, for a subdivision, a binary search of the few
/// subdivision rows (20 in the compiled table): nothing allocated, a few dozen
/// instructions.
#[derive(Debug)]
pub(super) struct RegimeTable {
    /// Each country's row, by [`Region::country_index`].
    countries: Box<[Option<Law>]>,
    /// The subdivisions' rows, sorted by region.
    subdivisions: Vec<(Region, Law)>,
}

impl RegimeTable {
    /// The table of `rows` (one per region).
    pub(super) fn new(rows: &[(Region, Law)]) -> Self {
        let mut countries = vec![None; COUNTRY_SLOTS].into_boxed_slice();
        let mut subdivisions = Vec::new();
        for &(region, law) in rows {
            if region.has_subdivision() {
                subdivisions.push((region, law));
            } else if let Some(slot) = countries.get_mut(region.country_index()) {
                *slot = Some(law);
            }
        }
        subdivisions.sort_by_key(|&(region, _)| region);
        Self {
            countries,
            subdivisions,
        }
    }

    /// The row of `region`'s subdivision, else of its country.
    pub(super) fn lookup(&self, region: Region) -> Option<Law> {
        if region.has_subdivision() {
            if let Ok(index) = self.find_subdivision(region) {
                return Some(self.subdivisions[index].1);
            }
        }
        self.countries
            .get(region.country_index())
            .copied()
            .flatten()
    }

    /// Changes the row of `region` (an override's `None` keeps the row's value); a
    /// region without a row gets one, starting from what it got without it (its
    /// country's row, else `fallback`).
    pub(super) fn set(
        &mut self,
        region: Region,
        regime: Option<Regime>,
        gpc_binding: Option<bool>,
        fallback: Law,
    ) {
        let apply = |law: &mut Law| {
            law.regime = regime.unwrap_or(law.regime);
            law.gpc_binding = gpc_binding.unwrap_or(law.gpc_binding);
        };
        let start = self.lookup(region).unwrap_or(fallback);
        if !region.has_subdivision() {
            if let Some(slot) = self.countries.get_mut(region.country_index()) {
                apply(slot.get_or_insert(start));
            }
            return;
        }
        match self.find_subdivision(region) {
            Ok(index) => apply(&mut self.subdivisions[index].1),
            Err(index) => {
                let mut law = start;
                apply(&mut law);
                self.subdivisions.insert(index, (region, law));
            }
        }
    }

    /// Whether a row makes GPC binding.
    pub(super) fn binds_gpc(&self) -> bool {
        let countries = self.countries.iter().flatten();
        let subdivisions = self.subdivisions.iter().map(|(_, law)| law);
        countries.chain(subdivisions).any(|law| law.gpc_binding)
    }

    fn find_subdivision(&self, region: Region) -> Result<usize, usize> {
        self.subdivisions
            .binary_search_by_key(&region, |&(region, _)| region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(text: &str) -> Region {
        text.parse().unwrap()
    }

    const OPT_IN: Law = Law::new(Regime::OptIn, false);
    const OPT_OUT: Law = Law::new(Regime::OptOut, false);
    const BINDING: Law = Law::new(Regime::OptOut, true);

    #[test]
    fn a_subdivision_finds_its_own_row_else_its_countrys() {
        let table = RegimeTable::new(&[
            (region("DE"), OPT_IN),
            (region("US-CA"), BINDING),
            (region("US-VA"), OPT_OUT),
            (region("ZW"), OPT_OUT),
            (region("AD"), OPT_IN),
        ]);
        assert_eq!(table.lookup(region("DE")), Some(OPT_IN));
        assert_eq!(table.lookup(region("DE-BY")), Some(OPT_IN));
        assert_eq!(table.lookup(region("US-CA")), Some(BINDING));
        assert_eq!(table.lookup(region("US-VA")), Some(OPT_OUT));
        assert_eq!(table.lookup(region("US-WY")), None);
        assert_eq!(table.lookup(region("US")), None);
        assert_eq!(table.lookup(region("ZW")), Some(OPT_OUT));
        assert_eq!(table.lookup(region("AD")), Some(OPT_IN));
        assert_eq!(table.lookup(region("FR")), None);
        assert!(table.binds_gpc());
    }

    #[test]
    fn overrides_change_rows_or_add_them_from_what_the_region_got() {
        let mut table = RegimeTable::new(&[(region("US-CA"), BINDING), (region("DE"), OPT_IN)]);
        // A new subdivision row starts from its country's row.
        table.set(region("DE-BY"), None, Some(true), OPT_OUT);
        assert_eq!(
            table.lookup(region("DE-BY")),
            Some(Law::new(Regime::OptIn, true))
        );
        // A new country row starts from the fallback.
        table.set(region("BR"), None, Some(true), OPT_OUT);
        assert_eq!(table.lookup(region("BR")), Some(BINDING));
        assert_eq!(table.lookup(region("BR-SP")), Some(BINDING));
        // An existing row keeps what the override leaves out.
        table.set(region("US-CA"), Some(Regime::NoticeOnly), None, OPT_IN);
        assert_eq!(
            table.lookup(region("US-CA")),
            Some(Law::new(Regime::NoticeOnly, true))
        );
        table.set(region("US-CA"), None, Some(false), OPT_IN);
        table.set(region("DE-BY"), None, Some(false), OPT_IN);
        table.set(region("BR"), None, Some(false), OPT_IN);
        assert!(!table.binds_gpc());
    }
}
