//! Reading a consent choice from a JSON or HTML-form request body.

use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::StatusCode;
use serde::Deserialize;

use super::problem::Problem;
use crate::category::Categories;
use crate::{Choice, Source};

/// The most bytes a choice request body may have.
pub(crate) const MAX_BODY: usize = 16 * 1024;

/// A parsed, valid choice request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ChoiceRequest {
    pub(crate) choice: Choice,
    /// Where a form submission is sent back to; `None` for a JSON request.
    pub(crate) return_to: Option<String>,
}

/// The body format, from `Content-Type`.
enum Format {
    Json,
    Form,
}

fn format(parts: &Parts) -> Result<Format, Problem> {
    let media_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(Format::Json)
    } else if media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Ok(Format::Form)
    } else {
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send `application/json` or `application/x-www-form-urlencoded`",
        ))
    }
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Action {
    AcceptAll,
    RejectAll,
    Custom,
    Withdraw,
    DoNotSell,
}

impl Action {
    fn parse(text: &str) -> Result<Self, Problem> {
        match text {
            "accept_all" => Ok(Action::AcceptAll),
            "reject_all" => Ok(Action::RejectAll),
            "custom" => Ok(Action::Custom),
            "withdraw" => Ok(Action::Withdraw),
            "do_not_sell" => Ok(Action::DoNotSell),
            _ => Err(Problem::bad_request(
                "`action` must be `accept_all`, `reject_all`, `custom`, `withdraw` or \
                 `do_not_sell`",
            )),
        }
    }
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum JsonSource {
    Banner,
    Api,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonChoice {
    action: Action,
    granted: Option<Vec<String>>,
    source: Option<JsonSource>,
}

/// Parses a choice request body (at most [`MAX_BODY`] bytes, checked by the caller).
pub(crate) fn parse(
    parts: &Parts,
    body: &[u8],
    categories: &Categories,
) -> Result<ChoiceRequest, Problem> {
    match format(parts)? {
        Format::Json => {
            let request: JsonChoice = serde_json::from_slice(body)
                .map_err(|error| Problem::bad_request(format!("invalid JSON: {error}")))?;
            let source = match request.source {
                Some(JsonSource::Banner) => Source::Banner,
                Some(JsonSource::Api) | None => Source::Api,
            };
            let choice = choice(request.action, request.granted.as_deref(), categories)?;
            Ok(ChoiceRequest {
                choice: choice.source(source),
                return_to: None,
            })
        }
        Format::Form => {
            let mut action = None;
            let mut granted = Vec::new();
            let mut return_to = None;
            for (name, value) in form_urlencoded::parse(body) {
                match &*name {
                    "action" if action.is_none() => action = Some(Action::parse(&value)?),
                    "action" => return Err(Problem::bad_request("`action` is given twice")),
                    "granted" => granted.push(value.into_owned()),
                    "return_to" => return_to = Some(value.into_owned()),
                    _ => {}
                }
            }
            let action = action.ok_or_else(|| Problem::bad_request("the form has no `action`"))?;
            let granted = (action == Action::Custom).then_some(granted.as_slice());
            let choice = choice(action, granted, categories)?;
            Ok(ChoiceRequest {
                choice: choice.source(Source::Banner),
                return_to: Some(return_to.unwrap_or_default()),
            })
        }
    }
}

fn choice(
    action: Action,
    granted: Option<&[String]>,
    categories: &Categories,
) -> Result<Choice, Problem> {
    match (action, granted) {
        (Action::Custom, Some(keys)) => {
            let list = keys
                .iter()
                .map(|key| {
                    categories
                        .index_of_key(key)
                        .and_then(|index| categories.category(index))
                        .ok_or_else(|| Problem::bad_request(format!("unknown category `{key}`")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Choice::only(list))
        }
        (Action::Custom, None) => Err(Problem::bad_request(
            "action `custom` needs `granted`, a list of category keys",
        )),
        (_, Some(_)) => Err(Problem::bad_request(
            "`granted` goes only with action `custom`",
        )),
        (Action::AcceptAll, None) => Ok(Choice::accept_all()),
        (Action::RejectAll, None) => Ok(Choice::reject_all()),
        (Action::Withdraw, None) => Ok(Choice::withdraw()),
        (Action::DoNotSell, None) => Ok(Choice::do_not_sell_or_share()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, CustomCategory};
    use http::Request;

    fn categories() -> Categories {
        Categories::new(vec![CustomCategory::new("ab", "A/B", "tests")])
    }

    fn parse_as(content_type: &str, body: &str) -> Result<ChoiceRequest, Problem> {
        let parts = Request::post("/")
            .header(CONTENT_TYPE, content_type)
            .body(())
            .unwrap()
            .into_parts()
            .0;
        parse(&parts, body.as_bytes(), &categories())
    }

    #[test]
    fn json_choices() {
        let json = "application/json; charset=utf-8";
        let parsed = parse_as(json, r#"{"action":"accept_all"}"#).unwrap();
        assert_eq!(parsed.choice, Choice::accept_all());
        assert_eq!(parsed.return_to, None);
        let parsed = parse_as(
            json,
            r#"{"action":"custom","granted":["analytics","ab"],"source":"banner"}"#,
        )
        .unwrap();
        assert_eq!(
            parsed.choice,
            Choice::only([Category::Analytics, Category::Custom("ab")]).source(Source::Banner)
        );
        for bad in [
            r#"{"action":"custom"}"#,
            r#"{"action":"custom","granted":["nope"]}"#,
            r#"{"action":"accept_all","granted":[]}"#,
            r#"{"action":"maybe"}"#,
            r#"{"action":"accept_all","extra":1}"#,
            r#"{"action":"accept_all""#,
            "",
            "[]",
        ] {
            assert_eq!(
                parse_as(json, bad).unwrap_err().status(),
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
    }

    #[test]
    fn form_choices() {
        let form = "application/x-www-form-urlencoded";
        let parsed = parse_as(
            form,
            "action=custom&granted=analytics&granted=ab&return_to=%2Fshop",
        )
        .unwrap();
        assert_eq!(
            parsed.choice,
            Choice::only([Category::Analytics, Category::Custom("ab")]).source(Source::Banner)
        );
        assert_eq!(parsed.return_to.as_deref(), Some("/shop"));
        let parsed = parse_as(form, "action=custom").unwrap();
        assert_eq!(parsed.choice, Choice::only([]).source(Source::Banner));
        let parsed = parse_as(form, "action=reject_all&granted=analytics").unwrap();
        assert_eq!(parsed.choice, Choice::reject_all().source(Source::Banner));
        for bad in [
            "",
            "action=nope",
            "action=accept_all&action=reject_all",
            "action=custom&granted=zz",
        ] {
            assert_eq!(
                parse_as(form, bad).unwrap_err().status(),
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
    }

    #[test]
    fn other_media_types_are_refused() {
        for content_type in ["text/plain", "multipart/form-data", ""] {
            let problem = parse_as(content_type, "action=accept_all").unwrap_err();
            assert_eq!(problem.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        }
    }
}
