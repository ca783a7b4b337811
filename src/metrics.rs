//! Cross-report metrics: the dimension check, the data export
//! (`data/metrics.csv`, `data/metrics.json`), the dashboard view with its
//! build-time SVG charts, and the `metric` template filter.
//!
//! Everything here is pure: it reads the site model and returns diagnostics,
//! views or output files. A metric is written once, in the source report; its
//! unit (looked up in the [`UnitCatalog`]) says what it measures, how it reads
//! in each language ([`units::format_value`]) and what it is in base units
//! ([`units::normalized`]), which is what makes figures of different reports
//! comparable.

use crate::config::Config;
use crate::content::{Content, Metric, Report, ReportText};
use crate::diag::Diagnostic;
use crate::output::OutputFile;
use crate::units::{self, Dimension, Qualifier, Unit, UnitCatalog};
use crate::urls::{self, UrlStyle};
use crate::Lang;
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// Where the CSV export is written, relative to the site root.
pub const CSV_PATH: &str = "data/metrics.csv";
/// Where the JSON export is written, relative to the site root.
pub const JSON_PATH: &str = "data/metrics.json";

// ---------------------------------------------------------------------------
// Shared: every metric with its unit resolved

/// One metric of one report, with its unit looked up.
struct Entry<'a> {
    report: &'a Report,
    metric: &'a Metric,
    unit: &'a Unit,
    /// The value in the unit's base unit ([`units::normalized`]).
    normalized: f64,
}

/// Every metric whose unit is known, in content order (newest report first,
/// then the report's own order). Unknown units are reported by content
/// loading and left out here.
fn entries<'a>(content: &'a Content, units: &'a UnitCatalog) -> Vec<Entry<'a>> {
    content
        .reports
        .par_iter()
        .flat_map_iter(|report| {
            report.metrics.iter().filter_map(move |metric| {
                let unit = units.lookup(&metric.unit)?;
                Some(Entry {
                    report,
                    metric,
                    unit,
                    normalized: units::normalized(metric.value, unit),
                })
            })
        })
        .collect()
}

/// Sort rank of a dimension: built-ins in catalogue order, then custom ones
/// by name.
fn dimension_rank(d: &Dimension) -> (usize, String) {
    match Dimension::BUILTIN.iter().position(|b| b == d) {
        Some(i) => (i, String::new()),
        None => (Dimension::BUILTIN.len(), d.name().to_string()),
    }
}

/// The report's label for a figure in `text`'s language, else in the
/// source language, else its key.
fn metric_label<'a>(e: &Entry<'a>, text: &'a ReportText, source: Lang) -> &'a str {
    text.labels
        .get(&e.metric.key)
        .or_else(|| source_text(e.report, source).labels.get(&e.metric.key))
        .map_or(e.metric.key.as_str(), String::as_str)
}

/// The source-language text of a report (always present).
fn source_text(report: &Report, source: Lang) -> &ReportText {
    report.text_or_source(source, source).1
}

/// `section/slug`, or just `slug` for a report at the top of `content/`.
fn report_id(report: &Report) -> String {
    if report.section.is_empty() {
        report.slug.clone()
    } else {
        format!("{}/{}", report.section, report.slug)
    }
}

// ---------------------------------------------------------------------------
// Cross-report checks: dimensions and labels of one key

/// Which uses of one key to blame, when they disagree on some property (a
/// dimension, a label): `props` are the uses' properties, in file order.
/// The property most uses share is taken as meant, and every use with
/// another is blamed. When properties tie for the most uses, none is meant
/// and every use is blamed. Gives (blamed use, use it is compared with: the
/// first use of the meant property, or of another property in a tie, all
/// by index), and whether it was a tie.
fn blame<P: PartialEq>(props: &[P]) -> (Vec<(usize, usize)>, bool) {
    // (first index, number of uses) per property, in order of first use.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, p) in props.iter().enumerate() {
        match groups.iter_mut().find(|g| props[g.0] == *p) {
            Some(g) => g.1 += 1,
            None => groups.push((i, 1)),
        }
    }
    if groups.len() < 2 {
        return (Vec::new(), false);
    }
    let most = groups.iter().map(|g| g.1).max().unwrap_or(0);
    let winners: Vec<usize> = groups.iter().filter(|g| g.1 == most).map(|g| g.0).collect();
    let tie = winners.len() > 1;
    let blamed = (0..props.len())
        .filter_map(|i| {
            let other = |&&w: &&usize| props[w] != props[i];
            let reference = match tie {
                false => winners.iter().find(other),
                true => groups.iter().map(|g| &g.0).find(other),
            };
            reference.map(|&r| (i, r))
        })
        .collect();
    (blamed, tie)
}

/// One use of a key in one report's file, for the cross-report checks.
struct Use<'a> {
    report: &'a Report,
    path: &'a Path,
    line: Option<usize>,
}

impl Use<'_> {
    /// `path:line`.
    fn at(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
}

/// Errors for metric keys used with units of different dimensions across
/// reports (e.g. `investment` in 亿元 in one report and in 台 in another).
///
/// For each such key, the dimension used by most reports is taken as meant;
/// every use in another dimension is an error at that metric's file and
/// line, naming the other report. When dimensions tie, every use is an
/// error ([`blame`]): the check cannot tell which file is wrong.
///
/// Takes the config for the source language: metrics are written in the
/// source file, which is where the error must point.
pub fn check_dimensions(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
) -> Vec<Diagnostic> {
    let source = config.source_lang();
    let mut by_key: BTreeMap<&str, Vec<(Use<'_>, &Unit)>> = BTreeMap::new();
    for e in entries(content, units) {
        let path = &source_text(e.report, source).path;
        let line = e.metric.line;
        let use_ = Use {
            report: e.report,
            path,
            line,
        };
        by_key
            .entry(&e.metric.key)
            .or_default()
            .push((use_, e.unit));
    }
    let mut out = Vec::new();
    for (key, mut uses) in by_key {
        uses.sort_by(|a, b| (a.0.path, a.0.line).cmp(&(b.0.path, b.0.line)));
        let dims: Vec<&Dimension> = uses.iter().map(|u| u.1.dimension()).collect();
        let (blamed, tie) = blame(&dims);
        for (i, r) in blamed {
            let ((u, unit), (reference, ref_unit)) = (&uses[i], &uses[r]);
            let (meant, ref_at) = (ref_unit.dimension(), reference.at());
            let hint = match tie {
                false => format!("a metric key must measure the same kind of thing in every report: use a {meant} unit here as in {ref_at}, or give this figure a key of its own"),
                true => format!("a metric key must measure the same kind of thing in every report, and as many reports use {} as {meant}, so each is listed: make them agree, or give one of the figures a key of its own", unit.dimension()),
            };
            out.push(
                Diagnostic::error(
                    u.path,
                    u.line,
                    format!(
                        "metric `{key}` is in {} ({}) in report `{}`, but in {} ({meant}) in report `{}` ({ref_at})",
                        unit.zh(),
                        unit.dimension(),
                        report_id(u.report),
                        ref_unit.zh(),
                        report_id(reference.report),
                    ),
                )
                .with_hint(hint),
            );
        }
    }
    out
}

/// Warnings for a metric key labelled differently by different reports in
/// one language (`funding` as 授信 in one report and 资金支持 in another):
/// the same key is meant to be the same figure, and the dashboard charts
/// figures together only when their source-language labels agree. Who is
/// warned follows [`blame`]: the reports whose label most others do not
/// use, or, in a tie, every report.
pub fn check_labels(content: &Content, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &lang in &config.languages {
        let mut by_key: BTreeMap<&str, Vec<(Use<'_>, &str)>> = BTreeMap::new();
        for report in &content.reports {
            let Some(text) = report.texts.get(&lang) else {
                continue;
            };
            for m in &report.metrics {
                let Some(label) = text.labels.get(&m.key) else {
                    continue;
                };
                let line = text.label_lines.get(&m.key).copied();
                let use_ = Use {
                    report,
                    path: &text.path,
                    line,
                };
                by_key.entry(&m.key).or_default().push((use_, label.trim()));
            }
        }
        for (key, mut uses) in by_key {
            uses.sort_by(|a, b| (a.0.path, a.0.line).cmp(&(b.0.path, b.0.line)));
            let labels: Vec<&str> = uses.iter().map(|u| u.1).collect();
            let (blamed, tie) = blame(&labels);
            for (i, r) in blamed {
                let ((u, label), (reference, ref_label)) = (&uses[i], &uses[r]);
                let hint = match tie {
                    false => format!("a key names one figure across reports, and most reports label it `{ref_label}`: use that label if this is the same figure, or give this figure a key of its own; until then the dashboard charts it apart"),
                    true => "a key names one figure across reports, and as many reports use one label as the other, so each is listed: use one label if they are the same figure, or give one of them a key of its own; until then the dashboard charts them apart".to_string(),
                };
                out.push(
                    Diagnostic::warning(
                        u.path,
                        u.line,
                        format!(
                            "metric `{key}` is labelled `{label}` in report `{}`, but `{ref_label}` in report `{}` ({})",
                            report_id(u.report),
                            report_id(reference.report),
                            reference.at(),
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Data export

/// A cell of the export: text, a number or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Null,
}

impl<'a> Cell<'a> {
    fn opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Null, |s| Cell::Text(Cow::Borrowed(s)))
    }

    fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    /// Appends the CSV field: numbers without grouping or float noise,
    /// null empty, quoted when it holds a comma, quote or line break
    /// (RFC 4180).
    fn push_csv(&self, out: &mut String) {
        let number;
        let s = match self {
            Cell::Text(s) => s.as_ref(),
            Cell::Number(n) => {
                number = units::format_plain_number(*n, Lang::Zh);
                &number
            }
            Cell::Null => "",
        };
        if s.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Number(n) if n.is_finite() => s.serialize_f64(*n),
            Cell::Number(_) | Cell::Null => s.serialize_none(),
        }
    }
}

/// The export of a site's metrics. Its rows borrow the site's text, so
/// the table of them stays small next to the two files written from it.
struct Export<'a> {
    columns: Vec<String>,
    entries: Vec<Entry<'a>>,
    config: &'a Config,
}

/// One exported metric: its cells in column order (a JSON object with its
/// keys in that order).
struct ExportRow<'e> {
    columns: &'e [String],
    cells: Vec<Cell<'e>>,
}

impl Serialize for ExportRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (k, v) in self.columns.iter().zip(&self.cells) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'a> Export<'a> {
    /// Columns: `report`, `section`, `date`, `key`, `title_<lang>` and
    /// `label_<lang>` for each site language (empty when the report is not
    /// translated), `value`, `unit`, `qualifier`, `display_<lang>` (the
    /// figure as the pages write it), `normalized`, `base_unit`,
    /// `dimension`, `url` (the source-language report page).
    fn new(content: &'a Content, config: &'a Config, units: &'a UnitCatalog) -> Export<'a> {
        let langs = &config.languages;
        let mut columns: Vec<String> = ["report", "section", "date", "key"]
            .map(String::from)
            .to_vec();
        columns.extend(langs.iter().map(|l| format!("title_{l}")));
        columns.extend(langs.iter().map(|l| format!("label_{l}")));
        columns.extend(["value", "unit", "qualifier"].map(String::from));
        columns.extend(langs.iter().map(|l| format!("display_{l}")));
        columns.extend(["normalized", "base_unit", "dimension", "url"].map(String::from));
        Export {
            columns,
            entries: entries(content, units),
            config,
        }
    }

    fn row<'e>(&'e self, e: &Entry<'a>) -> ExportRow<'e> {
        let (r, m, u) = (e.report, e.metric, e.unit);
        let langs = &self.config.languages;
        let mut cells = Vec::with_capacity(self.columns.len());
        cells.extend([
            Cell::text(r.slug.as_str()),
            Cell::text(r.section.as_str()),
            Cell::text(r.date.to_string()),
            Cell::text(m.key.as_str()),
        ]);
        cells.extend(
            langs
                .iter()
                .map(|l| Cell::opt(r.texts.get(l).map(|t| t.title.as_str()))),
        );
        cells.extend(langs.iter().map(|l| {
            let label = r.texts.get(l).and_then(|t| t.labels.get(&m.key));
            Cell::opt(label.map(String::as_str))
        }));
        cells.extend([
            Cell::Number(m.value),
            Cell::text(u.zh()),
            Cell::opt(m.qualifier.map(Qualifier::name)),
        ]);
        cells.extend(langs.iter().map(|&l| Cell::text(r.display(m, u, l))));
        let page = urls::report_dir(self.config.source_lang(), &r.section, &r.slug);
        cells.extend([
            Cell::Number(e.normalized),
            Cell::text(u.base_symbol(Lang::Zh)),
            Cell::text(u.dimension().name()),
            Cell::text(urls::permalink(&self.config.base_url, &page)),
        ]);
        ExportRow {
            columns: &self.columns,
            cells,
        }
    }

    /// The CSV of `rows`: UTF-8, a header row, CRLF line ends (RFC 4180).
    fn csv(&self, rows: &[ExportRow<'_>]) -> String {
        let mut out = String::new();
        let mut line = |cells: &[Cell<'_>]| {
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                cell.push_csv(&mut out);
            }
            out.push_str("\r\n");
        };
        let header: Vec<Cell> = self
            .columns
            .iter()
            .map(|c| Cell::text(c.as_str()))
            .collect();
        line(&header);
        for row in rows {
            line(&row.cells);
        }
        out
    }
}

/// The JSON of `rows`: an array of objects, one per metric, keys in column
/// order, one object per line (compact, and a changed figure is a one-line
/// diff).
fn export_json(rows: &[ExportRow<'_>]) -> String {
    let mut json = Vec::with_capacity(rows.len() * 512);
    json.push(b'[');
    for (i, row) in rows.iter().enumerate() {
        json.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        // A row is strings and numbers: writing it to memory cannot fail.
        let _ = serde_json::to_writer(&mut json, row);
    }
    json.extend_from_slice(if rows.is_empty() { b"]\n" } else { b"\n]\n" });
    String::from_utf8(json).unwrap_or_default()
}

/// `data/metrics.csv` and `data/metrics.json`: every metric of every report,
/// one row / object each, with the same columns and values.
pub fn export_files(content: &Content, config: &Config, units: &UnitCatalog) -> Vec<OutputFile> {
    let export = Export::new(content, config, units);
    let rows: Vec<ExportRow> = export.entries.par_iter().map(|e| export.row(e)).collect();
    let (csv, json) = rayon::join(|| export.csv(&rows), || export_json(&rows));
    vec![
        OutputFile::bytes(CSV_PATH, csv.into_bytes(), "metrics export"),
        OutputFile::bytes(JSON_PATH, json.into_bytes(), "metrics export"),
    ]
}

// ---------------------------------------------------------------------------
// Dashboard view

/// What `dashboard.html` receives as `dashboard`.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardView {
    /// Metrics grouped by dimension (built-in dimensions in catalogue order,
    /// then custom ones by name).
    pub groups: Vec<GroupView>,
    /// One chart per metric key and source-language label used by two or
    /// more reports, by key ([`series`]).
    pub charts: Vec<ChartView>,
    /// Site-root-relative links to the exports.
    pub csv_url: String,
    pub json_url: String,
    /// Number of metrics in all groups.
    pub count: usize,
}

/// The metrics of one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// Machine name, e.g. `currency_cny`.
    pub dimension: String,
    /// Label in the page's language, e.g. `金额 (人民币)` / `Amount (CNY)`.
    pub label: String,
    /// The dimension's base unit in the page's language (empty for custom
    /// dimensions, whose base is per unit and given on each row).
    pub base_unit: String,
    /// The newest [`MAX_TABLE_ROWS`] figures of the group.
    pub rows: Vec<RowView>,
    /// How many figures the group has (may be more than the rows shown).
    pub total: usize,
}

/// The most rows a dashboard table shows: the newest figures. A table of
/// tens of thousands of rows makes a page of many megabytes that browsers
/// load slowly and readers cannot use; the exports hold every figure.
pub const MAX_TABLE_ROWS: usize = 500;

/// One metric of one report, for the page's language.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub key: String,
    pub report_title: String,
    /// Site-root-relative link to the report (use `{{ root }}{{ url }}`); the
    /// source-language page when the report is not translated.
    pub report_url: String,
    /// The language of `report_title`, `zone` and `label` (the source
    /// language when the report is not translated).
    pub text_lang: Lang,
    pub zone: String,
    pub label: String,
    pub date: String,
    /// The figure as written, formatted: `近 30 亿元` / `nearly CNY 3 billion`.
    pub display: String,
    pub value: f64,
    pub unit: String,
    pub qualifier: Option<Qualifier>,
    /// The English noun the translation gives a counted figure, if any.
    pub noun: Option<units::Noun>,
    /// The value in base units, e.g. `3000000000.0`.
    pub normalized: f64,
    /// It written for readers in the language, with its base unit
    /// ([`units::format_base_amount`]): `CNY 3 billion` / `30 亿元`.
    pub normalized_display: String,
    /// It as plain digits for `data-sort` (no grouping): `3000000000`.
    pub normalized_sort: String,
    pub base_unit: String,
}

/// A comparison chart of one metric key across reports (of the reports
/// that give it the same source-language label).
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// Unique on the page: the key, or `key-2`, `key-3`, … for further
    /// series of a key whose reports label it differently.
    pub id: String,
    pub key: String,
    /// The metric's label in the page's language (the most used one).
    pub label: String,
    pub dimension: String,
    pub dimension_label: String,
    pub base_unit: String,
    /// The chart as inline SVG markup, already escaped: output with `| safe`.
    pub svg: String,
    /// The chart's data, largest first, for a table fallback (at most
    /// `MAX_BARS`).
    pub bars: Vec<BarView>,
    /// How many reports have this metric (may be more than the bars shown).
    pub total: usize,
}

/// The most bars a chart shows: the largest figures.
pub const MAX_BARS: usize = 30;

/// One bar of a chart: one report's figure.
#[derive(Debug, Clone, Serialize)]
pub struct BarView {
    /// The report's zone, or its title when it has no zone.
    pub label: String,
    pub report_title: String,
    /// The report's own label for the figure.
    pub metric_label: String,
    pub report_url: String,
    pub text_lang: Lang,
    pub display: String,
    pub normalized: f64,
    pub normalized_display: String,
    pub normalized_sort: String,
}

/// The dashboard of the site's metrics in `lang`. Reports not translated into
/// `lang` are shown with their source-language text.
pub fn dashboard(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
    lang: Lang,
    style: UrlStyle,
) -> DashboardView {
    let source = config.source_lang();
    let all = entries(content, units);
    let row = |e: &Entry<'_>| -> RowView {
        let (shown, text) = e.report.text_or_source(lang, source);
        let normalized = e.normalized;
        let base = e.unit.base_symbol(lang).to_string();
        RowView {
            key: e.metric.key.clone(),
            report_title: text.title.clone(),
            report_url: style.dir(&urls::report_dir(shown, &e.report.section, &e.report.slug)),
            text_lang: shown,
            zone: text.zone.clone().unwrap_or_default(),
            label: metric_label(e, text, source).to_string(),
            date: e.report.date.to_string(),
            display: e.report.display(e.metric, e.unit, lang),
            noun: e.report.noun(&e.metric.key).cloned(),
            value: e.metric.value,
            unit: e.metric.unit.clone(),
            qualifier: e.metric.qualifier,
            normalized,
            normalized_display: units::format_base_amount(normalized, e.unit, lang),
            normalized_sort: units::format_plain_number(normalized, Lang::Zh),
            base_unit: base,
        }
    };

    // What a chart needs of every figure of its key; full rows are made
    // only for the bars and table rows shown.
    let chart_row = |i: usize| -> ChartRow {
        let e = &all[i];
        let (shown, text) = e.report.text_or_source(lang, source);
        let zone = text.zone.as_deref().unwrap_or_default();
        ChartRow {
            index: i,
            label: metric_label(e, text, source),
            text_lang: shown,
            bar_label: Cow::Borrowed(if zone.trim().is_empty() {
                &text.title
            } else {
                zone
            }),
            date: e.report.date,
            normalized: e.normalized,
        }
    };
    let charts = series(&all, source)
        .into_iter()
        .map(|(id, key, es)| {
            let rows: Vec<ChartRow> = es.iter().map(|&i| chart_row(i)).collect();
            // The first figure's unit gives the chart's base unit.
            let unit = all[es[0]].unit;
            let heading = units.dimension_label(unit.dimension(), lang);
            chart(&id, key, (unit, heading), rows, &|i| row(&all[i]), lang)
        })
        .collect();

    let mut groups: BTreeMap<(usize, String), GroupView> = BTreeMap::new();
    for e in &all {
        let d = e.unit.dimension();
        let group = groups
            .entry(dimension_rank(d))
            .or_insert_with(|| GroupView {
                dimension: d.name().to_string(),
                label: units.dimension_label(d, lang).to_string(),
                base_unit: e.unit.base_symbol(lang).to_string(),
                rows: Vec::new(),
                total: 0,
            });
        group.total += 1;
        if group.rows.len() < MAX_TABLE_ROWS {
            group.rows.push(row(e));
        }
    }

    let groups: Vec<GroupView> = groups.into_values().collect();
    DashboardView {
        count: groups.iter().map(|g| g.total).sum(),
        groups,
        charts,
        csv_url: CSV_PATH.to_string(),
        json_url: JSON_PATH.to_string(),
    }
}

/// The series the dashboard charts: (chart id, key, figures by index into
/// `all`). A series is the figures of one key whose reports give it the same
/// source-language label, so figures labelled differently (which
/// `check_labels` warns about) are never charted as one. Only series of two
/// or more figures are charted, and none of a key used in two dimensions
/// (an error). Ordered by key, then the series with most figures first
/// (ties: the label in Unicode order); the first of a key has the key as id,
/// the others `key-2`, `key-3`, ….
fn series<'e>(all: &'e [Entry<'e>], source: Lang) -> Vec<(String, &'e str, Vec<usize>)> {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, e) in all.iter().enumerate() {
        let label = source_text(e.report, source)
            .labels
            .get(&e.metric.key)
            .map_or(e.metric.key.as_str(), |l| l.trim());
        let key = by_key.entry(&e.metric.key).or_default();
        key.entry(label).or_default().push(i);
    }
    let mut out = Vec::new();
    for (key, labels) in by_key {
        let first = labels.values().next().and_then(|es| es.first());
        let dimension = first.map(|&i| all[i].unit.dimension());
        if labels
            .values()
            .flatten()
            .any(|&i| Some(all[i].unit.dimension()) != dimension)
        {
            continue;
        }
        let mut charted: Vec<Vec<usize>> =
            labels.into_values().filter(|es| es.len() >= 2).collect();
        charted.sort_by_key(|es| std::cmp::Reverse(es.len()));
        for (n, es) in charted.into_iter().enumerate() {
            let id = match n {
                0 => key.to_string(),
                n => format!("{key}-{}", n + 1),
            };
            out.push((id, key, es));
        }
    }
    out
}

/// What a chart needs of one figure to choose its label and its bars.
struct ChartRow<'a> {
    /// The figure's index in the list of all figures.
    index: usize,
    /// The report's label for the figure.
    label: &'a str,
    text_lang: Lang,
    /// The report's zone, or its title when it has no zone; with the date
    /// when two reports of the chart have the same.
    bar_label: Cow<'a, str>,
    date: crate::content::Date,
    normalized: f64,
}

/// The chart of one key from its figures (two or more, one dimension);
/// `row` makes the full row of a figure, for the bars shown.
fn chart(
    id: &str,
    key: &str,
    (unit, dimension_label): (&Unit, &str),
    mut rows: Vec<ChartRow<'_>>,
    row: &dyn Fn(usize) -> RowView,
    lang: Lang,
) -> ChartView {
    // Reports label their own figure ("total investment of the park"): the
    // chart takes a label in the page's language (untranslated reports give
    // source-language labels), the one most reports use; ties go to the
    // shortest, which is usually the most general, then to the newest.
    let mut counts: Vec<(&str, bool, usize)> = Vec::new();
    for r in &rows {
        match counts.iter_mut().find(|c| c.0 == r.label) {
            Some(c) => c.2 += 1,
            None => counts.push((r.label, r.text_lang == lang, 1)),
        }
    }
    let label = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| {
            (
                c.1,
                c.2,
                std::cmp::Reverse(c.0.chars().count()),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, c)| c.0.to_string())
        .unwrap_or_else(|| key.to_string());

    // Two reports of one zone: tell their bars apart by date.
    let mut label_count: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        *label_count.entry(&r.bar_label).or_default() += 1;
    }
    let dated: Vec<bool> = rows
        .iter()
        .map(|r| label_count[r.bar_label.as_ref()] > 1)
        .collect();
    for (r, dated) in rows.iter_mut().zip(dated) {
        if dated {
            r.bar_label = Cow::Owned(format!("{} ({})", r.bar_label, r.date));
        }
    }
    // A chart stays readable: the largest MAX_BARS figures; `total` says how
    // many reports have the metric (all of them are in the tables and export).
    // Ordered by value, then label, then link: full rows (with the link) are
    // made for the first MAX_BARS and any that tie with the last of them.
    let total = rows.len();
    let by_value_and_label = |a: &ChartRow, b: &ChartRow| {
        b.normalized
            .total_cmp(&a.normalized)
            .then_with(|| a.bar_label.cmp(&b.bar_label))
    };
    rows.sort_by(by_value_and_label);
    let mut shown = rows.len().min(MAX_BARS);
    while shown > 0
        && shown < rows.len()
        && by_value_and_label(&rows[shown - 1], &rows[shown]).is_eq()
    {
        shown += 1;
    }
    let dimension = unit.dimension();
    let base_unit = unit.base_symbol(lang).to_string();
    let mut bars: Vec<BarView> = rows[..shown]
        .iter()
        .map(|c| {
            let r = row(c.index);
            BarView {
                label: c.bar_label.to_string(),
                report_title: r.report_title,
                metric_label: r.label,
                report_url: r.report_url,
                text_lang: r.text_lang,
                display: r.display,
                normalized: r.normalized,
                normalized_display: r.normalized_display,
                normalized_sort: r.normalized_sort,
            }
        })
        .collect();
    bars.sort_by(|a, b| {
        b.normalized
            .total_cmp(&a.normalized)
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.report_url.cmp(&b.report_url))
    });
    bars.truncate(MAX_BARS);
    let svg = chart_svg(id, &label, &bars, lang);
    ChartView {
        id: id.to_string(),
        key: key.to_string(),
        total,
        label,
        dimension: dimension.name().to_string(),
        dimension_label: dimension_label.to_string(),
        base_unit,
        svg,
        bars,
    }
}

// ---------------------------------------------------------------------------
// SVG

/// Escapes text for SVG/XML content and attribute values.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const SVG_WIDTH: f64 = 720.0;
const LABEL_WIDTH: f64 = 220.0;
const VALUE_WIDTH: f64 = 190.0;
const BAR_HEIGHT: f64 = 20.0;
const BAR_GAP: f64 = 10.0;
const PADDING: f64 = 6.0;
const FONT_SIZE: f64 = 13.0;

/// Approximate rendered width of `s` at [`FONT_SIZE`]: CJK and other wide
/// characters one em, ASCII about 0.55 em.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * FONT_SIZE
}

/// `s` cut to fit `max` pixels, with `…` when cut.
fn fit(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A horizontal bar chart: one bar per report, lengths in base units, bar
/// labels on the left, the figures as written at the bar ends. Text uses
/// `currentColor`, so the chart follows the page's colours (dark mode,
/// print). Coordinates have one decimal, so output is deterministic.
fn chart_svg(id: &str, label: &str, bars: &[BarView], lang: Lang) -> String {
    let n = bars.len() as f64;
    let height = 2.0 * PADDING + n * BAR_HEIGHT + (n - 1.0).max(0.0) * BAR_GAP;
    let bar_area = SVG_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let finite = || bars.iter().map(|b| b.normalized).filter(|v| v.is_finite());
    let lo = finite().fold(0.0_f64, f64::min);
    let hi = finite().fold(0.0_f64, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let x = |v: f64| {
        let v = if v.is_finite() { v } else { 0.0 };
        LABEL_WIDTH + (v - lo) / span * bar_area
    };
    let x0 = x(0.0);
    let id = format!("metric-chart-{}", xml_escape(id));
    // Each bar's own label is named when the reports label the figure
    // differently.
    let own = bars.iter().any(|b| b.metric_label != label);
    let desc = match lang {
        Lang::Zh => {
            let items: Vec<String> = bars
                .iter()
                .map(|b| match own {
                    true => format!("{}（{}）：{}", b.label, b.metric_label, b.display),
                    false => format!("{}：{}", b.label, b.display),
                })
                .collect();
            format!("{label}，各报告对比：{}。", items.join("；"))
        }
        Lang::En => {
            let items: Vec<String> = bars
                .iter()
                .map(|b| match own {
                    true => format!("{} ({}): {}", b.label, b.metric_label, b.display),
                    false => format!("{}: {}", b.label, b.display),
                })
                .collect();
            format!("{label}, by report: {}.", items.join("; "))
        }
    };

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"metric-chart\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {SVG_WIDTH:.0} {height:.0}\" \
         width=\"{SVG_WIDTH:.0}\" height=\"{height:.0}\" font-size=\"{FONT_SIZE:.0}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        xml_escape(label),
        xml_escape(&desc),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = PADDING + i as f64 * (BAR_HEIGHT + BAR_GAP);
        let mid = y + BAR_HEIGHT / 2.0;
        let xv = x(b.normalized);
        let (left, right) = (x0.min(xv), x0.max(xv));
        let mut width = right - left;
        if b.normalized != 0.0 && width < 1.0 {
            width = 1.0;
        }
        let shown = fit(&b.label, LABEL_WIDTH - 12.0);
        let _ = write!(
            s,
            "<g class=\"bar-row\">\
             <text class=\"bar-label\" x=\"{:.1}\" y=\"{mid:.1}\" dy=\"0.35em\" text-anchor=\"end\" fill=\"currentColor\">{}",
            LABEL_WIDTH - 8.0,
            xml_escape(&shown),
        );
        if shown != b.label {
            let _ = write!(s, "<title>{}</title>", xml_escape(&b.label));
        }
        let _ = write!(
            s,
            "</text>\
             <rect class=\"bar\" x=\"{left:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{BAR_HEIGHT:.1}\" fill=\"#2b6cb0\"/>\
             <text class=\"bar-value\" x=\"{:.1}\" y=\"{mid:.1}\" dy=\"0.35em\" fill=\"currentColor\">{}</text>\
             </g>",
            left + width + 6.0,
            xml_escape(&b.display),
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{x0:.1}\" y1=\"0\" x2=\"{x0:.1}\" y2=\"{height:.0}\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/></svg>"
    );
    s
}

// ---------------------------------------------------------------------------
// Template filter

/// Registers the `metric` filter: `{{ m | metric(lang=lang) }}` formats a
/// metric view (anything with `value`, `unit` and optionally `qualifier`)
/// as the pages write it, e.g. `近 30 亿元` / `nearly CNY 3 billion`. `lang`
/// defaults to the page's `lang`.
pub fn register_filters(tera: &mut tera::Tera, units: Arc<UnitCatalog>) {
    tera.register_filter(
        "metric",
        move |m: &tera::Value,
              kwargs: tera::Kwargs,
              state: &tera::State|
              -> tera::TeraResult<String> { metric_filter(&units, m, &kwargs, state) },
    );
}

fn metric_filter(
    units: &UnitCatalog,
    m: &tera::Value,
    kwargs: &tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<String> {
    let err = |msg: String| tera::Error::message(format!("filter `metric`: {msg}"));
    let code = match kwargs.get::<String>("lang")? {
        Some(code) => code,
        None => state
            .get::<String>("lang")?
            .ok_or_else(|| err("no language: pass it, e.g. `m | metric(lang=lang)`".to_string()))?,
    };
    let lang = Lang::from_code(&code)
        .ok_or_else(|| err(format!("unknown language `{code}` (use `zh` or `en`)")))?;
    if !m.is_map() {
        return Err(err(format!(
            "expects a metric (with `value` and `unit`), got a {}",
            m.name()
        )));
    }
    let value = m
        .get_from_path("value")
        .and_then(tera::Value::as_f64)
        .ok_or_else(|| err("the metric has no numeric `value`".to_string()))?;
    let unit_name = m
        .get_from_path("unit")
        .and_then(tera::Value::as_str)
        .ok_or_else(|| err("the metric has no `unit`".to_string()))?;
    let unit = units.resolve(unit_name).map_err(|e| err(e.to_string()))?;
    let text = |field| optional_text(m, field).map_err(err);
    let qualifier = match text("qualifier")? {
        None => None,
        Some(word) => Some(Qualifier::parse(word).ok_or_else(|| {
            err(format!(
                "{}; {}",
                Qualifier::unknown(word),
                Qualifier::known()
            ))
        })?),
    };
    let noun = match (text("noun.one")?, text("noun.other")?) {
        (Some(one), Some(other)) => Some(units::Noun {
            one: one.to_string(),
            other: other.to_string(),
        }),
        _ => None,
    };
    Ok(units::format_value(
        value,
        unit,
        qualifier,
        noun.as_ref(),
        lang,
    ))
}

/// A metric view's optional text field: `None` when absent, null or blank.
fn optional_text<'v>(m: &'v tera::Value, field: &'v str) -> Result<Option<&'v str>, String> {
    match m.get_from_path(field) {
        None => Ok(None),
        Some(v) if v.is_none() || v.is_undefined() => Ok(None),
        Some(v) => match v.as_str().map(str::trim) {
            Some("") => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(format!("`{field}` must be a string")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::InputFile;

    use crate::testutil::{config, file};

    fn load(files: Vec<InputFile>) -> Content {
        let (c, d) = crate::testutil::load(files);
        assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
        c
    }

    /// A source report with one metric per (key, label, value, unit, qualifier).
    fn report(
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
    fn sample() -> Content {
        load(vec![
            file(
                "reports/a.zh.md",
                &report(
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
                &report(
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
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(
            field.is_empty() && row.is_empty(),
            "CSV must end with a line break"
        );
        rows
    }

    fn exports(content: &Content) -> (String, serde_json::Value) {
        let files = export_files(content, &config(), &UnitCatalog::builtin());
        assert_eq!(files[0].path, "data/metrics.csv");
        assert_eq!(files[1].path, "data/metrics.json");
        let csv = String::from_utf8(files[0].as_bytes().unwrap().to_vec()).unwrap();
        let json = serde_json::from_slice(files[1].as_bytes().unwrap()).unwrap();
        (csv, json)
    }

    #[test]
    fn dimension_clash_names_both_files_and_the_line() {
        let mut files = vec![
            file(
                "reports/a.zh.md",
                &report(
                    "甲",
                    "2025-05-08",
                    "",
                    &[("investment", "投资", 30.0, "亿元", "")],
                ),
            ),
            file(
                "reports/b.zh.md",
                &report(
                    "乙",
                    "2025-05-07",
                    "",
                    &[("investment", "投资", 3.0, "万元", "")],
                ),
            ),
            file(
                "reports/c.zh.md",
                &report(
                    "丙",
                    "2025-05-06",
                    "",
                    &[
                        ("jobs", "就业", 9.0, "人", ""),
                        ("investment", "投资", 12.0, "台", ""),
                    ],
                ),
            ),
        ];
        let content = load(files.clone());
        let d = check_dimensions(&content, &config(), &UnitCatalog::builtin());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error());
        assert_eq!(d[0].path, Path::new("content/reports/c.zh.md"));
        // The second metric's `key:` line in c.
        assert_eq!(d[0].line, Some(10));
        let msg = &d[0].message;
        assert!(msg.contains("`investment`"), "{msg}");
        assert!(
            msg.contains("report `reports/c`") && msg.contains("report `reports/a`"),
            "{msg}"
        );
        assert!(msg.contains("content/reports/a.zh.md:6"), "{msg}");
        assert!(
            msg.contains("台 (count)") && msg.contains("亿元 (currency_cny)"),
            "{msg}"
        );

        // Same dimension in every report: no error.
        files.pop();
        let content = load(files);
        assert!(check_dimensions(&content, &config(), &UnitCatalog::builtin()).is_empty());
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let csv_field = |s: &str| {
            let mut out = String::new();
            Cell::text(s).push_csv(&mut out);
            out
        };
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");

        let (csv, _) = exports(&sample());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "report,section,date,key,title_zh,title_en,label_zh,label_en,value,unit,qualifier,\
             display_zh,display_en,normalized,base_unit,dimension,url"
        );
        assert_eq!(
            lines[1],
            "a,reports,2025-05-08,investment,甲,\"A, \"\"quoted\"\"\",\"投资,\"\"总\"\"额\",Investment,\
             30,亿元,nearly,近 30 亿元,nearly CNY 3 billion,3000000000,元,currency_cny,\
             https://e.org/b/zh/reports/a/"
        );
        // b has no English text: its English title and labels are empty.
        assert!(
            lines[2].starts_with(
                "b,reports,2025-04-01,investment,乙,,\"投资,\"\"总\"\"额\",,5000,万元,,"
            ),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 5, "header, 3 rows, and the final line break");
        let rows = parse_csv(&csv);
        assert_eq!(rows[1][6], r#"投资,"总"额"#);
        assert_eq!(rows[1][5], r#"A, "quoted""#);
        assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    }

    #[test]
    fn json_has_the_same_rows_as_csv() {
        let (csv, json) = exports(&sample());
        let rows = parse_csv(&csv);
        let (header, rows) = rows.split_first().unwrap();
        let objects = json.as_array().unwrap();
        assert_eq!(objects.len(), rows.len());
        for (row, obj) in rows.iter().zip(objects) {
            let obj = obj.as_object().unwrap();
            let keys: Vec<&String> = obj.keys().collect();
            let mut want: Vec<&String> = header.iter().collect();
            want.sort();
            assert_eq!(keys, want, "same columns");
            for (col, cell) in header.iter().zip(row) {
                match &obj[col] {
                    serde_json::Value::String(s) => assert_eq!(s, cell, "{col}"),
                    serde_json::Value::Number(n) => {
                        assert_eq!(n.as_f64().unwrap(), cell.parse::<f64>().unwrap(), "{col}")
                    }
                    serde_json::Value::Null => assert_eq!(cell, "", "{col}"),
                    other => panic!("{col}: unexpected {other}"),
                }
            }
        }
        assert_eq!(objects[0]["normalized"], serde_json::json!(3000000000.0));
        assert_eq!(objects[0]["label_zh"], r#"投资,"总"额"#);
        assert_eq!(objects[1]["title_en"], serde_json::Value::Null);
        assert_eq!(objects[2]["qualifier"], "over");
    }

    #[test]
    fn export_of_a_site_without_metrics_has_a_header() {
        let (csv, json) = exports(&Content::default());
        assert_eq!(csv.matches("\r\n").count(), 1);
        assert!(csv.starts_with("report,section,date,key,"));
        assert_eq!(json, serde_json::json!([]));
    }

    #[test]
    fn normalised_values_in_base_units() {
        let d = dashboard_of(&sample(), Lang::En, UrlStyle::Online);
        let cny = &d.groups[0];
        assert_eq!(
            (cny.dimension.as_str(), cny.label.as_str()),
            ("currency_cny", "Amount (CNY)")
        );
        let a = &cny.rows[0];
        assert_eq!(a.normalized, 3_000_000_000.0);
        assert_eq!(a.normalized_sort, "3000000000");
        assert_eq!(a.normalized_display, "CNY 3 billion");
        assert_eq!(a.display, "nearly CNY 3 billion");
        assert_eq!(cny.rows[1].normalized, 50_000_000.0);
        let zh = dashboard_of(&sample(), Lang::Zh, UrlStyle::Online);
        assert_eq!(zh.groups[0].rows[0].normalized_display, "30 亿元");
        assert_eq!(zh.groups[0].rows[0].display, "近 30 亿元");
        assert_eq!(zh.groups[1].rows[0].normalized_display, "2000 个");
    }

    #[test]
    fn dashboard_groups_rows_and_falls_back_to_the_source_text() {
        let d = dashboard_of(&sample(), Lang::En, UrlStyle::Offline);
        let dims: Vec<&str> = d.groups.iter().map(|g| g.dimension.as_str()).collect();
        assert_eq!(dims, ["currency_cny", "count"]);
        assert_eq!(d.count, 3);
        let a = &d.groups[0].rows[0];
        assert_eq!(
            (a.report_title.as_str(), a.zone.as_str(), a.label.as_str()),
            ("A, \"quoted\"", "Changzhi HTZ", "Investment")
        );
        assert_eq!(a.report_url, "en/reports/a/index.html");
        assert_eq!(a.text_lang, Lang::En);
        // b is not translated: Chinese text, Chinese page, English figures.
        let b = &d.groups[0].rows[1];
        assert_eq!(
            (b.report_title.as_str(), b.label.as_str()),
            ("乙", r#"投资,"总"额"#)
        );
        assert_eq!(b.report_url, "zh/reports/b/index.html");
        assert_eq!(b.text_lang, Lang::Zh);
        assert_eq!(b.display, "CNY 50 million");
        assert_eq!(
            (d.csv_url.as_str(), d.json_url.as_str()),
            ("data/metrics.csv", "data/metrics.json")
        );
    }

    #[test]
    fn charts_only_for_keys_in_two_or_more_reports() {
        let d = dashboard_of(&sample(), Lang::Zh, UrlStyle::Online);
        let keys: Vec<&str> = d.charts.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["investment"], "jobs is in one report only");
        let c = &d.charts[0];
        // Largest first; bars labelled by zone.
        let bars: Vec<(&str, &str)> = c
            .bars
            .iter()
            .map(|b| (b.label.as_str(), b.display.as_str()))
            .collect();
        assert_eq!(
            bars,
            [
                ("长治高新区", "近 30 亿元"),
                ("<script>alert(1)</script>", "5000 万元")
            ]
        );
        // A report without zone is labelled with its title.
        let mut content = sample();
        content.reports[0].texts.get_mut(&Lang::Zh).unwrap().zone = None;
        let d = dashboard_of(&content, Lang::Zh, UrlStyle::Online);
        assert_eq!(d.charts[0].bars[0].label, "甲");
        // The same input gives the same chart.
        let again = dashboard_of(&content, Lang::Zh, UrlStyle::Online);
        assert_eq!(d.charts[0].svg, again.charts[0].svg);
    }

    /// An English translation of `slug` labelling metric `inv`.
    fn en(slug: &str, label: &str) -> InputFile {
        file(
            &format!("{slug}.en.md"),
            &format!("---\ntitle: {slug}\nmetrics:\n  - key: inv\n    label: {label}\n---\nBody\n"),
        )
    }

    #[test]
    fn chart_label_is_the_most_used_then_the_shortest() {
        let zh = |slug: &str, zone: &str, label: &str, value: f64| {
            file(
                &format!("{slug}.zh.md"),
                &report(
                    slug,
                    "2025-05-08",
                    zone,
                    &[("inv", label, value, "亿元", "")],
                ),
            )
        };
        let files = vec![
            zh("a", "甲区", "总投资", 1.0),
            en("a", "Total investment of zone A"),
            zh("b", "乙区", "总投资", 2.0),
            en("b", "Total investment"),
            zh("c", "丙区", "总投资", 3.0),
            en("c", "Investment"),
        ];
        let content = load(files);
        let d = dashboard_of(&content, Lang::En, UrlStyle::Online);
        assert_eq!(d.charts.len(), 1);
        let c = &d.charts[0];
        // Each label once: the shortest.
        assert_eq!(c.label, "Investment");
        assert_eq!(c.bars[0].metric_label, "Investment");
        assert!(
            c.svg.contains("<desc id=\"metric-chart-inv-desc\">Investment, by report: 丙区 (Investment): CNY 300 million; 乙区 (Total investment): CNY 200 million; 甲区 (Total investment of zone A): CNY 100 million.</desc>"),
            "{}",
            c.svg
        );
        let zh = dashboard_of(&content, Lang::Zh, UrlStyle::Online);
        assert_eq!(zh.charts[0].label, "总投资");
        assert!(zh.charts[0].svg.contains("<desc id=\"metric-chart-inv-desc\">总投资，各报告对比：丙区：3 亿元；乙区：2 亿元；甲区：1 亿元。</desc>"), "{}", zh.charts[0].svg);
    }

    #[test]
    fn figures_labelled_differently_are_charted_apart() {
        let zh = |slug: &str, label: &str, value: f64| {
            file(
                &format!("{slug}.zh.md"),
                &report(
                    slug,
                    "2025-05-08",
                    slug,
                    &[("inv", label, value, "亿元", "")],
                ),
            )
        };
        let files = vec![
            zh("a", "拉动投资", 1.0),
            zh("b", "总投资", 2.0),
            zh("c", "总投资", 3.0),
            zh("d", "拉动投资", 4.0),
            zh("e", "总投资", 5.0),
            zh("f", "计划投资", 6.0),
        ];
        let d = dashboard_of(&load(files), Lang::Zh, UrlStyle::Online);
        let charts: Vec<(&str, &str, &str, Vec<&str>)> = d
            .charts
            .iter()
            .map(|c| {
                let bars = c.bars.iter().map(|b| b.label.as_str()).collect();
                (c.id.as_str(), c.key.as_str(), c.label.as_str(), bars)
            })
            .collect();
        assert_eq!(
            charts,
            [
                ("inv", "inv", "总投资", vec!["e", "c", "b"]),
                ("inv-2", "inv", "拉动投资", vec!["d", "a"]),
            ],
            "f's label is its own: not charted"
        );
        assert!(d.charts[1]
            .svg
            .contains("aria-labelledby=\"metric-chart-inv-2-title metric-chart-inv-2-desc\""));
        let html = render_dashboard(
            &load(vec![zh("a", "甲", 1.0), zh("b", "甲", 2.0)]),
            Lang::Zh,
        );
        assert!(
            html.contains("<figure class=\"dashboard-chart\" id=\"chart-inv\">"),
            "{html}"
        );
    }

    #[test]
    fn blame_the_minority_or_everyone_in_a_tie() {
        assert_eq!(blame(&["a", "a", "a"]), (vec![], false));
        assert_eq!(blame(&["a", "b", "a"]), (vec![(1, 0)], false));
        assert_eq!(blame(&["b", "a", "a", "c"]), (vec![(0, 1), (3, 1)], false));
        assert_eq!(blame(&["a", "b"]), (vec![(0, 1), (1, 0)], true));
        assert_eq!(
            blame(&["a", "b", "b", "a", "c"]),
            (vec![(0, 1), (1, 0), (2, 0), (3, 1), (4, 0)], true)
        );
    }

    #[test]
    fn a_key_labelled_two_ways_is_a_warning_naming_both_files() {
        let zh = |slug: &str, label: &str| {
            file(
                &format!("reports/{slug}.zh.md"),
                &report(
                    slug,
                    "2025-05-08",
                    "",
                    &[
                        ("jobs", "就业", 1.0, "人", ""),
                        ("inv", label, 1.0, "亿元", ""),
                    ],
                ),
            )
        };
        let en = |slug: &str, label: &str| {
            file(
                &format!("reports/{slug}.en.md"),
                &format!("---\ntitle: {slug}\nmetrics:\n  - key: inv\n    label: {label}\n  - key: jobs\n    label: Jobs\n---\nBody\n"),
            )
        };
        let text =
            |ds: Vec<Diagnostic>| -> Vec<String> { ds.iter().map(ToString::to_string).collect() };
        // Two against one in Chinese; one against one in English.
        let content = load(vec![
            zh("a", "总投资"),
            zh("b", "投资额"),
            zh("c", "总投资"),
            en("a", "Investment"),
            en("b", "Total investment"),
        ]);
        assert_eq!(
            text(check_labels(&content, &config())),
            [
                "warning: content/reports/b.zh.md:10: metric `inv` is labelled `投资额` in report `reports/b`, but `总投资` in report `reports/a` (content/reports/a.zh.md:10)\n  \
                 help: a key names one figure across reports, and most reports label it `总投资`: use that label if this is the same figure, or give this figure a key of its own; until then the dashboard charts it apart",
                "warning: content/reports/a.en.md:4: metric `inv` is labelled `Investment` in report `reports/a`, but `Total investment` in report `reports/b` (content/reports/b.en.md:4)\n  \
                 help: a key names one figure across reports, and as many reports use one label as the other, so each is listed: use one label if they are the same figure, or give one of them a key of its own; until then the dashboard charts them apart",
                "warning: content/reports/b.en.md:4: metric `inv` is labelled `Total investment` in report `reports/b`, but `Investment` in report `reports/a` (content/reports/a.en.md:4)\n  \
                 help: a key names one figure across reports, and as many reports use one label as the other, so each is listed: use one label if they are the same figure, or give one of them a key of its own; until then the dashboard charts them apart",
            ]
        );
        // The same label (spaces around it aside): nothing to say.
        let content = load(vec![zh("a", "总投资"), zh("b", "总投资 ")]);
        assert!(check_labels(&content, &config()).is_empty());
    }

    #[test]
    fn tables_show_the_newest_figures_and_count_them_all() {
        let n = MAX_TABLE_ROWS + 7;
        let files = (0..n)
            .map(|i| {
                let date = format!("2025-{:02}-{:02}", 1 + i / 28 % 12, 1 + i % 28);
                let slug = format!("r{i:04}.zh.md");
                file(
                    &slug,
                    &report(
                        &format!("报告{i}"),
                        &date,
                        "",
                        &[("jobs", "就业", i as f64, "人", "")],
                    ),
                )
            })
            .collect();
        let content = load(files);
        let d = dashboard_of(&content, Lang::Zh, UrlStyle::Online);
        let g = &d.groups[0];
        assert_eq!((g.rows.len(), g.total, d.count), (MAX_TABLE_ROWS, n, n));
        let dates: Vec<&str> = g.rows.iter().map(|r| r.date.as_str()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
        assert_eq!(d.charts[0].total, n, "charts count every report too");
        let html = render_dashboard(&content, Lang::Zh);
        assert!(html.contains(&format!("最新 {MAX_TABLE_ROWS} 项，共 {n} 项")));
    }

    #[test]
    fn svg_is_accessible_and_escapes_text() {
        let d = dashboard_of(&sample(), Lang::En, UrlStyle::Online);
        let svg = &d.charts[0].svg;
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(
            "aria-labelledby=\"metric-chart-investment-title metric-chart-investment-desc\""
        ));
        assert!(
            svg.contains("<title id=\"metric-chart-investment-title\">Investment</title>"),
            "{svg}"
        );
        assert!(svg.contains("<desc id=\"metric-chart-investment-desc\">Investment, by report: Changzhi HTZ (Investment): nearly CNY 3 billion; &lt;script&gt;alert(1)&lt;/script&gt; (投资,&quot;总&quot;额): CNY 50 million.</desc>"), "{svg}");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(
            svg.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</text>"),
            "{svg}"
        );
        // Long labels are cut to fit, with the full text as a tooltip.
        assert_eq!(
            fit("长治高新区长治高新区长治高新区", 100.0),
            "长治高新区长…"
        );
        assert_eq!(fit("长治高新区", 100.0), "长治高新区");
        assert!(svg.ends_with("</svg>"));
        // The longest bar spans the bar area; the other is proportional.
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"6.0\" width=\"310.0\""),
            "{svg}"
        );
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"36.0\" width=\"5.2\""),
            "{svg}"
        );
    }

    #[test]
    fn negative_values_grow_left_of_the_axis() {
        let bar = |label: &str, v: f64| BarView {
            label: label.into(),
            report_title: label.into(),
            metric_label: "K".into(),
            report_url: String::new(),
            text_lang: Lang::En,
            display: v.to_string(),
            normalized: v,
            normalized_display: String::new(),
            normalized_sort: String::new(),
        };
        let svg = chart_svg("k", "K", &[bar("up", 30.0), bar("down", -10.0)], Lang::En);
        // Zero sits a quarter into the 310-wide bar area.
        assert!(
            svg.contains("<rect class=\"bar\" x=\"297.5\" y=\"6.0\" width=\"232.5\""),
            "{svg}"
        );
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"36.0\" width=\"77.5\""),
            "{svg}"
        );
        assert!(svg.contains("x1=\"297.5\""), "{svg}");
    }

    fn tera_with_filter() -> tera::Tera {
        let mut tera = tera::Tera::new();
        register_filters(&mut tera, Arc::new(UnitCatalog::builtin()));
        tera.autoescape_on(vec![".html"]);
        tera
    }

    #[test]
    fn metric_filter_formats_per_language() {
        let mut tera = tera_with_filter();
        tera.add_raw_templates([
            (
                "en.html",
                "{{ m | metric(lang=\"en\") }}|{{ m | metric(lang=lang) }}|{{ m | metric }}",
            ),
            ("bad.html", "{{ m | metric(lang=\"en\") }}"),
        ])
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &Lang::Zh);
        ctx.insert("m", &serde_json::json!({"value": 30.0, "unit": "亿元", "qualifier": "nearly", "label": "x"}));
        assert_eq!(
            tera.render("en.html", &ctx).unwrap(),
            "nearly CNY 3 billion|近 30 亿元|近 30 亿元"
        );
        ctx.insert(
            "m",
            &serde_json::json!({"value": 2000, "unit": "人", "qualifier": null}),
        );
        assert_eq!(tera.render("bad.html", &ctx).unwrap(), "2,000 people");
        let station = serde_json::json!({"one": "station", "other": "stations"});
        for (qualifier, noun, en) in [
            ("超", station.clone(), "more than 2,000 stations"),
            ("or_more", serde_json::Value::Null, "2,000 or more"),
        ] {
            ctx.insert(
                "m",
                &serde_json::json!({"value": 2000, "unit": "座", "qualifier": qualifier, "noun": noun}),
            );
            assert_eq!(tera.render("bad.html", &ctx).unwrap(), en);
        }
        for bad in [
            serde_json::json!({"value": 1, "unit": "斤"}),
            serde_json::json!({"value": "x", "unit": "人"}),
            serde_json::json!({"value": 1, "unit": "人", "qualifier": "大概"}),
            serde_json::json!(3),
        ] {
            ctx.insert("m", &bad);
            let err = tera.render("bad.html", &ctx).unwrap_err();
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                text += &s.to_string();
                source = s.source();
            }
            assert!(text.contains("filter `metric`"), "{bad}: {text}");
        }
    }

    /// The UI strings dashboard.html uses (zh, en).
    const STRINGS: &[(&str, &str, &str)] = &[
        ("dashboard_title", "关键指标", "Key metrics"),
        ("dashboard_intro", "", ""),
        ("dashboard_download", "下载数据：", "Download the data:"),
        ("dashboard_empty", "", ""),
        ("dashboard_charts", "", ""),
        ("dashboard_charts_note", "", ""),
        ("dashboard_chart_data", "", ""),
        ("dashboard_all", "", ""),
        (
            "dashboard_table_capped",
            "最新 {n} 项，共 {total} 项",
            "{n} of {total}",
        ),
        ("dashboard_report", "报告", "Report"),
        ("dashboard_zone", "区域", "Zone"),
        ("dashboard_metric", "指标", "Metric"),
        ("dashboard_value", "数值", "Value"),
        ("dashboard_normalized", "", ""),
    ];

    const TEMPLATE: &str = include_str!("../themes/default/templates/dashboard.html");

    /// The dashboard of `content` with the test config and built-in units.
    fn dashboard_of(content: &Content, lang: Lang, style: UrlStyle) -> DashboardView {
        dashboard(content, &config(), &UnitCatalog::builtin(), lang, style)
    }

    fn render_dashboard(content: &Content, lang: Lang) -> String {
        let mut tera = tera_with_filter();
        tera.add_raw_templates([
            (
                "base.html",
                "<main>{% block main %}{% endblock main %}</main>",
            ),
            ("dashboard.html", TEMPLATE),
        ])
        .unwrap();
        let t: serde_json::Map<String, serde_json::Value> = STRINGS
            .iter()
            .map(|(k, zh, en)| {
                let v = if lang == Lang::Zh { zh } else { en };
                (k.to_string(), serde_json::Value::from(format!("[{k}]{v}")))
            })
            .collect();
        let view = dashboard_of(content, lang, UrlStyle::Online);
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &lang);
        ctx.insert("root", "../../");
        ctx.insert("offline", &false);
        ctx.insert("t", &t);
        ctx.insert("dashboard", &view);
        let static_url = serde_json::json!({
            "dashboard.css": "static/dashboard.css",
            "sort-table.js": "static/sort-table.js",
        });
        ctx.insert("site", &serde_json::json!({ "static_url": static_url }));
        tera.render("dashboard.html", &ctx).unwrap()
    }

    #[test]
    fn template_renders_tables_charts_and_links() {
        let html = render_dashboard(&sample(), Lang::En);
        assert!(!html.contains("<script>alert"), "zone must be escaped");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"../../data/metrics.csv\""),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"../../data/metrics.json\""),
            "{html}"
        );
        assert!(html.contains("<table class=\"dashboard-table\" data-sortable>"));
        assert!(
            html.contains(
                "<td class=\"num\" data-sort=\"3000000000\" lang=\"en\">nearly CNY 3 billion</td>"
            ),
            "{html}"
        );
        assert!(
            html.contains(
                "<td class=\"num\" data-sort=\"3000000000\" lang=\"en\">CNY 3 billion</td>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<tr lang=\"zh\">"),
            "untranslated rows are marked: {html}"
        );
        assert!(
            html.contains("<svg xmlns="),
            "the chart is output unescaped"
        );
        assert!(html.contains("<script src=\"../../static/sort-table.js\" defer></script>"));
        assert!(
            html.contains("<a href=\"../../en/reports/a/\">A, &quot;quoted&quot;</a>"),
            "{html}"
        );
        let empty = render_dashboard(&Content::default(), Lang::Zh);
        assert!(empty.contains("[dashboard_empty]"), "{empty}");
        assert!(!empty.contains("<table"));
    }

    #[test]
    fn template_uses_only_the_listed_strings() {
        let mut used: Vec<String> = Vec::new();
        for part in TEMPLATE.split("t.").skip(1) {
            let key: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if key.starts_with("dashboard_") && !used.contains(&key) {
                used.push(key);
            }
        }
        let mut listed: Vec<String> = STRINGS.iter().map(|s| s.0.to_string()).collect();
        used.sort();
        listed.sort();
        assert_eq!(used, listed);
    }
}
