//! The configuration as IOS text, assembled from what every feature
//! renders: global blocks in a fixed order, and one `interface` block per
//! interface holding every feature's lines for it in IOS's order.

use std::fmt::Write;

/// Where a feature's global block goes in the text (lower first).
pub mod order {
    /// `hostname`, `enable secret`.
    pub const SYSTEM: u16 = 10;
    /// `errdisable recovery`, `spanning-tree mode` and its globals.
    pub const STP: u16 = 15;
    /// `lacp system-priority`, `port-channel load-balance` (IOS writes
    /// them after the spanning tree's globals, before the VLANs).
    pub const LACP: u16 = 17;
    /// `vlan N` blocks.
    pub const VLANS: u16 = 20;
    /// `cdp timer`, `cdp holdtime`, `no cdp advertise-v2`, `[no] cdp run`
    /// (IOS writes them after the VLANs, before the interfaces).
    pub const CDP: u16 = 25;
    /// The `interface` blocks (assembled by the engine).
    pub const INTERFACES: u16 = 30;
    /// `ip route`, `arp`.
    pub const IP: u16 = 40;
    /// `mac address-table`.
    pub const MAC: u16 = 50;
    /// `monitor session`.
    pub const MONITOR: u16 = 60;
    /// `lldp timer`, `lldp run`.
    pub const LLDP: u16 = 65;
    /// `banner`.
    pub const BANNER: u16 = 70;
}

/// Where a line goes inside an `interface` block (lower first), as IOS
/// orders them.
pub mod rank {
    /// `description`.
    pub const DESCRIPTION: u16 = 10;
    /// `switchport ...`.
    pub const SWITCHPORT: u16 = 20;
    /// `switchport port-security ...` (after the other `switchport`
    /// lines, as IOS writes them).
    pub const PORT_SECURITY: u16 = 21;
    /// `mtu`.
    pub const MTU: u16 = 30;
    /// `ip address`.
    pub const IP: u16 = 40;
    /// `storm-control ...` (after the switchport, port-security and `ip`
    /// lines, before `channel-group` and `spanning-tree`).
    pub const STORM: u16 = 80;
    /// `lacp port-priority`, `lacp rate`, `channel-group` (late in the
    /// block, as IOS writes them).
    pub const LACP: u16 = 85;
    /// `shutdown`.
    pub const SHUTDOWN: u16 = 90;
    /// `no cdp enable` (after `shutdown`, before the `spanning-tree` lines,
    /// as IOS writes it).
    pub const CDP: u16 = 91;
    /// `spanning-tree portfast`, `spanning-tree bpduguard`.
    pub const STP: u16 = 92;
    /// `no lldp transmit`, `no lldp receive`.
    pub const LLDP: u16 = 95;
}

/// The rendering being assembled.
#[derive(Debug, Default)]
pub struct Rendered {
    blocks: Vec<(u16, String)>,
    interfaces: Vec<(String, Vec<(u16, String)>)>,
}

impl Rendered {
    /// Adds a global block (text with its own `!` separators) at `order`.
    pub fn block(&mut self, order: u16, text: String) {
        if !text.is_empty() {
            self.blocks.push((order, text));
        }
    }

    /// Declares interface `name` (blocks come in the order declared).
    pub fn interface(&mut self, name: &str) {
        if !self.interfaces.iter().any(|(n, _)| n == name) {
            self.interfaces.push((name.to_string(), Vec::new()));
        }
    }

    /// Adds `line` (without its leading space) to interface `name`'s block
    /// at `rank`.
    pub fn interface_line(&mut self, name: &str, rank: u16, line: String) {
        self.interface(name);
        if let Some((_, lines)) = self.interfaces.iter_mut().find(|(n, _)| n == name) {
            lines.push((rank, line));
        }
    }

    /// The interfaces declared, in order.
    pub fn interface_names(&self) -> Vec<String> {
        self.interfaces.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The lines of interface `name`'s block, in order (without `interface`).
    pub fn interface_lines(&self, name: &str) -> Vec<String> {
        let Some((_, lines)) = self.interfaces.iter().find(|(n, _)| n == name) else {
            return Vec::new();
        };
        let mut lines = lines.clone();
        lines.sort_by_key(|(r, _)| *r);
        lines.into_iter().map(|(_, l)| l).collect()
    }

    /// The whole text, `!`-separated, ending in `end`.
    pub fn text(mut self) -> String {
        let mut ifs = String::new();
        for (name, _) in &self.interfaces {
            let _ = writeln!(ifs, "interface {name}");
            for l in self.interface_lines(name) {
                let _ = writeln!(ifs, " {l}");
            }
            ifs.push_str("!\n");
        }
        self.block(order::INTERFACES, ifs);
        self.blocks.sort_by_key(|(o, _)| *o);
        let mut s = String::from("!\n");
        for (_, b) in &self.blocks {
            s.push_str(b);
        }
        s.push_str("!\nend\n");
        s
    }
}
