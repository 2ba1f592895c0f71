//! A startup-config file as `lisad` boots from it: any bytes, read as
//! lossy UTF-8, applied leniently (`Registry::apply_text_lenient`) over a
//! switch's starting configuration.
//!
//! Properties: nothing panics; the result is valid, each error names a
//! line of the text, and the result survives `write memory` then a reboot
//! (its rendering applies strictly and renders the same:
//! `lisa_fuzz::check_round_trip`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = lisa_fuzz::lossy(data);
    let reg = lisa_fuzz::registry();
    let base = lisa_fuzz::base();
    let (cfg, errors) = reg.apply_text_lenient(base, &text);
    let lines = text.lines().count();
    for e in &errors {
        assert!(
            e.line >= 1 && e.line <= lines,
            "error on line {} of a {lines}-line text: {e}\n--- input ---\n{text}",
            e.line
        );
    }
    lisa_fuzz::check_round_trip(reg, base, &cfg, &text);
});
