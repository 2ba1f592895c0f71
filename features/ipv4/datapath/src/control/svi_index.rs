//! The SVI addresses indexed for the questions asked per route and per
//! neighbor: is this the switch's own address, is this prefix a connected
//! subnet, which SVI's subnet holds this address. Each answer costs a few
//! hash lookups, whatever the number of SVIs, so painting a million routes
//! with a thousand SVIs stays linear in the routes.

use super::{mask, SviAddr};
use std::collections::{BTreeMap, HashMap};

/// The index.
#[derive(Debug, Default)]
pub(super) struct SviIndex {
    /// The switch's own address -> VLAN.
    locals: HashMap<u32, u16>,
    /// Connected subnet (network, length) -> VLAN.
    subnets: HashMap<(u32, u8), u16>,
    /// SVIs per prefix length in use.
    lens: BTreeMap<u8, u32>,
}

impl SviIndex {
    /// Adds the SVI of `vlan` with address `a`.
    pub(super) fn add(&mut self, vlan: u16, a: &SviAddr) {
        self.locals.insert(u32::from(a.addr), vlan);
        self.subnets.insert((u32::from(a.network()), a.len), vlan);
        *self.lens.entry(a.len).or_insert(0) += 1;
    }

    /// Removes the SVI with address `a`.
    pub(super) fn remove(&mut self, a: &SviAddr) {
        self.locals.remove(&u32::from(a.addr));
        self.subnets.remove(&(u32::from(a.network()), a.len));
        if let Some(n) = self.lens.get_mut(&a.len) {
            *n -= 1;
            if *n == 0 {
                self.lens.remove(&a.len);
            }
        }
    }

    /// The VLAN whose SVI has address `ip`.
    pub(super) fn local(&self, ip: u32) -> Option<u16> {
        self.locals.get(&ip).copied()
    }

    /// The VLAN whose connected subnet is exactly `net/len`.
    pub(super) fn subnet(&self, net: u32, len: u8) -> Option<u16> {
        self.subnets.get(&(net, len)).copied()
    }

    /// The VLAN of the SVI whose subnet holds `ip` (subnets do not
    /// overlap; the longest is tried first all the same).
    pub(super) fn connected(&self, ip: u32) -> Option<u16> {
        self.lens
            .keys()
            .rev()
            .find_map(|&len| self.subnet(ip & mask(len), len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn svi(a: [u8; 4], len: u8) -> SviAddr {
        SviAddr {
            addr: Ipv4Addr::from(a),
            len,
        }
    }

    #[test]
    fn answers_follow_adds_and_removes() {
        let mut ix = SviIndex::default();
        let a = svi([10, 0, 0, 1], 24);
        let b = svi([10, 1, 0, 1], 16);
        ix.add(10, &a);
        ix.add(20, &b);
        let ip = |x: [u8; 4]| u32::from(Ipv4Addr::from(x));
        assert_eq!(ix.local(ip([10, 0, 0, 1])), Some(10));
        assert_eq!(ix.local(ip([10, 0, 0, 2])), None);
        assert_eq!(ix.subnet(ip([10, 1, 0, 0]), 16), Some(20));
        assert_eq!(ix.subnet(ip([10, 1, 0, 0]), 24), None);
        assert_eq!(ix.connected(ip([10, 0, 0, 77])), Some(10));
        assert_eq!(ix.connected(ip([10, 1, 200, 7])), Some(20));
        assert_eq!(ix.connected(ip([10, 2, 0, 1])), None);
        ix.remove(&a);
        assert_eq!(ix.connected(ip([10, 0, 0, 77])), None);
        assert_eq!(ix.local(ip([10, 0, 0, 1])), None);
        assert_eq!(ix.connected(ip([10, 1, 0, 9])), Some(20));
    }
}
