//! A site kept in memory and brought up to date as files change (for
//! `serve`).
//!
//! The first update builds everything. After that, a change to files in
//! `content/` re-reads only those files, reuses every parse and Markdown
//! render whose input is unchanged (`content::LoadCache`), and renders only
//! the pages whose stamp changed, the rule `build` follows (see
//! `render::Stamp`): each page in memory ends with its stamp, as on disk.
//! A change to `site.yaml`, the theme or the copied files starts afresh.
//!
//! The slow files that depend on every report (search index, feeds, data
//! exports) are left to `finish`, so the edited pages can be served (and
//! the browser reloaded) first. After `update` and `finish` the site is the
//! one a full build would produce, less minification.
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
use crate::render;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The files of a built site by output path. Shared, so a snapshot handed
/// to readers stays valid while the next update is prepared.
pub(crate) type SiteFiles = HashMap<String, Arc<OutputFile>>;

/// What an update did.
#[derive(Debug)]
pub(crate) struct Update {
    /// Pages rendered: those whose stamp changed (the other files are cheap
    /// and always refreshed).
    pub pages: usize,
    /// Whether the site was made afresh: the first update, or after a change
    /// to the setup or to the copied files.
    pub full: bool,
    /// The output paths whose bytes changed; None when everything may have.
    pub changed: Option<Vec<String>>,
    /// Work left for `finish`: the data files (metrics exports, feeds,
    /// search index) still hold the last site's. After a change to one
    /// report its pages are served first, the rest a moment later.
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
pub(crate) const SETTLE: Duration = Duration::from_millis(30);

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
pub(crate) struct Writers(Arc<Mutex<Seen>>);

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
pub(crate) enum ChangeKind {
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
    files: Arc<SiteFiles>,
    /// The paths of its pages (and sitemap files) in `files`.
    page_paths: HashSet<String>,
    /// Its copied files (held in `files` as bytes).
    copied: Copied,
    /// The paths of its data files (exports, search index).
    data_paths: Vec<String>,
    /// What `finish` has still to do.
    pending: Pending,
}

#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    data: bool,
}

/// What `finish` did.
#[derive(Debug)]
pub(crate) struct Finish {
    /// The output paths whose bytes changed.
    pub changed: Vec<String>,
    pub elapsed: Duration,
}

/// Whether two contents have the same reports with the same metrics.
/// Puts `files` into `site`; returns the paths whose bytes, as readers
/// see them, changed.
fn put(site: &mut SiteFiles, files: Vec<OutputFile>) -> Vec<String> {
    let mut changed = Vec::new();
    for f in files {
        let Some(old) = site.get(&f.path) else {
            changed.push(f.path.clone());
            site.insert(f.path.clone(), Arc::new(f));
            continue;
        };
        if old.data == f.data {
            continue;
        }
        // A page whose stamp alone changed is kept with its new stamp, but
        // readers see nothing new: no reload.
        let (before, after) = (old.as_bytes(), f.as_bytes());
        let seen_before = before.map(render::unstamped);
        if seen_before.is_none() || seen_before != after.map(render::unstamped) {
            changed.push(f.path.clone());
        }
        site.insert(f.path.clone(), Arc::new(f));
    }
    changed
}

/// A site in memory; see the module doc.
pub(crate) struct LiveSite {
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
    pub fn kind(&self, path: &Path) -> ChangeKind {
        let root = &self.opts.root;
        let Ok(rel) = path.strip_prefix(root) else {
            return ChangeKind::Ignored;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next().unwrap_or_default();
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let backup = rel.to_string_lossy().ends_with('~');
        match first.as_ref() {
            _ if hidden || backup => ChangeKind::Ignored,
            "site.yaml" | "themes" => ChangeKind::Setup,
            "content" => ChangeKind::Content,
            _ => ChangeKind::Ignored,
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
    /// brings the data files (exports, feeds, search index) up to date.
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
        let kinds: Vec<ChangeKind> = changed.iter().map(|p| self.kind(p)).collect();
        let content_dir = self.opts.root.join("content");
        if self.setup.is_none() || kinds.contains(&ChangeKind::Setup) {
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
            .filter(|(_, k)| **k == ChangeKind::Content)
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
        let mut laps = Laps::default();
        let setup_changed = self.read(changed)?;
        laps.lap("read");
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
        let taxonomies = pipeline::gate(setup, &content, &mut diags)?;
        laps.lap("load");
        // The pages of the last good site are compared by stamp, as `build`
        // compares the output folder's: only pages whose stamp changed are
        // rendered. A new setup or other copied files start afresh.
        let previous = self
            .good
            .as_ref()
            .filter(|g| !setup_changed && g.content.assets == content.assets);
        let full = previous.is_none();
        let up_to_date = |path: &str, stamp: &[u8]| {
            previous
                .and_then(|g| g.files.get(path))
                .and_then(|f| f.as_bytes())
                .is_some_and(|b| b.ends_with(stamp))
        };
        let input = pipeline::render_input(setup, &content, &self.opts, Some(&up_to_date), None);
        let pages = render::render_site(&input, &taxonomies).map_err(|errors| {
            diags.extend(errors);
            Error::Invalid(std::mem::take(&mut diags).into_sorted())
        })?;
        // Pages carry their template as origin; the sitemap is made anew.
        let rendered = pages
            .iter()
            .filter(|f| f.data != OutputData::Unchanged && f.origin.ends_with(".html"))
            .count();
        laps.lap("render");
        let outcome = if full {
            self.replace_site(content, pages, &mut diags, &mut laps)?
        } else {
            self.update_pages(content, pages)?
        };
        laps.lap("swap");
        Ok(Update {
            pages: rendered,
            full,
            changed: outcome.changed,
            pending: outcome.pending,
            elapsed: start.elapsed(),
            warnings: diags.into_sorted(),
            timings: laps.timings,
            busy: outcome.busy,
        })
    }

    /// Puts the pages of an update into the last good site: pages whose
    /// stamp changed replace theirs, pages the site no longer has go. The
    /// data files stay the last site's until `finish`.
    fn update_pages(&mut self, content: Content, pages: Vec<OutputFile>) -> Result<Swapped> {
        let good = self.good.as_mut().expect("an update of pages has a site");
        let page_paths: HashSet<String> = pages.iter().map(|f| f.path.clone()).collect();
        let site = Arc::make_mut(&mut good.files);
        let mut changed: Vec<String> = good.page_paths.difference(&page_paths).cloned().collect();
        for path in &changed {
            site.remove(path);
        }
        let fresh = pages
            .into_iter()
            .filter(|f| f.data != OutputData::Unchanged);
        changed.extend(put(site, fresh.collect()));
        let (copies_changed, busy) = recheck(&mut good.files, &mut good.copied, &self.writers)?;
        good.pending.data |= good.content != content;
        good.page_paths = page_paths;
        let old = std::mem::replace(&mut good.content, content);
        // Freeing a large site's model takes a while; not on the way to
        // the reload.
        std::thread::spawn(move || drop(old));
        Ok(Swapped {
            // A changed image or other copied file: any page may show it.
            changed: copies_changed.is_empty().then_some(changed),
            pending: good.pending.data,
            busy,
        })
    }

    /// Makes a new site of `pages`, the data files and the copied files.
    fn replace_site(
        &mut self,
        content: Content,
        pages: Vec<OutputFile>,
        diags: &mut Diagnostics,
        laps: &mut Laps,
    ) -> Result<Swapped> {
        let setup = self.setup.as_ref().expect("read before");
        let data = pipeline::data_files(&content, setup, self.opts.style)?;
        laps.lap("data");
        let data_paths = data.iter().map(|f| f.path.clone()).collect();
        let page_paths = pages.iter().map(|f| f.path.clone()).collect();
        let mut all = pages;
        all.extend(data);
        all.extend(pipeline::static_and_content_files(&content, setup));
        diags.extend(output::check_paths(&all));
        if diags.has_errors() {
            return Err(Error::Invalid(std::mem::take(diags).into_sorted()));
        }
        let mut files = all
            .into_iter()
            .map(|f| (f.path.clone(), Arc::new(f)))
            .collect();
        let old = self.good.as_ref().map(|g| (&*g.files, &g.copied));
        let (copied, busy) = hold_copies(&mut files, old, &self.writers)?;
        laps.lap("copies");
        let old = self.good.replace(Good {
            content,
            files: Arc::new(files),
            copied,
            page_paths,
            data_paths,
            pending: Pending::default(),
        });
        std::thread::spawn(move || drop(old));
        Ok(Swapped {
            changed: None,
            pending: false,
            busy,
        })
    }
}

/// What putting an update's files into the site did.
struct Swapped {
    /// The output paths whose bytes changed; None when any may have.
    changed: Option<Vec<String>>,
    /// Whether `finish` has work to do.
    pending: bool,
    /// Whether copied files are still being written.
    busy: bool,
}

/// How long each step of an update took.
#[derive(Default)]
struct Laps {
    timings: Vec<(&'static str, Duration)>,
    clock: Option<Instant>,
}

impl Laps {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let since = self.clock.replace(now).unwrap_or(now);
        self.timings.push((name, now - since));
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

    /// The live site equals a fresh full render of the same input (whose
    /// pages carry no stamp: one rendered for an empty output folder).
    fn assert_same_as_fresh(site: &mut LiveSite) {
        site.finish().unwrap();
        let empty = tempfile::tempdir().unwrap();
        let fresh = pipeline::render_site_files(&site.opts, Some(empty.path())).unwrap();
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
        // The dashboard shows report titles: its stamp changed too.
        assert!(page(&site, "zh/metrics/index.html").contains("新标题"));
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn new_date_or_new_report_renders_what_moved() {
        let (_tmp, mut site) = site();
        site.update(&[]).unwrap();
        let path = site.root().join("content/reports/r0.zh.md");
        std::fs::write(&path, report("标题0", "2025-06-01", "正文")).unwrap();
        let moved = site.update(std::slice::from_ref(&path)).unwrap();
        assert!(!moved.full && moved.pages > 2, "{moved:?}");
        assert_same_as_fresh(&mut site);
        let new = site.root().join("content/reports/r9.zh.md");
        std::fs::write(&new, report("新", "2025-04-01", "正文")).unwrap();
        let added = site.update(std::slice::from_ref(&new)).unwrap();
        assert!(added
            .changed
            .unwrap()
            .contains(&"zh/reports/r9/index.html".into()));
        assert_same_as_fresh(&mut site);
        // A report removed: its pages go.
        std::fs::remove_file(&new).unwrap();
        let removed = site.update(&[new]).unwrap();
        assert!(removed
            .changed
            .unwrap()
            .contains(&"zh/reports/r9/index.html".into()));
        assert!(!site
            .files()
            .unwrap()
            .contains_key("zh/reports/r9/index.html"));
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
        site.update(&[path]).unwrap();
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
        site.update(&[path]).unwrap();
        assert_same_as_fresh(&mut site);
    }

    #[test]
    fn kinds_of_paths() {
        let (_tmp, site) = site();
        let root = site.root().to_path_buf();
        assert_eq!(site.kind(&root.join("site.yaml")), ChangeKind::Setup);
        assert_eq!(site.kind(&root.join("themes/x/a.html")), ChangeKind::Setup);
        assert_eq!(
            site.kind(&root.join("content/a.zh.md")),
            ChangeKind::Content
        );
        assert_eq!(
            site.kind(&root.join("content/.a.zh.md.swp")),
            ChangeKind::Ignored
        );
        assert_eq!(
            site.kind(&root.join("content/a.zh.md~")),
            ChangeKind::Ignored
        );
        assert_eq!(
            site.kind(&root.join("public/index.html")),
            ChangeKind::Ignored
        );
    }
}
