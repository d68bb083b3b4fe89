//! Czech (formal address, "Vy").

use crate::banner::{BannerTexts, DeclarationTexts};

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
    records: "Stáhnout mé záznamy o souhlasu",
    reload_notice: "Znovu načtěte stránku, abyste zastavili to, co již běží.",
    necessary: (
        "Nezbytné",
        "Bez nich web nefunguje: relace, zabezpečení a zapamatování této volby."
    ),
    preferences: ("Předvolby", "Pamatují si Vaše volby, například motiv nebo jazyk."),
    analytics: ("Statistika", "Měří, jak je web používán, včetně A/B testů."),
    marketing: ("Marketing", "Reklama a sledování napříč weby."),
    declaration: (DeclarationTexts::english()),
};
