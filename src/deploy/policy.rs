//! What each file of the site is when published: its `Content-Type`, its
//! `Cache-Control`, and when in a deploy it goes up. Pure functions of the
//! file's path (and whether its name carries its content's hash).

use crate::Lang;
use serde::Serialize;

/// How long readers' browsers and CDNs may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum CacheClass {
    /// Whose name changes with its content (theme CSS and JS): kept for a
    /// year and never revalidated.
    Immutable,
    /// Text that changes under the same name (pages, feeds, sitemap, the
    /// search index, data exports): a minute.
    Short,
    /// Other files under a fixed name (images, fonts, PDFs): an hour.
    Medium,
}

impl CacheClass {
    pub(crate) fn header(self) -> &'static str {
        match self {
            CacheClass::Immutable => "public, max-age=31536000, immutable",
            CacheClass::Short => "public, max-age=60",
            CacheClass::Medium => "public, max-age=3600",
        }
    }
}

/// The `Content-Type` of a file: the shared table (`util::mime`), with
/// the feeds' own type, and UTF-8 said for JSON and XML too.
pub(crate) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    match crate::util::mime::content_type(name) {
        "application/json" => "application/json; charset=utf-8",
        "application/xml" => "application/xml; charset=utf-8",
        other => other,
    }
}

/// The cache class of a file: immutable when its name carries its
/// content's hash, short for text (it changes under the same name),
/// medium for anything else.
pub(crate) fn cache_class(path: &str, name_carries_hash: bool) -> CacheClass {
    if name_carries_hash {
        return CacheClass::Immutable;
    }
    if content_type(path).contains("charset=utf-8") {
        CacheClass::Short
    } else {
        CacheClass::Medium
    }
}

/// When a file goes up. A deploy uploads one stage after the other, so a
/// page is never live before what it loads, and the pages that lead to
/// others (the search entry, feeds, sitemap, home pages, the landing page)
/// never before the pages they lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Stage {
    /// Theme files, images, data exports, the search index's shards and
    /// document chunks: everything pages load or link to that is not a page.
    Assets,
    /// Report, list, taxonomy, dashboard, search and 404 pages.
    Pages,
    /// What points at pages: the search index's entry file
    /// (`search/meta.js`, which makes new reports findable), the feeds,
    /// the sitemap and `robots.txt`.
    Indexes,
    /// The language home pages (`zh/index.html`, `en/index.html`).
    Homes,
    /// The landing page (`index.html`).
    Landing,
}

/// The stage of the file at `path`.
pub(crate) fn stage(path: &str, languages: &[Lang]) -> Stage {
    if path == "index.html" {
        return Stage::Landing;
    }
    if let Some((dir, "index.html")) = path.split_once('/') {
        if languages.iter().any(|l| l.code() == dir) {
            return Stage::Homes;
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let is_feed_or_map = name == "atom.xml"
        || (name.starts_with("sitemap") && name.ends_with(".xml"))
        || path == "robots.txt";
    if path == crate::emit::search::META_PATH || is_feed_or_map {
        return Stage::Indexes;
    }
    if name.ends_with(".html") {
        return Stage::Pages;
    }
    Stage::Assets
}

/// Whether the file's name is its theme name with its content's hash (see
/// [`crate::render::theme::fingerprinted_name`]): checked against the bytes, so a
/// name that only looks like one is not cached for good.
pub(crate) fn name_carries_hash(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 3 {
        return false;
    }
    let hash = parts.remove(parts.len() - 2);
    if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    let plain = parts.join(".");
    crate::render::theme::fingerprinted_name(&plain, bytes).as_deref() == Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: &[Lang] = &[Lang::Zh, Lang::En];

    #[test]
    fn stages_put_pages_after_what_they_load_and_homes_last() {
        let cases = [
            ("static/style.0123456789abcdef.css", Stage::Assets),
            ("static/favicon.svg", Stage::Assets),
            ("search/t/3.js", Stage::Assets),
            ("search/zh/d1.js", Stage::Assets),
            ("zh/metrics/metrics.csv", Stage::Assets),
            ("reports/a/chart.png", Stage::Assets),
            ("zh/reports/a/index.html", Stage::Pages),
            ("en/reports/index.html", Stage::Pages),
            ("zh/404.html", Stage::Pages),
            ("search/meta.js", Stage::Indexes),
            ("zh/atom.xml", Stage::Indexes),
            ("sitemap.xml", Stage::Indexes),
            ("sitemap-2.xml", Stage::Indexes),
            ("robots.txt", Stage::Indexes),
            ("zh/index.html", Stage::Homes),
            ("en/index.html", Stage::Homes),
            ("fr/index.html", Stage::Pages),
            ("index.html", Stage::Landing),
        ];
        for (path, want) in cases {
            assert_eq!(stage(path, LANGS), want, "{path}");
        }
        assert!(Stage::Assets < Stage::Pages && Stage::Pages < Stage::Indexes);
        assert!(Stage::Indexes < Stage::Homes && Stage::Homes < Stage::Landing);
    }

    #[test]
    fn content_types_say_utf8_for_text() {
        let cases = [
            ("zh/index.html", "text/html; charset=utf-8"),
            ("static/search.js", "text/javascript; charset=utf-8"),
            ("static/style.css", "text/css; charset=utf-8"),
            ("zh/atom.xml", "application/atom+xml; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("zh/metrics/metrics.json", "application/json; charset=utf-8"),
            ("zh/metrics/metrics.csv", "text/csv; charset=utf-8"),
            ("reports/a/PHOTO.JPG", "image/jpeg"),
            ("reports/a/data.bin", "application/octet-stream"),
        ];
        for (path, want) in cases {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    #[test]
    fn cache_classes_by_kind() {
        assert_eq!(cache_class("zh/index.html", false), CacheClass::Short);
        assert_eq!(cache_class("search/meta.js", false), CacheClass::Short);
        assert_eq!(cache_class("search/t/1.js", false), CacheClass::Short);
        assert_eq!(cache_class("sitemap.xml", false), CacheClass::Short);
        assert_eq!(cache_class("static/style.css", false), CacheClass::Short);
        assert_eq!(cache_class("static/favicon.svg", false), CacheClass::Medium);
        assert_eq!(cache_class("reports/a/b.png", false), CacheClass::Medium);
        assert_eq!(
            cache_class("static/style.0123456789abcdef.css", true),
            CacheClass::Immutable
        );
        assert!(CacheClass::Immutable.header().contains("immutable"));
        assert!(CacheClass::Short.header().contains("max-age=60"));
    }

    #[test]
    fn only_a_true_content_hash_makes_a_name_fingerprinted() {
        let css = b"body { color: red }";
        let name = crate::render::theme::fingerprinted_name("style.css", css).unwrap();
        let path = format!("static/{name}");
        assert!(name_carries_hash(&path, css));
        assert!(!name_carries_hash(&path, b"body { color: blue }"));
        assert!(!name_carries_hash("static/style.css", css));
        assert!(!name_carries_hash("static/app.0000000000000000.css", css));
    }
}
