//! Plain value types shared by every LiSA-DP crate, with no DPDK in sight:
//! MAC addresses and VLAN sets, with their text forms.
#![forbid(unsafe_code)]

mod ipv4;
mod mac;
mod route;
mod vlan_set;

pub use ipv4::{mask_bits, mask_len, Ipv4Prefix};

pub use mac::{MacAddr, MacParseError};
pub use route::RouteNextHop;

/// Checks a free-text setting (a description, a name): printable text on
/// one line. A line break would become configuration lines of its own in
/// the startup-config; other control characters would reach terminals.
pub fn check_text(text: &str) -> Result<(), String> {
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "contains the control character {:?}: use printable text on one line",
            c
        )),
        None => Ok(()),
    }
}

/// `text` with every control character (line breaks included) replaced
/// by a space: for free text that comes from elsewhere (a VM's name).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
/// Longest port name.
pub const MAX_PORT_NAME: usize = 32;

/// True for a port or interface name: an ASCII letter, then letters,
/// digits and `/ . _ : -`, at most `MAX_PORT_NAME` characters. IOS names
/// (`Ethernet1`, `GigabitEthernet0/1`, `Vlan10`) are such names, and so are
/// the names VMs' sockets give (`web01-eth0`, `vhu3f2a1b8c-4e`, `web`).
pub fn valid_port_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_PORT_NAME
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"/._:-".contains(c))
}

/// Why `name` cannot name a switch port, if it cannot: not a port name, or
/// a name kept for SVIs (`Vlan10`, and every name whose letters begin with
/// `vlan` in any case, which reads as one).
pub fn check_port_name(name: &str) -> Result<(), String> {
    if !valid_port_name(name) {
        return Err(format!(
            "'{name}' is not a port name: a letter, then letters, digits and / . _ : -, at most {MAX_PORT_NAME} characters"
        ));
    }
    if name.len() >= 4 && name[..4].eq_ignore_ascii_case("vlan") {
        return Err(format!(
            "'{name}' is kept for SVIs (interface VlanN), not a port's name"
        ));
    }
    if is_bare_ios_type(name) {
        return Err(format!(
            "'{name}' reads as an IOS interface type without its number: not a port's name"
        ));
    }
    if "range".starts_with(&name.to_ascii_lowercase()) {
        return Err(format!(
            "'{name}' would read as 'interface range': not a port's name"
        ));
    }
    Ok(())
}

/// True if `word` is letters only that abbreviate an IOS interface type
/// (`vlan`, `eth`, `Gi`): the type of a name whose number is missing, or
/// follows as its own word (`interface vlan 10`).
pub fn is_bare_ios_type(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    !word.is_empty()
        && word.bytes().all(|c| c.is_ascii_alphabetic())
        && KNOWN_INTERFACE_TYPES
            .iter()
            .any(|t| t.to_ascii_lowercase().starts_with(&lower))
}

/// True if `rest`, what follows an interface name's letters, is an IOS
/// interface number: `1`, `0/1`, `1/0/24`, `0/1.100`.
fn ios_number(rest: &str) -> bool {
    let (main, sub) = match rest.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (rest, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    main.split('/').all(digits) && sub.is_none_or(digits)
}

pub use vlan_set::{valid_vlan, VlanSet, VlanSetError, DEFAULT_VLAN, VLAN_MAX, VLAN_MIN};

/// For an SVI's name (`Vlan10`), its VLAN id, or why the number is no VLAN
/// id; None for any other name.
pub fn svi_vlan(name: &str) -> Option<Result<u16, String>> {
    let digits = name.strip_prefix("Vlan")?;
    Some(
        digits
            .parse::<u32>()
            .ok()
            .filter(|v| valid_vlan(*v))
            .map(|v| v as u16)
            .ok_or_else(|| format!("Invalid VLAN interface {name}: use Vlan1 to Vlan4094")),
    )
}

/// The short form IOS prints in neighbour tables (`show lldp neighbors`,
/// `show cdp neighbors`): `Gi1/0/1` for GigabitEthernet1/0/1, `Et1` for
/// Ethernet1, `Po1` for Port-channel1; a name that is not an IOS type and
/// number is printed whole.
pub fn short_interface_name(name: &str) -> String {
    const SHORT: [(&str, &str); 12] = [
        ("Ethernet", "Et"),
        ("FastEthernet", "Fa"),
        ("GigabitEthernet", "Gi"),
        ("TenGigabitEthernet", "Te"),
        ("TwoGigabitEthernet", "Tw"),
        ("TwentyFiveGigE", "Twe"),
        ("FiveGigabitEthernet", "Fi"),
        ("FortyGigabitEthernet", "Fo"),
        ("HundredGigE", "Hu"),
        ("Vhost", "Vh"),
        ("Vlan", "Vl"),
        ("Port-channel", "Po"),
    ];
    for (long, short) in SHORT {
        if let Some(rest) = name.strip_prefix(long) {
            if ios_number(rest) {
                return format!("{short}{rest}");
            }
        }
    }
    name.to_string()
}

/// True if `name` is an SVI's name (`Vlan10`).
pub fn is_svi(name: &str) -> bool {
    matches!(svi_vlan(name), Some(Ok(_)))
}

/// IOS interface types a configuration may name before such a port is
/// plugged, in the order IOS prefers them when an abbreviation fits several
/// (`f` is FastEthernet, `t` TenGigabitEthernet).
pub const KNOWN_INTERFACE_TYPES: [&str; 11] = [
    "Ethernet",
    "FastEthernet",
    "GigabitEthernet",
    "TenGigabitEthernet",
    "TwoGigabitEthernet",
    "TwentyFiveGigE",
    "FiveGigabitEthernet",
    "FortyGigabitEthernet",
    "HundredGigE",
    "Vhost",
    "Vlan",
];

/// The IOS type of a port-channel (a bundle of ports).
pub const PORT_CHANNEL: &str = "Port-channel";

/// N, if `typed` is a port-channel's name in some IOS form: an
/// abbreviation of `Port-channel` of two letters or more, in any case,
/// then a number.
fn port_channel_number(typed: &str) -> Option<u32> {
    let split = typed
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic() || *c == b'-')
        .count();
    let (ty, rest) = typed.split_at(split);
    let fits = ty.len() >= 2
        && PORT_CHANNEL
            .to_ascii_lowercase()
            .starts_with(&ty.to_ascii_lowercase());
    if !fits || rest.is_empty() || !rest.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// How many of `KNOWN_INTERFACE_TYPES` come first and are Ethernet types.
const ETHERNET_TYPES: usize = 9;

/// Resolves an interface name as typed (`e1`, `ethernet1`, `gi0/1`,
/// `vlan10`) to its canonical name, against the interface names the
/// configuration knows (`names`) and the IOS types
/// (`KNOWN_INTERFACE_TYPES`):
/// - a name known exactly is itself (`eth0` when a port `eth0` exists);
/// - a name that is no IOS name (letters, then something other than an
///   IOS number: `web01-eth0`, `vhu3f2a1b8c-4e`, `web`) is kept as typed;
/// - otherwise its letters are a type: an IOS type in any case is IOS's
///   spelling (`GIGABITETHERNET0/1`, even beside a port kept as
///   `GigabitEthernEt0/2s`), a known name's type in its own case is
///   itself, then an abbreviation of IOS types (any case; among Ethernet
///   types IOS's order: `f` is FastEthernet), then an abbreviation of
///   known names' types in their own case. An unknown type is kept as
///   typed (a port not plugged yet, `vmnet3`).
///
/// A port-channel's name in any IOS form (`Port-channel1`, `po1`,
/// `port-ch1`, `PO01`) is `Port-channelN`.
///
/// IOS abbreviations resolve the same whatever was named before (`e1` is
/// `Ethernet1` even with a port `eth0`), and a rendered configuration
/// (names in sorted order) reads back as it was.
pub fn resolve_interface<'a>(
    names: impl Iterator<Item = &'a str> + Clone,
    typed: &str,
) -> Result<String, String> {
    if names.clone().any(|n| n == typed) {
        return Ok(typed.to_string());
    }
    if let Some(n) = port_channel_number(typed) {
        return Ok(format!("{PORT_CHANNEL}{n}"));
    }
    let stem = |n: &'a str| &n[..n.bytes().take_while(|c| c.is_ascii_alphabetic()).count()];
    let letters = typed
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let (ty, rest) = typed.split_at(letters);
    let svi_like = ty.len() >= 2 && "vlan".starts_with(&ty.to_ascii_lowercase());
    if !ios_number(rest) && !svi_like {
        return Ok(typed.to_string());
    }
    let mut existing: Vec<&str> = names.map(stem).filter(|t| !t.is_empty()).collect();
    existing.sort_unstable();
    existing.dedup();
    // An IOS type in any case is IOS's spelling, whatever was named
    // before; another type only in its own case. So a name resolves the
    // same in any order, and a rendered configuration reads back as it
    // was (`GigabitEthernet0/1` beside a port kept as `GigabitEthernEt0/2s`).
    let exact = KNOWN_INTERFACE_TYPES
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(ty))
        .or_else(|| existing.iter().copied().find(|t| *t == ty));
    if let Some(exact) = exact {
        return Ok(format!("{exact}{rest}"));
    }
    if ty.is_empty() {
        return Ok(typed.to_string());
    }
    let lower = ty.to_ascii_lowercase();
    let ios_fits = |t: &&str| t.to_ascii_lowercase().starts_with(&lower);
    // IOS types take any case (`GI0/1`) and come first; other types (port
    // names such as libvirt's `vmnet1`) only abbreviations in their own
    // case, so that a name kept as typed always sorts before the names it
    // abbreviates.
    let ios: Vec<&str> = KNOWN_INTERFACE_TYPES
        .iter()
        .copied()
        .filter(ios_fits)
        .collect();
    let fitting: Vec<&str> = if ios.is_empty() {
        existing
            .iter()
            .copied()
            .filter(|t| t.starts_with(ty))
            .collect()
    } else {
        ios
    };
    match fitting.as_slice() {
        [one] => return Ok(format!("{one}{rest}")),
        [] => return Ok(typed.to_string()),
        _ => {}
    }
    // Among Ethernet types only, IOS's order decides (`f` is FastEthernet).
    let ethernets = &KNOWN_INTERFACE_TYPES[..ETHERNET_TYPES];
    if fitting.iter().all(|t| ethernets.contains(t)) {
        if let Some(first) = ethernets.iter().find(|t| ios_fits(t)) {
            return Ok(format!("{first}{rest}"));
        }
    }
    Err(format!("Ambiguous interface name {typed}"))
}

#[cfg(test)]
mod interface_name_tests {
    use super::*;

    fn resolve(names: &[&str], typed: &str) -> Result<String, String> {
        resolve_interface(names.iter().copied(), typed)
    }

    #[test]
    fn short_names_are_ios_neighbour_table_forms() {
        assert_eq!(short_interface_name("GigabitEthernet1/0/1"), "Gi1/0/1");
        assert_eq!(short_interface_name("Ethernet1"), "Et1");
        assert_eq!(short_interface_name("Port-channel2"), "Po2");
        assert_eq!(short_interface_name("eth0"), "eth0");
        assert_eq!(short_interface_name("Ethernet-web"), "Ethernet-web");
    }

    #[test]
    fn port_channels_resolve_from_any_ios_form() {
        let ports = ["Ethernet1", "pod1"];
        for typed in ["Port-channel1", "port-channel1", "po1", "PO01", "Port-ch1"] {
            assert_eq!(resolve(&ports, typed).unwrap(), "Port-channel1", "{typed}");
        }
        assert_eq!(resolve(&ports, "pod1").unwrap(), "pod1");
    }

    #[test]
    fn abbreviations_resolve_to_ports_and_ios_types() {
        let ports = ["Ethernet1", "Ethernet2", "Vhost1"];
        assert_eq!(resolve(&ports, "e1").unwrap(), "Ethernet1");
        assert_eq!(resolve(&ports, "ETHERNET7").unwrap(), "Ethernet7");
        assert_eq!(resolve(&ports, "vh3").unwrap(), "Vhost3");
        assert_eq!(resolve(&ports, "vl10").unwrap(), "Vlan10");
        assert_eq!(resolve(&ports, "gi0/1").unwrap(), "GigabitEthernet0/1");
        assert_eq!(resolve(&ports, "gig0/0").unwrap(), "GigabitEthernet0/0");
        assert_eq!(resolve(&ports, "fa0/1").unwrap(), "FastEthernet0/1");
        assert_eq!(resolve(&ports, "f0/1").unwrap(), "FastEthernet0/1");
        assert_eq!(
            resolve(&ports, "te1/0/1").unwrap(),
            "TenGigabitEthernet1/0/1"
        );
        assert!(resolve(&ports, "v1").unwrap_err().contains("Ambiguous"));
    }

    /// Found by the startup_config fuzz target: a port kept as typed with
    /// an IOS type in odd case (`GigabitEthernEt0/2s`) made later names of
    /// that type take its spelling, so the rendered configuration (sorted)
    /// read back with other names.
    #[test]
    fn ios_types_resolve_the_same_beside_odd_case_names() {
        let odd = ["Ethernet1", "GigabitEthernEt0/2s"];
        for typed in ["GigabitEthernet0/1", "GIGABITETHERNET0/1", "gi0/1"] {
            assert_eq!(resolve(&odd, typed).unwrap(), "GigabitEthernet0/1");
        }
        assert_eq!(
            resolve(&odd, "GigabitEthernEt0/1").unwrap(),
            "GigabitEthernet0/1"
        );
        assert_eq!(
            resolve(&odd, "GigabitEthernEt0/2s").unwrap(),
            "GigabitEthernEt0/2s"
        );
    }

    #[test]
    fn other_types_are_kept_as_typed_and_abbreviated_in_their_case() {
        assert_eq!(resolve(&[], "vmnet1").unwrap(), "vmnet1");
        assert_eq!(resolve(&["vmnet1"], "vm2").unwrap(), "vmnet2");
        assert_eq!(resolve(&["Xe5"], "Xe6").unwrap(), "Xe6");
        assert_eq!(
            resolve(&["Xe5"], "XE6").unwrap(),
            "XE6",
            "another type only in its own case"
        );
        assert_eq!(resolve(&["Uplink1"], "up2").unwrap(), "up2");
        assert_eq!(resolve(&["Uplink1"], "Up2").unwrap(), "Uplink2");
    }

    /// VMs' sockets name ports that are no IOS names; they are kept as
    /// typed, and IOS abbreviations still mean IOS types beside them.
    #[test]
    fn vm_port_names_stay_and_ios_abbreviations_still_work() {
        let ports = [
            "eth0",
            "web01-eth0",
            "vhu3f2a1b8c-4e",
            "web",
            "vhost-user-1",
        ];
        for p in ports {
            assert_eq!(resolve(&ports, p).unwrap(), p);
            assert_eq!(
                resolve(&[], p).unwrap(),
                if p == "eth0" { "Ethernet0" } else { p }
            );
        }
        assert_eq!(resolve(&ports, "e1").unwrap(), "Ethernet1");
        assert_eq!(
            resolve(&ports, "eth1").unwrap(),
            "eth1",
            "a known type, exactly"
        );
        assert_eq!(resolve(&ports, "vh3").unwrap(), "Vhost3");
        assert_eq!(resolve(&ports, "vlan10").unwrap(), "Vlan10");
        assert_eq!(resolve(&ports, "Vlan").unwrap(), "Vlan");
    }

    #[test]
    fn port_names() {
        for good in [
            "Ethernet1",
            "Port1/3",
            "web01-eth0",
            "vhu3f2a1b8c-4e",
            "web",
            "a_0.1:2",
        ] {
            assert!(check_port_name(good).is_ok(), "{good}");
        }
        assert!(check_port_name("ra").unwrap_err().contains("range"));
        assert!(check_port_name("eth")
            .unwrap_err()
            .contains("without its number"));
        for bad in ["", "1eth", "has space", "a,b", "x?", &"a".repeat(33)] {
            assert!(
                check_port_name(bad)
                    .unwrap_err()
                    .contains("not a port name"),
                "{bad}"
            );
        }
        for svi in ["Vlan10", "vlan-web", "VLANx"] {
            assert!(check_port_name(svi).unwrap_err().contains("SVI"), "{svi}");
        }
    }

    /// The fuzzer's find: `gig0/0` named before `GigabitEthernet0/1` stayed
    /// `gig0/0`, which sorted after it when rendered and then read back as
    /// `GigabitEthernet0/0`. IOS types resolve the same whatever came
    /// before; canonical names read back in sorted order resolve to
    /// themselves.
    #[test]
    fn the_answer_does_not_depend_on_what_came_before() {
        for typed in ["gig0/0", "Gigx1", "t1/1", "fa0/2"] {
            let alone = resolve(&[], typed);
            let after = resolve(&["GigabitEthernet0/1", "Xethernet1"], typed);
            assert_eq!(alone, after, "{typed}");
        }
        let mut canonical: Vec<String> = ["xethernet1", "xe5", "gig0/0", "Gigx1", "e2"]
            .iter()
            .map(|t| resolve(&[], t).unwrap())
            .collect();
        canonical.sort();
        for (i, name) in canonical.iter().enumerate() {
            let before: Vec<&str> = canonical[..i].iter().map(String::as_str).collect();
            assert_eq!(&resolve(&before, name).unwrap(), name);
        }
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn free_text_is_printable_on_one_line() {
        assert!(check_text("uplink to core-1 (rack 4)").is_ok());
        assert!(check_text("Übergang").is_ok());
        for bad in [
            "a\nno vlan 10",
            "a\rb",
            "tab\there",
            "esc\u{1b}[2J",
            "del\u{7f}",
        ] {
            assert!(
                check_text(bad).unwrap_err().contains("control character"),
                "{bad:?}"
            );
        }
        assert_eq!(printable("vm1\nno vlan 10\t"), "vm1 no vlan 10 ");
    }
}
