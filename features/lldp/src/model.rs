//! LLDP's settings, as IOS keeps them: off until `lldp run`, the timers,
//! and the ports where transmit or receive is turned off.

use lisa_engine::{Config, Removed};
use std::collections::BTreeSet;

/// IOS's default interval between advertisements, seconds.
pub const DEFAULT_TIMER: u16 = 30;
/// IOS's default hold time advertised, seconds.
pub const DEFAULT_HOLDTIME: u16 = 120;
/// IOS's default delay before a port re-initialises LLDP, seconds.
pub const DEFAULT_REINIT: u16 = 2;

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LldpConfig {
    /// `lldp run`: LLDP runs (IOS: off by default).
    pub run: bool,
    /// `lldp timer`: seconds between advertisements (5-65534).
    pub timer: u16,
    /// `lldp holdtime`: how long neighbours keep what we send (0-65535).
    pub holdtime: u16,
    /// `lldp reinit`: seconds a port waits before LLDP starts again on it
    /// (2-5).
    pub reinit: u16,
    /// Ports with `no lldp transmit`.
    pub no_transmit: BTreeSet<String>,
    /// Ports with `no lldp receive`.
    pub no_receive: BTreeSet<String>,
}

impl Default for LldpConfig {
    fn default() -> Self {
        LldpConfig {
            run: false,
            timer: DEFAULT_TIMER,
            holdtime: DEFAULT_HOLDTIME,
            reinit: DEFAULT_REINIT,
            no_transmit: BTreeSet::new(),
            no_receive: BTreeSet::new(),
        }
    }
}

impl LldpConfig {
    /// True if LLDP sends on port `name`.
    pub fn transmits(&self, name: &str) -> bool {
        self.run && !self.no_transmit.contains(name)
    }

    /// True if LLDP reads what port `name` receives.
    pub fn receives(&self, name: &str) -> bool {
        self.run && !self.no_receive.contains(name)
    }
}

/// The rules: timers in IOS's ranges.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let l = cfg.get::<LldpConfig>();
    if !(5..=65534).contains(&l.timer) {
        return Err(format!("lldp timer {}: 5-65534 seconds", l.timer));
    }
    if !(2..=5).contains(&l.reinit) {
        return Err(format!("lldp reinit {}: 2-5 seconds", l.reinit));
    }
    Ok(())
}

/// An interface removed, or set back to its defaults, loses its LLDP
/// settings.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let (Removed::Interface(name) | Removed::InterfaceSettings(name)) = what else {
        return;
    };
    let l = cfg.get_mut::<LldpConfig>();
    l.no_transmit.remove(name);
    l.no_receive.remove(name);
}
