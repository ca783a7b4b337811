//! The build pipeline: load -> validate -> render -> write.
//!
//! `render_site_files` runs everything but the write and touches the disk only
//! to read, so `check`, `serve` and `archive` can reuse it. A build with any
//! error writes nothing.

use crate::diag::{Diagnostic, Diagnostics};
use crate::emit::exports;
use crate::emit::search;
use crate::error::{Error, Result};
use crate::load::config::Config;
use crate::load::content::{self};
use crate::model::content::Content;
use crate::model::date::Date;
use crate::model::units::{UnitCatalog, UnitError};
use crate::model::urls::UrlStyle;
use crate::output::guard::SiteSources;
use crate::output::{self, OutputData, OutputDir, OutputFile, OutputLock, Staging, WriteStats};
use crate::render::taxonomy::Taxonomies;
use crate::render::theme::{self, Theme};
use crate::render::{self, RenderInput, RenderOptions};
use crate::validate::dimensions;
use crate::Lang;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Output folder; `<root>/public` when None.
    pub output: Option<PathBuf>,
    pub style: UrlStyle,
    pub minify: bool,
    /// Include reports marked `draft: true`.
    pub drafts: bool,
    /// Overrides `base_url` of site.yaml (`serve` uses its own address).
    pub base_url: Option<String>,
    /// `build --force`: build into an output folder holding files briefing
    /// did not write (they are left in place), replacing those where the
    /// site writes a file.
    pub force: bool,
    /// The date reports are compared with (dates far ahead are warned
    /// about); None: today (UTC) by the clock.
    pub today: Option<Date>,
    /// Called after each stage of a build with the stage's name, as in
    /// `RenderedSite::timings` ("read", "load", "check", "render", ...),
    /// when that stage's working data has been freed (the binary hands that
    /// memory back to the system).
    pub after_stage: Option<fn(&'static str)>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            style: UrlStyle::Online,
            minify: true,
            drafts: false,
            base_url: None,
            force: false,
            today: None,
            after_stage: None,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }

    /// What the build reads, where no command may write: site.yaml,
    /// content/, themes/ and the theme folder site.yaml names (the default
    /// theme when site.yaml cannot be read; the build then fails anyway).
    pub fn sources(&self) -> SiteSources {
        let theme = std::fs::read_to_string(self.root.join("site.yaml"))
            .ok()
            .and_then(|text| {
                let text = crate::load::frontmatter::normalise(&text);
                Config::parse(&text, Path::new("site.yaml")).ok()
            })
            .map_or_else(|| theme::DEFAULT_THEME.to_string(), |c| c.theme);
        SiteSources::new(&self.root, &theme)
    }
}

/// A rendered site, not yet written.
#[derive(Debug)]
pub struct RenderedSite {
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    pub config: Config,
    pub content: Content,
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
    /// Set when minifying was asked for but a template could not be
    /// minified on its own, so every page was minified after rendering
    /// (slower): that template's path below the theme folder.
    pub minified_per_page: Option<String>,
    /// What was done to the search index (None: the theme has no search page).
    pub search_index: Option<search::site::Work>,
}

impl RenderedSite {
    /// Pages per language (reports, lists and home pages).
    pub fn pages_per_language(&self) -> BTreeMap<Lang, usize> {
        self.config
            .languages
            .iter()
            .map(|&l| {
                let prefix = format!("{l}/");
                let n = self
                    .files
                    .iter()
                    .filter(|f| f.path.starts_with(&prefix) && f.path.ends_with("index.html"))
                    .count();
                (l, n)
            })
            .collect()
    }
}

/// What a finished build did.
#[derive(Debug)]
pub struct BuildReport {
    pub site: RenderedSite,
    pub output: PathBuf,
    pub stats: WriteStats,
    /// Whether the build found a staging folder left by a build that did
    /// not finish, and so repaired what that build may have left.
    pub repaired: bool,
    pub elapsed: Duration,
}

/// What a site is built with besides its content: `site.yaml`, the unit
/// catalogue, and the theme with its compiled templates.
pub struct Setup {
    pub config: Config,
    pub units: Arc<UnitCatalog>,
    pub theme: Theme,
    /// None when the theme has problems (they are in `diags`).
    pub tera: Option<crate::render::theme::Templates>,
    /// Problems found in the theme and its UI strings.
    pub diags: Vec<Diagnostic>,
    /// The date reports are compared with ([`BuildOptions::today`]).
    pub today: Date,
}

/// The text of the site's `site.yaml`; a missing one says where briefing
/// looked and what to do.
pub(crate) fn read_site_yaml(root: &Path) -> Result<String> {
    let path = root.join("site.yaml");
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::Invalid(vec![Diagnostic::error(
                "site.yaml",
                None,
                format!("no site.yaml in {}", root.display()),
            )
            .with_hint(
                "run briefing inside a site folder, or pass --root DIR",
            )]))
        }
        Err(e) => Err(Error::read(path, e)),
    }
}

/// Reads `site.yaml` and the theme and compiles the templates. What keeps
/// the site from being read at all (no or bad `site.yaml`, a bad unit) is an
/// error; theme problems are kept in `diags`, to be listed with the content's.
pub fn read_setup(opts: &BuildOptions) -> Result<Setup> {
    let root = &opts.root;
    let config_text = read_site_yaml(root)?;
    let config = Config::parse(
        &crate::load::frontmatter::normalise(&config_text),
        Path::new("site.yaml"),
    )
    .map_err(Error::Invalid)?;
    let config = Config {
        base_url: opts.base_url.clone().unwrap_or(config.base_url),
        ..config
    };

    let mut diags = Diagnostics::default();
    let theme = theme::read_theme(root, &config.theme, &config.languages)?;
    diags.extend(theme.problems.clone());
    let units = match UnitCatalog::with_custom(&config.units, &config.dimensions) {
        Ok(u) => Arc::new(u),
        Err(e) => {
            let line = unit_error_line(&config_text, &e);
            diags.push(Diagnostic::error("site.yaml", line, e.to_string()).with_hint(e.hint()));
            return Err(Error::Invalid(diags.into_sorted()));
        }
    };
    let tera = if theme.problems.is_empty() {
        diags.extend(theme.check_strings());
        match theme.compile(Arc::clone(&units), opts.minify) {
            Ok(t) => Some(t),
            Err(ds) => {
                diags.extend(ds);
                None
            }
        }
    } else {
        None
    };
    Ok(Setup {
        config,
        units,
        theme,
        tera,
        diags: diags.into_sorted(),
        today: opts.today.unwrap_or_else(crate::model::date::today),
    })
}

/// Problems that need the whole content: metric dimensions and labels
/// across reports, dates far ahead of today, tags (and regions, zones) whose
/// URLs clash, figures their quotes do not give (warnings, see
/// `quote::diagnostics`); and the taxonomies it collected, for rendering.
pub(crate) fn check_content(
    content: &Content,
    setup: &Setup,
) -> (Vec<Diagnostic>, crate::render::taxonomy::Taxonomies) {
    let ((mut diags, quotes), (taxonomies, clashes)) = rayon::join(
        || {
            let config = &setup.config;
            let quotes = crate::validate::quote::diagnostics(
                content,
                &setup.units,
                config.source_lang(),
                config.require_quotes,
            );
            let mut ds = dimensions::check_dimensions(content, config, &setup.units);
            ds.extend(dimensions::check_labels(content, config));
            ds.extend(crate::validate::dates::future_dates(
                content,
                config.source_lang(),
                setup.today,
            ));
            (ds, quotes)
        },
        || crate::render::taxonomy::Taxonomies::collect(content, &setup.config),
    );
    diags.extend(quotes);
    diags.extend(clashes);
    (diags, taxonomies)
}

/// The files computed from the whole content: metrics exports, feeds,
/// sitemap and robots.txt, and the search index.
pub(crate) fn data_files(
    content: &Content,
    setup: &Setup,
    style: UrlStyle,
) -> Result<Vec<OutputFile>> {
    let mut files = exports::export_files(content, &setup.config, &setup.units);
    files.extend(crate::emit::feeds::site_files(
        content,
        &setup.config,
        &setup.units,
    ));
    files.extend(search_files(content, setup, style, None, &search::site::keep_bytes)?.0);
    Ok(files)
}

/// The search index, when the theme has a search page. With `out_dir`, an
/// index there is kept or updated when it can be (see
/// [`search::site::output_files`]).
fn search_files(
    content: &Content,
    setup: &Setup,
    style: UrlStyle,
    out_dir: Option<&Path>,
    settle: &search::site::Settle<'_>,
) -> Result<(Vec<OutputFile>, Option<search::site::Work>)> {
    if !render::has_search_page(&setup.theme) {
        return Ok((Vec::new(), None));
    }
    let meta_js = out_dir.and_then(|dir| std::fs::read_to_string(dir.join(search::META_PATH)).ok());
    let exists = |path: &str| out_dir.is_some_and(|dir| dir.join(path).is_file());
    let read = |path: &str| out_dir.and_then(|dir| std::fs::read_to_string(dir.join(path)).ok());
    let previous = meta_js.as_deref().map(|meta_js| search::site::Previous {
        meta_js,
        exists: &exists,
        read: &read,
    });
    let (files, work) = search::site::output_files(
        content,
        &setup.config,
        &setup.units,
        style,
        previous,
        settle,
    )?;
    Ok((files, Some(work)))
}

/// The theme's static files and the files in `content/`.
pub(crate) fn static_and_content_files(content: &Content, setup: &Setup) -> Vec<OutputFile> {
    let mut files = setup.theme.static_output_files();
    for asset in &content.assets {
        files.push(OutputFile::copy(
            asset.rel.clone(),
            asset.path.clone(),
            format!("content/{}", asset.rel),
        ));
    }
    files
}

/// The line of `site.yaml` a unit error is about: the custom unit's `zh:`
/// line (its `dimension:` line for an unknown dimension), else `units:`.
fn unit_error_line(config_text: &str, error: &UnitError) -> Option<usize> {
    let lines: Vec<&str> = config_text.lines().collect();
    let top = |key: &str| lines.iter().position(|l| l.starts_with(key));
    let start = match error {
        UnitError::BadDimension { .. } => top("dimensions:"),
        _ => top("units:"),
    };
    let field_line = |from: usize, field: &str, value: &str| {
        (from..lines.len()).find(|&i| {
            let l = lines[i].trim_start().trim_start_matches("- ");
            l.strip_prefix(field)
                .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == value)
        })
    };
    let unit_line = error.unit().and_then(|u| field_line(start?, "zh:", u));
    let line = match (error, unit_line) {
        (UnitError::UnknownDimension { dimension, .. }, Some(i)) => {
            field_line(i, "dimension:", dimension).or(Some(i))
        }
        (_, Some(i)) => Some(i),
        (_, None) => start,
    };
    line.map(|i| i + 1)
}

/// Reads, validates and renders the site without writing anything. With
/// `compare_with`, pages identical to the files already in that folder come
/// back as `OutputData::Unchanged` instead of holding their bytes.
pub fn render_site_files(opts: &BuildOptions, compare_with: Option<&Path>) -> Result<RenderedSite> {
    render_validated(opts, validate(opts)?, compare_with, None)
}

/// The stages' timings of a build, each taken when the stage ends.
struct Laps {
    timings: Vec<(&'static str, Duration)>,
    clock: Instant,
    after_stage: Option<fn(&'static str)>,
}

impl Laps {
    fn lap(&mut self, name: &'static str) {
        self.timings.push((name, self.clock.elapsed()));
        if let Some(after_stage) = self.after_stage {
            after_stage(name);
        }
        self.clock = Instant::now();
    }
}

/// A site read and validated, nothing rendered yet.
struct Validated {
    setup: Setup,
    content: Content,
    taxonomies: crate::render::taxonomy::Taxonomies,
    /// Warnings (there are no errors).
    diags: Diagnostics,
    laps: Laps,
}

/// Reads and validates the site, touching nothing: every error the site's
/// input has, including copied files that cannot be opened, is found here.
fn validate(opts: &BuildOptions) -> Result<Validated> {
    let mut laps = Laps {
        timings: Vec::new(),
        clock: Instant::now(),
        after_stage: opts.after_stage,
    };
    let setup = read_setup(opts)?;
    let mut diags = Diagnostics::default();
    diags.extend(setup.diags.iter().cloned());
    let sources = crate::load::sources::read_sources(&opts.root.join("content"), &opts.root)?;
    laps.lap("read");
    let (content, content_diags) = content::load_owned(
        sources,
        &setup.config,
        &setup.units,
        opts.style,
        opts.drafts,
    );
    diags.extend(content_diags);
    laps.lap("load");
    let taxonomies = gate(&setup, &content, &mut diags)?;
    laps.lap("check");
    Ok(Validated {
        setup,
        content,
        taxonomies,
        diags,
        laps,
    })
}

/// The checks of a loaded site that every command runs before rendering
/// (`build`, `check`, `archive`, `serve`), and the gate after them: any
/// error so far, or templates that did not compile, stop here with every
/// problem found. Returns the site's taxonomies, which the checks collect.
pub(crate) fn gate(
    setup: &Setup,
    content: &Content,
    diags: &mut Diagnostics,
) -> Result<Taxonomies> {
    let (checked, taxonomies) = check_content(content, setup);
    diags.extend(checked);
    diags.extend(unreadable(&static_and_content_files(content, setup)));
    if setup.tera.is_none() || diags.has_errors() {
        return Err(Error::Invalid(std::mem::take(diags).into_sorted()));
    }
    Ok(taxonomies)
}

/// What rendering reads, from a site that passed the [`gate`]. Pages for
/// which `up_to_date` says the previous page ends with their stamp are not
/// rendered; with `stage`, rendered pages are written at once.
pub(crate) fn render_input<'a>(
    setup: &'a Setup,
    content: &'a Content,
    opts: &BuildOptions,
    up_to_date: Option<&'a render::IsCurrent<'a>>,
    stage: Option<&'a render::Stage<'a>>,
) -> RenderInput<'a> {
    RenderInput {
        config: &setup.config,
        content,
        theme: &setup.theme,
        tera: setup
            .tera
            .as_ref()
            .expect("the gate lets no site without templates through"),
        units: &setup.units,
        up_to_date,
        stage,
        options: RenderOptions {
            style: opts.style,
            minify: opts.minify,
        },
    }
}

/// An error for each copied file (a theme's static file, an asset in
/// `content/`) that cannot be opened for reading.
fn unreadable(files: &[OutputFile]) -> Vec<Diagnostic> {
    files
        .par_iter()
        .filter_map(|f| match &f.data {
            OutputData::Copy(from) => std::fs::File::open(from).err().map(|e| {
                Diagnostic::error(&f.origin, None, format!("cannot be read: {e}"))
                    .with_hint("make the file readable (its permissions, its owner), or remove it")
            }),
            _ => None,
        })
        .collect()
}

/// Renders a validated site. With `staging`, the rendered pages and
/// generated files are written there (they come back as
/// `OutputData::Staged`), so they need not be held in memory until the
/// write.
fn render_validated(
    opts: &BuildOptions,
    validated: Validated,
    compare_with: Option<&Path>,
    staging: Option<&Staging>,
) -> Result<RenderedSite> {
    let Validated {
        setup,
        content,
        taxonomies,
        mut diags,
        mut laps,
    } = validated;
    // Pages are stamped whenever there is an output folder to write to, but
    // compared with the files there only when it holds any.
    let fresh = staging.is_some_and(Staging::replaces_output);
    let current = compare_with
        .map(|dir| move |path: &str, bytes: &[u8]| !fresh && output::is_current(dir, path, bytes));
    let stamped = compare_with
        .map(|dir| move |path: &str, tail: &[u8]| !fresh && output::ends_with(dir, path, tail));
    let stage = staging.map(|s| move |path: &str, bytes: &[u8]| s.stage(path, bytes));
    let input = render_input(
        &setup,
        &content,
        opts,
        stamped.as_ref().map(|f| f as &render::IsCurrent),
        stage.as_ref().map(|f| f as &render::Stage),
    );
    let mut files = match render::render_site(&input, &taxonomies) {
        Ok(files) => files,
        Err(errors) => {
            diags.extend(errors);
            return Err(Error::Invalid(diags.into_sorted()));
        }
    };
    laps.lap("render");
    // Like rendered pages, generated files identical to the output's are
    // not kept in memory, and the others go to the staging folder.
    let settle = |mut f: OutputFile| {
        if let Some(bytes) = f.as_bytes() {
            if current
                .as_ref()
                .is_some_and(|current| current(&f.path, bytes))
            {
                f.data = OutputData::Unchanged;
            } else if let Some(stage) = &stage {
                stage(&f.path, bytes).map_err(|e| Error::write(&f.path, e))?;
                f.data = OutputData::Staged;
            }
        }
        Ok(f)
    };
    files.extend(settled_data_files(&content, &setup, &settle)?);
    laps.lap("data");
    // The index's files are settled as they are made. After an interrupted
    // build, the index in the output folder may mix two builds' files: it
    // is made anew (and compared file by file) rather than kept or updated.
    let index_from = compare_with.filter(|_| !staging.is_some_and(Staging::repairs));
    let (index, search_index) = search_files(&content, &setup, opts.style, index_from, &settle)?;
    files.extend(index);
    laps.lap("search");
    files.extend(static_and_content_files(&content, &setup));
    diags.extend(output::check_paths(&files));
    if diags.has_errors() {
        return Err(Error::Invalid(diags.into_sorted()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    laps.lap("assets");
    let minified_per_page = input.tera.minified_per_page().map(str::to_string);
    Ok(RenderedSite {
        timings: laps.timings,
        config: setup.config,
        content,
        files,
        warnings: diags.into_sorted(),
        minified_per_page,
        search_index,
    })
}

/// The metrics exports (CSV, JSON), the feeds and robots.txt, each
/// group settled (compared with the output, or staged) before the next is
/// made, so that no more than one group is held in memory at once.
fn settled_data_files(
    content: &Content,
    setup: &Setup,
    settle: &search::site::Settle<'_>,
) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    let mut keep = |group: Vec<OutputFile>| {
        let group: Vec<OutputFile> = group.into_par_iter().map(settle).collect::<Result<_>>()?;
        files.extend(group);
        Ok::<_, Error>(())
    };
    let export = exports::Export::new(content, &setup.config, &setup.units);
    keep(vec![export.csv_file()])?;
    keep(vec![export.json_file()])?;
    drop(export);
    keep(crate::emit::feeds::site_files(
        content,
        &setup.config,
        &setup.units,
    ))?;
    Ok(files)
}

/// Builds the site into its output folder, as one transaction: the site is
/// read and validated before anything in the output folder changes; then
/// the folder is made if missing and locked against other builds, files
/// are staged inside it, and the commit moves them into place (see
/// [`output::write_site`]).
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let output = opts.output_dir();
    let sources = opts.sources();
    // A folder that may not be built into is refused before the site is read.
    OutputDir::claim(&output, &sources, opts.force)?;
    let validated = validate(opts)?;
    let lock = OutputLock::take(&output)?;
    let built = build_locked(opts, validated, &output, start);
    if built.is_err() {
        lock.undo_made_folder();
    }
    built
}

/// The part of [`build`] that holds the output folder's lock.
fn build_locked(
    opts: &BuildOptions,
    validated: Validated,
    output: &Path,
    start: Instant,
) -> Result<BuildReport> {
    // Claimed again under the lock: a build holding it may have changed it.
    let out = OutputDir::claim(output, &opts.sources(), opts.force)?;
    let staging = Staging::new(&out)?;
    let repaired = staging.repairs();
    let mut site = render_validated(opts, validated, Some(output), Some(&staging))?;
    let write_start = Instant::now();
    let stats = output::write_site(&out, &mut site.files, staging)?;
    site.timings.push(("write", write_start.elapsed()));
    Ok(BuildReport {
        site,
        output: output.to_path_buf(),
        stats,
        repaired,
        elapsed: start.elapsed(),
    })
}

/// The process's peak resident memory so far (Linux only: `VmHWM` in
/// /proc/self/status), for `build --verbose` and the benchmarks.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
