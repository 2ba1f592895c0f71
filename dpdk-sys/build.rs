//! Finds the system DPDK with pkg-config, generates bindings with bindgen and
//! compiles the C shim that makes DPDK's `static inline` fast path callable.

use std::path::PathBuf;

const MIN_DPDK: &str = "22.11";

fn main() {
    println!("cargo:rerun-if-changed=csrc/wrapper.h");
    println!("cargo:rerun-if-changed=csrc/shim.c");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");

    let dpdk = match pkg_config::Config::new()
        .atleast_version(MIN_DPDK)
        .probe("libdpdk")
    {
        Ok(lib) => lib,
        Err(err) => {
            eprintln!(
                "\nerror: DPDK >= {MIN_DPDK} was not found by `pkg-config libdpdk`.\n\
                 On Debian/Ubuntu install it with:  apt-get install dpdk dpdk-dev libdpdk-dev pkg-config\n\
                 (or point PKG_CONFIG_PATH at the directory holding libdpdk.pc).\n\
                 pkg-config said: {}\n",
                err.to_string().lines().next().unwrap_or("")
            );
            std::process::exit(1);
        }
    };

    // Everything pkg-config puts in CFLAGS besides include paths (`-include
    // rte_config.h`, `-march=...`) matters for struct layouts, so keep it all.
    let mut clang_args: Vec<String> = dpdk
        .include_paths
        .iter()
        .map(|p| format!("-I{}", p.display()))
        .collect();
    clang_args.extend(extra_cflags());

    let bindings = bindgen::Builder::default()
        .header("csrc/wrapper.h")
        .clang_args(&clang_args)
        .allowlist_function("rte_.*|lisa_.*")
        .allowlist_type("rte_.*")
        .allowlist_var("RTE_.*")
        .blocklist_function("rte_.*_v[0-9]+")
        .derive_default(true)
        .derive_debug(false)
        .opaque_type("rte_l2tpv2_.*|rte_gtp_.*|rte_flow_item_gtp.*|rte_flow_item_l2tpv2.*")
        .layout_tests(false)
        .generate_comments(false)
        .prepend_enum_name(false)
        .generate()
        .unwrap_or_else(|e| {
            eprintln!("error: bindgen failed on DPDK headers ({e}); is libclang installed? apt-get install clang libclang-dev");
            std::process::exit(1);
        });
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    bindings
        .write_to_file(out.join("bindings.rs"))
        .expect("write bindings.rs");

    let mut shim = cc::Build::new();
    shim.file("csrc/shim.c").opt_level(3).warnings(false);
    for p in &dpdk.include_paths {
        shim.include(p);
    }
    for f in extra_cflags() {
        shim.flag(&f);
    }
    shim.compile("lisa_dpdk_shim");
    // The shim's vhost-user bursts ask the vhost PMD for a port's device
    // id (rte_eth_vhost_get_vid_from_port_id), which pkg-config's list of
    // libraries leaves out (DPDK loads its drivers as plugins).
    println!("cargo:rustc-link-lib=rte_net_vhost");
}

/// The non-include flags of `pkg-config --cflags libdpdk` (`-include
/// rte_config.h`, `-march=...`), which change struct layouts and code paths.
fn extra_cflags() -> Vec<String> {
    let out = std::process::Command::new("pkg-config")
        .args(["--cflags", "libdpdk"])
        .output()
        .expect("run pkg-config");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut flags = Vec::new();
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        if w == "-include" {
            if let Some(h) = words.next() {
                flags.push("-include".to_string());
                flags.push(h.to_string());
            }
        } else if w.starts_with("-march") || w.starts_with("-D") || w.starts_with("-m") {
            flags.push(w.to_string());
        }
    }
    flags
}
