//! Features' per-port switches: which hooks run on a port (see
//! `graph::hooks`), and whether a feature has taken the port out of
//! switching. A port plugged again starts with none; the feature that
//! wants them sets them again (`DaemonFeature::port_added`).

use super::{Dataplane, DataplaneError};

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
    /// Sets hook `hook` on every plugged port at once, as `want` says of
    /// each port name: (rx, tx, detached). A detached port is in no flood
    /// list, and what it receives goes no further than its rx hooks; the
    /// addresses learned on a port just detached are forgotten. One new
    /// forwarding table at most, whatever the number of ports.
    pub fn set_hook_on_ports(
        &self,
        hook: &str,
        want: impl Fn(&str) -> (bool, bool, bool),
    ) -> Result<(), DataplaneError> {
        let bit = self
            .shared
            .pipeline
            .hook_bit(hook)
            .ok_or_else(|| DataplaneError::NoSuchHook(hook.to_string()))?;
        let mut guard = self.state();
        let st = &mut *guard;
        let mut changed = false;
        let mut detached_now = Vec::new();
        let ports = st
            .ports
            .iter_mut()
            .map(|p| (p.eth.port_id(), &p.name, &mut p.hooks));
        let bundles = st.bundles.iter_mut().map(|b| (b.id, &b.name, &mut b.hooks));
        for (id, name, h) in ports.chain(bundles) {
            let (rx, tx, detached) = want(name);
            let old = *h;
            h.rx = if rx { h.rx | bit } else { h.rx & !bit };
            h.tx = if tx { h.tx | bit } else { h.tx & !bit };
            h.detached = detached;
            if detached && !old.detached {
                detached_now.push(id);
            }
            changed |= *h != old;
        }
        if changed {
            self.publish(st);
        }
        drop(guard);
        for port in detached_now {
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
