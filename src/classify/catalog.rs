//! The built-in catalog of well-known tracker cookies, used by
//! [`ConsentLayerBuilder::known_trackers`](crate::ConsentLayerBuilder::known_trackers).
//!
//! The table was written by hand from the vendors' public cookie documentation
//! (names, purposes and typical lifetimes). It lists only cookies that need
//! consent: analytics, A/B testing and advertising cookies, plus the rare cookie
//! a vendor documents as a preference. Vendors' own consent and opt-out cookies
//! are deliberately left out.
//!
//! Names are matched case-sensitively, as browsers do. In a pattern, `*` matches
//! any run of bytes, including an empty one. When several entries match a name,
//! an exact name beats every pattern, and among patterns the one with more
//! literal (non-`*`) bytes wins. Rules the app declares itself always win over
//! catalog entries, so an app can reclassify or exempt any of these cookies.

use std::time::Duration;

use crate::Category;

/// One well-known cookie: its name or name pattern, who sets it, which consent it
/// needs, what it is for and how long it usually lives.
///
/// Entries come from [`known_trackers`]; they cannot be built outside this crate.
///
/// # Example
///
/// ```
/// use tower_consent::{known_trackers, Category};
///
/// let ga = known_trackers()
///     .iter()
///     .find(|cookie| cookie.pattern == "_ga")
///     .expect("_ga is in the catalog");
/// assert_eq!(ga.category, Category::Analytics);
/// assert_eq!(ga.vendor, "Google Analytics");
/// assert!(ga.lifetime.is_some());
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
    /// The cookie's typical lifetime as documented by the vendor; `None` for a
    /// session cookie.
    pub lifetime: Option<Duration>,
}

/// The built-in catalog of well-known tracker cookies.
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
/// assert!(catalog.len() >= 80);
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

/// A session cookie: no `Expires` or `Max-Age`.
const SESSION: Option<Duration> = None;

const fn seconds(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n))
}

const fn minutes(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 60))
}

const fn hours(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 60 * 60))
}

const fn days(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 24 * 60 * 60))
}

/// Months of 30 days, as vendors' tables usually mean them.
const fn months(n: u64) -> Option<Duration> {
    days(n * 30)
}

/// Years of 365 days.
const fn years(n: u64) -> Option<Duration> {
    days(n * 365)
}

const fn entry(
    pattern: &'static str,
    vendor: &'static str,
    category: Category,
    purpose: &'static str,
    lifetime: Option<Duration>,
) -> KnownCookie {
    KnownCookie {
        pattern,
        vendor,
        category,
        purpose,
        lifetime,
    }
}

const GOOGLE_ANALYTICS: &str = "Google Analytics";
const GOOGLE_ADS: &str = "Google Ads";
const DOUBLECLICK: &str = "Google DoubleClick";
const GOOGLE_AD_MANAGER: &str = "Google AdSense / Ad Manager";
const GOOGLE: &str = "Google";
const GOOGLE_OPTIMIZE: &str = "Google Optimize";
const META: &str = "Meta";
const HOTJAR: &str = "Hotjar";
const CLARITY: &str = "Microsoft Clarity";
const MICROSOFT: &str = "Microsoft";
const MICROSOFT_ADS: &str = "Microsoft Advertising (Bing UET)";
const HUBSPOT: &str = "HubSpot";
const MATOMO: &str = "Matomo";
const MIXPANEL: &str = "Mixpanel";
const SEGMENT: &str = "Segment";
const AMPLITUDE: &str = "Amplitude";
const LINKEDIN: &str = "LinkedIn";
const TIKTOK: &str = "TikTok";
const PINTEREST: &str = "Pinterest";
const X_TWITTER: &str = "X (Twitter)";
const YANDEX_METRICA: &str = "Yandex Metrica";
const YANDEX: &str = "Yandex";
const ADOBE_ANALYTICS: &str = "Adobe Analytics";
const ADOBE_EXPERIENCE_CLOUD: &str = "Adobe Experience Cloud";
const ADOBE_TARGET: &str = "Adobe Target";
const ADOBE_AUDIENCE_MANAGER: &str = "Adobe Audience Manager";
const OPTIMIZELY: &str = "Optimizely";
const VWO: &str = "VWO";
const CRITEO: &str = "Criteo";
const QUANTCAST: &str = "Quantcast";
const SNAP: &str = "Snap";
const REDDIT: &str = "Reddit";
const TABOOLA: &str = "Taboola";
const OUTBRAIN: &str = "Outbrain";

use Category::{Analytics, Marketing, Preferences};

#[rustfmt::skip]
static KNOWN_TRACKERS: &[KnownCookie] = &[
    // Google Analytics (GA4 and Universal Analytics).
    entry("_ga", GOOGLE_ANALYTICS, Analytics, "Distinguishes visitors with a random client ID.", years(2)),
    entry("_ga_*", GOOGLE_ANALYTICS, Analytics, "Persists GA4 session state for one measurement ID.", years(2)),
    entry("_gid", GOOGLE_ANALYTICS, Analytics, "Distinguishes visitors over a 24-hour window.", hours(24)),
    entry("_gat", GOOGLE_ANALYTICS, Analytics, "Throttles the request rate.", minutes(1)),
    entry("_gat_*", GOOGLE_ANALYTICS, Analytics, "Throttles the request rate for one tracker or gtag property.", minutes(1)),
    entry("_dc_gtm_*", GOOGLE_ANALYTICS, Analytics, "Throttles the request rate when loaded through Google Tag Manager.", minutes(1)),
    entry("AMP_TOKEN", GOOGLE_ANALYTICS, Analytics, "Holds a token for fetching the client ID from the AMP Client ID service.", years(1)),
    entry("FPID", GOOGLE_ANALYTICS, Analytics, "Holds the client ID set by server-side tagging.", years(2)),
    entry("FPLC", GOOGLE_ANALYTICS, Analytics, "Carries the client ID across domains for server-side tagging.", hours(20)),
    entry("__utma", GOOGLE_ANALYTICS, Analytics, "Distinguishes visitors and sessions (legacy ga.js).", years(2)),
    entry("__utmb", GOOGLE_ANALYTICS, Analytics, "Determines new sessions and visits (legacy ga.js).", minutes(30)),
    entry("__utmc", GOOGLE_ANALYTICS, Analytics, "Works with __utmb to detect a new session (legacy ga.js).", SESSION),
    entry("__utmt", GOOGLE_ANALYTICS, Analytics, "Throttles the request rate (legacy ga.js).", minutes(10)),
    entry("__utmz", GOOGLE_ANALYTICS, Analytics, "Stores the traffic source or campaign that brought the visitor (legacy ga.js).", months(6)),
    entry("__utmv", GOOGLE_ANALYTICS, Analytics, "Stores visitor-level custom variable data (legacy ga.js).", years(2)),
    entry("__utmx", GOOGLE_ANALYTICS, Analytics, "Records the visitor's inclusion in a Content Experiment (legacy ga.js).", months(18)),
    entry("__utmxx", GOOGLE_ANALYTICS, Analytics, "Records the expiry of experiments the visitor is in (legacy ga.js).", months(18)),
    entry("_gac_*", GOOGLE_ANALYTICS, Marketing, "Holds Google Ads campaign data for conversion measurement in a linked property.", days(90)),

    // Google Ads, DoubleClick and Google ad serving.
    entry("_gcl_au", GOOGLE_ADS, Marketing, "Stores the conversion linker ID for measuring ad conversions.", days(90)),
    entry("_gcl_aw", GOOGLE_ADS, Marketing, "Stores the Google Ads click ID (gclid) for conversion attribution.", days(90)),
    entry("_gcl_dc", GOOGLE_ADS, Marketing, "Stores the Campaign Manager and Display & Video 360 click ID (dclid).", days(90)),
    entry("_gcl_gb", GOOGLE_ADS, Marketing, "Stores the gbraid click ID for app-to-web conversion measurement.", days(90)),
    entry("_gcl_*", GOOGLE_ADS, Marketing, "Stores other Google ad click and conversion linker data.", days(90)),
    entry("IDE", DOUBLECLICK, Marketing, "Identifies the browser to serve, measure and personalise ads across sites.", days(390)),
    entry("test_cookie", DOUBLECLICK, Marketing, "Checks whether the browser accepts third-party ad cookies.", minutes(15)),
    entry("DSID", DOUBLECLICK, Marketing, "Links ad activity on other sites to a signed-in Google account.", days(14)),
    entry("ANID", GOOGLE, Marketing, "Stores an identifier Google uses for ad personalisation.", days(390)),
    entry("__gads", GOOGLE_AD_MANAGER, Marketing, "Measures ad interactions and caps ad frequency on the publisher's site.", days(390)),
    entry("__gpi", GOOGLE_AD_MANAGER, Marketing, "Stores a publisher-scoped identifier for serving and measuring ads.", days(390)),
    entry("NID", GOOGLE, Marketing, "Stores preferences and an ID Google uses to personalise ads.", months(6)),
    entry("1P_JAR", GOOGLE, Marketing, "Collects site statistics and conversion data for Google ads.", days(30)),

    // Google Optimize (A/B testing).
    entry("_gaexp", GOOGLE_OPTIMIZE, Analytics, "Records which experiments the visitor is in and when they expire.", days(90)),
    entry("_opt_awcid", GOOGLE_OPTIMIZE, Analytics, "Targets experiments by Google Ads customer ID.", hours(24)),
    entry("_opt_awmid", GOOGLE_OPTIMIZE, Analytics, "Targets experiments by Google Ads campaign ID.", hours(24)),
    entry("_opt_awgid", GOOGLE_OPTIMIZE, Analytics, "Targets experiments by Google Ads ad group ID.", hours(24)),
    entry("_opt_awkid", GOOGLE_OPTIMIZE, Analytics, "Targets experiments by Google Ads criterion ID.", hours(24)),
    entry("_opt_utmc", GOOGLE_OPTIMIZE, Analytics, "Stores the last utm_campaign value for experiment targeting.", hours(24)),
    entry("_opt_expid", GOOGLE_OPTIMIZE, Analytics, "Passes experiment data across a redirect test.", seconds(10)),

    // Meta (Facebook) Pixel.
    entry("_fbp", META, Marketing, "Identifies the browser for Meta Pixel ad delivery and measurement.", days(90)),
    entry("_fbc", META, Marketing, "Stores the Facebook click ID (fbclid) of the ad that brought the visitor.", days(90)),
    entry("fr", META, Marketing, "Delivers, measures and improves the relevance of Meta ads.", days(90)),

    // Hotjar.
    entry("_hjSessionUser_*", HOTJAR, Analytics, "Holds the Hotjar user ID for one site.", years(1)),
    entry("_hjSession_*", HOTJAR, Analytics, "Holds the current Hotjar session for one site.", minutes(30)),
    entry("_hjid", HOTJAR, Analytics, "Holds the Hotjar user ID (older tracking code).", years(1)),
    entry("_hjAbsoluteSessionInProgress", HOTJAR, Analytics, "Detects the first pageview session of a user.", minutes(30)),
    entry("_hjFirstSeen", HOTJAR, Analytics, "Marks the first session of a new user.", SESSION),
    entry("_hjIncludedInSessionSample_*", HOTJAR, Analytics, "Records whether the user is in the session sample for one site.", minutes(30)),
    entry("_hjIncludedInPageviewSample", HOTJAR, Analytics, "Records whether the user is in the pageview sample.", minutes(30)),
    entry("_hjTLDTest", HOTJAR, Analytics, "Finds the most generic cookie domain to use.", SESSION),
    entry("_hjLocalStorageTest", HOTJAR, Analytics, "Checks whether local storage is available.", SESSION),
    entry("_hjSessionStorageTest", HOTJAR, Analytics, "Checks whether session storage is available.", SESSION),
    entry("_hjCookieTest", HOTJAR, Analytics, "Checks whether cookies can be set.", SESSION),
    entry("_hjClosedSurveyInvites", HOTJAR, Analytics, "Remembers that a survey invitation was closed or answered.", years(1)),
    entry("_hjDonePolls", HOTJAR, Analytics, "Remembers that a feedback poll was completed.", years(1)),
    entry("_hjMinimizedPolls", HOTJAR, Analytics, "Remembers that a feedback poll was minimised.", years(1)),
    entry("_hjShownFeedbackMessage", HOTJAR, Analytics, "Remembers that the feedback widget message was shown.", years(1)),
    entry("_hjSessionTooLarge", HOTJAR, Analytics, "Stops recording when the session data grows too large.", hours(1)),
    entry("_hjSessionRejected", HOTJAR, Analytics, "Stops recording when Hotjar's server refused the session.", SESSION),
    entry("_hjSessionResumed", HOTJAR, Analytics, "Marks a session resumed after an interruption.", SESSION),
    entry("_hjRecordingLastActivity", HOTJAR, Analytics, "Tracks the last activity of a recording.", SESSION),
    entry("_hjRecordingEnabled", HOTJAR, Analytics, "Marks that a recording has started in this session.", SESSION),
    entry("_hjUserAttributesHash", HOTJAR, Analytics, "Detects changes to user attributes sent with the Identify API.", SESSION),
    entry("_hjCachedUserAttributes", HOTJAR, Analytics, "Stores user attributes sent with the Identify API.", SESSION),
    entry("_hjViewportId", HOTJAR, Analytics, "Stores viewport details of the current session.", SESSION),
    entry("_hj*", HOTJAR, Analytics, "Holds other Hotjar behaviour-analytics state.", years(1)),

    // Microsoft Clarity and Microsoft's shared ad identifiers.
    entry("_clck", CLARITY, Analytics, "Persists the Clarity user ID and preferences.", years(1)),
    entry("_clsk", CLARITY, Analytics, "Connects page views into a single Clarity session recording.", days(1)),
    entry("CLID", CLARITY, Analytics, "Records the first time Clarity saw this browser on any site.", years(1)),
    entry("ANONCHK", MICROSOFT, Marketing, "Indicates whether the MUID is passed on to Microsoft's ad cookie.", minutes(10)),
    entry("MR", MICROSOFT, Marketing, "Indicates whether to refresh the MUID.", days(7)),
    entry("MUID", MICROSOFT, Marketing, "Identifies the browser across Microsoft sites for ads and measurement.", days(390)),
    entry("SM", MICROSOFT, Marketing, "Synchronises the MUID across Microsoft domains.", SESSION),

    // Microsoft Advertising (Bing UET).
    entry("_uetsid", MICROSOFT_ADS, Marketing, "Identifies the session for UET conversion tracking.", days(1)),
    entry("_uetvid", MICROSOFT_ADS, Marketing, "Identifies the visitor across sessions for UET conversion tracking.", days(390)),
    entry("_uetmsclkid", MICROSOFT_ADS, Marketing, "Stores the Microsoft click ID (msclkid) for conversion attribution.", days(90)),

    // HubSpot.
    entry("__hstc", HUBSPOT, Analytics, "Tracks visitors: domain, visitor token and visit timestamps.", months(6)),
    entry("hubspotutk", HUBSPOT, Analytics, "Holds the visitor token passed to HubSpot on form submission.", months(6)),
    entry("__hssc", HUBSPOT, Analytics, "Counts page views in the current session.", minutes(30)),
    entry("__hssrc", HUBSPOT, Analytics, "Flags a browser restart so HubSpot can detect a new session.", SESSION),
    entry("messagesUtk", HUBSPOT, Preferences, "Recognises chat visitors so earlier conversations can resume.", months(6)),

    // Matomo.
    entry("_pk_id.*", MATOMO, Analytics, "Stores the Matomo visitor ID.", days(393)),
    entry("_pk_ses.*", MATOMO, Analytics, "Marks an active Matomo visit.", minutes(30)),
    entry("_pk_ref.*", MATOMO, Analytics, "Stores the referrer that first brought the visitor.", months(6)),
    entry("_pk_cvar.*", MATOMO, Analytics, "Stores custom variables of the current visit.", minutes(30)),
    entry("_pk_hsr.*", MATOMO, Analytics, "Marks an active heatmap or session recording.", minutes(30)),
    entry("_pk_testcookie*", MATOMO, Analytics, "Checks whether the browser accepts cookies.", SESSION),

    // Product analytics.
    entry("mp_*_mixpanel", MIXPANEL, Analytics, "Stores the Mixpanel distinct ID and super properties for one project.", years(1)),
    entry("ajs_anonymous_id", SEGMENT, Analytics, "Holds the anonymous visitor ID assigned by analytics.js.", years(1)),
    entry("ajs_user_id", SEGMENT, Analytics, "Holds the ID of the identified user.", years(1)),
    entry("ajs_group_id", SEGMENT, Analytics, "Holds the ID of the group or account the user belongs to.", years(1)),
    entry("AMP_MKTG_*", AMPLITUDE, Analytics, "Stores campaign attribution such as UTM parameters and referrer.", years(1)),
    entry("AMP_*", AMPLITUDE, Analytics, "Stores the Amplitude device ID, user ID and session.", years(1)),
    entry("amp_*", AMPLITUDE, Analytics, "Stores the Amplitude device ID and session (legacy SDK).", years(1)),

    // LinkedIn.
    entry("li_sugr", LINKEDIN, Marketing, "Holds a browser ID for probabilistic matching of ad visitors.", days(90)),
    entry("bcookie", LINKEDIN, Marketing, "Identifies the browser for LinkedIn embeds and the Insight Tag.", years(1)),
    entry("lidc", LINKEDIN, Marketing, "Selects the LinkedIn data centre that serves the browser.", days(1)),
    entry("UserMatchHistory", LINKEDIN, Marketing, "Syncs LinkedIn Ads IDs with ad partners.", days(30)),
    entry("AnalyticsSyncHistory", LINKEDIN, Marketing, "Records when the browser last synced with lms_analytics.", days(30)),
    entry("li_fat_id", LINKEDIN, Marketing, "Holds an indirect member identifier for conversion tracking and retargeting.", days(30)),
    entry("li_oatml", LINKEDIN, Marketing, "Holds an indirect member identifier for conversion tracking and retargeting.", days(30)),
    entry("li_giant", LINKEDIN, Marketing, "Holds an indirect identifier for groups of members for conversion tracking.", days(7)),
    entry("lms_ads", LINKEDIN, Marketing, "Identifies LinkedIn members off LinkedIn for advertising.", days(30)),
    entry("lms_analytics", LINKEDIN, Marketing, "Identifies LinkedIn members off LinkedIn for ad measurement.", days(30)),
    entry("_guid", LINKEDIN, Marketing, "Identifies a LinkedIn member for advertising through Google Ads.", days(90)),
    entry("ln_or", LINKEDIN, Analytics, "Decides whether LinkedIn (Oribi) analytics run on this domain.", days(1)),

    // TikTok Pixel.
    entry("_ttp", TIKTOK, Marketing, "Identifies the browser for TikTok ad measurement and targeting.", days(390)),
    entry("_tt_enable_cookie", TIKTOK, Marketing, "Checks whether the browser accepts TikTok Pixel cookies.", days(390)),
    entry("ttcsid", TIKTOK, Marketing, "Holds the TikTok Pixel session ID that groups events from one visit.", days(390)),
    entry("ttcsid_*", TIKTOK, Marketing, "Holds the TikTok Pixel session ID for one pixel.", days(390)),

    // Pinterest Tag.
    entry("_pinterest_sess", PINTEREST, Marketing, "Holds the Pinterest login, used to attribute ads to signed-in users.", years(1)),
    entry("_pin_unauth", PINTEREST, Marketing, "Groups actions of visitors Pinterest cannot otherwise identify.", years(1)),
    entry("_epik", PINTEREST, Marketing, "Stores the Pinterest ad click ID (epik).", years(1)),
    entry("_derived_epik", PINTEREST, Marketing, "Stores an identifier derived by the Pinterest Tag for conversion matching.", years(1)),
    entry("_pinterest_ct_ua", PINTEREST, Marketing, "Groups a browser's actions across sites for Pinterest ads.", years(1)),

    // X (Twitter).
    entry("personalization_id", X_TWITTER, Marketing, "Tracks activity on and off X for ad personalisation.", years(2)),
    entry("guest_id", X_TWITTER, Marketing, "Identifies a logged-out visitor to X.", years(2)),
    entry("guest_id_ads", X_TWITTER, Marketing, "Identifies a logged-out visitor for X advertising.", years(2)),
    entry("guest_id_marketing", X_TWITTER, Marketing, "Identifies a logged-out visitor for X marketing.", years(2)),
    entry("muc_ads", X_TWITTER, Marketing, "Holds an X ads identifier for measurement and personalisation.", years(2)),
    entry("_twclid", X_TWITTER, Marketing, "Stores the X ad click ID for conversion attribution.", years(2)),

    // Yandex Metrica and Yandex advertising.
    entry("_ym_uid", YANDEX_METRICA, Analytics, "Identifies the visitor.", years(1)),
    entry("_ym_d", YANDEX_METRICA, Analytics, "Stores the date of the visitor's first session.", years(1)),
    entry("_ym_isad", YANDEX_METRICA, Analytics, "Detects whether the visitor uses an ad blocker.", days(2)),
    entry("_ym_visorc", YANDEX_METRICA, Analytics, "Keeps Session Replay working across pages.", minutes(30)),
    entry("_ym_*", YANDEX_METRICA, Analytics, "Holds other Yandex Metrica state such as sessions and replay.", years(1)),
    entry("yandexuid", YANDEX, Marketing, "Identifies the browser across Yandex services for ad targeting.", years(1)),
    entry("yuidss", YANDEX, Marketing, "Holds a copy of yandexuid for ad measurement.", years(1)),
    entry("ymex", YANDEX, Marketing, "Holds auxiliary data for the Yandex browser identifier.", years(1)),
    entry("yabs-sid", YANDEX, Marketing, "Holds the Yandex advertising session ID.", SESSION),

    // Adobe Experience Cloud.
    entry("s_cc", ADOBE_ANALYTICS, Analytics, "Checks whether cookies are enabled (AppMeasurement).", SESSION),
    entry("s_sq", ADOBE_ANALYTICS, Analytics, "Stores the previous link clicked, for Activity Map.", SESSION),
    entry("s_vi", ADOBE_ANALYTICS, Analytics, "Holds the legacy Adobe Analytics visitor ID.", years(2)),
    entry("s_fid", ADOBE_ANALYTICS, Analytics, "Holds a fallback visitor ID when s_vi cannot be set.", years(2)),
    entry("s_ecid", ADOBE_ANALYTICS, Analytics, "Holds a first-party copy of the Experience Cloud ID.", years(2)),
    entry("s_ppv", ADOBE_ANALYTICS, Analytics, "Stores how much of the previous page was viewed.", SESSION),
    entry("AMCV_*", ADOBE_EXPERIENCE_CLOUD, Analytics, "Holds the Experience Cloud visitor ID (ECID) for one organisation.", years(2)),
    entry("AMCVS_*", ADOBE_EXPERIENCE_CLOUD, Analytics, "Flags that the Experience Cloud ID service initialised this session.", SESSION),
    entry("kndctr_*_AdobeOrg_identity", ADOBE_EXPERIENCE_CLOUD, Analytics, "Holds the ECID for the Adobe Experience Platform Web SDK.", days(390)),
    entry("kndctr_*_AdobeOrg_cluster", ADOBE_EXPERIENCE_CLOUD, Analytics, "Routes Web SDK requests to the same edge region.", minutes(30)),
    entry("mbox", ADOBE_TARGET, Analytics, "Holds the Adobe Target session and profile IDs for experiments.", years(2)),
    entry("at_check", ADOBE_TARGET, Analytics, "Checks whether the browser accepts cookies.", SESSION),
    entry("demdex", ADOBE_AUDIENCE_MANAGER, Marketing, "Holds the Audience Manager device ID for ad targeting.", days(180)),
    entry("dextp", ADOBE_AUDIENCE_MANAGER, Marketing, "Records when Audience Manager last synced IDs with partners.", days(180)),

    // Optimizely.
    entry("optimizelyEndUserId", OPTIMIZELY, Analytics, "Holds the visitor ID used to bucket visitors into experiments.", days(180)),
    entry("optimizelySession", OPTIMIZELY, Analytics, "Tracks the current session (Optimizely Classic).", SESSION),
    entry("optimizelyBuckets", OPTIMIZELY, Analytics, "Stores the variations the visitor was bucketed into (Optimizely Classic).", years(10)),
    entry("optimizelySegments", OPTIMIZELY, Analytics, "Stores the visitor's audience segments (Optimizely Classic).", years(10)),
    entry("optimizelyRedirectData", OPTIMIZELY, Analytics, "Passes experiment data across a redirect experiment.", seconds(5)),
    entry("optimizelyDomainTestCookie", OPTIMIZELY, Analytics, "Finds the top-level domain for Optimizely cookies.", SESSION),
    entry("optimizelyPendingLogEvents", OPTIMIZELY, Analytics, "Queues tracking events across a redirect.", seconds(15)),

    // VWO.
    entry("_vwo_uuid_v2", VWO, Analytics, "Holds a unique visitor ID.", years(1)),
    entry("_vwo_uuid", VWO, Analytics, "Holds a unique visitor ID used to bucket visitors into campaigns.", years(10)),
    entry("_vwo_ds", VWO, Analytics, "Stores visitor-level data for VWO campaigns.", days(90)),
    entry("_vwo_sn", VWO, Analytics, "Stores session-level data for VWO campaigns.", minutes(30)),
    entry("_vwo_referrer", VWO, Analytics, "Keeps the original referrer across a split-URL redirect.", seconds(25)),
    entry("_vis_opt_s", VWO, Analytics, "Counts sessions to detect new and returning visitors.", days(100)),
    entry("_vis_opt_test_cookie", VWO, Analytics, "Checks whether the browser accepts cookies.", SESSION),
    entry("_vis_opt_exp_*_combi", VWO, Analytics, "Stores the variation shown for one campaign.", days(100)),
    entry("_vis_opt_exp_*_goal_*", VWO, Analytics, "Records a goal conversion for one campaign.", days(100)),
    entry("_vis_opt_exp_*_exclude", VWO, Analytics, "Marks a visitor excluded from one campaign.", days(100)),

    // Advertising networks.
    entry("cto_bundle", CRITEO, Marketing, "Stores identifiers Criteo uses for retargeting across sites.", days(390)),
    entry("__qca", QUANTCAST, Marketing, "Distinguishes visitors for Quantcast audience measurement and targeting.", days(390)),
    entry("_scid", SNAP, Marketing, "Identifies the visitor for Snap Pixel ad measurement.", days(390)),
    entry("_scid_r", SNAP, Marketing, "Holds a copy of _scid for Snap Pixel ad measurement.", days(390)),
    entry("_sctr", SNAP, Marketing, "Tracks Snap Pixel sessions for event deduplication.", years(1)),
    entry("sc_at", SNAP, Marketing, "Identifies the browser across sites for Snap ads.", years(1)),
    entry("_rdt_uuid", REDDIT, Marketing, "Identifies the visitor for Reddit Pixel conversion tracking.", days(90)),
    entry("t_gid", TABOOLA, Marketing, "Holds the Taboola user ID for content and ad recommendations.", years(1)),
    entry("t_pt_gid", TABOOLA, Marketing, "Holds the Taboola Pixel user ID for conversion tracking.", years(1)),
    entry("obuid", OUTBRAIN, Marketing, "Holds the Outbrain user ID for content and ad recommendations.", days(90)),
    entry("outbrain_cid_fetch", OUTBRAIN, Marketing, "Marks that the Outbrain user ID was just fetched.", minutes(5)),
];

#[cfg(test)]
mod tests {
    use super::*;

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
    fn has_at_least_eighty_entries() {
        assert!(
            known_trackers().len() >= 80,
            "only {} entries",
            known_trackers().len()
        );
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
        assert_eq!(pattern("_gat_gtag_UA_12345_1"), Some("_gat_*"));
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
        assert_eq!(pattern("_ym_metrika_enabled"), Some("_ym_*"));
        assert_eq!(category("ttcsid_C1234567890"), Some(Marketing));
        assert_eq!(category("messagesUtk"), Some(Preferences));
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
