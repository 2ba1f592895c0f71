//! The daemon's boot settings: EAL, cores, ports and the control socket, in
//! RON. An embedded default runs on any Linux box with hugepages and touches
//! no PCI device.

use dataplane::{PortKind, PortSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The MAC table's default size (1M entries; the `l2` feature's FDB takes
/// the boot config's `switch.fdb_limit`).
pub const DEFAULT_FDB_LIMIT: usize = 1 << 20;
/// The default aging time, seconds (IOS: 300).
pub const DEFAULT_AGING_SECS: u32 = 300;
/// The embedded default boot config (`lisad --print-default-config`).
pub const DEFAULT_BOOT_CONFIG: &str = include_str!("default-boot.ron");

/// Default path of the startup-config.
pub const DEFAULT_STARTUP_CONFIG: &str = "/etc/lisa/startup-config";

/// Default path of the control socket.
pub const DEFAULT_SOCKET: &str = "/run/lisa/lisa.sock";
/// Where ports plugged over the API keep their vhost-user sockets (the
/// libvirt hook's `--dir` default too).
pub const DEFAULT_VHOST_DIR: &str = "/run/lisa/vhost";

/// The whole boot config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootConfig {
    /// DPDK EAL and core settings.
    #[serde(default)]
    pub eal: EalConfig,
    /// The control plane's listeners.
    #[serde(default)]
    pub control: ControlConfig,
    /// Switching table sizes.
    #[serde(default)]
    pub switch: SwitchConfig,
    /// Ports created at boot.
    #[serde(default)]
    pub ports: Vec<PortConfig>,
}

/// DPDK EAL and core settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EalConfig {
    /// CPU of the main lcore, where the control plane runs.
    pub main_core: usize,
    /// CPUs for worker lcores; empty = every CPU this process may use but
    /// the main one (or the main one, on a one-CPU box).
    pub worker_cores: Vec<usize>,
    /// Number of worker lcores, placed round-robin on `worker_cores`.
    pub workers: usize,
    /// Hugepage memory to take, in MB.
    pub memory_mb: u32,
    /// EAL `--file-prefix`; empty = derived from the control socket path,
    /// so two instances with different sockets never collide.
    pub file_prefix: String,
    /// Keep DPDK memory off the filesystem (`--in-memory`): nothing is left
    /// in /dev/hugepages, even after a crash.
    pub in_memory: bool,
    /// More EAL arguments, passed as they are.
    pub extra_args: Vec<String>,
}

impl Default for EalConfig {
    fn default() -> Self {
        EalConfig {
            main_core: 0,
            worker_cores: Vec::new(),
            workers: 1,
            memory_mb: 512,
            file_prefix: String::new(),
            in_memory: true,
            extra_args: Vec::new(),
        }
    }
}

/// The control plane's listeners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ControlConfig {
    /// The gRPC unix socket.
    pub socket: PathBuf,
    /// Group that may use the socket (mode 0660); empty = root's group.
    pub socket_group: String,
    /// Also listen on this TCP address (e.g. "127.0.0.1:50051"); empty = off.
    /// Off loopback it needs authentication: `tls_client_ca` or `token_file`.
    pub tcp: String,
    /// TLS on the TCP listener: the server's certificate chain (PEM file);
    /// empty = plain TCP. Needs `tls_key`.
    pub tls_cert: PathBuf,
    /// The private key of `tls_cert` (PEM file).
    pub tls_key: PathBuf,
    /// mTLS: TCP clients must present a certificate signed by this CA (PEM
    /// file); empty = no client certificate asked. Needs `tls_cert`.
    pub tls_client_ca: PathBuf,
    /// A file holding a bearer token: every call on TCP must carry
    /// `authorization: Bearer <token>`; empty = no token. Neither group nor
    /// others may have access to the file.
    pub token_file: PathBuf,
    /// Serve OpenMetrics (Prometheus) at `http://ADDR/metrics` (e.g.
    /// "127.0.0.1:9469"); empty = off.
    pub metrics: String,
    /// The startup-config file (IOS text), loaded at boot and written by
    /// `write memory`.
    pub startup_config: PathBuf,
    /// The directory where ports plugged over the API (`Ports.AddPort`)
    /// may have their vhost-user sockets (directly in it, compared as real
    /// paths); empty = anywhere. Ports of the boot config and `--port` are
    /// the operator's and may be anywhere.
    pub vhost_dir: PathBuf,
    /// Where the ports plugged over the API are kept, to plug them again
    /// at start (`crate::port_db`); empty = `ports.ron` beside the
    /// startup-config.
    pub port_db: PathBuf,
}

impl Default for ControlConfig {
    fn default() -> Self {
        ControlConfig {
            socket: PathBuf::from(DEFAULT_SOCKET),
            socket_group: String::new(),
            tcp: String::new(),
            tls_cert: PathBuf::new(),
            tls_key: PathBuf::new(),
            tls_client_ca: PathBuf::new(),
            token_file: PathBuf::new(),
            metrics: String::new(),
            startup_config: PathBuf::from(DEFAULT_STARTUP_CONFIG),
            vhost_dir: PathBuf::from(DEFAULT_VHOST_DIR),
            port_db: PathBuf::new(),
        }
    }
}

impl ControlConfig {
    /// The port database's file: `port_db`, or `ports.ron` beside the
    /// startup-config.
    pub fn port_db_path(&self) -> PathBuf {
        if !self.port_db.as_os_str().is_empty() {
            return self.port_db.clone();
        }
        self.startup_config
            .parent()
            .unwrap_or(Path::new("."))
            .join("ports.ron")
    }

    /// Checks the TCP listener's protection settings together (the files
    /// are read at start, `crate::tcp_auth`): TLS needs both its
    /// certificate and key, mTLS needs TLS, and off loopback the listener
    /// needs authentication (client certificates or a token).
    fn validate_tcp_protection(&self) -> Result<(), (Option<String>, String)> {
        let set = |p: &PathBuf| !p.as_os_str().is_empty();
        let err = |needle: &str, message: String| Err((Some(needle.to_string()), message));
        if set(&self.tls_cert) && !set(&self.tls_key) {
            return err(
                "tls_cert:",
                "control.tls_key: must be set with control.tls_cert (the certificate's private key)"
                    .into(),
            );
        }
        if set(&self.tls_key) && !set(&self.tls_cert) {
            return err(
                "tls_key:",
                "control.tls_cert: must be set with control.tls_key (the key's certificate)".into(),
            );
        }
        if set(&self.tls_client_ca) && !set(&self.tls_cert) {
            return err(
                "tls_client_ca:",
                "control.tls_client_ca: client certificates need TLS: set control.tls_cert and control.tls_key too"
                    .into(),
            );
        }
        let Ok(addr) = self.tcp.parse::<std::net::SocketAddr>() else {
            // No TCP listener: its protection settings would be ignored.
            for (field, path) in [
                ("tls_cert", &self.tls_cert),
                ("tls_client_ca", &self.tls_client_ca),
                ("token_file", &self.token_file),
            ] {
                if set(path) {
                    return err(
                        &format!("{field}:"),
                        format!("control.{field}: protects the TCP listener, but control.tcp is not set"),
                    );
                }
            }
            return Ok(());
        };
        if !addr.ip().is_loopback() && !set(&self.tls_client_ca) && !set(&self.token_file) {
            let what = if set(&self.tls_cert) {
                "TLS alone encrypts but lets any client in"
            } else {
                "plain TCP lets anyone who reaches it drive the switch"
            };
            return err(
                "tcp:",
                format!(
                    "control.tcp: {addr} is not a loopback address and {what}: set \
                     control.tls_client_ca (client certificates, with tls_cert and tls_key) \
                     or control.token_file, or listen on 127.0.0.1 or [::1]"
                ),
            );
        }
        Ok(())
    }
}

/// Switching table sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SwitchConfig {
    /// Maximum MAC address table entries.
    pub fdb_limit: usize,
    /// MAC address aging time, seconds.
    pub aging_seconds: u32,
    /// Power save: the longest sleep of an idle worker, µs (0 = never sleep).
    pub idle_sleep_max_us: u64,
}

impl Default for SwitchConfig {
    fn default() -> Self {
        SwitchConfig {
            fdb_limit: DEFAULT_FDB_LIMIT,
            aging_seconds: DEFAULT_AGING_SECS,
            idle_sleep_max_us: dataplane::shared::DEFAULT_IDLE_SLEEP_MAX_US,
        }
    }
}

/// A port created at boot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortConfig {
    /// IOS-style name: `Ethernet1`, `Vhost1`, `Port3/1`.
    pub name: String,
    /// `KIND:ARG`, as for `lisad --port`: `tap:IFNAME`, `afpacket:IFNAME`,
    /// `vhost-server:PATH`, `vhost-client:PATH`, `pci:ADDR`, `pcap:RX,TX`, `null`.
    pub kind: String,
}

/// A boot config that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct BootConfigError {
    /// The file (or "default config", or "command line").
    pub origin: String,
    /// 1-based line of the offending text, when known.
    pub line: Option<usize>,
    /// What is wrong, naming the field.
    pub message: String,
}

pub use lisa_types::valid_port_name;

/// Parses `NAME=KIND:ARG` (the `--port` option).
pub fn parse_port_arg(text: &str) -> Result<PortConfig, String> {
    let (name, kind) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=KIND:ARG (e.g. Ethernet1=tap:lisa1)"))?;
    lisa_types::check_port_name(name)?;
    kind.parse::<PortKind>().map_err(|e| e.to_string())?;
    Ok(PortConfig {
        name: name.to_string(),
        kind: kind.to_string(),
    })
}

impl BootConfig {
    /// The embedded default.
    pub fn default_config() -> BootConfig {
        BootConfig::parse(DEFAULT_BOOT_CONFIG, "default config")
            .expect("the default boot config is valid")
    }

    /// Reads and validates a RON file.
    pub fn load(path: &Path) -> Result<BootConfig, BootConfigError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BootConfigError {
            origin: origin.clone(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        BootConfig::parse(&text, &origin)
    }

    /// Parses and validates RON text; errors name `origin`, the line and the field.
    pub fn parse(text: &str, origin: &str) -> Result<BootConfig, BootConfigError> {
        let cfg: BootConfig = ron::from_str(text).map_err(|e| BootConfigError {
            origin: origin.to_string(),
            line: Some(e.span.start.line),
            message: e.code.to_string(),
        })?;
        cfg.validate()
            .map_err(|(needle, message)| BootConfigError {
                origin: origin.to_string(),
                line: needle.and_then(|n| line_of(text, &n)),
                message,
            })?;
        Ok(cfg)
    }

    /// Checks the settings together. On error returns a piece of text to
    /// find the line by, and a message naming the field.
    pub fn validate(&self) -> Result<(), (Option<String>, String)> {
        let mut names = HashSet::new();
        for (i, p) in self.ports.iter().enumerate() {
            if let Err(e) = lisa_types::check_port_name(&p.name) {
                return Err((
                    Some(format!("\"{}\"", p.name)),
                    format!("ports[{i}].name: {e}"),
                ));
            }
            if !names.insert(p.name.to_ascii_lowercase()) {
                return Err((
                    Some(format!("\"{}\"", p.name)),
                    format!("ports[{i}].name: port '{}' is defined twice", p.name),
                ));
            }
            if let Err(e) = p.kind.parse::<PortKind>() {
                return Err((
                    Some(format!("\"{}\"", p.kind)),
                    format!("ports[{i}].kind: {e}"),
                ));
            }
        }
        if self.eal.workers == 0 || self.eal.workers > 64 {
            return Err((
                Some("workers".into()),
                format!("eal.workers: {} is out of range (1-64)", self.eal.workers),
            ));
        }
        if self.eal.memory_mb < 64 {
            return Err((
                Some("memory_mb".into()),
                format!(
                    "eal.memory_mb: {} MB is too little for DPDK (at least 64)",
                    self.eal.memory_mb
                ),
            ));
        }
        if self.switch.fdb_limit == 0 || self.switch.fdb_limit > 16 << 20 {
            return Err((
                Some("fdb_limit".into()),
                format!(
                    "switch.fdb_limit: {} is out of range (1-16777216)",
                    self.switch.fdb_limit
                ),
            ));
        }
        if self.switch.idle_sleep_max_us > 10_000 {
            return Err((
                Some("idle_sleep_max_us".into()),
                format!(
                    "switch.idle_sleep_max_us: {} is out of range (0-10000)",
                    self.switch.idle_sleep_max_us
                ),
            ));
        }
        if !(10..=1_000_000).contains(&self.switch.aging_seconds) {
            return Err((
                Some("aging_seconds".into()),
                format!(
                    "switch.aging_seconds: {} is out of range (10-1000000)",
                    self.switch.aging_seconds
                ),
            ));
        }
        if self.control.socket.as_os_str().is_empty() {
            return Err((
                Some("socket".into()),
                "control.socket: may not be empty".into(),
            ));
        }
        if !self.control.tcp.is_empty() && self.control.tcp.parse::<std::net::SocketAddr>().is_err()
        {
            return Err((
                Some("tcp".into()),
                format!("control.tcp: '{}' is not an address:port", self.control.tcp),
            ));
        }
        self.control.validate_tcp_protection()?;
        if !self.control.metrics.is_empty()
            && self
                .control
                .metrics
                .parse::<std::net::SocketAddr>()
                .is_err()
        {
            return Err((
                Some("metrics".into()),
                format!(
                    "control.metrics: '{}' is not an address:port",
                    self.control.metrics
                ),
            ));
        }
        Ok(())
    }

    /// The validated port list.
    pub fn port_specs(&self) -> Vec<PortSpec> {
        self.ports
            .iter()
            .map(|p| PortSpec {
                name: p.name.clone(),
                kind: p.kind.parse().expect("validated"),
            })
            .collect()
    }

    /// The EAL `--file-prefix`: the configured one, or one derived from the
    /// control socket path.
    pub fn file_prefix(&self) -> String {
        if !self.eal.file_prefix.is_empty() {
            return self.eal.file_prefix.clone();
        }
        // FNV-1a of the socket path: stable, and distinct per instance.
        let mut h: u32 = 0x811c_9dc5;
        for b in self.control.socket.as_os_str().as_encoded_bytes() {
            h = (h ^ u32::from(*b)).wrapping_mul(0x0100_0193);
        }
        format!("lisa-{h:08x}")
    }

    /// The router MAC the SVIs answer at: locally administered, derived
    /// from the file prefix, so it is stable across restarts of one
    /// instance (hosts' ARP caches stay right) and distinct between two.
    pub fn router_mac(&self) -> dataplane::wire::MacAddr {
        let mut h: u32 = 0x811c_9dc5;
        for b in self.file_prefix().bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        let b = h.to_be_bytes();
        dataplane::wire::MacAddr([0x02, 0x4c, 0x53, b[1], b[2], b[3]])
    }

    /// The CPUs workers run on, given the CPUs this process may use.
    pub fn worker_cpus(&self, allowed: &[usize]) -> Vec<usize> {
        let pool: Vec<usize> = if !self.eal.worker_cores.is_empty() {
            self.eal.worker_cores.clone()
        } else {
            let others: Vec<usize> = allowed
                .iter()
                .copied()
                .filter(|&c| c != self.eal.main_core)
                .collect();
            if others.is_empty() {
                vec![self.eal.main_core]
            } else {
                others
            }
        };
        (0..self.eal.workers)
            .map(|i| pool[i % pool.len()])
            .collect()
    }

    /// The EAL command line, given the CPUs this process may use.
    pub fn eal_args(&self, allowed: &[usize]) -> Vec<String> {
        let main = self.eal.main_core;
        let lcores: Vec<String> = std::iter::once(format!("0@{main}"))
            .chain(
                self.worker_cpus(allowed)
                    .iter()
                    .enumerate()
                    .map(|(i, cpu)| format!("{}@{cpu}", i + 1)),
            )
            .collect();
        let mut args = vec![
            "--lcores".to_string(),
            lcores.join(","),
            "--main-lcore".into(),
            "0".into(),
            "--file-prefix".into(),
            self.file_prefix(),
            "-m".into(),
            self.eal.memory_mb.to_string(),
        ];
        if self.eal.in_memory {
            args.push("--in-memory".into());
        }
        let pci: Vec<String> = self
            .port_specs()
            .into_iter()
            .filter_map(|p| match p.kind {
                PortKind::Pci(addr) => Some(addr),
                _ => None,
            })
            .collect();
        if pci.is_empty() {
            args.push("--no-pci".into());
        } else {
            for addr in pci {
                args.push("-a".into());
                args.push(addr);
            }
        }
        args.extend(self.eal.extra_args.iter().cloned());
        args
    }

    /// The config as RON text.
    pub fn to_ron(&self) -> String {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).expect("serialisable")
    }
}

/// 1-based number of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid_and_portless() {
        let cfg = BootConfig::default_config();
        assert!(cfg.ports.is_empty());
        assert_eq!(cfg.control.socket, PathBuf::from(DEFAULT_SOCKET));
        let args = cfg.eal_args(&[0, 1]);
        assert!(args.contains(&"--no-pci".to_string()), "{args:?}");
        assert!(
            args.windows(2).any(|w| w == ["--lcores", "0@0,1@1"]),
            "{args:?}"
        );
    }

    #[test]
    fn one_cpu_box_puts_the_worker_on_the_main_cpu() {
        let cfg = BootConfig::default_config();
        assert_eq!(cfg.worker_cpus(&[0]), vec![0]);
    }

    #[test]
    fn workers_cycle_over_cores() {
        let mut cfg = BootConfig::default_config();
        cfg.eal.workers = 3;
        assert_eq!(cfg.worker_cpus(&[0, 1, 2]), vec![1, 2, 1]);
        let args = cfg.eal_args(&[0, 1, 2]);
        assert!(
            args.windows(2)
                .any(|w| w == ["--lcores", "0@0,1@1,2@2,3@1"]),
            "{args:?}"
        );
    }

    #[test]
    fn file_prefix_differs_per_socket() {
        let mut a = BootConfig::default_config();
        let mut b = a.clone();
        a.control.socket = "/tmp/a.sock".into();
        b.control.socket = "/tmp/b.sock".into();
        assert_ne!(a.file_prefix(), b.file_prefix());
    }

    #[test]
    fn syntax_error_names_line() {
        let text = "(\n  eal: (\n    workers: two,\n  ),\n)";
        let e = BootConfig::parse(text, "x.ron").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().starts_with("x.ron:3: "), "{e}");
    }

    #[test]
    fn unknown_field_is_named() {
        let text = "(\n  eal: (\n    wokers: 2,\n  ),\n)";
        let e = BootConfig::parse(text, "x.ron").unwrap_err();
        assert!(e.message.contains("wokers"), "{e}");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn semantic_errors_name_field_and_line() {
        let text = r#"(
  ports: [
    (name: "Ethernet1", kind: "tap:a"),
    (name: "Ethernet2", kind: "floppy:b"),
  ],
)"#;
        let e = BootConfig::parse(text, "x.ron").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.starts_with("ports[1].kind"), "{e}");
        let dup = text
            .replace("floppy:b", "tap:b")
            .replace("Ethernet2", "ethernet1");
        let e = BootConfig::parse(&dup, "x.ron").unwrap_err();
        assert!(e.message.contains("defined twice"), "{e}");
    }

    #[test]
    fn port_args() {
        let p = parse_port_arg("Vhost1=vhost-server:/tmp/v.sock").unwrap();
        assert_eq!(p.kind, "vhost-server:/tmp/v.sock");
        assert!(parse_port_arg("Vhost1").is_err());
        assert!(parse_port_arg("1Vhost=null").is_err());
        assert!(parse_port_arg("Vhost1=nul").is_err());
        assert!(valid_port_name("Port1/3"));
        assert!(valid_port_name("web01-eth0"));
        assert!(!valid_port_name("has space"));
        assert!(parse_port_arg("Vlan10=null").unwrap_err().contains("SVI"));
    }

    #[test]
    fn tcp_off_loopback_needs_authentication() {
        let parse = |control: &str| BootConfig::parse(&format!("(control: ({control}))"), "x.ron");
        // Plain TCP stays allowed on loopback only.
        assert!(parse(r#"tcp: "127.0.0.1:50051""#).is_ok());
        assert!(parse(r#"tcp: "127.9.9.9:50051""#).is_ok());
        assert!(parse(r#"tcp: "[::1]:50051""#).is_ok());
        for open in [r#"tcp: "0.0.0.0:50051""#, r#"tcp: "[::]:50051""#] {
            let e = parse(open).unwrap_err();
            assert!(e.message.starts_with("control.tcp: "), "{e}");
            assert!(e.message.contains("not a loopback address"), "{e}");
        }
        // TLS alone encrypts but does not authenticate.
        let tls = r#"tls_cert: "s.pem", tls_key: "s.key""#;
        let e = parse(&format!(r#"tcp: "0.0.0.0:50051", {tls}"#)).unwrap_err();
        assert!(e.message.contains("TLS alone"), "{e}");
        assert!(parse(&format!(r#"tcp: "127.0.0.1:50051", {tls}"#)).is_ok());
        assert!(parse(&format!(
            r#"tcp: "0.0.0.0:1", {tls}, tls_client_ca: "ca.pem""#
        ))
        .is_ok());
        assert!(parse(&format!(r#"tcp: "0.0.0.0:1", {tls}, token_file: "t""#)).is_ok());
        assert!(parse(r#"tcp: "0.0.0.0:1", token_file: "t""#).is_ok());
    }

    #[test]
    fn tls_settings_go_together() {
        let text = "(\n  control: (\n    tcp: \"127.0.0.1:1\",\n    tls_cert: \"s.pem\",\n  ),\n)";
        let e = BootConfig::parse(text, "x.ron").unwrap_err();
        assert!(e.message.starts_with("control.tls_key: "), "{e}");
        assert_eq!(e.line, Some(4), "{e}");
        let parse = |control: &str| BootConfig::parse(&format!("(control: ({control}))"), "x.ron");
        let e = parse(r#"tcp: "127.0.0.1:1", tls_key: "s.key""#).unwrap_err();
        assert!(e.message.starts_with("control.tls_cert: "), "{e}");
        let e = parse(r#"tcp: "127.0.0.1:1", tls_client_ca: "ca.pem""#).unwrap_err();
        assert!(e.message.starts_with("control.tls_client_ca: "), "{e}");
        // Protection settings without a TCP listener are a mistake.
        let e = parse(r#"token_file: "t""#).unwrap_err();
        assert!(e.message.starts_with("control.token_file: "), "{e}");
        assert!(e.message.contains("control.tcp is not set"), "{e}");
    }

    #[test]
    fn ron_round_trip() {
        let mut cfg = BootConfig::default_config();
        cfg.ports.push(parse_port_arg("Ethernet1=tap:x").unwrap());
        let again = BootConfig::parse(&cfg.to_ron(), "rt").unwrap();
        assert_eq!(again, cfg);
    }
}
