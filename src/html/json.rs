//! The strings of the JSON a browser reads from `<script type="importmap">` and
//! `<script type="speculationrules">`: the URLs an import map points module specifiers
//! at, and the URLs (and URL patterns) speculation rules prefetch or prerender.
//!
//! Every string value is offered (object keys are names: a specifier, a scope, a URL
//! whose integrity is given, never something loaded). A text that is not JSON loads
//! nothing: browsers reject the whole map or rule set.

use serde_json::Value;

/// The kinds of `<script>` whose text is JSON that loads URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum JsonScript {
    ImportMap,
    SpeculationRules,
}

impl JsonScript {
    /// The kind of a `<script type>`, compared as HTML compares it: leading and
    /// trailing ASCII whitespace stripped, ASCII case ignored.
    pub(super) fn of_type(kind: Option<&str>) -> Option<Self> {
        let kind = kind?.trim_matches(|c: char| c.is_ascii_whitespace());
        if kind.eq_ignore_ascii_case("importmap") {
            Some(Self::ImportMap)
        } else if kind.eq_ignore_ascii_case("speculationrules") {
            Some(Self::SpeculationRules)
        } else {
            None
        }
    }
}

/// JSON nested deeper than serde_json reads (128 levels): a browser may read it, the
/// gate cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TooDeep;

/// Calls `found` with each string value of the JSON `text`, as JSON decodes it, until
/// it returns `true`; whether one did.
pub(super) fn any_string(text: &str, mut found: impl FnMut(&str) -> bool) -> Result<bool, TooDeep> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(walk(&value, &mut found)),
        Err(error) if error.to_string().starts_with("recursion limit exceeded") => Err(TooDeep),
        Err(_) => Ok(false),
    }
}

fn walk(value: &Value, found: &mut dyn FnMut(&str) -> bool) -> bool {
    match value {
        Value::String(text) => found(text),
        Value::Array(items) => items.iter().any(|item| walk(item, found)),
        Value::Object(members) => members.values().any(|member| walk(member, found)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_values_are_read_decoded() {
        let mut seen = Vec::new();
        let found = any_string(
            r#"{"imports":{"a":"https:\/\/www\u002egoogletagmanager.com/gtm.js"},
                "scopes":{"/x/":{"b":"./b.js"}},"n":[1,true,null,"c"]}"#,
            |s| {
                seen.push(s.to_owned());
                false
            },
        );
        assert_eq!(found, Ok(false));
        seen.sort();
        assert_eq!(
            seen,
            ["./b.js", "c", "https://www.googletagmanager.com/gtm.js"]
        );
        assert_eq!(any_string("{not json", |_| true), Ok(false));
        let deep = format!("{}\"x\"{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(any_string(&deep, |_| true), Err(TooDeep));
    }

    #[test]
    fn types_are_compared_as_html_compares_them() {
        assert_eq!(
            JsonScript::of_type(Some(" ImportMap\n")),
            Some(JsonScript::ImportMap)
        );
        assert_eq!(
            JsonScript::of_type(Some("SPECULATIONRULES")),
            Some(JsonScript::SpeculationRules)
        );
        assert_eq!(JsonScript::of_type(Some("module")), None);
        assert_eq!(JsonScript::of_type(None), None);
    }
}
