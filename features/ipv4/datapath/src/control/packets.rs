//! What the control thread does with punted frames: answers ARP and pings,
//! learns neighbors, sends ICMP errors (rate-limited), holds packets for
//! unresolved next hops, and injects what it sends into the workers.

use super::*;

/// The TTL of what the switch sends (echo replies, errors).
const ICMP_TTL: u8 = 64;
/// Bytes of a control-pool buffer (`DEFAULT_DATA_ROOM` less headroom).
const SEGMENT: usize = 2048;

impl L3Control {
    pub(super) fn handle(&self, st: &mut State, p: Punt) {
        let Ok(eth) = EthernetFrame::new_checked(p.m.data()) else {
            return self.ignore();
        };
        let l2 = eth.header_len();
        match (eth.ethertype(), p.why) {
            (EtherType::Arp, _) => self.on_arp(st, &p, l2),
            (EtherType::Ipv4, why) => self.on_ipv4(st, p, l2, why),
            _ => {}
        }
    }

    /// Counts a punted frame dropped as malformed or bogus.
    fn ignore(&self) {
        self.counters.ignored.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn on_arp(&self, st: &mut State, p: &Punt, l2: usize) {
        let Ok(a) = ArpPacket::new_checked(&p.m.data()[l2..]) else {
            return self.ignore();
        };
        let Some(svi) = st.svis.get(&p.vlan).map(|s| s.addr) else {
            return;
        };
        let a = ArpRepr::parse(&a);
        let (sip, smac, tip) = (a.sender_ip, a.sender_mac, a.target_ip);
        let known_op = matches!(a.operation, ArpOperation::Request | ArpOperation::Reply);
        if !known_op || !smac.is_unicast() || sip == svi.addr {
            return self.ignore();
        }
        let now = Instant::now();
        // From the subnet, or a destination asked in this VLAN by a route
        // out of the SVI.
        let asked_here = st.neighbors.get(&sip).is_some_and(|n| n.vlan == p.vlan);
        if (svi.contains(sip) || asked_here) && !sip.is_unspecified() {
            self.learn(st, sip, smac, tip == svi.addr, now);
        }
        if a.operation == ArpOperation::Request && tip == svi.addr {
            let router_mac = st.router_mac;
            let body = ArpRepr {
                operation: ArpOperation::Reply,
                sender_mac: router_mac,
                sender_ip: svi.addr,
                target_mac: smac,
                target_ip: sip,
            }
            .emit();
            if let Some(m) = self.frame(smac, router_mac, EtherType::Arp, &body) {
                self.counters.arp_replies.fetch_add(1, Ordering::Relaxed);
                self.inject(m, p.vlan);
            }
        }
    }

    pub(super) fn on_ipv4(&self, st: &mut State, mut p: Punt, l2: usize, why: PuntReason) {
        let (src, dst, hl, proto, fragment) = {
            let Ok(ip) = Ipv4Packet::new_checked(&p.m.data()[l2..]) else {
                return self.ignore();
            };
            (
                ip.src(),
                ip.dst(),
                ip.header_len(),
                ip.protocol(),
                ip.is_fragment(),
            )
        };
        match why {
            PuntReason::ForUs => {
                if proto != IpProtocol::Icmp {
                    return;
                }
                if fragment {
                    // Not reassembled: a piece of a ping gets no answer.
                    return self.ignore();
                }
                let reply = {
                    let ip = Ipv4Packet::new_checked(&p.m.data()[l2..]).expect("checked above");
                    let msg = ip.payload();
                    if msg.first() == Some(&icmp::ECHO_REQUEST) {
                        icmp::echo_reply(msg)
                    } else {
                        // An answer to one of the switch's own pings?
                        self.echo_answer(st, src, msg);
                        None
                    }
                };
                if let Some(r) = reply {
                    self.send_ip(st, dst, src, &r);
                }
            }
            PuntReason::Resolve(slot) => {
                // Hold the packet, as it will leave: untagged, TTL down.
                if l2 > ETHERNET_HEADER_LEN && !tag::pop_tag(&mut p.m) {
                    return;
                }
                let Some(d) = p.m.data_mut() else {
                    return;
                };
                decrement_ttl(&mut d[ETHERNET_HEADER_LEN..]);
                if let Some((target, via)) = resolve_target(st, slot, dst) {
                    self.hold(st, target, via, p.m);
                }
            }
            PuntReason::TtlExceeded => {
                self.icmp_error(st, &p, l2, hl, icmp::TIME_EXCEEDED, 0, 0);
            }
            PuntReason::NoRoute => {
                self.icmp_error(
                    st,
                    &p,
                    l2,
                    hl,
                    icmp::DEST_UNREACHABLE,
                    icmp::unreachable::NET,
                    0,
                );
            }
            PuntReason::FragNeeded(mtu) => {
                self.icmp_error(
                    st,
                    &p,
                    l2,
                    hl,
                    icmp::DEST_UNREACHABLE,
                    icmp::unreachable::FRAG_NEEDED,
                    u32::from(mtu),
                );
            }
        }
    }

    /// Sends an ICMP error about the punted packet back to its source, from
    /// the SVI it came in on; never about an ICMP error, a later fragment,
    /// or a packet from no one in particular.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn icmp_error(
        &self,
        st: &mut State,
        p: &Punt,
        l2: usize,
        hl: usize,
        kind: u8,
        code: u8,
        extra: u32,
    ) {
        let Some(from) = st.svis.get(&p.vlan).map(|s| s.addr.addr) else {
            return;
        };
        let (src, quote) = {
            let Ok(ip) = Ipv4Packet::new_checked(&p.m.data()[l2..]) else {
                return;
            };
            if ip.is_later_fragment()
                || ip.src().is_unspecified()
                || ip.src().is_broadcast()
                || ip.src().is_multicast()
            {
                return;
            }
            if ip.protocol() == IpProtocol::Icmp
                && ip
                    .payload()
                    .first()
                    .is_some_and(|t| !matches!(*t, icmp::ECHO_REQUEST | icmp::ECHO_REPLY))
            {
                return;
            }
            (ip.src(), p.m.data()[l2..l2 + ip.total_len()].to_vec())
        };
        let now = Instant::now();
        let refill =
            now.duration_since(st.icmp_refill).as_millis() as u64 * u64::from(ICMP_PER_SEC) / 1000;
        if refill > 0 {
            st.icmp_tokens = (st.icmp_tokens as u64 + refill).min(u64::from(ICMP_BURST)) as u32;
            st.icmp_refill = now;
        }
        if st.icmp_tokens == 0 {
            self.counters.icmp_limited.fetch_add(1, Ordering::Relaxed);
            return;
        }
        st.icmp_tokens -= 1;
        let msg = icmp::error(kind, code, extra, &quote, hl);
        self.send_ip(st, from, src, &msg);
    }

    /// Sends an ICMP message from the switch: routed like any packet, held
    /// if the next hop needs ARP first.
    pub(super) fn send_ip(&self, st: &mut State, src: Ipv4Addr, dst: Ipv4Addr, icmp_msg: &[u8]) {
        self.originate(st, src, dst, ICMP_TTL, icmp_msg);
    }

    /// Sends an ICMP message of `ttl` from `src` to `dst` as `send_ip`
    /// does; false if no buffer was left for it.
    pub(super) fn originate(
        &self,
        st: &mut State,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        ttl: u8,
        icmp_msg: &[u8],
    ) -> bool {
        // The addresses are filled in once the next hop is known.
        let eth = EthernetRepr {
            dst: MacAddr([0; 6]),
            src: st.router_mac,
            ethertype: EtherType::Ipv4,
        };
        let ip = Ipv4Repr {
            src,
            dst,
            protocol: IpProtocol::Icmp,
            ttl,
            payload_len: icmp_msg.len(),
        };
        let mut buf = vec![0u8; eth.header_len() + ip.header_len() + icmp_msg.len()];
        eth.emit(&mut buf);
        ip.emit(&mut buf[eth.header_len()..]);
        buf[eth.header_len() + ip.header_len()..].copy_from_slice(icmp_msg);
        let Some(mut m) = self.packet(&buf) else {
            return false;
        };
        self.counters.icmp_sent.fetch_add(1, Ordering::Relaxed);
        let Some(id) = self.tables.lpm.lookup(dst) else {
            return true;
        };
        match self.tables.nexthops.get(id) {
            NextHop::Resolved { mac, vlan } => {
                if let Some(d) = m.data_mut() {
                    set_addresses(d, mac, st.router_mac);
                }
                self.inject(m, vlan);
            }
            NextHop::Resolve { .. } => {
                if let Some((target, via)) = resolve_target(st, id, dst) {
                    self.hold(st, target, via, m);
                }
            }
            _ => {}
        }
        true
    }

    /// `bytes` in a buffer of the control pool, or in a chain of them when
    /// one is too small (a large ping).
    fn packet(&self, bytes: &[u8]) -> Option<Mbuf> {
        let mut pieces = bytes.chunks(SEGMENT);
        let mut m = Mbuf::alloc(&self.shared.ctl_pool)?;
        if !m.append(pieces.next().unwrap_or_default()) {
            return None;
        }
        for piece in pieces {
            let mut seg = Mbuf::alloc(&self.shared.ctl_pool)?;
            if !seg.append(piece) || !m.chain(seg) {
                return None;
            }
        }
        Some(m)
    }

    /// An untagged frame with `body` after its Ethernet header.
    pub(super) fn frame(
        &self,
        dst: MacAddr,
        src: MacAddr,
        ethertype: EtherType,
        body: &[u8],
    ) -> Option<Mbuf> {
        let mut m = Mbuf::alloc(&self.shared.ctl_pool)?;
        let mut hdr = [0u8; ETHERNET_HEADER_LEN];
        EthernetRepr {
            dst,
            src,
            ethertype,
        }
        .emit(&mut hdr);
        (m.append(&hdr) && m.append(body)).then_some(m)
    }

    pub(super) fn inject(&self, m: Mbuf, vlan: u16) {
        if self.shared.inject(Inject::switched(m, vlan)).is_err() {
            self.counters.inject_full.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whom a packet to `dst` through resolving slot `slot` waits for, and the
/// VLAN to ask in: a glean slot (a subnet, or a route out of an SVI) asks
/// for the destination itself in that SVI's VLAN; a neighbor's slot, for
/// that neighbor (a gateway), where its subnet is.
fn resolve_target(st: &State, slot: u32, dst: Ipv4Addr) -> Option<(Ipv4Addr, Option<u16>)> {
    match st.gleans.get(&slot) {
        Some(vlan) => Some((dst, Some(*vlan))),
        None => st.owners.get(&slot).map(|ip| (*ip, None)),
    }
}
