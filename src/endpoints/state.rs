//! The consent state as JSON (`GET /_consent` and the answer to a JSON choice).

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::category::CategoryIndex;
use crate::texts::{category_text, BannerTexts};
use crate::Consent;

#[derive(Serialize)]
struct State<'a> {
    revision: u32,
    decided: bool,
    decided_at: Option<String>,
    id: Option<String>,
    source: Option<&'static str>,
    gpc: Gpc,
    /// The regime in force where the visitor is: `opt_in`, `opt_out`, `notice_only`.
    regime: &'static str,
    /// Where the visitor is (`US-CA`), if the layer reads regions and knows.
    region: Option<String>,
    language: &'a str,
    categories: Vec<CategoryState<'a>>,
}

#[derive(Serialize)]
struct Gpc {
    /// The request sent `Sec-GPC: 1`.
    seen: bool,
    /// The layer honours the signal.
    honoured: bool,
    /// The sale/share categories are off because of the signal.
    applied: bool,
}

#[derive(Serialize)]
struct CategoryState<'a> {
    key: &'a str,
    label: &'a str,
    description: &'a str,
    required: bool,
    granted: bool,
}

/// The JSON document describing `consent`, labelled in `language`.
pub(crate) fn to_json(consent: &Consent, language: &str, texts: &BannerTexts) -> String {
    let categories = &consent.context().categories;
    let state = State {
        revision: consent.revision(),
        decided: consent.decided(),
        decided_at: consent
            .decision()
            .and_then(|d| i64::try_from(d.decided_at).ok())
            .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
            .and_then(|at| at.format(&Rfc3339).ok()),
        id: consent.id().map(|id| id.to_string()),
        source: consent.source().map(|s| s.as_str()),
        gpc: Gpc {
            seen: consent.gpc(),
            honoured: consent.honours_gpc(),
            applied: consent.gpc_applied(),
        },
        regime: consent.regime().as_str(),
        region: consent.region().map(|region| region.to_string()),
        language,
        categories: (0..categories.len() as CategoryIndex)
            .filter_map(|index| {
                let category = categories.category(index)?;
                let (label, description) = category_text(categories, category, language, texts);
                Some(CategoryState {
                    key: category.key(),
                    label,
                    description,
                    required: category.is_necessary(),
                    granted: consent.allows(category),
                })
            })
            .collect(),
    };
    serde_json::to_string(&state).unwrap_or_default()
}
