//! Per-port settings kept by interface name, in one form: a port whose
//! settings are back at their defaults has no entry (features whose
//! section is a map of ports: `lacp`, `storm`, `port_security`).

use std::collections::BTreeMap;

/// Port `name`'s settings in `ports` (the defaults if it has none).
pub fn port_or_default<T: Clone + Default>(ports: &BTreeMap<String, T>, name: &str) -> T {
    ports.get(name).cloned().unwrap_or_default()
}

/// Changes port `name`'s settings in `ports` with `f`; settings left at
/// their defaults are not kept.
pub fn edit_port<T: Clone + Default + PartialEq, R>(
    ports: &mut BTreeMap<String, T>,
    name: &str,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let mut p = port_or_default(ports, name);
    let out = f(&mut p);
    if p == T::default() {
        ports.remove(name);
    } else {
        ports.insert(name.to_string(), p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_not_kept() {
        let mut ports: BTreeMap<String, u32> = BTreeMap::new();
        edit_port(&mut ports, "Ethernet1", |p| *p = 5);
        assert_eq!(port_or_default(&ports, "Ethernet1"), 5);
        edit_port(&mut ports, "Ethernet1", |p| *p = 0);
        assert!(ports.is_empty());
        assert_eq!(port_or_default(&ports, "Ethernet2"), 0);
    }
}
