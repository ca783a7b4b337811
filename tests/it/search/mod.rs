//! Search as readers meet it: the default theme's search.js in headless
//! Chromium, on sites with an index from `search::build_index` or from the
//! real pipeline, over http:// and file://; and search.js under node.
//!
//! - `fixture`: the sites the tests open (generated reports, pages rendered
//!   from the theme's search templates, the pipeline-built fixture)
//! - `page`: what a search form shows, read through WebDriver
//! - `queries`, `widgets`, `pipeline`, `script`: the tests
//! - `bench`: bytes and time per query on a big index, run by hand

mod bench;
mod fixture;
mod page;
mod pipeline;
mod queries;
mod script;
mod widgets;
