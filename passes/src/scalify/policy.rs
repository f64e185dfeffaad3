//! The policy: everything the pass is asked to do, in one place, parsed from mlir-opt pass-option
//! syntax (`key=value key=value`, applied left to right, so options after a `preset=` override it).

use scalify_dialect::ElementType;

use super::pow2::Rounding;
use super::rewriter::Statistic;

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
    /// Element type of every scaled tensor's data.
    pub data_type: ElementType,
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
}

impl Default for Options {
    fn default() -> Self {
        Self {
            data_type: ElementType::F32,
            rounding: Rounding::Down,
            signature: SignatureMode::Keep,
            strict: false,
            matmul_type: MatmulType::Data,
            fp8_forward: ElementType::F8E4M3FN,
            fp8_backward: ElementType::F8E5M2,
            fp8_output: ElementType::F32,
            rescale: None,
            fp8_min_flops: 0,
        }
    }
}

/// Named policies. `fp8-hybrid` is the paper's recipe: FP8 matmuls with E4M3 forward and E5M2
/// gradients, f16 data elsewhere, parameters and optimizer state scaled f16 between steps, and each
/// FP8 operand rescaled from its max |x| at the cast.
pub const PRESETS: &[(&str, &str)] = &[
    ("f32", "data-type=f32"),
    ("f16", "data-type=f16"),
    ("bf16", "data-type=bf16"),
    ("fp8-hybrid", "data-type=f16 matmul-type=f8 fp8-forward=e4m3 fp8-backward=e5m2 rescale=max signature=scaled"),
];

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

impl Options {
    /// Parses `data-type=f16 rounding=down signature=keep strict=false matmul-type=f8 ...`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut options = Self::default();
        options.apply(text)?;
        Ok(options)
    }

    fn apply(&mut self, text: &str) -> Result<(), String> {
        for item in text.split_whitespace() {
            let (key, value) =
                item.split_once('=').ok_or_else(|| format!("expected key=value in scalify options, got '{item}'"))?;
            match key {
                "preset" => {
                    let (_, preset) = PRESETS.iter().find(|(name, _)| *name == value).ok_or_else(|| {
                        let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                        format!("unknown preset '{value}' ({})", names.join(", "))
                    })?;
                    self.apply(preset)?;
                }
                "data-type" => {
                    self.data_type = match ElementType::from_name(value) {
                        Some(t @ (ElementType::F32 | ElementType::F16 | ElementType::BF16)) => t,
                        _ => return Err(format!("data-type must be f32, f16 or bf16, not '{value}'")),
                    }
                }
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
                "rescale" => {
                    self.rescale = match value {
                        "none" => None,
                        "max" => Some(Statistic::Max),
                        "l2" => Some(Statistic::L2),
                        _ => return Err(format!("rescale must be none, max or l2, not '{value}'")),
                    }
                }
                "fp8-min-flops" => {
                    self.fp8_min_flops =
                        value.parse().map_err(|_| format!("fp8-min-flops takes a count of FLOPs, not '{value}'"))?
                }
                _ => {
                    return Err(format!(
                        "unknown scalify option '{key}' (preset, data-type, rounding, signature, strict, matmul-type, \
                         fp8-forward, fp8-backward, fp8-output, rescale, fp8-min-flops)"
                    ));
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
}
