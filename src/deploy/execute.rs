//! Carrying out a plan: each stage's uploads in parallel (bounded), one
//! stage after the other, retrying transient failures with backoff; the
//! deletions once every upload is done. A failure stops the deploy at the
//! end of its stage, so no later stage (pages, home pages) goes up without
//! what it needs, and the outcome says what was and was not done.

use crate::deploy::local;
use crate::deploy::plan::{Plan, Upload};
use crate::deploy::store::Store;
use futures_util::StreamExt;
use std::path::Path;
use std::time::Duration;

/// Uploads in flight at once.
pub(crate) const CONCURRENCY: usize = 16;
/// Attempts of an upload that fails in a way that may pass (a connection
/// reset mid-request, a server error object_store gave up on).
const ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// A file or object the deploy could not handle, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// What a deploy did.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Indexes into the plan's uploads, in the order they finished.
    pub uploaded: Vec<usize>,
    /// The ETag each uploaded file's object got (for the deploy index).
    pub etags: std::collections::BTreeMap<String, String>,
    pub failed: Vec<Failure>,
    /// Uploads never tried (a later stage than a failure).
    pub uploads_not_done: Vec<usize>,
    pub deleted: Vec<String>,
    pub deletes_not_done: Vec<String>,
}

/// Runs `plan` against `store`, reading the files from `public`.
pub(crate) async fn execute(store: &Store, plan: &Plan, public: &Path) -> Outcome {
    let mut outcome = Outcome::default();
    let mut first = 0;
    for stage in plan.stages() {
        let indexes = first..first + stage.len();
        first += stage.len();
        let results: Vec<(usize, Result<Option<String>, String>)> = futures_util::stream::iter(
            indexes,
        )
        .map(|i| async move { (i, upload_with_retry(store, &plan.uploads[i], public).await) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        for (i, result) in results {
            match result {
                Ok(etag) => {
                    outcome.uploaded.push(i);
                    if let Some(etag) = etag {
                        outcome.etags.insert(plan.uploads[i].path.clone(), etag);
                    }
                }
                Err(error) => outcome.failed.push(Failure {
                    path: plan.uploads[i].path.clone(),
                    error,
                }),
            }
        }
        if !outcome.failed.is_empty() {
            outcome.uploads_not_done = (first..plan.uploads.len()).collect();
            outcome.deletes_not_done = plan.deletes.clone();
            outcome.failed.sort_by(|a, b| a.path.cmp(&b.path));
            return outcome;
        }
    }
    for (path, result) in store.delete(&plan.deletes).await {
        match result {
            Ok(()) => outcome.deleted.push(path),
            Err(e) => outcome.failed.push(Failure {
                path,
                error: e.message,
            }),
        }
    }
    outcome
}

/// One upload, tried again after a transient failure (0.5 s, then 1 s).
async fn upload_with_retry(
    store: &Store,
    upload: &Upload,
    public: &Path,
) -> Result<Option<String>, String> {
    let bytes = local::read_planned(public, &upload.path, &upload.hash)?;
    let payload = object_store::PutPayload::from(bytes);
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match store.upload(upload, payload.clone()).await {
            Ok(etag) => return Ok(etag),
            Err(e) if e.transient && attempt < ATTEMPTS => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
            Err(e) => return Err(e.message),
        }
    }
}
