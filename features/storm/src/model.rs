//! Storm control's settings, as IOS keeps them: per switch port and
//! traffic class (broadcast, multicast, unicast), a rising level and an
//! optional falling one, as a share of the link's bandwidth or as a rate
//! in bits or packets per second (`storm-control broadcast level 20.00
//! 10.00`, `... level bps 10m 5m`, `... level pps 1k`); and what happens
//! when traffic passes the level besides dropping it (`storm-control
//! action shutdown | trap`).

use lisa_engine::{Config, Removed};
use lisa_ports::PortsConfig;
use std::collections::BTreeMap;

/// A percent level is kept in hundredths: 100.00% is 10000.
pub const PERCENT_SCALE: u64 = 100;
/// The highest percent level, 100.00%, in hundredths.
pub const MAX_PERCENT: u64 = 100 * PERCENT_SCALE;
/// The highest bps or pps level IOS takes: 10000000000 (`10g`).
pub const MAX_RATE: u64 = 10_000_000_000;

/// IOS's refusal of a falling level above the rising one.
pub const FALLING_ABOVE_RISING: &str =
    "Lower threshold must be less than or equal to upper threshold";

/// A traffic class storm control watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Frames to ff:ff:ff:ff:ff:ff.
    Broadcast,
    /// Frames to a group address other than broadcast.
    Multicast,
    /// Frames to an individual address.
    Unicast,
}

impl Class {
    /// Every class, in IOS's order.
    pub const ALL: [Class; 3] = [Class::Broadcast, Class::Multicast, Class::Unicast];

    /// The IOS keyword (and the proto's word).
    pub fn keyword(self) -> &'static str {
        match self {
            Class::Broadcast => "broadcast",
            Class::Multicast => "multicast",
            Class::Unicast => "unicast",
        }
    }

    /// The class an IOS keyword names.
    pub fn from_keyword(word: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.keyword() == word)
    }
}

/// What a level is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A share of the link's bandwidth, in hundredths of a percent.
    Percent,
    /// Bits per second.
    Bps,
    /// Packets per second.
    Pps,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 3] = [Unit::Percent, Unit::Bps, Unit::Pps];

    /// The proto's word: `percent`, `bps`, `pps`.
    pub fn word(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Bps => "bps",
            Unit::Pps => "pps",
        }
    }

    /// The unit a proto word names (empty: percent).
    pub fn from_word(word: &str) -> Option<Unit> {
        if word.is_empty() {
            return Some(Unit::Percent);
        }
        Unit::ALL.into_iter().find(|u| u.word() == word)
    }

    /// The keyword after `level` in IOS (`bps`, `pps`); none for percent.
    pub fn keyword(self) -> Option<&'static str> {
        match self {
            Unit::Percent => None,
            Unit::Bps | Unit::Pps => Some(self.word()),
        }
    }

    /// The highest level of the unit.
    pub fn max(self) -> u64 {
        match self {
            Unit::Percent => MAX_PERCENT,
            Unit::Bps | Unit::Pps => MAX_RATE,
        }
    }

    /// Reads a level as IOS takes it: a percent with up to two decimals
    /// (`20`, `20.5`, `0.25`), or a rate with up to one decimal and an
    /// optional suffix k, m or g (`1500`, `10m`, `1.5k`) that comes to a
    /// whole number.
    pub fn parse(self, word: &str) -> Result<u64, String> {
        let v = match self {
            Unit::Percent => parse_percent(word),
            Unit::Bps | Unit::Pps => parse_rate(word),
        };
        match v {
            Some(v) if v <= self.max() => Ok(v),
            _ => Err(invalid(word, self)),
        }
    }

    /// A level as IOS writes it: `20.00` (percent), `10m`, `1500` (rates,
    /// with the largest suffix that is exact).
    pub fn format(self, v: u64) -> String {
        match self {
            Unit::Percent => format_percent(v),
            Unit::Bps | Unit::Pps => format_rate(v),
        }
    }
}

/// The refusal of a level that does not read.
fn invalid(word: &str, unit: Unit) -> String {
    let range = match unit {
        Unit::Percent => "0.00-100.00, up to two decimals",
        Unit::Bps | Unit::Pps => "0.0-10000000000.0, up to one decimal, k, m or g after it",
    };
    format!("Invalid input detected at '{word}': a level is {range}")
}

/// `digits[.frac]` with at most `max_frac` decimals: the whole part and
/// the decimals scaled to `max_frac` places.
fn split_decimal(word: &str, max_frac: u32) -> Option<(u64, u64)> {
    let (whole, frac) = word.split_once('.').unwrap_or((word, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 11 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (word.contains('.') && !digits(frac)) || frac.len() > max_frac as usize {
        return None;
    }
    let scale = 10u64.pow(max_frac - frac.len() as u32);
    let frac = if frac.is_empty() {
        0
    } else {
        frac.parse::<u64>().ok()? * scale
    };
    Some((whole.parse().ok()?, frac))
}

/// A percent in hundredths: `20` is 2000, `0.5` is 50.
fn parse_percent(word: &str) -> Option<u64> {
    let (whole, frac) = split_decimal(word, 2)?;
    whole.checked_mul(PERCENT_SCALE)?.checked_add(frac)
}

/// What a rate suffix multiplies by.
fn suffix_scale(c: char) -> Option<u64> {
    match c.to_ascii_lowercase() {
        'k' => Some(1_000),
        'm' => Some(1_000_000),
        'g' => Some(1_000_000_000),
        _ => None,
    }
}

/// A rate: `1500`, `10m`, `1.5k`; None if it does not come to a whole
/// number.
fn parse_rate(word: &str) -> Option<u64> {
    let last = word.chars().last()?;
    let (number, scale) = match suffix_scale(last) {
        Some(s) => (&word[..word.len() - 1], s),
        None => (word, 1),
    };
    let (whole, tenths) = split_decimal(number, 1)?;
    let frac = tenths.checked_mul(scale)?;
    if !frac.is_multiple_of(10) {
        return None;
    }
    whole.checked_mul(scale)?.checked_add(frac / 10)
}

/// Hundredths of a percent as IOS prints them: `20.00`.
pub fn format_percent(v: u64) -> String {
    format!("{}.{:02}", v / PERCENT_SCALE, v % PERCENT_SCALE)
}

/// A rate with the largest suffix that writes it exactly: `10m`, `1k`,
/// `1500`, `0`.
pub fn format_rate(v: u64) -> String {
    for (suffix, scale) in [("g", 1_000_000_000), ("m", 1_000_000), ("k", 1_000)] {
        if v != 0 && v.is_multiple_of(scale) {
            return format!("{}{suffix}", v / scale);
        }
    }
    v.to_string()
}

/// One class's level: traffic of the class above `rising` in an interval
/// is dropped until it falls below the falling level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// What the levels are measured in.
    pub unit: Unit,
    /// The upper (rising) level: hundredths of a percent, bps or pps.
    pub rising: u64,
    /// The lower (falling) level, if set apart from the rising one; never
    /// equal to it (IOS takes an equal one as unset).
    pub falling: Option<u64>,
}

impl Level {
    /// A level, checked as IOS checks it: both values within the unit's
    /// range, the falling one not above the rising one. A falling level
    /// equal to the rising one is the same as none.
    pub fn new(unit: Unit, rising: u64, falling: Option<u64>) -> Result<Level, String> {
        let level = Level {
            unit,
            rising,
            falling: falling.filter(|f| *f != rising),
        };
        level.check()?;
        Ok(level)
    }

    /// A level read from its IOS words (`20`, `10.5`; `10m`, `5m`).
    pub fn parse(unit: Unit, rising: &str, falling: Option<&str>) -> Result<Level, String> {
        let r = unit.parse(rising)?;
        let f = falling.map(|w| unit.parse(w)).transpose()?;
        Level::new(unit, r, f)
    }

    /// Whether the values are within the unit's range and the falling
    /// level is not above the rising one.
    pub fn check(&self) -> Result<(), String> {
        let max = self.unit.max();
        for v in [Some(self.rising), self.falling].into_iter().flatten() {
            if v > max {
                return Err(format!(
                    "Invalid level {}: the highest is {}",
                    self.unit.format(v),
                    self.unit.format(max)
                ));
            }
        }
        if self.falling.is_some_and(|f| f > self.rising) {
            return Err(FALLING_ABOVE_RISING.into());
        }
        Ok(())
    }

    /// The level traffic must fall below to be forwarded again: the
    /// falling level, or the rising one when none is set.
    pub fn falling_or_rising(&self) -> u64 {
        self.falling.unwrap_or(self.rising)
    }

    /// The words after `level` in IOS: `20.00 10.00`, `bps 10m 5m`, `pps 1k`.
    pub fn ios_words(&self) -> String {
        let mut out = String::new();
        if let Some(k) = self.unit.keyword() {
            out.push_str(k);
            out.push(' ');
        }
        out.push_str(&self.unit.format(self.rising));
        if let Some(f) = self.falling {
            out.push(' ');
            out.push_str(&self.unit.format(f));
        }
        out
    }
}

/// What happens when traffic passes a level, besides dropping it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StormAction {
    /// `shutdown`: the port is error-disabled.
    Shutdown,
    /// `trap`: an SNMP trap (on LiSA-DP, a log message) is sent.
    Trap,
}

impl StormAction {
    /// Every action, in IOS's order.
    pub const ALL: [StormAction; 2] = [StormAction::Shutdown, StormAction::Trap];

    /// The IOS keyword (and the proto's word).
    pub fn keyword(self) -> &'static str {
        match self {
            StormAction::Shutdown => "shutdown",
            StormAction::Trap => "trap",
        }
    }

    /// The action an IOS keyword names.
    pub fn from_keyword(word: &str) -> Option<StormAction> {
        StormAction::ALL.into_iter().find(|a| a.keyword() == word)
    }
}

/// One port's storm control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortStorm {
    /// `storm-control broadcast level ...`.
    pub broadcast: Option<Level>,
    /// `storm-control multicast level ...`.
    pub multicast: Option<Level>,
    /// `storm-control unicast level ...`.
    pub unicast: Option<Level>,
    /// `storm-control action shutdown | trap` (None: drop only).
    pub action: Option<StormAction>,
}

impl PortStorm {
    /// The level of `class`, if set.
    pub fn level(&self, class: Class) -> Option<Level> {
        match class {
            Class::Broadcast => self.broadcast,
            Class::Multicast => self.multicast,
            Class::Unicast => self.unicast,
        }
    }

    /// The level of `class`, to change.
    pub fn level_mut(&mut self, class: Class) -> &mut Option<Level> {
        match class {
            Class::Broadcast => &mut self.broadcast,
            Class::Multicast => &mut self.multicast,
            Class::Unicast => &mut self.unicast,
        }
    }

    /// The levels set, by class, in IOS's order.
    pub fn levels(&self) -> impl Iterator<Item = (Class, Level)> + '_ {
        Class::ALL
            .into_iter()
            .filter_map(|c| self.level(c).map(|l| (c, l)))
    }

    /// True if a level is set for some class (an action alone does
    /// nothing).
    pub fn has_levels(&self) -> bool {
        self.levels().next().is_some()
    }

    /// Nothing set.
    pub fn is_default(&self) -> bool {
        *self == PortStorm::default()
    }
}

/// The section: storm control per interface name (ports with none are
/// absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StormConfig {
    /// Per-port settings, by interface name.
    pub ports: BTreeMap<String, PortStorm>,
}

impl StormConfig {
    /// Port `name`'s settings (none set if it has none).
    pub fn port(&self, name: &str) -> PortStorm {
        lisa_engine::per_port::port_or_default(&self.ports, name)
    }

    /// Changes port `name`'s settings; a port left with none is not kept,
    /// so a configuration has one form.
    pub fn edit<T>(&mut self, name: &str, f: impl FnOnce(&mut PortStorm) -> T) -> T {
        lisa_engine::per_port::edit_port(&mut self.ports, name, f)
    }

    /// The ports with a level for some class, by name, with their
    /// settings: what the dataplane polices.
    pub fn ports_with_levels(&self) -> impl Iterator<Item = (&str, &PortStorm)> + '_ {
        self.ports
            .iter()
            .filter(|(_, p)| p.has_levels())
            .map(|(n, p)| (n.as_str(), p))
    }
}

/// Why `name` cannot carry storm control, if it cannot: it must be a
/// switch port, not a VLAN interface.
pub fn check_port_name(name: &str) -> Result<(), String> {
    if lisa_types::is_svi(name) {
        return Err(format!(
            "Command rejected ({name}): storm control needs a switch port, not a VLAN interface"
        ));
    }
    Ok(())
}

/// One port's settings: on a switch port the configuration knows, with
/// levels in range.
fn check_port(ports: &PortsConfig, name: &str, p: &PortStorm) -> Result<(), String> {
    check_port_name(name)?;
    if !ports.is_port(name) {
        return Err(format!("Interface {name} does not exist"));
    }
    for (class, level) in p.levels() {
        level
            .check()
            .map_err(|e| format!("interface {name}: storm-control {}: {e}", class.keyword()))?;
    }
    Ok(())
}

/// The rules: storm control on switch ports only (not `VlanN`), levels
/// within their unit's range, falling levels not above rising ones.
pub fn validate(cfg: &Config) -> Result<(), String> {
    let ports = cfg.get::<PortsConfig>();
    for (name, p) in &cfg.get::<StormConfig>().ports {
        check_port(ports, name, p)?;
    }
    Ok(())
}

/// A removed interface, or one set back to its defaults, takes its storm
/// control with it.
pub fn cascade(cfg: &mut Config, what: &Removed) {
    match what {
        Removed::Interface(name) | Removed::InterfaceSettings(name) => {
            cfg.get_mut::<StormConfig>().ports.remove(name);
        }
        Removed::Vlans(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_read_in_hundredths() {
        for (word, v) in [
            ("20", 2000),
            ("20.00", 2000),
            ("20.5", 2050),
            ("0.25", 25),
            ("0", 0),
            ("100", 10000),
            ("100.00", 10000),
        ] {
            assert_eq!(Unit::Percent.parse(word), Ok(v), "{word}");
        }
        for bad in [
            "100.01", "101", "20.123", "-1", "20.", ".5", "x", "", "1e2", "20%",
        ] {
            assert!(Unit::Percent.parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format_percent(2000), "20.00");
        assert_eq!(format_percent(5), "0.05");
        assert_eq!(format_percent(10000), "100.00");
    }

    #[test]
    fn rates_read_with_suffixes() {
        for (word, v) in [
            ("1500", 1500),
            ("10m", 10_000_000),
            ("10M", 10_000_000),
            ("1k", 1000),
            ("1.5k", 1500),
            ("2g", 2_000_000_000),
            ("10g", MAX_RATE),
            ("0", 0),
            ("7.0", 7),
        ] {
            assert_eq!(Unit::Bps.parse(word), Ok(v), "{word}");
            assert_eq!(Unit::Pps.parse(word), Ok(v), "{word}");
        }
        for bad in [
            "10x",
            "10.1",
            "1.25k",
            "11g",
            "k",
            "1kk",
            "",
            "-5",
            "99999999999999999999",
        ] {
            assert!(Unit::Pps.parse(bad).is_err(), "{bad}");
        }
        for (v, text) in [
            (10_000_000, "10m"),
            (1000, "1k"),
            (1500, "1500"),
            (0, "0"),
            (2_000_000_000, "2g"),
            (1_500_000, "1500k"),
        ] {
            assert_eq!(format_rate(v), text);
        }
    }

    #[test]
    fn levels_are_checked() {
        assert_eq!(
            Level::parse(Unit::Percent, "10", Some("20")),
            Err(FALLING_ABOVE_RISING.into())
        );
        let l = Level::parse(Unit::Percent, "20", Some("20.00")).unwrap();
        assert_eq!(
            l.falling, None,
            "an equal falling level is no falling level"
        );
        assert_eq!(l.falling_or_rising(), 2000);
        let l = Level::parse(Unit::Bps, "10m", Some("5m")).unwrap();
        assert_eq!(l.falling_or_rising(), 5_000_000);
        assert_eq!(l.ios_words(), "bps 10m 5m");
        assert!(Level::new(Unit::Percent, 10001, None).is_err());
    }

    #[test]
    fn ports_with_levels_skip_an_action_alone() {
        let mut s = StormConfig::default();
        s.edit("Ethernet1", |p| p.action = Some(StormAction::Trap));
        s.edit("Ethernet2", |p| {
            p.multicast = Some(Level::new(Unit::Pps, 1000, None).unwrap())
        });
        let names: Vec<&str> = s.ports_with_levels().map(|(n, _)| n).collect();
        assert_eq!(names, ["Ethernet2"]);
        s.edit("Ethernet1", |p| p.action = None);
        assert!(!s.ports.contains_key("Ethernet1"), "defaults are not kept");
    }
}
