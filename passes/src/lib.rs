//! Named passes and the pipeline that runs them. MLIR's own passes (inline, canonicalize, cse,
//! symbol-dce, chlo-legalize-to-stablehlo) run through MLIR's pass manager.

#![forbid(unsafe_code)]

pub mod inline_calls;
pub mod pipeline;
pub mod scalify;
pub mod strip_markers;

pub use pipeline::{PASS_FLAGS, Pipeline, RunOptions, scalify_pipeline};

use scalify_dialect::{MlirError, PrintOptions, ScalifyContext, io};

/// Parses `module` (text or bytecode), runs the `--scalify=options` pipeline, verifies and prints it:
/// the whole rewrite as one call, for tools, tests and benchmarks.
pub fn scalify_module_text(module: &[u8], options: &str) -> Result<(String, scalify::Report), MlirError> {
    let context = ScalifyContext::new();
    let mut parsed = io::parse_bytes(&context, module)?;
    let mut pipeline = Pipeline::new();
    for element in scalify_pipeline(options) {
        pipeline.push(element);
    }
    let report = pipeline.run(&context, &mut parsed, RunOptions::default())?.unwrap_or_default();
    io::verify(&context, &parsed)?;
    let text = io::print(&parsed, PrintOptions::default())?;
    Ok((String::from_utf8(text).expect("MLIR prints UTF-8"), report))
}
