//! Feature `lacp` in `lisad` (to be written).
#![forbid(unsafe_code)]

pub mod agent;
