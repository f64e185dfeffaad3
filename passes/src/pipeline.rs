//! A pass pipeline in mlir-opt's textual form, built from `--pass-pipeline` or per-pass flags, checked
//! against MLIR's pass registry before any input is read, and run with verification after each pass.

use melior::ir::Module;
use melior::pass::{PassIrPrintingOptions, PassManager};
use scalify_dialect::melior;
use scalify_dialect::{MlirError, ScalifyContext};

/// The passes `scalify-opt` offers as flags of their own, in the form they take inside
/// `builtin.module(...)`. Passes anchored on functions are nested here so a flag never fails to schedule.
pub const PASS_FLAGS: &[(&str, &str, &str)] = &[
    // (flag, pipeline element, summary)
    ("inline", "inline", "Inline function calls"),
    ("canonicalize", "canonicalize", "Canonicalize operations"),
    ("cse", "cse", "Eliminate common sub-expressions"),
    ("symbol-dce", "symbol-dce", "Eliminate dead symbols"),
    (
        "chlo-legalize-to-stablehlo",
        "func.func(chlo-legalize-to-stablehlo)",
        "Legalize CHLO ops (erf, square, ...) to StableHLO",
    ),
];

/// An ordered list of pipeline elements run on the top-level `builtin.module`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipeline {
    elements: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Print the module after every pass to stderr (`--mlir-print-ir-after-all`).
    pub print_ir_after_all: bool,
    /// Print the module before every pass to stderr (`--mlir-print-ir-before-all`).
    pub print_ir_before_all: bool,
    /// Skip the verifier between passes (`--verify-each=false`); the output is verified regardless.
    pub skip_verify_each: bool,
}

impl Pipeline {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `builtin.module(a,b,c)` (mlir-opt's `--pass-pipeline` syntax).
    pub fn parse(context: &ScalifyContext, text: &str) -> Result<Self, MlirError> {
        let text = text.trim();
        let inner = text
            .strip_prefix("builtin.module(")
            .and_then(|rest| rest.strip_suffix(')'))
            .ok_or_else(|| {
                MlirError::new(
                    format!("invalid pass pipeline '{text}': it must be anchored on the module, as 'builtin.module(...)'"),
                    Vec::new(),
                )
            })?;
        let pipeline = Self {
            elements: if inner.trim().is_empty() {
                Vec::new()
            } else {
                vec![inner.to_string()]
            },
        };
        pipeline.check(context)?;
        Ok(pipeline)
    }

    /// Appends one element (`cse`, `func.func(canonicalize)`, `inline{max-iterations=2}`, ...).
    pub fn push(&mut self, element: impl Into<String>) -> &mut Self {
        self.elements.push(element.into());
        self
    }

    pub fn extend(&mut self, other: &Pipeline) -> &mut Self {
        self.elements.extend(other.elements.iter().cloned());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The textual form, as `--pass-pipeline` takes it.
    pub fn to_text(&self) -> String {
        format!("builtin.module({})", self.elements.join(","))
    }

    fn pass_manager<'c>(&self, context: &'c ScalifyContext) -> Result<PassManager<'c>, MlirError> {
        let manager = PassManager::new(context.mlir());
        let text = self.to_text();
        melior::utility::parse_pass_pipeline(manager.as_operation_pass_manager(), &text).map_err(
            |error| {
                let message = match error {
                    melior::Error::ParsePassPipeline(message) => message.trim_end().to_string(),
                    other => other.to_string(),
                };
                MlirError::new(
                    format!("invalid pass pipeline '{text}': {message}"),
                    Vec::new(),
                )
            },
        )?;
        Ok(manager)
    }

    /// Checks every pass name and option against MLIR's registry without running anything.
    pub fn check(&self, context: &ScalifyContext) -> Result<(), MlirError> {
        self.pass_manager(context).map(drop)
    }

    pub fn run(
        &self,
        context: &ScalifyContext,
        module: &mut Module,
        options: RunOptions,
    ) -> Result<(), MlirError> {
        if self.is_empty() {
            return Ok(());
        }
        let manager = self.pass_manager(context)?;
        manager.enable_verifier(!options.skip_verify_each);
        if options.print_ir_after_all || options.print_ir_before_all {
            manager.enable_ir_printing(&PassIrPrintingOptions {
                before_all: options.print_ir_before_all,
                after_all: options.print_ir_after_all,
                module_scope: true,
                on_change: false,
                on_failure: false,
                flags: melior::ir::operation::OperationPrintingFlags::new(),
                tree_printing_path: Default::default(),
            });
        }
        context.take_diagnostics();
        manager.run(module).map_err(|_| {
            MlirError::new(
                format!("pass pipeline '{}' failed", self.to_text()),
                context.take_diagnostics(),
            )
        })
    }
}
