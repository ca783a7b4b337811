//! From what `sources::read_sources` read to the site model: parsing front
//! matter and Markdown, and pairing each source report with its
//! translations. No disk access: plain data in, plain data and diagnostics
//! out.

use crate::diag::Diagnostic;
use crate::hash::Fnv1a;
use crate::load::config::Config;
use crate::load::frontmatter::{self, Split};
use crate::load::markdown::{self};
use crate::load::sources::{InputFile, Sources};
use crate::model::content::InputAsset;
use crate::model::content::Rendered;
use crate::model::content::{
    same_day_order, Content, Intro, Metric, Report, ReportText, Section, SortOrder, SourceRef,
    TermsAt,
};
use crate::model::date::Date;
use crate::model::units::{self, Noun, Qualifier, Unit, UnitCatalog};
use crate::model::urls::{self, UrlStyle};
use crate::Lang;
use rayon::prelude::*;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------
// Front matter shapes

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFm {
    title: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    date: Option<String>,
    zone: Option<String>,
    region: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    source: Option<SourceInfoFm>,
    #[serde(default)]
    metrics: Vec<MetricFm>,
    #[serde(default)]
    draft: bool,
    /// Order among reports of the same date: lower first.
    weight: Option<i64>,
    #[serde(default)]
    extra: serde_json::Value,
    /// Not read from the file: the fingerprint of its translatable text.
    #[serde(skip)]
    hash: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceInfoFm {
    publication: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    page: Option<String>,
    author: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricFm {
    key: String,
    label: String,
    value: f64,
    unit: String,
    qualifier: Option<Qualifier>,
    quote: Option<String>,
    noun: Option<Noun>,
    #[serde(default)]
    card: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationFm {
    title: Option<String>,
    zone: Option<String>,
    region: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    source: Option<TranslatedSourceFm>,
    #[serde(default)]
    metrics: Vec<MetricLabelFm>,
    #[serde(default)]
    extra: serde_json::Value,
    /// The source's fingerprint when this translation was made or last
    /// checked (written by `briefing new` and `briefing check --accept`).
    translated_from: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslatedSourceFm {
    publication: Option<String>,
    author: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricLabelFm {
    key: String,
    label: String,
    noun: Option<Noun>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFm {
    title: Option<String>,
    paginate: Option<usize>,
    sort: Option<SortOrder>,
}

/// The fingerprint of a source report's translatable text: title, zone,
/// region, summary, tags, publication, author, metric labels and the
/// Markdown body. Facts a translation inherits (date, values, units, quotes,
/// page, url) do not count. 16 hex digits of FNV-1a (64 bit) over a JSON
/// form of those parts: stable across builds and platforms.
fn translatable_hash(fm: &SourceFm, body: &str) -> String {
    #[derive(serde::Serialize)]
    struct Translatable<'a> {
        title: Option<&'a str>,
        zone: Option<&'a str>,
        region: Option<&'a str>,
        summary: Option<&'a str>,
        tags: &'a [String],
        publication: Option<&'a str>,
        author: Option<&'a str>,
        labels: Vec<(&'a str, &'a str)>,
        body: &'a str,
    }
    let source = fm.source.as_ref();
    let t = Translatable {
        title: fm.title.as_deref(),
        zone: fm.zone.as_deref(),
        region: fm.region.as_deref(),
        summary: fm.summary.as_deref(),
        tags: &fm.tags,
        publication: source.and_then(|s| s.publication.as_deref()),
        author: source.and_then(|s| s.author.as_deref()),
        labels: fm
            .metrics
            .iter()
            .map(|m| (m.key.as_str(), m.label.as_str()))
            .collect(),
        body: body.trim(),
    };
    let json = serde_json::to_vec(&t).expect("plain strings serialise");
    let mut h = Fnv1a::default();
    h.write(&json);
    format!("{:016x}", h.0)
}

/// The `translated_from` fingerprint of a source report file's text (see
/// `translatable_hash`), or the problem that keeps it from being read.
pub(crate) fn source_fingerprint(
    text: &str,
    path: &Path,
) -> std::result::Result<String, Diagnostic> {
    let split = frontmatter::split(text, path)?;
    let fm: SourceFm = frontmatter::parse(&split, path)?;
    Ok(translatable_hash(&fm, split.body))
}

/// Accepts any YAML scalar as a string (`page: 2`, `date: 2025-05-08`).
fn scalar<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| match s {
        Scalar::S(s) => s,
        Scalar::I(i) => i.to_string(),
        Scalar::F(f) => f.to_string(),
    }))
}

// ---------------------------------------------------------------------------
// Loading

/// What a file name says about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileKey {
    section: String,
    stem: String,
    lang: Lang,
}

/// Splits `reports/a.zh.md` into section `reports`, stem `a`, language zh.
fn classify(rel: &str, config: &Config) -> std::result::Result<FileKey, (String, String)> {
    let (section, name) = match rel.rsplit_once('/') {
        Some((s, n)) => (s.to_string(), n),
        None => (String::new(), rel),
    };
    let base = name.strip_suffix(".md").unwrap_or(name);
    let (stem, lang) = match base.rsplit_once('.') {
        Some((stem, suffix))
            if (2..=3).contains(&suffix.len())
                && suffix.bytes().all(|b| b.is_ascii_lowercase()) =>
        {
            match Lang::from_code(suffix).filter(|l| config.languages.contains(l)) {
                Some(lang) => (stem, lang),
                None => {
                    let langs: Vec<_> = config.languages.iter().map(|l| l.code()).collect();
                    return Err((
                        format!("language suffix `.{suffix}` is not one of the site's languages ({})", langs.join(", ")),
                        format!("rename the file to `{stem}.<lang>.md` with a language from `languages` in site.yaml, or add the language there"),
                    ));
                }
            }
        }
        _ => (base, config.source_lang()),
    };
    Ok(FileKey {
        section,
        stem: stem.to_string(),
        lang,
    })
}

/// A slug must stay inside its folder and be safe in a URL.
pub(crate) fn check_slug(stem: &str) -> std::result::Result<(), String> {
    slug_problem(stem).map_or(Ok(()), |why| {
        Err(format!("`{stem}` cannot be used as a page URL: {why}"))
    })
}

/// Why `stem` cannot be a URL segment, if it cannot.
pub(crate) fn slug_problem(stem: &str) -> Option<String> {
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if stem.is_empty() {
        Some("it is empty".into())
    } else if stem.starts_with('.') {
        Some("it starts with `.`".into())
    } else {
        stem.chars().find(|&c| !ok_char(c)).map(|c| match c {
            ' ' => "it has a space".to_string(),
            c if c.is_whitespace() || c.is_control() => {
                format!("it has the character U+{:04X}", c as u32)
            }
            c => format!("it has `{c}`"),
        })
    }
}

fn check_section(section: &str) -> std::result::Result<(), String> {
    if section.is_empty() {
        return Ok(());
    }
    for part in section.split('/') {
        if let Some(why) = slug_problem(part) {
            return Err(format!(
                "folder `{section}` cannot be used in a page URL: {why}"
            ));
        }
    }
    Ok(())
}

/// A parsed translation: its key, front matter, file index and body offset.
type Translated = (FileKey, Box<TranslationFm>, usize, usize);

#[derive(Clone)]
enum Parsed {
    Source {
        key: FileKey,
        fm: Box<SourceFm>,
        file: usize,
        body_start: usize,
    },
    Translation {
        key: FileKey,
        fm: Box<TranslationFm>,
        file: usize,
        body_start: usize,
    },
    Index {
        key: FileKey,
        fm: IndexFm,
        file: usize,
        body_start: usize,
    },
}

impl Parsed {
    /// The same parse, for the file at index `file` of the sources.
    fn key_and_file(&self) -> (&FileKey, usize) {
        match self {
            Parsed::Source { key, file, .. }
            | Parsed::Translation { key, file, .. }
            | Parsed::Index { key, file, .. } => (key, *file),
        }
    }

    fn at_file(mut self, i: usize) -> Parsed {
        match &mut self {
            Parsed::Source { file, .. }
            | Parsed::Translation { file, .. }
            | Parsed::Index { file, .. } => *file = i,
        }
        self
    }
}

type ParseResult = std::result::Result<Parsed, Vec<Diagnostic>>;

/// What earlier loads parsed and rendered, reused while a file's text is
/// unchanged (and, for Markdown bodies, the reports and files that links can
/// point to). `serve` keeps one, so a change to one report parses and
/// renders only that report's files; the result is the same as a fresh load.
#[derive(Default)]
pub(crate) struct LoadCache {
    /// By path below `content/`: the text parsed and the result.
    parsed: HashMap<String, (String, ParseResult)>,
    /// By file and language.
    bodies: HashMap<(PathBuf, Lang), CachedBody>,
}

struct CachedBody {
    /// The page's URL (links are relative to it).
    page: String,
    text: String,
    /// Fingerprint of the link targets it was rendered against.
    links: u64,
    rendered: Arc<Rendered>,
    diags: Vec<Diagnostic>,
}

/// Builds the site model from what `read_sources` read. Drafts are left out
/// unless `drafts` is true. Returns the content and every problem found.
pub fn load(
    sources: &Sources,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
    drafts: bool,
) -> (Content, Vec<Diagnostic>) {
    load_with(Files::Borrowed(sources), config, units, style, drafts, None)
}

/// [`load`], consuming what was read: each report file's text is dropped
/// as soon as its Markdown is rendered, so on a large site the texts and
/// the rendered bodies are not all held at once.
pub fn load_owned(
    sources: Sources,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
    drafts: bool,
) -> (Content, Vec<Diagnostic>) {
    load_with(Files::Owned(sources), config, units, style, drafts, None)
}

/// `load`, reusing and updating `cache`.
pub(crate) fn load_cached(
    sources: &Sources,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
    drafts: bool,
    cache: &mut LoadCache,
) -> (Content, Vec<Diagnostic>) {
    load_with(
        Files::Borrowed(sources),
        config,
        units,
        style,
        drafts,
        Some(cache),
    )
}

/// What a load reads: borrowed (`serve` keeps it between loads) or owned
/// ([`load_owned`]).
enum Files<'s> {
    Borrowed(&'s Sources),
    Owned(Sources),
}

impl Files<'_> {
    fn get(&self) -> &Sources {
        match self {
            Files::Borrowed(s) => s,
            Files::Owned(s) => s,
        }
    }
}

/// What every step of a load reads: the files, the config, the units and
/// the URL style.
#[derive(Clone, Copy)]
struct Inputs<'a> {
    sources: &'a Sources,
    config: &'a Config,
    units: &'a UnitCatalog,
    style: UrlStyle,
}

/// A page's place: (section, stem).
type PageKey = (String, String);
type SourceItem = (FileKey, Box<SourceFm>, usize, usize);
type IndexItem = (FileKey, IndexFm, usize, usize);

/// Files that exist but could not be parsed: a broken source's
/// translations are not orphans, and a broken translation is not missing
/// (either would only repeat the file's own error).
#[derive(Default)]
struct Broken {
    sources: HashSet<PageKey>,
    translations: HashSet<(String, String, Lang)>,
}

/// The parsed files of a site grouped by page, each language at most once.
#[derive(Default)]
struct Paired {
    sources: BTreeMap<PageKey, SourceItem>,
    translations: BTreeMap<PageKey, Vec<Translated>>,
    indexes: Vec<IndexItem>,
}

/// A report resolved from its front matter, its Markdown bodies still to
/// render: (language, file, where the body starts).
struct Pending {
    report: Report,
    bodies: Vec<(Lang, usize, usize)>,
}

fn load_with(
    mut files: Files<'_>,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
    drafts: bool,
    mut cache: Option<&mut LoadCache>,
) -> (Content, Vec<Diagnostic>) {
    let sources = files.get();
    let input = Inputs {
        sources,
        config,
        units,
        style,
    };
    let mut diags: Vec<Diagnostic> = sources.problems.clone();
    let (pending, indexes) = resolve_reports(input, drafts, cache.as_deref_mut(), &mut diags);
    let mut content = Content::default();
    for p in &pending {
        section_entry(&mut content, &p.report.section);
    }
    let targets = LinkTargets::new(
        pending.iter().map(|p| &p.report),
        &sources.assets,
        config.source_lang(),
    );
    for index in indexes {
        add_index_page(&mut content, index, &targets, input, &mut diags);
    }
    untitled_sections(&content, config, &mut diags);
    let links = link_targets_fingerprint(&pending, input);
    content.assets = sources.assets.clone();
    let pending = with_body_files(pending, &mut files);
    content.reports = render_bodies(pending, links, &targets, style, cache, &mut diags);
    content
        .reports
        .sort_by(|a, b| b.date.cmp(&a.date).then_with(|| same_day_order(a, b)));
    (content, diags)
}

/// Every file parsed and paired, and each source report resolved with its
/// translations (bodies not yet rendered); the `_index` files aside.
fn resolve_reports(
    input: Inputs<'_>,
    drafts: bool,
    cache: Option<&mut LoadCache>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Pending>, Vec<IndexItem>) {
    let parsed = parse_files(input, cache);
    let (items, broken) = set_aside_failures(parsed, input, diags);
    let mut paired = pair(items, input.sources, diags);
    let groups: Vec<_> = std::mem::take(&mut paired.sources)
        .into_iter()
        .map(|(page, source)| {
            (
                source,
                paired.translations.remove(&page).unwrap_or_default(),
            )
        })
        .collect();
    let resolved: Vec<(Option<Pending>, Vec<Diagnostic>)> = groups
        .into_par_iter()
        .map(|(source, tr)| resolve_report(source, tr, input, &broken, drafts))
        .collect();
    let mut pending = Vec::with_capacity(resolved.len());
    for (p, ds) in resolved {
        diags.extend(ds);
        pending.extend(p);
    }
    orphan_translations(&paired.translations, &broken, input, diags);
    (pending, paired.indexes)
}

/// A pending report with the files of its bodies, in the order of
/// `Pending::bodies`.
type WithFiles<'s> = (Pending, Vec<Cow<'s, InputFile>>);

/// Each pending report with its body files: borrowed, or taken out of
/// owned sources (each file is one page's one language, so one report's).
fn with_body_files<'s>(pending: Vec<Pending>, files: &mut Files<'s>) -> Vec<WithFiles<'s>> {
    match files {
        Files::Borrowed(sources) => {
            let sources: &'s Sources = sources;
            pending
                .into_iter()
                .map(|p| {
                    let fs = p.bodies.iter().map(|b| Cow::Borrowed(&sources.files[b.1]));
                    let fs = fs.collect();
                    (p, fs)
                })
                .collect()
        }
        Files::Owned(sources) => {
            let mut slots: Vec<Option<InputFile>> = std::mem::take(&mut sources.files)
                .into_iter()
                .map(Some)
                .collect();
            pending
                .into_iter()
                .map(|p| {
                    let fs = p.bodies.iter().map(|b| {
                        Cow::Owned(slots[b.1].take().expect("a file has one report's body"))
                    });
                    let fs = fs.collect();
                    (p, fs)
                })
                .collect()
        }
    }
}

/// Every file parsed, reusing the cache's result where a file's text is
/// unchanged, and updating the cache.
fn parse_files(input: Inputs<'_>, cache: Option<&mut LoadCache>) -> Vec<ParseResult> {
    let files = &input.sources.files;
    let cached = cache.as_deref();
    let parsed: Vec<(ParseResult, bool)> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            match cached
                .and_then(|c| c.parsed.get(&f.rel))
                .filter(|(text, _)| *text == f.text)
            {
                Some((_, hit)) => (hit.clone().map(|p| p.at_file(i)), false),
                None => (parse_file(i, f, input.config), true),
            }
        })
        .collect();
    if let Some(c) = cache {
        let present: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        c.parsed.retain(|rel, _| present.contains(rel.as_str()));
        for ((res, fresh), f) in parsed.iter().zip(files) {
            if *fresh {
                c.parsed
                    .insert(f.rel.clone(), (f.text.clone(), res.clone()));
            }
        }
    }
    parsed.into_iter().map(|(p, _)| p).collect()
}

/// The files that parsed, and which pages have a file that did not (its
/// errors go to `diags`).
fn set_aside_failures(
    parsed: Vec<ParseResult>,
    input: Inputs<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Parsed>, Broken) {
    let mut items = Vec::new();
    let mut broken = Broken::default();
    for (i, p) in parsed.into_iter().enumerate() {
        match p {
            Ok(p) => items.push(p),
            Err(ds) => {
                if let Ok(key) = classify(&input.sources.files[i].rel, input.config) {
                    if key.lang == input.config.source_lang() {
                        broken.sources.insert((key.section, key.stem));
                    } else {
                        broken
                            .translations
                            .insert((key.section, key.stem, key.lang));
                    }
                }
                diags.extend(ds)
            }
        }
    }
    (items, broken)
}

/// Groups files by page; a second file for the same page and language is
/// an error and left out.
fn pair(items: Vec<Parsed>, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Paired {
    let mut paired = Paired::default();
    let mut seen: HashMap<(String, String, Lang), usize> = HashMap::new();
    for item in items {
        let (key, file) = item.key_and_file();
        let page_lang = (key.section.clone(), key.stem.clone(), key.lang);
        if let Some(&other) = seen.get(&page_lang) {
            diags.push(duplicate_page(
                key,
                &sources.files[file],
                &sources.files[other],
            ));
            continue;
        }
        seen.insert(page_lang, file);
        match item {
            Parsed::Source {
                key,
                fm,
                file,
                body_start,
            } => {
                let page = (key.section.clone(), key.stem.clone());
                paired.sources.insert(page, (key, fm, file, body_start));
            }
            Parsed::Translation {
                key,
                fm,
                file,
                body_start,
            } => {
                let page = (key.section.clone(), key.stem.clone());
                let entry = paired.translations.entry(page).or_default();
                entry.push((key, fm, file, body_start));
            }
            Parsed::Index {
                key,
                fm,
                file,
                body_start,
            } => paired.indexes.push((key, fm, file, body_start)),
        }
    }
    paired
}

fn duplicate_page(key: &FileKey, file: &InputFile, other: &InputFile) -> Diagnostic {
    let page = if key.section.is_empty() {
        key.stem.clone()
    } else {
        format!("{}/{}", key.section, key.stem)
    };
    Diagnostic::error(
        &file.display,
        Some(1),
        format!(
            "this file and {} both give the {} page `{page}`",
            other.display.display(),
            key.lang,
        ),
    )
    .with_hint("keep one of them: `a.md` and `a.<source-lang>.md` are the same page")
}

/// One report from its source file and translations, its Markdown not yet
/// rendered; `None` for a draft left out or a source too broken to use.
fn resolve_report(
    (key, fm, file, body_start): SourceItem,
    translations: Vec<Translated>,
    input: Inputs<'_>,
    broken: &Broken,
    drafts: bool,
) -> (Option<Pending>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if fm.draft && !drafts {
        return (None, diags);
    }
    let source = &input.sources.files[file];
    let split =
        frontmatter::split(&source.text, &source.display).expect("split succeeded when parsing");
    let Some(mut report) = resolve_source(key, *fm, source, &split, input.units, &mut diags) else {
        return (None, diags);
    };
    let mut bodies = vec![(input.config.source_lang(), file, body_start)];
    let mut invalid = Vec::new();
    for (tkey, tfm, tfile, tbody) in translations {
        let tinput = &input.sources.files[tfile];
        let tsplit = frontmatter::split(&tinput.text, &tinput.display)
            .expect("split succeeded when parsing");
        match resolve_translation(*tfm, &report, (tinput, &tsplit), input.units, &mut diags) {
            Some(text) => {
                report.texts.insert(tkey.lang, Box::new(text));
                bodies.push((tkey.lang, tfile, tbody));
            }
            None => invalid.push(tkey.lang),
        }
    }
    for &lang in &input.config.languages {
        let exists_broken = invalid.contains(&lang)
            || broken
                .translations
                .contains(&(report.section.clone(), report.slug.clone(), lang));
        if !report.texts.contains_key(&lang) && !exists_broken {
            diags.push(missing_translation(&report, source, lang, input.config));
        }
    }
    (Some(Pending { report, bodies }), diags)
}

fn missing_translation(
    report: &Report,
    source: &InputFile,
    lang: Lang,
    config: &Config,
) -> Diagnostic {
    Diagnostic::warning(&source.display, None, format!("no {lang} translation")).with_hint(format!(
        "add {}; until then the {lang} site lists the report marked as available only in {}",
        sibling_name(&source.rel, &report.slug, lang),
        config.source_lang()
    ))
}

/// Translations whose source file does not exist (unless it exists but is
/// broken: its own error says enough).
fn orphan_translations(
    translations: &BTreeMap<PageKey, Vec<Translated>>,
    broken: &Broken,
    input: Inputs<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for (page, orphans) in translations {
        if broken.sources.contains(page) {
            continue;
        }
        for (key, _, file, _) in orphans {
            let f = &input.sources.files[*file];
            diags.push(
                Diagnostic::error(&f.display, Some(1), format!("this {} translation has no source file", key.lang)).with_hint(format!(
                    "add the source report {} (or `{}.md`), or rename this file to match an existing report",
                    sibling_name(&f.rel, &key.stem, input.config.source_lang()),
                    key.stem
                )),
            );
        }
    }
}

fn section_entry<'c>(content: &'c mut Content, name: &str) -> &'c mut Section {
    content
        .sections
        .entry(name.to_string())
        .or_insert_with(|| Section {
            name: name.to_string(),
            ..Section::default()
        })
}

/// An `_index` file: the home page's or a section's intro, title and list
/// settings (the source language's settings win).
fn add_index_page(
    content: &mut Content,
    (key, fm, file, body_start): IndexItem,
    targets: &LinkTargets,
    input: Inputs<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let f = &input.sources.files[file];
    let page_dir = urls::section_dir(key.lang, &key.section);
    let at = BodyAt {
        file: f,
        body_start,
        page_dir: &page_dir,
        lang: key.lang,
    };
    let html = render_body(at, targets, input.style, diags);
    let intro = Intro {
        title: fm.title,
        html: html.html,
    };
    if key.section.is_empty() {
        content.home.insert(key.lang, intro);
        return;
    }
    let from_source = key.lang == input.config.source_lang();
    let section = section_entry(content, &key.section);
    if from_source || section.paginate.is_none() {
        section.paginate = section.paginate.or(fm.paginate);
    }
    if let Some(sort) = fm.sort {
        if from_source || section.sort == SortOrder::default() {
            section.sort = sort;
        }
    }
    section.intro.insert(key.lang, intro);
}

fn untitled_sections(content: &Content, config: &Config, diags: &mut Vec<Diagnostic>) {
    for section in content.sections.values() {
        for &lang in &config.languages {
            let titled = section.intro.get(&lang).is_some_and(|i| i.title.is_some());
            if titled {
                continue;
            }
            let shown = section.title(lang, config.source_lang());
            diags.push(
                Diagnostic::warning(
                    format!("content/{}", section.name),
                    None,
                    format!("the section has no {lang} title; the {lang} site calls it `{shown}`"),
                )
                .with_hint(format!(
                    "add content/{}/_index.{lang}.md with a `title:` in its front matter",
                    section.name
                )),
            );
        }
    }
}

/// A fingerprint of everything a link in a body can point to: a cached
/// body rendered against other targets is rendered again.
fn link_targets_fingerprint(pending: &[Pending], input: Inputs<'_>) -> u64 {
    let mut h = Fnv1a::default();
    for p in pending {
        let r = &p.report;
        h.write(format!("{}/{}", r.section, r.slug).as_bytes());
        for lang in r.texts.keys() {
            h.write(lang.code().as_bytes());
        }
        h.write(b"\n");
    }
    for a in &input.sources.assets {
        h.write(a.rel.as_bytes());
        h.write(b"\n");
    }
    h.write(&[input.style as u8]);
    h.0
}

type FreshBodies = Vec<((PathBuf, Lang), CachedBody)>;

/// Every report's Markdown bodies, in parallel, reusing the cache's where
/// the text, the page and the link targets are unchanged.
fn render_bodies(
    pending: Vec<WithFiles<'_>>,
    links: u64,
    targets: &LinkTargets,
    style: UrlStyle,
    mut cache: Option<&mut LoadCache>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Report> {
    let cached = cache.as_deref();
    let rendered: Vec<(Report, Vec<Diagnostic>, FreshBodies)> = pending
        .into_par_iter()
        .map(|p| render_report_bodies(p, links, targets, style, cached))
        .collect();
    let mut used = HashSet::new();
    let mut reports = Vec::with_capacity(rendered.len());
    for (report, ds, fresh) in rendered {
        diags.extend(ds);
        if let Some(c) = cache.as_deref_mut() {
            for (lang, t) in &report.texts {
                used.insert((t.path.clone(), *lang));
            }
            c.bodies.extend(fresh);
        }
        reports.push(report);
    }
    if let Some(c) = cache {
        c.bodies.retain(|k, _| used.contains(k));
    }
    reports
}

/// A report's bodies rendered; owned body files are dropped as each is done.
fn render_report_bodies(
    (mut p, files): WithFiles<'_>,
    links: u64,
    targets: &LinkTargets,
    style: UrlStyle,
    cached: Option<&LoadCache>,
) -> (Report, Vec<Diagnostic>, FreshBodies) {
    let mut ds = Vec::new();
    let mut fresh = Vec::new();
    for ((lang, _, body_start), f) in p.bodies.into_iter().zip(files) {
        let f: &InputFile = &f;
        let page = urls::report_dir(lang, &p.report.section, &p.report.slug);
        let text = &f.text[body_start..];
        let hit = cached
            .and_then(|c| c.bodies.get(&(f.display.clone(), lang)))
            .filter(|b| b.links == links && b.page == page && b.text == text);
        let body = match hit {
            Some(b) => {
                ds.extend(b.diags.iter().cloned());
                Arc::clone(&b.rendered)
            }
            None => {
                let mut body_diags = Vec::new();
                let at = BodyAt {
                    file: f,
                    body_start,
                    page_dir: &page,
                    lang,
                };
                let body = Arc::new(render_body(at, targets, style, &mut body_diags));
                if cached.is_some() {
                    let entry = CachedBody {
                        page,
                        text: text.to_string(),
                        links,
                        rendered: Arc::clone(&body),
                        diags: body_diags.clone(),
                    };
                    fresh.push(((f.display.clone(), lang), entry));
                }
                ds.extend(body_diags);
                body
            }
        };
        if let Some(t) = p.report.texts.get_mut(&lang) {
            t.body = body;
        }
    }
    (p.report, ds, fresh)
}

fn sibling_name(rel: &str, stem: &str, lang: Lang) -> String {
    match rel.rsplit_once('/') {
        Some((dir, _)) => format!("content/{dir}/{stem}.{lang}.md"),
        None => format!("content/{stem}.{lang}.md"),
    }
}

fn parse_file(
    i: usize,
    f: &InputFile,
    config: &Config,
) -> std::result::Result<Parsed, Vec<Diagnostic>> {
    let key = classify(&f.rel, config)
        .map_err(|(msg, hint)| vec![Diagnostic::error(&f.display, None, msg).with_hint(hint)])?;
    let split = frontmatter::split(&f.text, &f.display).map_err(|d| vec![d])?;
    let body_start = f.text.len() - split.body.len();
    if key.stem == "_index" {
        let fm: IndexFm = frontmatter::parse(&split, &f.display).map_err(|d| vec![d])?;
        if fm.paginate == Some(0) {
            let line = frontmatter::find_line(&split, "paginate:", 0);
            return Err(vec![Diagnostic::error(
                &f.display,
                line,
                "`paginate` must be at least 1",
            )
            .with_hint(
                "give the number of reports per list page, e.g. `paginate: 20`",
            )]);
        }
        return Ok(Parsed::Index {
            key,
            fm,
            file: i,
            body_start,
        });
    }
    let mut errs = Vec::new();
    if let Err(msg) = check_slug(&key.stem) {
        errs.push(
            Diagnostic::error(&f.display, None, msg)
                .with_hint("rename the file using letters, digits, `-`, `_` or `.`"),
        );
    }
    if let Err(msg) = check_section(&key.section) {
        errs.push(
            Diagnostic::error(&f.display, None, msg)
                .with_hint("rename the folder using letters, digits, `-`, `_` or `.`"),
        );
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    if key.lang == config.source_lang() {
        let mut fm: SourceFm = frontmatter::parse(&split, &f.display).map_err(|d| vec![d])?;
        fm.hash = translatable_hash(&fm, split.body);
        Ok(Parsed::Source {
            key,
            fm: Box::new(fm),
            file: i,
            body_start,
        })
    } else {
        let fm: TranslationFm = frontmatter::parse(&split, &f.display).map_err(|d| vec![d])?;
        Ok(Parsed::Translation {
            key,
            fm: Box::new(fm),
            file: i,
            body_start,
        })
    }
}

/// The report's tags, trimmed; an empty or repeated tag is an error (it
/// would show as an empty link, or twice).
fn checked_tags(
    tags: Vec<String>,
    f: &InputFile,
    split: &Split<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let line = frontmatter::find_line(split, "tags:", 0);
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.into_iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() {
            diags.push(
                Diagnostic::error(&f.display, line, format!("tag {} is empty", i + 1))
                    .with_hint("remove it from `tags`, or write the tag"),
            );
        } else if out.iter().any(|t| t == tag) {
            diags.push(
                Diagnostic::error(&f.display, line, format!("tag `{tag}` is listed twice"))
                    .with_hint("list each tag once"),
            );
        } else {
            out.push(tag.to_string());
        }
    }
    out
}

fn required_title(
    title: Option<String>,
    f: &InputFile,
    split: &Split<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    match title.map(|t| t.trim().to_string()) {
        Some(t) if !t.is_empty() => Some(t),
        Some(_) => {
            diags.push(
                Diagnostic::error(
                    &f.display,
                    frontmatter::find_line(split, "title:", 0),
                    "`title` is empty",
                )
                .with_hint("give the report a title"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(
                    &f.display,
                    Some(split.yaml_line),
                    "missing required field `title`",
                )
                .with_hint("add `title: ...` to the front matter"),
            );
            None
        }
    }
}

fn resolve_source(
    key: FileKey,
    fm: SourceFm,
    f: &InputFile,
    split: &Split<'_>,
    units: &UnitCatalog,
    diags: &mut Vec<Diagnostic>,
) -> Option<Report> {
    let before = diags.len();
    let title = required_title(fm.title, f, split, diags);
    let tags = checked_tags(fm.tags, f, split, diags);
    let date = checked_date(fm.date.as_deref(), f, split, diags);
    let SourceMetrics {
        metrics,
        labels,
        nouns,
        label_lines,
    } = resolve_metrics(fm.metrics, (f, split), units, diags);
    if let Some(url) = fm.source.as_ref().and_then(|s| s.url.as_deref()) {
        diags.extend(url_problem(url, f, split));
    }
    if diags.len() > before {
        return None;
    }
    let source = fm
        .source
        .map(|s| SourceRef {
            publication: s.publication,
            page: s.page,
            author: s.author,
            url: s.url,
        })
        .unwrap_or_default();
    let text = ReportText {
        path: f.display.clone(),
        title: title?,
        zone: fm.zone,
        region: fm.region,
        summary: fm.summary,
        tags,
        source,
        labels,
        nouns,
        label_lines,
        body: Arc::default(),
        extra: fm.extra,
        translated_from: None,
        terms_at: TermsAt {
            tags: written_at(f, split, "tags:"),
            region: written_at(f, split, "region:"),
            zone: written_at(f, split, "zone:"),
        },
    };
    let mut texts = BTreeMap::new();
    texts.insert(key.lang, Box::new(text));
    Some(Report {
        section: key.section,
        slug: key.stem,
        date: date?,
        date_line: frontmatter::find_line(split, "date:", 0),
        weight: fm.weight,
        metrics,
        texts,
        source_hash: fm.hash,
    })
}

/// The report's date, or `None` with an error when it is missing or wrong.
fn checked_date(
    date: Option<&str>,
    f: &InputFile,
    split: &Split<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let Some(s) = date else {
        diags.push(
            Diagnostic::error(
                &f.display,
                Some(split.yaml_line),
                "missing required field `date`",
            )
            .with_hint("add the report's date, e.g. `date: 2025-05-08`"),
        );
        return None;
    };
    Date::check(s.trim())
        .map_err(|hint| {
            diags.push(
                Diagnostic::error(
                    &f.display,
                    frontmatter::find_line(split, "date:", 0),
                    format!("`{s}` is not a valid date"),
                )
                .with_hint(hint),
            );
        })
        .ok()
}

/// A source file's metrics, with their labels, nouns and lines by key.
struct SourceMetrics {
    metrics: Vec<Metric>,
    labels: HashMap<String, String>,
    nouns: HashMap<String, Noun>,
    label_lines: HashMap<String, usize>,
}

/// The metrics of a source file, each checked (key, unit, value, noun).
fn resolve_metrics(
    written: Vec<MetricFm>,
    (f, split): (&InputFile, &Split<'_>),
    units: &UnitCatalog,
    diags: &mut Vec<Diagnostic>,
) -> SourceMetrics {
    let mut out = SourceMetrics {
        metrics: Vec::new(),
        labels: HashMap::new(),
        nouns: HashMap::new(),
        label_lines: HashMap::new(),
    };
    let mut keys = HashSet::new();
    for (i, m) in written.into_iter().enumerate() {
        let line = frontmatter::find_line(split, "key:", i);
        diags.extend(metric_problems(&m, (i, line), (f, split), units));
        if !keys.insert(m.key.clone()) {
            diags.push(
                Diagnostic::error(
                    &f.display,
                    line,
                    format!("metric key `{}` is used twice in this report", m.key),
                )
                .with_hint("give each metric of a report its own key"),
            );
        }
        if let (Some(noun), Some(unit)) = (m.noun, units.lookup(&m.unit)) {
            match noun_problem(unit) {
                None => {
                    out.nouns.insert(m.key.clone(), noun);
                }
                Some(problem) => diags.push(problem.at(f, split, i)),
            }
        }
        out.labels.insert(m.key.clone(), m.label);
        out.label_lines.extend(line.map(|l| (m.key.clone(), l)));
        out.metrics.push(Metric {
            key: m.key,
            value: m.value,
            unit: m.unit,
            qualifier: m.qualifier,
            quote: m.quote,
            card: m.card,
            line,
            quote_line: line.and_then(|l| frontmatter::item_field_line(split, l, "quote:")),
        });
    }
    out
}

/// What is wrong with metric `index` (whose `key:` is on `line`) on its
/// own: its key, its unit, its value.
fn metric_problems(
    m: &MetricFm,
    (index, line): (usize, Option<usize>),
    (f, split): (&InputFile, &Split<'_>),
    units: &UnitCatalog,
) -> Vec<Diagnostic> {
    let at = |field: &str| frontmatter::find_line(split, field, index).or(line);
    let mut problems = Vec::new();
    if !is_metric_key(&m.key) {
        problems.push(
            Diagnostic::error(
                &f.display,
                line,
                format!("metric key `{}` is not allowed", m.key),
            )
            .with_hint("use lower-case letters, digits and `_`, e.g. `total_investment`"),
        );
    }
    if units.lookup(&m.unit).is_none() {
        problems.push(
            Diagnostic::error(
                &f.display,
                at("unit:"),
                format!("unknown unit `{}`", m.unit),
            )
            .with_hint(format!(
                "known units: {} (a site can add its own under `units:` in site.yaml)",
                units.known_units().join(", ")
            )),
        );
    }
    if m.value.is_finite() && m.value.abs() >= MAX_VALUE {
        problems.push(
            Diagnostic::error(
                &f.display,
                at("value:"),
                format!("metric `{}` has the value {:e}, more than a figure in a report can be", m.key, m.value),
            )
            .with_hint("write the number in the unit the source uses, e.g. `value: 2.6` with `unit: 亿元`; values stay below 10^15"),
        );
    }
    if !m.value.is_finite() {
        problems.push(
            Diagnostic::error(
                &f.display,
                line,
                format!("metric `{}` has no finite value", m.key),
            )
            .with_hint("write the number with digits"),
        );
    }
    problems
}

/// An error when a source's `url` is not an http(s) address.
fn url_problem(url: &str, f: &InputFile, split: &Split<'_>) -> Option<Diagnostic> {
    if urls::is_web_url(url) {
        return None;
    }
    let line = frontmatter::find_line(split, "url:", 0)
        .or_else(|| frontmatter::find_line(split, "source:", 0));
    Some(
        Diagnostic::error(
            &f.display,
            line,
            format!("`source.url` must be a web address (http or https), not `{url}`"),
        )
        .with_hint("give the address where the report can be read, e.g. `url: https://…`"),
    )
}

/// Why a metric in `unit` cannot take a `noun`: only counted things have
/// one (a currency, an area or a percentage has its own unit word).
fn noun_problem(unit: &Unit) -> Option<NounProblem> {
    (*unit.dimension() != units::Dimension::Count).then(|| NounProblem {
        unit: unit.zh().to_string(),
        dimension: unit.dimension().name().to_string(),
    })
}

/// A `noun` on a metric whose unit is not a count.
struct NounProblem {
    unit: String,
    dimension: String,
}

impl NounProblem {
    /// The diagnostic on metric `index` of file `f`.
    fn at(self, f: &InputFile, split: &Split<'_>, index: usize) -> Diagnostic {
        let line = frontmatter::find_line(split, "key:", index);
        Diagnostic::error(
            &f.display,
            line,
            format!(
                "`noun` is for counted figures, but `{}` measures {}",
                self.unit, self.dimension
            ),
        )
        .with_hint("remove `noun:`; the unit already says what is measured in English")
    }
}

fn is_metric_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Where the field `key` (with its colon) is written in a file: the file
/// and its line (the front matter's first when it cannot be found).
fn written_at(f: &InputFile, split: &Split<'_>, key: &str) -> Option<(PathBuf, usize)> {
    let line = frontmatter::find_line(split, key, 0).unwrap_or(split.yaml_line);
    Some((f.display.clone(), line))
}

fn resolve_translation(
    fm: TranslationFm,
    report: &Report,
    (f, split): (&InputFile, &Split<'_>),
    units: &UnitCatalog,
    diags: &mut Vec<Diagnostic>,
) -> Option<ReportText> {
    let before = diags.len();
    let title = required_title(fm.title.clone(), f, split, diags);
    let tags = checked_tags(fm.tags.clone(), f, split, diags);
    let labels = translated_labels(&fm, report, (f, split), units, diags);
    if diags.len() > before {
        return None;
    }
    let src = report.texts.values().next()?;
    let mine = fm.source.as_ref();
    let source = SourceRef {
        publication: mine
            .and_then(|s| s.publication.clone())
            .or_else(|| src.source.publication.clone()),
        author: mine
            .and_then(|s| s.author.clone())
            .or_else(|| src.source.author.clone()),
        page: src.source.page.clone(),
        url: src.source.url.clone(),
    };
    let own = |written: bool, key: &str, inherited: &Option<(PathBuf, usize)>| match written {
        true => written_at(f, split, key),
        false => inherited.clone(),
    };
    let terms_at = TermsAt {
        tags: own(!tags.is_empty(), "tags:", &src.terms_at.tags),
        region: own(fm.region.is_some(), "region:", &src.terms_at.region),
        zone: own(fm.zone.is_some(), "zone:", &src.terms_at.zone),
    };
    Some(ReportText {
        terms_at,
        path: f.display.clone(),
        title: title?,
        zone: fm.zone.or_else(|| src.zone.clone()),
        region: fm.region.or_else(|| src.region.clone()),
        summary: fm.summary,
        tags: if tags.is_empty() {
            src.tags.clone()
        } else {
            tags
        },
        source,
        labels: labels.labels,
        nouns: labels.nouns,
        label_lines: labels.lines,
        body: Arc::default(),
        extra: if fm.extra.is_null() {
            src.extra.clone()
        } else {
            fm.extra
        },
        translated_from: fm.translated_from,
    })
}

/// A translation's words for its source's metrics, by key.
#[derive(Default)]
struct TranslatedLabels {
    labels: HashMap<String, String>,
    nouns: HashMap<String, Noun>,
    /// The line of each metric's `key:`, for diagnostics.
    lines: HashMap<String, usize>,
}

fn translated_labels(
    fm: &TranslationFm,
    report: &Report,
    (f, split): (&InputFile, &Split<'_>),
    units: &UnitCatalog,
    diags: &mut Vec<Diagnostic>,
) -> TranslatedLabels {
    let mut out = TranslatedLabels::default();
    for (i, m) in fm.metrics.iter().enumerate() {
        let line = frontmatter::find_line(split, "key:", i);
        out.lines.extend(line.map(|l| (m.key.clone(), l)));
        let source_metric = report.metrics.iter().find(|s| s.key == m.key);
        let unit = source_metric.and_then(|s| units.lookup(&s.unit));
        if let (Some(noun), Some(unit)) = (&m.noun, unit) {
            match noun_problem(unit) {
                None => {
                    out.nouns.insert(m.key.clone(), noun.clone());
                }
                Some(problem) => diags.push(problem.at(f, split, i)),
            }
        }
        if source_metric.is_none() {
            diags.push(unknown_metric_key(&m.key, report, f, line));
        } else if out.labels.insert(m.key.clone(), m.label.clone()).is_some() {
            diags.push(
                Diagnostic::error(
                    &f.display,
                    line,
                    format!("metric key `{}` is labelled twice", m.key),
                )
                .with_hint("label each metric once"),
            );
        }
    }
    out
}

fn unknown_metric_key(
    key: &str,
    report: &Report,
    f: &InputFile,
    line: Option<usize>,
) -> Diagnostic {
    let known: Vec<_> = report.metrics.iter().map(|m| m.key.as_str()).collect();
    Diagnostic::error(
        &f.display,
        line,
        format!("metric key `{key}` is not in the source report"),
    )
    .with_hint(if known.is_empty() {
        "the source report has no metrics; add the metric there first".to_string()
    } else {
        format!("use one of the source's keys: {}", known.join(", "))
    })
}

/// Where Markdown links to other reports and to files may point.
struct LinkTargets {
    /// (section, slug) → languages the report exists in.
    reports: HashMap<(String, String), Vec<Lang>>,
    /// The other files in `content/`, by path below it.
    assets: HashSet<String>,
    source: Lang,
}

impl LinkTargets {
    fn new<'a>(
        reports: impl Iterator<Item = &'a Report>,
        assets: &[InputAsset],
        source: Lang,
    ) -> Self {
        let reports = reports
            .map(|r| {
                (
                    (r.section.clone(), r.slug.clone()),
                    r.texts.keys().copied().collect(),
                )
            })
            .collect();
        let assets = assets.iter().map(|a| a.rel.clone()).collect();
        LinkTargets {
            reports,
            assets,
            source,
        }
    }
}

/// Resolves `a/../b` style paths; None when the path leaves the content folder.
fn normalise_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A metric's value stays below this in its unit (a thousand trillion):
/// past it a figure is a typo, and its English form and chart break down.
const MAX_VALUE: f64 = 1e15;

/// What a Markdown link that would run script points to instead.
pub(crate) const BLOCKED_LINK: &str = "#";

/// A Markdown body and where it goes: its file, where the body starts in
/// it, and the page (language and folder) it is rendered for.
struct BodyAt<'a> {
    file: &'a InputFile,
    body_start: usize,
    page_dir: &'a str,
    lang: Lang,
}

/// Where a link in a body leads.
enum Link {
    /// Left as written: an anchor, an absolute path or a URL elsewhere.
    AsWritten,
    /// To a report's page or a copied file, as a URL relative to the page.
    To(String),
    /// A URL that would run script (its scheme): it becomes [`BLOCKED_LINK`].
    Script(String),
    /// To a report or file that does not exist.
    Nowhere,
}

fn render_body(
    at: BodyAt<'_>,
    targets: &LinkTargets,
    style: UrlStyle,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    let body = &at.file.text[at.body_start..];
    let file_dir = at.file.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let root = if at.page_dir.is_empty() {
        String::from("./")
    } else {
        urls::root_prefix(&urls::output_path(at.page_dir))
    };
    let problems = std::cell::RefCell::new(Vec::new());
    let rewrite = |dest: &str, image: bool| -> Option<String> {
        let link = link_target(dest, image, (file_dir, at.lang), targets, style);
        match link {
            Link::AsWritten => None,
            Link::To(path) => Some(format!("{root}{path}")),
            Link::Script(_) | Link::Nowhere => {
                let blocked = matches!(link, Link::Script(_));
                problems.borrow_mut().push((dest.to_string(), link));
                blocked.then(|| BLOCKED_LINK.to_string())
            }
        }
    };
    let rendered = markdown::render(body, &rewrite);
    for (dest, link) in problems.into_inner() {
        diags.push(link_problem(&at, &dest, link));
    }
    rendered
}

/// Where `dest`, a link in a body of `lang` in the folder `file_dir` of
/// `content/`, leads (a report page's link in the URL `style`).
fn link_target(
    dest: &str,
    image: bool,
    (file_dir, lang): (&str, Lang),
    targets: &LinkTargets,
    style: UrlStyle,
) -> Link {
    if let Some(scheme) = urls::script_scheme(dest, image) {
        return Link::Script(scheme);
    }
    if dest.is_empty()
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with("data:")
    {
        return Link::AsWritten;
    }
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (dest, String::new()),
    };
    let joined = if file_dir.is_empty() {
        path.to_string()
    } else {
        format!("{file_dir}/{path}")
    };
    let Some(target) = normalise_path(&joined) else {
        return Link::Nowhere;
    };
    if let Some(stem_path) = target.strip_suffix(".md") {
        // `a.md` and `a.en.md` both lead to report `a`, in the page's
        // language when it has one.
        let (section, name) = stem_path.rsplit_once('/').unwrap_or(("", stem_path));
        let stem = match name.rsplit_once('.') {
            Some((s, l)) if Lang::from_code(l).is_some() => s,
            _ => name,
        };
        let key = (section.to_string(), stem.to_string());
        return match targets.reports.get(&key) {
            Some(langs) => {
                let l = if langs.contains(&lang) {
                    lang
                } else {
                    targets.source
                };
                let page = style.dir(&urls::report_dir(l, section, stem));
                Link::To(format!("{page}{frag}"))
            }
            None => Link::Nowhere,
        };
    }
    if targets.assets.contains(target.as_str()) {
        Link::To(format!("{target}{frag}"))
    } else {
        Link::Nowhere
    }
}

fn link_problem(at: &BodyAt<'_>, dest: &str, link: Link) -> Diagnostic {
    let before = at.file.text[..at.body_start].matches('\n').count();
    let line = at.file.text[at.body_start..]
        .lines()
        .position(|l| l.contains(dest))
        .map(|i| i + 1 + before);
    let display = &at.file.display;
    match link {
        Link::Script(scheme) => Diagnostic::warning(
            display,
            line,
            format!("link to `{dest}` would run a {scheme}: URL as script; the page links to `{BLOCKED_LINK}` instead"),
        )
        .with_hint("link to a web page (https://…) or a file in content/, or remove the link"),
        _ => Diagnostic::warning(
            display,
            line,
            format!("link to `{dest}` leads to no report or file in content/"),
        )
        .with_hint("fix the path (relative to this file) or remove the link"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::content::page_order;
    use crate::testutil::{config, file, load as load_files, load_all};
    use crate::validate::dates::future_dates;

    const ZH: &str = "---\ntitle: 标题\ndate: 2025-05-08\nmetrics:\n  - key: investment\n    label: 投资\n    value: 30\n    unit: 亿元\n    qualifier: nearly\n---\n正文\n第二行\n";
    const EN: &str =
        "---\ntitle: Title\nmetrics:\n  - key: investment\n    label: Investment\n---\nBody\n";

    #[test]
    fn pairs_source_and_translation() {
        let (c, d) = load_files(vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", EN),
        ]);
        assert!(d.is_empty(), "{d:?}");
        let r = &c.reports[0];
        assert_eq!((r.section.as_str(), r.slug.as_str()), ("reports", "a"));
        assert_eq!(r.texts[&Lang::En].labels["investment"], "Investment");
        assert_eq!(r.metrics[0].value, 30.0);
        assert_eq!(r.texts[&Lang::Zh].body.html, "<p>正文第二行</p>\n");
    }

    #[test]
    fn file_without_suffix_is_the_source_language() {
        assert_eq!(
            classify("reports/a.md", &config()).unwrap(),
            FileKey {
                section: "reports".into(),
                stem: "a".into(),
                lang: Lang::Zh
            }
        );
        assert_eq!(classify("a.v2.md", &config()).unwrap().stem, "a.v2");
        assert!(classify("reports/a.fr.md", &config())
            .unwrap_err()
            .0
            .contains("`.fr`"));
    }

    #[test]
    fn a_section_without_a_title_is_a_warning() {
        let index = "---\ntitle: 报告\n---\n";
        let (_, d) = load_all(vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", EN),
            file("reports/_index.zh.md", index),
        ]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        assert_eq!(d[0].path, Path::new("content/reports"));
        assert!(d[0].message.contains("no en title"), "{}", d[0].message);
        assert!(d[0].message.contains("`报告`"), "{}", d[0].message);
        assert!(d[0]
            .hint
            .as_ref()
            .unwrap()
            .contains("content/reports/_index.en.md"));
        let en_index = "---\ntitle: Reports\n---\n";
        let (_, d) = load_all(vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", EN),
            file("reports/_index.zh.md", index),
            file("reports/_index.en.md", en_index),
        ]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn missing_translation_is_a_warning() {
        let (c, d) = load_files(vec![file("reports/a.zh.md", ZH)]);
        assert_eq!(c.reports.len(), 1);
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(d[0]
            .hint
            .as_ref()
            .unwrap()
            .contains("content/reports/a.en.md"));
    }

    #[test]
    fn orphan_translation_and_unknown_metric_key_are_errors() {
        let (_, d) = load_files(vec![file("reports/b.en.md", EN)]);
        assert!(d[0].message.contains("has no source file"));
        let bad = EN.replace("key: investment", "key: jobs");
        let (_, d) = load_files(vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", &bad),
        ]);
        assert_eq!(
            d[0].message,
            "metric key `jobs` is not in the source report"
        );
        assert_eq!(d[0].line, Some(4));
    }

    #[test]
    fn duplicate_keys_and_bad_dates_are_all_reported() {
        let text = "---\ntitle: t\ndate: 2025-02-30\nmetrics:\n  - {key: a, label: x, value: 1, unit: 个}\n  - {key: a, label: y, value: 2, unit: 斤}\n---\n";
        let (_, d) = load_files(vec![file("a.zh.md", text)]);
        let msgs: Vec<_> = d
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.line, d.message.clone()))
            .collect();
        assert!(
            msgs.contains(&(Some(3), "`2025-02-30` is not a valid date".into())),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&(
                Some(6),
                "metric key `a` is used twice in this report".into()
            )),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|(_, m)| m == "unknown unit `斤`"),
            "{msgs:?}"
        );
    }

    #[test]
    fn same_page_twice() {
        let (_, d) = load_files(vec![file("reports/a.md", ZH), file("reports/a.zh.md", ZH)]);
        assert!(
            d.iter()
                .any(|d| d.message.contains("both give the zh page")),
            "{d:?}"
        );
    }

    #[test]
    fn slugs_that_escape_are_rejected() {
        assert!(check_slug("..").is_err());
        assert!(check_slug("a b").is_err());
        assert!(check_slug("a%2f").is_err());
        assert!(check_slug("报告-1").is_ok());
    }

    #[test]
    fn links_to_reports_are_rewritten_per_language() {
        let zh = ZH.replace("正文", "见[另一篇](b.md)");
        let b = ZH.replace("标题", "乙");
        let (c, d) = load_files(vec![
            file("reports/a.zh.md", &zh),
            file("reports/a.en.md", EN),
            file("reports/b.zh.md", &b),
        ]);
        let a = c.reports.iter().find(|r| r.slug == "a").unwrap();
        assert!(
            a.texts[&Lang::Zh]
                .body
                .html
                .contains("href=\"../../../zh/reports/b/\""),
            "{}",
            a.texts[&Lang::Zh].body.html
        );
        assert!(d.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn source_hash_follows_the_text_not_the_facts() {
        let (c, _) = load_files(vec![file("reports/a.zh.md", ZH)]);
        let hash = &c.reports[0].source_hash;
        assert_eq!(hash.len(), 16);
        assert_eq!(source_fingerprint(ZH, Path::new("a.zh.md")).unwrap(), *hash);
        // A fact the translation inherits: same fingerprint.
        let fact = ZH.replace("value: 30", "value: 31");
        assert_eq!(&source_fingerprint(&fact, Path::new("a")).unwrap(), hash);
        // The text, a label or the title: a new fingerprint.
        for changed in [
            ZH.replace("正文", "新的正文"),
            ZH.replace("label: 投资", "label: 总投资"),
            ZH.replace("标题", "新标题"),
        ] {
            assert_ne!(&source_fingerprint(&changed, Path::new("a")).unwrap(), hash);
        }
    }

    #[test]
    fn translation_records_what_it_was_translated_from() {
        let en = EN.replace(
            "title: Title",
            "title: Title\ntranslated_from: 0123456789abcdef",
        );
        let (c, d) = load_files(vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", &en),
        ]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            c.reports[0].texts[&Lang::En].translated_from.as_deref(),
            Some("0123456789abcdef")
        );
    }

    #[test]
    fn cached_load_equals_a_fresh_load() {
        let b = ZH.replace("标题", "乙").replace("正文", "见[甲](a.md)");
        let mut files = vec![
            file("reports/a.zh.md", ZH),
            file("reports/a.en.md", EN),
            file("reports/b.zh.md", &b),
        ];
        let load_both = |files: &Vec<InputFile>, cache: &mut LoadCache| {
            let sources = Sources {
                files: files.clone(),
                ..Default::default()
            };
            let cfg = config();
            let units = UnitCatalog::builtin();
            let fresh = load(&sources, &cfg, &units, UrlStyle::Online, false);
            let cached = load_cached(&sources, &cfg, &units, UrlStyle::Online, false, cache);
            assert_eq!(fresh.0, cached.0);
            assert_eq!(fresh.1, cached.1);
            fresh.0
        };
        let mut cache = LoadCache::default();
        load_both(&files, &mut cache);
        // Unchanged: everything comes from the cache, shared not copied.
        let before = load_both(&files, &mut cache);
        // Edit one body, then remove the link target: b's body must change.
        files[0].text = ZH.replace("正文", "改过的正文");
        let after = load_both(&files, &mut cache);
        assert_ne!(before.reports, after.reports);
        files.remove(1);
        files.remove(0);
        let gone = load_both(&files, &mut cache);
        assert_eq!(gone.reports.len(), 1);
        assert_eq!(cache.parsed.len(), 1);
        assert_eq!(cache.bodies.len(), 1);
    }

    #[test]
    fn cards_show_the_marked_metrics_else_the_first_three() {
        let metric = |key: &str, card: bool| {
            let card = if card { "    card: true\n" } else { "" };
            format!("  - key: {key}\n    label: {key}\n    value: 1\n    unit: 个\n{card}")
        };
        let report = |metrics: &[(&str, bool)]| {
            let ms: String = metrics.iter().map(|(k, c)| metric(k, *c)).collect();
            let text = format!("---\ntitle: t\ndate: 2025-05-08\nmetrics:\n{ms}---\n正文\n");
            let (content, diags) = load_files(vec![file("a.zh.md", &text)]);
            assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
            let keys: Vec<String> = content.reports[0]
                .card_metrics()
                .map(|m| m.key.clone())
                .collect();
            keys
        };
        let four = [("a", false), ("b", false), ("c", false), ("d", false)];
        assert_eq!(report(&four), ["a", "b", "c"]);
        assert_eq!(report(&four[..2]), ["a", "b"]);
        assert_eq!(
            report(&[("a", false), ("b", false), ("c", false), ("d", true)]),
            ["d"]
        );
        let marked = [
            ("a", true),
            ("b", false),
            ("c", true),
            ("d", true),
            ("e", true),
        ];
        assert_eq!(
            report(&marked),
            ["a", "c", "d", "e"],
            "every marked one, in order"
        );
    }

    #[test]
    fn pages_sort_naturally() {
        let mut pages = vec![
            "B3", "A10", "a2", "A1", "第10版", "第2版", "A01", "３", "12", "B",
        ];
        pages.sort_by_key(|p| page_order(p));
        assert_eq!(
            pages,
            ["３", "12", "A01", "A1", "a2", "A10", "B", "B3", "第2版", "第10版"]
        );
    }

    #[test]
    fn same_day_reports_follow_weight_then_page_then_slug() {
        let report = |slug: &str, date: &str, extra: &str| {
            file(
                &format!("{slug}.zh.md"),
                &format!("---\ntitle: {slug}\ndate: {date}\n{extra}---\n正文\n"),
            )
        };
        let (content, diags) = load_files(vec![
            report("a", "2025-05-08", "source: {page: B3}\n"),
            report("b", "2025-05-08", "source: {page: A10}\n"),
            report("c", "2025-05-08", ""),
            report("d", "2025-05-08", "source: {page: A2}\n"),
            report("e", "2025-05-08", "weight: 2\nsource: {page: Z9}\n"),
            report("f", "2025-05-08", "weight: -1\n"),
            report("g", "2025-05-09", "source: {page: Z9}\n"),
            report("h", "2025-05-07", "weight: -5\n"),
            report("i", "2025-05-08", "source: {page: A2}\n"),
        ]);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let order: Vec<&str> = content.reports.iter().map(|r| r.slug.as_str()).collect();
        assert_eq!(order, ["g", "f", "e", "d", "i", "b", "a", "c", "h"]);
    }

    #[test]
    fn dates_far_ahead_of_today_are_warnings() {
        let report = |slug: &str, date: &str| {
            file(
                &format!("{slug}.zh.md"),
                &format!("---\ntitle: {slug}\nsummary: s\ndate: {date}\n---\n正文\n"),
            )
        };
        let (content, _) = load_files(vec![
            report("typo", "2052-06-10"),
            report("week", "2025-05-15"),
            report("eight", "2025-05-16"),
            report("past", "2024-05-08"),
        ]);
        let today = Date::parse("2025-05-08").unwrap();
        let text: Vec<String> = future_dates(&content, Lang::Zh, today)
            .iter()
            .map(ToString::to_string)
            .collect();
        let hint = "check it for a typo: lists show the newest reports first, so this one would top them until then";
        assert_eq!(
            text,
            [
                format!("warning: content/typo.zh.md:4: the date 2052-06-10 is more than 7 days after today (2025-05-08)\n  help: {hint}"),
                format!("warning: content/eight.zh.md:4: the date 2025-05-16 is more than 7 days after today (2025-05-08)\n  help: {hint}"),
            ]
        );
    }

    #[test]
    fn dates() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2025-5-8").is_none());
        assert_eq!(Date::parse("2025-05-08").unwrap().to_string(), "2025-05-08");
        // What to do about a date that cannot be read.
        assert_eq!(
            Date::check("2025-02-29").unwrap_err(),
            "2025-02 has 28 days"
        );
        assert_eq!(
            Date::check("2025-13-01").unwrap_err(),
            "there is no month 13; months run from 01 to 12"
        );
        for shape in [
            "2025-5-8",
            "+025-01-01",
            "2025-05-08T10:00",
            "２０２５-05-08",
            "2025-0５-08",
        ] {
            assert!(
                Date::check(shape)
                    .unwrap_err()
                    .starts_with("write the date as YYYY-MM-DD"),
                "{shape}"
            );
        }
    }
}
