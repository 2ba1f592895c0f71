//! The event feed: what happens on the switch, broadcast to every watcher
//! (`System.Watch`). A watcher that falls behind loses the oldest events
//! and sees the gap in the sequence numbers; it never slows the switch.
//! The last `BACKLOG` events are kept, so a watcher that reconnects goes on
//! from the last sequence number it saw.

use dataplane::Dataplane;
use lisa_proto::v1::{Event, EventType};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::broadcast;

/// Events a slow watcher may lag behind before it loses some.
const BACKLOG: usize = 1024;
/// Watchers at once: each holds a connection's buffers, so a client that
/// opens streams and never reads them cannot grow lisad without bound.
pub const MAX_WATCHERS: usize = 64;

/// The sending side of the feed; cheap to clone.
#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Event>,
    sequence: Arc<AtomicU64>,
    watchers: Arc<AtomicUsize>,
    /// The last `BACKLOG` events; held while an event is numbered and sent,
    /// so a replay and the live feed after it neither miss nor repeat one.
    recent: Arc<Mutex<VecDeque<Event>>>,
}

/// A watcher's place among the `MAX_WATCHERS`; given back on drop.
pub struct WatcherSlot(Arc<AtomicUsize>);

impl Drop for WatcherSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: broadcast::channel(BACKLOG).0,
            sequence: Arc::new(AtomicU64::new(0)),
            watchers: Arc::new(AtomicUsize::new(0)),
            recent: Arc::new(Mutex::new(VecDeque::with_capacity(BACKLOG))),
        }
    }
}

impl Events {
    /// Sends an event to every watcher (none is fine).
    pub fn emit(&self, kind: EventType, port: &str, detail: impl Into<String>) {
        let detail = detail.into();
        log_event(kind, port, &detail);
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let event = Event {
            sequence: self.sequence.fetch_add(1, Ordering::Relaxed) + 1,
            unix_millis: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            r#type: kind as i32,
            port: port.to_string(),
            detail,
        };
        if recent.len() == BACKLOG {
            recent.pop_front();
        }
        recent.push_back(event.clone());
        let _ = self.tx.send(event);
    }

    /// The kept events after sequence number `after` (none for 0), and the
    /// live feed from just after them.
    pub fn subscribe_after(&self, after: u64) -> (Vec<Event>, broadcast::Receiver<Event>) {
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let replay = if after == 0 {
            Vec::new()
        } else {
            recent
                .iter()
                .filter(|e| e.sequence > after)
                .cloned()
                .collect()
        };
        (replay, self.tx.subscribe())
    }

    /// A place for one more watcher (`System.Watch`), if fewer than
    /// `MAX_WATCHERS` hold one.
    pub fn watcher_slot(&self) -> Option<WatcherSlot> {
        self.watchers
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < MAX_WATCHERS).then_some(n + 1)
            })
            .ok()
            .map(|_| WatcherSlot(self.watchers.clone()))
    }
}

/// Watches what the dataplane does not announce itself (link state) and
/// turns changes into events, twice a second. (Features watch their own:
/// `l2` a full MAC table.)
pub async fn monitor(dp: Arc<Dataplane>, events: Events) {
    let mut links: HashMap<String, bool> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let ports = dp.ports();
        links.retain(|name, _| ports.iter().any(|p| &p.name == name));
        for p in ports {
            let was = links.insert(p.name.clone(), p.link_up);
            if was.is_some_and(|w| w != p.link_up) {
                let kind = if p.link_up {
                    EventType::LinkUp
                } else {
                    EventType::LinkDown
                };
                events.emit(
                    kind,
                    &p.name,
                    format!("{} link {}", p.kind, if p.link_up { "up" } else { "down" }),
                );
            }
        }
    }
}

/// Logs an event as IOS words it (`show logging`, stderr).
fn log_event(kind: EventType, port: &str, detail: &str) {
    let with = |d: &str| {
        if d.is_empty() {
            String::new()
        } else {
            format!(" ({d})")
        }
    };
    match kind {
        EventType::LinkUp | EventType::LinkDown => {
            let state = if kind == EventType::LinkUp {
                "up"
            } else {
                "down"
            };
            tracing::info!("%LINK-3-UPDOWN: Interface {port}, changed state to {state}");
            tracing::info!(
                "%LINEPROTO-5-UPDOWN: Line protocol on Interface {port}, changed state to {state}"
            );
        }
        EventType::PortAdded => {
            tracing::info!(
                "%LISA-5-PORT_ADDED: Interface {port} plugged{}",
                with(detail)
            )
        }
        EventType::PortRemoved => {
            tracing::info!(
                "%LISA-5-PORT_REMOVED: Interface {port} unplugged{}",
                with(detail)
            )
        }
        EventType::ConfigChanged => tracing::info!("%SYS-5-CONFIG_I: Configured: {detail}"),
        EventType::FdbFull => tracing::warn!("%SW_MATM-4-TABLE_FULL: {detail}"),
        EventType::Unspecified => {}
    }
}
