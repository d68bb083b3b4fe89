#![no_main]

#[path = "../reference.rs"]
mod reference;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some(out) = tower_consent::fuzz::html_gate(data) {
        let out = String::from_utf8_lossy(&out);
        let active = reference::active_trackers(&out);
        assert!(active.is_empty(), "active trackers {active:?} in {out}");
    }
});
