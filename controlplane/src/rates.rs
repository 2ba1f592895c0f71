//! Per-port rates as IOS shows them ("5 minute input rate 2000 bits/sec,
//! 3 packets/sec"): the counters sampled every `SAMPLE_SECONDS`, each
//! sample's rate folded into an exponentially decayed average with a
//! 5-minute time constant, as IOS's load interval does.

use dataplane::counters::PortCounts;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the counters are sampled.
pub const SAMPLE_SECONDS: u64 = 5;
/// The averaging time constant (IOS's default `load-interval`).
pub const LOAD_INTERVAL_SECONDS: f64 = 300.0;

/// A port's decayed rates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PortRates {
    /// Received bits per second.
    pub input_bps: f64,
    /// Received frames per second.
    pub input_pps: f64,
    /// Sent bits per second.
    pub output_bps: f64,
    /// Sent frames per second.
    pub output_pps: f64,
}

/// One port's meter: the last sample (when, and the counts) and the
/// averages.
#[derive(Debug, Clone, Copy)]
struct Meter {
    port_id: u16,
    at: Instant,
    last: PortCounts,
    rates: PortRates,
}

/// The rates of every port, by name.
#[derive(Debug, Default)]
pub struct Rates {
    meters: Mutex<HashMap<String, Meter>>,
}

impl Rates {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Meter>> {
        self.meters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a sample of `ports` (name, DPDK port id, counts) at `at`. A
    /// port new (or plugged again under a new id, or whose counters were
    /// cleared) starts from zero; ports gone are forgotten.
    pub fn sample(&self, ports: &[(String, u16, PortCounts)], at: Instant) {
        let mut meters = self.lock();
        meters.retain(|name, _| ports.iter().any(|(n, _, _)| n == name));
        for (name, port_id, now) in ports {
            let fresh = Meter {
                port_id: *port_id,
                at,
                last: *now,
                rates: PortRates::default(),
            };
            let m = meters.entry(name.clone()).or_insert(fresh);
            let went_back =
                now.rx_packets < m.last.rx_packets || now.tx_packets < m.last.tx_packets;
            if m.port_id != *port_id || went_back {
                *m = fresh;
                continue;
            }
            let secs = at.saturating_duration_since(m.at).as_secs_f64();
            if secs <= 0.0 {
                continue;
            }
            let per_sec = |now: u64, then: u64| now.saturating_sub(then) as f64 / secs;
            // IOS's decay: new = old * e^(-t/T) + sample * (1 - e^(-t/T)).
            let keep = (-secs / LOAD_INTERVAL_SECONDS).exp();
            let fold = |old: f64, sample: f64| old * keep + sample * (1.0 - keep);
            let (r, then) = (&mut m.rates, m.last);
            r.input_bps = fold(r.input_bps, 8.0 * per_sec(now.rx_bytes, then.rx_bytes));
            r.input_pps = fold(r.input_pps, per_sec(now.rx_packets, then.rx_packets));
            r.output_bps = fold(r.output_bps, 8.0 * per_sec(now.tx_bytes, then.tx_bytes));
            r.output_pps = fold(r.output_pps, per_sec(now.tx_packets, then.tx_packets));
            m.at = at;
            m.last = *now;
        }
    }

    /// Port `name`'s rates (zero for a port not sampled yet).
    pub fn get(&self, name: &str) -> PortRates {
        self.lock().get(name).map(|m| m.rates).unwrap_or_default()
    }

    /// Samples the dataplane's ports every `SAMPLE_SECONDS`, for ever.
    pub async fn run(self: std::sync::Arc<Self>, dp: std::sync::Arc<dataplane::Dataplane>) {
        let mut tick = tokio::time::interval(Duration::from_secs(SAMPLE_SECONDS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let ports: Vec<(String, u16, PortCounts)> = dp
                .port_names()
                .into_iter()
                .map(|(id, name)| (name, id, dp.port_counts(id)))
                .collect();
            self.sample(&ports, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rx_packets: u64, rx_bytes: u64) -> PortCounts {
        PortCounts {
            rx_packets,
            rx_bytes,
            ..Default::default()
        }
    }

    #[test]
    fn decays_towards_the_rate_as_ios_does() {
        let r = Rates::default();
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        r.sample(&[("e1".into(), 0, counts(0, 0))], at(0));
        assert_eq!(r.get("e1"), PortRates::default());
        // 100 frames of 125 bytes a second: 100 pps, 100 kbit/s.
        let mut s = 0;
        while s < 1500 {
            s += SAMPLE_SECONDS;
            r.sample(&[("e1".into(), 0, counts(100 * s, 12_500 * s))], at(s));
            if s == SAMPLE_SECONDS {
                let first = r.get("e1").input_pps;
                // One 5 s sample of a 300 s average: 1.65 %.
                assert!((first - 100.0 * (1.0 - (-5.0f64 / 300.0).exp())).abs() < 1e-9);
            }
        }
        let after = r.get("e1");
        assert!((after.input_pps - 100.0).abs() < 1.0, "{after:?}");
        assert!((after.input_bps - 100_000.0).abs() < 1000.0, "{after:?}");
        assert_eq!(after.output_pps, 0.0);
        // Cleared counters, a port plugged again under another id, a port gone.
        r.sample(&[("e1".into(), 0, counts(0, 0))], at(s + 5));
        assert_eq!(r.get("e1"), PortRates::default());
        r.sample(&[("e1".into(), 3, counts(10, 10))], at(s + 10));
        assert_eq!(r.get("e1"), PortRates::default());
        r.sample(&[], at(s + 15));
        assert!(r.lock().is_empty());
    }
}
