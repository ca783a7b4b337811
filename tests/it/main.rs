//! Integration tests: build real fixture sites into temp dirs and check the
//! produced files. One test binary; each module is one area.

mod build;
mod errors;
mod serve;
mod support;
