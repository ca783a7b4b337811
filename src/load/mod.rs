//! Loading: from `site.yaml` and `content/` on disk to the site model.

pub mod config;
pub mod content;
pub(crate) mod deploy_targets;
pub(crate) mod frontmatter;
pub(crate) mod markdown;
pub mod sources;
