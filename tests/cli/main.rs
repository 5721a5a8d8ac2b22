//! What users see: the command line, secrets kept out of output, and the testing helpers.
//!
//! One test binary per area, each file a module, so the suite links a few
//! binaries rather than one per file.

#[path = "../support/logs.rs"]
mod logs;
#[path = "../support/mod.rs"]
mod support;

mod cli;
mod secrets;
mod test_support;
#[cfg(feature = "testing")]
mod testing_assertions;
