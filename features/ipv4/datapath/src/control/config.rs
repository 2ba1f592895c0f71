//! Changing the routing state: SVIs, static routes, static ARP, the ARP
//! timeout; each change paints the LPM under one lock.

use super::*;

impl L3Control {
    /// Sets the SVIs (VLAN -> address); only SVIs whose VLAN exists and is
    /// up should be given. Neighbors of a removed or renumbered SVI go.
    pub fn set_svis(&self, svis: &BTreeMap<u16, SviAddr>) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let gone: Vec<u16> = st
            .svis
            .iter()
            .filter(|(v, s)| svis.get(v) != Some(&s.addr))
            .map(|(v, _)| *v)
            .collect();
        let mut touched: Vec<(Ipv4Addr, u8)> = Vec::new();
        for v in gone {
            let Some(s) = st.svis.remove(&v) else {
                continue;
            };
            st.svi_index.remove(&s.addr);
            st.gleans.remove(&s.glean);
            self.tables.nexthops.set(s.glean, NextHop::Free);
            st.slots.release(s.glean, now);
            touched.push((s.addr.addr, 32));
            touched.push((s.addr.network(), s.addr.len));
            let dead: Vec<Ipv4Addr> = st
                .neighbors
                .iter()
                .filter(|(_, n)| n.vlan == v)
                .map(|(ip, _)| *ip)
                .collect();
            for ip in dead {
                self.drop_neighbor(st, ip, now);
                touched.push((ip, 32));
            }
        }
        for (v, a) in svis {
            if st.svis.contains_key(v) {
                continue;
            }
            let glean = st.slots.alloc().ok_or(L3Error::NoSlots)?;
            self.tables
                .nexthops
                .set(glean, NextHop::Resolve { vlan: *v });
            st.gleans.insert(glean, *v);
            st.svis.insert(*v, Svi { addr: *a, glean });
            st.svi_index.add(*v, a);
            touched.push((a.addr, 32));
            touched.push((a.network(), a.len));
            tracing::info!(vlan = v, addr = %a.addr, len = a.len, "SVI up");
        }
        // Static ARP entries and gateways that an SVI change made
        // reachable (or not).
        let wanted: Vec<Ipv4Addr> = st
            .static_arps
            .keys()
            .chain(st.gateways.keys())
            .copied()
            .collect();
        for ip in wanted {
            if self.ensure_neighbor(st, ip, now, None).is_some() {
                touched.push((ip, 32));
            }
        }
        let mut changes: Vec<LpmChange> = touched
            .into_iter()
            .map(|(net, len)| (net, len, desired(st, u32::from(net) & mask(len), len)))
            .collect();
        // Every static route may have changed with its gateway.
        changes.extend(
            st.routes
                .keys()
                .map(|&(net, len)| (Ipv4Addr::from(net), len, desired(st, net, len))),
        );
        self.apply_lpm(&changes)
    }

    /// Adds and removes static routes in one step.
    pub fn change_routes(
        &self,
        add: &[StaticRoute],
        remove: &[StaticRoute],
    ) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let mut changes: Vec<LpmChange> = Vec::with_capacity(add.len() + remove.len());
        for r in remove {
            let key = (u32::from(r.net) & mask(r.len), r.len);
            if let Some(old) = st.routes.remove(&key) {
                if let Some(gw) = old.gateway() {
                    unref_gateway(st, gw);
                }
                changes.push((r.net, r.len, None));
            }
        }
        for r in add {
            let key = (u32::from(r.net) & mask(r.len), r.len);
            if let Some(gw) = st.routes.insert(key, r.next_hop).and_then(|o| o.gateway()) {
                unref_gateway(st, gw);
            }
            if let Some(gw) = r.next_hop.gateway() {
                let refs = st.gateways.entry(gw).or_insert(0);
                *refs += 1;
                if *refs == 1 && self.ensure_neighbor(st, gw, now, None).is_some() {
                    changes.push((gw, 32, None));
                }
            }
            changes.push((r.net, r.len, None));
        }
        for c in changes.iter_mut() {
            c.2 = desired(st, u32::from(c.0) & mask(c.1), c.1);
        }
        self.apply_lpm(&changes)
    }

    /// Sets the static ARP entries.
    pub fn set_static_arps(&self, arps: &HashMap<Ipv4Addr, MacAddr>) -> Result<(), L3Error> {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let mut touched = Vec::new();
        let gone: Vec<Ipv4Addr> = st
            .static_arps
            .keys()
            .filter(|ip| !arps.contains_key(ip))
            .copied()
            .collect();
        for ip in gone {
            st.static_arps.remove(&ip);
            match st.neighbors.get_mut(&ip) {
                // A gateway stays, to be resolved by ARP now: the routes
                // through it keep their slot.
                Some(n) if st.gateways.contains_key(&ip) => {
                    n.mac = None;
                    n.state = NeighborState::Incomplete;
                    n.probes = 0;
                    n.last_probe = None;
                    self.tables
                        .nexthops
                        .set(n.slot, NextHop::Resolve { vlan: n.vlan });
                    neighbor::arm_neighbor(st, ip, now);
                }
                _ => {
                    self.drop_neighbor(st, ip, now);
                    touched.push(ip);
                }
            }
        }
        for (ip, mac) in arps {
            if st.static_arps.get(ip) == Some(mac) {
                continue;
            }
            st.static_arps.insert(*ip, *mac);
            if st.neighbors.contains_key(ip) {
                // Resolve the entry in place (routes through it follow).
                self.learn(st, *ip, *mac, false, now);
                if let Some(n) = st.neighbors.get_mut(ip) {
                    n.state = NeighborState::Static;
                }
                neighbor::arm_neighbor(st, *ip, now);
            } else if self.ensure_neighbor(st, *ip, now, None).is_some() {
                touched.push(*ip);
            }
        }
        let changes: Vec<LpmChange> = touched
            .into_iter()
            .map(|ip| (ip, 32, desired(st, u32::from(ip), 32)))
            .collect();
        self.apply_lpm(&changes)
    }

    /// Forgets every learned ARP entry (`clear arp-cache`); static ones
    /// and gateways are asked again.
    pub fn clear_arp(&self) {
        let mut st = self.st();
        let st = &mut *st;
        let now = Instant::now();
        let learned: Vec<Ipv4Addr> = st
            .neighbors
            .iter()
            .filter(|(_, n)| n.state != NeighborState::Static)
            .map(|(ip, _)| *ip)
            .collect();
        let mut changes = Vec::new();
        for ip in learned {
            self.drop_neighbor(st, ip, now);
            if st.gateways.contains_key(&ip) {
                self.ensure_neighbor(st, ip, now, None);
            }
            changes.push((ip, 32, desired(st, u32::from(ip), 32)));
        }
        for r in st.routes.keys() {
            changes.push((Ipv4Addr::from(r.0), r.1, desired(st, r.0, r.1)));
        }
        if let Err(e) = self.apply_lpm(&changes) {
            tracing::warn!("clear arp: {e}");
        }
    }

    /// Sets how long learned ARP entries live.
    pub fn set_arp_timeout(&self, t: Duration) {
        let mut st = self.st();
        st.arp_timeout = t;
        let now = Instant::now();
        let ips: Vec<Ipv4Addr> = st.neighbors.keys().copied().collect();
        for ip in ips {
            neighbor::arm_neighbor(&mut st, ip, now);
        }
    }

    pub(super) fn apply_lpm(&self, changes: &[LpmChange]) -> Result<(), L3Error> {
        self.tables
            .lpm
            .apply(changes)
            .map_err(|(i, e)| L3Error::Route {
                net: changes[i].0,
                len: changes[i].1,
                why: e.to_string(),
            })
    }
}

pub(super) fn unref_gateway(st: &mut State, gw: Ipv4Addr) {
    if let Some(r) = st.gateways.get_mut(&gw) {
        *r -= 1;
        if *r == 0 {
            st.gateways.remove(&gw);
        }
    }
}

/// The VLAN of the SVI whose subnet holds `ip`.
pub(super) fn connected_vlan(st: &State, ip: Ipv4Addr) -> Option<u16> {
    st.svi_index.connected(u32::from(ip))
}

/// The VLAN a static route leaves by, if it is active (0 for Null0).
pub(super) fn exit_vlan(st: &State, nh: &RouteNextHop) -> Option<u16> {
    match *nh {
        RouteNextHop::Gateway(gw) => connected_vlan(st, gw),
        RouteNextHop::InterfaceGateway(v, gw) => connected_vlan(st, gw).filter(|c| *c == v),
        RouteNextHop::Interface(v) => st.svis.contains_key(&v).then_some(v),
        RouteNextHop::Null0 => Some(0),
    }
}

/// What the LPM should hold for `net/len` (see the module's precedence).
pub(super) fn desired(st: &State, net: u32, len: u8) -> Option<u32> {
    if len == 32 && st.svi_index.local(net).is_some() {
        return Some(LOCAL);
    }
    if let Some(s) = st.svi_index.subnet(net, len).and_then(|v| st.svis.get(&v)) {
        return Some(s.glean);
    }
    if let Some(nh) = st.routes.get(&(net, len)) {
        let slot = match *nh {
            RouteNextHop::Gateway(gw) => st.neighbors.get(&gw).map(|n| n.slot),
            RouteNextHop::InterfaceGateway(v, gw) => st
                .neighbors
                .get(&gw)
                .filter(|n| n.vlan == v)
                .map(|n| n.slot),
            RouteNextHop::Interface(v) => st.svis.get(&v).map(|s| s.glean),
            RouteNextHop::Null0 => Some(DISCARD),
        };
        if slot.is_some() {
            return slot;
        }
    }
    if len == 32 {
        if let Some(n) = st.neighbors.get(&Ipv4Addr::from(net)) {
            return Some(n.slot);
        }
    }
    None
}
