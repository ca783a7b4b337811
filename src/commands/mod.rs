//! One module per command that is more than a call to the pipeline.

pub mod archive;
pub mod check;
pub mod figures;
pub mod scaffold;
pub mod serve;
