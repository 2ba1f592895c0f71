//! The bridging decision for one frame: classify its VLAN, learn its
//! source, then forward it to the port its destination was learned on, or
//! flood it. Pure: the worker applies the decision to the buffer.

use crate::counters::DropReason;
use crate::l2::fdb::Fdb;
use crate::shared::PortFwd;
use crate::vlan::{classify::classify, VlanSet};
use crate::wire::EthernetFrame;

/// Where a frame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Out of this port.
    Forward(u16),
    /// Out of every other port of its VLAN.
    Flood,
    /// Nowhere, for this reason.
    Drop(DropReason),
}

/// The decision for one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Where it goes.
    pub verdict: Verdict,
    /// Its VLAN.
    pub vlan: u16,
    /// It arrived with an 802.1Q tag.
    pub tagged: bool,
    /// Its tag must go before anything else (a priority tag, or an access
    /// port's own VLAN tag): it then travels as an untagged frame.
    pub strip_tag: bool,
}

impl Decision {
    fn drop(why: DropReason) -> Decision {
        Decision {
            verdict: Verdict::Drop(why),
            vlan: 0,
            tagged: false,
            strip_tag: false,
        }
    }
}

/// Decides what happens to `frame`, received on `in_port` (configured as
/// `pin`) at time `now`, learning its source address on the way.
#[inline]
pub fn decide(
    frame: &[u8],
    in_port: u16,
    pin: &PortFwd,
    active: &VlanSet,
    fdb: &Fdb,
    now: u32,
) -> Decision {
    if !pin.up {
        return Decision::drop(DropReason::PortDown);
    }
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return Decision::drop(DropReason::Malformed);
    };
    let (src, dst, tag) = (eth.src(), eth.dst(), eth.vlan_tag());
    let vlan = match classify(&pin.mode, tag, active) {
        Ok(v) => v,
        Err(why) => return Decision::drop(why),
    };
    // A group or all-zero source is no station's address.
    if src.is_multicast() || src.0 == [0; 6] {
        return Decision::drop(DropReason::Malformed);
    }
    fdb.learn(vlan, src, in_port, now);
    let strip_tag = tag.is_some_and(|t| t.vid != vlan || !pin.mode.tags(vlan));
    let verdict = if dst.is_multicast() {
        Verdict::Flood
    } else {
        match fdb.lookup(vlan, dst) {
            Some(hit) if hit.port == in_port => Verdict::Drop(DropReason::SameInterface),
            Some(hit) => Verdict::Forward(hit.port),
            None => Verdict::Flood,
        }
    };
    Decision {
        verdict,
        vlan,
        tagged: tag.is_some() && !strip_tag,
        strip_tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vlan::PortMode;

    const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
    const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

    fn frame(dst: [u8; 6], src: [u8; 6], vid: Option<u16>) -> Vec<u8> {
        let mut f = dst.to_vec();
        f.extend(src);
        if let Some(v) = vid {
            f.extend([0x81, 0x00]);
            f.extend(v.to_be_bytes());
        }
        f.extend([0x08, 0x00]);
        f.extend([0u8; 46]);
        f
    }

    fn access(vlan: u16) -> PortFwd {
        PortFwd {
            present: true,
            up: true,
            mode: PortMode::Access { vlan },
            mtu: 1500,
            tx_queues: 1,
        }
    }

    fn trunk(native: u16, allowed: &str) -> PortFwd {
        PortFwd {
            mode: PortMode::Trunk {
                native,
                allowed: allowed.parse().unwrap(),
            },
            ..access(1)
        }
    }

    fn active() -> VlanSet {
        "1,10,20".parse().unwrap()
    }

    #[test]
    fn learns_then_forwards_within_a_vlan() {
        let fdb = Fdb::new(64);
        let p = access(10);
        let d = |f: &[u8], port| decide(f, port, &p, &active(), &fdb, 0).verdict;
        assert_eq!(d(&frame(B, A, None), 1), Verdict::Flood);
        assert_eq!(d(&frame(A, B, None), 2), Verdict::Forward(1));
        assert_eq!(d(&frame(B, A, None), 1), Verdict::Forward(2));
        assert_eq!(d(&frame([0xff; 6], A, None), 1), Verdict::Flood);
        assert_eq!(
            d(&frame(A, B, None), 1),
            Verdict::Drop(DropReason::SameInterface)
        );
        assert!(
            fdb.lookup(1, MacAddrExt::mac(A)).is_none(),
            "learned in VLAN 10 only"
        );
    }

    #[test]
    fn trunk_tags_and_native() {
        let fdb = Fdb::new(64);
        let t = trunk(1, "1,10");
        let d = decide(&frame(B, A, Some(10)), 3, &t, &active(), &fdb, 0);
        assert_eq!((d.vlan, d.tagged, d.strip_tag), (10, true, false));
        let d = decide(&frame(B, A, None), 3, &t, &active(), &fdb, 0);
        assert_eq!((d.vlan, d.tagged), (1, false));
        let d = decide(&frame(B, A, Some(0)), 3, &t, &active(), &fdb, 0);
        assert_eq!(
            (d.vlan, d.tagged, d.strip_tag),
            (1, false, true),
            "priority tag: native VLAN"
        );
        let d = decide(&frame(B, A, Some(20)), 3, &t, &active(), &fdb, 0);
        assert_eq!(d.verdict, Verdict::Drop(DropReason::VlanFilter));
        let d = decide(&frame(B, A, Some(1)), 3, &t, &active(), &fdb, 0);
        assert_eq!(
            (d.vlan, d.tagged, d.strip_tag),
            (1, false, true),
            "tagged native: untag"
        );
    }

    #[test]
    fn drops_are_named() {
        let fdb = Fdb::new(64);
        let mut down = access(1);
        down.up = false;
        assert_eq!(
            decide(&frame(B, A, None), 1, &down, &active(), &fdb, 0).verdict,
            Verdict::Drop(DropReason::PortDown)
        );
        let p = access(1);
        assert_eq!(
            decide(&[0u8; 13], 1, &p, &active(), &fdb, 0).verdict,
            Verdict::Drop(DropReason::Malformed)
        );
        for bad in [[1, 0, 0, 0, 0, 1], [0; 6]] {
            let bad_src = frame(B, bad, None);
            assert_eq!(
                decide(&bad_src, 1, &p, &active(), &fdb, 0).verdict,
                Verdict::Drop(DropReason::Malformed),
                "source {bad:?}"
            );
        }
        assert_eq!(
            decide(&frame(B, A, Some(20)), 1, &p, &active(), &fdb, 0).verdict,
            Verdict::Drop(DropReason::VlanFilter),
            "access port, foreign tag"
        );
        assert!(fdb.is_empty(), "nothing dropped is learned");
    }

    struct MacAddrExt;
    impl MacAddrExt {
        fn mac(b: [u8; 6]) -> crate::wire::MacAddr {
            crate::wire::MacAddr(b)
        }
    }
}
