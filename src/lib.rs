//! `briefing`: a static site generator for bilingual (Chinese / English)
//! briefing sites. See ARCHITECTURE.md for the pipeline and where each part
//! lives.

pub mod cli;
mod commands;
mod deploy;
mod diag;
pub mod emit;
mod error;
mod hash;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
mod util;
pub mod validate;

#[cfg(test)]
mod testutil;

pub use diag::{Diagnostic, Severity};
pub use error::{Error, Result};
pub use model::lang::Lang;
