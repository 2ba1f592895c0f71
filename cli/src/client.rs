//! The gRPC connection to lisad and the commands this first swcli knows.

use crate::exec::ExecCmd;
use anyhow::{anyhow, bail, Context, Result};
use lisa_engine::Args;
use lisa_proto::v1::{
    config_client::ConfigClient, fdb_client::FdbClient, ports_client::PortsClient,
    routing_client::RoutingClient, system_client::SystemClient, vlans_client::VlansClient,
    ApplyConfigRequest, ClearArpRequest, ClearCountersRequest, FlushFdbRequest,
    GetDropCountersRequest, GetRunningConfigRequest, GetStartupConfigRequest, GetVersionRequest,
    ListArpRequest, ListFdbRequest, ListPortsRequest, ListRoutesRequest, ListSvisRequest,
    ListVlansRequest, LookupRequest, ReloadRequest, SaveConfigRequest,
};
use std::fmt::Write;
use std::path::Path;
use tonic::transport::{Channel, Endpoint};

/// The largest answer swcli takes: a running config with a full Internet
/// table is tens of MB, beyond gRPC's usual 4 MB.
const MAX_MESSAGE: usize = 256 << 20;

/// Which entries `show mac address-table` lists.
#[derive(Default)]
pub struct MacFilter {
    /// Only "dynamic" or "static" entries.
    pub kind: Option<&'static str>,
    /// Only this address.
    pub address: Option<String>,
    /// Only this interface.
    pub interface: Option<String>,
    /// Only this VLAN.
    pub vlan: Option<u32>,
    /// Counts only.
    pub count: bool,
}

impl MacFilter {
    /// The filter a parsed `show mac address-table ...` line asks for.
    pub fn from_parsed(args: &Args) -> MacFilter {
        MacFilter {
            kind: if args.has("dynamic") {
                Some("dynamic")
            } else if args.has("static") {
                Some("static")
            } else {
                None
            },
            address: args.text("mac").map(str::to_string),
            interface: args.text("interface").map(str::to_string),
            vlan: args.text("vlan").and_then(|v| v.parse().ok()),
            count: args.has("count"),
        }
    }
}

/// Which routes `show ip route` lists.
pub enum RouteFilter {
    /// All.
    All,
    /// Connected and local.
    Connected,
    /// Static.
    Static,
}

/// A connection to one lisad.
pub struct Switch {
    channel: Channel,
}

impl Switch {
    /// Connects to lisad's unix socket at `path`.
    pub async fn connect(path: &Path) -> Result<Switch> {
        if !path.exists() {
            bail!(
                "lisad is not running: no control socket at {} (start it with `lisad`, or point swcli at it with --socket/LISA_SOCKET)",
                path.display()
            );
        }
        let channel = lisa_proto::connect_unix(Endpoint::try_from("http://lisad.local")?, path)
            .await
            .with_context(|| {
                format!(
                    "lisad is not answering on {} (is it running? start it with `lisad`)",
                    path.display()
                )
            })?;
        Ok(Switch { channel })
    }

    /// Runs one EXEC command line (already parsed) and returns what it prints.
    pub async fn execute(&mut self, cmd: ExecCmd, args: &Args) -> Result<String> {
        let arg = |name: &str| args.text(name).unwrap_or_default().to_string();
        match cmd {
            ExecCmd::ShowVlanBrief => self.show_vlan_brief().await,
            ExecCmd::ClearMacDynamic => self.clear_mac(0, "").await,
            ExecCmd::ClearMacDynamicVlan => {
                self.clear_mac(arg("vlan").parse().unwrap_or(0), "").await
            }
            ExecCmd::ClearMacDynamicInterface => self.clear_mac(0, &arg("interface")).await,
            ExecCmd::ShowVersion => self.show_version().await,
            ExecCmd::ShowInterfaces => self.show_interfaces().await,
            ExecCmd::ShowMacTable | ExecCmd::ShowMacCount => {
                self.show_mac(MacFilter::from_parsed(args)).await
            }
            ExecCmd::ClearCounters => self.clear_counters().await,
            ExecCmd::ShowRunning => self.running().await,
            ExecCmd::ShowStartup => self.startup().await,
            ExecCmd::WriteMemory | ExecCmd::CopyRunStart => self.save().await,
            ExecCmd::Reload => self.reload().await,
            ExecCmd::ConfigureTerminal
            | ExecCmd::Enable
            | ExecCmd::Disable
            | ExecCmd::Exit
            | ExecCmd::ShowHistory => Ok(String::new()),
            ExecCmd::ShowInterface => self.show_interface(&arg("interface")).await,
            ExecCmd::ShowInterfacesStatus => self.show_interfaces_status().await,
            ExecCmd::ShowInterfacesCounters => self.show_interfaces_counters().await,
            ExecCmd::ShowInterfacesTrunk => self.show_interfaces_trunk().await,
            ExecCmd::ShowRunningInterface => self.show_running_interface(&arg("interface")).await,
            ExecCmd::ShowIpInterfaceBrief => self.show_ip_interface_brief().await,
            ExecCmd::ShowIpRoute => self.show_ip_route(RouteFilter::All).await,
            ExecCmd::ShowIpRouteStatic => self.show_ip_route(RouteFilter::Static).await,
            ExecCmd::ShowIpRouteConnected => self.show_ip_route(RouteFilter::Connected).await,
            ExecCmd::ShowIpRouteAddress => self.show_ip_route_address(&arg("address")).await,
            ExecCmd::ShowIpArp => self.show_ip_arp().await,
            ExecCmd::ClearArp => {
                RoutingClient::new(self.channel.clone())
                    .max_decoding_message_size(MAX_MESSAGE)
                    .clear_arp(ClearArpRequest {})
                    .await
                    .map_err(|s| anyhow!("{}", s.message()))?;
                Ok(String::new())
            }
        }
    }

    /// Applies configuration lines as one change; the error names the line.
    pub async fn apply(&mut self, text: &str) -> Result<()> {
        ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .apply_config(ApplyConfigRequest {
                text: text.to_string(),
            })
            .await
            .map_err(|s| anyhow!("% {}", s.message()))?;
        Ok(())
    }

    /// The running configuration as IOS text.
    pub async fn running_text(&mut self) -> Result<String> {
        Ok(ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_running_config(GetRunningConfigRequest {})
            .await?
            .into_inner()
            .text)
    }

    async fn running(&mut self) -> Result<String> {
        let t = self.running_text().await?;
        Ok(format!(
            "Building configuration...\n\nCurrent configuration : {} bytes\n{t}",
            t.len()
        ))
    }

    async fn startup(&mut self) -> Result<String> {
        let r = ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_startup_config(GetStartupConfigRequest {})
            .await
            .map_err(|s| anyhow!("{}", s.message()))?;
        Ok(r.into_inner().text)
    }

    async fn save(&mut self) -> Result<String> {
        let r = ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .save_config(SaveConfigRequest {})
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        Ok(format!(
            "Building configuration...\n[OK] ({} bytes to {})\n",
            r.bytes, r.path
        ))
    }

    async fn reload(&mut self) -> Result<String> {
        ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .reload(ReloadRequest {})
            .await
            .map_err(|s| anyhow!("{}", s.message()))?;
        Ok("Configuration reloaded from startup-config\n".into())
    }

    /// The switch's configured host name (for the prompt).
    pub async fn hostname(&mut self) -> Result<String> {
        Ok(ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_running_config_typed(GetRunningConfigRequest {})
            .await?
            .into_inner()
            .hostname)
    }

    /// The canonical name of an interface as typed (`e1` -> `Ethernet1`).
    async fn resolve(&mut self, typed: &str) -> Result<String> {
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        lisa_ports::model::resolve_among(ports.iter().map(|p| p.name.as_str()), typed)
            .map_err(|e| anyhow!("{e}"))
    }

    /// `show interfaces X`: one interface's block.
    async fn show_interface(&mut self, typed: &str) -> Result<String> {
        let name = self.resolve(typed).await?;
        let all = self.show_interfaces().await?;
        let mut out = String::new();
        let mut inside = false;
        for l in all.lines() {
            if !l.starts_with(' ') {
                inside = l.starts_with(&format!("{name} is "));
            }
            if inside {
                out.push_str(l);
                out.push('\n');
            }
        }
        if out.is_empty() {
            bail!("Interface {name} does not exist");
        }
        Ok(out)
    }

    /// `show running-config interface X`.
    async fn show_running_interface(&mut self, typed: &str) -> Result<String> {
        let name = self.resolve(typed).await?;
        let text = self.running_text().await?;
        let head = format!("interface {name}");
        let block: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != head)
            .take_while(|l| *l != "!")
            .collect();
        if block.is_empty() {
            bail!("Interface {name} has no configuration");
        }
        Ok(format!(
            "Building configuration...\n\nCurrent configuration:\n!\n{}\nend\n",
            block.join("\n")
        ))
    }

    /// `show interfaces status`.
    async fn show_interfaces_status(&mut self) -> Result<String> {
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        let cfg = ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_running_config_typed(GetRunningConfigRequest {})
            .await?
            .into_inner();
        let mut out = format!(
            "{:<12} {:<18} {:<12} {:<6} {:>6}  {}\n",
            "Port", "Name", "Status", "Vlan", "Speed", "Type"
        );
        for p in ports {
            let i = cfg.interfaces.iter().find(|i| i.name == p.name);
            let status = match (p.admin_up, p.link_up) {
                (false, _) => "disabled",
                (true, true) => "connected",
                (true, false) => "notconnect",
            };
            let vlan = match i {
                Some(i) if i.mode == lisa_proto::v1::SwitchportMode::Trunk as i32 => {
                    "trunk".to_string()
                }
                Some(i) => i.access_vlan.to_string(),
                None => "1".into(),
            };
            let speed = match p.speed_mbps {
                0 => "auto".to_string(),
                s if s % 1000 == 0 => format!("{}G", s / 1000),
                s => format!("{s}M"),
            };
            let name: String = i
                .map(|i| i.description.chars().take(18).collect())
                .unwrap_or_default();
            let kind = p.kind.split(':').next().unwrap_or("").to_string();
            writeln!(
                out,
                "{:<12} {:<18} {:<12} {:<6} {:>6}  {}",
                p.name, name, status, vlan, speed, kind
            )?;
        }
        Ok(out)
    }

    /// `show interfaces counters`.
    async fn show_interfaces_counters(&mut self) -> Result<String> {
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        let mut out = format!(
            "{:<12} {:>14} {:>12} {:>14} {:>12} {:>10} {:>10}\n",
            "Port", "InOctets", "InPkts", "OutOctets", "OutPkts", "InDrops", "OutDrops"
        );
        for p in ports {
            let c = p.counters.unwrap_or_default();
            writeln!(
                out,
                "{:<12} {:>14} {:>12} {:>14} {:>12} {:>10} {:>10}",
                p.name,
                c.rx_bytes,
                c.rx_packets,
                c.tx_bytes,
                c.tx_packets,
                c.rx_dropped,
                c.tx_dropped
            )?;
        }
        Ok(out)
    }

    /// `show interfaces trunk`, IOS style: mode and native VLAN, allowed
    /// VLANs, and allowed VLANs that exist.
    async fn show_interfaces_trunk(&mut self) -> Result<String> {
        let cfg = ConfigClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_running_config_typed(GetRunningConfigRequest {})
            .await?
            .into_inner();
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        let trunks: Vec<&lisa_proto::v1::InterfaceSettings> = cfg
            .interfaces
            .iter()
            .filter(|i| i.mode == lisa_proto::v1::SwitchportMode::Trunk as i32)
            .filter(|i| ports.iter().any(|p| p.name == i.name))
            .collect();
        let existing: lisa_types::VlanSet = cfg.vlans.iter().map(|v| v.id as u16).collect();
        let mut out = format!(
            "\n{:<12} {:<12} {:<14} {:<13} {}\n",
            "Port", "Mode", "Encapsulation", "Status", "Native vlan"
        );
        for i in &trunks {
            let up = ports
                .iter()
                .any(|p| p.name == i.name && p.admin_up && p.link_up);
            let status = if up { "trunking" } else { "not-trunking" };
            writeln!(
                out,
                "{:<12} {:<12} {:<14} {:<13} {}",
                i.name, "on", "802.1q", status, i.native_vlan
            )?;
        }
        writeln!(out, "\n{:<12} Vlans allowed on trunk", "Port")?;
        for i in &trunks {
            writeln!(out, "{:<12} {}", i.name, i.allowed_vlans)?;
        }
        writeln!(
            out,
            "\n{:<12} Vlans allowed and active in management domain",
            "Port"
        )?;
        for i in &trunks {
            let allowed: lisa_types::VlanSet = i
                .allowed_vlans
                .parse()
                .unwrap_or_else(|_| lisa_types::VlanSet::none());
            writeln!(out, "{:<12} {}", i.name, allowed.intersection(&existing))?;
        }
        Ok(out)
    }

    /// `show ip interface brief`: every port (unassigned: they switch) and
    /// every SVI.
    async fn show_ip_interface_brief(&mut self) -> Result<String> {
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        let svis = RoutingClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_svis(ListSvisRequest {})
            .await?
            .into_inner()
            .svis;
        let mut out = format!(
            "{:<22} {:<15} OK? Method Status                Protocol\n",
            "Interface", "IP-Address"
        );
        for p in ports {
            let (status, proto) = match (p.admin_up, p.link_up) {
                (false, _) => ("administratively down", "down"),
                (true, true) => ("up", "up"),
                (true, false) => ("down", "down"),
            };
            writeln!(
                out,
                "{:<22} {:<15} YES unset  {:<21} {}",
                p.name, "unassigned", status, proto
            )?;
        }
        for s in svis {
            let addr = s.address.split('/').next().unwrap_or("").to_string();
            let (addr, method) = if addr.is_empty() {
                ("unassigned".to_string(), "unset ")
            } else {
                (addr, "manual")
            };
            let (status, proto) = if s.shutdown {
                ("administratively down", "down")
            } else if s.up {
                ("up", "up")
            } else {
                ("down", "down")
            };
            writeln!(
                out,
                "{:<22} {:<15} YES {method} {:<21} {}",
                format!("Vlan{}", s.vlan),
                addr,
                status,
                proto
            )?;
        }
        Ok(out)
    }

    /// `show ip route [connected|static]`, IOS style.
    async fn show_ip_route(&mut self, filter: RouteFilter) -> Result<String> {
        let resp = RoutingClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_routes(ListRoutesRequest {
                prefix: String::new(),
                limit: 0,
            })
            .await?
            .into_inner();
        let mut out = String::from("Codes: L - local, C - connected, S - static\n\n");
        let default = resp
            .routes
            .iter()
            .find(|r| r.prefix == "0.0.0.0/0" && r.r#type == "static" && r.active);
        match default {
            Some(d) => writeln!(
                out,
                "Gateway of last resort is {} to network 0.0.0.0\n",
                d.gateway
            )?,
            None => writeln!(out, "Gateway of last resort is not set\n")?,
        }
        for r in &resp.routes {
            let line = match r.r#type.as_str() {
                "connected" if !matches!(filter, RouteFilter::Static) => {
                    format!(
                        "C        {} is directly connected, Vlan{}",
                        r.prefix, r.vlan
                    )
                }
                "local" if !matches!(filter, RouteFilter::Static) => {
                    format!(
                        "L        {} is directly connected, Vlan{}",
                        r.prefix, r.vlan
                    )
                }
                "static" if r.active && !matches!(filter, RouteFilter::Connected) => {
                    format!("S        {} [1/0] via {}", r.prefix, r.gateway)
                }
                _ => continue,
            };
            writeln!(out, "{line}")?;
        }
        Ok(out)
    }

    /// `show ip route A.B.C.D`: the route the dataplane uses for an address.
    async fn show_ip_route_address(&mut self, addr: &str) -> Result<String> {
        let r = RoutingClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .lookup(LookupRequest {
                address: addr.to_string(),
            })
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        Ok(match r.action.as_str() {
            "no-route" => "% Network not in table\n".to_string(),
            "forward" => format!(
                "Routing entry for {addr}\n  Forwarding to {} in Vlan{}\n",
                r.mac, r.vlan
            ),
            "resolve" => format!(
                "Routing entry for {addr}\n  Next hop in Vlan{}, ARP not resolved yet\n",
                r.vlan
            ),
            "local" => format!("Routing entry for {addr}\n  Local address of this switch\n"),
            other => format!("Routing entry for {addr}\n  Next hop {other}\n"),
        })
    }

    /// `show ip arp`, IOS style: the SVIs' own addresses, then neighbors.
    async fn show_ip_arp(&mut self) -> Result<String> {
        let mut routing =
            RoutingClient::new(self.channel.clone()).max_decoding_message_size(MAX_MESSAGE);
        let svis = routing.list_svis(ListSvisRequest {}).await?.into_inner();
        let arp = routing
            .list_arp(ListArpRequest {})
            .await?
            .into_inner()
            .entries;
        let mut rows: Vec<(std::net::Ipv4Addr, String)> = Vec::new();
        for s in svis.svis.iter().filter(|s| s.up) {
            let addr = s.address.split('/').next().unwrap_or("");
            if let Ok(ip) = addr.parse() {
                rows.push((
                    ip,
                    format!(
                        "Internet  {:<16} {:>9}   {:<14}  ARPA   Vlan{}",
                        addr, "-", svis.router_mac, s.vlan
                    ),
                ));
            }
        }
        for e in arp {
            let age = match e.state.as_str() {
                "static" => "-".to_string(),
                _ => (e.age_seconds / 60).to_string(),
            };
            let hw = if e.mac.is_empty() {
                "Incomplete".to_string()
            } else {
                e.mac.clone()
            };
            if let Ok(ip) = e.address.parse() {
                rows.push((
                    ip,
                    format!(
                        "Internet  {:<16} {:>9}   {:<14}  ARPA   Vlan{}",
                        e.address, age, hw, e.vlan
                    ),
                ));
            }
        }
        rows.sort();
        let mut out = String::from(
            "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n",
        );
        for (_, r) in rows {
            writeln!(out, "{r}")?;
        }
        Ok(out)
    }

    async fn show_vlan_brief(&mut self) -> Result<String> {
        let vlans = VlansClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_vlans(ListVlansRequest {})
            .await?
            .into_inner()
            .vlans;
        let mut out = String::from(
            "\nVLAN Name                             Status    Ports\n---- -------------------------------- --------- -------------------------------\n",
        );
        for v in vlans {
            writeln!(
                out,
                "{:<4} {:<32} {:<9} {}",
                v.id,
                v.name,
                "active",
                v.access_ports.join(", ")
            )?;
        }
        Ok(out)
    }

    async fn clear_counters(&mut self) -> Result<String> {
        SystemClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .clear_counters(ClearCountersRequest {})
            .await
            .map_err(|s| anyhow!("{}", s.message()))?;
        Ok(String::new())
    }

    async fn clear_mac(&mut self, vlan: u32, port: &str) -> Result<String> {
        FdbClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .flush(FlushFdbRequest {
                vlan,
                port: port.to_string(),
            })
            .await
            .map_err(|s| anyhow!("{}", s.message()))?;
        Ok(String::new())
    }

    async fn show_version(&mut self) -> Result<String> {
        let v = SystemClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_version(GetVersionRequest {})
            .await?
            .into_inner();
        Ok(format!(
            "LiSA-DP lisad {}\n{}\n{} uptime is {} seconds\nForwarding workers: {}\n",
            v.lisad, v.dpdk, v.hostname, v.uptime_seconds, v.workers
        ))
    }

    async fn show_interfaces(&mut self) -> Result<String> {
        let ports = PortsClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_ports(ListPortsRequest {})
            .await?
            .into_inner()
            .ports;
        let drops = SystemClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .get_drop_counters(GetDropCountersRequest {})
            .await?
            .into_inner()
            .drops;
        let mut out = String::new();
        for p in ports {
            let c = p.counters.unwrap_or_default();
            let state = match (p.admin_up, p.link_up) {
                (false, _) => "administratively down",
                (true, true) => "up",
                (true, false) => "down",
            };
            writeln!(out, "{} is {state} ({})", p.name, p.kind)?;
            writeln!(out, "  Hardware is {}, address is {}", p.driver, p.mac)?;
            writeln!(
                out,
                "  {} packets input, {} bytes, {} dropped",
                c.rx_packets, c.rx_bytes, c.rx_dropped
            )?;
            writeln!(
                out,
                "  {} packets output, {} bytes, {} dropped",
                c.tx_packets, c.tx_bytes, c.tx_dropped
            )?;
        }
        let total: u64 = drops.iter().map(|d| d.packets).sum();
        if total > 0 {
            writeln!(out, "Drops:")?;
            for d in drops.iter().filter(|d| d.packets > 0) {
                writeln!(out, "  {:<16} {}", d.reason, d.packets)?;
            }
        }
        Ok(out)
    }

    /// `show mac address-table [dynamic|static|vlan N|interface X|address H.H.H|count]`.
    async fn show_mac(&mut self, filter: MacFilter) -> Result<String> {
        let req = ListFdbRequest {
            vlan: filter.vlan.unwrap_or(0),
            port: filter.interface.clone().unwrap_or_default(),
        };
        let r = FdbClient::new(self.channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .list_entries(req)
            .await
            .map_err(|s| anyhow!("{}", s.message()))?
            .into_inner();
        let wanted_mac = match &filter.address {
            Some(a) => Some(a.parse::<lisa_mac::Mac>()?.cisco()),
            None => None,
        };
        let entries: Vec<_> = r
            .entries
            .iter()
            .filter(|e| filter.kind.is_none_or(|k| e.r#type == k))
            .filter(|e| {
                wanted_mac.as_ref().is_none_or(|w| {
                    e.mac
                        .parse::<lisa_mac::Mac>()
                        .is_ok_and(|m| &m.cisco() == w)
                })
            })
            .collect();
        if filter.count {
            let dynamic = entries.iter().filter(|e| e.r#type == "dynamic").count();
            return Ok(format!(
                "\nMac Entries for all vlans :\n---------------------------\nDynamic Address Count  : {dynamic}\nStatic  Address Count  : {}\nTotal Mac Addresses    : {}\n\nTotal Mac Address Space Available: {}\n",
                entries.len() - dynamic,
                entries.len(),
                r.limit.saturating_sub(r.total)
            ));
        }
        let mut out = String::from("          Mac Address Table\n-------------------------------------------\n\nVlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n");
        for e in &entries {
            let mac: lisa_mac::Mac = e.mac.parse()?;
            writeln!(
                out,
                "{:>4}    {}    {:<8}    {}",
                e.vlan,
                mac.cisco(),
                e.r#type.to_uppercase(),
                e.port
            )?;
        }
        writeln!(
            out,
            "Total Mac Addresses for this criterion: {}",
            entries.len()
        )?;
        Ok(out)
    }
}

/// MAC text conversion for display (aa:bb:... -> aabb.ccdd.eeff).
mod lisa_mac {
    /// A MAC address as twelve hex digits.
    pub struct Mac(String);

    impl std::str::FromStr for Mac {
        type Err = anyhow::Error;
        fn from_str(s: &str) -> anyhow::Result<Mac> {
            let hex: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
            if hex.len() != 12 {
                anyhow::bail!("bad MAC address from lisad: {s}");
            }
            Ok(Mac(hex.to_lowercase()))
        }
    }

    impl Mac {
        /// Cisco's dotted form.
        pub fn cisco(&self) -> String {
            format!("{}.{}.{}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
        }
    }
}
