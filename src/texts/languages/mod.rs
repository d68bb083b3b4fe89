//! The built-in banner texts: one file per language, named by its ISO 639-1 code.
//!
//! Every file fills in every text of [`BannerTexts`](super::BannerTexts) with the same
//! meaning as the English one, in the register usual for cookie banners in that
//! language, with "Reject all" as plain as "Accept all". The `settings` text is quoted
//! in `body` as the visitor will see it on the link.

/// Builds a `const` [`BannerTexts`](super::BannerTexts) from string literals; the four
/// categories are `(label, description)` pairs.
macro_rules! texts {
    ($($field:ident: $value:tt,)*) => {
        $crate::texts::BannerTexts {
            $($field: text!($value),)*
        }
    };
}

/// Builds a `const` [`DeclarationTexts`](super::DeclarationTexts) from string literals,
/// for the `declaration` field of [`texts!`] (in parentheses).
macro_rules! declaration {
    ($($field:ident: $value:literal,)*) => {
        $crate::texts::DeclarationTexts {
            $($field: ::std::borrow::Cow::Borrowed($value),)*
        }
    };
}

/// One value of [`texts!`]: a text, a category's `(label, description)`, or the cookie
/// declaration's [`DeclarationTexts`](super::DeclarationTexts) in parentheses.
macro_rules! text {
    (($label:literal, $description:literal)) => {
        $crate::texts::CategoryText {
            label: ::std::borrow::Cow::Borrowed($label),
            description: ::std::borrow::Cow::Borrowed($description),
        }
    };
    ($text:literal) => {
        ::std::borrow::Cow::Borrowed($text)
    };
    (($declaration:expr)) => {
        $declaration
    };
}

mod bg;
mod cs;
mod da;
mod de;
mod el;
mod en;
mod es;
mod et;
mod fi;
mod fr;
mod ga;
mod hr;
mod hu;
mod it;
mod lt;
mod lv;
mod mt;
mod nl;
mod pl;
mod pt;
mod ro;
mod sk;
mod sl;
mod sv;

use super::BannerTexts;

pub(crate) use self::{
    de::TEXTS as GERMAN, en::TEXTS as ENGLISH, es::TEXTS as SPANISH, fr::TEXTS as FRENCH,
};

/// The codes of the built-in languages: the 24 official languages of the European Union.
pub(crate) const CODES: [&str; 24] = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
    "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
];

/// The texts of each of [`CODES`], in the same order.
pub(crate) static BUILTIN: [BannerTexts; 24] = [
    bg::TEXTS,
    cs::TEXTS,
    da::TEXTS,
    de::TEXTS,
    el::TEXTS,
    en::TEXTS,
    es::TEXTS,
    et::TEXTS,
    fi::TEXTS,
    fr::TEXTS,
    ga::TEXTS,
    hr::TEXTS,
    hu::TEXTS,
    it::TEXTS,
    lt::TEXTS,
    lv::TEXTS,
    mt::TEXTS,
    nl::TEXTS,
    pl::TEXTS,
    pt::TEXTS,
    ro::TEXTS,
    sk::TEXTS,
    sl::TEXTS,
    sv::TEXTS,
];
