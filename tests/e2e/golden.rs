//! Golden-frame tests: pcap ports feed exact frames into the switch and
//! capture exactly what comes out of each port, checking tagging,
//! untagging, flooding within the VLAN and VLAN filtering byte for byte.

use crate::common;

use common::{serial, wait_until, write_pcap, Lisad};
use std::path::Path;
use std::time::Duration;

const BCAST: [u8; 6] = [0xff; 6];
const A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const T: [u8; 6] = [0x02, 0, 0, 0, 0, 0x07];
const NOBODY: [u8; 6] = [0x02, 0, 0, 0, 0, 0x99];

/// An Ethernet frame: dst, src, optional 802.1Q tag, IPv4 ethertype and a
/// payload that says which frame it is.
fn frame(dst: [u8; 6], src: [u8; 6], vid: Option<u16>, id: u8) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend(src);
    if let Some(v) = vid {
        f.extend([0x81, 0x00]);
        f.extend(v.to_be_bytes());
    }
    f.extend([0x08, 0x00]);
    f.extend(std::iter::repeat_n(id, 46));
    f
}

fn read_pcap(path: &Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).unwrap_or_default();
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= data.len() {
        let len = u32::from_le_bytes(data[at + 8..at + 12].try_into().unwrap()) as usize;
        frames.push(data[at + 16..at + 16 + len].to_vec());
        at += 16 + len;
    }
    frames.sort();
    frames
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

/// `f` without its 802.1Q tag.
fn untagged(f: &[u8]) -> Vec<u8> {
    let mut u = f[..12].to_vec();
    u.extend(&f[16..]);
    u
}

/// Untagged `f` with an 802.1Q tag for `vid`.
fn tagged(f: &[u8], vid: u16) -> Vec<u8> {
    let mut t = f[..12].to_vec();
    t.extend([0x81, 0x00]);
    t.extend(vid.to_be_bytes());
    t.extend(&f[12..]);
    t
}

/// The frames into Ethernet1 (access VLAN 10) and into Ethernet3 (trunk
/// 10,20, native 1), written to in1.pcap and in3.pcap in `dir`; in2 and in4
/// are empty. Also writes the startup-config (Ethernet2 access VLAN 10,
/// Ethernet4 access VLAN 20).
fn write_inputs_and_config(dir: &Path) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let from_access = vec![
        frame(BCAST, A, None, 1),     // -> E2 as is, E3 tagged 10
        frame(NOBODY, A, None, 2),    // unknown unicast: flooded like a broadcast
        frame(BCAST, A, Some(0), 3),  // priority-tagged: VLAN 10, tag removed on access egress
        frame(BCAST, A, Some(20), 4), // foreign tag on an access port: dropped
    ];
    let from_trunk = vec![
        frame(BCAST, T, Some(10), 5), // -> E1, E2 untagged
        frame(BCAST, T, Some(20), 6), // -> E4 untagged
        frame(BCAST, T, Some(30), 7), // not allowed on the trunk: dropped
        frame(BCAST, T, None, 8),     // native VLAN 1: no other member
    ];
    write_pcap(&dir.join("in1.pcap"), &from_access);
    write_pcap(&dir.join("in3.pcap"), &from_trunk);
    for n in ["in2.pcap", "in4.pcap"] {
        write_pcap(&dir.join(n), &[]);
    }
    std::fs::write(
        dir.join("startup-config"),
        "vlan 10,20\ninterface Ethernet1\n switchport access vlan 10\ninterface Ethernet2\n switchport access vlan 10\n\
         interface Ethernet3\n switchport mode trunk\n switchport trunk allowed vlan 1,10,20\ninterface Ethernet4\n switchport access vlan 20\n",
    )
    .unwrap();
    (from_access, from_trunk)
}

/// Starts lisad on pcap ports Ethernet1..4 (in<i>.pcap to out<i>.pcap in
/// `dir`) with `dir`'s startup-config, waits until both inputs are read and
/// stops it. Returns `show interfaces` and the vlan-filter drops before the stop.
fn switch_the_inputs(dir: &Path) -> (String, u64) {
    let ports: Vec<(String, String)> = (1..=4)
        .map(|i| {
            let kind = format!(
                "pcap:{},{}",
                dir.join(format!("in{i}.pcap")).display(),
                dir.join(format!("out{i}.pcap")).display()
            );
            (format!("Ethernet{i}"), kind)
        })
        .collect();
    let refs: Vec<(&str, &str)> = ports
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let startup = dir.join("startup-config").display().to_string();
    let mut sw = Lisad::start(&refs, &["--startup-config", &startup]);
    let done = wait_until(Duration::from_secs(10), || {
        let ifs = sw.show("show interfaces");
        ifs.matches("4 packets input").count() == 2
    });
    assert!(
        done,
        "the switch did not read its input:\n{}",
        sw.show("show interfaces")
    );
    let ifs = sw.show("show interfaces");
    let vlan_filter = sw.drops("vlan-filter");
    let status = sw.stop().expect("lisad stops");
    assert!(status.success());
    (ifs, vlan_filter)
}

#[test]
fn tagging_untagging_and_flooding_byte_for_byte() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (from_access, from_trunk) = write_inputs_and_config(&dir);
    let (ifs, vlan_filter) = switch_the_inputs(&dir);

    let out = |i: u32| read_pcap(&dir.join(format!("out{i}.pcap")));
    let (a1, a2, a3) = (&from_access[0], &from_access[1], untagged(&from_access[2]));
    let (t5, t6) = (&from_trunk[0], &from_trunk[1]);
    assert_eq!(out(1), sorted(vec![untagged(t5)]), "Ethernet1");
    assert_eq!(
        out(2),
        sorted(vec![a1.clone(), a2.clone(), a3.clone(), untagged(t5)]),
        "Ethernet2"
    );
    assert_eq!(
        out(3),
        sorted(vec![tagged(a1, 10), tagged(a2, 10), tagged(&a3, 10)]),
        "Ethernet3"
    );
    assert_eq!(out(4), sorted(vec![untagged(t6)]), "Ethernet4");
    assert_eq!(
        vlan_filter, 2,
        "two frames had VLANs their port does not carry:\n{ifs}"
    );
    // ... counted on the ports they came in by, by reason.
    let per_port: u64 = ifs
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Input drops by reason: "))
        .flat_map(|l| l.split(", "))
        .filter_map(|d| d.strip_suffix(" vlan-filter"))
        .map(|n| n.parse::<u64>().unwrap())
        .sum();
    assert_eq!(per_port, 2, "{ifs}");
    let _ = std::fs::remove_dir_all(&dir);
}
