//! What the site publishes: the files of the output folder, with their
//! content hashes, leaving out briefing's own bookkeeping.

use crate::deploy::plan::LocalFile;
use crate::deploy::policy;
use crate::error::{Error, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

/// Whether a file below the output folder is part of the published site:
/// not the build's manifest, lock or staging folder (`.briefing-*`), nor
/// the search index's record for the next build (`search/state.txt`).
pub(crate) fn is_published(rel: &str) -> bool {
    !rel.starts_with(".briefing-") && rel != crate::emit::search::STATE_PATH
}

/// SHA-256 of `bytes`, lower-case hex: the hash kept in each object's
/// metadata.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every published file of `public` (sorted by path) with its size and hash.
/// Refuses a folder holding an interrupted build's staging folder: its
/// files may be half old, half new.
pub(crate) fn site_files(public: &Path) -> Result<Vec<LocalFile>> {
    if public.join(crate::output::STAGING_DIR).exists() {
        return Err(Error::refused(
            "deploy",
            public,
            "it holds an interrupted build (.briefing-staging); run `briefing build`, or deploy without --no-build".into(),
        ));
    }
    let paths = published_paths(public)?;
    paths
        .into_par_iter()
        .map(|(rel, path)| {
            let bytes = std::fs::read(&path).map_err(|e| Error::read(&path, e))?;
            Ok(LocalFile {
                size: bytes.len() as u64,
                hash: sha256_hex(&bytes),
                name_carries_hash: policy::name_carries_hash(&rel, &bytes),
                path: rel,
            })
        })
        .collect()
}

/// The published files below `public`: (`/`-separated path, file), sorted.
fn published_paths(public: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(public).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::read(public, e.into()))?;
        let path = entry.path();
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let rel = path.strip_prefix(public).unwrap_or(path);
        let Some(rel) = rel.to_str() else {
            let why = io::Error::other("its name is not UTF-8, so it cannot name an object");
            return Err(Error::read(path, why));
        };
        let rel = rel.replace('\\', "/");
        if is_published(&rel) {
            out.push((rel, path.to_path_buf()));
        }
    }
    Ok(out)
}

/// The bytes of a file to upload, read again: refused when they are not
/// the ones the plan was made from (the folder changed meanwhile).
pub(crate) fn read_planned(public: &Path, rel: &str, hash: &str) -> Result<Vec<u8>, String> {
    let path = public.join(rel);
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if sha256_hex(&bytes) != hash {
        return Err(format!(
            "{} changed during the deploy; run deploy again",
            path.display()
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookkeeping_is_not_published() {
        for rel in [
            ".briefing-manifest",
            ".briefing-lock",
            ".briefing-staging/x",
            "search/state.txt",
        ] {
            assert!(!is_published(rel), "{rel}");
        }
        for rel in [
            "index.html",
            "search/meta.js",
            "a/.briefing-x",
            "static/style.css",
        ] {
            assert!(is_published(rel), "{rel}");
        }
    }

    #[test]
    fn sha256_of_the_empty_string() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
