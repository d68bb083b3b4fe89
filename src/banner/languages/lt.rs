//! Lithuanian (formal address, "Jūs").

use crate::banner::{BannerTexts, DeclarationTexts};

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
        "Matuoja, kaip naudojamasi svetaine, įskaitant A/B testus."
    ),
    marketing: ("Rinkodara", "Reklama ir sekimas įvairiose svetainėse."),
    declaration: (DeclarationTexts::english()),
};
