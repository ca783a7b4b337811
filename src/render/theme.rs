//! Themes: reading a theme folder (templates, UI strings, static files) and
//! turning it into a ready-to-render tera instance.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::frontmatter;
use crate::model::date::Date;
use crate::model::units::UnitCatalog;
use crate::output::OutputFile;
use crate::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Templates every theme must have.
pub(crate) const REQUIRED_TEMPLATES: &[&str] = &[
    "landing.html",
    "home.html",
    "section.html",
    "report.html",
    "404.html",
];

/// UI string keys the build itself needs (for dates).
const REQUIRED_STRINGS: &[&str] = &["date_format", "months"];

/// A theme as read from disk.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub name: String,
    /// Path shown in diagnostics, e.g. `themes/default`.
    pub display: PathBuf,
    /// Template name (path below `templates/`, `/`-separated) and source.
    pub templates: Vec<(String, String)>,
    /// UI strings per language: the parsed `i18n/<lang>.yaml` files.
    pub i18n: BTreeMap<Lang, serde_json::Map<String, serde_json::Value>>,
    /// Files below `static/`: path relative to `static/` and where the bytes are.
    pub static_files: Vec<(String, StaticSource)>,
    /// The style sheets and scripts among them, each with its second name,
    /// which carries a hash of its bytes (see [`fingerprinted_name`]).
    pub fingerprinted: BTreeMap<String, String>,
    /// Problems found while reading (missing folders, bad YAML).
    pub problems: Vec<Diagnostic>,
}

/// A theme's compiled templates.
///
/// With minification on, every `.html` template is minified once, when it
/// is compiled (tera's `{{ }}`, `{% %}` and `{# #}` are kept as written), so
/// the pages need no minifying of their own: the whitespace, comments and
/// quotes the minifier removes are in the templates, while the text they
/// insert (escaped front matter, Markdown rendered by pulldown-cmark) is
/// compact already. Minifying every page instead took half of a cold build.
pub struct Templates {
    tera: tera::Tera,
    /// The templates as written, when `tera` holds minified ones: a page
    /// that fails to render is rendered again with these, so the error
    /// names the line the author wrote rather than a line of the minified
    /// copy.
    as_written: Option<tera::Tera>,
    /// Set when minification is on but a template (named here) could not
    /// be minified on its own: the pages are then minified one by one.
    minify_pages: Option<String>,
}

impl Templates {
    /// The template that kept the templates from being minified, if one did.
    pub fn minified_per_page(&self) -> Option<&str> {
        self.minify_pages.as_deref()
    }

    /// The page `name` renders with `ctx`, minified if it has to be.
    pub fn render(
        &self,
        name: &str,
        ctx: &tera::Context,
    ) -> std::result::Result<Vec<u8>, tera::Error> {
        let html = self
            .tera
            .render(name, ctx)
            .map_err(|e| match &self.as_written {
                Some(t) => t.render(name, ctx).err().unwrap_or(e),
                None => e,
            })?;
        Ok(match self.minify_pages {
            Some(_) => minify_page(html.as_bytes()),
            None => html.into_bytes(),
        })
    }
}

/// Pages larger than this are written as rendered: minifying a
/// multi-megabyte generated table (the metrics dashboard of a large site)
/// costs seconds and saves little, since such pages are mostly markup.
const MINIFY_LIMIT: usize = 1 << 20;

/// Minifies a rendered page; used only when the theme's templates could not
/// be minified themselves.
fn minify_page(html: &[u8]) -> Vec<u8> {
    if html.len() > MINIFY_LIMIT {
        return html.to_vec();
    }
    minify_html::minify(html, &minify_cfg())
}

/// A template's text minified with minify-html, its tera syntax kept; None
/// when that cannot be done safely.
///
/// Each tera tag (`{{ }}`, `{% %}`, `{# #}`, and a whole `{% raw %}` block)
/// is swapped for a placeholder before minifying and swapped back after.
/// A placeholder holds spaces, so an attribute value holding one keeps its
/// quotes (the value a tag renders may hold spaces too). A tag placed among
/// a tag's attributes (`<a{% if x %} class=y{% endif %}>`) would be parsed
/// as attributes and reordered; its placeholder then does not come back
/// whole and in order, and the template is not minified.
fn minify_template(src: &str) -> Option<String> {
    const OPEN: char = '\u{E000}';
    const CLOSE: char = '\u{E001}';
    if src.contains([OPEN, CLOSE]) {
        return None;
    }
    let tags = tera_tags(src)?;
    let mut masked = String::with_capacity(src.len());
    let mut at = 0;
    for (i, tag) in tags.iter().enumerate() {
        masked.push_str(&src[at..tag.start]);
        masked.push_str(&format!("{OPEN} {i} {CLOSE}"));
        at = tag.end;
    }
    masked.push_str(&src[at..]);
    let minified = String::from_utf8(minify_html::minify(masked.as_bytes(), &minify_cfg())).ok()?;
    // Put each tag back where its placeholder came out. Placeholders in
    // attribute values may have changed order (the minifier sorts
    // attributes); each must be there exactly once, whole, and statements
    // (`{% %}`, which may open or close a block) in the order written.
    let mut out = String::with_capacity(minified.len());
    let mut seen = vec![false; tags.len()];
    let mut last_statement = None;
    let mut rest = minified.as_str();
    while let Some(found) = rest.find([OPEN, CLOSE]) {
        out.push_str(&rest[..found]);
        let tail = rest[found..].strip_prefix(OPEN)?.strip_prefix(' ')?;
        let (number, tail) = tail.split_once(' ')?;
        let tail = tail.strip_prefix(CLOSE)?;
        let i: usize = number.parse().ok()?;
        if std::mem::replace(seen.get_mut(i)?, true) {
            return None;
        }
        if src[tags[i].clone()].starts_with("{%") {
            if last_statement.is_some_and(|last| last > i) {
                return None;
            }
            last_statement = Some(i);
        }
        out.push_str(&src[tags[i].clone()]);
        rest = tail;
    }
    out.push_str(rest);
    seen.iter().all(|&s| s).then_some(out)
}

/// How HTML is minified: CSS too, JavaScript not (minifying it is known to
/// break code), closing tags and `<html>`/`<head>` kept.
pub fn minify_cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    }
}

/// The byte ranges of a template's tera tags, in order; a `{% raw %}` block
/// is one range. None when a tag is not closed.
fn tera_tags(src: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let bytes = src.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(found) = src[i..].find('{') {
        let start = i + found;
        let close: &[u8] = match bytes.get(start + 1) {
            Some(b'{') => b"}}",
            Some(b'%') => b"%}",
            Some(b'#') => b"#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        // Find the closing delimiter, skipping string literals (which may
        // hold it) in expressions and statements.
        let mut j = start + 2;
        let end = loop {
            match bytes.get(j)? {
                q @ (b'"' | b'\'' | b'`') if close != b"#}" => {
                    j += 1 + src[j + 1..].find(char::from(*q))? + 1;
                }
                _ if bytes[j..].starts_with(close) => break j + 2,
                _ => j += 1,
            }
        };
        let inner = src[start + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let end = if close == b"%}" && inner == "raw" {
            // The block ends with the first `{% endraw %}` tag.
            let mut k = end;
            loop {
                let open = k + src[k..].find("{%")?;
                let shut = open + src[open..].find("%}")? + 2;
                let word =
                    src[open + 2..shut - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
                if word == "endraw" {
                    break shut;
                }
                k = open + 2;
            }
        } else {
            end
        };
        tags.push(start..end);
        i = end;
    }
    Some(tags)
}

/// Where a theme's static file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticSource {
    Disk(PathBuf),
    /// Part of the default theme built into the binary.
    Embedded(&'static [u8]),
}

/// The name of the theme built into the binary.
pub(crate) const DEFAULT_THEME: &str = "default";

/// The default theme's files (path below the theme folder, bytes), built into
/// the binary from `themes/default/` by `build.rs`.
pub(crate) const EMBEDDED_DEFAULT: &[(&str, &[u8])] =
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Reads the theme `name` from `<site_root>/themes/<name>`. When that folder
/// does not exist and `name` is `default`, the built-in copy is used.
pub(crate) fn read_theme(site_root: &Path, name: &str, languages: &[Lang]) -> Result<Theme> {
    let dir = site_root.join("themes").join(name);
    let display = PathBuf::from("themes").join(name);
    if !dir.is_dir() && name == DEFAULT_THEME {
        return Ok(embedded_theme(languages));
    }
    let mut theme = Theme {
        name: name.to_string(),
        display: display.clone(),
        ..Theme::default()
    };
    if !dir.is_dir() {
        theme.problems.push(
            Diagnostic::error(
                "site.yaml",
                None,
                format!(
                    "theme `{name}` not found: there is no folder {}",
                    display.display()
                ),
            )
            .with_hint("set `theme:` in site.yaml to a folder under themes/, or create the theme"),
        );
        return Ok(theme);
    }
    for (rel, path) in list_files(&dir.join("templates"))? {
        if !rel.ends_with(".html") && !rel.ends_with(".xml") && !rel.ends_with(".txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::read(&path, e))?;
        theme.templates.push((rel, frontmatter::normalise(&text)));
    }
    for &lang in languages {
        let path = dir.join("i18n").join(format!("{lang}.yaml"));
        let shown = display.join("i18n").join(format!("{lang}.yaml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => theme.add_strings(lang, &text, &shown),
            Err(_) => theme.problems.push(
                Diagnostic::error(
                    &shown,
                    None,
                    format!("the theme has no UI strings for `{lang}`"),
                )
                .with_hint(format!(
                    "create {} with the same keys as the other languages' files",
                    shown.display()
                )),
            ),
        }
    }
    theme.static_files = list_files(&dir.join("static"))?
        .into_iter()
        .map(|(rel, path)| (rel, StaticSource::Disk(path)))
        .collect();
    theme.fingerprint_static_files();
    Ok(theme)
}

/// The default theme from the copy built into the binary.
fn embedded_theme(languages: &[Lang]) -> Theme {
    let display = PathBuf::from(format!("(built-in theme `{DEFAULT_THEME}`)"));
    let mut theme = Theme {
        name: DEFAULT_THEME.to_string(),
        display: display.clone(),
        ..Theme::default()
    };
    let text = |bytes: &[u8]| frontmatter::normalise(&String::from_utf8_lossy(bytes));
    for &(rel, bytes) in EMBEDDED_DEFAULT {
        if let Some(name) = rel.strip_prefix("templates/") {
            theme.templates.push((name.to_string(), text(bytes)));
        } else if let Some(name) = rel.strip_prefix("static/") {
            theme
                .static_files
                .push((name.to_string(), StaticSource::Embedded(bytes)));
        }
    }
    for &lang in languages {
        let rel = format!("i18n/{lang}.yaml");
        let shown = display.join(&rel);
        match EMBEDDED_DEFAULT.iter().find(|(r, _)| *r == rel) {
            Some((_, bytes)) => theme.add_strings(lang, &text(bytes), &shown),
            None => theme.problems.push(Diagnostic::error(
                &shown,
                None,
                format!("the built-in theme has no UI strings for `{lang}`"),
            )),
        }
    }
    theme.fingerprint_static_files();
    theme
}

/// The second name of a theme's style sheet or script (`style.css` ->
/// `style.0123456789abcdef.css`): a hash of its bytes before the extension,
/// so the name changes whenever the file does, and a copy kept anywhere
/// (a browser, a CDN) is never out of date. None for other files.
pub(crate) fn fingerprinted_name(rel: &str, bytes: &[u8]) -> Option<String> {
    let (stem, ext) = rel.rsplit_once('.')?;
    if !matches!(ext, "css" | "js") || stem.is_empty() || stem.ends_with('/') {
        return None;
    }
    let hash = crate::hash::bytes(bytes);
    Some(format!("{stem}.{hash:016x}.{ext}"))
}

/// Every file below `dir` (sorted), with its `/`-separated path relative to `dir`.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::read(dir, e.into()))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                entry.path().to_path_buf(),
            ));
        }
    }
    Ok(out)
}

impl Theme {
    /// Parses `i18n/<lang>.yaml` (shown as `shown`) into the UI strings.
    fn add_strings(&mut self, lang: Lang, text: &str, shown: &Path) {
        match frontmatter::parse_value(&frontmatter::normalise(text), shown) {
            Ok(serde_json::Value::Object(map)) => {
                self.i18n.insert(lang, map);
            }
            Ok(_) => self.problems.push(
                Diagnostic::error(
                    shown,
                    Some(1),
                    "UI strings must be a mapping of keys to texts",
                )
                .with_hint("write one `key: text` per line"),
            ),
            Err(d) => self.problems.push(d),
        }
    }

    /// Reads the theme's style sheets and scripts to give each its
    /// fingerprinted name. One that cannot be read gets none (the build
    /// reports it as unreadable).
    fn fingerprint_static_files(&mut self) {
        for (rel, source) in &self.static_files {
            let bytes = match source {
                StaticSource::Disk(path) if fingerprinted_name(rel, b"").is_some() => {
                    match std::fs::read(path) {
                        Ok(bytes) => std::borrow::Cow::Owned(bytes),
                        Err(_) => continue,
                    }
                }
                StaticSource::Disk(_) => continue,
                StaticSource::Embedded(bytes) => std::borrow::Cow::Borrowed(*bytes),
            };
            if let Some(name) = fingerprinted_name(rel, &bytes) {
                self.fingerprinted.insert(rel.clone(), name);
            }
        }
    }

    /// The site-relative URL of each static file for templates
    /// (`site.static_url["style.css"]`): the fingerprinted name for style
    /// sheets and scripts, the plain one for the others.
    pub fn static_urls(&self) -> BTreeMap<&str, String> {
        self.static_files
            .iter()
            .map(|(rel, _)| {
                let name = self.fingerprinted.get(rel).unwrap_or(rel);
                (rel.as_str(), format!("static/{name}"))
            })
            .collect()
    }

    /// The theme's static files as output files below `static/`: each under
    /// its own name, and style sheets and scripts under their fingerprinted
    /// names too (themes that link `static/style.css` keep working).
    pub fn static_output_files(&self) -> Vec<OutputFile> {
        let dir = self.display.join("static");
        let mut files = Vec::new();
        for (rel, source) in &self.static_files {
            let origin = dir.join(rel).display().to_string();
            let names = std::iter::once(rel).chain(self.fingerprinted.get(rel));
            for name in names {
                let path = format!("static/{name}");
                files.push(match source {
                    StaticSource::Disk(from) => OutputFile::copy(path, from.clone(), &origin),
                    StaticSource::Embedded(bytes) => {
                        OutputFile::bytes(path, bytes.to_vec(), &origin)
                    }
                });
            }
        }
        files
    }

    fn template_path(&self, name: &str) -> PathBuf {
        self.display.join("templates").join(name)
    }

    /// Checks the UI strings: every language has the same keys, the keys the
    /// build needs, and every `t.KEY` used by a template.
    pub fn check_strings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut all_keys: BTreeMap<&str, ()> = BTreeMap::new();
        for map in self.i18n.values() {
            for k in map.keys() {
                all_keys.insert(k, ());
            }
        }
        for k in REQUIRED_STRINGS {
            all_keys.insert(k, ());
        }
        let mut used: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (name, src) in &self.templates {
            for (key, line) in string_keys_used(src) {
                used.entry(key).or_insert((name.clone(), line));
            }
        }
        for (&lang, map) in &self.i18n {
            let file = self.display.join("i18n").join(format!("{lang}.yaml"));
            for k in all_keys.keys() {
                if !map.contains_key(*k) {
                    out.push(
                        Diagnostic::error(&file, None, format!("missing UI string `{k}`"))
                            .with_hint(format!("add `{k}: ...` in this language")),
                    );
                }
            }
            for (k, (tpl, line)) in &used {
                if !all_keys.contains_key(k.as_str()) {
                    out.push(
                        Diagnostic::error(
                            self.template_path(tpl),
                            Some(*line),
                            format!(
                                "template uses UI string `{k}`, which {} does not define",
                                file.display()
                            ),
                        )
                        .with_hint(format!(
                            "add `{k}: ...` to every file in {}/i18n/",
                            self.display.display()
                        )),
                    );
                }
            }
            match map.get("months") {
                Some(serde_json::Value::Array(a))
                    if a.len() == 12 && a.iter().all(|v| v.is_string()) => {}
                Some(_) => out.push(
                    Diagnostic::error(&file, None, "`months` must be a list of 12 month names")
                        .with_hint("e.g. `months: [January, February, ...]`"),
                ),
                None => {}
            }
        }
        out.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        out.dedup();
        out
    }

    /// Compiles the templates. Every syntax error is reported with its
    /// template file and line.
    /// `units` backs the `metric` filter. With `minify`, the `.html`
    /// templates are minified here, once (see [`Templates`]).
    pub fn compile(
        &self,
        units: Arc<UnitCatalog>,
        minify: bool,
    ) -> std::result::Result<Templates, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for name in REQUIRED_TEMPLATES {
            if !self.templates.iter().any(|(n, _)| n == name) {
                errors.push(
                    Diagnostic::error(self.template_path(name), None, format!("theme `{}` has no template `{name}`", self.name))
                        .with_hint("every theme needs landing.html, home.html, section.html, report.html and 404.html"),
                );
            }
        }
        // Parse each template on its own first, so every syntax error is reported.
        for (name, src) in &self.templates {
            let mut one = tera::Tera::new();
            if let Err(e) = one.add_raw_template(name, src) {
                if let tera::ErrorKind::SyntaxError(_) = e.kind() {
                    errors.push(self.template_error(&e));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let as_written = self
            .tera(
                &units,
                self.templates.iter().map(|(n, s)| (n.as_str(), s.into())),
            )
            .map_err(|e| vec![self.template_error(&e)])?;
        let plain = |tera, minify_pages| Templates {
            tera,
            as_written: None,
            minify_pages,
        };
        if !minify {
            return Ok(plain(as_written, None));
        }
        let minified: std::result::Result<Vec<_>, &str> = self
            .templates
            .iter()
            .map(|(name, src)| {
                let src = if name.ends_with(".html") {
                    minify_template(src).ok_or(name.as_str())?.into()
                } else {
                    std::borrow::Cow::Borrowed(src.as_str())
                };
                Ok((name.as_str(), src))
            })
            .collect();
        // A template the minifier cannot be trusted with (see
        // `minify_template`) means minifying every page instead.
        let minified = match minified {
            Ok(m) => m,
            Err(name) => return Ok(plain(as_written, Some(name.to_string()))),
        };
        Ok(match self.tera(&units, minified) {
            Ok(tera) => Templates {
                tera,
                as_written: Some(as_written),
                minify_pages: None,
            },
            // Not expected, as each tag came through as it was written.
            Err(e) => {
                let name = match e.kind() {
                    tera::ErrorKind::SyntaxError(r) => r.filename().to_string(),
                    _ => String::new(),
                };
                plain(as_written, Some(name))
            }
        })
    }

    fn tera<'s>(
        &self,
        units: &Arc<UnitCatalog>,
        templates: impl IntoIterator<Item = (&'s str, std::borrow::Cow<'s, str>)>,
    ) -> std::result::Result<tera::Tera, tera::Error> {
        let mut tera = tera::Tera::new();
        crate::render::register_template_helpers(&mut tera, Arc::clone(units));
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(templates)?;
        Ok(tera)
    }

    /// A diagnostic for a tera error, naming the template file and line.
    pub fn template_error(&self, e: &tera::Error) -> Diagnostic {
        let (file, line, message) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
                r.filename().to_string(),
                Some(r.span().start_line),
                r.message().to_string(),
            ),
            tera::ErrorKind::TemplateNotFound(name) => {
                (String::new(), None, format!("template `{name}` not found"))
            }
            tera::ErrorKind::MissingParent { current, parent } => (
                current.clone(),
                None,
                format!("extends `{parent}`, which is not in the theme"),
            ),
            _ => {
                let text = e.to_string();
                let found = self.templates.iter().find_map(|(n, _)| {
                    let needle = format!("{n}:");
                    let i = text.find(&needle)?;
                    let line: String = text[i + needle.len()..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    Some((n.clone(), line.parse().ok()))
                });
                let (f, l) = found.unwrap_or_default();
                let first = text
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or(&text)
                    .trim();
                (f, l, first.trim_start_matches("error: ").to_string())
            }
        };
        let mut message = message;
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        let path = if file.is_empty() {
            self.display.join("templates")
        } else {
            self.template_path(&file)
        };
        Diagnostic::error(path, line, message)
            .with_hint("fix the template; the theme's variables are listed in themes/README.md")
    }
}

/// `(key, line)` for every `t.KEY` in a template's tags.
fn string_keys_used(src: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut in_tag = false;
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' if matches!(bytes.get(i + 1), Some(b'{' | b'%')) => in_tag = true,
            b'}' | b'%' if in_tag && bytes.get(i + 1) == Some(&b'}') => in_tag = false,
            b't' if in_tag && bytes.get(i + 1) == Some(&b'.') => {
                let prev = if i == 0 { b' ' } else { bytes[i - 1] };
                if !(prev.is_ascii_alphanumeric() || prev == b'_' || prev == b'.') {
                    let key: String = src[i + 2..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !key.is_empty() {
                        out.push((key, line));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Formats `date` with the language's `date_format` and `months` strings.
pub(crate) fn format_date(
    date: Date,
    strings: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let pattern = strings
        .get("date_format")
        .and_then(|v| v.as_str())
        .unwrap_or("{year}-{month}-{day}");
    let month_name = strings
        .get("months")
        .and_then(|m| m.get(usize::from(date.month).saturating_sub(1)))
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    pattern
        .replace("{year}", &date.year.to_string())
        .replace("{month_name}", month_name)
        .replace("{month}", &date.month.to_string())
        .replace("{day}", &date.day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_string_keys_in_tags_only() {
        let src = "<p>at.x</p>\n{{ t.read_more }} {% if t.a_b %}{{ site.t.no }}{% endif %}";
        let keys: Vec<_> = string_keys_used(src);
        assert_eq!(
            keys,
            vec![("read_more".to_string(), 2), ("a_b".to_string(), 2)]
        );
    }

    #[test]
    fn default_theme_falls_back_to_the_built_in_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let theme = read_theme(tmp.path(), "default", &[Lang::Zh, Lang::En]).unwrap();
        assert!(theme.problems.is_empty(), "{:?}", theme.problems);
        for name in REQUIRED_TEMPLATES {
            assert!(theme.templates.iter().any(|(n, _)| n == name), "{name}");
        }
        assert_eq!(theme.i18n.len(), 2);
        let css = theme.static_output_files();
        assert!(css
            .iter()
            .any(|f| f.path == "static/style.css" && f.as_bytes().is_some()));
        // Any other missing theme is still an error.
        let other = read_theme(tmp.path(), "fancy", &[Lang::Zh]).unwrap();
        assert_eq!(other.problems.len(), 1);
    }

    #[test]
    fn finds_tera_tags() {
        let src = r#"<p>{{ a }} {% if b == "%}" %}x{% endif %}{# c #}</p>{%- raw -%}{{ d }}{% endraw %}{"#;
        let tags: Vec<&str> = tera_tags(src)
            .unwrap()
            .into_iter()
            .map(|r| &src[r])
            .collect();
        assert_eq!(
            tags,
            [
                "{{ a }}",
                r#"{% if b == "%}" %}"#,
                "{% endif %}",
                "{# c #}",
                "{%- raw -%}{{ d }}{% endraw %}"
            ]
        );
        assert_eq!(tera_tags("<p>{{ a </p>"), None);
        assert_eq!(tera_tags("{% raw %}x"), None);
    }

    #[test]
    fn minifies_templates_keeping_tera_tags() {
        let src = "<ul class=\"x\">\n  {% for t in tags %}\n    <li><a href=\"{{t.url}}\" class=\"{{t.c}}\">{{ t.name }}</a></li>\n  {% endfor %}\n</ul>\n<!-- note -->\n<pre>\n  {{ code }}\n</pre>";
        let out = minify_template(src).unwrap();
        // Values holding a tag keep their quotes: the value may hold spaces.
        assert!(
            out.contains(r#"<a href="{{t.url}}" class="{{t.c}}">"#)
                || out.contains(r#"<a class="{{t.c}}" href="{{t.url}}">"#),
            "{out}"
        );
        assert!(out.starts_with("<ul class=x>{% for t in tags %}"), "{out}");
        assert!(!out.contains("note"), "{out}");
        assert!(out.contains("<pre>\n  {{ code }}\n</pre>"), "{out}");
        // Tags among a tag's attributes would be reordered; tags in a comment
        // would be dropped: such templates are left alone.
        assert_eq!(
            minify_template(r#"<a href="x"{% if c %} class="y"{% endif %}>z</a>"#),
            None
        );
        assert_eq!(minify_template("<a {{ attrs }}>z</a>"), None);
        assert_eq!(minify_template("<p>a</p><!-- {{ x }} -->"), None);
        assert_eq!(minify_template("<p>\u{E000}</p>"), None);
        // A block spread over two attributes would be reordered.
        assert_eq!(
            minify_template(r#"<a title="{% if x %}a" href="b{% endif %}">z</a>"#),
            None
        );
    }

    #[test]
    fn the_default_theme_is_minified_as_templates() {
        let tmp = tempfile::tempdir().unwrap();
        let theme = read_theme(tmp.path(), "default", &[Lang::Zh, Lang::En]).unwrap();
        for (name, src) in &theme.templates {
            if name.ends_with(".html") {
                assert!(minify_template(src).is_some(), "{name} cannot be minified");
            }
        }
        let units = Arc::new(UnitCatalog::default());
        let templates = theme.compile(units, true).unwrap();
        assert!(templates.minified_per_page().is_none());
        assert!(templates.as_written.is_some());
    }

    #[test]
    fn dates_per_language() {
        let d = Date::parse("2025-05-08").unwrap();
        let zh: serde_json::Value =
            serde_json::json!({"date_format": "{year}年{month}月{day}日", "months": []});
        let en: serde_json::Value = serde_json::json!({"date_format": "{day} {month_name} {year}", "months": ["January","February","March","April","May","June","July","August","September","October","November","December"]});
        assert_eq!(format_date(d, zh.as_object().unwrap()), "2025年5月8日");
        assert_eq!(format_date(d, en.as_object().unwrap()), "8 May 2025");
    }

    #[test]
    fn missing_strings_are_named() {
        let mut theme = Theme {
            name: "t".into(),
            display: "themes/t".into(),
            ..Default::default()
        };
        theme
            .templates
            .push(("base.html".into(), "{{ t.hello }}".into()));
        let mut zh = serde_json::Map::new();
        zh.insert("hello".into(), "你好".into());
        theme.i18n.insert(Lang::Zh, zh);
        theme.i18n.insert(Lang::En, serde_json::Map::new());
        let msgs: Vec<_> = theme
            .check_strings()
            .into_iter()
            .map(|d| format!("{}", d.path.display()) + " " + &d.message)
            .collect();
        assert!(
            msgs.contains(&"themes/t/i18n/en.yaml missing UI string `hello`".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"themes/t/i18n/zh.yaml missing UI string `date_format`".to_string()),
            "{msgs:?}"
        );
    }
}
