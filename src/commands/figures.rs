//! `briefing figures`: every figure of the site in one table, to proof a
//! whole issue's figures at once: the report, the metric's key, the figure
//! as each language's pages show it, and whether its quote gives it
//! (`quote::Checker`).

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::content::{self};
use crate::model::content::Report;
use crate::pipeline::{self, BuildOptions};
use crate::validate::quote::{Checker, QuoteStatus};
use crate::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use unicode_width::UnicodeWidthStr;

/// One figure: a metric of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// `section/slug` (the slug alone for a report at the top of content/).
    pub report: String,
    pub key: String,
    /// The figure as each language's pages show it, by language code.
    #[serde(flatten)]
    pub shown: BTreeMap<String, String>,
    /// `matches`, `differs` or `none` (no quote).
    pub quote: &'static str,
    /// What differs: `quote has 312 亿元`; null unless `quote` is `differs`.
    pub problem: Option<String>,
    /// The source file and the line of the metric's quote (else its key).
    pub file: PathBuf,
    pub line: Option<usize>,
}

/// The figures of a site and its languages (the table's columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub languages: Vec<Lang>,
    pub figures: Vec<Figure>,
}

/// Every figure of the site at `opts.root`, report by report in the order of
/// their section and slug, metrics in the order written. Errors in the
/// content (what keeps `build` from running) come back as `Error::Invalid`.
pub fn figures(opts: &BuildOptions) -> Result<Table> {
    let setup = pipeline::read_setup(opts)?;
    let sources = crate::load::sources::read_sources(&opts.root.join("content"), &opts.root)?;
    let (content, diags) = content::load(
        &sources,
        &setup.config,
        &setup.units,
        opts.style,
        opts.drafts,
    );
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let checker = Checker::new(&setup.units);
    let source = setup.config.source_lang();
    let mut reports: Vec<&Report> = content.reports.iter().collect();
    reports.sort_by(|a, b| (&a.section, &a.slug).cmp(&(&b.section, &b.slug)));
    let mut rows = Vec::new();
    for report in reports {
        let name = match report.section.as_str() {
            "" => report.slug.clone(),
            section => format!("{section}/{}", report.slug),
        };
        let file = report.texts.get(&source).map(|t| t.path.clone());
        for metric in &report.metrics {
            let (Some(unit), Some(status)) = (
                setup.units.lookup(&metric.unit),
                checker.check_metric(metric),
            ) else {
                continue;
            };
            let shown = setup
                .config
                .languages
                .iter()
                .map(|&l| (l.code().to_string(), report.display(metric, unit, l)))
                .collect();
            rows.push(Figure {
                report: name.clone(),
                key: metric.key.clone(),
                shown,
                quote: status.name(),
                problem: match &status {
                    QuoteStatus::Differs(m) => Some(m.summary()),
                    _ => None,
                },
                file: file.clone().unwrap_or_default(),
                line: metric.quote_line.or(metric.line),
            });
        }
    }
    Ok(Table {
        languages: setup.config.languages.clone(),
        figures: rows,
    })
}

/// Whether any figure's quote differs from it.
pub(crate) fn any_differs(figures: &[Figure]) -> bool {
    figures.iter().any(|f| f.quote == "differs")
}

/// The table as text: one row per figure, columns aligned by display width
/// (a Chinese character takes two columns), then a count.
pub(crate) fn format_text(table: &Table) -> String {
    let (figures, languages) = (&table.figures, &table.languages);
    let mut header = vec!["report".to_string(), "key".to_string()];
    header.extend(languages.iter().map(|l| l.code().to_string()));
    header.push("quote".to_string());
    let mut table = vec![header];
    for f in figures {
        let mut row = vec![f.report.clone(), f.key.clone()];
        for l in languages {
            row.push(f.shown.get(l.code()).cloned().unwrap_or_default());
        }
        row.push(match &f.problem {
            Some(problem) => format!("{}: {problem}", f.quote),
            None => f.quote.to_string(),
        });
        table.push(row);
    }
    let columns = table[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| table.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &table {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < columns {
                line.push_str(&" ".repeat(widths[c] - cell.width() + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let count = |status: &str| figures.iter().filter(|f| f.quote == status).count();
    let reports = {
        let mut names: Vec<&str> = figures.iter().map(|f| f.report.as_str()).collect();
        names.dedup();
        names.len()
    };
    let _ = writeln!(
        out,
        "\n{} in {}; quote matches {}, differs {}, none {}",
        plural(figures.len(), "figure"),
        plural(reports, "report"),
        count("matches"),
        count("differs"),
        count("none"),
    );
    out
}

fn plural(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// The table as JSON: an array of [`Figure`] objects.
pub(crate) fn format_json(figures: &[Figure]) -> String {
    serde_json::to_string_pretty(figures).expect("figures serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(report: &str, key: &str, zh: &str, en: &str, problem: Option<&str>) -> Figure {
        Figure {
            report: report.to_string(),
            key: key.to_string(),
            shown: [("zh", zh), ("en", en)]
                .into_iter()
                .map(|(l, s)| (l.to_string(), s.to_string()))
                .collect(),
            quote: if problem.is_some() {
                "differs"
            } else {
                "matches"
            },
            problem: problem.map(str::to_string),
            file: PathBuf::from("content/reports/a.zh.md"),
            line: Some(4),
        }
    }

    #[test]
    fn aligns_columns_by_display_width() {
        let rows = [
            figure(
                "reports/a",
                "total",
                "近 30 亿元",
                "nearly CNY 3 billion",
                None,
            ),
            figure(
                "reports/a",
                "n",
                "130 余个",
                "over 130",
                Some("quote has 13 个"),
            ),
        ];
        let text = format_text(&Table {
            languages: vec![Lang::Zh, Lang::En],
            figures: rows.to_vec(),
        });
        assert_eq!(
            text,
            "report     key    zh          en                    quote\n\
             reports/a  total  近 30 亿元  nearly CNY 3 billion  matches\n\
             reports/a  n      130 余个    over 130              differs: quote has 13 个\n\
             \n2 figures in 1 report; quote matches 1, differs 1, none 0\n"
        );
        assert!(any_differs(&rows));
        assert!(!any_differs(&rows[..1]));
    }

    #[test]
    fn json_is_an_array_of_flat_objects() {
        let rows = [figure(
            "reports/a",
            "total",
            "30 亿元",
            "CNY 3 billion",
            None,
        )];
        let value: serde_json::Value = serde_json::from_str(&format_json(&rows)).unwrap();
        assert_eq!(
            value,
            serde_json::json!([{
                "report": "reports/a", "key": "total", "zh": "30 亿元", "en": "CNY 3 billion",
                "quote": "matches", "problem": null,
                "file": "content/reports/a.zh.md", "line": 4
            }])
        );
    }
}
