//! Helpers shared by unit tests: a two-language config and content built
//! from in-memory files.

use crate::diag::Diagnostic;
use crate::load::config::Config;
use crate::load::content;
use crate::load::sources::{InputFile, Sources};
use crate::model::content::Content;
use crate::model::units::UnitCatalog;
use crate::model::urls::UrlStyle;
use std::path::{Path, PathBuf};

/// A zh + en site published at `https://e.org/b/`.
pub fn config() -> Config {
    Config::parse(
        "title: t\nbase_url: https://e.org/b/\nlanguages: [zh, en]\n",
        Path::new("site.yaml"),
    )
    .unwrap()
}

/// A file at `content/<rel>`.
pub fn file(rel: &str, text: &str) -> InputFile {
    InputFile {
        display: PathBuf::from(format!("content/{rel}")),
        rel: rel.to_string(),
        text: text.to_string(),
    }
}

/// Loads `files` as the site's content (built-in units, online URLs),
/// leaving out the warnings about sections without a title (few test sites
/// have `_index` files; [`load_all`] keeps them).
pub fn load(files: Vec<InputFile>) -> (Content, Vec<Diagnostic>) {
    let (content, mut diags) = load_all(files);
    diags.retain(|d| !d.message.starts_with("the section has no"));
    (content, diags)
}

/// [`load`] with every diagnostic.
pub(crate) fn load_all(files: Vec<InputFile>) -> (Content, Vec<Diagnostic>) {
    let sources = Sources {
        files,
        ..Default::default()
    };
    content::load(
        &sources,
        &config(),
        &UnitCatalog::builtin(),
        UrlStyle::Online,
        false,
    )
}

/// [`load`], asserting there is no error.
pub(crate) fn load_clean(files: Vec<InputFile>) -> Content {
    let (c, d) = load(files);
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
    c
}

/// A source report with one metric per (key, label, value, unit, qualifier).
pub(crate) fn metric_report(
    title: &str,
    date: &str,
    zone: &str,
    metrics: &[(&str, &str, f64, &str, &str)],
) -> String {
    let mut s = format!("---\ntitle: {title}\ndate: {date}\nzone: '{zone}'\nmetrics:\n");
    for (key, label, value, unit, q) in metrics {
        s += &format!(
            "  - key: {key}\n    label: '{label}'\n    value: {value}\n    unit: {unit}\n"
        );
        if !q.is_empty() {
            s += &format!("    qualifier: {q}\n");
        }
    }
    s + "---\n正文\n"
}

/// a (zh + en): investment 近 30 亿元; b (zh only): investment 5000 万元,
/// jobs 2000 人, in a zone whose name holds markup.
pub(crate) fn metric_sample() -> Content {
    load_clean(vec![
        file(
            "reports/a.zh.md",
            &metric_report(
                "甲",
                "2025-05-08",
                "长治高新区",
                &[("investment", r#"投资,"总"额"#, 30.0, "亿元", "nearly")],
            ),
        ),
        file(
            "reports/a.en.md",
            "---\ntitle: A, \"quoted\"\nzone: Changzhi HTZ\nmetrics:\n  - key: investment\n    label: Investment\n---\nBody\n",
        ),
        file(
            "reports/b.zh.md",
            &metric_report(
                "乙",
                "2025-04-01",
                "<script>alert(1)</script>",
                &[
                    ("investment", r#"投资,"总"额"#, 5000.0, "万元", ""),
                    ("jobs", "就业", 2000.0, "人", "over"),
                ],
            ),
        ),
    ])
}

/// A minimal RFC 4180 reader, for checking the export.
/// A tera instance with the `metric` filter and HTML escaping.
pub(crate) fn tera_with_filter() -> tera::Tera {
    let mut tera = tera::Tera::new();
    crate::render::filters::register_filters(
        &mut tera,
        std::sync::Arc::new(UnitCatalog::builtin()),
    );
    tera.autoescape_on(vec![".html"]);
    tera
}

/// The dashboard of `content` with the test config and built-in units.
pub(crate) fn dashboard_of(
    content: &Content,
    lang: crate::Lang,
    style: UrlStyle,
) -> crate::render::dashboard::DashboardView {
    crate::render::dashboard::dashboard(content, &config(), &UnitCatalog::builtin(), lang, style)
}
