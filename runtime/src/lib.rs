//! Executes StableHLO through XLA's PJRT C API, the way users and the test suite check what the
//! scalify pass produced. Independent of MLIR: a module rewritten on one machine runs on another.

pub mod array;
pub mod bench;
pub mod compare;
pub mod dtype;
pub mod npy;
mod pjrt;
pub mod plugins;
pub mod random;
mod sys;

pub use array::{ArrayError, HostArray};
pub use compare::{Comparison, Tolerance, compare};
pub use dtype::DType;
pub use pjrt::{Buffer, Client, Executable, Partitioning, PjrtError, Plugin, TensorSpec};
