//! What both derives share, as serde_derive splits it: an error context,
//! the attribute keys, the readers of their values, and the column types
//! `sql_type` understands. Each derive keeps its own `attr.rs`.

pub mod ctxt;
pub mod keys;
pub mod sql_type;
pub mod symbol;

pub use ctxt::Ctxt;
