//! The policy: everything the pass is asked to do, in one place, parsed from mlir-opt pass-option
//! syntax (`key=value key=value`, applied left to right, so options after a `preset=` override it).

use scalify_dialect::ElementType;

use super::pow2::Rounding;
use super::rewriter::Statistic;
use super::role::Role;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignatureMode {
    /// Arguments and results keep their types: inputs enter with scale 1, results are unscaled.
    #[default]
    Keep,
    /// Every float argument and result becomes a (data, scale) pair.
    Scaled,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MatmulType {
    /// dot_general and convolution compute in the data type.
    #[default]
    Data,
    /// Eligible dot_generals compute on FP8 operands (see `fp8.rs`).
    F8,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Element type of every scaled tensor's data, and of the data stored at a scaled signature.
    pub data_type: ElementType,
    /// Data type of ops by role (forward: activations; backward: gradients; optimizer: the update
    /// of parameters and optimizer state), where JAX's name stack tells the role; `data_type` if unset.
    pub forward_data_type: Option<ElementType>,
    pub backward_data_type: Option<ElementType>,
    pub optimizer_data_type: Option<ElementType>,
    /// Element type of optimizer state stored at a scaled signature (arguments no matmul reads, and
    /// the results that update them); `data_type` if unset. Parameters are stored in `data_type`.
    pub state_data_type: Option<ElementType>,
    pub rounding: Rounding,
    pub signature: SignatureMode,
    /// Report an op without a rule as an error instead of computing it unscaled.
    pub strict: bool,
    pub matmul_type: MatmulType,
    /// FP8 format of forward-pass matmul operands (weights, activations).
    pub fp8_forward: ElementType,
    /// FP8 format of the gradient operand of backward-pass matmuls.
    pub fp8_backward: ElementType,
    /// Result element type of an FP8 dot (f32, or bf16).
    pub fp8_output: ElementType,
    /// How an operand's scale is refreshed from its data right before the FP8 cast.
    pub rescale: Option<Statistic>,
    /// Dots below this many FLOPs stay in the data type.
    pub fp8_min_flops: u64,
    /// Each float input re-scaled from its own statistic on entry: parameters at 0.02 and optimizer
    /// state at 1e-8 then enter with unit data instead of with scale 1 (or a stale stored scale).
    pub rescale_inputs: Option<Statistic>,
    /// Each scaled result (`signature=scaled`) leaves with a scale from its own statistic, so state
    /// stored between steps returns to unit data every step instead of drifting with rounded
    /// constants (AdamW's b2 = 0.95 has scale 0.5 and doubles v's data each step).
    pub rescale_results: Option<Statistic>,
    /// An op whose results are of a float type narrower than its data type (a bf16 dot under
    /// `data-type=f32`) computes with data of that type: the user's own types are kept. (f64 ops keep
    /// f64 whatever this says: see `driver::rewrite_op`.)
    /// Unset: on when the data type is f32 (the rewrite is then a faithful check of the user's program).
    pub keep_types: Option<bool>,
    /// Where FP8 (and every other) scale comes from: `Dynamic`, run-time statistics as the rescale
    /// options say; `Static`, from propagation alone (no amax, no statistic of any kind);
    /// `Calibrated`, static except at the FP8 casts, whose scales are measured on a step and frozen.
    pub fp8_scales: Fp8Scales,
    /// Where the run-time statistics of the entry function's body come from (see `Statistics`).
    pub statistics: Statistics,
    /// With calibrated statistics (`calibrated()`): `None` measures (each statistic of `main`'s body
    /// computed as dynamic scaling does, the scale it gives returned in program order as one more
    /// result); `Some(exponents)` freezes them (the value the `i`-th statistic rescales takes the
    /// constant scale 2^exponents[i]: no reduction, and one more result, an overflow flag).
    pub calibration: Option<Vec<i32>>,
}

/// `statistics=`: each run-time statistic (the inputs', the range safeguards', the results', each
/// FP8 operand's max) computed on every step, or measured once and the scale it gives frozen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Statistics {
    #[default]
    Dynamic,
    /// Measured on a step, the scales they give frozen as constants (`calibration=`): the step then has no reduction
    /// for any statistic of its entry function's body, and its scale arithmetic folds at compile
    /// time, as static scales do; an overflow flag is returned (`scalify.jit` recalibrates when it
    /// fires). Statistics inside regions (a loop's body) stay dynamic.
    Calibrated,
}

/// `fp8-scales=`: dynamic (statistics as the rescale options say) or static (none at all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fp8Scales {
    #[default]
    Dynamic,
    /// Scales from propagation alone, in the unit-scaling spirit: no max-|x| before FP8 casts (the
    /// casts saturate), inputs at scale 1, results unscaled. Needs data with f32's range (bf16, f32):
    /// f16 data takes run-time statistics where values leave its range (exp, quotients, squares).
    Static,
    /// Static everywhere but at the FP8 casts of the entry function's body: measured once (from each
    /// operand's max, as dynamic scaling does), then frozen as constants (`calibration=`), with an
    /// overflow flag returned by the step (`scalify.jit` recalibrates when it fires).
    Calibrated,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            data_type: ElementType::F32,
            forward_data_type: None,
            backward_data_type: None,
            optimizer_data_type: None,
            state_data_type: None,
            rounding: Rounding::Down,
            signature: SignatureMode::Keep,
            strict: false,
            matmul_type: MatmulType::Data,
            fp8_forward: ElementType::F8E4M3FN,
            fp8_backward: ElementType::F8E5M2,
            fp8_output: ElementType::F32,
            rescale: None,
            fp8_min_flops: 0,
            rescale_inputs: None,
            rescale_results: None,
            keep_types: None,
            fp8_scales: Fp8Scales::Dynamic,
            statistics: Statistics::Dynamic,
            calibration: None,
        }
    }
}

/// One option of the pass, declared once (like MLIR's `Passes.td`): the parser below handles each,
/// and the CLI's help, the unknown-option error, the README's option table and the Python `Policy`
/// (checked by tests) are made from these rows.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    /// The values, as `a|b|c`, or a word for a number.
    pub values: &'static str,
    /// The default as the parser applies it ("unset" where another option decides).
    pub default: &'static str,
    pub help: &'static str,
}

const fn option(name: &'static str, values: &'static str, default: &'static str, help: &'static str) -> OptionSpec {
    OptionSpec { name, values, default, help }
}

pub const OPTIONS: &[OptionSpec] = &[
    option(
        "preset",
        "f32|f16|bf16|fp8-hybrid|fp8-static|fp8-calibrated",
        "unset",
        "a named policy; options after it override it",
    ),
    option("data-type", "f32|f16|bf16", "f32", "element type of every scaled tensor's data"),
    option(
        "forward-data-type",
        "f32|f16|bf16",
        "unset",
        "data type of forward ops (JAX's name stack); data-type if unset",
    ),
    option("backward-data-type", "f32|f16|bf16", "unset", "data type of backward ops; data-type if unset"),
    option(
        "optimizer-data-type",
        "f32|f16|bf16",
        "unset",
        "data type of the optimizer's update; data-type if unset (f32 with f16 data)",
    ),
    option(
        "state-data-type",
        "f32|f16|bf16",
        "unset",
        "storage type of optimizer state at a scaled signature; data-type if unset",
    ),
    option(
        "keep-types",
        "true|false",
        "unset",
        "ops of a float type narrower than the data type keep it; on at data-type=f32 (f64 ops always stay f64)",
    ),
    option("rounding", "down|up", "down", "power-of-two rounding of scales"),
    option("signature", "keep|scaled", "keep", "scaled: float arguments and results become (data, scale) pairs"),
    option("strict", "true|false", "false", "an op without a rule is an error instead of a fallback"),
    option("matmul-type", "data|f8", "data", "f8: dot_general and convolution become XLA's FP8 GEMM pattern"),
    option("fp8-forward", "e4m3|e5m2", "e4m3", "FP8 format of forward matmul operands"),
    option("fp8-backward", "e5m2|e4m3", "e5m2", "FP8 format of the gradient operand of backward matmuls"),
    option("fp8-output", "f32|bf16", "f32", "result type of an FP8 dot"),
    option(
        "rescale",
        "none|max|l2",
        "none",
        "each FP8 operand's scale refreshed from its own statistic before the cast",
    ),
    option(
        "rescale-inputs",
        "none|l2|max",
        "unset",
        "each float input rescaled from its statistic on entry (l2 with f16 data)",
    ),
    option(
        "rescale-results",
        "none|l2|max",
        "unset",
        "each scaled result rescaled from its statistic (max with f16 data)",
    ),
    option("fp8-min-flops", "N", "0", "dots below N FLOPs stay in the data type"),
    option(
        "fp8-scales",
        "dynamic|static|calibrated",
        "dynamic",
        "static: no run-time statistic at all (scales from propagation; FP8 casts saturate); calibrated: static, \
         with the FP8 casts' maxima measured on a step and frozen (statistics=calibrated); both need bf16 or f32 data",
    ),
    option(
        "statistics",
        "dynamic|calibrated",
        "dynamic",
        "calibrated: every run-time statistic of main (inputs', range safeguards', results', FP8 operands' \
         max) measured on a step, the scales they give frozen as constants (calibration); the step returns an \
         overflow flag",
    ),
    option(
        "calibration",
        "measure|E,E,...",
        "unset",
        "with statistics=calibrated (or fp8-scales=calibrated): measure (if unset: return the scale each \
         statistic gives) or the frozen log2 scales, one per statistic of main in program order",
    ),
];

/// `name=values ...` for every option, as the CLI's help lists them.
pub fn options_synopsis() -> String {
    OPTIONS.iter().map(|o| format!("{}={}", o.name, o.values)).collect::<Vec<_>>().join(" ")
}

/// Named policies. `fp8-hybrid` is the paper's recipe: FP8 matmuls with E4M3 forward and E5M2
/// gradients, f16 data elsewhere, parameters and optimizer state scaled f16 between steps, and each
/// FP8 operand rescaled from its max |x| at the cast; plus the f16 preset's f32 update and boundary
/// rescaling.
pub const PRESETS: &[(&str, &str)] = &[
    ("f32", "data-type=f32"),
    // f16 data for the model, the optimizer's update in f32 (AdamW's eps and v^(1/2) of near-zero
    // gradients are out of f16's reach at one scale per tensor), and each tensor at the boundary
    // rescaled from its RMS (parameters at 0.02 and optimizer state at 1e-8 enter with unit data).
    ("f16", "data-type=f16 optimizer-data-type=f32 rescale-inputs=l2 rescale-results=max"),
    ("bf16", "data-type=bf16"),
    (
        "fp8-hybrid",
        "data-type=f16 matmul-type=f8 fp8-forward=e4m3 fp8-backward=e5m2 rescale=max signature=scaled \
         optimizer-data-type=f32 rescale-inputs=l2 rescale-results=max",
    ),
    // FP8 matmuls at static scales: bf16 data (f32's range: no statistic is needed where values
    // grow), no amax before the casts, the update in f32; every scale a compile-time constant.
    (
        "fp8-static",
        "data-type=bf16 matmul-type=f8 fp8-forward=e4m3 fp8-backward=e5m2 fp8-scales=static optimizer-data-type=f32",
    ),
    // fp8-static with each FP8 operand's scale measured on a step and frozen (see `Fp8Scales`).
    (
        "fp8-calibrated",
        "data-type=bf16 matmul-type=f8 fp8-forward=e4m3 fp8-backward=e5m2 fp8-scales=calibrated \
         optimizer-data-type=f32",
    ),
];

/// What f16 data changes in the defaults, applied after all options to each key not given (by the
/// user or a preset). f16 spans 2^40, not f32's 2^277: a tensor entering at scale 1 whose values are
/// far from unit (embeddings at 0.02, Adam's v at 1e-8) drifts through the step until its data leaves
/// that span, and AdamW's `sqrt(v) + eps` of near-zero gradients cannot hold eps and sqrt(v) at one
/// scale in f16. So with f16 data every input is rescaled from its RMS on entry (inputs still enter
/// with scale 1; `rescale-inputs=none` keeps exactly that), scaled results leave with their max at
/// 2^14, and the optimizer's update runs in f32. Measured on the GPT step: without these, 76 of its
/// 86 outputs are NaN.
pub const F16_DEFAULTS: &[(&str, &str)] =
    &[("rescale-inputs", "l2"), ("rescale-results", "max"), ("optimizer-data-type", "f32")];

fn boolean(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("option '{key}' takes true or false, not '{value}'")),
    }
}

fn fp8_format(key: &str, value: &str) -> Result<ElementType, String> {
    match value {
        "e4m3" | "f8E4M3FN" => Ok(ElementType::F8E4M3FN),
        "e5m2" | "f8E5M2" => Ok(ElementType::F8E5M2),
        _ => Err(format!("{key} must be e4m3 or e5m2, not '{value}'")),
    }
}

fn data_type(key: &str, value: &str) -> Result<ElementType, String> {
    match ElementType::from_name(value) {
        Some(t @ (ElementType::F32 | ElementType::F16 | ElementType::BF16)) => Ok(t),
        _ => Err(format!("{key} must be f32, f16 or bf16, not '{value}'")),
    }
}

/// `measure`, or the frozen log2 scales `e,e,...` (each a normal f32 power of two).
fn calibration(value: &str) -> Result<Option<Vec<i32>>, String> {
    if value == "measure" {
        return Ok(None);
    }
    let exponents = value.split(',').filter(|e| !e.is_empty()).map(|e| match e.parse::<i32>() {
        Ok(e) if (-126..=127).contains(&e) => Ok(e),
        _ => Err(format!("calibration takes measure or log2 scales e,e,... within -126..127, not '{e}'")),
    });
    exponents.collect::<Result<Vec<_>, _>>().map(Some)
}

fn statistic(key: &str, value: &str) -> Result<Option<Statistic>, String> {
    match value {
        "none" => Ok(None),
        "max" => Ok(Some(Statistic::Max)),
        "l2" => Ok(Some(Statistic::L2)),
        _ => Err(format!("{key} must be none, max or l2, not '{value}'")),
    }
}

impl Fp8Scales {
    /// "static" or "calibrated": the modes whose scales are constants (between calibrations).
    fn name_if_static(self) -> Option<&'static str> {
        match self {
            Fp8Scales::Dynamic => None,
            Fp8Scales::Static => Some("static"),
            Fp8Scales::Calibrated => Some("calibrated"),
        }
    }
}

impl Options {
    /// The data type with the smallest range any role stores data in: where a constant is a
    /// sentinel (see `rules.rs`) is decided against it, whatever role the constant itself has.
    pub fn narrowest_data_type(&self) -> ElementType {
        [self.forward_data_type, self.backward_data_type, self.optimizer_data_type, self.state_data_type]
            .into_iter()
            .flatten()
            .chain([self.data_type])
            .min_by(|a, b| a.max_finite().total_cmp(&b.max_finite()))
            .unwrap_or(self.data_type)
    }

    /// Whether narrower user types are kept (see `keep_types`).
    pub fn keeps_types(&self) -> bool {
        self.keep_types.unwrap_or(self.data_type == ElementType::F32)
    }

    /// The data type of an op in `role`.
    pub fn data_type_for(&self, role: Role) -> ElementType {
        let by_role = match role {
            Role::Forward => self.forward_data_type,
            Role::Backward => self.backward_data_type,
            Role::Optimizer => self.optimizer_data_type,
            Role::Unknown => None,
        };
        by_role.unwrap_or(self.data_type)
    }

    /// Whether the entry function's statistics are measured and frozen (`statistics=calibrated`, which
    /// `fp8-scales=calibrated` implies).
    pub fn calibrated(&self) -> bool {
        self.statistics == Statistics::Calibrated || self.fp8_scales == Fp8Scales::Calibrated
    }

    /// Whether any role's data type differs from `data_type` (roles are read only then).
    pub fn has_role_data_types(&self) -> bool {
        [self.forward_data_type, self.backward_data_type, self.optimizer_data_type]
            .iter()
            .any(|t| t.is_some_and(|t| t != self.data_type))
    }

    /// Whether any role computes in f16 (then `F16_DEFAULTS` apply).
    fn has_f16_data(&self) -> bool {
        [Role::Forward, Role::Backward, Role::Optimizer, Role::Unknown]
            .into_iter()
            .any(|role| self.data_type_for(role) == ElementType::F16)
    }

    /// Parses `data-type=f16 rounding=down signature=keep strict=false matmul-type=f8 ...`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut options = Self::default();
        let mut given = Vec::new();
        options.apply(text, &mut given)?;
        if options.calibration.is_some() && !options.calibrated() {
            return Err("calibration applies with statistics=calibrated (or fp8-scales=calibrated) only".into());
        }
        if let Some(mode) = options.fp8_scales.name_if_static() {
            if options.has_f16_data() {
                return Err(format!(
                    "fp8-scales={mode} needs data with f32's range (data-type=bf16 or f32): f16 data takes run-time \
                     statistics where values leave its range (preset=fp8-{mode} is FP8 with bf16 data)"
                ));
            }
            let statistics = [("rescale", options.rescale), ("rescale-inputs", options.rescale_inputs)];
            let statistics = statistics.into_iter().chain([("rescale-results", options.rescale_results)]);
            if let Some((key, _)) = statistics.into_iter().find(|(_, statistic)| statistic.is_some()) {
                return Err(format!(
                    "fp8-scales={mode} takes no run-time statistic, but {key} sets one (by the options or a preset): \
                     drop it, or use preset=fp8-{mode}"
                ));
            }
        }
        if options.has_f16_data() {
            for (key, value) in F16_DEFAULTS.iter().filter(|(key, _)| !given.contains(key)) {
                options.apply(&format!("{key}={value}"), &mut Vec::new())?;
            }
        }
        Ok(options)
    }

    /// Applies `text` left to right, recording in `given` each key it sets.
    fn apply<'t>(&mut self, text: &'t str, given: &mut Vec<&'t str>) -> Result<(), String> {
        for item in text.split_whitespace() {
            let (key, value) =
                item.split_once('=').ok_or_else(|| format!("expected key=value in scalify options, got '{item}'"))?;
            given.push(key);
            match key {
                "preset" => {
                    let (_, preset) = PRESETS.iter().find(|(name, _)| *name == value).ok_or_else(|| {
                        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                        format!("unknown preset '{value}' ({})", names.join(", "))
                    })?;
                    self.apply(preset, given)?;
                }
                "data-type" => self.data_type = data_type(key, value)?,
                "keep-types" => self.keep_types = Some(boolean(key, value)?),
                "forward-data-type" => self.forward_data_type = Some(data_type(key, value)?),
                "backward-data-type" => self.backward_data_type = Some(data_type(key, value)?),
                "optimizer-data-type" => self.optimizer_data_type = Some(data_type(key, value)?),
                "state-data-type" => self.state_data_type = Some(data_type(key, value)?),
                "rounding" => {
                    self.rounding = match value {
                        "down" => Rounding::Down,
                        "up" => Rounding::Up,
                        _ => return Err(format!("rounding must be down or up, not '{value}'")),
                    }
                }
                "signature" => {
                    self.signature = match value {
                        "keep" => SignatureMode::Keep,
                        "scaled" => SignatureMode::Scaled,
                        _ => return Err(format!("signature must be keep or scaled, not '{value}'")),
                    }
                }
                "strict" => self.strict = boolean(key, value)?,
                "matmul-type" => {
                    self.matmul_type = match value {
                        "data" | "none" => MatmulType::Data,
                        "f8" => MatmulType::F8,
                        _ => return Err(format!("matmul-type must be data or f8, not '{value}'")),
                    }
                }
                "fp8-forward" => self.fp8_forward = fp8_format(key, value)?,
                "fp8-backward" => self.fp8_backward = fp8_format(key, value)?,
                "fp8-output" => {
                    self.fp8_output = match value {
                        "f32" => ElementType::F32,
                        "bf16" => ElementType::BF16,
                        _ => return Err(format!("fp8-output must be f32 or bf16, not '{value}'")),
                    }
                }
                "rescale" => self.rescale = statistic(key, value)?,
                "rescale-inputs" => self.rescale_inputs = statistic(key, value)?,
                "rescale-results" => self.rescale_results = statistic(key, value)?,
                "fp8-scales" => {
                    self.fp8_scales = match value {
                        "dynamic" => Fp8Scales::Dynamic,
                        "static" => Fp8Scales::Static,
                        "calibrated" => Fp8Scales::Calibrated,
                        _ => return Err(format!("fp8-scales must be dynamic, static or calibrated, not '{value}'")),
                    }
                }
                "statistics" => {
                    self.statistics = match value {
                        "dynamic" => Statistics::Dynamic,
                        "calibrated" => Statistics::Calibrated,
                        _ => return Err(format!("statistics must be dynamic or calibrated, not '{value}'")),
                    }
                }
                // `fp8-calibration`: its name while only FP8 casts were calibrated.
                "calibration" | "fp8-calibration" => self.calibration = calibration(value)?,
                "fp8-min-flops" => {
                    self.fp8_min_flops =
                        value.parse().map_err(|_| format!("fp8-min-flops takes a count of FLOPs, not '{value}'"))?
                }
                _ => {
                    let names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
                    return Err(format!("unknown scalify option '{key}' ({})", names.join(", ")));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_apply_then_later_options_override() {
        let hybrid = Options::parse("preset=fp8-hybrid").unwrap();
        assert_eq!(hybrid.data_type, ElementType::F16);
        assert_eq!(hybrid.matmul_type, MatmulType::F8);
        assert_eq!((hybrid.fp8_forward, hybrid.fp8_backward), (ElementType::F8E4M3FN, ElementType::F8E5M2));
        assert_eq!(hybrid.signature, SignatureMode::Scaled);
        let kept = Options::parse("preset=fp8-hybrid signature=keep fp8-backward=e4m3").unwrap();
        assert_eq!(kept.signature, SignatureMode::Keep);
        assert_eq!(kept.fp8_backward, ElementType::F8E4M3FN);
        assert_eq!(kept.matmul_type, MatmulType::F8);
        assert!(Options::parse("preset=fp4").unwrap_err().contains("unknown preset 'fp4'"));
        assert!(Options::parse("fp8-forward=e3m4").unwrap_err().contains("e4m3 or e5m2"));
    }

    #[test]
    fn f16_data_brings_its_defaults_unless_given() {
        let f16 = Options::parse("data-type=f16").unwrap();
        assert_eq!(f16, Options::parse("preset=f16").unwrap());
        let literal = Options::parse("data-type=f16 rescale-inputs=none optimizer-data-type=f16").unwrap();
        assert_eq!((literal.rescale_inputs, literal.optimizer_data_type), (None, Some(ElementType::F16)));
        assert_eq!(literal.rescale_results, Some(Statistic::Max));
        // A role in f16 is enough; f32 and bf16 (f32's exponent range) keep scale-1 inputs.
        assert_eq!(Options::parse("forward-data-type=f16").unwrap().rescale_inputs, Some(Statistic::L2));
        for plain in ["data-type=bf16", "data-type=f32", ""] {
            assert_eq!(Options::parse(plain).unwrap().rescale_inputs, None, "{plain}");
        }
    }

    #[test]
    fn static_fp8_scales_take_no_statistic_and_refuse_one() {
        let fixed = Options::parse("preset=fp8-static").unwrap();
        assert_eq!(fixed.fp8_scales, Fp8Scales::Static);
        assert_eq!((fixed.data_type, fixed.matmul_type), (ElementType::BF16, MatmulType::F8));
        assert_eq!((fixed.rescale, fixed.rescale_inputs, fixed.rescale_results), (None, None, None));
        let f16 = Options::parse("preset=fp8-static data-type=f16").unwrap_err();
        assert!(f16.contains("needs data with f32's range"), "{f16}");
        let hybrid = Options::parse("preset=fp8-hybrid fp8-scales=static").unwrap_err();
        assert!(hybrid.contains("needs data with f32's range"), "{hybrid}");
        let amax = Options::parse("preset=fp8-static rescale=max").unwrap_err();
        assert!(amax.contains("rescale sets one"), "{amax}");
        let boundary = Options::parse("preset=fp8-hybrid data-type=bf16 optimizer-data-type=bf16 fp8-scales=static");
        assert!(boundary.unwrap_err().contains("takes no run-time statistic"));
    }

    #[test]
    fn calibrated_fp8_scales_measure_or_freeze() {
        let measure = Options::parse("preset=fp8-calibrated").unwrap();
        assert_eq!((measure.fp8_scales, measure.calibration.clone()), (Fp8Scales::Calibrated, None));
        assert_eq!((measure.rescale, measure.rescale_inputs, measure.rescale_results), (None, None, None));
        let frozen = Options::parse("preset=fp8-calibrated calibration=3,-2,0").unwrap();
        assert_eq!(frozen.calibration, Some(vec![3, -2, 0]));
        let none = Options::parse("preset=fp8-calibrated calibration=").unwrap();
        assert_eq!(none.calibration, Some(vec![]));
        for bad in ["calibration=1,x", "calibration=200", "calibration=1.5"] {
            let error = Options::parse(&format!("preset=fp8-calibrated {bad}")).unwrap_err();
            assert!(error.contains("within -126..127"), "{bad}: {error}");
        }
        let alone = Options::parse("preset=fp8-static calibration=1").unwrap_err();
        assert!(alone.contains("with statistics=calibrated (or fp8-scales=calibrated) only"), "{alone}");
        let f16 = Options::parse("preset=f16 statistics=calibrated fp8-calibration=1,2").unwrap();
        assert_eq!((f16.calibrated(), f16.calibration), (true, Some(vec![1, 2])), "the old name still parses");
        let f16 = Options::parse("preset=fp8-calibrated data-type=f16").unwrap_err();
        assert!(f16.contains("fp8-scales=calibrated needs data with f32's range"), "{f16}");
    }

    #[test]
    fn every_declared_option_parses_with_each_of_its_values() {
        for spec in OPTIONS {
            // Capitals are placeholders: a number, a list of exponents.
            let values: Vec<&str> = spec
                .values
                .split('|')
                .flat_map(|v| match v {
                    "N" => vec!["0", "1000"],
                    "E,E,..." => vec!["0", "3,-2,127"],
                    v => vec![v],
                })
                .collect();
            let needs = if spec.name == "calibration" { "statistics=calibrated " } else { "" };
            for value in values {
                let text = format!("{needs}{}={value}", spec.name);
                assert!(Options::parse(&text).is_ok(), "{text}: {:?}", Options::parse(&text).err());
            }
            let bad = format!("{needs}{}=bogus", spec.name);
            assert!(Options::parse(&bad).is_err(), "{bad} was accepted");
        }
        let error = Options::parse("no-such-option=1").unwrap_err();
        assert!(OPTIONS.iter().all(|o| error.contains(o.name)), "{error}");
    }
}
