//! Latvian (formal address, "Jūs").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Sīkdatnes šajā vietnē",
    body: "Šī vietne vienmēr izmanto sīkdatnes, kas nepieciešamas tās darbībai, un tikai \
           ar Jūsu piekrišanu – izvēļu, statistikas un mārketinga sīkdatnes. Atteikties ir \
           tikpat vienkārši kā piekrist, un savu izvēli jebkurā laikā varat mainīt sadaļā \
           „Sīkdatņu iestatījumi”.",
    accept_all: "Pieņemt visas",
    reject_all: "Noraidīt visas",
    withdraw: "Atsaukt piekrišanu",
    customize: "Pielāgot",
    save: "Saglabāt izvēli",
    settings: "Sīkdatņu iestatījumi",
    back: "Atpakaļ uz vietni",
    always_on: "Vienmēr ieslēgtas",
    gpc_notice: "Jūsu pārlūkprogramma nosūtīja Global Privacy Control (GPC) signālu, \
                 tāpēc mārketinga sīkdatnes paliek izslēgtas.",
    saved: "Jūsu izvēle ir saglabāta.",
    not_saved: "Jūsu izvēli neizdevās saglabāt.",
    records: "Lejupielādēt manus piekrišanas ierakstus",
    reload_notice: "Pārlādējiet lapu, lai apturētu to, kas jau darbojas.",
    necessary: (
        "Nepieciešamās",
        "Bez tām vietne nedarbojas: sesijas, drošība un šīs izvēles atcerēšanās."
    ),
    preferences: (
        "Izvēles",
        "Atceras Jūsu izdarītās izvēles, piemēram, motīvu vai valodu."
    ),
    analytics: (
        "Statistika",
        "Mēra, kā vietne tiek izmantota."
    ),
    marketing: ("Mārketings", "Reklāma un izsekošana dažādās vietnēs."),
    declaration: (declaration! {
        title: "Sīkdatņu paziņojums",
        intro: "Šeit pa kategorijām uzskaitītas sīkdatnes, ko šī vietne izmanto vai kuru \
                izmantošana tajā ir konstatēta. Bez Jūsu piekrišanas tiek izmantotas tikai \
                nepieciešamās sīkdatnes.",
        show_cookies: "Rādīt sīkdatnes",
        name: "Nosaukums",
        provider: "Nodrošinātājs",
        purpose: "Nolūks",
        lifetime: "Glabāšanas ilgums",
        party: "Veids",
        first_party: "Pirmās puses",
        third_party: "Trešās puses",
        this_site: "Šī vietne",
        consent_cookie: "Atceras Jūsu sīkdatņu izvēli.",
        session: "Sesija",
        varies: "Atšķiras",
        not_stated: "Nav norādīts",
        no_cookies: "Šajā kategorijā nav sīkdatņu.",
        // Latvian also uses the singular after 21, 31 … (but not 11); the plural is used
        // for every number above 1.
        seconds: "{n} sekunde|{n} sekundes",
        minutes: "{n} minūte|{n} minūtes",
        hours: "{n} stunda|{n} stundas",
        days: "{n} diena|{n} dienas",
        months: "{n} mēnesis|{n} mēneši",
        years: "{n} gads|{n} gadi",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
