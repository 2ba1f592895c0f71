//! What LiSA-DP's fuzz targets share: the registry `lisad` builds (from
//! the very feature list of `src/features.rs`), the configuration a switch
//! starts from, and the properties every configuration must keep.
//!
//! The targets themselves are in `fuzz_targets/`; `scripts/fuzz.sh` builds
//! and runs them all.

use lisa_engine::{Config, Registry};
use std::borrow::Cow;
use std::sync::OnceLock;

/// `lisad`'s own feature list, compiled here unchanged so that the fuzzed
/// registry is the daemon's: its commands, rules, renderers and typed views.
#[path = "../../src/features.rs"]
#[allow(dead_code)]
mod lisad_features;

/// The switch ports the fuzzed configurations start with (as a switch
/// booted with these ports would).
pub const PORTS: [&str; 5] = ["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4", "Vhost1"];

/// The FDB size given to the L2 feature (its registry does not depend on
/// it; a small one keeps the harness light).
const FDB_LIMIT: usize = 1024;

/// The registry `lisad` builds: every daemon feature registered in commit
/// order, as `controlplane::features::FeatureSet::new` does.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut reg = Registry::new();
        for f in lisad_features::daemon_features(FDB_LIMIT) {
            f.register(&mut reg);
        }
        reg
    })
}

/// The configuration a switch with `PORTS` starts from (the defaults over
/// its ports, as `Running::base` makes it).
pub fn base() -> &'static Config {
    static BASE: OnceLock<Config> = OnceLock::new();
    BASE.get_or_init(|| lisa_ports::model::with_ports(registry().default_config(), PORTS))
}

/// `data` as text, invalid UTF-8 replaced (as a file read lossily).
pub fn lossy(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// False if `LISA_FUZZ_NO_FIXED_POINT` is set (to anything but `0`): the
/// fixed-point half of `check_round_trip` is then skipped, so that a known
/// rendering bug does not stop a run from looking for others.
pub fn fixed_point_checked() -> bool {
    static CHECKED: OnceLock<bool> = OnceLock::new();
    *CHECKED.get_or_init(|| {
        std::env::var("LISA_FUZZ_NO_FIXED_POINT").map_or(true, |v| v.is_empty() || v == "0")
    })
}

/// Checks what `show running-config` / `write memory` rely on for a
/// configuration `cfg` that was accepted from `input`: it validates, its
/// rendering applies strictly to the starting configuration, and the
/// result renders the same text again (a fixed point; see
/// `fixed_point_checked`). Panics, naming the
/// input, the rendering and the error, if not.
pub fn check_round_trip(reg: &Registry, base: &Config, cfg: &Config, input: &str) {
    // Against the defaults (no table entries) every entry is checked.
    if let Err(e) = reg.validate(&reg.default_config(), cfg) {
        panic!("an accepted configuration does not validate: {e}\n--- input ---\n{input}");
    }
    let rendered = reg.render(cfg);
    let again = match reg.apply_text(base, &rendered) {
        Ok(c) => c,
        Err(e) => panic!(
            "the rendering of an accepted configuration does not apply: {e}\n\
             --- input ---\n{input}\n--- rendered ---\n{rendered}"
        ),
    };
    let mut rerendered = reg.render(&again);
    if rerendered != rendered {
        // One pass may add what reading the text creates, as IOS after a
        // reload: `switchport access vlan N` creates VLAN N, deleted since.
        // From there the text must be a fixed point.
        if let Ok(third) = reg.apply_text(base, &rerendered) {
            let once_more = reg.render(&third);
            if once_more == rerendered {
                rerendered = rendered.clone();
            }
        }
    }
    if fixed_point_checked() && rerendered != rendered {
        panic!(
            "the rendering is no fixed point\n--- input ---\n{input}\n\
             --- rendered ---\n{rendered}\n--- rendered after re-applying ---\n{rerendered}"
        );
    }
}
