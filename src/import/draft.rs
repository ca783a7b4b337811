//! The draft files of an imported article: `<slug>.zh.md` with the facts
//! and proposed figures in front matter and the page's text as the body,
//! and a translation skeleton per other language. Pure: text in, text out.

use crate::import::figures::Figure;
use crate::import::page::is_han;
use crate::import::segment::Article;
use crate::import::{DRAFT_MARK, UNTRANSLATED_MARK};
use crate::load::content;
use crate::model::date::Date;
use crate::Lang;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What the page is: where the drafts say their text comes from.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    /// The page file's name, as the drafts record it.
    pub file: String,
    pub publication: Option<String>,
    pub page: Option<String>,
    pub date: Date,
}

/// One article's drafts: its files (path below the site, text).
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub files: Vec<(PathBuf, String)>,
}

/// Endings of development zones' names, longest first.
const ZONE_ENDINGS: [&str; 9] = [
    "高新技术产业开发区",
    "经济技术开发区",
    "经济开发区",
    "产业园区",
    "高新区",
    "经开区",
    "开发区",
    "示范区",
    "新区",
];

/// The drafts of article `n` (from 1) of `total`, in `section`, for the
/// site's `languages` (the first is the source, Chinese).
pub(crate) fn draft(
    article: &Article,
    figures: &[Figure],
    (n, total): (usize, usize),
    source: &Source,
    section: &str,
    languages: &[Lang],
) -> Draft {
    let (zone, region) = guess_zone(article);
    let slug = slug(
        source,
        n,
        region.as_deref().or(article.headline.as_deref()),
        article,
    );
    let dir = PathBuf::from("content").join(section);
    let zh = source_text(article, figures, (n, total), source, (zone, region));
    let hash = content::source_fingerprint(&zh, &dir).unwrap_or_default();
    let mut files = vec![(dir.join(format!("{slug}.zh.md")), zh)];
    for &lang in languages.iter().filter(|&&l| l != Lang::Zh) {
        let text = translation_text(article, figures, &hash);
        files.push((dir.join(format!("{slug}.{lang}.md")), text));
    }
    Draft { files }
}

/// A YAML scalar for any text: a double-quoted string (JSON's escapes are
/// YAML's).
fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// The title: the headline, or a placeholder from the first words.
fn title(article: &Article) -> String {
    match &article.headline {
        Some(h) => h.clone(),
        None => {
            let start: String = article
                .text()
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(16)
                .collect();
            format!("待拟标题：{start}…")
        }
    }
}

fn source_text(
    article: &Article,
    figures: &[Figure],
    (n, total): (usize, usize),
    source: &Source,
    (zone, region): (Option<String>, Option<String>),
) -> String {
    let mut y = String::from("---\n");
    let where_ = article
        .line
        .map_or(String::new(), |l| format!(", line {l}"));
    let _ = writeln!(
        y,
        "{DRAFT_MARK} article {n} of {total} on {}{where_}.",
        source.file
    );
    y.push_str("# Check the title, zone, region and every figure against the page, write a\n");
    y.push_str(
        "# summary from the text below, then delete these comment lines and `draft: true`.\n",
    );
    let no_headline = if article.headline.is_none() {
        "    # no headline on this page: write one"
    } else {
        ""
    };
    let _ = writeln!(y, "title: {}{no_headline}", yaml(&title(article)));
    let _ = writeln!(y, "date: {}", source.date);
    y.push_str("draft: true\n");
    if let Some(zone) = zone {
        let _ = writeln!(
            y,
            "zone: {}    # a guess from the page's words",
            yaml(&zone)
        );
    }
    if let Some(region) = region {
        let _ = writeln!(
            y,
            "region: {}    # a guess from the zone's name",
            yaml(&region)
        );
    }
    y.push_str("summary: \"\"\ntags: []\nsource:\n");
    if let Some(p) = &source.publication {
        let _ = writeln!(y, "  publication: {}", yaml(p));
    }
    if let Some(p) = &source.page {
        let _ = writeln!(y, "  page: {}", yaml(p));
    }
    if !article.author.is_empty() {
        let _ = writeln!(y, "  author: {}", yaml(&article.author.join("、")));
    }
    write_metrics(&mut y, figures);
    write_extra(&mut y, article, n, source);
    y.push_str("---\n\n");
    y.push_str(&body(article));
    y
}

fn write_metrics(y: &mut String, figures: &[Figure]) {
    if figures.is_empty() {
        y.push_str("metrics: []\n");
        return;
    }
    y.push_str("metrics:\n");
    for f in figures {
        let _ = writeln!(y, "  - key: {}", f.key);
        let _ = writeln!(y, "    label: {}", yaml(&f.label));
        let _ = writeln!(y, "    value: {}", f.value);
        let _ = writeln!(y, "    unit: {}", yaml(&f.unit));
        if let Some(q) = f.qualifier {
            let _ = writeln!(y, "    qualifier: {}", yaml(q.zh()));
        }
        let _ = writeln!(y, "    quote: {}", yaml(&f.quote));
    }
}

/// What the page said about the article that has no front-matter field,
/// under `extra.import`.
fn write_extra(y: &mut String, article: &Article, n: usize, source: &Source) {
    let opt = |v: &Option<String>| v.as_deref().map_or("null".to_string(), yaml);
    y.push_str("extra:\n  import:\n");
    let _ = writeln!(y, "    file: {}", yaml(&source.file));
    let _ = writeln!(y, "    article: {n}");
    let _ = writeln!(y, "    headline_on_page: {}", article.headline.is_some());
    let _ = writeln!(y, "    kicker: {}", opt(&article.kicker));
    let _ = writeln!(y, "    continued_from: {}", opt(&article.continued_from));
    let _ = writeln!(y, "    continued_to: {}", opt(&article.continued_to));
    let captions: Vec<String> = article.captions.iter().map(|c| yaml(c)).collect();
    let _ = writeln!(y, "    captions: [{}]", captions.join(", "));
}

/// The article's text as Markdown: paragraphs, Markdown's characters
/// escaped, then its captions.
fn body(article: &Article) -> String {
    let mut out = String::new();
    if let Some(from) = &article.continued_from {
        let _ = writeln!(out, "（上接 {from} 版）\n");
    }
    for p in &article.paragraphs {
        out.push_str(&escape_markdown(p));
        out.push_str("\n\n");
    }
    if let Some(to) = &article.continued_to {
        let _ = writeln!(out, "（下转 {to} 版）\n");
    }
    for c in &article.captions {
        let _ = writeln!(out, "图片说明：{}\n", escape_markdown(c));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Text as Markdown that shows it as it is: ASCII punctuation Markdown
/// or HTML would read is backslash-escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|~&!{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn translation_text(article: &Article, figures: &[Figure], hash: &str) -> String {
    let mut y = String::from("---\n");
    let _ = writeln!(
        y,
        "{UNTRANSLATED_MARK} translate the title, the summary, each"
    );
    y.push_str("# label marked [translate] and the text; then delete these comment lines.\n");
    let _ = writeln!(
        y,
        "title: {}",
        yaml(&format!("[translate] {}", title(article)))
    );
    y.push_str("summary: \"\"\n");
    if figures.is_empty() {
        y.push_str("metrics: []\n");
    } else {
        y.push_str("metrics:\n");
        for f in figures {
            let _ = writeln!(y, "  - key: {}", f.key);
            let _ = writeln!(
                y,
                "    label: {}",
                yaml(&format!("[translate] {}", f.label))
            );
        }
    }
    let _ = writeln!(y, "translated_from: {hash}");
    y.push_str("---\n\n[translate] The Chinese text is in the source file beside this one.\n");
    y
}

/// A zone and region named by the kicker or the text (guesses): the first
/// development zone's name (`霍州经济技术开发区`) and the place it is named
/// after (`霍州`); a county kicker (`广灵县`) is a region.
pub(crate) fn guess_zone(article: &Article) -> (Option<String>, Option<String>) {
    let kicker = article.kicker.as_deref().unwrap_or("");
    let zone = std::iter::once(kicker.to_string())
        .chain(article.paragraphs.iter().cloned())
        .find_map(|text| zone_in(&text));
    let region = match &zone {
        Some(z) => ZONE_ENDINGS
            .iter()
            .find_map(|e| z.strip_suffix(e))
            .filter(|p| (2..=3).contains(&p.chars().count()))
            .map(str::to_string),
        None => None,
    };
    let county = (kicker.ends_with('县') || kicker.ends_with('市')) && kicker.chars().count() <= 5;
    let region = region.or_else(|| county.then(|| kicker.to_string()));
    (zone, region)
}

/// The first zone's name in `text`: a run of Han characters ending as a
/// zone's name does, from a word boundary.
fn zone_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let (at, ending) = (0..chars.len()).find_map(|i| {
        ZONE_ENDINGS
            .iter()
            .find(|e| {
                e.chars()
                    .enumerate()
                    .all(|(k, c)| chars.get(i + k) == Some(&c))
            })
            .map(|e| (i, *e))
    })?;
    let mut start = at;
    while start > 0
        && at - start < 8
        && is_han(chars[start - 1])
        && !"在从于对由将把和与及的是为讯".contains(chars[start - 1])
    {
        start -= 1;
    }
    (at - start >= 2).then(|| chars[start..at].iter().collect::<String>() + ending)
}

/// The slug: `<date>-<page>-<n>-<pinyin>`, e.g. `2025-05-08-a2-1-jincheng`:
/// ASCII, and the same for the same page and options.
fn slug(source: &Source, n: usize, name: Option<&str>, article: &Article) -> String {
    let mut slug = source.date.to_string();
    if let Some(page) = &source.page {
        let page: String = page.chars().filter(char::is_ascii_alphanumeric).collect();
        if !page.is_empty() {
            slug = format!("{slug}-{}", page.to_ascii_lowercase());
        }
    }
    slug = format!("{slug}-{n}");
    let text = article.text();
    let words = name.unwrap_or(&text);
    let sounds: String = words
        .chars()
        .filter(|&c| is_han(c))
        .take(4)
        .filter_map(crate::import::figures::ascii_pinyin)
        .collect();
    if !sounds.is_empty() {
        slug = format!("{slug}-{sounds}");
    }
    slug
}
