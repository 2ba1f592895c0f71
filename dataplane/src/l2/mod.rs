//! Layer 2 switching: the forwarding database, and the graph nodes that
//! switch: `eth-input` (parse, classify), `l2-bridge` (learn, look up),
//! `l2-forward` (the switch's own frames), `l2-flood`, `l2-output`.

pub mod bridge;
pub mod fdb;
pub mod flood;
pub mod forward;
pub mod input;
pub mod output;
