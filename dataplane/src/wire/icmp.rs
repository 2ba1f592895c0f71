//! ICMPv4 (RFC 792): the messages a router sends.

use super::ipv4::checksum;

/// Echo reply.
pub const ECHO_REPLY: u8 = 0;
/// Destination unreachable.
pub const DEST_UNREACHABLE: u8 = 3;
/// Source quench (deprecated by RFC 6633, still reported by ping).
pub const SOURCE_QUENCH: u8 = 4;
/// Echo request.
pub const ECHO_REQUEST: u8 = 8;
/// Time exceeded.
pub const TIME_EXCEEDED: u8 = 11;
/// Parameter problem.
pub const PARAMETER_PROBLEM: u8 = 12;

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

/// An echo request of `ident` and `seq` with `data_len` bytes of data
/// (IOS's 0xABCD pattern), its checksum set.
pub fn echo_request(ident: u16, seq: u16, data_len: usize) -> Vec<u8> {
    let mut m = Vec::with_capacity(ICMP_HEADER_LEN + data_len);
    m.extend([ECHO_REQUEST, 0, 0, 0]);
    m.extend(ident.to_be_bytes());
    m.extend(seq.to_be_bytes());
    m.extend((0..data_len).map(|i| if i % 2 == 0 { 0xab } else { 0xcd }));
    let c = checksum(&m);
    m[2..4].copy_from_slice(&c.to_be_bytes());
    m
}

/// The identifier and sequence number of an echo request or reply `msg`
/// (its ICMP message, or at least its first 8 bytes, as an error quotes
/// it), or None if it is shorter than an ICMP header.
pub fn echo_ident_seq(msg: &[u8]) -> Option<(u16, u16)> {
    let h = msg.get(..ICMP_HEADER_LEN)?;
    Some((
        u16::from_be_bytes([h[4], h[5]]),
        u16::from_be_bytes([h[6], h[7]]),
    ))
}

/// True for the messages that quote the packet they are about after
/// their header: destination unreachable, source quench, time exceeded,
/// parameter problem.
pub fn is_error(kind: u8) -> bool {
    matches!(
        kind,
        DEST_UNREACHABLE | SOURCE_QUENCH | TIME_EXCEEDED | PARAMETER_PROBLEM
    )
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
    fn echo_request_is_well_formed_and_answered() {
        let req = echo_request(0x1234, 7, 72);
        assert_eq!(req.len(), 80);
        assert_eq!(checksum(&req), 0);
        assert_eq!(echo_ident_seq(&req), Some((0x1234, 7)));
        assert_eq!(&req[8..12], &[0xab, 0xcd, 0xab, 0xcd]);
        let reply = echo_reply(&req).expect("a valid request");
        assert_eq!(echo_ident_seq(&reply), Some((0x1234, 7)));
        assert_eq!(echo_ident_seq(&reply[..7]), None);
        assert!(is_error(TIME_EXCEEDED) && !is_error(ECHO_REPLY));
    }

    #[test]
    fn error_quotes_header_and_8_bytes() {
        let pkt = [0x45u8; 60];
        let e = error(TIME_EXCEEDED, 0, 0, &pkt, 20);
        assert_eq!(e.len(), 8 + 28);
        assert_eq!(checksum(&e), 0);
    }
}
