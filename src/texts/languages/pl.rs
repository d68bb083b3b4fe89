//! Polish (direct address with a capitalised "Twój", as usual on Polish cookie
//! banners).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Pliki cookie w tej witrynie",
    body: "Ta witryna zawsze używa plików cookie niezbędnych do jej działania, a \
           wyłącznie za Twoją zgodą – plików cookie preferencji, statystyk i marketingu. \
           Odmowa jest równie prosta jak zgoda, a swój wybór możesz w każdej chwili \
           zmienić w sekcji „Ustawienia plików cookie”.",
    accept_all: "Zaakceptuj wszystkie",
    reject_all: "Odrzuć wszystkie",
    withdraw: "Wycofaj zgodę",
    customize: "Dostosuj",
    save: "Zapisz wybór",
    settings: "Ustawienia plików cookie",
    back: "Wróć do witryny",
    always_on: "Zawsze włączone",
    gpc_notice: "Twoja przeglądarka wysłała sygnał Global Privacy Control (GPC), dlatego \
                 marketingowe pliki cookie pozostają wyłączone.",
    saved: "Twój wybór został zapisany.",
    not_saved: "Nie udało się zapisać Twojego wyboru.",
    records: "Pobierz moje zapisy zgód",
    reload_notice: "Odśwież stronę, aby zatrzymać to, co już działa.",
    necessary: (
        "Niezbędne",
        "Bez nich witryna nie działa: sesje, bezpieczeństwo i zapamiętanie tego \
         wyboru."
    ),
    preferences: (
        "Preferencje",
        "Zapamiętują dokonane przez Ciebie wybory, np. motyw lub język."
    ),
    analytics: (
        "Statystyki",
        "Mierzą sposób korzystania z witryny."
    ),
    marketing: ("Marketing", "Reklamy i śledzenie w różnych witrynach."),
    declaration: (declaration! {
        title: "Deklaracja dotycząca plików cookie",
        intro: "Oto, w podziale na kategorie, pliki cookie, których ta witryna używa lub \
                których użycie w niej zaobserwowano. Bez Twojej zgody używane są wyłącznie \
                niezbędne pliki cookie.",
        show_cookies: "Pokaż pliki cookie",
        name: "Nazwa",
        provider: "Dostawca",
        purpose: "Cel",
        lifetime: "Okres przechowywania",
        party: "Rodzaj",
        first_party: "Własny",
        third_party: "Zewnętrzny",
        this_site: "Ta witryna",
        consent_cookie: "Zapamiętuje Twój wybór dotyczący plików cookie.",
        session: "Sesja",
        varies: "Zmienny",
        not_stated: "Nie podano",
        no_cookies: "Brak plików cookie w tej kategorii.",
        // Polish uses another form for 2–4, 22–24 … (sekundy, minuty, godziny, miesiące,
        // lata); the genitive plural for 5 and more is used for every number above 1.
        seconds: "{n} sekunda|{n} sekund",
        minutes: "{n} minuta|{n} minut",
        hours: "{n} godzina|{n} godzin",
        days: "{n} dzień|{n} dni",
        months: "{n} miesiąc|{n} miesięcy",
        years: "{n} rok|{n} lat",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
