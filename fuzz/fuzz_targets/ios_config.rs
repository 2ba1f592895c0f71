//! IOS configuration text, as a client sends it (`ApplyConfig`, swcli's
//! `configure terminal` lines): parsed and applied to the configuration
//! of a switch with ports, strictly (`Registry::apply_text`) and as a
//! startup-config (`Registry::apply_text_lenient`).
//!
//! Properties: nothing panics; a text that applies strictly gives a
//! configuration whose rendering applies again to the starting
//! configuration and renders the same (`lisa_fuzz::check_round_trip`);
//! the lenient result is always valid; what a change passed, checked
//! against what it changed, passes the full check too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reg = lisa_fuzz::registry();
    let base = lisa_fuzz::base();
    // The defaults hold no table entry: against them every entry is new,
    // so this is the full check.
    let everything = reg.default_config();
    if let Ok(cfg) = reg.apply_text(base, text) {
        // (check_round_trip makes the full check.)
        lisa_fuzz::check_round_trip(reg, base, &cfg, text);
    }
    let (cfg, _errors) = reg.apply_text_lenient(base, text);
    if let Err(e) = reg.validate(&everything, &cfg) {
        panic!("apply_text_lenient returned an invalid configuration: {e}\n--- input ---\n{text}");
    }
});
