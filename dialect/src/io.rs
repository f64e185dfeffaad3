//! Reading and writing modules: MLIR's own parser (pretty text, generic text and bytecode alike) and
//! printer. Nothing here looks at the text itself.

use std::path::Path;

use melior::ir::Module;
use melior::ir::operation::{OperationLike, OperationPrintingFlags};
use mlir_sys::{MlirStringRef, mlirModuleCreateParse, mlirModuleCreateParseFromFile};

use crate::context::ScalifyContext;
use crate::diagnostics::MlirError;

/// How a module is written out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Emit {
    #[default]
    Pretty,
    Generic,
    Bytecode,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct PrintOptions {
    pub emit: Emit,
    /// Print locations (`loc(...)`) as mlir-opt's `--mlir-print-debuginfo` does.
    pub debug_info: bool,
}

fn string_ref(bytes: &[u8]) -> MlirStringRef {
    MlirStringRef { data: bytes.as_ptr().cast(), length: bytes.len() }
}

/// Parses a module held in memory (text or bytecode). Locations carry an empty file name, which
/// diagnostics render as the caller's `source_name` (mlir-opt says `<stdin>`).
pub fn parse_bytes<'c>(context: &'c ScalifyContext, bytes: &[u8]) -> Result<Module<'c>, MlirError> {
    context.take_diagnostics();
    let raw = unsafe { mlirModuleCreateParse(context.mlir().to_raw(), string_ref(bytes)) };
    finish_parse(context, raw)
}

/// Parses a module from a file, so locations name the file the way mlir-opt records them.
pub fn parse_file<'c>(context: &'c ScalifyContext, path: &Path) -> Result<Module<'c>, MlirError> {
    let name = path.to_string_lossy();
    context.take_diagnostics();
    let raw = unsafe { mlirModuleCreateParseFromFile(context.mlir().to_raw(), string_ref(name.as_bytes())) };
    finish_parse(context, raw)
}

fn finish_parse<'c>(context: &'c ScalifyContext, raw: mlir_sys::MlirModule) -> Result<Module<'c>, MlirError> {
    let diagnostics = context.take_diagnostics();
    if raw.ptr.is_null() {
        return Err(MlirError::new("could not parse the input", diagnostics));
    }
    Ok(unsafe { Module::from_raw(raw) })
}

/// Runs MLIR's verifier over the whole module.
pub fn verify(context: &ScalifyContext, module: &Module) -> Result<(), MlirError> {
    context.take_diagnostics();
    if module.as_operation().verify() {
        Ok(())
    } else {
        Err(MlirError::new("the module does not verify", context.take_diagnostics()))
    }
}

pub fn print(module: &Module, options: PrintOptions) -> Result<Vec<u8>, MlirError> {
    let operation = module.as_operation();
    if options.emit == Emit::Bytecode {
        return Ok(operation.write_bytecode());
    }
    let mut flags = OperationPrintingFlags::new();
    if options.debug_info {
        flags = flags.enable_debug_info(true, false);
    }
    if options.emit == Emit::Generic {
        flags = flags.print_generic_operation_form();
    }
    let text = operation
        .to_string_with_flags(flags)
        .map_err(|error| MlirError::new(format!("could not print the module: {error}"), Vec::new()))?;
    Ok(text.into_bytes())
}
