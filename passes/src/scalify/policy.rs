//! What the pass is asked to do, parsed from mlir-opt pass-option syntax (`key=value key=value`).

use scalify_dialect::ElementType;

use super::pow2::Rounding;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignatureMode {
    /// Arguments and results keep their types: inputs enter with scale 1, results are unscaled.
    #[default]
    Keep,
    /// Every float argument and result becomes a (data, scale) pair.
    Scaled,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Element type of every scaled tensor's data.
    pub data_type: ElementType,
    pub rounding: Rounding,
    pub signature: SignatureMode,
    /// Report an op without a rule as an error instead of computing it unscaled.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { data_type: ElementType::F32, rounding: Rounding::Down, signature: SignatureMode::Keep, strict: false }
    }
}

fn boolean(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("option '{key}' takes true or false, not '{value}'")),
    }
}

impl Options {
    /// Parses `data-type=f16 rounding=down signature=keep strict=false` (any order, any subset).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut options = Self::default();
        for item in text.split_whitespace() {
            let (key, value) =
                item.split_once('=').ok_or_else(|| format!("expected key=value in scalify options, got '{item}'"))?;
            match key {
                "data-type" => {
                    options.data_type = match ElementType::from_name(value) {
                        Some(t @ (ElementType::F32 | ElementType::F16 | ElementType::BF16)) => t,
                        _ => return Err(format!("data-type must be f32, f16 or bf16, not '{value}'")),
                    }
                }
                "rounding" => {
                    options.rounding = match value {
                        "down" => Rounding::Down,
                        "up" => Rounding::Up,
                        _ => return Err(format!("rounding must be down or up, not '{value}'")),
                    }
                }
                "signature" => {
                    options.signature = match value {
                        "keep" => SignatureMode::Keep,
                        "scaled" => SignatureMode::Scaled,
                        _ => return Err(format!("signature must be keep or scaled, not '{value}'")),
                    }
                }
                "strict" => options.strict = boolean(key, value)?,
                _ => return Err(format!("unknown scalify option '{key}' (data-type, rounding, signature, strict)")),
            }
        }
        Ok(options)
    }
}
