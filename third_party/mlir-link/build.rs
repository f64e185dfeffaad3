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
    compile_glue();
}

/// The C++ glue: passes the library exposes only through C++ (`src/stablehlo_passes.cpp`) and
/// Shardy's syntax (`src/shardy_syntax.cpp`), built
/// against the LLVM 22 headers mlir-sys uses and without RTTI, like the library.
fn compile_glue() {
    let llvm = env::var_os("TABLEGEN_220_PREFIX").map(PathBuf::from).unwrap_or_else(|| "/usr/lib/llvm-22".into());
    println!("cargo:rerun-if-changed=src/stablehlo_passes.cpp");
    println!("cargo:rerun-if-changed=src/shardy_syntax.cpp");
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .include(llvm.join("include"))
        .flag("-fno-rtti")
        .flag("-fno-exceptions")
        .flag("-Wno-unused-parameter")
        .file("src/stablehlo_passes.cpp")
        .file("src/shardy_syntax.cpp")
        .compile("scalify_mlir_glue");
}
