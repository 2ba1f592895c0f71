//! The feature's control tasks: the ager, which once a second forgets
//! learned addresses older than the aging time (none when it is 0), and
//! the watch on a full table, which announces addresses not learned.

use controlplane::events::Events;
use dataplane::Dataplane;
use lisa_l2_datapath::fdb::Fdb;
use lisa_proto::v1::EventType;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Ages `fdb` until the task is dropped.
pub async fn age_fdb(dp: Arc<Dataplane>, fdb: Arc<Fdb>, aging: Arc<AtomicU32>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let max_age = aging.load(Ordering::Relaxed);
        if max_age == 0 {
            continue;
        }
        let n = fdb.age(dp.shared().now_secs(), max_age);
        if n > 0 {
            tracing::debug!("aged out {n} MAC addresses");
        }
    }
}

/// Announces, twice a second at most, addresses a full table did not
/// learn.
pub async fn watch_full(fdb: Arc<Fdb>, events: Events) {
    let mut full = fdb.counters.full.load(Ordering::Relaxed);
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let now_full = fdb.counters.full.load(Ordering::Relaxed);
        if now_full != full {
            events.emit(
                EventType::FdbFull,
                "",
                format!(
                    "MAC table full ({} entries): {} addresses not learned",
                    fdb.limit(),
                    now_full - full
                ),
            );
            full = now_full;
        }
    }
}
