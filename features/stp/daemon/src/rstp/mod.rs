//! Rapid spanning tree (IEEE 802.1D-2004 clause 17, one instance for every
//! VLAN), with no DPDK in it: the bridge's ports, their priority vectors,
//! roles and states, the proposal/agreement handshake, topology changes
//! and BPDU guard. The task feeds it BPDUs, port changes and the time, and
//! carries out the actions it returns (send a frame, set a port's state,
//! flush a port's addresses, err-disable a port). Everything takes the
//! time as an argument, so the unit tests drive it without waiting.
//!
//! The state machines of clause 17 are folded into one pass (`run`):
//! information received or aged (PIM), role selection (PRS), role
//! transitions with sync and agreement (PRT, PST), topology change (TCM)
//! and transmission (PTX, with the transmit hold count). Not done: the
//! dispute mechanism, automatic edge detection (an edge port is
//! configured: `spanning-tree portfast`), and the recent-root/backup
//! timers (a port leaving the root role discards at once instead).

use lisa_stp::wire::{flags, Bpdu, BpduRole, BridgeId, Config, Times};
use lisa_types::MacAddr;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A priority vector (17.6): lower is better, compared in field order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Vector {
    /// Root bridge.
    pub root: BridgeId,
    /// Root path cost.
    pub cost: u32,
    /// Designated bridge.
    pub bridge: BridgeId,
    /// Designated port.
    pub port: u16,
}

/// A port's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Not enabled.
    #[default]
    Disabled,
    /// The way to the root.
    Root,
    /// Forwards for its segment.
    Designated,
    /// Another way to the root, blocked.
    Alternate,
    /// Another port of this bridge on the same segment, blocked.
    Backup,
}

/// Where a port's priority vector comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Info {
    Disabled,
    Aged,
    Mine,
    Received,
}

/// The bridge's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BridgeSettings {
    /// Priority, with the system ID extension (IOS: 32768 + VLAN 1).
    pub priority: u16,
    /// The bridge's MAC address.
    pub mac: MacAddr,
    /// Max age, hello time and forward delay (seconds).
    pub times: Times,
    /// Most BPDUs a port sends a second.
    pub tx_hold: u32,
}

impl BridgeSettings {
    /// This bridge's identifier.
    pub fn id(&self) -> BridgeId {
        BridgeId::new(self.priority, self.mac)
    }
}

/// A port's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSettings {
    /// Port number (1-4095).
    pub number: u16,
    /// Port priority (0-240, steps of 16).
    pub priority: u8,
    /// Path cost.
    pub cost: u32,
    /// `spanning-tree portfast`: an edge port, forwarding at once.
    pub edge: bool,
    /// `spanning-tree bpduguard enable`: a BPDU err-disables it.
    pub bpdu_guard: bool,
    /// A point-to-point link (full duplex): proposals and agreements.
    pub p2p: bool,
}

impl PortSettings {
    /// The port identifier: priority's top four bits, then the number.
    pub fn id(&self) -> u16 {
        (u16::from(self.priority >> 4) << 12) | (self.number & 0x0fff)
    }
}

/// What the task must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this frame out of the port.
    Send(u16, Vec<u8>),
    /// Forget the addresses learned on the port (a topology change; a port
    /// that stops forwarding is flushed by whoever holds it discarding:
    /// its state is in `ports()`).
    Flush(u16),
    /// BPDU guard: take the port down (err-disabled).
    ErrDisable(u16),
}

/// One port of the bridge.
#[derive(Debug, Clone)]
struct Port {
    s: PortSettings,
    mac: MacAddr,
    enabled: bool,
    role: Role,
    learning: bool,
    forwarding: bool,
    info: Info,
    vector: Vector,
    times: Times,
    rcvd_expires: Option<Instant>,
    proposing: bool,
    proposed: bool,
    agree: bool,
    agreed: bool,
    sync: bool,
    synced: bool,
    oper_edge: bool,
    rstp: bool,
    fd_deadline: Option<Instant>,
    tc_until: Option<Instant>,
    rcvd_tc: bool,
    tc_ack: bool,
    hello_at: Option<Instant>,
    new_info: bool,
    tx_window: Option<Instant>,
    tx_count: u32,
}

impl Port {
    fn new(s: PortSettings, mac: MacAddr) -> Port {
        Port {
            s,
            mac,
            enabled: false,
            role: Role::Disabled,
            learning: false,
            forwarding: false,
            info: Info::Disabled,
            vector: Vector::default(),
            times: Times::default(),
            rcvd_expires: None,
            proposing: false,
            proposed: false,
            agree: false,
            agreed: false,
            sync: false,
            synced: false,
            oper_edge: s.edge,
            rstp: true,
            fd_deadline: None,
            tc_until: None,
            rcvd_tc: false,
            tc_ack: false,
            hello_at: None,
            new_info: false,
            tx_window: None,
            tx_count: 0,
        }
    }
}

/// What `show spanning-tree` shows of a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortView {
    /// The port's key (its dataplane id).
    pub key: u16,
    /// Role.
    pub role: Role,
    /// Learning.
    pub learning: bool,
    /// Forwarding.
    pub forwarding: bool,
    /// Settings.
    pub settings: PortSettings,
    /// Operationally an edge port.
    pub edge: bool,
    /// Speaking RSTP (false: an 802.1D STP peer).
    pub rstp: bool,
    /// The designated bridge and port of its segment.
    pub designated: Vector,
}

/// The bridge.
#[derive(Debug)]
pub struct Rstp {
    bridge: BridgeSettings,
    ports: BTreeMap<u16, Port>,
    root: Vector,
    root_port: Option<u16>,
    root_times: Times,
    reselect: bool,
    actions: Vec<Action>,
    /// Topology changes seen, and the last one.
    pub topology_changes: (u64, Option<Instant>),
}

fn secs(s: u16) -> Duration {
    Duration::from_secs(u64::from(s))
}

impl Rstp {
    /// A bridge with no port.
    pub fn new(bridge: BridgeSettings) -> Rstp {
        let id = bridge.id();
        Rstp {
            bridge,
            ports: BTreeMap::new(),
            root: Vector {
                root: id,
                cost: 0,
                bridge: id,
                port: 0,
            },
            root_port: None,
            root_times: bridge.times,
            reselect: true,
            actions: Vec::new(),
            topology_changes: (0, None),
        }
    }

    /// The bridge's settings.
    pub fn bridge(&self) -> &BridgeSettings {
        &self.bridge
    }

    /// The root's vector (our own when we are the root) and root port.
    pub fn root(&self) -> (Vector, Option<u16>, Times) {
        (self.root, self.root_port, self.root_times)
    }

    /// New bridge settings: roles are chosen again.
    pub fn set_bridge(&mut self, bridge: BridgeSettings, now: Instant) {
        if bridge != self.bridge {
            self.bridge = bridge;
            for p in self.ports.values_mut() {
                if p.info == Info::Mine {
                    p.info = Info::Aged;
                }
                p.new_info = true;
            }
            self.reselect = true;
            self.run(now);
        }
    }

    /// Adds, updates (settings, MAC, enabled) or, with None, removes the
    /// port `key`.
    pub fn set_port(
        &mut self,
        key: u16,
        port: Option<(PortSettings, MacAddr, bool)>,
        now: Instant,
    ) {
        match port {
            None => {
                if self.ports.remove(&key).is_some() {
                    self.reselect = true;
                }
            }
            Some((s, mac, enabled)) => {
                let p = self.ports.entry(key).or_insert_with(|| Port::new(s, mac));
                if p.s != s {
                    if p.s.edge != s.edge {
                        p.oper_edge = s.edge;
                    }
                    p.s = s;
                    self.reselect = true;
                }
                p.mac = mac;
                if p.enabled != enabled {
                    p.enabled = enabled;
                    self.reselect = true;
                    if enabled {
                        p.info = Info::Aged;
                        p.oper_edge = p.s.edge;
                        p.rstp = true;
                        p.hello_at = None;
                    } else {
                        p.info = Info::Disabled;
                        p.rcvd_expires = None;
                    }
                }
            }
        }
        self.run(now);
    }

    /// Reads a frame received on port `key` (to the bridge group).
    /// Returns false if it was no BPDU.
    pub fn receive(&mut self, key: u16, frame: &[u8], now: Instant) -> bool {
        let Ok(bpdu) = Bpdu::parse(frame) else {
            return false;
        };
        let Some(p) = self.ports.get_mut(&key) else {
            return true;
        };
        if !p.enabled {
            return true;
        }
        if p.s.bpdu_guard {
            p.enabled = false;
            p.info = Info::Disabled;
            self.actions.push(Action::ErrDisable(key));
            self.reselect = true;
            self.run(now);
            return true;
        }
        p.oper_edge = false;
        match bpdu {
            Bpdu::Tcn => {
                p.rstp = false;
                p.rcvd_tc = true;
                p.tc_ack = true;
                p.new_info = true;
            }
            Bpdu::Config(c) => self.record(key, &c, now),
        }
        self.run(now);
        true
    }

    /// Records what a configuration or RST BPDU on port `key` says (PIM).
    fn record(&mut self, key: u16, c: &Config, now: Instant) {
        let Some(p) = self.ports.get_mut(&key) else {
            return;
        };
        p.rstp = c.version >= 2;
        if c.times.message_age >= c.times.max_age {
            return;
        }
        let msg = Vector {
            root: c.root,
            cost: c.cost,
            bridge: c.bridge,
            port: c.port,
        };
        if c.has(flags::TC) {
            p.rcvd_tc = true;
        }
        match c.role() {
            BpduRole::Designated => {
                let same_sender = msg.bridge == p.vector.bridge && msg.port == p.vector.port;
                let superior = msg < p.vector || same_sender || p.info != Info::Received;
                if superior && (p.info == Info::Received || msg < p.vector || p.info != Info::Mine)
                {
                    let changed = p.info != Info::Received || p.vector != msg || p.times != c.times;
                    if changed && msg > p.vector {
                        p.agreed = false;
                    }
                    p.info = Info::Received;
                    p.vector = msg;
                    p.times = c.times;
                    let hello = c.times.hello.max(1);
                    p.rcvd_expires = Some(now + secs(3 * hello));
                    p.proposing = false;
                    if c.has(flags::PROPOSAL) {
                        p.proposed = true;
                    }
                    if changed {
                        self.reselect = true;
                    }
                } else if p.role == Role::Designated {
                    // An inferior designated: ours is better, say so.
                    p.new_info = true;
                }
            }
            BpduRole::Root | BpduRole::AlternateBackup => {
                if c.has(flags::AGREEMENT) && p.role == Role::Designated && p.s.p2p {
                    p.agreed = true;
                    p.proposing = false;
                }
            }
            BpduRole::Unknown => {}
        }
    }

    /// Runs the timers and the state machines; the actions to carry out.
    pub fn tick(&mut self, now: Instant) -> Vec<Action> {
        self.run(now);
        std::mem::take(&mut self.actions)
    }

    /// What the ports are, for `show spanning-tree`.
    pub fn ports(&self) -> Vec<PortView> {
        self.ports
            .iter()
            .map(|(&key, p)| PortView {
                key,
                role: p.role,
                learning: p.learning,
                forwarding: p.forwarding,
                settings: p.s,
                edge: p.oper_edge,
                rstp: p.rstp,
                designated: p.vector,
            })
            .collect()
    }

    /// One pass of every machine, repeated while roles change.
    fn run(&mut self, now: Instant) {
        for p in self.ports.values_mut() {
            if p.info == Info::Received && p.rcvd_expires.is_some_and(|t| now >= t) {
                p.info = Info::Aged;
                p.rcvd_expires = None;
                self.reselect = true;
            }
        }
        for _ in 0..4 {
            if !self.reselect {
                break;
            }
            self.reselect = false;
            self.select_roles();
        }
        let keys: Vec<u16> = self.ports.keys().copied().collect();
        for &k in &keys {
            self.transition(k, now);
        }
        // A root port agrees once every other port is in sync.
        for &k in &keys {
            self.root_agreement(k);
        }
        for &k in &keys {
            self.topology_change(k, now);
        }
        for &k in &keys {
            self.transmit(k, now);
        }
    }

    /// Port role selection (17.21.25): the root port gives the best root
    /// vector; every other port is designated unless what it received is
    /// better than what it would send.
    fn select_roles(&mut self) {
        let id = self.bridge.id();
        let own = Vector {
            root: id,
            cost: 0,
            bridge: id,
            port: 0,
        };
        let mut best = (own, 0u16);
        let mut root_port = None;
        let mut root_times = self.bridge.times;
        for (&k, p) in &self.ports {
            if !p.enabled || p.info != Info::Received || p.vector.bridge == id {
                continue;
            }
            let cand = Vector {
                cost: p.vector.cost.saturating_add(p.s.cost),
                ..p.vector
            };
            if (cand, p.s.id()) < best {
                best = (cand, p.s.id());
                root_port = Some(k);
                root_times = Times {
                    message_age: p.times.message_age + 1,
                    ..p.times
                };
            }
        }
        let new_root = root_port != self.root_port || best.0.root != self.root.root;
        self.root = best.0;
        self.root_port = root_port;
        self.root_times = root_times;
        let designated_of = |p: &Port| Vector {
            root: best.0.root,
            cost: best.0.cost,
            bridge: id,
            port: p.s.id(),
        };
        for (&k, p) in self.ports.iter_mut() {
            let role = if !p.enabled {
                Role::Disabled
            } else if Some(k) == root_port {
                Role::Root
            } else {
                let d = designated_of(p);
                if p.info == Info::Received && p.vector < d {
                    if p.vector.bridge == id {
                        Role::Backup
                    } else {
                        Role::Alternate
                    }
                } else {
                    if p.info != Info::Mine || p.vector != d || p.times != root_times {
                        if p.info == Info::Mine && d > p.vector {
                            p.agreed = false;
                        }
                        p.synced = p.synced && p.agreed;
                        p.info = Info::Mine;
                        p.vector = d;
                        p.times = root_times;
                        p.rcvd_expires = None;
                        p.new_info = true;
                    }
                    Role::Designated
                }
            };
            if role != p.role {
                p.role = role;
                p.new_info = true;
                p.proposing = false;
                p.fd_deadline = None;
                if role != Role::Root {
                    p.agree = false;
                }
            }
        }
        if new_root {
            // A new way to the root: every other port falls in sync
            // before the root port agrees.
            for (&k, p) in self.ports.iter_mut() {
                if Some(k) != root_port {
                    p.sync = true;
                }
                p.agree = false;
            }
        }
    }

    fn set_state(&mut self, k: u16, learning: bool, forwarding: bool) {
        let Some(p) = self.ports.get_mut(&k) else {
            return;
        };
        if p.learning == learning && p.forwarding == forwarding {
            return;
        }
        p.learning = learning;
        p.forwarding = forwarding;
        p.new_info = true;
    }

    /// Role transitions (17.29): where a port goes in its role.
    fn transition(&mut self, k: u16, now: Instant) {
        let Some(p) = self.ports.get(&k) else {
            return;
        };
        let fd = secs(self.root_times.forward_delay.max(4));
        match p.role {
            Role::Disabled => {
                self.set_state(k, false, false);
                if let Some(p) = self.ports.get_mut(&k) {
                    (p.proposing, p.proposed, p.agree, p.agreed) = (false, false, false, false);
                    (p.synced, p.sync) = (true, false);
                }
            }
            Role::Alternate | Role::Backup => {
                self.set_state(k, false, false);
                if let Some(p) = self.ports.get_mut(&k) {
                    (p.synced, p.sync, p.proposing) = (true, false, false);
                    if p.proposed {
                        // Blocked already: agree to the designated port's proposal.
                        p.proposed = false;
                        p.agree = true;
                        p.new_info = true;
                    }
                }
            }
            Role::Root => {
                let proposed = p.proposed;
                if proposed {
                    if let Some(p) = self.ports.get_mut(&k) {
                        p.proposed = false;
                        if p.agree {
                            p.new_info = true;
                        }
                    }
                    if !self.ports[&k].agree {
                        for (&o, q) in self.ports.iter_mut() {
                            if o != k {
                                q.sync = true;
                            }
                        }
                    }
                }
                if !self.ports[&k].forwarding {
                    self.set_state(k, true, true);
                    self.detected_tc(k, now);
                }
            }
            Role::Designated => {
                if p.oper_edge {
                    if !p.forwarding {
                        self.set_state(k, true, true);
                    }
                    if let Some(p) = self.ports.get_mut(&k) {
                        (p.synced, p.sync, p.proposing) = (true, false, false);
                    }
                    return;
                }
                if p.sync && !p.synced {
                    if p.learning && !p.agreed {
                        self.set_state(k, false, false);
                        if let Some(p) = self.ports.get_mut(&k) {
                            p.fd_deadline = None;
                        }
                    }
                    if let Some(p) = self.ports.get_mut(&k) {
                        p.synced = true;
                        p.sync = false;
                    }
                } else if let Some(p) = self.ports.get_mut(&k) {
                    p.sync = false;
                }
                let p = &self.ports[&k];
                if !p.forwarding {
                    if p.agreed {
                        self.set_state(k, true, true);
                        self.detected_tc(k, now);
                        if let Some(p) = self.ports.get_mut(&k) {
                            p.fd_deadline = None;
                        }
                    } else {
                        let (learning, deadline, p2p, proposing) =
                            (p.learning, p.fd_deadline, p.s.p2p, p.proposing);
                        if p2p && !proposing {
                            if let Some(p) = self.ports.get_mut(&k) {
                                p.proposing = true;
                                p.new_info = true;
                            }
                        }
                        match deadline {
                            None => {
                                if let Some(p) = self.ports.get_mut(&k) {
                                    p.fd_deadline = Some(now + fd);
                                }
                            }
                            Some(t) if now >= t => {
                                if learning {
                                    self.set_state(k, true, true);
                                    self.detected_tc(k, now);
                                    if let Some(p) = self.ports.get_mut(&k) {
                                        p.fd_deadline = None;
                                    }
                                } else {
                                    self.set_state(k, true, false);
                                    if let Some(p) = self.ports.get_mut(&k) {
                                        p.fd_deadline = Some(now + fd);
                                    }
                                }
                            }
                            Some(_) => {}
                        }
                    }
                }
                if let Some(p) = self.ports.get_mut(&k) {
                    p.synced = !p.learning || p.agreed;
                }
            }
        }
    }

    /// A root port agrees once every other port is in sync (17.29.2).
    fn root_agreement(&mut self, k: u16) {
        let Some(p) = self.ports.get(&k) else {
            return;
        };
        if p.role != Role::Root || p.agree {
            return;
        }
        let all_synced = self
            .ports
            .iter()
            .all(|(&o, q)| o == k || !q.enabled || q.synced);
        if all_synced {
            if let Some(p) = self.ports.get_mut(&k) {
                p.agree = true;
                p.new_info = true;
            }
        }
    }

    /// A non-edge port started forwarding: a topology change seen here
    /// (17.30 DETECTED): the other ports' addresses go, and BPDUs carry TC
    /// for two hello times.
    fn detected_tc(&mut self, k: u16, now: Instant) {
        if self.ports.get(&k).is_none_or(|p| p.oper_edge) {
            return;
        }
        self.topology_changes = (self.topology_changes.0 + 1, Some(now));
        self.propagate_tc(k, true, now);
    }

    /// Flushes every port but `from`, and has the root and designated
    /// ports (`from` too, if `including`) send TC for a while.
    fn propagate_tc(&mut self, from: u16, including: bool, now: Instant) {
        let tc = secs(2 * self.bridge.times.hello.max(1) + 1);
        for (&o, q) in self.ports.iter_mut() {
            if o != from && q.learning && !q.oper_edge {
                self.actions.push(Action::Flush(o));
            }
            if (o != from || including)
                && q.enabled
                && !q.oper_edge
                && matches!(q.role, Role::Root | Role::Designated)
                && q.tc_until.is_none_or(|t| now >= t)
            {
                q.tc_until = Some(now + tc);
                q.new_info = true;
            }
        }
    }

    /// A TC received on a root or designated port (17.30 NOTIFIED_TC,
    /// PROPAGATING).
    fn topology_change(&mut self, k: u16, now: Instant) {
        let Some(p) = self.ports.get_mut(&k) else {
            return;
        };
        if !p.rcvd_tc {
            return;
        }
        p.rcvd_tc = false;
        if !matches!(p.role, Role::Root | Role::Designated) {
            return;
        }
        self.topology_changes = (self.topology_changes.0 + 1, Some(now));
        self.propagate_tc(k, false, now);
    }

    /// Sends port `k`'s BPDU if it is due (17.26, 17.21.19-21).
    fn transmit(&mut self, k: u16, now: Instant) {
        let hello = secs(self.bridge.times.hello.max(1));
        let id = self.bridge.id();
        let (root, root_times, tx_hold) = (self.root, self.root_times, self.bridge.tx_hold);
        let Some(p) = self.ports.get_mut(&k) else {
            return;
        };
        if !p.enabled || p.role == Role::Disabled {
            return;
        }
        let periodic = p.role == Role::Designated && p.hello_at.is_none_or(|t| now >= t);
        if !periodic && !p.new_info {
            return;
        }
        if p.tx_window.is_none_or(|t| now >= t) {
            p.tx_window = Some(now + Duration::from_secs(1));
            p.tx_count = 0;
        }
        if p.tx_count >= tx_hold {
            return;
        }
        if p.role == Role::Designated {
            p.hello_at = Some(now + hello);
        }
        let tc = p.tc_until.is_some_and(|t| now < t);
        let mut c = Config {
            version: 2,
            flags: 0,
            root: root.root,
            cost: root.cost,
            bridge: id,
            port: p.s.id(),
            times: root_times,
        };
        c.set_role(match p.role {
            Role::Root => BpduRole::Root,
            Role::Designated => BpduRole::Designated,
            Role::Alternate | Role::Backup => BpduRole::AlternateBackup,
            Role::Disabled => BpduRole::Unknown,
        });
        let mut f = c.flags;
        if tc {
            f |= flags::TC;
        }
        if p.proposing && p.role == Role::Designated {
            f |= flags::PROPOSAL;
        }
        if p.agree {
            f |= flags::AGREEMENT;
        }
        if p.learning {
            f |= flags::LEARNING;
        }
        if p.forwarding {
            f |= flags::FORWARDING;
        }
        c.flags = f;
        let bpdu = if p.rstp {
            Some(Bpdu::Config(c))
        } else if p.role == Role::Designated {
            // An 802.1D peer: a configuration BPDU (TC, TC ack only).
            let mut f = if tc { flags::TC } else { 0 };
            if std::mem::take(&mut p.tc_ack) {
                f |= flags::TC_ACK;
            }
            Some(Bpdu::Config(Config {
                version: 0,
                flags: f,
                ..c
            }))
        } else if p.role == Role::Root && tc {
            Some(Bpdu::Tcn)
        } else {
            None
        };
        p.new_info = false;
        if let Some(b) = bpdu {
            p.tx_count += 1;
            self.actions.push(Action::Send(k, b.frame(p.mac)));
        }
    }
}

#[cfg(test)]
mod tests;
