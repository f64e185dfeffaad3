//! `scalify-strip-markers`: removes scalify's marker custom calls (dynamic rescales, FP8 format
//! hints), each of which is the identity on its operand, so a marked program runs without scalify.

use melior::ir::operation::OperationLike;
use melior::ir::{Module, OperationRef};
use scalify_dialect::{ir, melior};

use crate::scalify::rules::is_marker;

/// Replaces every marker's result by its operand and erases the marker; returns how many went.
pub fn strip_markers(module: &mut Module) -> usize {
    let mut markers: Vec<OperationRef> = Vec::new();
    ir::walk(&module.as_operation(), |op| {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        let target = ir::string_attribute(&op, "call_target_name");
        if name == "stablehlo.custom_call" && target.is_some_and(|t| is_marker(&t)) && op.operand_count() == 1 {
            markers.push(op);
        }
    });
    for marker in &markers {
        let input = marker.operand(0).expect("one operand");
        ir::replace_all_uses(marker.result(0).expect("one result").into(), input);
        ir::erase(*marker);
    }
    markers.len()
}
