//! Feature `port_security` (to be written).
#![forbid(unsafe_code)]
