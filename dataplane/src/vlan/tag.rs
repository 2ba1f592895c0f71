//! Egress tagging: rewriting a frame's 802.1Q tag in place (unshared
//! buffers), or building a second header for a shared, flooded frame.

use crate::mbuf::Mbuf;
use crate::wire::{EtherType, VLAN_TAG_LEN};

/// Adds a tag for `vlan` to an untagged frame, in place. False if the
/// buffer is shared or has no headroom.
pub fn push_tag(m: &mut Mbuf, vlan: u16) -> bool {
    if m.prepend(VLAN_TAG_LEN as u16).is_none() {
        return false;
    }
    let Some(d) = m.data_mut() else {
        return false;
    };
    d.copy_within(VLAN_TAG_LEN..VLAN_TAG_LEN + 12, 0);
    d[12..14].copy_from_slice(&EtherType::Vlan.raw().to_be_bytes());
    d[14..16].copy_from_slice(&(vlan & 0x0fff).to_be_bytes());
    true
}

/// Removes the 802.1Q tag of a tagged frame, in place. False if the buffer
/// is shared.
pub fn pop_tag(m: &mut Mbuf) -> bool {
    let Some(d) = m.data_mut() else {
        return false;
    };
    if d.len() < 12 + VLAN_TAG_LEN {
        return false;
    }
    d.copy_within(0..12, VLAN_TAG_LEN);
    m.adj(VLAN_TAG_LEN as u16)
}

/// Sets the VLAN id of a tagged frame (keeping its priority), in place.
pub fn set_tag_vid(m: &mut Mbuf, vlan: u16) -> bool {
    let Some(d) = m.data_mut() else {
        return false;
    };
    if d.len() < 16 {
        return false;
    }
    let tci = u16::from_be_bytes([d[14], d[15]]);
    d[14..16].copy_from_slice(&((tci & 0xf000) | (vlan & 0x0fff)).to_be_bytes());
    true
}

/// Writes the L2 header of the other form of a frame into `hdr`: from a
/// tagged `frame` an untagged header (14 bytes), from an untagged one a
/// header tagged with `vlan` (18 bytes). Returns the header's length and
/// the length of `frame`'s own header (where its payload starts).
pub fn other_form_header(
    frame: &[u8],
    tagged: bool,
    vlan: u16,
    hdr: &mut [u8; 18],
) -> (usize, usize) {
    hdr[..12].copy_from_slice(&frame[..12]);
    if tagged {
        hdr[12..14].copy_from_slice(&frame[16..18]);
        (14, 18)
    } else {
        hdr[12..14].copy_from_slice(&EtherType::Vlan.raw().to_be_bytes());
        hdr[14..16].copy_from_slice(&(vlan & 0x0fff).to_be_bytes());
        hdr[16..18].copy_from_slice(&frame[12..14]);
        (18, 14)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_form_of_tagged_and_untagged() {
        let untagged: Vec<u8> = (0u8..12).chain([0x08, 0x06, 0xaa]).collect();
        let mut hdr = [0u8; 18];
        assert_eq!(other_form_header(&untagged, false, 10, &mut hdr), (18, 14));
        assert_eq!(&hdr[12..18], &[0x81, 0x00, 0x00, 10, 0x08, 0x06]);
        let tagged: Vec<u8> = (0u8..12)
            .chain([0x81, 0x00, 0x00, 10, 0x08, 0x06, 0xaa])
            .collect();
        assert_eq!(other_form_header(&tagged, true, 10, &mut hdr), (14, 18));
        assert_eq!(&hdr[..14], &untagged[..14]);
    }
}
