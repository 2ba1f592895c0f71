//! LiSA-DP control plane: the boot config, the control socket and the gRPC
//! services over the running dataplane.

pub mod atomic_file;
pub mod boot;
pub mod config_session;
pub mod events;
pub mod features;
pub mod grpc;
pub mod lines;
pub mod listen;
pub mod log_buffer;
pub mod metrics;
pub mod notify;
pub mod port_db;
pub mod rates;
pub mod running;
pub mod tcp_auth;
pub mod vhost_dir;
