//! Layer 2 switching: the forwarding database and the bridging decision.

pub mod bridge;
pub mod fdb;
pub mod flow_cache;
