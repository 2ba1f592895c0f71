//! The packet graph a worker runs, in the manner of VPP and grout: every
//! received burst joins one vector, and each node processes all the
//! packets waiting for it at once (parse the whole vector, hash every key
//! and prefetch, then decide), handing each packet on to the next node.
//!
//! Nodes are registered in an order where every edge points forward (the
//! graph is a DAG in that order), so one pass over the nodes, in order,
//! drains every queue. Each node's queue holds at most one vector, so no
//! packet is ever allocated for on the fast path.
//!
//! Per node and per worker, the graph counts calls, packets and TSC
//! cycles: one read of the TSC per node call, not per packet
//! (`show dataplane performance`).

mod cx;
pub mod hooks;
pub mod link_local;
mod nexts;
pub mod pipeline;
mod stats;

pub use cx::{Cx, WorkerLocal};
pub use hooks::{HookSpec, PortHook};
pub use nexts::Nexts;
pub use pipeline::{
    rank, NodeIds, NodeSpec, Pipeline, PortListener, CISCO_GROUP, LINK_LOCAL_GROUPS,
};
pub use stats::{NodeCounters, NodeStats};

use crate::mbuf::Mbuf;

/// Most packets received into the graph at once.
pub const VECTOR: usize = 256;
/// Most frames the control threads inject into one run of the graph.
pub const INJECT_ROOM: usize = 64;
/// Most packets a node is given at once: a received vector and the frames
/// injected beside it (both enter nodes such as `l2-forward`).
pub const MAX_INPUT: usize = VECTOR + INJECT_ROOM;
/// "No port": where frames the switch itself sends come from, and the
/// flood exclusion of frames that may go out of any port.
pub const NO_PORT: u16 = u16::MAX;

/// Why a worker hands a frame to a control thread (the `punt` stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PuntReason {
    /// For the switch itself: ARP in an SVI's VLAN, IPv4 for one of its
    /// addresses.
    ForUs,
    /// IPv4 to route through a next hop whose MAC is not known yet (its
    /// slot).
    Resolve(u32),
    /// IPv4 whose TTL ran out here.
    TtlExceeded,
    /// IPv4 that no route matches.
    NoRoute,
    /// IPv4 with DF set, larger than the egress MTU (the MTU).
    FragNeeded(u16),
}

/// What the nodes know of a packet besides its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// The switch port it came in on (`NO_PORT` for the switch's own
    /// frames): the port-channel, for a frame received on a bundled member.
    pub in_port: u16,
    /// The port that received it (the member itself; `NO_PORT` for the
    /// switch's own frames).
    pub rx_port: u16,
    /// Its VLAN.
    pub vlan: u16,
    /// Its VLAN when it came in (a routed packet changes VLAN).
    pub in_vlan: u16,
    /// It carries an 802.1Q tag now.
    pub tagged: bool,
    /// The egress port, once known.
    pub out: u16,
    /// The port a flood leaves out (its ingress port, or `NO_PORT`).
    pub exclude: u16,
    /// For a routed packet: its IPv4 total length, for the egress MTU
    /// check (0 for a switched frame).
    pub ip_len: u16,
    /// For a routed packet: Don't Fragment.
    pub df: bool,
    /// Why it goes to the control thread, for the punt node.
    pub why: PuntReason,
}

impl Meta {
    /// A packet received on `port`.
    #[inline]
    pub fn received(port: u16) -> Meta {
        Meta::received_as(port, port)
    }

    /// A packet received on `rx_port`, which switches as `port` (a
    /// port-channel's member, or the port itself).
    #[inline]
    pub fn received_as(rx_port: u16, port: u16) -> Meta {
        Meta {
            in_port: port,
            rx_port,
            vlan: 0,
            in_vlan: 0,
            tagged: false,
            out: NO_PORT,
            exclude: port,
            ip_len: 0,
            df: false,
            why: PuntReason::ForUs,
        }
    }
}

/// A packet in the graph.
pub struct Pkt {
    /// The buffer (owned: dropping the packet frees it).
    pub m: Mbuf,
    /// What the nodes found out.
    pub meta: Meta,
}

/// A node's index in its graph.
pub type NodeId = usize;

/// A stage of the pipeline (declared with a `NodeSpec`).
pub trait Node: Send {
    /// Processes every packet of `pkts` (leaving it empty): each goes to a
    /// later node (`next.send`), to a port (`cx.tx`), or is dropped with
    /// its reason (`cx.drop`).
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>);
}

/// The queues of the nodes after the one running.
pub struct Next<'a> {
    /// Queues of nodes `base..`.
    queues: &'a mut [Vec<Pkt>],
    base: NodeId,
}

impl Next<'_> {
    /// Hands `p` to node `to`, which comes later in the graph (a packet
    /// sent backwards would be a graph declaration error: it is dropped).
    #[inline(always)]
    pub fn send(&mut self, to: NodeId, p: Pkt) {
        debug_assert!(to >= self.base, "edge to an earlier node");
        if let Some(q) = to
            .checked_sub(self.base)
            .and_then(|i| self.queues.get_mut(i))
        {
            q.push(p);
        }
    }

    /// Hands every packet of `pkts` to node `to`, leaving `pkts` empty: by
    /// swapping the two vectors when `to`'s queue is empty.
    #[inline]
    pub fn send_all(&mut self, to: NodeId, pkts: &mut Vec<Pkt>) {
        debug_assert!(to >= self.base, "edge to an earlier node");
        match to
            .checked_sub(self.base)
            .and_then(|i| self.queues.get_mut(i))
        {
            Some(q) if q.is_empty() => std::mem::swap(q, pkts),
            Some(q) => q.append(pkts),
            None => pkts.clear(),
        }
    }
}

/// A worker's graph: its nodes, one queue each, and their counts.
pub struct Graph {
    ids: NodeIds,
    nodes: Vec<Box<dyn Node>>,
    queues: Vec<Vec<Pkt>>,
    spare: Vec<Pkt>,
    stats: Vec<NodeStats>,
}

impl Graph {
    /// A graph of `nodes` (named by `ids`), in an order where every edge
    /// points forward.
    pub(crate) fn new(ids: NodeIds, nodes: Vec<Box<dyn Node>>) -> Graph {
        let n = nodes.len();
        Graph {
            ids,
            nodes,
            // Room for a vector plus one burst of injected frames: a node's
            // queue never grows on the fast path.
            queues: (0..n).map(|_| Vec::with_capacity(MAX_INPUT)).collect(),
            spare: Vec::with_capacity(MAX_INPUT),
            stats: vec![NodeStats::default(); n],
        }
    }

    /// The names of the nodes, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.ids.names().to_vec()
    }

    /// The id of node `name` (see `NodeIds::get`).
    pub fn id(&self, name: &str) -> NodeId {
        self.ids.get(name)
    }

    /// Puts `p` in node `to`'s queue (the start of the pipeline).
    #[inline(always)]
    pub fn enqueue(&mut self, to: NodeId, p: Pkt) {
        self.queues[to].push(p);
    }

    /// Puts every frame of `frames` in node `to`'s queue, each with
    /// `meta` (a received burst: one reservation and one tight loop of
    /// stores); their bytes in all.
    #[inline(always)]
    pub fn enqueue_all(
        &mut self,
        to: NodeId,
        frames: impl Iterator<Item = Mbuf>,
        meta: Meta,
    ) -> u64 {
        let mut bytes = 0u64;
        self.queues[to].extend(frames.map(|m| {
            bytes += u64::from(m.pkt_len());
            Pkt { m, meta }
        }));
        bytes
    }

    /// Runs every node with packets waiting, in order, until every queue is
    /// empty.
    pub fn run(&mut self, cx: &mut Cx<'_>) {
        // One TSC read per node run: a node's end is the next one's start
        // (the hand-over between them is counted to the next node).
        let mut start = crate::eal::rdtsc();
        for i in 0..self.nodes.len() {
            if self.queues[i].is_empty() {
                continue;
            }
            std::mem::swap(&mut self.queues[i], &mut self.spare);
            let n = self.spare.len() as u64;
            let (_, later) = self.queues.split_at_mut(i + 1);
            let mut next = Next {
                queues: later,
                base: i + 1,
            };
            self.nodes[i].process(cx, &mut self.spare, &mut next);
            let s = &mut self.stats[i];
            s.calls += 1;
            s.packets += n;
            let end = crate::eal::rdtsc();
            s.cycles += end.wrapping_sub(start);
            start = end;
            // Whatever a node left behind is dropped (and freed) here.
            self.spare.clear();
        }
    }

    /// Copies the counts into `out` (one slot per node), for readers.
    pub fn publish(&self, out: &[NodeCounters]) {
        for (s, c) in self.stats.iter().zip(out) {
            c.store(s);
        }
    }
}
