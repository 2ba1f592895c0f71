//! Layer 2 switching: the forwarding database, and the graph nodes that
//! switch: `eth-input` (parse, classify), `l2-bridge` (learn, look up),
//! `l2-forward` (the switch's own frames), `l2-flood`, `l2-output`.

pub mod bridge;
pub mod fdb;
pub mod flood;
pub mod forward;
pub mod input;
pub mod output;

use crate::graph::{rank, NodeSpec, Pipeline};

/// Declares the L2 stages: `eth-input`, `l2-bridge`, `l2-forward`,
/// `l2-flood` and `l2-output`.
pub fn nodes(p: &mut Pipeline) {
    p.add_node(NodeSpec {
        name: "eth-input",
        rank: rank::ETH_INPUT,
        drops: vec![
            &input::MALFORMED,
            &input::VLAN_FILTER,
            &input::PORT_DOWN,
            &input::NOT_SWITCHING,
        ],
        build: Box::new(|ids| Box::new(input::EthInput::new(ids))),
    });
    p.add_node(NodeSpec {
        name: "l2-bridge",
        rank: rank::L2_BRIDGE,
        drops: vec![&bridge::SAME_INTERFACE],
        build: Box::new(|ids| Box::new(bridge::Bridge::new(ids))),
    });
    p.add_node(NodeSpec {
        name: "l2-forward",
        rank: rank::L2_FORWARD,
        drops: vec![],
        build: Box::new(|ids| Box::new(forward::Forward::new(ids))),
    });
    p.add_node(NodeSpec {
        name: "l2-flood",
        rank: rank::L2_FLOOD,
        drops: vec![&output::MTU_EXCEEDED, &output::NO_BUFFER],
        build: Box::new(|_| Box::new(flood::Flood)),
    });
    p.add_node(NodeSpec {
        name: "l2-output",
        rank: rank::L2_OUTPUT,
        drops: vec![&output::MTU_EXCEEDED, &output::NO_BUFFER],
        build: Box::new(|ids| Box::new(output::Output::new(ids))),
    });
}
