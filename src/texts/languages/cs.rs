//! Czech (formal address, "Vy").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Soubory cookie na tomto webu",
    body: "Tento web vždy používá soubory cookie, které potřebuje ke svému fungování, a \
           pouze s Vaším souhlasem soubory cookie pro předvolby, statistiku a marketing. \
           Odmítnout je stejně snadné jako přijmout a svou volbu můžete kdykoli změnit v \
           části „Nastavení souborů cookie“.",
    accept_all: "Přijmout vše",
    reject_all: "Odmítnout vše",
    withdraw: "Odvolat souhlas",
    customize: "Přizpůsobit",
    save: "Uložit volbu",
    settings: "Nastavení souborů cookie",
    back: "Zpět na web",
    always_on: "Vždy zapnuto",
    gpc_notice: "Váš prohlížeč odeslal signál Global Privacy Control (GPC), proto soubory \
                 cookie pro marketing zůstávají vypnuté.",
    saved: "Vaše volba byla uložena.",
    not_saved: "Vaši volbu se nepodařilo uložit.",
    records: "Stáhnout mé záznamy o souhlasu",
    reload_notice: "Znovu načtěte stránku, abyste zastavili to, co již běží.",
    necessary: (
        "Nezbytné",
        "Bez nich web nefunguje: relace, zabezpečení a zapamatování této volby."
    ),
    preferences: ("Předvolby", "Pamatují si Vaše volby, například motiv nebo jazyk."),
    analytics: ("Statistika", "Měří, jak je web používán."),
    marketing: ("Marketing", "Reklama a sledování napříč weby."),
    declaration: (declaration! {
        title: "Prohlášení o souborech cookie",
        intro: "Toto jsou, rozdělené podle kategorií, soubory cookie, které tento web \
                používá nebo u nichž bylo zjištěno, že je používá. Bez Vašeho souhlasu se \
                používají pouze nezbytné soubory cookie.",
        show_cookies: "Zobrazit soubory cookie",
        name: "Název",
        provider: "Poskytovatel",
        purpose: "Účel",
        lifetime: "Doba platnosti",
        party: "Typ",
        first_party: "Vlastní",
        third_party: "Třetí strany",
        this_site: "Tento web",
        consent_cookie: "Pamatuje si Vaši volbu souborů cookie.",
        session: "Relace",
        varies: "Liší se",
        not_stated: "Neuvedeno",
        no_cookies: "V této kategorii nejsou žádné soubory cookie.",
        // Czech has a third form for 2–4 (sekundy, minuty, hodiny, dny, měsíce, roky); the
        // genitive plural for 5 and more is used for every number above 1.
        seconds: "{n} sekunda|{n} sekund",
        minutes: "{n} minuta|{n} minut",
        hours: "{n} hodina|{n} hodin",
        days: "{n} den|{n} dní",
        months: "{n} měsíc|{n} měsíců",
        years: "{n} rok|{n} let",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
