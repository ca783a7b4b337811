//! Small rules several stages share, each written once: escaping, media
//! types, "did you mean", scanning the HTML briefing wrote.

pub mod escape;
pub mod html;
pub mod mime;
pub mod suggest;
