//! `scalify-strip-markers`: removes scalify's marker custom calls (dynamic rescales, FP8 format
//! hints), each of which is the identity on its operand, so a marked program runs without scalify.

use melior::ir::operation::{OperationLike, WalkOrder, WalkResult};
use melior::ir::{Module, OperationRef, Value, ValueLike};
use scalify_dialect::melior;

use crate::scalify::rules::is_marker;

/// Replaces every marker's result by its operand and erases the marker; returns how many went.
pub fn strip_markers(module: &mut Module) -> usize {
    let mut markers: Vec<OperationRef> = Vec::new();
    module.as_operation().walk(WalkOrder::PostOrder, |op| {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        let target = op.attribute("call_target_name").map(|a| a.to_string().trim_matches('"').to_string());
        if name == "stablehlo.custom_call" && target.is_ok_and(|t| is_marker(&t)) && op.operand_count() == 1 {
            markers.push(unsafe { OperationRef::from_raw(op.to_raw()) });
        }
        WalkResult::Advance
    });
    for marker in &markers {
        let input = marker.operand(0).expect("one operand");
        let output: Value = marker.result(0).expect("one result").into();
        unsafe {
            mlir_sys::mlirValueReplaceAllUsesOfWith(output.to_raw(), input.to_raw());
            mlir_sys::mlirOperationDestroy(marker.to_raw());
        }
    }
    markers.len()
}
