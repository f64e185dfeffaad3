//! Def-use queries the melior API lacks.

use melior::ir::{OperationRef, Value, ValueLike};
use mlir_sys as sys;

/// Every use of `value`: the using operation and the operand position.
pub fn uses<'c, 'a>(value: Value<'c, 'a>) -> Vec<(OperationRef<'c, 'a>, usize)> {
    let mut found = Vec::new();
    unsafe {
        let mut operand = sys::mlirValueGetFirstUse(value.to_raw());
        while !sys::mlirOpOperandIsNull(operand) {
            let owner = OperationRef::from_raw(sys::mlirOpOperandGetOwner(operand));
            found.push((owner, sys::mlirOpOperandGetOperandNumber(operand) as usize));
            operand = sys::mlirOpOperandGetNextUse(operand);
        }
    }
    found
}
