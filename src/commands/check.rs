//! `briefing check`: every validation of `build`, without writing anything,
//! plus checks that need the whole rendered site:
//!
//! - links and anchors in the rendered pages that lead nowhere (relative
//!   hrefs and srcs resolved against the set of output files; fragments
//!   against the ids of the target page);
//! - translations: metric labels missing in a language, and translations
//!   that are out of date with their source (`translated_from`);
//! - images without alt text, empty summaries, duplicate titles.
//!
//! Problems are attributed to the file an editor can fix: the Markdown file
//! (with its line) for what comes from a report's text, the template for
//! what the theme produces.

use crate::commands::scaffold;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::load::config::Config;
use crate::load::frontmatter;
use crate::model::content::Content;
use crate::model::urls;
use crate::output::OutputData;
use crate::pipeline::{self, BuildOptions, RenderedSite};
use crate::util::html;
use crate::Lang;
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Checks the site at `opts.root`. Returns every problem found, sorted by
/// file and line; Err only when a file cannot be read.
pub fn check(opts: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let opts = BuildOptions {
        minify: false,
        ..opts.clone()
    };
    let site = match pipeline::render_site_files(&opts, None) {
        Ok(site) => site,
        Err(Error::Invalid(ds)) => return Ok(ds),
        Err(e) => return Err(e),
    };
    let mut texts = SourceTexts::new(&opts.root);
    let mut diags = Diagnostics::default();
    diags.extend(site.warnings.iter().cloned());
    diags.extend(check_pages(&site, &mut texts)?);
    diags.extend(check_translations(&site.content, &site.config, &mut texts));
    diags.extend(check_texts(&site.content, &mut texts));
    diags.extend(check_placeholders(&site.config, &site.content, &mut texts));
    Ok(diags.into_sorted())
}

/// Records in each translation (all when `only` is empty, else those
/// files) that it is up to date with its source: sets `translated_from` to
/// the source's current fingerprint. Returns the files changed.
pub fn accept(opts: &BuildOptions, only: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let site = pipeline::render_site_files(
        &BuildOptions {
            minify: false,
            ..opts.clone()
        },
        None,
    )?;
    let source = site.config.source_lang();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let wanted: Vec<PathBuf> = only.iter().map(|p| canonical(p)).collect();
    let mut found = vec![false; wanted.len()];
    let mut changed = Vec::new();
    for report in &site.content.reports {
        for (&lang, text) in &report.texts {
            if lang == source {
                continue;
            }
            let file = opts.root.join(&text.path);
            if !wanted.is_empty() {
                let Some(i) = wanted.iter().position(|w| *w == canonical(&file)) else {
                    continue;
                };
                found[i] = true;
            }
            if text.translated_from.as_deref() == Some(report.source_hash.as_str()) {
                continue;
            }
            let old = std::fs::read_to_string(&file).map_err(|e| Error::read(&file, e))?;
            let new = set_field(
                &frontmatter::normalise(&old),
                "translated_from",
                &report.source_hash,
            )
            .ok_or_else(|| Error::read(&file, std::io::Error::other("no front matter")))?;
            std::fs::write(&file, new).map_err(|e| Error::write(&file, e))?;
            changed.push(text.path.clone());
        }
    }
    let unknown: Vec<Diagnostic> = only
        .iter()
        .zip(found)
        .filter(|(_, f)| !f)
        .map(|(p, _)| {
            Diagnostic::error(p, None, "not a translation of a report in this site")
                .with_hint("name translation files, e.g. content/reports/a.en.md")
        })
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Invalid(unknown));
    }
    Ok(changed)
}

/// Sets the top-level front-matter field `key` to `value` in a Markdown
/// file's text: replaces its line, or adds one before the closing `---`.
pub(crate) fn set_field(text: &str, key: &str, value: &str) -> Option<String> {
    let split = frontmatter::split(text, Path::new("")).ok()?;
    // `yaml` is a slice of `text`: where it starts.
    let yaml_start = split.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let head = &text[..yaml_start];
    let prefix = format!("{key}:");
    let mut yaml = String::new();
    let mut done = false;
    for line in split.yaml.split_inclusive('\n') {
        if !done && line.starts_with(&prefix) {
            yaml.push_str(&format!("{key}: {value}\n"));
            done = true;
        } else {
            yaml.push_str(line);
        }
    }
    if !done {
        if !yaml.is_empty() && !yaml.ends_with('\n') {
            yaml.push('\n');
        }
        yaml.push_str(&format!("{key}: {value}\n"));
    }
    let rest = &text[yaml_start + split.yaml.len()..];
    Some(format!("{head}{yaml}{rest}"))
}

// ---------------------------------------------------------------------------
// Source texts, for line numbers

/// The site's Markdown files, read on demand, to point at lines.
struct SourceTexts {
    root: PathBuf,
    texts: HashMap<PathBuf, String>,
}

impl SourceTexts {
    fn new(root: &Path) -> Self {
        SourceTexts {
            root: root.to_path_buf(),
            texts: HashMap::new(),
        }
    }

    fn text(&mut self, display: &Path) -> &str {
        let root = &self.root;
        self.texts.entry(display.to_path_buf()).or_insert_with(|| {
            std::fs::read_to_string(root.join(display))
                .map(|t| frontmatter::normalise(&t))
                .unwrap_or_default()
        })
    }

    /// The first line containing `needle`.
    fn line_of(&mut self, display: &Path, needle: &str) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        self.text(display)
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
    }

    /// The line of the top-level front-matter field `key` (or of the
    /// front matter's first line when it is not there).
    fn field_line(&mut self, display: &Path, key: &str) -> Option<usize> {
        let prefix = format!("{key}:");
        let text = self.text(display);
        text.lines()
            .skip(1)
            .take_while(|l| l.trim_end() != "---")
            .position(|l| l.starts_with(&prefix))
            .map(|i| i + 2)
            .or(Some(2))
    }
}

// ---------------------------------------------------------------------------
// Links, anchors and images in the rendered pages

/// A URL part with its percent-escapes decoded (invalid UTF-8 replaced).
fn url_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The output file a link on `page` leads to, and its fragment. None for
/// links out of the site (a scheme or `//`); Err for paths above the root.
/// Paths starting with `/` are taken from the site's root path `base`
/// (the path of `base_url`, e.g. `/briefing/`).
fn resolve(
    page: &str,
    href: &str,
    base: &str,
) -> Option<std::result::Result<(String, String), ()>> {
    let scheme = href
        .find(':')
        .is_some_and(|c| !href[..c].contains(['/', '?', '#']));
    if scheme || href.starts_with("//") {
        return None;
    }
    let (rest, fragment) = href.split_once('#').unwrap_or((href, ""));
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Some(Ok((page.to_string(), url_decode(fragment))));
    }
    let path = if path.starts_with('/') {
        match path.strip_prefix(base) {
            Some(rest) => rest,
            None if format!("{path}/") == base => "",
            None => return Some(Err(())),
        }
    } else {
        path
    };
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = page.split('/').collect();
        p.pop();
        p
    };
    let decoded = url_decode(path);
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(()));
                }
            }
            p => parts.push(p),
        }
    }
    let mut target = parts.join("/");
    if target.is_empty() || decoded.ends_with('/') {
        target = if target.is_empty() {
            "index.html".into()
        } else {
            format!("{target}/index.html")
        };
    }
    Some(Ok((target, url_decode(fragment))))
}

/// A problem found on a rendered page, before it is attributed to a file.
struct Found {
    page: String,
    /// The raw attribute value.
    raw: String,
    message: String,
    hint: &'static str,
    is_image: bool,
}

fn check_pages(site: &RenderedSite, texts: &mut SourceTexts) -> Result<Vec<Diagnostic>> {
    let pages: Vec<(&str, &str)> = site
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| match &f.data {
            OutputData::Bytes(b) => Some((f.path.as_str(), std::str::from_utf8(b).ok()?)),
            _ => None,
        })
        .collect();
    let exists: HashSet<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
    let base = urls::base_path(&site.config.base_url);
    // Two passes over the pages, in parallel, keeping only what is needed
    // (a large site's tags would not fit in memory comfortably).
    let ids: HashMap<&str, HashSet<String>> = pages
        .par_iter()
        .map(|&(path, html)| {
            let set = html::start_tags(html)
                .iter()
                .flat_map(|t| {
                    let name = (t.name == "a").then(|| t.attr("name")).flatten();
                    t.attr("id").into_iter().chain(name)
                })
                .map(|v| html::decode_entities(v).into_owned())
                .collect();
            (path, set)
        })
        .collect();
    let found: Vec<Found> = pages
        .par_iter()
        .flat_map_iter(|&(page, html)| page_problems(page, html, &exists, &ids, &base))
        .collect();
    attribute(found, site, texts)
}

/// The broken links and images without alt text of one page.
fn page_problems(
    page: &str,
    html: &str,
    exists: &HashSet<&str>,
    ids: &HashMap<&str, HashSet<String>>,
    base: &str,
) -> Vec<Found> {
    let mut found = Vec::new();
    for tag in html::start_tags(html) {
        if tag.name == "img" && tag.attr("alt").is_none_or(|a| a.trim().is_empty()) {
            let src = tag.attr("src").unwrap_or_default();
            found.push(Found {
                page: page.to_string(),
                raw: src.to_string(),
                message: format!(
                    "image `{}` has no alt text",
                    url_decode(&html::decode_entities(src))
                ),
                hint:
                    "describe the image for readers who cannot see it: ![what it shows](file.png)",
                is_image: true,
            });
        }
        for attr in ["href", "src"] {
            let Some(raw) = tag.attr(attr) else { continue };
            let href = html::decode_entities(raw).into_owned();
            let Some(resolved) = resolve(page, href.trim(), base) else {
                continue;
            };
            let problem = match resolved {
                Err(()) => Some("leads outside the site".to_string()),
                Ok((target, _)) if !exists.contains(target.as_str()) => {
                    Some("leads to no page or file of the site".to_string())
                }
                Ok((target, fragment)) => {
                    let known = ids.get(target.as_str());
                    let missing = !fragment.is_empty()
                        && fragment != "top"
                        && known.is_some_and(|ids| !ids.contains(&fragment));
                    missing.then(|| format!("leads to no element with id `{fragment}` on {target}"))
                }
            };
            if let Some(problem) = problem {
                found.push(Found {
                    page: page.to_string(),
                    raw: raw.to_string(),
                    message: format!("link `{}` {problem}", url_decode(&href)),
                    hint: "fix the link, or add the page, file or heading it points to",
                    is_image: false,
                });
            }
        }
    }
    found
}

/// Report pages: output path -> (Markdown file, rendered body).
fn report_bodies(site: &RenderedSite) -> HashMap<String, (&Path, &str)> {
    let mut bodies = HashMap::new();
    for r in &site.content.reports {
        for (&lang, t) in &r.texts {
            let path = urls::output_path(&urls::report_dir(lang, &r.section, &r.slug));
            bodies.insert(path, (t.path.as_path(), t.body.html.as_str()));
        }
    }
    bodies
}

/// Links the build already reported as leading nowhere, by file.
fn reported_links(site: &RenderedSite) -> HashSet<(PathBuf, String)> {
    site.warnings
        .iter()
        .filter_map(|d| {
            let rest = d.message.strip_prefix("link to `")?;
            let dest = rest.split('`').next()?;
            Some((d.path.clone(), dest.to_string()))
        })
        .collect()
}

/// Turns page problems into diagnostics on the file to fix: the report's
/// Markdown file when the link or image is in its text, else the page's
/// template (once per template and problem, with a count of pages).
fn attribute(
    found: Vec<Found>,
    site: &RenderedSite,
    texts: &mut SourceTexts,
) -> Result<Vec<Diagnostic>> {
    let bodies = report_bodies(site);
    let reported = reported_links(site);
    let origins: HashMap<&str, &str> = site
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.origin.as_str()))
        .collect();
    let theme =
        crate::render::theme::read_theme(&texts.root, &site.config.theme, &site.config.languages)?;
    let theme_dir = theme.display.join("templates");
    let base = urls::base_path(&site.config.base_url);
    let mut out = Vec::new();
    let mut by_template: BTreeMap<(String, Option<usize>, String), (Found, usize)> =
        BTreeMap::new();
    for f in found {
        let in_body = bodies
            .get(&f.page)
            .filter(|(_, html)| !f.raw.is_empty() && html.contains(&f.raw));
        if let Some(&(md, _)) = in_body {
            let dest = html::decode_entities(&f.raw).into_owned();
            if reported.contains(&(md.to_path_buf(), dest.clone())) {
                continue;
            }
            let needles = markdown_needles(&dest, f.is_image);
            let line = needles.iter().find_map(|n| texts.line_of(md, n));
            out.push(Diagnostic::warning(md, line, f.message).with_hint(f.hint));
        } else {
            // The template that writes it: the one whose source holds the
            // link without its `{{ root }}` part (it may be a base or a
            // partial); else the page's own template.
            let href = html::decode_entities(&f.raw).into_owned();
            let mut tail = href.strip_prefix(base.as_str()).unwrap_or(&href);
            while let Some(rest) = tail.strip_prefix("../").or_else(|| tail.strip_prefix("./")) {
                tail = rest;
            }
            let origin = origins.get(f.page.as_str()).copied().unwrap_or_default();
            let (file, line) = template_line(&theme.templates, tail)
                .map_or((origin.to_string(), None), |(name, line)| {
                    (name, Some(line))
                });
            let kind = if f.is_image { "img" } else { "link" };
            by_template
                .entry((file, line, format!("{kind} {tail}")))
                .and_modify(|(_, n)| *n += 1)
                .or_insert((f, 1));
        }
    }
    for ((file, line, _), (f, n)) in by_template {
        let also = match n {
            1 => String::new(),
            2 => " and 1 other page".to_string(),
            n => format!(" and {} other pages", n - 1),
        };
        out.push(
            Diagnostic::warning(
                theme_dir.join(file),
                line,
                format!("{} (on {}{also})", f.message, f.page),
            )
            .with_hint(f.hint),
        );
    }
    Ok(out)
}

/// What to look for in a Markdown file to find the link to `dest`: it was
/// rewritten on its way to the page, so its parts, most specific first.
fn markdown_needles(dest: &str, is_image: bool) -> Vec<String> {
    let shown = url_decode(dest);
    let (path, fragment) = shown.split_once('#').unwrap_or((&shown, ""));
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let mut needles = vec![format!("]({shown}")];
    if is_image {
        needles.push(format!("![]({last}"));
    }
    if !fragment.is_empty() {
        needles.push(format!("#{fragment})"));
    }
    if !last.is_empty() {
        needles.push(format!("({last}"));
        needles.push(last.to_string());
    }
    needles
}

/// The template (and line) whose source contains `needle`.
fn template_line(templates: &[(String, String)], needle: &str) -> Option<(String, usize)> {
    if needle.is_empty() {
        return None;
    }
    templates.iter().find_map(|(name, src)| {
        let at = src.find(needle)?;
        Some((name.clone(), crate::diag::line_of_offset(src, at)))
    })
}

// ---------------------------------------------------------------------------
// Translations and texts

fn check_translations(
    content: &Content,
    config: &Config,
    texts: &mut SourceTexts,
) -> Vec<Diagnostic> {
    let source = config.source_lang();
    let mut out = Vec::new();
    for report in &content.reports {
        let src_path = &report.texts[&source].path;
        for (&lang, text) in &report.texts {
            if lang == source {
                continue;
            }
            let accept = format!("briefing check --accept {}", text.path.display());
            match &text.translated_from {
                None => out.push(
                    Diagnostic::warning(
                        &text.path,
                        texts.field_line(&text.path, "title"),
                        "the translation does not record which version of the source it translates",
                    )
                    .with_hint(format!(
                        "once it matches {}, run `{accept}` (it adds `translated_from`)",
                        src_path.display()
                    )),
                ),
                Some(h) if *h != report.source_hash => out.push(
                    Diagnostic::warning(
                        &text.path,
                        texts.field_line(&text.path, "translated_from"),
                        format!(
                            "the translation is out of date: {} changed since it was translated",
                            src_path.display()
                        ),
                    )
                    .with_hint(format!(
                        "update the translation (e.g. `git diff` the source), then run `{accept}`"
                    )),
                ),
                Some(_) => {}
            }
            for m in &report.metrics {
                if !text.labels.contains_key(&m.key) {
                    out.push(
                        Diagnostic::warning(
                            &text.path,
                            texts.field_line(&text.path, "metrics"),
                            format!(
                                "metric `{}` has no {} label; its page shows the key instead",
                                m.key,
                                lang_name(lang)
                            ),
                        )
                        .with_hint(format!(
                            "add `- {{key: {}, label: ...}}` under `metrics:`",
                            m.key
                        )),
                    );
                }
            }
        }
    }
    out
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "Chinese",
        Lang::En => "English",
    }
}

fn check_texts(content: &Content, texts: &mut SourceTexts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut titles: BTreeMap<(Lang, &str), Vec<&Path>> = BTreeMap::new();
    for report in &content.reports {
        for (&lang, text) in &report.texts {
            if text.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
                out.push(
                    Diagnostic::warning(
                        &text.path,
                        texts.field_line(&text.path, "summary"),
                        "the summary is empty; lists show the report without one",
                    )
                    .with_hint("add `summary: ...`, one sentence on what the report says"),
                );
            }
            titles
                .entry((lang, text.title.as_str()))
                .or_default()
                .push(&text.path);
        }
    }
    for ((_, title), paths) in titles {
        if paths.len() < 2 {
            continue;
        }
        for &path in &paths {
            let others: Vec<String> = paths
                .iter()
                .filter(|p| **p != path)
                .map(|p| p.display().to_string())
                .collect();
            out.push(
                Diagnostic::warning(
                    path,
                    texts.field_line(path, "title"),
                    format!("the title `{title}` is also used by {}", others.join(", ")),
                )
                .with_hint("give each report its own title, so readers can tell them apart in lists and search"),
            );
        }
    }
    out
}

/// What `briefing init` wrote for the editor to replace: the placeholder
/// `base_url` (exactly [`scaffold::PLACEHOLDER_BASE_URL`]) and the example
/// report, recognised by its sentences ([`scaffold::EXAMPLE_MARKERS`]) in any
/// of a report's files, whatever it is called.
fn check_placeholders(
    config: &Config,
    content: &Content,
    texts: &mut SourceTexts,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if config.base_url == scaffold::PLACEHOLDER_BASE_URL {
        let site_yaml = Path::new("site.yaml");
        out.push(
            Diagnostic::warning(
                site_yaml,
                texts.line_of(site_yaml, "base_url:"),
                format!("`base_url` is still the placeholder from `briefing init` ({})", config.base_url),
            )
            .with_hint("set it to the address the site will be published at: feeds, the sitemap, canonical links and single-file reports link there"),
        );
    }
    for text in content.reports.iter().flat_map(|r| r.texts.values()) {
        if let Some(line) = texts.line_of(&text.path, crate::import::DRAFT_MARK) {
            out.push(
                Diagnostic::warning(&text.path, Some(line), "an imported draft, not reviewed yet")
                    .with_hint("check its title, zone, region and figures against the page and write a summary, then delete the `# briefing import` comment lines and `draft: true`"),
            );
        }
        if let Some(line) = texts.line_of(&text.path, crate::import::UNTRANSLATED_MARK) {
            out.push(
                Diagnostic::warning(&text.path, Some(line), "not translated yet: the translation skeleton from `briefing import`")
                    .with_hint("translate the title, summary, labels marked [translate] and the text, then delete the `# briefing import` comment lines"),
            );
        }
        let found = scaffold::EXAMPLE_MARKERS
            .iter()
            .find_map(|m| texts.line_of(&text.path, m));
        if let Some(line) = found {
            out.push(
                Diagnostic::warning(&text.path, Some(line), "this is still the example report from `briefing init`")
                    .with_hint("replace it with your own reports (`briefing new report <slug>` makes a new pair), and delete the example's files"),
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Output

/// The problems as text for a terminal, grouped by file; `color` adds ANSI
/// colours.
pub(crate) fn format_text(diags: &[Diagnostic], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    use crate::diag::printable;
    let mut out = String::new();
    let mut files: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags {
        files.entry(d.path.as_path()).or_default().push(d);
    }
    for (path, ds) in &files {
        let shown = crate::diag::printable(&path.display().to_string()).into_owned();
        let _ = writeln!(out, "{}", paint("1", &shown));
        for d in ds {
            let kind = match d.severity {
                Severity::Error => paint("1;31", "error"),
                Severity::Warning => paint("1;33", "warning"),
            };
            let at = d.line.map(|l| format!("{l}: ")).unwrap_or_default();
            let _ = writeln!(out, "  {at}{kind}: {}", printable(&d.message));
            if let Some(hint) = &d.hint {
                let _ = writeln!(out, "  {}{}", paint("36", "help: "), printable(hint));
            }
        }
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if diags.is_empty() {
        let _ = writeln!(out, "{}", paint("32", "no problems found"));
    } else {
        let _ = writeln!(
            out,
            "{} error{}, {} warning{} in {} file{}",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" },
        );
    }
    out
}

/// The problems as JSON for CI: counts and a flat list.
pub(crate) fn format_json(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let value = serde_json::json!({
        "errors": errors,
        "warnings": diags.len() - errors,
        "diagnostics": diags,
    });
    serde_json::to_string_pretty(&value).expect("diagnostics serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        let page = "zh/reports/a/index.html";
        let ok = |href| resolve(page, href, "/b/").unwrap().unwrap();
        assert_eq!(ok("../b/"), ("zh/reports/b/index.html".into(), "".into()));
        assert_eq!(
            ok("../../../static/s.css"),
            ("static/s.css".into(), "".into())
        );
        assert_eq!(ok("#%E8%A6%81"), (page.into(), "要".into()));
        assert_eq!(ok("x.png?v=1#f"), ("zh/reports/a/x.png".into(), "f".into()));
        assert_eq!(ok("/b/zh/"), ("zh/index.html".into(), "".into()));
        assert_eq!(ok("/b"), ("index.html".into(), "".into()));
        assert!(resolve(page, "/elsewhere/", "/b/").unwrap().is_err());
        assert!(resolve(page, "../../../../x", "/").unwrap().is_err());
        assert!(resolve(page, "https://e.org/", "/").is_none());
        assert!(resolve(page, "mailto:a@b", "/").is_none());
        assert!(resolve(page, "//cdn/x", "/").is_none());
    }

    #[test]
    fn sets_a_front_matter_field() {
        let text = "---\ntitle: T\n---\nbody with translated_from: x\n";
        let once = set_field(text, "translated_from", "abc").unwrap();
        assert_eq!(
            once,
            "---\ntitle: T\ntranslated_from: abc\n---\nbody with translated_from: x\n"
        );
        let twice = set_field(&once, "translated_from", "def").unwrap();
        assert_eq!(twice, once.replace("abc", "def"));
        assert!(set_field("no front matter", "k", "v").is_none());
    }

    #[test]
    fn text_output_groups_by_file() {
        let diags = vec![
            Diagnostic::error("a.md", Some(3), "bad").with_hint("fix it"),
            Diagnostic::warning("a.md", None, "meh"),
            Diagnostic::warning("b.md", Some(1), "hm"),
        ];
        let text = format_text(&diags, false);
        assert_eq!(
            text,
            "a.md\n  3: error: bad\n  help: fix it\n  warning: meh\n\nb.md\n  1: warning: hm\n\n1 error, 2 warnings in 2 files\n"
        );
        assert!(format_text(&diags, true).contains("\x1b[1;31merror"));
        let json: serde_json::Value = serde_json::from_str(&format_json(&diags)).unwrap();
        assert_eq!(json["errors"], 1);
        assert_eq!(json["diagnostics"][0]["line"], 3);
    }
}
