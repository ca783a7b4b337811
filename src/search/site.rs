//! From the site model to the search index: which text of a report is
//! searchable, and the output files for the build's list.

use super::{build_index, SearchEntry, SearchReport, SearchText};
use crate::config::Config;
use crate::content::{Content, Report};
use crate::output::OutputFile;
use crate::units::{self, UnitCatalog};
use crate::urls::{self, UrlStyle};
use rayon::prelude::*;

/// The search index of a site, as output files (for the list in `build.rs`).
pub fn output_files(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
) -> Vec<OutputFile> {
    let reports = site_reports(content, config, units, style);
    build_index(&reports, &config.languages)
        .into_iter()
        .map(|(path, bytes)| OutputFile::bytes(path, bytes, "search index"))
        .collect()
}

/// Every report in every language it is written in, the source language first.
pub fn site_reports(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
) -> Vec<SearchReport> {
    let source = config.source_lang();
    content
        .reports
        .par_iter()
        .map(|report| {
            let mut langs: Vec<_> = report.texts.keys().copied().collect();
            langs.sort_by_key(|&l| (l != source, l));
            let entries = langs
                .into_iter()
                .map(|lang| {
                    let url = style.dir(&urls::report_dir(lang, &report.section, &report.slug));
                    (
                        lang,
                        SearchEntry {
                            url,
                            date: report.date.to_string(),
                            text: search_text(report, lang, units),
                        },
                    )
                })
                .collect();
            SearchReport { entries }
        })
        .collect()
}

/// The searchable text of `report` in `lang` (which it must have).
fn search_text(report: &Report, lang: crate::Lang, units: &UnitCatalog) -> SearchText {
    let text = &report.texts[&lang];
    let metrics = report
        .metrics
        .iter()
        .map(|m| {
            let label = text
                .labels
                .get(&m.key)
                .map(String::as_str)
                .unwrap_or(&m.key);
            match units.lookup(&m.unit) {
                Some(u) => format!(
                    "{label} {}",
                    units::format_value(m.value, u, m.qualifier, lang)
                ),
                None => format!("{label} {} {}", m.value, m.unit),
            }
        })
        .collect();
    SearchText {
        title: text.title.clone(),
        zone: text.zone.clone().unwrap_or_default(),
        region: text.region.clone().unwrap_or_default(),
        tags: text.tags.clone(),
        summary: text.summary.clone().unwrap_or_default(),
        metrics,
        body: text.body.text.clone(),
    }
}
