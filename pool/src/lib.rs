//! A connection pool for diesel built on r2d2, with SQLAlchemy's vocabulary:
//! pool size, overflow, pre-ping and recycle at checkout.
//!
//! Use it through the facade as `retort::pool`.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
