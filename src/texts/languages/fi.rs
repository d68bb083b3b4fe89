//! Finnish.

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Evästeet tällä sivustolla",
    body: "Tämä sivusto käyttää aina evästeitä, joita se tarvitsee toimiakseen, ja vain \
           suostumuksellasi mieltymys-, tilasto- ja markkinointievästeitä. \
           Kieltäytyminen on yhtä helppoa kuin hyväksyminen, ja voit muuttaa valintaasi \
           milloin tahansa kohdassa ”Evästeasetukset”.",
    accept_all: "Hyväksy kaikki",
    reject_all: "Hylkää kaikki",
    withdraw: "Peruuta suostumus",
    customize: "Mukauta",
    save: "Tallenna valinnat",
    settings: "Evästeasetukset",
    back: "Takaisin sivustolle",
    always_on: "Aina käytössä",
    gpc_notice: "Selaimesi lähetti Global Privacy Control -signaalin (GPC), joten \
                 markkinointievästeet pysyvät pois käytöstä.",
    saved: "Valintasi on tallennettu.",
    not_saved: "Valintaasi ei voitu tallentaa.",
    records: "Lataa suostumustietoni",
    reload_notice: "Lataa sivu uudelleen pysäyttääksesi jo käynnissä olevan.",
    necessary: (
        "Välttämättömät",
        "Sivusto ei toimi ilman niitä: istunnot, tietoturva ja tämän valinnan \
         muistaminen."
    ),
    preferences: (
        "Mieltymykset",
        "Muistavat tekemäsi valinnat, kuten teeman tai kielen."
    ),
    analytics: (
        "Tilastot",
        "Mittaavat, miten sivustoa käytetään."
    ),
    marketing: ("Markkinointi", "Mainonta ja seuranta eri sivustojen välillä."),
    declaration: (declaration! {
        title: "Evästeseloste",
        intro: "Tässä ovat luokittain evästeet, joita tämä sivusto käyttää tai joiden \
                käyttöä sivustolla on havaittu. Ilman suostumustasi käytetään vain \
                välttämättömiä evästeitä.",
        show_cookies: "Näytä evästeet",
        name: "Nimi",
        provider: "Tarjoaja",
        purpose: "Käyttötarkoitus",
        lifetime: "Voimassaoloaika",
        party: "Tyyppi",
        first_party: "Ensimmäisen osapuolen",
        third_party: "Kolmannen osapuolen",
        this_site: "Tämä sivusto",
        consent_cookie: "Muistaa evästevalintasi.",
        session: "Istunto",
        varies: "Vaihtelee",
        not_stated: "Ei ilmoitettu",
        no_cookies: "Tässä luokassa ei ole evästeitä.",
        seconds: "{n} sekunti|{n} sekuntia",
        minutes: "{n} minuutti|{n} minuuttia",
        hours: "{n} tunti|{n} tuntia",
        days: "{n} päivä|{n} päivää",
        months: "{n} kuukausi|{n} kuukautta",
        years: "{n} vuosi|{n} vuotta",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
