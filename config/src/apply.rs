//! Applying IOS configuration lines to the model, with configuration modes
//! as IOS has them: a line that is not a command of the current sub-mode is
//! tried as a global command (which leaves the sub-mode).

use crate::commands::{global_tree, interface_tree, vlan_tree, ConfigCmd};
use crate::grammar::{parse, ParseError};
use crate::model::{
    mask_len, Config, InterfaceConfig, IpPrefix, SviConfig, SwitchportMode, VlanConfig,
    DEFAULT_AGING, DEFAULT_HOSTNAME, DEFAULT_MTU, MAX_DESCRIPTION,
};
use lisa_types::{MacAddr, VlanSet, DEFAULT_VLAN};
use std::net::Ipv4Addr;

/// The configuration mode a line is read in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// `(config)#`
    #[default]
    Global,
    /// `(config-if)#` for these interfaces.
    Interface(Vec<String>),
    /// `(config-vlan)#` for these VLANs.
    Vlan(Vec<u16>),
    /// After `end`: back in privileged EXEC.
    Exec,
}

impl Mode {
    /// The prompt suffix of the mode: `(config)`, `(config-if)`, `(config-vlan)`, or "".
    pub fn prompt(&self) -> &'static str {
        match self {
            Mode::Global => "(config)",
            Mode::Interface(_) => "(config-if)",
            Mode::Vlan(_) => "(config-vlan)",
            Mode::Exec => "",
        }
    }
}

/// Why a line could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// It does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// It parses but cannot be done.
    #[error("% {0}")]
    Rejected(String),
}

/// An error in a configuration text, with its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {text}: {error}")]
pub struct TextError {
    /// 1-based line number.
    pub line: usize,
    /// The line.
    pub text: String,
    /// What is wrong.
    pub error: ApplyError,
}

/// Resolves an interface name as typed (`e1`, `ethernet1`, `Vhost3`) to its
/// canonical name, matching the type prefix against the interfaces the
/// config knows; an unknown type is kept as typed (pre-provisioning).
pub fn resolve_interface(cfg: &Config, typed: &str) -> Result<String, String> {
    let letters = typed
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let (ty, rest) = typed.split_at(letters);
    let mut types: Vec<String> = cfg
        .interfaces
        .keys()
        .map(|n| n[..n.bytes().take_while(|c| c.is_ascii_alphabetic()).count()].to_string())
        .collect();
    types.push("Vlan".into());
    types.sort();
    types.dedup();
    if let Some(exact) = types.iter().find(|t| t.eq_ignore_ascii_case(ty)) {
        return Ok(format!("{exact}{rest}"));
    }
    let lower = ty.to_ascii_lowercase();
    let fits: Vec<&String> = types
        .iter()
        .filter(|t| t.to_ascii_lowercase().starts_with(&lower))
        .collect();
    match fits.as_slice() {
        [one] => Ok(format!("{one}{rest}")),
        [] => Ok(typed.to_string()),
        _ => Err(format!("Ambiguous interface name {typed}")),
    }
}

fn vlans(word: &str) -> VlanSet {
    word.parse().expect("checked by the grammar")
}

fn num<T: std::str::FromStr>(word: &str) -> T {
    word.parse().ok().expect("checked by the grammar")
}

/// Applies one line in `mode`, changing `cfg` and `mode`.
pub fn apply_line(cfg: &mut Config, mode: &mut Mode, line: &str) -> Result<(), ApplyError> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('!') {
        return Ok(());
    }
    let sub = match mode {
        Mode::Interface(_) => Some(interface_tree()),
        Mode::Vlan(_) => Some(vlan_tree()),
        _ => None,
    };
    let parsed = match sub {
        Some(tree) => match parse(&tree, line) {
            Ok(p) => p,
            // Not a sub-mode command: IOS tries it as a global one.
            Err(first_err) => match parse(&global_tree(), line) {
                Ok(p) => {
                    *mode = Mode::Global;
                    p
                }
                Err(_) => return Err(first_err.into()),
            },
        },
        None => parse(&global_tree(), line)?,
    };
    run(cfg, mode, parsed.cmd, &parsed.args)
}

fn reject(msg: impl Into<String>) -> ApplyError {
    ApplyError::Rejected(msg.into())
}

fn run(
    cfg: &mut Config,
    mode: &mut Mode,
    cmd: ConfigCmd,
    args: &[String],
) -> Result<(), ApplyError> {
    use ConfigCmd::*;
    match cmd {
        End => *mode = Mode::Exec,
        Exit => {
            *mode = match mode {
                Mode::Global | Mode::Exec => Mode::Exec,
                _ => Mode::Global,
            }
        }
        Hostname => cfg.hostname = args[0].clone(),
        NoHostname => cfg.hostname = DEFAULT_HOSTNAME.into(),
        Vlan => {
            let set = vlans(&args[0]);
            for v in set.iter() {
                cfg.vlans.entry(v).or_insert_with(|| VlanConfig {
                    name: VlanConfig::default_name(v),
                });
            }
            *mode = Mode::Vlan(set.iter().collect());
        }
        NoVlan => {
            let set = vlans(&args[0]);
            if set.contains(DEFAULT_VLAN) {
                return Err(reject("Default VLAN 1 may not be deleted."));
            }
            for v in set.iter() {
                cfg.vlans.remove(&v);
            }
            cfg.static_macs.retain(|s| !set.contains(s.vlan));
        }
        Interface => {
            let name = resolve_interface(cfg, &args[0]).map_err(reject)?;
            match svi_id(&name) {
                Some(Ok(v)) => {
                    cfg.svis.entry(v).or_default();
                }
                Some(Err(e)) => return Err(reject(e)),
                None => {
                    cfg.interfaces.entry(name.clone()).or_default();
                }
            }
            *mode = Mode::Interface(vec![name]);
        }
        InterfaceRange => {
            let names = expand_range(cfg, &args[0]).map_err(reject)?;
            for n in &names {
                match svi_id(n) {
                    Some(Ok(v)) => {
                        cfg.svis.entry(v).or_default();
                    }
                    Some(Err(e)) => return Err(reject(e)),
                    None => {
                        cfg.interfaces.entry(n.clone()).or_default();
                    }
                }
            }
            *mode = Mode::Interface(names);
        }
        EnableSecret => {
            cfg.enable_secret = Some(crate::secret::hash(&args[0]).map_err(reject)?);
        }
        EnableSecretHashed => {
            if !crate::secret::is_hash(&args[0]) {
                return Err(reject("Invalid SCRYPT hashed secret"));
            }
            cfg.enable_secret = Some(args[0].clone());
        }
        NoEnableSecret => cfg.enable_secret = None,
        NoInterface => {
            let name = resolve_interface(cfg, &args[0]).map_err(reject)?;
            match svi_id(&name) {
                Some(Ok(v)) => {
                    cfg.svis.remove(&v);
                }
                Some(Err(e)) => return Err(reject(e)),
                None => {
                    return Err(reject(format!(
                    "Interface {name} is a switch port; it cannot be deleted (unplug it instead)"
                )))
                }
            }
        }
        IpRoute | NoIpRoute => {
            let net: Ipv4Addr = num(&args[0]);
            let mask: Ipv4Addr = num(&args[1]);
            let len =
                mask_len(mask).ok_or_else(|| reject(format!("Bad mask {mask} for route {net}")))?;
            if (IpPrefix { addr: net, len }).network() != net {
                return Err(reject(format!(
                    "Inconsistent address and mask: {net} {mask}"
                )));
            }
            if cmd == NoIpRoute {
                let gw: Option<Ipv4Addr> = args.get(2).map(|g| num(g));
                let before = cfg.routes.len();
                cfg.routes.retain(|r| {
                    !(r.net == net && r.len == len && gw.is_none_or(|g| g == r.gateway))
                });
                if cfg.routes.len() == before {
                    return Err(reject(format!("No matching route to delete: {net} {mask}")));
                }
                return Ok(());
            }
            // One next hop per prefix: a new one replaces the old.
            cfg.routes.retain(|r| !(r.net == net && r.len == len));
            cfg.routes.insert(crate::model::IpRoute {
                net,
                len,
                gateway: num(&args[2]),
            });
        }
        Arp => {
            let ip: Ipv4Addr = num(&args[0]);
            let mac: MacAddr = num(&args[1]);
            if !mac.is_unicast() {
                return Err(reject(format!(
                    "{} is a multicast address; an ARP entry needs a unicast one",
                    mac.to_cisco()
                )));
            }
            cfg.arps.insert(ip, mac);
        }
        NoArp => {
            let ip: Ipv4Addr = num(&args[0]);
            if cfg.arps.remove(&ip).is_none() {
                return Err(reject(format!("No static ARP entry for {ip}")));
            }
        }
        MacAging => cfg.mac_aging = num(&args[0]),
        NoMacAging => cfg.mac_aging = DEFAULT_AGING,
        MacStatic | NoMacStatic => {
            let mac: MacAddr = num(&args[0]);
            let vlan: u16 = num(&args[1]);
            let interface = resolve_interface(cfg, &args[2]).map_err(reject)?;
            if cmd == NoMacStatic {
                cfg.remove_static_mac(vlan, mac);
                return Ok(());
            }
            cfg.set_static_mac(vlan, mac, &interface).map_err(reject)?;
        }
        VlanName | NoVlanName => {
            let Mode::Vlan(ids) = mode else {
                unreachable!("vlan-mode command")
            };
            for v in ids.iter() {
                let name = if cmd == VlanName {
                    args[0].clone()
                } else {
                    VlanConfig::default_name(*v)
                };
                cfg.vlans
                    .entry(*v)
                    .or_insert_with(|| VlanConfig {
                        name: String::new(),
                    })
                    .name = name;
            }
        }
        _ => {
            let Mode::Interface(names) = mode else {
                unreachable!("interface-mode command")
            };
            for n in names.clone() {
                match svi_id(&n) {
                    Some(Ok(v)) => svi_cmd(cfg.svis.entry(v).or_default(), cmd, args)?,
                    _ => interface_cmd(cfg.interfaces.entry(n).or_default(), cmd, args)?,
                }
            }
        }
    }
    Ok(())
}

/// The interfaces of an `interface range` list: comma-separated items,
/// each a name (`e1`) or a name and a last number (`Ethernet1 - 4`,
/// `e1-4`), resolved like any interface name.
pub fn expand_range(cfg: &Config, list: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.split(',') {
        let item: String = item.split_whitespace().collect::<Vec<_>>().join("");
        if item.is_empty() {
            return Err(format!("Bad interface range: '{list}'"));
        }
        let (first, last) = match item.split_once('-') {
            Some((a, b)) => (a.to_string(), Some(b.to_string())),
            None => (item.clone(), None),
        };
        let digits = first.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("Bad interface range: '{item}' needs a number"));
        }
        let (stem, start) = first.split_at(first.len() - digits);
        let start: u32 = start
            .parse()
            .map_err(|_| format!("Bad interface range: '{item}'"))?;
        let end: u32 = match last {
            Some(l) => l
                .parse()
                .map_err(|_| format!("Bad interface range: '{item}': the end must be a number"))?,
            None => start,
        };
        if end < start || end - start > 4096 {
            return Err(format!("Bad interface range: '{item}'"));
        }
        for n in start..=end {
            let name = resolve_interface(cfg, &format!("{stem}{n}"))?;
            if !lisa_types::valid_port_name(&name) {
                return Err(format!("Bad interface name {name}"));
            }
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// For `VlanN`, the VLAN id (or why it is not one); None for other names.
pub fn svi_id(name: &str) -> Option<Result<u16, String>> {
    let digits = name.strip_prefix("Vlan")?;
    Some(
        digits
            .parse::<u32>()
            .ok()
            .filter(|v| lisa_types::valid_vlan(*v))
            .map(|v| v as u16)
            .ok_or_else(|| format!("Invalid VLAN interface {name}: use Vlan1 to Vlan4094")),
    )
}

fn svi_cmd(s: &mut SviConfig, cmd: ConfigCmd, args: &[String]) -> Result<(), ApplyError> {
    use ConfigCmd::*;
    match cmd {
        Description => {
            if args[0].len() > MAX_DESCRIPTION {
                return Err(reject(format!(
                    "Description is limited to {MAX_DESCRIPTION} characters"
                )));
            }
            s.description = args[0].clone()
        }
        NoDescription => s.description.clear(),
        Shutdown => s.shutdown = true,
        NoShutdown => s.shutdown = false,
        IpAddress => {
            let addr: Ipv4Addr = num(&args[0]);
            let mask: Ipv4Addr = num(&args[1]);
            let len = mask_len(mask)
                .filter(|l| (1..=31).contains(l))
                .ok_or_else(|| reject(format!("Bad mask {mask} for address {addr}")))?;
            s.address = Some(IpPrefix { addr, len });
        }
        NoIpAddress => s.address = None,
        _ => {
            return Err(reject(
                "Not available on a VLAN interface: it has no switchport or MTU settings",
            ))
        }
    }
    Ok(())
}

fn interface_cmd(
    i: &mut InterfaceConfig,
    cmd: ConfigCmd,
    args: &[String],
) -> Result<(), ApplyError> {
    use ConfigCmd::*;
    let d = InterfaceConfig::default();
    match cmd {
        Description => {
            if args[0].len() > MAX_DESCRIPTION {
                return Err(reject(format!(
                    "Description is limited to {MAX_DESCRIPTION} characters"
                )));
            }
            i.description = args[0].clone()
        }
        NoDescription => i.description.clear(),
        Shutdown => i.shutdown = true,
        NoShutdown => i.shutdown = false,
        Mtu => i.mtu = num(&args[0]),
        NoMtu => i.mtu = DEFAULT_MTU,
        ModeAccess | NoMode => i.mode = SwitchportMode::Access,
        ModeTrunk => i.mode = SwitchportMode::Trunk,
        AccessVlan => i.access_vlan = num(&args[0]),
        NoAccessVlan => i.access_vlan = d.access_vlan,
        NativeVlan => i.native_vlan = num(&args[0]),
        NoNativeVlan => i.native_vlan = d.native_vlan,
        AllowedSet => i.allowed = vlans(&args[0]),
        AllowedAdd => i.allowed.union_with(&vlans(&args[0])),
        AllowedRemove => i.allowed.subtract(&vlans(&args[0])),
        AllowedExcept => i.allowed = vlans(&args[0]).complement(),
        AllowedAll | NoAllowed => i.allowed = VlanSet::all(),
        AllowedNone => i.allowed = VlanSet::none(),
        IpAddress => {
            return Err(reject(
                "IP addresses may not be configured on L2 links (use interface VlanN)",
            ))
        }
        NoIpAddress => {}
        other => unreachable!("{other:?} is not an interface command"),
    }
    Ok(())
}

/// Applies a whole configuration text (a startup-config, or lines sent by
/// a client) to a copy of `base`, starting in global configuration mode.
/// Returns the new, validated config, or the first error with its line;
/// `base` is never changed.
pub fn apply_text(base: &Config, text: &str) -> Result<Config, TextError> {
    let mut cfg = base.clone();
    let mut mode = Mode::Global;
    let mut last = 0;
    for (n, line) in text.lines().enumerate() {
        last = n + 1;
        if line.trim() == "end" {
            break;
        }
        apply_line(&mut cfg, &mut mode, line).map_err(|error| TextError {
            line: n + 1,
            text: line.trim().to_string(),
            error,
        })?;
        if mode == Mode::Exec {
            mode = Mode::Global;
        }
    }
    cfg.validate().map_err(|e| TextError {
        line: last,
        text: "(whole configuration)".into(),
        error: ApplyError::Rejected(e.0),
    })?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Config {
        Config::with_interfaces(["Ethernet1", "Ethernet2", "Vhost1"])
    }

    #[test]
    fn interface_abbreviations_resolve() {
        let c = base();
        assert_eq!(resolve_interface(&c, "e1").unwrap(), "Ethernet1");
        assert_eq!(resolve_interface(&c, "ETHERNET2").unwrap(), "Ethernet2");
        assert_eq!(resolve_interface(&c, "vh1").unwrap(), "Vhost1");
        assert_eq!(resolve_interface(&c, "Port7").unwrap(), "Port7");
        assert!(resolve_interface(&c, "v1").is_err(), "Vhost or Vlan");
    }

    #[test]
    fn a_trunk_and_an_access_port() {
        let text = "vlan 10\n name users\nvlan 20\ninterface e1\n sw mo tr\n sw tr all vl 10,20\n sw tr nat vl 20\ninterface e2\n switchport access vlan 10\n shutdown\n";
        let c = apply_text(&base(), text).unwrap();
        assert_eq!(c.vlans[&10].name, "users");
        assert_eq!(c.vlans[&20].name, "VLAN0020");
        let e1 = &c.interfaces["Ethernet1"];
        assert_eq!(e1.mode, SwitchportMode::Trunk);
        assert_eq!(e1.allowed.to_string(), "10,20");
        assert_eq!(e1.native_vlan, 20);
        let e2 = &c.interfaces["Ethernet2"];
        assert_eq!((e2.access_vlan, e2.shutdown), (10, true));
    }

    #[test]
    fn allowed_list_edits() {
        let mut c = base();
        let mut m = Mode::Interface(vec!["Ethernet1".into()]);
        for (line, want) in [
            ("switchport trunk allowed vlan 10-20", "10-20"),
            ("switchport trunk allowed vlan add 30", "10-20,30"),
            ("switchport trunk allowed vlan remove 15-20", "10-14,30"),
            ("switchport trunk allowed vlan none", "none"),
            ("switchport trunk allowed vlan except 2-4094", "1"),
            ("switchport trunk allowed vlan all", "1-4094"),
        ] {
            apply_line(&mut c, &mut m, line).unwrap();
            assert_eq!(
                c.interfaces["Ethernet1"].allowed.to_string(),
                want,
                "{line}"
            );
        }
    }

    #[test]
    fn errors_name_the_line_and_change_nothing() {
        let b = base();
        let e = apply_text(&b, "vlan 10\ninterface e1\n switchport mode trunkk\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            matches!(
                e.error,
                ApplyError::Parse(ParseError::Invalid { column: 17 })
            ),
            "{e:?}"
        );
        assert!(apply_text(&b, "no vlan 1").is_err());
        let e = apply_text(
            &b,
            "mac address-table static 0100.0000.0001 vlan 1 interface e1",
        )
        .unwrap_err();
        assert!(e.to_string().contains("multicast"), "{e}");
        let e = apply_text(
            &b,
            "mac address-table static 0200.0000.0001 vlan 5 interface e1",
        )
        .unwrap_err();
        assert!(e.to_string().contains("VLAN 5 does not exist"), "{e}");
        assert_eq!(b, base());
    }

    #[test]
    fn svis_routes_and_arp() {
        let text = "vlan 10\ninterface Vlan10\n ip address 10.0.10.1 255.255.255.0\n description users gw\nip route 0.0.0.0 0.0.0.0 10.0.10.254\narp 10.0.10.9 0200.0000.0009 arpa\n";
        let c = apply_text(&base(), text).unwrap();
        let s = &c.svis[&10];
        assert_eq!(
            s.address,
            Some(IpPrefix {
                addr: "10.0.10.1".parse().unwrap(),
                len: 24
            })
        );
        assert!(!c.interfaces.contains_key("Vlan10"), "an SVI is no port");
        assert_eq!(c.routes.len(), 1);
        assert_eq!(c.routed_svis().len(), 1);
        let text2 =
            format!("{text}no ip route 0.0.0.0 0.0.0.0\nno arp 10.0.10.9\nno interface vlan10\n");
        let c = apply_text(&base(), &text2).unwrap();
        assert!(c.routes.is_empty() && c.arps.is_empty() && c.svis.is_empty());
    }

    #[test]
    fn l3_mistakes_are_refused() {
        let b = base();
        for (text, want) in [
            ("interface e1\n ip address 10.0.0.1 255.255.255.0", "L2 links"),
            ("interface Vlan10\n ip address 10.0.0.1 255.0.255.0", "Bad mask"),
            ("interface Vlan10\n ip address 10.0.0.0 255.255.255.0", "Bad mask /24"),
            ("interface Vlan10\n switchport mode trunk", "VLAN interface"),
            ("interface Vlan5000", "Vlan1 to Vlan4094"),
            ("interface Vlan10\n ip address 10.0.0.1 255.255.0.0\ninterface Vlan20\n ip address 10.0.5.1 255.255.255.0", "overlaps with Vlan10"),
            ("ip route 10.1.1.0 255.255.0.0 10.0.0.2", "Inconsistent"),
            ("interface Vlan10\n ip address 10.0.0.1 255.255.255.0\nip route 10.1.0.0 255.255.0.0 10.0.0.1", "this router"),
            ("no ip route 10.9.0.0 255.255.0.0", "No matching route"),
            ("arp 10.0.0.5 0100.5e00.0001 arpa", "multicast"),
            ("no interface e1", "cannot be deleted"),
        ] {
            let e = apply_text(&b, text).unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn interface_range_and_enable_secret() {
        let c = apply_text(
            &Config::with_interfaces(["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet4", "Vhost1"]),
            "vlan 10\ninterface range e1 - 3, vh1\n switchport access vlan 10\nenable secret cisco\n",
        )
        .unwrap();
        for n in ["Ethernet1", "Ethernet2", "Ethernet3", "Vhost1"] {
            assert_eq!(c.interfaces[n].access_vlan, 10, "{n}");
        }
        assert_eq!(c.interfaces["Ethernet4"].access_vlan, 1);
        let h = c.enable_secret.clone().unwrap();
        assert!(crate::secret::verify("cisco", &h));
        let text = crate::render::render(&c);
        assert!(text.contains(&format!("enable secret 9 {h}")), "{text}");
        assert!(!text.contains("cisco"));
        assert_eq!(
            apply_text(&Config::default(), &text).unwrap().enable_secret,
            Some(h)
        );
        assert!(apply_text(&base(), "interface range e1 - x").is_err());
        assert!(apply_text(&base(), "enable secret 9 nothash").is_err());
    }

    #[test]
    fn submode_falls_back_to_global() {
        let c = apply_text(
            &base(),
            "interface e1\n shutdown\nvlan 30\n name x\nhostname sw1\n",
        )
        .unwrap();
        assert_eq!(c.hostname, "sw1");
        assert_eq!(c.vlans[&30].name, "x");
        assert!(c.interfaces["Ethernet1"].shutdown);
    }
}
