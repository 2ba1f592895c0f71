//! Plain value types shared by every LiSA-DP crate, with no DPDK in sight:
//! MAC addresses and VLAN sets, with their text forms.
#![forbid(unsafe_code)]

mod ipv4;
mod mac;
mod vlan_set;

pub use ipv4::{mask_bits, mask_len, Ipv4Prefix};

pub use mac::{MacAddr, MacParseError};
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
