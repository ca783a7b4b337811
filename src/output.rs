//! Output: the files a build produces and bringing the output folder up to
//! date with them.
//!
//! Writing is incremental: a file whose bytes did not change is not touched
//! (its mtime stays, so rsync and uploads see only real changes), changed and
//! new files are written, and files the site no longer produces are removed.

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
pub fn check_paths(files: &[OutputFile]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut dirs: HashSet<&str> = HashSet::new();
    for f in files {
        for (i, _) in f.path.match_indices('/') {
            dirs.insert(&f.path[..i]);
        }
    }
    for f in files {
        if leaves_output(&f.path) {
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Brings `out_dir` up to date with `files` (see the module doc). `site_root`
/// guards against cleaning a folder that holds the site itself.
/// Files marked `Staged` are taken from `staging`, which is committed.
pub fn write_site(
    out_dir: &Path,
    site_root: &Path,
    files: &[OutputFile],
    staging: Option<Staging>,
) -> Result<WriteStats> {
    guard_output_dir(out_dir, site_root)?;
    let staging = match staging {
        Some(staging) if staging.replaces_output() => return write_whole(out_dir, files, staging),
        other => other,
    };
    std::fs::create_dir_all(out_dir).map_err(|e| Error::write(out_dir, e))?;
    let staged_in = staging.as_ref().map(|s| s.dir.as_path());

    let wanted: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let tree = list_tree(out_dir, "", staged_in).map_err(|e| Error::read(out_dir, e))?;
    let mut existing_dirs: HashSet<&str> = HashSet::new();
    // Folders that may be empty now: those that were, and (below) the
    // parents of whatever is removed.
    let mut maybe_empty: BTreeSet<&str> = BTreeSet::new();
    let mut stale = Vec::new();
    for entry in &tree {
        let rel = entry.rel.as_str();
        if entry.is_dir {
            if wanted.contains(rel) {
                stale.push((rel, true));
            } else {
                existing_dirs.insert(rel);
                if entry.empty {
                    maybe_empty.insert(rel);
                }
            }
        } else if !wanted.contains(rel) {
            stale.push((rel, false));
        }
    }
    let mut removed = 0;
    for &(rel, is_dir) in &stale {
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
    // Remove folders left empty, deepest first.
    let mut candidates: Vec<&str> = maybe_empty.into_iter().collect();
    candidates.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    let mut removed_dirs = HashSet::new();
    for dir in candidates {
        let path = out_dir.join(dir);
        let empty = std::fs::read_dir(&path)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if empty && std::fs::remove_dir(&path).is_ok() {
            removed_dirs.insert(dir);
        }
    }

    // Create the folders new files go into (not the ones that are there).
    let parents: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .filter(|d| !existing_dirs.contains(*d) || removed_dirs.contains(d))
        .collect();
    parents.par_iter().try_for_each(|d| {
        let dir = out_dir.join(d);
        std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))
    })?;

    let written: usize = files
        .par_iter()
        .map(|f| {
            let path = out_dir.join(&f.path);
            match (&f.data, &staging) {
                (OutputData::Staged, Some(staging)) => {
                    std::fs::rename(staging.staged(&f.path), &path)
                        .map(|()| 1)
                        .map_err(|e| Error::write(&path, e))
                }
                _ => write_if_changed(&path, &f.data).map(usize::from),
            }
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .sum();
    if let Some(mut staging) = staging {
        std::fs::remove_dir_all(&staging.dir).map_err(|e| Error::write(&staging.dir, e))?;
        staging.committed = true;
    }
    Ok(WriteStats {
        written,
        unchanged: files.len() - written,
        removed,
    })
}

/// An entry below the output folder: its path (relative, `/`-separated),
/// whether it is a folder, and for a folder whether it is empty.
struct TreeEntry {
    rel: String,
    is_dir: bool,
    empty: bool,
}

/// Every entry below `dir` (paths start with `prefix`) but `skip`. Folders
/// are read in parallel: a rebuild of a large site reads some ten thousand.
fn list_tree(dir: &Path, prefix: &str, skip: Option<&Path>) -> std::io::Result<Vec<TreeEntry>> {
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    let lists = entries
        .par_iter()
        .filter(|e| Some(e.path().as_path()) != skip)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if !e.file_type()?.is_dir() {
                return Ok(vec![TreeEntry {
                    rel,
                    is_dir: false,
                    empty: false,
                }]);
            }
            let below = list_tree(&e.path(), &rel, skip)?;
            let mut list = Vec::with_capacity(below.len() + 1);
            list.push(TreeEntry {
                rel,
                is_dir: true,
                empty: below.is_empty(),
            });
            list.extend(below);
            Ok(list)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(lists.into_iter().flatten().collect())
}

/// Writes a site whose output folder was missing or empty: every file goes
/// into the staging folder, which then becomes the output folder.
fn write_whole(out_dir: &Path, files: &[OutputFile], mut staging: Staging) -> Result<WriteStats> {
    let parents: BTreeSet<&str> = files
        .iter()
        .filter(|f| f.data != OutputData::Staged)
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    parents.par_iter().try_for_each(|d| {
        let dir = staging.dir.join(d);
        std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))
    })?;
    files.par_iter().try_for_each(|f| {
        let path = staging.dir.join(&f.path);
        match &f.data {
            OutputData::Bytes(b) => std::fs::write(&path, b).map_err(|e| Error::write(&path, e)),
            OutputData::Copy(from) => std::fs::copy(from, &path)
                .map(drop)
                .map_err(|e| Error::write(&path, e)),
            OutputData::Staged | OutputData::Unchanged => Ok(()),
        }
    })?;
    // An empty output folder gives way to the staging folder.
    match std::fs::remove_dir(out_dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::write(out_dir, e));
        }
        _ => {}
    }
    std::fs::rename(&staging.dir, out_dir).map_err(|e| Error::write(out_dir, e))?;
    staging.committed = true;
    Ok(WriteStats {
        written: files.len(),
        unchanged: 0,
        removed: 0,
    })
}

/// Writes `data` to `path` unless the file already holds exactly these bytes.
fn write_if_changed(path: &Path, data: &OutputData) -> Result<bool> {
    let owned;
    let bytes: &[u8] = match data {
        OutputData::Unchanged | OutputData::Staged => return Ok(false),
        OutputData::Bytes(b) => b,
        OutputData::Copy(from) => {
            if let (Ok(a), Ok(b)) = (std::fs::metadata(from), std::fs::metadata(path)) {
                if a.len() != b.len() {
                    std::fs::copy(from, path).map_err(|e| Error::write(path, e))?;
                    return Ok(true);
                }
            }
            owned = std::fs::read(from).map_err(|e| Error::read(from, e))?;
            &owned
        }
    };
    if holds(path, bytes) {
        return Ok(false);
    }
    std::fs::write(path, bytes).map_err(|e| Error::write(path, e))?;
    Ok(true)
}

/// Whether the file at `path` holds exactly `bytes` (sizes first, so a
/// changed file is usually told without reading it).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() == bytes.len() as u64 => {
            std::fs::read(path).map(|old| old == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

/// Whether `out_dir/path` already holds exactly `bytes` (a read-only check,
/// made while rendering so unchanged pages need not be kept in memory).
pub fn is_current(out_dir: &Path, path: &str, bytes: &[u8]) -> bool {
    holds(&out_dir.join(path), bytes)
}

/// Whether `out_dir/path` ends with exactly `tail` (reads only the end of
/// the file): how a build recognises a page it wrote from the same input.
pub fn ends_with(out_dir: &Path, path: &str, tail: &[u8]) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(out_dir.join(path)) else {
        return false;
    };
    let mut buf = vec![0; tail.len()];
    file.seek(SeekFrom::End(-(tail.len() as i64))).is_ok()
        && file.read_exact(&mut buf).is_ok()
        && buf == tail
}

/// Where a build writes its rendered pages before they take their place in
/// the output folder, so pages need not wait in memory for the write and a
/// failed build still leaves the output folder as it was.
///
/// When the output folder is missing or empty, the staging folder is a
/// sibling of it that becomes the output folder in one rename. Otherwise it
/// is a hidden folder inside it, where files lie flat, and each staged file
/// is renamed into place. A staging folder not committed is removed when
/// dropped.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    layout: Layout,
    committed: bool,
}

/// How files lie in a staging folder.
#[derive(Debug)]
enum Layout {
    /// The staging folder becomes the output folder, so files have their
    /// paths there. `made` holds the folders made so far below it: a page's
    /// folder is made once, not looked up again for each file written into it.
    Whole { made: Mutex<HashSet<PathBuf>> },
    /// Inside the output folder, files lie flat, numbered in the order they
    /// came (`numbers` by path): a rebuild that changes every page makes no
    /// folder to hold them, and removes none afterwards.
    Flat {
        numbers: Mutex<HashMap<String, usize>>,
    },
}

/// The name of the staging folder inside an output folder.
const STAGING_DIR: &str = ".briefing-staging";

impl Staging {
    /// A fresh staging folder for `out_dir` (see the type's doc).
    pub fn new(out_dir: &Path, site_root: &Path) -> Result<Staging> {
        guard_output_dir(out_dir, site_root)?;
        let empty = match std::fs::read_dir(out_dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(Error::read(out_dir, e)),
        };
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let beside = out_dir.with_file_name(format!(".{name}.briefing-new"));
        let inside = out_dir.join(STAGING_DIR);
        // Either may be left over from a build that was killed.
        for dir in [&beside, &inside] {
            match std::fs::remove_dir_all(dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::write(dir, e))
                }
                _ => {}
            }
        }
        let (dir, layout) = if empty {
            (
                beside,
                Layout::Whole {
                    made: Default::default(),
                },
            )
        } else {
            (
                inside,
                Layout::Flat {
                    numbers: Default::default(),
                },
            )
        };
        std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))?;
        Ok(Staging {
            dir,
            layout,
            committed: false,
        })
    }

    /// Whether the output folder was missing or empty, so that the staging
    /// folder will become it: there is nothing to compare pages with.
    pub fn replaces_output(&self) -> bool {
        matches!(self.layout, Layout::Whole { .. })
    }

    /// Writes a file of the site (`path` below the output folder).
    pub fn stage(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
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
                drop(numbers);
                std::fs::write(self.dir.join(n.to_string()), bytes)
            }
            Layout::Whole { made } => {
                let target = self.dir.join(path);
                if let Some(parent) = target.parent() {
                    self.make_dir(parent, made)?;
                }
                std::fs::write(target, bytes)
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
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Refuses output folders that would delete the site's own files.
fn guard_output_dir(out_dir: &Path, site_root: &Path) -> Result<()> {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (out, root) = (abs(out_dir), abs(site_root));
    if root.starts_with(&out) || out.join("site.yaml").exists() || out.join("content").is_dir() {
        return Err(Error::write(
            out_dir,
            std::io::Error::other("refusing to use this folder for output: it holds the site's own files; choose an empty or build-only folder"),
        ));
    }
    if out.exists() && !out.is_dir() {
        return Err(Error::write(
            out_dir,
            std::io::Error::other("the output path exists and is not a folder"),
        ));
    }
    Ok(())
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
        ];
        let errs = check_paths(&files);
        let msgs: Vec<_> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("produced both"));
        assert!(msgs[1].contains("would leave"));
        assert!(msgs[2].contains("both a file and a folder"));
    }

    #[test]
    fn staged_files_take_their_place_whether_the_output_existed_or_not() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&site).unwrap();
        let staged = |path: &str| OutputFile {
            path: path.to_string(),
            data: OutputData::Staged,
            origin: "t".to_string(),
        };
        let listing = |dir: &Path| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };

        // No output folder: the staging folder beside it becomes it.
        let staging = Staging::new(&out, &site).unwrap();
        assert!(staging.replaces_output());
        assert!(staging.stage("../escape.html", b"x").is_err());
        staging.stage("a/index.html", b"A").unwrap();
        let files = [
            staged("a/index.html"),
            OutputFile::bytes("b.txt", b"B".to_vec(), "t"),
        ];
        write_site(&out, &site, &files, Some(staging)).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A");
        assert_eq!(
            listing(tmp.path()),
            ["out", "site"],
            "no staging folder left"
        );

        // An output folder: staged files are moved into it one by one.
        let staging = Staging::new(&out, &site).unwrap();
        assert!(!staging.replaces_output());
        staging.stage("a/index.html", b"A2").unwrap();
        write_site(&out, &site, &[staged("a/index.html")], Some(staging)).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"A2");
        assert_eq!(
            listing(&out),
            ["a"],
            "b.txt is stale, the staging folder gone"
        );
    }

    #[test]
    fn writes_only_what_changed_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&site).unwrap();
        let files = vec![
            OutputFile::bytes("a/index.html", b"A".to_vec(), "t"),
            OutputFile::bytes("b.txt", b"B".to_vec(), "t"),
        ];
        let s = write_site(&out, &site, &files, None).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));
        let files = vec![
            OutputFile::bytes("a/index.html", b"A".to_vec(), "t"),
            OutputFile::bytes("c/d.txt", b"C".to_vec(), "t"),
        ];
        let s = write_site(&out, &site, &files, None).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 1));
        assert!(!out.join("b.txt").exists());
        assert_eq!(std::fs::read(out.join("c/d.txt")).unwrap(), b"C");
    }

    #[test]
    fn refuses_to_clean_the_site_itself() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("site.yaml"), "x").unwrap();
        assert!(write_site(tmp.path(), &tmp.path().join("sub"), &[], None).is_err());
        assert!(write_site(tmp.path(), tmp.path(), &[], None).is_err());
    }
}
