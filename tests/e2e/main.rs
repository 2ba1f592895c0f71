//! End-to-end tests, one binary (linked once): each module starts the real
//! `lisad` (DPDK, namespaces, real peers) and checks what a user sees.
//! Run one file's tests with `cargo test --release --test e2e MODULE::`.

mod common;

mod api;
mod automation;
mod commit;
mod faults;
mod golden;
mod hostile;
mod hotplug;
mod igmp_snooping;
mod ios_corpus;
mod ios_tools;
mod l2_protocols;
mod lacp;
mod libvirt_e2e;
mod libvirt_hook;
mod metrics;
mod mirror;
mod mtu;
mod ntc_templates;
mod package;
mod port_kinds;
mod port_security;
mod routing;
mod scale;
mod soak;
mod storm;
mod swcli;
mod switching;
mod tcp_auth;
mod vlans;
