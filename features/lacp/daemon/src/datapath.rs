//! LACP's stage in the workers' graph: node `lacp-input`, where `eth-input`
//! sends frames to the slow protocols group 01:80:c2:00:00:02 (LACPDUs and
//! marker PDUs), queued with the member port that received them for the
//! LACP task (`dataplane::graph::link_local`); when the queue is full the
//! PDU is dropped and counted (`lacp-queue-full`). A member that is not
//! bundled drops everything else it receives (`not-bundled`, in
//! `eth-input`); port-channels themselves live in the dataplane's switch
//! (`Dataplane::add_bundle`).

use dataplane::drops::DropReason;
use dataplane::graph::link_local::{punt_link_local, PuntQueue};
use dataplane::graph::Pipeline;
use lisa_lacp::wire::LINK_LOCAL_GROUP;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The node's name.
pub const NODE: &str = "lacp-input";
/// Room in the queue to the task.
pub const QUEUE_LEN: usize = 1024;

/// The queue to the LACP task was full.
pub static LACP_QUEUE_FULL: DropReason = DropReason::new(
    "lacp-queue-full",
    "the queue to the LACP task was full (more LACPDUs than it reads)",
);

/// Declares the node and takes the slow protocols group to it while `on`
/// (some port is in a channel group in LACP mode).
pub fn register(p: &mut Pipeline, queue: &Arc<PuntQueue>, on: &Arc<AtomicBool>) {
    punt_link_local(p, LINK_LOCAL_GROUP, NODE, &LACP_QUEUE_FULL, queue, on);
}
