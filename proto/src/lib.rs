//! The LiSA-DP gRPC API (`lisa.v1`), generated from `lisa/v1/*.proto` (one file per feature service).
#![allow(clippy::all, missing_docs)]

/// Package `lisa.v1`.
pub mod v1 {
    tonic::include_proto!("lisa.v1");
}

pub mod codec;

/// Protobuf's well-known types (`Any` for `RunningConfig.features`).
pub use prost_types;

/// The encoded `FileDescriptorSet` of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("lisa_descriptor");

/// Connects a gRPC channel to lisad's control socket, a unix socket at
/// `path`. `endpoint` carries the caller's settings (time limits); its URI
/// is required by tonic but unused.
pub async fn connect_unix(
    endpoint: tonic::transport::Endpoint,
    path: &std::path::Path,
) -> Result<tonic::transport::Channel, tonic::transport::Error> {
    let path = path.to_path_buf();
    endpoint
        .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
            let path = path.clone();
            async move {
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                    tokio::net::UnixStream::connect(path).await?,
                ))
            }
        }))
        .await
}
