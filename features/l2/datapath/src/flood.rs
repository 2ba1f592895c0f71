//! Node `l2-flood`: a frame out of every other port of its VLAN. Ports that
//! want the frame as it is share the one buffer; ports that want the other
//! form (tagged vs untagged) share a second one: a new L2 header chained to
//! an indirect clone of the payload. No payload is copied. A frame to an
//! IPv4 multicast group registered in the multicast group table (IGMP
//! snooping's) leaves only by the ports the table lists for it.

use crate::output::{MTU_EXCEEDED, NO_BUFFER};
use dataplane::graph::{Cx, Next, Node, Pkt};
use dataplane::mbuf::Mbuf;
use dataplane::mempool::PktPool;
use dataplane::snapshot::SnapshotReader;
use dataplane::switch::{port_bit, McastTable, PortMask};
use dataplane::wire::vlan::{l2_header_len, other_form_header, TAGGED_HEADER_LEN};

/// The node, with its worker's view of the multicast group table (taken
/// at its first vector).
#[derive(Default)]
pub struct Flood {
    mcast: Option<SnapshotReader<McastTable>>,
}

impl Node for Flood {
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, _: &mut Next<'_>) {
        let mcast = self
            .mcast
            .get_or_insert_with(|| cx.shared.mcast.reader())
            .get();
        for p in pkts.drain(..) {
            let only = mcast.mask_for(p.m.data(), p.meta.vlan, p.meta.tagged);
            flood(cx, p, only.unwrap_or(PortMask::MAX));
        }
    }
}

/// Sends `p` out of every port of its VLAN in `only` but `p.meta.exclude`.
fn flood(cx: &mut Cx<'_>, p: Pkt, only: PortMask) {
    let table = cx.table;
    let (vlan, tagged) = (p.meta.vlan, p.meta.tagged);
    let members = &table.members[usize::from(vlan)];
    let len = p.m.pkt_len() as usize;
    let l2 = l2_header_len(tagged);
    let mut other: Option<Option<Mbuf>> = None;
    let mut last_same: Option<u16> = None;
    for mem in members.iter() {
        if mem.port == p.meta.exclude || only & port_bit(mem.port) == 0 {
            continue;
        }
        let mtu = table.ports[usize::from(mem.port)].mtu;
        if len.saturating_sub(l2) > usize::from(mtu) {
            cx.count_drop(&MTU_EXCEEDED);
            continue;
        }
        if mem.tagged == tagged {
            if let Some(prev) = last_same.replace(mem.port) {
                cx.send(prev, p.m.share());
            }
        } else {
            let variant =
                other.get_or_insert_with(|| other_form(&cx.shared.hdr_pool, &p.m, tagged, vlan));
            match variant {
                Some(v) => {
                    let copy = v.share();
                    cx.send(mem.port, copy);
                }
                None => cx.count_drop(&NO_BUFFER),
            }
        }
    }
    if let Some(out) = last_same {
        cx.send(out, p.m);
    }
    // `p.m` (if unused) and our reference to the variant drop here.
}

/// The frame in its other form: header mbuf + indirect payload clone.
fn other_form(pool: &PktPool, m: &Mbuf, tagged: bool, vlan: u16) -> Option<Mbuf> {
    let mut hdr_bytes = [0u8; TAGGED_HEADER_LEN];
    let (hlen, old_hlen) = other_form_header(m.data(), tagged, vlan, &mut hdr_bytes)?;
    let mut head = Mbuf::alloc(pool)?;
    if !head.append(&hdr_bytes[..hlen]) {
        return None;
    }
    let mut payload = m.clone_indirect(pool)?;
    if !payload.adj(old_hlen as u16) {
        return None;
    }
    head.chain(payload).then_some(head)
}
