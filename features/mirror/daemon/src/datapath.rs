//! The mirror's datapath: one per-port hook (`mirror`). On rx it copies a
//! classified frame received on a source port (or in a source VLAN); on tx
//! it copies a frame as it leaves a source port (or leaves in a source
//! VLAN). The copy is a real one (the original goes on and may be
//! rewritten), sent untagged (IOS's native encapsulation) to the session's
//! destination without running that port's own hooks. When no buffer is
//! left for a copy, the copy is dropped (`mirror-no-buffer`), never the
//! frame; what the destination cannot take counts as its tx drops.

use dataplane::drops::DropReason;
use dataplane::graph::{Cx, HookSpec, Pkt, PortHook, NO_PORT};
use dataplane::mbuf::Mbuf;
use dataplane::port::MAX_SWITCH_PORTS;
use dataplane::snapshot::{Snapshot, SnapshotReader};
use dataplane::vlan::{tag, PortMode};
use lisa_mirror::MAX_SESSION;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The hook's name (`Dataplane::set_hook_on_ports`).
pub const HOOK: &str = "mirror";

/// No buffer was left to copy a monitored frame into.
pub static MIRROR_NO_BUFFER: DropReason = DropReason::new(
    "mirror-no-buffer",
    "no buffer to copy a monitored frame into (the copy is dropped, not the frame)",
);

/// Where copies of a source's frames go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The destination port (`NO_PORT`: not a source).
    pub dst: u16,
    /// The session, for its counts.
    pub session: u16,
}

impl Target {
    /// Not a source.
    pub const NONE: Target = Target {
        dst: NO_PORT,
        session: 0,
    };
}

/// What the hook reads: targets by source port and by source VLAN, per
/// direction.
#[derive(Debug, Clone)]
pub struct MirrorTable {
    /// By port id: where what it receives is copied.
    pub rx: Vec<Target>,
    /// By port id: where what it sends is copied.
    pub tx: Vec<Target>,
    /// By VLAN: where what is received in it is copied.
    pub vlan_rx: Vec<Target>,
    /// By VLAN: where what is sent in it is copied.
    pub vlan_tx: Vec<Target>,
}

impl Default for MirrorTable {
    fn default() -> Self {
        MirrorTable {
            rx: vec![Target::NONE; MAX_SWITCH_PORTS],
            tx: vec![Target::NONE; MAX_SWITCH_PORTS],
            vlan_rx: vec![Target::NONE; 4096],
            vlan_tx: vec![Target::NONE; 4096],
        }
    }
}

/// One worker's counts per session (written by that worker only).
#[repr(align(64))]
struct HookCounters {
    copies: Vec<AtomicU64>,
    no_buffer: Vec<AtomicU64>,
}

impl Default for HookCounters {
    fn default() -> Self {
        let n = usize::from(MAX_SESSION) + 1;
        HookCounters {
            copies: (0..n).map(|_| AtomicU64::new(0)).collect(),
            no_buffer: (0..n).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

/// Adds one to a counter only this thread writes.
#[inline]
fn bump(c: Option<&AtomicU64>) {
    if let Some(c) = c {
        c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

/// The feature's state shared by the control plane and the workers' hooks.
#[derive(Default)]
pub struct MirrorState {
    /// The table the hooks read.
    pub table: Arc<Snapshot<MirrorTable>>,
    counters: Mutex<Vec<Arc<HookCounters>>>,
}

impl MirrorState {
    /// The hook's declaration, for the pipeline.
    pub fn hook_spec(self: &Arc<Self>) -> HookSpec {
        let state = self.clone();
        HookSpec {
            name: HOOK,
            drops: vec![&MIRROR_NO_BUFFER],
            build: Box::new(move || Box::new(state.hook())),
        }
    }

    /// A worker's hook.
    fn hook(&self) -> MirrorHook {
        let counters = Arc::new(HookCounters::default());
        self.counters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(counters.clone());
        MirrorHook {
            table: self.table.reader(),
            counters,
        }
    }

    /// Session `id`'s copies and copies lost for want of a buffer, summed
    /// over workers.
    pub fn counts(&self, id: u16) -> (u64, u64) {
        let all = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let sum = |f: fn(&HookCounters) -> &Vec<AtomicU64>| -> u64 {
            all.iter()
                .filter_map(|c| f(c).get(usize::from(id)))
                .map(|c| c.load(Ordering::Relaxed))
                .sum()
        };
        (sum(|c| &c.copies), sum(|c| &c.no_buffer))
    }
}

/// One worker's mirror hook.
struct MirrorHook {
    table: SnapshotReader<MirrorTable>,
    counters: Arc<HookCounters>,
}

/// The VLAN a frame leaving port `mode` is in: its tag's, or the port's
/// untagged VLAN.
fn egress_vlan(frame: &[u8], mode: &PortMode) -> (u16, bool) {
    if frame.get(12..14) == Some(&[0x81, 0x00]) {
        let vid = frame
            .get(14..16)
            .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]) & 0x0fff);
        return (vid, true);
    }
    match mode {
        PortMode::Access { vlan } => (*vlan, false),
        PortMode::Trunk { native, .. } => (*native, false),
    }
}

/// Sends an untagged copy of `m` to `to`'s destination, if it is up.
fn copy_to(cx: &mut Cx<'_>, counters: &HookCounters, m: &Mbuf, tagged: bool, to: Target) {
    let Some(dst) = cx.table.ports.get(usize::from(to.dst)) else {
        return;
    };
    if !dst.present || !dst.up {
        return;
    }
    let session = usize::from(to.session);
    let Some(mut copy) = m.copy(&cx.shared.copy_pool) else {
        cx.count_drop(&MIRROR_NO_BUFFER);
        bump(counters.no_buffer.get(session));
        return;
    };
    if tagged && !tag::pop_tag(&mut copy) {
        cx.count_drop(&MIRROR_NO_BUFFER);
        bump(counters.no_buffer.get(session));
        return;
    }
    bump(counters.copies.get(session));
    cx.send_unhooked(to.dst, copy);
}

impl PortHook for MirrorHook {
    fn rx(&mut self, cx: &mut Cx<'_>, p: Pkt) -> Option<Pkt> {
        let t = self.table.get();
        let mut to = t.rx[usize::from(p.meta.in_port) % MAX_SWITCH_PORTS];
        if to.dst == NO_PORT {
            to = t.vlan_rx[usize::from(p.meta.vlan) & 0x0fff];
        }
        if to.dst != NO_PORT {
            copy_to(cx, &self.counters, &p.m, p.meta.tagged, to);
        }
        Some(p)
    }

    fn tx(&mut self, cx: &mut Cx<'_>, out: u16, m: &Mbuf) {
        let t = self.table.get();
        let mut to = t.tx[usize::from(out) % MAX_SWITCH_PORTS];
        let mut tagged = m.data().get(12..14) == Some(&[0x81, 0x00]);
        if to.dst == NO_PORT {
            let Some(port) = cx.table.ports.get(usize::from(out)) else {
                return;
            };
            let (vlan, t_) = egress_vlan(m.data(), &port.mode);
            tagged = t_;
            to = t.vlan_tx[usize::from(vlan) & 0x0fff];
        }
        if to.dst != NO_PORT {
            copy_to(cx, &self.counters, m, tagged, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egress_vlan_is_the_tag_or_the_ports_untagged_vlan() {
        let mut f = vec![0u8; 60];
        let access = PortMode::Access { vlan: 10 };
        assert_eq!(egress_vlan(&f, &access), (10, false));
        let trunk = PortMode::Trunk {
            native: 5,
            allowed: "1-100".parse().unwrap(),
        };
        assert_eq!(egress_vlan(&f, &trunk), (5, false));
        f[12..16].copy_from_slice(&[0x81, 0x00, 0x20, 0x14]);
        assert_eq!(egress_vlan(&f, &trunk), (20, true));
    }
}
