//! The port-security task: twenty times a second it reads the addresses
//! the hooks reported, makes each secure while its port has room (sticky:
//! written into the running configuration, as IOS does), and handles the
//! others as the port's violation mode says (`restrict`: logged; `shutdown`:
//! the port err-disabled). A secured port that goes down forgets its
//! dynamic addresses.

use crate::datapath::{split_key, Report, SecureState};
use crate::secure::Secure;
use controlplane::running::Running;
use dataplane::Dataplane;
use lisa_port_security::model::{add_sticky, Violation};
use lisa_types::MacAddr;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// How often the task runs.
const TICK: Duration = Duration::from_millis(50);

/// Runs until dropped. `running` is set once the API exists (sticky
/// addresses are written into it).
pub async fn run(
    dp: Arc<Dataplane>,
    state: Arc<SecureState>,
    secure: Arc<Mutex<Secure>>,
    running: Arc<OnceLock<Weak<Running>>>,
) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        forget_on_link_down(&dp, &state, &secure);
        let mut sticky = Vec::new();
        while let Some(r) = state.reports.pop() {
            if let Some(s) = handle(&dp, &state, &secure, r) {
                sticky.push(s);
            }
        }
        // Outside the lock: the commit runs this feature's applier.
        let running = running.get().and_then(Weak::upgrade);
        if !sticky.is_empty() && running.is_none() {
            tracing::warn!("sticky addresses not kept: the API is not up yet");
        }
        if let Some(running) = running {
            for (name, vlan, mac) in sticky {
                let done = running.edit(|cfg| add_sticky(cfg, &name, vlan, mac));
                if let Err(e) = done {
                    tracing::warn!(port = %name, %mac, error = %e, "sticky address not kept");
                }
            }
        }
    }
}

/// Handles one report; returns a sticky address to write into the
/// configuration.
fn handle(
    dp: &Dataplane,
    state: &SecureState,
    secure: &Mutex<Secure>,
    r: Report,
) -> Option<(String, u16, MacAddr)> {
    let name = dp.port_names().into_iter().find(|(id, _)| *id == r.port)?.1;
    let mut s = secure.lock().unwrap_or_else(|e| e.into_inner());
    let p = s
        .section()
        .ports
        .get(&name)
        .filter(|p| p.enabled)
        .cloned()?;
    if s.err_disabled.contains_key(&name) {
        return None;
    }
    let known = s.known(&name);
    if known.contains(&r.key) {
        return None;
    }
    s.last_source.insert(name.clone(), r.key);
    let (vlan, mac) = split_key(r.key);
    let mac = MacAddr(mac);
    if known.len() < p.maximum as usize {
        if p.sticky {
            // Dynamic until the commit makes it sticky (it goes on now).
            s.dynamic.entry(name.clone()).or_default().insert(r.key);
            let _ = s.publish(dp, state);
            return Some((name, vlan, mac));
        }
        s.dynamic.entry(name).or_default().insert(r.key);
        let _ = s.publish(dp, state);
        return None;
    }
    violation(dp, state, &mut s, &name, p.violation, mac, vlan);
    None
}

/// An address beyond the port's maximum.
fn violation(
    dp: &Dataplane,
    state: &SecureState,
    s: &mut Secure,
    name: &str,
    mode: Violation,
    mac: MacAddr,
    vlan: u16,
) {
    if mode == Violation::Protect {
        return;
    }
    tracing::warn!(
        "%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address {} on port {name}.",
        mac.to_cisco()
    );
    tracing::debug!(port = name, vlan, "port-security violation");
    if mode == Violation::Shutdown {
        let short = lisa_types::short_interface_name(name);
        tracing::warn!(
            "%PM-4-ERR_DISABLE: psecure-violation error detected on {short}, putting {short} in err-disable state"
        );
        if let Err(e) = dp.err_disable(name, "psecure-violation") {
            tracing::warn!(port = name, error = %e, "port not taken down");
        }
        s.err_disabled.insert(name.to_string(), Instant::now());
        s.dynamic.remove(name);
        let _ = s.publish(dp, state);
    }
}

/// Forgets the dynamic addresses of secured ports whose link went down,
/// and the err-disabled state of ports brought up again (`shutdown`, `no
/// shutdown`).
fn forget_on_link_down(dp: &Dataplane, state: &SecureState, secure: &Mutex<Secure>) {
    let mut s = secure.lock().unwrap_or_else(|e| e.into_inner());
    if s.dynamic.is_empty() && s.err_disabled.is_empty() {
        return;
    }
    let links = dp.port_links();
    s.err_disabled
        .retain(|n, _| links.iter().any(|l| l.name == *n && !l.up));
    let down: Vec<String> = links
        .into_iter()
        .filter(|l| !l.up && s.dynamic.contains_key(&l.name))
        .map(|l| l.name)
        .collect();
    if down.is_empty() {
        return;
    }
    for n in down {
        s.dynamic.remove(&n);
    }
    let _ = s.publish(dp, state);
}
