//! Features' per-port switches: which hooks run on a port (see
//! `graph::hooks`), and whether a feature has taken the port out of
//! switching. A port plugged again starts with none; the feature that
//! wants them sets them again (`DaemonFeature::port_added`).

use super::{Dataplane, DataplaneError};

/// What one hook does on one port (`Dataplane::set_hook_on_ports`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HookUse {
    /// It sees every frame received.
    pub rx: bool,
    /// It sees the frames received to a group address (broadcast,
    /// multicast) only: unicast frames keep the port's fast path.
    pub rx_group: bool,
    /// It sees every frame sent.
    pub tx: bool,
    /// It takes the port out of switching.
    pub detached: bool,
}

/// A port's hook bits and detachment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PortHooks {
    /// rx hook bits.
    pub rx: u32,
    /// rx hook bits for frames to group addresses only.
    pub rx_group: u32,
    /// tx hook bits.
    pub tx: u32,
    /// The hooks that take it out of switching, one bit each (so that one
    /// hook's settings never undo another's).
    pub detached_by: u32,
}

impl PortHooks {
    /// Some hook takes the port out of switching.
    pub fn detached(&self) -> bool {
        self.detached_by != 0
    }
}

impl Dataplane {
    /// Sets hook `hook` on every plugged port at once, as `want` says of
    /// each port name (`HookUse`). A detached port is in no flood
    /// list, and what it receives goes no further than its rx hooks; the
    /// addresses learned on a port just detached are forgotten. One new
    /// forwarding table at most, whatever the number of ports.
    pub fn set_hook_on_ports(
        &self,
        hook: &str,
        want: impl Fn(&str) -> HookUse,
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
            let u = want(name);
            let old = *h;
            let set = |word: u32, on: bool| if on { word | bit } else { word & !bit };
            h.rx = set(h.rx, u.rx);
            h.rx_group = set(h.rx_group, u.rx_group);
            h.tx = set(h.tx, u.tx);
            h.detached_by = set(h.detached_by, u.detached);
            if h.detached() && !old.detached() {
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
