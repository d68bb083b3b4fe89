//! Slovenian (formal address, "vi").

use crate::banner::{BannerTexts, DeclarationTexts};

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
    records: "Prenesi moje zapise o privolitvi",
    reload_notice: "Znova naložite stran, da ustavite, kar že teče.",
    necessary: (
        "Nujni",
        "Brez njih spletna stran ne deluje: seje, varnost in pomnjenje te izbire."
    ),
    preferences: ("Preference", "Zapomnijo si vaše izbire, na primer temo ali jezik."),
    analytics: (
        "Statistika",
        "Merijo, kako se spletna stran uporablja, vključno s testi A/B."
    ),
    marketing: ("Trženje", "Oglaševanje in sledenje na različnih spletnih straneh."),
    declaration: (DeclarationTexts::english()),
};
