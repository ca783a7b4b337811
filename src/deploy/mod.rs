//! `briefing deploy`: publishes the built site to object storage (S3 and
//! S3-compatible services, GCS, Azure) or a local folder, sending only what
//! changed, in an order readers never notice.
//!
//! - `target`: the `deploy:` targets of `site.yaml` (always compiled: the
//!   config is checked whether or not this binary can deploy);
//! - `policy`: each file's Content-Type, Cache-Control and stage (pure);
//! - `plan`: what goes up, in which order, and what goes (pure);
//! - `local`: the files of `public/` and their hashes;
//! - `store`, `credentials`: the target through `object_store`;
//! - `execute`: the plan carried out, in parallel within a stage;
//! - `report`: the summary, as text or JSON.
//!
//! The I/O is at the edges ([`deploy`] reads, lists, then runs the plan);
//! what lies between is plain data.

#[cfg(feature = "deploy-file")]
mod credentials;
#[cfg(feature = "deploy-file")]
mod execute;
#[cfg(feature = "deploy-file")]
mod local;
#[cfg(feature = "deploy-file")]
mod plan;
#[cfg(feature = "deploy-file")]
mod policy;
#[cfg(feature = "deploy-file")]
mod report;
#[cfg(feature = "deploy-file")]
mod store;

#[cfg(feature = "deploy-file")]
pub use run::{deploy, DeployOptions, Prompts};

#[cfg(feature = "deploy-file")]
mod run;
