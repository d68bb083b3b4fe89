//! Hungarian (formal address, "Ön").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Sütik ezen a webhelyen",
    body: "Ez a webhely mindig használja a működéséhez szükséges sütiket, a preferencia-, \
           statisztikai és marketingcélú sütiket pedig csak az Ön hozzájárulásával. Az \
           elutasítás ugyanolyan egyszerű, mint az elfogadás, és döntését bármikor \
           módosíthatja a „Sütibeállítások” menüpontban.",
    accept_all: "Az összes elfogadása",
    reject_all: "Az összes elutasítása",
    withdraw: "Hozzájárulás visszavonása",
    customize: "Testreszabás",
    save: "Választás mentése",
    settings: "Sütibeállítások",
    back: "Vissza a webhelyre",
    always_on: "Mindig aktív",
    gpc_notice: "Böngészője Global Privacy Control (GPC) jelzést küldött, ezért a \
                 marketingcélú sütik kikapcsolva maradnak.",
    saved: "Választását elmentettük.",
    not_saved: "Választását nem sikerült elmenteni.",
    records: "Hozzájárulási nyilvántartásaim letöltése",
    reload_notice: "Töltse újra az oldalt, hogy leállítsa a már futó elemeket.",
    necessary: (
        "Szükséges",
        "Nélkülük a webhely nem működik: munkamenetek, biztonság és e választás \
         megjegyzése."
    ),
    preferences: (
        "Preferenciák",
        "Megjegyzik az Ön választásait, például a témát vagy a nyelvet."
    ),
    analytics: (
        "Statisztika",
        "Mérik a webhely használatát."
    ),
    marketing: ("Marketing", "Hirdetések és webhelyeken átívelő követés."),
    declaration: (declaration! {
        title: "Sütinyilatkozat",
        intro: "Az alábbiakban kategóriánként láthatók azok a sütik, amelyeket ez a \
                webhely használ, vagy amelyek használatát megfigyelték rajta. Az Ön \
                hozzájárulása nélkül csak a szükséges sütiket használjuk.",
        show_cookies: "Sütik megjelenítése",
        name: "Név",
        provider: "Szolgáltató",
        purpose: "Cél",
        lifetime: "Időtartam",
        party: "Típus",
        first_party: "Saját",
        third_party: "Harmadik fél",
        this_site: "Ez a webhely",
        consent_cookie: "Megjegyzi az Ön sütikkel kapcsolatos választását.",
        session: "Munkamenet",
        varies: "Változó",
        not_stated: "Nincs megadva",
        no_cookies: "Ebben a kategóriában nincsenek sütik.",
        // Hungarian keeps the noun singular after a number.
        seconds: "{n} másodperc|{n} másodperc",
        minutes: "{n} perc|{n} perc",
        hours: "{n} óra|{n} óra",
        days: "{n} nap|{n} nap",
        months: "{n} hónap|{n} hónap",
        years: "{n} év|{n} év",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
