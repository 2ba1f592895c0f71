//! The mirror's side of a commit, and of ports coming and going: the
//! sessions become the hook's table (by port id), the hook bits of every
//! plugged port, and the detachment of destinations.

use crate::datapath::{MirrorState, MirrorTable, Target, HOOK};
use dataplane::Dataplane;
use lisa_engine::{Applier, Config, Prepared};
use lisa_mirror::MonitorConfig;
use std::sync::Arc;

/// Pushes `m` to the dataplane: the table, then every plugged port's hook
/// bits and detachment. A port unplugged meanwhile is skipped.
pub fn push(dp: &Dataplane, state: &MirrorState, m: &MonitorConfig) {
    let mut table = MirrorTable::default();
    let mut vlan_rx = false;
    let mut vlan_tx = false;
    for (&id, s) in &m.sessions {
        let dst = s.destination.as_deref().and_then(|d| dp.port_id(d));
        let Some(dst) = dst else { continue };
        let to = Target { dst, session: id };
        for (name, d) in &s.interfaces {
            if let Some(p) = dp.port_id(name) {
                let p = usize::from(p);
                if d.rx() {
                    table.rx[p] = to;
                }
                if d.tx() {
                    table.tx[p] = to;
                }
            }
        }
        for (&v, d) in &s.vlans {
            if d.rx() {
                table.vlan_rx[usize::from(v)] = to;
                vlan_rx = true;
            }
            if d.tx() {
                table.vlan_tx[usize::from(v)] = to;
                vlan_tx = true;
            }
        }
    }
    let destinations: Vec<&str> = m
        .sessions
        .values()
        .filter_map(|s| s.destination.as_deref())
        .collect();
    let ids: std::collections::HashMap<String, usize> = dp
        .port_names()
        .into_iter()
        .map(|(id, name)| (name, usize::from(id)))
        .collect();
    let want = |name: &str| {
        let i = ids.get(name).copied().unwrap_or(usize::MAX);
        let on = |t: &Vec<Target>| t.get(i).is_some_and(|t| *t != Target::NONE);
        dataplane::HookUse {
            rx: vlan_rx || on(&table.rx),
            tx: vlan_tx || on(&table.tx),
            detached: destinations.iter().any(|d| d.eq_ignore_ascii_case(name)),
            ..Default::default()
        }
    };
    if let Err(e) = dp.set_hook_on_ports(HOOK, want) {
        tracing::warn!(error = %e, "mirror hook not set");
    }
    state.table.publish(table);
}

/// The applier.
pub struct MirrorApplier {
    /// The dataplane.
    pub dp: Arc<Dataplane>,
    /// The hook's state.
    pub state: Arc<MirrorState>,
}

struct Push {
    dp: Arc<Dataplane>,
    state: Arc<MirrorState>,
    sessions: MonitorConfig,
}

impl Prepared for Push {
    fn apply(self: Box<Self>) -> Result<(), String> {
        push(&self.dp, &self.state, &self.sessions);
        Ok(())
    }
}

impl Applier for MirrorApplier {
    fn name(&self) -> &'static str {
        "mirror"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        if !old.changed::<MonitorConfig>(new) {
            return Ok(None);
        }
        Ok(Some(Box::new(Push {
            dp: self.dp.clone(),
            state: self.state.clone(),
            sessions: new.get::<MonitorConfig>().clone(),
        })))
    }
}
