//! Completing the TCP or UDP checksum a guest left partial: with
//! `VIRTIO_NET_F_CSUM`, a guest sends the sum of the pseudo-header in the
//! checksum field and sets `NEEDS_CSUM` with where the sum starts
//! (`csum_start`) and where it goes (`csum_offset` past that). The device
//! sums from `csum_start` to the end and stores the complement, as Linux's
//! `skb_checksum_help` does.

/// The 16-bit ones'-complement sum of bytes, fed in pieces of any length
/// (a piece may end in the middle of a 16-bit word).
#[derive(Clone, Copy, Debug, Default)]
pub struct OnesSum {
    sum: u64,
    /// The byte count so far is odd: the next byte is a word's low half.
    odd: bool,
}

impl OnesSum {
    /// Adds `bytes`, which follow the bytes added so far.
    pub fn add(&mut self, mut bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.odd {
            self.sum += u64::from(bytes[0]);
            bytes = &bytes[1..];
            self.odd = false;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let v = u64::from_be_bytes(w.try_into().expect("8 bytes"));
            // Four 16-bit words at once: the carries out of each 32-bit
            // half are kept by summing the halves separately.
            self.sum += (v >> 32) + (v & 0xffff_ffff);
        }
        let mut rest = words.remainder().chunks_exact(2);
        for w in &mut rest {
            self.sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        }
        if let [b] = rest.remainder() {
            self.sum += u64::from(*b) << 8;
            self.odd = true;
        }
    }

    /// The sum folded to 16 bits.
    pub fn fold(self) -> u16 {
        let mut s = self.sum;
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        s as u16
    }

    /// The checksum to store: the complement of the sum; zero, which UDP
    /// reads as "no checksum", is sent as 0xffff (the same in ones'
    /// complement).
    pub fn checksum(self) -> u16 {
        match !self.fold() {
            0 => 0xffff,
            c => c,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071's reference: 16-bit words, end-around carry.
    fn reference(bytes: &[u8]) -> u16 {
        let mut s: u32 = 0;
        for w in bytes.chunks(2) {
            let v = if w.len() == 2 {
                u16::from_be_bytes([w[0], w[1]])
            } else {
                u16::from(w[0]) << 8
            };
            s += u32::from(v);
            s = (s & 0xffff) + (s >> 16);
        }
        s as u16
    }

    #[test]
    fn pieces_of_any_length_sum_as_the_whole() {
        let data: Vec<u8> = (0..1500u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let want = reference(&data);
        for cuts in [vec![], vec![1], vec![7, 8, 9], vec![3, 500, 501, 1499]] {
            let mut s = OnesSum::default();
            let mut from = 0;
            for &c in cuts.iter().chain(std::iter::once(&data.len())) {
                s.add(&data[from..c]);
                from = c;
            }
            assert_eq!(s.fold(), want, "cut at {cuts:?}");
        }
    }

    #[test]
    fn a_udp_checksum_of_zero_is_sent_as_all_ones() {
        let mut s = OnesSum::default();
        s.add(&[0xff, 0xff]);
        assert_eq!(s.checksum(), 0xffff);
        let mut s = OnesSum::default();
        s.add(&[0x12, 0x34]);
        assert_eq!(s.checksum(), !0x1234);
    }
}
