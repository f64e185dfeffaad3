// Embed the folder of libIREECompiler.so as run path of this crate's test binaries and of the
// extension `maturin develop` installs. A wheel (`SCALIFY_WHEEL=1`, scripts/wheel) gets none: its
// auditwheel repair points the extension at the copy of the library inside the wheel.
fn main() {
    println!("cargo:rerun-if-env-changed=SCALIFY_WHEEL");
    if std::env::var_os("SCALIFY_WHEEL").is_some() {
        return;
    }
    let libdir = std::env::var("DEP_SCALIFY_MLIR_LIBDIR").expect("scalify-mlir-link sets the library folder");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
}
