//! The multicast group table `l2-flood` reads (filled by IGMP snooping, a
//! feature the core does not name): per VLAN that is snooped, the IPv4
//! groups that have members, each with the switch ports that want its
//! frames (the members' ports and the multicast routers' ports). A frame
//! to a registered group leaves by those ports only; frames to groups
//! nobody registered, to 224.0.0.0/24 (RFC 4541 2.1.2: always flooded),
//! of VLANs not snooped, and every non-IPv4 group frame are flooded.
//!
//! Groups are keyed by IPv4 address, not by MAC: 32 groups share each
//! 01:00:5e MAC address, and a MAC-keyed table would send one group's
//! stream to the members of another.
//!
//! The table is published as a `Snapshot` (`Shared::mcast`): `l2-flood`
//! loads it once per vector. Port ids in it may be stale for a moment (a
//! port removed since): the flood walks the forwarding table's member
//! list and only filters it, so a stale id sends nothing.

use crate::port::MAX_SWITCH_PORTS;
use crate::vlan::VlanSet;
use crate::wire::ethernet::{addresses, ethertype_after_tag, is_ipv4_multicast};
use crate::wire::vlan::l2_header_len;
use crate::wire::EtherType;
use std::collections::HashMap;

/// A set of switch ports, one bit per port id.
pub type PortMask = u64;

const _: () = assert!(MAX_SWITCH_PORTS <= PortMask::BITS as usize);

/// The table (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub struct McastTable {
    /// The VLANs whose group frames are filtered.
    snooped: VlanSet,
    /// (VLAN, IPv4 group as a big-endian `u32`) -> the ports it leaves by.
    groups: HashMap<(u16, u32), PortMask>,
}

/// The bit of `port` in a `PortMask` (0 for an id beyond the mask).
#[inline]
pub fn port_bit(port: u16) -> PortMask {
    1u64.checked_shl(u32::from(port)).unwrap_or(0)
}

impl McastTable {
    /// A table that snoops `snooped` and knows no group yet.
    pub fn new(snooped: VlanSet) -> McastTable {
        McastTable {
            snooped,
            groups: HashMap::new(),
        }
    }

    /// Sends frames to `group` in `vlan` out of `ports` only (an empty
    /// set drops them: a group whose members all left but whose routers
    /// are gone too).
    pub fn set_group(&mut self, vlan: u16, group: std::net::Ipv4Addr, ports: PortMask) {
        self.groups.insert((vlan, u32::from(group)), ports);
    }

    /// True if `vlan` is snooped.
    pub fn snoops(&self, vlan: u16) -> bool {
        self.snooped.contains(vlan)
    }

    /// The ports a frame of `vlan` (tagged as `tagged` says) may leave
    /// by, if it goes to a registered group; None: flood it.
    #[inline]
    pub fn mask_for(&self, frame: &[u8], vlan: u16, tagged: bool) -> Option<PortMask> {
        if self.groups.is_empty() {
            return None;
        }
        if !is_ipv4_multicast(addresses(frame).0)
            || !self.snooped.contains(vlan)
            || ethertype_after_tag(frame, tagged) != EtherType::Ipv4.raw()
        {
            return None;
        }
        let l2 = l2_header_len(tagged);
        let dst = frame.get(l2 + 16..l2 + 20)?;
        // 224.0.0.0/24: local network control, always flooded.
        if dst[..3] == [224, 0, 0] {
            return None;
        }
        let group = u32::from_be_bytes([dst[0], dst[1], dst[2], dst[3]]);
        self.groups.get(&(vlan, group)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    /// An IPv4 frame from a host to `group`, tagged with VLAN 10 or not.
    fn frame(group: Ipv4Addr, tagged: bool) -> Vec<u8> {
        let g = group.octets();
        let mut f = vec![0x01, 0x00, 0x5e, g[1] & 0x7f, g[2], g[3], 2, 0, 0, 0, 0, 1];
        if tagged {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 10]);
        }
        f.extend_from_slice(&[0x08, 0x00]);
        let mut ip = [0u8; 20];
        ip[0] = 0x45;
        ip[9] = 17;
        ip[12..16].copy_from_slice(&[10, 0, 0, 1]);
        ip[16..20].copy_from_slice(&g);
        f.extend_from_slice(&ip);
        f.extend_from_slice(&[0; 26]);
        f
    }

    fn table() -> McastTable {
        let mut t = McastTable::new([10u16].into_iter().collect());
        t.set_group(10, Ipv4Addr::new(224, 1, 1, 1), port_bit(2) | port_bit(40));
        t
    }

    #[test]
    fn registered_groups_leave_by_their_ports_only() {
        let t = table();
        let g = Ipv4Addr::new(224, 1, 1, 1);
        assert_eq!(t.mask_for(&frame(g, false), 10, false), Some(4 | 1 << 40));
        assert_eq!(t.mask_for(&frame(g, true), 10, true), Some(4 | 1 << 40));
        assert_eq!(t.mask_for(&frame(g, false), 20, false), None, "not snooped");
    }

    #[test]
    fn groups_sharing_a_mac_are_told_apart() {
        let t = table();
        // 225.1.1.1 and 224.129.1.1 map to 01:00:5e:01:01:01 as well.
        for g in [Ipv4Addr::new(225, 1, 1, 1), Ipv4Addr::new(224, 129, 1, 1)] {
            assert_eq!(t.mask_for(&frame(g, false), 10, false), None, "{g}");
        }
    }

    #[test]
    fn link_local_groups_and_other_frames_flood() {
        let mut t = table();
        t.set_group(10, Ipv4Addr::new(224, 0, 0, 9), 0);
        let ll = frame(Ipv4Addr::new(224, 0, 0, 9), false);
        assert_eq!(t.mask_for(&ll, 10, false), None);
        let mut arp = frame(Ipv4Addr::new(224, 1, 1, 1), false);
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(t.mask_for(&arp, 10, false), None, "not IPv4");
        let mut bcast = frame(Ipv4Addr::new(224, 1, 1, 1), false);
        bcast[..6].copy_from_slice(&[0xff; 6]);
        assert_eq!(t.mask_for(&bcast, 10, false), None);
        let f = frame(Ipv4Addr::new(224, 1, 1, 1), false);
        for n in 0..f.len() {
            let _ = t.mask_for(&f[..n], 10, false);
            let _ = t.mask_for(&f[..n], 10, true);
        }
        assert_eq!(McastTable::default().mask_for(&f, 10, false), None);
    }
}
