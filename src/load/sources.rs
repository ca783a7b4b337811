//! Reading `content/`: the only place that reads the content folder's
//! files (copied files are read when they are written or served).

use crate::diag::Diagnostic;
use crate::error::Result;
use crate::load::frontmatter;
use crate::model::content::InputAsset;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A Markdown file read from `content/`.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path shown in diagnostics, e.g. `content/reports/a.zh.md`.
    pub display: PathBuf,
    /// Path below `content/`, `/`-separated, e.g. `reports/a.zh.md`.
    pub rel: String,
    /// Text with BOM stripped and CRLF normalised.
    pub text: String,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<InputFile>,
    pub assets: Vec<InputAsset>,
    /// Files that could not be used at all (e.g. invalid UTF-8).
    pub problems: Vec<Diagnostic>,
}

/// Reads every file below `content_dir`, in a stable order. Hidden files
/// and folders (starting with `.`) are skipped.
pub fn read_sources(content_dir: &Path, site_root: &Path) -> Result<Sources> {
    let mut sources = Sources::default();
    if !content_dir.is_dir() {
        return Ok(sources);
    }
    let mut markdown = Vec::new();
    let site = std::fs::canonicalize(site_root).unwrap_or_else(|_| site_root.to_path_buf());
    let mut outside = Vec::new();
    // Links are followed when they stay inside the site; loops are errors.
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            let leaves = e.path_is_symlink() && !links_inside(e.path(), &site);
            if leaves && !hidden {
                outside.push(e.path().to_path_buf());
            }
            !hidden && !leaves
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                sources
                    .problems
                    .push(unreadable(site_root, content_dir, &e));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel_path = path.strip_prefix(content_dir).unwrap_or(path);
        let display = crate::diag::display_path(site_root, path);
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            sources.problems.push(
                Diagnostic::error(&display, None, "the file name is not valid UTF-8")
                    .with_hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        if rel.ends_with(".md") {
            markdown.push((display, rel, path.to_path_buf()));
        } else {
            sources.assets.push(InputAsset {
                rel,
                path: path.to_path_buf(),
            });
        }
    }
    // Reading ten thousand files is mostly waiting on the system: in parallel.
    let read: Vec<std::result::Result<InputFile, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(display, rel, path)| read_markdown(display, rel, &path))
        .collect();
    for file in read {
        match file {
            Ok(file) => sources.files.push(file),
            Err(problem) => sources.problems.push(problem),
        }
    }
    for link in outside {
        let display = crate::diag::display_path(site_root, &link);
        sources.problems.push(
            Diagnostic::warning(
                &display,
                None,
                "this link points outside the site; it is not read",
            )
            .with_hint("copy the file into content/, or link to a file inside the site folder"),
        );
    }
    Ok(sources)
}

/// A Markdown file as text, or the problem that keeps it from being read.
fn read_markdown(
    display: PathBuf,
    rel: String,
    path: &Path,
) -> std::result::Result<InputFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(&display, None, format!("cannot read the file: {e}"))
            .with_hint("check that it exists and that you may read it")
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(InputFile {
            display,
            rel,
            text: frontmatter::normalise(&text),
        }),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
            Err(Diagnostic::error(&display, Some(crate::diag::line_of_offset(valid, offset)), "the file is not valid UTF-8")
                .with_hint("save the file as UTF-8 (GBK or GB18030 text must be converted, e.g. `iconv -f GB18030 -t UTF-8`)"))
        }
    }
}

/// Whether the symbolic link `path` resolves to somewhere inside `site`
/// (canonical). A broken link counts as inside, so reading it reports it.
fn links_inside(path: &Path, site: &Path) -> bool {
    match std::fs::canonicalize(path) {
        Ok(target) => target.starts_with(site),
        Err(_) => true,
    }
}

/// A walk error as a diagnostic: a broken link, a folder that cannot be
/// read, or a link loop. The build goes on to report every other problem.
fn unreadable(site_root: &Path, content_dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().unwrap_or(content_dir);
    let display = crate::diag::display_path(site_root, path);
    let message = match (e.loop_ancestor(), e.io_error()) {
        (Some(ancestor), _) => format!(
            "this link loops back to {}",
            crate::diag::display_path(site_root, ancestor).display()
        ),
        (None, Some(io)) if io.kind() == std::io::ErrorKind::NotFound => {
            "cannot read this file: it is a link to something that does not exist".to_string()
        }
        (None, Some(io)) => format!("cannot read this: {io}"),
        (None, None) => format!("cannot read this: {e}"),
    };
    Diagnostic::error(&display, None, message)
        .with_hint("remove or fix it, or check that you may read it")
}

impl Sources {
    /// Brings what was read up to date after the files `changed` (paths
    /// below `content_dir`) changed on disk: an edited Markdown file is read
    /// again on its own; anything else (a file added or removed, a file that
    /// can no longer be read) reads the whole folder again.
    pub fn refresh(
        &mut self,
        content_dir: &Path,
        site_root: &Path,
        changed: &[PathBuf],
    ) -> Result<()> {
        for path in changed {
            let Ok(rel) = path.strip_prefix(content_dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.split('/').any(|part| part.starts_with('.')) {
                continue; // hidden files are never read
            }
            if let Some(i) = self.files.iter().position(|f| f.rel == rel) {
                let text = std::fs::read(path)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                if let Some(text) = text {
                    self.files[i].text = frontmatter::normalise(&text);
                    continue;
                }
            } else if path.is_file() && self.assets.iter().any(|a| a.rel == rel) {
                continue; // copied files are read when they are written or served
            } else if !path.exists() {
                continue; // unknown and gone: an editor's or tool's temporary file
            }
            *self = read_sources(content_dir, site_root)?;
            return Ok(());
        }
        Ok(())
    }
}
