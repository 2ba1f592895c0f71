//! What the hook needs of the configuration: each port's levels in
//! frames or bytes per 1-second interval. A level in percent is of the
//! port's link speed (10 Gbit/s when the driver does not say, as for
//! virtual ports).

use crate::datapath::{Limit, Limits, StormTable, CLASSES};
use dataplane::Dataplane;
use lisa_engine::Config;
use lisa_storm::model::{Class, Level, Unit};
use lisa_storm::StormConfig;

/// The speed a port counts as when its driver gives none, Mbit/s.
pub const DEFAULT_SPEED_MBPS: u64 = 10_000;

/// The classes in the hook's order.
pub const CLASS_ORDER: [Class; CLASSES] = [Class::Broadcast, Class::Multicast, Class::Unicast];

/// Port `speed` (Mbit/s, 0: unknown) as bits per second.
pub fn speed_bps(speed_mbps: u32) -> u64 {
    let mbps = if speed_mbps == 0 {
        DEFAULT_SPEED_MBPS
    } else {
        u64::from(speed_mbps)
    };
    mbps * 1_000_000
}

/// A level as the hook counts it, on a port of `speed_bps`.
pub fn limit(level: &Level, speed_bps: u64) -> Limit {
    let falling = level.falling.unwrap_or(level.rising);
    let convert = |v: u64| match level.unit {
        Unit::Percent => speed_bps / 8 * v / 10_000,
        Unit::Bps => v / 8,
        Unit::Pps => v,
    };
    Limit {
        packets: level.unit == Unit::Pps,
        rising: convert(level.rising),
        falling: convert(falling),
    }
}

/// The table for `cfg` over the dataplane's ports (by name: port-channels
/// too).
pub fn table(dp: &Dataplane, cfg: &Config) -> StormTable {
    let storm = cfg.get::<StormConfig>();
    let mut t = StormTable::default();
    for p in dp.ports() {
        let Some(ps) = storm.ports.get(&p.name) else {
            continue;
        };
        let speed = speed_bps(p.speed_mbps);
        let mut limits: Limits = [None; CLASSES];
        for (k, class) in CLASS_ORDER.iter().enumerate() {
            limits[k] = ps.level(*class).map(|l| limit(&l, speed));
        }
        if let Some(slot) = t.ports.get_mut(usize::from(p.port_id)) {
            *slot = limits;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_become_frames_or_bytes_per_second() {
        let pct = Level {
            unit: Unit::Percent,
            rising: 2000,
            falling: Some(1000),
        };
        let l = limit(&pct, speed_bps(0));
        assert_eq!(
            (l.packets, l.rising, l.falling),
            (false, 250_000_000, 125_000_000)
        );
        let bps = Level {
            unit: Unit::Bps,
            rising: 8_000_000,
            falling: None,
        };
        assert_eq!(limit(&bps, speed_bps(1000)).rising, 1_000_000);
        let pps = Level {
            unit: Unit::Pps,
            rising: 1000,
            falling: None,
        };
        let l = limit(&pps, speed_bps(1000));
        assert_eq!((l.packets, l.rising, l.falling), (true, 1000, 1000));
    }
}
