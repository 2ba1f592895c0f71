//! The LACP machines (IEEE 802.1AX-2008 clause 5.4) of every port of the
//! switch, with no DPDK in it. The task feeds them frames, the ports'
//! link states and the time, and carries out the actions they return
//! (send a frame, start or stop collecting and distributing on a port).
//! Everything takes the time as an argument, so the unit tests drive it
//! without waiting.
//!
//! The machines of 5.4 are folded into one pass (`Lacp::run`): receive
//! (current, expired, defaulted), periodic transmission, selection (one
//! aggregator per channel group), mux with coupled control, and transmit
//! (need-to-transmit, at most three PDUs a second). Not done: the mux's
//! aggregate wait delay (a selected port attaches at once), churn
//! detection, standby ports (more ports than an aggregator may hold), an
//! individual link used on its own (a partner that says it is individual
//! is not bundled), and independent collecting and distributing.

use lisa_lacp::wire::{state, LacpInfo, Lacpdu, Marker, WireError};
use lisa_types::MacAddr;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Fast periodic time: a PDU a second to a partner with a short timeout.
pub const FAST_PERIODIC: Duration = Duration::from_secs(1);
/// Slow periodic time: a PDU every 30 s to a partner with a long timeout.
pub const SLOW_PERIODIC: Duration = Duration::from_secs(30);
/// Short timeout: received information expires after 3 s (`lacp rate fast`).
pub const SHORT_TIMEOUT: Duration = Duration::from_secs(3);
/// Long timeout: received information expires after 90 s.
pub const LONG_TIMEOUT: Duration = Duration::from_secs(90);
/// Most PDUs a port sends in any fast periodic time (1 s).
pub const TX_LIMIT: usize = 3;
/// The state bits a partner must echo of us, else we send again
/// (802.1AX-2008 5.4.9, update_NTT).
const ECHOED: u8 = state::ACTIVITY | state::TIMEOUT | state::AGGREGATION | state::SYNCHRONIZATION;

/// A port's LACP settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSettings {
    /// `channel-group N`: the port's group, also the actor's key.
    pub group: u16,
    /// `mode active` (else `mode passive`).
    pub active: bool,
    /// `lacp rate fast`: our TIMEOUT bit set, the partner sends every 1 s.
    pub fast: bool,
    /// Port priority (`lacp port-priority`, default 32768).
    pub port_priority: u16,
    /// Port number, unique per port, above 0.
    pub port_number: u16,
    /// Source MAC address of the port's PDUs.
    pub mac: MacAddr,
}

/// What the task must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this frame out of the port.
    Send {
        /// The port.
        port: u16,
        /// The whole frame.
        frame: Vec<u8>,
    },
    /// Start (`on`) or stop collecting and distributing on the port: it
    /// joins or leaves its port-channel.
    Bundle {
        /// The port.
        port: u16,
        /// Joins (true) or leaves (false).
        on: bool,
    },
}

/// Where a port's receive machine is (802.1AX-2008 5.4.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RxState {
    /// The link is down.
    #[default]
    Disabled,
    /// The partner's information is current.
    Current,
    /// The partner's information expired (kept, but not in sync), or the
    /// link just came up and none has been received yet.
    Expired,
    /// No partner information (none received, or expired twice).
    Defaulted,
}

/// Why a port is not bundled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotBundled {
    /// Its link is down.
    Down,
    /// No LACP partner answers (defaulted).
    NoPartner,
    /// The partner says the link is individual (its AGGREGATION bit off).
    Individual,
    /// The partner is this switch (the link loops back).
    Looped,
    /// The partner differs from that of the group's bundled ports.
    Suspended,
    /// Negotiating: the partner's information has expired or is not yet
    /// in sync.
    Waiting,
}

/// Who the partner of an aggregator is: ports with the same one may
/// bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerKey {
    /// Partner system priority.
    pub system_priority: u16,
    /// Partner system.
    pub system: MacAddr,
    /// Partner key.
    pub key: u16,
}

impl PartnerKey {
    /// The aggregator partner that `info` (a partner's actor) names.
    pub fn of(info: &LacpInfo) -> PartnerKey {
        PartnerKey {
            system_priority: info.system_priority,
            system: info.system,
            key: info.key,
        }
    }
}

/// What `show lacp neighbor` and `show etherchannel summary` show of a
/// port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortStatus {
    /// Settings.
    pub settings: PortSettings,
    /// Link and admin state up.
    pub link_up: bool,
    /// Our state bits (`state`), as sent.
    pub actor_state: u8,
    /// The partner's information, current or expired (operational: its
    /// SYNCHRONIZATION bit is off when expired, or when the partner's
    /// view of us is wrong).
    pub partner: Option<LacpInfo>,
    /// The receive machine's state (the partner defaulted or expired).
    pub rx: RxState,
    /// When the last LACPDU was received.
    pub last_received: Option<Instant>,
    /// Selected in its group's aggregator (our SYNCHRONIZATION bit).
    pub selected: bool,
    /// Collecting and distributing: in its port-channel.
    pub bundled: bool,
    /// Why not bundled (None when bundled).
    pub why_not: Option<NotBundled>,
    /// LACPDUs sent.
    pub pdus_sent: u64,
    /// LACPDUs received and read.
    pub pdus_received: u64,
    /// Frames received that were no LACPDU nor marker PDU.
    pub pdus_bad: u64,
}

/// One port: its status and its machines' timers.
#[derive(Debug, Clone)]
struct Port {
    status: PortStatus,
    /// When the partner's information expires (current_while).
    current_while: Option<Instant>,
    /// When the next periodic PDU is due (None: no periodic PDUs).
    next_periodic: Option<Instant>,
    /// When the last `TX_LIMIT` PDUs were sent, oldest first.
    sent_at: [Option<Instant>; TX_LIMIT],
    /// Need to transmit.
    ntt: bool,
}

/// This system's identity in LACPDUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct System {
    priority: u16,
    mac: MacAddr,
}

/// The LACP machines of every port of the switch.
#[derive(Debug)]
pub struct Lacp {
    system: System,
    ports: BTreeMap<u16, Port>,
    /// Each group's aggregator, by the partner it adopted.
    aggregators: BTreeMap<u16, PartnerKey>,
    actions: Vec<Action>,
}

impl Port {
    fn new(settings: PortSettings) -> Port {
        let mut p = Port {
            status: PortStatus {
                settings,
                link_up: false,
                actor_state: 0,
                partner: None,
                rx: RxState::Disabled,
                last_received: None,
                selected: false,
                bundled: false,
                why_not: Some(NotBundled::Down),
                pdus_sent: 0,
                pdus_received: 0,
                pdus_bad: 0,
            },
            current_while: None,
            next_periodic: None,
            sent_at: [None; TX_LIMIT],
            ntt: false,
        };
        p.status.actor_state = p.actor_state_bits();
        p
    }

    /// The link came up: the receive machine starts expired, with no
    /// partner, and waits a short timeout for one (EXPIRED after
    /// PORT_DISABLED).
    fn start(&mut self, now: Instant) {
        let s = &mut self.status;
        s.link_up = true;
        s.rx = RxState::Expired;
        s.partner = None;
        self.current_while = Some(now + SHORT_TIMEOUT);
        self.next_periodic = None;
    }

    /// The link went down (or the port restarts): partner forgotten, out
    /// of its bundle at once.
    fn stop(&mut self, id: u16, actions: &mut Vec<Action>) {
        let s = &mut self.status;
        s.link_up = false;
        s.rx = RxState::Disabled;
        s.partner = None;
        s.selected = false;
        self.current_while = None;
        self.next_periodic = None;
        self.ntt = false;
        self.set_bundled(id, false, actions);
        self.status.actor_state = self.actor_state_bits();
    }

    /// Goes in or out of the bundle, telling the task on a change.
    fn set_bundled(&mut self, id: u16, on: bool, actions: &mut Vec<Action>) {
        if self.status.bundled != on {
            self.status.bundled = on;
            actions.push(Action::Bundle { port: id, on });
        }
    }

    /// Our state bits, from the settings and the machines' states.
    fn actor_state_bits(&self) -> u8 {
        let s = &self.status;
        let mut bits = state::AGGREGATION;
        let set = |bits: &mut u8, on: bool, bit: u8| {
            if on {
                *bits |= bit;
            }
        };
        set(&mut bits, s.settings.active, state::ACTIVITY);
        set(&mut bits, s.settings.fast, state::TIMEOUT);
        set(&mut bits, s.selected, state::SYNCHRONIZATION);
        set(
            &mut bits,
            s.bundled,
            state::COLLECTING | state::DISTRIBUTING,
        );
        set(&mut bits, s.rx == RxState::Expired, state::EXPIRED);
        set(&mut bits, s.partner.is_none(), state::DEFAULTED);
        bits
    }

    /// Our information, as sent in the actor TLV.
    fn actor(&self, system: System) -> LacpInfo {
        let s = &self.status.settings;
        LacpInfo {
            system_priority: system.priority,
            system: system.mac,
            key: s.group,
            port_priority: s.port_priority,
            port: s.port_number,
            state: self.status.actor_state,
        }
    }

    /// How long the partner's information stays current: our timeout.
    fn current_timeout(&self) -> Duration {
        if self.status.settings.fast {
            SHORT_TIMEOUT
        } else {
            LONG_TIMEOUT
        }
    }

    /// Records a LACPDU (recordPDU): the partner's information is current,
    /// in sync only if it is and sees us as we are. Sends again if its
    /// view of us is wrong.
    fn record(&mut self, pdu: &Lacpdu, us: LacpInfo, now: Instant) {
        let mut partner = pdu.actor;
        if !sees_us(&pdu.partner, &us) {
            partner.state &= !state::SYNCHRONIZATION;
        }
        if !echoes_us(&pdu.partner, &us) {
            self.ntt = true;
        }
        let timeout = self.current_timeout();
        let s = &mut self.status;
        s.partner = Some(partner);
        s.rx = RxState::Current;
        s.last_received = Some(now);
        s.pdus_received += 1;
        self.current_while = Some(now + timeout);
    }

    /// Runs current_while: current information expires (kept, not in
    /// sync, and we send fast), expired information is forgotten.
    fn expire(&mut self, now: Instant) {
        if self.current_while.is_none_or(|t| now < t) {
            return;
        }
        let s = &mut self.status;
        match s.rx {
            RxState::Current => {
                s.rx = RxState::Expired;
                if let Some(p) = s.partner.as_mut() {
                    p.state &= !state::SYNCHRONIZATION;
                    p.state |= state::TIMEOUT;
                }
                self.current_while = Some(now + SHORT_TIMEOUT);
            }
            RxState::Expired => {
                s.rx = RxState::Defaulted;
                s.partner = None;
                self.current_while = None;
            }
            RxState::Disabled | RxState::Defaulted => self.current_while = None,
        }
    }

    /// The aggregator partner this port may be selected with: the link is
    /// up, the partner current, aggregatable and not this system.
    fn candidate(&self, system: System) -> Option<PartnerKey> {
        let s = &self.status;
        let partner = s.partner.filter(|p| {
            s.link_up
                && s.rx == RxState::Current
                && p.has(state::AGGREGATION)
                && p.system != system.mac
        })?;
        Some(PartnerKey::of(&partner))
    }

    /// The partner's SYNCHRONIZATION bit (off unless it sees us right).
    fn partner_in_sync(&self) -> bool {
        self.status
            .partner
            .is_some_and(|p| p.has(state::SYNCHRONIZATION))
    }

    /// Mux with coupled control: a selected port whose partner is in sync
    /// collects and distributes; anything else does not.
    fn mux(&mut self, id: u16, actions: &mut Vec<Action>) {
        let on = self.status.selected && self.partner_in_sync();
        self.set_bundled(id, on, actions);
    }

    /// Takes the new state bits; a change is sent at once.
    fn update_actor_state(&mut self) {
        let bits = self.actor_state_bits();
        if bits != self.status.actor_state {
            self.status.actor_state = bits;
            self.ntt = true;
        }
    }

    /// Why the port is not bundled, given its group's aggregator partner.
    fn why_not(&self, system: System, chosen: Option<PartnerKey>) -> Option<NotBundled> {
        let s = &self.status;
        let partner = s.partner.as_ref();
        if !s.link_up {
            Some(NotBundled::Down)
        } else if s.bundled {
            None
        } else if s.rx == RxState::Defaulted {
            Some(NotBundled::NoPartner)
        } else if partner.is_some_and(|p| p.system == system.mac) {
            Some(NotBundled::Looped)
        } else if partner.is_some_and(|p| !p.has(state::AGGREGATION)) {
            Some(NotBundled::Individual)
        } else if self.candidate(system).is_some() && self.candidate(system) != chosen {
            Some(NotBundled::Suspended)
        } else {
            Some(NotBundled::Waiting)
        }
    }

    /// The periodic time (None: no PDUs): active ports always send,
    /// passive ones to an active partner; fast to a partner with a short
    /// timeout (or expired).
    fn periodic_time(&self) -> Option<Duration> {
        let s = &self.status;
        let partner_active = s.partner.is_some_and(|p| p.has(state::ACTIVITY));
        if !s.link_up || !(s.settings.active || partner_active) {
            return None;
        }
        let short = s.rx == RxState::Expired || s.partner.is_some_and(|p| p.has(state::TIMEOUT));
        Some(if short { FAST_PERIODIC } else { SLOW_PERIODIC })
    }

    /// Runs the periodic timer: due PDUs set need-to-transmit. A period
    /// that shortens sends at once.
    fn periodic(&mut self, now: Instant) -> Option<Duration> {
        let Some(period) = self.periodic_time() else {
            self.next_periodic = None;
            return None;
        };
        match self.next_periodic {
            None => self.next_periodic = Some(now + period),
            Some(t) if t > now + period => self.next_periodic = Some(now),
            Some(_) => {}
        }
        if self.next_periodic.is_some_and(|t| now >= t) {
            self.ntt = true;
        }
        Some(period)
    }

    /// True if a PDU may go now: fewer than `TX_LIMIT` in the last second.
    fn may_send(&self, now: Instant) -> bool {
        self.sent_at[0].is_none_or(|t| now >= t + FAST_PERIODIC)
    }

    /// Sends a PDU if one is needed and allowed (the transmit machine).
    fn transmit(&mut self, id: u16, system: System, now: Instant, actions: &mut Vec<Action>) {
        let Some(period) = self.periodic(now) else {
            self.ntt = false;
            return;
        };
        if !self.ntt || !self.may_send(now) {
            return;
        }
        let pdu = Lacpdu {
            actor: self.actor(system),
            partner: self.status.partner.unwrap_or_default(),
            collector_max_delay: 0,
        };
        let frame = pdu.frame(self.status.settings.mac);
        actions.push(Action::Send { port: id, frame });
        self.sent_at.rotate_left(1);
        self.sent_at[TX_LIMIT - 1] = Some(now);
        self.ntt = false;
        self.next_periodic = Some(now + period);
        self.status.pdus_sent += 1;
    }

    /// The next time this port's machines have something to do.
    fn next_timer(&self) -> Option<Instant> {
        let retry = self
            .ntt
            .then(|| self.sent_at[0].map(|t| t + FAST_PERIODIC))
            .flatten();
        [self.current_while, self.next_periodic, retry]
            .into_iter()
            .flatten()
            .min()
    }
}

/// True if `view` (what the partner says of its partner) names us, with
/// our AGGREGATION bit: the partner is in sync with us (the `matched` of
/// recordPDU).
fn sees_us(view: &LacpInfo, us: &LacpInfo) -> bool {
    view.system_priority == us.system_priority
        && view.system == us.system
        && view.key == us.key
        && view.port_priority == us.port_priority
        && view.port == us.port
        && (view.state ^ us.state) & state::AGGREGATION == 0
}

/// True if `view` is us down to the state bits a partner must echo:
/// otherwise we send again.
fn echoes_us(view: &LacpInfo, us: &LacpInfo) -> bool {
    sees_us(view, us) && (view.state ^ us.state) & ECHOED == 0
}

impl Lacp {
    /// The machines of a switch with no port, whose system identifier is
    /// `system_priority` and `system`.
    pub fn new(system_priority: u16, system: MacAddr) -> Lacp {
        Lacp {
            system: System {
                priority: system_priority,
                mac: system,
            },
            ports: BTreeMap::new(),
            aggregators: BTreeMap::new(),
            actions: Vec::new(),
        }
    }

    /// Sets the system priority (`lacp system-priority`): every port sends
    /// again.
    pub fn set_system_priority(&mut self, p: u16) {
        if self.system.priority != p {
            self.system.priority = p;
            for port in self.ports.values_mut() {
                port.ntt = true;
            }
        }
    }

    /// Adds port `id` (link down) or changes its settings. A change of
    /// group or mode restarts the port: out of its bundle, partner
    /// forgotten.
    pub fn set_port(&mut self, id: u16, s: PortSettings, now: Instant) {
        let Some(p) = self.ports.get_mut(&id) else {
            self.ports.insert(id, Port::new(s));
            return;
        };
        let old = p.status.settings;
        if old == s {
            return;
        }
        p.status.settings = s;
        p.ntt = true;
        if (old.group, old.active) != (s.group, s.active) && p.status.link_up {
            p.stop(id, &mut self.actions);
            p.start(now);
        }
        self.run(now);
    }

    /// Removes port `id`; if it was bundled, it is reported unbundled.
    pub fn remove_port(&mut self, id: u16) {
        if let Some(p) = self.ports.remove(&id) {
            if p.status.bundled {
                self.actions.push(Action::Bundle {
                    port: id,
                    on: false,
                });
            }
        }
    }

    /// Sets the link (and admin) state of port `id`: up starts its
    /// machines, down stops them and unbundles it at once.
    pub fn set_link(&mut self, id: u16, up: bool, now: Instant) {
        let Some(p) = self.ports.get_mut(&id) else {
            return;
        };
        if p.status.link_up == up {
            return;
        }
        if up {
            p.start(now);
        } else {
            p.stop(id, &mut self.actions);
        }
        self.run(now);
    }

    /// Reads a whole frame received on port `id` (to the slow protocols
    /// group): a LACPDU is recorded, a marker request answered, anything
    /// else counted bad.
    pub fn receive(&mut self, id: u16, frame: &[u8], now: Instant) {
        let system = self.system;
        let Some(p) = self.ports.get_mut(&id) else {
            return;
        };
        match Lacpdu::parse(frame) {
            Ok(pdu) if p.status.link_up => {
                let us = p.actor(system);
                p.record(&pdu, us, now);
                self.run(now);
            }
            Ok(_) => {}
            Err(WireError::Marker) => {
                if let Some(f) = marker_response(frame, p) {
                    self.actions.push(Action::Send { port: id, frame: f });
                }
            }
            Err(_) => p.status.pdus_bad += 1,
        }
    }

    /// Runs the timers and the machines; the actions to carry out.
    pub fn tick(&mut self, now: Instant) -> Vec<Action> {
        self.run(now);
        std::mem::take(&mut self.actions)
    }

    /// The ports and their status, by id.
    pub fn ports(&self) -> impl Iterator<Item = (u16, &PortStatus)> {
        self.ports.iter().map(|(&id, p)| (id, &p.status))
    }

    /// The partner group `group`'s aggregator adopted, if any.
    pub fn aggregator(&self, group: u16) -> Option<PartnerKey> {
        self.aggregators.get(&group).copied()
    }

    /// When `tick` next has something to do (a timer runs out, or a PDU
    /// held back by the rate limit may go); None if nothing is pending.
    pub fn next_timer(&self) -> Option<Instant> {
        self.ports.values().filter_map(Port::next_timer).min()
    }

    /// One pass of every machine: receive timers, selection, mux,
    /// transmission.
    fn run(&mut self, now: Instant) {
        for p in self.ports.values_mut() {
            p.expire(now);
        }
        self.select();
        for (&id, p) in self.ports.iter_mut() {
            p.mux(id, &mut self.actions);
            p.update_actor_state();
            let chosen = self.aggregators.get(&p.status.settings.group).copied();
            p.status.why_not = p.why_not(self.system, chosen);
        }
        for (&id, p) in self.ports.iter_mut() {
            p.transmit(id, self.system, now, &mut self.actions);
        }
    }

    /// Selection: every group's aggregator keeps its partner while one of
    /// the group's ports may still bundle with it, else adopts that of the
    /// lowest port that may; the ports with that partner are selected.
    fn select(&mut self) {
        let groups: BTreeSet<u16> = self
            .ports
            .values()
            .map(|p| p.status.settings.group)
            .collect();
        self.aggregators.retain(|g, _| groups.contains(g));
        for group in groups {
            self.select_group(group);
        }
    }

    /// Selection in one group.
    fn select_group(&mut self, group: u16) {
        let system = self.system;
        let in_group = |p: &&Port| p.status.settings.group == group;
        let candidates: Vec<PartnerKey> = self
            .ports
            .values()
            .filter(in_group)
            .filter_map(|p| p.candidate(system))
            .collect();
        let kept = self
            .aggregators
            .get(&group)
            .filter(|k| candidates.contains(k))
            .copied();
        let chosen = kept.or(candidates.first().copied());
        match chosen {
            Some(k) => self.aggregators.insert(group, k),
            None => self.aggregators.remove(&group),
        };
        for p in self.ports.values_mut() {
            if p.status.settings.group == group {
                p.status.selected = chosen.is_some() && p.candidate(system) == chosen;
            }
        }
    }
}

/// The marker response to a marker request received on port `p` (None for
/// a response, a bad marker PDU, or a port that is down).
fn marker_response(frame: &[u8], p: &Port) -> Option<Vec<u8>> {
    let m = Marker::parse(frame).ok()?;
    if m.response || !p.status.link_up {
        return None;
    }
    Some(m.response().frame(p.status.settings.mac))
}

#[cfg(test)]
mod tests;
