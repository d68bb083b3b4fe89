//! Finnish.

use crate::banner::{BannerTexts, DeclarationTexts};

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
        "Mittaavat, miten sivustoa käytetään, A/B-testit mukaan lukien."
    ),
    marketing: ("Markkinointi", "Mainonta ja seuranta eri sivustojen välillä."),
    declaration: (DeclarationTexts::english()),
};
