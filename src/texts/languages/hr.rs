//! Croatian (formal address, "Vi").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Kolačići na ovoj web-stranici",
    body: "Ova web-stranica uvijek upotrebljava kolačiće potrebne za njezin rad, a samo uz \
           Vašu privolu kolačiće za preferencije, statistiku i marketing. Odbijanje je \
           jednako jednostavno kao prihvaćanje, a svoj odabir možete u bilo kojem \
           trenutku promijeniti u odjeljku „Postavke kolačića”.",
    accept_all: "Prihvati sve",
    reject_all: "Odbij sve",
    withdraw: "Povuci privolu",
    customize: "Prilagodi",
    save: "Spremi odabir",
    settings: "Postavke kolačića",
    back: "Natrag na web-stranicu",
    always_on: "Uvijek uključeni",
    gpc_notice: "Vaš je preglednik poslao signal Global Privacy Control (GPC), pa \
                 marketinški kolačići ostaju isključeni.",
    saved: "Vaš je odabir spremljen.",
    not_saved: "Vaš odabir nije bilo moguće spremiti.",
    records: "Preuzmi moje zapise o privoli",
    reload_notice: "Ponovno učitajte stranicu kako biste zaustavili ono što se već izvodi.",
    necessary: (
        "Nužni",
        "Bez njih web-stranica ne radi: sesije, sigurnost i pamćenje ovog odabira."
    ),
    preferences: ("Preferencije", "Pamte Vaše odabire, primjerice temu ili jezik."),
    analytics: (
        "Statistika",
        "Mjere kako se web-stranica upotrebljava."
    ),
    marketing: ("Marketing", "Oglašavanje i praćenje na različitim web-stranicama."),
    declaration: (declaration! {
        title: "Izjava o kolačićima",
        intro: "Ovo su, po kategorijama, kolačići koje ova web-stranica upotrebljava ili \
                za koje je uočeno da ih upotrebljava. Bez Vaše privole upotrebljavaju se \
                samo nužni kolačići.",
        show_cookies: "Prikaži kolačiće",
        name: "Naziv",
        provider: "Pružatelj",
        purpose: "Svrha",
        lifetime: "Trajanje",
        party: "Vrsta",
        first_party: "Prve strane",
        third_party: "Treće strane",
        this_site: "Ova web-stranica",
        consent_cookie: "Pamti Vaš odabir kolačića.",
        session: "Sesija",
        varies: "Promjenjivo",
        not_stated: "Nije navedeno",
        no_cookies: "U ovoj kategoriji nema kolačića.",
        // Croatian uses another form for 2–4 (sekunde, minute, sata, mjeseca, godine);
        // the genitive plural for 5 and more is used for every number above 1.
        seconds: "{n} sekunda|{n} sekundi",
        minutes: "{n} minuta|{n} minuta",
        hours: "{n} sat|{n} sati",
        days: "{n} dan|{n} dana",
        months: "{n} mjesec|{n} mjeseci",
        years: "{n} godina|{n} godina",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
