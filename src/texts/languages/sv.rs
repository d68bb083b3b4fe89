//! Swedish ("du", as Swedish always addresses the reader; "kakor" as the Swedish
//! Language Council recommends).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Kakor på den här webbplatsen",
    body: "Den här webbplatsen använder alltid de kakor som krävs för att den ska fungera \
           och, endast med ditt samtycke, kakor för preferenser, statistik och \
           marknadsföring. Att neka är lika enkelt som att godkänna, och du kan när som \
           helst ändra ditt val under ”Inställningar för kakor”.",
    accept_all: "Godkänn alla",
    reject_all: "Neka alla",
    withdraw: "Återkalla samtycke",
    customize: "Anpassa",
    save: "Spara val",
    settings: "Inställningar för kakor",
    back: "Tillbaka till webbplatsen",
    always_on: "Alltid på",
    gpc_notice: "Din webbläsare skickade en GPC-signal (Global Privacy Control), så kakor \
                 för marknadsföring förblir avstängda.",
    saved: "Ditt val har sparats.",
    not_saved: "Ditt val kunde inte sparas.",
    records: "Ladda ner mina samtyckesposter",
    reload_notice: "Ladda om sidan för att stoppa det som redan körs.",
    necessary: (
        "Nödvändiga",
        "Webbplatsen fungerar inte utan dem: sessioner, säkerhet och att komma ihåg \
         det här valet."
    ),
    preferences: (
        "Preferenser",
        "Kommer ihåg val som du gör, till exempel tema eller språk."
    ),
    analytics: ("Statistik", "Mäter hur webbplatsen används."),
    marketing: ("Marknadsföring", "Annonser och spårning mellan webbplatser."),
    declaration: (declaration! {
        title: "Förteckning över kakor",
        intro: "Här är de kakor som den här webbplatsen använder eller har observerats \
                använda, sorterade efter kategori. Utan ditt samtycke används bara \
                nödvändiga kakor.",
        show_cookies: "Visa kakor",
        name: "Namn",
        provider: "Leverantör",
        purpose: "Syfte",
        lifetime: "Lagringstid",
        party: "Typ",
        first_party: "Förstapart",
        third_party: "Tredjepart",
        this_site: "Den här webbplatsen",
        consent_cookie: "Kommer ihåg ditt val av kakor.",
        session: "Under sessionen",
        varies: "Varierar",
        not_stated: "Inte angivet",
        no_cookies: "Inga kakor i den här kategorin.",
        // “Session” alone would be the English word; “Under sessionen” says the same.
        seconds: "{n} sekund|{n} sekunder",
        minutes: "{n} minut|{n} minuter",
        hours: "{n} timme|{n} timmar",
        days: "{n} dag|{n} dagar",
        months: "{n} månad|{n} månader",
        years: "{n} år|{n} år",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
