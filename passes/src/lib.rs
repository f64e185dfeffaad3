//! Named passes and the pipeline that runs them. MLIR's own passes (inline, canonicalize, cse,
//! symbol-dce, chlo-legalize-to-stablehlo) run through MLIR's pass manager.

pub mod pipeline;
pub mod scalify;
pub mod strip_markers;

pub use pipeline::{PASS_FLAGS, Pipeline, RunOptions, scalify_pipeline};
