//! The built-in catalog of well-known tracker cookies, used by
//! [`ConsentLayerBuilder::known_trackers`](crate::ConsentLayerBuilder::known_trackers).
//!
//! Where the entries come from, what they cover and how they match: see
//! [`known_trackers`].

use std::time::Duration;

use super::lifetime::Lifetime;
use crate::Category;

/// One well-known cookie: its name or name pattern, who sets it, which consent it
/// needs, what it is for and how long it usually lives.
///
/// Entries come from [`known_trackers`]; they cannot be built outside this crate. Every
/// entry is a cookie set on the site's own domain (a first-party cookie), usually by the
/// vendor's script.
///
/// # Example
///
/// ```
/// use tower_consent::{known_trackers, Category, Lifetime};
///
/// let ga = known_trackers()
///     .iter()
///     .find(|cookie| cookie.pattern == "_ga")
///     .expect("_ga is in the catalog");
/// assert_eq!(ga.category, Category::Analytics);
/// assert_eq!(ga.vendor, "Google Analytics");
/// assert!(ga.lifetime.is_some());
/// assert!(matches!(ga.expiry, Lifetime::For(_)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownCookie {
    /// The exact cookie name, or a pattern in which each `*` matches any run of bytes.
    pub pattern: &'static str,
    /// The company or product that sets the cookie.
    pub vendor: &'static str,
    /// The consent category the cookie needs.
    pub category: Category,
    /// What the cookie is for, in one short sentence.
    pub purpose: &'static str,
    /// The cookie's typical lifetime as documented; `None` for a session cookie or when
    /// the lifetime varies (see [`expiry`](Self::expiry), which tells the two apart).
    pub lifetime: Option<Duration>,
    /// The cookie's typical lifetime: a session cookie, a duration, or not fixed.
    pub expiry: Lifetime,
}

impl KnownCookie {
    const fn new(
        pattern: &'static str,
        vendor: &'static str,
        category: Category,
        purpose: &'static str,
        expiry: Lifetime,
    ) -> Self {
        let lifetime = match expiry {
            Lifetime::For(duration) => Some(duration),
            Lifetime::Session | Lifetime::Varies => None,
        };
        Self {
            pattern,
            vendor,
            category,
            purpose,
            lifetime,
            expiry,
        }
    }
}

/// The built-in catalog of well-known tracker cookies.
///
/// # Where the entries come from
///
/// The catalog is built from the facts of the [Open Cookie Database]
/// (© its contributors, Apache-2.0; see the crate's `NOTICE` file): cookie names, the
/// platform that sets them, categories, lifetimes. Its descriptions are not used: every
/// purpose is written in this project's own words, per vendor where per cookie would only
/// repeat. `scripts/catalog_from_ocd.py` turns a release of the database and the manual
/// decisions in `data/catalog-overrides.tsv` into `data/catalog.tsv`, which the build
/// script compiles into the static table this module returns. The decisions are:
///
/// - **Only cookies a first-party server can see**: rows on the site's own domain (an
///   empty domain in the database), plus vendors whose scripts or hosted platform set
///   their cookies on the site's domain although the database names the vendor's
///   (HubSpot, Shopify, Crazy Egg, Inspectlet, the first-party cookies of Clarity,
///   Amplitude, Pinterest, TikTok, LinkedIn's Insight Tag). Cookies that live only on
///   vendors' domains (`IDE`, `NID`, `fr`, `MUID`, ...) never reach the app and are left
///   out.
/// - **The vendor's documentation decides the category** where it disagrees with the
///   database, and the data file says why: HubSpot's `__hstc`, `hubspotutk`, `__hssc`
///   are analytics (HubSpot's own classification), Hotjar's and VWO's technical cookies
///   are analytics like the rest of the tool, Adobe's `AMCV_*` is analytics.
/// - **Never block what a site needs**: no entry matches a cookie of payment, fraud and
///   bot protection, load balancing, CSRF protection, sessions, consent tools or chat.
///   The crate ships that list (`data/never-block.tsv`, for example `__stripe_mid`,
///   `__cf_bm`, `AWSALB`, `_px*`, `XSRF-TOKEN`, `OptanonConsent`, `intercom-*`), and a
///   test checks that no entry matches or overlaps any of it, nor any row the database
///   marks Functional, Security or Necessary unless the data file says why.
/// - **Generic names are left out**: names an app may use for its own cookies (`_s`, `_y`,
///   `sp`, `i`, `fid`, `test_cookie`, `id`, `uid`, `MR`, `SM`, `fr`, `visitor_id`, ...)
///   would block or purge the app's cookie. An app that runs such a vendor adds its
///   rule itself.
/// - **Patterns for id-suffixed names**: rows the database marks as a prefix followed by
///   an id become `prefix*` (`_hjSession_*`, `_sp_id.*`, `Hm_lvt_*`).
///
/// # Coverage
///
/// Of the database's 493 Analytics and Marketing cookies set on the site's own domain
/// (release 0ee5a17, January 2026), the catalog recognises 392 (80%): every one except
/// the 101 left out on purpose for the reasons above (generic names, consent and opt-out
/// records, chat, cookies of the vendor's own website). Before the import, the
/// hand-written catalog of 171 entries recognised 93 of the same 493 (19%). Measured by the test
/// `coverage_of_the_database` (on the facts shipped in `data/ocd-facts.tsv`; a wildcard
/// row counts as recognised when its prefix followed by an id is) and printed by
/// `scripts/catalog_from_ocd.py`.
///
/// # Matching
///
/// Names are matched case-sensitively, as browsers do. In a pattern, `*` matches
/// any run of bytes, including an empty one. When several entries match a name,
/// an exact name beats every pattern, and among patterns the one with more
/// literal (non-`*`) bytes wins. Rules the app declares itself always win over
/// catalog entries, so an app can reclassify or exempt any of these cookies.
///
/// [Open Cookie Database]: https://github.com/jkwakman/Open-Cookie-Database
///
/// # Using it
///
/// The slice is static and its order carries no meaning: the most specific entry
/// wins regardless of position. Enable it on a layer with
/// [`ConsentLayerBuilder::known_trackers`](crate::ConsentLayerBuilder::known_trackers),
/// or read it to render a cookie policy page.
///
/// # Example
///
/// ```
/// use tower_consent::{known_trackers, Category};
///
/// let catalog = known_trackers();
/// assert!(catalog.len() >= 400);
///
/// let fbp = catalog.iter().find(|c| c.pattern == "_fbp").expect("_fbp is listed");
/// assert_eq!(fbp.category, Category::Marketing);
///
/// // Patterns use `*` for the variable part of a name.
/// assert!(catalog.iter().any(|c| c.pattern == "_ga_*"));
/// ```
pub fn known_trackers() -> &'static [KnownCookie] {
    KNOWN_TRACKERS
}

/// The catalog entry that describes the cookies an app rule's `pattern` names: the
/// entry with the same pattern, or for an exact name the entry that would classify it
/// (an exact name beats every pattern, then the pattern with more literal bytes). The
/// cookie declaration takes its provider, purpose and lifetime from it for what the
/// rule does not state itself.
pub(crate) fn describing(pattern: &str) -> Option<&'static KnownCookie> {
    if let Some(same) = KNOWN_TRACKERS.iter().find(|known| known.pattern == pattern) {
        return Some(same);
    }
    if pattern.contains('*') {
        return None;
    }
    KNOWN_TRACKERS
        .iter()
        .filter_map(|known| {
            let parsed = super::pattern::Pattern::parse(known.pattern).ok()?;
            parsed
                .matches(pattern.as_bytes())
                .then_some((parsed.literal_len(), known))
        })
        .max_by_key(|&(specificity, _)| specificity)
        .map(|(_, known)| known)
}

// `static KNOWN_TRACKERS`, generated by build.rs from data/catalog.tsv.
include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use Category::{Analytics, Marketing, Preferences};

    /// The crate's list of cookies a site needs (name or pattern, what it is).
    const NEVER_BLOCK: &str = include_str!("../../data/never-block.tsv");
    /// The Open Cookie Database rows the catalog is checked against, with our decisions.
    const OCD_FACTS: &str = include_str!("../../data/ocd-facts.tsv");

    /// Bytes allowed in a pattern: RFC 6265 token characters, with `*` as the wildcard.
    fn is_pattern_byte(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
    }

    fn literal_bytes(pattern: &str) -> usize {
        pattern.bytes().filter(|&b| b != b'*').count()
    }

    /// Whether `name` matches the `*`-glob `pattern`, byte-wise.
    fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
        // reach[j]: pattern prefix so far matches name[..j].
        let mut reach = vec![false; name.len() + 1];
        reach[0] = true;
        for &p in pattern {
            let mut next = vec![false; name.len() + 1];
            if p == b'*' {
                let mut any = false;
                for j in 0..=name.len() {
                    any |= reach[j];
                    next[j] = any;
                }
            } else {
                for j in 0..name.len() {
                    next[j + 1] = reach[j] && name[j] == p;
                }
            }
            reach = next;
        }
        reach[name.len()]
    }

    /// Whether some string matches both `*`-globs `a` and `b`.
    fn globs_intersect(a: &[u8], b: &[u8]) -> bool {
        // seen[i][j]: a[..i] and b[..j] can be aligned on a common string.
        let mut seen = vec![vec![false; b.len() + 1]; a.len() + 1];
        let mut stack = vec![(0usize, 0usize)];
        while let Some((i, j)) = stack.pop() {
            if seen[i][j] {
                continue;
            }
            seen[i][j] = true;
            if i == a.len() && j == b.len() {
                return true;
            }
            let a_star = i < a.len() && a[i] == b'*';
            let b_star = j < b.len() && b[j] == b'*';
            if a_star {
                // `*` in a matches nothing more.
                stack.push((i + 1, j));
            }
            if b_star {
                stack.push((i, j + 1));
            }
            if i < a.len() && j < b.len() {
                match (a_star, b_star) {
                    (false, false) if a[i] == b[j] => stack.push((i + 1, j + 1)),
                    // a's `*` swallows b's literal byte, and vice versa.
                    (true, false) => stack.push((i, j + 1)),
                    (false, true) => stack.push((i + 1, j)),
                    _ => {}
                }
            }
        }
        false
    }

    /// The catalog's answer for a cookie name: exact name first, then the pattern
    /// with the most literal bytes.
    fn resolve(name: &str) -> Option<&'static KnownCookie> {
        if let Some(exact) = known_trackers().iter().find(|c| c.pattern == name) {
            return Some(exact);
        }
        known_trackers()
            .iter()
            .filter(|c| c.pattern.contains('*'))
            .filter(|c| glob_match(c.pattern.as_bytes(), name.as_bytes()))
            .max_by_key(|c| literal_bytes(c.pattern))
    }

    #[test]
    fn has_at_least_four_hundred_entries() {
        assert!(
            known_trackers().len() >= 400,
            "only {} entries",
            known_trackers().len()
        );
    }

    /// Non-comment lines of a shipped TSV file, split on TAB.
    fn tsv(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
        text.lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| line.split('\t').collect())
    }

    /// One database row: platform, category, name, wildcard, first party, decision.
    struct Fact {
        platform: &'static str,
        category: &'static str,
        name: &'static str,
        wildcard: bool,
        first_party: bool,
        decision: &'static str,
    }

    impl Fact {
        /// A concrete cookie name for the row: a wildcard row's prefix plus an id, as
        /// scripts/catalog_from_ocd.py builds it.
        fn example(&self) -> String {
            if self.wildcard {
                format!("{}x7", self.name)
            } else {
                self.name.to_owned()
            }
        }
    }

    fn facts() -> Vec<Fact> {
        tsv(OCD_FACTS)
            .map(|f| {
                assert_eq!(f.len(), 6, "{f:?}");
                Fact {
                    platform: f[0],
                    category: f[1],
                    name: f[2],
                    wildcard: f[3] == "1",
                    first_party: f[4] == "1",
                    decision: f[5],
                }
            })
            .collect()
    }

    #[test]
    fn never_blocks_what_a_site_needs() {
        let mut problems = Vec::new();
        let mut count = 0;
        for line in tsv(NEVER_BLOCK) {
            let [needed, what] = line[..] else {
                panic!("bad never-block line {line:?}");
            };
            count += 1;
            for entry in known_trackers() {
                if globs_intersect(entry.pattern.as_bytes(), needed.as_bytes()) {
                    problems.push(format!(
                        "{} ({}) catches {needed} ({what})",
                        entry.pattern, entry.vendor
                    ));
                }
            }
        }
        assert!(count >= 100, "the list has {count} entries");
        for name in [
            "__stripe_mid",
            "__stripe_sid",
            "__cf_bm",
            "cf_clearance",
            "AWSALB",
            "AWSALBCORS",
            "_pxvid",
            "XSRF-TOKEN",
            "csrftoken",
            "OptanonConsent",
            "OptanonAlertBoxClosed",
            "CookieConsent",
            "intercom-session-abc",
            "JSESSIONID",
            "PHPSESSID",
        ] {
            assert!(
                tsv(NEVER_BLOCK).any(|l| glob_match(l[0].as_bytes(), name.as_bytes())),
                "{name} is on the list"
            );
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// No entry matches a cookie the database marks Functional, Security, Necessary or
    /// Personalization, unless the data file records why (a `reclassified:` decision).
    #[test]
    fn database_functional_rows_stay_out_unless_reclassified() {
        let facts = facts();
        let required: Vec<&Fact> = facts
            .iter()
            .filter(|f| {
                matches!(
                    f.category,
                    "Functional" | "Security" | "Necessary" | "Personalization"
                )
            })
            .collect();
        assert!(required.len() > 900, "{} rows", required.len());
        let mut problems = Vec::new();
        let mut reclassified = 0;
        for fact in required {
            let Some(entry) = resolve(&fact.example()) else {
                continue;
            };
            if fact.decision.starts_with("reclassified: ") {
                reclassified += 1;
            } else {
                problems.push(format!(
                    "{} ({}, {}) is caught by {} ({})",
                    fact.name, fact.platform, fact.category, entry.pattern, entry.vendor
                ));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(reclassified > 0, "the reclassified rows are matched");
    }

    /// The share of the database's first-party Analytics and Marketing rows the catalog
    /// recognises: every row except those left out on purpose, each with its reason.
    #[test]
    fn coverage_of_the_database() {
        let facts = facts();
        let optional: Vec<&Fact> = facts
            .iter()
            .filter(|f| matches!(f.category, "Analytics" | "Marketing"))
            .collect();
        assert!(optional.iter().all(|f| f.first_party));
        let mut missed = Vec::new();
        let (mut recognised, mut excluded) = (0, 0);
        for fact in &optional {
            let found = resolve(&fact.example());
            if let Some(reason) = fact.decision.strip_prefix("excluded: ") {
                assert!(!reason.trim().is_empty(), "{}: no reason", fact.name);
                excluded += 1;
                if found.is_some() {
                    recognised += 1;
                }
            } else if found.is_some() {
                recognised += 1;
            } else {
                missed.push(fact.name);
            }
        }
        assert!(missed.is_empty(), "not recognised: {missed:?}");
        // The figures the module docs report.
        assert_eq!(optional.len(), 493);
        assert_eq!(excluded, 101);
        assert_eq!(recognised, 392);
    }

    #[test]
    fn generic_names_are_not_in_the_catalog() {
        for name in [
            "test_cookie",
            "id",
            "uid",
            "MR",
            "SM",
            "fr",
            "_s",
            "_y",
            "sp",
            "i",
            "fid",
            "session",
            "visitor_id",
            "lang",
            "theme",
            "cart",
            "token",
            "user",
            "auth",
        ] {
            assert_eq!(resolve(name).map(|c| c.pattern), None, "{name}");
        }
    }

    /// A sample of each major vendor's cookies resolves to the vendor and category its
    /// documentation gives.
    #[test]
    fn major_vendors_resolve_to_their_category() {
        let cases: &[(&str, &str, Category)] = &[
            ("_shopify_y", "Shopify", Analytics),
            ("_shopify_s", "Shopify", Analytics),
            ("_shopify_sa_t", "Shopify", Marketing),
            ("_ce.s", "Crazy Egg", Analytics),
            ("cebs", "Crazy Egg", Analytics),
            ("_cs_id", "Contentsquare", Analytics),
            ("_cs_s", "Contentsquare", Analytics),
            ("QSI_SI_abc123_intercept", "Qualtrics", Analytics),
            ("_mkto_trk", "Marketo (Adobe)", Marketing),
            ("_biz_uid", "Marketo (Adobe)", Analytics),
            ("_biz_nA", "Marketo (Adobe)", Analytics),
            ("__kla_id", "Klaviyo", Marketing),
            ("_sp_id.1fff", "Snowplow", Analytics),
            ("_sp_ses.1fff", "Snowplow", Analytics),
            ("s_tp", "Adobe Analytics", Analytics),
            ("s_lv", "Adobe Analytics", Analytics),
            ("gpv_pn", "Adobe Analytics", Analytics),
            ("aam_uuid", "Adobe Audience Manager", Marketing),
            ("AMCV_ABC%40AdobeOrg", "Adobe Experience Cloud", Analytics),
            ("__hstc", "HubSpot", Analytics),
            ("hubspotutk", "HubSpot", Analytics),
            ("__hssc", "HubSpot", Analytics),
            ("_hjSessionUser_123", "Hotjar", Analytics),
            ("_hjSession_123", "Hotjar", Analytics),
            ("_hjFirstSeen", "Hotjar", Analytics),
            ("_ga", "Google Analytics", Analytics),
            ("_ga_ABC123", "Google Analytics", Analytics),
            ("_gid", "Google Analytics", Analytics),
            ("_gcl_au", "Google Ads", Marketing),
            ("_fbp", "Meta", Marketing),
            ("_fbc", "Meta", Marketing),
            ("__insp_uid", "Inspectlet", Analytics),
            ("_chartbeat2", "Chartbeat", Analytics),
            ("_lo_uid", "Lucky Orange", Analytics),
            ("plausible_ignore", "Plausible Analytics", Analytics),
            ("_pk_id.1.1fff", "Matomo", Analytics),
            ("mc_cid", "Mailchimp", Analytics),
            ("__eoi", "", Marketing), // Google marks it Security: not in the catalog
            ("_cc_id", "Lotame", Marketing),
            ("panoramaId", "Lotame", Marketing),
            ("_pubcid", "Prebid SharedID", Marketing),
            ("cto_bidid", "Criteo", Marketing),
            ("cto_bundle", "Criteo", Marketing),
            ("_lr_env", "LiveRamp ATS", Marketing),
            ("_scor_uid", "Comscore", Marketing),
            ("_uetsid", "Microsoft Advertising (Bing UET)", Marketing),
            ("_clck", "Microsoft Clarity", Analytics),
            ("_ttp", "TikTok", Marketing),
            ("_pin_unauth", "Pinterest", Marketing),
            ("li_fat_id", "LinkedIn", Marketing),
            ("amplitude_id_abc", "", Analytics), // the legacy SDK's name: amp_* is lower-case
            ("AMP_abc123", "Amplitude", Analytics),
            ("mp_0123_mixpanel", "Mixpanel", Analytics),
            ("ajs_anonymous_id", "Segment", Analytics),
            ("rl_anonymous_id", "RudderStack", Analytics),
        ];
        let mut wrong = Vec::new();
        for &(name, vendor, category) in cases {
            let found = resolve(name).map(|c| (c.vendor, c.category));
            let expected = (!vendor.is_empty()).then_some((vendor, category));
            if found != expected {
                wrong.push(format!("{name}: {found:?}, expected {expected:?}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn no_duplicate_patterns() {
        let mut patterns: Vec<&str> = known_trackers().iter().map(|c| c.pattern).collect();
        patterns.sort_unstable();
        for pair in patterns.windows(2) {
            assert_ne!(pair[0], pair[1], "duplicate pattern");
        }
    }

    #[test]
    fn patterns_are_valid_cookie_names() {
        for cookie in known_trackers() {
            let p = cookie.pattern;
            assert!(!p.is_empty(), "empty pattern");
            assert!(
                p.bytes().any(|b| b != b'*'),
                "pattern {p:?} is only wildcards"
            );
            assert!(
                p.bytes().all(is_pattern_byte),
                "pattern {p:?} has a non-token byte"
            );
        }
    }

    #[test]
    fn vendors_and_purposes_are_filled_in() {
        for cookie in known_trackers() {
            assert!(
                !cookie.vendor.trim().is_empty(),
                "{}: empty vendor",
                cookie.pattern
            );
            assert!(
                !cookie.purpose.trim().is_empty(),
                "{}: empty purpose",
                cookie.pattern
            );
        }
    }

    #[test]
    fn only_consent_requiring_categories() {
        for cookie in known_trackers() {
            assert!(
                matches!(cookie.category, Analytics | Marketing | Preferences),
                // (no entry is Preferences today; a vendor-documented preference may be)
                "{}: category {:?} does not belong in the catalog",
                cookie.pattern,
                cookie.category
            );
        }
    }

    /// Two entries with the same number of literal bytes that can match a common
    /// name must agree on the category, so resolution by specificity is never
    /// ambiguous. This also checks exact names against patterns, which is stricter
    /// than needed (an exact name always wins) but keeps the table obviously sound.
    #[test]
    fn equally_specific_overlaps_agree_on_category() {
        let catalog = known_trackers();
        let mut conflicts = Vec::new();
        for (i, a) in catalog.iter().enumerate() {
            for b in &catalog[i + 1..] {
                if literal_bytes(a.pattern) == literal_bytes(b.pattern)
                    && a.category != b.category
                    && globs_intersect(a.pattern.as_bytes(), b.pattern.as_bytes())
                {
                    conflicts.push(format!(
                        "{} ({:?}) vs {} ({:?})",
                        a.pattern, a.category, b.pattern, b.category
                    ));
                }
            }
        }
        assert!(conflicts.is_empty(), "ambiguous overlaps: {conflicts:#?}");
    }

    #[test]
    fn glob_helpers_behave() {
        assert!(glob_match(b"_ga_*", b"_ga_ABC123"));
        assert!(glob_match(b"_ga_*", b"_ga_"));
        assert!(!glob_match(b"_ga_*", b"_ga"));
        assert!(glob_match(b"mp_*_mixpanel", b"mp_abc_mixpanel"));
        assert!(!glob_match(b"mp_*_mixpanel", b"mp_abc_mixpanelx"));
        assert!(globs_intersect(
            b"_vis_opt_exp_*_combi",
            b"_vis_opt_exp_*_goal_*"
        ));
        assert!(globs_intersect(b"a*", b"*b"));
        assert!(!globs_intersect(b"_ga_*", b"_gat_*"));
        assert!(!globs_intersect(b"AMP_*", b"amp_*"));
        assert!(!globs_intersect(b"abc", b"abd"));
    }

    #[test]
    fn spot_checks() {
        let category = |name: &str| resolve(name).map(|c| c.category);
        let pattern = |name: &str| resolve(name).map(|c| c.pattern);

        assert_eq!(category("_ga"), Some(Analytics));
        assert_eq!(category("_fbp"), Some(Marketing));
        assert_eq!(pattern("_ga_ABC123"), Some("_ga_*"));
        assert_eq!(category("_ga_ABC123"), Some(Analytics));
        assert_eq!(pattern("_gat_gtag_UA_12345_1"), Some("_gat_gtag_*"));
        assert_eq!(pattern("_gat_UA_12345_1"), Some("_gat_*"));
        assert_eq!(category("_gcl_ls"), Some(Marketing));
        assert_eq!(pattern("_hjSessionUser_123456"), Some("_hjSessionUser_*"));
        assert_eq!(pattern("_hjSession_123456"), Some("_hjSession_*"));
        assert_eq!(pattern("_hjSomethingNew"), Some("_hj*"));
        assert_eq!(pattern("_pk_id.1.1fff"), Some("_pk_id.*"));
        assert_eq!(category("mp_0123abcd_mixpanel"), Some(Analytics));
        assert_eq!(pattern("AMP_MKTG_0123456789"), Some("AMP_MKTG_*"));
        assert_eq!(pattern("AMCV_ABC123%40AdobeOrg"), Some("AMCV_*"));
        assert_eq!(pattern("AMCVS_ABC123%40AdobeOrg"), Some("AMCVS_*"));
        assert_eq!(pattern("_ym_uid"), Some("_ym_uid"));
        assert_eq!(pattern("_ym_metrika_enabled"), Some("_ym_metrika_enabled"));
        assert_eq!(pattern("_ym_visorc_1"), Some("_ym_*"));
        assert_eq!(category("ttcsid_C1234567890"), Some(Marketing));
        // HubSpot's chat cookie: the conversation needs it (never-block list).
        assert_eq!(category("messagesUtk"), None);
        assert_eq!(
            pattern("_vis_opt_exp_12_combi"),
            Some("_vis_opt_exp_*_combi")
        );

        // Ordinary first-party cookies are not caught.
        assert_eq!(resolve("session"), None);
        assert_eq!(resolve("csrftoken"), None);
        assert_eq!(resolve("s_theme"), None);
        assert_eq!(resolve("_gax"), None);
    }
}
