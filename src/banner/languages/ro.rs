//! Romanian (formal address, "dumneavoastră"; ș and ț with the comma below).

use crate::banner::{BannerTexts, DeclarationTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookie-uri pe acest site",
    body: "Acest site folosește întotdeauna cookie-urile de care are nevoie pentru a \
           funcționa și, numai cu acordul dumneavoastră, cookie-uri pentru preferințe, \
           statistici și marketing. Refuzul este la fel de simplu ca acceptarea, iar \
           alegerea o puteți modifica oricând din „Setări cookie-uri”.",
    accept_all: "Acceptă toate",
    reject_all: "Respinge toate",
    withdraw: "Retrage consimțământul",
    customize: "Personalizează",
    save: "Salvează alegerile",
    settings: "Setări cookie-uri",
    back: "Înapoi la site",
    always_on: "Mereu active",
    gpc_notice: "Browserul dumneavoastră a trimis un semnal Global Privacy Control (GPC), \
                 așa că cookie-urile de marketing rămân dezactivate.",
    saved: "Alegerea dumneavoastră a fost salvată.",
    records: "Descărcați înregistrările consimțământului meu",
    reload_notice: "Reîncărcați pagina pentru a opri ceea ce rulează deja.",
    necessary: (
        "Necesare",
        "Fără ele site-ul nu funcționează: sesiuni, securitate și memorarea acestei \
         alegeri."
    ),
    preferences: (
        "Preferințe",
        "Rețin alegerile pe care le faceți, cum ar fi tema sau limba."
    ),
    analytics: (
        "Statistici",
        "Măsoară modul în care este folosit site-ul, inclusiv testele A/B."
    ),
    marketing: ("Marketing", "Publicitate și urmărire pe mai multe site-uri."),
    declaration: (DeclarationTexts::english()),
};
