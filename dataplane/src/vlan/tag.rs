//! Egress tagging on a buffer: adding, removing or rewriting a frame's
//! 802.1Q tag in place (unshared buffers only). The byte moves are
//! `wire::vlan`'s; this module adds the buffer's room and ownership.

use crate::mbuf::Mbuf;
use crate::wire::{vlan, ETHERNET_HEADER_LEN, VLAN_TAG_LEN};

/// Adds a tag for `vlan` to an untagged frame, in place. False if the
/// buffer is shared, has no headroom, or holds no full header.
pub fn push_tag(m: &mut Mbuf, vid: u16) -> bool {
    if m.data().len() < ETHERNET_HEADER_LEN || m.prepend(VLAN_TAG_LEN as u16).is_none() {
        return false;
    }
    m.data_mut().is_some_and(|d| vlan::insert_tag(d, vid))
}

/// Removes the 802.1Q tag of a tagged frame, in place. False if the buffer
/// is shared or too short to hold a tag.
pub fn pop_tag(m: &mut Mbuf) -> bool {
    let Some(d) = m.data_mut() else {
        return false;
    };
    vlan::remove_tag(d) && m.adj(VLAN_TAG_LEN as u16)
}
