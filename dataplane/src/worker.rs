//! The poll loop of one worker lcore: receive a burst, switch each frame,
//! send what was queued per port, repeat.

use crate::counters::{bump, DropReason, WorkerCounters};
use crate::l2::bridge::{self, Verdict};
use crate::l2::flow_cache::{key_of, FlowCache, Stamp};
use crate::l3::route::{route, RouteVerdict};
use crate::l3::{Punt, PuntReason};
use crate::mbuf::Mbuf;
use crate::port::MAX_PORTS;
use crate::shared::{ForwardingTable, Member, Shared};
use crate::vlan::tag;
use crate::wire::{EtherType, MacAddr};
use arrayvec::ArrayVec;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Frames received per poll.
pub const BURST: usize = 32;
/// Frames held per egress port before a forced send.
const TX_BUF: usize = 64;
/// Loop iterations between reads of the clock.
const CLOCK_EVERY: u32 = 1024;
/// "No port": where frames the switch itself sends come from.
const NO_PORT: u16 = u16::MAX;

/// One (port, rx queue) a worker polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RxQueue {
    /// DPDK port id.
    pub port: u16,
    /// Queue index.
    pub queue: u16,
}

/// A worker: its id (also its tx queue on every port), the table it
/// forwards with, and its tx buffers.
pub struct Worker {
    id: usize,
    shared: Arc<Shared>,
    generation: u64,
    tx: Vec<ArrayVec<Mbuf, TX_BUF>>,
    pending: ArrayVec<u16, MAX_PORTS>,
    /// Bytes waiting in each port's tx buffer.
    tx_bytes: Vec<u64>,
    now: u32,
    cache: FlowCache<Action>,
    stamp: Stamp,
}

impl Worker {
    /// Worker `id` over `shared`.
    pub fn new(id: usize, shared: Arc<Shared>) -> Worker {
        Worker {
            id,
            shared,
            generation: 0,
            tx: (0..MAX_PORTS).map(|_| ArrayVec::new()).collect(),
            pending: ArrayVec::new(),
            tx_bytes: vec![0; MAX_PORTS],
            now: 0,
            cache: FlowCache::default(),
            stamp: Stamp::default(),
        }
    }

    fn counters(&self) -> &WorkerCounters {
        &self.shared.counters[self.id]
    }

    /// Polls until `shared.running` turns false.
    pub fn run(mut self) {
        tracing::info!(worker = self.id, "worker started");
        let shared = self.shared.clone();
        let mut table = shared.table();
        let mut loops: u32 = 0;
        while shared.running.load(Ordering::Relaxed) {
            let generation = shared.generation.load(Ordering::Acquire);
            if generation != self.generation {
                table = shared.table();
                self.generation = generation;
                shared.seen[self.id].0.store(generation, Ordering::Release);
                tracing::debug!(worker = self.id, generation, polls = ?table.polls[self.id], "new forwarding table");
            }
            if loops.is_multiple_of(CLOCK_EVERY) {
                self.now = shared.now_secs();
                bump(&self.counters().loops, u64::from(CLOCK_EVERY));
            }
            loops = loops.wrapping_add(1);
            for rxq in &table.polls[self.id] {
                let mut burst: ArrayVec<Mbuf, BURST> = ArrayVec::new();
                // SAFETY: this worker alone polls (port, queue) in this
                // generation; the buffer has room for BURST pointers, and
                // Mbuf is repr(transparent) over a non-null rte_mbuf pointer.
                // The n mbufs received are valid, and ours from here on.
                unsafe {
                    let ptr = burst.as_mut_ptr() as *mut *mut dpdk_sys::rte_mbuf;
                    let n = dpdk_sys::lisa_eth_rx_burst(rxq.port, rxq.queue, ptr, BURST as u16);
                    burst.set_len(usize::from(n));
                }
                if burst.is_empty() {
                    continue;
                }
                self.receive(&table, rxq.port, burst);
                self.flush_all(&table);
            }
            if self.id == 0 && !shared.inject.is_empty() {
                self.send_injected(&table);
                self.flush_all(&table);
            }
        }
        self.flush_all(&table);
        tracing::info!(worker = self.id, "worker stopped");
    }

    /// Switches a burst received on `port`.
    #[inline]
    fn receive(&mut self, table: &ForwardingTable, port: u16, burst: ArrayVec<Mbuf, BURST>) {
        let c = &self.shared.counters[self.id];
        bump(&c.busy_polls, 1);
        self.stamp = Stamp {
            generation: self.generation,
            fdb_version: self.shared.fdb.version(),
            now: self.now,
        };
        let n = burst.len() as u64;
        let shape = BurstShape::of(&burst);
        if let Some(out) = self.one_flow_to_one_port(port, &burst, &shape) {
            // The whole burst is one flow going out of one port as it is:
            // hand it over in one piece (the port's tx buffer is empty
            // after every burst, so order is kept).
            self.cache.hits += n - 1;
            if self.tx[out as usize].is_empty() {
                self.pending.push(out);
            }
            self.tx_bytes[out as usize] += shape.bytes;
            self.tx[out as usize].extend(burst);
        } else {
            let mut frames = burst.into_iter().peekable();
            while let Some(m) = frames.next() {
                if let Some(next) = frames.peek() {
                    prefetch(next.data().as_ptr());
                }
                self.switch_frame(table, m, port);
            }
        }
        let c = &self.shared.counters[self.id];
        let pc = &c.ports[port as usize];
        bump(&pc.rx_packets, n);
        bump(&pc.rx_bytes, shape.bytes);
        // The cache counts in plain fields; publish them once per burst.
        c.cache_hits.store(self.cache.hits, Ordering::Relaxed);
        c.cache_misses.store(self.cache.misses, Ordering::Relaxed);
    }

    /// If every frame of `burst` has the same first 16 bytes (one flow), and
    /// that flow's action is a plain send (no tag change, within the MTU),
    /// the egress port.
    #[inline]
    fn one_flow_to_one_port(
        &mut self,
        port: u16,
        burst: &[Mbuf],
        shape: &BurstShape,
    ) -> Option<u16> {
        let key = shape.one_key?;
        match self.cache.get(key, port, self.stamp)? {
            Action::Send {
                out,
                retag: Retag::Keep,
                strip: false,
                mtu,
            } if shape.longest <= mtu && !burst.is_empty() => Some(out),
            _ => None,
        }
    }

    #[inline]
    fn drop_rx(&self, in_port: u16, why: DropReason) {
        if in_port == NO_PORT {
            bump(&self.counters().drops[why as usize], 1);
        } else {
            self.counters().drop_rx(in_port, why);
        }
    }

    /// Sends what the control thread queued (ARP, ICMP, held packets).
    fn send_injected(&mut self, table: &ForwardingTable) {
        for _ in 0..BURST {
            let Some(i) = self.shared.inject.pop() else {
                break;
            };
            let dst = MacAddr::from_bytes(&i.m.data()[0..6]);
            self.output(table, i.m, NO_PORT, i.vlan, i.vlan, dst, None);
        }
    }

    /// Hands `m` to the control thread. A packet that goes no further (it
    /// only earns an ICMP error) counts as dropped, with its reason.
    fn punt(&mut self, m: Mbuf, port: u16, vlan: u16, why: PuntReason) {
        bump(&self.counters().punted, 1);
        match why {
            PuntReason::TtlExceeded => self.drop_rx(port, DropReason::TtlExceeded),
            PuntReason::NoRoute => self.drop_rx(port, DropReason::NoRoute),
            PuntReason::FragNeeded(_) => self.drop_rx(port, DropReason::MtuExceeded),
            PuntReason::ForUs | PuntReason::Resolve(_) => {}
        }
        if self.shared.punt.push(Punt { m, port, vlan, why }).is_err() {
            self.drop_rx(port, DropReason::PuntQueueFull);
        }
    }

    /// Routes a frame sent to the router MAC in `vlan` (an SVI's VLAN).
    fn route_frame(&mut self, table: &ForwardingTable, mut m: Mbuf, in_port: u16, vlan: u16) {
        let data = m.data();
        let l2 = if data[12..14] == EtherType::VLAN.to_be_bytes() {
            18
        } else {
            14
        };
        if data.len() < l2 {
            return self.drop_rx(in_port, DropReason::Malformed);
        }
        match u16::from_be_bytes([data[l2 - 2], data[l2 - 1]]) {
            EtherType::IPV4 => {}
            EtherType::ARP => return self.punt(m, in_port, vlan, PuntReason::ForUs),
            _ => return self.drop_rx(in_port, DropReason::NotRoutable),
        }
        let Some(d) = m.data_mut() else {
            return self.drop_rx(in_port, DropReason::NoBuffer);
        };
        match route(&mut d[l2..], &self.shared.lpm, &self.shared.nexthops) {
            RouteVerdict::Forward {
                mac,
                vlan: out_vlan,
                len,
                df,
            } => {
                d[0..6].copy_from_slice(&mac.0);
                d[6..12].copy_from_slice(&table.router_mac.0);
                if l2 == 18 && !tag::pop_tag(&mut m) {
                    return self.drop_rx(in_port, DropReason::NoBuffer);
                }
                bump(&self.counters().routed, 1);
                self.output(table, m, in_port, vlan, out_vlan, mac, Some((len, df)));
            }
            RouteVerdict::Punt(why) => self.punt(m, in_port, vlan, why),
            RouteVerdict::Drop(why) => self.drop_rx(in_port, why),
        }
    }

    /// Sends the untagged frame `m` to `dst` in `vlan`: to the port the FDB
    /// knows, or flooded. `ip` is a routed packet's (length, DF) for the
    /// egress MTU check.
    #[allow(clippy::too_many_arguments)]
    fn output(
        &mut self,
        table: &ForwardingTable,
        mut m: Mbuf,
        in_port: u16,
        in_vlan: u16,
        vlan: u16,
        dst: MacAddr,
        ip: Option<(u16, bool)>,
    ) {
        let hit = if dst.is_multicast() {
            None
        } else {
            self.shared.fdb.lookup(vlan, dst)
        };
        let Some(hit) = hit else {
            return self.flood(table, m, NO_PORT, vlan, false);
        };
        let out = hit.port;
        let pout = &table.ports[out as usize];
        if !pout.up {
            return self.drop_rx(in_port, DropReason::PortDown);
        }
        if !pout.mode.carries(vlan) {
            return self.drop_rx(in_port, DropReason::VlanFilter);
        }
        let mtu = pout.mtu;
        let too_big = match ip {
            Some((len, _)) => len > mtu,
            None => m.pkt_len() > u32::from(mtu) + 14,
        };
        if too_big {
            return match ip {
                Some((_, true)) => self.punt(m, in_port, in_vlan, PuntReason::FragNeeded(mtu)),
                _ => self.drop_rx(in_port, DropReason::MtuExceeded),
            };
        }
        if pout.mode.tags(vlan) && !tag::push_tag(&mut m, vlan) {
            return self.drop_rx(in_port, DropReason::NoBuffer);
        }
        self.enqueue(table, out, m);
    }

    /// Classifies, learns and forwards (or floods, or drops) one frame.
    #[inline]
    fn switch_frame(&mut self, table: &ForwardingTable, mut m: Mbuf, in_port: u16) {
        let key = key_of(m.data());
        let action = match key.and_then(|k| self.cache.get(k, in_port, self.stamp)) {
            Some(a) => a,
            None => {
                let a = self.decide(table, &m, in_port);
                if let Some(k) = key {
                    // Stamped with the FDB version from before any learning
                    // this decision did: if it learned, the flow's next
                    // frame decides again, and that one is cached.
                    self.cache.put(k, in_port, self.stamp, a);
                }
                a
            }
        };
        match action {
            Action::Send {
                out,
                retag,
                strip,
                mtu,
            } => {
                if strip && !tag::pop_tag(&mut m) {
                    return self.drop_rx(in_port, DropReason::Malformed);
                }
                let ok = match retag {
                    Retag::Keep => true,
                    Retag::Push(vlan) => tag::push_tag(&mut m, vlan),
                    Retag::Pop => tag::pop_tag(&mut m),
                };
                if !ok {
                    return self.drop_rx(in_port, DropReason::NoBuffer);
                }
                if m.pkt_len() > mtu {
                    return self.drop_rx(in_port, DropReason::MtuExceeded);
                }
                self.enqueue(table, out, m);
            }
            Action::Flood {
                vlan,
                tagged,
                strip,
            } => {
                if strip && !tag::pop_tag(&mut m) {
                    return self.drop_rx(in_port, DropReason::Malformed);
                }
                if table.l3_vlans.contains(vlan) && is_arp(m.data(), tagged) {
                    // The SVI hears ARP too.
                    self.punt(m.share(), in_port, vlan, PuntReason::ForUs);
                }
                self.flood(table, m, in_port, vlan, tagged)
            }
            Action::Route { vlan, strip } => {
                if strip && !tag::pop_tag(&mut m) {
                    return self.drop_rx(in_port, DropReason::Malformed);
                }
                self.route_frame(table, m, in_port, vlan)
            }
            Action::Drop(why) => self.drop_rx(in_port, why),
        }
    }

    /// The full decision for a frame: classify and learn (`bridge::decide`),
    /// then resolve the egress port's state, tagging and MTU.
    fn decide(&self, table: &ForwardingTable, m: &Mbuf, in_port: u16) -> Action {
        let pin = &table.ports[in_port as usize];
        let d = bridge::decide(
            m.data(),
            in_port,
            pin,
            &table.active_vlans,
            &self.shared.fdb,
            self.now,
        );
        let (vlan, tagged, strip) = (d.vlan, d.tagged, d.strip_tag);
        match d.verdict {
            Verdict::Drop(why) => Action::Drop(why),
            Verdict::Flood
                if table.l3_vlans.contains(vlan) && m.data()[0..6] == table.router_mac.0 =>
            {
                Action::Route { vlan, strip }
            }
            Verdict::Flood => Action::Flood {
                vlan,
                tagged,
                strip,
            },
            Verdict::Forward(out) => {
                let pout = &table.ports[out as usize];
                if !pout.up {
                    return Action::Drop(DropReason::PortDown);
                }
                if !pout.mode.carries(vlan) {
                    return Action::Drop(DropReason::VlanFilter);
                }
                let want_tag = pout.mode.tags(vlan);
                let retag = match (tagged, want_tag) {
                    (false, true) => Retag::Push(vlan),
                    (true, false) => Retag::Pop,
                    _ => Retag::Keep,
                };
                let l2 = if want_tag { 18 } else { 14 };
                Action::Send {
                    out,
                    retag,
                    strip,
                    mtu: u32::from(pout.mtu) + l2,
                }
            }
        }
    }

    /// Sends `m` out of every other port of `vlan`. Ports that want the frame
    /// as it is share the one buffer; ports that want the other form (tagged
    /// vs untagged) share a second one: a new L2 header chained to an
    /// indirect clone of the payload. No payload is copied.
    fn flood(&mut self, table: &ForwardingTable, m: Mbuf, in_port: u16, vlan: u16, tagged: bool) {
        let members: &[Member] = &table.members[vlan as usize];
        let len = m.pkt_len() as usize;
        let mut other: Option<Option<Mbuf>> = None;
        let mut last_same: Option<u16> = None;
        for mem in members {
            if mem.port == in_port {
                continue;
            }
            let mtu = table.ports[mem.port as usize].mtu;
            if len.saturating_sub(if tagged { 18 } else { 14 }) > usize::from(mtu) {
                bump(&self.counters().drops[DropReason::MtuExceeded as usize], 1);
                continue;
            }
            if mem.tagged == tagged {
                if let Some(prev) = last_same.replace(mem.port) {
                    self.enqueue(table, prev, m.share());
                }
            } else {
                let variant = other.get_or_insert_with(|| self.other_form(&m, tagged, vlan));
                match variant {
                    Some(v) => {
                        let copy = v.share();
                        self.enqueue(table, mem.port, copy);
                    }
                    None => bump(&self.counters().drops[DropReason::NoBuffer as usize], 1),
                }
            }
        }
        if let Some(out) = last_same {
            self.enqueue(table, out, m);
        }
        // `m` (if unused) and our reference to the variant drop here.
    }

    /// The frame in its other form: header mbuf + indirect payload clone.
    fn other_form(&self, m: &Mbuf, tagged: bool, vlan: u16) -> Option<Mbuf> {
        let pool = &self.shared.hdr_pool;
        let mut hdr_bytes = [0u8; 18];
        let (hlen, old_hlen) = tag::other_form_header(m.data(), tagged, vlan, &mut hdr_bytes);
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

    #[inline(always)]
    fn enqueue(&mut self, table: &ForwardingTable, out: u16, m: Mbuf) {
        let buf = &mut self.tx[out as usize];
        if buf.is_empty() {
            self.pending.push(out);
        }
        self.tx_bytes[out as usize] += u64::from(m.pkt_len());
        buf.push(m);
        if buf.is_full() {
            self.flush(table, out);
        }
    }

    fn flush_all(&mut self, table: &ForwardingTable) {
        while let Some(out) = self.pending.pop() {
            self.flush(table, out);
        }
    }

    /// Sends what is queued for `out` on this worker's tx queue of that port.
    fn flush(&mut self, table: &ForwardingTable, out: u16) {
        let n = self.tx[out as usize].len();
        if n == 0 {
            return;
        }
        let queues = usize::from(table.ports[out as usize].tx_queues.max(1));
        let shared_queue = self.shared.counters.len() > queues;
        let queue = (self.id % queues) as u16;
        let buf = &mut self.tx[out as usize];
        let bytes = std::mem::take(&mut self.tx_bytes[out as usize]);
        let ptr = buf.as_mut_ptr() as *mut *mut dpdk_sys::rte_mbuf;
        let lock = &self.shared.tx_locks[out as usize];
        if shared_queue {
            while lock
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                std::hint::spin_loop();
            }
            bump(&self.shared.counters[self.id].tx_lock_taken, 1);
        }
        // SAFETY: Mbuf is repr(transparent) over a non-null rte_mbuf
        // pointer, so `ptr` is an array of n valid mbufs; this worker owns
        // `queue` (or holds its lock). Sent mbufs now belong to the driver.
        let sent = unsafe { dpdk_sys::lisa_eth_tx_burst(out, queue, ptr, n as u16) } as usize;
        if shared_queue {
            lock.store(false, Ordering::Release);
        }
        let c = &self.shared.counters[self.id];
        let pc = &c.ports[out as usize];
        let mut unsent_bytes = 0u64;
        if sent < n {
            unsent_bytes = buf[sent..].iter().map(|m| u64::from(m.pkt_len())).sum();
            bump(&pc.tx_dropped, (n - sent) as u64);
            bump(&c.drops[DropReason::NoTxRoom as usize], (n - sent) as u64);
            // Frees the ones the driver did not take.
            buf.drain(sent..);
        }
        // SAFETY: the `sent` mbufs left belong to the driver now: forget
        // them without running their Drop.
        unsafe { buf.set_len(0) };
        bump(&pc.tx_packets, sent as u64);
        bump(&pc.tx_bytes, bytes - unsent_bytes);
    }
}

/// What one pass over a received burst finds.
struct BurstShape {
    /// Total bytes.
    bytes: u64,
    /// Longest frame.
    longest: u32,
    /// The flow key, when every frame has the same one.
    one_key: Option<u128>,
}

impl BurstShape {
    #[inline]
    fn of(burst: &[Mbuf]) -> BurstShape {
        let first = burst.first().and_then(|m| key_of(m.data()));
        let mut shape = BurstShape {
            bytes: 0,
            longest: 0,
            one_key: first,
        };
        for m in burst {
            let len = m.pkt_len();
            shape.bytes += u64::from(len);
            shape.longest = shape.longest.max(len);
            if shape.one_key.is_some() && key_of(m.data()) != first {
                shape.one_key = None;
            }
        }
        shape
    }
}

/// Starts loading the cache line at `p` (a hint; never faults).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint to the cache: it reads nothing the
    // program sees and never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// What to do with a frame, resolved down to the egress port: what the
/// flow cache remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Send out of `out`, after the tag changes, if at most `mtu` bytes long.
    Send {
        /// Egress port.
        out: u16,
        /// Tag change for the egress port.
        retag: Retag,
        /// Strip a priority tag first.
        strip: bool,
        /// Largest frame the egress port takes, L2 header included.
        mtu: u32,
    },
    /// Flood in `vlan`; `tagged` is the frame's form after `strip`.
    Flood {
        /// The frame's VLAN.
        vlan: u16,
        /// The frame is tagged (after `strip`).
        tagged: bool,
        /// Strip a priority tag first.
        strip: bool,
    },
    /// Route: the frame is for the router MAC in `vlan`, an SVI's VLAN.
    Route {
        /// The frame's VLAN.
        vlan: u16,
        /// Strip a priority tag first.
        strip: bool,
    },
    /// Drop, counting the reason.
    Drop(DropReason),
}

/// True if `frame` (tagged or not, as said) is ARP.
#[inline]
fn is_arp(frame: &[u8], tagged: bool) -> bool {
    let at = if tagged { 16 } else { 12 };
    frame.get(at..at + 2) == Some(&EtherType::ARP.to_be_bytes()[..])
}

/// The tag change a unicast frame needs for its egress port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retag {
    /// Leave the frame as it is.
    Keep,
    /// Add a tag for this VLAN.
    Push(u16),
    /// Remove the tag.
    Pop,
}
