//! French (formal address, "vous").

use crate::texts::{BannerTexts, DeclarationTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies sur ce site",
    body: "Ce site utilise toujours les cookies nécessaires à son fonctionnement et, \
           uniquement avec votre accord, des cookies de préférences, de mesure \
           d’audience et de marketing. Refuser est aussi simple qu’accepter, et vous \
           pouvez modifier votre choix à tout moment dans «\u{a0}Paramètres des \
           cookies\u{a0}».",
    accept_all: "Tout accepter",
    reject_all: "Tout refuser",
    withdraw: "Retirer le consentement",
    customize: "Personnaliser",
    save: "Enregistrer mes choix",
    settings: "Paramètres des cookies",
    back: "Retour au site",
    always_on: "Toujours actifs",
    gpc_notice: "Votre navigateur a envoyé un signal Global Privacy Control (GPC)\u{a0}: les \
                 cookies marketing restent donc désactivés.",
    saved: "Votre choix a été enregistré.",
    not_saved: "Votre choix n’a pas pu être enregistré.",
    records: "Télécharger mes preuves de consentement",
    reload_notice: "Rechargez la page pour arrêter ce qui fonctionne déjà.",
    necessary: (
        "Nécessaires",
        "Indispensables au fonctionnement du site\u{a0}: session, sécurité et \
         mémorisation de ce choix."
    ),
    preferences: ("Préférences", "Mémorisent vos choix, comme le thème ou la langue."),
    analytics: (
        "Mesure d’audience",
        "Mesurent l’utilisation du site."
    ),
    marketing: ("Marketing", "Publicité et pistage d’un site à l’autre."),
    declaration: (DeclarationTexts::french()),
    embeds: (EmbedTexts::french()),
    storage: (StorageTexts::french()),
};
