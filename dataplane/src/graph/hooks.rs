//! Per-port hook points: where a feature sees, takes or copies the frames of
//! the ports it is enabled on, without a node of its own in every path.
//!
//! - **rx**: in node `rx-hooks`, right after `eth-input` classified the
//!   frame (its VLAN known, a tag it does not keep removed) and before it
//!   is learned or switched. A hook may let it go on, or take it (hand it
//!   to its control thread, drop it with its own reason). Mirroring copies
//!   here, storm control drops here. A hook may ask for the frames to
//!   group addresses only (`HookUse::rx_group`): the port's unicast frames
//!   then keep their fast path.
//! - **tx**: as a frame is queued for a port, after its egress tag is set:
//!   the frame as it leaves. A hook sees it but cannot change it.
//!
//! Each port's table entry holds one bit per hook and direction
//! (`PortFwd::rx_hooks`, `rx_group_hooks`, `tx_hooks`), so a port with no
//! hook pays one test of a word already in cache.

use super::{Cx, Pkt};
use crate::drops::DropReason;
use crate::mbuf::Mbuf;

/// Most hooks a pipeline has (one bit each in a port's masks).
pub const MAX_HOOKS: usize = 32;

/// A feature's per-port hook (see the module's documentation).
pub trait PortHook: Send {
    /// A classified frame received on a port the hook is enabled on for
    /// rx: give it back to let it go on, or keep it (send, punt or drop it
    /// with `cx.drop`).
    fn rx(&mut self, _cx: &mut Cx<'_>, p: Pkt) -> Option<Pkt> {
        Some(p)
    }

    /// A frame about to be queued for port `out`, which has the hook
    /// enabled for tx.
    fn tx(&mut self, _cx: &mut Cx<'_>, _out: u16, _m: &Mbuf) {}
}

/// Builds one worker's instance of a hook.
pub type HookBuilder = Box<dyn Fn() -> Box<dyn PortHook> + Send + Sync>;

/// A hook, as declared by the feature that owns it.
pub struct HookSpec {
    /// Its name, unique (`Dataplane::set_hook_on_ports` takes it).
    pub name: &'static str,
    /// The reasons it drops for.
    pub drops: Vec<&'static DropReason>,
    /// Makes a worker's instance of it.
    pub build: HookBuilder,
}
