//! The pipeline's registry: every stage (node) and per-port hook is
//! declared by the code that owns it, with its name, its place and the
//! drop reasons it counts; each worker builds its own graph from the
//! declarations when it starts. The worker loop names no stage: a feature
//! adds its nodes and hooks here (`DaemonFeature::pipeline` in lisad)
//! before the dataplane starts.
//!
//! Nodes run in rank order, and every edge must point to a higher rank
//! (see `rank`); a node finds the ids of the nodes it hands packets to by
//! name when it is built (`NodeIds::get`). A missing or duplicate name is
//! a declaration error and stops the switch at start, never at run time.

use super::hooks::{HookSpec, PortHook, MAX_HOOKS};
use super::{Graph, Node, NodeId};
use crate::drops::{self, DropReason};
use crate::vlan::VlanSet;
use std::sync::Arc;

/// What a feature keeping per-port or per-VLAN state in the datapath (the
/// FDB) is told by the dataplane.
pub trait PortListener: Send + Sync {
    /// Port `port` switches differently now (its VLAN membership changed,
    /// or it was detached): what was learned on it is stale.
    fn port_changed(&self, port: u16);

    /// Port `port` was unplugged (after its grace period: no worker uses
    /// it); its id may be reused. Nothing of it may stay, static or not.
    fn port_removed(&self, port: u16);

    /// These VLANs no longer exist.
    fn vlans_removed(&self, vlans: &VlanSet);
}

/// Where the built-in nodes sit; a feature's node takes a rank between
/// the nodes it follows and the ones it hands packets to.
pub mod rank {
    /// `eth-input`.
    pub const ETH_INPUT: u16 = 100;
    /// `rx-hooks`: the per-port rx hooks, after classification.
    pub const RX_HOOKS: u16 = 160;
    /// `l2-bridge`.
    pub const L2_BRIDGE: u16 = 200;
    /// `ipv4-route`.
    pub const IPV4_ROUTE: u16 = 300;
    /// `l2-forward`.
    pub const L2_FORWARD: u16 = 400;
    /// `l2-flood`.
    pub const L2_FLOOD: u16 = 500;
    /// `l2-output`.
    pub const L2_OUTPUT: u16 = 600;
    /// `punt`.
    pub const PUNT: u16 = 900;
}

/// Builds one worker's instance of a node.
pub type NodeBuilder = Box<dyn Fn(&NodeIds) -> Box<dyn Node> + Send + Sync>;

/// A stage of the pipeline, as declared by the code that owns it.
pub struct NodeSpec {
    /// Its name (`show dataplane performance`), unique.
    pub name: &'static str,
    /// Its place: nodes run in rank order and hand packets only to higher
    /// ranks.
    pub rank: u16,
    /// The reasons it drops for.
    pub drops: Vec<&'static DropReason>,
    /// Makes a worker's instance of it.
    pub build: NodeBuilder,
}

/// The ids of a graph's nodes, by name, for nodes to find their edges.
#[derive(Debug, Clone)]
pub struct NodeIds {
    names: Vec<&'static str>,
    ethertypes: Vec<(u16, NodeId)>,
    link_local: [Option<NodeId>; LINK_LOCAL_GROUPS],
    ip_group_protocols: Vec<(u8, NodeId)>,
}

/// How many control groups a frame can be punted by: the IEEE 802.1
/// link-local groups 01:80:c2:00:00:00 to 01:80:c2:00:00:0f (STP, LACP and
/// the slow protocols, LLDP, 802.1X, ...), which a bridge never forwards,
/// and Cisco's 01:00:0c:cc:cc:cc (`CISCO_GROUP`: CDP, VTP, DTP), which a
/// Cisco switch takes for itself too.
pub const LINK_LOCAL_GROUPS: usize = 17;

/// The group number that stands for Cisco's 01:00:0c:cc:cc:cc.
pub const CISCO_GROUP: u8 = 16;

impl NodeIds {
    /// The id of the node called `name`.
    ///
    /// # Panics
    /// If there is none: an edge to a node nobody declared.
    pub fn get(&self, name: &str) -> NodeId {
        self.names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("pipeline: no node {name:?} (nodes: {:?})", self.names))
    }

    /// Where frames for the router MAC go, by ethertype (the nodes
    /// `Pipeline::add_ethertype` named).
    pub fn ethertypes(&self) -> &[(u16, NodeId)] {
        &self.ethertypes
    }

    /// Where frames to link-local group `01:80:c2:00:00:0G` go, by `G`
    /// (the nodes `Pipeline::add_link_local` named; None: dropped).
    pub fn link_local(&self) -> [Option<NodeId>; LINK_LOCAL_GROUPS] {
        self.link_local
    }

    /// Where IPv4 frames to a multicast group go, by IP protocol, instead
    /// of being flooded (the nodes `Pipeline::add_ip_group_protocol` named).
    pub fn ip_group_protocols(&self) -> &[(u8, NodeId)] {
        &self.ip_group_protocols
    }

    /// The names, in graph order.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }
}

/// Every node and hook the workers run.
#[derive(Default)]
pub struct Pipeline {
    nodes: Vec<NodeSpec>,
    hooks: Vec<HookSpec>,
    ethertypes: Vec<(u16, &'static str)>,
    link_local: Vec<(u8, &'static str)>,
    ip_group_protocols: Vec<(u8, &'static str)>,
    entries: Option<(&'static str, &'static str)>,
    listeners: Vec<Arc<dyn PortListener>>,
    stop_hooks: Vec<Box<dyn Fn() + Send + Sync>>,
    /// Reasons counted outside any node (a full tx queue).
    core_drops: Vec<&'static DropReason>,
}

impl Pipeline {
    /// An empty pipeline.
    pub fn new() -> Pipeline {
        Pipeline::default()
    }

    /// The switch's own stages: Ethernet input, bridging, IPv4 routing,
    /// forwarding, flooding, output and the punt path.
    pub fn builtin() -> Pipeline {
        let mut p = Pipeline::new();
        p.core_drops.push(&crate::tx::NO_TX_ROOM);
        p.core_drops.push(&crate::tx::NO_BUNDLED_MEMBER);
        p.core_drops.push(&crate::vhost::burst::GUEST_BAD_CHAIN);
        p.core_drops.push(&crate::drops::common::MALFORMED);
        p.core_drops.push(&crate::drops::common::NO_BUFFER);
        p.core_drops.push(&crate::drops::common::MTU_EXCEEDED);
        p.core_drops.push(&crate::drops::common::NOT_ROUTABLE);
        p
    }

    /// Adds work done when the dataplane stops, after the workers and
    /// control threads have ended and before the packet pools are freed
    /// (a feature's queues of packets given back).
    pub fn add_stop_hook(&mut self, f: Box<dyn Fn() + Send + Sync>) {
        self.stop_hooks.push(f);
    }

    /// Runs the stop hooks.
    pub fn run_stop_hooks(&self) {
        for f in &self.stop_hooks {
            f();
        }
    }

    /// Frames received from ports enter the graph at node `rx`; frames the
    /// control threads inject (already in a VLAN) at node `inject`.
    pub fn set_entries(&mut self, rx: &'static str, inject: &'static str) {
        self.entries = Some((rx, inject));
    }

    /// The entry nodes (see `set_entries`).
    ///
    /// # Panics
    /// If no feature declared them: nothing would receive.
    pub fn entries(&self) -> (&'static str, &'static str) {
        self.entries
            .expect("pipeline: no entry nodes (the l2 feature declares eth-input)")
    }

    /// Adds a listener told when ports and VLANs change (see
    /// `PortListener`).
    pub fn add_listener(&mut self, l: Arc<dyn PortListener>) {
        self.listeners.push(l);
    }

    /// The listeners.
    pub fn listeners(&self) -> &[Arc<dyn PortListener>] {
        &self.listeners
    }

    /// Adds `spec`.
    ///
    /// # Panics
    /// If a node of that name exists.
    pub fn add_node(&mut self, spec: NodeSpec) {
        assert!(
            self.nodes.iter().all(|n| n.name != spec.name),
            "pipeline: node {:?} declared twice",
            spec.name
        );
        let at = self.nodes.partition_point(|n| n.rank <= spec.rank);
        self.nodes.insert(at, spec);
    }

    /// Sends frames of `ethertype` for the router MAC (in a VLAN with an
    /// SVI) to node `node`.
    ///
    /// # Panics
    /// If another node has that ethertype.
    pub fn add_ethertype(&mut self, ethertype: crate::wire::EtherType, node: &'static str) {
        let ethertype = ethertype.raw();
        assert!(
            self.ethertypes.iter().all(|(t, _)| *t != ethertype),
            "pipeline: ethertype {ethertype:#06x} registered twice"
        );
        self.ethertypes.push((ethertype, node));
    }

    /// Sends frames to the link-local group `01:80:c2:00:00:0G` (`group`
    /// is `G`: 0x00 STP, 0x02 slow protocols such as LACP, 0x0e LLDP; or
    /// `CISCO_GROUP`, for CDP) to node `node`, the protocol's way to its
    /// control thread. They come in on any port, whatever its VLANs;
    /// groups no node takes are dropped.
    ///
    /// # Panics
    /// If `group` is not a link-local group, or another node has it.
    pub fn add_link_local(&mut self, group: u8, node: &'static str) {
        assert!(
            usize::from(group) < LINK_LOCAL_GROUPS,
            "pipeline: 01:80:c2:00:00:{group:02x} is no link-local group"
        );
        assert!(
            self.link_local.iter().all(|(g, _)| *g != group),
            "pipeline: link-local group {group:#04x} registered twice"
        );
        self.link_local.push((group, node));
    }

    /// Sends switched IPv4 frames to a multicast group (01:00:5e:*) whose
    /// IP protocol is `protocol` (2, IGMP) to node `node` instead of
    /// flooding them: a snooping protocol's way to its control thread.
    /// Unicast frames pay nothing for it.
    ///
    /// # Panics
    /// If another node has that protocol.
    pub fn add_ip_group_protocol(&mut self, protocol: u8, node: &'static str) {
        assert!(
            self.ip_group_protocols.iter().all(|(p, _)| *p != protocol),
            "pipeline: IP protocol {protocol} registered twice"
        );
        self.ip_group_protocols.push((protocol, node));
    }

    /// Adds `spec` and returns its hook bit (see `PortFwd::rx_hooks`).
    ///
    /// # Panics
    /// If a hook of that name exists, or there are already `MAX_HOOKS`.
    pub fn add_hook(&mut self, spec: HookSpec) -> u32 {
        assert!(
            self.hooks.iter().all(|h| h.name != spec.name),
            "pipeline: hook {:?} declared twice",
            spec.name
        );
        assert!(self.hooks.len() < MAX_HOOKS, "pipeline: too many hooks");
        self.hooks.push(spec);
        1 << (self.hooks.len() - 1)
    }

    /// The node names, in graph order.
    pub fn node_names(&self) -> Vec<&'static str> {
        self.nodes.iter().map(|n| n.name).collect()
    }

    /// The hook names, in bit order.
    pub fn hook_names(&self) -> Vec<&'static str> {
        self.hooks.iter().map(|h| h.name).collect()
    }

    /// The hook bit of the hook called `name`.
    pub fn hook_bit(&self, name: &str) -> Option<u32> {
        self.hooks
            .iter()
            .position(|h| h.name == name)
            .map(|i| 1 << i)
    }

    /// Registers every drop reason the nodes and hooks declare (see
    /// `drops`); done once, before the counters are sized.
    pub fn register_drops(&self) {
        let nodes = self.nodes.iter().flat_map(|n| n.drops.iter());
        let hooks = self.hooks.iter().flat_map(|h| h.drops.iter());
        for r in self.core_drops.iter().chain(nodes).chain(hooks) {
            drops::register(r);
        }
    }

    /// One worker's graph and hooks.
    pub fn build(&self) -> (Graph, Vec<Box<dyn PortHook>>) {
        let mut ids = NodeIds {
            names: self.node_names(),
            ethertypes: Vec::new(),
            link_local: [None; LINK_LOCAL_GROUPS],
            ip_group_protocols: Vec::new(),
        };
        ids.ip_group_protocols = self
            .ip_group_protocols
            .iter()
            .map(|&(p, n)| (p, ids.get(n)))
            .collect();
        ids.ethertypes = self
            .ethertypes
            .iter()
            .map(|&(t, n)| (t, ids.get(n)))
            .collect();
        for &(g, n) in &self.link_local {
            ids.link_local[usize::from(g)] = Some(ids.get(n));
        }
        let nodes = self.nodes.iter().map(|n| (n.build)(&ids)).collect();
        let hooks = self.hooks.iter().map(|h| (h.build)()).collect();
        (Graph::new(ids, nodes), hooks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Cx, Next, Pkt};

    /// A node that does nothing.
    struct Nop;

    impl Node for Nop {
        fn process(&mut self, _: &mut Cx<'_>, _: &mut Vec<Pkt>, _: &mut Next<'_>) {}
    }

    fn nop(name: &'static str, rank: u16) -> NodeSpec {
        NodeSpec {
            name,
            rank,
            drops: vec![],
            build: Box::new(|_| Box::new(Nop)),
        }
    }

    #[test]
    fn nodes_run_in_rank_order_and_find_each_other() {
        let mut p = Pipeline::builtin();
        assert!(p.node_names().is_empty(), "the core declares no stage");
        p.add_node(nop("punt", rank::PUNT));
        p.add_node(nop("ipv4-route", rank::IPV4_ROUTE));
        p.add_node(nop("l2-forward", rank::L2_FORWARD));
        p.add_node(nop("eth-input", rank::ETH_INPUT));
        p.add_node(nop("l2-output", rank::L2_OUTPUT));
        p.add_node(nop("l2-flood", rank::L2_FLOOD));
        p.add_node(nop("acl-in", rank::ETH_INPUT + 50));
        assert_eq!(
            p.node_names(),
            [
                "eth-input",
                "acl-in",
                "ipv4-route",
                "l2-forward",
                "l2-flood",
                "l2-output",
                "punt"
            ]
        );
        let (g, hooks) = p.build();
        assert_eq!(g.names(), p.node_names());
        assert_eq!(g.id("punt"), 6);
        assert!(hooks.is_empty());
        let dup = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            p.add_node(nop("punt", 1))
        }));
        assert!(dup.is_err(), "two nodes called punt");
    }

    #[test]
    fn an_edge_to_nobody_is_a_declaration_error() {
        let ids = NodeIds {
            names: vec!["eth-input"],
            ethertypes: vec![],
            link_local: [None; LINK_LOCAL_GROUPS],
            ip_group_protocols: vec![],
        };
        let found = std::panic::catch_unwind(|| ids.get("l2-bridge"));
        assert!(found.is_err(), "an edge to a node nobody declared");
    }
}
