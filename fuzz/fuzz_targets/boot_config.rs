//! The boot config (`/etc/lisa/boot.ron`, RON): parsed and validated by
//! `controlplane::boot::BootConfig::parse`, then everything `lisad`
//! derives from a valid one before starting DPDK (port specs, EAL
//! arguments, the router MAC); the same bytes as a `--port NAME=KIND:ARG`
//! option too.
//!
//! Properties: nothing panics; a valid config writes back (`to_ron`) to
//! text that parses to the same config; a valid port kind prints to text
//! that parses to the same kind.
#![no_main]

use controlplane::boot::{parse_port_arg, BootConfig};
use dataplane::port::PortKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = lisa_fuzz::lossy(data);
    if let Ok(p) = parse_port_arg(&text) {
        check_kind(&p.kind);
    }
    let Ok(cfg) = BootConfig::parse(&text, "fuzz") else {
        return;
    };
    for p in &cfg.ports {
        check_kind(&p.kind);
    }
    let _ = cfg.port_specs();
    let _ = cfg.eal_args(&[0, 1]);
    let _ = cfg.eal_args(&[]);
    let _ = cfg.router_mac();
    let ron = cfg.to_ron();
    match BootConfig::parse(&ron, "to_ron") {
        Ok(back) => assert_eq!(
            back, cfg,
            "to_ron does not round-trip:\n{ron}\n--- input ---\n{text}"
        ),
        Err(e) => {
            panic!("to_ron of a valid config does not parse: {e}\n{ron}\n--- input ---\n{text}")
        }
    }
});

/// A port kind that parsed prints to text that parses to the same kind.
fn check_kind(text: &str) {
    let Ok(kind) = text.parse::<PortKind>() else {
        return;
    };
    let printed = kind.to_string();
    match printed.parse::<PortKind>() {
        Ok(back) => assert_eq!(back, kind, "port kind {text:?} prints as {printed:?}"),
        Err(e) => panic!("port kind {text:?} prints as {printed:?}, which does not parse: {e}"),
    }
}
