//! Italian (informal address, "tu", as usual on Italian cookie banners).

use crate::banner::{BannerTexts, DeclarationTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookie su questo sito",
    body: "Questo sito utilizza sempre i cookie necessari al suo funzionamento e, solo con \
           il tuo consenso, cookie di preferenze, statistiche e marketing. Rifiutare è \
           facile quanto accettare e puoi modificare la tua scelta in qualsiasi momento \
           in «Impostazioni cookie».",
    accept_all: "Accetta tutti",
    reject_all: "Rifiuta tutti",
    withdraw: "Revoca il consenso",
    customize: "Personalizza",
    save: "Salva le scelte",
    settings: "Impostazioni cookie",
    back: "Torna al sito",
    always_on: "Sempre attivi",
    gpc_notice: "Il tuo browser ha inviato un segnale Global Privacy Control (GPC), quindi \
                 i cookie di marketing restano disattivati.",
    saved: "La tua scelta è stata salvata.",
    records: "Scarica le mie registrazioni del consenso",
    reload_notice: "Ricarica la pagina per fermare ciò che è già in esecuzione.",
    necessary: (
        "Necessari",
        "Senza di essi il sito non funziona: sessioni, sicurezza e memorizzazione di \
         questa scelta."
    ),
    preferences: ("Preferenze", "Ricordano le scelte che fai, come il tema o la lingua."),
    analytics: ("Statistiche", "Misurano come viene usato il sito, compresi i test A/B."),
    marketing: ("Marketing", "Pubblicità e tracciamento tra siti diversi."),
    declaration: (DeclarationTexts::english()),
};
