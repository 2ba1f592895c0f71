//! Compiles every `lisa/v1/*.proto` (one file per feature service) with
//! tonic/prost, and writes the descriptor set that server reflection serves.

fn main() {
    println!("cargo:rerun-if-changed=lisa/v1");
    if std::env::var_os("PROTOC").is_none() && which("protoc").is_none() {
        eprintln!("\nerror: `protoc` was not found. Install it with:  apt-get install protobuf-compiler\n");
        std::process::exit(1);
    }
    let mut protos: Vec<std::path::PathBuf> = std::fs::read_dir("lisa/v1")
        .expect("lisa/v1")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    protos.sort();
    for p in &protos {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    // Type names (`prost::Name`) let a feature pack its typed config as a
    // `google.protobuf.Any` in `RunningConfig.features`.
    let mut config = prost_build::Config::new();
    config.enable_type_names();
    tonic_prost_build::configure()
        // Undecodable requests are INVALID_ARGUMENT (src/codec.rs).
        .codec_path("crate::codec::LisaCodec")
        .file_descriptor_set_path(out.join("lisa_descriptor.bin"))
        .compile_with_config(config, &protos, &[std::path::PathBuf::from(".")])
        .expect("compile lisa/v1/*.proto");
}

fn which(bin: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(bin))
            .find(|p| p.is_file())
    })
}
