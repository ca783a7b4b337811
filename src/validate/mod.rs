//! Checks of the model that need no rendering.

pub mod dates;
pub mod quote;
