use super::*;
use proptest::prelude::*;

/// What Linux (IGMPv3, the default) sends when a socket of 10.0.0.2
/// joins 239.1.1.1: a report to 224.0.0.22 with one record
/// `(TO_EX, 239.1.1.1, no sources)`; DF set, TTL 1, Router Alert.
#[rustfmt::skip]
const LINUX_V3_REPORT: [u8; 40] = [
    // IPv4: IHL 6, TOS 0xc0, length 40, id 0, DF, TTL 1, IGMP, checksum.
    0x46, 0xc0, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xf9, 0xf7,
    0x0a, 0x00, 0x00, 0x02, 0xe0, 0x00, 0x00, 0x16,
    // Router Alert.
    0x94, 0x04, 0x00, 0x00,
    // IGMP: 0x22, reserved, checksum, reserved, 1 record.
    0x22, 0x00, 0xe9, 0xfb, 0x00, 0x00, 0x00, 0x01,
    // Record: TO_EX (4), no aux data, 0 sources, 239.1.1.1.
    0x04, 0x00, 0x00, 0x00, 0xef, 0x01, 0x01, 0x01,
];

/// An IGMPv2 report for 239.1.2.4 from 10.0.0.2 (Linux with
/// `force_igmp_version=2`).
#[rustfmt::skip]
const V2_REPORT: [u8; 32] = [
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xe9, 0x10,
    0x0a, 0x00, 0x00, 0x02, 0xef, 0x01, 0x02, 0x04,
    0x94, 0x04, 0x00, 0x00,
    0x16, 0x00, 0xf8, 0xf9, 0xef, 0x01, 0x02, 0x04,
];

/// An IGMPv2 leave of 239.1.2.4 from 10.0.0.2, to 224.0.0.2.
#[rustfmt::skip]
const V2_LEAVE: [u8; 32] = [
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xfa, 0x13,
    0x0a, 0x00, 0x00, 0x02, 0xe0, 0x00, 0x00, 0x02,
    0x94, 0x04, 0x00, 0x00,
    0x17, 0x00, 0xf7, 0xf9, 0xef, 0x01, 0x02, 0x04,
];

/// An IGMPv2 general query from router 10.0.0.1 with no IP options
/// (IHL 5), max-resp 10 s.
#[rustfmt::skip]
const V2_GENERAL_QUERY: [u8; 28] = [
    0x45, 0xc0, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0xcf, 0x1e,
    0x0a, 0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x01,
    0x11, 0x64, 0xee, 0x9b, 0x00, 0x00, 0x00, 0x00,
];

/// An IGMPv3 general query from 10.0.0.1: max-resp 10 s, QRV 2, QQIC
/// 125, no sources.
#[rustfmt::skip]
const V3_GENERAL_QUERY: [u8; 36] = [
    0x46, 0xc0, 0x00, 0x24, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xfa, 0x11,
    0x0a, 0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x01,
    0x94, 0x04, 0x00, 0x00,
    0x11, 0x64, 0xec, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x02, 0x7d, 0x00, 0x00,
];

/// An IGMPv3 group-specific query for 239.1.1.1 from 10.0.0.1, to the
/// group: max-resp 1 s (the last member query interval).
#[rustfmt::skip]
const V3_GSQ: [u8; 36] = [
    0x46, 0xc0, 0x00, 0x24, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xea, 0x10,
    0x0a, 0x00, 0x00, 0x01, 0xef, 0x01, 0x01, 0x01,
    0x94, 0x04, 0x00, 0x00,
    0x11, 0x0a, 0xfc, 0x75, 0xef, 0x01, 0x01, 0x01, 0x02, 0x7d, 0x00, 0x00,
];

const HOST: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const G1: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const G4: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 4);

#[test]
fn a_linux_v3_report_is_read() {
    let m = parse(&LINUX_V3_REPORT).unwrap();
    assert_eq!(m.ip.src, HOST);
    assert_eq!(m.ip.dst, ALL_V3_ROUTERS);
    assert_eq!((m.ip.ttl, m.ip.tos, m.ip.router_alert), (1, 0xc0, true));
    assert_eq!(m.ip.payload_len, 16);
    assert_eq!(
        m.igmp,
        IgmpRepr::ReportV3 {
            records: vec![GroupRecord {
                kind: RecordKind::ToExclude,
                group: G1,
                sources: 0,
                aux_words: 0,
            }]
        }
    );
}

#[test]
fn a_v2_report_and_leave_are_read() {
    let m = parse(&V2_REPORT).unwrap();
    assert_eq!((m.ip.src, m.ip.dst), (HOST, G4));
    assert_eq!(m.igmp, IgmpRepr::ReportV2 { group: G4 });
    let m = parse(&V2_LEAVE).unwrap();
    assert_eq!((m.ip.src, m.ip.dst), (HOST, ALL_ROUTERS));
    assert_eq!(m.igmp, IgmpRepr::Leave { group: G4 });
}

#[test]
fn general_queries_are_read_with_their_version() {
    let m = parse(&V2_GENERAL_QUERY).unwrap();
    assert!(!m.ip.router_alert, "IHL 5: no options");
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 100,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V2,
        }
    );
    let m = parse(&V3_GENERAL_QUERY).unwrap();
    assert_eq!((m.ip.src, m.ip.dst), (ROUTER, ALL_SYSTEMS));
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 100,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V3(QueryV3 {
                s_flag: false,
                qrv: 2,
                qqi_s: 125,
                sources: 0,
            }),
        }
    );
}

#[test]
fn a_v3_group_specific_query_is_read() {
    let m = parse(&V3_GSQ).unwrap();
    assert_eq!(m.ip.dst, G1);
    match m.igmp {
        IgmpRepr::Query {
            max_resp_ds: 10,
            group,
            version: QueryVersion::V3(v3),
        } => {
            assert_eq!(group, G1);
            assert_eq!((v3.qrv, v3.qqi_s, v3.sources), (2, 125, 0));
        }
        other => panic!("{other:?}"),
    }
}

/// Sets bytes of a copy of `p` and fixes both checksums.
fn patched(p: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut v = p.to_vec();
    v[at..at + bytes.len()].copy_from_slice(bytes);
    fix_checksums(&mut v);
    v
}

/// Writes both checksums of a packet, as far as its lengths allow.
fn fix_checksums(v: &mut [u8]) {
    let checked = Ipv4Packet::new_unchecked(&*v).check_len();
    if v.len() < ipv4::HEADER_LEN || Ipv4Packet::new_unchecked(&*v).header_len() > v.len() {
        return;
    }
    let mut ip = Ipv4Packet::new_unchecked(v);
    ip.fill_checksum();
    if checked.is_err() {
        return;
    }
    if ip.payload().len() >= 4 {
        IgmpPacket::new_unchecked(ip.payload_mut()).fill_checksum();
    }
}

#[test]
fn a_v1_query_has_max_resp_zero() {
    // The v2 general query with max-resp 0: 8 bytes and 0 is v1.
    let v1 = patched(&V2_GENERAL_QUERY, 21, &[0]);
    assert_eq!(
        parse(&v1).unwrap().igmp,
        IgmpRepr::Query {
            max_resp_ds: 0,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V1,
        }
    );
    let r = patched(&V2_REPORT, 24, &[0x12]);
    assert_eq!(parse(&r).unwrap().igmp, IgmpRepr::ReportV1 { group: G4 });
}

#[test]
fn v3_codes_of_128_and_more_are_floating_point() {
    // RFC 3376 4.1.1: 0x8c = exp 0, mant 12: (12 | 16) << 3 = 224.
    assert_eq!(igmp::decode_code(0x8c), 224);
    assert_eq!(igmp::decode_code(0xff), 31744);
    assert_eq!(igmp::decode_code(127), 127);
    let q = patched(&V3_GENERAL_QUERY, 25, &[0x8c]);
    // 0x90 = exp 1, mant 0: 16 << 4 = 256.
    let q = patched(&q, 33, &[0x90]);
    match parse(&q).unwrap().igmp {
        IgmpRepr::Query {
            max_resp_ds,
            version: QueryVersion::V3(v3),
            ..
        } => assert_eq!((max_resp_ds, v3.qqi_s), (224, 256)),
        other => panic!("{other:?}"),
    }
    for code in 0..=255u8 {
        assert_eq!(igmp::encode_code(igmp::decode_code(code)), code);
    }
    assert_eq!(
        igmp::encode_code(300),
        igmp::encode_code(296),
        "rounded down"
    );
}

#[test]
fn checksums_are_checked_apart_from_lengths() {
    let mut bad = LINUX_V3_REPORT;
    bad[27] ^= 1;
    assert_eq!(parse(&bad), Err(WireError::BadIgmpChecksum));
    let p = IgmpPacket::new_checked(&bad[24..]).unwrap();
    assert!(!p.verify_checksum(), "the length is fine, the sum is not");
    let mut bad = V2_REPORT;
    bad[11] ^= 1;
    assert_eq!(parse(&bad), Err(WireError::BadIpChecksum));
    let mut bad = V2_LEAVE;
    bad[31] = 5;
    assert_eq!(parse(&bad), Err(WireError::BadIgmpChecksum));
}

#[test]
fn other_packets_are_refused() {
    let udp = patched(&V2_REPORT, 9, &[17]);
    assert_eq!(parse(&udp), Err(WireError::NotIgmp(17)));
    let v6 = patched(&V2_REPORT, 0, &[0x66]);
    assert_eq!(parse(&v6), Err(WireError::BadIpVersion(6)));
    let frag = patched(&V2_REPORT, 6, &[0x20, 0x00]);
    assert_eq!(parse(&frag), Err(WireError::Fragment));
    let mtrace = patched(&V2_REPORT, 24, &[0x1f]);
    assert_eq!(parse(&mtrace), Err(WireError::UnknownType(0x1f)));
    let short_ihl = patched(&V2_REPORT, 0, &[0x44]);
    assert_eq!(parse(&short_ihl), Err(WireError::BadHeaderLen(16)));
    let short_total = patched(&V2_REPORT, 2, &[0x00, 0x10]);
    assert_eq!(parse(&short_total), Err(WireError::BadTotalLen(16)));
    // A query of 10 bytes: neither v2 nor v3.
    let mut q = V3_GENERAL_QUERY[..34].to_vec();
    q[3] = 34;
    let q = patched(&q, 0, &[0x46]);
    assert_eq!(parse(&q), Err(WireError::BadQueryLen(10)));
}

#[test]
fn ethernet_padding_after_the_total_length_is_ignored() {
    let mut padded = V2_REPORT.to_vec();
    padded.extend_from_slice(&[0; 14]);
    assert_eq!(parse(&padded), parse(&V2_REPORT));
}

#[test]
fn truncated_packets_are_refused_without_panicking() {
    for p in [
        &LINUX_V3_REPORT[..],
        &V2_REPORT,
        &V2_LEAVE,
        &V2_GENERAL_QUERY,
        &V3_GENERAL_QUERY,
        &V3_GSQ,
    ] {
        for n in 0..p.len() {
            assert!(parse(&p[..n]).is_err(), "{n} bytes of {p:02x?}");
        }
    }
    // The v3 report claims two records and holds one (lengths and
    // checksums otherwise right).
    let two = patched(&LINUX_V3_REPORT, 30, &[0x00, 0x02]);
    assert_eq!(parse(&two), Err(WireError::Truncated));
    // A record that claims a source it does not carry.
    let src = patched(&LINUX_V3_REPORT, 34, &[0x00, 0x01]);
    assert_eq!(parse(&src), Err(WireError::Truncated));
    // A v3 query that claims a source it does not carry.
    let q = patched(&V3_GENERAL_QUERY, 34, &[0x00, 0x01]);
    assert_eq!(parse(&q), Err(WireError::Truncated));
}

#[test]
fn the_records_iterator_stops_after_an_error() {
    let mut two = LINUX_V3_REPORT[24..].to_vec();
    two[7] = 3;
    let p = IgmpPacket::new_checked(&two[..]).unwrap();
    let mut it = p.records();
    assert!(it.next().unwrap().is_ok());
    assert_eq!(it.next(), Some(Err(WireError::Truncated)));
    assert_eq!(it.next(), None);
}

#[test]
fn a_general_query_is_sent_as_ios_sends_it() {
    let src = Ipv4Addr::new(10, 66, 10, 254);
    let p = query_packet(src, Ipv4Addr::UNSPECIFIED, 100, 2);
    assert_eq!(p.len(), 32);
    #[rustfmt::skip]
    let header = [
        0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
    ];
    assert_eq!(&p[..10], &header);
    assert_eq!(
        &p[12..24],
        &[10, 66, 10, 254, 224, 0, 0, 1, 0x94, 0x04, 0, 0]
    );
    assert_eq!(&p[24..26], &[0x11, 100]);
    assert_eq!(checksum(&p[..24]), 0, "IP checksum");
    assert_eq!(checksum(&p[24..]), 0, "IGMP checksum");
    let m = parse(&p).unwrap();
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 100,
            group: Ipv4Addr::UNSPECIFIED,
            version: QueryVersion::V2,
        }
    );
}

#[test]
fn group_queries_go_to_the_group() {
    let p = query_packet(ROUTER, G1, 10, 2);
    let m = parse(&p).unwrap();
    assert_eq!(m.ip.dst, G1);
    assert!(m.ip.router_alert);
    assert_eq!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 10,
            group: G1,
            version: QueryVersion::V2,
        }
    );
    // v1 has no max-resp; v3 is 12 bytes and codes it.
    let m = parse(&query_packet(ROUTER, Ipv4Addr::UNSPECIFIED, 100, 1)).unwrap();
    assert!(matches!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 0,
            version: QueryVersion::V1,
            ..
        }
    ));
    let p = query_packet(ROUTER, G1, 300, 3);
    assert_eq!(p.len(), 36);
    let m = parse(&p).unwrap();
    assert!(matches!(
        m.igmp,
        IgmpRepr::Query {
            max_resp_ds: 288,
            version: QueryVersion::V3(QueryV3 {
                qqi_s: 125,
                qrv: 2,
                ..
            }),
            ..
        }
    ));
    let m = parse(&leave_packet(HOST, G4)).unwrap();
    assert_eq!(
        (m.ip.dst, m.igmp),
        (ALL_ROUTERS, IgmpRepr::Leave { group: G4 })
    );
}

#[test]
fn frames_go_to_the_group_mac_padded_to_60_bytes() {
    assert_eq!(multicast_mac(G4), [0x01, 0x00, 0x5e, 0x01, 0x02, 0x04]);
    // 32 groups share a MAC: the 24th bit is dropped.
    assert_eq!(
        multicast_mac(Ipv4Addr::new(224, 129, 1, 1)),
        multicast_mac(Ipv4Addr::new(225, 1, 1, 1))
    );
    let mac = [0x02, 0, 0, 0, 0, 9];
    let ip = query_packet(ROUTER, Ipv4Addr::UNSPECIFIED, 100, 2);
    let f = ethernet_frame(mac, &ip);
    assert_eq!(f.len(), 60);
    assert_eq!(&f[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]);
    assert_eq!(&f[6..12], &mac);
    assert_eq!(&f[12..14], &[0x08, 0x00]);
    assert_eq!(&f[14..46], &ip[..]);
    assert!(f[46..].iter().all(|b| *b == 0));
    assert_eq!(parse(&f[14..]).unwrap().ip.dst, ALL_SYSTEMS);
    let long = ethernet_frame(mac, &LINUX_V3_REPORT);
    assert_eq!(long.len(), 54 + 6);
    assert_eq!(&long[..6], &[0x01, 0x00, 0x5e, 0x00, 0x00, 0x16]);
    assert_eq!(ethernet_frame(mac, &[]).len(), 60);
}

#[test]
fn link_local_groups() {
    assert!(is_link_local(Ipv4Addr::new(224, 0, 0, 251)));
    assert!(!is_link_local(Ipv4Addr::new(224, 0, 1, 1)));
    assert!(!is_link_local(Ipv4Addr::new(225, 0, 0, 1)));
}

fn record() -> impl Strategy<Value = GroupRecord> {
    (0u8..=8, any::<[u8; 4]>(), 0usize..4, 0u8..3).prop_map(|(kind, g, sources, aux_words)| {
        GroupRecord {
            kind: RecordKind::from(kind),
            group: Ipv4Addr::from(g),
            sources,
            aux_words,
        }
    })
}

fn repr() -> impl Strategy<Value = IgmpRepr> {
    let group = any::<[u8; 4]>().prop_map(Ipv4Addr::from);
    prop_oneof![
        group.clone().prop_map(|group| IgmpRepr::Query {
            max_resp_ds: 0,
            group,
            version: QueryVersion::V1,
        }),
        (1u8..=255, group.clone()).prop_map(|(code, group)| IgmpRepr::Query {
            max_resp_ds: u16::from(code),
            group,
            version: QueryVersion::V2,
        }),
        (
            any::<u8>(),
            group.clone(),
            any::<bool>(),
            0u8..8,
            any::<u8>(),
            0usize..4
        )
            .prop_map(
                |(code, group, s_flag, qrv, qqic, sources)| IgmpRepr::Query {
                    max_resp_ds: igmp::decode_code(code),
                    group,
                    version: QueryVersion::V3(QueryV3 {
                        s_flag,
                        qrv,
                        qqi_s: igmp::decode_code(qqic),
                        sources,
                    }),
                }
            ),
        group.clone().prop_map(|group| IgmpRepr::ReportV1 { group }),
        group.clone().prop_map(|group| IgmpRepr::ReportV2 { group }),
        group.prop_map(|group| IgmpRepr::Leave { group }),
        proptest::collection::vec(record(), 0..5)
            .prop_map(|records| IgmpRepr::ReportV3 { records }),
    ]
}

proptest! {
    #[test]
    fn emit_then_parse_gives_the_same(r in repr(), src in any::<[u8; 4]>(), dst in any::<[u8; 4]>()) {
        let p = ip_packet(Ipv4Addr::from(src), Ipv4Addr::from(dst), &r);
        let m = parse(&p).unwrap();
        prop_assert_eq!(m.ip.src, Ipv4Addr::from(src));
        prop_assert_eq!(m.ip.dst, Ipv4Addr::from(dst));
        prop_assert_eq!(m.ip.payload_len, r.buffer_len());
        prop_assert_eq!(m.igmp, r);
    }

    #[test]
    fn any_bytes_parse_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn any_mutation_of_a_capture_parses_without_panicking(
        at in 0usize..40, v in any::<u8>(), cut in 0usize..=40,
    ) {
        let mut p = LINUX_V3_REPORT.to_vec();
        p[at] = v;
        // Fix the checksums so that the parser goes past them.
        let mut fixed = p.clone();
        fix_checksums(&mut fixed);
        let _ = parse(&p[..cut]);
        let _ = parse(&fixed[..cut]);
        let _ = parse(&fixed);
    }
}
