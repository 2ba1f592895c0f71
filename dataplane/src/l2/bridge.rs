//! The bridging decision for one frame: learn its source, then forward it
//! to the port its destination was learned on, or flood it.

use crate::counters::DropReason;
use crate::l2::fdb::Fdb;
use crate::wire::EthernetFrame;

/// The VLAN every port is in until VLAN classification lands.
pub const DEFAULT_VLAN: u16 = 1;

/// What to do with a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send it out of this port.
    Forward(u16),
    /// Send it out of every other port of its VLAN.
    Flood,
    /// Drop it, for this reason.
    Drop(DropReason),
}

/// Learns the source of `frame` (arrived on `in_port` at `now`) and decides
/// where it goes.
#[inline]
pub fn decide(frame: &[u8], in_port: u16, fdb: &Fdb, now: u32) -> Verdict {
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return Verdict::Drop(DropReason::Malformed);
    };
    let vlan = DEFAULT_VLAN;
    let src = eth.src();
    if src.is_unicast() {
        fdb.learn(vlan, src, in_port, now);
    }
    let dst = eth.dst();
    if dst.is_multicast() {
        return Verdict::Flood;
    }
    match fdb.lookup(vlan, dst) {
        Some(hit) if hit.port == in_port => Verdict::Drop(DropReason::SameInterface),
        Some(hit) => Verdict::Forward(hit.port),
        None => Verdict::Flood,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(dst: [u8; 6], src: [u8; 6]) -> Vec<u8> {
        let mut f = dst.to_vec();
        f.extend(src);
        f.extend([0x08, 0x00]);
        f.extend([0u8; 46]);
        f
    }

    const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
    const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

    #[test]
    fn learns_then_forwards() {
        let fdb = Fdb::new(64);
        assert_eq!(decide(&frame(B, A), 1, &fdb, 0), Verdict::Flood);
        assert_eq!(decide(&frame(A, B), 2, &fdb, 0), Verdict::Forward(1));
        assert_eq!(decide(&frame(B, A), 1, &fdb, 0), Verdict::Forward(2));
        assert_eq!(decide(&frame([0xff; 6], A), 1, &fdb, 0), Verdict::Flood);
        assert_eq!(
            decide(&frame(A, B), 1, &fdb, 0),
            Verdict::Drop(DropReason::SameInterface)
        );
    }

    #[test]
    fn runts_are_malformed() {
        let fdb = Fdb::new(64);
        assert_eq!(
            decide(&[0u8; 13], 1, &fdb, 0),
            Verdict::Drop(DropReason::Malformed)
        );
        assert!(fdb.is_empty());
    }
}
