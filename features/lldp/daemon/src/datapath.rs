//! LLDP's stage in the workers' graph: node `lldp-input`, where `eth-input`
//! sends frames to 01:80:c2:00:00:0e (`Pipeline::add_link_local`). It
//! queues each for the LLDP task with its port, lock-free; when the queue
//! is full the frame is dropped and counted (`lldp-queue-full`).

use crossbeam_queue::ArrayQueue;
use dataplane::drops::DropReason;
use dataplane::graph::{rank, Cx, Next, Node, NodeSpec, Pipeline, Pkt};
use dataplane::mbuf::Mbuf;
use lisa_lldp::wire::LINK_LOCAL_GROUP;
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

/// A frame for the task, with the port it came in on.
pub struct Received {
    /// The frame, as received.
    pub m: Mbuf,
    /// Ingress port id.
    pub port: u16,
}

/// The queue between the node and the task.
pub type RxQueue = ArrayQueue<Received>;

/// The node: pushes every frame onto the queue.
struct LldpInput {
    queue: Arc<RxQueue>,
}

impl Node for LldpInput {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, _: &mut Next<'_>) {
        for p in pkts.drain(..) {
            cx.punted += 1;
            let r = Received {
                m: p.m,
                port: p.meta.in_port,
            };
            if self.queue.push(r).is_err() {
                cx.count_drop(&LLDP_QUEUE_FULL);
            }
        }
    }
}

/// Declares the node, takes the LLDP group to it, and empties the queue
/// when the dataplane stops (its buffers go back before the pools do).
pub fn register(p: &mut Pipeline, queue: &Arc<RxQueue>) {
    let q = queue.clone();
    p.add_node(NodeSpec {
        name: NODE,
        // After eth-input, before bridging (it hands nothing on).
        rank: rank::ETH_INPUT + 50,
        drops: vec![&LLDP_QUEUE_FULL],
        build: Box::new(move |_| Box::new(LldpInput { queue: q.clone() })),
    });
    p.add_link_local(LINK_LOCAL_GROUP, NODE);
    let q = queue.clone();
    p.add_stop_hook(Box::new(move || while q.pop().is_some() {}));
}
