//! Output: the files a build produces and bringing the output folder up to
//! date with them.
//!
//! Writing is incremental: a file whose bytes did not change is not touched
//! (its mtime stays, so rsync and uploads see only real changes), changed and
//! new files are written, and files the site no longer produces are removed,
//! but only those an earlier build wrote: each build lists its files in the
//! output folder's manifest ([`MANIFEST`]), and nothing else there is removed
//! or replaced (see [`OutputDir`]).

pub(crate) mod guard;
pub mod interrupt;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The bytes of an output file: rendered in memory or copied from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputData {
    Bytes(Vec<u8>),
    Copy(PathBuf),
    /// Rendered, and found identical to the file already in the output
    /// folder; the bytes were dropped to keep memory low.
    Unchanged,
    /// Rendered and already written to the build's [`Staging`] folder (so a
    /// build need not hold every page in memory until the write).
    Staged,
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder, `/`-separated.
    pub path: String,
    pub data: OutputData,
    /// What produced it (a template or a source file), for collision errors.
    pub origin: String,
}

impl OutputFile {
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>, origin: impl Into<String>) -> Self {
        OutputFile {
            path: path.into(),
            data: OutputData::Bytes(bytes),
            origin: origin.into(),
        }
    }

    pub fn copy(path: impl Into<String>, from: PathBuf, origin: impl Into<String>) -> Self {
        OutputFile {
            path: path.into(),
            data: OutputData::Copy(from),
            origin: origin.into(),
        }
    }

    /// The rendered bytes (None for copied files).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.data {
            OutputData::Bytes(b) => Some(b),
            OutputData::Copy(_) | OutputData::Unchanged | OutputData::Staged => None,
        }
    }
}

/// Errors for output paths that two things produce, or that would leave the
/// output folder.
pub(crate) fn check_paths(files: &[OutputFile]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut dirs: HashSet<&str> = HashSet::new();
    for f in files {
        for (i, _) in f.path.match_indices('/') {
            dirs.insert(&f.path[..i]);
        }
    }
    for f in files {
        if is_bookkeeping(&f.path) {
            errors.push(
                Diagnostic::error(
                    &f.origin,
                    None,
                    format!("output path `{}` is kept for briefing's own files", f.path),
                )
                .with_hint("rename the file"),
            );
        } else if leaves_output(&f.path) {
            errors.push(
                Diagnostic::error(
                    &f.origin,
                    None,
                    format!("output path `{}` would leave the output folder", f.path),
                )
                .with_hint("rename the file or folder so its URL has no `..` or empty parts"),
            );
        } else if let Some(other) = seen.insert(&f.path, &f.origin) {
            errors.push(
                Diagnostic::error(
                    &f.origin,
                    None,
                    format!("`{}` is produced both by this and by {other}", f.path),
                )
                .with_hint("two sources map to the same URL; rename one of them"),
            );
        } else if dirs.contains(f.path.as_str()) {
            errors.push(
                Diagnostic::error(
                    &f.origin,
                    None,
                    format!("`{}` is both a file and a folder of the site", f.path),
                )
                .with_hint("rename the file or the folder"),
            );
        }
    }
    errors
}

/// Whether an output path is one briefing keeps for itself: the manifest,
/// the lock, the staging folder.
fn is_bookkeeping(path: &str) -> bool {
    let top = path.split('/').next().unwrap_or(path);
    [MANIFEST, MANIFEST_PART, LOCK, STAGING_DIR].contains(&top)
}

/// Whether a `/`-separated output path would lead out of the output folder
/// (or is not a plain relative path at all).
fn leaves_output(path: &str) -> bool {
    path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files in the output folder that no build listed in its manifest
    /// (the user's, or from a briefing before manifests), left in place;
    /// sorted.
    pub left_in_place: Vec<String>,
    /// How long the commit took: while it runs, the output folder holds
    /// files of both builds.
    pub commit: std::time::Duration,
}

/// The name of the manifest in an output folder: the files a build wrote
/// there, one a line. A build removes no other file.
pub const MANIFEST: &str = ".briefing-manifest";

/// The first line of a manifest (its format: then one path a line, `\n`
/// and `\r` in a path written as `\\n` and `\\r`; paths hold no `\`).
const MANIFEST_HEADER: &str =
    "# briefing manifest 1: the files briefing wrote here; a build removes no others";

/// A manifest being written, renamed onto [`MANIFEST`] when complete.
const MANIFEST_PART: &str = ".briefing-manifest.part";

/// An output folder a build has checked it may write to (see
/// [`OutputDir::claim`]), and what in it earlier builds wrote.
#[derive(Debug)]
pub(crate) struct OutputDir {
    dir: PathBuf,
    previous: Previous,
    /// `--force`: files no build listed may be replaced where the site
    /// writes a file (they are still never removed).
    force: bool,
}

/// What an output folder held when the build began.
#[derive(Debug)]
enum Previous {
    /// Nothing: missing or empty; it is made whole.
    Nothing,
    /// The files its manifest lists, which only may be removed.
    Listed(HashSet<String>),
    /// Files and no manifest, taken on with `--force` or built by a briefing
    /// from before manifests: nothing in it is removed.
    Adopted,
}

impl OutputDir {
    /// Checks that a build may write into `dir` (see [`guard::check_output_dir`])
    /// and reads its manifest. A folder holding files but no manifest is
    /// refused unless `force`, or unless it is briefing's own from before
    /// manifests (see [`built_before_manifests`]).
    pub fn claim(dir: &Path, sources: &guard::SiteSources, force: bool) -> Result<OutputDir> {
        guard::check_output_dir(dir, sources)?;
        let manifest = dir.join(MANIFEST);
        let refuse = |why: String| Err(Error::refused("build into", dir, why));
        let previous = match read_manifest(&manifest)? {
            Some(Some(listed)) => Previous::Listed(listed),
            Some(None) if !force => {
                return refuse(format!(
                    "{} is not a manifest this briefing can read; remove it, or add --force to build into the folder and leave the files in it in place",
                    manifest.display()
                ))
            }
            None if is_empty(dir)? => Previous::Nothing,
            None if !force && !built_before_manifests(dir) => {
                return refuse(format!(
                    "it holds files briefing did not write (there is no {}); empty it, choose another folder, or add --force to build into it and leave those files in place",
                    manifest.display()
                ))
            }
            _ => Previous::Adopted,
        };
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            previous,
            force,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Whether an earlier build wrote the file at `rel`.
    fn listed(&self, rel: &str) -> bool {
        matches!(&self.previous, Previous::Listed(set) if set.contains(rel))
    }

    /// Whether the build may replace the file at `rel` with one of its own.
    fn may_replace(&self, rel: &str) -> bool {
        self.force || matches!(self.previous, Previous::Adopted) || self.listed(rel)
    }
}

/// The paths a manifest lists: None when there is no manifest, Some(None)
/// when it is not one this version can read.
fn read_manifest(path: &Path) -> Result<Option<Option<HashSet<String>>>> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::read(path, e)),
    };
    let Ok(text) = String::from_utf8(text) else {
        return Ok(Some(None));
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Ok(Some(None));
    }
    let listed = lines
        .map(|l| l.replace("\\n", "\n").replace("\\r", "\r"))
        .filter(|p| !leaves_output(p))
        .collect();
    Ok(Some(Some(listed)))
}

/// Writes the manifest of `out_dir` listing `paths`, atomically.
fn write_manifest<'p>(out_dir: &Path, paths: impl Iterator<Item = &'p str>) -> Result<()> {
    let mut sorted: Vec<&str> = paths.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut text = String::with_capacity(sorted.len() * 48);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for path in sorted {
        text.push_str(&path.replace('\n', "\\n").replace('\r', "\\r"));
        text.push('\n');
    }
    let part = out_dir.join(MANIFEST_PART);
    std::fs::write(&part, text).map_err(|e| Error::write(&part, e))?;
    let path = out_dir.join(MANIFEST);
    std::fs::rename(&part, &path).map_err(|e| Error::write(&path, e))
}

/// Whether `dir` is missing or holds nothing (but the lock and a staging
/// folder left by a killed build).
fn is_empty(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            Ok(entries
                .all(|e| e.is_ok_and(|e| e.file_name() == STAGING_DIR || e.file_name() == LOCK)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::read(dir, e)),
    }
}

/// Whether `dir`, which has no manifest, is the output of a briefing from
/// before manifests: it holds `sitemap.xml` and `robots.txt`, and every
/// HTML file below it ends with briefing's page stamp
/// (`<!-- briefing HASH -->`, 16 hex digits).
fn built_before_manifests(dir: &Path) -> bool {
    if !dir.join("sitemap.xml").is_file() || !dir.join("robots.txt").is_file() {
        return false;
    }
    let stamped = |path: &Path| {
        let mut tail = [0u8; 36];
        read_tail(path, &mut tail).is_ok()
            && tail.starts_with(b"\n<!-- briefing ")
            && tail.ends_with(b" -->\n")
            && tail[15..31].iter().all(u8::is_ascii_hexdigit)
    };
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != STAGING_DIR)
        .all(|e| {
            e.is_ok_and(|e| {
                !e.file_type().is_file()
                    || e.path().extension().is_none_or(|x| x != "html")
                    || stamped(e.path())
            })
        })
}

/// Reads the last `buf.len()` bytes of the file at `path` into `buf`.
fn read_tail(path: &Path, buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::fs::OpenOptionsExt;
    // A link is never taken for a file the build wrote (it is replaced).
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    file.seek(SeekFrom::End(-(buf.len() as i64)))?;
    file.read_exact(buf)
}

/// Brings the output folder up to date with `files` (see the module doc),
/// taking the files marked `Staged` from `staging`.
///
/// Every other file is first compared with the output folder's and, when
/// it differs, written to the staging folder too: copied files are read
/// here, so an unreadable one, a full disk or a file in the way of the site
/// (see [`Cleanup::plan`]) stops the build before anything visible changes.
/// Then the commit moves staged files into place; it only renames and
/// removes. Should the commit fail, the staging folder is kept: the next
/// build sees it and repairs the output folder (see [`Staging::repairs`]).
pub(crate) fn write_site(
    out: &OutputDir,
    files: &mut [OutputFile],
    mut staging: Staging,
) -> Result<WriteStats> {
    stage_the_rest(out.path(), files, &staging)?;
    if staging.replaces_output() {
        return commit_whole(out, files, staging);
    }
    let out_dir = out.path();
    let tree = list_tree(out_dir, "").map_err(|e| Error::read(out_dir, e))?;
    let wanted: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let cleanup = Cleanup::plan(out, &tree, &wanted)?;
    let _commit = staging.begin_commit();
    let commit_start = std::time::Instant::now();
    // While files move, the manifest lists the files of both builds, so a
    // build killed in between leaves no file the next one would not remove.
    let listed = match &out.previous {
        Previous::Listed(set) => Some(set),
        _ => None,
    };
    if listed.is_none_or(|set| !wanted.iter().all(|p| set.contains(*p))) {
        let old = listed.into_iter().flatten().map(String::as_str);
        write_manifest(out_dir, old.chain(wanted.iter().copied()))?;
    }
    let (removed, removed_dirs) = cleanup.remove(out_dir)?;
    let existing_dirs = &cleanup.existing_dirs - &removed_dirs;
    let written = move_into_place(out_dir, files, &existing_dirs, &staging)?;
    if listed.is_some_and(|set| !set.iter().all(|p| wanted.contains(p.as_str()))) {
        write_manifest(out_dir, wanted.iter().copied())?;
    }
    staging.finish()?;
    Ok(WriteStats {
        written,
        unchanged: files.len() - written,
        removed,
        left_in_place: cleanup.left_in_place,
        commit: commit_start.elapsed(),
    })
}

/// Settles every file not yet staged: one identical to the output folder's
/// becomes `Unchanged`, any other is written (or copied) to `staging`.
fn stage_the_rest(out_dir: &Path, files: &mut [OutputFile], staging: &Staging) -> Result<()> {
    let compare = !staging.replaces_output();
    files.par_iter_mut().try_for_each(|f| {
        let target = out_dir.join(&f.path);
        let stage = |bytes: &[u8]| {
            staging
                .stage(&f.path, bytes)
                .map_err(|e| Error::write(&staging.dir, e))
        };
        f.data = match &f.data {
            OutputData::Bytes(b) if compare && holds(&target, b) => OutputData::Unchanged,
            OutputData::Bytes(b) => {
                stage(b)?;
                OutputData::Staged
            }
            // Same size: read it and compare (as a rebuild usually finds).
            OutputData::Copy(from) if compare && same_size(from, &target) => {
                let bytes = std::fs::read(from).map_err(|e| Error::read(from, e))?;
                if holds(&target, &bytes) {
                    OutputData::Unchanged
                } else {
                    stage(&bytes)?;
                    OutputData::Staged
                }
            }
            OutputData::Copy(from) => {
                staging.stage_copy(&f.path, from)?;
                OutputData::Staged
            }
            OutputData::Staged | OutputData::Unchanged => return Ok(()),
        };
        Ok(())
    })
}

/// Whether `from` and the regular file `target` have the same size.
fn same_size(from: &Path, target: &Path) -> bool {
    match (std::fs::metadata(from), std::fs::symlink_metadata(target)) {
        (Ok(a), Ok(b)) => b.is_file() && a.len() == b.len(),
        _ => false,
    }
}

/// What a write removes from the output folder, and what it leaves.
struct Cleanup<'t> {
    /// Files and folders earlier builds wrote that the site no longer makes
    /// (or that a file of the site replaces), with whether each is a folder.
    stale: Vec<(&'t str, bool)>,
    /// Folders in the output folder that stay.
    existing_dirs: HashSet<&'t str>,
    /// Files no build wrote, left in place.
    left_in_place: Vec<String>,
}

impl<'t> Cleanup<'t> {
    /// Sorts the entries of the output folder (`tree`) by what happens to
    /// them when the site's files are `wanted`; refuses when the site would
    /// replace a file no build wrote (unless `--force`), or a folder holding
    /// one, or needs a folder where such a file is.
    fn plan(out: &OutputDir, tree: &'t [TreeEntry], wanted: &HashSet<&str>) -> Result<Self> {
        let wanted_dirs: HashSet<&str> = wanted
            .iter()
            .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]))
            .collect();
        let mut plan = Cleanup {
            stale: Vec::new(),
            existing_dirs: HashSet::new(),
            left_in_place: Vec::new(),
        };
        let mut refused: Vec<&str> = Vec::new();
        for entry in tree {
            let rel = entry.rel.as_str();
            if entry.is_dir && wanted.contains(rel) {
                match tree_below(tree, rel).find(|e| !e.is_dir && !out.listed(&e.rel)) {
                    Some(foreign) => return Err(in_the_way(out, rel, &foreign.rel)),
                    None => plan.stale.push((rel, true)),
                }
            } else if entry.is_dir {
                plan.existing_dirs.insert(rel);
            } else if wanted_dirs.contains(rel) {
                if !out.listed(rel) {
                    return Err(in_the_way(out, rel, rel));
                }
                plan.stale.push((rel, false));
            } else if wanted.contains(rel) {
                if !out.may_replace(rel) {
                    refused.push(rel);
                } else if entry.is_link {
                    // Replaced, not written through.
                    plan.stale.push((rel, false));
                }
            } else if out.listed(rel) {
                plan.stale.push((rel, false));
            } else {
                plan.left_in_place.push(rel.to_string());
            }
        }
        if let Some(first) = refused.iter().min() {
            let more = match refused.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Err(Error::refused(
                "build into",
                out.path(),
                format!(
                    "{}{more} was not written by briefing and the site would replace it; move it away, or add --force to replace it",
                    out.path().join(first).display()
                ),
            ));
        }
        plan.left_in_place.sort_unstable();
        Ok(plan)
    }

    /// Removes the stale entries, then the folders that left empty; returns
    /// how many entries were removed, and the folders removed.
    fn remove(&self, out_dir: &Path) -> Result<(usize, HashSet<&'t str>)> {
        let mut removed = 0;
        let mut maybe_empty: BTreeSet<&str> = BTreeSet::new();
        for &(rel, is_dir) in &self.stale {
            let path = out_dir.join(rel);
            let res = if is_dir {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match res {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::write(&path, e)),
            }
            maybe_empty.extend(rel.match_indices('/').map(|(i, _)| &rel[..i]));
        }
        // Deepest first, so a folder left holding only empty folders goes too.
        let mut candidates: Vec<&str> = maybe_empty.into_iter().collect();
        candidates.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        // Removing a folder that is not empty fails, as it should.
        let removed_dirs = candidates
            .into_iter()
            .filter(|dir| std::fs::remove_dir(out_dir.join(dir)).is_ok())
            .collect();
        Ok((removed, removed_dirs))
    }
}

/// The entries of `tree` below the folder `rel`.
fn tree_below<'t>(tree: &'t [TreeEntry], rel: &str) -> impl Iterator<Item = &'t TreeEntry> {
    let prefix = format!("{rel}/");
    tree.iter().filter(move |e| e.rel.starts_with(&prefix))
}

/// The refusal for an entry in the way of the site's file or folder `rel`
/// that holds `foreign`, a file no build wrote (`rel` itself, or a file in
/// the folder `rel`).
fn in_the_way(out: &OutputDir, rel: &str, foreign: &str) -> Error {
    let what = if rel == foreign {
        "the site needs a folder there"
    } else {
        "the site writes a file where this folder is"
    };
    Error::refused(
        "build into",
        out.path(),
        format!(
            "{} was not written by briefing and {what}; move it away",
            out.path().join(foreign).display()
        ),
    )
}

/// Makes the folders new files go into, then renames each staged file into
/// place; returns how many were. `existing_dirs`: the folders that were there.
fn move_into_place(
    out_dir: &Path,
    files: &[OutputFile],
    existing_dirs: &HashSet<&str>,
    staging: &Staging,
) -> Result<usize> {
    let staged = |f: &&OutputFile| f.data == OutputData::Staged;
    let parents: BTreeSet<&str> = files
        .iter()
        .filter(staged)
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .filter(|d| !existing_dirs.contains(*d))
        .collect();
    parents.par_iter().try_for_each(|d| {
        let dir = out_dir.join(d);
        std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))
    })?;
    let moved: Vec<&OutputFile> = files.iter().filter(staged).collect();
    moved.par_iter().try_for_each(|f| {
        let path = out_dir.join(&f.path);
        std::fs::rename(staging.staged(&f.path), &path).map_err(|e| Error::write(&path, e))
    })?;
    Ok(moved.len())
}

/// An entry below the output folder: its path (relative, `/`-separated),
/// whether it is a folder, and whether it is a symbolic link (never
/// followed).
struct TreeEntry {
    rel: String,
    is_dir: bool,
    is_link: bool,
}

/// Every entry below `dir` (paths start with `prefix`) but briefing's own
/// (the manifest, the lock, the staging folder). Folders are read in
/// parallel: a rebuild of a large site reads some ten thousand.
fn list_tree(dir: &Path, prefix: &str) -> std::io::Result<Vec<TreeEntry>> {
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    let lists = entries
        .par_iter()
        .filter(|e| !prefix.is_empty() || !is_bookkeeping(&e.file_name().to_string_lossy()))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let kind = e.file_type()?;
            if !kind.is_dir() {
                let is_link = kind.is_symlink();
                return Ok(vec![TreeEntry {
                    rel,
                    is_dir: false,
                    is_link,
                }]);
            }
            let below = list_tree(&e.path(), &rel)?;
            let mut list = Vec::with_capacity(below.len() + 1);
            list.push(TreeEntry {
                rel,
                is_dir: true,
                is_link: false,
            });
            list.extend(below);
            Ok(list)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(lists.into_iter().flatten().collect())
}

/// Commits a site whose output folder was missing or empty: its files lie
/// in the staging folder as they will in the output folder; the manifest is
/// written first, then each top-level file and folder is renamed into place
/// (a handful of renames, whatever the size of the site).
fn commit_whole(out: &OutputDir, files: &[OutputFile], mut staging: Staging) -> Result<WriteStats> {
    let out_dir = out.path();
    let top: BTreeSet<&str> = files
        .iter()
        .map(|f| f.path.split('/').next().unwrap_or(&f.path))
        .collect();
    let _commit = staging.begin_commit();
    let commit_start = std::time::Instant::now();
    write_manifest(out_dir, files.iter().map(|f| f.path.as_str()))?;
    for name in top {
        let to = out_dir.join(name);
        std::fs::rename(staging.dir.join(name), &to).map_err(|e| Error::write(&to, e))?;
    }
    staging.finish()?;
    Ok(WriteStats {
        written: files.len(),
        commit: commit_start.elapsed(),
        ..WriteStats::default()
    })
}

/// Whether the file at `path` holds exactly `bytes` (sizes first, so a
/// changed file is usually told without reading it).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            same_bytes(path, bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Whether the file at `path` reads as exactly `bytes`, compared a block at
/// a time: the exports are tens of megabytes on a large site, and a second
/// copy of one read whole would add to the build's peak memory.
fn same_bytes(path: &Path, mut bytes: &[u8]) -> std::io::Result<bool> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0; bytes.len().clamp(1, 256 * 1024)];
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            return Ok(bytes.is_empty());
        }
        match bytes.strip_prefix(&block[..n]) {
            Some(rest) => bytes = rest,
            None => return Ok(false),
        }
    }
}

/// Whether `out_dir/path` already holds exactly `bytes` (a read-only check,
/// made while rendering so unchanged pages need not be kept in memory).
pub(crate) fn is_current(out_dir: &Path, path: &str, bytes: &[u8]) -> bool {
    holds(&out_dir.join(path), bytes)
}

/// Whether `out_dir/path` ends with exactly `tail` (reads only the end of
/// the file): how a build recognises a page it wrote from the same input.
pub fn ends_with(out_dir: &Path, path: &str, tail: &[u8]) -> bool {
    let mut buf = vec![0; tail.len()];
    read_tail(&out_dir.join(path), &mut buf).is_ok() && buf == tail
}

/// Where a build writes its files before they take their place in the
/// output folder, so pages need not wait in memory for the write, and a
/// build that fails or is stopped before its commit leaves the output
/// folder as it was.
///
/// It is a hidden folder inside the output folder ([`STAGING_DIR`]; inside,
/// so that an output folder that is a mount point or a link, or whose
/// parent is read-only or full, works like any other). When the output
/// folder was empty, files lie in it as they will in the output folder and
/// its top-level entries are renamed into place; otherwise they lie flat
/// and each is renamed into place. It is removed when dropped before its
/// commit, and kept when a commit fails half-way, as the mark of an
/// interrupted build.
#[derive(Debug)]
pub(crate) struct Staging {
    dir: PathBuf,
    layout: Layout,
    /// Whether the staging folder stays when dropped (a commit began).
    keep: bool,
    /// Whether a staging folder was left by a build that did not finish.
    leftover: bool,
}

/// How files lie in a staging folder.
#[derive(Debug)]
enum Layout {
    /// As in the output folder. `made` holds the folders made so far below
    /// it: a page's folder is made once, not looked up again for each file
    /// written into it.
    Whole { made: Mutex<HashSet<PathBuf>> },
    /// Files lie flat, numbered in the order they came (`numbers` by path):
    /// a rebuild that changes every page makes no folder to hold them, and
    /// removes none afterwards.
    Flat {
        numbers: Mutex<HashMap<String, usize>>,
    },
}

/// The name of the staging folder inside an output folder.
pub(crate) const STAGING_DIR: &str = ".briefing-staging";

impl Staging {
    /// A fresh staging folder for the output folder `out`, which must exist
    /// and be locked (see [`OutputLock`]). One left by a build that did not
    /// finish is removed first (see [`Staging::repairs`]).
    pub fn new(out: &OutputDir) -> Result<Staging> {
        let dir = out.path().join(STAGING_DIR);
        let leftover = match std::fs::remove_dir_all(&dir) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(Error::write(&dir, e)),
        };
        let layout = match out.previous {
            Previous::Nothing => Layout::Whole {
                made: Default::default(),
            },
            _ => Layout::Flat {
                numbers: Default::default(),
            },
        };
        crate::output::interrupt::watch_staging(&dir, true);
        let staging = Staging {
            dir,
            layout,
            keep: false,
            leftover,
        };
        std::fs::create_dir(&staging.dir).map_err(|e| Error::write(&staging.dir, e))?;
        Ok(staging)
    }

    /// Whether a build stopped before it finished (killed, or its commit
    /// failed) left its staging folder: the output folder may then hold
    /// files of both sites, each whole. Pages and files compared by their
    /// bytes are right or replaced anyway; what spans files (the search
    /// index) must be made again rather than trusted.
    pub fn repairs(&self) -> bool {
        self.leftover
    }

    /// Whether the output folder was missing or empty, so the staged files
    /// are the whole site: there is nothing to compare pages with.
    pub fn replaces_output(&self) -> bool {
        matches!(self.layout, Layout::Whole { .. })
    }

    /// Writes a file of the site (`path` below the output folder).
    pub fn stage(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::write(self.slot(path)?, bytes)
    }

    /// Copies the file `from` as the site's file at `path`.
    fn stage_copy(&self, path: &str, from: &Path) -> Result<()> {
        let mut source = std::fs::File::open(from).map_err(|e| Error::read(from, e))?;
        let slot = self.slot(path).map_err(|e| Error::write(&self.dir, e))?;
        let mut copy = std::fs::File::create(&slot).map_err(|e| Error::write(&slot, e))?;
        std::io::copy(&mut source, &mut copy).map_err(|e| match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                Error::write(&slot, e)
            }
            _ => Error::read(from, e),
        })?;
        Ok(())
    }

    /// Where the site's file at `path` is staged, its folder made.
    fn slot(&self, path: &str) -> std::io::Result<PathBuf> {
        if leaves_output(path) {
            return Err(std::io::Error::other(format!(
                "`{path}` would leave the output folder"
            )));
        }
        match &self.layout {
            Layout::Flat { numbers } => {
                let mut numbers = numbers
                    .lock()
                    .map_err(|_| std::io::Error::other("staging lock"))?;
                let next = numbers.len();
                let n = *numbers.entry(path.to_string()).or_insert(next);
                Ok(self.dir.join(n.to_string()))
            }
            Layout::Whole { made } => {
                let target = self.dir.join(path);
                if let Some(parent) = target.parent() {
                    self.make_dir(parent, made)?;
                }
                Ok(target)
            }
        }
    }

    /// Where the file of the site at `path` was staged.
    fn staged(&self, path: &str) -> PathBuf {
        let number = match &self.layout {
            Layout::Flat { numbers } => numbers.lock().ok().and_then(|n| n.get(path).copied()),
            Layout::Whole { .. } => None,
        };
        match number {
            Some(n) => self.dir.join(n.to_string()),
            None => self.dir.join(path),
        }
    }

    /// The commit begins: from here a failure keeps the staging folder, and
    /// a signal waits for the returned guard to go.
    fn begin_commit(&mut self) -> std::sync::MutexGuard<'static, ()> {
        let guard = crate::output::interrupt::committing();
        self.keep = true;
        guard
    }

    /// The commit is done: the staging folder goes.
    fn finish(self) -> Result<()> {
        std::fs::remove_dir_all(&self.dir).map_err(|e| Error::write(&self.dir, e))
    }

    /// Makes `dir` and its missing parents, once (`made`: those made so far).
    fn make_dir(&self, dir: &Path, made: &Mutex<HashSet<PathBuf>>) -> std::io::Result<()> {
        if dir == self.dir || made.lock().is_ok_and(|m| m.contains(dir)) {
            return Ok(());
        }
        match std::fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = dir.parent() {
                    self.make_dir(parent, made)?;
                }
                match std::fs::create_dir(dir) {
                    Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
                    _ => {}
                }
            }
            // Made by another thread at the same time.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(e),
        }
        if let Ok(mut m) = made.lock() {
            m.insert(dir.to_path_buf());
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        crate::output::interrupt::watch_staging(&self.dir, false);
    }
}

/// The name of the lock file in an output folder.
pub(crate) const LOCK: &str = ".briefing-lock";

/// An output folder locked by this build (an OS file lock on [`LOCK`], so
/// it goes with the process however it ends), holding this process's id
/// for the message another build gives. Dropped, it is empty and unlocked.
#[derive(Debug)]
pub(crate) struct OutputLock {
    file: std::fs::File,
    path: PathBuf,
    /// The output folder did not exist before this build made it.
    made_folder: bool,
}

impl OutputLock {
    /// Makes the output folder when it is missing (the first change a build
    /// makes to it), then locks it; refuses when another build holds it.
    pub fn take(dir: &Path) -> Result<OutputLock> {
        use std::io::Read;
        use std::os::unix::fs::{FileExt, OpenOptionsExt};
        let made_folder = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let path = dir.join(LOCK);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| Error::write(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let who = match text.trim().parse::<u32>() {
                    Ok(pid) => format!("another build (pid {pid})"),
                    Err(_) => "another build".to_string(),
                };
                let why = format!(
                    "{who} is writing {}; run this build again when it has finished",
                    dir.display()
                );
                return Err(Error::refused("build into", dir, why));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::write(&path, e)),
        }
        let pid = std::process::id().to_string();
        file.set_len(0)
            .and_then(|()| file.write_all_at(pid.as_bytes(), 0))
            .map_err(|e| Error::write(&path, e))?;
        crate::output::interrupt::watch_lock(&path, true);
        Ok(OutputLock {
            file,
            path,
            made_folder,
        })
    }

    /// After a failed build: an output folder this build made, and left
    /// empty but for the lock, goes again, so the site is as it was.
    pub fn undo_made_folder(&self) {
        if self.made_folder {
            if let Some(dir) = self.path.parent() {
                let _ = std::fs::remove_file(&self.path);
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        crate::output::interrupt::watch_lock(&self.path, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_and_escapes_are_errors() {
        let files = vec![
            OutputFile::bytes("zh/a/index.html", vec![], "content/a.zh.md"),
            OutputFile::bytes("zh/a/index.html", vec![], "content/a/_index.zh.md"),
            OutputFile::bytes("zh/../x", vec![], "content/x"),
            OutputFile::bytes("zh", vec![], "content/zh"),
            OutputFile::bytes(MANIFEST, vec![], "content/.briefing-manifest"),
        ];
        let errs = check_paths(&files);
        let msgs: Vec<_> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].contains("produced both"));
        assert!(msgs[1].contains("would leave"));
        assert!(msgs[2].contains("both a file and a folder"));
        assert!(msgs[3].contains("kept for briefing's own files"));
    }

    /// A site folder (with nothing in it) and its output folder `out`.
    fn site_and_out() -> (tempfile::TempDir, guard::SiteSources, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let sources = guard::SiteSources::new(&site, "default");
        let out = tmp.path().join("out");
        (tmp, sources, out)
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Claims `out`, locks it and writes `files` through a staging folder,
    /// as a build does.
    fn write(
        out: &Path,
        sources: &guard::SiteSources,
        force: bool,
        files: &[OutputFile],
    ) -> Result<WriteStats> {
        OutputDir::claim(out, sources, force)?;
        let _lock = OutputLock::take(out)?;
        let claim = OutputDir::claim(out, sources, force)?;
        let staging = Staging::new(&claim)?;
        write_site(&claim, &mut files.to_vec(), staging)
    }

    #[test]
    fn staged_files_take_their_place_whether_the_output_existed_or_not() {
        let (tmp, sources, out) = site_and_out();
        let staged = |path: &str| OutputFile {
            path: path.to_string(),
            data: OutputData::Staged,
            origin: "t".to_string(),
        };

        // No output folder: it is made, and the staging folder inside it
        // holds the site as it will be, its top-level entries moved out.
        let _lock = OutputLock::take(&out).unwrap();
        let claim = OutputDir::claim(&out, &sources, false).unwrap();
        let staging = Staging::new(&claim).unwrap();
        assert!(staging.replaces_output());
        assert!(!staging.repairs());
        assert_eq!(staging.dir, out.join(STAGING_DIR));
        assert!(staging.stage("../escape.html", b"x").is_err());
        staging.stage("a/index.html", b"A").unwrap();
        let mut files = [
            staged("a/index.html"),
            OutputFile::bytes("b.txt", b"B".to_vec(), "t"),
        ];
        write_site(&claim, &mut files, staging).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
        assert_eq!(listing(tmp.path()), ["out", "site"], "nothing beside it");
        assert_eq!(listing(&out), [LOCK, MANIFEST, "a", "b.txt"]);
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            format!("{MANIFEST_HEADER}\na/index.html\nb.txt\n")
        );

        // An output folder: staged files are moved into it one by one.
        let claim = OutputDir::claim(&out, &sources, false).unwrap();
        let staging = Staging::new(&claim).unwrap();
        assert!(!staging.replaces_output());
        staging.stage("a/index.html", b"A2").unwrap();
        write_site(&claim, &mut [staged("a/index.html")], staging).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A2");
        assert_eq!(
            listing(&out),
            [LOCK, MANIFEST, "a"],
            "b.txt is stale, the staging folder gone"
        );
    }

    #[test]
    fn a_second_build_is_refused_while_one_holds_the_lock_and_a_leftover_is_repaired() {
        let (_tmp, sources, out) = site_and_out();
        let lock = OutputLock::take(&out).unwrap();
        let pid = std::process::id();
        assert_eq!(
            std::fs::read_to_string(out.join(LOCK)).unwrap(),
            pid.to_string()
        );
        // A lock of its own (another open file) conflicts even in one process.
        let err = OutputLock::take(&out).unwrap_err().to_string();
        assert!(
            err.ends_with(&format!(
                "another build (pid {pid}) is writing {}; run this build again when it has finished",
                out.display()
            )),
            "{err}"
        );
        drop(lock);
        assert_eq!(std::fs::read_to_string(out.join(LOCK)).unwrap(), "");
        std::fs::create_dir_all(out.join(STAGING_DIR).join("x")).unwrap();
        let files = [OutputFile::bytes("a.txt", b"A".to_vec(), "t")];
        let _lock = OutputLock::take(&out).unwrap();
        let claim = OutputDir::claim(&out, &sources, false).unwrap();
        let staging = Staging::new(&claim).unwrap();
        assert!(staging.repairs() && staging.replaces_output());
        write_site(&claim, &mut files.to_vec(), staging).unwrap();
        assert_eq!(listing(&out), [LOCK, MANIFEST, "a.txt"]);
    }

    #[test]
    fn writes_only_what_changed_and_removes_only_stale_files_it_wrote() {
        let (_tmp, sources, out) = site_and_out();
        let write = |files: &[OutputFile]| write(&out, &sources, false, files).unwrap();
        let files = vec![
            OutputFile::bytes("a/index.html", b"A".to_vec(), "t"),
            OutputFile::bytes("b.txt", b"B".to_vec(), "t"),
            OutputFile::bytes("e/f.txt", b"F".to_vec(), "t"),
        ];
        let s = write(&files);
        assert_eq!((s.written, s.unchanged, s.removed), (3, 0, 0));
        std::fs::write(out.join("mine.txt"), "mine").unwrap();
        std::fs::write(out.join("e/mine.txt"), "mine").unwrap();
        let files = vec![
            OutputFile::bytes("a/index.html", b"A".to_vec(), "t"),
            OutputFile::bytes("c/d.txt", b"C".to_vec(), "t"),
        ];
        let s = write(&files);
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 2));
        assert_eq!(s.left_in_place, ["e/mine.txt", "mine.txt"]);
        assert!(!out.join("b.txt").exists());
        assert!(!out.join("e/f.txt").exists());
        assert_eq!(std::fs::read(out.join("c/d.txt")).unwrap(), b"C");
        assert_eq!(std::fs::read(out.join("e/mine.txt")).unwrap(), b"mine");
    }

    #[test]
    fn files_in_the_way_of_the_site_are_refused_before_anything_changes() {
        let (_tmp, sources, out) = site_and_out();
        let first = [OutputFile::bytes("old.txt", b"O".to_vec(), "t")];
        write(&out, &sources, false, &first).unwrap();
        std::fs::write(out.join("x"), "mine").unwrap();
        std::fs::create_dir_all(out.join("y")).unwrap();
        std::fs::write(out.join("y/z"), "mine").unwrap();
        let before = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        for (path, why) in [
            ("x", "x was not written by briefing and the site would replace it; move it away, or add --force to replace it"),
            ("x/index.html", "x was not written by briefing and the site needs a folder there; move it away"),
            ("y", "y/z was not written by briefing and the site writes a file where this folder is; move it away"),
        ] {
            let files = [OutputFile::bytes(path, b"N".to_vec(), "t")];
            let err = write(&out, &sources, false, &files).unwrap_err().to_string();
            let want = format!("refusing to build into {}: {}/{why}", out.display(), out.display());
            assert_eq!(err, want);
            assert!(out.join("old.txt").exists(), "{path}: changed before refusing");
            assert!(!out.join(STAGING_DIR).exists());
            assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), before);
        }
        // --force replaces a file where the site writes one, nothing more.
        let files = [OutputFile::bytes("x", b"N".to_vec(), "t")];
        write(&out, &sources, true, &files).unwrap();
        assert_eq!(std::fs::read(out.join("x")).unwrap(), b"N");
        assert_eq!(std::fs::read(out.join("y/z")).unwrap(), b"mine");
    }

    #[test]
    fn a_link_where_the_site_writes_a_file_is_replaced_not_written_through() {
        let (tmp, sources, out) = site_and_out();
        let files = [OutputFile::bytes("a.css", b"A".to_vec(), "t")];
        write(&out, &sources, false, &files).unwrap();
        let elsewhere = tmp.path().join("mine.css");
        std::fs::write(&elsewhere, "mine").unwrap();
        std::fs::remove_file(out.join("a.css")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a.css")).unwrap();
        write(&out, &sources, false, &files).unwrap();
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"mine");
        let meta = std::fs::symlink_metadata(out.join("a.css")).unwrap();
        assert!(meta.is_file());
        assert_eq!(std::fs::read(out.join("a.css")).unwrap(), b"A");
    }

    #[test]
    fn a_manifest_lists_paths_with_line_breaks_and_ignores_escapes() {
        let tmp = tempfile::tempdir().unwrap();
        write_manifest(tmp.path(), ["b", "a\nb", "a"].into_iter()).unwrap();
        let text = std::fs::read_to_string(tmp.path().join(MANIFEST)).unwrap();
        assert_eq!(text, format!("{MANIFEST_HEADER}\na\na\\nb\nb\n"));
        let read = read_manifest(&tmp.path().join(MANIFEST))
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(read, HashSet::from(["a".into(), "a\nb".into(), "b".into()]));
        // Paths that would leave the folder are never taken from it.
        std::fs::write(
            tmp.path().join(MANIFEST),
            format!("{MANIFEST_HEADER}\n../x\n/etc/passwd\nok\n"),
        )
        .unwrap();
        let read = read_manifest(&tmp.path().join(MANIFEST))
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(read, HashSet::from(["ok".to_string()]));
        std::fs::write(tmp.path().join(MANIFEST), "x\n").unwrap();
        assert!(read_manifest(&tmp.path().join(MANIFEST))
            .unwrap()
            .unwrap()
            .is_none());
    }

    #[test]
    fn refuses_to_clean_the_site_itself() {
        let (tmp, sources, _) = site_and_out();
        let site = tmp.path().join("site");
        for out in [tmp.path().to_path_buf(), site.clone(), site.join("content")] {
            assert!(OutputDir::claim(&out, &sources, true).is_err(), "{out:?}");
        }
    }
}
