//! The IR support layer, and the only crate that touches raw MLIR: the context (IREE initialised
//! once), diagnostics, module I/O, element and tensor types, typed views of StableHLO attributes, raw
//! IR handles behind safe functions (`ir`), a small op builder, and an entry point's signature. It
//! defines no dialect of its own (the directory keeps the layout's name): scalify's IR is StableHLO.

pub mod attrs;
pub mod builder;
pub mod context;
pub mod diagnostics;
pub mod fold;
pub mod io;
pub mod ir;
pub mod output;
pub mod signature;
pub mod spmd;
pub mod types;
pub mod values;

pub use attrs::{AttributeError, ConvDimensions, DotDimensions};
pub use builder::{InsertPoint, OpBuilder};
pub use context::{ScalifyContext, exit_on_fatal_errors, library_version};
pub use diagnostics::{Diagnostic, MlirError, Severity, SourceLocation};
pub use io::{Emit, PrintOptions};
pub use melior;
pub use types::ElementType;
