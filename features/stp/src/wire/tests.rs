use super::*;

fn rst() -> Config {
    let mut c = Config {
        version: 2,
        flags: flags::PROPOSAL | flags::LEARNING,
        root: BridgeId::new(4097, MacAddr([0, 1, 2, 3, 4, 5])),
        cost: 20000,
        bridge: BridgeId::new(32769, MacAddr([2, 0, 0, 0, 0, 1])),
        port: 0x8002,
        times: Times {
            message_age: 1,
            ..Times::default()
        },
    };
    c.set_role(BpduRole::Designated);
    c
}

#[test]
fn an_rst_bpdu_reads_back_as_sent() {
    let c = rst();
    let f = Bpdu::Config(c).frame(MacAddr([2, 0, 0, 0, 0, 9]));
    assert_eq!(f.len(), 60);
    assert_eq!(&f[12..14], &[0, 39], "802.3 length: LLC + 36");
    assert_eq!(Bpdu::parse(&f), Ok(Bpdu::Config(c)));
    assert_eq!(c.role(), BpduRole::Designated);
    assert_eq!(c.root.priority(), 4097);
    assert_eq!(c.bridge.mac(), MacAddr([2, 0, 0, 0, 0, 1]));
}

#[test]
fn config_bpdus_and_tcns_read_back() {
    let mut c = rst();
    c.version = 0;
    c.flags = flags::TC;
    let f = Bpdu::Config(c).frame(MacAddr([2, 0, 0, 0, 0, 9]));
    assert_eq!(&f[12..14], &[0, 38]);
    let back = Bpdu::parse(&f).unwrap();
    assert_eq!(back, Bpdu::Config(c));
    if let Bpdu::Config(b) = back {
        assert_eq!(
            b.role(),
            BpduRole::Designated,
            "an STP BPDU is a designated port's"
        );
    }
    let t = Bpdu::Tcn.frame(MacAddr([2, 0, 0, 0, 0, 9]));
    assert_eq!(Bpdu::parse(&t), Ok(Bpdu::Tcn));
}

#[test]
fn bridge_ids_order_by_priority_then_mac() {
    let a = BridgeId::new(4096, MacAddr([9; 6]));
    let b = BridgeId::new(32768, MacAddr([0; 6]));
    let c = BridgeId::new(32768, MacAddr([1; 6]));
    assert!(a < b && b < c);
}

#[test]
fn anything_else_is_refused_without_panic() {
    let f = Bpdu::Config(rst()).frame(MacAddr([2, 0, 0, 0, 0, 9]));
    for cut in 0..f.len() {
        let _ = Bpdu::parse(&f[..cut]);
    }
    let mut bad = f.clone();
    bad[14] = 0xaa;
    assert_eq!(Bpdu::parse(&bad), Err(BpduError::NotLlc));
    let mut bad = f.clone();
    bad[17] = 1;
    assert_eq!(Bpdu::parse(&bad), Err(BpduError::Protocol));
    let mut bad = f.clone();
    bad[20] = 0x33;
    assert_eq!(Bpdu::parse(&bad), Err(BpduError::Type(0x33)));
    let mut short = f[..30].to_vec();
    short[12..14].copy_from_slice(&[0, 39]);
    assert_eq!(Bpdu::parse(&short), Err(BpduError::Truncated));
}
