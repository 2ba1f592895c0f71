//! The OpenMetrics endpoint (`lisad --metrics ADDR`) scraped as Prometheus
//! does and parsed by Prometheus' own parser (prometheus_client from
//! PyPI): the families are there and the port counters move with traffic
//! between two kernel hosts.

use crate::common;

use common::{free_port, serial, wait_until, TwoHosts};
use std::process::Command;
use std::time::Duration;

/// A scrape: content type, and every sample by `name{labels}`.
fn scrape(url: &str) -> (String, serde_json::Value) {
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/metrics_scrape.py");
    let out = Command::new("python3").args([tool, url]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        v["content_type"].as_str().unwrap_or_default().to_string(),
        v["samples"].clone(),
    )
}

fn value(samples: &serde_json::Value, key: &str) -> f64 {
    samples[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no sample {key} in {samples}"))
}

#[test]
fn metrics_parse_and_move_with_traffic() {
    let _serial = serial();
    let addr = format!("127.0.0.1:{}", free_port());
    let TwoHosts { a, b: _b, sw, .. } = TwoHosts::start("mx", "192.168.91", &["--metrics", &addr]);
    let url = format!("http://{addr}/metrics");
    let (ty, before) = scrape(&url);
    assert!(ty.starts_with("application/openmetrics-text"), "{ty}");
    for key in [
        "lisa_port_up{port=Ethernet1}",
        "lisa_port_rx_packets_total{port=Ethernet1}",
        "lisa_port_tx_bytes_total{port=Ethernet2}",
        "lisa_worker_loops_total{worker=0}",
        "lisa_node_packets_total{node=eth-input,worker=0}",
        "lisa_fdb_entries{}",
        "lisa_ipv4_static_routes{}",
        "lisa_uptime_seconds{}",
    ] {
        value(&before, key);
    }
    assert_eq!(value(&before, "lisa_port_up{port=Ethernet1}"), 1.0);
    assert!(a.ping("192.168.91.2", 5), "no traffic through the switch");
    let (_, after) = scrape(&url);
    for key in [
        "lisa_port_rx_packets_total{port=Ethernet1}",
        "lisa_port_tx_packets_total{port=Ethernet2}",
        "lisa_node_packets_total{node=eth-input,worker=0}",
    ] {
        assert!(
            value(&after, key) >= value(&before, key) + 5.0,
            "{key}: {} then {}",
            value(&before, key),
            value(&after, key)
        );
    }
    assert!(value(&after, "lisa_fdb_entries{}") >= 2.0);
    // show interfaces' 5-minute rates move too (sampled every 5 s).
    let rate = |ifs: &str| -> u64 {
        ifs.lines()
            .find_map(|l| l.trim().strip_prefix("5 minute input rate "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let moving = wait_until(Duration::from_secs(20), || {
        a.ping("192.168.91.2", 1) && rate(&sw.show("show interfaces Ethernet1")) > 0
    });
    assert!(moving, "{}", sw.show("show interfaces Ethernet1"));
    // Only /metrics.
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.request, urllib.error\n\
             try:\n    urllib.request.urlopen(sys.argv[1])\nexcept urllib.error.HTTPError as e:\n    print(e.code)",
            &format!("http://{addr}/other"),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "404");
    drop(sw);
}
