//! IPv4 prefixes and masks: the one rule for each, used by the IOS text,
//! the typed API and the dataplane alike.

use std::net::Ipv4Addr;

/// An IPv4 address with a prefix length (`10.0.0.1/24`, or `ip address
/// 10.0.0.1 255.255.255.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Prefix {
    /// The address.
    pub addr: Ipv4Addr,
    /// Prefix length, 0-32.
    pub len: u8,
}

/// The netmask of a prefix length, as a number.
pub fn mask_bits(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// The prefix length of a dotted netmask; None if its ones are not contiguous.
pub fn mask_len(mask: Ipv4Addr) -> Option<u8> {
    let m = u32::from(mask);
    let len = m.leading_ones();
    (m.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

impl Ipv4Prefix {
    /// The netmask, as a number.
    pub fn mask_bits(&self) -> u32 {
        mask_bits(self.len)
    }

    /// The netmask in dotted form.
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.mask_bits())
    }

    /// The network address (host bits zero).
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask_bits())
    }

    /// True if `ip` lies in this prefix.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask_bits() == u32::from(self.network())
    }

    /// True if the two prefixes share an address.
    pub fn overlaps(&self, other: &Ipv4Prefix) -> bool {
        self.contains(other.network()) || other.contains(self.network())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_len("255.255.255.0".parse().unwrap()), Some(24));
        assert_eq!(mask_len("0.0.0.0".parse().unwrap()), Some(0));
        assert_eq!(mask_len("255.0.255.0".parse().unwrap()), None);
        let p = Ipv4Prefix {
            addr: "10.1.2.3".parse().unwrap(),
            len: 16,
        };
        assert_eq!(p.network(), "10.1.0.0".parse::<Ipv4Addr>().unwrap());
        assert_eq!(p.netmask(), "255.255.0.0".parse::<Ipv4Addr>().unwrap());
        assert!(p.contains("10.1.200.1".parse().unwrap()));
    }
}
