//! Glue to the native MLIR library: libIREECompiler.so from `iree-base-compiler==3.10.0`.
//!
//! The library implements the upstream MLIR C API (bound by `mlir-sys`) plus IREE's own entry points,
//! declared here. Two of them matter to this project: the process-wide initialisation, which must run
//! once before any dialect registry is filled, and the registration of StableHLO, CHLO, func and the
//! other dialects IREE bundles.

use std::ffi::{CStr, c_char};
use std::sync::Once;

use mlir_sys::{MlirDialectRegistry, MlirLocation, MlirOpPassManager, MlirOperation};

unsafe extern "C" {
    fn ireeCompilerGlobalInitialize();
    fn ireeCompilerRegisterDialects(registry: MlirDialectRegistry);
    fn ireeCompilerGetRevision() -> *const c_char;
    fn ireeCompilerGetAPIVersion() -> i32;
    // Upstream MLIR C API, exported by the library but newer than mlir-sys 220's bindings.
    fn mlirOperationSetLocation(op: MlirOperation, location: MlirLocation);
    // src/stablehlo_passes.cpp.
    fn scalifyAddStablehloDeserializePipeline(pass_manager: MlirOpPassManager);
    // src/shardy_syntax.cpp.
    fn scalifyRegisterShardySyntax(registry: MlirDialectRegistry);
}

static GLOBAL_INIT: Once = Once::new();

/// Runs IREE's process-wide initialisation exactly once, whichever thread or context gets here first.
/// Registering dialects before it aborts the process, so every entry point below calls this first.
pub fn ensure_initialized() {
    GLOBAL_INIT.call_once(|| unsafe { ireeCompilerGlobalInitialize() });
}

/// Adds every dialect the library bundles (stablehlo, chlo, vhlo, func, arith, tensor, ...) to `registry`,
/// and `sdy` as far as its syntax goes (`src/shardy_syntax.cpp`): Shardy's ops and attributes read and
/// printed in the custom form jax writes, held as unregistered operations and opaque attributes.
pub fn register_dialects(registry: MlirDialectRegistry) {
    ensure_initialized();
    unsafe {
        ireeCompilerRegisterDialects(registry);
        scalifyRegisterShardySyntax(registry);
    }
}

/// The library's source revision as it reports it (empty when the build did not record one).
pub fn revision() -> String {
    ensure_initialized();
    let raw = unsafe { ireeCompilerGetRevision() };
    if raw.is_null() {
        return String::new();
    }
    unsafe { CStr::from_ptr(raw) }.to_string_lossy().into_owned()
}

/// IREE compiler API version, as (major, minor).
pub fn api_version() -> (u16, u16) {
    let packed = unsafe { ireeCompilerGetAPIVersion() } as u32;
    ((packed >> 16) as u16, (packed & 0xffff) as u16)
}

/// Replaces an operation's location (`mlirOperationSetLocation`).
///
/// # Safety
/// `op` and `location` must be live objects of the same context.
pub unsafe fn set_operation_location(op: MlirOperation, location: MlirLocation) {
    unsafe { mlirOperationSetLocation(op, location) }
}

/// Adds StableHLO's deserialization pipeline (VHLO at any supported version to StableHLO: what reading
/// a `jax.export` portable artifact takes) to a module-level pass manager.
///
/// # Safety
/// `pass_manager` must be a live pass manager anchored on `builtin.module`.
pub unsafe fn add_stablehlo_deserialize_pipeline(pass_manager: MlirOpPassManager) {
    ensure_initialized();
    unsafe { scalifyAddStablehloDeserializePipeline(pass_manager) }
}
