//! Slovak (formal address, "Vy").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Súbory cookie na tomto webe",
    body: "Tento web vždy používa súbory cookie, ktoré potrebuje na svoje fungovanie, a \
           len s Vaším súhlasom súbory cookie pre preferencie, štatistiku a marketing. \
           Odmietnuť je rovnako jednoduché ako prijať a svoju voľbu môžete kedykoľvek \
           zmeniť v časti „Nastavenia súborov cookie“.",
    accept_all: "Prijať všetky",
    reject_all: "Odmietnuť všetky",
    withdraw: "Odvolať súhlas",
    customize: "Prispôsobiť",
    save: "Uložiť voľbu",
    settings: "Nastavenia súborov cookie",
    back: "Späť na web",
    always_on: "Vždy zapnuté",
    gpc_notice: "Váš prehliadač odoslal signál Global Privacy Control (GPC), preto súbory \
                 cookie pre marketing zostávajú vypnuté.",
    saved: "Vaša voľba bola uložená.",
    not_saved: "Vašu voľbu sa nepodarilo uložiť.",
    records: "Stiahnuť moje záznamy o súhlase",
    reload_notice: "Znova načítajte stránku, aby ste zastavili to, čo už beží.",
    necessary: (
        "Nevyhnutné",
        "Bez nich web nefunguje: relácie, zabezpečenie a zapamätanie tejto voľby."
    ),
    preferences: (
        "Preferencie",
        "Pamätajú si Vaše voľby, napríklad motív alebo jazyk."
    ),
    analytics: ("Štatistika", "Merajú, ako sa web používa."),
    marketing: ("Marketing", "Reklama a sledovanie naprieč webmi."),
    declaration: (declaration! {
        title: "Vyhlásenie o súboroch cookie",
        intro: "Toto sú, rozdelené podľa kategórií, súbory cookie, ktoré tento web používa \
                alebo pri ktorých sa zistilo, že ich používa. Bez Vášho súhlasu sa \
                používajú len nevyhnutné súbory cookie.",
        show_cookies: "Zobraziť súbory cookie",
        name: "Názov",
        provider: "Poskytovateľ",
        purpose: "Účel",
        lifetime: "Doba platnosti",
        party: "Typ",
        first_party: "Vlastný",
        third_party: "Tretej strany",
        this_site: "Tento web",
        consent_cookie: "Pamätá si Vašu voľbu súborov cookie.",
        session: "Relácia",
        varies: "Líši sa",
        not_stated: "Neuvedené",
        no_cookies: "V tejto kategórii nie sú žiadne súbory cookie.",
        // Slovak uses another form for 2–4 (sekundy, minúty, hodiny, dni, mesiace, roky);
        // the genitive plural for 5 and more is used for every number above 1.
        seconds: "{n} sekunda|{n} sekúnd",
        minutes: "{n} minúta|{n} minút",
        hours: "{n} hodina|{n} hodín",
        days: "{n} deň|{n} dní",
        months: "{n} mesiac|{n} mesiacov",
        years: "{n} rok|{n} rokov",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
