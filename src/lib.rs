//! `briefing`: a static site generator for bilingual (Chinese / English)
//! briefing sites. See ARCHITECTURE.md for the pipeline.

pub mod archive;
pub mod config;
pub mod content;
pub mod diag;
pub mod error;
pub mod feeds;
pub mod figures;
pub mod fingerprint;
pub mod frontmatter;
pub mod guard;
pub mod import;
pub mod lang;
pub mod markdown;
pub mod metrics;
pub mod quote;
pub mod taxonomy;
pub mod units;
pub mod urls;

pub use diag::{Diagnostic, Severity};
pub use error::{Error, Result};
pub use lang::Lang;
pub mod build;
pub mod check;
pub mod interrupt;
pub mod live;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
#[cfg(test)]
mod testutil;
pub mod theme;
