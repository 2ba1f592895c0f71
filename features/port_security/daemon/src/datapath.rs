//! Port security's datapath: one rx hook (`port-security`), enabled only
//! on the secured ports. A frame whose source address (in its VLAN) is one
//! of the port's secure addresses goes on. Another is reported to the
//! port-security task (which makes it secure while the port has room, or
//! counts a violation), and goes on only while the port has room for it;
//! once the port is full it is dropped (`port-security`). Each worker
//! reports an address once per table it holds, not once per frame.

use crossbeam_queue::ArrayQueue;
use dataplane::drops::DropReason;
use dataplane::graph::{Cx, HookSpec, Pkt, PortHook};
use dataplane::port::MAX_SWITCH_PORTS;
use dataplane::snapshot::{Snapshot, SnapshotReader};
use dataplane::wire::EthernetFrame;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// The hook's name (`Dataplane::set_hook_on_ports`).
pub const HOOK: &str = "port-security";

/// Room in the queue of reports to the task.
pub const REPORTS: usize = 4096;

/// A frame from an address that is not secure on a port that is full.
pub static PORT_SECURITY: DropReason = DropReason::new(
    "port-security",
    "its source address is not secure on a port whose secure addresses are all taken",
);

/// A source address in its VLAN, as one number: the MAC's 48 bits and the
/// VLAN id above them.
pub fn address_key(vlan: u16, mac: [u8; 6]) -> u64 {
    let m = u64::from_be_bytes([0, 0, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]]);
    m | u64::from(vlan) << 48
}

/// The VLAN and MAC of an `address_key`.
pub fn split_key(key: u64) -> (u16, [u8; 6]) {
    let b = key.to_be_bytes();
    ((key >> 48) as u16, [b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// A hasher for address keys (already well spread by the MAC's low bytes):
/// one multiply, no SipHash on the fast path.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, k: u64) {
        self.0 = (k ^ (k >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
}

/// A set of address keys.
pub type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// One secured port, as the hook reads it.
#[derive(Debug, Clone, Default)]
pub struct SecurePort {
    /// Its secure addresses.
    pub known: KeySet,
    /// They are as many as its maximum: no other address goes on.
    pub full: bool,
}

/// What the hooks read: each secured port by port id.
#[derive(Debug, Clone)]
pub struct SecureTable {
    /// By port id.
    pub ports: Vec<Option<Arc<SecurePort>>>,
    /// Bumped with every table published (a worker forgets what it
    /// reported against an older one).
    pub generation: u64,
}

impl Default for SecureTable {
    fn default() -> Self {
        SecureTable {
            ports: vec![None; MAX_SWITCH_PORTS],
            generation: 0,
        }
    }
}

/// An address a worker saw on a secured port that is not secure there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The port's id.
    pub port: u16,
    /// The address (`address_key`).
    pub key: u64,
}

/// The feature's state shared by the control plane and the hooks.
pub struct SecureState {
    /// The table the hooks read.
    pub table: Arc<Snapshot<SecureTable>>,
    /// Reports to the task.
    pub reports: Arc<ArrayQueue<Report>>,
}

impl Default for SecureState {
    fn default() -> Self {
        SecureState {
            table: Arc::default(),
            reports: Arc::new(ArrayQueue::new(REPORTS)),
        }
    }
}

impl SecureState {
    /// The hook's declaration, for the pipeline.
    pub fn hook_spec(&self) -> HookSpec {
        let (table, reports) = (self.table.clone(), self.reports.clone());
        HookSpec {
            name: HOOK,
            drops: vec![&PORT_SECURITY],
            build: Box::new(move || {
                Box::new(SecureHook {
                    table: table.reader(),
                    reports: reports.clone(),
                    reported: KeySet::default(),
                    generation: 0,
                })
            }),
        }
    }
}

/// Most addresses a worker remembers having reported for one table.
const REPORTED_MAX: usize = 4096;

/// One worker's port-security hook.
struct SecureHook {
    table: SnapshotReader<SecureTable>,
    reports: Arc<ArrayQueue<Report>>,
    /// (port, address) pairs reported since the table changed.
    reported: KeySet,
    /// The table those reports were against.
    generation: u64,
}

impl PortHook for SecureHook {
    fn rx(&mut self, cx: &mut Cx<'_>, p: Pkt) -> Option<Pkt> {
        let port = p.meta.in_port;
        let table = self.table.get();
        let Some(sp) = table.ports.get(usize::from(port)).and_then(|s| s.as_ref()) else {
            return Some(p);
        };
        let Ok(eth) = EthernetFrame::new_checked(p.m.data()) else {
            return Some(p);
        };
        let key = address_key(p.meta.vlan, eth.src().0);
        if sp.known.contains(&key) {
            return Some(p);
        }
        let full = sp.full;
        if table.generation != self.generation {
            self.generation = table.generation;
            self.reported.clear();
        }
        let tagged = key ^ u64::from(port).rotate_right(16);
        if self.reported.len() < REPORTED_MAX && self.reported.insert(tagged) {
            let _ = self.reports.push(Report { port, key });
        }
        if full {
            cx.drop(p, &PORT_SECURITY);
            return None;
        }
        Some(p)
    }
}
