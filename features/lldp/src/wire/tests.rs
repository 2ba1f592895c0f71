use super::*;

fn switch_pdu() -> Lldpdu {
    Lldpdu {
        chassis: Some(Id::mac(CHASSIS_MAC, MacAddr([0x02, 0, 0, 0, 0, 1]))),
        port: Some(Id::name(PORT_INTERFACE_NAME, "Et1")),
        ttl: 120,
        port_description: Some("Ethernet1".into()),
        system_name: Some("sw1".into()),
        system_description: Some("LiSA-DP".into()),
        capabilities: Some((caps::BRIDGE | caps::ROUTER, caps::BRIDGE)),
        management: vec![ManagementAddress {
            ip: Ipv4Addr::new(10, 0, 0, 1),
            if_index: 0,
        }],
        unrecognized: 0,
    }
}

#[test]
fn what_is_emitted_parses_back() {
    let pdu = switch_pdu();
    assert_eq!(Lldpdu::parse(&pdu.emit()), Ok(pdu));
}

#[test]
fn ids_show_as_ios_shows_them() {
    let p = switch_pdu();
    let chassis = p.chassis.unwrap();
    assert_eq!(
        chassis.text(CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS),
        "0200.0000.0001"
    );
    assert_eq!(p.port.unwrap().text(PORT_MAC, PORT_NETWORK_ADDRESS), "Et1");
    let ip = Id {
        subtype: CHASSIS_NETWORK_ADDRESS,
        value: vec![1, 192, 0, 2, 7],
    };
    assert_eq!(ip.text(CHASSIS_MAC, CHASSIS_NETWORK_ADDRESS), "192.0.2.7");
}

#[test]
fn the_mandatory_tlvs_come_first() {
    let mut pdu = switch_pdu();
    pdu.chassis = None;
    assert_eq!(Lldpdu::parse(&pdu.emit()), Err(LldpError::MandatoryMissing));
    assert_eq!(Lldpdu::parse(&[]), Err(LldpError::MandatoryMissing));
}

#[test]
fn truncated_and_odd_tlvs_are_refused_or_skipped() {
    let bytes = switch_pdu().emit();
    for cut in 0..bytes.len() - 2 {
        // Any prefix: an error or a PDU, never a panic.
        let _ = Lldpdu::parse(&bytes[..cut]);
    }
    // A TLV claiming more than there is.
    let mut bad = bytes[..9].to_vec();
    bad.extend_from_slice(&[0x04, 0x20, b'x']);
    assert!(Lldpdu::parse(&bad).is_err());
    // An empty chassis ID.
    assert_eq!(
        Lldpdu::parse(&[0x02, 0x01, 4]),
        Err(LldpError::BadLength(1))
    );
    // An organisation TLV is skipped and counted.
    let mut org = bytes.clone();
    let end = org.len() - 2;
    org.splice(end..end, [0xfe, 0x04, 0x00, 0x12, 0x0f, 0x01]);
    let p = Lldpdu::parse(&org).unwrap();
    assert_eq!(p.unrecognized, 1);
    assert_eq!(p.system_name.as_deref(), Some("sw1"));
}

#[test]
fn capabilities_read_as_ios_letters() {
    assert_eq!(
        CapabilityLetters(caps::BRIDGE | caps::ROUTER).to_string(),
        "R,B"
    );
    assert_eq!(CapabilityLetters(0).to_string(), "");
    assert_eq!(CapabilityLetters(caps::STATION).to_string(), "S");
}
