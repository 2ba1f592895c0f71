//! Monitor sessions and their rules (one set of rules for the IOS text and
//! the typed API).

use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Highest session number (IOS: 1-66).
pub const MAX_SESSION: u16 = 66;

/// Which way of a source's traffic is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// What the source receives.
    Rx,
    /// What the source sends.
    Tx,
    /// Both (IOS's default).
    #[default]
    Both,
}

impl Direction {
    /// Received traffic is copied.
    pub fn rx(self) -> bool {
        self != Direction::Tx
    }

    /// Sent traffic is copied.
    pub fn tx(self) -> bool {
        self != Direction::Rx
    }

    /// The IOS keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Direction::Rx => "rx",
            Direction::Tx => "tx",
            Direction::Both => "both",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Direction, String> {
        match s.to_ascii_lowercase().as_str() {
            "rx" => Ok(Direction::Rx),
            "tx" => Ok(Direction::Tx),
            "both" => Ok(Direction::Both),
            _ => Err(format!("direction {s:?}: rx, tx or both")),
        }
    }
}

/// One monitor session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// Source interfaces and what of each is copied.
    pub interfaces: BTreeMap<String, Direction>,
    /// Source VLANs and what of each is copied.
    pub vlans: BTreeMap<u16, Direction>,
    /// Where the copies go.
    pub destination: Option<String>,
}

impl Session {
    /// No source and no destination (IOS removes such a session).
    pub fn is_empty(&self) -> bool {
        self.interfaces.is_empty() && self.vlans.is_empty() && self.destination.is_none()
    }
}

/// The section: sessions by number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonitorConfig {
    /// Sessions by number (1-66).
    pub sessions: BTreeMap<u16, Session>,
}

/// The rules, for every front end:
/// - session numbers 1-66; VLANs 1-4094;
/// - sources and destinations are switch ports the configuration knows
///   (not SVIs);
/// - a session takes interface sources or VLAN sources, not both;
/// - an interface or VLAN is a source of one session at most, and a
///   destination is the destination of one session and no one's source.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let ports = cfg.get::<PortsConfig>();
    let mut sources: BTreeMap<&str, u16> = BTreeMap::new();
    let mut vlans: BTreeMap<u16, u16> = BTreeMap::new();
    let mut destinations: BTreeMap<&str, u16> = BTreeMap::new();
    for (&id, s) in &cfg.get::<MonitorConfig>().sessions {
        if !(1..=MAX_SESSION).contains(&id) {
            return Err(format!(
                "monitor session {id}: no such session (1-{MAX_SESSION})"
            ));
        }
        if !s.interfaces.is_empty() && !s.vlans.is_empty() {
            return Err(format!(
                "monitor session {id}: a session takes source interfaces or source VLANs, not both"
            ));
        }
        for name in s.interfaces.keys().chain(s.destination.iter()) {
            if !ports.is_port(name) {
                return Err(format!("monitor session {id}: {name} is not a switch port"));
            }
        }
        for name in s.interfaces.keys() {
            if let Some(other) = sources.insert(name, id) {
                return Err(format!(
                    "monitor session {id}: {name} is a source of session {other} already"
                ));
            }
        }
        for &v in s.vlans.keys() {
            if !lisa_types::valid_vlan(u32::from(v)) {
                return Err(format!("monitor session {id}: no such VLAN {v} (1-4094)"));
            }
            if let Some(other) = vlans.insert(v, id) {
                return Err(format!(
                    "monitor session {id}: VLAN {v} is a source of session {other} already"
                ));
            }
        }
        if let Some(d) = &s.destination {
            if let Some(other) = destinations.insert(d, id) {
                return Err(format!(
                    "monitor session {id}: {d} is the destination of session {other} already"
                ));
            }
        }
    }
    for (d, id) in &destinations {
        if let Some(other) = sources.get(d) {
            return Err(format!(
                "monitor session {id}: {d} is a source of session {other}; a destination cannot be a source"
            ));
        }
    }
    Ok(())
}

/// An interface removed leaves every session it was in; a session left
/// with nothing goes too.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let Removed::Interface(name) = what else {
        return;
    };
    let m = cfg.get_mut::<MonitorConfig>();
    for s in m.sessions.values_mut() {
        s.interfaces.remove(name);
        if s.destination.as_deref() == Some(name.as_str()) {
            s.destination = None;
        }
    }
    m.sessions.retain(|_, s| !s.is_empty());
}
