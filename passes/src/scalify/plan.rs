//! The analysis before a function's walk: each op's role (when some role has its own data type) and
//! each boundary value's storage type at a scaled signature. Reads the IR, changes nothing.

use melior::ir::block::BlockLike;
use melior::ir::operation::OperationLike;
use melior::ir::{BlockRef, OperationRef, Value};
use scalify_dialect::{ElementType, melior};

use super::policy::{Options, SignatureMode};
use super::role::{Role, dataflow, updated_arguments};

/// What is decided about a function before its walk: each op's role (when some role has its own data
/// type) and each boundary value's storage type at a scaled signature.
pub struct Plan {
    /// The role of each op of the body, or `None` when roles are not read (no role has its own type).
    pub roles: Option<Vec<Role>>,
    /// Whether the function has autodiff name stacks (`jvp(`), at any depth: what an op outside
    /// them is (the optimizer's update) when roles are read.
    pub has_autodiff: bool,
    /// Element type of each argument's data, and of each result's, at a scaled signature.
    pub argument_storage: Vec<ElementType>,
    pub result_storage: Vec<ElementType>,
}

impl Plan {
    pub fn new(block: BlockRef, ops: &[OperationRef], options: &Options) -> Self {
        let arguments: Vec<Value> =
            (0..block.argument_count()).filter_map(|i| block.argument(i).ok()).map(Into::into).collect();
        let body = &ops[..ops.len().saturating_sub(1)];
        let locations: Vec<String> = match options.has_role_data_types() {
            true => body.iter().map(|op| op.location().to_string()).collect(),
            false => Vec::new(),
        };
        // Name stacks inside regions count too: a shard_map's whole step sits in one op's body.
        let has_autodiff = options.has_role_data_types()
            && body.iter().any(|op| {
                let mut found = false;
                scalify_dialect::ir::walk(op, |inner| found |= inner.location().to_string().contains("jvp("));
                found
            });
        // Optimizer state (found from the dataflow) may be stored in its own type.
        let state_storage =
            options.state_data_type.filter(|t| *t != options.data_type && options.signature == SignatureMode::Scaled);
        let needs_dataflow = (options.has_role_data_types() && !has_autodiff) || state_storage.is_some();
        let flow = needs_dataflow.then(|| dataflow(&arguments, body));
        let roles = options.has_role_data_types().then(|| {
            let update = flow.as_ref().filter(|_| !has_autodiff).map(|f| &f.update_ops);
            (0..body.len())
                .map(|i| match Role::of_location(&locations[i], has_autodiff) {
                    Role::Unknown if update.is_some_and(|u| u.contains(&i)) => Role::Optimizer,
                    role => role,
                })
                .collect()
        });
        let state = flow.map(|f| f.state_arguments).unwrap_or_default();
        let storage = |is_state: bool| match state_storage {
            Some(t) if is_state => t,
            _ => options.data_type,
        };
        let argument_storage = (0..arguments.len()).map(|i| storage(state.contains(&i))).collect();
        let returned: Vec<Value> = ops.last().map(|t| t.operands().collect()).unwrap_or_default();
        let result_storage = returned
            .iter()
            .map(|value| {
                let updated = updated_arguments(*value, &arguments);
                storage(!updated.is_empty() && updated.is_subset(&state))
            })
            .collect();
        Self { roles, has_autodiff, argument_storage, result_storage }
    }
}
