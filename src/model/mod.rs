//! The site model: plain data that every stage reads and none writes back.

pub mod content;
pub mod date;
pub mod lang;
pub mod metrics;
pub mod units;
pub mod urls;
