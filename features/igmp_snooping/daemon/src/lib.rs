//! Feature `igmp_snooping` in `lisad`: IGMP snooping. lisad lists it in
//! one line of `src/features.rs`, swcli in one of `cli/src/features.rs`.
#![forbid(unsafe_code)]

pub mod datapath;
pub mod snooper;
