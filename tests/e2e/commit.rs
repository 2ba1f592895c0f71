//! End-to-end: a change is one two-phase commit over the features. When the
//! second feature of a change cannot prepare (here `ports`: the tap driver
//! takes no MTU over 1500), the first (`l2`: a port moved to another VLAN)
//! never reaches the dataplane: the running configuration and the traffic
//! are as before.

use crate::common;

use common::{serial, TwoHosts};
use lisa_proto::v1::{config_client::ConfigClient, ApplyConfigRequest, GetRunningConfigRequest};

#[test]
fn a_refused_second_feature_leaves_config_and_forwarding_as_before() {
    let _serial = serial();
    let TwoHosts { sw, a, b: _b, .. } = TwoHosts::start("c", "192.168.79", &[]);
    assert!(a.ping("192.168.79.2", 3), "no traffic before the change");

    let (rt, channel) = sw.grpc();
    let mut config = ConfigClient::new(channel);
    let before = rt
        .block_on(config.get_running_config(GetRunningConfigRequest::default()))
        .unwrap()
        .into_inner()
        .text;
    // `l2` prepares first (Ethernet1 into VLAN 10), then `ports` refuses.
    let change = "vlan 10\ninterface Ethernet1\n switchport access vlan 10\n mtu 9000\n";
    let err = rt
        .block_on(config.apply_config(ApplyConfigRequest {
            text: change.into(),
        }))
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::FailedPrecondition, "{err:?}");
    assert!(
        err.message().contains("ports") && err.message().contains("supports MTU up to 1500"),
        "the error names the feature and why: {}",
        err.message()
    );
    let after = rt
        .block_on(config.get_running_config(GetRunningConfigRequest::default()))
        .unwrap()
        .into_inner()
        .text;
    assert_eq!(after, before, "the running config changed");
    // Had Ethernet1 gone to VLAN 10, a and b would be cut apart.
    assert!(
        a.ping("192.168.79.2", 3),
        "forwarding changed: {}",
        sw.show("show vlan brief")
    );
    assert!(sw
        .show("show vlan brief")
        .lines()
        .all(|l| !l.starts_with("10 ")));

    // The same change without the MTU commits, and does move the port.
    rt.block_on(config.apply_config(ApplyConfigRequest {
        text: "vlan 10\ninterface Ethernet1\n switchport access vlan 10\n".into(),
    }))
    .unwrap();
    assert!(!a.ping("192.168.79.2", 2), "Ethernet1 is in VLAN 10 now");
}
