//! The spanning tree's stage in the workers' graph: node `stp-input`, where
//! `eth-input` sends frames to 01:80:c2:00:00:00 (BPDUs), queued for the
//! STP task (`dataplane::graph::link_local`); when the queue is full the
//! BPDU is dropped and counted (`stp-queue-full`). A port the tree holds
//! discarding drops everything else it receives (`stp-discarding`, in
//! `eth-input`) and is in no flood list.

use dataplane::drops::DropReason;
use dataplane::graph::link_local::{punt_link_local, PuntQueue};
use dataplane::graph::Pipeline;
use lisa_stp::wire::LINK_LOCAL_GROUP;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The node's name.
pub const NODE: &str = "stp-input";
/// Room in the queue to the task.
pub const QUEUE_LEN: usize = 1024;

/// The queue to the STP task was full.
pub static STP_QUEUE_FULL: DropReason = DropReason::new(
    "stp-queue-full",
    "the queue to the spanning-tree task was full (more BPDUs than it reads)",
);

/// Declares the node and takes the bridge group to it while `on` (a
/// `spanning-tree mode` is set).
pub fn register(p: &mut Pipeline, queue: &Arc<PuntQueue>, on: &Arc<AtomicBool>) {
    punt_link_local(p, LINK_LOCAL_GROUP, NODE, &STP_QUEUE_FULL, queue, on);
}
