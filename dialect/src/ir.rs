//! IR traversal and mutation that melior exposes only through raw handles, behind safe functions, so
//! that the passes hold no `unsafe` and no `mlir_sys`.
//!
//! MLIR owns every operation, block and context that these references name; they stay valid while
//! the module holding them lives and the operation is not erased. The functions below only extend a
//! borrow to that lifetime ('c for the context, 'a for the module's IR), which is what melior's own
//! lifetimes cannot express across callbacks and region transfers.

use melior::ir::operation::{OperationLike, OperationRefMut, WalkOrder, WalkResult};
use melior::ir::{Attribute, AttributeLike, Block, BlockRef, Location, Operation, OperationRef, Value, ValueLike};
use mlir_sys as sys;

use crate::ElementType;
use crate::types::element_type_of;

/// The operation that defines `value`; `None` for a block argument.
pub fn defining_op<'c, 'a>(value: Value<'c, 'a>) -> Option<OperationRef<'c, 'a>> {
    value.is_operation_result().then(|| unsafe { OperationRef::from_raw(sys::mlirOpResultGetOwner(value.to_raw())) })
}

/// `op` and every operation nested in its regions, in pre-order, as references into the module.
pub fn walk<'c, 'a>(op: &OperationRef<'c, 'a>, mut visit: impl FnMut(OperationRef<'c, 'a>)) {
    op.walk(WalkOrder::PreOrder, |inner| {
        visit(unsafe { OperationRef::from_raw(inner.to_raw()) });
        WalkResult::Advance
    });
}

/// A mutable handle on an operation of the module (attributes, operands, location).
pub fn mutable<'c, 'a>(op: OperationRef<'c, 'a>) -> OperationRefMut<'c, 'a> {
    unsafe { OperationRefMut::from_raw(op.to_raw()) }
}

/// Erases `op` (unlinked from its block and destroyed). Its results must have no uses left, and no
/// reference to it may be used afterwards.
pub fn erase(op: OperationRef) {
    unsafe { sys::mlirOperationDestroy(op.to_raw()) }
}

/// Every use of `old` now uses `new`.
pub fn replace_all_uses(old: Value, new: Value) {
    unsafe { sys::mlirValueReplaceAllUsesOfWith(old.to_raw(), new.to_raw()) }
}

/// A detached deep copy of `op` (regions included), for insertion elsewhere.
pub fn clone_op<'c>(op: &OperationRef<'c, '_>) -> Operation<'c> {
    unsafe { Operation::from_raw(sys::mlirOperationClone(op.to_raw())) }
}

/// A new detached block with arguments of `types`, and a reference to it that stays valid once its
/// ownership passes to a region (MLIR blocks do not move).
pub fn new_block<'c, 'a>(types: &[melior::ir::Type<'c>], location: Location<'c>) -> (Block<'c>, BlockRef<'c, 'a>) {
    let arguments: Vec<_> = types.iter().map(|t| (*t, location)).collect();
    let block = Block::new(&arguments);
    let reference = unsafe { BlockRef::from_raw(block.to_raw()) };
    (block, reference)
}

/// Sets `op`'s location (through the C++ glue: the linked library lacks `mlirOperationSetLocation`).
pub fn set_location(op: OperationRef, location: Location) {
    unsafe { scalify_mlir_link::set_operation_location(op.to_raw(), location.to_raw()) }
}

/// `callee` seen from `caller`: the location an inlined operation takes.
pub fn call_site<'c>(callee: Location<'c>, caller: Location<'c>) -> Location<'c> {
    unsafe { Location::from_raw(sys::mlirLocationCallSiteGet(callee.to_raw(), caller.to_raw())) }
}

/// The values of a float dense constant as f64: `(true, [v])` for a splat, `(false, values)` for an
/// f32 or f64 array; `None` for anything else.
pub fn float_constant_values(attribute: Attribute) -> Option<(bool, Vec<f64>)> {
    let dense = melior::ir::attribute::DenseElementsAttribute::try_from(attribute).ok()?;
    let raw = attribute.to_raw();
    let element = ElementType::of(element_type_of(attribute.r#type()));
    unsafe {
        if dense.is_splat() {
            let splat = sys::mlirDenseElementsAttrGetSplatValue(raw);
            return sys::mlirAttributeIsAFloat(splat).then(|| (true, vec![sys::mlirFloatAttrGetValueDouble(splat)]));
        }
        let values = (0..dense.len() as isize)
            .map(|i| match element {
                Some(ElementType::F32) => Some(sys::mlirDenseElementsAttrGetFloatValue(raw, i) as f64),
                Some(ElementType::F64) => Some(sys::mlirDenseElementsAttrGetDoubleValue(raw, i)),
                _ => None,
            })
            .collect::<Option<Vec<f64>>>()?;
        Some((false, values))
    }
}

/// The bytes of an MLIR string reference, as (lossy) UTF-8: names in fuzzed input need not be UTF-8,
/// and melior's accessors panic on those (and on empty strings).
fn string_of(raw: sys::MlirStringRef) -> String {
    if raw.length == 0 || raw.data.is_null() {
        return String::new();
    }
    let bytes = unsafe { std::slice::from_raw_parts(raw.data as *const u8, raw.length) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// A string attribute's value (`sym_name`, `call_target_name`, `sym_visibility`).
pub fn string_attribute(op: &OperationRef, name: &str) -> Option<String> {
    let raw = op.attribute(name).ok()?.to_raw();
    unsafe { sys::mlirAttributeIsAString(raw).then(|| string_of(sys::mlirStringAttrGetValue(raw))) }
}

/// The symbol a flat symbol reference attribute names (`callee`), without its `@`.
pub fn symbol_attribute(op: &OperationRef, name: &str) -> Option<String> {
    let raw = op.attribute(name).ok()?.to_raw();
    unsafe { sys::mlirAttributeIsAFlatSymbolRef(raw).then(|| string_of(sys::mlirFlatSymbolRefAttrGetValue(raw))) }
}

/// A bool attribute's value (`has_side_effect`); `None` when absent or of another kind.
pub fn bool_attribute(op: &OperationRef, name: &str) -> Option<bool> {
    let raw = op.attribute(name).ok()?.to_raw();
    unsafe { sys::mlirAttributeIsABool(raw).then(|| sys::mlirBoolAttrGetValue(raw)) }
}

/// An opaque attribute's (dialect namespace, text): how `sdy` attributes are held (the library has
/// Shardy's syntax, not its attributes).
pub fn opaque_attribute(attribute: Attribute) -> Option<(String, String)> {
    let raw = attribute.to_raw();
    unsafe {
        sys::mlirAttributeIsAOpaque(raw).then(|| {
            (string_of(sys::mlirOpaqueAttrGetDialectNamespace(raw)), string_of(sys::mlirOpaqueAttrGetData(raw)))
        })
    }
}

/// Replaces every operand of `op` by `operands`, whose count may differ from the op's.
pub fn set_operands(op: OperationRef, operands: &[Value]) {
    let raw: Vec<sys::MlirValue> = operands.iter().map(|v| v.to_raw()).collect();
    unsafe { sys::mlirOperationSetOperands(op.to_raw(), raw.len() as isize, raw.as_ptr()) }
}
