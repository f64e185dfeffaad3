//! What a module says about the devices it runs on (XLA's replica and partition counts, Shardy or
//! GSPMD shardings), and a form of it one host can feed: `replicate_boundary`.
//!
//! A sharded entry function takes each device's shard of its arguments. A runner holding whole
//! arrays gives every device the whole array instead: `replicate_boundary` declares the entry's
//! arguments and results replicated and re-applies each argument's sharding inside, as a sharding
//! constraint (`sdy.sharding_constraint`, or GSPMD's `custom_call @Sharding`). XLA's SPMD partitioner
//! then splits the same computation over the same devices (each device slices its shard), runs the
//! same collectives, and every device returns the whole result. Sharding annotations never change
//! values, so the outputs are the original program's.

use melior::Context;
use melior::ir::attribute::{ArrayAttribute, DictionaryAttribute, StringAttribute};
use melior::ir::block::BlockLike;
use melior::ir::operation::{OperationLike, OperationMutLike};
use melior::ir::{Attribute, Identifier, Module, OperationRef, RegionLike, Value, ValueLike};

use crate::ir::{self, walk};
use crate::signature::entry_function;
use crate::types::shape_of;
use crate::{InsertPoint, OpBuilder};

/// Devices a module runs on, as its attributes state them (1 and 1 when they do not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Devices {
    pub replicas: u32,
    pub partitions: u32,
    /// Its shardings are Shardy's (`sdy`), not GSPMD's `mhlo.sharding`.
    pub shardy: bool,
}

impl Devices {
    pub fn count(&self) -> usize {
        self.replicas as usize * self.partitions as usize
    }
}

pub fn devices(module: &Module) -> Devices {
    let op = module.as_operation();
    let count = |name: &str| {
        crate::attrs::integer(&op, name).ok().flatten().filter(|n| (1..=u32::MAX as i64).contains(n)).unwrap_or(1)
            as u32
    };
    let mut shardy = false;
    walk(&op, |inner| shardy |= name(&inner).starts_with("sdy."));
    Devices { replicas: count("mhlo.num_replicas"), partitions: count("mhlo.num_partitions"), shardy }
}

/// The sharding attribute names of the two formats.
const SHARDY: &str = "sdy.sharding";
const GSPMD: &str = "mhlo.sharding";

/// Declares the entry function's arguments and results replicated; each argument's own sharding
/// becomes a constraint on it inside. Err names what could not be done.
pub fn replicate_boundary(context: &Context, module: &Module) -> Result<(), String> {
    let function = entry_function(module).ok_or("no entry function")?;
    let mesh = first_mesh(module);
    // Unannotated arguments and results too: Shardy would otherwise let propagation shard them.
    let format = if devices(module).shardy { SHARDY } else { GSPMD };
    let replicated = |key: &str, value: Value| -> Option<Attribute> {
        match key {
            SHARDY => {
                let rank = shape_of(value.r#type()).map_or(0, |s| s.len());
                let dims = vec!["{}"; rank].join(", ");
                Attribute::parse(context, &format!("#sdy.sharding<@{}, [{dims}]>", mesh.as_deref()?))
            }
            _ => Some(StringAttribute::new(context, "{replicated}").into()),
        }
    };
    let block = function.region(0).ok().and_then(|r| r.first_block()).ok_or("entry function without a body")?;
    let arguments: Vec<Value> =
        (0..block.argument_count()).filter_map(|i| block.argument(i).ok()).map(Into::into).collect();
    let first = block.first_operation().ok_or("entry function without a body")?;
    let builder = OpBuilder::new(context, InsertPoint::Before(first), first.location());
    let mut argument_attributes = Vec::new();
    for (i, argument) in arguments.iter().enumerate() {
        let dictionary = attribute_dictionary(&function, "arg_attrs", i);
        let Some((key, sharding)) = sharding_of(dictionary) else {
            let replicated = replicated(format, *argument).ok_or(NO_MESH)?;
            argument_attributes.push(with_entry(context, dictionary, format, replicated));
            continue;
        };
        let constrained = match key {
            SHARDY => {
                builder.value("sdy.sharding_constraint", &[*argument], argument.r#type(), &[("sharding", sharding)])
            }
            _ => {
                let target = StringAttribute::new(context, "Sharding").into();
                builder.value(
                    "stablehlo.custom_call",
                    &[*argument],
                    argument.r#type(),
                    &[("call_target_name", target), (GSPMD, sharding)],
                )
            }
        };
        let constraint = ir::defining_op(constrained).expect("just built");
        for (user, position) in crate::values::uses(*argument) {
            if user != constraint {
                ir::mutable(user).set_operand(position, constrained);
            }
        }
        let replicated = replicated(key, *argument).ok_or(NO_MESH)?;
        argument_attributes.push(with_entry(context, dictionary, key, replicated));
    }
    let results = function_result_count(&function);
    let returned = block.terminator().ok_or("entry function without a return")?;
    let mut result_attributes = Vec::new();
    for i in 0..results {
        let dictionary = attribute_dictionary(&function, "res_attrs", i);
        let value = returned.operand(i).map_err(|e| e.to_string())?;
        let key = sharding_of(dictionary).map_or(format, |(key, _)| key);
        result_attributes.push(with_entry(context, dictionary, key, replicated(key, value).ok_or(NO_MESH)?));
    }
    let mut function = ir::mutable(function);
    if !arguments.is_empty() {
        function.set_attribute("arg_attrs", ArrayAttribute::new(context, &argument_attributes).into());
    }
    if results > 0 {
        function.set_attribute("res_attrs", ArrayAttribute::new(context, &result_attributes).into());
    }
    Ok(())
}

fn first_mesh(module: &Module) -> Option<String> {
    let body = module.body();
    let mut op = body.first_operation();
    while let Some(current) = op {
        if name(&current) == "sdy.mesh" {
            return ir::string_attribute(&current, "sym_name");
        }
        op = current.next_in_block();
    }
    None
}

fn function_result_count(function: &OperationRef) -> usize {
    function
        .attribute("function_type")
        .ok()
        .and_then(|t| {
            melior::ir::r#type::FunctionType::try_from(melior::ir::attribute::TypeAttribute::try_from(t).ok()?.value())
                .ok()
        })
        .map_or(0, |t| t.result_count())
}

fn attribute_dictionary<'c>(
    function: &OperationRef<'c, '_>,
    list: &str,
    index: usize,
) -> Option<DictionaryAttribute<'c>> {
    let array = ArrayAttribute::try_from(function.attribute(list).ok()?).ok()?;
    DictionaryAttribute::try_from(array.element(index).ok()?).ok()
}

/// The sharding in an argument's or result's attributes, with the format's key.
fn sharding_of<'c>(dictionary: Option<DictionaryAttribute<'c>>) -> Option<(&'static str, Attribute<'c>)> {
    let dictionary = dictionary?;
    [SHARDY, GSPMD].into_iter().find_map(|key| dictionary.element_by_name(key).map(|a| (key, a)))
}

const NO_MESH: &str = "Shardy shardings but no `sdy.mesh` in the module";

/// `dictionary` with `key` set to `value` (its other entries kept).
fn with_entry<'c>(
    context: &'c Context,
    dictionary: Option<DictionaryAttribute<'c>>,
    key: &str,
    value: Attribute<'c>,
) -> Attribute<'c> {
    let mut entries: Vec<(Identifier<'c>, Attribute<'c>)> = Vec::new();
    if let Some(dictionary) = dictionary {
        for i in 0..dictionary.len() {
            if let Ok((name, attribute)) = dictionary.element(i)
                && name.as_string_ref().as_str() != Ok(key)
            {
                entries.push((name, attribute));
            }
        }
    }
    entries.push((Identifier::new(context, key), value));
    DictionaryAttribute::new(context, &entries).into()
}

fn name(op: &OperationRef) -> String {
    op.name().as_string_ref().as_str().unwrap_or("?").to_string()
}
