//! A libvirt domain XML, as libvirt hands it to `lisa-libvirt-hook` on
//! stdin: read by the hook's own reader (`libvirt-hook/src/domain.rs`,
//! compiled here unchanged: the hook is a binary crate) and planned
//! (`plan.rs`) against the hook's default socket directory.
//!
//! Properties: nothing panics; what a plan would send to the switch is
//! well-formed (a port name, printable one-line descriptions, intents
//! with valid VLANs and VLAN lists).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// The hook's domain reader.
#[path = "../../libvirt-hook/src/domain.rs"]
#[allow(dead_code)]
mod domain;

/// The hook's planner.
#[path = "../../libvirt-hook/src/plan.rs"]
#[allow(dead_code)]
mod plan;

/// The hook's default `--dir`.
const DIR: &str = "/run/lisa/vhost";

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(d) = domain::parse(xml) else {
        return;
    };
    for (_, intent) in &d.intents {
        check_intent(intent, xml);
    }
    for i in &d.interfaces {
        let _ = d.intent_for(i.mac);
        let _ = plan::port_name(&i.socket);
    }
    let Ok(p) = plan::plan(&d, Path::new(DIR)) else {
        return;
    };
    for plug in &p.plugs {
        assert!(
            lisa_types::check_port_name(&plug.port).is_ok(),
            "planned port name {:?}\n--- input ---\n{xml}",
            plug.port
        );
        if let Err(e) = lisa_types::check_text(&plug.description) {
            panic!(
                "planned description {:?}: {e}\n--- input ---\n{xml}",
                plug.description
            );
        }
        if let Some(intent) = &plug.intent {
            check_intent(intent, xml);
        }
    }
});

/// An intent the reader accepted holds valid VLANs and a valid VLAN list.
fn check_intent(intent: &domain::Intent, xml: &str) {
    match intent {
        domain::Intent::Access { vlan } => {
            assert!(
                lisa_types::valid_vlan(u32::from(*vlan)),
                "access vlan {vlan}\n{xml}"
            );
        }
        domain::Intent::Trunk { allowed, native } => {
            if let Some(a) = allowed {
                assert!(
                    a.parse::<lisa_types::VlanSet>().is_ok(),
                    "allowed vlans {a:?}\n{xml}"
                );
            }
            if let Some(n) = native {
                assert!(
                    lisa_types::valid_vlan(u32::from(*n)),
                    "native vlan {n}\n{xml}"
                );
            }
        }
    }
    let _ = intent.to_string();
}
