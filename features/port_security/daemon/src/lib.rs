//! Feature `port_security` in lisad (to be written).
#![forbid(unsafe_code)]
