//! Next hops: what an LPM entry points at. A slot is one `AtomicU64` the
//! workers read lock-free and the L3 control thread writes, so resolving a
//! gateway's MAC address updates every route through it in one store.

use dataplane::wire::MacAddr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Slots in the table (next-hop ids are 24-bit in the LPM; this many are
/// enough for one neighbor per host of a few /16 SVIs).
pub const NEXT_HOPS: usize = 1 << 18;

/// The slot every address of the switch itself points at.
pub const LOCAL: u32 = 1;

/// The slot routes to `Null0` point at.
pub const DISCARD: u32 = 2;

/// What a next-hop slot says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextHop {
    /// Unused (a route to it is being removed): drop.
    Free,
    /// Send to this neighbor, in this VLAN.
    Resolved {
        /// Its MAC address.
        mac: MacAddr,
        /// The VLAN it lives in.
        vlan: u16,
    },
    /// The neighbor's address is not resolved yet: hand the packet to the
    /// control thread, which asks ARP and holds it.
    Resolve {
        /// The VLAN to ask in.
        vlan: u16,
    },
    /// ARP got no answer lately: drop (and count) until the control thread
    /// tries again.
    Unreachable,
    /// An address of the switch: hand the packet to the control thread.
    Local,
    /// A route to `Null0`: drop (and count).
    Discard,
}

const KIND_SHIFT: u32 = 60;
const VLAN_SHIFT: u32 = 48;
const FREE: u64 = 0;
const RESOLVED: u64 = 1;
const RESOLVE: u64 = 2;
const UNREACHABLE: u64 = 3;
const LOCAL_KIND: u64 = 4;
const DISCARD_KIND: u64 = 5;

fn encode(nh: NextHop) -> u64 {
    let vlan = |v: u16| u64::from(v & 0x0fff) << VLAN_SHIFT;
    match nh {
        NextHop::Free => FREE,
        NextHop::Resolved { mac, vlan: v } => {
            let m = mac.0.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
            (RESOLVED << KIND_SHIFT) | vlan(v) | m
        }
        NextHop::Resolve { vlan: v } => (RESOLVE << KIND_SHIFT) | vlan(v),
        NextHop::Unreachable => UNREACHABLE << KIND_SHIFT,
        NextHop::Local => LOCAL_KIND << KIND_SHIFT,
        NextHop::Discard => DISCARD_KIND << KIND_SHIFT,
    }
}

#[inline]
fn decode(w: u64) -> NextHop {
    let vlan = ((w >> VLAN_SHIFT) & 0x0fff) as u16;
    match w >> KIND_SHIFT {
        RESOLVED => {
            let b = w.to_be_bytes();
            NextHop::Resolved {
                mac: MacAddr([b[2], b[3], b[4], b[5], b[6], b[7]]),
                vlan,
            }
        }
        RESOLVE => NextHop::Resolve { vlan },
        UNREACHABLE => NextHop::Unreachable,
        LOCAL_KIND => NextHop::Local,
        DISCARD_KIND => NextHop::Discard,
        _ => NextHop::Free,
    }
}

/// The table of next-hop slots.
pub struct NextHopTable {
    slots: Box<[AtomicU64]>,
}

impl Default for NextHopTable {
    fn default() -> Self {
        let t = NextHopTable {
            slots: (0..NEXT_HOPS).map(|_| AtomicU64::new(0)).collect(),
        };
        t.set(LOCAL, NextHop::Local);
        t.set(DISCARD, NextHop::Discard);
        t
    }
}

impl NextHopTable {
    /// What slot `id` says (Free for an id out of range).
    #[inline]
    pub fn get(&self, id: u32) -> NextHop {
        self.slots
            .get(id as usize)
            .map_or(NextHop::Free, |s| decode(s.load(Ordering::Acquire)))
    }

    /// The next hop of slot `id` if it is resolved: its MAC (the low 48
    /// bits) and VLAN, read straight from the slot's word (the routed fast
    /// path: no `NextHop` is built).
    #[inline(always)]
    pub fn resolved(&self, id: u32) -> Option<(u64, u16)> {
        let w = self.slots.get(id as usize)?.load(Ordering::Acquire);
        let mac = w & ((1 << VLAN_SHIFT) - 1);
        let vlan = ((w >> VLAN_SHIFT) & 0x0fff) as u16;
        (w >> KIND_SHIFT == RESOLVED).then_some((mac, vlan))
    }

    /// Sets slot `id` (the control thread's job).
    pub fn set(&self, id: u32, nh: NextHop) {
        if let Some(s) = self.slots.get(id as usize) {
            s.store(encode(nh), Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        let t = NextHopTable::default();
        assert_eq!(t.get(LOCAL), NextHop::Local);
        assert_eq!(t.get(DISCARD), NextHop::Discard);
        for nh in [
            NextHop::Free,
            NextHop::Resolved {
                mac: MacAddr([0xfe, 1, 2, 3, 4, 0xff]),
                vlan: 4094,
            },
            NextHop::Resolve { vlan: 10 },
            NextHop::Unreachable,
            NextHop::Discard,
        ] {
            t.set(7, nh);
            assert_eq!(t.get(7), nh);
        }
        assert_eq!(t.get(NEXT_HOPS as u32), NextHop::Free);
    }
}
