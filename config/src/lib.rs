//! The LiSA-DP switch configuration: one validated model (`model`), its IOS
//! text form (`render`, and `apply` for reading it back), and the command
//! trees that both `lisad` and `swcli` parse with (`grammar`, `commands`).
//! No DPDK here: the CLI links it too.
#![forbid(unsafe_code)]

pub mod apply;
pub mod commands;
pub mod grammar;
pub mod model;
pub mod render;
pub mod secret;

pub use apply::{apply_line, apply_text, resolve_interface, svi_id, ApplyError, Mode, TextError};
pub use model::{
    mask_len, Config, InterfaceConfig, IpPrefix, IpRoute, StaticMac, SviConfig, SwitchportMode,
    ValidationError, VlanConfig,
};
pub use render::render;
