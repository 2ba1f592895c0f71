//! Neighbors: next-hop slots for gateways and hosts, ARP resolution with
//! a few held packets each, and aging.

use super::*;

impl L3Control {
    /// The neighbor entry for `ip` (made, incomplete or static, if `ip` is
    /// in a connected subnet, or else `via` names the SVI a route sends it
    /// out of, and it has none); its slot. The caller syncs the LPM's /32
    /// for `ip`.
    pub(super) fn ensure_neighbor(
        &self,
        st: &mut State,
        ip: Ipv4Addr,
        now: Instant,
        via: Option<u16>,
    ) -> Option<u32> {
        if let Some(n) = st.neighbors.get(&ip) {
            return Some(n.slot);
        }
        let vlan = connected_vlan(st, ip)
            .or(via)
            .filter(|v| st.svis.contains_key(v))?;
        if st.svis.get(&vlan).is_some_and(|s| s.addr.addr == ip) {
            return None;
        }
        let slot = st.slots.alloc()?;
        let (mac, state) = match st.static_arps.get(&ip) {
            Some(m) => (Some(*m), NeighborState::Static),
            None => (None, NeighborState::Incomplete),
        };
        self.tables.nexthops.set(
            slot,
            match mac {
                Some(mac) => NextHop::Resolved { mac, vlan },
                None => NextHop::Resolve { vlan },
            },
        );
        st.owners.insert(slot, ip);
        st.neighbors.insert(
            ip,
            Neighbor {
                vlan,
                mac,
                slot,
                state,
                updated: now,
                probes: 0,
                last_probe: None,
                held: Vec::new(),
            },
        );
        arm_neighbor(st, ip, now);
        Some(slot)
    }

    /// Forgets the neighbor `ip` (its held packets go too). The caller syncs
    /// the LPM for `ip`/32 and for routes through it.
    pub(super) fn drop_neighbor(&self, st: &mut State, ip: Ipv4Addr, now: Instant) {
        if let Some(n) = st.neighbors.remove(&ip) {
            st.timers.cancel(&ip);
            self.tables.nexthops.set(n.slot, NextHop::Free);
            st.owners.remove(&n.slot);
            st.slots.release(n.slot, now);
            st.held_total -= n.held.len();
            self.counters
                .held_dropped
                .fetch_add(n.held.len() as u64, Ordering::Relaxed);
        }
    }

    /// Learns `ip` at `mac` (an ARP packet from it): resolves it and sends
    /// what was held for it.
    pub(super) fn learn(
        &self,
        st: &mut State,
        ip: Ipv4Addr,
        mac: MacAddr,
        create: bool,
        now: Instant,
    ) {
        if !st.neighbors.contains_key(&ip) {
            if !create || self.ensure_neighbor(st, ip, now, None).is_none() {
                return;
            }
            let d = desired(st, u32::from(ip), 32);
            if let Err(e) = self.apply_lpm(&[(ip, 32, d)]) {
                tracing::warn!("ARP {ip}: {e}");
            }
        }
        let router_mac = st.router_mac;
        let Some(n) = st.neighbors.get_mut(&ip) else {
            return;
        };
        if n.state == NeighborState::Static {
            return;
        }
        n.mac = Some(mac);
        n.state = NeighborState::Reachable;
        n.updated = now;
        n.probes = 0;
        self.tables
            .nexthops
            .set(n.slot, NextHop::Resolved { mac, vlan: n.vlan });
        let vlan = n.vlan;
        st.held_total -= n.held.len();
        for mut m in std::mem::take(&mut n.held) {
            if let Some(d) = m.data_mut() {
                if set_addresses(d, mac, router_mac) {
                    self.inject(m, vlan);
                }
            }
        }
        arm_neighbor(st, ip, now);
    }

    /// Holds `m` (untagged, L2 addresses to fill) until `target` answers
    /// ARP (asked in its connected subnet's VLAN, or else in `via`), asking
    /// it now if it was not asked lately.
    pub(super) fn hold(&self, st: &mut State, target: Ipv4Addr, via: Option<u16>, m: Mbuf) {
        let now = Instant::now();
        if !st.neighbors.contains_key(&target) {
            if !take_resolve_token(st, now) {
                self.counters
                    .resolve_limited
                    .fetch_add(1, Ordering::Relaxed);
                return;
            }
            if self.ensure_neighbor(st, target, now, via).is_none() {
                return;
            }
            let d = desired(st, u32::from(target), 32);
            if let Err(e) = self.apply_lpm(&[(target, 32, d)]) {
                tracing::warn!("ARP {target}: {e}");
            }
        }
        let room = st.held_total < st.held_cap;
        let Some(n) = st.neighbors.get_mut(&target) else {
            return;
        };
        if n.held.len() < HELD_MAX && room {
            n.held.push(m);
            st.held_total += 1;
        } else {
            if !room {
                self.counters.held_cap.fetch_add(1, Ordering::Relaxed);
            }
            self.counters.held_dropped.fetch_add(1, Ordering::Relaxed);
        }
        let Some(n) = st.neighbors.get_mut(&target) else {
            return;
        };
        let due = n
            .last_probe
            .is_none_or(|t| now.duration_since(t) >= ARP_RETRY);
        if n.state == NeighborState::Incomplete && due {
            n.last_probe = Some(now);
            n.probes += 1;
            let vlan = n.vlan;
            self.arp_request(st, vlan, target);
        }
        arm_neighbor(st, target, now);
    }

    pub(super) fn arp_request(&self, st: &State, vlan: u16, target: Ipv4Addr) {
        let Some(svi) = st.svis.get(&vlan) else {
            return;
        };
        let body = ArpRepr {
            operation: ArpOperation::Request,
            sender_mac: st.router_mac,
            sender_ip: svi.addr.addr,
            target_mac: MacAddr([0; 6]),
            target_ip: target,
        }
        .emit();
        if let Some(m) = self.frame(MacAddr::BROADCAST, st.router_mac, EtherType::Arp, &body) {
            self.counters.arp_requests.fetch_add(1, Ordering::Relaxed);
            self.inject(m, vlan);
        }
    }

    /// Once a second: lets freed slots and LPM groups be reused.
    pub(super) fn tick(&self, st: &mut State, now: Instant) {
        st.slots.tick(now);
        self.tables.lpm.reclaim_aged();
    }

    /// Handles the neighbors whose timer expired: retries ARP, gives up on
    /// silent neighbors, forgets failures and aged entries.
    pub(super) fn expire_neighbors(&self, st: &mut State, now: Instant) {
        while let Some(ip) = st.timers.pop_expired(now) {
            let Some(n) = st.neighbors.get(&ip) else {
                continue;
            };
            let since = now.duration_since(n.last_probe.unwrap_or(n.updated));
            match n.state {
                NeighborState::Incomplete if since >= ARP_RETRY => {
                    if n.probes >= ARP_TRIES {
                        self.give_up(st, ip, now);
                    } else if waited_for(st, ip, n) {
                        self.probe(st, ip, now);
                    }
                }
                NeighborState::Failed if now.duration_since(n.updated) >= FAILED_HOLD => {
                    self.forget(st, ip, now);
                }
                NeighborState::Reachable if now.duration_since(n.updated) >= st.arp_timeout => {
                    self.forget(st, ip, now);
                }
                _ => {}
            }
            arm_neighbor(st, ip, now);
        }
    }

    /// Asks `ip` again.
    fn probe(&self, st: &mut State, ip: Ipv4Addr, now: Instant) {
        let Some(n) = st.neighbors.get_mut(&ip) else {
            return;
        };
        n.probes += 1;
        n.last_probe = Some(now);
        let vlan = n.vlan;
        self.arp_request(st, vlan, ip);
    }

    /// Marks `ip` unreachable after its last unanswered request, dropping
    /// what was held for it.
    fn give_up(&self, st: &mut State, ip: Ipv4Addr, now: Instant) {
        let Some(n) = st.neighbors.get_mut(&ip) else {
            return;
        };
        n.state = NeighborState::Failed;
        n.updated = now;
        self.tables.nexthops.set(n.slot, NextHop::Unreachable);
        self.counters
            .held_dropped
            .fetch_add(n.held.len() as u64, Ordering::Relaxed);
        st.held_total -= n.held.len();
        n.held.clear();
        tracing::debug!(%ip, "ARP: no answer");
    }

    /// Forgets an aged or failed entry; a gateway's is asked again instead
    /// (a Reachable one keeps forwarding while it is asked).
    fn forget(&self, st: &mut State, ip: Ipv4Addr, now: Instant) {
        if st.gateways.contains_key(&ip) {
            if let Some(n) = st.neighbors.get_mut(&ip) {
                if n.state == NeighborState::Failed {
                    n.state = NeighborState::Incomplete;
                    n.probes = 0;
                    self.tables
                        .nexthops
                        .set(n.slot, NextHop::Resolve { vlan: n.vlan });
                } else {
                    n.updated = now;
                    let vlan = n.vlan;
                    self.arp_request(st, vlan, ip);
                }
            }
            return;
        }
        self.drop_neighbor(st, ip, now);
        let d = desired(st, u32::from(ip), 32);
        if let Err(e) = self.apply_lpm(&[(ip, 32, d)]) {
            tracing::warn!("ARP aging {ip}: {e}");
        }
    }
}

/// Takes a token for resolving a new neighbor, if the rate allows one.
fn take_resolve_token(st: &mut State, now: Instant) -> bool {
    let ms = now.duration_since(st.resolve_refill).as_millis() as u64;
    let refill = ms * u64::from(RESOLVE_PER_SEC) / 1000;
    if refill > 0 {
        st.resolve_tokens =
            (u64::from(st.resolve_tokens) + refill).min(u64::from(RESOLVE_BURST)) as u32;
        st.resolve_refill = now;
    }
    if st.resolve_tokens == 0 {
        return false;
    }
    st.resolve_tokens -= 1;
    true
}

/// Someone waits for incomplete neighbor `n` (`ip`): it was asked
/// already, holds packets, or is a route's gateway. Only then is it asked
/// (again).
fn waited_for(st: &State, ip: Ipv4Addr, n: &Neighbor) -> bool {
    n.probes > 0 || !n.held.is_empty() || st.gateways.contains_key(&ip)
}

/// Arms `ip`'s timer for its entry's next event (a retry or giving up, the
/// end of a failure's hold, aging), or cancels it (static, or gone). An
/// incomplete entry nobody waits for is looked at again after a retry
/// interval (a route may come to need it).
pub(super) fn arm_neighbor(st: &mut State, ip: Ipv4Addr, now: Instant) {
    let Some(n) = st.neighbors.get(&ip) else {
        st.timers.cancel(&ip);
        return;
    };
    let at = match n.state {
        NeighborState::Incomplete => {
            let due = n.last_probe.unwrap_or(n.updated) + ARP_RETRY;
            if waited_for(st, ip, n) {
                due
            } else {
                due.max(now + ARP_RETRY)
            }
        }
        NeighborState::Failed => n.updated + FAILED_HOLD,
        NeighborState::Reachable => n.updated + st.arp_timeout,
        NeighborState::Static => {
            st.timers.cancel(&ip);
            return;
        }
    };
    st.timers.arm(ip, at);
}
