//! The LiSA-DP gRPC API (`lisa.v1`), generated from `lisa/v1/lisa.proto`.
#![allow(clippy::all, missing_docs)]

/// Package `lisa.v1`.
pub mod v1 {
    tonic::include_proto!("lisa.v1");
}

/// The encoded `FileDescriptorSet` of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("lisa_descriptor");
