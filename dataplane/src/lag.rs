//! Link aggregation's member choice: a frame sent to a port-channel leaves
//! by one of its members, picked by a hash of the header fields IOS's
//! `port-channel load-balance` names. The hash is symmetric (source and
//! destination mixed alike), so both directions of a conversation use one
//! link, and a flow never changes member while the members stay.

use crate::wire::ipv4::IpProtocol;
use crate::wire::{EtherType, EthernetFrame, Ipv4Packet};

/// What the member choice hashes (`port-channel load-balance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LagHash {
    /// `src-mac`.
    SrcMac,
    /// `dst-mac`.
    DstMac,
    /// `src-dst-mac`.
    SrcDstMac,
    /// `src-ip` (MAC addresses for what is not IPv4).
    SrcIp,
    /// `dst-ip`.
    DstIp,
    /// `src-dst-ip`.
    #[default]
    SrcDstIp,
    /// `src-port`: the source IP and TCP/UDP port.
    SrcPort,
    /// `dst-port`.
    DstPort,
    /// `src-dst-port`: addresses and TCP/UDP ports both ways.
    SrcDstPort,
}

/// Which sides a hash takes.
#[derive(Clone, Copy)]
struct Sides {
    src: bool,
    dst: bool,
}

impl LagHash {
    fn sides(self) -> Sides {
        use LagHash::*;
        Sides {
            src: !matches!(self, DstMac | DstIp | DstPort),
            dst: !matches!(self, SrcMac | SrcIp | SrcPort),
        }
    }

    fn uses_ip(self) -> bool {
        !matches!(self, LagHash::SrcMac | LagHash::DstMac | LagHash::SrcDstMac)
    }

    fn uses_ports(self) -> bool {
        matches!(
            self,
            LagHash::SrcPort | LagHash::DstPort | LagHash::SrcDstPort
        )
    }
}

/// Mixes `x` into a well-spread 64-bit value.
#[inline(always)]
fn mix(x: u64) -> u64 {
    let x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 29)
}

/// Combines the source and destination parts a hash takes (XOR: the same
/// value both ways).
#[inline(always)]
fn sided(s: Sides, src: u64, dst: u64) -> u64 {
    (if s.src { src } else { 0 }) ^ (if s.dst { dst } else { 0 })
}

/// The hash of `frame` (whole, or its first segment) under `how`. What it
/// cannot read (a short frame, no IPv4 where IP is asked, a fragment
/// where ports are asked) falls back to the fields it has.
pub fn frame_hash(frame: &[u8], how: LagHash) -> u64 {
    let Ok(eth) = EthernetFrame::new_checked(frame) else {
        return 0;
    };
    let s = how.sides();
    let mac = |m: crate::wire::MacAddr| {
        let b = m.0;
        u64::from_be_bytes([0, 0, b[0], b[1], b[2], b[3], b[4], b[5]])
    };
    let l2 = sided(s, mac(eth.src()), mac(eth.dst()));
    if !how.uses_ip() || eth.ethertype() != EtherType::Ipv4 {
        return mix(l2);
    }
    let Some(ip) = frame
        .get(eth.header_len()..)
        .and_then(|b| Ipv4Packet::new_checked(b).ok())
    else {
        return mix(l2);
    };
    let addr = |a: std::net::Ipv4Addr| u64::from(u32::from(a));
    let mut h = sided(s, addr(ip.src()), addr(ip.dst()));
    if how.uses_ports()
        && !ip.is_fragment()
        && matches!(ip.protocol(), IpProtocol::Tcp | IpProtocol::Udp)
    {
        if let [a, b, c, d, ..] = *ip.payload() {
            let (sp, dp) = (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d]));
            h ^= sided(s, u64::from(sp), u64::from(dp)) << 32;
        }
    }
    mix(h)
}

/// The member of `members` (not empty) that `frame` leaves by.
#[inline]
pub fn pick(frame: &[u8], how: LagHash, members: &[u16]) -> u16 {
    let h = frame_hash(frame, how);
    members[(h % members.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet + IPv4 + UDP frame between two hosts and ports.
    fn udp(src_mac: u8, dst_mac: u8, src: [u8; 4], dst: [u8; 4], sp: u16, dp: u16) -> Vec<u8> {
        let mut f = vec![0u8; 14 + 20 + 8];
        f[..6].copy_from_slice(&[2, 0, 0, 0, 0, dst_mac]);
        f[6..12].copy_from_slice(&[2, 0, 0, 0, 0, src_mac]);
        f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
        let ip = &mut f[14..34];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&28u16.to_be_bytes());
        ip[8] = 64;
        ip[9] = 17;
        ip[12..16].copy_from_slice(&src);
        ip[16..20].copy_from_slice(&dst);
        let sum = crate::wire::ipv4::checksum(ip);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        f[34..36].copy_from_slice(&sp.to_be_bytes());
        f[36..38].copy_from_slice(&dp.to_be_bytes());
        f
    }

    #[test]
    fn both_directions_pick_the_same_member() {
        let there = udp(1, 2, [10, 0, 0, 1], [10, 0, 0, 2], 1000, 53);
        let back = udp(2, 1, [10, 0, 0, 2], [10, 0, 0, 1], 53, 1000);
        for how in [LagHash::SrcDstMac, LagHash::SrcDstIp, LagHash::SrcDstPort] {
            assert_eq!(frame_hash(&there, how), frame_hash(&back, how), "{how:?}");
        }
    }

    #[test]
    fn many_flows_spread_over_the_members() {
        let members = [3u16, 7];
        let mut seen = [0usize; 2];
        for i in 0..200u8 {
            let f = udp(1, 2, [10, 0, 0, 1], [10, 0, 1, i], 1000, 53);
            let m = pick(&f, LagHash::SrcDstIp, &members);
            seen[usize::from(m == 7)] += 1;
        }
        assert!(seen[0] > 60 && seen[1] > 60, "{seen:?}");
    }

    #[test]
    fn ports_count_only_when_asked() {
        let a = udp(1, 2, [10, 0, 0, 1], [10, 0, 0, 2], 1000, 53);
        let b = udp(1, 2, [10, 0, 0, 1], [10, 0, 0, 2], 1001, 53);
        assert_eq!(
            frame_hash(&a, LagHash::SrcDstIp),
            frame_hash(&b, LagHash::SrcDstIp)
        );
        assert_ne!(
            frame_hash(&a, LagHash::SrcDstPort),
            frame_hash(&b, LagHash::SrcDstPort)
        );
    }

    #[test]
    fn short_or_odd_frames_still_pick() {
        for len in 0..42 {
            let f = udp(1, 2, [10, 0, 0, 1], [10, 0, 0, 2], 1000, 53);
            let m = pick(&f[..len], LagHash::SrcDstPort, &[1, 2, 3]);
            assert!([1, 2, 3].contains(&m));
        }
    }
}
