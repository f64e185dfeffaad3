// Embed the folder of libIREECompiler.so as run path of this crate's test binaries.
fn main() {
    let libdir = std::env::var("DEP_SCALIFY_MLIR_LIBDIR").expect("scalify-mlir-link sets the library folder");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{libdir}");
}
