//! Derive macros for [retort](https://docs.rs/retort). Use them through the
//! facade: `use retort::Model;`.
//!
//! This crate holds no runtime types: the code it generates names
//! `retort`'s types by path.

#![warn(missing_docs)]
