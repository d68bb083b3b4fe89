//! [`Record`]: one decision as the ledger keeps it, and the [`Wording`] it was made on.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::category::{Categories, CategorySet};
use crate::consent::ChoiceKind;
use crate::texts::{category_text, BannerTexts};
use crate::{ConsentId, Regime, Region};

/// The longest user agent kept, in bytes; longer ones are cut.
pub(crate) const MAX_USER_AGENT: usize = 512;
/// The longest page path kept, in bytes; longer ones are cut.
pub(crate) const MAX_PAGE: usize = 2048;

/// One decision, as the ledger keeps it: enough to show who (a random consent id, never
/// a person) consented to what, when, under which policy revision and on which wording.
///
/// See the [module documentation](crate::ledger) for what each field is for.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::{Action, Record, RecordSource};
///
/// let json = r#"{"consent_id":"AAAAAAAAAAAAAAAA","recorded_at":"2026-11-25T10:00:00Z",
///   "revision":1,"granted":["necessary","analytics"],"action":"custom",
///   "source":"banner_form","language":"en","wording":"ab12","page":"/shop","gpc":false,
///   "regime":"opt_out","region":"US-CA","user_agent":null,"ip":null}"#;
/// let record: Record = serde_json::from_str(json)?;
/// assert_eq!(record.action, Action::Custom);
/// assert_eq!(record.region.map(|r| r.to_string()).as_deref(), Some("US-CA"));
/// assert_eq!(record.source, RecordSource::BannerForm);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The browser's random consent id (the one in its consent cookie).
    #[serde(serialize_with = "id_to_text", deserialize_with = "id_from_text")]
    pub consent_id: ConsentId,
    /// When the decision was made (UTC, whole seconds: the time in the consent cookie).
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// The cookie-policy revision the decision was made under.
    pub revision: u32,
    /// The keys of the granted categories, `necessary` first.
    pub granted: Vec<String>,
    /// What the visitor did.
    pub action: Action,
    /// Through which path the decision came.
    pub source: RecordSource,
    /// The banner language the visitor was shown (a tag such as `en`).
    pub language: String,
    /// The hash of the [`Wording`] shown: the banner texts and categories.
    pub wording: String,
    /// The path of the page the decision was made on, without its query.
    pub page: Option<String>,
    /// Whether the browser sent Global Privacy Control (`Sec-GPC: 1`).
    pub gpc: bool,
    /// The consent regime in force where the visitor was (`opt_in` for records kept
    /// before regimes existed).
    #[serde(
        default,
        serialize_with = "regime_to_text",
        deserialize_with = "regime_from_text"
    )]
    pub regime: Regime,
    /// Where the visitor was, as the layer's region source said; `None` without a
    /// source or when it did not know.
    #[serde(
        default,
        serialize_with = "region_to_text",
        deserialize_with = "region_from_text"
    )]
    pub region: Option<Region>,
    /// The browser's `User-Agent`, only with `ledger_user_agent(true)`.
    pub user_agent: Option<String>,
    /// The client's network, `/24` (IPv4) or `/48` (IPv6), only with `ledger_ip(true)`.
    pub ip: Option<String>,
}

fn id_to_text<S: Serializer>(id: &ConsentId, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

fn id_from_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ConsentId, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn regime_to_text<S: Serializer>(regime: &Regime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(regime.as_str())
}

fn regime_from_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Regime, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn region_to_text<S: Serializer>(
    region: &Option<Region>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match region {
        Some(region) => serializer.collect_str(region),
        None => serializer.serialize_none(),
    }
}

fn region_from_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Region>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| text.parse().map_err(serde::de::Error::custom))
        .transpose()
}

/// What the visitor did.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::Action;
///
/// assert_eq!(Action::AcceptAll.as_str(), "accept_all");
/// assert_eq!("withdraw".parse::<Action>(), Ok(Action::Withdraw));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Granted every category.
    AcceptAll,
    /// Refused every category but necessary.
    RejectAll,
    /// Granted a selection of categories.
    Custom,
    /// Withdrew an earlier consent.
    Withdraw,
    /// The browser's Global Privacy Control signal refused marketing.
    Gpc,
    /// "Do Not Sell or Share My Personal Information": the sale/share categories
    /// refused, nothing else decided.
    DoNotSell,
}

impl Action {
    /// What the ledger records of a choice of `kind`.
    pub(crate) fn of(kind: ChoiceKind) -> Self {
        match kind {
            ChoiceKind::AcceptAll => Action::AcceptAll,
            ChoiceKind::RejectAll => Action::RejectAll,
            ChoiceKind::Withdraw => Action::Withdraw,
            ChoiceKind::Custom => Action::Custom,
            ChoiceKind::DoNotSell => Action::DoNotSell,
        }
    }

    /// The name stored and shown: `accept_all`, `reject_all`, `custom`, `withdraw`,
    /// `gpc`, `do_not_sell`.
    ///
    /// ```
    /// # use tower_consent::ledger::Action;
    /// assert_eq!(Action::Gpc.as_str(), "gpc");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Action::AcceptAll => "accept_all",
            Action::RejectAll => "reject_all",
            Action::Custom => "custom",
            Action::Withdraw => "withdraw",
            Action::Gpc => "gpc",
            Action::DoNotSell => "do_not_sell",
        }
    }
}

/// Through which path a decision came.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::RecordSource;
///
/// assert_eq!(RecordSource::BannerJs.as_str(), "banner_js");
/// assert_eq!("handler".parse::<RecordSource>(), Ok(RecordSource::Handler));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordSource {
    /// The banner, through JavaScript (`fetch` to the consent endpoint).
    BannerJs,
    /// The banner's HTML form, without JavaScript.
    BannerForm,
    /// The JSON consent endpoint, called by the app's own code.
    Api,
    /// A [`Choice`](crate::Choice) a handler returned.
    Handler,
    /// The browser's Global Privacy Control signal.
    Gpc,
}

impl RecordSource {
    /// The name stored and shown: `banner_js`, `banner_form`, `api`, `handler`, `gpc`.
    ///
    /// ```
    /// # use tower_consent::ledger::RecordSource;
    /// assert_eq!(RecordSource::BannerForm.as_str(), "banner_form");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            RecordSource::BannerJs => "banner_js",
            RecordSource::BannerForm => "banner_form",
            RecordSource::Api => "api",
            RecordSource::Handler => "handler",
            RecordSource::Gpc => "gpc",
        }
    }
}

/// A stored name that is not one of the known ones.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::{Action, UnknownName};
///
/// assert!(matches!("maybe".parse::<Action>(), Err(UnknownName(_))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?} in a ledger record")]
pub struct UnknownName(pub String);

impl FromStr for Action {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Action::AcceptAll,
            Action::RejectAll,
            Action::Custom,
            Action::Withdraw,
            Action::Gpc,
            Action::DoNotSell,
        ]
        .into_iter()
        .find(|action| action.as_str() == text)
        .ok_or_else(|| UnknownName(text.to_owned()))
    }
}

impl FromStr for RecordSource {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            RecordSource::BannerJs,
            RecordSource::BannerForm,
            RecordSource::Api,
            RecordSource::Handler,
            RecordSource::Gpc,
        ]
        .into_iter()
        .find(|source| source.as_str() == text)
        .ok_or_else(|| UnknownName(text.to_owned()))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for RecordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The exact texts and categories a banner showed, stored once per distinct version
/// and referred to by its hash from every [`Record`] made on it, so the wording a
/// visitor saw can be reproduced years later.
///
/// # Example
///
/// ```
/// use tower_consent::ledger::Wording;
///
/// let wording = Wording::new("en", r#"{"title":"Cookies"}"#);
/// assert_eq!(wording.hash.len(), 64);
/// assert_eq!(wording, Wording::new("en", r#"{"title":"Cookies"}"#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wording {
    /// SHA-256 of `language` and `content`, lowercase hex.
    pub hash: String,
    /// The language tag.
    pub language: String,
    /// The texts and categories as JSON.
    pub content: String,
}

impl Wording {
    /// A wording of `content` (JSON text) in `language`, with its hash.
    pub fn new(language: impl Into<String>, content: impl Into<String>) -> Self {
        let language = language.into();
        let content = content.into();
        let mut hasher = Sha256::new();
        hasher.update(language.as_bytes());
        hasher.update([0]);
        hasher.update(content.as_bytes());
        let hash = hasher
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut hex, byte| {
                use std::fmt::Write as _;
                let _ = write!(hex, "{byte:02x}");
                hex
            });
        Self {
            hash,
            language,
            content,
        }
    }

    /// The wording of the banner in `language`: every text, and the key, label,
    /// description and whether it is required of each category the banner offers
    /// (`offered`: a category the banner hides was not shown, so it is not recorded).
    pub(crate) fn of_banner(
        language: &str,
        texts: &BannerTexts,
        categories: &Categories,
        offered: CategorySet,
    ) -> Self {
        let category_texts = |text: &crate::CategoryText| serde_json::json!({ "label": text.label, "description": text.description });
        let shown: Vec<serde_json::Value> = categories
            .each()
            .filter(|category| {
                categories
                    .index_of(*category)
                    .is_some_and(|index| offered.contains(index))
            })
            .map(|category| {
                let (label, description) = category_text(categories, category, language, texts);
                serde_json::json!({
                    "key": category.key(),
                    "label": label,
                    "description": description,
                    "required": category.is_necessary(),
                })
            })
            .collect();
        let content = serde_json::json!({
            "texts": {
                "title": texts.title,
                "body": texts.body,
                "accept_all": texts.accept_all,
                "reject_all": texts.reject_all,
                "withdraw": texts.withdraw,
                "customize": texts.customize,
                "save": texts.save,
                "settings": texts.settings,
                "back": texts.back,
                "always_on": texts.always_on,
                "gpc_notice": texts.gpc_notice,
                "saved": texts.saved,
                "necessary": category_texts(&texts.necessary),
                "preferences": category_texts(&texts.preferences),
                "analytics": category_texts(&texts.analytics),
                "marketing": category_texts(&texts.marketing),
                "opt_out": {
                    "notice": texts.opt_out.notice,
                    "notice_only": texts.opt_out.notice_only,
                    "do_not_sell": texts.opt_out.do_not_sell,
                    "privacy_choices": texts.opt_out.privacy_choices,
                    "gpc_honoured": texts.opt_out.gpc_honoured,
                },
            },
            "categories": shown,
        });
        Self::new(language, content.to_string())
    }
}

/// The network of `ip`: `/24` for IPv4 (IPv4-mapped IPv6 included), `/48` for IPv6.
pub(crate) fn truncate_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => truncate_ip(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                let network = std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
                format!("{network}/48")
            }
        },
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::MAX_CATEGORIES;
    use crate::Category;

    #[test]
    fn networks_not_addresses() {
        let v4: IpAddr = "203.0.113.77".parse().unwrap();
        assert_eq!(truncate_ip(v4), "203.0.113.0/24");
        let v6: IpAddr = "2001:db8:1234:5678::1".parse().unwrap();
        assert_eq!(truncate_ip(v6), "2001:db8:1234::/48");
        let mapped: IpAddr = "::ffff:198.51.100.9".parse().unwrap();
        assert_eq!(truncate_ip(mapped), "198.51.100.0/24");
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
    }

    #[test]
    fn names_round_trip() {
        for action in [
            Action::AcceptAll,
            Action::RejectAll,
            Action::Custom,
            Action::Withdraw,
            Action::Gpc,
            Action::DoNotSell,
        ] {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
        }
        for source in [
            RecordSource::BannerJs,
            RecordSource::BannerForm,
            RecordSource::Api,
            RecordSource::Handler,
            RecordSource::Gpc,
        ] {
            assert_eq!(source.as_str().parse::<RecordSource>(), Ok(source));
        }
        assert!("".parse::<Action>().is_err());
    }

    #[test]
    fn wordings_differ_when_a_text_differs() {
        let categories = Categories::new(Vec::new());
        let every = CategorySet::first(MAX_CATEGORIES);
        let english = Wording::of_banner("en", &BannerTexts::english(), &categories, every);
        let again = Wording::of_banner("en", &BannerTexts::english(), &categories, every);
        assert_eq!(english, again);
        let edited = BannerTexts {
            title: "Cookies?".into(),
            ..BannerTexts::english()
        };
        assert_ne!(
            Wording::of_banner("en", &edited, &categories, every).hash,
            english.hash
        );
        assert_ne!(
            Wording::of_banner("de", &BannerTexts::english(), &categories, every).hash,
            english.hash
        );
    }

    /// Issue 22: with `hide_unused_categories`, the record's wording names only the
    /// categories the banner offered.
    #[test]
    fn a_wording_lists_only_the_offered_categories() {
        let categories = Categories::new(Vec::new());
        let offered = [Category::Necessary, Category::Analytics]
            .into_iter()
            .filter_map(|category| categories.index_of(category))
            .fold(CategorySet::default(), CategorySet::with);
        let wording = Wording::of_banner("en", &BannerTexts::english(), &categories, offered);
        let content: serde_json::Value = serde_json::from_str(&wording.content).expect("JSON");
        let keys: Vec<&str> = content["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .filter_map(|category| category["key"].as_str())
            .collect();
        assert_eq!(keys, ["necessary", "analytics"]);
        let every = CategorySet::first(MAX_CATEGORIES);
        assert_ne!(
            Wording::of_banner("en", &BannerTexts::english(), &categories, every).hash,
            wording.hash
        );
    }
}
