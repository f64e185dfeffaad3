//! Where an op sits in a training step, read from JAX's name stack (present in locations with
//! `lower(...).as_text(debug_info=True)`, which `scalify.jit` always uses):
//! `jit(step)/jvp(...)/...` is the forward pass, `jit(step)/transpose(jvp(...))/...` the backward
//! pass, and an op outside any `jvp` in a function that has them is the optimizer's update.
//! Without name stacks the optimizer's update is found from the dataflow (`dataflow`) and every other
//! op is `Unknown`, taking the policy's plain `data-type`.

use std::collections::{HashMap, HashSet};

use melior::ir::operation::OperationLike;
use melior::ir::{OperationRef, Value, ValueLike};
use scalify_dialect::types::is_float_tensor;
use scalify_dialect::values::uses;
use scalify_dialect::{ir, melior};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `jvp(...)`: activations and everything else the loss computes.
    Forward,
    /// `transpose(jvp(...))`: gradients.
    Backward,
    /// Outside autodiff in a function with an autodiff region: the optimizer's update of parameters
    /// and state.
    Optimizer,
    /// No name stack.
    Unknown,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Forward => "forward",
            Role::Backward => "backward",
            Role::Optimizer => "optimizer",
            Role::Unknown => "unknown",
        }
    }

    /// The role of an op whose printed location is `location`; `has_autodiff` says whether its
    /// function has any `jvp` name stack (else "outside jvp" means nothing).
    pub fn of_location(location: &str, has_autodiff: bool) -> Role {
        if location.contains("transpose(") {
            Role::Backward
        } else if location.contains("jvp(") {
            Role::Forward
        } else if has_autodiff {
            Role::Optimizer
        } else {
            Role::Unknown
        }
    }
}

/// The optimizer's update and state, found from the dataflow (for functions without name stacks, and
/// for storing state in its own type).
pub struct Dataflow {
    /// Positions among the arguments of the optimizer state (AdamW's m and v): float arguments from
    /// which no dot_general or convolution can be reached, since parameters and data feed the forward
    /// and backward matmuls and state only feeds the update, and which have the type of an argument
    /// that does reach one (state mirrors the parameters; a forward-only module's last bias, which
    /// reaches no matmul either, mirrors nothing).
    pub state_arguments: HashSet<usize>,
    /// Positions among the ops of the update: ops that depend on state, and ops that only feed the
    /// update and no contraction.
    pub update_ops: HashSet<usize>,
}

/// `Dataflow` of a function with `arguments` and top-level `ops` (in order, terminator excluded);
/// empty when the function has no contraction.
pub fn dataflow(arguments: &[Value], ops: &[OperationRef]) -> Dataflow {
    let index: HashMap<usize, usize> = ops.iter().enumerate().map(|(i, op)| (op.to_raw().ptr as usize, i)).collect();
    // The top-level op an op belongs to (itself, or the one whose region holds it).
    let top_level = |op: OperationRef| -> Option<usize> {
        let mut current = Some(op);
        while let Some(op) = current {
            if let Some(i) = index.get(&(op.to_raw().ptr as usize)) {
                return Some(*i);
            }
            current = op.parent_operation();
        }
        None
    };
    let nested = |op: &OperationRef, visit: &mut dyn FnMut(OperationRef)| ir::walk(op, visit);
    let mut contracts = vec![false; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        nested(op, &mut |inner| {
            let name = inner.name();
            let name = name.as_string_ref().as_str().unwrap_or("");
            contracts[i] |= name == "stablehlo.dot_general" || name == "stablehlo.convolution";
        });
    }
    if !contracts.contains(&true) {
        return Dataflow { state_arguments: HashSet::new(), update_ops: HashSet::new() };
    }
    let users =
        |value: Value| -> Vec<usize> { uses(value).into_iter().filter_map(|(user, _)| top_level(user)).collect() };
    // Backwards: an op reaches a contraction if it is one or feeds one that does.
    let mut reaches = contracts.clone();
    for i in (0..ops.len()).rev() {
        if !reaches[i] {
            reaches[i] = ops[i].results().any(|r| users(r.into()).iter().any(|&j| j != i && reaches[j]));
        }
    }
    let reaches_contraction = |i: usize| users(arguments[i]).iter().any(|&j| reaches[j]);
    let state_arguments: HashSet<usize> = (0..arguments.len())
        .filter(|&i| is_float_tensor(arguments[i].r#type()))
        .filter(|&i| !users(arguments[i]).is_empty() && !reaches_contraction(i))
        .filter(|&i| {
            (0..arguments.len()).any(|j| arguments[j].r#type() == arguments[i].r#type() && reaches_contraction(j))
        })
        .collect();
    let state: HashSet<usize> = state_arguments.iter().map(|&i| arguments[i].to_raw().ptr as usize).collect();
    // Forwards: an op depending on state (directly or through an update op) is part of the update.
    let mut update = HashSet::new();
    for (i, op) in ops.iter().enumerate() {
        let mut depends = false;
        nested(op, &mut |inner| {
            for operand in inner.operands() {
                let key = operand.to_raw().ptr as usize;
                depends |= state.contains(&key)
                    || ir::defining_op(operand).and_then(top_level).is_some_and(|j| j != i && update.contains(&j));
            }
        });
        if depends {
            update.insert(i);
        }
    }
    // Backwards: what only feeds the update and no contraction is the update's too (AdamW's g * g and
    // (1 - b1) * g, whose f16 squares of small gradients would flush before v sees them).
    for i in (0..ops.len()).rev() {
        if reaches[i] || update.contains(&i) {
            continue;
        }
        let all_users: Vec<usize> = ops[i].results().flat_map(|r| users(r.into())).collect();
        if !all_users.is_empty() && all_users.iter().all(|j| update.contains(j)) {
            update.insert(i);
        }
    }
    Dataflow { state_arguments, update_ops: update }
}

/// The ops (top-level and nested, by pointer) that the function's scalar float results depend on: the
/// loss and its forward pass. Without name stacks (PyTorch, JAX text without debug info) this tells a
/// backward op from a forward one: the backward pass starts from the loss's cotangent and feeds only
/// gradients, never the loss. `None` when no result is a float scalar (no loss to start from).
pub fn loss_cone(ops: &[OperationRef], returned: &[Value]) -> Option<HashSet<usize>> {
    let key = |value: Value| value.to_raw().ptr as usize;
    let mut needed: HashSet<usize> = returned
        .iter()
        .filter(|v| {
            is_float_tensor(v.r#type()) && scalify_dialect::types::shape_of(v.r#type()).is_some_and(|s| s.is_empty())
        })
        .map(|v| key(*v))
        .collect();
    if needed.is_empty() {
        return None;
    }
    let mut cone = HashSet::new();
    for op in ops.iter().rev() {
        if !op.results().any(|r| needed.contains(&key(r.into()))) {
            continue;
        }
        // The op and everything nested in it (a while body's ops may read values from above).
        ir::walk(op, |inner| {
            cone.insert(inner.to_raw().ptr as usize);
            for operand in inner.operands() {
                needed.insert(key(operand));
            }
        });
    }
    Some(cone)
}

/// Which argument a returned value is the next value of: the arguments its expression adds, subtracts
/// or scales directly (`p - lr * u`, `b1 * m + (1 - b1) * g`), looking through conversions and layout
/// ops; empty when none.
pub fn updated_arguments(value: Value, arguments: &[Value]) -> HashSet<usize> {
    fn walk(value: Value, arguments: &[Value], depth: usize, found: &mut HashSet<usize>) {
        if let Some(i) = arguments.iter().position(|a| *a == value) {
            found.insert(i);
            return;
        }
        let Some(op) = ir::defining_op(value).filter(|_| depth > 0) else { return };
        let name = op.name();
        let linear = matches!(
            name.as_string_ref().as_str().unwrap_or(""),
            "stablehlo.add"
                | "stablehlo.subtract"
                | "stablehlo.multiply"
                | "stablehlo.negate"
                | "stablehlo.convert"
                | "stablehlo.reshape"
                | "stablehlo.broadcast_in_dim"
        );
        if linear {
            for operand in op.operands() {
                walk(operand, arguments, depth - 1, found);
            }
        }
    }
    let mut found = HashSet::new();
    walk(value, arguments, 6, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn name_stacks_give_roles() {
        let forward = r#"loc("jit(train_step)/jvp()/dot_general"(#loc3))"#;
        let backward = r#"loc("jit(train_step)/transpose(jvp())/dot_general"(#loc3))"#;
        let update = r#"loc("jit(train_step)/sqrt"(#loc9))"#;
        assert_eq!(Role::of_location(forward, true), Role::Forward);
        assert_eq!(Role::of_location(backward, true), Role::Backward);
        assert_eq!(Role::of_location(update, true), Role::Optimizer);
        assert_eq!(Role::of_location("loc(unknown)", false), Role::Unknown);
    }
}
