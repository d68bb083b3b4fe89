//! Lithuanian (formal address, "Jūs").

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Slapukai šioje svetainėje",
    body: "Ši svetainė visada naudoja slapukus, kurių reikia jai veikti, o tik gavus Jūsų \
           sutikimą – nuostatų, statistikos ir rinkodaros slapukus. Atsisakyti taip pat \
           paprasta, kaip sutikti, o savo pasirinkimą bet kada galite pakeisti skiltyje \
           „Slapukų nustatymai“.",
    accept_all: "Priimti visus",
    reject_all: "Atmesti visus",
    withdraw: "Atšaukti sutikimą",
    customize: "Tinkinti",
    save: "Išsaugoti pasirinkimą",
    settings: "Slapukų nustatymai",
    back: "Grįžti į svetainę",
    always_on: "Visada įjungti",
    gpc_notice: "Jūsų naršyklė išsiuntė visuotinės privatumo kontrolės (GPC) signalą, \
                 todėl rinkodaros slapukai lieka išjungti.",
    saved: "Jūsų pasirinkimas išsaugotas.",
    not_saved: "Jūsų pasirinkimo nepavyko išsaugoti.",
    records: "Atsisiųsti mano sutikimų įrašus",
    reload_notice: "Iš naujo įkelkite puslapį, kad sustabdytumėte tai, kas jau veikia.",
    necessary: (
        "Būtini",
        "Be jų svetainė neveikia: sesijos, saugumas ir šio pasirinkimo įsiminimas."
    ),
    preferences: (
        "Nuostatos",
        "Įsimena Jūsų pasirinkimus, pavyzdžiui, temą ar kalbą."
    ),
    analytics: (
        "Statistika",
        "Matuoja, kaip naudojamasi svetaine."
    ),
    marketing: ("Rinkodara", "Reklama ir sekimas įvairiose svetainėse."),
    declaration: (declaration! {
        title: "Slapukų deklaracija",
        intro: "Čia pagal kategorijas pateikiami slapukai, kuriuos ši svetainė naudoja \
                arba kurių naudojimas joje buvo pastebėtas. Be Jūsų sutikimo naudojami tik \
                būtini slapukai.",
        show_cookies: "Rodyti slapukus",
        name: "Pavadinimas",
        provider: "Teikėjas",
        purpose: "Paskirtis",
        lifetime: "Galiojimo laikas",
        party: "Tipas",
        first_party: "Pirmosios šalies",
        third_party: "Trečiosios šalies",
        this_site: "Ši svetainė",
        consent_cookie: "Įsimena Jūsų pasirinkimą dėl slapukų.",
        session: "Sesija",
        varies: "Skiriasi",
        not_stated: "Nenurodyta",
        no_cookies: "Šioje kategorijoje slapukų nėra.",
        // Lithuanian uses the nominative plural for 2–9 (sekundės, dienos …) and the
        // singular for 21, 31 …; the genitive plural for 10–20, 30 … is used for every
        // number above 1.
        seconds: "{n} sekundė|{n} sekundžių",
        minutes: "{n} minutė|{n} minučių",
        hours: "{n} valanda|{n} valandų",
        days: "{n} diena|{n} dienų",
        months: "{n} mėnuo|{n} mėnesių",
        years: "{n} metai|{n} metų",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
