pub mod lang;
pub use lang::Lang;
pub mod search;
