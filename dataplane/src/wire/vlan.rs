//! The 802.1Q tag: its meaning (`VlanTag`), and the byte moves that add,
//! remove or rewrite one in a frame, or write a frame's header in the
//! other form (tagged from untagged, untagged from tagged).

use super::ethernet::{field, EtherType, ETHERNET_HEADER_LEN, VLAN_TAG_LEN};

/// Length of a header with one 802.1Q tag.
pub const TAGGED_HEADER_LEN: usize = ETHERNET_HEADER_LEN + VLAN_TAG_LEN;

/// The VLAN id bits of a TCI.
const VID_MASK: u16 = 0x0fff;

/// Length of a frame's L2 header: 18 bytes when it carries a tag, 14 when
/// not.
#[inline(always)]
pub const fn l2_header_len(tagged: bool) -> usize {
    if tagged {
        TAGGED_HEADER_LEN
    } else {
        ETHERNET_HEADER_LEN
    }
}

/// The meaning of an 802.1Q tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// VLAN identifier (0 = priority tag only).
    pub vid: u16,
    /// Priority code point.
    pub pcp: u8,
}

impl VlanTag {
    /// The tag a TCI (tag control information) field holds.
    #[inline]
    pub const fn from_tci(tci: u16) -> VlanTag {
        VlanTag {
            vid: tci & VID_MASK,
            pcp: (tci >> 13) as u8,
        }
    }

    /// Its TCI field (the drop-eligible bit clear).
    #[inline]
    pub const fn tci(self) -> u16 {
        ((self.pcp as u16 & 0x7) << 13) | (self.vid & VID_MASK)
    }
}

/// Writes a tag for `vid` into a frame that was just given 4 bytes of
/// room in front: `buf` is those 4 bytes then the untagged frame. The
/// addresses move to the front and the tag goes after them. False (and
/// `buf` unchanged) if `buf` is too short.
#[inline]
pub fn insert_tag(buf: &mut [u8], vid: u16) -> bool {
    if buf.len() < TAGGED_HEADER_LEN {
        return false;
    }
    buf.copy_within(VLAN_TAG_LEN..VLAN_TAG_LEN + field::ADDRESSES.end, 0);
    buf[field::ETHERTYPE].copy_from_slice(&EtherType::Vlan.raw().to_be_bytes());
    let tci = VlanTag { vid, pcp: 0 }.tci();
    buf[field::VLAN_TCI].copy_from_slice(&tci.to_be_bytes());
    true
}

/// Moves the addresses of a tagged frame 4 bytes on, over its tag: the
/// untagged frame then starts 4 bytes into `buf` (the caller trims them).
/// False (and `buf` unchanged) if `buf` is too short to hold a tag.
#[inline]
pub fn remove_tag(buf: &mut [u8]) -> bool {
    if buf.len() < TAGGED_HEADER_LEN {
        return false;
    }
    buf.copy_within(field::ADDRESSES, VLAN_TAG_LEN);
    true
}

/// Sets the VLAN id of a tagged frame, keeping its priority. False if
/// `buf` is too short to hold a tag.
#[inline]
pub fn set_tag_vid(buf: &mut [u8], vid: u16) -> bool {
    let Some(b) = buf.get_mut(field::VLAN_TCI) else {
        return false;
    };
    let tci = u16::from_be_bytes([b[0], b[1]]);
    b.copy_from_slice(&((tci & !VID_MASK) | (vid & VID_MASK)).to_be_bytes());
    true
}

/// The L2 header of the other form of `frame`, written into `hdr`: from a
/// tagged frame an untagged header, from an untagged one a header tagged
/// with `vid`. Returns the new header's length and the length of
/// `frame`'s own header (where its payload starts), or None if `frame` is
/// shorter than its header.
#[inline]
pub fn other_form_header(
    frame: &[u8],
    tagged: bool,
    vid: u16,
    hdr: &mut [u8; TAGGED_HEADER_LEN],
) -> Option<(usize, usize)> {
    let old_len = l2_header_len(tagged);
    let old = frame.get(..old_len)?;
    hdr[field::ADDRESSES].copy_from_slice(&old[field::ADDRESSES]);
    if tagged {
        hdr[field::ETHERTYPE].copy_from_slice(&old[field::INNER_ETHERTYPE]);
    } else {
        hdr[field::ETHERTYPE].copy_from_slice(&EtherType::Vlan.raw().to_be_bytes());
        let tci = VlanTag { vid, pcp: 0 }.tci();
        hdr[field::VLAN_TCI].copy_from_slice(&tci.to_be_bytes());
        hdr[field::INNER_ETHERTYPE].copy_from_slice(&old[field::ETHERTYPE]);
    }
    Some((l2_header_len(!tagged), old_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn untagged() -> Vec<u8> {
        (0u8..12).chain([0x08, 0x06, 0xaa]).collect()
    }

    fn tagged(vid: u8) -> Vec<u8> {
        (0u8..12)
            .chain([0x81, 0x00, 0x00, vid, 0x08, 0x06, 0xaa])
            .collect()
    }

    #[test]
    fn tci_round_trip() {
        let t = VlanTag { vid: 10, pcp: 5 };
        assert_eq!(t.tci(), 0xa00a);
        assert_eq!(VlanTag::from_tci(0xb00a), t, "DEI bit is ignored");
    }

    #[test]
    fn insert_then_remove_gives_the_frame_back() {
        let mut buf = vec![0u8; 4];
        buf.extend(untagged());
        assert!(insert_tag(&mut buf, 10));
        assert_eq!(buf, tagged(10));
        assert!(remove_tag(&mut buf));
        assert_eq!(&buf[4..], &untagged()[..]);
    }

    #[test]
    fn set_vid_keeps_priority() {
        let mut f = tagged(10);
        f[14] = 0xa0;
        assert!(set_tag_vid(&mut f, 20));
        assert_eq!(&f[14..16], &[0xa0, 20]);
    }

    #[test]
    fn short_buffers_are_refused_unchanged() {
        let mut short = vec![1u8; 17];
        assert!(!insert_tag(&mut short, 10));
        assert!(!remove_tag(&mut short));
        assert!(!set_tag_vid(&mut short[..15], 10));
        assert_eq!(short, vec![1u8; 17]);
        let mut hdr = [0u8; 18];
        assert_eq!(other_form_header(&short, true, 10, &mut hdr), None);
    }

    #[test]
    fn other_form_of_tagged_and_untagged() {
        let mut hdr = [0u8; 18];
        assert_eq!(
            other_form_header(&untagged(), false, 10, &mut hdr),
            Some((18, 14))
        );
        assert_eq!(&hdr[..], &tagged(10)[..18]);
        assert_eq!(
            other_form_header(&tagged(10), true, 10, &mut hdr),
            Some((14, 18))
        );
        assert_eq!(&hdr[..14], &untagged()[..14]);
    }
}
