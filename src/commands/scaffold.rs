//! `briefing new` and `briefing init`: the files of a new report pair, of a
//! new site, and a copy of the built-in theme to customise.
//!
//! Nothing here overwrites a file: when one of the files to create exists,
//! nothing is written.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::config::Config;
use crate::load::content::{self};
use crate::load::frontmatter;
use crate::model::date::Date;
use crate::render::theme::{DEFAULT_THEME, EMBEDDED_DEFAULT};
use crate::Lang;
use std::path::{Path, PathBuf};

fn invalid(path: impl Into<PathBuf>, message: impl Into<String>, hint: &str) -> Error {
    Error::Invalid(vec![Diagnostic::error(path, None, message).with_hint(hint)])
}

/// Writes `files` (path relative to `root`, text) after checking that none
/// exists. Returns the paths written.
fn create_all(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    let existing: Vec<Diagnostic> = files
        .iter()
        .filter(|(rel, _)| root.join(rel).exists())
        .map(|(rel, _)| {
            Diagnostic::error(rel, None, "already exists; nothing was written")
                .with_hint("choose another name, or move the existing file away first")
        })
        .collect();
    if !existing.is_empty() {
        return Err(Error::Invalid(existing));
    }
    for (rel, bytes) in files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::write(&path, e))?;
    }
    Ok(files.iter().map(|(rel, _)| rel.clone()).collect())
}

fn read_config(root: &Path) -> Result<Config> {
    let path = root.join("site.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(
                "site.yaml",
                format!("no site.yaml in {}", root.display()),
                "run briefing inside a site folder, or pass --root DIR (`briefing init DIR` makes a new site)",
            ))
        }
        Err(e) => return Err(Error::read(path, e)),
    };
    Config::parse(&frontmatter::normalise(&text), Path::new("site.yaml")).map_err(Error::Invalid)
}

/// A URL-safe name for a report or a section folder: what the build accepts
/// (letters, digits, `-`, `_`, `.`), not starting with `.` or `_`.
fn check_name(name: &str, what: &str, path: &Path) -> std::result::Result<(), Error> {
    let why = content::slug_problem(name)
        .or_else(|| {
            name.starts_with('_')
                .then(|| "it starts with `_`".to_string())
        })
        .or_else(|| {
            name.ends_with(".md")
                .then(|| "it ends with `.md`".to_string())
        });
    match why {
        None => Ok(()),
        Some(why) => Err(invalid(
            path,
            format!("`{name}` cannot be used as a {what}: {why}"),
            "use letters, digits, `-`, `_` and `.`, e.g. `jincheng-opto-cluster`",
        )),
    }
}

/// Creates `content/<section>/<slug>.<lang>.md` for every language of the
/// site: the source with a front-matter skeleton dated `date` and marked
/// `draft: true` (so an unfilled skeleton is never published), the others
/// as translations of it (with `translated_from`). Returns the files made.
pub(crate) fn new_report(
    root: &Path,
    section: &str,
    slug: &str,
    date: Date,
) -> Result<Vec<PathBuf>> {
    let config = read_config(root)?;
    let dir = PathBuf::from("content").join(section);
    for part in section.split('/') {
        check_name(part, "section folder", &dir)?;
    }
    check_name(slug, "report slug", &dir.join(format!("{slug}.md")))?;
    let source = config.source_lang();
    // `<slug>.md` is the same page as `<slug>.<source>.md`.
    if root.join(dir.join(format!("{slug}.md"))).exists() {
        return Err(invalid(
            dir.join(format!("{slug}.md")),
            "a report with this slug already exists; nothing was written",
            "choose another slug",
        ));
    }
    let source_text = source_skeleton(slug, date, source);
    let hash = content::source_fingerprint(&source_text, Path::new(""))
        .expect("the skeleton is a valid report");
    let mut files = vec![(
        dir.join(format!("{slug}.{source}.md")),
        source_text.into_bytes(),
    )];
    for &lang in config.languages.iter().filter(|&&l| l != source) {
        files.push((
            dir.join(format!("{slug}.{lang}.md")),
            translation_skeleton(slug, lang, &hash).into_bytes(),
        ));
    }
    create_all(root, &files)
}

fn source_skeleton(slug: &str, date: Date, lang: Lang) -> String {
    let (label, unit, quote) = match lang {
        Lang::Zh => ("总投资", "亿元", "总投资近 30 亿元"),
        Lang::En => (
            "Total investment",
            "亿元",
            "a total investment of nearly CNY 3 billion",
        ),
    };
    format!(
        "---
title: '{slug}'
date: {date}
draft: true    # left out of `build` (not of `build --drafts`) until you remove this line
zone:
region:
summary:
tags: []
source:
  publication:
  page:
  author:
  url:
metrics: []
# Replace `metrics: []` with a list of the report's key figures, e.g.
# metrics:
#   - key: total_investment   # a-z, 0-9 and _, unique in this report
#     label: {label}
#     value: 30               # digits only
#     unit: {unit}
#     qualifier: 近           # optional: the word the source uses (近 约 超 逾 余 多 以上 左右 不到 …)
#     quote: {quote}   # optional: the sentence it comes from
---

"
    )
}

fn translation_skeleton(slug: &str, lang: Lang, hash: &str) -> String {
    let label = match lang {
        Lang::Zh => "总投资",
        Lang::En => "Total investment",
    };
    format!(
        "---
title: '{slug}'
summary:
metrics: []
# One label per metric of the source report, e.g.
# metrics:
#   - key: total_investment
#     label: {label}
# Facts (date, values, units, quotes) come from the source file.
# translated_from records the version of the source this translates;
# after updating the translation run `briefing check --accept <this file>`.
translated_from: {hash}
---

"
    )
}

/// Copies the built-in default theme to `<root>/themes/<name>` for
/// customising. Returns the files made.
pub(crate) fn eject_theme(root: &Path, name: &str) -> Result<Vec<PathBuf>> {
    let dir = PathBuf::from("themes").join(name);
    check_name(name, "theme name", &dir)?;
    if root.join(&dir).exists() {
        return Err(invalid(
            &dir,
            "already exists; nothing was written",
            "remove or rename the folder first, or choose another theme name",
        ));
    }
    let files: Vec<(PathBuf, Vec<u8>)> = EMBEDDED_DEFAULT
        .iter()
        .map(|(rel, bytes)| (dir.join(rel), bytes.to_vec()))
        .collect();
    create_all(root, &files)
}

/// Creates a new site in `dir` (which must be empty or absent): site.yaml,
/// an example report pair, home and section intros; with `eject_theme`, also
/// a copy of the default theme. The site builds and passes `briefing check`
/// as it is; `check --strict` fails until `base_url` is set and the example
/// report replaced.
pub(crate) fn init_site(dir: &Path, eject: bool, date: Date) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::read(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(invalid(
                dir,
                "the folder is not empty; nothing was written",
                "give a new folder name, e.g. `briefing init my-briefing`",
            ));
        }
    }
    let source = example_source(date);
    let hash =
        content::source_fingerprint(&source, Path::new("")).expect("the example is a valid report");
    let files: Vec<(PathBuf, Vec<u8>)> = [
        (
            "site.yaml",
            SITE_YAML.replace("{base_url}", PLACEHOLDER_BASE_URL),
        ),
        (".gitignore", "public/\n".to_string()),
        ("content/_index.zh.md", HOME_ZH.to_string()),
        ("content/_index.en.md", HOME_EN.to_string()),
        (
            "content/reports/_index.zh.md",
            "---\ntitle: 报告\n---\n".to_string(),
        ),
        (
            "content/reports/_index.en.md",
            "---\ntitle: Reports\n---\n".to_string(),
        ),
        ("content/reports/example.zh.md", source),
        ("content/reports/example.en.md", example_translation(&hash)),
    ]
    .into_iter()
    .map(|(p, t)| (PathBuf::from(p), t.into_bytes()))
    .collect();
    let mut made = create_all(dir, &files)?;
    if eject {
        made.extend(eject_theme(dir, DEFAULT_THEME)?);
    }
    Ok(made)
}

/// The `base_url` `init` writes: `check` warns while a site still has it
/// (exactly this value; other example.org addresses, such as the sample
/// site's, are taken as chosen).
pub(crate) const PLACEHOLDER_BASE_URL: &str = "https://example.org/";

/// Sentences of the example report `init` writes (one per language), by
/// which `check` recognises it while any of it is left, whatever the file
/// is called.
pub(crate) const EXAMPLE_MARKERS: [&str; 2] = [
    "把这篇示例换成你自己的报告",
    "Replace this example with your own reports",
];

const SITE_YAML: &str = "# The site's settings; see docs/content.md of briefing for every field.
title: {zh: 简报, en: Briefing}
description: {zh: 一份双语简报, en: A bilingual briefing}
base_url: {base_url}          # where the site will be published
languages: [zh, en]                     # the first is the source language
theme: default                          # built in; `briefing new theme` copies it out
paginate: 20
";

const HOME_ZH: &str = "---\ntitle: 简报\n---\n本站以中英双语汇编报告摘要。\n";
const HOME_EN: &str = "---\ntitle: Briefing\n---\nSummaries of reports, in Chinese and English.\n";

fn example_source(date: Date) -> String {
    format!(
        "---
title: 示例报告：开发区项目建设
date: {date}
zone: 示例经济技术开发区
region: 示例市
summary: 一篇示例报告，展示正文、指标与翻译的写法。
tags: [示例]
source: {{publication: 示例日报, page: A1, author: 编辑部}}
metrics:
  - key: total_investment
    label: 总投资
    value: 30
    unit: 亿元
    qualifier: 近
    quote: 项目总投资近 30 亿元
---
## 要点

开发区今年开工建设一批重点项目，
项目总投资近 30 亿元。

## 背景

{marker}：`briefing new report <slug>`
会创建一对新的中英文文件。
",
        marker = EXAMPLE_MARKERS[0]
    )
}

fn example_translation(hash: &str) -> String {
    format!(
        "---
title: 'Example report: projects in a development zone'
zone: Example Economic and Technological Development Zone
region: Example City
summary: An example report showing how to write the text, the metrics and the translation.
tags: [example]
source: {{publication: Example Daily, author: Editorial desk}}
metrics:
  - key: total_investment
    label: Total investment
translated_from: {hash}
---
## Highlights

The zone started a set of key projects this year, with a total investment of
nearly CNY 3 billion.

## Background

{marker}: `briefing new report <slug>`
creates a new pair of Chinese and English files.
",
        marker = EXAMPLE_MARKERS[1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_url_safe() {
        for bad in ["a b", "../x", "x/y", ".hidden", "_index", "a?b", "", "a.md"] {
            assert!(
                check_name(bad, "report slug", Path::new("x")).is_err(),
                "{bad}"
            );
        }
        for good in ["jincheng-2025", "a_b", "v1.2", "晋城"] {
            assert!(
                check_name(good, "report slug", Path::new("x")).is_ok(),
                "{good}"
            );
        }
    }
}
