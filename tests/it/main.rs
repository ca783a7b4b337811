//! The crate's integration tests: one test binary, one module per area.

mod browser;
mod search_browser;
