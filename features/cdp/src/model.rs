//! CDP's settings, as IOS keeps them: whether it runs, the timers, the
//! version advertised, and the ports where it is turned off. Unlike IOS,
//! CDP does not run until `cdp run` is written (a VM's port need not hear
//! it), so `no cdp run` and no line at all both leave it off.

use lisa_engine::{Config, Removed};
use std::collections::BTreeSet;

/// IOS's default interval between advertisements, seconds.
pub const DEFAULT_TIMER: u16 = 60;
/// IOS's default hold time advertised, seconds.
pub const DEFAULT_HOLDTIME: u16 = 180;

/// The section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdpConfig {
    /// `cdp run` (Some(true)), `no cdp run` (Some(false)), or neither
    /// written (None: off, LiSA-DP's default). `no cdp run` is kept as
    /// written so an IOS configuration reads back as it was.
    pub run: Option<bool>,
    /// `cdp timer`: seconds between advertisements (5-254).
    pub timer: u16,
    /// `cdp holdtime`: how long neighbours keep what we send (10-255).
    pub holdtime: u16,
    /// `cdp advertise-v2` (the default); `no cdp advertise-v2` sends
    /// version 1.
    pub advertise_v2: bool,
    /// Ports with `no cdp enable`.
    pub disabled: BTreeSet<String>,
}

impl Default for CdpConfig {
    fn default() -> Self {
        CdpConfig {
            run: None,
            timer: DEFAULT_TIMER,
            holdtime: DEFAULT_HOLDTIME,
            advertise_v2: true,
            disabled: BTreeSet::new(),
        }
    }
}

impl CdpConfig {
    /// True if CDP runs (`cdp run`).
    pub fn runs(&self) -> bool {
        self.run == Some(true)
    }

    /// True if CDP sends and reads on port `name`.
    pub fn enabled_on(&self, name: &str) -> bool {
        self.runs() && !self.disabled.contains(name)
    }

    /// The CDP version advertised: 2, or 1 after `no cdp advertise-v2`.
    pub fn version(&self) -> u8 {
        if self.advertise_v2 {
            2
        } else {
            1
        }
    }
}

/// The rules: timers in IOS's ranges.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let c = cfg.get::<CdpConfig>();
    if !(5..=254).contains(&c.timer) {
        return Err(format!("cdp timer {}: 5-254 seconds", c.timer));
    }
    if !(10..=255).contains(&c.holdtime) {
        return Err(format!("cdp holdtime {}: 10-255 seconds", c.holdtime));
    }
    Ok(())
}

/// An interface removed, or set back to its defaults, loses its CDP
/// setting.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    let (Removed::Interface(name) | Removed::InterfaceSettings(name)) = what else {
        return;
    };
    cfg.get_mut::<CdpConfig>().disabled.remove(name);
}
