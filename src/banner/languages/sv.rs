//! Swedish ("du", as Swedish always addresses the reader; "kakor" as the Swedish
//! Language Council recommends).

use crate::banner::{BannerTexts, DeclarationTexts};

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
    analytics: ("Statistik", "Mäter hur webbplatsen används, inklusive A/B-tester."),
    marketing: ("Marknadsföring", "Annonser och spårning mellan webbplatser."),
    declaration: (DeclarationTexts::english()),
};
