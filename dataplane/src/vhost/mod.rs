//! lisad's own vhost-user datapath for split virtqueues: the vhost
//! library keeps the vhost-user protocol (sockets, features, memory table,
//! ring addresses), and the worker reads and writes the guests' rings
//! itself, one copy each way between guest buffers and mbufs. A device
//! lisad does not serve (packed rings, a vIOMMU, a live migration's dirty
//! log, TSO) goes through the library's bursts instead. The plan, and what
//! the vhost library allows: `docs/vhost-datapath.md`.
//!
//! - `memory`: guest-physical ranges to host addresses.
//! - `ring`: one split virtqueue's avail, descriptor and used parts.
//! - `chain`: a descriptor chain walked into host buffer pieces.
//! - `copy`: byte copies between guest buffers and mbufs.
//! - `frame`: the virtio-net header, a sent frame's pieces, a frame delivered.
//! - `checksum`: a partial TCP/UDP checksum completed.
//! - `device`: what lisad reads of a device from the library.
//! - `port_rings`: each port's vrings, rebuilt as the device changes.
//! - `receive`, `send`: one burst from or to a guest.
//! - `burst`: a worker's bursts, through lisad's datapath or the library's.

pub mod burst;
pub mod chain;
pub mod checksum;
pub mod copy;
pub mod device;
pub mod frame;
pub mod memory;
pub mod port_rings;
pub mod receive;
pub mod ring;
pub mod send;
#[cfg(test)]
mod testing;
