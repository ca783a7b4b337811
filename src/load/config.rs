//! Site configuration: `site.yaml`.

use crate::diag::Diagnostic;
use crate::load::frontmatter;
use crate::model::units::{CustomDimension, CustomUnit};
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A text given once for all languages or per language code.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawLocalized {
    One(String),
    PerLang(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: RawLocalized,
    #[serde(default)]
    description: Option<RawLocalized>,
    base_url: String,
    languages: Vec<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    paginate: Option<usize>,
    #[serde(default)]
    units: Vec<CustomUnit>,
    #[serde(default)]
    dimensions: Vec<CustomDimension>,
    #[serde(default)]
    require_quotes: bool,
    #[serde(default)]
    deploy: Vec<crate::load::deploy_targets::RawTarget>,
}

/// The resolved site configuration (serialized only to fingerprint it; see
/// `render::Stamp`).
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: BTreeMap<Lang, String>,
    pub description: BTreeMap<Lang, String>,
    /// Absolute http(s) URL, always ending in `/`.
    pub base_url: String,
    /// The site's languages; the first is the source language.
    pub languages: Vec<Lang>,
    pub theme: String,
    /// Reports per list page (home shows the latest this many).
    pub paginate: usize,
    /// The site's own units (`units:` in site.yaml), added to the built-in
    /// catalogue with [`UnitCatalog::with_custom`](crate::model::units::UnitCatalog::with_custom).
    pub units: Vec<CustomUnit>,
    /// The dimensions the site's units add (`dimensions:` in site.yaml).
    pub dimensions: Vec<CustomDimension>,
    /// Every metric must have a `quote` (`require_quotes: true`): one
    /// without is a warning (see `quote::diagnostics`).
    pub require_quotes: bool,
    /// Where `briefing deploy` publishes the site (`deploy:`). Not part of
    /// any page, so not in the pages' stamps.
    #[serde(skip)]
    pub deploy: Vec<crate::load::deploy_targets::DeployTarget>,
}

impl Config {
    pub fn source_lang(&self) -> Lang {
        self.languages[0]
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.title
            .get(&lang)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn description(&self, lang: Lang) -> &str {
        self.description
            .get(&lang)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Parses and validates `site.yaml`; `path` is used in diagnostics.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = frontmatter::parse_file(text, path).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let line = |key: &str| {
            text.lines()
                .position(|l| l.starts_with(&format!("{key}:")))
                .map(|i| i + 1)
        };

        let languages = read_languages(&raw.languages, path, line("languages"), &mut errors);
        let base_url = read_base_url(&raw.base_url, path, line("base_url"), &mut errors);

        let title = localize(
            &raw.title,
            &languages,
            "title",
            path,
            line("title"),
            &mut errors,
        );
        let description = match &raw.description {
            Some(d) => localize(
                d,
                &languages,
                "description",
                path,
                line("description"),
                &mut errors,
            ),
            None => BTreeMap::new(),
        };

        if raw.paginate == Some(0) {
            errors.push(
                Diagnostic::error(path, line("paginate"), "`paginate` must be at least 1")
                    .with_hint("give the number of reports per list page, e.g. `paginate: 20`"),
            );
        }
        let (deploy, deploy_errors) = crate::load::deploy_targets::resolve(raw.deploy, text, path);
        errors.extend(deploy_errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            title,
            description,
            base_url,
            languages,
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            paginate: raw.paginate.unwrap_or(20),
            units: raw.units,
            dimensions: raw.dimensions,
            require_quotes: raw.require_quotes,
            deploy,
        })
    }
}

/// The site's languages from their codes, source language first.
fn read_languages(
    codes: &[String],
    path: &Path,
    line: Option<usize>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Lang> {
    let mut languages = Vec::new();
    for code in codes {
        match Lang::from_code(code) {
            Some(l) if languages.contains(&l) => errors.push(
                Diagnostic::error(path, line, format!("language `{code}` is listed twice"))
                    .with_hint("list each language once; the first is the source language"),
            ),
            Some(l) => languages.push(l),
            None => errors.push(
                Diagnostic::error(path, line, format!("unsupported language `{code}`")).with_hint(
                    "briefing sites are written in `zh` and `en`, e.g. `languages: [zh, en]`",
                ),
            ),
        }
    }
    if codes.is_empty() {
        errors.push(
            Diagnostic::error(path, line, "`languages` is empty")
                .with_hint("list the site's languages, source first, e.g. `languages: [zh, en]`"),
        );
    }
    languages
}

/// `base_url`, which must be an absolute http(s) URL, ending in `/`.
fn read_base_url(
    raw: &str,
    path: &Path,
    line: Option<usize>,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let base_url = raw.trim().to_string();
    let is_http = base_url.starts_with("https://") || base_url.starts_with("http://");
    let host = base_url.split("://").nth(1).unwrap_or_default();
    if !is_http
        || host.is_empty()
        || host.starts_with('/')
        || base_url.contains(char::is_whitespace)
    {
        errors.push(
            Diagnostic::error(
                path,
                line,
                format!("`base_url` `{base_url}` is not an absolute http(s) URL"),
            )
            .with_hint(
                "write the published address, e.g. `base_url: https://example.org/briefing/`",
            ),
        );
    }
    if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    }
}

fn localize(
    raw: &RawLocalized,
    languages: &[Lang],
    key: &str,
    path: &Path,
    line: Option<usize>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<Lang, String> {
    match raw {
        RawLocalized::One(s) => languages.iter().map(|&l| (l, s.clone())).collect(),
        RawLocalized::PerLang(map) => {
            for code in map.keys() {
                if !languages.iter().any(|l| l.code() == code) {
                    errors.push(
                        Diagnostic::error(
                            path,
                            line,
                            format!(
                                "`{key}` has a `{code}` entry but `{code}` is not in `languages`"
                            ),
                        )
                        .with_hint("give one entry per language listed in `languages`"),
                    );
                }
            }
            let mut out = BTreeMap::new();
            for &l in languages {
                match map.get(l.code()) {
                    Some(s) => {
                        out.insert(l, s.clone());
                    }
                    None => errors.push(
                        Diagnostic::error(path, line, format!("`{key}` has no `{l}` entry"))
                            .with_hint(format!("add `{l}: ...` under `{key}`")),
                    ),
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("site.yaml"))
    }

    #[test]
    fn parses_a_full_config() {
        let c = parse("title: {zh: 简报, en: Briefing}\nbase_url: https://example.org/b\nlanguages: [zh, en]\n").unwrap();
        assert_eq!(c.languages, vec![Lang::Zh, Lang::En]);
        assert_eq!(c.base_url, "https://example.org/b/");
        assert_eq!(c.title(Lang::En), "Briefing");
        assert_eq!(c.theme, "default");
    }

    #[test]
    fn reports_every_problem() {
        let errs =
            parse("title: {zh: 简报}\nbase_url: example.org\nlanguages: [zh, fr]\n").unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert!(
            msgs.contains(&(Some(3), "unsupported language `fr`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(l, m)| *l == Some(2) && m.contains("not an absolute")),
            "{msgs:?}"
        );
    }

    #[test]
    fn custom_units() {
        let c = parse("title: t\nbase_url: https://e.org/\nlanguages: [zh, en]\nunits:\n  - {zh: 艘, en: ships, dimension: count, factor: 1, base: 个}\n").unwrap();
        assert_eq!(c.units.len(), 1);
        assert_eq!(c.units[0].zh, "艘");
        assert!(
            parse("title: t\nbase_url: https://e.org/\nlanguages: [zh]\n")
                .unwrap()
                .units
                .is_empty()
        );
    }

    #[test]
    fn require_quotes_is_off_unless_asked() {
        let base = "title: t\nbase_url: https://e.org/\nlanguages: [zh, en]\n";
        assert!(!parse(base).unwrap().require_quotes);
        let asked = format!("{base}require_quotes: true\n");
        assert!(parse(&asked).unwrap().require_quotes);
    }

    #[test]
    fn missing_title_translation() {
        let errs = parse("title: {zh: 简报}\nbase_url: https://e.org/\nlanguages: [zh, en]\n")
            .unwrap_err();
        assert_eq!(errs[0].message, "`title` has no `en` entry");
    }
}
