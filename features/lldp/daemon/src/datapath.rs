//! LLDP's stage in the workers' graph: node `lldp-input`, where `eth-input`
//! sends frames to 01:80:c2:00:00:0e, queued for the LLDP task
//! (`dataplane::graph::link_local`); when the queue is full the frame is
//! dropped and counted (`lldp-queue-full`).

use dataplane::drops::DropReason;
use dataplane::graph::link_local::{punt_link_local, PuntQueue};
use dataplane::graph::Pipeline;
use lisa_lldp::wire::LINK_LOCAL_GROUP;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The node's name.
pub const NODE: &str = "lldp-input";
/// Room in the queue to the task (frames between two of its ticks).
pub const QUEUE_LEN: usize = 1024;

/// The queue to the LLDP task was full.
pub static LLDP_QUEUE_FULL: DropReason = DropReason::new(
    "lldp-queue-full",
    "the queue to the LLDP task was full (more LLDP frames than it reads)",
);

/// Declares the node and takes the LLDP group to it while `on` (`lldp
/// run`).
pub fn register(p: &mut Pipeline, queue: &Arc<PuntQueue>, on: &Arc<AtomicBool>) {
    punt_link_local(p, LINK_LOCAL_GROUP, NODE, &LLDP_QUEUE_FULL, queue, on);
}
