//! Plain value types shared by every LiSA-DP crate, with no DPDK in sight:
//! MAC addresses and VLAN sets, with their text forms.
#![forbid(unsafe_code)]

mod ipv4;
mod mac;
mod vlan_set;

pub use ipv4::{mask_bits, mask_len, Ipv4Prefix};

pub use mac::{MacAddr, MacParseError};

/// Checks a free-text setting (a description, a name): printable text on
/// one line. A line break would become configuration lines of its own in
/// the startup-config; other control characters would reach terminals.
pub fn check_text(text: &str) -> Result<(), String> {
    match text.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "contains the control character {:?}: use printable text on one line",
            c
        )),
        None => Ok(()),
    }
}

/// `text` with every control character (line breaks included) replaced
/// by a space: for free text that comes from elsewhere (a VM's name).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
/// True for IOS-style interface names: letters, then a number, then
/// optional `/number` parts (`Ethernet1`, `Vhost12`, `Port1/3`), at most 32
/// characters.
pub fn valid_port_name(name: &str) -> bool {
    let letters = name.bytes().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = &name[letters..];
    letters > 0
        && name.len() <= 32
        && !rest.is_empty()
        && rest
            .split('/')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

pub use vlan_set::{valid_vlan, VlanSet, VlanSetError, DEFAULT_VLAN, VLAN_MAX, VLAN_MIN};

/// For an SVI's name (`Vlan10`), its VLAN id, or why the number is no VLAN
/// id; None for any other name.
pub fn svi_vlan(name: &str) -> Option<Result<u16, String>> {
    let digits = name.strip_prefix("Vlan")?;
    Some(
        digits
            .parse::<u32>()
            .ok()
            .filter(|v| valid_vlan(*v))
            .map(|v| v as u16)
            .ok_or_else(|| format!("Invalid VLAN interface {name}: use Vlan1 to Vlan4094")),
    )
}

/// True if `name` is an SVI's name (`Vlan10`).
pub fn is_svi(name: &str) -> bool {
    matches!(svi_vlan(name), Some(Ok(_)))
}

/// Resolves an interface name as typed (`e1`, `ethernet1`, `vlan10`) to
/// its canonical name, matching its letters against the types of `names`
/// (and `Vlan`): an exact type wins, then a unique prefix; an unknown type
/// is kept as typed.
pub fn resolve_interface<'a>(
    names: impl Iterator<Item = &'a str>,
    typed: &str,
) -> Result<String, String> {
    let stem = |n: &'a str| &n[..n.bytes().take_while(|c| c.is_ascii_alphabetic()).count()];
    let letters = typed
        .bytes()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let (ty, rest) = typed.split_at(letters);
    let mut types: Vec<&str> = names.map(stem).collect();
    types.push("Vlan");
    types.sort_unstable();
    types.dedup();
    if let Some(exact) = types.iter().find(|t| t.eq_ignore_ascii_case(ty)) {
        return Ok(format!("{exact}{rest}"));
    }
    let lower = ty.to_ascii_lowercase();
    let fits: Vec<&&str> = types
        .iter()
        .filter(|t| t.to_ascii_lowercase().starts_with(&lower))
        .collect();
    match fits.as_slice() {
        [one] => Ok(format!("{one}{rest}")),
        [] => Ok(typed.to_string()),
        _ => Err(format!("Ambiguous interface name {typed}")),
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn free_text_is_printable_on_one_line() {
        assert!(check_text("uplink to core-1 (rack 4)").is_ok());
        assert!(check_text("Übergang").is_ok());
        for bad in [
            "a\nno vlan 10",
            "a\rb",
            "tab\there",
            "esc\u{1b}[2J",
            "del\u{7f}",
        ] {
            assert!(
                check_text(bad).unwrap_err().contains("control character"),
                "{bad:?}"
            );
        }
        assert_eq!(printable("vm1\nno vlan 10\t"), "vm1 no vlan 10 ");
    }
}
