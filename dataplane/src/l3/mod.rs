//! Layer 3: IPv4 longest-prefix match so far. Routing frames through SVIs,
//! ARP and ICMP errors are to come.

pub mod lpm;
