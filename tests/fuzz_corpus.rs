//! Replays the saved fuzz corpus (`fuzz/corpus/<target>/`) through the same checks the
//! fuzz targets run, so CI guards what fuzzing found without running a fuzzer.
#![cfg(feature = "__fuzz")]

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        check(&data);
        inputs += 1;
    }
    assert!(inputs > 0, "{} holds no corpus", dir.display());
}

#[test]
fn set_cookie_corpus() {
    replay("set_cookie", tower_consent::fuzz::set_cookie);
}

#[test]
fn cookie_filter_corpus() {
    replay("cookie_filter", tower_consent::fuzz::cookie_filter);
}

#[test]
fn consent_cookie_corpus() {
    replay("consent_cookie", tower_consent::fuzz::consent_cookie);
}

#[test]
fn choice_request_corpus() {
    replay("choice_request", tower_consent::fuzz::choice_request);
}

#[cfg(feature = "html")]
#[path = "../fuzz/reference.rs"]
mod reference;

#[cfg(feature = "html")]
#[test]
fn html_gate_corpus() {
    replay("html_gate", |data| {
        if let Some(out) = tower_consent::fuzz::html_gate(data) {
            let out = String::from_utf8_lossy(&out);
            let active = reference::active_trackers(&out);
            assert!(active.is_empty(), "active trackers {active:?} in {out}");
        }
    });
}

/// The reference sees what issue 21 taught it, as a browser reads it: with JavaScript
/// off, `<noscript>` content is markup; CSS `url()`s (not one inside a string, not a
/// longer name ending in `url`), event handlers, import maps, refresh, `background`,
/// SVG `<feImage>` and SMIL values load.
#[cfg(feature = "html")]
#[test]
fn the_reference_sees_the_loaders_of_issue_21() {
    for page in [
        r#"<noscript><img src="https://www.googletagmanager.com/a"></noscript>"#,
        r#"<div style="background:url(https://www\2e googletagmanager\2e com/x)">"#,
        r#"<p style='background:-webkit-image-set("//doubleclick.net/a" 1x)'>"#,
        r#"<style>@import "//www.hotjar.com/a.css";</style>"#,
        r#"<svg><style>.a{fill:url( '//connect.facebook.net/x' )}</style></svg>"#,
        r#"<img src=/a.png onerror="f('//connect.facebook.net/x.js')">"#,
        r#"<script type=importmap>{"imports":{"a":"https:\/\/www.googletagmanager.com/x"}}</script>"#,
        r#"<meta http-equiv=refresh content="0;url=https://www.googletagmanager.com/x">"#,
        r#"<table background=//doubleclick.net/p>"#,
        r#"<svg><filter><feImage href="//hotjar.com/a"/></filter></svg>"#,
        r#"<svg><animate attributeName=href values="a;//doubleclick.net/b"/></svg>"#,
    ] {
        assert!(!reference::active_trackers(page).is_empty(), "{page}");
    }
    for page in [
        r#"<style>a{content:"url(//www.googletagmanager.com/x)"}</style>"#,
        "<style>a{fill:\u{FFFD}url(//connect.facebook.net/x)}</style>",
        r#"<style>/* url(//www.hotjar.com/a) */</style>"#,
        r#"<style type="text/plain">@import "//www.hotjar.com/a.css";</style>"#,
        r#"<div data-consent-style="background:url(//doubleclick.net/p)">"#,
    ] {
        assert!(reference::active_trackers(page).is_empty(), "{page}");
    }
}
