//! Loading: from `site.yaml` and `content/` on disk to the site model.

pub mod config;
pub mod content;
pub mod deploy_targets;
pub mod frontmatter;
pub mod markdown;
pub mod sources;
