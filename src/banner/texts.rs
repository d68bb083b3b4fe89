//! The banner's texts; the built-in ones, one file per language, are in
//! [`languages`](super::languages).

use std::borrow::Cow;

use super::languages;
use crate::Category;

/// A category's label and description as the banner shows them.
///
/// # Example
///
/// ```
/// use tower_consent::{BannerTexts, CategoryText};
///
/// let texts = BannerTexts {
///     analytics: CategoryText {
///         label: "Statistics".into(),
///         description: "Count visits anonymously.".into(),
///     },
///     ..BannerTexts::english()
/// };
/// assert_eq!(texts.analytics.label, "Statistics");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryText {
    /// The short name next to the category's checkbox, e.g. "Analytics".
    pub label: Cow<'static, str>,
    /// One plain sentence saying what the category's cookies do.
    pub description: Cow<'static, str>,
}

/// Every text the banner shows, in one language.
///
/// Start from a built-in language and change what you need. All texts are plain text:
/// the banner escapes them, so markup shows up literally.
///
/// # Example
///
/// ```
/// use tower_consent::BannerTexts;
///
/// let texts = BannerTexts {
///     title: "Cookies?".into(),
///     ..BannerTexts::english()
/// };
/// assert_eq!(texts.title, "Cookies?");
/// assert_eq!(texts.reject_all, "Reject all");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BannerTexts {
    /// The dialog's heading, e.g. "Cookies on this site".
    pub title: Cow<'static, str>,
    /// One or two short sentences: which cookies are always used, which only with
    /// consent, that refusing is as easy as accepting, and where to change the choice.
    pub body: Cow<'static, str>,
    /// The button granting every category, e.g. "Accept all".
    pub accept_all: Cow<'static, str>,
    /// The button refusing every optional category, e.g. "Reject all".
    pub reject_all: Cow<'static, str>,
    /// Shown instead of [`reject_all`](Self::reject_all) when the visitor had granted
    /// something, e.g. "Withdraw consent".
    pub withdraw: Cow<'static, str>,
    /// The disclosure that opens the per-category choices, e.g. "Customize".
    pub customize: Cow<'static, str>,
    /// The button saving the per-category choices, e.g. "Save choices".
    pub save: Cow<'static, str>,
    /// The permanent link that reopens the banner, and the title of the settings page,
    /// e.g. "Cookie settings".
    pub settings: Cow<'static, str>,
    /// The link from the standalone settings page back to the page the visitor came
    /// from, e.g. "Back to the site".
    pub back: Cow<'static, str>,
    /// Shown next to the necessary category, which cannot be switched off, e.g.
    /// "Always on".
    pub always_on: Cow<'static, str>,
    /// Shown when the browser sent `Sec-GPC: 1` and marketing therefore stays off.
    pub gpc_notice: Cow<'static, str>,
    /// Announced after a choice was saved, e.g. "Your choice has been saved.".
    pub saved: Cow<'static, str>,
    /// The settings' link to the visitor's consent records (with a ledger), e.g.
    /// "Download my consent records".
    pub records: Cow<'static, str>,
    /// The strictly necessary category.
    pub necessary: CategoryText,
    /// The preferences category.
    pub preferences: CategoryText,
    /// The analytics category.
    pub analytics: CategoryText,
    /// The marketing category.
    pub marketing: CategoryText,
}

impl BannerTexts {
    /// The built-in English texts.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::english().accept_all, "Accept all");
    /// ```
    pub const fn english() -> Self {
        languages::ENGLISH
    }

    /// The built-in Spanish texts.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::spanish().reject_all, "Rechazar todas");
    /// ```
    pub const fn spanish() -> Self {
        languages::SPANISH
    }

    /// The built-in German texts (formal address, "Sie").
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::german().reject_all, "Alle ablehnen");
    /// ```
    pub const fn german() -> Self {
        languages::GERMAN
    }

    /// The built-in French texts.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::french().reject_all, "Tout refuser");
    /// ```
    pub const fn french() -> Self {
        languages::FRENCH
    }

    /// The built-in texts for a language tag's primary subtag (`"en"`, `"pt-BR"`,
    /// `"DE"` …), if any: one of the 24 official languages of the European Union (see
    /// [`BUILTIN_LANGUAGES`](Self::BUILTIN_LANGUAGES)). Matching ignores ASCII case and
    /// everything after the first `-` (or `_`).
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::builtin("es-MX"), Some(BannerTexts::spanish()));
    /// assert_eq!(BannerTexts::builtin("DE"), Some(BannerTexts::german()));
    /// assert_eq!(BannerTexts::builtin("it").unwrap().reject_all, "Rifiuta tutti");
    /// assert_eq!(BannerTexts::builtin("ja"), None);
    /// ```
    pub fn builtin(language: &str) -> Option<Self> {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        let index = languages::CODES
            .iter()
            .position(|code| primary.eq_ignore_ascii_case(code))?;
        languages::BUILTIN.get(index).cloned()
    }

    /// The codes of the built-in languages, in alphabetical order: the 24 official
    /// languages of the European Union. A layer offers all of them unless configured
    /// otherwise.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::BUILTIN_LANGUAGES.len(), 24);
    /// assert!(BannerTexts::BUILTIN_LANGUAGES.contains(&"ga"));
    /// ```
    pub const BUILTIN_LANGUAGES: [&'static str; 24] = languages::CODES;

    /// The texts of a standard category (`Category::Necessary` … `Marketing`); `None`
    /// for `Category::Custom`, whose texts come from its
    /// [`CustomCategory`](crate::CustomCategory).
    pub(crate) fn category(&self, category: Category) -> Option<&CategoryText> {
        match category {
            Category::Necessary => Some(&self.necessary),
            Category::Preferences => Some(&self.preferences),
            Category::Analytics => Some(&self.analytics),
            Category::Marketing => Some(&self.marketing),
            Category::Custom(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_builtin() -> Vec<(&'static str, BannerTexts)> {
        BannerTexts::BUILTIN_LANGUAGES
            .iter()
            .map(|&code| (code, BannerTexts::builtin(code).unwrap()))
            .collect()
    }

    fn fields(t: &BannerTexts) -> Vec<&Cow<'static, str>> {
        let mut all = vec![
            &t.title,
            &t.body,
            &t.accept_all,
            &t.reject_all,
            &t.withdraw,
            &t.customize,
            &t.save,
            &t.settings,
            &t.back,
            &t.always_on,
            &t.gpc_notice,
            &t.saved,
            &t.records,
        ];
        for c in [&t.necessary, &t.preferences, &t.analytics, &t.marketing] {
            all.push(&c.label);
            all.push(&c.description);
        }
        all
    }

    #[test]
    fn builtins_have_every_text_borrowed_and_trimmed() {
        assert_eq!(all_builtin().len(), 24);
        for (code, texts) in all_builtin() {
            for field in fields(&texts) {
                assert!(!field.trim().is_empty(), "{code}: {texts:?}");
                assert_eq!(field.trim(), field.as_ref(), "untrimmed: {field:?}");
                assert!(!field.contains("  "), "double space: {field:?}");
                assert!(matches!(field, Cow::Borrowed(_)), "allocates: {field:?}");
            }
        }
    }

    #[test]
    fn builtins_differ_from_each_other() {
        let all = all_builtin();
        for (i, (code_a, a)) in all.iter().enumerate() {
            for (code_b, b) in &all[i + 1..] {
                assert_ne!(a.title, b.title, "{code_a} and {code_b}");
                assert_ne!(a.body, b.body, "{code_a} and {code_b}");
                assert_ne!(a.reject_all, b.reject_all, "{code_a} and {code_b}");
            }
        }
    }

    #[test]
    fn builtins_are_translated_from_english() {
        let english = BannerTexts::english();
        for (code, texts) in all_builtin() {
            if code == "en" {
                continue;
            }
            for (field, original) in fields(&texts).into_iter().zip(fields(&english)) {
                // "Marketing" is the word many languages use for it.
                if field == original && original != "Marketing" {
                    panic!("{code}: {field:?} is the English text");
                }
            }
        }
    }

    #[test]
    fn builtins_are_consistent_within_a_language() {
        for (code, t) in all_builtin() {
            // The body names the settings link as the visitor sees it.
            assert!(
                t.body.contains(&*t.settings),
                "{code}: the body does not quote {:?}",
                t.settings
            );
            // Rejecting is offered in words as plain as accepting: no longer than
            // twice its length, and the other way round.
            let (accept, reject) = (t.accept_all.chars().count(), t.reject_all.chars().count());
            assert!(reject <= 2 * accept && accept <= 2 * reject, "{code}");
            assert_ne!(t.accept_all, t.reject_all, "{code}");
            assert_ne!(t.reject_all, t.withdraw, "{code}");
            // No stray ASCII quotes or straight apostrophes in place of typographic ones.
            for field in fields(&t) {
                assert!(!field.contains('"'), "{code}: {field:?}");
            }
        }
    }

    #[test]
    fn romanian_uses_the_comma_below() {
        let romanian = BannerTexts::builtin("ro").unwrap();
        for field in fields(&romanian) {
            // ş (U+015F) and ţ (U+0163) are the Turkish cedilla forms.
            assert!(!field.contains(['ş', 'ţ', 'Ş', 'Ţ']), "{field:?}");
        }
    }

    #[test]
    fn builtin_matches_primary_subtag() {
        assert_eq!(BannerTexts::builtin("en"), Some(BannerTexts::english()));
        assert_eq!(BannerTexts::builtin("en-GB"), Some(BannerTexts::english()));
        assert_eq!(BannerTexts::builtin("es-MX"), Some(BannerTexts::spanish()));
        assert_eq!(BannerTexts::builtin("DE"), Some(BannerTexts::german()));
        assert_eq!(BannerTexts::builtin("de-AT"), Some(BannerTexts::german()));
        assert_eq!(BannerTexts::builtin("fr_CA"), Some(BannerTexts::french()));
        assert_eq!(
            BannerTexts::builtin("pt-BR").map(|t| t.accept_all),
            Some("Aceitar todos".into())
        );
        assert_eq!(BannerTexts::builtin("ja"), None);
        assert_eq!(BannerTexts::builtin(""), None);
        assert_eq!(BannerTexts::builtin("-"), None);
        assert_eq!(BannerTexts::builtin("eng"), None);
    }

    #[test]
    fn category_texts() {
        let texts = BannerTexts::german();
        assert_eq!(
            texts.category(Category::Necessary).map(|c| &*c.label),
            Some("Notwendig")
        );
        assert_eq!(
            texts.category(Category::Marketing).map(|c| &*c.label),
            Some("Marketing")
        );
        assert_eq!(texts.category(Category::Analytics), Some(&texts.analytics));
        assert_eq!(
            texts.category(Category::Preferences),
            Some(&texts.preferences)
        );
        assert_eq!(texts.category(Category::Custom("ab_testing")), None);
    }
}
