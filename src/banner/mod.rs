//! The consent banner: texts, language choice and HTML rendering.
//!
//! The banner works without JavaScript: its buttons are plain `<form method="post">`
//! submissions to the consent endpoint, answered with `303 See Other`, and the
//! per-category settings sit in a native `<details>` disclosure. `banner.js` only
//! enhances it: choices go through `fetch`, the banner closes without a reload, and a
//! `consent:change` event announces the granted categories.

mod languages;
mod render;
mod texts;

pub(crate) use self::render::{
    escape_into, render, render_page, render_refusal, AssetAttributes, BannerView, CategoryView,
    Notice,
};
pub use self::texts::{BannerTexts, CategoryText, DeclarationTexts, OptOutTexts};
