//! CDP's stage in the workers' graph: node `cdp-input`, where `eth-input`
//! sends frames to Cisco's group 01:00:0c:cc:cc:cc (CDP, and VTP, DTP,
//! PAgP, UDLD, which the agent counts as not CDP), queued for the CDP task
//! (`dataplane::graph::link_local`); when the queue is full the frame is
//! dropped and counted (`cdp-queue-full`). While CDP is off the group is
//! dropped as `link-local`.

use dataplane::drops::DropReason;
use dataplane::graph::link_local::{punt_link_local, PuntQueue};
use dataplane::graph::{Pipeline, CISCO_GROUP};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The node's name.
pub const NODE: &str = "cdp-input";
/// Room in the queue to the task (frames between two of its ticks).
pub const QUEUE_LEN: usize = 1024;

/// The queue to the CDP task was full.
pub static CDP_QUEUE_FULL: DropReason = DropReason::new(
    "cdp-queue-full",
    "the queue to the CDP task was full (more frames to 01:00:0c:cc:cc:cc than it reads)",
);

/// Declares the node and takes Cisco's group to it while `on` (`cdp
/// run`).
pub fn register(p: &mut Pipeline, queue: &Arc<PuntQueue>, on: &Arc<AtomicBool>) {
    punt_link_local(p, CISCO_GROUP, NODE, &CDP_QUEUE_FULL, queue, on);
}
