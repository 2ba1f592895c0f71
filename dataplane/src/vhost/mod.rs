//! lisad's own vhost-user datapath for split virtqueues (in progress; not
//! wired to the worker yet): the vhost library keeps the vhost-user
//! protocol (sockets, features, memory table, ring addresses), and the
//! worker reads and writes the guests' rings itself, so that a frame going
//! from one guest to another is copied once, from the sender's tx buffer
//! into the receiver's rx buffer, instead of twice through an mbuf. The
//! plan, and what the vhost library allows: `docs/vhost-datapath.md`.
//!
//! - `memory`: guest-physical ranges to host addresses.
//! - `ring`: one split virtqueue's avail, descriptor and used parts.
//! - `chain`: a descriptor chain walked into host buffer pieces.
//! - `frame`: the virtio-net header, a sent frame's pieces, a frame delivered.

pub mod chain;
pub mod frame;
pub mod memory;
pub mod ring;
#[cfg(test)]
mod testing;
