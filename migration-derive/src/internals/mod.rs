//! What the derives understand of their input, as serde_derive splits it:
//! an error context, the attribute keys, parsing, cross-field checks.

pub mod ast;
pub mod attr;
pub mod check;
pub mod ctxt;
pub mod sql_type;
pub mod symbol;

pub use ctxt::Ctxt;
