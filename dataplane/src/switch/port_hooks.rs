//! Features' per-port switches: which hooks run on a port (see
//! `graph::hooks`), and whether a feature has taken the port out of
//! switching. A port plugged again starts with none; the feature that
//! wants them sets them again (`DaemonFeature::port_added`).

use super::{position, Dataplane, DataplaneError};

/// A port's hook bits and detachment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PortHooks {
    /// rx hook bits.
    pub rx: u32,
    /// tx hook bits.
    pub tx: u32,
    /// Out of switching.
    pub detached: bool,
}

impl Dataplane {
    /// Enables (or disables) hook `hook` on port `name`, per direction.
    pub fn set_port_hook(
        &self,
        name: &str,
        hook: &str,
        rx: bool,
        tx: bool,
    ) -> Result<(), DataplaneError> {
        let bit = self
            .shared
            .pipeline
            .hook_bit(hook)
            .ok_or_else(|| DataplaneError::NoSuchHook(hook.to_string()))?;
        let mut st = self.state();
        let i = position(&st, name)?;
        let h = &mut st.ports[i].hooks;
        let old = *h;
        h.rx = if rx { h.rx | bit } else { h.rx & !bit };
        h.tx = if tx { h.tx | bit } else { h.tx & !bit };
        if *h != old {
            self.publish(&st);
        }
        Ok(())
    }

    /// Takes port `name` out of switching (or puts it back): a detached
    /// port is in no flood list, and what it receives goes no further than
    /// its rx hooks. Addresses learned on it are forgotten.
    pub fn set_port_detached(&self, name: &str, detached: bool) -> Result<(), DataplaneError> {
        let mut st = self.state();
        let i = position(&st, name)?;
        if st.ports[i].hooks.detached == detached {
            return Ok(());
        }
        st.ports[i].hooks.detached = detached;
        let port = st.ports[i].eth.port_id();
        self.publish(&st);
        if detached {
            for l in self.shared.pipeline.listeners() {
                l.port_changed(port);
            }
        }
        Ok(())
    }

    /// The hooks the pipeline has, by name (bit order).
    pub fn hook_names(&self) -> Vec<&'static str> {
        self.shared.pipeline.hook_names()
    }
}
