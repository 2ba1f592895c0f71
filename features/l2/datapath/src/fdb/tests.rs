use super::*;
use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

fn mac(n: u64) -> MacAddr {
    MacAddr::from_u64(0x0200_0000_0000 | n)
}

#[test]
fn learn_lookup_move_and_static() {
    let fdb = Fdb::new(16);
    assert_eq!(fdb.learn(1, mac(1), 3, 10), LearnOutcome::Learned);
    assert_eq!(fdb.lookup(1, mac(1)).unwrap().port, 3);
    assert_eq!(fdb.lookup(2, mac(1)), None, "VLANs are separate");
    assert_eq!(fdb.learn(1, mac(1), 3, 11), LearnOutcome::Refreshed);
    assert_eq!(fdb.learn(1, mac(1), 4, 12), LearnOutcome::Moved);
    assert_eq!(fdb.counters.moves.load(Ordering::Relaxed), 1);
    fdb.add_static(1, mac(1), 7).unwrap();
    assert_eq!(fdb.learn(1, mac(1), 4, 13), LearnOutcome::StaticConflict);
    assert_eq!(
        fdb.lookup(1, mac(1)),
        Some(FdbHit {
            port: 7,
            is_static: true
        })
    );
    assert_eq!(fdb.len(), 1);
}

#[test]
fn full_table_counts_and_refuses() {
    let fdb = Fdb::new(4);
    for n in 0..4 {
        assert_eq!(fdb.learn(1, mac(n), 1, 0), LearnOutcome::Learned);
    }
    assert_eq!(fdb.learn(1, mac(9), 1, 0), LearnOutcome::Full);
    assert_eq!(fdb.counters.full.load(Ordering::Relaxed), 1);
    assert_eq!(fdb.add_static(1, mac(9), 1), Err(FdbError::Full(4)));
    // Known addresses still refresh and move when full.
    assert_eq!(fdb.learn(1, mac(0), 2, 0), LearnOutcome::Moved);
}

#[test]
fn aging_keeps_static_and_recent() {
    let fdb = Fdb::new(16);
    fdb.learn(1, mac(1), 1, 0);
    fdb.learn(1, mac(2), 1, 250);
    fdb.add_static(1, mac(3), 1).unwrap();
    assert_eq!(fdb.age(301, 300), 1);
    assert!(fdb.lookup(1, mac(1)).is_none());
    assert!(fdb.lookup(1, mac(2)).is_some());
    assert!(fdb.lookup(1, mac(3)).is_some());
}

#[test]
fn aging_scans_only_once_something_can_be_old() {
    let fdb = Fdb::new(16);
    fdb.learn(1, mac(1), 1, 100);
    assert_eq!(fdb.age(120, 300), 0, "a scan: the oldest entry is from 100");
    // An entry behind a clock more than 2 s late is not seen until the
    // next scan: that shows the scans skipped in between.
    fdb.learn(1, mac(2), 1, 5);
    assert_eq!(
        fdb.age(400, 300),
        0,
        "skipped: nothing can be old before 401"
    );
    assert!(fdb.lookup(1, mac(2)).is_some());
    assert_eq!(fdb.age(401, 300), 2, "the scan at 401 removes both");
    fdb.learn(1, mac(3), 1, 401);
    assert_eq!(fdb.age(405, 300), 0);
    assert_eq!(fdb.age(406, 4), 1, "a new aging time scans at once");
}

#[test]
fn flush_by_vlan_and_port() {
    let fdb = Fdb::new(64);
    for n in 0..10 {
        fdb.learn((n % 2) as u16 + 1, mac(n), (n % 3) as u16, 0);
    }
    fdb.add_static(1, mac(100), 0).unwrap();
    let n = fdb.flush(FdbFilter {
        vlan: Some(1),
        ..Default::default()
    });
    assert_eq!(n, 5);
    assert!(fdb.lookup(1, mac(100)).is_some(), "static entries stay");
    let n = fdb.flush(FdbFilter {
        port: Some(0),
        include_static: true,
        ..Default::default()
    });
    assert_eq!(
        n, 3,
        "mac(3) and mac(9) in VLAN 2 on port 0, and the static entry"
    );
    assert_eq!(fdb.len(), 3);
}

#[test]
fn churn_does_not_fill_table_with_tombstones() {
    let fdb = Fdb::new(8);
    for n in 0..100_000u64 {
        fdb.learn(1, mac(n), 1, 0);
        assert!(fdb.remove(1, mac(n)));
    }
    assert_eq!(fdb.len(), 0);
    assert_eq!(used_slots(&fdb), 0);
}

/// Slots that are not empty: entries and tombstones.
fn used_slots(fdb: &Fdb) -> usize {
    fdb.slots()
        .buckets
        .iter()
        .map(|b| WAYS - ways_holding(&b.keys(), EMPTY).count_ones() as usize)
        .sum()
}

/// A table kept near half full while stations come and go (full buckets,
/// whose deleted slots must become tombstones) ends with no tombstone
/// once every station has gone, and never holds many more tombstones
/// than entries meanwhile.
#[test]
fn churn_near_half_full_leaves_no_tombstones() {
    let fdb = Fdb::new(2048);
    let live = 2000u64;
    let mut most_used = 0;
    for n in 0..50_000u64 {
        assert_eq!(fdb.learn(1, mac(n), 1, 0), LearnOutcome::Learned);
        if n >= live {
            assert!(fdb.remove(1, mac(n - live)));
        }
        most_used = most_used.max(used_slots(&fdb));
    }
    assert_eq!(fdb.capacity(), 4096, "grown to twice the limit");
    assert!(
        most_used < fdb.capacity() * 3 / 4,
        "{most_used} slots used by {live} entries"
    );
    for n in 50_000 - live..50_000 {
        assert!(fdb.remove(1, mac(n)));
        assert!(fdb.lookup(1, mac(n)).is_none());
    }
    assert_eq!(used_slots(&fdb), 0, "tombstones left behind");
}

/// Mean distance, in buckets, of every entry from its home bucket.
fn mean_displacement(fdb: &Fdb, keys: &[(u16, MacAddr)]) -> f64 {
    let total: usize = keys
        .iter()
        .map(|&(vlan, m)| {
            let key = encode(vlan, m);
            let (i, _) = fdb.find(key).expect("learned");
            (i / WAYS).wrapping_sub(fdb.hash(key)) & fdb.slots().mask
        })
        .sum();
    total as f64 / keys.len() as f64
}

/// The bucket hash spreads the keys a switch meets (a generator's
/// sequential MACs, one MAC in many VLANs, MACs that differ in their OUI
/// bytes only) as a random one would: with the table half full, about 5 %
/// of entries sit past their home bucket (mean displacement ~0.05
/// buckets). A clustering hash gives tens or hundreds.
#[test]
fn the_hash_spreads_structured_keys() {
    let n = 1u64 << 16;
    let shapes: [(&str, Vec<(u16, MacAddr)>); 3] = [
        ("sequential", (0..n).map(|i| (1, mac(i))).collect()),
        (
            "VLAN sweep",
            (0..n)
                .map(|i| ((i & 4095) as u16, mac(1 | (i >> 12) << 8)))
                .collect(),
        ),
        ("OUI bytes", (0..n).map(|i| (1, mac(i << 24))).collect()),
    ];
    for (name, keys) in shapes {
        for _ in 0..3 {
            // Half full: capacity is twice the limit.
            let fdb = Fdb::new(n as usize);
            for &(vlan, m) in &keys {
                assert_eq!(fdb.learn(vlan, m, 1, 0), LearnOutcome::Learned);
            }
            let d = mean_displacement(&fdb, &keys);
            assert!(
                d < 0.2,
                "{name}: mean displacement {d:.3} (seed {:x})",
                fdb.seed
            );
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Learn(u16, u64, u16),
    Static(u16, u64, u16),
    Remove(u16, u64),
    FlushVlan(u16),
    Age(u32),
}

fn op() -> impl Strategy<Value = Op> {
    let vlan = 1u16..4;
    let m = 0u64..40;
    let port = 0u16..5;
    prop_oneof![
        6 => (vlan.clone(), m.clone(), port.clone()).prop_map(|(v, m, p)| Op::Learn(v, m, p)),
        1 => (vlan.clone(), m.clone(), port).prop_map(|(v, m, p)| Op::Static(v, m, p)),
        2 => (vlan.clone(), m).prop_map(|(v, m)| Op::Remove(v, m)),
        1 => vlan.prop_map(Op::FlushVlan),
        1 => (0u32..5).prop_map(Op::Age),
    ]
}

proptest! {
    /// The table behaves as a HashMap with the same rules.
    #[test]
    fn matches_reference_model(ops in proptest::collection::vec(op(), 1..400)) {
        let limit = 24;
        let fdb = Fdb::new(limit);
        // (vlan, mac) -> (port, static, seen)
        let mut model: HashMap<(u16, u64), (u16, bool, u32)> = HashMap::new();
        let mut now = 0u32;
        for op in ops {
            now += 1;
            match op {
                Op::Learn(v, m, p) => {
                    let got = fdb.learn(v, mac(m), p, now);
                    let want = match model.get(&(v, m)).copied() {
                        Some((mp, true, _)) if mp != p => LearnOutcome::StaticConflict,
                        Some((mp, st, _)) if mp == p => { model.insert((v, m), (p, st, now)); LearnOutcome::Refreshed }
                        Some(_) => { model.insert((v, m), (p, false, now)); LearnOutcome::Moved }
                        None if model.len() >= limit => LearnOutcome::Full,
                        None => { model.insert((v, m), (p, false, now)); LearnOutcome::Learned }
                    };
                    prop_assert_eq!(got, want);
                }
                Op::Static(v, m, p) => {
                    let ok = fdb.add_static(v, mac(m), p).is_ok();
                    let want = model.contains_key(&(v, m)) || model.len() < limit;
                    prop_assert_eq!(ok, want);
                    if want { model.insert((v, m), (p, true, 0)); }
                }
                Op::Remove(v, m) => {
                    prop_assert_eq!(fdb.remove(v, mac(m)), model.remove(&(v, m)).is_some());
                }
                Op::FlushVlan(v) => {
                    let before = model.len();
                    model.retain(|k, e| k.0 != v || e.1);
                    let n = fdb.flush(FdbFilter { vlan: Some(v), ..Default::default() });
                    prop_assert_eq!(n, before - model.len());
                }
                Op::Age(max) => {
                    let before = model.len();
                    model.retain(|_, e| e.1 || now.wrapping_sub(e.2) <= max);
                    prop_assert_eq!(fdb.age(now, max), before - model.len());
                }
            }
            prop_assert_eq!(fdb.len(), model.len());
        }
        for ((v, m), (p, st, _)) in &model {
            prop_assert_eq!(fdb.lookup(*v, mac(*m)), Some(FdbHit { port: *p, is_static: *st }));
        }
        let mut listed: Vec<_> = fdb.entries().iter().map(|e| (e.vlan, e.mac.to_u64() & 0xffff_ffff, e.port)).collect();
        listed.sort();
        let mut want: Vec<_> = model.iter().map(|((v, m), (p, _, _))| (*v, *m, *p)).collect();
        want.sort();
        prop_assert_eq!(listed, want);
    }
}

/// The slots start small and double as stations come, up to twice the
/// limit; every entry is still found, on its port, after each move.
#[test]
fn slots_grow_with_the_table_and_keep_every_entry() {
    let fdb = Fdb::new(100_001);
    assert_eq!(fdb.capacity(), FIRST_SLOTS);
    fdb.add_static(7, mac(1 << 32), 9).unwrap();
    for n in 0..100_000u64 {
        assert_eq!(
            fdb.learn(1, mac(n), (n % 5) as u16, 3),
            LearnOutcome::Learned
        );
        assert!(fdb.len() * 2 <= fdb.capacity(), "at most half full");
    }
    assert_eq!(fdb.capacity(), 1 << 18, "twice the limit, a power of two");
    assert_eq!(fdb.learn(1, mac(1 << 33), 1, 3), LearnOutcome::Full);
    for n in 0..100_000u64 {
        assert_eq!(fdb.lookup(1, mac(n)).map(|h| h.port), Some((n % 5) as u16));
    }
    let pinned = fdb.lookup(7, mac(1 << 32)).expect("static entry kept");
    assert!(pinned.is_static && pinned.port == 9);
    assert_eq!(fdb.entries().len(), 100_001);
    assert_eq!(fdb.age(400, 300), 100_000, "ages copied with the entries");
    assert_eq!(fdb.len(), 1);
    let slot = std::mem::size_of::<Bucket>() / WAYS;
    assert!(fdb.memory_bytes() < 2 * fdb.capacity() * slot);
    assert_eq!(Fdb::new(16).capacity(), 64, "a small limit, small slots");
}

/// Readers looking up while the table grows under them find every entry
/// learned before they looked: in the slots they started with, which stay
/// as they were, or in the new ones.
#[test]
fn readers_find_entries_while_the_table_grows() {
    let fdb = Arc::new(Fdb::new(1 << 17));
    for n in 0..1000 {
        fdb.learn(3, mac(n), (n % 11) as u16, 0);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (fdb, stop) = (fdb.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut rounds = 0u64;
                while !stop.load(Ordering::Relaxed) || rounds == 0 {
                    for n in 0..1000 {
                        let hit = fdb.lookup(3, mac(n)).expect("an entry vanished as it grew");
                        assert_eq!(hit.port, (n % 11) as u16);
                    }
                    rounds += 1;
                }
                rounds
            })
        })
        .collect();
    for n in 1000..(1u64 << 17) {
        fdb.learn(4, mac(n), 1, 0);
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        assert!(r.join().expect("a reader missed an entry") > 0);
    }
    assert_eq!(fdb.capacity(), 1 << 18);
}

/// Readers running while a writer churns never see an address on a port
/// it was never learned on, and always find the pinned static entries.
#[test]
fn concurrent_readers_see_consistent_entries() {
    let fdb = Arc::new(Fdb::new(4096));
    for n in 0..64 {
        fdb.add_static(10, mac(n), (n % 7) as u16).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let checks = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (fdb, stop, checks) = (fdb.clone(), stop.clone(), checks.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    for n in 0..64 {
                        let hit = fdb.lookup(10, mac(n)).expect("static entry vanished");
                        assert_eq!(hit.port, (n % 7) as u16);
                    }
                    for n in 1000..1200u64 {
                        if let Some(hit) = fdb.lookup(20, mac(n)) {
                            // Learned only ever on port n % 3 or n % 3 + 10.
                            assert!(hit.port == (n % 3) as u16 || hit.port == (n % 3) as u16 + 10);
                        }
                    }
                    checks.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut round = 0u32;
    // Churn until the readers have checked many times while it ran.
    while round < 300 || checks.load(Ordering::Relaxed) < 200 {
        for n in 1000..1200u64 {
            let p = (n % 3) as u16 + if round.is_multiple_of(2) { 0 } else { 10 };
            fdb.learn(20, mac(n), p, round);
        }
        if round.is_multiple_of(3) {
            fdb.flush(FdbFilter {
                vlan: Some(20),
                ..Default::default()
            });
        }
        round += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("a reader saw an inconsistent entry");
    }
}
