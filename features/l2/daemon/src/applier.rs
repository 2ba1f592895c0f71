//! The dataplane side of an `l2` change: port VLAN membership, static MAC
//! entries, the aging time.

use dataplane::vlan::PortMode;
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared};
use lisa_l2::{L2Config, StaticMac, Switchport, SwitchportMode};
use lisa_l2_datapath::fdb::Fdb;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// What the dataplane needs of port `name`'s switchport settings. With
/// `vlan dot1q tag native` a trunk has no untagged VLAN (native 0): its
/// native VLAN leaves tagged like the others, and untagged frames fail the
/// VLAN filter.
pub fn port_mode(l2: &L2Config, name: &str) -> PortMode {
    let sp: Switchport = l2.switchport(name);
    match sp.mode {
        SwitchportMode::Access => PortMode::Access {
            vlan: sp.access_vlan,
        },
        SwitchportMode::Trunk => PortMode::Trunk {
            native: if l2.tag_native { 0 } else { sp.native_vlan },
            allowed: sp.allowed,
        },
    }
}

pub(crate) struct L2Applier {
    pub dp: Arc<Dataplane>,
    pub fdb: Arc<Fdb>,
    pub aging: Arc<AtomicU32>,
}

struct L2Change {
    dp: Arc<Dataplane>,
    fdb: Arc<Fdb>,
    aging: Arc<AtomicU32>,
    /// Plugged ports whose membership changes: (name, old, new).
    modes: Vec<(String, PortMode, PortMode)>,
    add: Vec<StaticMac>,
    remove: Vec<StaticMac>,
    new_aging: u32,
}

impl L2Change {
    fn set_modes(&self, back: bool) -> Result<(), String> {
        for (name, a, b) in &self.modes {
            let to = if back { a } else { b };
            self.dp
                .set_port_mode(name, to.clone())
                .map_err(|e| format!("interface {name}: {e}"))?;
        }
        Ok(())
    }
}

impl Prepared for L2Change {
    fn apply(self: Box<Self>) -> Result<(), String> {
        if let Err(e) = self.set_modes(false) {
            return Err(match self.set_modes(true) {
                Ok(()) => e,
                Err(u) => format!("{e}; undo: {u}"),
            });
        }
        let fdb = &self.fdb;
        for s in &self.remove {
            fdb.remove(s.vlan, s.mac);
        }
        for s in &self.add {
            if let Some(port) = self.dp.port_id(&s.interface) {
                // A full table refuses it; it is kept in the configuration
                // and counted there (as IOS keeps it).
                if let Err(e) = fdb.add_static(s.vlan, s.mac, port) {
                    tracing::warn!("static MAC {}: {e}", s.mac);
                }
            }
        }
        self.aging.store(self.new_aging, Ordering::Relaxed);
        Ok(())
    }
}

impl Applier for L2Applier {
    fn name(&self) -> &'static str {
        "l2"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = (old.get::<L2Config>(), new.get::<L2Config>());
        if a == b {
            return Ok(None);
        }
        let mut modes = Vec::new();
        for (_, name) in self.dp.port_names() {
            let (x, y) = (port_mode(a, &name), port_mode(b, &name));
            if x != y {
                modes.push((name, x, y));
            }
        }
        let (sa, sb): (BTreeSet<StaticMac>, BTreeSet<StaticMac>) = (a.static_set(), b.static_set());
        Ok(Some(Box::new(L2Change {
            dp: self.dp.clone(),
            fdb: self.fdb.clone(),
            aging: self.aging.clone(),
            modes,
            add: sb.difference(&sa).cloned().collect(),
            remove: sa.difference(&sb).cloned().collect(),
            new_aging: b.aging,
        })))
    }
}

/// Pushes a newly plugged port's membership and its static entries.
pub fn port_added(dp: &Dataplane, fdb: &Fdb, cfg: &Config, name: &str) -> Result<(), String> {
    let l2 = cfg.get::<L2Config>();
    dp.set_port_mode(name, port_mode(l2, name))
        .map_err(|e| format!("interface {name}: {e}"))?;
    if let Some(port) = dp.port_id(name) {
        for s in l2.statics().filter(|s| s.interface == name) {
            if let Err(e) = fdb.add_static(s.vlan, s.mac, port) {
                tracing::warn!("static MAC {}: {e}", s.mac);
            }
        }
    }
    Ok(())
}
