//! Rendering: turns the site model into pages through the theme's templates.
//!
//! Templates never see the model itself, only the view structs below (the
//! contract documented in themes/README.md). Rendering does no I/O: it
//! returns the files to write.

pub mod dashboard;
pub(crate) mod filters;
mod jobs;
mod stamp;
pub mod taxonomy;
pub mod theme;
mod views;

pub(crate) use jobs::{has_search_page, Job};
use jobs::{has_template, site_pages_of};
pub(crate) use stamp::unstamped;
use stamp::{ContextValue, Stamp};
use views::*;

use crate::diag::Diagnostic;
use crate::emit::feeds::{self, SitemapPage};
use crate::hash::fingerprint::{self, Fingerprinter};
use crate::load::config::Config;
use crate::model::content::{Content, Metric, Report, ReportText, SortOrder};
use crate::model::units::UnitCatalog;
use crate::model::urls::{self, UrlStyle};
use crate::output::{OutputData, OutputFile};
use crate::render::taxonomy::{Taxonomies, TaxonomyKind, Term};
use crate::Lang;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hasher;
use std::sync::{Mutex, OnceLock};
use theme::Theme;

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RenderOptions {
    pub style: UrlStyle,
    pub minify: bool,
}

/// Registers the helpers templates may call (`metric` filter).
pub(crate) fn register_template_helpers(tera: &mut tera::Tera, units: std::sync::Arc<UnitCatalog>) {
    crate::render::filters::register_filters(tera, units);
}

/// Number of latest reports per language on the landing page.
const LANDING_REPORTS: usize = 5;

/// Tells whether the previous build's file at `path` ends with `bytes`.
pub(crate) type IsCurrent<'a> = dyn Fn(&str, &[u8]) -> bool + Sync + 'a;

/// Everything a render needs, borrowed.
pub(crate) struct RenderInput<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    pub theme: &'a Theme,
    pub tera: &'a crate::render::theme::Templates,
    pub units: &'a UnitCatalog,
    pub options: RenderOptions,
    /// Tells whether the previous build's page (in the output folder for
    /// `build`, in memory for `serve`) ends with the given stamp (see
    /// [`Stamp`]): a page with the same input is then returned as
    /// `OutputData::Unchanged` without being rendered. None: no stamps.
    pub up_to_date: Option<&'a IsCurrent<'a>>,
    /// Where rendered pages are written at once (they come back as
    /// `OutputData::Staged`); None keeps them in memory.
    pub stage: Option<&'a Stage<'a>>,
}

/// Writes a file of the site (path below the output folder, bytes).
pub(crate) type Stage<'a> = dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync + 'a;

struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    site: BTreeMap<Lang, tera::Value>,
    strings: BTreeMap<Lang, tera::Value>,
    taxonomies: &'a Taxonomies,
    /// Whether the theme renders tag and region pages (taxonomy.html).
    term_pages: bool,
    /// Each section's reports in list order, by language: worked out once,
    /// as each of a section's list pages would otherwise go through every
    /// report of the site (quadratic in the number of reports).
    section_orders: HashMap<(Lang, &'a str), Vec<usize>>,
    /// Every page rendered (but the 404s), for the sitemap.
    sitemap: Mutex<Vec<SitemapPage>>,
    stamp: Stamp,
    /// Report cards' fingerprints by report and language (see
    /// [`Renderer::card_fingerprint`]).
    cards: Vec<OnceLock<u64>>,
}

/// The cards of a list page in `lang`: the reports' indices. A card is on
/// several pages, so a page's stamp takes each card's fingerprint, made
/// once, instead of the card itself; the cards are made only when the page
/// is rendered.
struct Cards<'c, 'a> {
    renderer: &'c Renderer<'a>,
    lang: Lang,
    reports: Vec<usize>,
}

impl ContextValue for Cards<'_, '_> {
    fn feed(&self, hasher: &mut Fingerprinter) {
        hasher.write_usize(self.reports.len());
        for &i in &self.reports {
            hasher.write_u64(self.renderer.card_fingerprint(i, self.lang));
        }
    }

    fn to_value(&self) -> tera::Value {
        let views: Vec<CardView> = self
            .reports
            .iter()
            .map(|&i| self.renderer.card(i, self.lang))
            .collect();
        value(&views)
    }
}

impl<'a> Renderer<'a> {
    fn config(&self) -> &'a Config {
        self.input.config
    }

    fn style(&self) -> UrlStyle {
        self.input.options.style
    }

    fn source(&self) -> Lang {
        self.config().source_lang()
    }

    fn strings(&self, lang: Lang) -> &'a serde_json::Map<String, serde_json::Value> {
        static EMPTY: std::sync::OnceLock<serde_json::Map<String, serde_json::Value>> =
            std::sync::OnceLock::new();
        self.input
            .theme
            .i18n
            .get(&lang)
            .unwrap_or_else(|| EMPTY.get_or_init(Default::default))
    }

    fn metric_views(
        &self,
        report: &'a Report,
        metrics: impl Iterator<Item = &'a Metric>,
        text: &'a ReportText,
        lang: Lang,
    ) -> Vec<MetricView<'a>> {
        metrics
            .map(|m| {
                let unit = self.input.units.lookup(&m.unit);
                MetricView {
                    key: &m.key,
                    label: text
                        .labels
                        .get(&m.key)
                        .map(String::as_str)
                        .unwrap_or(&m.key),
                    display: unit.map(|u| report.display(m, u, lang)).unwrap_or_default(),
                    value: m.value,
                    unit: &m.unit,
                    qualifier: m.qualifier,
                    noun: report.noun(&m.key),
                    quote: m.quote.as_deref().unwrap_or_default(),
                    card: m.card,
                    dimension: unit
                        .map(|u| u.dimension().name().to_string())
                        .unwrap_or_default(),
                    dimension_label: unit
                        .map(|u| {
                            self.input
                                .units
                                .dimension_label(u.dimension(), lang)
                                .to_string()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The card of report `index` for pages in `lang` (falling back to the
    /// source text).
    fn card(&self, index: usize, lang: Lang) -> CardView<'a> {
        self.new_card(&self.input.content.reports[index], lang)
    }

    /// The fingerprint of [`Renderer::card`], made once per report and
    /// language: a report is listed on several pages (its section, tags,
    /// region, zone, home). Only fingerprints are kept: the cards of a large
    /// site, held until the last page listing them, took much of a build's
    /// memory, and a page that is up to date needs none.
    fn card_fingerprint(&self, index: usize, lang: Lang) -> u64 {
        *self
            .card_slot(index, lang)
            .get_or_init(|| fingerprint::of(&self.card(index, lang)))
    }

    fn card_slot(&self, index: usize, lang: Lang) -> &OnceLock<u64> {
        let langs = &self.config().languages;
        &self.cards[index * langs.len() + langs.iter().position(|&l| l == lang).unwrap_or(0)]
    }

    fn new_card(&self, report: &'a Report, lang: Lang) -> CardView<'a> {
        let (shown, text) = report.text_or_source(lang, self.source());
        let metrics = self.metric_views(report, report.card_metrics(), text, lang);
        CardView {
            title: &text.title,
            url: self
                .style()
                .dir(&urls::report_dir(shown, &report.section, &report.slug)),
            section: &report.section,
            zone: text.zone.as_deref().unwrap_or_default(),
            region: text.region.as_deref().unwrap_or_default(),
            date: report.date.to_string(),
            date_display: theme::format_date(report.date, self.strings(lang)),
            summary: text.summary.as_deref().unwrap_or_default(),
            tags: &text.tags,
            tag_links: text
                .tags
                .iter()
                .map(|t| TermLink {
                    name: t,
                    url: self.term_url(shown, TaxonomyKind::Tags, t),
                })
                .collect(),
            region_url: text
                .region
                .as_deref()
                .and_then(|r| self.term_url(shown, TaxonomyKind::Regions, r)),
            zone_url: text
                .zone
                .as_deref()
                .and_then(|z| self.term_url(shown, TaxonomyKind::Zones, z)),
            metrics,
            only_in: (shown != lang).then(|| LangRef {
                code: shown,
                name: shown.native_name(),
            }),
        }
    }

    fn alternates(
        &self,
        lang: Lang,
        exists: impl Fn(Lang) -> Option<(String, &'a str)>,
    ) -> Vec<Alternate<'a>> {
        self.config()
            .languages
            .iter()
            .filter(|&&l| l != lang)
            .filter_map(|&l| {
                let (url, title) = exists(l)?;
                Some(Alternate {
                    code: l,
                    name: l.native_name(),
                    permalink: urls::permalink(&self.config().base_url, &url),
                    url: self.style().dir(&url),
                    title,
                })
            })
            .collect()
    }

    /// Renders one page. `url` is the online, site-relative URL of the page.
    ///
    /// The page's stamp (see [`Stamp`]) is computed from its context first:
    /// when the output folder's file ends with it, the page is not rendered.
    fn page(
        &self,
        template: &str,
        lang: Lang,
        url: &str,
        mut page: PageView<'_>,
        extra: &[(&'static str, &dyn ContextValue)],
    ) -> Result<OutputFile, Diagnostic> {
        let out_path = urls::output_path(url);
        page.locale = lang.locale();
        page.alternate_locales = page.alternates.iter().map(|a| a.code.locale()).collect();
        if template != "404.html" {
            let entry = SitemapPage {
                permalink: page.permalink.clone(),
                lang,
                alternates: page
                    .alternates
                    .iter()
                    .map(|a| (a.code, a.permalink.clone()))
                    .collect(),
                date: page.date.clone(),
            };
            self.sitemap
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(entry);
        }
        let root = urls::root_prefix(&out_path);
        // Pages carry a stamp when there is a next build to compare with
        // (`build`, `serve`); `archive` and `check` take pages as they are.
        let stamp = self.input.up_to_date.map(|ends_with| {
            let mut stamp = self.stamp.start(template, lang);
            stamp.add("root", &root);
            stamp.add("page", &page);
            for (k, v) in extra {
                stamp.add(k, *v);
            }
            (stamp.finish(), ends_with)
        });
        if let Some((stamp, ends_with)) = &stamp {
            if ends_with(&out_path, stamp.as_bytes()) {
                return Ok(OutputFile {
                    path: out_path,
                    data: OutputData::Unchanged,
                    origin: template.to_string(),
                });
            }
        }
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &lang);
        ctx.insert("root", &root);
        ctx.insert("offline", &(self.style() == UrlStyle::Offline));
        ctx.insert_value("site", self.site[&lang].clone());
        ctx.insert_value("t", self.strings[&lang].clone());
        ctx.insert("page", &page);
        for (k, v) in extra {
            ctx.insert_value(*k, v.to_value());
        }
        let mut bytes = self
            .input
            .tera
            .render(template, &ctx)
            .map_err(|e| self.input.theme.template_error(&e))?;
        if let Some((stamp, _)) = &stamp {
            bytes.reserve_exact(stamp.len());
            bytes.extend_from_slice(stamp.as_bytes());
        }
        if let Some(stage) = self.input.stage {
            stage(&out_path, &bytes).map_err(|e| {
                Diagnostic::error(&out_path, None, format!("cannot write the page: {e}"))
                    .with_hint("check that the output folder is writable and the disk not full")
            })?;
            return Ok(OutputFile {
                path: out_path,
                data: OutputData::Staged,
                origin: template.to_string(),
            });
        }
        Ok(OutputFile::bytes(out_path, bytes, template))
    }

    fn page_view(
        &self,
        kind: &'a str,
        title: &'a str,
        url: &str,
        description: &'a str,
        alternates: Vec<Alternate<'a>>,
    ) -> PageView<'a> {
        let base = &self.config().base_url;
        let x_default = if alternates.is_empty() {
            urls::permalink(base, url)
        } else {
            // x-default is the source-language version of the page.
            alternates
                .iter()
                .find(|a| a.code == self.source())
                .map(|a| a.permalink.clone())
                .unwrap_or_else(|| urls::permalink(base, url))
        };
        PageView {
            kind,
            title,
            url: self.style().dir(url),
            permalink: urls::permalink(base, url),
            description,
            alternates,
            x_default,
            locale: "",
            alternate_locales: Vec::new(),
            date: None,
        }
    }

    /// The page of a tag or region in `lang`, when the theme has them.
    fn term_url(&self, lang: Lang, kind: TaxonomyKind, name: &str) -> Option<String> {
        if !self.term_pages {
            return None;
        }
        let term = self.taxonomies.get(lang, kind).get(name)?;
        Some(
            self.style()
                .dir(&urls::term_page_dir(lang, kind.name(), &term.slug, 1)),
        )
    }

    /// The title of a taxonomy in `lang`, from the UI strings `tags` and
    /// `regions`.
    fn kind_title(&self, lang: Lang, kind: TaxonomyKind) -> &'a str {
        let fallback = match kind {
            TaxonomyKind::Tags => "Tags",
            TaxonomyKind::Regions => "Regions",
            TaxonomyKind::Zones => "Zones",
        };
        self.strings(lang)
            .get(kind.name())
            .and_then(|v| v.as_str())
            .unwrap_or(fallback)
    }
}

/// Pages listed on each side of the current one by [`paginator`].
const PAGES_AROUND: usize = 2;

/// Page links for page `n` of `total`; `link(i)` is the URL of page `i`.
/// It lists the first and last pages and those within [`PAGES_AROUND`] of
/// page `n`, marking gaps: a list of 1,000 pages does not carry 1,000 links
/// on each of them (a million in all, growing with the square of the site).
fn paginator(n: usize, total: usize, link: impl Fn(usize) -> String) -> Paginator {
    let near = n.saturating_sub(PAGES_AROUND).max(1)..=(n + PAGES_AROUND).min(total);
    let mut shown: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(total))
        .filter(|&i| (1..=total).contains(&i))
        .collect();
    shown.dedup();
    let mut previous = 0;
    let pages = shown
        .into_iter()
        .map(|i| {
            let gap_before = i > previous + 1;
            previous = i;
            PageLink {
                number: i,
                url: link(i),
                current: i == n,
                gap_before,
            }
        })
        .collect();
    Paginator {
        current: n,
        total,
        prev: (n > 1).then(|| link(n - 1)),
        next: (n < total).then(|| link(n + 1)),
        pages,
    }
}

/// The reports of a section in `order`, as indices into `reports` (which
/// are newest first); `lang` decides the titles compared.
fn sorted_section(
    reports: &[Report],
    section: &str,
    order: SortOrder,
    lang: Lang,
    source: Lang,
) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..reports.len())
        .filter(|&i| reports[i].section == section)
        .collect();
    match order {
        SortOrder::DateDesc => {}
        SortOrder::DateAsc => idx.sort_by(|&a, &b| {
            let (ra, rb) = (&reports[a], &reports[b]);
            // Oldest day first; within a day, the editors' order.
            ra.date
                .cmp(&rb.date)
                .then_with(|| crate::model::content::same_day_order(ra, rb))
        }),
        SortOrder::Title => idx.sort_by_cached_key(|&i| {
            let r = &reports[i];
            (
                r.text_or_source(lang, source).1.title.to_lowercase(),
                std::cmp::Reverse(r.date),
                r.slug.clone(),
            )
        }),
    }
    idx
}

fn value<T: Serialize>(v: &T) -> tera::Value {
    tera::Value::from_serializable(v)
}

/// Renders every page of the site (`taxonomies` are the site's, collected
/// by the checks), and the sitemap of them. Returns all template errors at
/// once.
pub(crate) fn render_site(
    input: &RenderInput<'_>,
    taxonomies: &Taxonomies,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let jobs = site_pages_of(input, taxonomies);
    let (mut files, pages) = render_jobs(input, &jobs, taxonomies)?;
    files.extend(feeds::sitemaps(
        input.config,
        &pages,
        feeds::SitemapLimits::PROTOCOL,
    ));
    Ok(files)
}

/// What every page of a language shows of the site: its title, languages,
/// sections, taxonomies, feeds.
fn site_views<'a>(
    input: &RenderInput<'a>,
    taxonomies: &Taxonomies,
) -> BTreeMap<Lang, SiteView<'a>> {
    let config = input.config;
    let style = input.options.style;
    let term_index = has_template(input.theme, "taxonomy_index.html");
    let mut site_views = BTreeMap::new();
    for &lang in &config.languages {
        let view = SiteView {
            title: config.title(lang),
            description: config.description(lang),
            base_url: &config.base_url,
            source_lang: config.source_lang(),
            languages: config
                .languages
                .iter()
                .map(|&l| LangLink {
                    code: l,
                    name: l.native_name(),
                    title: config.title(l),
                    url: style.dir(&format!("{l}/")),
                    feed_url: feeds::feed_path(l),
                })
                .collect(),
            feed_url: feeds::feed_path(lang),
            taxonomies: if term_index {
                TaxonomyKind::ALL
                    .iter()
                    .map(|&kind| TaxonomyLink {
                        kind: kind.name(),
                        title: input
                            .theme
                            .i18n
                            .get(&lang)
                            .and_then(|s| s.get(kind.name()))
                            .and_then(|v| v.as_str())
                            .unwrap_or(kind.name()),
                        url: style.dir(&urls::taxonomy_dir(lang, kind.name())),
                        count: taxonomies.get(lang, kind).terms.len(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            sections: input
                .content
                .sections
                .values()
                .filter(|s| !s.name.is_empty())
                .map(|s| SectionLink {
                    name: &s.name,
                    title: s
                        .intro
                        .get(&lang)
                        .or_else(|| s.intro.get(&config.source_lang()))
                        .and_then(|i| i.title.as_deref())
                        .unwrap_or(&s.name),
                    url: style.dir(&urls::section_dir(lang, &s.name)),
                })
                .collect(),
            dashboard_url: has_template(input.theme, "dashboard.html")
                .then(|| style.dir(&format!("{lang}/metrics/"))),
            static_url: input.theme.static_urls(),
        };
        site_views.insert(lang, view);
    }
    site_views
}

/// Sections whose `sort` is not newest first: their reports in order, by
/// language.
fn section_orders<'a>(input: &RenderInput<'a>) -> HashMap<(Lang, &'a str), Vec<usize>> {
    let config = input.config;
    let mut section_orders = HashMap::new();
    for &lang in &config.languages {
        for (name, section) in &input.content.sections {
            let order = sorted_section(
                &input.content.reports,
                name,
                section.sort,
                lang,
                config.source_lang(),
            );
            section_orders.insert((lang, name.as_str()), order);
        }
    }
    section_orders
}

/// Renders `jobs`; returns the files and the sitemap entries of the pages.
fn render_jobs<'a>(
    input: &RenderInput<'a>,
    jobs: &[Job<'a>],
    taxonomies: &Taxonomies,
) -> Result<(Vec<OutputFile>, Vec<feeds::SitemapPage>), Vec<Diagnostic>> {
    let config = input.config;
    let has = |name: &str| has_template(input.theme, name);
    let site_views = site_views(input, taxonomies);
    let section_orders = section_orders(input);
    let strings = config
        .languages
        .iter()
        .map(|&lang| {
            let strings = input.theme.i18n.get(&lang).cloned().unwrap_or_default();
            (lang, value(&strings))
        })
        .collect();
    let r = Renderer {
        input,
        site: site_views.iter().map(|(&l, v)| (l, value(v))).collect(),
        strings,
        stamp: Stamp::new(input, &site_views),
        cards: (0..input.content.reports.len() * config.languages.len())
            .map(|_| OnceLock::new())
            .collect(),
        term_pages: has("taxonomy.html"),
        taxonomies,
        section_orders,
        sitemap: Mutex::new(Vec::new()),
    };
    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|job| r.render_job(job))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for res in results {
        match res {
            Ok(f) => files.push(f),
            Err(d) => {
                if !errors.contains(&d) {
                    errors.push(d);
                }
            }
        }
    }
    if errors.is_empty() {
        let pages = r.sitemap.into_inner().unwrap_or_else(|e| e.into_inner());
        Ok((files, pages))
    } else {
        Err(errors)
    }
}

impl<'a> Renderer<'a> {
    fn render_job(&self, job: &Job<'a>) -> Result<OutputFile, Diagnostic> {
        match *job {
            Job::Landing => self.landing(),
            Job::Home(lang) => self.home(lang),
            Job::Section {
                lang,
                section,
                page,
            } => self.section(lang, section, page),
            Job::Report { lang, report } => self.report(lang, report),
            Job::TaxonomyIndex(lang, kind) => self.taxonomy_index(lang, kind),
            Job::Term {
                lang,
                kind,
                term,
                page,
            } => self.term(lang, kind, term, page),
            Job::Dashboard(lang) => self.dashboard(lang),
            Job::Search(lang) => self.search(lang),
            Job::NotFound { lang, at_root } => {
                let url = if at_root {
                    "404.html".to_string()
                } else {
                    format!("{lang}/404.html")
                };
                let page = self.page_view("404", "404", &url, "", Vec::new());
                // A server shows the 404 page at any depth, so online its
                // links start from the site's path ("/briefing/"), not "../".
                match self.style() {
                    UrlStyle::Online => {
                        let root = urls::base_path(&self.config().base_url);
                        self.page("404.html", lang, &url, page, &[("root", &root)])
                    }
                    UrlStyle::Offline => self.page("404.html", lang, &url, page, &[]),
                }
            }
        }
    }

    /// Indices of the reports in `section` (all with None), newest first.
    fn reports_in<'s>(&self, section: Option<&'s str>) -> impl Iterator<Item = usize> + 's
    where
        'a: 's,
    {
        let reports = &self.input.content.reports;
        (0..reports.len()).filter(move |&i| section.is_none_or(|s| reports[i].section == s))
    }

    fn landing(&self) -> Result<OutputFile, Diagnostic> {
        let config = self.config();
        let langs: Vec<LandingLang<'_>> = config
            .languages
            .iter()
            .map(|&l| LandingLang {
                code: l,
                name: l.native_name(),
                title: config.title(l),
                url: self.style().dir(&format!("{l}/")),
                intro: self
                    .input
                    .content
                    .home
                    .get(&l)
                    .map(|i| i.html.as_str())
                    .unwrap_or_default(),
                reports: self
                    .reports_in(None)
                    .take(LANDING_REPORTS)
                    .map(|i| self.card(i, l))
                    .collect(),
                t: self.strings(l),
            })
            .collect();
        let lang = self.source();
        let page = self.page_view(
            "landing",
            config.title(lang),
            "",
            config.description(lang),
            Vec::new(),
        );
        self.page("landing.html", lang, "", page, &[("languages", &langs)])
    }

    fn home(&self, lang: Lang) -> Result<OutputFile, Diagnostic> {
        let config = self.config();
        let url = format!("{lang}/");
        let intro = self.input.content.home.get(&lang);
        let title = intro
            .and_then(|i| i.title.as_deref())
            .unwrap_or(config.title(lang));
        let cards = Cards {
            renderer: self,
            lang,
            reports: self.reports_in(None).take(config.paginate).collect(),
        };
        let sections: Vec<_> = self
            .input
            .content
            .sections
            .values()
            .filter(|s| !s.name.is_empty())
            .map(|s| self.section_view(lang, &s.name))
            .collect();
        let alternates = self.alternates(lang, |l| Some((format!("{l}/"), config.title(l))));
        let page = self.page_view("home", title, &url, config.description(lang), alternates);
        let intro = intro.map(|i| i.html.as_str()).unwrap_or_default();
        let extra: [(&str, &dyn ContextValue); 3] = [
            ("intro", &intro),
            ("reports", &cards),
            ("sections", &sections),
        ];
        self.page("home.html", lang, &url, page, &extra)
    }

    fn section_title(&self, lang: Lang, name: &'a str) -> &'a str {
        self.input
            .content
            .sections
            .get(name)
            .map_or(name, |s| s.title(lang, self.source()))
    }

    fn section_view(&self, lang: Lang, name: &'a str) -> SectionView<'a> {
        let intro = self
            .input
            .content
            .sections
            .get(name)
            .and_then(|s| s.intro.get(&lang));
        SectionView {
            name,
            title: self.section_title(lang, name),
            url: self.style().dir(&urls::section_dir(lang, name)),
            intro: intro.map(|i| i.html.as_str()).unwrap_or_default(),
            count: self.section_reports(lang, name).len(),
        }
    }

    /// The reports of section `name` in its list order in `lang`.
    fn section_reports(&self, lang: Lang, name: &'a str) -> &[usize] {
        self.section_orders
            .get(&(lang, name))
            .map_or(&[], Vec::as_slice)
    }

    fn section(&self, lang: Lang, name: &'a str, n: usize) -> Result<OutputFile, Diagnostic> {
        let url = urls::section_page_dir(lang, name, n);
        let view = self.section_view(lang, name);
        let per_page = self
            .input
            .content
            .sections
            .get(name)
            .and_then(|s| s.paginate)
            .unwrap_or(self.config().paginate);
        let cards = Cards {
            renderer: self,
            lang,
            reports: self
                .section_reports(lang, name)
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .copied()
                .collect(),
        };
        let total = view.count.div_ceil(per_page).max(1);
        let paginator = paginator(n, total, |i| {
            self.style().dir(&urls::section_page_dir(lang, name, i))
        });
        let alternates = self.alternates(lang, |l| {
            Some((
                urls::section_page_dir(l, name, n),
                self.section_title(l, name),
            ))
        });
        let page = self.page_view("section", view.title, &url, "", alternates);
        let extra: [(&str, &dyn ContextValue); 3] = [
            ("section", &view),
            ("reports", &cards),
            ("paginator", &paginator),
        ];
        self.page("section.html", lang, &url, page, &extra)
    }

    fn report(&self, lang: Lang, index: usize) -> Result<OutputFile, Diagnostic> {
        let reports = &self.input.content.reports;
        let report = &reports[index];
        let text = &report.texts[&lang];
        let card = self.card(index, lang);
        // The list pages that come later find the fingerprint made.
        self.card_slot(index, lang)
            .get_or_init(|| fingerprint::of(&card));
        let metrics = self.metric_views(report, report.metrics.iter(), text, lang);
        let url = urls::report_dir(lang, &report.section, &report.slug);
        let alternates = self.alternates(lang, |l| {
            report.texts.get(&l).map(|t| {
                (
                    urls::report_dir(l, &report.section, &report.slug),
                    t.title.as_str(),
                )
            })
        });
        // Neighbours in the same section and language; the list is newest first.
        let same = |r: &&Report| r.section == report.section && r.texts.contains_key(&lang);
        let nav = |r: &'a Report| NavLink {
            title: &r.texts[&lang].title,
            url: self
                .style()
                .dir(&urls::report_dir(lang, &r.section, &r.slug)),
        };
        let next = reports[..index].iter().rev().find(same).map(nav);
        let prev = reports[index + 1..].iter().find(same).map(nav);
        let view = ReportView {
            // The card's headline metrics (`Report::card_metrics`).
            card: &card,
            content: &text.body.html,
            toc: &text.body.toc,
            source: SourceView {
                publication: text.source.publication.as_deref().unwrap_or_default(),
                page: text.source.page.as_deref().unwrap_or_default(),
                author: text.source.author.as_deref().unwrap_or_default(),
                url: text.source.url.as_deref().unwrap_or_default(),
            },
            metrics,
            translation: alternates.first().cloned(),
            prev,
            next,
            extra: &text.extra,
        };
        let mut page = self.page_view(
            "report",
            &text.title,
            &url,
            text.summary.as_deref().unwrap_or_default(),
            alternates,
        );
        page.date = Some(report.date.to_string());
        self.page("report.html", lang, &url, page, &[("report", &view)])
    }

    fn search(&self, lang: Lang) -> Result<OutputFile, Diagnostic> {
        let url = format!("{lang}/search/");
        let title = |l: Lang| {
            self.strings(l)
                .get("search_page_title")
                .and_then(|v| v.as_str())
                .unwrap_or("Search")
        };
        let alternates = self.alternates(lang, |l| Some((format!("{l}/search/"), title(l))));
        let page = self.page_view("search", title(lang), &url, "", alternates);
        self.page("search.html", lang, &url, page, &[])
    }

    fn dashboard(&self, lang: Lang) -> Result<OutputFile, Diagnostic> {
        let url = format!("{lang}/metrics/");
        let title = |l: Lang| {
            self.strings(l)
                .get("dashboard_title")
                .and_then(|v| v.as_str())
                .unwrap_or("Metrics")
        };
        let view = crate::render::dashboard::dashboard(
            self.input.content,
            self.config(),
            self.input.units,
            lang,
            self.style(),
        );
        let alternates = self.alternates(lang, |l| Some((format!("{l}/metrics/"), title(l))));
        let page = self.page_view("dashboard", title(lang), &url, "", alternates);
        self.page("dashboard.html", lang, &url, page, &[("dashboard", &view)])
    }

    fn term_view(&self, lang: Lang, kind: TaxonomyKind, term: &'a Term) -> TermView<'a> {
        TermView {
            name: &term.name,
            slug: &term.slug,
            url: self
                .style()
                .dir(&urls::term_page_dir(lang, kind.name(), &term.slug, 1)),
            count: term.reports.len(),
        }
    }

    fn taxonomy_link(&self, lang: Lang, kind: TaxonomyKind) -> TaxonomyLink<'a> {
        TaxonomyLink {
            kind: kind.name(),
            title: self.kind_title(lang, kind),
            url: self.style().dir(&urls::taxonomy_dir(lang, kind.name())),
            count: self.taxonomies.get(lang, kind).terms.len(),
        }
    }

    fn taxonomy_index(&self, lang: Lang, kind: TaxonomyKind) -> Result<OutputFile, Diagnostic> {
        let url = urls::taxonomy_dir(lang, kind.name());
        #[derive(Serialize)]
        struct IndexView<'v> {
            #[serde(flatten)]
            link: TaxonomyLink<'v>,
            terms: Vec<TermView<'v>>,
        }
        // Every term of a taxonomy with its count, most used first.
        let index = |k: TaxonomyKind| {
            let mut terms: Vec<&'a Term> = self.taxonomies.get(lang, k).terms.iter().collect();
            terms.sort_by(|a, b| {
                b.reports
                    .len()
                    .cmp(&a.reports.len())
                    .then_with(|| a.name.cmp(&b.name))
            });
            IndexView {
                link: self.taxonomy_link(lang, k),
                terms: terms
                    .into_iter()
                    .map(|t| self.term_view(lang, k, t))
                    .collect(),
            }
        };
        let view = index(kind);
        // The other taxonomies too, so one page lists every tag, region and zone.
        let others: Vec<IndexView<'_>> = TaxonomyKind::ALL
            .iter()
            .filter(|&&k| k != kind)
            .map(|&k| index(k))
            .collect();
        let all: Vec<_> = TaxonomyKind::ALL
            .iter()
            .map(|&k| self.taxonomy_link(lang, k))
            .collect();
        let alternates = self.alternates(lang, |l| {
            Some((urls::taxonomy_dir(l, kind.name()), self.kind_title(l, kind)))
        });
        let page = self.page_view(
            "taxonomy_index",
            self.kind_title(lang, kind),
            &url,
            "",
            alternates,
        );
        self.page(
            "taxonomy_index.html",
            lang,
            &url,
            page,
            &[
                ("taxonomy", &view),
                ("taxonomies", &all),
                ("others", &others),
            ],
        )
    }

    fn term(
        &self,
        lang: Lang,
        kind: TaxonomyKind,
        index: usize,
        n: usize,
    ) -> Result<OutputFile, Diagnostic> {
        let per_page = self.config().paginate;
        let term = &self.taxonomies.get(lang, kind).terms[index];
        let url = urls::term_page_dir(lang, kind.name(), &term.slug, n);
        let cards = Cards {
            renderer: self,
            lang,
            reports: term
                .reports
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .copied()
                .collect(),
        };
        let total = term.reports.len().div_ceil(per_page).max(1);
        let paginator = paginator(n, total, |i| {
            self.style()
                .dir(&urls::term_page_dir(lang, kind.name(), &term.slug, i))
        });
        let alternates = self.alternates(lang, |l| {
            let name = term.alternates.get(&l)?;
            let other = self.taxonomies.get(l, kind).get(name)?;
            // The same page number when the other list is as long, else its first page.
            let pages = other.reports.len().div_ceil(per_page).max(1);
            let page_n = if n <= pages { n } else { 1 };
            Some((
                urls::term_page_dir(l, kind.name(), &other.slug, page_n),
                other.name.as_str(),
            ))
        });
        let page = self.page_view("taxonomy", &term.name, &url, "", alternates);
        let (link, view) = (
            self.taxonomy_link(lang, kind),
            self.term_view(lang, kind, term),
        );
        let extra: [(&str, &dyn ContextValue); 4] = [
            ("taxonomy", &link),
            ("term", &view),
            ("reports", &cards),
            ("paginator", &paginator),
        ];
        self.page("taxonomy.html", lang, &url, page, &extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstamped_drops_only_a_whole_stamp() {
        let page = b"<p>a</p>\n<!-- briefing 0123456789abcdef -->\n";
        assert_eq!(unstamped(page), b"<p>a</p>");
        assert_eq!(unstamped(b"<p>a</p>"), b"<p>a</p>");
        let short = b"<p>a</p>\n<!-- briefing 0123 -->\n";
        assert_eq!(unstamped(short), short);
    }

    /// The page numbers a paginator lists, `…` where it leaves pages out.
    fn listed(n: usize, total: usize) -> String {
        let p = paginator(n, total, |i| format!("p{i}/"));
        assert_eq!(p.pages.iter().filter(|l| l.current).count(), 1);
        p.pages
            .iter()
            .map(|l| {
                assert_eq!(l.url, format!("p{}/", l.number));
                let gap = if l.gap_before { "… " } else { "" };
                format!("{gap}{}", l.number)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_paginator_lists_the_ends_and_the_pages_near_the_current_one() {
        assert_eq!(listed(1, 1), "1");
        assert_eq!(listed(2, 3), "1 2 3");
        assert_eq!(listed(1, 7), "1 2 3 … 7");
        assert_eq!(listed(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(listed(5, 9), "1 … 3 4 5 6 7 … 9");
        assert_eq!(listed(1000, 1000), "1 … 998 999 1000");
        // The links a page carries no longer grow with the number of pages.
        let p = paginator(500, 1000, |i| format!("p{i}/"));
        assert_eq!(p.pages.len(), 7);
        assert_eq!(
            (p.prev.as_deref(), p.next.as_deref()),
            (Some("p499/"), Some("p501/"))
        );
    }
}
