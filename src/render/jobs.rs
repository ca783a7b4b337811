//! The pages of a site, listed before any is rendered (so all can render
//! in parallel): one [`Job`] per page.

use super::RenderInput;
use crate::render::taxonomy::{Taxonomies, TaxonomyKind};
use crate::Lang;

/// A page to render, described before rendering so all can run in parallel
/// (and so `serve` can render only the pages a change affects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Job<'a> {
    Landing,
    Home(Lang),
    /// A section's list page.
    Section {
        lang: Lang,
        section: &'a str,
        /// 1-based.
        page: usize,
    },
    Report {
        lang: Lang,
        /// Index into `Content::reports`.
        report: usize,
    },
    /// The index of a taxonomy at `<lang>/<kind>/` (with taxonomy_index.html).
    TaxonomyIndex(Lang, TaxonomyKind),
    /// A term's list page (with taxonomy.html).
    Term {
        lang: Lang,
        kind: TaxonomyKind,
        /// Index into the taxonomy's terms.
        term: usize,
        /// 1-based.
        page: usize,
    },
    /// A 404 page: the language's, or the one at the site's root.
    NotFound {
        lang: Lang,
        at_root: bool,
    },
    /// The metrics dashboard at `<lang>/metrics/` (when the theme has one).
    Dashboard(Lang),
    /// The search page at `<lang>/search/` (when the theme has one).
    Search(Lang),
}

/// Whether the theme has the template `name`.
pub(super) fn has_template(theme: &crate::render::theme::Theme, name: &str) -> bool {
    theme.templates.iter().any(|(n, _)| n == name)
}

/// Whether the theme has a search page (and so wants a search index).
pub(crate) fn has_search_page(theme: &crate::render::theme::Theme) -> bool {
    has_template(theme, "search.html")
}

/// Every page of the site, the big ones (dashboards, lists) first, so the
/// many small report pages fill in around them on the other threads.
pub(super) fn site_pages_of<'a>(input: &RenderInput<'a>, taxonomies: &Taxonomies) -> Vec<Job<'a>> {
    let config = input.config;
    let mut jobs = Vec::new();
    if has_template(input.theme, "dashboard.html") {
        jobs.extend(config.languages.iter().map(|&l| Job::Dashboard(l)));
    }
    if has_search_page(input.theme) {
        jobs.extend(config.languages.iter().map(|&l| Job::Search(l)));
    }
    jobs.push(Job::Landing);
    for &lang in &config.languages {
        jobs.push(Job::Home(lang));
        jobs.push(Job::NotFound {
            lang,
            at_root: false,
        });
        for (name, section) in &input.content.sections {
            if !name.is_empty() {
                let per_page = section.paginate.unwrap_or(config.paginate);
                let count = input
                    .content
                    .reports
                    .iter()
                    .filter(|r| &r.section == name)
                    .count();
                for n in 1..=count.div_ceil(per_page).max(1) {
                    jobs.push(Job::Section {
                        lang,
                        section: name,
                        page: n,
                    });
                }
            }
        }
        for (i, rep) in input.content.reports.iter().enumerate() {
            if rep.texts.contains_key(&lang) {
                jobs.push(Job::Report { lang, report: i });
            }
        }
    }
    jobs.push(Job::NotFound {
        lang: config.source_lang(),
        at_root: true,
    });
    jobs.extend(taxonomy_pages(input, taxonomies));
    jobs
}

/// The tag, region and zone pages and their indexes (those the theme has
/// templates for).
pub(super) fn taxonomy_pages<'a>(input: &RenderInput<'a>, taxonomies: &Taxonomies) -> Vec<Job<'a>> {
    let config = input.config;
    let term_index = has_template(input.theme, "taxonomy_index.html");
    let term_pages = has_template(input.theme, "taxonomy.html");
    let mut jobs = Vec::new();
    if !term_index && !term_pages {
        return jobs;
    }
    for &lang in &config.languages {
        for kind in TaxonomyKind::ALL {
            if term_index {
                jobs.push(Job::TaxonomyIndex(lang, kind));
            }
            if term_pages {
                let per_page = config.paginate;
                for (ti, term) in taxonomies.get(lang, kind).terms.iter().enumerate() {
                    for n in 1..=term.reports.len().div_ceil(per_page).max(1) {
                        jobs.push(Job::Term {
                            lang,
                            kind,
                            term: ti,
                            page: n,
                        });
                    }
                }
            }
        }
    }
    jobs
}
