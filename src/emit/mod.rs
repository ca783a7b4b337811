//! Generated files other than pages: feeds, sitemap, the search index.

pub mod exports;
pub mod feeds;
pub mod search;
