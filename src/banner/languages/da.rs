//! Danish ("du", as usual on Danish websites).

use crate::banner::{BannerTexts, DeclarationTexts};

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
        "Måler, hvordan hjemmesiden bruges, herunder A/B-test."
    ),
    marketing: ("Markedsføring", "Annoncering og sporing på tværs af websites."),
    declaration: (DeclarationTexts::english()),
};
