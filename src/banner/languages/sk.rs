//! Slovak (formal address, "Vy").

use crate::banner::{BannerTexts, DeclarationTexts};

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
    analytics: ("Štatistika", "Merajú, ako sa web používa, vrátane A/B testov."),
    marketing: ("Marketing", "Reklama a sledovanie naprieč webmi."),
    declaration: (DeclarationTexts::english()),
};
