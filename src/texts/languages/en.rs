//! English.

use crate::texts::{BannerTexts, DeclarationTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies on this site",
    body: "This site always uses the cookies it needs to work and, only with your \
           consent, cookies for preferences, analytics and marketing. Refusing is as \
           easy as accepting, and you can change your choice at any time under \
           “Cookie settings”.",
    accept_all: "Accept all",
    reject_all: "Reject all",
    withdraw: "Withdraw consent",
    customize: "Customize",
    save: "Save choices",
    settings: "Cookie settings",
    back: "Back to the site",
    always_on: "Always on",
    gpc_notice: "Your browser sent a Global Privacy Control signal, so marketing cookies \
                 stay off.",
    saved: "Your choice has been saved.",
    not_saved: "Your choice could not be saved.",
    records: "Download my consent records",
    reload_notice: "Reload the page to stop what already runs.",
    necessary: (
        "Necessary",
        "The site cannot work without them: sessions, security and remembering this \
         choice."
    ),
    preferences: ("Preferences", "Remember choices you make, such as theme or language."),
    analytics: ("Analytics", "Measure how the site is used."),
    marketing: ("Marketing", "Advertising and tracking across sites."),
    declaration: (DeclarationTexts::english()),
    embeds: (EmbedTexts::english()),
    storage: (StorageTexts::english()),
};
