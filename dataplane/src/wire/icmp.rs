//! ICMPv4 (RFC 792): the messages a router sends.

use super::ipv4::checksum;

/// Echo reply.
pub const ECHO_REPLY: u8 = 0;
/// Destination unreachable.
pub const DEST_UNREACHABLE: u8 = 3;
/// Echo request.
pub const ECHO_REQUEST: u8 = 8;
/// Time exceeded.
pub const TIME_EXCEEDED: u8 = 11;

/// Destination unreachable codes.
pub mod unreachable {
    /// Net unreachable (no route).
    pub const NET: u8 = 0;
    /// Host unreachable (no ARP answer).
    pub const HOST: u8 = 1;
    /// Fragmentation needed and DF set.
    pub const FRAG_NEEDED: u8 = 4;
}

/// Length of the ICMP header.
pub const ICMP_HEADER_LEN: usize = 8;

/// The echo reply to the echo request `req` (its ICMP message), or None if
/// `req` is not a well-formed echo request.
pub fn echo_reply(req: &[u8]) -> Option<Vec<u8>> {
    if req.len() < ICMP_HEADER_LEN || req[0] != ECHO_REQUEST || req[1] != 0 || checksum(req) != 0 {
        return None;
    }
    let mut r = req.to_vec();
    r[0] = ECHO_REPLY;
    r[2..4].fill(0);
    let c = checksum(&r);
    r[2..4].copy_from_slice(&c.to_be_bytes());
    Some(r)
}

/// An error message of `kind`/`code` about the IP packet `offending`
/// (quoting its header and first 8 payload bytes, as RFC 792 asks);
/// `extra` fills the 4 bytes after the checksum (the next-hop MTU for
/// "fragmentation needed").
pub fn error(kind: u8, code: u8, extra: u32, offending: &[u8], header_len: usize) -> Vec<u8> {
    let quote = offending.len().min(header_len + 8);
    let mut m = Vec::with_capacity(ICMP_HEADER_LEN + quote);
    m.extend([kind, code, 0, 0]);
    m.extend(extra.to_be_bytes());
    m.extend(&offending[..quote]);
    let c = checksum(&m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_reply_keeps_id_seq_and_data() {
        let mut req = vec![ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1, b'h', b'i'];
        let c = checksum(&req);
        req[2..4].copy_from_slice(&c.to_be_bytes());
        let r = echo_reply(&req).unwrap();
        assert_eq!(r[0], ECHO_REPLY);
        assert_eq!(&r[4..], &req[4..]);
        assert_eq!(checksum(&r), 0);
        req[9] ^= 1;
        assert!(echo_reply(&req).is_none(), "bad checksum");
    }

    #[test]
    fn error_quotes_header_and_8_bytes() {
        let pkt = [0x45u8; 60];
        let e = error(TIME_EXCEEDED, 0, 0, &pkt, 20);
        assert_eq!(e.len(), 8 + 28);
        assert_eq!(checksum(&e), 0);
    }
}
