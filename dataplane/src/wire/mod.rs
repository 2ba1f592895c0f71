//! Zero-copy views of packet headers, in the style of smoltcp's `wire`:
//! a `Frame<T: AsRef<[u8]>>` checks its length once in `new_checked`, so no
//! accessor can panic afterwards. No unsafe code lives here.
#![forbid(unsafe_code)]

pub mod arp;
pub mod ethernet;
pub mod icmp;
pub mod ipv4;
pub mod vlan;

pub use arp::{ArpOperation, ArpRepr};
pub use ethernet::{
    set_addresses, EtherType, EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN, VLAN_TAG_LEN,
};
pub use ipv4::{Ipv4Error, Ipv4Packet, Ipv4Repr, IPV4_HEADER_LEN};
pub use lisa_types::{MacAddr, MacParseError};
pub use vlan::{l2_header_len, VlanTag, TAGGED_HEADER_LEN};

/// Why a buffer could not be viewed as a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The buffer is shorter than the header it should hold.
    #[error("truncated: {len} bytes, need at least {need}")]
    Truncated {
        /// Bytes present.
        len: usize,
        /// Bytes needed.
        need: usize,
    },
}
