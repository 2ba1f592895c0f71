//! 802.1Q VLANs: the VLAN set type, port modes, ingress classification and
//! egress tagging.

pub mod classify;
pub mod tag;

pub use lisa_types::{valid_vlan, VlanSet, VlanSetError, DEFAULT_VLAN, VLAN_MAX, VLAN_MIN};

/// How a port treats VLANs.
// The allowed-VLAN bitmap stays inline: the fast path tests one bit of it
// per frame, and a Box would add a pointer chase for no saving that matters
// (one mode per port).
// `repr(C, u8)`: the kind, then the VLAN (access) or native VLAN (trunk),
// then the bitmap, in that order, so a port's table entry keeps the first
// two in its first cache line (see `shared::PortFwd`).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(C, u8)]
pub enum PortMode {
    /// Untagged frames, all in one VLAN.
    Access {
        /// The access VLAN.
        vlan: u16,
    },
    /// 802.1Q tagged frames for the allowed VLANs; the native VLAN travels untagged.
    Trunk {
        /// VLAN of untagged frames; 0 for none (`vlan dot1q tag native`:
        /// every VLAN leaves tagged and untagged frames are dropped).
        native: u16,
        /// VLANs carried.
        allowed: VlanSet,
    },
}

impl Default for PortMode {
    fn default() -> Self {
        PortMode::Access { vlan: DEFAULT_VLAN }
    }
}

impl PortMode {
    /// True if frames of `vlan` may enter and leave this port.
    #[inline]
    pub fn carries(&self, vlan: u16) -> bool {
        match self {
            PortMode::Access { vlan: v } => *v == vlan,
            PortMode::Trunk { allowed, .. } => allowed.contains(vlan),
        }
    }

    /// True if frames of `vlan` leave this port with a tag.
    #[inline]
    pub fn tags(&self, vlan: u16) -> bool {
        match self {
            PortMode::Access { .. } => false,
            PortMode::Trunk { native, .. } => *native != vlan,
        }
    }
}
