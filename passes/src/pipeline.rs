//! A pass pipeline in mlir-opt's textual form, built from `--pass-pipeline` or per-pass flags, checked
//! against MLIR's pass registry before any input is read, and run with verification after each pass.

use melior::ir::Module;
use melior::pass::{PassIrPrintingOptions, PassManager};
use scalify_dialect::melior;
use scalify_dialect::{MlirError, ScalifyContext, io};

use crate::scalify::{self, Options, Report};

/// The passes `scalify-opt` offers as flags of their own, in the form they take inside
/// `builtin.module(...)`. Passes anchored on functions are nested here so a flag never fails to schedule.
pub const PASS_FLAGS: &[(&str, &str, &str)] = &[
    // (flag, pipeline element, summary)
    ("inline", "inline", "Inline function calls"),
    ("canonicalize", "canonicalize", "Canonicalize operations"),
    ("cse", "cse", "Eliminate common sub-expressions"),
    ("symbol-dce", "symbol-dce", "Eliminate dead symbols"),
    (
        "scalify-inline",
        "scalify-inline",
        "Inline calls of single-block functions in linear time, then drop dead private ones",
    ),
    (
        "scalify-strip-markers",
        "scalify-strip-markers",
        "Remove scalify's marker custom calls (identities), so a marked program runs without scalify",
    ),
    (
        "chlo-legalize-to-stablehlo",
        "func.func(chlo-legalize-to-stablehlo)",
        "Legalize CHLO ops (erf, square, ...) to StableHLO",
    ),
];

/// The project's own pass, run by this crate rather than MLIR's pass manager: `scalify{options}`.
const SCALIFY: &str = "scalify";

/// What `--scalify=OPTIONS` expands to: calls inlined first (by the linear-time `scalify-inline`); CHLO legalized after, because scalify
/// rules erf and friends as whole functions (legalized, they are polynomials whose static scales
/// compound term by term); clean-up last.
pub fn scalify_pipeline(options: &str) -> Vec<String> {
    vec![
        INLINE.to_string(),
        format!("{SCALIFY}{{{options}}}"),
        "func.func(chlo-legalize-to-stablehlo)".to_string(),
        "canonicalize".to_string(),
        "cse".to_string(),
    ]
}

/// Splits `a,b{x=1,y},c(d,e)` at the commas outside brackets and quotes.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '{' | '[' if !quoted => depth += 1,
            ')' | '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last.to_string());
    }
    parts
}

/// The options of a `scalify` element, if it is one.
fn scalify_options(element: &str) -> Option<&str> {
    let rest = element.strip_prefix(SCALIFY)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('{')?.strip_suffix('}')
}

/// The marker-stripping pass, also run by this crate.
const STRIP_MARKERS: &str = "scalify-strip-markers";
/// The linear-time inliner, also run by this crate.
const INLINE: &str = "scalify-inline";

/// A run of consecutive MLIR passes, or one of the project's own passes.
enum Stage<'p> {
    Mlir(Vec<&'p str>),
    Scalify(Options),
    StripMarkers,
    Inline,
}

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
        let inner = text.strip_prefix("builtin.module(").and_then(|rest| rest.strip_suffix(')')).ok_or_else(|| {
            MlirError::new(
                format!("invalid pass pipeline '{text}': it must be anchored on the module, as 'builtin.module(...)'"),
                Vec::new(),
            )
        })?;
        let pipeline = Self { elements: split_top_level(inner) };
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

    fn stages(&self) -> Result<Vec<Stage<'_>>, MlirError> {
        let mut stages = Vec::new();
        for element in &self.elements {
            if element == STRIP_MARKERS {
                stages.push(Stage::StripMarkers);
                continue;
            }
            if element == INLINE {
                stages.push(Stage::Inline);
                continue;
            }
            if let Some(options) = scalify_options(element) {
                let options = Options::parse(options)
                    .map_err(|e| MlirError::new(format!("invalid options of '{element}': {e}"), Vec::new()))?;
                stages.push(Stage::Scalify(options));
                continue;
            }
            match stages.last_mut() {
                Some(Stage::Mlir(run)) => run.push(element),
                _ => stages.push(Stage::Mlir(vec![element])),
            }
        }
        Ok(stages)
    }

    fn pass_manager<'c>(context: &'c ScalifyContext, elements: &[&str]) -> Result<PassManager<'c>, MlirError> {
        let manager = PassManager::new(context.mlir());
        let text = format!("builtin.module({})", elements.join(","));
        melior::utility::parse_pass_pipeline(manager.as_operation_pass_manager(), &text).map_err(|error| {
            let message = match error {
                melior::Error::ParsePassPipeline(message) => message.trim_end().to_string(),
                other => other.to_string(),
            };
            MlirError::new(format!("invalid pass pipeline '{text}': {message}"), Vec::new())
        })?;
        Ok(manager)
    }

    /// Checks every pass name and option (MLIR's registry, scalify's options) without running anything.
    pub fn check(&self, context: &ScalifyContext) -> Result<(), MlirError> {
        for stage in self.stages()? {
            if let Stage::Mlir(elements) = stage {
                Self::pass_manager(context, &elements)?;
            }
        }
        Ok(())
    }

    /// Runs the pipeline; returns what scalify reported, if it ran.
    pub fn run(
        &self,
        context: &ScalifyContext,
        module: &mut Module,
        options: RunOptions,
    ) -> Result<Option<Report>, MlirError> {
        let mut report = None;
        for stage in self.stages()? {
            match stage {
                Stage::Mlir(elements) => Self::run_mlir(context, module, &elements, options)?,
                Stage::Inline => {
                    crate::inline_calls::inline_calls(module);
                    if options.print_ir_after_all {
                        dump(module, "After", "Inline");
                    }
                }
                Stage::StripMarkers => {
                    crate::strip_markers::strip_markers(module);
                    if options.print_ir_after_all {
                        dump(module, "After", "StripMarkers");
                    }
                }
                Stage::Scalify(scalify_options) => {
                    if options.print_ir_before_all {
                        dump(module, "Before", "Scalify");
                    }
                    let result = scalify::scalify(context, module, &scalify_options)?;
                    if !options.skip_verify_each {
                        io::verify(context, module).map_err(|e| {
                            MlirError::new(
                                format!("scalify produced a module that does not verify: {}", e.summary),
                                e.diagnostics,
                            )
                        })?;
                    }
                    if options.print_ir_after_all {
                        dump(module, "After", "Scalify");
                    }
                    report = Some(result);
                }
            }
        }
        Ok(report)
    }

    fn run_mlir(
        context: &ScalifyContext,
        module: &mut Module,
        elements: &[&str],
        options: RunOptions,
    ) -> Result<(), MlirError> {
        let manager = Self::pass_manager(context, elements)?;
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
                format!("pass pipeline 'builtin.module({})' failed", elements.join(",")),
                context.take_diagnostics(),
            )
        })
    }
}

/// The module on stderr, headed like MLIR's own IR printing.
fn dump(module: &Module, when: &str, pass: &str) {
    eprintln!("// -----// IR Dump {when} {pass} (scalify) //----- //");
    eprintln!("{}", module.as_operation());
}
