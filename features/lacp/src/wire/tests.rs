use super::*;

const SRC: MacAddr = MacAddr([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);

fn switch_pdu() -> Lacpdu {
    Lacpdu {
        actor: LacpInfo {
            system_priority: 32768,
            system: MacAddr([0x02, 0, 0, 0, 0, 1]),
            key: 1,
            port_priority: 32768,
            port: 3,
            state: state::ACTIVITY | state::TIMEOUT | state::AGGREGATION | state::SYNCHRONIZATION,
        },
        partner: LacpInfo {
            system_priority: 65535,
            system: SRC,
            key: 9,
            port_priority: 255,
            port: 2,
            state: state::ACTIVITY | state::AGGREGATION,
        },
        collector_max_delay: 0,
    }
}

/// A LACPDU in the manner of Linux bonding (802.3ad mode, `lacp_rate
/// fast`) from a bundled port, written out by hand from 802.1AX-2008
/// figure 5-7: system priority 65535, key 9 (1 Gb/s full duplex), port
/// priority 255, state 0x3f; its partner is a switch,
/// 32768/02:00:00:00:00:01, key 1, port 3.
#[rustfmt::skip]
const LINUX_LACPDU: [u8; 124] = [
    // Ethernet: slow protocols group, the bond's MAC, 0x8809.
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x02,
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
    0x88, 0x09,
    // Subtype LACP, version 1.
    0x01, 0x01,
    // Actor TLV (1, 20): system priority, system, key, port priority,
    // port, state, reserved (3).
    0x01, 0x14,
    0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x00, 0x09,
    0x00, 0xff, 0x00, 0x02, 0x3f, 0x00, 0x00, 0x00,
    // Partner TLV (2, 20).
    0x02, 0x14,
    0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
    0x80, 0x00, 0x00, 0x03, 0x3d, 0x00, 0x00, 0x00,
    // Collector TLV (3, 16): max delay 0, reserved (12).
    0x03, 0x10, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // Terminator (0, 0), reserved (50).
    0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

#[test]
fn a_lacpdu_reads_back_as_sent() {
    let pdu = switch_pdu();
    let f = pdu.frame(SRC);
    assert_eq!(f.len(), 124, "110-byte PDU after the Ethernet header");
    assert_eq!(&f[..6], &GROUP.0);
    assert_eq!(&f[6..12], &SRC.0);
    assert_eq!(&f[12..14], &[0x88, 0x09]);
    assert_eq!(&f[14..18], &[1, 1, 1, 20]);
    assert_eq!(Lacpdu::parse(&f), Ok(pdu));
}

#[test]
fn a_linux_bonding_lacpdu_is_read() {
    let pdu = Lacpdu::parse(&LINUX_LACPDU).unwrap();
    assert_eq!(
        pdu.actor,
        LacpInfo {
            system_priority: 65535,
            system: SRC,
            key: 9,
            port_priority: 255,
            port: 2,
            state: 0x3f,
        }
    );
    assert!(pdu.actor.has(state::DISTRIBUTING) && !pdu.actor.has(state::EXPIRED));
    assert_eq!(pdu.partner.system, MacAddr([0x02, 0, 0, 0, 0, 1]));
    assert_eq!((pdu.partner.key, pdu.partner.port), (1, 3));
    assert_eq!(pdu.partner.state, 0x3d);
    assert_eq!(pdu.collector_max_delay, 0);
    assert_eq!(
        pdu.frame(SRC),
        LINUX_LACPDU.to_vec(),
        "built byte for byte the same"
    );
}

#[test]
fn truncations_never_panic_and_are_refused() {
    for cut in 0..LINUX_LACPDU.len() {
        let r = Lacpdu::parse(&LINUX_LACPDU[..cut]);
        if cut >= 14 + 58 {
            assert!(r.is_ok(), "the TLVs read are whole at {cut}");
        } else if cut >= 14 {
            assert_eq!(r, Err(WireError::Truncated), "cut at {cut}");
        } else {
            assert_eq!(r, Err(WireError::NotSlowProtocols), "cut at {cut}");
        }
        let _ = Marker::parse(&LINUX_LACPDU[..cut]);
    }
}

#[test]
fn other_frames_are_refused() {
    let mut ipv4 = LINUX_LACPDU;
    ipv4[12..14].copy_from_slice(&[0x08, 0x00]);
    assert_eq!(Lacpdu::parse(&ipv4), Err(WireError::NotSlowProtocols));
    let mut oam = LINUX_LACPDU;
    oam[14] = 3;
    assert_eq!(Lacpdu::parse(&oam), Err(WireError::Subtype(3)));
    let mut v0 = LINUX_LACPDU;
    v0[15] = 0;
    assert_eq!(Lacpdu::parse(&v0), Err(WireError::Version(0)));
    let mut v2 = LINUX_LACPDU;
    v2[15] = 2;
    assert!(Lacpdu::parse(&v2).is_ok(), "a later version is read as 1");
    let mut bad = LINUX_LACPDU;
    bad[16] = 2;
    assert_eq!(
        Lacpdu::parse(&bad),
        Err(WireError::BadTlv {
            expected: 1,
            kind: 2,
            len: 20
        })
    );
    let mut bad = LINUX_LACPDU;
    bad[57] = 17;
    assert!(matches!(
        Lacpdu::parse(&bad),
        Err(WireError::BadTlv { expected: 3, .. })
    ));
}

#[test]
fn any_bytes_are_read_without_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in 0..200 {
        let mut f: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        if f.len() >= 16 {
            f[12..16].copy_from_slice(&[0x88, 0x09, (len % 3) as u8, 1]);
        }
        let _ = Lacpdu::parse(&f);
        let _ = Marker::parse(&f);
    }
}

#[test]
fn a_marker_is_told_apart_and_answered() {
    let request = Marker {
        response: false,
        port: 2,
        system: SRC,
        transaction: 0x0102_0304,
    };
    let f = request.frame(SRC);
    assert_eq!(f.len(), 124);
    assert_eq!(&f[14..18], &[2, 1, 1, 16]);
    assert_eq!(Lacpdu::parse(&f), Err(WireError::Marker));
    assert_eq!(Marker::parse(&f), Ok(request));
    let answer = request.response().frame(MacAddr([2, 0, 0, 0, 0, 9]));
    assert_eq!(&answer[14..18], &[2, 1, 2, 16]);
    assert_eq!(&answer[18..30], &f[18..30], "the request's fields copied");
    assert_eq!(
        Marker::parse(&answer).map(|m| m.response),
        Ok(true),
        "a response"
    );
    assert_eq!(
        Marker::parse(&LINUX_LACPDU),
        Err(WireError::Subtype(SUBTYPE_LACP))
    );
}
