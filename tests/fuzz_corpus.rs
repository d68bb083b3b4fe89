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
