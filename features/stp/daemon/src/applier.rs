//! The spanning tree's side of a commit: its settings (and the port
//! modes and names they depend on) go to the task whenever they change.

use crate::settings::settings;
use crate::StpState;
use lisa_engine::{Applier, Config, Prepared};
use lisa_types::MacAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The applier.
pub struct StpApplier {
    /// What the task runs with.
    pub state: Arc<Mutex<StpState>>,
    /// The switch's MAC (the bridge address).
    pub mac: MacAddr,
    /// The tree runs: the node takes BPDUs.
    pub on: Arc<AtomicBool>,
}

struct Push {
    state: Arc<Mutex<StpState>>,
    settings: crate::settings::StpSettings,
    on: Arc<AtomicBool>,
}

impl Prepared for Push {
    fn apply(self: Box<Self>) -> Result<(), String> {
        self.on.store(self.settings.enabled, Ordering::Relaxed);
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.settings = Some(self.settings);
        Ok(())
    }
}

impl Applier for StpApplier {
    fn name(&self) -> &'static str {
        "stp"
    }

    fn prepare(&self, _old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let s = settings(new, self.mac);
        let same = {
            let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            st.settings.as_ref() == Some(&s)
        };
        if same {
            return Ok(None);
        }
        Ok(Some(Box::new(Push {
            state: self.state.clone(),
            settings: s,
            on: self.on.clone(),
        })))
    }
}
