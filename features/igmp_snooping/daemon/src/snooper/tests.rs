use super::*;
use lisa_igmp_snooping::wire::{GroupRecord, IgmpMessage, QueryV3};

const VLAN: u16 = 10;
/// The router (or external querier) sits on port 4.
const ROUTER_PORT: u16 = 4;
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const G2: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 2);
const G3: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 3);
const HOST1: Ipv4Addr = Ipv4Addr::new(10, 66, 10, 11);
const HOST2: Ipv4Addr = Ipv4Addr::new(10, 66, 10, 12);
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 66, 10, 1);
const SWITCH: Ipv4Addr = Ipv4Addr::new(10, 66, 10, 254);
const SVI: Ipv4Addr = Ipv4Addr::new(10, 66, 10, 253);

fn vlan_settings() -> VlanSettings {
    VlanSettings {
        fallback_source: SVI,
        members: BTreeSet::from([1, 2, 3, 4]),
        ..VlanSettings::default()
    }
}

fn settings_with(f: impl FnOnce(&mut VlanSettings)) -> Settings {
    let mut vs = vlan_settings();
    f(&mut vs);
    Settings {
        vlans: BTreeMap::from([(VLAN, vs)]),
    }
}

fn querier() -> QuerierSettings {
    QuerierSettings {
        address: SWITCH,
        ..QuerierSettings::default()
    }
}

/// A snooper for VLAN 10 (ports 1-4), configured at time 0.
fn snooper(f: impl FnOnce(&mut VlanSettings)) -> Snooper {
    let mut s = Snooper::new();
    s.configure(settings_with(f), 0);
    s.take_changed();
    s
}

/// A snooper with a static mrouter on port 4.
fn with_mrouter() -> Snooper {
    snooper(|vs| {
        vs.static_mrouters.insert(ROUTER_PORT);
    })
}

fn report_v2(src: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    wire::ip_packet(src, group, &IgmpRepr::ReportV2 { group })
}

fn leave_v2(src: Ipv4Addr, group: Ipv4Addr) -> Vec<u8> {
    wire::leave_packet(src, group)
}

fn report_v3(src: Ipv4Addr, records: &[(RecordKind, Ipv4Addr, usize)]) -> Vec<u8> {
    let records = records
        .iter()
        .map(|&(kind, group, sources)| GroupRecord {
            kind,
            group,
            sources,
            aux_words: 0,
        })
        .collect();
    wire::ip_packet(src, wire::ALL_V3_ROUTERS, &IgmpRepr::ReportV3 { records })
}

fn general_query(src: Ipv4Addr) -> Vec<u8> {
    wire::query_packet(src, Ipv4Addr::UNSPECIFIED, 100, 2)
}

fn ports_of(s: &Snooper, group: Ipv4Addr) -> Option<Vec<u16>> {
    s.forwarding()
        .into_iter()
        .find(|(v, g, _)| *v == VLAN && *g == group)
        .map(|(_, _, ports)| ports)
}

/// The packets of the `Send` actions, with where they go.
fn sent(actions: &[Action]) -> Vec<(Option<u16>, IgmpMessage)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { vlan, port, ip } => {
                assert_eq!(*vlan, VLAN);
                Some((*port, wire::parse(ip).expect("a valid packet")))
            }
            _ => None,
        })
        .collect()
}

fn relay(ports: &[u16]) -> Action {
    Action::Relay {
        vlan: VLAN,
        ports: ports.to_vec(),
    }
}

/// Asserts that `m` is a v2 group-specific query for `group` from
/// `src`, max-resp 1 s.
fn assert_gsq(m: &IgmpMessage, src: Ipv4Addr, group: Ipv4Addr) {
    assert_eq!((m.ip.src, m.ip.dst), (src, group));
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 10,
            group,
            version: QueryVersion::V2,
        }
    );
}

fn is_general_query(m: &IgmpMessage) -> bool {
    m.ip.dst == wire::ALL_SYSTEMS
        && matches!(m.igmp, IgmpRepr::Query { group, .. } if group.is_unspecified())
}

#[test]
fn a_report_joins_and_the_forwarding_list_follows() {
    let mut s = snooper(|_| {});
    // No mrouter: the report goes nowhere.
    assert_eq!(s.receive(0, VLAN, 1, &report_v2(HOST1, G)), vec![]);
    assert_eq!(s.forwarding(), vec![(VLAN, G, vec![1])]);
    assert!(s.take_changed());
    assert!(!s.take_changed());
    // A refresh changes nothing.
    s.receive(1000, VLAN, 1, &report_v2(HOST1, G));
    assert!(!s.take_changed());
    s.receive(1000, VLAN, 2, &report_v2(HOST2, G));
    assert!(s.take_changed());
    assert_eq!(ports_of(&s, G), Some(vec![1, 2]));
    assert_eq!(s.stats().reports_v2, 3);
    let groups = s.groups(1000);
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].kind, groups[0].version), (GroupKind::Igmp, 2));
    assert_eq!(
        groups[0].ports[1],
        GroupPortView {
            port: 2,
            expires_in_s: 260,
            last_reporter: Some(HOST2),
        }
    );
    // The mrouters are in every group's list.
    let mut s = with_mrouter();
    assert_eq!(
        s.receive(0, VLAN, 1, &report_v2(HOST1, G)),
        vec![relay(&[ROUTER_PORT])]
    );
    assert_eq!(ports_of(&s, G), Some(vec![1, ROUTER_PORT]));
    assert_eq!(s.mrouter_ports(VLAN), vec![ROUTER_PORT]);
}

#[test]
fn a_port_ages_out_after_the_group_membership_interval() {
    let mut s = snooper(|_| {});
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.take_changed();
    // GMI = 2 × 125 s + 10 s with no querier known.
    assert_eq!(s.tick(259_999), vec![]);
    assert_eq!(ports_of(&s, G), Some(vec![1]));
    assert!(!s.take_changed());
    s.tick(260_000);
    assert_eq!(ports_of(&s, G), None);
    assert!(s.take_changed());
    assert!(s.groups(260_000).is_empty());
}

#[test]
fn the_group_membership_interval_follows_the_querier() {
    // Ours: QI 60 s, MRT 10 s: 130 s.
    let mut s = snooper(|vs| vs.querier = Some(querier()));
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.tick(129_999);
    assert_eq!(ports_of(&s, G), Some(vec![1]));
    s.tick(130_000);
    assert_eq!(ports_of(&s, G), None);
    // Another v3 querier with QQIC 30 s, MRT 5 s: 65 s.
    let mut s = snooper(|_| {});
    let q = wire::ip_packet(
        ROUTER,
        wire::ALL_SYSTEMS,
        &IgmpRepr::Query {
            max_resp_ds: 50,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V3(QueryV3 {
                qqi_s: 30,
                ..QueryV3::default()
            }),
        },
    );
    s.receive(0, VLAN, ROUTER_PORT, &q);
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    assert_eq!(s.groups(0)[0].ports[0].expires_in_s, 65);
}

#[test]
fn a_leave_sends_two_group_queries_out_of_its_port_then_drops_it() {
    let mut s = with_mrouter();
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.receive(0, VLAN, 2, &report_v2(HOST2, G));
    let a = s.receive(10_000, VLAN, 1, &leave_v2(HOST1, G));
    // Not relayed (port 2 is still a member): one GSQ out of port 1 only,
    // from the SVI's address (no querier configured).
    let q = sent(&a);
    assert_eq!(a.len(), 1);
    assert_eq!(q[0].0, Some(1));
    assert_gsq(&q[0].1, SVI, G);
    assert_eq!(s.stats().leaves, 1);
    assert_eq!(s.tick(10_999), vec![]);
    let q = sent(&s.tick(11_000));
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, Some(1));
    assert_gsq(&q[0].1, SVI, G);
    assert_eq!(s.tick(11_999), vec![]);
    assert_eq!(ports_of(&s, G), Some(vec![1, 2, ROUTER_PORT]));
    s.take_changed();
    // No third query; port 1 goes at 2 × LMQI.
    assert_eq!(s.tick(12_000), vec![]);
    assert_eq!(ports_of(&s, G), Some(vec![2, ROUTER_PORT]));
    assert!(s.take_changed());
    assert_eq!(s.stats().group_queries_sent, 2);
    // The last member leaves: the group goes, and a leave goes to the
    // mrouter from the host that left.
    s.receive(20_000, VLAN, 2, &leave_v2(HOST2, G));
    s.tick(21_000);
    let a = s.tick(22_000);
    let l = sent(&a);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].0, Some(ROUTER_PORT));
    assert_eq!((l[0].1.ip.src, l[0].1.ip.dst), (HOST2, wire::ALL_ROUTERS));
    assert_eq!(l[0].1.igmp, IgmpRepr::Leave { group: G });
    assert_eq!(ports_of(&s, G), None);
}

#[test]
fn a_report_after_the_group_query_keeps_the_port() {
    let mut s = snooper(|vs| vs.querier = Some(querier()));
    s.tick(0);
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    let a = s.receive(1000, VLAN, 1, &leave_v2(HOST1, G));
    // With the querier configured, its address is the source.
    assert_gsq(&sent(&a)[0].1, SWITCH, G);
    s.receive(1500, VLAN, 1, &report_v2(HOST1, G));
    assert!(sent(&s.tick(2000)).is_empty(), "no second query");
    s.tick(3000);
    s.tick(10_000);
    assert_eq!(ports_of(&s, G), Some(vec![1]));
    // A leave from a port that is no member does nothing.
    assert_eq!(s.receive(11_000, VLAN, 3, &leave_v2(HOST2, G)), vec![]);
    // A second leave while one is pending does not start again.
    s.receive(12_000, VLAN, 1, &leave_v2(HOST1, G));
    assert_eq!(s.receive(12_500, VLAN, 1, &leave_v2(HOST1, G)), vec![]);
    s.tick(14_000);
    assert_eq!(ports_of(&s, G), None);
}

#[test]
fn immediate_leave_drops_the_port_at_once() {
    let mut s = snooper(|vs| {
        vs.immediate_leave = true;
        vs.static_mrouters.insert(ROUTER_PORT);
    });
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.receive(0, VLAN, 2, &report_v2(HOST2, G));
    s.take_changed();
    assert_eq!(s.receive(1000, VLAN, 1, &leave_v2(HOST1, G)), vec![]);
    assert_eq!(ports_of(&s, G), Some(vec![2, ROUTER_PORT]));
    assert!(s.take_changed());
    // The last one: the leave itself goes on to the mrouter.
    assert_eq!(
        s.receive(1000, VLAN, 2, &leave_v2(HOST2, G)),
        vec![relay(&[ROUTER_PORT])]
    );
    assert_eq!(ports_of(&s, G), None);
    assert_eq!(s.stats().group_queries_sent, 0);
}

#[test]
fn the_querier_starts_with_two_queries_then_one_every_interval() {
    let mut s = Snooper::new();
    let a = s.configure(settings_with(|vs| vs.querier = Some(querier())), 0);
    let q = sent(&a);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, None, "flooded in the VLAN");
    let m = &q[0].1;
    assert_eq!(
        (m.ip.src, m.ip.dst, m.ip.ttl),
        (SWITCH, wire::ALL_SYSTEMS, 1)
    );
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 100,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V2,
        }
    );
    // QI / 4 = 15 s, then QI = 60 s.
    assert_eq!(s.tick(14_999), vec![]);
    assert_eq!(sent(&s.tick(15_000)).len(), 1);
    assert_eq!(s.tick(74_999), vec![]);
    assert!(is_general_query(&sent(&s.tick(75_000))[0].1));
    assert_eq!(s.tick(134_999), vec![]);
    assert_eq!(sent(&s.tick(135_000)).len(), 1);
    assert_eq!(s.stats().general_queries_sent, 4);
    // Configuring again changes nothing in the schedule.
    assert_eq!(
        s.configure(settings_with(|vs| vs.querier = Some(querier())), 136_000),
        vec![]
    );
    let v = s.queriers(136_000);
    assert_eq!(
        v,
        vec![QuerierView {
            vlan: VLAN,
            address: Some(SWITCH),
            version: 2,
            port: None,
            this_switch: true,
            state: QuerierState::Querier,
            settings: Some(querier()),
            expires_in_s: 0,
        }]
    );
    // Off: no more queries.
    s.configure(settings_with(|_| {}), 137_000);
    assert_eq!(s.tick(1_000_000), vec![]);
    assert_eq!(s.queriers(1_000_000)[0].state, QuerierState::Disabled);
}

#[test]
fn a_lower_querier_silences_ours_until_the_timer_expires() {
    let mut s = Snooper::new();
    s.configure(settings_with(|vs| vs.querier = Some(querier())), 0);
    // A query from a higher address: flooded, an mrouter, but ours stays.
    let higher = Ipv4Addr::new(10, 66, 10, 255);
    let a = s.receive(1000, VLAN, 3, &general_query(higher));
    assert_eq!(
        a,
        vec![Action::Flood {
            vlan: VLAN,
            except: 3
        }]
    );
    assert_eq!(s.queriers(1000)[0].state, QuerierState::Querier);
    // A lower one on port 4.
    let a = s.receive(2000, VLAN, ROUTER_PORT, &general_query(ROUTER));
    assert_eq!(
        a,
        vec![Action::Flood {
            vlan: VLAN,
            except: ROUTER_PORT
        }]
    );
    assert_eq!(s.stats().queries_received, 2);
    let v = s.queriers(2000)[0];
    assert_eq!(v.state, QuerierState::NonQuerier);
    assert_eq!(
        (v.address, v.port, v.version, v.this_switch, v.expires_in_s),
        (Some(ROUTER), Some(ROUTER_PORT), 2, false, 120)
    );
    assert_eq!(s.mrouter_ports(VLAN), vec![3, ROUTER_PORT]);
    // The startup query at 15 s is not sent; nothing until 122 s.
    for t in (2000..122_000).step_by(500) {
        assert!(sent(&s.tick(t)).is_empty(), "at {t}");
    }
    let q = sent(&s.tick(122_000));
    assert_eq!(q.len(), 1);
    assert!(is_general_query(&q[0].1));
    assert_eq!(s.queriers(122_000)[0].state, QuerierState::Querier);
    // Then one every QI.
    assert!(sent(&s.tick(181_999)).is_empty());
    assert_eq!(sent(&s.tick(182_000)).len(), 1);
}

#[test]
fn without_our_querier_the_lowest_heard_is_shown() {
    let mut s = snooper(|_| {});
    s.receive(0, VLAN, 3, &general_query(Ipv4Addr::new(10, 66, 10, 5)));
    s.receive(0, VLAN, ROUTER_PORT, &general_query(ROUTER));
    s.receive(1000, VLAN, 3, &general_query(Ipv4Addr::new(10, 66, 10, 5)));
    let v = s.queriers(1000)[0];
    assert_eq!(
        (v.address, v.port, v.state),
        (Some(ROUTER), Some(ROUTER_PORT), QuerierState::Disabled)
    );
    // Other querier present interval: 2 × 125 + 10 / 2 = 255 s.
    assert_eq!(v.expires_in_s, 254);
    // A query from 0.0.0.0 is flooded but elects nothing and is no
    // mrouter.
    let mut s = snooper(|_| {});
    assert_eq!(
        s.receive(0, VLAN, 2, &general_query(Ipv4Addr::UNSPECIFIED)),
        vec![Action::Flood {
            vlan: VLAN,
            except: 2
        }]
    );
    assert_eq!(s.queriers(0)[0].address, None);
    assert!(s.mrouter_ports(VLAN).is_empty());
}

#[test]
fn queries_make_dynamic_mrouters_that_age() {
    let mut s = snooper(|_| {});
    s.receive(0, VLAN, ROUTER_PORT, &general_query(ROUTER));
    assert!(s.take_changed());
    assert_eq!(
        s.mrouters(0),
        vec![MrouterView {
            vlan: VLAN,
            port: ROUTER_PORT,
            kind: MrouterKind::Dynamic,
            expires_in_s: 300,
        }]
    );
    // A group-specific query (from the router) is flooded and refreshes.
    let gsq = wire::query_packet(ROUTER, G, 10, 2);
    assert_eq!(
        s.receive(100_000, VLAN, ROUTER_PORT, &gsq),
        vec![Action::Flood {
            vlan: VLAN,
            except: ROUTER_PORT
        }]
    );
    s.tick(399_999);
    assert_eq!(s.mrouter_ports(VLAN), vec![ROUTER_PORT]);
    s.tick(400_000);
    assert!(s.mrouter_ports(VLAN).is_empty());
    assert!(s.take_changed());
    // A v3 query with QQIC 200 s: 2 × 200 + 10 = 410 s.
    let q = wire::ip_packet(
        ROUTER,
        wire::ALL_SYSTEMS,
        &IgmpRepr::Query {
            max_resp_ds: 100,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V3(QueryV3 {
                qqi_s: 200,
                ..QueryV3::default()
            }),
        },
    );
    s.receive(0, VLAN, 1, &q);
    assert_eq!(s.mrouters(0)[0].expires_in_s, 410);
}

#[test]
fn report_suppression_relays_one_report_per_group_per_query() {
    let mut s = with_mrouter();
    let r = relay(&[ROUTER_PORT]);
    assert_eq!(s.receive(0, VLAN, 1, &report_v2(HOST1, G)), vec![r.clone()]);
    assert_eq!(s.receive(100, VLAN, 2, &report_v2(HOST2, G)), vec![]);
    // Another group is relayed.
    assert_eq!(
        s.receive(200, VLAN, 2, &report_v2(HOST2, G2)),
        vec![r.clone()]
    );
    // A general query opens a new period.
    s.receive(1000, VLAN, ROUTER_PORT, &general_query(ROUTER));
    assert_eq!(
        s.receive(2000, VLAN, 2, &report_v2(HOST2, G)),
        vec![r.clone()]
    );
    assert_eq!(s.receive(2100, VLAN, 1, &report_v2(HOST1, G)), vec![]);
    // So does a group-specific query for the group.
    s.receive(
        3000,
        VLAN,
        ROUTER_PORT,
        &wire::query_packet(ROUTER, G, 10, 2),
    );
    assert_eq!(
        s.receive(3100, VLAN, 1, &report_v2(HOST1, G)),
        vec![r.clone()]
    );
    // And a general query of our own querier.
    let mut s = snooper(|vs| {
        vs.static_mrouters.insert(ROUTER_PORT);
        vs.querier = Some(querier());
    });
    assert_eq!(s.receive(0, VLAN, 1, &report_v2(HOST1, G)), vec![r.clone()]);
    assert_eq!(s.receive(10, VLAN, 1, &report_v2(HOST1, G)), vec![]);
    assert_eq!(sent(&s.tick(15_000)).len(), 1);
    assert_eq!(
        s.receive(15_010, VLAN, 1, &report_v2(HOST1, G)),
        vec![r.clone()]
    );
    // Off: every report goes.
    let mut s = snooper(|vs| {
        vs.static_mrouters.insert(ROUTER_PORT);
        vs.report_suppression = false;
    });
    for t in 0..3 {
        assert_eq!(s.receive(t, VLAN, 1, &report_v2(HOST1, G)), vec![r.clone()]);
    }
    // A report heard on the mrouter port itself goes to the others only.
    let mut s = snooper(|vs| {
        vs.static_mrouters.extend([3, ROUTER_PORT]);
    });
    assert_eq!(
        s.receive(0, VLAN, ROUTER_PORT, &report_v2(HOST1, G)),
        vec![relay(&[3])]
    );
}

#[test]
fn v3_records_join_leave_or_are_ignored() {
    let mut s = with_mrouter();
    let r = relay(&[ROUTER_PORT]);
    // TO_EX{} joins; v3 reports are always relayed.
    let join = report_v3(HOST1, &[(RecordKind::ToExclude, G, 0)]);
    assert_eq!(s.receive(0, VLAN, 1, &join), vec![r.clone()]);
    assert_eq!(s.receive(500, VLAN, 1, &join), vec![r.clone()]);
    assert_eq!(ports_of(&s, G), Some(vec![1, ROUTER_PORT]));
    assert_eq!(s.groups(500)[0].version, 3);
    assert_eq!(s.stats().reports_v3, 2);
    // ALLOW with sources joins; BLOCK, ALLOW{} and unknown types do not.
    let more = report_v3(
        HOST1,
        &[
            (RecordKind::Allow, G2, 1),
            (RecordKind::Block, G3, 1),
            (RecordKind::Allow, G3, 0),
            (RecordKind::Unknown(9), G3, 0),
            (RecordKind::IsInclude, Ipv4Addr::new(239, 1, 1, 4), 2),
        ],
    );
    assert_eq!(s.receive(1000, VLAN, 2, &more), vec![r.clone()]);
    assert_eq!(ports_of(&s, G2), Some(vec![2, ROUTER_PORT]));
    assert_eq!(ports_of(&s, G3), None);
    assert!(ports_of(&s, Ipv4Addr::new(239, 1, 1, 4)).is_some());
    // TO_IN{} leaves: a GSQ out of the port, the report relayed.
    let leave = report_v3(HOST1, &[(RecordKind::ToInclude, G, 0)]);
    let a = s.receive(2000, VLAN, 1, &leave);
    assert!(a.contains(&r));
    let q = sent(&a);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, Some(1));
    assert_gsq(&q[0].1, SVI, G);
    assert_eq!(s.stats().leaves, 1);
    s.tick(3000);
    // The port goes; no v2 leave is made up: the v3 report went already.
    let a = s.tick(4000);
    assert_eq!(a, vec![]);
    assert_eq!(ports_of(&s, G), None);
}

#[test]
fn link_local_groups_are_never_joined_but_reports_are_relayed() {
    let mut s = with_mrouter();
    let mdns = Ipv4Addr::new(224, 0, 0, 251);
    assert_eq!(
        s.receive(0, VLAN, 1, &report_v2(HOST1, mdns)),
        vec![relay(&[ROUTER_PORT])]
    );
    // Never suppressed either (no state is kept for it).
    assert_eq!(
        s.receive(1, VLAN, 2, &report_v2(HOST2, mdns)),
        vec![relay(&[ROUTER_PORT])]
    );
    s.receive(
        2,
        VLAN,
        1,
        &report_v3(HOST1, &[(RecordKind::ToExclude, mdns, 0)]),
    );
    assert!(s.forwarding().is_empty());
    assert!(!s.take_changed());
}

#[test]
fn static_groups_and_mrouters_are_listed_and_never_age() {
    let mut s = Snooper::new();
    s.configure(
        settings_with(|vs| {
            vs.static_mrouters.insert(ROUTER_PORT);
            vs.static_groups.insert(G, BTreeSet::from([3]));
        }),
        0,
    );
    assert!(s.take_changed());
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    assert_eq!(ports_of(&s, G), Some(vec![1, 3, ROUTER_PORT]));
    s.tick(10_000_000);
    assert_eq!(ports_of(&s, G), Some(vec![3, ROUTER_PORT]));
    let g = &s.groups(10_000_000)[0];
    assert_eq!(g.kind, GroupKind::User);
    assert_eq!(
        g.ports,
        vec![GroupPortView {
            port: 3,
            expires_in_s: 0,
            last_reporter: None,
        }]
    );
    assert_eq!(
        s.mrouters(10_000_000),
        vec![MrouterView {
            vlan: VLAN,
            port: ROUTER_PORT,
            kind: MrouterKind::Static,
            expires_in_s: 0,
        }]
    );
    // A leave on the static port does nothing.
    assert_eq!(s.receive(10_000_000, VLAN, 3, &leave_v2(HOST2, G)), vec![]);
    // An immediate leave of the last learned member keeps the group (its
    // static port), so the leave is not relayed.
    let mut s = snooper(|vs| {
        vs.immediate_leave = true;
        vs.static_mrouters.insert(ROUTER_PORT);
        vs.static_groups.insert(G, BTreeSet::from([3]));
    });
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    assert_eq!(s.receive(1, VLAN, 1, &leave_v2(HOST1, G)), vec![]);
    assert_eq!(ports_of(&s, G), Some(vec![3, ROUTER_PORT]));
}

#[test]
fn joins_beyond_the_table_size_are_refused() {
    let mut s = snooper(|_| {});
    let group = |i: usize| Ipv4Addr::new(239, 2, (i >> 8) as u8, i as u8);
    for i in 0..MAX_GROUPS {
        s.receive(0, VLAN, 1, &report_v2(HOST1, group(i)));
    }
    assert_eq!(s.forwarding().len(), MAX_GROUPS);
    assert_eq!(s.stats().table_full, 0);
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    assert_eq!(ports_of(&s, G), None);
    assert_eq!(s.stats().table_full, 1);
    // Known groups still take new ports.
    s.receive(0, VLAN, 2, &report_v2(HOST2, group(7)));
    assert_eq!(ports_of(&s, group(7)), Some(vec![1, 2]));
    assert_eq!(s.stats().table_full, 1);
}

#[test]
fn a_port_down_forgets_its_groups_and_mrouter_role() {
    let mut s = snooper(|_| {});
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.receive(0, VLAN, 1, &report_v2(HOST1, G2));
    s.receive(0, VLAN, 2, &report_v2(HOST2, G2));
    s.receive(0, VLAN, 1, &general_query(ROUTER));
    s.take_changed();
    assert!(s.port_down(1));
    assert!(s.take_changed());
    assert_eq!(s.forwarding(), vec![(VLAN, G2, vec![2])]);
    assert!(s.mrouter_ports(VLAN).is_empty());
    assert!(!s.port_down(1));
    assert!(!s.take_changed());
}

#[test]
fn configure_flushes_ports_and_vlans_gone() {
    let mut s = snooper(|_| {});
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    s.receive(0, VLAN, 2, &report_v2(HOST2, G));
    s.receive(0, VLAN, 1, &general_query(ROUTER));
    s.take_changed();
    s.configure(
        settings_with(|vs| {
            vs.members.remove(&1);
        }),
        1000,
    );
    assert!(s.take_changed());
    assert_eq!(ports_of(&s, G), Some(vec![2]));
    assert!(s.mrouter_ports(VLAN).is_empty());
    s.configure(Settings::default(), 2000);
    assert!(s.take_changed());
    assert!(s.forwarding().is_empty());
    assert!(s.groups(2000).is_empty() && s.queriers(2000).is_empty());
    // A VLAN not snooped: its IGMP is flooded as it came.
    assert_eq!(
        s.receive(3000, VLAN, 1, &report_v2(HOST1, G)),
        vec![Action::Flood {
            vlan: VLAN,
            except: 1
        }]
    );
    assert_eq!(s.stats().reports_v2, 2);
}

#[test]
fn bad_packets_are_counted_and_dropped() {
    let mut s = with_mrouter();
    let mut bad = report_v2(HOST1, G);
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    assert_eq!(s.receive(0, VLAN, 1, &bad), vec![]);
    assert_eq!(s.receive(0, VLAN, 1, &bad[..10]), vec![]);
    assert_eq!(s.receive(0, VLAN, 1, &[]), vec![]);
    assert_eq!(s.stats().bad_frames, 3);
    assert_eq!(s.stats().reports_v2, 0);
    assert!(s.forwarding().is_empty());
    s.clear_stats();
    assert_eq!(s.stats(), Stats::default());
}

#[test]
fn a_v1_report_joins_as_v1() {
    let mut s = snooper(|_| {});
    let v1 = wire::ip_packet(HOST1, G, &IgmpRepr::ReportV1 { group: G });
    s.receive(0, VLAN, 1, &v1);
    s.receive(0, VLAN, 1, &report_v2(HOST1, G));
    assert_eq!(s.groups(0)[0].version, 1, "the lowest version seen");
    assert_eq!(s.stats().reports_v1, 1);
}
