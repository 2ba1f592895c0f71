//! LiSA-DP dataplane: a safe layer over DPDK (EAL, mempools, mbufs, ports,
//! lcores) and the packet pipeline the worker lcores run.
//!
//! Unsafe code lives only in the thin DPDK layer (`eal`, `mempool`, `mbuf`,
//! `port`, `lcore`, `worker`'s burst calls, `idle`'s interrupts and signal mask); every block says why it is sound.
//! `wire` and `l2` are plain Rust and need no DPDK to test.

pub mod bigmem;
pub mod counters;
pub mod dpdk_log;
pub mod drops;
pub mod eal;
pub mod error;
pub mod graph;
pub mod idle;
pub mod lag;
pub mod lcore;
pub mod mbuf;
pub mod mempool;
pub mod pool_set;
pub mod port;
pub mod shared;
pub mod snapshot;
pub mod socket_path;
pub mod switch;
pub mod timer;
pub mod tx;
pub mod vhost;
pub mod vlan;
pub mod wire;
pub mod worker;

pub use error::DpdkError;
pub use port::PortKind;
pub use switch::{
    Dataplane, DataplaneConfig, DataplaneError, HookUse, PortInfo, PortL2, PortLink, PortSpec,
    SendError,
};
