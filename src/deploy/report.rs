//! What a deploy did (or, with `--dry-run`, would do), as text for people
//! and as JSON for tools.

use crate::deploy::execute::{Failure, Outcome};
use crate::deploy::plan::{Plan, Reason};
use serde::Serialize;
use std::fmt::Write as _;
use std::time::Duration;

/// One file uploaded (or to upload).
#[derive(Debug, Clone, Serialize)]
pub struct Uploaded {
    pub path: String,
    pub bytes: u64,
    /// `new`, `changed` or `forced`.
    pub reason: &'static str,
}

/// The result of `briefing deploy`.
#[derive(Debug, Clone, Serialize)]
pub struct DeployReport {
    /// The target's name in site.yaml.
    pub target: String,
    /// Where it is (`s3://bucket/prefix/`).
    pub url: String,
    pub dry_run: bool,
    /// Every planned upload and deletion was done (a dry run: nothing failed).
    pub complete: bool,
    /// Uploaded files (a dry run: those that would be).
    pub uploaded: Vec<Uploaded>,
    pub bytes_uploaded: u64,
    /// Files the target already had with the same content.
    pub unchanged: usize,
    /// Objects whose content hash had to be asked of the service (a
    /// request each); the deploy index vouches for the others.
    pub hashes_asked: usize,
    /// Deleted objects (a dry run: those that would be).
    pub deleted: Vec<String>,
    pub failed: Vec<Failure>,
    /// Uploads and deletions not tried because an earlier stage failed.
    pub not_done: Vec<String>,
    /// Things to know that did not stop the deploy (a dry run: what a real
    /// deploy would refuse).
    pub warnings: Vec<String>,
    pub seconds: f64,
}

impl DeployReport {
    /// A dry run's report: the plan as it stands.
    pub(crate) fn of_plan(target: &str, url: &str, plan: &Plan, elapsed: Duration) -> Self {
        let uploaded = plan.uploads.iter().map(uploaded).collect();
        DeployReport {
            target: target.to_string(),
            url: url.to_string(),
            dry_run: true,
            complete: true,
            uploaded,
            bytes_uploaded: plan.upload_bytes(),
            unchanged: plan.unchanged,
            hashes_asked: plan.hashes_asked,
            deleted: plan.deletes.clone(),
            failed: Vec::new(),
            not_done: Vec::new(),
            warnings: Vec::new(),
            seconds: elapsed.as_secs_f64(),
        }
    }

    /// A deploy's report from what it did.
    pub(crate) fn of_outcome(
        target: &str,
        url: &str,
        plan: &Plan,
        outcome: Outcome,
        elapsed: Duration,
    ) -> Self {
        let uploaded: Vec<Uploaded> = outcome
            .uploaded
            .iter()
            .map(|&i| uploaded(&plan.uploads[i]))
            .collect();
        let mut not_done: Vec<String> = outcome
            .uploads_not_done
            .iter()
            .map(|&i| plan.uploads[i].path.clone())
            .collect();
        not_done.extend(outcome.deletes_not_done);
        DeployReport {
            target: target.to_string(),
            url: url.to_string(),
            dry_run: false,
            complete: outcome.failed.is_empty() && not_done.is_empty(),
            bytes_uploaded: uploaded.iter().map(|u| u.bytes).sum(),
            uploaded,
            unchanged: plan.unchanged,
            hashes_asked: plan.hashes_asked,
            deleted: outcome.deleted,
            failed: outcome.failed,
            not_done,
            warnings: Vec::new(),
            seconds: elapsed.as_secs_f64(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serializes")
    }

    /// The summary for a terminal: a dry run lists every change; a deploy
    /// that stopped part-way lists what failed and how to finish.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.dry_run {
            for u in &self.uploaded {
                let _ = writeln!(out, "would upload ({}) {}", u.reason, u.path);
            }
            for path in &self.deleted {
                let _ = writeln!(out, "would delete {path}");
            }
        }
        for f in self.failed.iter().take(20) {
            let _ = writeln!(out, "failed: {}: {}", f.path, f.error);
        }
        if self.failed.len() > 20 {
            let _ = writeln!(out, "... and {} more failures", self.failed.len() - 20);
        }
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        let _ = writeln!(out, "{}", self.summary_line());
        if !self.complete {
            let _ = writeln!(
                out,
                "not done: {} (run `briefing deploy` again to finish: it sends only what is still missing)",
                count(self.not_done.len(), "upload or deletion", "uploads and deletions")
            );
        }
        out
    }

    fn summary_line(&self) -> String {
        let uploads = format!(
            "{} ({})",
            count(self.uploaded.len(), "file", "files"),
            size(self.bytes_uploaded)
        );
        let deleted = count(self.deleted.len(), "object", "objects");
        let place = format!("{} ({})", self.target, self.url);
        if self.dry_run {
            return format!(
                "dry run for {place}: would upload {uploads} and delete {deleted}; {} unchanged; nothing was changed",
                self.unchanged
            );
        }
        let verb = if self.complete {
            "deployed to"
        } else {
            "deploy stopped part-way:"
        };
        let failed = if self.failed.is_empty() {
            String::new()
        } else {
            format!(", {} failed", self.failed.len())
        };
        format!(
            "{verb} {place}: uploaded {uploads}, {} unchanged, deleted {deleted}{failed} in {:.1} s",
            self.unchanged, self.seconds
        )
    }
}

fn uploaded(u: &crate::deploy::plan::Upload) -> Uploaded {
    Uploaded {
        path: u.path.clone(),
        bytes: u.size,
        reason: Reason::word(u.reason),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A byte count as people read it (`512 B`, `3.1 KB`, `4.2 MB`).
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts_read_naturally() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(3_100), "3.1 KB");
        assert_eq!(size(4_200_000), "4.2 MB");
        assert_eq!(count(1, "file", "files"), "1 file");
        assert_eq!(count(0, "file", "files"), "0 files");
    }
}
