//! What the pass did: per op name, how often it was seen, by which rule, and every fallback with the
//! op's location. Written as JSON by `--scalify-report`.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use super::rewriter::Statistic;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpEntry {
    pub count: usize,
    /// Rule names applied to this op name (one per family; `unscaled-fallback` for fallbacks).
    pub rules: BTreeMap<String, usize>,
    /// The table row's formula, when a rule applied.
    pub formula: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    pub op: String,
    pub location: String,
    pub reason: String,
}

/// What happened to one dot_general under matmul-type=f8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotRecord {
    /// `stablehlo.dot_general` or `stablehlo.convolution`.
    pub op: String,
    pub location: String,
    pub lhs_shape: Vec<i64>,
    pub rhs_shape: Vec<i64>,
    pub flops: u64,
    pub role: String,
    /// (lhs, rhs) FP8 formats when lowered.
    pub formats: Option<(String, String)>,
    pub lowered: bool,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every dot_general and convolution considered for FP8, in program order.
    pub dots: Vec<DotRecord>,
    /// Per row of the rule table (an op's name; a custom call's target), the rules that rewrote its
    /// instances; a fallback counts under the op's name.
    pub ops: BTreeMap<String, OpEntry>,
    pub fallbacks: Vec<Fallback>,
    /// Reductions emitted to read data statistics (dynamic rescales), and the bytes they read.
    pub statistic_reductions: usize,
    pub statistic_bytes: i64,
    /// Results of unbounded magnitude (exp, fallbacks) given a run-time scale from their own max
    /// because the data type's range is narrower than their type's.
    pub range_rescales: usize,
    /// Scalar collectives added so that run-time scales agree across devices (a max all_reduce
    /// before a reduction or gather) or travel with their data (a permute, a broadcast).
    pub collective_scales: usize,
    /// With calibrated statistics: `measure` or `frozen`, and the statistics of `main`'s body under
    /// calibration (one measured or frozen value each), in slot order.
    pub calibration: Option<(&'static str, Vec<Statistic>)>,
}

impl Report {
    /// Under calibration: the mode and the number of statistics.
    pub fn calibration_summary(&self) -> Option<(&'static str, usize)> {
        self.calibration.as_ref().map(|(mode, slots)| (*mode, slots.len()))
    }

    pub fn record(&mut self, op: &str, rule: &str) {
        let entry = self.ops.entry(op.to_string()).or_default();
        entry.count += 1;
        *entry.rules.entry(rule.to_string()).or_default() += 1;
    }

    /// One instance rewritten by `rule`: counted under its row, with the row's formula.
    pub fn record_rule(&mut self, rule: &super::rules::Rule) {
        self.record(rule.op, rule.family.name());
        self.ops.get_mut(rule.op).expect("just recorded").formula = Some(rule.formula);
    }

    pub fn fallback(&mut self, op: &str, location: String, reason: String) {
        self.record(op, "unscaled-fallback");
        self.fallbacks.push(Fallback { op: op.to_string(), location, reason });
    }

    pub fn fallback_count(&self) -> usize {
        self.fallbacks.len()
    }

    pub fn to_json(&self) -> Json {
        let ops: serde_json::Map<String, Json> = self
            .ops
            .iter()
            .map(|(name, entry)| {
                let mut object = json!({"count": entry.count, "rules": entry.rules});
                if let Some(formula) = entry.formula {
                    object["formula"] = json!(formula);
                }
                (name.clone(), object)
            })
            .collect();
        json!({
            "ops": ops,
            "fallbacks": self.fallbacks.iter().map(|f| json!({"op": f.op, "location": f.location, "reason": f.reason})).collect::<Vec<_>>(),
            "fallback_count": self.fallbacks.len(),
            "statistic_reductions": self.statistic_reductions,
            "range_rescales": self.range_rescales,
            "collective_scales": self.collective_scales,
            "statistic_bytes": self.statistic_bytes,
            "calibration": self.calibration.as_ref().map(|(mode, slots)| json!({
                "mode": mode,
                "statistics": slots.len(),
                "kinds": slots.iter().map(|s| s.name()).collect::<Vec<_>>(),
            })),
            "dots": self.dots.iter().map(|d| json!({
                "op": d.op, "location": d.location, "lhs_shape": d.lhs_shape, "rhs_shape": d.rhs_shape, "flops": d.flops,
                "role": d.role, "formats": d.formats.as_ref().map(|(a, b)| vec![a, b]), "fp8": d.lowered,
                "why": d.reason,
            })).collect::<Vec<_>>(),
        })
    }
}
