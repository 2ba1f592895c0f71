//! The DPDK-free half of LiSA-DP's engine, which every feature plugs into
//! and which both `lisad` and `swcli` link:
//!
//! - `grammar`: command trees declared as data (keywords and named, typed
//!   arguments, help, and the handler a complete line runs); one walk serves
//!   parsing with abbreviations, `?` help, Tab completion and IOS errors.
//! - `config`: the configuration as a set of typed sections, one per
//!   feature.
//! - `registry`: what the features register (sections, modes, commands,
//!   validation rules, rendering, cascades), and the IOS text in and out.
//! - `exec`: EXEC commands (`show`, `clear`, ...): what swcli runs against
//!   lisad's API, declared by the features like their configuration.
//! - `commit`: the two-phase commit (validate, prepare on every feature,
//!   then apply on all or abort on all).
#![forbid(unsafe_code)]

pub mod args;
pub mod commit;
pub mod config;
pub mod exec;
pub mod grammar;
pub mod lenient;
pub mod mode;
pub mod per_port;
pub mod registry;
pub mod render;
pub mod text;

pub use args::Args;
pub use commit::{commit, Applier, CommitError, Prepared};
pub use config::{Config, Removed, Section};
pub use exec::{ExecCtx, ExecFuture, ExecHandler};
pub use grammar::{arg, kw, ArgKind, Node, ParseError};
pub use mode::Mode;
pub use registry::{
    ChangeValidator, ConfigCtx, ConfigHandler, Fields, Registry, TextHandler, Validator,
};
pub use render::Rendered;
pub use text::{ApplyError, TextError};
