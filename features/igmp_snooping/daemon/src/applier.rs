//! The control side of an `igmp_snooping` change (or of a change to an
//! SVI's address, the querier's fallback source): the task takes the new
//! settings at its next run. The dataplane's multicast group table is the
//! task's to publish.

use crate::settings::Inputs;
use crate::IgmpState;
use lisa_engine::{Applier, Config, Prepared};
use std::sync::{Arc, Mutex};

/// The feature's applier.
pub struct IgmpApplier {
    /// What the task reads.
    pub state: Arc<Mutex<IgmpState>>,
}

/// A prepared change.
struct IgmpChange {
    state: Arc<Mutex<IgmpState>>,
    new: Inputs,
}

impl Prepared for IgmpChange {
    fn apply(self: Box<Self>) -> Result<(), String> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.inputs = self.new;
        st.dirty = true;
        Ok(())
    }
}

impl Applier for IgmpApplier {
    fn name(&self) -> &'static str {
        "igmp_snooping"
    }

    fn prepare(&self, old: &Config, new: &Config) -> Result<Option<Box<dyn Prepared>>, String> {
        let (a, b) = (Inputs::of(old), Inputs::of(new));
        if a == b {
            return Ok(None);
        }
        Ok(Some(Box::new(IgmpChange {
            state: self.state.clone(),
            new: b,
        })))
    }
}
