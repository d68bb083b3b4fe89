//! The texts visitors read: the banner's, the cookie declaration's and the words a
//! ledger record keeps. The built-in ones, one file per language, are in
//! [`languages`](self::languages).
//!
//! They are data, below everything that shows them: the declaration, the banner, the
//! endpoints and the ledger read them; they read only the categories and lifetimes.

mod languages;

use std::borrow::Cow;

use crate::category::Categories;
use crate::classify::TimeUnit;
use crate::{Category, Lifetime};

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
    /// The heading of the page a banner form gets when its choice was refused (a
    /// request from another site, a setting that does not fit the host), e.g. "Your
    /// choice could not be saved.".
    pub not_saved: Cow<'static, str>,
    /// The settings' link to the visitor's consent records (with a ledger), e.g.
    /// "Download my consent records".
    pub records: Cow<'static, str>,
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
    /// The cookie declaration's texts, and the banner's "Show cookies" disclosures.
    pub declaration: DeclarationTexts,
    /// The placeholders of the embeds the HTML gate holds back.
    pub embeds: EmbedTexts,
    /// How the declaration lists what trackers keep in the browser's storage.
    pub storage: StorageTexts,
}

/// The texts of the placeholder the HTML gate writes in place of an embed it holds
/// back (a video, a map, a social post …): its title names the vendor (`{vendor}`),
/// one sentence per kind of embed says what loading it means, and the two buttons
/// load this one embed or allow its category (`{category}`, the category's label).
///
/// The built-in English, German, French and Spanish texts are complete; the other
/// built-in languages use the English ones.
///
/// # Example
///
/// ```
/// use tower_consent::{BannerTexts, EmbedTexts};
///
/// let texts = BannerTexts {
///     embeds: EmbedTexts {
///         load_one: "Play this one".into(),
///         ..EmbedTexts::english()
///     },
///     ..BannerTexts::english()
/// };
/// assert_eq!(texts.embeds.allow, "Allow {category}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedTexts {
    /// The placeholder's title and accessible name, `{vendor}` standing for the vendor:
    /// "Content from {vendor}".
    pub title: Cow<'static, str>,
    /// The button that loads this embed only and records nothing, e.g. "Load this one".
    pub load_one: Cow<'static, str>,
    /// The button that records consent to the embed's category, `{category}` standing
    /// for the category's label: "Allow {category}".
    pub allow: Cow<'static, str>,
    /// What loading a video player means.
    pub video: Cow<'static, str>,
    /// What loading an audio player means.
    pub audio: Cow<'static, str>,
    /// What loading a map means.
    pub map: Cow<'static, str>,
    /// What loading a social network's post means.
    pub post: Cow<'static, str>,
    /// What loading a comment service means.
    pub comments: Cow<'static, str>,
    /// What loading any other embed means.
    pub content: Cow<'static, str>,
}

impl EmbedTexts {
    /// The built-in English texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::EmbedTexts::english().load_one, "Load this one");
    /// ```
    pub const fn english() -> Self {
        Self {
            title: Cow::Borrowed("Content from {vendor}"),
            load_one: Cow::Borrowed("Load this one"),
            allow: Cow::Borrowed("Allow {category}"),
            video: Cow::Borrowed(
                "Playing this video here loads it from its provider, which can set cookies \
                 and see that you visited this page.",
            ),
            audio: Cow::Borrowed(
                "Playing this audio here loads it from its provider, which can set cookies \
                 and see that you visited this page.",
            ),
            map: Cow::Borrowed(
                "Showing this map here loads it from its provider, which can set cookies and \
                 see that you visited this page.",
            ),
            post: Cow::Borrowed(
                "Showing this post here loads it from the social network, which can set \
                 cookies and link this visit to your account there.",
            ),
            comments: Cow::Borrowed(
                "Showing the comments here loads them from a comment service, which can set \
                 cookies and see that you visited this page.",
            ),
            content: Cow::Borrowed(
                "Showing this content here loads it from its provider, which can set cookies \
                 and see that you visited this page.",
            ),
        }
    }

    /// The built-in German texts (formal address, "Sie").
    ///
    /// ```
    /// assert_eq!(tower_consent::EmbedTexts::german().load_one, "Nur diesen Inhalt laden");
    /// ```
    pub const fn german() -> Self {
        Self {
            title: Cow::Borrowed("Inhalt von {vendor}"),
            load_one: Cow::Borrowed("Nur diesen Inhalt laden"),
            allow: Cow::Borrowed("{category} erlauben"),
            video: Cow::Borrowed(
                "Wenn Sie dieses Video hier abspielen, wird es von seinem Anbieter geladen, \
                 der Cookies setzen und sehen kann, dass Sie diese Seite besucht haben.",
            ),
            audio: Cow::Borrowed(
                "Wenn Sie diese Aufnahme hier abspielen, wird sie von ihrem Anbieter geladen, \
                 der Cookies setzen und sehen kann, dass Sie diese Seite besucht haben.",
            ),
            map: Cow::Borrowed(
                "Wenn Sie diese Karte hier anzeigen, wird sie von ihrem Anbieter geladen, der \
                 Cookies setzen und sehen kann, dass Sie diese Seite besucht haben.",
            ),
            post: Cow::Borrowed(
                "Wenn Sie diesen Beitrag hier anzeigen, wird er vom sozialen Netzwerk geladen, \
                 das Cookies setzen und diesen Besuch mit Ihrem Konto dort verknüpfen kann.",
            ),
            comments: Cow::Borrowed(
                "Wenn Sie die Kommentare hier anzeigen, werden sie von einem Kommentardienst \
                 geladen, der Cookies setzen und sehen kann, dass Sie diese Seite besucht \
                 haben.",
            ),
            content: Cow::Borrowed(
                "Wenn Sie diesen Inhalt hier anzeigen, wird er von seinem Anbieter geladen, \
                 der Cookies setzen und sehen kann, dass Sie diese Seite besucht haben.",
            ),
        }
    }

    /// The built-in French texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::EmbedTexts::french().load_one, "Charger ce contenu seulement");
    /// ```
    pub const fn french() -> Self {
        Self {
            title: Cow::Borrowed("Contenu de {vendor}"),
            load_one: Cow::Borrowed("Charger ce contenu seulement"),
            allow: Cow::Borrowed("Autoriser : {category}"),
            video: Cow::Borrowed(
                "Lire cette vidéo ici la charge depuis son fournisseur, qui peut déposer des \
                 cookies et savoir que vous avez visité cette page.",
            ),
            audio: Cow::Borrowed(
                "Écouter cet enregistrement ici le charge depuis son fournisseur, qui peut \
                 déposer des cookies et savoir que vous avez visité cette page.",
            ),
            map: Cow::Borrowed(
                "Afficher cette carte ici la charge depuis son fournisseur, qui peut déposer \
                 des cookies et savoir que vous avez visité cette page.",
            ),
            post: Cow::Borrowed(
                "Afficher cette publication ici la charge depuis le réseau social, qui peut \
                 déposer des cookies et relier cette visite à votre compte chez lui.",
            ),
            comments: Cow::Borrowed(
                "Afficher les commentaires ici les charge depuis un service de commentaires, \
                 qui peut déposer des cookies et savoir que vous avez visité cette page.",
            ),
            content: Cow::Borrowed(
                "Afficher ce contenu ici le charge depuis son fournisseur, qui peut déposer \
                 des cookies et savoir que vous avez visité cette page.",
            ),
        }
    }

    /// The built-in Spanish texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::EmbedTexts::spanish().load_one, "Cargar solo este contenido");
    /// ```
    pub const fn spanish() -> Self {
        Self {
            title: Cow::Borrowed("Contenido de {vendor}"),
            load_one: Cow::Borrowed("Cargar solo este contenido"),
            allow: Cow::Borrowed("Permitir {category}"),
            video: Cow::Borrowed(
                "Reproducir este vídeo aquí lo carga desde su proveedor, que puede instalar \
                 cookies y saber que ha visitado esta página.",
            ),
            audio: Cow::Borrowed(
                "Reproducir este audio aquí lo carga desde su proveedor, que puede instalar \
                 cookies y saber que ha visitado esta página.",
            ),
            map: Cow::Borrowed(
                "Mostrar este mapa aquí lo carga desde su proveedor, que puede instalar \
                 cookies y saber que ha visitado esta página.",
            ),
            post: Cow::Borrowed(
                "Mostrar esta publicación aquí la carga desde la red social, que puede \
                 instalar cookies y vincular esta visita con su cuenta en ella.",
            ),
            comments: Cow::Borrowed(
                "Mostrar los comentarios aquí los carga desde un servicio de comentarios, que \
                 puede instalar cookies y saber que ha visitado esta página.",
            ),
            content: Cow::Borrowed(
                "Mostrar este contenido aquí lo carga desde su proveedor, que puede instalar \
                 cookies y saber que ha visitado esta página.",
            ),
        }
    }
}

/// How the cookie declaration lists the keys trackers keep in the browser's
/// `localStorage` and `sessionStorage` ([`StorageRule`](crate::StorageRule)): in the
/// column of a cookie's party, the storage; in the lifetime column, how long it lasts.
///
/// The built-in English, German, French and Spanish texts are complete; the other
/// built-in languages use the English ones.
///
/// # Example
///
/// ```
/// use tower_consent::StorageTexts;
///
/// assert_eq!(StorageTexts::german().local_storage, "Lokaler Speicher");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageTexts {
    /// A key kept in `localStorage`, e.g. "Local storage".
    pub local_storage: Cow<'static, str>,
    /// A key kept in `sessionStorage`, e.g. "Session storage".
    pub session_storage: Cow<'static, str>,
    /// How long a `localStorage` key lasts: until the site or the visitor deletes it.
    pub until_deleted: Cow<'static, str>,
}

impl StorageTexts {
    /// The built-in English texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::StorageTexts::english().until_deleted, "Until deleted");
    /// ```
    pub const fn english() -> Self {
        Self {
            local_storage: Cow::Borrowed("Local storage"),
            session_storage: Cow::Borrowed("Session storage"),
            until_deleted: Cow::Borrowed("Until deleted"),
        }
    }

    /// The built-in German texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::StorageTexts::german().until_deleted, "Bis zur Löschung");
    /// ```
    pub const fn german() -> Self {
        Self {
            local_storage: Cow::Borrowed("Lokaler Speicher"),
            session_storage: Cow::Borrowed("Sitzungsspeicher"),
            until_deleted: Cow::Borrowed("Bis zur Löschung"),
        }
    }

    /// The built-in French texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::StorageTexts::french().local_storage, "Stockage local");
    /// ```
    pub const fn french() -> Self {
        Self {
            local_storage: Cow::Borrowed("Stockage local"),
            session_storage: Cow::Borrowed("Stockage de session"),
            until_deleted: Cow::Borrowed("Jusqu’à sa suppression"),
        }
    }

    /// The built-in Spanish texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::StorageTexts::spanish().local_storage, "Almacenamiento local");
    /// ```
    pub const fn spanish() -> Self {
        Self {
            local_storage: Cow::Borrowed("Almacenamiento local"),
            session_storage: Cow::Borrowed("Almacenamiento de sesión"),
            until_deleted: Cow::Borrowed("Hasta que se borre"),
        }
    }
}

/// The texts of the cookie declaration (`GET {prefix}/cookies`,
/// [`ConsentLayer::declaration`](crate::ConsentLayer::declaration)) and of the banner's
/// per-category "Show cookies" lists.
///
/// Lifetimes are written with the unit texts: each holds the singular and the plural
/// form separated by `|`, with `{n}` standing for the number (`"{n} day|{n} days"`); the
/// singular is used for 1.
///
/// # Example
///
/// ```
/// use tower_consent::{BannerTexts, DeclarationTexts};
///
/// let texts = BannerTexts {
///     declaration: DeclarationTexts {
///         title: "Our cookies".into(),
///         ..DeclarationTexts::english()
///     },
///     ..BannerTexts::english()
/// };
/// assert_eq!(texts.declaration.show_cookies, "Show cookies");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationTexts {
    /// The declaration's heading and the banner's link to it, e.g. "Cookie declaration".
    pub title: Cow<'static, str>,
    /// One or two sentences above the tables.
    pub intro: Cow<'static, str>,
    /// The disclosure that lists a category's cookies in the banner, e.g. "Show cookies".
    pub show_cookies: Cow<'static, str>,
    /// Column heading: the cookie's name or name pattern.
    pub name: Cow<'static, str>,
    /// Column heading: who sets the cookie.
    pub provider: Cow<'static, str>,
    /// Column heading: what the cookie is for.
    pub purpose: Cow<'static, str>,
    /// Column heading: how long the cookie lives.
    pub lifetime: Cow<'static, str>,
    /// Column heading: first or third party.
    pub party: Cow<'static, str>,
    /// A cookie set on this site's own domain.
    pub first_party: Cow<'static, str>,
    /// A cookie set on another site's domain.
    pub third_party: Cow<'static, str>,
    /// The provider of the site's own cookies, e.g. "This site".
    pub this_site: Cow<'static, str>,
    /// The purpose of the consent cookie itself.
    pub consent_cookie: Cow<'static, str>,
    /// A session cookie's lifetime, e.g. "Session".
    pub session: Cow<'static, str>,
    /// A lifetime that depends on the vendor's configuration, e.g. "Varies".
    pub varies: Cow<'static, str>,
    /// Shown for a purpose or lifetime the configuration does not state.
    pub not_stated: Cow<'static, str>,
    /// Shown for a category without cookies.
    pub no_cookies: Cow<'static, str>,
    /// Seconds: `"{n} second|{n} seconds"`.
    pub seconds: Cow<'static, str>,
    /// Minutes: `"{n} minute|{n} minutes"`.
    pub minutes: Cow<'static, str>,
    /// Hours: `"{n} hour|{n} hours"`.
    pub hours: Cow<'static, str>,
    /// Days: `"{n} day|{n} days"`.
    pub days: Cow<'static, str>,
    /// Months of 30 days: `"{n} month|{n} months"`.
    pub months: Cow<'static, str>,
    /// Years of 365 days: `"{n} year|{n} years"`.
    pub years: Cow<'static, str>,
}

impl DeclarationTexts {
    /// The built-in English texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::DeclarationTexts::english().session, "Session");
    /// ```
    pub const fn english() -> Self {
        Self {
            title: Cow::Borrowed("Cookie declaration"),
            intro: Cow::Borrowed(
                "These are the cookies this site uses or has been seen to use, by category. \
                 Only necessary cookies are used without your consent.",
            ),
            show_cookies: Cow::Borrowed("Show cookies"),
            name: Cow::Borrowed("Name"),
            provider: Cow::Borrowed("Provider"),
            purpose: Cow::Borrowed("Purpose"),
            lifetime: Cow::Borrowed("Lifetime"),
            party: Cow::Borrowed("Type"),
            first_party: Cow::Borrowed("First party"),
            third_party: Cow::Borrowed("Third party"),
            this_site: Cow::Borrowed("This site"),
            consent_cookie: Cow::Borrowed("Remembers your cookie choice."),
            session: Cow::Borrowed("Session"),
            varies: Cow::Borrowed("Varies"),
            not_stated: Cow::Borrowed("Not stated"),
            no_cookies: Cow::Borrowed("No cookies in this category."),
            seconds: Cow::Borrowed("{n} second|{n} seconds"),
            minutes: Cow::Borrowed("{n} minute|{n} minutes"),
            hours: Cow::Borrowed("{n} hour|{n} hours"),
            days: Cow::Borrowed("{n} day|{n} days"),
            months: Cow::Borrowed("{n} month|{n} months"),
            years: Cow::Borrowed("{n} year|{n} years"),
        }
    }

    /// The built-in Spanish texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::DeclarationTexts::spanish().session, "Sesión");
    /// ```
    pub const fn spanish() -> Self {
        Self {
            title: Cow::Borrowed("Declaración de cookies"),
            intro: Cow::Borrowed(
                "Estas son las cookies que este sitio usa o se ha visto que usa, por \
                 categoría. Sin su consentimiento solo se usan las necesarias.",
            ),
            show_cookies: Cow::Borrowed("Ver cookies"),
            name: Cow::Borrowed("Nombre"),
            provider: Cow::Borrowed("Proveedor"),
            purpose: Cow::Borrowed("Finalidad"),
            lifetime: Cow::Borrowed("Duración"),
            party: Cow::Borrowed("Tipo"),
            first_party: Cow::Borrowed("Propia"),
            third_party: Cow::Borrowed("De terceros"),
            this_site: Cow::Borrowed("Este sitio"),
            consent_cookie: Cow::Borrowed("Recuerda su elección sobre las cookies."),
            session: Cow::Borrowed("Sesión"),
            varies: Cow::Borrowed("Variable"),
            not_stated: Cow::Borrowed("No indicado"),
            no_cookies: Cow::Borrowed("No hay cookies en esta categoría."),
            seconds: Cow::Borrowed("{n} segundo|{n} segundos"),
            minutes: Cow::Borrowed("{n} minuto|{n} minutos"),
            hours: Cow::Borrowed("{n} hora|{n} horas"),
            days: Cow::Borrowed("{n} día|{n} días"),
            months: Cow::Borrowed("{n} mes|{n} meses"),
            years: Cow::Borrowed("{n} año|{n} años"),
        }
    }

    /// The built-in German texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::DeclarationTexts::german().session, "Sitzung");
    /// ```
    pub const fn german() -> Self {
        Self {
            title: Cow::Borrowed("Cookie-Erklärung"),
            intro: Cow::Borrowed(
                "Diese Cookies verwendet diese Website, nach Kategorien geordnet, soweit sie \
                 bisher beobachtet wurden. Ohne Ihre Einwilligung werden nur notwendige \
                 Cookies verwendet.",
            ),
            show_cookies: Cow::Borrowed("Cookies anzeigen"),
            name: Cow::Borrowed("Name"),
            provider: Cow::Borrowed("Anbieter"),
            purpose: Cow::Borrowed("Zweck"),
            lifetime: Cow::Borrowed("Speicherdauer"),
            party: Cow::Borrowed("Art"),
            first_party: Cow::Borrowed("Erstanbieter"),
            third_party: Cow::Borrowed("Drittanbieter"),
            this_site: Cow::Borrowed("Diese Website"),
            consent_cookie: Cow::Borrowed("Speichert Ihre Cookie-Auswahl."),
            session: Cow::Borrowed("Sitzung"),
            varies: Cow::Borrowed("Unterschiedlich"),
            not_stated: Cow::Borrowed("Nicht angegeben"),
            no_cookies: Cow::Borrowed("Keine Cookies in dieser Kategorie."),
            seconds: Cow::Borrowed("{n} Sekunde|{n} Sekunden"),
            minutes: Cow::Borrowed("{n} Minute|{n} Minuten"),
            hours: Cow::Borrowed("{n} Stunde|{n} Stunden"),
            days: Cow::Borrowed("{n} Tag|{n} Tage"),
            months: Cow::Borrowed("{n} Monat|{n} Monate"),
            years: Cow::Borrowed("{n} Jahr|{n} Jahre"),
        }
    }

    /// The built-in French texts.
    ///
    /// ```
    /// assert_eq!(tower_consent::DeclarationTexts::french().session, "Session");
    /// ```
    pub const fn french() -> Self {
        Self {
            title: Cow::Borrowed("Déclaration relative aux cookies"),
            intro: Cow::Borrowed(
                "Voici les cookies que ce site utilise ou a été vu utiliser, par catégorie. \
                 Sans votre consentement, seuls les cookies nécessaires sont utilisés.",
            ),
            show_cookies: Cow::Borrowed("Voir les cookies"),
            name: Cow::Borrowed("Nom"),
            provider: Cow::Borrowed("Fournisseur"),
            purpose: Cow::Borrowed("Finalité"),
            lifetime: Cow::Borrowed("Durée"),
            party: Cow::Borrowed("Type"),
            first_party: Cow::Borrowed("Interne"),
            third_party: Cow::Borrowed("Tiers"),
            this_site: Cow::Borrowed("Ce site"),
            consent_cookie: Cow::Borrowed("Mémorise votre choix concernant les cookies."),
            session: Cow::Borrowed("Session"),
            varies: Cow::Borrowed("Variable"),
            not_stated: Cow::Borrowed("Non précisé"),
            no_cookies: Cow::Borrowed("Aucun cookie dans cette catégorie."),
            seconds: Cow::Borrowed("{n} seconde|{n} secondes"),
            minutes: Cow::Borrowed("{n} minute|{n} minutes"),
            hours: Cow::Borrowed("{n} heure|{n} heures"),
            days: Cow::Borrowed("{n} jour|{n} jours"),
            months: Cow::Borrowed("{n} mois|{n} mois"),
            years: Cow::Borrowed("{n} an|{n} ans"),
        }
    }

    /// A lifetime in words: "2 years", "Session".
    pub(crate) fn lifetime_text(&self, lifetime: Lifetime) -> String {
        let Some((n, unit)) = lifetime.in_units() else {
            return match lifetime {
                Lifetime::Varies => self.varies.to_string(),
                _ => self.session.to_string(),
            };
        };
        let forms = match unit {
            TimeUnit::Seconds => &self.seconds,
            TimeUnit::Minutes => &self.minutes,
            TimeUnit::Hours => &self.hours,
            TimeUnit::Days => &self.days,
            TimeUnit::Months => &self.months,
            TimeUnit::Years => &self.years,
        };
        let (one, other) = forms.split_once('|').unwrap_or((forms, forms));
        let form = if n == 1 { one } else { other };
        form.replace("{n}", &n.to_string())
    }
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

/// The label and description of `category` for visitors whose banner is in `language`:
/// from `texts` for the standard categories, from the category's own translations (see
/// [`CustomCategory::label_in`](crate::CustomCategory::label_in)) for custom ones.
pub(crate) fn category_text<'a>(
    categories: &'a Categories,
    category: Category,
    language: &str,
    texts: &'a BannerTexts,
) -> (&'a str, &'a str) {
    match texts.category(category) {
        Some(text) => (&text.label, &text.description),
        None => categories.own_text(category, language),
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
            &t.not_saved,
            &t.records,
            &t.reload_notice,
        ];
        for c in [&t.necessary, &t.preferences, &t.analytics, &t.marketing] {
            all.push(&c.label);
            all.push(&c.description);
        }
        let d = &t.declaration;
        all.extend([
            &d.title,
            &d.intro,
            &d.show_cookies,
            &d.name,
            &d.provider,
            &d.purpose,
            &d.lifetime,
            &d.party,
            &d.first_party,
            &d.third_party,
            &d.this_site,
            &d.consent_cookie,
            &d.session,
            &d.varies,
            &d.not_stated,
            &d.no_cookies,
            &d.seconds,
            &d.minutes,
            &d.hours,
            &d.days,
            &d.months,
            &d.years,
        ]);
        all
    }

    #[test]
    fn unit_texts_have_both_forms_with_the_number() {
        for (_, texts) in all_builtin() {
            let d = &texts.declaration;
            for unit in [
                &d.seconds, &d.minutes, &d.hours, &d.days, &d.months, &d.years,
            ] {
                let (one, other) = unit.split_once('|').expect("two forms");
                assert!(one.contains("{n}") && other.contains("{n}"), "{unit}");
            }
        }
    }

    #[test]
    fn lifetimes_in_words() {
        use std::time::Duration;
        let en = DeclarationTexts::english();
        let days = |n: u64| Lifetime::For(Duration::from_secs(n * 86_400));
        assert_eq!(en.lifetime_text(days(730)), "2 years");
        assert_eq!(en.lifetime_text(days(365)), "1 year");
        assert_eq!(en.lifetime_text(days(1)), "1 day");
        assert_eq!(en.lifetime_text(days(400)), "400 days");
        assert_eq!(en.lifetime_text(Lifetime::Session), "Session");
        assert_eq!(en.lifetime_text(Lifetime::Varies), "Varies");
        assert_eq!(DeclarationTexts::french().lifetime_text(days(30)), "1 mois");
        assert_eq!(
            DeclarationTexts::german().lifetime_text(days(60)),
            "2 Monate"
        );
        let odd = DeclarationTexts {
            days: "{n}d".into(),
            ..DeclarationTexts::english()
        };
        assert_eq!(
            odd.lifetime_text(days(3)),
            "3d",
            "one form is used for both"
        );
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

    /// Texts that are the right word in a language and happen to be the English one.
    const SAME_AS_ENGLISH: [(&str, &str); 4] = [
        ("de", "Name"),
        ("fr", "Type"),
        ("fr", "Session"),
        ("fr", "{n} minute|{n} minutes"),
    ];

    #[test]
    fn builtins_are_translated_from_english() {
        let english = BannerTexts::english();
        for (code, texts) in all_builtin() {
            if code == "en" {
                continue;
            }
            for (field, original) in fields(&texts).into_iter().zip(fields(&english)) {
                // "Marketing" is the word many languages use for it; a few other texts
                // are spelt the same in one language.
                let same_word =
                    original == "Marketing" || SAME_AS_ENGLISH.contains(&(code, field.as_ref()));
                if field == original && !same_word {
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

    fn embed_and_storage_fields(t: &BannerTexts) -> Vec<&Cow<'static, str>> {
        let (e, s) = (&t.embeds, &t.storage);
        vec![
            &e.title,
            &e.load_one,
            &e.allow,
            &e.video,
            &e.audio,
            &e.map,
            &e.post,
            &e.comments,
            &e.content,
            &s.local_storage,
            &s.session_storage,
            &s.until_deleted,
        ]
    }

    /// English, German, French and Spanish are complete; the other languages use the
    /// English texts, never a mix.
    #[test]
    fn embed_and_storage_texts_are_complete_where_translated() {
        let english = BannerTexts::english();
        for (code, texts) in all_builtin() {
            let fields = embed_and_storage_fields(&texts);
            let originals = embed_and_storage_fields(&english);
            for field in &fields {
                assert!(!field.trim().is_empty(), "{code}");
                assert_eq!(field.trim(), field.as_ref(), "untrimmed: {field:?}");
                assert!(!field.contains("  ") && !field.contains('"'), "{field:?}");
                assert!(matches!(field, Cow::Borrowed(_)), "allocates: {field:?}");
            }
            assert!(fields[0].contains("{vendor}"), "{code}");
            assert!(fields[2].contains("{category}"), "{code}");
            let translated = fields
                .iter()
                .zip(&originals)
                .filter(|(a, b)| a != b)
                .count();
            match code {
                "en" => {}
                "de" | "fr" | "es" => assert_eq!(translated, fields.len(), "{code}"),
                _ => assert_eq!(translated, 0, "{code}: a partial translation"),
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

    #[test]
    fn custom_labels_follow_the_banner_language() {
        let categories = Categories::new(vec![crate::CustomCategory::new("ab", "A/B", "Tests.")
            .label_in("de", "A/B-Tests", "Vergleiche.")
            .label_in("pt-BR", "Testes A/B", "Comparações.")
            .label_in("DE", "A/B-Test", "Vergleich.")]);
        let texts = BannerTexts::english();
        let text = |language| category_text(&categories, Category::Custom("ab"), language, &texts);
        assert_eq!(text("en"), ("A/B", "Tests."));
        // The later `DE` replaced `de`; matching ignores case and falls back to the
        // primary subtag.
        assert_eq!(text("de"), ("A/B-Test", "Vergleich."));
        assert_eq!(text("de-AT"), ("A/B-Test", "Vergleich."));
        assert_eq!(text("pt-br"), ("Testes A/B", "Comparações."));
        assert_eq!(text("pt"), ("A/B", "Tests."));
        assert_eq!(
            category_text(&categories, Category::Analytics, "de", &texts).0,
            "Analytics"
        );
    }
}
