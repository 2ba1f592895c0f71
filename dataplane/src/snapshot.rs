//! A feature's state for the workers, published as an immutable snapshot
//! (the pattern of the forwarding table, for any type): the control plane
//! builds a new value and publishes it; each worker's reader notices the
//! new version with one atomic load and takes the new `Arc`. The old value
//! is freed with its last reader.
//!
//! A snapshot that names ports must be checked against the forwarding
//! table the worker holds (a port removed since is not `present` there):
//! only the table's generation is covered by the grace period.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A published value (see the module's documentation).
#[derive(Debug, Default)]
pub struct Snapshot<T> {
    current: Mutex<Arc<T>>,
    version: AtomicU64,
}

impl<T> Snapshot<T> {
    /// A snapshot holding `value`.
    pub fn new(value: T) -> Snapshot<T> {
        Snapshot {
            current: Mutex::new(Arc::new(value)),
            version: AtomicU64::new(0),
        }
    }

    /// Replaces the value; readers take it at their next `get`.
    pub fn publish(&self, value: T) {
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(value);
        self.version.fetch_add(1, Ordering::Release);
    }

    /// The current value.
    pub fn load(&self) -> Arc<T> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A reader for one worker.
    pub fn reader(self: &Arc<Self>) -> SnapshotReader<T> {
        let version = self.version.load(Ordering::Acquire);
        SnapshotReader {
            current: self.load(),
            source: self.clone(),
            version,
        }
    }
}

/// One worker's view of a snapshot.
#[derive(Debug)]
pub struct SnapshotReader<T> {
    source: Arc<Snapshot<T>>,
    version: u64,
    current: Arc<T>,
}

impl<T> SnapshotReader<T> {
    /// The newest value (one atomic load when nothing changed).
    #[inline]
    pub fn get(&mut self) -> &T {
        let v = self.source.version.load(Ordering::Acquire);
        if v != self.version {
            self.current = self.source.load();
            self.version = v;
        }
        &self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_see_what_was_published() {
        let s = Arc::new(Snapshot::new(1));
        let mut r = s.reader();
        assert_eq!(*r.get(), 1);
        s.publish(2);
        assert_eq!(*r.get(), 2);
        assert_eq!(*s.load(), 2);
    }
}
