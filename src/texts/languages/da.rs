//! Danish ("du", as usual on Danish websites).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies på denne hjemmeside",
    body: "Denne hjemmeside bruger altid de cookies, den har brug for for at fungere, og \
           kun med dit samtykke cookies til præferencer, statistik og markedsføring. Det \
           er lige så nemt at afvise som at acceptere, og du kan til enhver tid ændre dit \
           valg under »Cookieindstillinger«.",
    accept_all: "Accepter alle",
    reject_all: "Afvis alle",
    withdraw: "Tilbagekald samtykke",
    customize: "Tilpas",
    save: "Gem valg",
    settings: "Cookieindstillinger",
    back: "Tilbage til hjemmesiden",
    always_on: "Altid aktive",
    gpc_notice: "Din browser har sendt et Global Privacy Control-signal (GPC), så \
                 markedsføringscookies forbliver slået fra.",
    saved: "Dit valg er gemt.",
    not_saved: "Dit valg kunne ikke gemmes.",
    records: "Download mine samtykkeregistreringer",
    reload_notice: "Genindlæs siden for at stoppe det, der allerede kører.",
    necessary: (
        "Nødvendige",
        "Hjemmesiden kan ikke fungere uden dem: sessioner, sikkerhed og at huske \
         dette valg."
    ),
    preferences: (
        "Præferencer",
        "Husker de valg, du træffer, såsom tema eller sprog."
    ),
    analytics: (
        "Statistik",
        "Måler, hvordan hjemmesiden bruges."
    ),
    marketing: ("Markedsføring", "Annoncering og sporing på tværs af websites."),
    declaration: (declaration! {
        title: "Cookiedeklaration",
        intro: "Her er, fordelt på kategorier, de cookies, som denne hjemmeside bruger, \
                eller som det er konstateret, at den bruger. Uden dit samtykke bruges kun \
                nødvendige cookies.",
        show_cookies: "Vis cookies",
        name: "Navn",
        provider: "Udbyder",
        purpose: "Formål",
        lifetime: "Varighed",
        party: "Part",
        first_party: "Førstepart",
        third_party: "Tredjepart",
        this_site: "Denne hjemmeside",
        consent_cookie: "Husker dit cookievalg.",
        session: "Under sessionen",
        varies: "Varierer",
        not_stated: "Ikke angivet",
        no_cookies: "Ingen cookies i denne kategori.",
        // “Session” alone would be the English word; “Under sessionen” says the same.
        seconds: "{n} sekund|{n} sekunder",
        minutes: "{n} minut|{n} minutter",
        hours: "{n} time|{n} timer",
        days: "{n} dag|{n} dage",
        months: "{n} måned|{n} måneder",
        years: "{n} år|{n} år",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
