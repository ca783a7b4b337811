//! `briefing import`: from a newspaper page (a PDF with a text layer, or
//! the text an extractor made of one) to draft reports with their figures.
//!
//! Data flows one way: read the page into lines (`read_txt`, `read_pdf`),
//! cut them into articles (`segment`), propose each article's figures
//! (`figures`), make the draft files (`draft`), then write them, all or
//! none, never over an existing file. Only [`import`] touches the disk.

mod draft;
mod figures;
mod lines;
mod page;
mod read_pdf;
mod read_txt;
mod segment;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::config::Config;
use crate::load::content;
use crate::model::date::Date;
use crate::model::units::UnitCatalog;
use crate::Lang;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The first line of an imported draft's front matter; `check` reports a
/// file that still has it as not reviewed yet.
pub(crate) const DRAFT_MARK: &str = "# briefing import: unreviewed draft,";
/// The first line of an imported translation skeleton; `check` reports a
/// file that still has it as not translated yet.
pub(crate) const UNTRANSLATED_MARK: &str = "# briefing import: not translated yet:";

/// What to import and where.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The page: a `.pdf` or a `.txt` file.
    pub file: PathBuf,
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    pub section: String,
    /// The reports' date; else the page's folio date; else `today`.
    pub date: Option<Date>,
    pub publication: Option<String>,
    /// The page's name in the paper (`A3`); else the folio's.
    pub page: Option<String>,
    pub dry_run: bool,
    pub today: Date,
}

/// What an import found and wrote.
#[derive(Clone, Debug, Serialize)]
pub struct Imported {
    pub articles: Vec<ImportedArticle>,
    /// Problems that did not stop the import: units the catalogue lacks,
    /// lines that belong to no article.
    #[serde(serialize_with = "diagnostic_texts")]
    pub warnings: Vec<Diagnostic>,
    /// Whether the files were written (not a dry run).
    #[serde(skip)]
    pub written: bool,
}

/// One article of the page, as `--format json` gives it.
#[derive(Clone, Debug, Serialize)]
pub struct ImportedArticle {
    pub headline: Option<String>,
    pub kicker: Option<String>,
    pub author: Vec<String>,
    pub continued_from: Option<String>,
    pub continued_to: Option<String>,
    pub captions: Vec<String>,
    pub text: String,
    pub figures: Vec<ImportedFigure>,
    /// The draft files, relative to the site folder.
    pub files: Vec<PathBuf>,
}

/// A proposed figure, as `--format json` gives it.
#[derive(Clone, Debug, Serialize)]
pub struct ImportedFigure {
    pub value: serde_json::Value,
    pub unit: String,
    /// The source's word (`近`, `余`), if any.
    pub qualifier: Option<String>,
    pub quote: String,
    pub label: String,
    /// The figure as the Chinese page shows it: `近 30 亿元`.
    #[serde(skip)]
    pub shown: String,
}

fn diagnostic_texts<S: serde::Serializer>(
    ds: &[Diagnostic],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(ds.iter().map(|d| d.to_string()))
}

/// The site's languages and unit catalogue: from `site.yaml`, or (for a
/// dry run outside a site) Chinese and English with the built-in units.
fn read_site(opts: &ImportOptions) -> Result<(Vec<Lang>, UnitCatalog)> {
    let path = opts.root.join("site.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && opts.dry_run => {
            return Ok((vec![Lang::Zh, Lang::En], UnitCatalog::builtin()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid("site.yaml", None, format!("no site.yaml in {}", opts.root.display()),
                "run briefing import inside a site folder, or pass --root DIR (--dry-run works anywhere)"));
        }
        Err(e) => return Err(Error::read(path, e)),
    };
    let config = Config::parse(
        &crate::load::frontmatter::normalise(&text),
        Path::new("site.yaml"),
    )
    .map_err(Error::Invalid)?;
    if config.source_lang() != Lang::Zh {
        return Err(invalid(
            "site.yaml",
            None,
            "import writes Chinese source reports, but this site's first language is not zh",
            "list zh first under `languages:` in site.yaml",
        ));
    }
    let units = UnitCatalog::with_custom(&config.units, &config.dimensions)
        .map_err(|e| invalid("site.yaml", None, e.to_string(), &e.hint()))?;
    Ok((config.languages, units))
}

fn invalid(
    path: impl Into<PathBuf>,
    line: Option<usize>,
    message: impl Into<String>,
    hint: &str,
) -> Error {
    Error::Invalid(vec![Diagnostic::error(path, line, message).with_hint(hint)])
}

/// Reads the page at `opts.file` by its extension.
fn read_page(opts: &ImportOptions) -> Result<page::Page> {
    let ext = opts
        .file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("txt") => read_txt::read_txt(&opts.file, &opts.file),
        Some("pdf") => read_pdf::read_pdf(&opts.file, &opts.file),
        _ => Err(invalid(&opts.file, None, "is neither a .pdf nor a .txt file",
            "import a newspaper page as a PDF with a text layer, or as the text an extractor made of it (.txt)")),
    }
}

/// Imports the page: reads it, cuts it into articles, proposes their
/// figures and (unless `dry_run`) writes the drafts, none when any exists.
pub fn import(opts: &ImportOptions) -> Result<Imported> {
    if let Some(problem) = content::slug_problem(&opts.section) {
        return Err(invalid(
            PathBuf::from("content").join(&opts.section),
            None,
            format!("`{}` cannot be a section folder: {problem}", opts.section),
            "use letters, digits, `-` and `_`, e.g. `reports`",
        ));
    }
    let (languages, units) = read_site(opts)?;
    let page = read_page(opts)?;
    let seg = segment::segment(&page);
    if seg.articles.is_empty() {
        return Err(invalid(&opts.file, None, "no article found: no line starts with a dateline (本报讯, XX报讯, 新华社…电) or a continuation mark (（上接 A1 版）)",
            "check that this is a newspaper page; a page whose articles have no datelines cannot be cut into articles yet"));
    }
    let source = draft::Source {
        file: opts
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        publication: opts.publication.clone().or(seg.folio.publication.clone()),
        page: opts.page.clone().or(seg.folio.page.clone()),
        date: opts
            .date
            .or(seg
                .folio
                .date
                .map(|(year, month, day)| Date { year, month, day }))
            .unwrap_or(opts.today),
    };
    let mut warnings = Vec::new();
    let mut articles = Vec::new();
    let mut files = Vec::new();
    let total = seg.articles.len();
    for (k, article) in seg.articles.iter().enumerate() {
        let found = figures::propose(&article.text(), &units);
        for written in &found.unknown_units {
            warnings.push(Diagnostic::warning(&opts.file, article.line,
                format!("article {}: `{written}`: no unit of the catalogue; not proposed as a figure", k + 1))
                .with_hint("if it is a figure, add its unit to site.yaml (`units:`) and import again, or add the metric by hand"));
        }
        let d = draft::draft(
            article,
            &found.figures,
            (k + 1, total),
            &source,
            &opts.section,
            &languages,
        );
        articles.push(imported_article(article, &found.figures, &d, &units));
        files.extend(d.files);
    }
    for (line, text) in &seg.unassigned {
        warnings.push(Diagnostic::warning(
            &opts.file,
            *line,
            format!("`{text}` belongs to no article; left out"),
        ));
    }
    if !opts.dry_run {
        write_all(&opts.root, &files)?;
    }
    Ok(Imported {
        articles,
        warnings,
        written: !opts.dry_run,
    })
}

fn imported_article(
    article: &segment::Article,
    figures: &[figures::Figure],
    d: &draft::Draft,
    units: &UnitCatalog,
) -> ImportedArticle {
    ImportedArticle {
        headline: article.headline.clone(),
        kicker: article.kicker.clone(),
        author: article.author.clone(),
        continued_from: article.continued_from.clone(),
        continued_to: article.continued_to.clone(),
        captions: article.captions.clone(),
        text: article.text(),
        figures: figures
            .iter()
            .map(|f| ImportedFigure {
                value: serde_json::from_str(&f.value).unwrap_or(serde_json::Value::Null),
                unit: f.unit.clone(),
                qualifier: f.qualifier.map(|q| q.zh().to_string()),
                quote: f.quote.clone(),
                label: f.label.clone(),
                shown: shown(f, units),
            })
            .collect(),
        files: d.files.iter().map(|(p, _)| p.clone()).collect(),
    }
}

/// A figure as the Chinese page shows it.
fn shown(f: &figures::Figure, units: &UnitCatalog) -> String {
    match (units.lookup(&f.unit), f.value.parse::<f64>()) {
        (Some(unit), Ok(value)) => {
            crate::model::units::format_value(value, unit, f.qualifier, None, Lang::Zh)
        }
        _ => format!("{} {}", f.value, f.unit),
    }
}

/// Writes `files` below `root` when none of them exists (else nothing,
/// and an error naming each), each new file created exclusively.
fn write_all(root: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    let existing: Vec<Diagnostic> = files
        .iter()
        .filter(|(rel, _)| root.join(rel).exists() || root.join(rel).is_symlink())
        .map(|(rel, _)| {
            Diagnostic::error(rel, None, "already exists; nothing was written")
                .with_hint("this page was imported before (slugs are the same for the same page, date and page name); move the existing drafts away, or pass another --date or --page")
        })
        .collect();
    if !existing.is_empty() {
        return Err(Error::Invalid(existing));
    }
    let mut done: Vec<PathBuf> = Vec::new();
    for (rel, text) in files {
        let path = root.join(rel);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
            })
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = result {
            // All or none: the files this run made go again.
            for made in &done {
                let _ = std::fs::remove_file(made);
            }
            return Err(Error::write(rel, e));
        }
        done.push(path);
    }
    Ok(())
}

/// The import's result for a terminal: each article with its files (and,
/// on a dry run, its figures), then the warnings.
pub(crate) fn format_text(imported: &Imported, file: &Path) -> String {
    let mut out = String::new();
    let figures: usize = imported.articles.iter().map(|a| a.figures.len()).sum();
    out.push_str(&format!(
        "{}: {} articles, {figures} figures\n",
        file.display(),
        imported.articles.len()
    ));
    for (k, a) in imported.articles.iter().enumerate() {
        out.push_str(&article_line(k + 1, a));
        for f in &a.files {
            let verb = if imported.written {
                "wrote"
            } else {
                "would write"
            };
            out.push_str(&format!("   {verb} {}\n", f.display()));
        }
        if !imported.written {
            for f in &a.figures {
                out.push_str(&format!("     {}  {}  「{}」\n", f.shown, f.label, f.quote));
            }
        }
    }
    for w in &imported.warnings {
        out.push_str(&format!("{w}\n"));
    }
    if imported.written {
        out.push_str("the reports are drafts: `briefing serve --drafts` shows them, `briefing check --drafts` lists what to review\n");
    } else {
        out.push_str("dry run: nothing was written\n");
    }
    out
}

fn article_line(n: usize, a: &ImportedArticle) -> String {
    let mut parts = vec![match &a.headline {
        Some(h) => h.clone(),
        None => "(no headline on this page)".to_string(),
    }];
    if let Some(k) = &a.kicker {
        parts.push(format!("kicker {k}"));
    }
    if !a.author.is_empty() {
        parts.push(a.author.join("、"));
    }
    if let Some(p) = &a.continued_from {
        parts.push(format!("continued from {p}"));
    }
    if let Some(p) = &a.continued_to {
        parts.push(format!("continues on {p}"));
    }
    if !a.captions.is_empty() {
        parts.push(format!("{} caption(s)", a.captions.len()));
    }
    parts.push(format!("{} figures", a.figures.len()));
    format!("{n:2}. {}\n", parts.join(" · "))
}

/// The import's result as one JSON object (`--format json`).
pub(crate) fn format_json(imported: &Imported) -> String {
    serde_json::to_string_pretty(imported).unwrap_or_default()
}
