//! Views: what templates receive. Templates never see the model, only
//! these structs (the contract documented in themes/README.md).

use crate::model::content::TocEntry;
use crate::model::units;
use crate::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize, Clone)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) base_url: &'a str,
    pub(super) source_lang: Lang,
    pub(super) languages: Vec<LangLink<'a>>,
    /// This language's Atom feed (`zh/atom.xml`).
    pub(super) feed_url: String,
    /// The taxonomy index pages (when the theme has taxonomy_index.html).
    pub(super) taxonomies: Vec<TaxonomyLink<'a>>,
    /// The content sections, for navigation: [{name, title, url}].
    pub(super) sections: Vec<SectionLink<'a>>,
    /// This language's metrics dashboard, when the theme has one.
    pub(super) dashboard_url: Option<String>,
    /// Each file below the theme's `static/` by its name there: its URL,
    /// fingerprinted for style sheets and scripts (`static/style.<hash>.css`).
    pub(super) static_url: BTreeMap<&'a str, String>,
}

#[derive(Serialize, Clone)]
pub(super) struct SectionLink<'a> {
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct LangLink<'a> {
    pub(super) code: Lang,
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) feed_url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct TaxonomyLink<'a> {
    pub(super) kind: &'static str,
    pub(super) title: &'a str,
    pub(super) url: String,
    /// Number of terms.
    pub(super) count: usize,
}

/// A tag or region with the link to its page (`url` is null when the theme
/// renders no taxonomy pages).
#[derive(Serialize, Clone)]
pub(super) struct TermLink<'a> {
    pub(super) name: &'a str,
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct TermView<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) kind: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) description: &'a str,
    pub(super) alternates: Vec<Alternate<'a>>,
    pub(super) x_default: String,
    /// `og:locale` of the page (`zh_CN`), and of its translations.
    pub(super) locale: &'static str,
    pub(super) alternate_locales: Vec<&'static str>,
    /// `YYYY-MM-DD` on report pages, else null.
    pub(super) date: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct Alternate<'a> {
    pub(super) code: Lang,
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) title: &'a str,
}

#[derive(Serialize, Clone)]
pub(super) struct LangRef {
    pub(super) code: Lang,
    pub(super) name: &'static str,
}

#[derive(Serialize, Clone)]
pub(super) struct MetricView<'a> {
    pub(super) key: &'a str,
    pub(super) label: &'a str,
    pub(super) display: String,
    pub(super) value: f64,
    pub(super) unit: &'a str,
    pub(super) qualifier: Option<units::Qualifier>,
    /// The English noun the translation gives a counted figure, if any.
    pub(super) noun: Option<&'a units::Noun>,
    pub(super) quote: &'a str,
    /// Marked `card: true` in the source.
    pub(super) card: bool,
    pub(super) dimension: String,
    pub(super) dimension_label: String,
}

#[derive(Serialize, Clone)]
pub(super) struct CardView<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) section: &'a str,
    pub(super) zone: &'a str,
    pub(super) region: &'a str,
    pub(super) date: String,
    pub(super) date_display: String,
    pub(super) summary: &'a str,
    pub(super) tags: &'a [String],
    /// The tags with links to their pages.
    pub(super) tag_links: Vec<TermLink<'a>>,
    /// The region's page, or null.
    pub(super) region_url: Option<String>,
    /// The zone's page, or null.
    pub(super) zone_url: Option<String>,
    pub(super) metrics: Vec<MetricView<'a>>,
    pub(super) only_in: Option<LangRef>,
}

#[derive(Serialize)]
pub(super) struct SourceView<'a> {
    pub(super) publication: &'a str,
    pub(super) page: &'a str,
    pub(super) author: &'a str,
    pub(super) url: &'a str,
}

#[derive(Serialize)]
pub(super) struct NavLink<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct ReportView<'a, 'c> {
    #[serde(flatten)]
    pub(super) card: &'c CardView<'a>,
    pub(super) content: &'a str,
    pub(super) toc: &'a [TocEntry],
    pub(super) source: SourceView<'a>,
    pub(super) metrics: Vec<MetricView<'a>>,
    pub(super) translation: Option<Alternate<'a>>,
    pub(super) prev: Option<NavLink<'a>>,
    pub(super) next: Option<NavLink<'a>>,
    pub(super) extra: &'a serde_json::Value,
}

#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) intro: &'a str,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct PageLink {
    pub(super) number: usize,
    pub(super) url: String,
    pub(super) current: bool,
    /// Pages between this one and the one listed before it are left out.
    pub(super) gap_before: bool,
}

/// Where a list page sits among its section's pages.
#[derive(Serialize)]
pub(super) struct Paginator {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) prev: Option<String>,
    pub(super) next: Option<String>,
    pub(super) pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub(super) struct LandingLang<'a> {
    pub(super) code: Lang,
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) intro: &'a str,
    pub(super) reports: Vec<CardView<'a>>,
    /// That language's UI strings, for its column of the landing page.
    pub(super) t: &'a serde_json::Map<String, serde_json::Value>,
}
