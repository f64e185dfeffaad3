//! The MLIR context of the project: StableHLO, CHLO, func and the rest of IREE's dialects registered,
//! the upstream transform passes registered by name, and every diagnostic captured for reporting.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};

use melior::Context;
use melior::dialect::DialectRegistry;
use mlir_sys::{
    MlirDiagnostic, MlirDiagnosticHandlerID, MlirLogicalResult, mlirContextAttachDiagnosticHandler,
    mlirContextDetachDiagnosticHandler,
};

use crate::diagnostics::Diagnostic;

static REGISTER_PASSES: Once = Once::new();

/// An MLIR context that records the diagnostics MLIR emits instead of printing them.
pub struct ScalifyContext {
    context: Context,
    captured: Rc<RefCell<Vec<Diagnostic>>>,
    handler: MlirDiagnosticHandlerID,
}

type Sink = Rc<RefCell<Vec<Diagnostic>>>;

/// The diagnostic handler: records the diagnostic and reports it handled, so MLIR does not print it
/// to stderr as well. Nothing may unwind into MLIR's C++ frames, so a panic is caught here and the
/// diagnostic left to MLIR's default printing instead.
unsafe extern "C" fn capture(raw: MlirDiagnostic, sink: *mut c_void) -> MlirLogicalResult {
    let recorded = catch_unwind(AssertUnwindSafe(|| {
        let diagnostic = unsafe { Diagnostic::from_raw(raw) };
        unsafe { &*sink.cast::<Sink>() }.borrow_mut().push(diagnostic);
    }));
    MlirLogicalResult { value: if recorded.is_ok() { 1 } else { 0 } }
}

unsafe extern "C" fn release(sink: *mut c_void) {
    drop(unsafe { Box::from_raw(sink.cast::<Sink>()) });
}

impl ScalifyContext {
    /// A single-threaded context (the pass pipeline runs function by function; threads buy nothing on
    /// the modules this project sees and make diagnostics arrive out of order).
    pub fn new() -> Self {
        scalify_mlir_link::ensure_initialized();
        REGISTER_PASSES.call_once(|| unsafe { mlir_sys::mlirRegisterTransformsPasses() });
        let registry = DialectRegistry::new();
        scalify_mlir_link::register_dialects(registry.to_raw());
        let context = Context::new_with_registry(&registry, false);
        for dialect in ["func", "stablehlo", "chlo"] {
            context.get_or_load_dialect(dialect);
        }
        // Shardy's `sdy` is not in the library: `register_dialects` adds its syntax, and its ops and
        // attributes are held as unregistered ones (`io::check_dialects` refuses every other unknown dialect).
        context.set_allow_unregistered_dialects(true);
        let captured = Rc::new(RefCell::new(Vec::new()));
        let sink = Box::into_raw(Box::new(Rc::clone(&captured)));
        let handler =
            unsafe { mlirContextAttachDiagnosticHandler(context.to_raw(), Some(capture), sink.cast(), Some(release)) };
        Self { context, captured, handler }
    }

    pub fn mlir(&self) -> &Context {
        &self.context
    }

    /// Every diagnostic emitted since the last call, oldest first.
    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.captured.borrow_mut())
    }

    /// Whether an operation name (e.g. `stablehlo.add`) is known to this context.
    pub fn is_registered_operation(&self, name: &str) -> bool {
        self.context.is_registered_operation(name)
    }
}

impl Default for ScalifyContext {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ScalifyContext {
    fn drop(&mut self) {
        unsafe { mlirContextDetachDiagnosticHandler(self.context.to_raw(), self.handler) };
    }
}

/// The linked MLIR library, as it reports itself.
pub fn library_version() -> String {
    let (major, minor) = scalify_mlir_link::api_version();
    let revision = scalify_mlir_link::revision();
    let revision = if revision.is_empty() { "unknown revision".to_string() } else { revision };
    format!("libIREECompiler.so (IREE compiler API {major}.{minor}, revision {revision})")
}

unsafe extern "C" {
    // LLVM's C API (llvm-c/ErrorHandling.h), exported by the library.
    fn LLVMInstallFatalErrorHandler(handler: Option<unsafe extern "C" fn(*const std::ffi::c_char)>);
}

static FATAL_SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Prints LLVM's reason as a diagnostic on the input and exits 1. LLVM would abort right after a
/// handler that returns, so this one does not return.
unsafe extern "C" fn exit_on_fatal_error(reason: *const std::ffi::c_char) {
    let reason = if reason.is_null() {
        String::new()
    } else {
        unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy().into_owned()
    };
    let source = FATAL_SOURCE.get().map(String::as_str).unwrap_or("scalify");
    eprintln!("{source}: error: MLIR stopped on this input with a fatal error: {reason}");
    std::process::exit(1);
}

/// For command-line tools: an LLVM fatal error (the linked StableHLO parser meets some malformed input
/// with one, e.g. a convolution dimension index of 2^35) becomes `source: error: ...` and exit code 1
/// instead of SIGABRT. Not for in-process use (Python): it ends the process.
pub fn exit_on_fatal_errors(source: &str) {
    let _ = FATAL_SOURCE.set(source.to_string());
    scalify_mlir_link::ensure_initialized();
    unsafe { LLVMInstallFatalErrorHandler(Some(exit_on_fatal_error)) };
}
