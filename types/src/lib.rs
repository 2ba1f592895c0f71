//! Plain value types shared by every LiSA-DP crate, with no DPDK in sight:
//! MAC addresses and VLAN sets, with their text forms.
#![forbid(unsafe_code)]

mod mac;
mod vlan_set;

pub use mac::{MacAddr, MacParseError};
pub use vlan_set::{valid_vlan, VlanSet, VlanSetError, DEFAULT_VLAN, VLAN_MAX, VLAN_MIN};
