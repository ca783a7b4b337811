//! Integration tests: build real fixture sites into temp dirs and check the
//! produced files. One test binary; each module is one area.

mod archive;
mod browser;
mod build;
mod check;
mod dashboard;
#[cfg(feature = "deploy")]
mod deploy;
mod diagnostics;
mod errors;
mod figures;
mod generated;
mod hard_input;
mod import;
mod node;
mod publish;
mod quality;
mod safety;
mod scaffold;
mod script_urls;
mod search;
mod serve;
mod serve_hard;
mod skip;
mod support;
mod txn;
mod wording;
