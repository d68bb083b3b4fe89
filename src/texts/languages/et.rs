//! Estonian (formal address, "Teie").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Küpsised sellel veebisaidil",
    body: "See veebisait kasutab alati küpsiseid, mida ta toimimiseks vajab, ning ainult \
           Teie nõusolekul eelistuste, statistika ja turunduse küpsiseid. Keeldumine on \
           sama lihtne kui nõustumine ning oma valikut saate igal ajal muuta jaotises \
           „Küpsiste seaded“.",
    accept_all: "Nõustu kõigiga",
    reject_all: "Keeldu kõigist",
    withdraw: "Võta nõusolek tagasi",
    customize: "Kohanda",
    save: "Salvesta valikud",
    settings: "Küpsiste seaded",
    back: "Tagasi veebisaidile",
    always_on: "Alati sees",
    gpc_notice: "Teie brauser saatis Global Privacy Controli (GPC) signaali, seega jäävad \
                 turundusküpsised välja lülitatuks.",
    saved: "Teie valik on salvestatud.",
    not_saved: "Teie valikut ei õnnestunud salvestada.",
    records: "Laadi alla minu nõusolekute kirjed",
    reload_notice: "Laadige leht uuesti, et peatada juba töötav.",
    necessary: (
        "Vajalikud",
        "Ilma nendeta veebisait ei tööta: seansid, turvalisus ja selle valiku \
         meelespidamine."
    ),
    preferences: (
        "Eelistused",
        "Jätavad meelde Teie tehtud valikud, näiteks teema või keele."
    ),
    analytics: (
        "Statistika",
        "Mõõdavad veebisaidi kasutamist."
    ),
    marketing: ("Turundus", "Reklaam ja jälgimine eri veebisaitidel."),
    declaration: (declaration! {
        title: "Küpsiste deklaratsioon",
        intro: "Siin on kategooriate kaupa küpsised, mida see veebisait kasutab või mille \
                kasutamist on täheldatud. Ilma Teie nõusolekuta kasutatakse ainult \
                vajalikke küpsiseid.",
        show_cookies: "Näita küpsiseid",
        name: "Nimi",
        provider: "Pakkuja",
        purpose: "Eesmärk",
        lifetime: "Kehtivusaeg",
        party: "Tüüp",
        first_party: "Esimese osapoole",
        third_party: "Kolmanda osapoole",
        this_site: "See veebisait",
        consent_cookie: "Jätab meelde Teie küpsiste valiku.",
        session: "Seanss",
        varies: "Erineb",
        not_stated: "Pole märgitud",
        no_cookies: "Selles kategoorias küpsiseid pole.",
        seconds: "{n} sekund|{n} sekundit",
        minutes: "{n} minut|{n} minutit",
        hours: "{n} tund|{n} tundi",
        days: "{n} päev|{n} päeva",
        months: "{n} kuu|{n} kuud",
        years: "{n} aasta|{n} aastat",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
