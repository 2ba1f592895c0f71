//! How the workers wake the L3 control thread: it sleeps while the punt
//! queue is empty (until its next timer is due) instead of polling the
//! queue every millisecond, and the `punt` node wakes it after queueing a
//! vector's frames. Polling cost the control thread's core a thousand
//! wake-ups a second for nothing: in the benchmark that core is the
//! traffic generator's, and on a host the VMs'.
//!
//! No wake-up is lost: the sleeper says it sleeps, then looks at the queue
//! once more; a worker queues, then looks whether the thread sleeps. With
//! both in sequentially consistent order, one of them sees the other.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::thread::Thread;
use std::time::Duration;

/// The control thread's sleep, and its wake-up.
#[derive(Default)]
pub struct PuntWake {
    /// True while the control thread is (about to be) parked.
    sleeping: AtomicBool,
    /// The control thread, once it has slept once.
    thread: OnceLock<Thread>,
}

impl PuntWake {
    /// Wakes the control thread if it sleeps: called by a worker after it
    /// queued frames (once a vector).
    #[inline]
    pub fn notify(&self) {
        if self.sleeping.load(Ordering::SeqCst) {
            if let Some(t) = self.thread.get() {
                t.unpark();
            }
        }
    }

    /// Sleeps for at most `timeout`, or until `notify`, unless `has_work`
    /// (looked at after saying it sleeps) is already true. The control
    /// thread's own call.
    pub fn wait(&self, timeout: Duration, has_work: impl FnOnce() -> bool) {
        let _ = self.thread.set(std::thread::current());
        self.sleeping.store(true, Ordering::SeqCst);
        if !has_work() {
            std::thread::park_timeout(timeout);
        }
        self.sleeping.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn a_notify_wakes_the_sleeper_long_before_its_timeout() {
        let wake = Arc::new(PuntWake::default());
        let queued = Arc::new(AtomicUsize::new(0));
        let (w, q) = (wake.clone(), queued.clone());
        let sleeper = std::thread::spawn(move || {
            let t = Instant::now();
            while q.load(Ordering::SeqCst) == 0 {
                w.wait(Duration::from_secs(30), || q.load(Ordering::SeqCst) != 0);
            }
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(50));
        queued.store(1, Ordering::SeqCst);
        wake.notify();
        let slept = sleeper.join().unwrap();
        assert!(
            slept < Duration::from_secs(10),
            "woken, not timed out: {slept:?}"
        );
    }

    #[test]
    fn work_already_there_means_no_sleep() {
        let wake = PuntWake::default();
        let t = Instant::now();
        wake.wait(Duration::from_secs(30), || true);
        assert!(t.elapsed() < Duration::from_secs(10));
    }
}
