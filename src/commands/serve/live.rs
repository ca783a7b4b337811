//! A site kept in memory and brought up to date as files change (for
//! `serve`).
//!
//! The first update builds everything. After that, a change to files in
//! `content/` re-reads only those files, reuses every parse and Markdown
//! render whose input is unchanged (`content::LoadCache`), and renders only
//! the pages the change can affect (`render::changed_pages`); a change to
//! `site.yaml` or the theme, or to the shape of the site (a report added,
//! removed, re-dated or translated), renders every page.
//!
//! The slow files that depend on every report (dashboards, search index,
//! feeds, data exports) are left to `finish`, so the edited pages can be
//! served (and the browser reloaded) first. After `update` and `finish` the
//! site is the one a full build would produce, less minification.
//!
//! An update that finds errors leaves the last good site in place.
//!
//! Copied files (content assets, a theme's static files) are read into the
//! site too, so `serve` answers every request from memory and a file being
//! rewritten in place is never served half-written: a copied file is read
//! only once it has been left alone for [`SETTLE`] and did not change while
//! it was read; until then the bytes read before stay (`Update::busy` says
//! to look again with `recheck_copies`). Where the file watcher reports
//! writes and closes (Linux), a file is read only as it was when its writer
//! closed it ([`Writers`]), however long the writer pauses. The cost is
//! memory: the site holds every asset once (a site's images and theme
//! files, usually a few MiB).

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::load::content::{self, LoadCache};
use crate::load::sources::Sources;
use crate::model::content::Content;
use crate::output::OutputData;
use crate::output::{self, OutputFile};
use crate::pipeline::{self, BuildOptions, Setup};
use crate::render::{self, Job, RenderInput, RenderOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The files of a built site by output path. Shared, so a snapshot handed
/// to readers stays valid while the next update is prepared.
pub type SiteFiles = HashMap<String, Arc<OutputFile>>;

/// What an update did.
#[derive(Debug)]
pub struct Update {
    /// Pages rendered (the other files are cheap and always refreshed).
    pub pages: usize,
    /// Whether every page was rendered.
    pub full: bool,
    /// The output paths whose bytes changed; None when everything may have.
    pub changed: Option<Vec<String>>,
    /// Work left for `finish`: the slow pages (dashboards) and the data
    /// files (metrics exports, search index) still hold the last site's.
    /// After a change to one report its pages are served first, the rest a
    /// moment later.
    pub pending: bool,
    pub elapsed: Duration,
    /// All warnings of the site as it is now.
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Copied files were being written: the bytes read before are served;
    /// call `recheck_copies` a moment ([`SETTLE`]) later.
    pub busy: bool,
}

/// How long a copied file must have been left alone before it is read, so
/// a file rewritten in place (not renamed into place) is read once its
/// writer has finished, not halfway. A writer that pauses longer than this
/// in the middle of a file is taken to have finished.
pub const SETTLE: Duration = Duration::from_millis(30);

/// How long after its last modification a copied file is read even if no
/// event said its writer closed it (a writer that never closes, events lost
/// when the watcher's queue overflowed).
const WRITER_GONE: Duration = Duration::from_secs(5);

/// What the file watcher has said about the site's files, shared with its
/// thread: whether a writer has each one open (written to, not closed
/// since) and the file's stamp when the watcher saw it closed. With inotify
/// (Linux) a truncation or write is reported as it happens and a close
/// after the last write, so a copied file is read only when it is as it was
/// when its writer closed it: a writer that pauses halfway, or a watcher
/// thread that waits for a busy machine, never gets half a file read.
/// Elsewhere (no close events) a file is read once unchanged for
/// [`SETTLE`].
#[derive(Debug, Clone)]
pub struct Writers(Arc<Mutex<Seen>>);

#[derive(Debug)]
struct Seen {
    /// When watching began.
    since: SystemTime,
    /// Per file: whether a writer has it open, its stamp when last closed.
    files: HashMap<PathBuf, (bool, Option<Stamp>)>,
}

impl Default for Writers {
    fn default() -> Self {
        Writers(Arc::new(Mutex::new(Seen {
            since: SystemTime::now(),
            files: HashMap::new(),
        })))
    }
}

impl Writers {
    /// A writer opened `path` (it was written to, truncated or created).
    pub fn opened(&self, path: &Path) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.files
            .entry(path.to_path_buf())
            .or_insert((true, None))
            .0 = true;
    }

    /// `path` was closed by a writer, renamed into place or removed.
    pub fn closed(&self, path: &Path) {
        let now = stamp(path).ok();
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match now {
            Some(now) => seen.files.insert(path.to_path_buf(), (false, Some(now))),
            // Gone (editors' temporary files): nothing to remember.
            None => seen.files.remove(path),
        };
    }

    /// Whether `path`, as `now`, may be read whole.
    fn settled(&self, path: &Path, now: Stamp) -> bool {
        let Some(modified) = now.modified else {
            return true;
        };
        // A modification time in the future (a clock set back) counts as old.
        let age = SystemTime::now().duration_since(modified).ok();
        if age.is_none_or(|age| age >= WRITER_GONE) {
            return true;
        }
        if age.is_some_and(|age| age < SETTLE) {
            return false;
        }
        if !cfg!(target_os = "linux") {
            return true;
        }
        let seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match seen.files.get(path) {
            Some(&(open, closed)) => !open && closed == Some(now),
            None => modified < seen.since,
        }
    }
}

/// A copied file's size and modification time when its bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// Where each copied output file was read from, and its stamp then.
type Copied = HashMap<String, (PathBuf, Stamp)>;

/// What reading a copied file found.
enum Load {
    /// As it was when its bytes were read.
    Same,
    New(Vec<u8>, Stamp),
    /// Changed within [`SETTLE`] or while it was read: being written.
    Busy,
}

fn stamp(path: &Path) -> Result<Stamp> {
    let meta = std::fs::metadata(path).map_err(|e| Error::read(path, e))?;
    Ok(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Reads a copied file whose bytes were last read at `held` (None: never).
fn load_copy(from: &Path, held: Option<Stamp>, writers: &Writers) -> Result<Load> {
    let before = stamp(from)?;
    if held == Some(before) {
        return Ok(Load::Same);
    }
    if !writers.settled(from, before) {
        return Ok(Load::Busy);
    }
    let bytes = std::fs::read(from).map_err(|e| Error::read(from, e))?;
    let after = stamp(from)?;
    if after != before || bytes.len() as u64 != after.len {
        return Ok(Load::Busy);
    }
    Ok(Load::New(bytes, after))
}

/// Reads a copied file that has no bytes in memory yet: waits (at most
/// about half a second) for it to settle, then takes it as it is.
fn load_new_copy(from: &Path, writers: &Writers) -> Result<(Vec<u8>, Stamp)> {
    for _ in 0..12 {
        if let Load::New(bytes, stamp) = load_copy(from, None, writers)? {
            return Ok((bytes, stamp));
        }
        std::thread::sleep(SETTLE);
    }
    let bytes = std::fs::read(from).map_err(|e| Error::read(from, e))?;
    Ok((bytes, stamp(from)?))
}

/// Puts the bytes of every copied file of a freshly made `site` in place of
/// its `Copy` entries, reusing the bytes of `old` for files that did not
/// change. Returns the new record of copied files and whether some were
/// being written (their old bytes are kept).
fn hold_copies(
    site: &mut SiteFiles,
    old: Option<(&SiteFiles, &Copied)>,
    writers: &Writers,
) -> Result<(Copied, bool)> {
    let mut copied = Copied::new();
    let mut busy = false;
    for (path, file) in site.iter_mut() {
        let OutputData::Copy(from) = &file.data else {
            continue;
        };
        let from = from.clone();
        let previous = old.and_then(|(files, copied)| {
            let (source, stamp) = copied.get(path).filter(|(source, _)| *source == from)?;
            Some((files.get(path)?, *stamp, source))
        });
        let (bytes, stamp) = match previous {
            Some((held, stamp, _)) => match load_copy(&from, Some(stamp), writers)? {
                Load::Same => {
                    *file = Arc::clone(held);
                    copied.insert(path.clone(), (from, stamp));
                    continue;
                }
                Load::Busy => {
                    busy = true;
                    *file = Arc::clone(held);
                    copied.insert(path.clone(), (from, stamp));
                    continue;
                }
                Load::New(bytes, stamp) => (bytes, stamp),
            },
            None => load_new_copy(&from, writers)?,
        };
        *file = Arc::new(OutputFile::bytes(path.clone(), bytes, file.origin.clone()));
        copied.insert(path.clone(), (from, stamp));
    }
    Ok((copied, busy))
}

/// Reads again the copied files of `site` that changed on disk. Returns
/// the output paths whose bytes changed and whether some were being
/// written.
fn recheck(
    site: &mut Arc<SiteFiles>,
    copied: &mut Copied,
    writers: &Writers,
) -> Result<(Vec<String>, bool)> {
    let mut changed = Vec::new();
    let mut busy = false;
    for (path, (from, held)) in copied.iter_mut() {
        match load_copy(from, Some(*held), writers)? {
            Load::Same => {}
            Load::Busy => busy = true,
            Load::New(bytes, stamp) => {
                let Some(old) = site.get(path) else {
                    continue;
                };
                let file = OutputFile::bytes(path.clone(), bytes, old.origin.clone());
                *held = stamp;
                if old.data != file.data {
                    Arc::make_mut(site).insert(path.clone(), Arc::new(file));
                    changed.push(path.clone());
                }
            }
        }
    }
    changed.sort();
    Ok((changed, busy))
}

/// What a changed path means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `site.yaml` or the theme: read them again, render everything.
    Setup,
    /// A file below `content/`.
    Content,
    /// Not part of the site's input (the output folder, editor files).
    Ignored,
}

/// The last site built without errors.
struct Good {
    content: Content,
    /// The problems `build::check_content` found in it.
    content_checks: Vec<Diagnostic>,
    files: Arc<SiteFiles>,
    /// Its copied files (held in `files` as bytes).
    copied: Copied,
    /// The paths of its data files (exports, search index).
    data_paths: Vec<String>,
    /// What `finish` has still to do.
    pending: Pending,
}

#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    dashboards: bool,
    data: bool,
}

/// What `finish` did.
#[derive(Debug)]
pub struct Finish {
    /// The output paths whose bytes changed.
    pub changed: Vec<String>,
    pub elapsed: Duration,
}

/// Whether two contents have the same reports with the same metrics.
fn same_metrics(a: &Content, b: &Content) -> bool {
    a.reports.len() == b.reports.len()
        && a.reports
            .iter()
            .zip(&b.reports)
            .all(|(x, y)| (&x.section, &x.slug, &x.metrics) == (&y.section, &y.slug, &y.metrics))
}

/// Puts `files` into `site`; returns the paths whose bytes changed.
fn put(site: &mut SiteFiles, files: Vec<OutputFile>) -> Vec<String> {
    let mut changed = Vec::new();
    for f in files {
        if site.get(&f.path).is_none_or(|old| old.data != f.data) {
            changed.push(f.path.clone());
            site.insert(f.path.clone(), Arc::new(f));
        }
    }
    changed
}

/// A site in memory; see the module doc.
pub struct LiveSite {
    opts: BuildOptions,
    setup: Option<Setup>,
    sources: Sources,
    cache: LoadCache,
    good: Option<Good>,
    writers: Writers,
}

impl LiveSite {
    /// A site to build from `opts` (nothing is read until `update`). The
    /// root should be absolute, as the paths given to `update` are.
    pub fn new(opts: BuildOptions) -> LiveSite {
        LiveSite {
            opts,
            setup: None,
            sources: Sources::default(),
            cache: LoadCache::default(),
            good: None,
            writers: Writers::default(),
        }
    }

    /// Where the file watcher reports writes and closes.
    pub fn writers(&self) -> Writers {
        self.writers.clone()
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// What a change to `path` means for the site.
    pub fn kind(&self, path: &Path) -> Kind {
        let root = &self.opts.root;
        let Ok(rel) = path.strip_prefix(root) else {
            return Kind::Ignored;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next().unwrap_or_default();
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let backup = rel.to_string_lossy().ends_with('~');
        match first.as_ref() {
            _ if hidden || backup => Kind::Ignored,
            "site.yaml" | "themes" => Kind::Setup,
            "content" => Kind::Content,
            _ => Kind::Ignored,
        }
    }

    /// The files of the last site built without errors.
    pub fn files(&self) -> Option<Arc<SiteFiles>> {
        self.good.as_ref().map(|g| Arc::clone(&g.files))
    }

    /// Reads again the copied files that changed on disk since they were
    /// read (see `Update::busy`). Returns the output paths whose bytes
    /// changed and whether some files are still being written.
    pub fn recheck_copies(&mut self) -> Result<(Vec<String>, bool)> {
        match &mut self.good {
            Some(good) => recheck(&mut good.files, &mut good.copied, &self.writers),
            None => Ok((Vec::new(), false)),
        }
    }

    /// Does the work an `update` left pending (see `Update::pending`):
    /// renders the dashboards and brings the data files up to date.
    pub fn finish(&mut self) -> Result<Finish> {
        let start = Instant::now();
        let (Some(setup), Some(good)) = (&self.setup, &mut self.good) else {
            return Ok(Finish {
                changed: Vec::new(),
                elapsed: start.elapsed(),
            });
        };
        let pending = std::mem::take(&mut good.pending);
        let mut files = Vec::new();
        if let (true, Some(tera)) = (pending.dashboards, &setup.tera) {
            let input = RenderInput {
                config: &setup.config,
                content: &good.content,
                theme: &setup.theme,
                tera,
                units: &setup.units,
                ends_with: None,
                stage: None,
                options: RenderOptions {
                    style: self.opts.style,
                    minify: self.opts.minify,
                },
            };
            let jobs: Vec<Job<'_>> = setup
                .config
                .languages
                .iter()
                .map(|&l| Job::Dashboard(l))
                .collect();
            files = render::render_pages(&input, &jobs).map_err(Error::Invalid)?;
        }
        if pending.data {
            let data = pipeline::data_files(&good.content, setup, self.opts.style)?;
            let site = Arc::make_mut(&mut good.files);
            let new: std::collections::HashSet<&str> =
                data.iter().map(|f| f.path.as_str()).collect();
            for path in good.data_paths.drain(..) {
                if !new.contains(path.as_str()) {
                    site.remove(&path);
                }
            }
            good.data_paths = data.iter().map(|f| f.path.clone()).collect();
            files.extend(data);
        }
        let changed = put(Arc::make_mut(&mut good.files), files);
        Ok(Finish {
            changed,
            elapsed: start.elapsed(),
        })
    }

    /// Reads what `changed` makes necessary: the setup and all sources on
    /// the first call or after a change to the setup (returns true: render
    /// everything), else the changed files of `content/`.
    fn read(&mut self, changed: &[PathBuf]) -> Result<bool> {
        let kinds: Vec<Kind> = changed.iter().map(|p| self.kind(p)).collect();
        let content_dir = self.opts.root.join("content");
        if self.setup.is_none() || kinds.contains(&Kind::Setup) {
            self.setup = None;
            self.cache = LoadCache::default();
            self.sources = Sources::default();
            let setup = pipeline::read_setup(&self.opts)?;
            self.sources = crate::load::sources::read_sources(&content_dir, &self.opts.root)?;
            self.setup = Some(setup);
            return Ok(true);
        }
        let content_paths: Vec<PathBuf> = changed
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| **k == Kind::Content)
            .map(|(p, _)| p.clone())
            .collect();
        // `Sources::refresh` takes a path that is gone for an editor's
        // temporary file; a copied file that is gone is read again.
        let asset_gone = content_paths
            .iter()
            .any(|p| self.sources.assets.iter().any(|a| a.path == *p) && !p.exists());
        if asset_gone {
            self.sources = crate::load::sources::read_sources(&content_dir, &self.opts.root)?;
        } else {
            self.sources
                .refresh(&content_dir, &self.opts.root, &content_paths)?;
        }
        Ok(self.good.is_none())
    }

    /// Brings the site up to date after `changed` paths changed (all of it
    /// on the first call). On errors the last good site stays.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let start = Instant::now();
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let full = self.read(changed)?;
        lap("read");
        let setup = self.setup.as_ref().expect("read above");
        let (content, content_diags) = content::load_cached(
            &self.sources,
            &setup.config,
            &setup.units,
            self.opts.style,
            self.opts.drafts,
            &mut self.cache,
        );
        let mut diags = Diagnostics::default();
        diags.extend(setup.diags.iter().cloned());
        diags.extend(content_diags);
        // The cross-report checks look at metrics only: reuse them while
        // every report's metrics are as they were.
        let content_checks = match &self.good {
            Some(good) if !full && same_metrics(&good.content, &content) => {
                good.content_checks.clone()
            }
            _ => pipeline::check_content(&content, setup),
        };
        diags.extend(content_checks.iter().cloned());
        let tera = match &setup.tera {
            Some(t) if !diags.has_errors() => t,
            _ => return Err(Error::Invalid(diags.into_sorted())),
        };
        lap("load");
        let input = RenderInput {
            config: &setup.config,
            content: &content,
            theme: &setup.theme,
            tera,
            units: &setup.units,
            ends_with: None,
            stage: None,
            options: RenderOptions {
                style: self.opts.style,
                minify: self.opts.minify,
            },
        };
        let jobs = match (&self.good, full) {
            (Some(good), false) if good.content.assets == content.assets => {
                render::changed_pages(&input, &good.content)
            }
            _ => None,
        };
        let full = jobs.is_none();
        let mut jobs = jobs.unwrap_or_else(|| render::site_pages(&input));
        // Dashboards show every report: slow on a large site, so after a
        // change to one report they are left to `finish`.
        let dashboards = !full && jobs.iter().any(|j| matches!(j, Job::Dashboard(_)));
        if !full {
            jobs.retain(|j| !matches!(j, Job::Dashboard(_)));
        }
        // A full render also makes the sitemap (it lists every page).
        let rendered = if full {
            render::render_site(&input)
        } else {
            render::render_pages(&input, &jobs)
        };
        let page_count = jobs.len();
        drop(jobs);
        let pages = match rendered {
            Ok(files) => files,
            Err(errors) => {
                diags.extend(errors);
                return Err(Error::Invalid(diags.into_sorted()));
            }
        };
        lap("render");
        let data = !full
            && self
                .good
                .as_ref()
                .is_some_and(|good| good.content != content);
        let mut changed = None;
        let busy;
        let (files, copied, data_paths, pending) = match (&mut self.good, full) {
            (Some(good), false) => {
                // The data files of the last site stay until `finish`.
                let pages_changed = put(Arc::make_mut(&mut good.files), pages);
                let (copies_changed, copies_busy) =
                    recheck(&mut good.files, &mut good.copied, &self.writers)?;
                busy = copies_busy;
                // A changed image or other copied file: any page may show it.
                changed = copies_changed.is_empty().then_some(pages_changed);
                let pending = Pending {
                    dashboards: dashboards || good.pending.dashboards,
                    data: data || good.pending.data,
                };
                (
                    Arc::clone(&good.files),
                    std::mem::take(&mut good.copied),
                    std::mem::take(&mut good.data_paths),
                    pending,
                )
            }
            _ => {
                let data = pipeline::data_files(&content, setup, self.opts.style)?;
                lap("data");
                let data_paths = data.iter().map(|f| f.path.clone()).collect();
                let mut all = pages;
                all.extend(data);
                all.extend(pipeline::static_and_content_files(&content, setup));
                diags.extend(output::check_paths(&all));
                if diags.has_errors() {
                    return Err(Error::Invalid(diags.into_sorted()));
                }
                let mut files = all
                    .into_iter()
                    .map(|f| (f.path.clone(), Arc::new(f)))
                    .collect();
                let old = self.good.as_ref().map(|g| (&*g.files, &g.copied));
                let (copied, copies_busy) = hold_copies(&mut files, old, &self.writers)?;
                busy = copies_busy;
                lap("copies");
                (Arc::new(files), copied, data_paths, Pending::default())
            }
        };
        let old = self.good.replace(Good {
            content,
            content_checks,
            files,
            copied,
            data_paths,
            pending,
        });
        // Freeing a large site's model takes a while; not on the way to
        // the reload.
        std::thread::spawn(move || drop(old));
        lap("swap");
        Ok(Update {
            pages: page_count,
            full,
            changed,
            pending: pending.dashboards || pending.data,
            elapsed: start.elapsed(),
            warnings: diags.into_sorted(),
            timings,
            busy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "title: {zh: 简报, en: Briefing}\nbase_url: https://e.org/\nlanguages: [zh, en]\npaginate: 2\n";

    fn report(title: &str, date: &str, body: &str) -> String {
        format!("---\ntitle: {title}\ndate: {date}\nsummary: s\ntags: [园区]\nregion: 晋城\nmetrics:\n  - {{key: jobs, label: 就业, value: 10, unit: 人}}\n---\n{body}\n")
    }

    fn site() -> (tempfile::TempDir, LiveSite) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::write(root.join("site.yaml"), SITE).unwrap();
        let dir = root.join("content/reports");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("_index.zh.md"), "---\ntitle: 报告\n---\n").unwrap();
        std::fs::write(dir.join("_index.en.md"), "---\ntitle: Reports\n---\n").unwrap();
        for (i, day) in ["01", "02", "03", "04", "05"].iter().enumerate() {
            let text = report(&format!("标题{i}"), &format!("2025-05-{day}"), "正文");
            std::fs::write(dir.join(format!("r{i}.zh.md")), text).unwrap();
            let en = format!("---\ntitle: Title {i}\n---\nBody\n");
            std::fs::write(dir.join(format!("r{i}.en.md")), en).unwrap();
        }
        let mut opts = BuildOptions::new(&root);
        opts.minify = false;
        (tmp, LiveSite::new(opts))
    }

    fn page(site: &LiveSite, path: &str) -> String {
        let files = site.files().unwrap();
        String::from_utf8(files[path].as_bytes().unwrap().to_vec()).unwrap()
    }

    /// The live site equals a fresh full render of the same input.
    fn assert_same_as_fresh(site: &mut LiveSite) {
        site.finish().unwrap();
        let fresh = pipeline::render_site_files(&site.opts, None).unwrap();
        let live = site.files().unwrap();
        assert_eq!(fresh.files.len(), live.len());
        for f in &fresh.files {
            // Copied files are held in memory as bytes.
            let data = match &f.data {
                OutputData::Copy(from) => OutputData::Bytes(std::fs::read(from).unwrap()),
                data => data.clone(),
            };
            assert_eq!(
                Some(&data),
                live.get(&f.path).map(|l| &l.data),
                "{}",
                f.path
            );
        }
    }

    #[test]
    fn body_edit_renders_only_that_report() {
        let (_tmp, mut site) = site();
        let first = site.update(&[]).unwrap();
        assert!(first.full);
        let path = site.root().join("content/reports/r2.zh.md");
        std::fs::write(&path, report("标题2", "2025-05-03", "新的正文")).unwrap();
        let up = site.update(&[path]).unwrap();
        assert!(!up.full);
        assert_eq!(up.pages, 1, "only the zh page of r2");
        assert_eq!(up.changed.unwrap(), ["zh/reports/r2/index.html"]);
        assert!(up.pending, "the search index follows");
        assert!(page(&site, "zh/reports/r2/index.html").contains("新的正文"));
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn title_edit_renders_lists_and_neighbours() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        let path = site.root().join("content/reports/r2.zh.md");
        std::fs::write(&path, report("新标题", "2025-05-03", "正文")).unwrap();
        let up = site.update(&[path]).unwrap();
        assert!(!up.full);
        assert!(up.pages > 2 && up.pages < 20, "{}", up.pages);
        assert!(page(&site, "zh/reports/r1/index.html").contains("新标题"));
        assert!(page(&site, "zh/reports/page/2/index.html").contains("新标题"));
        assert!(!page(&site, "zh/metrics/index.html").contains("新标题"));
        let done = site.finish().unwrap();
        assert!(done.changed.contains(&"zh/metrics/index.html".to_string()));
        assert!(page(&site, "zh/metrics/index.html").contains("新标题"));
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn new_date_or_new_report_renders_everything() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        let path = site.root().join("content/reports/r0.zh.md");
        std::fs::write(&path, report("标题0", "2025-06-01", "正文")).unwrap();
        assert!(site.update(std::slice::from_ref(&path)).unwrap().full);
        assert_same_as_fresh(&mut site);
        let new = site.root().join("content/reports/r9.zh.md");
        std::fs::write(&new, report("新", "2025-04-01", "正文")).unwrap();
        assert!(site.update(&[new]).unwrap().full);
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn errors_keep_the_last_good_site() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        let path = site.root().join("content/reports/r2.zh.md");
        std::fs::write(&path, "---\ntitle: x\ndate: 2025-13-01\n---\n").unwrap();
        let err = site.update(std::slice::from_ref(&path)).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.path, Path::new("content/reports/r2.zh.md"));
        assert_eq!(d.line, Some(3));
        assert!(page(&site, "zh/reports/r2/index.html").contains("标题2"));
        std::fs::write(&path, report("好了", "2025-05-03", "正文")).unwrap();
        site.update(&[path]).unwrap();
        assert!(page(&site, "zh/reports/r2/index.html").contains("好了"));
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn cross_report_checks_follow_metric_changes() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        // `jobs` in 亿元 here, in 人 in the other reports: a dimension error.
        let path = site.root().join("content/reports/r2.zh.md");
        let text = report("标题2", "2025-05-03", "正文").replace("unit: 人", "unit: 亿元");
        std::fs::write(&path, text).unwrap();
        let err = site.update(std::slice::from_ref(&path)).unwrap_err();
        assert!(
            err.diagnostics().iter().any(|d| d.message.contains("jobs")),
            "{:?}",
            err.diagnostics()
        );
        std::fs::write(&path, report("标题2", "2025-05-03", "正文")).unwrap();
        site.update(&[path]).unwrap();
    }

    #[test]
    fn a_changed_image_reloads_every_page() {
        let (_tmp, mut site) = site();
        let image = site.root().join("content/reports/chart.svg");
        std::fs::write(&image, "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
        site.update(&[]).unwrap();
        std::fs::write(
            &image,
            "<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>",
        )
        .unwrap();
        std::thread::sleep(SETTLE);
        site.writers().closed(&image); // what the file watcher says
        let up = site.update(&[image]).unwrap();
        assert!(!up.full);
        assert_eq!(up.changed, None, "any page may show the image");
    }

    #[test]
    fn copied_files_are_held_in_memory_once_settled() {
        let (_tmp, mut site) = site();
        let image = site.root().join("content/reports/chart.svg");
        std::fs::write(&image, "<svg>old</svg>").unwrap();
        let first = site.update(&[]).unwrap();
        assert!(!first.busy);
        assert_eq!(page(&site, "reports/chart.svg"), "<svg>old</svg>");
        // Being written (changed just now): the old bytes stay.
        std::fs::write(&image, "<svg>new</svg>").unwrap();
        let up = site.update(std::slice::from_ref(&image)).unwrap();
        assert!(up.busy);
        assert_eq!(page(&site, "reports/chart.svg"), "<svg>old</svg>");
        std::thread::sleep(SETTLE * 2);
        // Still open for writing, as the file watcher says: the old bytes.
        site.writers().opened(&image);
        assert_eq!(site.recheck_copies().unwrap(), (vec![], true));
        site.writers().closed(&image);
        let (changed, busy) = site.recheck_copies().unwrap();
        assert_eq!(
            (changed, busy),
            (vec!["reports/chart.svg".to_string()], false)
        );
        assert_eq!(page(&site, "reports/chart.svg"), "<svg>new</svg>");
        // Removed from disk: still served from memory until the update.
        assert_same_as_fresh(&mut site);
        std::fs::remove_file(&image).unwrap();
        assert_eq!(page(&site, "reports/chart.svg"), "<svg>new</svg>");
        assert!(!site.update(&[image]).unwrap().busy);
        assert!(site.files().unwrap().get("reports/chart.svg").is_none());
    }

    #[test]
    fn tag_and_region_pages_follow_titles_and_tags() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        let path = site.root().join("content/reports/r2.zh.md");
        std::fs::write(&path, report("新标题", "2025-05-03", "正文")).unwrap();
        let up = site.update(std::slice::from_ref(&path)).unwrap();
        assert!(!up.full);
        let changed = up.changed.unwrap();
        assert!(
            changed.iter().any(|p| p.starts_with("zh/tags/")),
            "{changed:?}"
        );
        assert!(
            changed.iter().any(|p| p.starts_with("zh/regions/")),
            "{changed:?}"
        );
        assert_same_as_fresh(&mut site);
        // Another tag: the tag pages and their index change shape.
        let text = report("新标题", "2025-05-03", "正文").replace("[园区]", "[物流]");
        std::fs::write(&path, text).unwrap();
        assert!(site.update(&[path]).unwrap().full);
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn sections_sorted_by_title_stay_in_order() {
        let (_tmp, mut site) = site();
        let index = site.root().join("content/reports/_index.zh.md");
        std::fs::write(&index, "---\ntitle: 报告\nsort: title\n---\n").unwrap();
        site.update(&[]).unwrap();
        // 标题1 -> 标题1a keeps its place among 标题0..4 (page 1 by title,
        // page 2 by date); -> 标题9 moves it.
        let path = site.root().join("content/reports/r1.zh.md");
        std::fs::write(&path, report("标题1a", "2025-05-02", "正文")).unwrap();
        assert!(!site.update(std::slice::from_ref(&path)).unwrap().full);
        assert_same_as_fresh(&mut site);
        std::fs::write(&path, report("标题9", "2025-05-02", "正文")).unwrap();
        assert!(site.update(&[path]).unwrap().full);
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn kinds_of_paths() {
        let (_tmp, site) = site();
        let root = site.root().to_path_buf();
        assert_eq!(site.kind(&root.join("site.yaml")), Kind::Setup);
        assert_eq!(site.kind(&root.join("themes/x/a.html")), Kind::Setup);
        assert_eq!(site.kind(&root.join("content/a.zh.md")), Kind::Content);
        assert_eq!(site.kind(&root.join("content/.a.zh.md.swp")), Kind::Ignored);
        assert_eq!(site.kind(&root.join("content/a.zh.md~")), Kind::Ignored);
        assert_eq!(site.kind(&root.join("public/index.html")), Kind::Ignored);
    }
}
