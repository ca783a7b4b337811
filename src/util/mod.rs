//! Small rules several stages share, each written once: escaping, media
//! types, "did you mean", scanning the HTML briefing wrote, words at a
//! position of a text.

pub mod chars;
pub mod escape;
pub mod html;
pub(crate) mod mime;
pub(crate) mod suggest;
