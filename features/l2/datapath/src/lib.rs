//! Layer 2 switching: the forwarding database, and the graph nodes that
//! switch: `eth-input` (parse, classify), `l2-bridge` (learn, look up),
//! `l2-forward` (the switch's own frames), `l2-flood`, `l2-output`.
//! `lisad` declares them through the feature's daemon (`DaemonFeature::pipeline`).

pub mod bridge;
pub mod fdb;
pub mod flood;
pub mod forward;
pub mod input;
pub mod output;
pub mod rx_hooks;

use dataplane::graph::{rank, NodeSpec, Pipeline, PortListener};
use dataplane::vlan::VlanSet;
use fdb::{Fdb, FdbFilter};
use std::sync::Arc;

/// The feature's datapath: its FDB, shared by its stages (which learn and
/// look up), its daemon (static entries, aging, the API) and the
/// dataplane's port events (which flush it).
pub struct L2Datapath {
    /// The MAC address table.
    pub fdb: Arc<Fdb>,
}

impl L2Datapath {
    /// A datapath with an FDB of at most `fdb_limit` entries.
    pub fn new(fdb_limit: usize) -> L2Datapath {
        L2Datapath {
            fdb: Arc::new(Fdb::new(fdb_limit)),
        }
    }

    /// Declares the L2 stages (`eth-input`, where received frames enter,
    /// `l2-bridge`, `l2-forward`, where injected frames enter, `l2-flood`,
    /// `l2-output`) and the FDB's port listener.
    pub fn register(&self, p: &mut Pipeline) {
        nodes(p, &self.fdb);
        p.set_entries("eth-input", "l2-forward");
        p.add_listener(Arc::new(FdbFlusher(self.fdb.clone())));
    }
}

/// Forgets addresses learned on ports that changed and VLANs that went.
struct FdbFlusher(Arc<Fdb>);

impl PortListener for FdbFlusher {
    fn port_changed(&self, port: u16) {
        self.0.flush(FdbFilter {
            port: Some(port),
            ..Default::default()
        });
    }

    fn port_removed(&self, port: u16) {
        self.0.flush(FdbFilter {
            port: Some(port),
            include_static: true,
            ..Default::default()
        });
    }

    fn vlans_removed(&self, vlans: &VlanSet) {
        for v in vlans.iter() {
            self.0.flush(FdbFilter {
                vlan: Some(v),
                include_static: true,
                ..Default::default()
            });
        }
    }
}

/// Declares the stages over `fdb`.
fn nodes(p: &mut Pipeline, fdb: &Arc<Fdb>) {
    p.add_node(NodeSpec {
        name: "eth-input",
        rank: rank::ETH_INPUT,
        drops: vec![
            &input::MALFORMED,
            &input::VLAN_FILTER,
            &input::STACKED_TAGS,
            &input::PORT_DOWN,
            &input::LINK_LOCAL,
            &input::STP_DISCARDING,
            &input::NOT_BUNDLED,
        ],
        build: Box::new(|ids| Box::new(input::EthInput::new(ids))),
    });
    p.add_node(NodeSpec {
        name: rx_hooks::NODE,
        rank: rank::RX_HOOKS,
        drops: vec![&input::NOT_SWITCHING],
        build: Box::new(|ids| Box::new(rx_hooks::RxHooks::new(ids))),
    });
    p.add_node(NodeSpec {
        name: "l2-bridge",
        rank: rank::L2_BRIDGE,
        drops: vec![
            &bridge::SAME_INTERFACE,
            &bridge::OWN_SOURCE,
            &bridge::NO_SVI,
        ],
        build: {
            let fdb = fdb.clone();
            Box::new(move |ids| Box::new(bridge::Bridge::new(fdb.clone(), ids)))
        },
    });
    p.add_node(NodeSpec {
        name: "l2-forward",
        rank: rank::L2_FORWARD,
        drops: vec![],
        build: {
            let fdb = fdb.clone();
            Box::new(move |ids| Box::new(forward::Forward::new(fdb.clone(), ids)))
        },
    });
    p.add_node(NodeSpec {
        name: "l2-flood",
        rank: rank::L2_FLOOD,
        drops: vec![&output::MTU_EXCEEDED, &output::NO_BUFFER],
        build: Box::new(|_| Box::new(flood::Flood::default())),
    });
    p.add_node(NodeSpec {
        name: "l2-output",
        rank: rank::L2_OUTPUT,
        drops: vec![&output::MTU_EXCEEDED, &output::NO_BUFFER],
        build: Box::new(|ids| Box::new(output::Output::new(ids))),
    });
}
