//! Maltese.

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies f’dan is-sit",
    body: "Dan is-sit dejjem juża l-cookies li għandu bżonn biex jaħdem u, biss bil-kunsens \
           tiegħek, cookies għall-preferenzi, l-analitika u l-marketing. Li tirrifjuta huwa \
           faċli daqs li taċċetta, u tista’ tibdel l-għażla tiegħek fi kwalunkwe ħin minn \
           “Issettjar tal-cookies”.",
    accept_all: "Aċċetta kollox",
    reject_all: "Irrifjuta kollox",
    withdraw: "Irtira l-kunsens",
    customize: "Ippersonalizza",
    save: "Issejvja l-għażliet",
    settings: "Issettjar tal-cookies",
    back: "Lura għas-sit",
    always_on: "Dejjem attivi",
    gpc_notice: "Il-browser tiegħek bagħat sinjal tal-Global Privacy Control (GPC), \
                 għalhekk il-cookies tal-marketing jibqgħu mitfija.",
    saved: "L-għażla tiegħek ġiet issejvjata.",
    not_saved: "L-għażla tiegħek ma setgħetx tiġi ssejvjata.",
    records: "Niżżel ir-rekords tal-kunsens tiegħi",
    reload_notice: "Erġa' tella' l-paġna biex twaqqaf dak li diġà qed jaħdem.",
    necessary: (
        "Meħtieġa",
        "Is-sit ma jistax jaħdem mingħajrhom: sessjonijiet, sigurtà u ż-żamma ta’ din \
         l-għażla."
    ),
    preferences: (
        "Preferenzi",
        "Jiftakru l-għażliet li tagħmel, bħat-tema jew il-lingwa."
    ),
    analytics: ("Analitika", "Ikejlu kif jintuża s-sit."),
    marketing: ("Marketing", "Reklamar u traċċar minn sit għal ieħor."),
    declaration: (declaration! {
        title: "Dikjarazzjoni tal-cookies",
        intro: "Dawn huma, skont il-kategorija, il-cookies li juża dan is-sit jew li ġie \
                osservat li juża. Mingħajr il-kunsens tiegħek jintużaw biss il-cookies \
                meħtieġa.",
        show_cookies: "Uri l-cookies",
        name: "Isem",
        provider: "Fornitur",
        purpose: "Skop",
        lifetime: "Tul ta’ żmien",
        party: "Tip",
        first_party: "L-ewwel parti",
        third_party: "Parti terza",
        this_site: "Dan is-sit",
        consent_cookie: "Jiftakar l-għażla tiegħek dwar il-cookies.",
        session: "Sessjoni",
        varies: "Ivarja",
        not_stated: "Mhux iddikjarat",
        no_cookies: "M’hemmx cookies f’din il-kategorija.",
        // Maltese uses the plural for 2–10 and the singular again from 11 (30 jum, 400
        // jum); the plural is used for every number above 1.
        seconds: "{n} sekonda|{n} sekondi",
        minutes: "{n} minuta|{n} minuti",
        hours: "{n} siegħa|{n} sigħat",
        days: "{n} jum|{n} jiem",
        months: "{n} xahar|{n} xhur",
        years: "{n} sena|{n} snin",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
