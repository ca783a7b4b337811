//! Checks of the model that need no rendering.

pub mod dates;
pub mod dimensions;
pub mod quote;
