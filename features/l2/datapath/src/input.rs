//! Node `eth-input`: the whole vector's Ethernet headers parsed and VLANs
//! classified. A frame from a port that is down, a malformed one, one of a
//! VLAN its port does not carry, or one from no station is dropped here;
//! a priority tag or an access port's own tag comes off. A frame to an IEEE
//! 802.1 link-local group (01:80:c2:00:00:0x: STP, LACP, LLDP) or to
//! Cisco's 01:00:0c:cc:cc:cc (CDP) is never bridged: it goes to the node a
//! feature registered for its group (`Pipeline::add_link_local`), whatever
//! the port's VLANs, or is dropped.

use dataplane::drops::DropReason;
use dataplane::graph::{
    Cx, Next, Nexts, Node, NodeId, NodeIds, Pkt, CISCO_GROUP, LINK_LOCAL_GROUPS,
};
use dataplane::mbuf::prefetch;
use dataplane::shared::{ForwardingTable, PortFwd};
pub use dataplane::vlan::classify::VLAN_FILTER;
use dataplane::vlan::{classify::classify, tag, VlanSet};
use dataplane::wire::ethernet::{addresses, ethertype_after_tag, is_group, ETHERNET_HEADER_LEN};
use dataplane::wire::{EtherType, EthernetFrame};

pub use dataplane::drops::common::MALFORMED;
/// The ingress or egress port is administratively down.
pub static PORT_DOWN: DropReason = DropReason::new(
    "port-down",
    "the ingress or egress port is shut down or out of switching",
);
/// Received on a port a feature took out of switching (a SPAN destination).
pub static NOT_SWITCHING: DropReason = DropReason::new(
    "not-switching",
    "received on a port that does not switch (a monitor session's destination)",
);

/// A frame with two VLAN tags, or an 802.1ad service tag: the switch does
/// no QinQ, and forwarding it would let its inner tag hop VLANs where it
/// leaves untagged (a trunk's native VLAN).
pub static STACKED_TAGS: DropReason = DropReason::new(
    "stacked-tags",
    "two VLAN tags, or an 802.1ad service tag (no QinQ: the inner tag could hop VLANs)",
);

/// Received on a port the spanning tree holds discarding.
pub static STP_DISCARDING: DropReason = DropReason::new(
    "stp-discarding",
    "received on a port the spanning tree holds discarding (blocked, or not forwarding yet)",
);

/// Received on a port-channel's member that is not bundled (LACP has not
/// agreed, or its partner differs from the bundle's).
pub static NOT_BUNDLED: DropReason = DropReason::new(
    "not-bundled",
    "received on a port-channel member that is not bundled (LACP not in agreement)",
);

pub use dataplane::drops::common::LINK_LOCAL;

/// The group `G` of a frame to the link-local address 01:80:c2:00:00:0G,
/// or `CISCO_GROUP` for one to 01:00:0c:cc:cc:cc (CDP).
#[inline(always)]
pub fn link_local_group(frame: &[u8]) -> Option<u8> {
    match frame.get(..6)? {
        [0x01, 0x80, 0xc2, 0x00, 0x00, g] if *g < 16 => Some(*g),
        [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc] => Some(CISCO_GROUP),
        _ => None,
    }
}

/// Why ingress drops a frame: a small code on the fast path, named as a
/// drop reason only on the drop path (`reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressDrop {
    /// The port is shut down.
    PortDown,
    /// A truncated header or tag, or no station's source address.
    Malformed,
    /// The VLAN filter.
    VlanFilter,
    /// Two tags, or a service tag.
    StackedTags,
    /// The spanning tree holds the port discarding.
    Discarding,
    /// A port-channel's member not bundled.
    NotBundled,
}

impl IngressDrop {
    /// The drop reason counted.
    #[cold]
    pub fn reason(self) -> &'static DropReason {
        match self {
            IngressDrop::PortDown => &PORT_DOWN,
            IngressDrop::Malformed => &MALFORMED,
            IngressDrop::VlanFilter => &VLAN_FILTER,
            IngressDrop::StackedTags => &STACKED_TAGS,
            IngressDrop::Discarding => &STP_DISCARDING,
            IngressDrop::NotBundled => &NOT_BUNDLED,
        }
    }
}

/// What ingress found out about a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingress {
    /// Its VLAN.
    pub vlan: u16,
    /// It keeps an 802.1Q tag (a trunk's tagged VLAN).
    pub tagged: bool,
    /// Its tag must come off first (a priority tag, or a tag an access
    /// port or a trunk's native VLAN does not keep).
    pub strip: bool,
}

/// The ingress decision for `frame` on a port configured as `pin`, with
/// `active` the VLANs that exist.
#[inline(always)]
pub fn ingress(frame: &[u8], pin: &PortFwd, active: &VlanSet) -> Result<Ingress, IngressDrop> {
    if !pin.up {
        return Err(IngressDrop::PortDown);
    }
    if pin.discarding {
        return Err(IngressDrop::Discarding);
    }
    if pin.bundle != dataplane::graph::NO_PORT {
        return Err(IngressDrop::NotBundled);
    }
    let eth = EthernetFrame::new_checked(frame).map_err(|_| IngressDrop::Malformed)?;
    let (src, tag) = (eth.src(), eth.vlan_tag());
    if matches!(eth.ethertype(), EtherType::Vlan | EtherType::QinQ) {
        return Err(IngressDrop::StackedTags);
    }
    let vlan = classify(&pin.mode, tag, active).ok_or(IngressDrop::VlanFilter)?;
    if !is_station(src.to_u64()) {
        return Err(IngressDrop::Malformed);
    }
    let strip = tag.is_some_and(|t| t.vid != vlan || !pin.mode.tags(vlan));
    Ok(Ingress {
        vlan,
        tagged: tag.is_some() && !strip,
        strip,
    })
}

/// The node and its edges: to bridging, to the ports' rx hooks, and to
/// the nodes that take link-local groups.
pub struct EthInput {
    bridge: NodeId,
    hooks: NodeId,
    link_local: [Option<NodeId>; LINK_LOCAL_GROUPS],
    nexts: Nexts,
}

impl EthInput {
    /// The node in the graph `ids` names.
    pub fn new(ids: &NodeIds) -> EthInput {
        EthInput {
            bridge: ids.get("l2-bridge"),
            hooks: ids.get(crate::rx_hooks::NODE),
            link_local: ids.link_local(),
            nexts: Nexts::default(),
        }
    }
}

/// True if `src` (48 bits, `MacAddr::to_u64`) can be a station's
/// address: a group or all-zero source is none.
#[inline(always)]
fn is_station(src: u64) -> bool {
    src != 0 && !is_group(src)
}

/// The VLAN of `frame` if it is an untagged frame from a station, on a
/// port where its VLAN is all there is to find out (`PortFwd::plain_in`;
/// a frame to a group address on a port with group-only rx hooks is not).
#[inline(always)]
pub fn plain_vlan(frame: &[u8], pin: &PortFwd) -> Option<u16> {
    let h = frame.get(..ETHERNET_HEADER_LEN)?;
    let ethertype = ethertype_after_tag(h, false);
    // Both addresses as two 8-byte loads (a MacAddr each would be
    // assembled from 4 + 2 bytes).
    let (dst, src) = addresses(h);
    // A unicast frame is done with one bit; a group one must be no
    // link-local group and meet no group-only hook.
    let plain = pin.plain_in != 0
        && ethertype != EtherType::Vlan.raw()
        && ethertype != EtherType::QinQ.raw()
        && is_station(src)
        && (!is_group(dst) || (pin.rx_group_hooks == 0 && link_local_group(frame).is_none()));
    plain.then_some(pin.plain_in)
}

/// The rx hooks of port `pin` that see `frame` (one bit each).
#[inline]
pub fn rx_hooks_for(frame: &[u8], pin: &PortFwd) -> u32 {
    let group = pin.rx_group_hooks != 0
        && EthernetFrame::new_checked(frame).is_ok_and(|e| e.dst().is_multicast());
    pin.rx_hooks | if group { pin.rx_group_hooks } else { 0 }
}

/// Where eth-input sends a frame it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admitted {
    /// To bridging, in its VLAN.
    Bridge,
    /// To its port's rx hooks (or the port is out of switching), then
    /// bridging.
    Hooks,
    /// To the node that takes its link-local group.
    Control(NodeId),
}

/// Gives `p` its port's VLAN if it is a plain frame (`plain_vlan`): true
/// if so, and it goes to bridging as it is.
#[inline(always)]
fn admit_plain(p: &mut Pkt, table: &ForwardingTable) -> bool {
    let pin = &table.ports[usize::from(p.meta.in_port)];
    let Some(vlan) = plain_vlan(p.m.data(), pin) else {
        return false;
    };
    p.meta.vlan = vlan;
    p.meta.in_vlan = vlan;
    p.meta.tagged = false;
    true
}

/// Classifies `p` in place (its VLAN; its tag kept or taken off) and says
/// where it goes, or why it is dropped.
#[inline(always)]
fn admit(
    p: &mut Pkt,
    table: &ForwardingTable,
    link_local: &[Option<NodeId>; LINK_LOCAL_GROUPS],
) -> Result<Admitted, &'static DropReason> {
    if admit_plain(p, table) {
        return Ok(Admitted::Bridge);
    }
    let pin = &table.ports[usize::from(p.meta.in_port)];
    if let Some(g) = link_local_group(p.m.data()) {
        if !pin.up {
            return Err(&PORT_DOWN);
        }
        return match link_local[usize::from(g)] {
            Some(node) => Ok(Admitted::Control(node)),
            None => Err(&LINK_LOCAL),
        };
    }
    let i = ingress(p.m.data(), pin, &table.active_vlans).map_err(IngressDrop::reason)?;
    if i.strip && !tag::pop_tag(&mut p.m) {
        return Err(&MALFORMED);
    }
    p.meta.vlan = i.vlan;
    p.meta.in_vlan = i.vlan;
    p.meta.tagged = i.tagged;
    if pin.detached || rx_hooks_for(p.m.data(), pin) != 0 {
        return Ok(Admitted::Hooks);
    }
    Ok(Admitted::Bridge)
}

impl Node for EthInput {
    /// Classifies the vector in place and hands it on; once a frame of the
    /// vector goes to the rx hooks, the later ones do too (they pass
    /// straight through), so that none overtakes it.
    fn process(&mut self, cx: &mut Cx<'_>, pkts: &mut Vec<Pkt>, next: &mut Next<'_>) {
        for p in pkts.iter() {
            prefetch(p.m.data().as_ptr());
        }
        let table = cx.table;
        // The common vector, every frame plain, goes to bridging whole,
        // with no decision recorded; otherwise its plain frames up to the
        // first other one are decided here, the rest below.
        let mut plain = 0;
        while plain < pkts.len() && admit_plain(&mut pkts[plain], table) {
            plain += 1;
        }
        if plain == pkts.len() {
            next.send_all(self.bridge, pkts);
            return;
        }
        for _ in 0..plain {
            self.nexts.to(self.bridge);
        }
        // Bridging, until a frame goes to the hooks: from then on the
        // vector's later frames follow it there.
        let mut onward = self.bridge;
        for p in pkts[plain..].iter_mut() {
            match admit(p, table, &self.link_local) {
                Ok(Admitted::Bridge) => self.nexts.to(onward),
                Ok(Admitted::Hooks) => {
                    onward = self.hooks;
                    self.nexts.to(onward)
                }
                Ok(Admitted::Control(node)) => self.nexts.to(node),
                Err(why) => self.nexts.drop(why),
            }
        }
        self.nexts.dispatch(cx, pkts, next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dataplane::vlan::PortMode;

    const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
    const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

    pub(crate) fn frame(dst: [u8; 6], src: [u8; 6], vid: Option<u16>) -> Vec<u8> {
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
            ..Default::default()
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
    fn trunk_tags_and_native() {
        let t = trunk(1, "1,10");
        let i = ingress(&frame(B, A, Some(10)), &t, &active()).unwrap();
        assert_eq!((i.vlan, i.tagged, i.strip), (10, true, false));
        let i = ingress(&frame(B, A, None), &t, &active()).unwrap();
        assert_eq!((i.vlan, i.tagged), (1, false));
        let i = ingress(&frame(B, A, Some(0)), &t, &active()).unwrap();
        assert_eq!(
            (i.vlan, i.tagged, i.strip),
            (1, false, true),
            "priority tag: native VLAN"
        );
        assert_eq!(
            ingress(&frame(B, A, Some(20)), &t, &active()),
            Err(IngressDrop::VlanFilter)
        );
        let i = ingress(&frame(B, A, Some(1)), &t, &active()).unwrap();
        assert_eq!(
            (i.vlan, i.tagged, i.strip),
            (1, false, true),
            "tagged native: untag"
        );
    }

    #[test]
    fn link_local_frames_are_never_plain() {
        let act = active();
        let p = access(10).derive(&act);
        for (g, dst) in [
            (0x00, [1, 0x80, 0xc2, 0, 0, 0]),
            (0x0e, [1, 0x80, 0xc2, 0, 0, 0x0e]),
        ] {
            let f = frame(dst, A, None);
            assert_eq!(link_local_group(&f), Some(g));
            assert_eq!(plain_vlan(&f, &p), None, "{dst:x?}");
        }
        for dst in [[1, 0x80, 0xc2, 0, 0, 0x10], [1, 0, 0x5e, 0, 0, 1], B] {
            assert_eq!(link_local_group(&frame(dst, A, None)), None, "{dst:x?}");
        }
        assert_eq!(link_local_group(&[1, 0x80, 0xc2]), None, "truncated");
    }

    #[test]
    fn plain_frames_skip_classification_only_where_nothing_else_applies() {
        let act = active();
        let p = access(10).derive(&act);
        assert_eq!(plain_vlan(&frame(B, A, None), &p), Some(10));
        assert_eq!(plain_vlan(&frame(B, A, Some(10)), &p), None, "tagged");
        let group = [1, 0, 0, 0, 0, 1];
        assert_eq!(plain_vlan(&frame(B, group, None), &p), None, "group source");
        assert_eq!(plain_vlan(&[0u8; 13], &p), None, "truncated");
        let down = PortFwd {
            up: false,
            ..access(10)
        }
        .derive(&act);
        assert_eq!(plain_vlan(&frame(B, A, None), &down), None);
        let hooked = PortFwd {
            rx_hooks: 1,
            ..access(10)
        }
        .derive(&act);
        assert_eq!(plain_vlan(&frame(B, A, None), &hooked), None);
        let gone = access(99).derive(&act);
        assert_eq!(plain_vlan(&frame(B, A, None), &gone), None, "no VLAN 99");
        let t = trunk(1, "1,10").derive(&act);
        assert_eq!(plain_vlan(&frame(B, A, None), &t), Some(1));
        let t = trunk(20, "1,10").derive(&act);
        assert_eq!(
            plain_vlan(&frame(B, A, None), &t),
            None,
            "native not allowed"
        );
        // Where there is a plain answer, it is the full classification's.
        for port in [access(10), access(1), trunk(1, "1,10"), trunk(10, "1,10")] {
            let port = port.derive(&act);
            for f in [
                frame(B, A, None),
                frame(B, A, Some(10)),
                frame(B, A, Some(0)),
            ] {
                if let Some(v) = plain_vlan(&f, &port) {
                    let i = ingress(&f, &port, &act).unwrap();
                    assert_eq!((i.vlan, i.tagged, i.strip), (v, false, false));
                }
            }
        }
    }

    #[test]
    fn drops_are_named() {
        let mut down = access(1);
        down.up = false;
        assert_eq!(
            ingress(&frame(B, A, None), &down, &active()),
            Err(IngressDrop::PortDown)
        );
        let p = access(1);
        assert_eq!(
            ingress(&[0u8; 13], &p, &active()),
            Err(IngressDrop::Malformed)
        );
        for bad in [[1, 0, 0, 0, 0, 1], [0; 6]] {
            assert_eq!(
                ingress(&frame(B, bad, None), &p, &active()),
                Err(IngressDrop::Malformed),
                "source {bad:?}"
            );
        }
        assert_eq!(
            ingress(&frame(B, A, Some(20)), &p, &active()),
            Err(IngressDrop::VlanFilter),
            "access port, foreign tag"
        );
        let i = ingress(&frame(B, A, Some(1)), &p, &active()).unwrap();
        assert_eq!(
            (i.vlan, i.tagged, i.strip),
            (1, false, true),
            "access port, own tag"
        );
    }

    /// A frame carrying a second tag inside its VLAN's tag, or a service
    /// tag: on an access port of the trunk's native VLAN it would leave
    /// the trunk untagged with its inner tag showing (the VLAN hop).
    #[test]
    fn stacked_tags_are_dropped() {
        let mut double = frame(B, A, Some(1));
        double.splice(16..16, [0x81, 0x00, 0x00, 20]);
        for port in [access(1), trunk(1, "1,10,20")] {
            assert_eq!(
                ingress(&double, &port, &active()),
                Err(IngressDrop::StackedTags)
            );
        }
        let mut service = frame(B, A, None);
        service[12..14].copy_from_slice(&[0x88, 0xa8]);
        let p = access(1).derive(&active());
        assert_eq!(plain_vlan(&service, &p), None);
        assert_eq!(
            ingress(&service, &p, &active()),
            Err(IngressDrop::StackedTags)
        );
    }

    /// `vlan dot1q tag native` gives a trunk native VLAN 0: untagged and
    /// priority-tagged frames fail the filter, the native VLAN's frames
    /// come tagged and stay tagged.
    #[test]
    fn tagged_native_trunk() {
        let t = trunk(0, "1,10").derive(&active());
        assert_eq!(plain_vlan(&frame(B, A, None), &t), None);
        for f in [frame(B, A, None), frame(B, A, Some(0))] {
            assert_eq!(ingress(&f, &t, &active()), Err(IngressDrop::VlanFilter));
        }
        let i = ingress(&frame(B, A, Some(1)), &t, &active()).unwrap();
        assert_eq!((i.vlan, i.tagged, i.strip), (1, true, false));
        assert!(t.mode.tags(1) && t.mode.tags(10));
    }
}
