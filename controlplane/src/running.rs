//! The running configuration: the one model both the IOS text and the gRPC
//! API change. A change is validated as a whole, then only what differs is
//! pushed to the dataplane; a rejected change leaves everything as it was.

use crate::events::Events;
use dataplane::l3::control::{StaticRoute, SviAddr};
use dataplane::vlan::PortMode;
use dataplane::{Dataplane, PortL2};
use lisa_config::{
    apply_text, render, Config, InterfaceConfig, IpRoute, SwitchportMode, TextError,
};
use lisa_proto::v1::EventType;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Errors changing or saving the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The text has an error (with its line).
    #[error(transparent)]
    Text(#[from] TextError),
    /// A typed change breaks a rule (names the field).
    #[error("{0}")]
    Invalid(String),
    /// The dataplane refused a change; the old configuration was restored.
    #[error("the switch refused the change: {0}")]
    Dataplane(String),
    /// Saving or reading a file failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// The running configuration and the dataplane it drives.
pub struct Running {
    dp: Arc<Dataplane>,
    events: Events,
    cfg: Mutex<Config>,
    startup: PathBuf,
    aging: AtomicU32,
}

/// What the dataplane needs of one interface's settings.
pub fn port_l2(i: &InterfaceConfig) -> PortL2 {
    PortL2 {
        admin_up: !i.shutdown,
        mode: match i.mode {
            SwitchportMode::Access => PortMode::Access {
                vlan: i.access_vlan,
            },
            SwitchportMode::Trunk => PortMode::Trunk {
                native: i.native_vlan,
                allowed: i.allowed.clone(),
            },
        },
        mtu: i.mtu,
    }
}

impl Running {
    /// The default configuration over the dataplane's ports, saved to
    /// `startup` by `save`.
    pub fn new(dp: Arc<Dataplane>, startup: PathBuf, events: Events) -> Running {
        let names: Vec<String> = dp.port_names().into_iter().map(|(_, n)| n).collect();
        let cfg = Config::with_interfaces(names.iter().map(String::as_str));
        let aging = AtomicU32::new(cfg.mac_aging);
        Running {
            dp,
            events,
            cfg: Mutex::new(cfg),
            startup,
            aging,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Config> {
        self.cfg.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the running configuration.
    pub fn config(&self) -> Config {
        self.lock().clone()
    }

    /// `show running-config`.
    pub fn render(&self) -> String {
        render(&self.lock())
    }

    /// MAC aging time in seconds (0 = never).
    pub fn aging(&self) -> u32 {
        self.aging.load(Ordering::Relaxed)
    }

    /// The startup-config path.
    pub fn startup_path(&self) -> &Path {
        &self.startup
    }

    /// Applies configuration lines (global mode first) to the running config.
    pub fn apply_text(&self, text: &str) -> Result<(), ConfigError> {
        let mut cur = self.lock();
        let new = apply_text(&cur, text)?;
        self.push(&cur, &new)?;
        self.changed(&cur, &new);
        *cur = new;
        Ok(())
    }

    /// Applies a typed change to a copy of the running config, validates the
    /// whole, and pushes what differs; on any error nothing changes.
    pub fn edit<T>(
        &self,
        f: impl FnOnce(&mut Config) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let mut cur = self.lock();
        let mut new = cur.clone();
        let out = f(&mut new).map_err(ConfigError::Invalid)?;
        new.validate().map_err(|e| ConfigError::Invalid(e.0))?;
        self.push(&cur, &new)?;
        self.changed(&cur, &new);
        *cur = new;
        Ok(out)
    }

    /// Announces a configuration change, naming what changed.
    fn changed(&self, old: &Config, new: &Config) {
        if old == new {
            return;
        }
        let mut what: Vec<String> = new
            .interfaces
            .iter()
            .filter(|(n, i)| old.interfaces.get(*n) != Some(*i))
            .map(|(n, _)| n.clone())
            .collect();
        if old.vlans != new.vlans {
            what.push("vlans".into());
        }
        if old.static_macs != new.static_macs || old.mac_aging != new.mac_aging {
            what.push("mac address-table".into());
        }
        if old.hostname != new.hostname {
            what.push("hostname".into());
        }
        what.extend(
            new.svis
                .iter()
                .filter(|(v, s)| old.svis.get(*v) != Some(*s))
                .map(|(v, _)| format!("Vlan{v}")),
        );
        what.extend(
            old.svis
                .keys()
                .filter(|v| !new.svis.contains_key(*v))
                .map(|v| format!("Vlan{v}")),
        );
        if old.routes != new.routes {
            what.push("routes".into());
        }
        if old.arps != new.arps {
            what.push("arp".into());
        }
        self.events
            .emit(EventType::ConfigChanged, "", what.join(", "));
    }

    /// The event feed.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// `reload`: the defaults (over the ports present), then the
    /// startup-config if there is one, as one change.
    pub fn reload(&self) -> Result<(), ConfigError> {
        let text = match std::fs::read_to_string(&self.startup) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ConfigError::Io(
                    format!("reading {}", self.startup.display()),
                    e,
                ))
            }
        };
        let names: Vec<String> = self.dp.port_names().into_iter().map(|(_, n)| n).collect();
        let base = Config::with_interfaces(names.iter().map(String::as_str));
        let new = apply_text(&base, &text)?;
        let mut cur = self.lock();
        self.push(&cur, &new)?;
        self.changed(&cur, &new);
        *cur = new;
        Ok(())
    }

    /// Loads the startup-config if there is one. Returns whether there was.
    pub fn load_startup(&self) -> Result<bool, ConfigError> {
        let text = match std::fs::read_to_string(&self.startup) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => {
                return Err(ConfigError::Io(
                    format!("reading {}", self.startup.display()),
                    e,
                ))
            }
        };
        self.apply_text(&text).map(|_| true)
    }

    /// Writes the running config to the startup-config atomically: a temp
    /// file in the same directory, fsync, rename, fsync of the directory.
    pub fn save(&self) -> Result<(), ConfigError> {
        let text = self.render();
        let path = &self.startup;
        let io = |what: &str, e| ConfigError::Io(format!("{what} {}", path.display()), e);
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| io("creating the directory of", e))?;
        let tmp = dir.join(format!(
            ".{}.tmp{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("startup-config"),
            std::process::id()
        ));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            std::fs::File::open(dir)?.sync_all()
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io("saving", e)
        })
    }

    /// A port was plugged: make sure it has settings (a new one gets
    /// `description` if it has none) and push them.
    pub fn port_added(&self, name: &str, description: &str) -> Result<(), ConfigError> {
        let mut cur = self.lock();
        let entry = cur.interfaces.entry(name.to_string()).or_default();
        if entry.description.is_empty() && !description.is_empty() {
            entry.description = description.chars().take(240).collect();
        }
        let i = entry.clone();
        self.dp
            .set_port_l2(name, port_l2(&i))
            .map_err(|e| ConfigError::Dataplane(e.to_string()))?;
        self.sync_static(&Config::default(), &cur, Some(name));
        Ok(())
    }

    /// Pushes what differs between `old` and `new` to the dataplane; on a
    /// refusal, puts back what was pushed.
    fn push(&self, old: &Config, new: &Config) -> Result<(), ConfigError> {
        if old.vlans.keys().ne(new.vlans.keys()) {
            self.dp.set_active_vlans(new.vlan_set());
        }
        let present: Vec<String> = self.dp.port_names().into_iter().map(|(_, n)| n).collect();
        let mut done: Vec<&String> = Vec::new();
        for name in &present {
            let (Some(a), Some(b)) = (old.interfaces.get(name), new.interfaces.get(name)) else {
                continue;
            };
            if a == b {
                continue;
            }
            if let Err(e) = self.dp.set_port_l2(name, port_l2(b)) {
                for n in done {
                    let _ = self.dp.set_port_l2(n, port_l2(&old.interfaces[n]));
                }
                if old.vlans.keys().ne(new.vlans.keys()) {
                    self.dp.set_active_vlans(old.vlan_set());
                }
                return Err(ConfigError::Dataplane(format!("interface {name}: {e}")));
            }
            done.push(name);
        }
        self.sync_static(old, new, None);
        self.aging.store(new.mac_aging, Ordering::Relaxed);
        if let Err(e) = self.push_l3(old, new) {
            // Put back what the L2 part pushed, then the L3 part.
            let _ = self.push_l3(new, old);
            for n in done {
                let _ = self.dp.set_port_l2(n, port_l2(&old.interfaces[n]));
            }
            if old.vlans.keys().ne(new.vlans.keys()) {
                self.dp.set_active_vlans(old.vlan_set());
            }
            self.sync_static(new, old, None);
            self.aging.store(old.mac_aging, Ordering::Relaxed);
            return Err(e);
        }
        Ok(())
    }

    /// Pushes SVI, route and static ARP changes to the L3 dataplane.
    fn push_l3(&self, old: &Config, new: &Config) -> Result<(), ConfigError> {
        let refused = |e: String| ConfigError::Dataplane(e);
        let svis = new.routed_svis();
        if svis != old.routed_svis() {
            let addrs = svis
                .iter()
                .map(|(v, a)| {
                    (
                        *v,
                        SviAddr {
                            addr: a.addr,
                            len: a.len,
                        },
                    )
                })
                .collect();
            self.dp
                .set_svis(&addrs)
                .map_err(|e| refused(e.to_string()))?;
        }
        if old.arps != new.arps {
            let arps: HashMap<_, _> = new.arps.iter().map(|(k, v)| (*k, *v)).collect();
            self.dp
                .l3()
                .set_static_arps(&arps)
                .map_err(|e| refused(e.to_string()))?;
        }
        if old.routes != new.routes {
            let conv = |r: &IpRoute| StaticRoute {
                net: r.net,
                len: r.len,
                gateway: r.gateway,
            };
            let add: Vec<StaticRoute> = new.routes.difference(&old.routes).map(conv).collect();
            let remove: Vec<StaticRoute> = old.routes.difference(&new.routes).map(conv).collect();
            self.dp
                .l3()
                .change_routes(&add, &remove)
                .map_err(|e| refused(e.to_string()))?;
        }
        Ok(())
    }

    /// Makes the FDB's static entries match `new` (only those on `only`, if given).
    fn sync_static(&self, old: &Config, new: &Config, only: Option<&str>) {
        let fdb = &self.dp.shared().fdb;
        let keep = |s: &&lisa_config::StaticMac| only.is_none_or(|n| s.interface == n);
        for s in old.static_macs.difference(&new.static_macs).filter(keep) {
            fdb.remove(s.vlan, s.mac);
        }
        for s in new.static_macs.iter().filter(keep) {
            if let Some(port) = self.dp.port_id(&s.interface) {
                if let Err(e) = fdb.add_static(s.vlan, s.mac, port) {
                    tracing::warn!("static MAC {}: {e}", s.mac);
                }
            }
        }
    }
}
