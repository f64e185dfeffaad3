//! A small builder of StableHLO ops, inserted at one point of a block with one location. Result types
//! are always given, never inferred: `convert` and `dot_general` have no type inference in MLIR.

use melior::Context;
use melior::ir::RegionLike;
use melior::ir::attribute::{DenseElementsAttribute, DenseI64ArrayAttribute, FloatAttribute};
use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationBuilder, OperationLike};
use melior::ir::{Attribute, BlockRef, Identifier, Location, OperationRef, Type, Value, ValueLike};

use crate::types::{ElementType, element_type_of, scalar_f32_type, with_element};

/// Where new ops go: before an existing op, or at the end of a block.
#[derive(Clone, Copy)]
pub enum InsertPoint<'c, 'a> {
    Before(OperationRef<'c, 'a>),
    End(BlockRef<'c, 'a>),
}

pub struct OpBuilder<'c, 'a> {
    context: &'c Context,
    point: InsertPoint<'c, 'a>,
    location: Location<'c>,
}

impl<'c, 'a> OpBuilder<'c, 'a> {
    pub fn new(context: &'c Context, point: InsertPoint<'c, 'a>, location: Location<'c>) -> Self {
        Self { context, point, location }
    }

    pub fn context(&self) -> &'c Context {
        self.context
    }

    pub fn location(&self) -> Location<'c> {
        self.location
    }

    pub fn set_location(&mut self, location: Location<'c>) {
        self.location = location;
    }

    /// Builds and inserts `name(operands) {attributes} : result_types`.
    pub fn op(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        result_types: &[Type<'c>],
        attributes: &[(&str, Attribute<'c>)],
    ) -> OperationRef<'c, 'a> {
        let attributes: Vec<(Identifier<'c>, Attribute<'c>)> =
            attributes.iter().map(|(key, value)| (Identifier::new(self.context, key), *value)).collect();
        let operation = OperationBuilder::new(name, self.location)
            .add_operands(operands)
            .add_results(result_types)
            .add_attributes(&attributes)
            .build()
            .unwrap_or_else(|error| panic!("building {name}: {error}"));
        self.insert(operation)
    }

    /// Builds and inserts an op that owns `regions` (while, case, all_reduce).
    pub fn op_with_regions(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        result_types: &[Type<'c>],
        attributes: &[(&str, Attribute<'c>)],
        regions: Vec<melior::ir::Region<'c>>,
    ) -> OperationRef<'c, 'a> {
        let attributes: Vec<(Identifier<'c>, Attribute<'c>)> =
            attributes.iter().map(|(key, value)| (Identifier::new(self.context, key), *value)).collect();
        let operation = OperationBuilder::new(name, self.location)
            .add_operands(operands)
            .add_results(result_types)
            .add_attributes(&attributes)
            .add_regions_vec(regions)
            .build()
            .unwrap_or_else(|error| panic!("building {name}: {error}"));
        self.insert(operation)
    }

    fn insert(&self, operation: melior::ir::Operation<'c>) -> OperationRef<'c, 'a> {
        match self.point {
            InsertPoint::Before(anchor) => {
                let block = anchor.block().expect("insertion anchor is inside a block");
                block.insert_operation_before(anchor, operation)
            }
            InsertPoint::End(block) => block.append_operation(operation),
        }
    }

    /// `op` with one result, returned as a value.
    pub fn value(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        result_type: Type<'c>,
        attributes: &[(&str, Attribute<'c>)],
    ) -> Value<'c, 'a> {
        // Scalar arithmetic on constants is folded as it is built (see `fold`).
        match crate::fold::fold(name, operands, result_type) {
            Some(crate::fold::Scalar::F32(x)) => self.scalar_f32(x),
            Some(crate::fold::Scalar::I32(x)) => {
                self.constant(DenseElementsAttribute::i32_splat(result_type, x).into(), result_type)
            }
            None => self.op(name, operands, &[result_type], attributes).result(0).expect("one result").into(),
        }
    }

    pub fn constant(&self, value: Attribute<'c>, ty: Type<'c>) -> Value<'c, 'a> {
        self.value("stablehlo.constant", &[], ty, &[("value", value)])
    }

    /// A float tensor (or scalar tensor) of type `ty` filled with `value`.
    pub fn splat(&self, ty: Type<'c>, value: f64) -> Value<'c, 'a> {
        let element = FloatAttribute::new(self.context, element_type_of(ty), value).into();
        let dense = DenseElementsAttribute::splat(ty, element);
        self.constant(dense.into(), ty)
    }

    /// `tensor<f32>` constant: how static scales appear in the output.
    pub fn scalar_f32(&self, value: f32) -> Value<'c, 'a> {
        self.splat(scalar_f32_type(self.context), value as f64)
    }

    /// Elementwise op whose result has the type of its first operand (add, multiply, maximum, ...).
    pub fn elementwise(&self, name: &str, operands: &[Value<'c, '_>]) -> Value<'c, 'a> {
        self.value(name, operands, operands[0].r#type(), &[])
    }

    pub fn convert(&self, value: Value<'c, '_>, element: ElementType) -> Value<'c, 'a> {
        let ty = with_element(value.r#type(), element.to_mlir(self.context)).expect("convert of a ranked tensor");
        self.value("stablehlo.convert", &[value], ty, &[])
    }

    /// `broadcast_in_dim` of a rank-0 tensor to `ty`'s shape (keeping the scalar's element type).
    pub fn broadcast_scalar(&self, scalar: Value<'c, '_>, ty: Type<'c>) -> Value<'c, 'a> {
        let target = with_element(ty, element_type_of(scalar.r#type())).expect("broadcast to a ranked tensor");
        let dims = DenseI64ArrayAttribute::new(self.context, &[]);
        self.value("stablehlo.broadcast_in_dim", &[scalar], target, &[("broadcast_dimensions", dims.into())])
    }

    /// The reduction of every element of a float `value` to a rank-0 tensor with `body`
    /// (`stablehlo.add`, `stablehlo.maximum`, ...), starting from `init`.
    pub fn reduce_all(&self, value: Value<'c, '_>, body: &str, init: f64) -> Value<'c, 'a> {
        self.reduce_all_together(&[(value, body, init)]).remove(0)
    }

    /// `reduce_all` of several float tensors of one shape in one variadic `stablehlo.reduce`: one
    /// pass over them, where XLA launches a kernel per reduction of tensors no producer joins
    /// (function arguments). `reductions` pairs each tensor with its body and init; the results come
    /// in that order.
    pub fn reduce_all_together(&self, reductions: &[(Value<'c, '_>, &str, f64)]) -> Vec<Value<'c, 'a>> {
        let scalars: Vec<Type<'c>> =
            reductions.iter().map(|(v, _, _)| crate::types::tensor_type(&[], element_type_of(v.r#type()))).collect();
        let rank = crate::types::shape_of(reductions[0].0.r#type()).map_or(0, |s| s.len());
        let inits: Vec<Value> =
            reductions.iter().zip(&scalars).map(|((_, _, init), &ty)| self.splat(ty, *init)).collect();
        // The body pairs accumulator i with element i: (acc_0 .. acc_n-1, x_0 .. x_n-1).
        let arguments: Vec<(Type<'c>, Location<'c>)> =
            scalars.iter().chain(&scalars).map(|&ty| (ty, self.location)).collect();
        let block = melior::ir::Block::new(&arguments);
        let n = reductions.len();
        let mut combined = Vec::with_capacity(n);
        for (i, ((_, body, _), &ty)) in reductions.iter().zip(&scalars).enumerate() {
            let (x, y) = (block.argument(i).expect("accumulator"), block.argument(n + i).expect("element"));
            let op = block.append_operation(
                OperationBuilder::new(body, self.location)
                    .add_operands(&[x.into(), y.into()])
                    .add_results(&[ty])
                    .build()
                    .expect("reduction body"),
            );
            combined.push(op.result(0).expect("one result").into());
        }
        block.append_operation(
            OperationBuilder::new("stablehlo.return", self.location).add_operands(&combined).build().expect("return"),
        );
        let region = melior::ir::Region::new();
        region.append_block(block);
        let dimensions: Vec<i64> = (0..rank as i64).collect();
        let dimensions = DenseI64ArrayAttribute::new(self.context, &dimensions);
        let operands: Vec<Value> = reductions.iter().map(|(v, _, _)| *v).chain(inits).collect();
        let operation = OperationBuilder::new("stablehlo.reduce", self.location)
            .add_operands(&operands)
            .add_results(&scalars)
            .add_attributes(&[(Identifier::new(self.context, "dimensions"), dimensions.into())])
            .add_regions([region])
            .build()
            .expect("variadic reduce");
        let operation = self.insert(operation);
        (0..n).map(|i| operation.result(i).expect("one result per tensor").into()).collect()
    }

    /// A reduction body `(x, y) -> body(x, y)` over rank-0 tensors of type `scalar` (`stablehlo.add`,
    /// `stablehlo.maximum`, ...), as `reduce` and the collectives take it.
    pub fn combiner(&self, body: &str, scalar: Type<'c>) -> melior::ir::Region<'c> {
        let block = melior::ir::Block::new(&[(scalar, self.location), (scalar, self.location)]);
        let (x, y) = (block.argument(0).expect("two arguments"), block.argument(1).expect("two arguments"));
        let combined = block.append_operation(
            OperationBuilder::new(body, self.location)
                .add_operands(&[x.into(), y.into()])
                .add_results(&[scalar])
                .build()
                .expect("reduction body"),
        );
        let result: Value = combined.result(0).expect("one result").into();
        block.append_operation(
            OperationBuilder::new("stablehlo.return", self.location).add_operands(&[result]).build().expect("return"),
        );
        let region = melior::ir::Region::new();
        region.append_block(block);
        region
    }

    /// `is_finite(value)`: an `i1` tensor of `value`'s shape.
    pub fn is_finite(&self, value: Value<'c, '_>) -> Value<'c, 'a> {
        let i1 = melior::ir::r#type::IntegerType::new(self.context, 1).into();
        let ty = with_element(value.r#type(), i1).expect("is_finite of a ranked tensor");
        self.value("stablehlo.is_finite", &[value], ty, &[])
    }

    pub fn clamp(&self, low: Value<'c, '_>, value: Value<'c, '_>, high: Value<'c, '_>) -> Value<'c, 'a> {
        self.value("stablehlo.clamp", &[low, value, high], value.r#type(), &[])
    }
}

/// Replaces the body of `op`'s region `index` by `body`'s blocks (`body` is left empty): a clone of a
/// region op keeps every attribute and property, only its body is rewritten.
pub fn replace_region_body(op: &OperationRef, index: usize, body: &melior::ir::Region) -> Result<(), String> {
    let region = op.region(index).map_err(|e| e.to_string())?;
    unsafe { mlir_sys::mlirRegionTakeBody(region.to_raw(), body.to_raw()) };
    Ok(())
}
