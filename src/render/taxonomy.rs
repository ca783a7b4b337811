//! Taxonomies: the tags and regions of the reports, per language, with the
//! URL slug of every term.
//!
//! A term's slug is its name when that is already URL-safe (`光机电`), else a
//! derived one: lower case, runs of other characters turned into `-`
//! (`Smart Manufacturing` → `smart-manufacturing`). Two different terms of
//! one language with the same slug would share a page: that is an error.

use crate::diag::Diagnostic;
use crate::load::config::Config;
use crate::model::content::{Content, Report, ReportText};
use crate::Lang;
use std::collections::{BTreeMap, HashMap};

/// A kind of taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TaxonomyKind {
    Tags,
    Regions,
    Zones,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 3] = [
        TaxonomyKind::Tags,
        TaxonomyKind::Regions,
        TaxonomyKind::Zones,
    ];

    /// The folder below `<lang>/` and the name used in templates.
    pub fn name(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Regions => "regions",
            TaxonomyKind::Zones => "zones",
        }
    }

    /// The singular, for messages.
    fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Tags => "tag",
            TaxonomyKind::Regions => "region",
            TaxonomyKind::Zones => "zone",
        }
    }

    /// The terms a report's text has in this taxonomy, in order.
    /// Where `text` writes its terms of this kind: file and line.
    fn written_at(self, text: &ReportText) -> Option<&(std::path::PathBuf, usize)> {
        match self {
            TaxonomyKind::Tags => text.terms_at.tags.as_ref(),
            TaxonomyKind::Regions => text.terms_at.region.as_ref(),
            TaxonomyKind::Zones => text.terms_at.zone.as_ref(),
        }
    }

    fn terms(self, text: &ReportText) -> Vec<&str> {
        let list: Vec<&str> = match self {
            TaxonomyKind::Tags => text.tags.iter().map(String::as_str).collect(),
            TaxonomyKind::Regions => text.region.as_deref().into_iter().collect(),
            TaxonomyKind::Zones => text.zone.as_deref().into_iter().collect(),
        };
        list.into_iter()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    }
}

/// One tag or region in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub name: String,
    pub slug: String,
    /// Indices into `Content::reports` (so newest first).
    pub reports: Vec<usize>,
    /// The same term in other languages (their names), when every report
    /// that has it agrees on one translation.
    pub alternates: BTreeMap<Lang, String>,
}

/// Every term of one kind in one language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Taxonomy {
    /// Sorted by slug.
    pub terms: Vec<Term>,
    by_name: HashMap<String, usize>,
}

impl Taxonomy {
    pub fn get(&self, name: &str) -> Option<&Term> {
        self.by_name.get(name.trim()).map(|&i| &self.terms[i])
    }
}

/// The taxonomies of a site, by language and kind.
#[derive(Debug, Clone, Default)]
pub(crate) struct Taxonomies {
    map: BTreeMap<(Lang, TaxonomyKind), Taxonomy>,
}

impl Taxonomies {
    /// The terms of `kind` in `lang` (empty when there are none).
    pub fn get(&self, lang: Lang, kind: TaxonomyKind) -> &Taxonomy {
        static EMPTY: std::sync::OnceLock<Taxonomy> = std::sync::OnceLock::new();
        self.map
            .get(&(lang, kind))
            .unwrap_or_else(|| EMPTY.get_or_init(Taxonomy::default))
    }

    /// Collects the taxonomies. A language's taxonomy holds the reports that
    /// have a text in that language. Returns an error for every two terms
    /// whose slugs clash.
    pub fn collect(content: &Content, config: &Config) -> (Taxonomies, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut map = BTreeMap::new();
        for &lang in &config.languages {
            for kind in TaxonomyKind::ALL {
                map.insert((lang, kind), collect_one(content, lang, kind, &mut diags));
            }
        }
        let mut tax = Taxonomies { map };
        tax.link_translations(content, config);
        (tax, diags)
    }

    /// Fills `Term::alternates`: a term's translation is the term at the same
    /// place in the other language's text of each report that has it
    /// (the region, or the tag at the same position when both texts have
    /// the same number of tags), when all those reports agree.
    fn link_translations(&mut self, content: &Content, config: &Config) {
        let mut found: Vec<((Lang, TaxonomyKind), usize, Lang, String)> = Vec::new();
        for (&(lang, kind), tax) in &self.map {
            for (ti, term) in tax.terms.iter().enumerate() {
                for &other in config.languages.iter().filter(|&&l| l != lang) {
                    if let Some(name) = translate(content, term, lang, other, kind) {
                        if let Some(t) = self.map.get(&(other, kind)).and_then(|x| x.get(&name)) {
                            found.push(((lang, kind), ti, other, t.name.clone()));
                        }
                    }
                }
            }
        }
        for (key, ti, other, name) in found {
            if let Some(tax) = self.map.get_mut(&key) {
                tax.terms[ti].alternates.insert(other, name);
            }
        }
    }
}

fn translate(
    content: &Content,
    term: &Term,
    lang: Lang,
    other: Lang,
    kind: TaxonomyKind,
) -> Option<String> {
    let mut answer: Option<&str> = None;
    for &i in &term.reports {
        let r: &Report = &content.reports[i];
        let Some(there) = r.texts.get(&other) else {
            continue;
        };
        let here = kind.terms(&r.texts[&lang]);
        let there = kind.terms(there);
        if here.len() != there.len() {
            return None;
        }
        let pos = here.iter().position(|t| *t == term.name)?;
        match answer {
            None => answer = Some(there[pos]),
            Some(a) if a == there[pos] => {}
            Some(_) => return None,
        }
    }
    answer.map(str::to_string)
}

fn collect_one(
    content: &Content,
    lang: Lang,
    kind: TaxonomyKind,
    diags: &mut Vec<Diagnostic>,
) -> Taxonomy {
    // slug -> (name, file of first use, reports)
    let mut by_slug: BTreeMap<String, (String, String, Vec<usize>)> = BTreeMap::new();
    let mut reported: Vec<(String, String)> = Vec::new();
    for (i, r) in content.reports.iter().enumerate() {
        let Some(text) = r.texts.get(&lang) else {
            continue;
        };
        let file = text.path.display().to_string();
        for name in kind.terms(text) {
            let slug = slugify(name);
            let entry = by_slug
                .entry(slug.clone())
                .or_insert_with(|| (name.to_string(), file.clone(), Vec::new()));
            if entry.0 != name {
                let pair = (entry.0.clone(), name.to_string());
                if !reported.contains(&pair) {
                    let (path, line) = match kind.written_at(text) {
                        Some((path, line)) => (path, Some(*line)),
                        None => (&text.path, None),
                    };
                    diags.push(
                        Diagnostic::error(
                            path,
                            line,
                            format!(
                                "{} `{name}` and {} `{}` (in {}) both make the page `{lang}/{}/{slug}/`",
                                kind.singular(),
                                kind.singular(),
                                entry.0,
                                entry.1,
                                kind.name(),
                            ),
                        )
                        .with_hint(format!(
                            "write the {} the same way in both files, or rename one of them",
                            kind.singular()
                        )),
                    );
                    reported.push(pair);
                }
                continue;
            }
            if entry.2.last() != Some(&i) {
                entry.2.push(i);
            }
        }
    }
    let terms: Vec<Term> = by_slug
        .into_iter()
        .map(|(slug, (name, _, reports))| Term {
            name,
            slug,
            reports,
            alternates: BTreeMap::new(),
        })
        .collect();
    let by_name = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    Taxonomy { terms, by_name }
}

/// The URL slug of a term: the name itself when it is lower case and made
/// of letters, digits, `-` and `_`; otherwise lower-cased, with every run of
/// other characters (spaces, punctuation, `.`) turned into one `-`. A name
/// with no letters or digits at all gets `t-` and the hex of its bytes.
///
/// A slug is a folder name, and file systems take at most 255 bytes: one
/// longer than [`MAX_SLUG_BYTES`] keeps its first characters and ends with
/// `-` and a hash of the whole name, so two long names that begin alike
/// still get pages of their own.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
        out = format!("t-{hex}");
    }
    if out.len() > MAX_SLUG_BYTES {
        const TAIL: usize = 9; // `-` and 8 hex digits
        let mut cut = MAX_SLUG_BYTES - TAIL;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        let hash = crate::hash::name_suffix(name);
        out = format!("{}-{hash:08x}", out.trim_end_matches('-'));
    }
    out
}

/// The longest slug [`slugify`] makes, in bytes.
pub(crate) const MAX_SLUG_BYTES: usize = 96;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("光机电"), "光机电");
        assert_eq!(slugify("MLED"), "mled");
        assert_eq!(slugify("Smart  Manufacturing"), "smart-manufacturing");
        assert_eq!(
            slugify("government–business relations"),
            "government-business-relations"
        );
        assert_eq!(slugify("U.S. ties."), "u-s-ties");
        assert_eq!(slugify("a_b-c"), "a_b-c");
        assert_eq!(slugify("亲清/政商"), "亲清-政商");
        assert_eq!(slugify("—"), "t-e28094");
    }

    #[test]
    fn long_names_make_short_slugs_that_stay_apart() {
        let long = |tail: &str| format!("{}{tail}", "开发区".repeat(40));
        let (a, b) = (slugify(&long("甲")), slugify(&long("乙")));
        assert_ne!(a, b);
        for slug in [&a, &b] {
            assert!(slug.len() <= MAX_SLUG_BYTES, "{slug}");
            assert!(slug.starts_with("开发区开发区"), "{slug}");
        }
        assert_eq!(a, slugify(&long("甲")), "the same name, the same slug");
        // The hex of a long name without letters or digits, and an ASCII one.
        for name in [
            "—".repeat(60),
            "x".repeat(300),
            format!("{} y", "x".repeat(95)),
        ] {
            let slug = slugify(&name);
            assert!(slug.len() <= MAX_SLUG_BYTES, "{slug}");
            assert!(!slug.contains("--"), "{slug}");
        }
        // Up to the limit, a slug is the name.
        assert_eq!(
            slugify(&"x".repeat(MAX_SLUG_BYTES)),
            "x".repeat(MAX_SLUG_BYTES)
        );
    }
}
