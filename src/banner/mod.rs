//! The consent banner: its settings ([`BannerConfig`]: language choice, the categories
//! offered) and its HTML, and the cookie declaration's HTML. Its words are data in
//! [`texts`](crate::texts); what the declaration lists is [`declaration`](crate::declaration).
//!
//! The banner works without JavaScript: its buttons are plain `<form method="post">`
//! submissions to the consent endpoint, answered with `303 See Other`, and the
//! per-category settings sit in a native `<details>` disclosure. `banner.js` only
//! enhances it: choices go through `fetch`, the banner closes without a reload, and a
//! `consent:change` event announces the granted categories.

mod config;
mod declaration;
mod render;

pub(crate) use self::config::{BannerConfig, Visitor};
pub(crate) use self::render::{AssetAttributes, Notice};
