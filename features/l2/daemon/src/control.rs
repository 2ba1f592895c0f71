//! The ager: once a second, forgets learned addresses older than the
//! aging time (none when it is 0).

use dataplane::Dataplane;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Ages the FDB until the task is dropped.
pub async fn age_fdb(dp: Arc<Dataplane>, aging: Arc<AtomicU32>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let max_age = aging.load(Ordering::Relaxed);
        if max_age == 0 {
            continue;
        }
        let shared = dp.shared();
        let n = shared.fdb.age(shared.now_secs(), max_age);
        if n > 0 {
            tracing::debug!("aged out {n} MAC addresses");
        }
    }
}
