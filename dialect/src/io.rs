//! Reading and writing modules: MLIR's own parser (pretty text, generic text and bytecode alike) and
//! printer. Nothing here looks at the text itself.

use std::path::Path;

use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationPrintingFlags};
use melior::ir::operation::{WalkOrder, WalkResult};
use melior::ir::{Module, OperationRef};
use melior::pass::PassManager;
use mlir_sys::{MlirStringRef, mlirModuleCreateParse, mlirModuleCreateParseFromFile};

use crate::context::ScalifyContext;
use crate::diagnostics::{Diagnostic, MlirError, SourceLocation};

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
    check_nesting(bytes, "")?;
    context.take_diagnostics();
    let raw = unsafe { mlirModuleCreateParse(context.mlir().to_raw(), string_ref(bytes)) };
    finish_parse(context, raw, bytes)
}

/// Parses a module from a file, so locations name the file the way mlir-opt records them.
pub fn parse_file<'c>(context: &'c ScalifyContext, path: &Path) -> Result<Module<'c>, MlirError> {
    let name = path.to_string_lossy();
    let bytes =
        std::fs::read(path).map_err(|e| MlirError::new(format!("could not open input file: {e}"), Vec::new()))?;
    check_nesting(&bytes, &name)?;
    context.take_diagnostics();
    let raw = unsafe { mlirModuleCreateParseFromFile(context.mlir().to_raw(), string_ref(name.as_bytes())) };
    finish_parse(context, raw, &bytes)
}

/// How deeply brackets may nest in text input. MLIR's parser, verifier and printer recurse once per
/// level, so a hostile depth (20,000 nested `tuple<`) would overflow the stack and abort the
/// process; real modules nest a few dozen levels.
pub const MAX_NESTING: usize = 1000;

/// The stack a thread that parses, transforms and prints modules should have: enough for
/// `MAX_NESTING` levels through every recursive walk (measured: 5,000 nested modules overflow 8 MiB).
pub const STACK_SIZE: usize = 256 << 20;

/// MLIR bytecode starts with this magic number; it is not scanned (its reader keeps explicit stacks).
const BYTECODE_MAGIC: &[u8] = b"ML\xefR";

/// Refuses text whose `(`, `[`, `{` or `<` nesting exceeds `MAX_NESTING`, naming where. Not a parser:
/// it skips string literals and `//` comments and does not count the `>` of `->`, which is all that
/// bracket depth needs.
fn check_nesting(bytes: &[u8], file: &str) -> Result<(), MlirError> {
    if bytes.starts_with(BYTECODE_MAGIC) {
        return Ok(());
    }
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        column += 1;
        match byte {
            b'\n' => (line, column) = (line + 1, 0),
            b'"' => {
                // A string literal: up to the next unescaped quote (or the end of the line, where MLIR's
                // lexer stops too).
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                    column += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' | b'<' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let location = SourceLocation { file: file.to_string(), line, column };
                    let message = format!("brackets nest deeper than {MAX_NESTING} levels");
                    return Err(MlirError::new(message.clone(), vec![Diagnostic::error(message).at(Some(location))]));
                }
            }
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b')' | b']' | b'}' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn finish_parse<'c>(
    context: &'c ScalifyContext,
    raw: mlir_sys::MlirModule,
    bytes: &[u8],
) -> Result<Module<'c>, MlirError> {
    let mut diagnostics = context.take_diagnostics();
    if raw.ptr.is_null() {
        if diagnostics.iter().any(|d| d.message.contains("custom op 'sdy.") && d.message.contains("is unknown")) {
            diagnostics.push(Diagnostic::note(
                "scalify reads the custom form of the `sdy` ops jax writes (mesh, sharding_constraint, \
                     reshard, manual_computation, sharding_group, return) and any `sdy` op in generic form: \
                     print the module with `lowered.compiler_ir().operation.get_asm(print_generic_op_form=True)`",
            ));
        }
        let newer = ["unknown StableHLO attribute", "unknown StableHLO type", "custom op 'stablehlo."];
        if diagnostics.iter().any(|d| newer.iter().any(|n| d.message.contains(n))) {
            diagnostics.push(Diagnostic::note(
                "the module may come from a newer StableHLO than the linked one (1.13, libIREECompiler \
                     3.10.0): jax >= 0.11 writes shard_map's collectives with replica_group_mesh_axes, which \
                     it cannot read; lower with `jax.config.update(\"jax_use_rgv3\", False)` for device-id \
                     groups (scalify.jit does this itself)",
            ));
        }
        if !bytes.starts_with(BYTECODE_MAGIC) && bytes.windows(BYTECODE_MAGIC.len()).any(|w| w == BYTECODE_MAGIC) {
            // MLIR bytecode inside other bytes: what `jax.export.Exported.serialize()` writes.
            diagnostics.push(Diagnostic::note(
                "this looks like `jax.export` serialized output (a flatbuffer around the module): pass \
                     `Exported.mlir_module_serialized`, or `jax.export.deserialize(data).mlir_module()`",
            ));
        }
        return Err(MlirError::new("could not parse the input", diagnostics));
    }
    let mut module = unsafe { Module::from_raw(raw) };
    check_dialects(context, &module)?;
    if is_portable_artifact(&module) {
        legalize_portable_artifact(context, &mut module)?;
    }
    Ok(module)
}

/// Dialects whose ops are read without being registered: Shardy's `sdy`, which the library lacks; its
/// syntax is registered (`scalify_mlir_link::register_dialects`), its ops stay unverified.
pub const UNREGISTERED_DIALECTS: &[&str] = &["sdy"];

/// The context allows unregistered dialects (for `sdy`'s attributes); any other unknown op is an error
/// here, as it would be without that allowance.
fn check_dialects(context: &ScalifyContext, module: &Module) -> Result<(), MlirError> {
    let mut ops = Vec::new();
    module.as_operation().walk(WalkOrder::PreOrder, |op| {
        ops.push(unsafe { OperationRef::from_raw(op.to_raw()) });
        WalkResult::Advance
    });
    for op in ops {
        let name = op.name().as_string_ref().as_str().map(str::to_string).unwrap_or_default();
        let dialect = name.split('.').next().unwrap_or("");
        if context.is_registered_operation(&name) || UNREGISTERED_DIALECTS.contains(&dialect) {
            continue;
        }
        let message = format!("unknown operation '{name}': dialect '{dialect}' is not one scalify reads");
        let location = SourceLocation::from_mlir(op.location());
        return Err(MlirError::new(message.clone(), vec![Diagnostic::error(message).at(location)]));
    }
    Ok(())
}

/// A portable artifact (`jax.export`'s `mlir_module_serialized`, `stablehlo.serialize_portable_artifact`)
/// holds VHLO, StableHLO's versioned form: its functions are `vhlo.func_v1`.
fn is_portable_artifact(module: &Module) -> bool {
    let mut next = module.body().first_operation();
    while let Some(op) = next {
        if op.name().as_string_ref().as_str().is_ok_and(|name| name.starts_with("vhlo.")) {
            return true;
        }
        next = op.next_in_block();
    }
    false
}

/// VHLO (any version the linked StableHLO reads) to StableHLO, as StableHLO's own deserializer does.
fn legalize_portable_artifact(context: &ScalifyContext, module: &mut Module) -> Result<(), MlirError> {
    let manager = PassManager::new(context.mlir());
    unsafe { scalify_mlir_link::add_stablehlo_deserialize_pipeline(manager.as_operation_pass_manager().to_raw()) };
    context.take_diagnostics();
    manager.run(module).map_err(|_| {
        MlirError::new(
            "could not read the portable artifact (VHLO): it may be newer than the linked StableHLO \
             (1.13, from libIREECompiler 3.10); export it with an older target or as text",
            context.take_diagnostics(),
        )
    })
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
