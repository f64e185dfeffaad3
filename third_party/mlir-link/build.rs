//! Finds the folder that holds libIREECompiler.so (and the libMLIR*.so links to it) and hands it to
//! dependents as `DEP_SCALIFY_MLIR_LIBDIR`, so each final binary can embed it as its run path.

use std::{env, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SCALIFY_MLIR_LIBDIR");
    println!("cargo:rerun-if-env-changed=MLIR_SYS_220_PREFIX");
    let libdir = match env::var_os("SCALIFY_MLIR_LIBDIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let prefix = env::var_os("MLIR_SYS_220_PREFIX")
                .map(PathBuf::from)
                .expect("MLIR_SYS_220_PREFIX is unset: build from the workspace (.cargo/config.toml sets it)");
            prefix.join("lib")
        }
    };
    let library = libdir.join("libIREECompiler.so");
    if !library.exists() {
        panic!(
            "{} does not exist: run scripts/setup first (it links libIREECompiler.so from the venv)",
            library.display()
        );
    }
    let libdir = libdir.canonicalize().expect("library folder is readable");
    println!("cargo:rerun-if-changed={}", library.display());
    println!("cargo:rustc-link-search=native={}", libdir.display());
    println!("cargo:rustc-link-lib=dylib=IREECompiler");
    println!("cargo:libdir={}", libdir.display());
}
