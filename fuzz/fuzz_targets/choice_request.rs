#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tower_consent::fuzz::choice_request(data));
