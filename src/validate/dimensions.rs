//! Cross-report checks of one metric key: one dimension, one label.

use crate::diag::Diagnostic;
use crate::load::config::Config;
use crate::model::content::{Content, Report};
use crate::model::metrics::{entries, report_id, source_text};
use crate::model::units::{Dimension, Unit, UnitCatalog};
use std::collections::BTreeMap;
use std::path::Path;

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
pub(crate) fn check_dimensions(
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
pub(crate) fn check_labels(content: &Content, config: &Config) -> Vec<Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testutil::{config, file, load_clean as load, metric_report as report};

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
}
