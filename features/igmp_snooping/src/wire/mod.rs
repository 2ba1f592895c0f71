//! IGMP messages (RFC 1112, 2236, 3376) inside their IPv4 packet, smoltcp
//! style: checked views, `Repr` with parse and emit.
