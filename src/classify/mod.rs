//! Cookie classification: rules compiled once into lookups whose cost does not grow with
//! the number of rules.
//!
//! Exact names of the app and of the catalog go into one hash map, resolved at build time
//! (an app rule that matches a catalog name wins), so an exact hit costs one hash. Wildcard
//! patterns are indexed by their literal prefix in a byte trie per table: classifying a
//! name walks the trie along the name and checks only the patterns whose prefix the name
//! starts with.

pub(crate) mod catalog;
mod lifetime;
mod pattern;
mod report;
mod rule;
mod seen;

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::fast::RandomState;

pub use self::catalog::{known_trackers, KnownCookie};
pub use self::lifetime::Lifetime;
pub(crate) use self::lifetime::TimeUnit;
use self::pattern::Pattern;
pub(crate) use self::report::Seen;
pub(crate) use self::report::UndeclaredNames;
#[cfg(feature = "ledger")]
pub(crate) use self::report::SLOTS;
pub(crate) use self::rule::validate_scopes;
pub use self::rule::{CookieScope, Rule};
#[cfg(feature = "ledger")]
pub(crate) use self::seen::MAX_FROM_REQUESTS;
pub(crate) use self::seen::{Sightings, Unlisted, Witness};
use crate::category::{Categories, CategoryIndex, NECESSARY_INDEX};
use crate::{BuildError, Category};

/// What the layer does with cookies that no rule matches.
///
/// # Example
///
/// ```
/// use tower_consent::{Category, ConsentLayer, Unknown};
///
/// let layer = ConsentLayer::builder()
///     .secret([7u8; 32])
///     .unknown(Unknown::As(Category::Preferences))
///     .build()?;
/// # Ok::<(), tower_consent::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unknown {
    /// Never allow them, whatever was granted (the default). Each unknown name is logged
    /// once with `tracing::warn!` so the app can add a rule.
    #[default]
    Block,
    /// Always allow them, like necessary cookies.
    Allow,
    /// Treat them as this category.
    As(Category),
}

/// Where purging deletes a cookie: an index into [`Classifier::scopes`].
pub(crate) type ScopeSetId = u16;

/// The classification of one cookie name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Class {
    /// The category, or `None` for an unknown cookie under [`Unknown::Block`].
    pub(crate) category: Option<CategoryIndex>,
    /// Where the browser may hold the cookie.
    pub(crate) scopes: ScopeSetId,
    /// The index in [`known_trackers`] of the catalog entry that decided, or
    /// [`NO_ENTRY`] when an app rule or the unknown policy did.
    entry: u16,
}

impl Class {
    /// The index in [`known_trackers`] of the catalog entry that decided, if one did.
    #[inline]
    pub(crate) fn catalog_entry(self) -> Option<u16> {
        (self.entry != NO_ENTRY).then_some(self.entry)
    }
}

/// [`Class::entry`] when no catalog entry decided.
const NO_ENTRY: u16 = u16::MAX;

/// The compiled rules of one configuration.
#[derive(Debug)]
pub(crate) struct Classifier {
    /// Exact names of both tables. The map is only read after `build`, so a fast hasher
    /// is safe: a crafted name can collide only with the fixed entries.
    exact: ExactTable,
    /// The app's patterns: they win over the catalog's whenever they match.
    app: PatternTable,
    catalog: PatternTable,
    unknown: Class,
    /// Scope lists; index 0 holds the default scopes.
    scopes: Vec<Vec<CookieScope>>,
    /// The key of each category, by index.
    category_keys: Vec<&'static str>,
    /// The names no rule matched: logged once each, counted for the report.
    /// Shared with the ledger's housekeeping task, which shares it with the fleet.
    undeclared: Arc<UndeclaredNames>,
    /// The catalog entries the cookie declaration lists, and the evidence for others;
    /// the declaration reads them too, and the ledger's housekeeping task shares them.
    sightings: Arc<Sightings>,
}

/// A rule ready for compilation.
pub(crate) struct CompiledRule {
    pub(crate) pattern: String,
    pub(crate) category: Category,
    pub(crate) scopes: Vec<CookieScope>,
    /// The rule's index in [`known_trackers`], for catalog rules.
    pub(crate) catalog_entry: Option<u16>,
}

impl From<Rule> for CompiledRule {
    fn from(rule: Rule) -> Self {
        Self {
            pattern: rule.pattern,
            category: rule.category,
            scopes: rule.scopes,
            catalog_entry: None,
        }
    }
}

impl CompiledRule {
    /// `copies` renamed copies of every catalog entry, for benchmarks of a larger
    /// catalog. Copy `k` of a name inserts `~` and `k` in base 26 after its first byte
    /// (`_ga_*` → `_~b_ga_*`): the copies share the first trie level with the real
    /// entries, as new vendors' names would, and match nothing real.
    #[cfg(feature = "__bench")]
    pub(crate) fn catalog_copies(copies: usize) -> Vec<Self> {
        (1..=copies)
            .flat_map(|copy| {
                let mut tag = String::from("~");
                let mut k = copy;
                while k > 0 {
                    tag.push(char::from(b'a' + (k % 26) as u8));
                    k /= 26;
                }
                known_trackers().iter().map(move |known| {
                    let (first, rest) = known
                        .pattern
                        .split_at_checked(1)
                        .unwrap_or(("", known.pattern));
                    Self {
                        pattern: format!("{first}{tag}{rest}"),
                        category: known.category,
                        scopes: Vec::new(),
                        catalog_entry: None,
                    }
                })
            })
            .collect()
    }

    /// The catalog's entries as rules, each remembering its index.
    pub(crate) fn catalog() -> Result<Vec<Self>, BuildError> {
        known_trackers()
            .iter()
            .enumerate()
            .map(|(index, known)| {
                let entry = u16::try_from(index)
                    .ok()
                    .filter(|&entry| entry != NO_ENTRY)
                    .ok_or_else(|| BuildError::InvalidPattern {
                        pattern: known.pattern.to_owned(),
                        reason: "the catalog has too many entries".to_owned(),
                    })?;
                Ok(Self {
                    pattern: known.pattern.to_owned(),
                    category: known.category,
                    scopes: Vec::new(),
                    catalog_entry: Some(entry),
                })
            })
            .collect()
    }
}

impl Classifier {
    /// Compiles app rules, catalog rules and the unknown-cookie policy.
    pub(crate) fn build(
        categories: &Categories,
        app_rules: Vec<CompiledRule>,
        catalog_rules: Vec<CompiledRule>,
        unknown: Unknown,
        default_scopes: Vec<CookieScope>,
    ) -> Result<Self, BuildError> {
        let mut scopes = vec![default_scopes];
        let catalog_len = catalog_rules.len();
        let (mut exact, app) = compile(categories, app_rules, &mut scopes)?;
        let (catalog_exact, catalog) = compile(categories, catalog_rules, &mut scopes)?;
        for (name, class) in catalog_exact {
            if let std::collections::hash_map::Entry::Vacant(entry) = exact.entry(name) {
                let class = app.lookup(entry.key()).unwrap_or(class);
                entry.insert(class);
            }
        }
        // At most half full: a lookup, hit or miss, probes about one group whatever the
        // number of names, instead of depending on where the count falls between two
        // powers of two.
        exact.reserve(exact.len());
        let unknown_category = match unknown {
            Unknown::Block => None,
            Unknown::Allow => Some(NECESSARY_INDEX),
            Unknown::As(category) => Some(index_of(categories, category)?),
        };
        Ok(Self {
            exact,
            app,
            catalog,
            unknown: Class {
                category: unknown_category,
                scopes: 0,
                entry: NO_ENTRY,
            },
            scopes,
            category_keys: categories.each().map(Category::key).collect(),
            undeclared: Arc::new(UndeclaredNames::new()),
            sightings: Arc::new(Sightings::new(catalog_len)),
        })
    }

    /// Classifies a cookie by the name the browser stores it under.
    pub(crate) fn classify(&self, name: &[u8]) -> Class {
        self.lookup(name).unwrap_or(self.unknown)
    }

    /// Classifies a cookie the way [`classify`](Self::classify) does, and counts a name
    /// no rule matches for the undeclared-cookie report (logging it the first time).
    /// Each cookie of a request and each `Set-Cookie` of a response is seen once this
    /// way; later passes over the same headers use `classify`.
    pub(crate) fn classify_seen(&self, name: &[u8], seen: Seen<'_>) -> Class {
        if let Some(class) = self.lookup(name) {
            return class;
        }
        self.undeclared_seen(name, seen);
        self.unknown
    }

    /// The class of the rule matching `name`, if any.
    fn lookup(&self, name: &[u8]) -> Option<Class> {
        if let Some(&class) = self.exact.get(name) {
            return Some(class);
        }
        self.app.lookup(name).or_else(|| self.catalog.lookup(name))
    }

    #[cold]
    fn undeclared_seen(&self, name: &[u8], seen: Seen<'_>) {
        if self.undeclared.record(name, seen) {
            let nameless = seen.is_nameless();
            tracing::warn!(
                // A nameless cookie's text is its value: never logged.
                cookie = %if nameless { "".into() } else { String::from_utf8_lossy(name) },
                nameless,
                path = seen.path,
                direction = seen.direction().as_str(),
                policy = self.unknown.category.map_or("blocked", |_| "allowed as configured"),
                "cookie matches no tower-consent rule; add a rule for it"
            );
        }
    }

    /// The undeclared names seen so far.
    pub(crate) fn report(&self) -> crate::CookieReport {
        self.undeclared.snapshot()
    }

    /// Which catalog entries the cookie declaration lists: the request and response
    /// sides report their sightings here.
    pub(crate) fn sightings(&self) -> &Sightings {
        &self.sightings
    }

    /// What the ledger's housekeeping task shares with the fleet: the sightings and the
    /// undeclared names.
    #[cfg(feature = "ledger")]
    pub(crate) fn observed(&self) -> (&Arc<Sightings>, &Arc<UndeclaredNames>) {
        (&self.sightings, &self.undeclared)
    }

    /// The sightings, for the cookie declaration to read.
    pub(crate) fn shared_sightings(&self) -> Arc<Sightings> {
        Arc::clone(&self.sightings)
    }

    /// Every exact cookie name a rule names, with its class.
    pub(crate) fn exact_names(&self) -> impl Iterator<Item = (&[u8], Class)> {
        self.exact.iter().map(|(name, &class)| (&**name, class))
    }

    /// The key of a class's category: `unknown` for unknown cookies under
    /// [`Unknown::Block`].
    pub(crate) fn category_key(&self, category: Option<CategoryIndex>) -> &'static str {
        category
            .and_then(|index| self.category_keys.get(usize::from(index)).copied())
            .unwrap_or("unknown")
    }

    /// The scopes of a [`Class`].
    pub(crate) fn scopes(&self, id: ScopeSetId) -> &[CookieScope] {
        &self.scopes[usize::from(id)]
    }
}

fn index_of(categories: &Categories, category: Category) -> Result<CategoryIndex, BuildError> {
    categories
        .index_of(category)
        .ok_or_else(|| BuildError::UndeclaredCategory(category.key().to_owned()))
}

/// The exact names of one set of rules (the app's or the catalog's).
type ExactTable = HashMap<Box<[u8]>, Class, RandomState>;

/// The wildcard patterns of one set of rules (the app's or the catalog's).
#[derive(Debug, Default)]
struct PatternTable {
    patterns: Vec<(Pattern, Class)>,
    /// Trie over the patterns' literal prefixes; node 0 is the root.
    trie: Vec<TrieNode>,
}

#[derive(Debug, Default)]
struct TrieNode {
    /// `(byte, child node)`, sorted by byte.
    children: Vec<(u8, u32)>,
    /// For a node with more than [`DENSE_FROM`] children, the child node for each byte
    /// ([`NO_CHILD`] where there is none): one load instead of a binary search, so the
    /// wide nodes near the root cost the same however many entries share them.
    dense: Option<Box<[u32; 256]>>,
    /// Patterns whose literal prefix ends at this node.
    patterns: Vec<u32>,
}

/// Nodes with more children than this get a [`TrieNode::dense`] index.
const DENSE_FROM: usize = 8;
/// No child for this byte in a [`TrieNode::dense`] index.
const NO_CHILD: u32 = u32::MAX;

impl TrieNode {
    /// The child node for `byte`.
    #[inline]
    fn child(&self, byte: u8) -> Option<usize> {
        match &self.dense {
            Some(dense) => match dense[usize::from(byte)] {
                NO_CHILD => None,
                child => Some(child as usize),
            },
            None => self
                .children
                .binary_search_by_key(&byte, |&(b, _)| b)
                .ok()
                .map(|found| self.children[found].1 as usize),
        }
    }
}

/// Checks one set of rules and splits it into exact names and indexed patterns.
fn compile(
    categories: &Categories,
    rules: Vec<CompiledRule>,
    scopes: &mut Vec<Vec<CookieScope>>,
) -> Result<(ExactTable, PatternTable), BuildError> {
    let mut parsed: Vec<(Pattern, Category, Class)> = Vec::with_capacity(rules.len());
    for rule in rules {
        let pattern =
            Pattern::parse(&rule.pattern).map_err(|reason| BuildError::InvalidPattern {
                pattern: rule.pattern.clone(),
                reason: reason.to_string(),
            })?;
        let category = index_of(categories, rule.category)?;
        let scope_id = if rule.scopes.is_empty() {
            0
        } else {
            validate_scopes(&rule.scopes)?;
            let id = scopes
                .iter()
                .position(|s| *s == rule.scopes)
                .unwrap_or_else(|| {
                    scopes.push(rule.scopes);
                    scopes.len() - 1
                });
            ScopeSetId::try_from(id).map_err(|_| BuildError::InvalidPattern {
                pattern: rule.pattern.clone(),
                reason: "too many distinct scope lists".to_owned(),
            })?
        };
        let class = Class {
            category: Some(category),
            scopes: scope_id,
            entry: rule.catalog_entry.unwrap_or(NO_ENTRY),
        };
        check_conflicts(&parsed, &pattern, rule.category, class)?;
        if !parsed.iter().any(|(p, _, _)| *p == pattern) {
            parsed.push((pattern, rule.category, class));
        }
    }

    let mut exact = ExactTable::default();
    let mut table = PatternTable {
        trie: vec![TrieNode::default()],
        ..PatternTable::default()
    };
    for (pattern, _, class) in parsed {
        if pattern.is_exact() {
            exact.insert(pattern.as_bytes().into(), class);
        } else {
            let node = table.insert_prefix(pattern.literal_prefix());
            table.trie[node].patterns.push(table.patterns.len() as u32);
            table.patterns.push((pattern, class));
        }
    }
    for node in &mut table.trie {
        if node.children.len() > DENSE_FROM {
            let mut dense = Box::new([NO_CHILD; 256]);
            for &(byte, child) in &node.children {
                dense[usize::from(byte)] = child;
            }
            node.dense = Some(dense);
        }
    }
    Ok((exact, table))
}

impl PatternTable {
    /// The trie node for `prefix`, created as needed.
    fn insert_prefix(&mut self, prefix: &[u8]) -> usize {
        let mut node = 0;
        for &byte in prefix {
            let children = &self.trie[node].children;
            node = match children.binary_search_by_key(&byte, |&(b, _)| b) {
                Ok(found) => children[found].1 as usize,
                Err(at) => {
                    let child = self.trie.len();
                    self.trie.push(TrieNode::default());
                    self.trie[node].children.insert(at, (byte, child as u32));
                    child
                }
            };
        }
        node
    }

    /// The most specific pattern matching `name` (the first of equally specific ones).
    fn lookup(&self, name: &[u8]) -> Option<Class> {
        if self.patterns.is_empty() {
            return None;
        }
        let mut best: Option<(usize, u32)> = None;
        let mut node = &self.trie[0];
        let mut depth = 0;
        loop {
            for &candidate in &node.patterns {
                let (pattern, _) = &self.patterns[candidate as usize];
                let better = match best {
                    None => true,
                    Some((len, index)) => {
                        pattern.literal_len() > len
                            || (pattern.literal_len() == len && candidate < index)
                    }
                };
                if better && pattern.matches(name) {
                    best = Some((pattern.literal_len(), candidate));
                }
            }
            let Some(&byte) = name.get(depth) else { break };
            match node.child(byte) {
                Some(child) => node = &self.trie[child],
                None => break,
            }
            depth += 1;
        }
        best.map(|(_, index)| self.patterns[index as usize].1)
    }
}

/// Refuses a rule that is as specific as an earlier one, can match the same name, and
/// names another category.
fn check_conflicts(
    earlier: &[(Pattern, Category, Class)],
    pattern: &Pattern,
    category: Category,
    class: Class,
) -> Result<(), BuildError> {
    let conflict = earlier.iter().find(|(other, _, other_class)| {
        other.literal_len() == pattern.literal_len()
            && other_class.category != class.category
            && other.overlaps(pattern)
    });
    match conflict {
        Some((other, other_category, _)) => Err(BuildError::ConflictingRules {
            first: String::from_utf8_lossy(other.as_bytes()).into_owned(),
            first_category: other_category.key().to_owned(),
            second: String::from_utf8_lossy(pattern.as_bytes()).into_owned(),
            second_category: category.key().to_owned(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomCategory;

    fn rules(list: &[(&str, Category)]) -> Vec<CompiledRule> {
        list.iter()
            .map(|&(p, c)| CompiledRule::from(Rule::new(p, c)))
            .collect()
    }

    fn classifier(app: &[(&str, Category)], catalog: &[(&str, Category)]) -> Classifier {
        let categories = Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")]);
        Classifier::build(
            &categories,
            rules(app),
            rules(catalog),
            Unknown::Block,
            vec![CookieScope::default()],
        )
        .unwrap()
    }

    fn category(c: &Classifier, name: &str) -> Option<CategoryIndex> {
        c.classify(name.as_bytes()).category
    }

    #[test]
    fn most_specific_rule_wins() {
        use Category::*;
        let c = classifier(
            &[
                ("_ga", Analytics),
                ("_g*", Marketing),
                ("_ga_*", Preferences),
                ("_ga_special*", Custom("ab")),
                ("*_mixpanel", Analytics),
                ("mp_*_mixpanel", Marketing),
            ],
            &[],
        );
        assert_eq!(category(&c, "_ga"), Some(2));
        assert_eq!(category(&c, "_gid"), Some(3));
        assert_eq!(category(&c, "_ga_X"), Some(1));
        assert_eq!(category(&c, "_ga_specialX"), Some(4));
        assert_eq!(category(&c, "x_mixpanel"), Some(2));
        assert_eq!(category(&c, "mp_x_mixpanel"), Some(3));
        assert_eq!(category(&c, "other"), None);
        assert_eq!(category(&c, "_GA"), None, "names are case-sensitive");
    }

    #[test]
    fn app_rules_win_over_catalog() {
        use Category::*;
        let c = classifier(
            &[("_g*", Preferences)],
            &[("_ga", Analytics), ("fr", Marketing)],
        );
        assert_eq!(category(&c, "_ga"), Some(1));
        assert_eq!(category(&c, "fr"), Some(3));
    }

    #[test]
    fn equally_specific_overlapping_rules_conflict() {
        use Category::*;
        let categories = Categories::new(Vec::new());
        let build = |list: &[(&str, Category)]| {
            Classifier::build(
                &categories,
                rules(list),
                Vec::new(),
                Unknown::Block,
                Vec::new(),
            )
        };
        assert!(matches!(
            build(&[("a*", Analytics), ("*a", Marketing)]),
            Err(BuildError::ConflictingRules { .. })
        ));
        assert!(matches!(
            build(&[("x", Analytics), ("x", Marketing)]),
            Err(BuildError::ConflictingRules { .. })
        ));
        assert!(build(&[("a*", Analytics), ("b*", Marketing)]).is_ok());
        assert!(build(&[("a*", Analytics), ("*a", Analytics)]).is_ok());
        assert!(matches!(
            build(&[("x", Custom("nope"))]),
            Err(BuildError::UndeclaredCategory(_))
        ));
        assert!(matches!(
            build(&[("a=b", Analytics)]),
            Err(BuildError::InvalidPattern { .. })
        ));
    }

    #[test]
    fn unknown_policy() {
        let categories = Categories::new(Vec::new());
        let build = |unknown| {
            Classifier::build(&categories, Vec::new(), Vec::new(), unknown, Vec::new()).unwrap()
        };
        assert_eq!(category(&build(Unknown::Block), "x"), None);
        assert_eq!(category(&build(Unknown::Allow), "x"), Some(0));
        assert_eq!(
            category(&build(Unknown::As(Category::Analytics)), "x"),
            Some(2)
        );
    }

    #[test]
    fn wide_trie_nodes_find_every_child() {
        // 62 patterns under `w`: a dense node; 3 under `n`: a sparse one.
        let mut list: Vec<(String, Category)> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .map(|b| (format!("w{}_*", char::from(b)), Category::Analytics))
            .collect();
        list.extend(["na*", "nb*", "nc*"].map(|p| (p.to_owned(), Category::Marketing)));
        let refs: Vec<(&str, Category)> = list.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        let c = classifier(&[], &refs);
        for (pattern, _) in &list {
            let name = pattern.replace('*', "x");
            assert!(category(&c, &name).is_some(), "{name}");
        }
        assert_eq!(category(&c, "w!_x"), None);
        assert_eq!(category(&c, "w"), None);
        assert_eq!(category(&c, "nd"), None);
        assert!(c.catalog.trie[c.catalog.trie[0].child(b'w').unwrap()]
            .dense
            .is_some());
        assert!(c.catalog.trie[c.catalog.trie[0].child(b'n').unwrap()]
            .dense
            .is_none());
    }

    /// The catalog's category for `name` by brute force: the exact name, else the
    /// pattern with the most literal bytes.
    fn reference_catalog_category(name: &[u8]) -> Option<Category> {
        let catalog = known_trackers();
        if let Some(exact) = catalog.iter().find(|c| c.pattern.as_bytes() == name) {
            return Some(exact.category);
        }
        catalog
            .iter()
            .filter(|c| c.pattern.contains('*'))
            .filter_map(|c| Pattern::parse(c.pattern).ok().map(|p| (p, c.category)))
            .filter(|(p, _)| p.matches(name))
            .max_by_key(|(p, _)| p.literal_len())
            .map(|(_, category)| category)
    }

    proptest::proptest! {
        /// The compiled catalog (hash table, trie with sparse and dense nodes) answers
        /// what a brute-force scan of the catalog answers, for names built from catalog
        /// patterns (their `*` filled with random text, a byte cut or added) and for
        /// random names.
        #[test]
        fn compiled_catalog_matches_brute_force(
            entry in 0..known_trackers().len(),
            fill in "[A-Za-z0-9_.~-]{0,6}",
            edit in 0u8..4,
            random in "[A-Za-z0-9_.]{1,12}",
        ) {
            let categories = Categories::new(Vec::new());
            let classifier = Classifier::build(
                &categories,
                Vec::new(),
                CompiledRule::catalog().unwrap(),
                Unknown::Block,
                Vec::new(),
            )
            .unwrap();
            let mut name = known_trackers()[entry].pattern.replace('*', &fill).into_bytes();
            match edit {
                1 => { name.pop(); }
                2 => name.push(b'x'),
                3 => name.insert(0, b'_'),
                _ => {}
            }
            for name in [name, random.into_bytes()] {
                let expected = reference_catalog_category(&name)
                    .and_then(|c| categories.index_of(c));
                proptest::prop_assert_eq!(
                    classifier.classify(&name).category,
                    expected,
                    "{}",
                    String::from_utf8_lossy(&name)
                );
            }
        }
    }

    #[test]
    fn many_rules_stay_correct() {
        let list: Vec<(String, Category)> = (0..500)
            .map(|i| (format!("c{i}_*"), Category::Analytics))
            .collect();
        let refs: Vec<(&str, Category)> = list.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        let c = classifier(&refs, &[]);
        assert_eq!(category(&c, "c499_x"), Some(2));
        assert_eq!(category(&c, "c5"), None);
    }
}
