//! The packet buffers ports receive into: pools that grow with the ports.
//!
//! Each port takes a share of a pool, the buffers its rx and tx rings can
//! hold. A pool is full when its shares leave less than a reserve (for
//! frames in flight, held for ARP, or in lcore caches); a port that finds
//! every pool full gets a new one. Pools are never freed before the switch
//! stops (a buffer may sit in any port's tx ring), so a removed port's
//! share goes back to its pool for the next port.

use crate::error::DpdkError;
use crate::mempool::{PktPool, PoolUsage};
use std::sync::{Arc, Mutex, MutexGuard};

/// A port's part of a pool.
pub struct PoolShare {
    /// The pool its rx queues take buffers from.
    pub pool: Arc<PktPool>,
    /// Buffers counted against it.
    pub buffers: u32,
}

/// Pools of one buffer size, and their shares.
pub struct PoolSet {
    name: &'static str,
    data_room: u16,
    /// Buffers kept free of shares in every pool.
    reserve: u32,
    /// Buffers of a pool made when the others are full (more if one port
    /// needs more).
    chunk: u32,
    /// Each pool and the buffers shared out of it.
    pools: Mutex<Vec<(Arc<PktPool>, u32)>>,
}

impl PoolSet {
    /// A set whose first pool has `first` buffers of `data_room` bytes;
    /// pools added later have `chunk`. `name` names them (`name`,
    /// `name_2`, ...).
    pub fn new(
        name: &'static str,
        first: u32,
        chunk: u32,
        reserve: u32,
        data_room: u16,
    ) -> Result<PoolSet, DpdkError> {
        let pool = Arc::new(PktPool::new(name, first, data_room)?);
        Ok(PoolSet {
            name,
            data_room,
            reserve,
            chunk,
            pools: Mutex::new(vec![(pool, 0)]),
        })
    }

    /// A set with no pool yet: the first is made by the first `take`.
    pub fn lazy(name: &'static str, chunk: u32, reserve: u32, data_room: u16) -> PoolSet {
        PoolSet {
            name,
            data_room,
            reserve,
            chunk,
            pools: Mutex::new(Vec::new()),
        }
    }

    fn pools(&self) -> MutexGuard<'_, Vec<(Arc<PktPool>, u32)>> {
        self.pools.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A share of `buffers` from the first pool with room for it beside
    /// its reserve, or from a new pool.
    pub fn take(&self, buffers: u32) -> Result<PoolShare, DpdkError> {
        let mut pools = self.pools();
        let room = |p: &PktPool, shared: u32| shared + buffers + self.reserve <= p.size();
        if let Some((pool, shared)) = pools.iter_mut().find(|(p, s)| room(p, *s)) {
            *shared += buffers;
            return Ok(PoolShare {
                pool: pool.clone(),
                buffers,
            });
        }
        let name = match pools.len() {
            0 => self.name.to_string(),
            n => format!("{}_{}", self.name, n + 1),
        };
        let size = self.chunk.max(buffers + self.reserve);
        let pool = Arc::new(PktPool::new(&name, size, self.data_room)?);
        tracing::info!(pool = %name, buffers = size, "packet pool added");
        pools.push((pool.clone(), buffers));
        Ok(PoolShare { pool, buffers })
    }

    /// Gives a removed port's share back.
    pub fn give_back(&self, share: &PoolShare) {
        let mut pools = self.pools();
        if let Some((_, shared)) = pools.iter_mut().find(|(p, _)| Arc::ptr_eq(p, &share.pool)) {
            *shared = shared.saturating_sub(share.buffers);
        }
    }

    /// Every pool's usage.
    pub fn usage(&self) -> Vec<PoolUsage> {
        self.pools().iter().map(|(p, _)| p.usage()).collect()
    }
}
