//! Croatian (formal address, "Vi").

use crate::banner::{BannerTexts, DeclarationTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Kolačići na ovoj web-stranici",
    body: "Ova web-stranica uvijek upotrebljava kolačiće potrebne za njezin rad, a samo uz \
           Vašu privolu kolačiće za preferencije, statistiku i marketing. Odbijanje je \
           jednako jednostavno kao prihvaćanje, a svoj odabir možete u bilo kojem \
           trenutku promijeniti u odjeljku „Postavke kolačića”.",
    accept_all: "Prihvati sve",
    reject_all: "Odbij sve",
    withdraw: "Povuci privolu",
    customize: "Prilagodi",
    save: "Spremi odabir",
    settings: "Postavke kolačića",
    back: "Natrag na web-stranicu",
    always_on: "Uvijek uključeni",
    gpc_notice: "Vaš je preglednik poslao signal Global Privacy Control (GPC), pa \
                 marketinški kolačići ostaju isključeni.",
    saved: "Vaš je odabir spremljen.",
    records: "Preuzmi moje zapise o privoli",
    reload_notice: "Ponovno učitajte stranicu kako biste zaustavili ono što se već izvodi.",
    necessary: (
        "Nužni",
        "Bez njih web-stranica ne radi: sesije, sigurnost i pamćenje ovog odabira."
    ),
    preferences: ("Preferencije", "Pamte Vaše odabire, primjerice temu ili jezik."),
    analytics: (
        "Statistika",
        "Mjere kako se web-stranica upotrebljava, uključujući A/B testove."
    ),
    marketing: ("Marketing", "Oglašavanje i praćenje na različitim web-stranicama."),
    declaration: (DeclarationTexts::english()),
};
