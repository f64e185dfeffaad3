//! Generates bindings for the PJRT C API from the header the plugin wheel ships
//! (`xla_plugins/xla_cpu_pjrt/include/pjrt_c_api.h`, linked by scripts/setup), so the binding always
//! matches the plugins of today rather than a header frozen in some crate.

use std::env;
use std::path::PathBuf;

fn main() {
    let workspace = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    println!("cargo:rerun-if-env-changed=SCALIFY_PJRT_INCLUDE");
    let include = env::var_os("SCALIFY_PJRT_INCLUDE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("third_party/pjrt/current/include"));
    let header = include.join("pjrt_c_api.h");
    if !header.exists() {
        panic!(
            "{} does not exist: run scripts/setup first (it links the header of the xla-cpu-pjrt wheel)",
            header.display()
        );
    }
    println!("cargo:rerun-if-changed={}", header.display());
    let bindings = bindgen::Builder::default()
        .header(header.to_string_lossy())
        .allowlist_type("PJRT_.*")
        .allowlist_var("PJRT_.*")
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .derive_default(true)
        .layout_tests(false)
        .generate()
        .expect("bindgen runs on pjrt_c_api.h");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("pjrt_c_api.rs");
    bindings.write_to_file(out).expect("bindings are written");
    // Where scripts/setup puts the CPU plugin, as the default for `Plugin::cpu()`.
    let plugins = workspace.join("third_party/pjrt/current");
    let plugins = plugins.canonicalize().unwrap_or(plugins);
    println!("cargo:rustc-env=SCALIFY_PJRT_DEFAULT_DIR={}", plugins.display());
}
