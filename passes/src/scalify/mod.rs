//! The Scalify pass: every floating-point tensor becomes (data, scale), with a power-of-two f32 scale
//! propagated through every op so that data stays near unit scale (arXiv 2407.17353).

mod driver;
mod families;
mod fp8;
mod plan;
pub mod policy;
pub mod pow2;
pub mod report;
pub mod rewriter;
pub mod role;
pub mod rules;
mod scale;

pub use driver::{scalify, warnings};
pub use policy::{MatmulType, Options, PRESETS, SignatureMode};
pub use pow2::Rounding;
pub use report::Report;
