//! Where briefing may write: the rules `build` (its output folder) and
//! `archive` (its target file) share. Nothing is ever written into the
//! site's sources, and paths are compared with links and `..` resolved.
//!
//! What a build may remove inside its output folder is `output`'s (the
//! manifest); what an archive may replace is `archive`'s.

use crate::error::{Error, Result};
use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

/// What a build reads, so no command may write there: `site.yaml`,
/// `content/`, `themes/` and the theme folder in use.
#[derive(Debug)]
pub struct SiteSources {
    /// The site folder, absolute, links resolved.
    root: PathBuf,
    /// Each source, absolute (links resolved), and its name for users.
    sources: Vec<(PathBuf, String)>,
}

impl SiteSources {
    /// The sources of the site in `root` whose theme is `theme` (the name
    /// in site.yaml, a folder below `themes/`).
    pub fn new(root: &Path, theme: &str) -> SiteSources {
        let named = [
            (root.join("site.yaml"), "site.yaml".to_string()),
            (root.join("content"), "content/ folder".to_string()),
            (root.join("themes"), "themes/ folder".to_string()),
            (
                root.join("themes").join(theme),
                format!("theme folder themes/{theme}/"),
            ),
        ];
        SiteSources {
            root: absolute(root),
            sources: named.into_iter().map(|(p, n)| (absolute(&p), n)).collect(),
        }
    }

    /// Why nothing may be written at `abs` (an [`absolute`] path), when it
    /// is a source or inside one: "it is (inside) the site's …".
    pub fn conflict(&self, abs: &Path) -> Option<String> {
        self.sources.iter().find_map(|(source, name)| {
            let relation = if abs == source {
                "it is"
            } else if abs.starts_with(source) {
                "it is inside"
            } else {
                return None;
            };
            Some(format!(
                "{relation} the site's {name}, which the build reads from"
            ))
        })
    }

    /// Whether `abs` (an [`absolute`] path) is the site folder or holds it.
    pub fn holds_site(&self, abs: &Path) -> bool {
        self.root.starts_with(abs)
    }
}

/// What `build` says after refusing an output folder.
const OTHER_OUTPUT: &str = "choose another output folder, such as the default public/";

/// Refuses an output folder that is one of the site's sources or inside
/// one, holds the site, or is not a folder. (Which files in it a build may
/// remove is decided by its manifest; see `output::OutputDir`.)
pub(crate) fn check_output_dir(out: &Path, sources: &SiteSources) -> Result<()> {
    let abs = absolute(out);
    let refuse = |why: String| Err(Error::refused("build into", out, why));
    if let Some(why) = sources.conflict(&abs) {
        return refuse(format!("{why}; {OTHER_OUTPUT}"));
    }
    if sources.holds_site(&abs) {
        return refuse(format!("it holds the site itself; {OTHER_OUTPUT}"));
    }
    match std::fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => refuse(format!(
            "it is {}, not a folder; {OTHER_OUTPUT}",
            kind_of(meta.file_type())
        )),
        _ => Ok(()),
    }
}

/// What a file system entry is, for messages: "a folder", "a FIFO (named
/// pipe)", ….
pub(crate) fn kind_of(kind: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_file() {
        "a regular file"
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// An absolute form of `p` with links and `..` resolved, whether or not it
/// exists: the nearest existing ancestor is canonicalised and the rest
/// appended, its `..` and `.` resolved by name (what does not exist holds no
/// links).
pub fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut rest = Vec::new();
    let mut cur = p.as_path();
    let mut out = loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            break c;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                cur = parent;
            }
            _ => break PathBuf::from("/"),
        }
    };
    for part in rest.iter().rev() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dot_dot_below_a_missing_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(base.join("content")).unwrap();
        let p = tmp.path().join("missing/../content/new/./x");
        assert_eq!(absolute(&p), base.join("content/new/x"));
        assert_eq!(absolute(&tmp.path().join("content")), base.join("content"));
    }

    #[test]
    fn sources_and_folders_holding_the_site_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content/reports")).unwrap();
        let sources = SiteSources::new(&root, "plain");
        let abs = |rel: &str| absolute(&root.join(rel));
        let why = |rel: &str| sources.conflict(&abs(rel));
        assert_eq!(
            why("content").as_deref(),
            Some("it is the site's content/ folder, which the build reads from")
        );
        assert_eq!(
            why("themes/plain/static").as_deref(),
            Some("it is inside the site's themes/ folder, which the build reads from")
        );
        assert_eq!(
            why("site.yaml").as_deref(),
            Some("it is the site's site.yaml, which the build reads from")
        );
        assert_eq!(why("public"), None);
        assert_eq!(why("site.yaml.zip"), None);
        assert!(sources.holds_site(&abs("..")));
        assert!(sources.holds_site(&abs(".")));
        assert!(!sources.holds_site(&abs("public")));
    }
}
