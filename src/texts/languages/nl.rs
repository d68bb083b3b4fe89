//! Dutch (formal address, "u").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies op deze website",
    body: "Deze website gebruikt altijd de cookies die nodig zijn om te werken en, alleen \
           met uw toestemming, cookies voor voorkeuren, statistieken en marketing. \
           Weigeren is even eenvoudig als accepteren, en u kunt uw keuze op elk moment \
           wijzigen via ‘Cookie-instellingen’.",
    accept_all: "Alles accepteren",
    reject_all: "Alles weigeren",
    withdraw: "Toestemming intrekken",
    customize: "Aanpassen",
    save: "Keuze opslaan",
    settings: "Cookie-instellingen",
    back: "Terug naar de website",
    always_on: "Altijd aan",
    gpc_notice: "Uw browser heeft een Global Privacy Control-signaal (GPC) verzonden, \
                 daarom blijven marketingcookies uit.",
    saved: "Uw keuze is opgeslagen.",
    not_saved: "Uw keuze kon niet worden opgeslagen.",
    records: "Mijn toestemmingsgegevens downloaden",
    reload_notice: "Laad de pagina opnieuw om te stoppen wat al draait.",
    necessary: (
        "Noodzakelijk",
        "Zonder deze cookies werkt de website niet: sessies, beveiliging en het \
         onthouden van deze keuze."
    ),
    preferences: ("Voorkeuren", "Onthouden keuzes die u maakt, zoals thema of taal."),
    analytics: (
        "Statistieken",
        "Meten hoe de website wordt gebruikt."
    ),
    marketing: ("Marketing", "Advertenties en tracking over verschillende websites."),
    declaration: (declaration! {
        title: "Cookieverklaring",
        intro: "Dit zijn per categorie de cookies die deze website gebruikt of waarvan is \
                vastgesteld dat ze er worden gebruikt. Zonder uw toestemming worden alleen \
                noodzakelijke cookies gebruikt.",
        show_cookies: "Cookies tonen",
        name: "Naam",
        provider: "Aanbieder",
        purpose: "Doel",
        lifetime: "Bewaartermijn",
        party: "Soort",
        first_party: "Eigen",
        third_party: "Van derden",
        this_site: "Deze website",
        consent_cookie: "Onthoudt uw cookiekeuze.",
        session: "Sessie",
        varies: "Verschilt",
        not_stated: "Niet vermeld",
        no_cookies: "Geen cookies in deze categorie.",
        seconds: "{n} seconde|{n} seconden",
        minutes: "{n} minuut|{n} minuten",
        hours: "{n} uur|{n} uur",
        days: "{n} dag|{n} dagen",
        months: "{n} maand|{n} maanden",
        years: "{n} jaar|{n} jaar",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
