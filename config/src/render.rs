//! The model as IOS text: `show running-config` and the startup-config.
//! Only settings that differ from their defaults are written, as IOS does.

use crate::model::{
    Config, InterfaceConfig, IpPrefix, SviConfig, SwitchportMode, VlanConfig, DEFAULT_AGING,
    DEFAULT_MTU,
};
use lisa_types::DEFAULT_VLAN;
use std::fmt::Write;

/// The lines of one interface's block (without the `interface` line).
pub fn interface_lines(i: &InterfaceConfig) -> Vec<String> {
    let d = InterfaceConfig::default();
    let mut out = Vec::new();
    if !i.description.is_empty() {
        out.push(format!("description {}", i.description));
    }
    if i.access_vlan != d.access_vlan {
        out.push(format!("switchport access vlan {}", i.access_vlan));
    }
    if i.native_vlan != d.native_vlan {
        out.push(format!("switchport trunk native vlan {}", i.native_vlan));
    }
    if i.allowed != d.allowed {
        out.push(format!("switchport trunk allowed vlan {}", i.allowed));
    }
    if i.mode == SwitchportMode::Trunk {
        out.push("switchport mode trunk".into());
    }
    if i.mtu != DEFAULT_MTU {
        out.push(format!("mtu {}", i.mtu));
    }
    if i.shutdown {
        out.push("shutdown".into());
    }
    out
}

/// One interface's block, `interface X` and its lines.
pub fn render_interface(name: &str, i: &InterfaceConfig) -> String {
    let mut s = format!("interface {name}\n");
    for l in interface_lines(i) {
        let _ = writeln!(s, " {l}");
    }
    s
}

/// The lines of one SVI's block (without the `interface` line).
pub fn svi_lines(s: &SviConfig) -> Vec<String> {
    let mut out = Vec::new();
    if !s.description.is_empty() {
        out.push(format!("description {}", s.description));
    }
    match s.address {
        Some(a) => out.push(format!("ip address {} {}", a.addr, a.netmask())),
        None => out.push("no ip address".into()),
    }
    if s.shutdown {
        out.push("shutdown".into());
    }
    out
}

/// One SVI's block, `interface VlanN` and its lines.
pub fn render_svi(vlan: u16, s: &SviConfig) -> String {
    let mut out = format!("interface Vlan{vlan}\n");
    for l in svi_lines(s) {
        let _ = writeln!(out, " {l}");
    }
    out
}

/// The whole configuration as IOS text.
pub fn render(cfg: &Config) -> String {
    let mut s = String::from("!\n");
    let _ = writeln!(s, "hostname {}", cfg.hostname);
    s.push_str("!\n");
    if let Some(h) = &cfg.enable_secret {
        let _ = writeln!(s, "enable secret 9 {h}");
        s.push_str("!\n");
    }
    for (id, v) in &cfg.vlans {
        if *id == DEFAULT_VLAN {
            continue;
        }
        let _ = writeln!(s, "vlan {id}");
        if v.name != VlanConfig::default_name(*id) {
            let _ = writeln!(s, " name {}", v.name);
        }
        s.push_str("!\n");
    }
    for (name, i) in &cfg.interfaces {
        s.push_str(&render_interface(name, i));
        s.push_str("!\n");
    }
    for (vlan, svi) in &cfg.svis {
        s.push_str(&render_svi(*vlan, svi));
        s.push_str("!\n");
    }
    for r in &cfg.routes {
        let mask = IpPrefix {
            addr: r.net,
            len: r.len,
        }
        .netmask();
        let _ = writeln!(s, "ip route {} {mask} {}", r.net, r.gateway);
    }
    for (ip, mac) in &cfg.arps {
        let _ = writeln!(s, "arp {ip} {} arpa", mac.to_cisco());
    }
    if cfg.mac_aging != DEFAULT_AGING {
        let _ = writeln!(s, "mac address-table aging-time {}", cfg.mac_aging);
    }
    for m in &cfg.static_macs {
        let _ = writeln!(
            s,
            "mac address-table static {} vlan {} interface {}",
            m.mac.to_cisco(),
            m.vlan,
            m.interface
        );
    }
    s.push_str("!\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::apply_text;
    use crate::model::{IpRoute, StaticMac, MAX_MTU, MIN_MTU};
    use lisa_types::{MacAddr, VlanSet};
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn interface() -> impl Strategy<Value = InterfaceConfig> {
        (
            proptest::option::of("[a-zA-Z0-9 ._-]{1,30}"),
            any::<bool>(),
            any::<bool>(),
            1u16..=4094,
            1u16..=4094,
            proptest::option::of(proptest::collection::btree_set(1u16..=4094, 0..10)),
            prop_oneof![Just(DEFAULT_MTU), MIN_MTU..=MAX_MTU],
        )
            .prop_map(
                |(desc, shut, trunk, acc, nat, allowed, mtu)| InterfaceConfig {
                    description: desc
                        .map(|d| d.trim().to_string())
                        .filter(|d| !d.is_empty())
                        .unwrap_or_default(),
                    shutdown: shut,
                    mode: if trunk {
                        SwitchportMode::Trunk
                    } else {
                        SwitchportMode::Access
                    },
                    access_vlan: acc,
                    native_vlan: nat,
                    allowed: allowed
                        .map(|s| s.into_iter().collect())
                        .unwrap_or_else(VlanSet::all),
                    mtu,
                },
            )
    }

    fn config() -> impl Strategy<Value = Config> {
        (
            "[a-z][a-z0-9-]{0,10}",
            proptest::collection::btree_map(
                2u16..=4094,
                proptest::option::of("[A-Za-z][A-Za-z0-9_-]{0,15}"),
                0..8,
            ),
            proptest::collection::btree_map(
                (
                    prop_oneof![Just("Ethernet"), Just("Vhost"), Just("Port")],
                    1u16..48,
                )
                    .prop_map(|(t, n)| format!("{t}{n}")),
                interface(),
                1..6,
            ),
            prop_oneof![Just(DEFAULT_AGING), Just(0u32), 10u32..100_000],
            proptest::collection::vec((1u64..1 << 40, any::<prop::sample::Index>()), 0..4),
            proptest::collection::btree_map(
                1u16..=4094,
                (
                    proptest::option::of("[a-z][a-z0-9 ]{0,10}"),
                    any::<bool>(),
                    proptest::option::of(16u8..=30),
                ),
                0..4,
            ),
            proptest::collection::btree_set((any::<u32>(), 0u8..=32, 1u32..1 << 24), 0..6),
            proptest::collection::btree_map(1u32..1 << 24, 1u64..1 << 40, 0..4),
        )
            .prop_map(
                |(host, vlans, interfaces, aging, macs, svis, routes, arps)| {
                    let mut c = Config {
                        hostname: host,
                        interfaces,
                        mac_aging: aging,
                        ..Config::default()
                    };
                    for (id, name) in vlans {
                        c.vlans.insert(
                            id,
                            VlanConfig {
                                name: name.unwrap_or_else(|| VlanConfig::default_name(id)),
                            },
                        );
                    }
                    let names: Vec<String> = c.interfaces.keys().cloned().collect();
                    let ids: Vec<u16> = c.vlans.keys().copied().collect();
                    for (m, pick) in macs {
                        c.static_macs.insert(StaticMac {
                            vlan: ids[pick.index(ids.len())],
                            mac: MacAddr::from_u64((m << 2) & !(1 << 40)),
                            interface: names[pick.index(names.len())].clone(),
                        });
                    }
                    // One /16-/30 per SVI, each in its own 10.V.0.0/16: no overlap.
                    for (v, (desc, shut, len)) in svis {
                        c.svis.insert(
                            v,
                            SviConfig {
                                description: desc.map(|d| d.trim().to_string()).unwrap_or_default(),
                                shutdown: shut,
                                address: len.map(|len| IpPrefix {
                                    addr: Ipv4Addr::from(0x0a00_0001 | (u32::from(v) << 16)),
                                    len,
                                }),
                            },
                        );
                    }
                    for (net, len, gw) in routes {
                        let p = IpPrefix {
                            addr: Ipv4Addr::from(net),
                            len,
                        };
                        if c.routes
                            .iter()
                            .any(|r| r.net == p.network() && r.len == len)
                        {
                            continue;
                        }
                        c.routes.insert(IpRoute {
                            net: p.network(),
                            len,
                            gateway: Ipv4Addr::from(0xc000_0000 | gw),
                        });
                    }
                    for (ip, mac) in arps {
                        c.arps.insert(
                            Ipv4Addr::from(0xac00_0000 | ip),
                            MacAddr::from_u64((mac << 2) & !(1 << 40)),
                        );
                    }
                    c
                },
            )
    }

    proptest! {
        /// Rendering a config and applying the text to a fresh switch gives
        /// the same config back.
        #[test]
        fn render_then_apply_is_identity(cfg in config()) {
            prop_assert!(cfg.validate().is_ok(), "{:?}", cfg.validate());
            let text = render(&cfg);
            let again = apply_text(&Config::default(), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(again, cfg);
        }
    }

    #[test]
    fn defaults_render_short() {
        let c = Config::with_interfaces(["Ethernet1"]);
        assert_eq!(
            render(&c),
            "!\nhostname lisa\n!\ninterface Ethernet1\n!\n!\nend\n"
        );
    }
}
