//! From the site model to the search index: which text of a report is
//! searchable, and the output files for the build's list.

use super::{
    build_with, index_paths, input_fingerprint, is_doc, stamp_of, update, EntryView, ReportView,
    SearchReport, Sizes,
};
use crate::load::config::Config;
use crate::model::content::{Content, Report};
use crate::model::units::UnitCatalog;
use crate::model::urls::{self, UrlStyle};
use crate::output::{OutputData, OutputFile};
use crate::Lang;
use rayon::prelude::*;
use std::borrow::Cow;

/// The index already in an output folder: its meta.js, whether a file (a
/// path below the folder) is there, and the file's text.
pub struct Previous<'a> {
    pub meta_js: &'a str,
    pub exists: &'a (dyn Fn(&str) -> bool + Sync),
    pub read: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// What a build did to the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Kept as it was: its input had not changed.
    Kept,
    /// Updated in place, indexing this many reports.
    Updated(usize),
    /// Made from every report.
    Built,
}

/// The search index of a site, as output files (for the list in `build.rs`).
/// Its meta.js ends with a fingerprint of the index's input: when the
/// `previous` index has the same one (and all its files), it is kept as it
/// is: its files come back as `OutputData::Unchanged` and nothing is built.
/// When only a few reports changed, it is updated in place (see
/// [`super::update`]): the files that stay the same come back unchanged.
///
/// Each file made goes through `settle` as soon as it is made; a build writes
/// it out there (see `build.rs`), so the index is not held in memory whole.
/// `settle`'s first error is returned.
pub fn output_files(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
    previous: Option<Previous<'_>>,
    settle: &Settle<'_>,
) -> crate::Result<(Vec<OutputFile>, Work)> {
    const ORIGIN: &str = "search index";
    let langs = &config.languages;
    let reports = report_views(content, config, units, style);
    let fingerprint = input_fingerprint(&reports, langs);
    let unchanged = |path| OutputFile {
        path,
        data: OutputData::Unchanged,
        origin: ORIGIN.to_string(),
    };
    if let Some(prev) = previous {
        if let Some((stamped, shards)) = stamp_of(prev.meta_js) {
            if stamped == fingerprint.total {
                let docs = reports.iter().filter(|r| is_doc(r)).count();
                let paths = index_paths(shards, docs, langs);
                if paths.par_iter().all(|p| (prev.exists)(p)) {
                    return Ok((paths.into_iter().map(unchanged).collect(), Work::Kept));
                }
            } else if let Some((files, indexed)) = update::update(
                &reports,
                langs,
                Sizes::DEFAULT,
                &fingerprint,
                shards,
                prev.read,
                prev.exists,
            ) {
                let files = files
                    .into_par_iter()
                    .map(|(path, bytes)| match bytes {
                        Some(bytes) => settle(OutputFile::bytes(path, bytes, ORIGIN)),
                        None => Ok(unchanged(path)),
                    })
                    .collect::<crate::Result<_>>()?;
                return Ok((files, Work::Updated(indexed)));
            }
        }
    }
    let emit = |path, bytes| settle(OutputFile::bytes(path, bytes, ORIGIN));
    let files = build_with(&reports, langs, Sizes::DEFAULT, Some(&fingerprint), &emit);
    Ok((
        files.into_iter().collect::<crate::Result<_>>()?,
        Work::Built,
    ))
}

/// What a build does with an output file once it is made: writes it out and
/// drops its bytes, or finds it unchanged (see `build.rs`). [`keep_bytes`]
/// keeps it as it is.
pub(crate) type Settle<'a> = dyn Fn(OutputFile) -> crate::Result<OutputFile> + Sync + 'a;

/// The [`Settle`] that keeps every file's bytes.
pub fn keep_bytes(file: OutputFile) -> crate::Result<OutputFile> {
    Ok(file)
}

/// Every report in every language it is written in, the source language first.
pub fn site_reports(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
) -> Vec<SearchReport> {
    report_views(content, config, units, style)
        .iter()
        .map(ReportView::to_report)
        .collect()
}

/// [`site_reports`] borrowing the text from `content`.
fn report_views<'a>(
    content: &'a Content,
    config: &Config,
    units: &UnitCatalog,
    style: UrlStyle,
) -> Vec<ReportView<'a>> {
    let source = config.source_lang();
    content
        .reports
        .par_iter()
        .map(|report| {
            let mut langs: Vec<_> = report.texts.keys().copied().collect();
            langs.sort_by_key(|&l| (l != source, l));
            let entries = langs
                .into_iter()
                .map(|lang| (lang, entry_view(report, lang, units, style)))
                .collect();
            ReportView { entries }
        })
        .collect()
}

/// The searchable text of `report` in `lang` (which it must have).
fn entry_view<'a>(
    report: &'a Report,
    lang: Lang,
    units: &UnitCatalog,
    style: UrlStyle,
) -> EntryView<'a> {
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
                Some(u) => format!("{label} {}", report.display(m, u, lang)),
                None => format!("{label} {} {}", m.value, m.unit),
            }
        })
        .collect();
    EntryView {
        url: Cow::Owned(style.dir(&urls::report_dir(lang, &report.section, &report.slug))),
        date: Cow::Owned(report.date.to_string()),
        title: &text.title,
        zone: text.zone.as_deref().unwrap_or_default(),
        region: text.region.as_deref().unwrap_or_default(),
        tags: &text.tags,
        summary: text.summary.as_deref().unwrap_or_default(),
        metrics: Cow::Owned(metrics),
        body: &text.body.text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputData;
    use crate::testutil::{config, file, load};
    use std::sync::Mutex;

    /// Six reports, two of them in both languages: two document chunks per language.
    fn content() -> Content {
        let mut files = Vec::new();
        for i in 0..6 {
            let zh = format!(
                "---\ntitle: 报告{i}\ndate: 2025-05-0{}\n---\n太原开发区 {i}\n",
                i + 1
            );
            files.push(file(&format!("reports/r{i}.zh.md"), &zh));
            if i < 2 {
                let en = format!("---\ntitle: Report {i}\n---\nTaiyuan zone {i}\n");
                files.push(file(&format!("reports/r{i}.en.md"), &en));
            }
        }
        let (content, diags) = load(files);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        content
    }

    fn index(settle: &Settle<'_>) -> crate::Result<(Vec<OutputFile>, Work)> {
        let config = config();
        let units = UnitCatalog::builtin();
        output_files(&content(), &config, &units, UrlStyle::Online, None, settle)
    }

    #[test]
    fn each_index_file_is_settled_once_with_the_bytes_a_kept_index_has() {
        let (kept, work) = index(&keep_bytes).unwrap();
        assert_eq!(work, Work::Built);
        let settled = Mutex::new(Vec::new());
        let stage = |mut f: OutputFile| {
            let bytes = f
                .as_bytes()
                .expect("a file is settled once, with its bytes");
            settled
                .lock()
                .unwrap()
                .push((f.path.clone(), bytes.to_vec()));
            f.data = OutputData::Staged;
            Ok(f)
        };
        let (staged, _) = index(&stage).unwrap();

        let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&staged), paths(&kept));
        assert!(staged.iter().all(|f| f.data == OutputData::Staged));
        let mut settled = settled.into_inner().unwrap();
        settled.sort();
        let mut expected: Vec<(String, Vec<u8>)> = kept
            .iter()
            .map(|f| (f.path.clone(), f.as_bytes().unwrap().to_vec()))
            .collect();
        expected.sort();
        assert_eq!(settled, expected);
        // meta.js, the state file, token shards and two chunks per language.
        let chunks = |lang: &str| {
            expected
                .iter()
                .filter(|(p, _)| p.starts_with(&format!("search/{lang}/d")))
                .count()
        };
        assert_eq!((chunks("zh"), chunks("en")), (2, 2));
        assert!(expected
            .iter()
            .any(|(p, _)| p == crate::emit::search::META_PATH));
    }

    #[test]
    fn a_file_that_cannot_be_settled_fails_the_index_with_its_path() {
        let stage = |f: OutputFile| {
            if f.path == "search/en/d1.js" {
                Err(crate::Error::write(
                    &f.path,
                    std::io::Error::other("disk full"),
                ))
            } else {
                Ok(f)
            }
        };
        let err = index(&stage).unwrap_err().to_string();
        assert!(err.contains("search/en/d1.js"), "{err}");
    }
}
