//! Why the switch drops a frame. Each reason is a `static` declared beside
//! the stage that drops for it (`l2-output` declares `mtu-exceeded`, the
//! mirror feature its own), listed in that stage's `NodeSpec` or
//! `HookSpec`, and registered when the pipeline is built. The registry
//! gives every reason its slot in the per-worker counter arrays and fixes
//! their size before the first worker starts; no central enum grows with
//! the features.

use std::sync::{Mutex, OnceLock};

/// A reason to drop a frame (see the module's documentation).
pub struct DropReason {
    name: &'static str,
    help: &'static str,
    slot: OnceLock<usize>,
}

impl DropReason {
    /// A reason called `name` (lower case, hyphens: `vlan-filter`), with a
    /// one-line explanation for users.
    pub const fn new(name: &'static str, help: &'static str) -> DropReason {
        DropReason {
            name,
            help,
            slot: OnceLock::new(),
        }
    }

    /// Its name, as `show dataplane drops` prints it.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What it means.
    pub fn help(&self) -> &'static str {
        self.help
    }

    /// Its counter slot (`usize::MAX` until registered: such a drop is not
    /// counted, and a debug build stops on it).
    #[inline(always)]
    pub fn slot(&self) -> usize {
        match self.slot.get() {
            Some(&s) => s,
            None => {
                debug_assert!(false, "drop reason {} used but not registered", self.name);
                usize::MAX
            }
        }
    }
}

impl PartialEq for DropReason {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for DropReason {}

impl std::fmt::Debug for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Reasons several stages of different features count (registered by
/// the core).
pub mod common {
    use super::DropReason;

    /// Shorter than its headers say, a truncated tag, or a source that is
    /// no station's.
    pub static MALFORMED: DropReason = DropReason::new(
        "malformed",
        "a truncated header or tag, or a group or zero source address",
    );
    /// No buffer for a tag, a header or a copy.
    pub static NO_BUFFER: DropReason =
        DropReason::new("no-buffer", "no buffer for a tag, a header or a copy");
    /// Sent to the router MAC but neither IPv4 nor ARP (IPv6, say), or an
    /// IPv4 header that is not valid.
    pub static NOT_ROUTABLE: DropReason = DropReason::new(
        "not-routable",
        "sent to the router MAC but not IPv4 or ARP, or a bad IPv4 header",
    );
    /// A frame to an IEEE 802.1 link-local group that no enabled protocol
    /// takes (counted by `eth-input` and by the protocols' punt nodes).
    pub static LINK_LOCAL: DropReason = DropReason::new(
        "link-local",
        "sent to an IEEE 802.1 link-local group (01:80:c2:00:00:0x: STP, LACP, LLDP, 802.1X) that no enabled protocol takes; a bridge never forwards these",
    );
    /// Larger than the egress port's MTU.
    pub static MTU_EXCEEDED: DropReason =
        DropReason::new("mtu-exceeded", "larger than the egress port's MTU");
}

/// Every registered reason, in slot order.
static REGISTRY: Mutex<Vec<&'static DropReason>> = Mutex::new(Vec::new());

/// Registers `reason` (again: a no-op) and returns its slot.
///
/// # Panics
/// If another reason with the same name is registered: two stages would
/// count under one name, a declaration error found at start.
pub fn register(reason: &'static DropReason) -> usize {
    let mut all = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&s) = reason.slot.get() {
        return s;
    }
    if let Some(other) = all.iter().find(|r| r.name == reason.name) {
        panic!(
            "drop reason {:?} declared twice (\"{}\" and \"{}\")",
            reason.name, other.help, reason.help
        );
    }
    let s = all.len();
    all.push(reason);
    let _ = reason.slot.set(s);
    s
}

/// Every registered reason, in slot order.
pub fn registered() -> Vec<&'static DropReason> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    static A: DropReason = DropReason::new("test-a", "first");
    static B: DropReason = DropReason::new("test-b", "second");
    static A_AGAIN: DropReason = DropReason::new("test-a", "elsewhere");

    #[test]
    fn slots_are_stable_and_names_unique() {
        let a = register(&A);
        let b = register(&B);
        assert_ne!(a, b);
        assert_eq!(register(&A), a, "registering again keeps the slot");
        assert_eq!(A.slot(), a);
        let names: Vec<_> = registered().iter().map(|r| r.name()).collect();
        assert!(names.contains(&"test-a") && names.contains(&"test-b"));
        let twice = std::panic::catch_unwind(|| register(&A_AGAIN));
        assert!(twice.is_err(), "one name, two declarations");
    }
}
