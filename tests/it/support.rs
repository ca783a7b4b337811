//! A small builder for test sites: copy a fixture into a temp dir, change
//! files, run the real `briefing` binary, read and parse the output.

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Site {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Site {
    /// A copy of `tests/fixtures/<name>` in a fresh temp dir.
    pub fn fixture(name: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&repo_root().join("tests/fixtures").join(name), &root);
        Site { _tmp: tmp, root }
    }

    /// A copy of the repository's own sample site (content, theme, site.yaml).
    pub fn sample() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for part in ["content", "themes"] {
            copy_dir(&repo_root().join(part), &root.join(part));
        }
        std::fs::copy(repo_root().join("site.yaml"), root.join("site.yaml")).unwrap();
        Site { _tmp: tmp, root }
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        self
    }

    /// Runs `briefing build` with `args` in the site folder.
    pub fn build(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("build")
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run { output }
    }

    /// Builds and asserts success.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let run = self.build(args);
        assert!(run.success(), "build failed:\n{}", run.stderr());
        run
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public().join(rel))
            .unwrap_or_else(|e| panic!("cannot read public/{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }

    /// Every file below public/ with its bytes, sorted.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(self.public()).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(self.public())
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                out.push((rel, std::fs::read(entry.path()).unwrap()));
            }
        }
        out
    }
}

pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).to_string()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).to_string()
    }
}

/// A parsed HTML page.
pub struct Page(pub Html);

impl Page {
    pub fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.0.select(&sel).collect()
    }

    pub fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let all = self.all(css);
        assert!(
            !all.is_empty(),
            "no element matches `{css}` in\n{}",
            self.0.html()
        );
        all[0]
    }

    pub fn text(&self, css: &str) -> String {
        self.one(css).text().collect::<String>().trim().to_string()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        self.one(css)
            .value()
            .attr(attr)
            .unwrap_or_else(|| panic!("`{css}` has no `{attr}`"))
            .to_string()
    }

    /// Every href and src in the page.
    pub fn links(&self) -> Vec<String> {
        let mut out = Vec::new();
        for el in self.all("[href], [src]") {
            for a in ["href", "src"] {
                if let Some(v) = el.value().attr(a) {
                    out.push(v.to_string());
                }
            }
        }
        out
    }
}

/// Resolves a relative link from the page at `page` (a path below public/)
/// to a path below public/, or None for absolute URLs and fragments.
pub fn resolve(page: &str, link: &str) -> Option<String> {
    if link.contains("://")
        || link.starts_with('#')
        || link.starts_with("mailto:")
        || link.starts_with("data:")
    {
        return None;
    }
    let link = link.split(['#', '?']).next().unwrap();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for p in link.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || path.is_empty() {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    Some(path)
}
