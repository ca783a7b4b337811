//! Site-relative URLs of every page, in online and offline (file://) form.
//!
//! URLs here are relative to the site root and never start with `/`. Online,
//! a page URL ends in `/`; offline it ends in `index.html`, so a copy of the
//! site opened from disk navigates without a server.

use crate::Lang;

/// The scheme of `dest` when a browser would run it as script instead of
/// following it: `javascript:` and `vbscript:`, and `data:` for a link (an
/// image may be a `data:` URI). Browsers ignore leading spaces, and tabs and
/// line breaks inside a scheme, so this does too (`java\tscript:` counts).
pub(crate) fn script_scheme(dest: &str, image: bool) -> Option<String> {
    let (scheme, _) = dest.split_once(':')?;
    let scheme: String = scheme
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let runs = matches!(scheme.as_str(), "javascript" | "vbscript") || (scheme == "data" && !image);
    runs.then_some(scheme)
}

/// Whether `url` is an absolute `http:` or `https:` URL with a host.
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    })
}

/// How links to folders are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrlStyle {
    /// `zh/reports/a/`, for a web server.
    #[default]
    Online,
    /// `zh/reports/a/index.html`, for file://.
    Offline,
}

impl UrlStyle {
    /// The link to the page whose online URL is `url`: folder URLs ("" or
    /// ending in `/`) get `index.html` offline; file URLs stay as they are.
    pub fn dir(self, url: &str) -> String {
        let is_dir = url.is_empty() || url.ends_with('/');
        match self {
            UrlStyle::Offline if is_dir => format!("{url}index.html"),
            _ => url.to_string(),
        }
    }
}

/// The online URL of a section folder, e.g. `zh/reports/`.
pub(crate) fn section_dir(lang: Lang, section: &str) -> String {
    if section.is_empty() {
        format!("{lang}/")
    } else {
        format!("{lang}/{section}/")
    }
}

/// The online URL of page `n` (1-based) of a section's report list:
/// `zh/reports/`, then `zh/reports/page/2/`, …
pub(crate) fn section_page_dir(lang: Lang, section: &str, n: usize) -> String {
    if n <= 1 {
        section_dir(lang, section)
    } else {
        format!("{}page/{n}/", section_dir(lang, section))
    }
}

/// The online URL of a report page, e.g. `zh/reports/a/`.
pub(crate) fn report_dir(lang: Lang, section: &str, slug: &str) -> String {
    format!("{}{slug}/", section_dir(lang, section))
}

/// The online URL of a taxonomy's index, e.g. `zh/tags/`.
pub(crate) fn taxonomy_dir(lang: Lang, kind: &str) -> String {
    format!("{lang}/{kind}/")
}

/// The online URL of page `n` (1-based) of a tag's or region's list:
/// `zh/tags/光机电/`, then `zh/tags/光机电/page/2/`, …
pub(crate) fn term_page_dir(lang: Lang, kind: &str, slug: &str, n: usize) -> String {
    if n <= 1 {
        format!("{lang}/{kind}/{slug}/")
    } else {
        format!("{lang}/{kind}/{slug}/page/{n}/")
    }
}

/// The file a page URL is written to: folder URLs get `index.html`.
pub(crate) fn output_path(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

/// The relative prefix from the page written at `output_path` to the site root:
/// `./` at the top, `../` for each folder level below it.
pub(crate) fn root_prefix(output_path: &str) -> String {
    let depth = output_path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// Joins the site's base URL (ending in `/`) with an online site-relative URL.
pub fn permalink(base_url: &str, url: &str) -> String {
    format!("{base_url}{url}")
}

/// The path part of the base URL, from `/` (e.g. `/briefing/`).
pub(crate) fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_roots() {
        assert_eq!(report_dir(Lang::Zh, "reports", "a"), "zh/reports/a/");
        assert_eq!(section_dir(Lang::En, ""), "en/");
        assert_eq!(
            UrlStyle::Offline.dir("en/reports/"),
            "en/reports/index.html"
        );
        assert_eq!(UrlStyle::Offline.dir(""), "index.html");
        assert_eq!(UrlStyle::Offline.dir("zh/404.html"), "zh/404.html");
        assert_eq!(output_path("zh/reports/a/"), "zh/reports/a/index.html");
        assert_eq!(output_path("zh/404.html"), "zh/404.html");
        assert_eq!(root_prefix("index.html"), "./");
        assert_eq!(root_prefix("zh/reports/a/index.html"), "../../../");
        assert_eq!(base_path("https://example.org/briefing/"), "/briefing/");
        assert_eq!(base_path("https://example.org"), "/");
    }

    #[test]
    fn script_schemes_are_found_however_they_are_written() {
        for dest in [
            "javascript:alert(1)",
            "JavaScript:x",
            " javascript:x",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            assert!(script_scheme(dest, false).is_some(), "{dest:?}");
        }
        assert_eq!(script_scheme("data:image/png;base64,AA", true), None);
        assert_eq!(
            script_scheme("javascript:x", true).as_deref(),
            Some("javascript")
        );
        for dest in [
            "https://e.org/a:b",
            "mailto:a@b",
            "report.md",
            "#x",
            "a/b:c",
            "tel:1",
        ] {
            assert_eq!(script_scheme(dest, false), None, "{dest:?}");
        }
        assert!(is_web_url("https://example.org/x") && is_web_url("HTTP://e.org"));
        for url in [
            "javascript:alert(1)",
            "ftp://e.org",
            "https://",
            "https:///x",
            "//e.org",
            "e.org",
        ] {
            assert!(!is_web_url(url), "{url}");
        }
    }
}
