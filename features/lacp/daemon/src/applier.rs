//! The dataplane side of a `lacp` change: the port-channels made and
//! removed, their members enrolled, the member choice's hash; the LACP
//! task takes the new settings (which members bundle is its business).

use crate::settings::LacpSettings;
use crate::LacpState;
use dataplane::port::MAX_PORTS;
use dataplane::{Dataplane, DataplaneError};
use lisa_engine::{Applier, Config, Prepared};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The feature's applier.
pub struct LacpApplier {
    /// The dataplane.
    pub dp: Arc<Dataplane>,
    /// What the task reads.
    pub state: Arc<Mutex<LacpState>>,
    /// LACPDUs are taken off the wire.
    pub on: Arc<AtomicBool>,
}

/// A prepared change.
struct LacpChange {
    dp: Arc<Dataplane>,
    state: Arc<Mutex<LacpState>>,
    on: Arc<AtomicBool>,
    old: LacpSettings,
    new: LacpSettings,
}

impl Prepared for LacpChange {
    fn apply(self: Box<Self>) -> Result<(), String> {
        if let Err(e) = push(&self.dp, &self.new) {
            return Err(match push(&self.dp, &self.old) {
                Ok(()) => e,
                Err(u) => format!("{e}; undo: {u}"),
            });
        }
        self.on.store(self.new.any_lacp(), Ordering::Relaxed);
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .settings = self.new;
        Ok(())
    }
}

impl Applier for LacpApplier {
    fn name(&self) -> &'static str {
        "lacp"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = (LacpSettings::of(old), LacpSettings::of(new));
        if a == b {
            return Ok(None);
        }
        Ok(Some(Box::new(LacpChange {
            dp: self.dp.clone(),
            state: self.state.clone(),
            on: self.on.clone(),
            old: a,
            new: b,
        })))
    }
}

/// Makes the dataplane's port-channels what `s` says: those it lacks
/// made, those it no longer has removed, every one's members enrolled.
pub fn push(dp: &Dataplane, s: &LacpSettings) -> Result<(), String> {
    let err = |name: &str, e: DataplaneError| format!("interface {name}: {e}");
    for b in dp.bundles() {
        if !s.channels.values().any(|n| *n == b.name) {
            dp.remove_bundle(&b.name).map_err(|e| err(&b.name, e))?;
        }
    }
    let have = dp.bundles();
    for name in s.channels.values() {
        if !have.iter().any(|b| b.name == *name) {
            dp.add_bundle(name).map_err(|e| err(name, e))?;
        }
    }
    enrol_members(dp, s)?;
    dp.set_bundle_hash(s.hash);
    Ok(())
}

/// Enrols in each port-channel the dataplane has its plugged members (a
/// port plugged later joins here too).
pub fn enrol_members(dp: &Dataplane, s: &LacpSettings) -> Result<(), String> {
    let have = dp.bundles();
    for (group, name) in &s.channels {
        if !have.iter().any(|b| b.name == *name) {
            continue;
        }
        let ids: Vec<u16> = s
            .members_of(*group)
            .filter_map(|(n, _)| dp.port_id(n))
            .filter(|id| usize::from(*id) < MAX_PORTS)
            .collect();
        dp.set_bundle_members(name, &ids)
            .map_err(|e| format!("interface {name}: {e}"))?;
    }
    Ok(())
}
