//! The dashboard view: every figure grouped by dimension, tables and
//! build-time SVG charts of keys that several reports share.

mod svg;

use crate::emit::exports::{CSV_PATH, JSON_PATH};
use crate::load::config::Config;
use crate::model::content::Content;
use crate::model::metrics::{dimension_rank, entries, metric_label, source_text, Entry};
use crate::model::units::{self, Qualifier, Unit, UnitCatalog};
use crate::model::urls::{self, UrlStyle};
use crate::Lang;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use svg::chart_svg;

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
pub(crate) const MAX_TABLE_ROWS: usize = 500;

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
pub(crate) const MAX_BARS: usize = 30;

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

    let groups = groups(&all, units, lang, &row);
    DashboardView {
        count: groups.iter().map(|g| g.total).sum(),
        groups,
        charts,
        csv_url: CSV_PATH.to_string(),
        json_url: JSON_PATH.to_string(),
    }
}

/// The dashboard's tables: the figures by dimension, in dimension order,
/// each table with its first MAX_TABLE_ROWS rows.
fn groups(
    all: &[Entry<'_>],
    units: &UnitCatalog,
    lang: Lang,
    row: &dyn Fn(&Entry<'_>) -> RowView,
) -> Vec<GroupView> {
    let mut groups: BTreeMap<(usize, String), GroupView> = BTreeMap::new();
    for e in all {
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

    groups.into_values().collect()
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
    date: crate::model::date::Date,
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
    let label = chart_label(&rows, key, lang);
    date_shared_bar_labels(&mut rows);
    let total = rows.len();
    let dimension = unit.dimension();
    let base_unit = unit.base_symbol(lang).to_string();
    let bars = bars(rows, row);
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

/// The chart's label. Reports label their own figure ("total investment
/// of the park"): the chart takes a label in the page's language
/// (untranslated reports give source-language labels), the one most
/// reports use; ties go to the shortest, which is usually the most general,
/// then to the newest.
fn chart_label(rows: &[ChartRow<'_>], key: &str, lang: Lang) -> String {
    let mut counts: Vec<(&str, bool, usize)> = Vec::new();
    for r in rows {
        match counts.iter_mut().find(|c| c.0 == r.label) {
            Some(c) => c.2 += 1,
            None => counts.push((r.label, r.text_lang == lang, 1)),
        }
    }
    counts
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
        .unwrap_or_else(|| key.to_string())
}

/// Two reports of one zone: their bars are told apart by date.
fn date_shared_bar_labels(rows: &mut [ChartRow<'_>]) {
    let mut label_count: HashMap<&str, usize> = HashMap::new();
    for r in rows.iter() {
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
}

/// A chart's bars: the largest MAX_BARS figures, so that it stays readable
/// (the chart's `total` says how many reports have the metric; all of them
/// are in the tables and export). Ordered by value, then label, then link:
/// full rows (with the link) are made for the first MAX_BARS and any that
/// tie with the last of them.
fn bars(mut rows: Vec<ChartRow<'_>>, row: &dyn Fn(usize) -> RowView) -> Vec<BarView> {
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
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::sources::InputFile;
    use crate::model::urls::UrlStyle;
    use crate::testutil::{
        dashboard_of, file, load_clean as load, metric_report as report, metric_sample as sample,
        tera_with_filter,
    };

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

    const TEMPLATE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/templates/dashboard.html"
    ));

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
