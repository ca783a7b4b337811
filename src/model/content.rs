//! Reports, sections and the site's content: what `load` makes of
//! `content/` and every later stage reads.

use crate::model::date::Date;
use crate::model::units::{self, Noun, Qualifier, Unit};
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// One heading in a document's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A rendered Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// Level 2 and 3 headings, in order.
    pub toc: Vec<TocEntry>,
    /// The visible text, without markup, raw HTML, scripts or styles.
    pub text: String,
}

/// Any other file in `content/` (images and the like), copied to the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputAsset {
    pub rel: String,
    pub path: PathBuf,
}

/// A key figure of a report: written once, in the source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub key: String,
    pub value: f64,
    /// The unit as written in the source (its Chinese form, e.g. `亿元`).
    pub unit: String,
    pub qualifier: Option<Qualifier>,
    /// The source sentence the figure came from.
    pub quote: Option<String>,
    /// Marked `card: true`: shown on the report's card ([`Report::card_metrics`]).
    pub card: bool,
    /// Where the metric is written, for diagnostics.
    pub line: Option<usize>,
    /// The line of its `quote:` field, when it has one.
    pub quote_line: Option<usize>,
}

/// Where a report came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceRef {
    pub publication: Option<String>,
    pub page: Option<String>,
    pub author: Option<String>,
    pub url: Option<String>,
}

/// A report's text in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportText {
    pub path: PathBuf,
    pub title: String,
    pub zone: Option<String>,
    pub region: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub source: SourceRef,
    /// Metric labels in this language, by key.
    pub labels: HashMap<String, String>,
    /// English nouns for counted metrics (`noun:`), by key.
    pub nouns: HashMap<String, Noun>,
    /// Where each label is written (the line of its metric's `key:`), by key.
    pub label_lines: HashMap<String, usize>,
    /// Shared, so a cached body is not copied (see `LoadCache`).
    pub body: Arc<Rendered>,
    pub extra: serde_json::Value,
    /// In a translation: the `translated_from` field, the fingerprint of the
    /// source text it was translated from (see `Report::source_hash`).
    pub translated_from: Option<String>,
    /// Where its tags, region and zone are written, for diagnostics.
    pub terms_at: TermsAt,
}

/// Where a text's tags, region and zone are written: file and line (a
/// translation that leaves one out shows the source's, written there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermsAt {
    pub tags: Option<(PathBuf, usize)>,
    pub region: Option<(PathBuf, usize)>,
    pub zone: Option<(PathBuf, usize)>,
}

/// A report: its language-independent facts and its text per language.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Section folder below `content/` (`/`-separated, "" for the top).
    pub section: String,
    pub slug: String,
    pub date: Date,
    /// The line of `date:` in the source file, for diagnostics.
    pub date_line: Option<usize>,
    /// `weight:` in the source: its place among reports of the same date.
    pub weight: Option<i64>,
    pub metrics: Vec<Metric>,
    /// Text per language; always has the source language.
    /// Boxed: a map node has room for eleven entries, and a report has two
    /// (a text inline would make each report's node 5 KB).
    pub texts: BTreeMap<Lang, Box<ReportText>>,
    /// Fingerprint of the source file's translatable text: a translation
    /// whose `translated_from` differs is out of date.
    pub source_hash: String,
}

/// The order of two reports of the same date, chosen by the editors: by
/// `weight` (lower first; reports with one before those without), then by
/// the newspaper page in `source.page` ([`page_order`]; reports with one
/// before those without), then by section and slug. Every list and the
/// prev/next links follow it.
pub(crate) fn same_day_order(a: &Report, b: &Report) -> Ordering {
    let page = |r: &Report| {
        let page = r.texts.values().find_map(|t| t.source.page.as_deref());
        page.map(page_order)
    };
    // Reports with a weight or page come before those without.
    (a.weight.is_none(), a.weight)
        .cmp(&(b.weight.is_none(), b.weight))
        .then_with(|| {
            let (pa, pb) = (page(a), page(b));
            (pa.is_none(), pa).cmp(&(pb.is_none(), pb))
        })
        .then_with(|| (&a.section, &a.slug).cmp(&(&b.section, &b.slug)))
}

/// A part of a page name for sorting: a number, or other text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PagePart {
    /// Digits, by value (compared by length, then digits: no overflow).
    Number(usize, String),
    /// Anything else, case-insensitive.
    Text(String),
}

/// The sort key of a newspaper page name: letters and numbers in turn,
/// numbers by value, so `A1 < A2 < A10 < B3` and `第2版 < 第10版`
/// (full-width digits count as digits). Ties, such as `A01` and `A1`, are
/// broken by the name itself.
pub(crate) fn page_order(page: &str) -> (Vec<PagePart>, String) {
    let mut parts: Vec<PagePart> = Vec::new();
    for c in page.trim().chars() {
        let digit = c
            .to_digit(10)
            .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32));
        match (digit, parts.last_mut()) {
            (Some(d), Some(PagePart::Number(_, n))) => n.push(char::from(b'0' + d as u8)),
            (Some(d), _) => parts.push(PagePart::Number(0, char::from(b'0' + d as u8).to_string())),
            (None, Some(PagePart::Text(t))) => t.extend(c.to_lowercase()),
            (None, _) => parts.push(PagePart::Text(c.to_lowercase().collect())),
        }
    }
    for part in &mut parts {
        if let PagePart::Number(len, n) = part {
            let trimmed = n.trim_start_matches('0').to_string();
            *len = trimmed.len();
            *n = trimmed;
        }
    }
    (parts, page.to_string())
}

/// How many metrics a card shows when none is marked `card: true`: the first.
pub(crate) const CARD_METRICS: usize = 3;

impl Report {
    /// The English noun given to metric `key`: by the English text, else by
    /// any other (an English-source site writes it in its source file).
    pub fn noun(&self, key: &str) -> Option<&Noun> {
        let english = self.texts.get(&Lang::En).into_iter();
        english
            .chain(self.texts.values())
            .find_map(|t| t.nouns.get(key))
    }

    /// A metric of this report as pages show it in `lang`: `超 400 亿元`,
    /// `more than CNY 40 billion`, `3 refuelling stations`.
    pub fn display(&self, metric: &Metric, unit: &Unit, lang: Lang) -> String {
        let noun = self.noun(&metric.key);
        units::format_value(metric.value, unit, metric.qualifier, noun, lang)
    }

    /// The metrics its card shows: those marked `card: true`, in order, or
    /// else the first [`CARD_METRICS`].
    pub fn card_metrics(&self) -> impl Iterator<Item = &Metric> {
        let marked = self.metrics.iter().any(|m| m.card);
        let limit = if marked { usize::MAX } else { CARD_METRICS };
        self.metrics
            .iter()
            .filter(move |m| m.card || !marked)
            .take(limit)
    }

    /// The text in `lang`, or in the source language when it is not translated.
    pub fn text_or_source(&self, lang: Lang, source: Lang) -> (Lang, &ReportText) {
        match self.texts.get(&lang) {
            Some(t) => (lang, t),
            None => (source, &self.texts[&source]),
        }
    }
}

/// Intro text of the home page or a section, per language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intro {
    pub title: Option<String>,
    pub html: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub intro: BTreeMap<Lang, Intro>,
    /// Reports per list page, overriding `paginate` in site.yaml.
    pub paginate: Option<usize>,
    /// The order of the section's list (`sort:` in its `_index` file).
    pub sort: SortOrder,
}

impl Section {
    /// The section's title in `lang`: from its `_index` file in `lang`, or
    /// else in the `source` language, or else its folder name.
    pub fn title(&self, lang: Lang, source: Lang) -> &str {
        self.intro
            .get(&lang)
            .or_else(|| self.intro.get(&source))
            .and_then(|i| i.title.as_deref())
            .unwrap_or(&self.name)
    }
}

/// The order of a section's report list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortOrder {
    /// Newest first (the default).
    #[default]
    DateDesc,
    /// Oldest first.
    DateAsc,
    /// By title in the page's language (Unicode order, ignoring case).
    Title,
}

/// The whole content of a site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Content {
    pub home: BTreeMap<Lang, Intro>,
    /// Every section that has reports or an `_index` file, by name.
    pub sections: BTreeMap<String, Section>,
    /// Newest first, then by section and slug.
    pub reports: Vec<Report>,
    pub assets: Vec<InputAsset>,
}
