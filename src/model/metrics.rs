//! Every metric of the site with its unit resolved: what the dimension
//! check, the data export and the dashboard read.

use crate::model::content::{Content, Metric, Report, ReportText};
use crate::model::units::{self, Dimension, Unit, UnitCatalog};
use crate::Lang;
use rayon::prelude::*;

/// One metric of one report, with its unit looked up.
pub(crate) struct Entry<'a> {
    pub(crate) report: &'a Report,
    pub(crate) metric: &'a Metric,
    pub(crate) unit: &'a Unit,
    /// The value in the unit's base unit ([`units::normalized`]).
    pub(crate) normalized: f64,
}

/// Every metric whose unit is known, in content order (newest report first,
/// then the report's own order). Unknown units are reported by content
/// loading and left out here.
pub(crate) fn entries<'a>(content: &'a Content, units: &'a UnitCatalog) -> Vec<Entry<'a>> {
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
pub(crate) fn dimension_rank(d: &Dimension) -> (usize, String) {
    match Dimension::BUILTIN.iter().position(|b| b == d) {
        Some(i) => (i, String::new()),
        None => (Dimension::BUILTIN.len(), d.name().to_string()),
    }
}

/// The report's label for a figure in `text`'s language, else in the
/// source language, else its key.
pub(crate) fn metric_label<'a>(e: &Entry<'a>, text: &'a ReportText, source: Lang) -> &'a str {
    text.labels
        .get(&e.metric.key)
        .or_else(|| source_text(e.report, source).labels.get(&e.metric.key))
        .map_or(e.metric.key.as_str(), String::as_str)
}

/// The source-language text of a report (always present).
pub(crate) fn source_text(report: &Report, source: Lang) -> &ReportText {
    report.text_or_source(source, source).1
}

/// `section/slug`, or just `slug` for a report at the top of `content/`.
pub(crate) fn report_id(report: &Report) -> String {
    if report.section.is_empty() {
        report.slug.clone()
    } else {
        format!("{}/{}", report.section, report.slug)
    }
}
