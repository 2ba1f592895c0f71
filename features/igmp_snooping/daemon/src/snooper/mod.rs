//! The snooper: IGMP snooping's state machines as pure logic (time is an
//! argument), unit-tested without DPDK.
//!
//! Group-only snooping as IOS does it (RFC 4541): per VLAN, the groups
//! and their member ports learned from reports (v1, v2, v3 records by
//! group, sources ignored), the multicast router ports learned from
//! queries, the querier election, the switch's own querier, and the
//! leave processing (immediate, or group-specific queries out of the
//! leaving port). Ports are plain ids, VLANs numbers, time milliseconds
//! from any origin. The task feeds it the IGMP packets punted by the
//! dataplane, the settings and the time, and carries out the `Action`s
//! it returns; it republishes the forwarding table when `take_changed`
//! says so.
//!
//! Not done: TCN query flooding, PIM/DVMRP mrouter learning, source
//! filtering (IGMPv3 sources are not kept), proxy reporting (reports are
//! relayed, not summarised), and a v1 host's presence timer (a v1
//! member is aged like the others).
#![warn(missing_docs)]

use lisa_igmp_snooping::wire::{self, IgmpRepr, QueryVersion, RecordKind};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// Most groups learned in all VLANs (static groups not counted); a join
/// for another group is refused and counted in `Stats::table_full`.
pub const MAX_GROUPS: usize = 2048;
/// The robustness variable (IOS: 2, not configurable).
pub const ROBUSTNESS: u64 = 2;
/// The query interval assumed when the querier's is not known (RFC 2236
/// and 3376 default), seconds.
pub const DEFAULT_QUERY_INTERVAL_S: u64 = 125;
/// The max response time assumed when the querier's is not known (and
/// that of a v1 query), tenths of a second.
pub const DEFAULT_MAX_RESP_DS: u64 = 100;
/// A dynamic mrouter port lives at least this long after a query (as
/// OVS), seconds.
pub const MIN_MROUTER_AGE_S: u64 = 300;
/// General queries the switch's querier sends, a quarter of the query
/// interval apart, when it starts (RFC 3376 8.6: the robustness).
pub const STARTUP_QUERIES: u8 = 2;

/// The switch's querier in a VLAN (`ip igmp snooping querier ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuerierSettings {
    /// Source address of its queries (`querier address`, else the SVI's).
    pub address: Ipv4Addr,
    /// Query interval, seconds (60).
    pub query_interval_s: u32,
    /// Max response time, seconds (10).
    pub max_response_time_s: u32,
    /// How long another querier with a lower address keeps this one
    /// silent after it was last heard, seconds (`timer expiry`, 120).
    pub timer_expiry_s: u32,
    /// Version of its queries: 1 or 2 (2).
    pub version: u8,
}

impl Default for QuerierSettings {
    fn default() -> QuerierSettings {
        QuerierSettings {
            address: Ipv4Addr::UNSPECIFIED,
            query_interval_s: 60,
            max_response_time_s: 10,
            timer_expiry_s: 120,
            version: 2,
        }
    }
}

/// Snooping's settings in one VLAN where it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanSettings {
    /// `immediate-leave`: a leave drops the port at once, with no query.
    pub immediate_leave: bool,
    /// Last member query interval, milliseconds (1000).
    pub lmqi_ms: u32,
    /// Last member query count (2).
    pub lmqc: u8,
    /// Report suppression: one v1/v2 report per group per query period
    /// goes to the mrouters (on).
    pub report_suppression: bool,
    /// The switch's querier, when enabled here with a source address.
    pub querier: Option<QuerierSettings>,
    /// Source of the group-specific queries when the querier is not
    /// configured: the VLAN's SVI address, else 0.0.0.0.
    pub fallback_source: Ipv4Addr,
    /// `mrouter interface` ports.
    pub static_mrouters: BTreeSet<u16>,
    /// `static G interface` ports, by group.
    pub static_groups: BTreeMap<Ipv4Addr, BTreeSet<u16>>,
    /// The VLAN's ports now: others lose what was learned on them.
    pub members: BTreeSet<u16>,
}

impl Default for VlanSettings {
    fn default() -> VlanSettings {
        VlanSettings {
            immediate_leave: false,
            lmqi_ms: 1000,
            lmqc: 2,
            report_suppression: true,
            querier: None,
            fallback_source: Ipv4Addr::UNSPECIFIED,
            static_mrouters: BTreeSet::new(),
            static_groups: BTreeMap::new(),
            members: BTreeSet::new(),
        }
    }
}

/// The snooper's settings: the VLANs where snooping runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// Each snooped VLAN's settings.
    pub vlans: BTreeMap<u16, VlanSettings>,
}

/// What the task must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send the received frame, unchanged, out of these ports (never
    /// empty).
    Relay {
        /// The VLAN.
        vlan: u16,
        /// The ports.
        ports: Vec<u16>,
    },
    /// Send the received frame out of every port of the VLAN but one.
    Flood {
        /// The VLAN.
        vlan: u16,
        /// The port it came in on.
        except: u16,
    },
    /// Send an IPv4 packet built here (a query or a leave), in an
    /// Ethernet frame from the switch.
    Send {
        /// The VLAN.
        vlan: u16,
        /// Out of this port; `None`: out of every port of the VLAN.
        port: Option<u16>,
        /// The whole IPv4 packet.
        ip: Vec<u8>,
    },
}

/// What the snooper counted (the proto's `IgmpStats`, less the worker's
/// `queue_full`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Queries received.
    pub queries_received: u64,
    /// IGMPv1 reports received.
    pub reports_v1: u64,
    /// IGMPv2 reports received.
    pub reports_v2: u64,
    /// IGMPv3 reports received.
    pub reports_v3: u64,
    /// Leaves received: v2 leaves and v3 records TO_IN{} or IS_IN{}.
    pub leaves: u64,
    /// General queries the switch's querier sent.
    pub general_queries_sent: u64,
    /// Group-specific queries sent for leaves.
    pub group_queries_sent: u64,
    /// Packets that were no IGMP the snooper reads (checksum, length,
    /// type).
    pub bad_frames: u64,
    /// Joins refused: the group table was full.
    pub table_full: u64,
}

/// How a group's entry came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// Learned from reports only.
    Igmp,
    /// Configured (`static`) on at least one port.
    User,
}

/// A member port of a group, for `show ip igmp snooping groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupPortView {
    /// The port.
    pub port: u16,
    /// Seconds until it is dropped unless a report comes (0: static).
    pub expires_in_s: u32,
    /// The host that last reported on it (`None`: static, never heard).
    pub last_reporter: Option<Ipv4Addr>,
}

/// A group of a VLAN, for `show ip igmp snooping groups`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    /// The VLAN.
    pub vlan: u16,
    /// The group.
    pub group: Ipv4Addr,
    /// Learned or static.
    pub kind: GroupKind,
    /// The lowest IGMP version reported on its ports (2 when static only).
    pub version: u8,
    /// Its member ports, by id.
    pub ports: Vec<GroupPortView>,
}

/// How a port became a multicast router port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrouterKind {
    /// Configured (`mrouter interface`).
    Static,
    /// A query was heard on it.
    Dynamic,
}

/// A multicast router port, for `show ip igmp snooping mrouter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrouterView {
    /// The VLAN.
    pub vlan: u16,
    /// The port.
    pub port: u16,
    /// Static or dynamic.
    pub kind: MrouterKind,
    /// Seconds until it is forgotten unless a query comes (0: static).
    pub expires_in_s: u32,
}

/// Whether the switch's querier sends a VLAN's queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuerierState {
    /// The switch's querier is off in this VLAN.
    Disabled,
    /// It sends the queries.
    Querier,
    /// Another querier with a lower address was heard: it is silent.
    NonQuerier,
}

/// A VLAN's elected querier, for `show ip igmp snooping querier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuerierView {
    /// The VLAN.
    pub vlan: u16,
    /// The querier's address (`None`: none heard, none running).
    pub address: Option<Ipv4Addr>,
    /// Its IGMP version (0 when there is none).
    pub version: u8,
    /// The port it was heard on (`None`: this switch, or none).
    pub port: Option<u16>,
    /// The querier is this switch's.
    pub this_switch: bool,
    /// The switch's querier's state in the VLAN.
    pub state: QuerierState,
    /// The switch's querier's settings, when enabled here.
    pub settings: Option<QuerierSettings>,
    /// Another querier's: seconds until it is forgotten (0 otherwise).
    pub expires_in_s: u32,
}

/// A leave being checked with group-specific queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PendingLeave {
    /// Who left (the source of the leave sent on when the group empties).
    leaver: Ipv4Addr,
    /// Queries still to send.
    queries_left: u8,
    /// When the next one goes.
    next_query_ms: u64,
    /// When the port is dropped unless a report comes.
    deadline_ms: u64,
    /// The leave was a v3 record: the report was relayed already, no v2
    /// leave is sent when the group empties.
    v3: bool,
}

/// A learned member port of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    expires_ms: u64,
    /// The lowest version reported.
    version: u8,
    /// The last reporter.
    reporter: Ipv4Addr,
    leave: Option<PendingLeave>,
}

/// Another querier heard in a VLAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OtherQuerier {
    address: Ipv4Addr,
    version: u8,
    port: u16,
    expires_ms: u64,
    /// Its query interval (QQIC, else the default), seconds.
    qi_s: u64,
    /// Its max response time, tenths of a second.
    mrt_ds: u64,
}

/// The switch's querier in a VLAN where it is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OwnQuerier {
    next_query_ms: u64,
    /// Startup queries still to send.
    startup_left: u8,
}

/// What was learned in one VLAN.
#[derive(Debug, Clone, Default)]
struct VlanState {
    /// Learned groups (never empty).
    groups: BTreeMap<Ipv4Addr, BTreeMap<u16, Member>>,
    /// Dynamic mrouter ports and when they expire.
    mrouters: BTreeMap<u16, u64>,
    /// The elected other querier: when the switch's querier is
    /// configured, only one with a lower address (it silences ours).
    other: Option<OtherQuerier>,
    /// The switch's querier (`Some` when configured).
    own: Option<OwnQuerier>,
    /// Groups a v1/v2 report was relayed for in this query period
    /// (report suppression).
    relayed: BTreeSet<Ipv4Addr>,
}

/// The snooper of every VLAN.
#[derive(Debug, Default)]
pub struct Snooper {
    settings: Settings,
    vlans: BTreeMap<u16, VlanState>,
    stats: Stats,
    changed: bool,
}

/// Milliseconds to whole seconds, rounded up (what is left of a timer).
fn secs_left(expires_ms: u64, now_ms: u64) -> u32 {
    u32::try_from(expires_ms.saturating_sub(now_ms).div_ceil(1000)).unwrap_or(u32::MAX)
}

/// A query interval in milliseconds, at least 1 s.
fn qi_ms(q: &QuerierSettings) -> u64 {
    u64::from(q.query_interval_s.max(1)) * 1000
}

/// A group a report may join: multicast, outside 224.0.0.0/24.
fn joinable(group: Ipv4Addr) -> bool {
    group.is_multicast() && !wire::is_link_local(group)
}

impl Snooper {
    /// A snooper with no VLAN.
    pub fn new() -> Snooper {
        Snooper::default()
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The counters.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Zeroes the counters (`clear ip igmp snooping statistics`).
    pub fn clear_stats(&mut self) {
        self.stats = Stats::default();
    }

    /// True if the forwarding table (`forwarding`, `mrouter_ports`)
    /// changed since the last call.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Takes new settings: VLANs gone lose their state, ports no longer
    /// members of a VLAN lose their groups and mrouter roles there, a
    /// querier just enabled starts with its startup queries (returned,
    /// with anything else due now).
    pub fn configure(&mut self, settings: Settings, now_ms: u64) -> Vec<Action> {
        let old = std::mem::replace(&mut self.settings, settings);
        let statics = |s: &Settings| -> Vec<_> {
            s.vlans
                .iter()
                .map(|(v, vs)| (*v, vs.static_mrouters.clone(), vs.static_groups.clone()))
                .collect()
        };
        if statics(&old) != statics(&self.settings) {
            self.changed = true;
        }
        let gone: Vec<u16> = self
            .vlans
            .keys()
            .filter(|v| !self.settings.vlans.contains_key(v))
            .copied()
            .collect();
        for v in gone {
            if let Some(st) = self.vlans.remove(&v) {
                self.changed |= !st.groups.is_empty() || !st.mrouters.is_empty();
            }
        }
        for (&vlan, vs) in &self.settings.vlans {
            let st = self.vlans.entry(vlan).or_default();
            let mut flushed = false;
            for ports in st.groups.values_mut() {
                let n = ports.len();
                ports.retain(|p, _| vs.members.contains(p));
                flushed |= ports.len() != n;
            }
            st.groups.retain(|_, ports| !ports.is_empty());
            let n = st.mrouters.len();
            st.mrouters.retain(|p, _| vs.members.contains(p));
            flushed |= st.mrouters.len() != n;
            self.changed |= flushed;
            match vs.querier {
                None => st.own = None,
                Some(q) => {
                    // Another querier is kept only if it beats ours.
                    if st.other.is_some_and(|o| o.address >= q.address) {
                        st.other = None;
                    }
                    match &mut st.own {
                        None => {
                            st.own = Some(OwnQuerier {
                                next_query_ms: now_ms,
                                startup_left: STARTUP_QUERIES,
                            });
                        }
                        Some(own) => {
                            own.next_query_ms = own.next_query_ms.min(now_ms + qi_ms(&q));
                        }
                    }
                }
            }
        }
        self.tick(now_ms)
    }

    /// Reads an IGMP packet (a whole IPv4 packet) received in `vlan` on
    /// `port` and says what to do with it. A packet that is no IGMP the
    /// snooper reads is counted and dropped; a packet in a VLAN that is
    /// not snooped is flooded as it is.
    pub fn receive(&mut self, now_ms: u64, vlan: u16, port: u16, ip_packet: &[u8]) -> Vec<Action> {
        if !self.settings.vlans.contains_key(&vlan) {
            return vec![Action::Flood { vlan, except: port }];
        }
        let msg = match wire::parse(ip_packet) {
            Ok(m) => m,
            Err(_) => {
                self.stats.bad_frames += 1;
                return Vec::new();
            }
        };
        let src = msg.ip.src;
        let mut out = Vec::new();
        match msg.igmp {
            IgmpRepr::Query {
                max_resp_ds,
                group,
                version,
            } => self.on_query(
                now_ms,
                vlan,
                port,
                src,
                max_resp_ds,
                group,
                version,
                &mut out,
            ),
            IgmpRepr::ReportV1 { group } => {
                self.stats.reports_v1 += 1;
                self.on_report(now_ms, vlan, port, src, group, 1, &mut out);
            }
            IgmpRepr::ReportV2 { group } => {
                self.stats.reports_v2 += 1;
                self.on_report(now_ms, vlan, port, src, group, 2, &mut out);
            }
            IgmpRepr::Leave { group } => {
                self.stats.leaves += 1;
                self.on_leave(now_ms, vlan, port, src, group, false, &mut out);
            }
            IgmpRepr::ReportV3 { records } => {
                self.stats.reports_v3 += 1;
                for r in records {
                    let join = match r.kind {
                        RecordKind::IsExclude | RecordKind::ToExclude => true,
                        RecordKind::IsInclude | RecordKind::ToInclude | RecordKind::Allow => {
                            r.sources > 0
                        }
                        RecordKind::Block | RecordKind::Unknown(_) => false,
                    };
                    let leave = matches!(r.kind, RecordKind::IsInclude | RecordKind::ToInclude)
                        && r.sources == 0;
                    if join && joinable(r.group) {
                        self.join(now_ms, vlan, port, r.group, 3, src);
                    } else if leave {
                        self.stats.leaves += 1;
                        self.on_leave(now_ms, vlan, port, src, r.group, true, &mut out);
                    }
                }
                // v3 reports are always relayed, never suppressed.
                self.relay_to_mrouters(vlan, port, &mut out);
            }
        }
        out
    }

    /// Ages what was learned and sends what is due: group-specific
    /// queries of pending leaves (and the drop at their end), members
    /// and mrouters expired, other queriers forgotten, general queries.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        let vlans: Vec<u16> = self.settings.vlans.keys().copied().collect();
        for vlan in vlans {
            self.tick_leaves(now_ms, vlan, &mut out);
            self.tick_querier(now_ms, vlan, &mut out);
        }
        out
    }

    /// Forgets what was learned on `port` in every VLAN (port down or
    /// removed): its groups and its dynamic mrouter role. True if the
    /// table changed.
    pub fn port_down(&mut self, port: u16) -> bool {
        let mut changed = false;
        for st in self.vlans.values_mut() {
            for ports in st.groups.values_mut() {
                changed |= ports.remove(&port).is_some();
            }
            st.groups.retain(|_, ports| !ports.is_empty());
            changed |= st.mrouters.remove(&port).is_some();
        }
        self.changed |= changed;
        changed
    }

    /// The registered groups of every VLAN (learned or static) and the
    /// ports their traffic goes out of: members and the VLAN's mrouters,
    /// sorted.
    pub fn forwarding(&self) -> Vec<(u16, Ipv4Addr, Vec<u16>)> {
        let mut out = Vec::new();
        for (&vlan, vs) in &self.settings.vlans {
            let mrouters = self.mrouter_ports(vlan);
            let learned = self.vlans.get(&vlan).map(|st| &st.groups);
            let mut groups: BTreeMap<Ipv4Addr, BTreeSet<u16>> = BTreeMap::new();
            for (g, ports) in learned.into_iter().flatten() {
                groups.entry(*g).or_default().extend(ports.keys());
            }
            for (g, ports) in &vs.static_groups {
                groups.entry(*g).or_default().extend(ports);
            }
            for (g, mut ports) in groups {
                ports.extend(&mrouters);
                out.push((vlan, g, ports.into_iter().collect()));
            }
        }
        out
    }

    /// The mrouter ports of a VLAN, static and dynamic, sorted.
    pub fn mrouter_ports(&self, vlan: u16) -> Vec<u16> {
        let mut ports: BTreeSet<u16> = BTreeSet::new();
        if let Some(vs) = self.settings.vlans.get(&vlan) {
            ports.extend(&vs.static_mrouters);
        }
        if let Some(st) = self.vlans.get(&vlan) {
            ports.extend(st.mrouters.keys());
        }
        ports.into_iter().collect()
    }

    /// Every group of every VLAN, learned or static, with its ports.
    pub fn groups(&self, now_ms: u64) -> Vec<GroupView> {
        let mut out = Vec::new();
        for (&vlan, vs) in &self.settings.vlans {
            let empty = BTreeMap::new();
            let learned = self.vlans.get(&vlan).map_or(&empty, |st| &st.groups);
            let keys: BTreeSet<Ipv4Addr> = learned
                .keys()
                .chain(vs.static_groups.keys())
                .copied()
                .collect();
            for group in keys {
                let members = learned.get(&group);
                let statics = vs.static_groups.get(&group);
                let is_user = statics.is_some_and(|s| !s.is_empty());
                let mut ports: BTreeMap<u16, GroupPortView> = BTreeMap::new();
                for (&port, m) in members.into_iter().flatten() {
                    ports.insert(
                        port,
                        GroupPortView {
                            port,
                            expires_in_s: secs_left(m.expires_ms, now_ms),
                            last_reporter: Some(m.reporter),
                        },
                    );
                }
                for &port in statics.into_iter().flatten() {
                    let p = ports.entry(port).or_insert(GroupPortView {
                        port,
                        expires_in_s: 0,
                        last_reporter: None,
                    });
                    p.expires_in_s = 0;
                }
                let version = members
                    .and_then(|m| m.values().map(|m| m.version).min())
                    .unwrap_or(2);
                out.push(GroupView {
                    vlan,
                    group,
                    kind: if is_user {
                        GroupKind::User
                    } else {
                        GroupKind::Igmp
                    },
                    version,
                    ports: ports.into_values().collect(),
                });
            }
        }
        out
    }

    /// Every mrouter port of every VLAN: static ones, then dynamic ones
    /// that are not also static.
    pub fn mrouters(&self, now_ms: u64) -> Vec<MrouterView> {
        let mut out = Vec::new();
        for (&vlan, vs) in &self.settings.vlans {
            let mut ports: BTreeMap<u16, MrouterView> = BTreeMap::new();
            if let Some(st) = self.vlans.get(&vlan) {
                for (&port, &expires) in &st.mrouters {
                    ports.insert(
                        port,
                        MrouterView {
                            vlan,
                            port,
                            kind: MrouterKind::Dynamic,
                            expires_in_s: secs_left(expires, now_ms),
                        },
                    );
                }
            }
            for &port in &vs.static_mrouters {
                ports.insert(
                    port,
                    MrouterView {
                        vlan,
                        port,
                        kind: MrouterKind::Static,
                        expires_in_s: 0,
                    },
                );
            }
            out.extend(ports.into_values());
        }
        out
    }

    /// The elected querier of every snooped VLAN.
    pub fn queriers(&self, now_ms: u64) -> Vec<QuerierView> {
        let mut out = Vec::new();
        for (&vlan, vs) in &self.settings.vlans {
            let other = self.vlans.get(&vlan).and_then(|st| st.other);
            let mut v = QuerierView {
                vlan,
                address: None,
                version: 0,
                port: None,
                this_switch: false,
                state: QuerierState::Disabled,
                settings: vs.querier,
                expires_in_s: 0,
            };
            if let Some(o) = other {
                v.address = Some(o.address);
                v.version = o.version;
                v.port = Some(o.port);
                v.expires_in_s = secs_left(o.expires_ms, now_ms);
            }
            if let Some(q) = vs.querier {
                if other.is_some() {
                    v.state = QuerierState::NonQuerier;
                } else {
                    v.state = QuerierState::Querier;
                    v.address = Some(q.address);
                    v.version = q.version;
                    v.this_switch = true;
                }
            }
            out.push(v);
        }
        out
    }

    /// The group membership interval of a VLAN: robustness × QI + MRT of
    /// the elected querier (260 s when none is known).
    fn gmi_ms(&self, vlan: u16) -> u64 {
        let other = self.vlans.get(&vlan).and_then(|st| st.other);
        let ours = self.settings.vlans.get(&vlan).and_then(|vs| vs.querier);
        let (qi_s, mrt_ds) = match (other, ours) {
            (Some(o), _) => (o.qi_s, o.mrt_ds),
            (None, Some(q)) => (
                u64::from(q.query_interval_s.max(1)),
                u64::from(q.max_response_time_s) * 10,
            ),
            (None, None) => (DEFAULT_QUERY_INTERVAL_S, DEFAULT_MAX_RESP_DS),
        };
        ROBUSTNESS * qi_s * 1000 + mrt_ds * 100
    }

    /// A query: its port becomes a dynamic mrouter, the election runs,
    /// and it is flooded to the VLAN's other ports.
    #[allow(clippy::too_many_arguments)]
    fn on_query(
        &mut self,
        now_ms: u64,
        vlan: u16,
        port: u16,
        src: Ipv4Addr,
        max_resp_ds: u16,
        group: Ipv4Addr,
        version: QueryVersion,
        out: &mut Vec<Action>,
    ) {
        self.stats.queries_received += 1;
        let ours = self.settings.vlans.get(&vlan).and_then(|vs| vs.querier);
        let st = self.vlans.entry(vlan).or_default();
        let own_address = ours.map(|q| q.address);
        if !src.is_unspecified() && Some(src) != own_address {
            let qi_s = match version {
                QueryVersion::V3(v3) if v3.qqi_s > 0 => u64::from(v3.qqi_s),
                _ => DEFAULT_QUERY_INTERVAL_S,
            };
            let mrt_ds = match u64::from(max_resp_ds) {
                0 => DEFAULT_MAX_RESP_DS,
                ds => ds,
            };
            let age_s = (2 * qi_s + mrt_ds.div_ceil(10)).max(MIN_MROUTER_AGE_S);
            if st.mrouters.insert(port, now_ms + age_s * 1000).is_none() {
                self.changed = true;
            }
            let heard = OtherQuerier {
                address: src,
                version: version.number(),
                port,
                expires_ms: 0,
                qi_s,
                mrt_ds,
            };
            // The lowest address wins; one not heard for its time is
            // out of the running.
            let elected = match st.other {
                None => true,
                Some(o) => o.expires_ms <= now_ms || src <= o.address,
            } && ours.is_none_or(|q| src < q.address);
            if elected {
                let keep_ms = match ours {
                    // `timer expiry` silences ours.
                    Some(q) => u64::from(q.timer_expiry_s) * 1000,
                    // Other querier present interval: 2 × QI + MRT / 2.
                    None => 2 * qi_s * 1000 + mrt_ds * 50,
                };
                st.other = Some(OtherQuerier {
                    expires_ms: now_ms + keep_ms,
                    ..heard
                });
            }
        }
        if group.is_unspecified() {
            st.relayed.clear();
        } else {
            st.relayed.remove(&group);
        }
        out.push(Action::Flood { vlan, except: port });
    }

    /// A v1/v2 report: join (unless 224.0.0.x), then relay to the
    /// mrouters, the first per group per query period when suppressing.
    #[allow(clippy::too_many_arguments)]
    fn on_report(
        &mut self,
        now_ms: u64,
        vlan: u16,
        port: u16,
        src: Ipv4Addr,
        group: Ipv4Addr,
        version: u8,
        out: &mut Vec<Action>,
    ) {
        let joined = joinable(group) && self.join(now_ms, vlan, port, group, version, src);
        let suppress = self
            .settings
            .vlans
            .get(&vlan)
            .is_some_and(|vs| vs.report_suppression);
        if joined && suppress {
            let has_mrouter = self.mrouter_ports(vlan).iter().any(|p| *p != port);
            let st = self.vlans.entry(vlan).or_default();
            if st.relayed.contains(&group) {
                return;
            }
            if has_mrouter {
                st.relayed.insert(group);
            }
        }
        self.relay_to_mrouters(vlan, port, out);
    }

    /// Relays the received frame to the VLAN's mrouters but `port`.
    fn relay_to_mrouters(&self, vlan: u16, port: u16, out: &mut Vec<Action>) {
        let ports: Vec<u16> = self
            .mrouter_ports(vlan)
            .into_iter()
            .filter(|p| *p != port)
            .collect();
        if !ports.is_empty() {
            out.push(Action::Relay { vlan, ports });
        }
    }

    /// Joins (or refreshes) `port` to `group`, cancelling a pending
    /// leave. False if the table is full.
    fn join(
        &mut self,
        now_ms: u64,
        vlan: u16,
        port: u16,
        group: Ipv4Addr,
        version: u8,
        reporter: Ipv4Addr,
    ) -> bool {
        let expires_ms = now_ms + self.gmi_ms(vlan);
        let learned: usize = self.vlans.values().map(|st| st.groups.len()).sum();
        let st = self.vlans.entry(vlan).or_default();
        if !st.groups.contains_key(&group) && learned >= MAX_GROUPS {
            self.stats.table_full += 1;
            return false;
        }
        let ports = st.groups.entry(group).or_default();
        match ports.get_mut(&port) {
            Some(m) => {
                m.expires_ms = expires_ms;
                m.version = m.version.min(version);
                m.reporter = reporter;
                m.leave = None;
            }
            None => {
                ports.insert(
                    port,
                    Member {
                        expires_ms,
                        version,
                        reporter,
                        leave: None,
                    },
                );
                self.changed = true;
            }
        }
        true
    }

    /// A group-specific query for `group` out of `port`, as the switch
    /// sends them for a leave.
    fn gsq(&mut self, vlan: u16, port: u16, group: Ipv4Addr, out: &mut Vec<Action>) {
        let Some(vs) = self.settings.vlans.get(&vlan) else {
            return;
        };
        let src = vs.querier.map_or(vs.fallback_source, |q| q.address);
        let max_resp_ds = u16::try_from((vs.lmqi_ms / 100).max(1)).unwrap_or(u16::MAX);
        out.push(Action::Send {
            vlan,
            port: Some(port),
            ip: wire::query_packet(src, group, max_resp_ds, 2),
        });
        self.stats.group_queries_sent += 1;
        if let Some(st) = self.vlans.get_mut(&vlan) {
            st.relayed.remove(&group);
        }
    }

    /// A leave of `group` on `port` (a v2 leave, or a v3 record with no
    /// source to include): drop the port at once with immediate-leave,
    /// else start the group-specific queries.
    #[allow(clippy::too_many_arguments)]
    fn on_leave(
        &mut self,
        now_ms: u64,
        vlan: u16,
        port: u16,
        src: Ipv4Addr,
        group: Ipv4Addr,
        v3: bool,
        out: &mut Vec<Action>,
    ) {
        let Some(vs) = self.settings.vlans.get(&vlan) else {
            return;
        };
        let (immediate, lmqi_ms, lmqc) = (vs.immediate_leave, u64::from(vs.lmqi_ms), vs.lmqc);
        let Some(st) = self.vlans.get_mut(&vlan) else {
            return;
        };
        let Some(member) = st
            .groups
            .get_mut(&group)
            .and_then(|ports| ports.get_mut(&port))
        else {
            return;
        };
        if immediate {
            self.drop_member(vlan, port, group);
            if !v3 && self.emptied(vlan, group) {
                // The received leave goes on to the mrouters.
                self.relay_to_mrouters(vlan, port, out);
            }
            return;
        }
        if member.leave.is_some() {
            return;
        }
        member.leave = Some(PendingLeave {
            leaver: src,
            queries_left: lmqc.saturating_sub(1),
            next_query_ms: now_ms + lmqi_ms,
            deadline_ms: now_ms + u64::from(lmqc.max(1)) * lmqi_ms,
            v3,
        });
        self.gsq(vlan, port, group, out);
    }

    /// Removes a learned member (and its group when it was the last).
    fn drop_member(&mut self, vlan: u16, port: u16, group: Ipv4Addr) {
        let Some(st) = self.vlans.get_mut(&vlan) else {
            return;
        };
        if let Some(ports) = st.groups.get_mut(&group) {
            if ports.remove(&port).is_some() {
                self.changed = true;
            }
            if ports.is_empty() {
                st.groups.remove(&group);
                st.relayed.remove(&group);
            }
        }
    }

    /// True if `group` has no port left in `vlan`, learned or static.
    fn emptied(&self, vlan: u16, group: Ipv4Addr) -> bool {
        let learned = self
            .vlans
            .get(&vlan)
            .is_some_and(|st| st.groups.contains_key(&group));
        let configured = self
            .settings
            .vlans
            .get(&vlan)
            .and_then(|vs| vs.static_groups.get(&group))
            .is_some_and(|ports| !ports.is_empty());
        !learned && !configured
    }

    /// Pending leaves (queries due, ports dropped at their deadline) and
    /// member aging in one VLAN.
    fn tick_leaves(&mut self, now_ms: u64, vlan: u16, out: &mut Vec<Action>) {
        let Some(lmqi_ms) = self
            .settings
            .vlans
            .get(&vlan)
            .map(|vs| u64::from(vs.lmqi_ms))
        else {
            return;
        };
        let Some(st) = self.vlans.get_mut(&vlan) else {
            return;
        };
        let mut queries = Vec::new();
        let mut left = Vec::new();
        let mut aged = Vec::new();
        for (&group, ports) in &mut st.groups {
            for (&port, m) in ports.iter_mut() {
                if let Some(l) = &mut m.leave {
                    if l.deadline_ms <= now_ms {
                        left.push((port, group, *l));
                        continue;
                    }
                    if l.queries_left > 0 && l.next_query_ms <= now_ms {
                        l.queries_left -= 1;
                        l.next_query_ms += lmqi_ms;
                        queries.push((port, group));
                    }
                }
                if m.expires_ms <= now_ms {
                    aged.push((port, group));
                }
            }
        }
        for (port, group) in queries {
            self.gsq(vlan, port, group, out);
        }
        for (port, group) in aged {
            self.drop_member(vlan, port, group);
        }
        for (port, group, l) in left {
            self.drop_member(vlan, port, group);
            if !l.v3 && self.emptied(vlan, group) {
                for m in self.mrouter_ports(vlan) {
                    if m != port {
                        out.push(Action::Send {
                            vlan,
                            port: Some(m),
                            ip: wire::leave_packet(l.leaver, group),
                        });
                    }
                }
            }
        }
        if let Some(st) = self.vlans.get_mut(&vlan) {
            let n = st.mrouters.len();
            st.mrouters.retain(|_, expires| *expires > now_ms);
            if st.mrouters.len() != n {
                self.changed = true;
            }
        }
    }

    /// Another querier forgotten, and the switch's querier's general
    /// queries, in one VLAN.
    fn tick_querier(&mut self, now_ms: u64, vlan: u16, out: &mut Vec<Action>) {
        let ours = self.settings.vlans.get(&vlan).and_then(|vs| vs.querier);
        let Some(st) = self.vlans.get_mut(&vlan) else {
            return;
        };
        if st.other.is_some_and(|o| o.expires_ms <= now_ms) {
            st.other = None;
            // Ours takes over at once (RFC 3376 6.6.2).
            if let Some(own) = &mut st.own {
                own.next_query_ms = now_ms;
                own.startup_left = 0;
            }
        }
        let (Some(q), Some(own)) = (ours, &mut st.own) else {
            return;
        };
        if st.other.is_some() || own.next_query_ms > now_ms {
            return;
        }
        let qi = qi_ms(&q);
        own.startup_left = own.startup_left.saturating_sub(1);
        own.next_query_ms = now_ms + if own.startup_left > 0 { qi / 4 } else { qi };
        st.relayed.clear();
        let max_resp_ds =
            u16::try_from(q.max_response_time_s.saturating_mul(10)).unwrap_or(u16::MAX);
        out.push(Action::Send {
            vlan,
            port: None,
            ip: wire::query_packet(q.address, Ipv4Addr::UNSPECIFIED, max_resp_ds, q.version),
        });
        self.stats.general_queries_sent += 1;
    }
}

#[cfg(test)]
mod tests;
