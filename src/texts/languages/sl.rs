//! Slovenian (formal address, "vi").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Piškotki na tej spletni strani",
    body: "Ta spletna stran vedno uporablja piškotke, ki jih potrebuje za delovanje, \
           piškotke za preference, statistiko in trženje pa le z vašo privolitvijo. \
           Zavrnitev je enako preprosta kot sprejetje, svojo izbiro pa lahko kadar koli \
           spremenite v razdelku »Nastavitve piškotkov«.",
    accept_all: "Sprejmi vse",
    reject_all: "Zavrni vse",
    withdraw: "Prekliči privolitev",
    customize: "Prilagodi",
    save: "Shrani izbiro",
    settings: "Nastavitve piškotkov",
    back: "Nazaj na spletno stran",
    always_on: "Vedno vklopljeni",
    gpc_notice: "Vaš brskalnik je poslal signal Global Privacy Control (GPC), zato piškotki \
                 za trženje ostanejo izklopljeni.",
    saved: "Vaša izbira je shranjena.",
    not_saved: "Vaše izbire ni bilo mogoče shraniti.",
    records: "Prenesi moje zapise o privolitvi",
    reload_notice: "Znova naložite stran, da ustavite, kar že teče.",
    necessary: (
        "Nujni",
        "Brez njih spletna stran ne deluje: seje, varnost in pomnjenje te izbire."
    ),
    preferences: ("Preference", "Zapomnijo si vaše izbire, na primer temo ali jezik."),
    analytics: (
        "Statistika",
        "Merijo, kako se spletna stran uporablja."
    ),
    marketing: ("Trženje", "Oglaševanje in sledenje na različnih spletnih straneh."),
    declaration: (declaration! {
        title: "Izjava o piškotkih",
        intro: "To so, po kategorijah, piškotki, ki jih ta spletna stran uporablja ali za \
                katere je bilo opaženo, da jih uporablja. Brez vaše privolitve se \
                uporabljajo le nujni piškotki.",
        show_cookies: "Prikaži piškotke",
        name: "Ime",
        provider: "Ponudnik",
        purpose: "Namen",
        lifetime: "Trajanje",
        party: "Vrsta",
        first_party: "Lastni",
        third_party: "Tretjih oseb",
        this_site: "Ta spletna stran",
        consent_cookie: "Zapomni si vašo izbiro glede piškotkov.",
        session: "Seja",
        varies: "Različno",
        not_stated: "Ni navedeno",
        no_cookies: "V tej kategoriji ni piškotkov.",
        // Slovenian has further forms for 2 (sekundi, dneva, leti) and 3–4 (sekunde, dnevi,
        // leta); the genitive plural for 5 and more is used for every number above 1.
        seconds: "{n} sekunda|{n} sekund",
        minutes: "{n} minuta|{n} minut",
        hours: "{n} ura|{n} ur",
        days: "{n} dan|{n} dni",
        months: "{n} mesec|{n} mesecev",
        years: "{n} leto|{n} let",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
