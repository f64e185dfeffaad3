//! Typed views of StableHLO's structured attributes.
//!
//! libIREECompiler.so exports no StableHLO C API, so `#stablehlo.dot<...>` and `#stablehlo.conv<...>`
//! are read from the form MLIR prints them in (integers and integer lists only) and built by handing
//! that form back to MLIR's attribute parser. Builtin attributes go through the MLIR C API.

use std::collections::BTreeMap;

use melior::Context;
use melior::ir::Attribute;
use melior::ir::attribute::{DenseI64ArrayAttribute, IntegerAttribute};
use melior::ir::operation::OperationLike;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AttributeError {
    #[error("'{op}' has no attribute '{name}'")]
    Missing { op: String, name: String },
    #[error("attribute '{name}' of '{op}' is not {expected}: {printed}")]
    Unexpected { op: String, name: String, expected: &'static str, printed: String },
}

fn attribute<'c: 'o, 'o>(op: &impl OperationLike<'c, 'o>, name: &str) -> Result<Attribute<'c>, AttributeError> {
    op.attribute(name).map_err(|_| AttributeError::Missing {
        op: op.name().as_string_ref().as_str().unwrap_or("?").to_string(),
        name: name.to_string(),
    })
}

fn unexpected<'c: 'o, 'o>(
    op: &impl OperationLike<'c, 'o>,
    name: &str,
    expected: &'static str,
    attr: Attribute,
) -> AttributeError {
    AttributeError::Unexpected {
        op: op.name().as_string_ref().as_str().unwrap_or("?").to_string(),
        name: name.to_string(),
        expected,
        printed: attr.to_string(),
    }
}

/// An `array<i64: ...>` attribute of `op` (reduce `dimensions`, broadcast dims, permutations, ...).
pub fn i64_array<'c: 'o, 'o>(op: &impl OperationLike<'c, 'o>, name: &str) -> Result<Vec<i64>, AttributeError> {
    let attr = attribute(op, name)?;
    let array = DenseI64ArrayAttribute::try_from(attr).map_err(|_| unexpected(op, name, "an array<i64>", attr))?;
    Ok((0..array.len()).filter_map(|i| array.element(i).ok()).collect())
}

/// An integer attribute of `op` (feature_group_count, ...), if present.
pub fn integer<'c: 'o, 'o>(op: &impl OperationLike<'c, 'o>, name: &str) -> Result<Option<i64>, AttributeError> {
    match op.attribute(name) {
        Err(_) => Ok(None),
        Ok(attr) => IntegerAttribute::try_from(attr)
            .map(|int| Some(int.value()))
            .map_err(|_| unexpected(op, name, "an integer", attr)),
    }
}

/// Reads `key = 3` and `key = [1, 2]` pairs of a printed attribute body.
fn integer_fields(body: &str) -> Option<BTreeMap<String, Vec<i64>>> {
    let mut fields = BTreeMap::new();
    let mut rest = body.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let after = after.trim_start();
        let (values, remainder) = if let Some(list) = after.strip_prefix('[') {
            let (inside, remainder) = list.split_once(']')?;
            let values = inside
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().ok())
                .collect::<Option<Vec<i64>>>()?;
            (values, remainder)
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (vec![after[..end].trim().parse().ok()?], &after[end..])
        };
        fields.insert(key.trim().to_string(), values);
        rest = remainder.trim_start().trim_start_matches(',').trim_start();
    }
    Some(fields)
}

/// The integer fields of a structured StableHLO attribute such as `#stablehlo.gather<...>` or
/// `#stablehlo.scatter<...>`, by name.
pub fn structured_fields<'c: 'o, 'o>(
    op: &impl OperationLike<'c, 'o>,
    name: &str,
    prefix: &'static str,
) -> Result<BTreeMap<String, Vec<i64>>, AttributeError> {
    let attr = attribute(op, name)?;
    let printed = attr.to_string();
    printed
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('<'))
        .and_then(|body| body.strip_suffix('>'))
        .and_then(integer_fields)
        .ok_or_else(|| unexpected(op, name, prefix, attr))
}

/// The dimension numbers of `stablehlo.dot_general`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotDimensions {
    pub lhs_batch: Vec<i64>,
    pub rhs_batch: Vec<i64>,
    pub lhs_contracting: Vec<i64>,
    pub rhs_contracting: Vec<i64>,
}

impl DotDimensions {
    pub const ATTRIBUTE: &'static str = "dot_dimension_numbers";

    pub fn of<'c: 'o, 'o>(op: &impl OperationLike<'c, 'o>) -> Result<Self, AttributeError> {
        let attr = attribute(op, Self::ATTRIBUTE)?;
        let printed = attr.to_string();
        let body = printed.strip_prefix("#stablehlo.dot<").and_then(|b| b.strip_suffix('>'));
        let mut fields =
            body.and_then(integer_fields).ok_or_else(|| unexpected(op, Self::ATTRIBUTE, "#stablehlo.dot", attr))?;
        let mut take = |key: &str| fields.remove(key).unwrap_or_default();
        Ok(Self {
            lhs_batch: take("lhs_batching_dimensions"),
            rhs_batch: take("rhs_batching_dimensions"),
            lhs_contracting: take("lhs_contracting_dimensions"),
            rhs_contracting: take("rhs_contracting_dimensions"),
        })
    }

    pub fn to_attribute<'c>(&self, context: &'c Context) -> Attribute<'c> {
        let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let text = format!(
            "#stablehlo.dot<lhs_batching_dimensions = [{}], rhs_batching_dimensions = [{}], lhs_contracting_dimensions = [{}], rhs_contracting_dimensions = [{}]>",
            list(&self.lhs_batch),
            list(&self.rhs_batch),
            list(&self.lhs_contracting),
            list(&self.rhs_contracting)
        );
        Attribute::parse(context, &text).expect("well-formed #stablehlo.dot")
    }
}

/// The dimension numbers of `stablehlo.convolution`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConvDimensions {
    pub input_batch: i64,
    pub input_feature: i64,
    pub input_spatial: Vec<i64>,
    pub kernel_input_feature: i64,
    pub kernel_output_feature: i64,
    pub kernel_spatial: Vec<i64>,
    pub output_batch: i64,
    pub output_feature: i64,
    pub output_spatial: Vec<i64>,
}

/// One side of the compact form, e.g. `[b, 0, 1, f]`: the dimension index of each named role and of
/// each spatial dimension, spatial dimensions sorted by their number.
fn compact_layout(text: &str, first: char, second: char) -> Option<(i64, i64, Vec<i64>)> {
    let inside = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let (mut a, mut b, mut spatial) = (None, None, Vec::new());
    for (index, label) in inside.split(',').map(str::trim).enumerate() {
        let index = index as i64;
        match label {
            l if l.len() == 1 && l.starts_with(first) => a = Some(index),
            l if l.len() == 1 && l.starts_with(second) => b = Some(index),
            l => spatial.push((l.parse::<usize>().ok()?, index)),
        }
    }
    spatial.sort();
    Some((a?, b?, spatial.into_iter().map(|(_, index)| index).collect()))
}

impl ConvDimensions {
    pub const ATTRIBUTE: &'static str = "dimension_numbers";

    pub fn of<'c: 'o, 'o>(op: &impl OperationLike<'c, 'o>) -> Result<Self, AttributeError> {
        let attr = attribute(op, Self::ATTRIBUTE)?;
        let printed = attr.to_string();
        Self::from_printed(&printed).ok_or_else(|| unexpected(op, Self::ATTRIBUTE, "#stablehlo.conv", attr))
    }

    fn from_printed(printed: &str) -> Option<Self> {
        let body = printed.strip_prefix("#stablehlo.conv<")?.strip_suffix('>')?;
        if let Some(raw) = body.strip_prefix("raw") {
            let mut f = integer_fields(raw)?;
            let one = |k: &str| f.get(k).and_then(|v| v.first().copied());
            let (ib, ifeat, kif, kof, ob, of) = (
                one("input_batch_dimension")?,
                one("input_feature_dimension")?,
                one("kernel_input_feature_dimension")?,
                one("kernel_output_feature_dimension")?,
                one("output_batch_dimension")?,
                one("output_feature_dimension")?,
            );
            return Some(Self {
                input_batch: ib,
                input_feature: ifeat,
                input_spatial: f.remove("input_spatial_dimensions").unwrap_or_default(),
                kernel_input_feature: kif,
                kernel_output_feature: kof,
                kernel_spatial: f.remove("kernel_spatial_dimensions").unwrap_or_default(),
                output_batch: ob,
                output_feature: of,
                output_spatial: f.remove("output_spatial_dimensions").unwrap_or_default(),
            });
        }
        let (operands, output) = body.split_once("->")?;
        let (input, kernel) = operands.split_once('x')?;
        let (input_batch, input_feature, input_spatial) = compact_layout(input, 'b', 'f')?;
        let (kernel_input_feature, kernel_output_feature, kernel_spatial) = compact_layout(kernel, 'i', 'o')?;
        let (output_batch, output_feature, output_spatial) = compact_layout(output, 'b', 'f')?;
        Some(Self {
            input_batch,
            input_feature,
            input_spatial,
            kernel_input_feature,
            kernel_output_feature,
            kernel_spatial,
            output_batch,
            output_feature,
            output_spatial,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compact_and_raw_convolution_layouts() {
        let nhwc = ConvDimensions::from_printed("#stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>").unwrap();
        assert_eq!((nhwc.input_batch, nhwc.input_feature, nhwc.input_spatial.clone()), (0, 3, vec![1, 2]));
        assert_eq!((nhwc.kernel_input_feature, nhwc.kernel_output_feature), (2, 3));
        // A transposed layout from a backward pass: spatial order follows the numbers, not positions.
        let odd = ConvDimensions::from_printed("#stablehlo.conv<[f, 1, 0, b]x[i, 0, 1, o]->[b, 0, 1, f]>").unwrap();
        assert_eq!((odd.input_batch, odd.input_feature, odd.input_spatial), (3, 0, vec![2, 1]));
        let raw = ConvDimensions::from_printed(
            "#stablehlo.conv<raw input_batch_dimension = 0, input_feature_dimension = 1, input_spatial_dimensions = [2], kernel_input_feature_dimension = 1, kernel_output_feature_dimension = 0, kernel_spatial_dimensions = [2], output_batch_dimension = 0, output_feature_dimension = 1, output_spatial_dimensions = [2]>",
        )
        .unwrap();
        assert_eq!((raw.kernel_output_feature, raw.kernel_spatial), (0, vec![2]));
        assert!(ConvDimensions::from_printed("#stablehlo.conv<[b, q]x[i]->[b]>").is_none());
    }

    #[test]
    fn reads_integer_fields() {
        let f =
            integer_fields("lhs_batching_dimensions = [0, 1], rhs_contracting_dimensions = [2], index_vector_dim = 2")
                .unwrap();
        assert_eq!(f["lhs_batching_dimensions"], vec![0, 1]);
        assert_eq!(f["index_vector_dim"], vec![2]);
        assert_eq!(integer_fields("x = [], y = 3").unwrap()["x"], Vec::<i64>::new());
        assert!(integer_fields("x = [a]").is_none());
    }
}
