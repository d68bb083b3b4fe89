//! Maltese.

use crate::banner::{BannerTexts, DeclarationTexts};

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
    analytics: ("Analitika", "Ikejlu kif jintuża s-sit, inklużi t-testijiet A/B."),
    marketing: ("Marketing", "Reklamar u traċċar minn sit għal ieħor."),
    declaration: (DeclarationTexts::english()),
};
