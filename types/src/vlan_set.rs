//! A set of VLAN ids (a 4096-bit map), with the IOS list syntax `1,5-10,20`.

use std::fmt;

/// Lowest usable VLAN id.
pub const VLAN_MIN: u16 = 1;
/// Highest usable VLAN id.
pub const VLAN_MAX: u16 = 4094;
/// The default VLAN: exists always, and every port starts in it.
pub const DEFAULT_VLAN: u16 = 1;

/// True for a VLAN id a user may configure (1-4094).
pub fn valid_vlan(v: u32) -> bool {
    (u32::from(VLAN_MIN)..=u32::from(VLAN_MAX)).contains(&v)
}
use std::str::FromStr;

/// A set of VLAN ids 1-4094.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VlanSet([u64; 64]);

/// A VLAN list that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a VLAN list: {why} (use e.g. 10,20-30; VLANs are 1-4094)")]
pub struct VlanSetError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub why: String,
}

impl Default for VlanSet {
    fn default() -> Self {
        VlanSet::none()
    }
}

impl VlanSet {
    /// The empty set.
    pub const fn none() -> VlanSet {
        VlanSet([0; 64])
    }

    /// Every VLAN 1-4094.
    pub fn all() -> VlanSet {
        let mut s = VlanSet([u64::MAX; 64]);
        s.remove(0);
        s.remove(4095);
        s
    }

    /// True if `v` is in the set.
    #[inline]
    pub fn contains(&self, v: u16) -> bool {
        v < 4096 && self.0[(v >> 6) as usize] & (1 << (v & 63)) != 0
    }

    /// Adds `v` (ignored outside 1-4094).
    pub fn insert(&mut self, v: u16) {
        if (VLAN_MIN..=VLAN_MAX).contains(&v) {
            self.0[(v >> 6) as usize] |= 1 << (v & 63);
        }
    }

    /// Removes `v`.
    pub fn remove(&mut self, v: u16) {
        if v < 4096 {
            self.0[(v >> 6) as usize] &= !(1 << (v & 63));
        }
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &VlanSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }

    /// Removes every member of `other`.
    pub fn subtract(&mut self, other: &VlanSet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a &= !b;
        }
    }

    /// Every VLAN but the members.
    pub fn complement(&self) -> VlanSet {
        let mut s = VlanSet::all();
        s.subtract(self);
        s
    }

    /// The members that are also in `other`.
    pub fn intersection(&self, other: &VlanSet) -> VlanSet {
        let mut s = self.clone();
        for (a, b) in s.0.iter_mut().zip(other.0.iter()) {
            *a &= b;
        }
        s
    }

    /// True when the set holds every VLAN 1-4094.
    pub fn is_all(&self) -> bool {
        *self == VlanSet::all()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (VLAN_MIN..=VLAN_MAX).filter(|v| self.contains(*v))
    }

    /// Members as ascending (first, last) ranges.
    pub fn ranges(&self) -> Vec<(u16, u16)> {
        let mut out: Vec<(u16, u16)> = Vec::new();
        for v in self.iter() {
            match out.last_mut() {
                Some((_, hi)) if *hi + 1 == v => *hi = v,
                _ => out.push((v, v)),
            }
        }
        out
    }
}

impl FromIterator<u16> for VlanSet {
    fn from_iter<I: IntoIterator<Item = u16>>(iter: I) -> Self {
        let mut s = VlanSet::none();
        for v in iter {
            s.insert(v);
        }
        s
    }
}

impl FromStr for VlanSet {
    type Err = VlanSetError;

    /// Parses `10`, `10,20`, `10-20,30` (IOS list syntax, no spaces).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why: String| VlanSetError {
            text: text.to_string(),
            why,
        };
        let mut s = VlanSet::none();
        if text.is_empty() {
            return Err(err("empty".into()));
        }
        for part in text.split(',') {
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let parse = |t: &str| -> Result<u16, VlanSetError> {
                let v: u32 = t
                    .parse()
                    .map_err(|_| err(format!("'{t}' is not a number")))?;
                if !valid_vlan(v) {
                    return Err(err(format!("{v} is out of range")));
                }
                Ok(v as u16)
            };
            let (lo, hi) = (parse(lo)?, parse(hi)?);
            if lo > hi {
                return Err(err(format!("range {lo}-{hi} is backwards")));
            }
            for v in lo..=hi {
                s.insert(v);
            }
        }
        Ok(s)
    }
}

impl fmt::Display for VlanSet {
    /// IOS list syntax: `1-5,10`; `none` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let parts: Vec<String> = self
            .ranges()
            .into_iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl fmt::Debug for VlanSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VlanSet({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_and_render() {
        let s: VlanSet = "10,20-22,4094".parse().unwrap();
        assert!(s.contains(10) && s.contains(21) && s.contains(4094));
        assert!(!s.contains(11));
        assert_eq!(s.len(), 5);
        assert_eq!(s.to_string(), "10,20-22,4094");
        assert_eq!(VlanSet::all().to_string(), "1-4094");
        assert_eq!(VlanSet::none().to_string(), "none");
    }

    #[test]
    fn bad_lists() {
        for bad in ["", "0", "4095", "10-5", "a", "1,,2", "1-", "-3"] {
            assert!(bad.parse::<VlanSet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn all_excludes_reserved() {
        let all = VlanSet::all();
        assert!(!all.contains(0) && !all.contains(4095));
        assert_eq!(all.len(), 4094);
        assert!(all.complement().is_empty());
    }

    proptest! {
        #[test]
        fn render_parse_round_trip(vs in proptest::collection::btree_set(1u16..=4094, 1..50)) {
            let s: VlanSet = vs.iter().copied().collect();
            let again: VlanSet = s.to_string().parse().unwrap();
            prop_assert_eq!(again, s);
        }
    }
}
