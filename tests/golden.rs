//! Golden-frame tests: pcap ports feed exact frames into the switch and
//! capture exactly what comes out of each port, checking tagging,
//! untagging, flooding within the VLAN and VLAN filtering byte for byte.

mod common;

use common::{serial, wait_until, Lisad};
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

fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut out = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0u8; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend((i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    std::fs::write(path, out).unwrap();
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

#[test]
fn tagging_untagging_and_flooding_byte_for_byte() {
    let _serial = serial();
    let dir = std::env::temp_dir().join(format!("lisa-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n);
    // Ethernet1, 2: access VLAN 10. Ethernet3: trunk 10,20 (native 1).
    // Ethernet4: access VLAN 20.
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
    write_pcap(&p("in1.pcap"), &from_access);
    write_pcap(&p("in3.pcap"), &from_trunk);
    for n in ["in2.pcap", "in4.pcap"] {
        write_pcap(&p(n), &[]);
    }
    std::fs::write(
        p("startup-config"),
        "vlan 10,20\ninterface Ethernet1\n switchport access vlan 10\ninterface Ethernet2\n switchport access vlan 10\n\
         interface Ethernet3\n switchport mode trunk\n switchport trunk allowed vlan 1,10,20\ninterface Ethernet4\n switchport access vlan 20\n",
    )
    .unwrap();
    let kinds: Vec<String> = (1..=4)
        .map(|i| {
            format!(
                "pcap:{},{}",
                p(&format!("in{i}.pcap")).display(),
                p(&format!("out{i}.pcap")).display()
            )
        })
        .collect();
    let ports: Vec<(String, String)> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("Ethernet{}", i + 1), k.clone()))
        .collect();
    let refs: Vec<(&str, &str)> = ports
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let startup = p("startup-config").display().to_string();
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

    let untagged = |f: &Vec<u8>| {
        let mut u = f[..12].to_vec();
        u.extend(&f[16..]);
        u
    };
    let tagged = |f: &Vec<u8>, vid: u16| {
        let mut t = f[..12].to_vec();
        t.extend([0x81, 0x00]);
        t.extend(vid.to_be_bytes());
        t.extend(&f[12..]);
        t
    };
    let (a1, a2, a3) = (&from_access[0], &from_access[1], untagged(&from_access[2]));
    let (t5, t6) = (&from_trunk[0], &from_trunk[1]);
    assert_eq!(
        read_pcap(&p("out1.pcap")),
        sorted(vec![untagged(t5)]),
        "Ethernet1"
    );
    assert_eq!(
        read_pcap(&p("out2.pcap")),
        sorted(vec![a1.clone(), a2.clone(), a3.clone(), untagged(t5)]),
        "Ethernet2"
    );
    assert_eq!(
        read_pcap(&p("out3.pcap")),
        sorted(vec![tagged(a1, 10), tagged(a2, 10), tagged(&a3, 10)]),
        "Ethernet3"
    );
    assert_eq!(
        read_pcap(&p("out4.pcap")),
        sorted(vec![untagged(t6)]),
        "Ethernet4"
    );
    assert_eq!(
        vlan_filter, 2,
        "two frames had VLANs their port does not carry:\n{ifs}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
