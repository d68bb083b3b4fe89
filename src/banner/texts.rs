//! The banner's texts, with built-in English, Spanish, German and French versions.

use std::borrow::Cow;

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

impl CategoryText {
    const fn borrowed(label: &'static str, description: &'static str) -> Self {
        Self {
            label: Cow::Borrowed(label),
            description: Cow::Borrowed(description),
        }
    }
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
    /// Announced after consent was withdrawn from a page whose scripts already ran:
    /// reloading completes the withdrawal, e.g. "Reload the page to stop what already
    /// runs.".
    pub reload_notice: Cow<'static, str>,
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
        Self {
            title: Cow::Borrowed("Cookies on this site"),
            body: Cow::Borrowed(
                "This site always uses the cookies it needs to work and, only with your \
                 consent, cookies for preferences, analytics and marketing. Refusing is as \
                 easy as accepting, and you can change your choice at any time under \
                 “Cookie settings”.",
            ),
            accept_all: Cow::Borrowed("Accept all"),
            reject_all: Cow::Borrowed("Reject all"),
            withdraw: Cow::Borrowed("Withdraw consent"),
            customize: Cow::Borrowed("Customize"),
            save: Cow::Borrowed("Save choices"),
            settings: Cow::Borrowed("Cookie settings"),
            back: Cow::Borrowed("Back to the site"),
            always_on: Cow::Borrowed("Always on"),
            gpc_notice: Cow::Borrowed(
                "Your browser sent a Global Privacy Control signal, so marketing cookies \
                 stay off.",
            ),
            saved: Cow::Borrowed("Your choice has been saved."),
            reload_notice: Cow::Borrowed("Reload the page to stop what already runs."),
            necessary: CategoryText::borrowed(
                "Necessary",
                "The site cannot work without them: sessions, security and remembering \
                 this choice.",
            ),
            preferences: CategoryText::borrowed(
                "Preferences",
                "Remember choices you make, such as theme or language.",
            ),
            analytics: CategoryText::borrowed(
                "Analytics",
                "Measure how the site is used, including A/B tests.",
            ),
            marketing: CategoryText::borrowed(
                "Marketing",
                "Advertising and tracking across sites.",
            ),
        }
    }

    /// The built-in Spanish texts.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::spanish().reject_all, "Rechazar todas");
    /// ```
    pub const fn spanish() -> Self {
        Self {
            title: Cow::Borrowed("Cookies en este sitio"),
            body: Cow::Borrowed(
                "Este sitio usa siempre las cookies que necesita para funcionar y, solo con \
                 su consentimiento, cookies de preferencias, análisis y marketing. Rechazar \
                 es tan fácil como aceptar, y puede cambiar su elección en cualquier momento \
                 en «Configuración de cookies».",
            ),
            accept_all: Cow::Borrowed("Aceptar todas"),
            reject_all: Cow::Borrowed("Rechazar todas"),
            withdraw: Cow::Borrowed("Retirar el consentimiento"),
            customize: Cow::Borrowed("Personalizar"),
            save: Cow::Borrowed("Guardar selección"),
            settings: Cow::Borrowed("Configuración de cookies"),
            back: Cow::Borrowed("Volver al sitio"),
            always_on: Cow::Borrowed("Siempre activas"),
            gpc_notice: Cow::Borrowed(
                "Su navegador ha enviado una señal de Control Global de Privacidad (GPC), \
                 por lo que las cookies de marketing permanecen desactivadas.",
            ),
            saved: Cow::Borrowed("Se ha guardado su elección."),
            reload_notice: Cow::Borrowed(
                "Recargue la página para detener lo que ya se está ejecutando.",
            ),
            necessary: CategoryText::borrowed(
                "Necesarias",
                "Sin ellas el sitio no funciona: sesión, seguridad y recordar esta elección.",
            ),
            preferences: CategoryText::borrowed(
                "Preferencias",
                "Recuerdan sus elecciones, como el tema o el idioma.",
            ),
            analytics: CategoryText::borrowed(
                "Análisis",
                "Miden cómo se usa el sitio, incluidas las pruebas A/B.",
            ),
            marketing: CategoryText::borrowed(
                "Marketing",
                "Publicidad y seguimiento a través de distintos sitios.",
            ),
        }
    }

    /// The built-in German texts (formal address, "Sie").
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::german().reject_all, "Alle ablehnen");
    /// ```
    pub const fn german() -> Self {
        Self {
            title: Cow::Borrowed("Cookies auf dieser Website"),
            body: Cow::Borrowed(
                "Diese Website verwendet immer die Cookies, die sie zum Funktionieren \
                 braucht, und nur mit Ihrer Einwilligung Cookies für Präferenzen, Statistik \
                 und Marketing. Ablehnen ist so einfach wie Akzeptieren, und Sie können Ihre \
                 Wahl jederzeit unter „Cookie-Einstellungen“ ändern.",
            ),
            accept_all: Cow::Borrowed("Alle akzeptieren"),
            reject_all: Cow::Borrowed("Alle ablehnen"),
            withdraw: Cow::Borrowed("Einwilligung widerrufen"),
            customize: Cow::Borrowed("Anpassen"),
            save: Cow::Borrowed("Auswahl speichern"),
            settings: Cow::Borrowed("Cookie-Einstellungen"),
            back: Cow::Borrowed("Zurück zur Website"),
            always_on: Cow::Borrowed("Immer aktiv"),
            gpc_notice: Cow::Borrowed(
                "Ihr Browser hat ein Global-Privacy-Control-Signal (GPC) gesendet, daher \
                 bleiben Marketing-Cookies ausgeschaltet.",
            ),
            saved: Cow::Borrowed("Ihre Auswahl wurde gespeichert."),
            reload_notice: Cow::Borrowed(
                "Laden Sie die Seite neu, um bereits Laufendes zu beenden.",
            ),
            necessary: CategoryText::borrowed(
                "Notwendig",
                "Ohne sie funktioniert die Website nicht: Sitzung, Sicherheit und das \
                 Speichern dieser Auswahl.",
            ),
            preferences: CategoryText::borrowed(
                "Präferenzen",
                "Merken sich Ihre Auswahl, etwa Farbschema oder Sprache.",
            ),
            analytics: CategoryText::borrowed(
                "Statistik",
                "Messen, wie die Website genutzt wird, einschließlich A/B-Tests.",
            ),
            marketing: CategoryText::borrowed(
                "Marketing",
                "Werbung und websiteübergreifendes Tracking.",
            ),
        }
    }

    /// The built-in French texts.
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::french().reject_all, "Tout refuser");
    /// ```
    pub const fn french() -> Self {
        Self {
            title: Cow::Borrowed("Cookies sur ce site"),
            body: Cow::Borrowed(
                "Ce site utilise toujours les cookies nécessaires à son fonctionnement et, \
                 uniquement avec votre accord, des cookies de préférences, de mesure \
                 d’audience et de marketing. Refuser est aussi simple qu’accepter, et vous \
                 pouvez modifier votre choix à tout moment dans «\u{a0}Paramètres des \
                 cookies\u{a0}».",
            ),
            accept_all: Cow::Borrowed("Tout accepter"),
            reject_all: Cow::Borrowed("Tout refuser"),
            withdraw: Cow::Borrowed("Retirer le consentement"),
            customize: Cow::Borrowed("Personnaliser"),
            save: Cow::Borrowed("Enregistrer mes choix"),
            settings: Cow::Borrowed("Paramètres des cookies"),
            back: Cow::Borrowed("Retour au site"),
            always_on: Cow::Borrowed("Toujours actifs"),
            gpc_notice: Cow::Borrowed(
                "Votre navigateur a envoyé un signal Global Privacy Control (GPC)\u{a0}: les \
                 cookies marketing restent donc désactivés.",
            ),
            saved: Cow::Borrowed("Votre choix a été enregistré."),
            reload_notice: Cow::Borrowed("Rechargez la page pour arrêter ce qui fonctionne déjà."),
            necessary: CategoryText::borrowed(
                "Nécessaires",
                "Indispensables au fonctionnement du site\u{a0}: session, sécurité et \
                 mémorisation de ce choix.",
            ),
            preferences: CategoryText::borrowed(
                "Préférences",
                "Mémorisent vos choix, comme le thème ou la langue.",
            ),
            analytics: CategoryText::borrowed(
                "Mesure d’audience",
                "Mesurent l’utilisation du site, y compris les tests A/B.",
            ),
            marketing: CategoryText::borrowed(
                "Marketing",
                "Publicité et pistage d’un site à l’autre.",
            ),
        }
    }

    /// The built-in texts for a language tag's primary subtag (`"en"`, `"es-MX"`,
    /// `"DE"` …), if any. Matching ignores ASCII case and everything after the first
    /// `-` (or `_`).
    ///
    /// ```
    /// use tower_consent::BannerTexts;
    ///
    /// assert_eq!(BannerTexts::builtin("es-MX"), Some(BannerTexts::spanish()));
    /// assert_eq!(BannerTexts::builtin("DE"), Some(BannerTexts::german()));
    /// assert_eq!(BannerTexts::builtin("it"), None);
    /// ```
    pub fn builtin(language: &str) -> Option<Self> {
        let primary = language.split(['-', '_']).next().unwrap_or(language);
        let is = |code: &str| primary.eq_ignore_ascii_case(code);
        if is("en") {
            Some(Self::english())
        } else if is("es") {
            Some(Self::spanish())
        } else if is("de") {
            Some(Self::german())
        } else if is("fr") {
            Some(Self::french())
        } else {
            None
        }
    }

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

    fn all_builtin() -> [BannerTexts; 4] {
        [
            BannerTexts::english(),
            BannerTexts::spanish(),
            BannerTexts::german(),
            BannerTexts::french(),
        ]
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
            &t.reload_notice,
        ];
        for c in [&t.necessary, &t.preferences, &t.analytics, &t.marketing] {
            all.push(&c.label);
            all.push(&c.description);
        }
        all
    }

    #[test]
    fn builtins_have_every_text_borrowed_and_trimmed() {
        for texts in all_builtin() {
            for field in fields(&texts) {
                assert!(!field.trim().is_empty(), "{texts:?}");
                assert_eq!(field.trim(), field.as_ref(), "untrimmed: {field:?}");
                assert!(!field.contains("  "), "double space: {field:?}");
                assert!(matches!(field, Cow::Borrowed(_)), "allocates: {field:?}");
            }
        }
    }

    #[test]
    fn builtins_differ_from_each_other() {
        let all = all_builtin();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.title, b.title);
                assert_ne!(a.reject_all, b.reject_all);
            }
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
        assert_eq!(BannerTexts::builtin("it"), None);
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
