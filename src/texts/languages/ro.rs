//! Romanian (formal address, "dumneavoastră"; ș and ț with the comma below).

use crate::texts::{BannerTexts, EmbedTexts, StorageTexts};

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
    not_saved: "Alegerea dumneavoastră nu a putut fi salvată.",
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
        "Măsoară modul în care este folosit site-ul."
    ),
    marketing: ("Marketing", "Publicitate și urmărire pe mai multe site-uri."),
    declaration: (declaration! {
        title: "Declarație privind cookie-urile",
        intro: "Acestea sunt, pe categorii, cookie-urile pe care acest site le folosește \
                sau despre care s-a constatat că le folosește. Fără acordul dumneavoastră \
                se folosesc numai cookie-urile necesare.",
        show_cookies: "Afișează cookie-urile",
        name: "Nume",
        provider: "Furnizor",
        purpose: "Scop",
        lifetime: "Durată",
        party: "Tip",
        first_party: "Propriu",
        third_party: "Terță parte",
        this_site: "Acest site",
        consent_cookie: "Reține alegerea dumneavoastră privind cookie-urile.",
        session: "Sesiune",
        varies: "Variabilă",
        not_stated: "Nespecificat",
        no_cookies: "Nu există cookie-uri în această categorie.",
        // From 20 on Romanian puts “de” before the noun (30 de zile); the form for 2–19 is
        // used for every number above 1.
        seconds: "{n} secundă|{n} secunde",
        minutes: "{n} minut|{n} minute",
        hours: "{n} oră|{n} ore",
        days: "{n} zi|{n} zile",
        months: "{n} lună|{n} luni",
        years: "{n} an|{n} ani",
    }),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
