//! German (formal address, "Sie").

use crate::texts::{BannerTexts, DeclarationTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies auf dieser Website",
    body: "Diese Website verwendet immer die Cookies, die sie zum Funktionieren braucht, \
           und nur mit Ihrer Einwilligung Cookies für Präferenzen, Statistik und \
           Marketing. Ablehnen ist so einfach wie Akzeptieren, und Sie können Ihre Wahl \
           jederzeit unter „Cookie-Einstellungen“ ändern.",
    accept_all: "Alle akzeptieren",
    reject_all: "Alle ablehnen",
    withdraw: "Einwilligung widerrufen",
    customize: "Anpassen",
    save: "Auswahl speichern",
    settings: "Cookie-Einstellungen",
    back: "Zurück zur Website",
    always_on: "Immer aktiv",
    gpc_notice: "Ihr Browser hat ein Global-Privacy-Control-Signal (GPC) gesendet, daher \
                 bleiben Marketing-Cookies ausgeschaltet.",
    saved: "Ihre Auswahl wurde gespeichert.",
    not_saved: "Ihre Auswahl konnte nicht gespeichert werden.",
    records: "Meine Einwilligungsnachweise herunterladen",
    reload_notice: "Laden Sie die Seite neu, um bereits Laufendes zu beenden.",
    necessary: (
        "Notwendig",
        "Ohne sie funktioniert die Website nicht: Sitzung, Sicherheit und das \
         Speichern dieser Auswahl."
    ),
    preferences: ("Präferenzen", "Merken sich Ihre Auswahl, etwa Farbschema oder Sprache."),
    analytics: (
        "Statistik",
        "Messen, wie die Website genutzt wird."
    ),
    marketing: ("Marketing", "Werbung und websiteübergreifendes Tracking."),
    declaration: (DeclarationTexts::german()),
    embeds: (EmbedTexts::german()),
    storage: (StorageTexts::german()),
};
