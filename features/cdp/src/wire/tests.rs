use super::*;

/// The CDPv2 PDU of a Catalyst 2950 (IOS 12.1(22)EA14) on its
/// FastEthernet0/1, as captured (scapy's test/contrib/cdp.uts): Device ID,
/// Addresses, Port ID, Capabilities, a multi-line Software Version,
/// Platform, Protocol Hello, VTP Management Domain, Native VLAN, Duplex,
/// VoIP VLAN Reply, Trust Bitmap, Untrusted Port CoS, Management
/// Addresses; checksum 0x8cfa.
const C2950_PDU: &[u8] = b"\x02\xb4\x8c\xfa\x00\x01\x00\x0cmyswitch\x00\x02\x00\x11\x00\x00\x00\x01\x01\x01\xcc\x00\x04\xc0\xa8\x00\xfd\x00\x03\x00\x13FastEthernet0/1\x00\x04\x00\x08\x00\x00\x00(\x00\x05\x01\x14Cisco Internetwork Operating System Software \nIOS (tm) C2950 Software (C2950-I6K2L2Q4-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2010 by cisco Systems, Inc.\nCompiled Tue 26-Oct-10 10:35 by nburra\x00\x06\x00\x15cisco WS-C2950-12\x00\x08\x00$\x00\x00\x0c\x01\x12\x00\x00\x00\x00\xff\xff\xff\xff\x01\x02!\xff\x00\x00\x00\x00\x00\x00\x00\x0b\xbe\x18\x9a@\xff\x00\x00\x00\t\x00\x0cMYDOMAIN\x00\n\x00\x06\x00\x01\x00\x0b\x00\x05\x01\x00\x0e\x00\x07\x01\x00\n\x00\x12\x00\x05\x00\x00\x13\x00\x05\x00\x00\x16\x00\x11\x00\x00\x00\x01\x01\x01\xcc\x00\x04\xc0\xa8\x00\xfd";

/// That PDU in the frame the 2950 sent it in.
fn c2950_frame() -> Vec<u8> {
    frame(MacAddr([0x00, 0x0b, 0xbe, 0x18, 0x9a, 0x41]), C2950_PDU)
}

fn switch_pdu() -> Cdpdu {
    Cdpdu {
        version: 2,
        ttl: 180,
        device_id: Some("sw1".into()),
        addresses: vec![Ipv4Addr::new(10, 0, 0, 1)],
        port_id: Some("Ethernet1".into()),
        capabilities: Some(caps::SWITCH | caps::ROUTER),
        software_version: Some("Cisco IOS Software, LiSA-DP\nline two".into()),
        platform: Some("LiSA-DP".into()),
        vtp_domain: None,
        native_vlan: Some(10),
        duplex: Some(Duplex::Full),
        management: vec![Ipv4Addr::new(10, 0, 0, 1)],
        unrecognized: 0,
    }
}

#[test]
fn a_real_cdpv2_frame_reads_as_ios_sent_it() {
    let f = c2950_frame();
    assert_eq!(&f[12..14], &(8 + 450u16).to_be_bytes(), "an 802.3 length");
    let pdu = payload(&f).unwrap();
    assert_eq!(pdu, C2950_PDU);
    assert_eq!(checksum(pdu), 0, "Cisco's checksum holds");
    let p = Cdpdu::parse(pdu).unwrap();
    assert_eq!((p.version, p.ttl), (2, 180));
    assert_eq!(p.device_id.as_deref(), Some("myswitch"));
    assert_eq!(p.addresses, [Ipv4Addr::new(192, 168, 0, 253)]);
    assert_eq!(p.port_id.as_deref(), Some("FastEthernet0/1"));
    assert_eq!(p.capabilities, Some(caps::SWITCH | caps::IGMP));
    let sw = p.software_version.clone().unwrap();
    assert!(sw.starts_with("Cisco Internetwork Operating System Software \nIOS (tm) C2950"));
    assert_eq!(sw.lines().count(), 5, "line breaks kept");
    assert_eq!(p.platform.as_deref(), Some("cisco WS-C2950-12"));
    assert_eq!(p.vtp_domain.as_deref(), Some("MYDOMAIN"));
    assert_eq!(p.native_vlan, Some(1));
    assert_eq!(p.duplex, Some(Duplex::Full));
    assert_eq!(p.management, [Ipv4Addr::new(192, 168, 0, 253)]);
    // Protocol Hello, VoIP VLAN Reply, Trust Bitmap, Untrusted Port CoS.
    assert_eq!(p.unrecognized, 4);
    // Emitted again (without the TLVs not kept), it reads the same.
    let mut again = Cdpdu::parse(&p.emit()).unwrap();
    again.unrecognized = 4;
    assert_eq!(again, p);
}

#[test]
fn what_is_emitted_parses_back() {
    let pdu = switch_pdu();
    let bytes = pdu.emit();
    assert_eq!(checksum(&bytes), 0);
    assert_eq!(Cdpdu::parse(&bytes), Ok(pdu.clone()));
    // Through a frame too, version 1 as well.
    let f = frame(MacAddr([0x02, 0, 0, 0, 0, 1]), &bytes);
    assert_eq!(&f[..6], &GROUP.0);
    assert_eq!(&f[14..22], &LLC_SNAP);
    assert_eq!(f[VERSION_OFFSET], 2);
    assert_eq!(Cdpdu::parse(payload(&f).unwrap()), Ok(pdu.clone()));
    let v1 = Cdpdu {
        version: 1,
        native_vlan: None,
        duplex: None,
        management: Vec::new(),
        ..pdu
    };
    assert_eq!(Cdpdu::parse(&v1.emit()), Ok(v1));
}

#[test]
fn the_tlvs_go_in_the_order_ios_sends_them() {
    let bytes = switch_pdu().emit();
    let kinds: Vec<u16> = Tlvs::new(&bytes[HEADER_LEN..])
        .map(|t| t.unwrap().kind)
        .collect();
    assert_eq!(
        kinds,
        [
            tlv::DEVICE_ID,
            tlv::SOFTWARE_VERSION,
            tlv::PLATFORM,
            tlv::ADDRESSES,
            tlv::PORT_ID,
            tlv::CAPABILITIES,
            tlv::NATIVE_VLAN,
            tlv::DUPLEX,
            tlv::MANAGEMENT_ADDRESSES
        ]
    );
}

#[test]
fn an_odd_last_byte_is_summed_as_cisco_does() {
    // Values from lldpd's frame_checksum(cisco = 1), worked by hand: the
    // byte is the word's low byte, and from 0x80 on it is 0xFF00 + b - 1.
    assert_eq!(
        checksum(&[0x02, 0xb4, 0, 0, 0x00, 0x01, 0x00, 0x05, 0x41]),
        0xfd04
    );
    assert_eq!(
        checksum(&[0x02, 0xb4, 0, 0, 0x00, 0x01, 0x00, 0x05, 0x81]),
        0xfdc4
    );
    assert_eq!(
        checksum(&[0x01, 0x3c, 0, 0, 0x00, 0x01, 0x00, 0x07, b's', b'w', 0xff]),
        0x8b45
    );
    // A PDU of odd length with such a last byte checks out both ways.
    for last in [0x00, 0x41, 0x7f, 0x80, 0x81, 0xfe, 0xff] {
        let mut p = vec![0x02, 0xb4, 0, 0, 0x00, 0x01, 0x00, 0x05, last];
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
        assert_eq!(checksum(&p), 0, "last byte {last:#x}");
        assert!(Cdpdu::parse(&p).is_ok(), "last byte {last:#x}");
    }
}

#[test]
fn other_protocols_to_the_group_are_not_cdp() {
    let f = c2950_frame();
    // VTP (0x2003), DTP (0x2004), PAgP (0x0104), UDLD (0x0111).
    for pid in [0x2003u16, 0x2004, 0x0104, 0x0111] {
        let mut g = f.clone();
        g[20..22].copy_from_slice(&pid.to_be_bytes());
        assert_eq!(payload(&g), Err(CdpError::NotCdp), "{pid:#x}");
    }
    // Another OUI, an ethertype, another group, a runt.
    let mut g = f.clone();
    g[19] = 0x0d;
    assert_eq!(payload(&g), Err(CdpError::NotCdp));
    let mut g = f.clone();
    g[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    assert_eq!(payload(&g), Err(CdpError::NotCdp));
    let mut g = f.clone();
    g[5] = 0xcd;
    assert_eq!(payload(&g), Err(CdpError::NotCdp));
    assert_eq!(payload(&f[..20]), Err(CdpError::NotCdp));
}

#[test]
fn every_truncation_is_refused_never_a_panic() {
    let f = c2950_frame();
    for cut in 0..f.len() {
        // The 802.3 length says more than there is.
        assert!(payload(&f[..cut]).is_err(), "cut at {cut}");
    }
    for cut in 0..C2950_PDU.len() {
        let r = Cdpdu::parse(&C2950_PDU[..cut]);
        assert!(r.is_err(), "cut at {cut}: {r:?}");
    }
    // Cut with a consistent length and checksum: a TLV past the end.
    for cut in HEADER_LEN + 1..C2950_PDU.len() {
        let mut p = C2950_PDU[..cut].to_vec();
        p[2..4].copy_from_slice(&[0, 0]);
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
        let at_boundary = Tlvs::new(&C2950_PDU[HEADER_LEN..])
            .scan(HEADER_LEN, |end, t| {
                *end += 4 + t.unwrap().value.len();
                Some(*end)
            })
            .any(|end| end == cut);
        match Cdpdu::parse(&p) {
            Ok(_) => assert!(at_boundary, "cut at {cut} read"),
            Err(e) => assert!(
                matches!(
                    e,
                    CdpError::Truncated | CdpError::BadLength(_) | CdpError::NoDeviceId
                ),
                "cut at {cut}: {e:?}"
            ),
        }
    }
}

#[test]
fn bad_headers_checksums_and_tlvs_are_told_apart() {
    let f = c2950_frame();
    // The 802.3 length past the frame, or too short for a CDP header.
    let mut g = f.clone();
    g[12..14].copy_from_slice(&1000u16.to_be_bytes());
    assert_eq!(payload(&g), Err(CdpError::Header));
    g[12..14].copy_from_slice(&10u16.to_be_bytes());
    assert_eq!(payload(&g), Err(CdpError::Header));
    // Padding after the PDU is not read.
    let mut g = f.clone();
    g.extend_from_slice(&[0; 7]);
    assert_eq!(payload(&g), Ok(C2950_PDU));
    // Version 3.
    let mut p = C2950_PDU.to_vec();
    p[0] = 3;
    assert_eq!(Cdpdu::parse(&p), Err(CdpError::Header));
    // A byte changed.
    let mut p = C2950_PDU.to_vec();
    p[10] ^= 0x20;
    assert_eq!(Cdpdu::parse(&p), Err(CdpError::Checksum));
    // A TLV length under its header's, a capabilities TLV of 3 bytes, no
    // Device ID.
    let fix = |mut p: Vec<u8>| {
        p[2..4].copy_from_slice(&[0, 0]);
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
        p
    };
    let p = fix(vec![2, 180, 0, 0, 0, 1, 0, 3]);
    assert_eq!(Cdpdu::parse(&p), Err(CdpError::BadLength(tlv::DEVICE_ID)));
    let p = fix(vec![2, 180, 0, 0, 0, 1, 0, 5, b'x', 0, 4, 0, 7, 0, 0, 8]);
    assert_eq!(
        Cdpdu::parse(&p),
        Err(CdpError::BadLength(tlv::CAPABILITIES))
    );
    let p = fix(vec![2, 180, 0, 0, 0, 3, 0, 5, b'x']);
    assert_eq!(Cdpdu::parse(&p), Err(CdpError::NoDeviceId));
    // An address entry past the end of its TLV.
    let p = fix(vec![
        2, 180, 0, 0, 0, 1, 0, 5, b'x', 0, 2, 0, 13, 0, 0, 0, 1, 1, 1, 0xcc, 0, 4,
    ]);
    assert_eq!(Cdpdu::parse(&p), Err(CdpError::BadLength(tlv::ADDRESSES)));
    // An IPv6 address is skipped, the IPv4 one kept.
    let mut v = vec![0, 0, 0, 2];
    v.extend_from_slice(&[2, 8, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd, 0, 16]);
    v.extend_from_slice(&[0xfe; 16]);
    v.extend_from_slice(&[1, 1, 0xcc, 0, 4, 192, 0, 2, 7]);
    let mut p = vec![2, 180, 0, 0, 0, 1, 0, 5, b'x', 0, 2];
    p.extend_from_slice(&(v.len() as u16 + 4).to_be_bytes());
    p.extend_from_slice(&v);
    let p = fix(p);
    assert_eq!(
        Cdpdu::parse(&p).unwrap().addresses,
        [Ipv4Addr::new(192, 0, 2, 7)]
    );
}

#[test]
fn capabilities_read_as_ios_letters_and_names() {
    let c = caps::ROUTER | caps::SWITCH | caps::IGMP;
    assert_eq!(CapabilityLetters(c).to_string(), "R S I");
    assert_eq!(CapabilityNames(c).to_string(), "Router Switch IGMP ");
    assert_eq!(CapabilityLetters(caps::HOST).to_string(), "H");
    assert_eq!(CapabilityLetters(0).to_string(), "");
}
