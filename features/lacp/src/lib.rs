//! Feature `lacp`: EtherChannel. `interface Port-channelN` and `channel-group
//! N mode active|passive|on` bundle ports into one switch port, negotiated
//! by IEEE 802.1AX LACP (active, passive) or static (on). This crate holds
//! what needs no DPDK (model, commands, LACPDU wire format); lisad's side,
//! with the LACP machines and the port-channels in the dataplane, is
//! `daemon/`.
#![forbid(unsafe_code)]

pub mod wire;
