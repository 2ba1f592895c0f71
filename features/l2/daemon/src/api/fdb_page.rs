//! Pages of the MAC address table in (VLAN, MAC) order, and counts, each
//! in one pass over the table: a listing of a full table never travels as
//! one message, and a count copies nothing.

use lisa_l2_datapath::fdb::{Fdb, FdbEntry};
use lisa_types::MacAddr;

/// Which entries a listing takes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Only this VLAN.
    pub vlan: Option<u16>,
    /// Only this port.
    pub port: Option<u16>,
}

impl Filter {
    fn takes(&self, e: &FdbEntry) -> bool {
        self.vlan.is_none_or(|v| v == e.vlan) && self.port.is_none_or(|p| p == e.port)
    }
}

/// An entry's place in the listing order.
fn order(vlan: u16, mac: MacAddr) -> u64 {
    (u64::from(vlan) << 48) | mac.to_u64()
}

/// The token that goes on after `e`: `VLAN/MAC`.
pub fn token_after(e: &FdbEntry) -> String {
    format!("{}/{}", e.vlan, e.mac)
}

/// The place a token stands for; the error says what is wrong with it.
pub fn parse_token(token: &str) -> Result<u64, String> {
    let bad = || format!("page_token '{token}' is not one this switch gave (VLAN/MAC)");
    let (vlan, mac) = token.split_once('/').ok_or_else(bad)?;
    let vlan: u16 = vlan.parse().map_err(|_| bad())?;
    let mac: MacAddr = mac.parse().map_err(|_| bad())?;
    Ok(order(vlan, mac))
}

/// Up to `size` entries the filter takes, after place `after` (none: from
/// the start), in order; and whether more follow.
pub fn page(fdb: &Fdb, filter: Filter, after: Option<u64>, size: usize) -> (Vec<FdbEntry>, bool) {
    let mut rest: Vec<(u64, FdbEntry)> = Vec::new();
    fdb.for_each(|e| {
        let at = order(e.vlan, e.mac);
        if filter.takes(&e) && after.is_none_or(|a| at > a) {
            rest.push((at, e));
        }
    });
    let more = rest.len() > size;
    if more {
        rest.select_nth_unstable_by_key(size, |(at, _)| *at);
        rest.truncate(size);
    }
    rest.sort_unstable_by_key(|(at, _)| *at);
    (rest.into_iter().map(|(_, e)| e).collect(), more)
}

/// (learned, static) entries the filter takes.
pub fn count(fdb: &Fdb, filter: Filter) -> (u64, u64) {
    let (mut learned, mut fixed) = (0, 0);
    fdb.for_each(|e| {
        if filter.takes(&e) {
            if e.is_static {
                fixed += 1;
            } else {
                learned += 1;
            }
        }
    });
    (learned, fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(i: u32) -> MacAddr {
        MacAddr::from_u64(0x0200_0000_0000u64 | u64::from(i))
    }

    #[test]
    fn pages_cover_the_table_once_in_order() {
        let fdb = Fdb::new(4096);
        for i in 0..1000 {
            fdb.learn(1 + (i % 3) as u16, mac(i * 7919 % 1000), 1, 0);
        }
        fdb.add_static(2, mac(5000), 2).unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let (entries, more) = page(&fdb, Filter::default(), after, 64);
            assert!(entries.len() <= 64);
            seen.extend(entries.iter().map(|e| order(e.vlan, e.mac)));
            match entries.last() {
                Some(last) if more => after = Some(parse_token(&token_after(last)).unwrap()),
                _ => break,
            }
        }
        let mut want: Vec<u64> = Vec::new();
        fdb.for_each(|e| want.push(order(e.vlan, e.mac)));
        want.sort_unstable();
        assert_eq!(seen, want, "every entry once, in (VLAN, MAC) order");
        assert_eq!(count(&fdb, Filter::default()), (1000, 1));
        let vlan2 = Filter {
            vlan: Some(2),
            port: None,
        };
        assert_eq!(count(&fdb, vlan2).1, 1);
        let (entries, more) = page(&fdb, vlan2, None, 10_000);
        assert!(!more && entries.iter().all(|e| e.vlan == 2));
        assert_eq!(entries.len() as u64, count(&fdb, vlan2).0 + 1);
    }

    #[test]
    fn bad_tokens_are_named() {
        assert!(parse_token("10/02:00:00:00:00:01").is_ok());
        for bad in [
            "",
            "10",
            "x/02:00:00:00:00:01",
            "10/zz",
            "70000/02:00:00:00:00:01",
        ] {
            assert!(
                parse_token(bad).unwrap_err().contains("page_token"),
                "{bad}"
            );
        }
    }
}
