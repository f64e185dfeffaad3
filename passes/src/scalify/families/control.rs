//! Control flow. A loop-carried float keeps one scale on every iteration: the scale it enters with
//! when that is static (the yield rescales to it, by a constant), or a carried `tensor<f32>` scale when
//! it is dynamic. Branches of a case yield at a common scale for the same reason.

use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationMutLike};
use melior::ir::{Attribute, Block, BlockRef, OperationRef, Region, RegionLike, Type, Value, ValueLike};
use scalify_dialect::InsertPoint;
use scalify_dialect::builder::replace_region_body;
use scalify_dialect::ir;
use scalify_dialect::melior;
use scalify_dialect::types::{ElementType, element_type_of, scalar_f32_type, with_element};

use super::super::driver::rewrite_block_into;
use super::super::rewriter::{Mapped, Rewriter, Scaled, Statistic};
use super::super::scale::{Scale, ScaleMath};
use super::{emit_like, is_float, operands, results};

/// How one loop-carried value travels through the rewritten loop.
#[derive(Clone, Copy, Debug)]
enum Carry {
    /// Data only, at this static scale on every iteration.
    Fixed(f32),
    /// Data and its scale, both carried.
    Dynamic,
    /// Data, with its run-time scale in the block argument at this index (an isolated region's extra
    /// operands, after the op's own).
    ScaleArgument(usize),
    /// Data at this static scale, in f32 (a run-time scale leaving an isolated region, whose data
    /// type could not hold it at a static scale).
    FixedWide(f32),
    Plain,
}

use scalify_dialect::ir::new_block;

fn block_arguments<'c, 'a>(block: BlockRef<'c, 'a>) -> Vec<Value<'c, 'a>> {
    (0..block.argument_count()).filter_map(|i| block.argument(i).ok()).map(Into::into).collect()
}

/// Binds old values (a region's arguments, or an op's results) to their new counterparts, following
/// `carries`: a dynamic carry has two new values, data then scale.
fn bind_arguments<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    old: &[Value<'c, 'a>],
    new: &[Value<'c, 'a>],
    carries: &[Carry],
) {
    let mut next = new.iter();
    for (old, carry) in old.iter().zip(carries) {
        let data = *next.next().expect("one new argument per carried value");
        match carry {
            Carry::Fixed(s) | Carry::FixedWide(s) => rw.bind_scaled(*old, Scaled::new(data, Scale::Static(*s))),
            Carry::ScaleArgument(index) => rw.bind_scaled(*old, Scaled::new(data, Scale::dynamic(new[*index]))),
            Carry::Dynamic => {
                let scale = *next.next().expect("a scale argument");
                rw.bind_scaled(*old, Scaled::new(data, Scale::dynamic(scale)));
            }
            Carry::Plain => rw.bind_plain(*old, data),
        }
    }
}

/// The values a region yields for `carries`, at the insertion point (before its new terminator).
fn yielded<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, yields: &[Mapped<'c, 'a>], carries: &[Carry]) -> Vec<Value<'c, 'a>> {
    let mut values = Vec::new();
    for (mapped, carry) in yields.iter().zip(carries) {
        match (mapped, carry) {
            (Mapped::Scaled(scaled), Carry::Fixed(s)) => values.push(rw.rescale(*scaled, Scale::Static(*s))),
            (Mapped::Scaled(scaled), Carry::FixedWide(s)) => {
                let wide = Scaled { data: rw.convert(scaled.data, ElementType::F32), ..*scaled };
                values.push(rw.rescale(wide, Scale::Static(*s)));
            }
            (Mapped::Scaled(scaled), Carry::ScaleArgument(_)) => values.push(scaled.data),
            (Mapped::Scaled(scaled), Carry::Dynamic) => {
                let builder = rw.builder();
                let math = ScaleMath::new(&builder, rw.options.rounding);
                values.push(scaled.data);
                values.push(math.value(if scaled.invariant { Scale::ONE } else { scaled.scale }));
            }
            (Mapped::Plain(v), _) => values.push(*v),
            (Mapped::Scaled(scaled), Carry::Plain) => values.push(scaled.data),
        }
    }
    values
}

fn terminator_operands<'c, 'a>(terminator: OperationRef<'c, 'a>) -> Vec<Value<'c, 'a>> {
    terminator.operands().collect()
}

/// Rewrites `old_region`'s block into a new block with `argument_types`; returns the block and the
/// old terminator (the caller builds the new one).
fn rewrite_region<'c: 'a, 'a>(
    rw: &mut Rewriter<'c, 'a>,
    op: OperationRef<'c, 'a>,
    index: usize,
    argument_types: &[Type<'c>],
    carries: &[Carry],
) -> Result<(Block<'c>, BlockRef<'c, 'a>, OperationRef<'c, 'a>), String> {
    let old_block = op.region(index).ok().and_then(|r| r.first_block()).ok_or("region without a block")?;
    let (block, reference) = new_block(argument_types, rw.location());
    bind_arguments(rw, &block_arguments(old_block), &block_arguments(reference), carries);
    let terminator = rewrite_block_into(rw, old_block, reference)?;
    Ok((block, reference, terminator))
}

fn append_return<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, block: BlockRef<'c, 'a>, values: &[Value<'c, 'a>]) {
    let saved = (rw.point(), rw.location());
    rw.set_point(InsertPoint::End(block), saved.1);
    rw.builder().op("stablehlo.return", values, &[], &[]);
    rw.set_point(saved.0, saved.1);
}

pub fn while_loop<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let (point, location) = (rw.point(), rw.location());
    let mut carries = Vec::new();
    let mut new_operands = Vec::new();
    let mut types = Vec::new();
    for value in operands(&op) {
        match rw.lookup(value) {
            Mapped::Scaled(s) => {
                let fixed = if s.invariant { Some(1.0) } else { s.scale.as_static() };
                new_operands.push(match fixed {
                    Some(f) => rw.rescale(s, Scale::Static(f)),
                    None => s.data,
                });
                types.push(rw.data_type(value.r#type()));
                match fixed {
                    Some(f) => carries.push(Carry::Fixed(f)),
                    None => {
                        let builder = rw.builder();
                        new_operands.push(ScaleMath::new(&builder, rw.options.rounding).value(s.scale));
                        types.push(scalar_f32_type(rw.context));
                        carries.push(Carry::Dynamic);
                    }
                }
            }
            Mapped::Plain(v) => {
                new_operands.push(v);
                types.push(v.r#type());
                carries.push(Carry::Plain);
            }
        }
    }
    let (cond, cond_ref, cond_end) = rewrite_region(rw, op, 0, &types, &carries)?;
    let predicate = terminator_operands(cond_end).into_iter().map(|v| rw.plain(v)).collect::<Vec<_>>();
    append_return(rw, cond_ref, &predicate);
    let (body, body_ref, body_end) = rewrite_region(rw, op, 1, &types, &carries)?;
    rw.set_point(InsertPoint::End(body_ref), location);
    let body_yields: Vec<Mapped> = terminator_operands(body_end).into_iter().map(|v| rw.lookup(v)).collect();
    let yields = yielded(rw, &body_yields, &carries);
    append_return(rw, body_ref, &yields);
    rw.set_point(point, location);

    let (cond_region, body_region) = (Region::new(), Region::new());
    cond_region.append_block(cond);
    body_region.append_block(body);
    let new =
        rw.builder().op_with_regions("stablehlo.while", &new_operands, &types, &[], vec![cond_region, body_region]);
    bind_arguments(rw, &results(&op), &results(&new), &carries);
    Ok(())
}

/// stablehlo.case and stablehlo.if: each float result at the largest of the branches' static
/// scales, or carried with its scale when a branch's scale is dynamic.
pub fn case<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let (point, location) = (rw.point(), rw.location());
    let selector = rw.plain(op.operand(0).map_err(|e| e.to_string())?);
    let mut branches = Vec::new();
    for index in 0..op.region_count() {
        let (block, reference, terminator) = rewrite_region(rw, op, index, &[], &[])?;
        rw.set_point(InsertPoint::End(reference), location);
        let yields: Vec<Mapped> = terminator_operands(terminator).into_iter().map(|v| rw.lookup(v)).collect();
        branches.push((block, reference, yields));
    }
    // One carry per result, decided over all branches.
    let old_results = results(&op);
    let mut carries = Vec::new();
    let mut types = Vec::new();
    for (i, old) in old_results.iter().enumerate() {
        if !is_float(*old) {
            carries.push(Carry::Plain);
            types.push(old.r#type());
            continue;
        }
        let mut common: Option<f32> = Some(0.0);
        for (_, _, yields) in &branches {
            if let Mapped::Scaled(s) = yields[i] {
                common = match (common, s.invariant, s.scale.as_static()) {
                    (Some(c), true, _) => Some(c),
                    (Some(c), false, Some(x)) => Some(c.max(x)),
                    _ => None,
                };
            }
        }
        types.push(rw.data_type(old.r#type()));
        match common {
            Some(c) => carries.push(Carry::Fixed(if c == 0.0 { 1.0 } else { c })),
            None => {
                carries.push(Carry::Dynamic);
                types.push(scalar_f32_type(rw.context));
            }
        }
    }
    let mut regions = Vec::new();
    for (block, reference, yields) in branches {
        rw.set_point(InsertPoint::End(reference), location);
        let values = yielded(rw, &yields, &carries);
        append_return(rw, reference, &values);
        let region = Region::new();
        region.append_block(block);
        regions.push(region);
    }
    rw.set_point(point, location);
    let name = scalify_dialect::melior::ir::operation::OperationLike::name(&op);
    let name = name.as_string_ref().as_str().unwrap_or("stablehlo.case").to_string();
    let new = rw.builder().op_with_regions(&name, &[selector], &types, &[], regions);
    bind_arguments(rw, &old_results, &results(&new), &carries);
    Ok(())
}

/// The static scale a value crosses an isolated region's boundary at: its own when static, else its
/// compile-time factor (the run-time base, near 1, is folded into the data on the near side).
fn boundary_scale(s: &Scaled) -> f32 {
    if s.invariant {
        return 1.0;
    }
    match s.scale {
        Scale::Static(x) => x,
        Scale::Dynamic { factor, .. } => factor,
    }
}

/// An isolated region op run on each device's shard (Shardy's `sdy.manual_computation`, `shard_map`):
/// the body sees nothing from outside but its operands, and the op's shardings describe each one.
/// - A static scale crosses as it is.
/// - A run-time scale enters as an extra operand after the op's own, replicated (`<@mesh, []>`
///   appended to `in_shardings`): the same on every device, as it was outside.
/// - A run-time scale computed inside may differ between devices, so it does not leave: the data
///   leaves in f32 at the scale's static part (`boundary_scale`), and is rescaled outside from its
///   own maximum, over the whole array.
/// The body is rewritten like any region; the op keeps its other attributes (manual axes).
pub fn isolated_region<'c: 'a, 'a>(rw: &mut Rewriter<'c, 'a>, op: OperationRef<'c, 'a>) -> Result<(), String> {
    let (point, location) = (rw.point(), rw.location());
    let old_block = op.region(0).ok().and_then(|r| r.first_block()).ok_or("region without a block")?;
    let old_arguments = block_arguments(old_block);
    if old_arguments.len() != op.operand_count() || op.region_count() != 1 {
        return Err("expected one block argument per operand and one region".into());
    }
    let replicated = replicated_sharding(&op);
    let mut carries = Vec::new();
    let mut new_operands = Vec::new();
    let mut argument_types = Vec::new();
    let mut scales = Vec::new();
    for (value, argument) in operands(&op).into_iter().zip(&old_arguments) {
        match rw.lookup(value) {
            Mapped::Scaled(s) if !s.invariant && s.scale.as_static().is_none() && replicated.is_some() => {
                new_operands.push(s.data);
                argument_types.push(rw.data_type(argument.r#type()));
                carries.push(Carry::ScaleArgument(old_arguments.len() + scales.len()));
                let builder = rw.builder();
                scales.push(ScaleMath::new(&builder, rw.options.rounding).value(s.scale));
            }
            Mapped::Scaled(s) => {
                let fixed = boundary_scale(&s);
                new_operands.push(rw.rescale(s, Scale::Static(fixed)));
                argument_types.push(rw.data_type(argument.r#type()));
                carries.push(Carry::Fixed(fixed));
            }
            Mapped::Plain(v) => {
                new_operands.push(v);
                argument_types.push(argument.r#type());
                carries.push(Carry::Plain);
            }
        }
    }
    argument_types.extend(scales.iter().map(|_| scalar_f32_type(rw.context)));
    new_operands.extend(&scales);
    // The body holds a whole step (forward, backward, update): each op takes its own role's type.
    let outer_roles = rw.nested_roles;
    rw.nested_roles = rw.function_roles;
    let rewritten = rewrite_region(rw, op, 0, &argument_types, &carries);
    rw.nested_roles = outer_roles;
    let (block, reference, terminator) = rewritten?;
    rw.set_point(InsertPoint::End(reference), location);
    let yields: Vec<Mapped> = terminator_operands(terminator).into_iter().map(|v| rw.lookup(v)).collect();
    let result_carries: Vec<Carry> = yields
        .iter()
        .map(|m| match m {
            Mapped::Scaled(s) if !s.invariant && s.scale.as_static().is_none() => Carry::FixedWide(boundary_scale(s)),
            Mapped::Scaled(s) => Carry::Fixed(boundary_scale(s)),
            Mapped::Plain(_) => Carry::Plain,
        })
        .collect();
    let values = yielded(rw, &yields, &result_carries);
    let terminator_name = terminator.name();
    let terminator_name = terminator_name.as_string_ref().as_str().unwrap_or("sdy.return").to_string();
    rw.builder().op(&terminator_name, &values, &[], &[]);
    rw.set_point(point, location);
    // The op's (global) shapes, in the element types yielded: the body's last ops may have computed
    // in another role's type.
    let result_types: Vec<Type> = results(&op)
        .iter()
        .zip(&values)
        .map(|(r, v)| with_element(r.r#type(), element_type_of(v.r#type())).unwrap_or(r.r#type()))
        .collect();
    // A clone keeps the op's attributes and properties (an unregistered op keeps its `<{...}>` only
    // as properties); its results take the data types and its region the rewritten body.
    let new = emit_like(rw, op, &new_operands, &result_types);
    if let (Some(sharding), false) = (replicated, scales.is_empty()) {
        append_in_shardings(rw, &new, &sharding, scales.len())?;
    }
    let region = Region::new();
    region.append_block(block);
    replace_region_body(&new, 0, &region)?;
    for ((old, new), carry) in results(&op).into_iter().zip(results(&new)).zip(&result_carries) {
        match carry {
            Carry::FixedWide(s) => {
                let scaled = rw.normalize(new, Scale::Static(*s), Statistic::Max, 0.0);
                rw.bind_scaled(old, scaled);
            }
            _ => bind_arguments(rw, &[old], &[new], std::slice::from_ref(carry)),
        }
    }
    Ok(())
}

/// A replicated sharding on the mesh `op`'s own shardings name (`<@mesh, []>`); none when they name
/// no mesh symbol (an inline mesh), where run-time scales cross at static ones instead.
fn replicated_sharding(op: &OperationRef) -> Option<String> {
    let (_, text) = ir::opaque_attribute(op.attribute("in_shardings").ok()?)?;
    let mesh = text.split_once("<@")?.1;
    let end = mesh.find(|c: char| c == ',' || c == '>')?;
    Some(format!("<@{}, []>", &mesh[..end]))
}

/// `in_shardings` of a Shardy manual computation with `count` more operands, each `sharding`.
fn append_in_shardings(rw: &Rewriter, op: &OperationRef, sharding: &str, count: usize) -> Result<(), String> {
    let (namespace, text) =
        op.attribute("in_shardings").ok().and_then(ir::opaque_attribute).ok_or("in_shardings is not Shardy's")?;
    let list = text.strip_prefix("sharding_per_value<[").and_then(|t| t.strip_suffix("]>")).ok_or("in_shardings")?;
    let added = vec![sharding; count].join(", ");
    let joined = if list.trim().is_empty() { added } else { format!("{list}, {added}") };
    let attribute = Attribute::parse(rw.context, &format!("#{namespace}.sharding_per_value<[{joined}]>"))
        .ok_or("in_shardings with the scales' shardings does not parse")?;
    ir::mutable(*op).set_attribute("in_shardings", attribute);
    Ok(())
}
