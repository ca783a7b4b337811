//! `briefing archive`: the whole site as one zip that works when unzipped
//! and opened from disk, and one report as a single self-contained HTML file
//! for e-mail.
//!
//! Both build the site in memory (offline URL style) and never touch
//! `public/`. Both write to a temporary file next to the target and rename
//! it into place, so a failure never leaves a half-written file behind. The
//! target must be new or a regular file this kind of run wrote (see
//! [`check_target`]), never a source of the site. The
//! zip is deterministic: entries sorted by name, one fixed timestamp
//! (1980-01-01 00:00), fixed permissions, no extra fields; names are UTF-8
//! (the zip marks non-ASCII names with its UTF-8 flag).

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::content::Report;
use crate::model::urls::{self, UrlStyle};
use crate::output::guard;
use crate::output::{OutputData, OutputFile};
use crate::pipeline::{render_site_files, BuildOptions, RenderedSite};
use crate::util::mime::content_type;
use crate::util::{html, suggest};
use crate::Lang;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Options of `briefing archive`.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// The file to write; a name from the site title and date in the
    /// current folder when None.
    pub out: Option<PathBuf>,
    /// Include reports marked `draft: true`.
    pub drafts: bool,
    /// Replace an existing regular file at `out` even when it is not what
    /// this kind of run writes (a zip, a report file).
    pub overwrite: bool,
}

/// What an archive run wrote.
#[derive(Debug)]
pub struct ArchiveReport {
    pub path: PathBuf,
    /// Files in the zip (1 for a single report).
    pub files: usize,
    pub bytes: u64,
    pub warnings: Vec<Diagnostic>,
}

fn build_options(opts: &ArchiveOptions, minify: bool) -> BuildOptions {
    BuildOptions {
        style: UrlStyle::Offline,
        minify,
        drafts: opts.drafts,
        ..BuildOptions::new(opts.root.clone())
    }
}

/// Writes the whole site, built for file://, as one zip.
pub fn archive(opts: &ArchiveOptions) -> Result<ArchiveReport> {
    let build = build_options(opts, true);
    let site = render_site_files(&build, None)?;
    let stem = default_stem(&site);
    let target = match &opts.out {
        Some(p) => p.clone(),
        None => PathBuf::from(format!("{stem}.zip")),
    };
    let real = check_target(&target, &build, ArchiveKind::Zip, opts.overwrite)?;
    let bytes = zip_bytes(&site.files, &stem)?;
    write_atomically(&real, &bytes)?;
    Ok(ArchiveReport {
        path: target,
        files: site.files.len(),
        bytes: bytes.len() as u64,
        warnings: site.warnings,
    })
}

/// `<title>-<date>`: the site title (English when the site has English,
/// made URL-safe) and the date of the newest report.
pub(crate) fn default_stem(site: &RenderedSite) -> String {
    let lang = if site.config.languages.contains(&Lang::En) {
        Lang::En
    } else {
        site.config.source_lang()
    };
    let title = crate::render::taxonomy::slugify(site.config.title(lang));
    let title = if title.starts_with("t-") || title.is_empty() {
        "briefing".to_string()
    } else {
        title
    };
    match site.content.reports.iter().map(|r| r.date).max() {
        Some(d) => format!("{title}-{d}"),
        None => title,
    }
}

/// The bytes of a file of the site.
fn file_bytes(f: &OutputFile) -> Result<Vec<u8>> {
    match &f.data {
        OutputData::Bytes(b) => Ok(b.clone()),
        OutputData::Copy(path) => std::fs::read(path).map_err(|e| Error::read(path, e)),
        OutputData::Unchanged | OutputData::Staged => Err(Error::read(
            &f.path,
            io::Error::other("the page was not kept in memory"),
        )),
    }
}

/// The zip of `files` below a top folder `top`, deterministic.
pub(crate) fn zip_bytes(files: &[OutputFile], top: &str) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut sorted: Vec<&OutputFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let zip_err = |e: zip::result::ZipError| Error::write(top, io::Error::other(e.to_string()));
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    for f in sorted {
        zip.start_file(format!("{top}/{}", f.path), options)
            .map_err(zip_err)?;
        let written = match &f.data {
            OutputData::Bytes(b) => zip.write_all(b),
            _ => zip.write_all(&file_bytes(f)?),
        };
        written.map_err(|e| Error::write(&f.path, e))?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// What an archive run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArchiveKind {
    /// The whole site as a zip.
    Zip,
    /// One report as one HTML file.
    Report,
}

impl ArchiveKind {
    /// Whether the file at `path` is one an archive run of this kind wrote
    /// (or is empty), so replacing it loses nothing: a zip (local file or
    /// empty archive signature), or a report file carrying [`REPORT_MARK`]
    /// near its start.
    fn wrote(self, path: &Path) -> bool {
        use std::io::Read;
        let mut head = Vec::with_capacity(512);
        let read = std::fs::File::open(path).and_then(|f| f.take(512).read_to_end(&mut head));
        if read.is_err() {
            return false;
        }
        match self {
            _ if head.is_empty() => true,
            ArchiveKind::Zip => head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06"),
            ArchiveKind::Report => head
                .windows(REPORT_MARK.len())
                .any(|w| w == REPORT_MARK.as_bytes()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            ArchiveKind::Zip => "a zip file",
            ArchiveKind::Report => "a report file briefing wrote",
        }
    }
}

/// In the head of every one-file report, by which a later run knows it may
/// replace the file.
const REPORT_MARK: &str = "<meta name=\"generator\" content=\"briefing archive --report\">";

/// What `archive` says after refusing a target that is not a regular file.
const NAME_A_FILE: &str = "give the archive a file name, e.g. --out briefing.zip";

/// Checks that an archive of `kind` may be written at `target`; returns the
/// path to write (a symbolic link's target, so the link stays). Refuses
/// anything but a regular file (or a link to one), the site's sources, the
/// build output folder, a place whose folder does not exist, and an existing
/// file that is not of `kind` (unless `overwrite`).
pub(crate) fn check_target(
    target: &Path,
    build: &BuildOptions,
    kind: ArchiveKind,
    overwrite: bool,
) -> Result<PathBuf> {
    let refuse = |why: String| Err(Error::refused("write", target, why));
    let real = match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::canonicalize(target) {
            Ok(real) => real,
            Err(_) => {
                return refuse(format!(
                    "it is a symbolic link to a missing file; {NAME_A_FILE}"
                ))
            }
        },
        _ => guard::absolute(target),
    };
    let existing = std::fs::metadata(&real).ok();
    if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
        let what = guard::kind_of(meta.file_type());
        return refuse(format!("it is {what}, not a regular file; {NAME_A_FILE}"));
    }
    if let Some(why) = build.sources().conflict(&real) {
        return refuse(format!("{why}; write the archive elsewhere"));
    }
    let out_dir = build.output_dir();
    if real.starts_with(guard::absolute(&out_dir)) {
        return refuse(format!(
            "it is inside the build output folder {} (it would be published with the site); write the archive elsewhere",
            out_dir.display()
        ));
    }
    let parent = real.parent().unwrap_or(Path::new("/"));
    if !parent.is_dir() {
        return refuse(format!("{} is not an existing folder", parent.display()));
    }
    if existing.is_some() && !overwrite && !kind.wrote(&real) {
        return refuse(format!(
            "it exists and is not {}; choose another name, or add --overwrite to replace it",
            kind.name()
        ));
    }
    Ok(real)
}

/// Writes `bytes` to a temporary file beside `target`, then renames it onto
/// `target`. On any error the temporary file is removed.
pub(crate) fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".briefing-")
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|e| Error::write(target, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::write(target, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::write(target, e))?;
    }
    tmp.persist(target)
        .map_err(|e| Error::write(target, e.error))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// One report as one HTML file

/// Writes one report, in every language it has, as a single HTML file with
/// the theme's CSS inlined, images as data URIs and a language switch that
/// works without a server. `slug` is the report's slug, or `section/slug`.
pub(crate) fn report_file(opts: &ArchiveOptions, slug: &str) -> Result<ArchiveReport> {
    let build = build_options(opts, false);
    let site = render_site_files(&build, None)?;
    let report = find_report(&site, slug)?;
    let target = match &opts.out {
        Some(p) => p.clone(),
        None => PathBuf::from(format!("{}.html", report.slug)),
    };
    let real = check_target(&target, &build, ArchiveKind::Report, opts.overwrite)?;
    let html = single_page(&site, report)?;
    write_atomically(&real, html.as_bytes())?;
    Ok(ArchiveReport {
        path: target,
        files: 1,
        bytes: html.len() as u64,
        warnings: site.warnings,
    })
}

fn find_report<'s>(site: &'s RenderedSite, slug: &str) -> Result<&'s Report> {
    let slug = slug.trim_matches('/');
    let matches: Vec<&Report> = site
        .content
        .reports
        .iter()
        .filter(|r| {
            r.slug == slug || (!r.section.is_empty() && format!("{}/{}", r.section, r.slug) == slug)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => {
            let mut known: Vec<&str> = site
                .content
                .reports
                .iter()
                .map(|r| r.slug.as_str())
                .collect();
            known.sort_unstable();
            let hint = match suggest::closest(slug, known.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("reports: {}", known.join(", ")),
            };
            Err(Error::Invalid(vec![Diagnostic::error(
                "content",
                None,
                format!("no report `{slug}`"),
            )
            .with_hint(hint)]))
        }
        many => Err(Error::Invalid(vec![Diagnostic::error(
            "content",
            None,
            format!("`{slug}` is a report in more than one section"),
        )
        .with_hint(format!(
            "name it with its section: {}",
            many.iter()
                .map(|r| format!("{}/{}", r.section, r.slug))
                .collect::<Vec<_>>()
                .join(", ")
        ))])),
    }
}

/// Resolves a relative link in the page at `page` (a path below the site
/// root) to a site path; None for absolute URLs, fragments and data URIs.
fn resolve(page: &str, link: &str) -> Option<(String, String)> {
    if link.is_empty() || link.starts_with('#') || link.starts_with('/') || link.contains(':') {
        return None;
    }
    let (path, frag) = match link.find(['#', '?']) {
        Some(i) => (&link[..i], link[i..].to_string()),
        None => (link, String::new()),
    };
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') || out.is_empty() {
        out = urls::output_path(&if out.is_empty() {
            String::new()
        } else {
            format!("{out}/")
        });
    }
    Some((out, frag))
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Builds the one-file page of `report`.
fn single_page(site: &RenderedSite, report: &Report) -> Result<String> {
    let doc = SinglePage {
        by_path: site.files.iter().map(|f| (f.path.as_str(), f)).collect(),
        langs: site
            .config
            .languages
            .iter()
            .copied()
            .filter(|l| report.texts.contains_key(l))
            .collect(),
        site,
        report,
    };
    let mut css = String::new();
    let mut sections = String::new();
    for &lang in &doc.langs {
        let path = doc.page_of(lang);
        let file = doc.by_path.get(path.as_str()).ok_or_else(|| {
            Error::read(&path, io::Error::other("the report page was not rendered"))
        })?;
        let page = String::from_utf8_lossy(&file_bytes(file)?).into_owned();
        if css.is_empty() {
            css = doc.style_sheets(&path, &page)?;
        }
        sections.push_str(&doc.language_section(lang, &path, &page));
    }
    let title: Vec<&str> = doc
        .langs
        .iter()
        .map(|l| report.texts[l].title.as_str())
        .collect();
    let source = doc
        .langs
        .first()
        .copied()
        .unwrap_or(site.config.source_lang());
    let escaped_title = crate::util::escape::xml(&title.join(" · "));
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{source}\">\n<head>\n<meta charset=\"utf-8\">\n{REPORT_MARK}\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{escaped_title}</title>\n<style>\n{css}</style>\n<style>\n{SWITCH_CSS}</style>\n</head>\n<body class=\"kind-report bl-doc\">\n{sections}</body>\n</html>\n"
    ))
}

/// A report's pages being made into one file.
struct SinglePage<'s> {
    site: &'s RenderedSite,
    report: &'s Report,
    by_path: BTreeMap<&'s str, &'s OutputFile>,
    /// The report's languages, in the site's order.
    langs: Vec<Lang>,
}

/// Attributes holding ids or references to ids, prefixed per language so
/// the languages' ids do not clash in one file.
const ID_ATTRS: [&str; 4] = [
    "for",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
];

impl SinglePage<'_> {
    /// The output path of the report's page in `lang`.
    fn page_of(&self, lang: Lang) -> String {
        urls::output_path(&urls::report_dir(
            lang,
            &self.report.section,
            &self.report.slug,
        ))
    }

    /// The site file at `path` as a data URI.
    fn data_uri(&self, path: &str) -> Option<String> {
        let f = self.by_path.get(path)?;
        let bytes = file_bytes(f).ok()?;
        Some(format!(
            "data:{};base64,{}",
            content_type(path),
            base64(&bytes)
        ))
    }

    /// The theme's style sheets linked from `page` (at `path`), their
    /// `url(…)`s inlined.
    fn style_sheets(&self, path: &str, page: &str) -> Result<String> {
        let mut css = String::new();
        let tags = html::start_tags(page);
        for href in tags
            .iter()
            .filter(|t| t.name == "link")
            .filter_map(|t| t.attr("href"))
        {
            let Some((target, _)) = resolve(path, href) else {
                continue;
            };
            if let (true, Some(f)) = (target.ends_with(".css"), self.by_path.get(target.as_str())) {
                let text = String::from_utf8_lossy(&file_bytes(f)?).into_owned();
                css.push_str(&inline_css_urls(&text, &target, &|p| self.data_uri(p)));
                css.push('\n');
            }
        }
        Ok(css)
    }

    /// The `<section>` of one language: the language switch and the page's
    /// main content with its links made to work inside one file.
    fn language_section(&self, lang: Lang, path: &str, page: &str) -> String {
        let main = html::inner(page, "main")
            .or_else(|| html::inner(page, "body"))
            .unwrap_or(page);
        let mut attrs = vec!["href", "src", "id"];
        attrs.extend(ID_ATTRS);
        let main = html::rewrite_attrs(main, &attrs, |attr, v| self.rewrite(lang, path, attr, v));
        let switch = self.switch(lang);
        format!(
            "<section class=\"bl-lang\" id=\"{lang}\" lang=\"{lang}\">\n<nav class=\"bl-switch\" aria-label=\"Language / 语言\">{switch}</nav>\n<div class=\"bl-main\">\n{main}\n</div>\n</section>\n"
        )
    }

    /// The new value of attribute `attr` (value `v`) on the page of `lang`
    /// at `path`: ids prefixed, links to the other language's page made
    /// jumps, images and files inlined, other pages' links absolute.
    fn rewrite(&self, lang: Lang, path: &str, attr: &str, v: &str) -> Option<String> {
        let prefix = format!("{lang}-");
        if attr == "id" {
            return Some(format!("{prefix}{v}"));
        }
        if ID_ATTRS.contains(&attr) {
            let ids: Vec<String> = v
                .split_whitespace()
                .map(|id| format!("{prefix}{id}"))
                .collect();
            return Some(ids.join(" "));
        }
        if let Some(frag) = v.strip_prefix('#') {
            return Some(format!("#{prefix}{frag}"));
        }
        let (target, frag) = resolve(path, v)?;
        if let Some(&l) = self.langs.iter().find(|&&l| self.page_of(l) == target) {
            return Some(format!("#{l}"));
        }
        if attr == "src" {
            return self.data_uri(&target);
        }
        let is_file = self.by_path.contains_key(target.as_str()) && !target.ends_with(".html");
        if is_file && content_type(&target).starts_with("image/") {
            if let Some(uri) = self.data_uri(&target) {
                return Some(uri);
            }
        }
        // Other pages: their published address.
        let online = target.strip_suffix("index.html").unwrap_or(&target);
        Some(format!(
            "{}{frag}",
            urls::permalink(&self.site.config.base_url, online)
        ))
    }

    /// The language switch shown in `lang`'s section (each carries it, so
    /// it is in view after a jump).
    fn switch(&self, lang: Lang) -> String {
        let links: Vec<String> = self
            .langs
            .iter()
            .map(|&l| {
                let current = if l == lang {
                    " aria-current=\"page\""
                } else {
                    ""
                };
                format!(
                    "<a href=\"#{l}\" hreflang=\"{l}\" lang=\"{l}\"{current}>{}</a>",
                    l.native_name()
                )
            })
            .collect();
        links.join(" ")
    }
}

/// One language at a time: the section holding the link target (`#en`, or
/// an anchor inside it), else the first. Browsers without `:has` show every
/// language one after the other.
const SWITCH_CSS: &str = "\
.bl-switch { display: flex; gap: 1rem; justify-content: flex-end; padding: 0.75rem 1rem; }
.bl-switch [aria-current] { font-weight: 600; text-decoration: none; }
.bl-doc:has(.bl-lang:target, .bl-lang :target) .bl-lang:not(:target):not(:has(:target)) { display: none; }
.bl-doc:not(:has(.bl-lang:target, .bl-lang :target)) .bl-lang ~ .bl-lang { display: none; }
.bl-main { padding-block: 1.5rem 3rem; }
@media print { .bl-switch { display: none; } .bl-main { padding: 0; } }
";

/// Replaces `url(…)` references in a style sheet at `css_path` that point to
/// files of the site by data URIs.
fn inline_css_urls(
    css: &str,
    css_path: &str,
    data_uri: &impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let Some(end) = rest.find(')') else {
            break;
        };
        let raw = rest[..end].trim().trim_matches(['"', '\'']);
        match resolve(css_path, raw).and_then(|(p, _)| data_uri(&p)) {
            Some(uri) => out.push_str(&format!("\"{uri}\"")),
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }

    #[test]
    fn resolves_links_from_a_page() {
        let page = "zh/reports/a/index.html";
        assert_eq!(
            resolve(page, "../../../static/style.css"),
            Some(("static/style.css".into(), String::new()))
        );
        assert_eq!(
            resolve(page, "../b/index.html#x"),
            Some(("zh/reports/b/index.html".into(), "#x".into()))
        );
        assert_eq!(
            resolve(page, "../../"),
            Some(("zh/index.html".into(), String::new()))
        );
        assert_eq!(resolve(page, "https://e.org/"), None);
        assert_eq!(resolve(page, "#top"), None);
    }

    #[test]
    fn zip_is_deterministic_and_sorted() {
        let files = vec![
            OutputFile::bytes("b.txt", b"B".to_vec(), "t"),
            OutputFile::bytes("标签/index.html", b"A".to_vec(), "t"),
            OutputFile::bytes("a.txt", b"A".to_vec(), "t"),
        ];
        let one = zip_bytes(&files, "site").unwrap();
        let two = zip_bytes(&files, "site").unwrap();
        assert_eq!(one, two);
        let mut zip = zip::ZipArchive::new(io::Cursor::new(one)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(names, ["site/a.txt", "site/b.txt", "site/标签/index.html"]);
    }
}
