//! Compiles `lisa/v1/*.proto` with tonic/prost, and writes the descriptor
//! set that server reflection serves.

fn main() {
    println!("cargo:rerun-if-changed=lisa/v1/lisa.proto");
    if std::env::var_os("PROTOC").is_none() && which("protoc").is_none() {
        eprintln!("\nerror: `protoc` was not found. Install it with:  apt-get install protobuf-compiler\n");
        std::process::exit(1);
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    tonic_prost_build::configure()
        .file_descriptor_set_path(out.join("lisa_descriptor.bin"))
        .compile_protos(&["lisa/v1/lisa.proto"], &["."])
        .expect("compile lisa.proto");
}

fn which(bin: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(bin))
            .find(|p| p.is_file())
    })
}
