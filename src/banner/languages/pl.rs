//! Polish (direct address with a capitalised "Twój", as usual on Polish cookie
//! banners).

use crate::banner::{BannerTexts, DeclarationTexts};

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
        "Mierzą sposób korzystania z witryny, w tym testy A/B."
    ),
    marketing: ("Marketing", "Reklamy i śledzenie w różnych witrynach."),
    declaration: (DeclarationTexts::english()),
};
