//! Italian (informal address, "tu", as usual on Italian cookie banners).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

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
    not_saved: "Non è stato possibile salvare la tua scelta.",
    records: "Scarica le mie registrazioni del consenso",
    reload_notice: "Ricarica la pagina per fermare ciò che è già in esecuzione.",
    necessary: (
        "Necessari",
        "Senza di essi il sito non funziona: sessioni, sicurezza e memorizzazione di \
         questa scelta."
    ),
    preferences: ("Preferenze", "Ricordano le scelte che fai, come il tema o la lingua."),
    analytics: ("Statistiche", "Misurano come viene usato il sito."),
    marketing: ("Marketing", "Pubblicità e tracciamento tra siti diversi."),
    declaration: (declaration! {
        title: "Dichiarazione sui cookie",
        intro: "Ecco, per categoria, i cookie che questo sito utilizza o di cui è stato \
                rilevato l’uso. Senza il tuo consenso vengono utilizzati solo i cookie \
                necessari.",
        show_cookies: "Mostra i cookie",
        name: "Nome",
        provider: "Fornitore",
        purpose: "Finalità",
        lifetime: "Durata",
        party: "Tipo",
        first_party: "Prima parte",
        third_party: "Terza parte",
        this_site: "Questo sito",
        consent_cookie: "Memorizza la tua scelta sui cookie.",
        session: "Sessione",
        varies: "Variabile",
        not_stated: "Non indicato",
        no_cookies: "Nessun cookie in questa categoria.",
        seconds: "{n} secondo|{n} secondi",
        minutes: "{n} minuto|{n} minuti",
        hours: "{n} ora|{n} ore",
        days: "{n} giorno|{n} giorni",
        months: "{n} mese|{n} mesi",
        years: "{n} anno|{n} anni",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
