//! A per-worker cache of forwarding decisions, in the spirit of OVS's exact
//! match cache: frames with the same first 16 bytes (destination, source,
//! ethertype or 802.1Q tag) from the same port get the same decision, so
//! a burst of one flow pays for the FDB once. An entry is valid only for
//! the forwarding-table generation, FDB version and second it was made in:
//! any FDB change, any configuration change and the clock's next second
//! (when the source's age must be refreshed again) send frames back
//! through the full decision.

const ENTRIES: usize = 64;

#[derive(Clone, Copy)]
struct Entry<V: Copy> {
    key: u128,
    port: u16,
    stamp: Stamp,
    value: V,
}

/// What a cached decision depends on.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Stamp {
    /// Forwarding-table generation.
    pub generation: u64,
    /// FDB version.
    pub fdb_version: u64,
    /// The clock, in seconds.
    pub now: u32,
}

/// The cache: the last flow, then a small direct-mapped table; one per
/// worker, never shared. `V` is what is remembered per flow.
pub struct FlowCache<V: Copy> {
    last: Option<Entry<V>>,
    entries: Box<[Option<Entry<V>>]>,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that were not.
    pub misses: u64,
}

impl<V: Copy> Default for FlowCache<V> {
    fn default() -> Self {
        FlowCache {
            last: None,
            entries: vec![None; ENTRIES].into_boxed_slice(),
            hits: 0,
            misses: 0,
        }
    }
}

/// The cache key of a frame: its first 16 bytes, or None if shorter.
#[inline]
pub fn key_of(frame: &[u8]) -> Option<u128> {
    frame
        .get(..16)
        .map(|b| u128::from_le_bytes(b.try_into().expect("16 bytes")))
}

#[inline]
fn slot(key: u128, port: u16) -> usize {
    let x = (key as u64) ^ ((key >> 64) as u64) ^ u64::from(port);
    let x = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x >> 56) as usize % ENTRIES
}

impl<V: Copy> FlowCache<V> {
    /// The cached value for `key` from `port`, if still valid at `stamp`.
    #[inline]
    pub fn get(&mut self, key: u128, port: u16, stamp: Stamp) -> Option<V> {
        let fits = |e: &Entry<V>| e.key == key && e.port == port && e.stamp == stamp;
        if let Some(e) = self.last.as_ref().filter(|e| fits(e)) {
            self.hits += 1;
            return Some(e.value);
        }
        match self.entries[slot(key, port)] {
            Some(e) if fits(&e) => {
                self.hits += 1;
                self.last = Some(e);
                Some(e.value)
            }
            _ => {
                self.misses += 1;
                None
            }
        }
    }

    /// Remembers a value.
    #[inline]
    pub fn put(&mut self, key: u128, port: u16, stamp: Stamp, value: V) {
        let e = Entry {
            key,
            port,
            stamp,
            value,
        };
        self.entries[slot(key, port)] = Some(e);
        self.last = Some(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(out: u16) -> u16 {
        out
    }

    #[test]
    fn hit_only_with_same_key_port_and_stamp() {
        let mut c = FlowCache::default();
        let s = Stamp {
            generation: 1,
            fdb_version: 7,
            now: 100,
        };
        c.put(42, 1, s, d(3));
        assert_eq!(c.get(42, 1, s), Some(d(3)));
        assert_eq!(c.get(42, 2, s), None, "other port");
        assert_eq!(c.get(43, 1, s), None, "other frame");
        assert_eq!(
            c.get(
                42,
                1,
                Stamp {
                    fdb_version: 8,
                    ..s
                }
            ),
            None,
            "FDB changed"
        );
        assert_eq!(
            c.get(42, 1, Stamp { generation: 2, ..s }),
            None,
            "config changed"
        );
        assert_eq!(c.get(42, 1, Stamp { now: 101, ..s }), None, "next second");
        assert_eq!((c.hits, c.misses), (1, 5));
    }

    #[test]
    fn short_frames_have_no_key() {
        assert_eq!(key_of(&[0u8; 15]), None);
        assert!(key_of(&[0u8; 16]).is_some());
    }
}
