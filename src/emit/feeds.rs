//! Atom feeds, the sitemap and robots.txt: pure functions from the site
//! model to output files.
//!
//! Every address in these files is absolute (`base_url` + the page's online
//! URL), whatever the URL style of the build: feed readers and crawlers need
//! the published address. Text is XML-escaped here; output is deterministic
//! (report dates, never the clock).

use crate::load::config::Config;
use crate::model::content::{Content, Report};
use crate::model::date::Date;
use crate::model::units::UnitCatalog;
use crate::model::urls;
use crate::output::OutputFile;
use crate::util::escape::xml as xml_escape;
use crate::Lang;
use std::fmt::Write as _;

/// The number of newest reports in each language's feed.
pub(crate) const FEED_ENTRIES: usize = 50;

/// Where a language's Atom feed is written, e.g. `zh/atom.xml`.
pub(crate) fn feed_path(lang: Lang) -> String {
    format!("{lang}/atom.xml")
}

/// A page for the sitemap: its address and its translations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapPage {
    /// The page's absolute URL (`https://example.org/zh/reports/a/`).
    pub permalink: String,
    pub lang: Lang,
    /// The same page in the other languages: language and absolute URL.
    pub alternates: Vec<(Lang, String)>,
    /// `YYYY-MM-DD`, for `<lastmod>` (report pages).
    pub date: Option<String>,
}

/// A date as an RFC 3339 timestamp at midnight UTC.
pub(crate) fn rfc3339(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The feeds and robots.txt (the sitemap comes with the rendered pages,
/// see `render::render_site`).
pub(crate) fn site_files(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
) -> Vec<OutputFile> {
    let mut files = atom_feeds(content, config, units);
    files.push(robots(config));
    files
}

/// One Atom feed per site language, with the newest [`FEED_ENTRIES`]
/// reports that have a text in that language.
pub(crate) fn atom_feeds(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
) -> Vec<OutputFile> {
    config
        .languages
        .iter()
        .map(|&lang| {
            OutputFile::bytes(
                feed_path(lang),
                atom_feed(content, config, units, lang).into_bytes(),
                "the Atom feed",
            )
        })
        .collect()
}

fn atom_feed(content: &Content, config: &Config, units: &UnitCatalog, lang: Lang) -> String {
    let base = &config.base_url;
    let home = urls::permalink(base, &format!("{lang}/"));
    let reports: Vec<&Report> = content
        .reports
        .iter()
        .filter(|r| r.texts.contains_key(&lang))
        .take(FEED_ENTRIES)
        .collect();
    // Reports are newest first; a feed without entries gets a fixed date.
    let updated = reports
        .iter()
        .map(|r| r.date)
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let title = xml_escape(config.title(lang));
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">"
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&home));
    let _ = writeln!(x, "  <title>{title}</title>");
    if !config.description(lang).is_empty() {
        let _ = writeln!(
            x,
            "  <subtitle>{}</subtitle>",
            xml_escape(config.description(lang))
        );
    }
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&urls::permalink(base, &feed_path(lang)))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" hreflang=\"{lang}\" href=\"{}\"/>",
        xml_escape(&home)
    );
    let _ = writeln!(x, "  <author><name>{title}</name></author>");
    let _ = writeln!(x, "  <generator>briefing</generator>");
    for r in reports {
        entry(&mut x, r, config, units, lang);
    }
    x.push_str("</feed>\n");
    x
}

fn entry(x: &mut String, r: &Report, config: &Config, units: &UnitCatalog, lang: Lang) {
    let base = &config.base_url;
    let text = &r.texts[&lang];
    let link = urls::permalink(base, &urls::report_dir(lang, &r.section, &r.slug));
    let date = rfc3339(r.date);
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(&link));
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(&text.title));
    let _ = writeln!(x, "    <published>{date}</published>");
    let _ = writeln!(x, "    <updated>{date}</updated>");
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{lang}\" href=\"{}\"/>",
        xml_escape(&link)
    );
    for (&l, _) in r.texts.iter().filter(|(&l, _)| l != lang) {
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"{l}\" href=\"{}\"/>",
            xml_escape(&urls::permalink(
                base,
                &urls::report_dir(l, &r.section, &r.slug)
            ))
        );
    }
    if let Some(author) = text.source.author.as_deref().filter(|a| !a.is_empty()) {
        let _ = writeln!(
            x,
            "    <author><name>{}</name></author>",
            xml_escape(author)
        );
    }
    for tag in &text.tags {
        let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(tag));
    }
    let summary = text.summary.as_deref().unwrap_or_default();
    if !summary.is_empty() {
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(summary));
    }
    // The content: the summary and the key metrics, as escaped HTML.
    let mut html = String::new();
    if !summary.is_empty() {
        let _ = write!(html, "<p>{}</p>", xml_escape(summary));
    }
    let figures: Vec<String> = r
        .metrics
        .iter()
        .filter_map(|m| {
            let unit = units.lookup(&m.unit)?;
            let label = text.labels.get(&m.key).unwrap_or(&m.key);
            Some(format!(
                "<li>{}: {}</li>",
                xml_escape(label),
                xml_escape(&r.display(m, unit, lang))
            ))
        })
        .collect();
    if !figures.is_empty() {
        let _ = write!(html, "<ul>{}</ul>", figures.concat());
    }
    if !html.is_empty() {
        let _ = writeln!(
            x,
            "    <content type=\"html\">{}</content>",
            xml_escape(&html)
        );
    }
    x.push_str("  </entry>\n");
}

/// How much one sitemap file may hold (the sitemap protocol's limits).
#[derive(Debug, Clone, Copy)]
pub struct SitemapLimits {
    pub urls: usize,
    pub bytes: usize,
}

impl SitemapLimits {
    /// 50,000 URLs and 50 MB (52,428,800 bytes) per file.
    pub const PROTOCOL: SitemapLimits = SitemapLimits {
        urls: 50_000,
        bytes: 52_428_800,
    };
}

const SITEMAP_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const SITEMAP_TAIL: &str = "</urlset>\n";

/// The sitemap: every page with its translations as `xhtml:link`
/// alternates (itself included, plus `x-default`, the source-language page).
/// It is `sitemap.xml` while one file holds it within `limits`; a larger
/// site gets `sitemap-1.xml`, `sitemap-2.xml`, … (at the site's root, since
/// a sitemap may list only URLs below its own folder) and `sitemap.xml`
/// becomes their index, so `robots.txt` names the same file either way.
pub fn sitemaps(config: &Config, pages: &[SitemapPage], limits: SitemapLimits) -> Vec<OutputFile> {
    let mut pages: Vec<&SitemapPage> = pages.iter().collect();
    pages.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    pages.dedup_by(|a, b| a.permalink == b.permalink);
    let room = limits
        .bytes
        .saturating_sub(SITEMAP_HEAD.len() + SITEMAP_TAIL.len());
    let mut parts: Vec<String> = vec![String::from(SITEMAP_HEAD)];
    let mut count = 0;
    for p in pages {
        let entry = sitemap_entry(config, p);
        let part = parts.last_mut().expect("one part at least");
        if count > 0
            && (count == limits.urls || part.len() - SITEMAP_HEAD.len() + entry.len() > room)
        {
            parts.push(String::from(SITEMAP_HEAD));
            count = 0;
        }
        let part = parts.last_mut().expect("one part at least");
        part.push_str(&entry);
        count += 1;
    }
    for part in &mut parts {
        part.push_str(SITEMAP_TAIL);
    }
    if parts.len() == 1 {
        let only = parts.pop().unwrap_or_default();
        return vec![OutputFile::bytes(
            "sitemap.xml",
            only.into_bytes(),
            "the sitemap",
        )];
    }
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut files = Vec::with_capacity(parts.len() + 1);
    for (i, part) in parts.into_iter().enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        let url = urls::permalink(&config.base_url, &path);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            xml_escape(&url)
        );
        files.push(OutputFile::bytes(path, part.into_bytes(), "the sitemap"));
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile::bytes(
        "sitemap.xml",
        index.into_bytes(),
        "the sitemap index",
    ));
    files
}

/// One page's `<url>` element.
fn sitemap_entry(config: &Config, p: &SitemapPage) -> String {
    let mut x = String::from("  <url>\n");
    let _ = writeln!(x, "    <loc>{}</loc>", xml_escape(&p.permalink));
    if let Some(date) = &p.date {
        let _ = writeln!(x, "    <lastmod>{date}</lastmod>");
    }
    if !p.alternates.is_empty() {
        let mut all: Vec<(Lang, &str)> = vec![(p.lang, p.permalink.as_str())];
        all.extend(p.alternates.iter().map(|(l, u)| (*l, u.as_str())));
        all.sort();
        for (l, u) in &all {
            let _ = writeln!(
                x,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{l}\" href=\"{}\"/>",
                xml_escape(u)
            );
        }
        if let Some((_, u)) = all.iter().find(|(l, _)| *l == config.source_lang()) {
            let _ = writeln!(
                x,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                xml_escape(u)
            );
        }
    }
    x.push_str("  </url>\n");
    x
}

/// `robots.txt`, allowing everything and naming the sitemap. (Crawlers only
/// read it at the root of a host; under a path prefix it is informative.)
pub fn robots(config: &Config) -> OutputFile {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls::permalink(&config.base_url, "sitemap.xml")
    );
    OutputFile::bytes("robots.txt", text.into_bytes(), "robots.txt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            "title: {zh: 简报 & 汇编, en: Briefing <B>}\nbase_url: https://example.org/b/\nlanguages: [zh, en]\n",
            Path::new("site.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn escapes_text_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(
            rfc3339(Date::parse("2025-05-08").unwrap()),
            "2025-05-08T00:00:00Z"
        );
    }

    #[test]
    fn empty_feed_is_valid_and_fixed() {
        let feeds = atom_feeds(&Content::default(), &config(), &UnitCatalog::builtin());
        assert_eq!(feeds.len(), 2);
        let en = String::from_utf8(feeds[1].as_bytes().unwrap().to_vec()).unwrap();
        assert_eq!(feeds[1].path, "en/atom.xml");
        assert!(en.contains("<title>Briefing &lt;B&gt;</title>"), "{en}");
        assert!(en.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(en.contains("href=\"https://example.org/b/en/atom.xml\""));
    }

    #[test]
    fn sitemap_lists_alternates_and_x_default() {
        let pages = vec![
            SitemapPage {
                permalink: "https://example.org/b/en/reports/a/".into(),
                lang: Lang::En,
                alternates: vec![(Lang::Zh, "https://example.org/b/zh/reports/a/".into())],
                date: Some("2025-05-08".into()),
            },
            SitemapPage {
                permalink: "https://example.org/b/".into(),
                lang: Lang::Zh,
                alternates: vec![],
                date: None,
            },
        ];
        let maps = sitemaps(&config(), &pages, SitemapLimits::PROTOCOL);
        assert_eq!(maps.len(), 1, "one file while it fits");
        assert_eq!(maps[0].path, "sitemap.xml");
        let text = String::from_utf8(maps[0].as_bytes().unwrap().to_vec()).unwrap();
        let root = text.find("<loc>https://example.org/b/</loc>").unwrap();
        let a = text
            .find("<loc>https://example.org/b/en/reports/a/</loc>")
            .unwrap();
        assert!(root < a, "sorted by URL");
        assert!(text.contains("<lastmod>2025-05-08</lastmod>"));
        assert!(text.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/b/zh/reports/a/\"/>"
        ));
        assert!(text.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/b/en/reports/a/\"/>"
        ));
        let robots = robots(&config());
        assert_eq!(
            robots.as_bytes().unwrap(),
            b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/b/sitemap.xml\n"
        );
    }

    fn page(i: usize) -> SitemapPage {
        SitemapPage {
            permalink: format!("https://example.org/b/zh/reports/r{i:05}/"),
            lang: Lang::Zh,
            alternates: vec![(
                Lang::En,
                format!("https://example.org/b/en/reports/r{i:05}/"),
            )],
            date: Some("2025-05-08".into()),
        }
    }

    fn text(f: &OutputFile) -> String {
        String::from_utf8(f.as_bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn a_site_past_the_limits_gets_a_sitemap_index() {
        let pages: Vec<SitemapPage> = (0..25).map(page).collect();
        let whole = sitemaps(&config(), &pages, SitemapLimits::PROTOCOL);
        let entries = text(&whole[0]).matches("<url>").count();
        assert_eq!(entries, 25);
        // At most 10 URLs a file: three files and the index.
        let by_count = sitemaps(
            &config(),
            &pages,
            SitemapLimits {
                urls: 10,
                bytes: 1 << 20,
            },
        );
        let paths: Vec<&str> = by_count.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = by_count[..3]
            .iter()
            .map(|f| text(f).matches("<url>").count())
            .collect();
        assert_eq!(counts, [10, 10, 5]);
        let index = text(&by_count[3]);
        assert!(index.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex "));
        assert!(index.contains("<sitemap><loc>https://example.org/b/sitemap-3.xml</loc></sitemap>"));
        // Every page is in exactly one file, in order.
        let joined: String = by_count[..3].iter().map(text).collect();
        let whole_text = text(&whole[0]);
        let body = |t: &str| {
            t.lines()
                .filter(|l| l.starts_with("  "))
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(body(&joined), body(&whole_text));
        // By size: no file over the byte limit, each well formed.
        let limit = whole_text.len() / 4;
        let by_size = sitemaps(
            &config(),
            &pages,
            SitemapLimits {
                urls: 50_000,
                bytes: limit,
            },
        );
        assert!(by_size.len() >= 5, "{}", by_size.len());
        for f in &by_size {
            let t = text(f);
            assert!(t.len() <= limit, "{} is {} bytes", f.path, t.len());
            assert!(t.ends_with("</urlset>\n") || t.ends_with("</sitemapindex>\n"));
        }
        // robots.txt names sitemap.xml, the index, either way.
        assert!(text(&robots(&config())).contains("Sitemap: https://example.org/b/sitemap.xml"));
    }
}
