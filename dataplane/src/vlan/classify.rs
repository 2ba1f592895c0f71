//! Ingress classification: which VLAN a frame belongs to, given the port's
//! mode and the frame's 802.1Q tag, or why it is dropped.

use super::{PortMode, VlanSet};
use crate::drops::DropReason;
use crate::wire::VlanTag;

/// The frame's VLAN is not allowed on its port, or does not exist.
pub static VLAN_FILTER: DropReason = DropReason::new(
    "vlan-filter",
    "the frame's VLAN is not allowed on the port, or does not exist",
);

/// The VLAN of a frame that arrived on a port in `mode` carrying `tag`, if
/// the port accepts it and the VLAN is active; `None` when the VLAN filter
/// drops it (`VLAN_FILTER`). No drop reason is named on the fast path: its
/// address would be loaded for every frame.
///
/// - access port: untagged and priority-tagged (VID 0) frames are in the
///   access VLAN; a frame tagged with the access VLAN is accepted too; any
///   other tag is dropped.
/// - trunk: untagged and priority-tagged frames are in the native VLAN
///   (which must be allowed); tagged frames must carry an allowed VLAN.
#[inline]
pub fn classify(mode: &PortMode, tag: Option<VlanTag>, active: &VlanSet) -> Option<u16> {
    let vlan = match (mode, tag) {
        (PortMode::Access { vlan }, None) => *vlan,
        (PortMode::Access { vlan }, Some(t)) if t.vid == 0 || t.vid == *vlan => *vlan,
        (PortMode::Access { .. }, Some(_)) => return None,
        (PortMode::Trunk { native, allowed }, None) => {
            if !allowed.contains(*native) {
                return None;
            }
            *native
        }
        (PortMode::Trunk { native, allowed }, Some(t)) => {
            let vid = if t.vid == 0 { *native } else { t.vid };
            if !allowed.contains(vid) {
                return None;
            }
            vid
        }
    };
    active.contains(vlan).then_some(vlan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(vid: u16) -> Option<VlanTag> {
        Some(VlanTag { vid, pcp: 0 })
    }

    fn active() -> VlanSet {
        "1,10,20,30".parse().unwrap()
    }

    #[test]
    fn access_port() {
        let m = PortMode::Access { vlan: 10 };
        assert_eq!(classify(&m, None, &active()), Some(10));
        assert_eq!(classify(&m, tag(0), &active()), Some(10));
        assert_eq!(classify(&m, tag(10), &active()), Some(10));
        assert_eq!(classify(&m, tag(20), &active()), None);
        let inactive = PortMode::Access { vlan: 99 };
        assert_eq!(classify(&inactive, None, &active()), None);
    }

    #[test]
    fn trunk_port() {
        let m = PortMode::Trunk {
            native: 1,
            allowed: "1,10,20".parse().unwrap(),
        };
        assert_eq!(classify(&m, None, &active()), Some(1));
        assert_eq!(classify(&m, tag(0), &active()), Some(1));
        assert_eq!(classify(&m, tag(10), &active()), Some(10));
        assert_eq!(classify(&m, tag(30), &active()), None, "not allowed");
        let no_native = PortMode::Trunk {
            native: 5,
            allowed: "10".parse().unwrap(),
        };
        assert_eq!(classify(&no_native, None, &active()), None);
    }
}
