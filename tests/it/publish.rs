//! Publishing: Atom feeds, the sitemap, robots.txt, Open Graph metadata,
//! tag and region pages, and the order of section lists.

use crate::support::{resolve, Site};
use std::collections::{BTreeMap, BTreeSet};

/// Reading the site's own files (not the output).
pub trait SourceExt {
    fn read_source(&self, rel: &str) -> String;
}

impl SourceExt for Site {
    fn read_source(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }
}

/// A parsed XML element: name (with prefix), attributes, text, children.
#[derive(Debug, Default, Clone)]
pub struct Node {
    pub name: String,
    pub attrs: BTreeMap<String, String>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// Parses a whole document with quick-xml; panics on malformed XML.
    pub fn parse(xml: &str) -> Node {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![Node::default()];
        let open = |e: &quick_xml::events::BytesStart<'_>| Node {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.expect("well-formed attribute");
                    (
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.unescape_value().expect("attribute value").into_owned(),
                    )
                })
                .collect(),
            ..Node::default()
        };
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(open(&e)),
                Event::Empty(e) => {
                    let node = open(&e);
                    stack.last_mut().unwrap().children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().unwrap();
                    stack.last_mut().expect("balanced tags").children.push(node);
                }
                Event::Text(t) => stack.last_mut().unwrap().text += &t.decode().unwrap(),
                Event::CData(t) => {
                    stack.last_mut().unwrap().text += &String::from_utf8_lossy(&t.into_inner())
                }
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref().expect("valid character reference") {
                        Some(c) => c.to_string(),
                        None => {
                            let name = r.decode().unwrap();
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .unwrap_or_else(|| panic!("unknown entity &{name};"))
                                .to_string()
                        }
                    };
                    stack.last_mut().unwrap().text += &text;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "unclosed elements");
        let mut root = stack.pop().unwrap();
        assert_eq!(root.children.len(), 1, "one root element");
        root.children.pop().unwrap()
    }

    pub fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    pub fn one(&self, name: &str) -> &Node {
        let all = self.all(name);
        assert_eq!(all.len(), 1, "expected one <{name}> in <{}>", self.name);
        all[0]
    }

    pub fn attr(&self, name: &str) -> &str {
        self.attrs
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
    }
}

fn is_rfc3339(s: &str) -> bool {
    // YYYY-MM-DDTHH:MM:SSZ, the form the feeds use.
    let b = s.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && s.chars()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

/// Every page (`…index.html`) below public/, except the 404 pages.
fn pages(site: &Site) -> Vec<String> {
    site.snapshot()
        .into_iter()
        .map(|(p, _)| p.replace('\\', "/"))
        .filter(|p| p.ends_with("index.html"))
        .collect()
}

#[test]
fn atom_feeds_have_the_required_elements_and_absolute_urls() {
    let site = Site::sample();
    site.build_ok(&[]);
    for (lang, title) in [
        ("zh", "山西开发区简报"),
        ("en", "Shanxi Development Zones Briefing"),
    ] {
        let feed = Node::parse(&site.read(&format!("{lang}/atom.xml")));
        assert_eq!(feed.name, "feed");
        assert_eq!(feed.attr("xmlns"), "http://www.w3.org/2005/Atom");
        assert_eq!(feed.attr("xml:lang"), lang);
        assert_eq!(
            feed.one("id").text,
            format!("https://example.org/briefing/{lang}/")
        );
        assert_eq!(feed.one("title").text, title);
        assert!(is_rfc3339(&feed.one("updated").text));
        assert_eq!(feed.one("updated").text, "2025-05-08T00:00:00Z");
        let links = feed.all("link");
        let self_link = links
            .iter()
            .find(|l| l.attr("rel") == "self")
            .expect("rel=self");
        assert_eq!(
            self_link.attr("href"),
            format!("https://example.org/briefing/{lang}/atom.xml")
        );
        assert!(!feed.one("author").one("name").text.is_empty());
        let entries = feed.all("entry");
        assert_eq!(entries.len(), 6, "every report of the sample");
        for e in &entries {
            let id = &e.one("id").text;
            assert!(
                id.starts_with(&format!("https://example.org/briefing/{lang}/reports/")),
                "{id}"
            );
            assert!(!e.one("title").text.is_empty());
            assert!(is_rfc3339(&e.one("updated").text));
            let alt = e
                .all("link")
                .into_iter()
                .find(|l| l.attr("rel") == "alternate" && l.attr("hreflang") == lang)
                .expect("a link to the entry's page");
            assert_eq!(alt.attr("href"), id);
            // The page the entry points to exists.
            let rel = id.strip_prefix("https://example.org/briefing/").unwrap();
            assert!(site.exists(&format!("{rel}index.html")), "{rel}");
            assert!(!e.one("summary").text.is_empty());
        }
    }
    // The summary and the key metrics, formatted for the language.
    let en = Node::parse(&site.read("en/atom.xml"));
    let jincheng = en
        .all("entry")
        .into_iter()
        .find(|e| e.one("id").text.contains("jincheng"))
        .unwrap();
    let content = jincheng.one("content");
    assert_eq!(content.attr("type"), "html");
    assert!(
        content
            .text
            .contains("<li>Funding support: nearly CNY 3 billion</li>"),
        "{}",
        content.text
    );
    // The summary comes first, HTML-escaped (it has quotes).
    assert!(
        content
            .text
            .starts_with("<p>Driving opto-mechatronics forward")
            && content.text.contains("&quot;1+130&quot;"),
        "{}",
        content.text
    );
}

#[test]
fn feeds_hold_only_reports_in_their_language_and_escape_text() {
    let site = Site::fixture("basic");
    site.write(
        "content/reports/jincheng.en.md",
        site.read_source("content/reports/jincheng.en.md").replace(
            "summary: Jincheng uses",
            "summary: R&D <b>and</b> Jincheng uses",
        ),
    );
    site.build_ok(&[]);
    let zh = Node::parse(&site.read("zh/atom.xml"));
    assert_eq!(zh.all("entry").len(), 2);
    let en = Node::parse(&site.read("en/atom.xml"));
    let entries = en.all("entry");
    assert_eq!(entries.len(), 1, "the untranslated report is not in en");
    assert!(entries[0]
        .one("summary")
        .text
        .starts_with("R&D <b>and</b> Jincheng"));
    let categories: Vec<&str> = entries[0]
        .all("category")
        .iter()
        .map(|c| c.attr("term"))
        .collect();
    assert_eq!(categories, ["opto-mechatronics", "industrial cluster"]);
}

#[test]
fn sitemap_lists_every_page_with_its_translations() {
    let site = Site::sample();
    site.build_ok(&[]);
    let map = Node::parse(&site.read("sitemap.xml"));
    assert_eq!(map.name, "urlset");
    assert_eq!(
        map.attr("xmlns"),
        "http://www.sitemaps.org/schemas/sitemap/0.9"
    );
    assert_eq!(map.attr("xmlns:xhtml"), "http://www.w3.org/1999/xhtml");
    let base = "https://example.org/briefing/";
    let locs: BTreeSet<String> = map
        .all("url")
        .iter()
        .map(|u| u.one("loc").text.clone())
        .collect();
    let expected: BTreeSet<String> = pages(&site)
        .iter()
        .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap()))
        .collect();
    assert_eq!(locs, expected);
    assert!(locs.contains(&format!("{base}zh/tags/光机电/")));

    let report = map
        .all("url")
        .into_iter()
        .find(|u| {
            u.one("loc").text == format!("{base}en/reports/jincheng-opto-mechatronics-cluster/")
        })
        .unwrap();
    assert_eq!(report.one("lastmod").text, "2025-05-08");
    let alts: BTreeMap<&str, &str> = report
        .all("xhtml:link")
        .iter()
        .map(|l| {
            assert_eq!(l.attr("rel"), "alternate");
            (l.attr("hreflang"), l.attr("href"))
        })
        .collect();
    assert_eq!(
        alts,
        BTreeMap::from([
            (
                "en",
                "https://example.org/briefing/en/reports/jincheng-opto-mechatronics-cluster/"
            ),
            (
                "zh",
                "https://example.org/briefing/zh/reports/jincheng-opto-mechatronics-cluster/"
            ),
            (
                "x-default",
                "https://example.org/briefing/zh/reports/jincheng-opto-mechatronics-cluster/"
            ),
        ])
    );
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/briefing/sitemap.xml\n"
    );
}

#[test]
fn every_page_links_its_feed_and_carries_open_graph_metadata() {
    let site = Site::sample();
    site.build_ok(&[]);
    for page in pages(&site) {
        let html = site.html(&page);
        let feeds = html.all("link[rel=alternate][type='application/atom+xml']");
        assert!(!feeds.is_empty(), "{page} links no feed");
        for f in feeds {
            let target = resolve(&page, f.value().attr("href").unwrap()).unwrap();
            assert!(site.exists(&target), "{page}: feed {target} missing");
        }
        let lang = html.attr("html", "lang");
        let locale = if lang == "zh" { "zh_CN" } else { "en_GB" };
        assert_eq!(html.attr("meta[property='og:locale']", "content"), locale);
        assert_eq!(html.attr("meta[name='twitter:card']", "content"), "summary");
        assert!(!html
            .attr("meta[property='og:description']", "content")
            .is_empty());
        assert_eq!(
            html.attr("meta[property='og:url']", "content"),
            html.attr("link[rel=canonical]", "href")
        );
    }
    let page = site.html("zh/reports/jincheng-opto-mechatronics-cluster/index.html");
    assert_eq!(
        page.attr("meta[property='og:locale:alternate']", "content"),
        "en_GB"
    );
    assert_eq!(page.attr("meta[property='og:type']", "content"), "article");
    assert_eq!(
        page.attr("meta[property='article:published_time']", "content"),
        "2025-05-08"
    );
    let summary = page.text(".report__summary");
    assert_eq!(
        page.attr("meta[property='og:description']", "content"),
        summary
    );
    assert_eq!(
        page.attr("meta[name='twitter:description']", "content"),
        summary
    );
    assert_eq!(
        page.attr("link[type='application/atom+xml']", "href"),
        "../../../zh/atom.xml"
    );
    // The landing page offers both feeds.
    assert_eq!(
        site.html("index.html")
            .all("link[type='application/atom+xml']")
            .len(),
        2
    );
}

#[test]
fn base_url_with_a_path_prefix_is_used_for_absolute_urls_only() {
    let site = Site::fixture("basic");
    let yaml = site.read_source("site.yaml").replace(
        "https://example.org/briefing/",
        "https://example.org/deep/path",
    );
    site.write("site.yaml", yaml);
    site.build_ok(&[]);
    let base = "https://example.org/deep/path/";
    let page = site.html("en/reports/jincheng/index.html");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        format!("{base}en/reports/jincheng/")
    );
    for link in page.all("a[href]") {
        let href = link.value().attr("href").unwrap();
        assert!(!href.contains("example.org"), "absolute link {href}");
    }
    let feed = Node::parse(&site.read("en/atom.xml"));
    assert_eq!(feed.one("id").text, format!("{base}en/"));
    assert_eq!(
        feed.one("entry").one("id").text,
        format!("{base}en/reports/jincheng/")
    );
    let map = Node::parse(&site.read("sitemap.xml"));
    for u in map.all("url") {
        assert!(u.one("loc").text.starts_with(base), "{}", u.one("loc").text);
    }
    assert!(site
        .read("robots.txt")
        .contains(&format!("Sitemap: {base}sitemap.xml")));
}

#[test]
fn tag_and_region_pages_list_their_reports_and_link_translations() {
    let site = Site::sample();
    site.build_ok(&[]);
    // A Chinese tag keeps its name as its URL; an English one is slugified.
    let zh = site.html("zh/tags/招商引资/index.html");
    assert_eq!(zh.attr("html", "lang"), "zh");
    assert_eq!(zh.text("h1"), "招商引资");
    let cards: Vec<String> = zh.hrefs(".card__title a");
    assert_eq!(cards.len(), 2, "{cards:?}");
    for href in &cards {
        assert!(site.exists(&resolve("zh/tags/招商引资/index.html", href).unwrap()));
    }
    assert_eq!(
        zh.attr("link[hreflang=en]", "href"),
        "https://example.org/briefing/en/tags/investment-promotion/"
    );
    let en = site.html("en/tags/investment-promotion/index.html");
    assert_eq!(en.text("h1"), "investment promotion");
    assert_eq!(en.all(".card").len(), 2);
    // Regions.
    let region = site.html("en/regions/jincheng/index.html");
    assert_eq!(region.text("h1"), "Jincheng");
    assert_eq!(region.all(".card").len(), 1);
    assert_eq!(
        region.attr("link[hreflang=zh]", "href"),
        "https://example.org/briefing/zh/regions/晋城/"
    );
    // The index: every tag with its count, most used first.
    let index = site.html("en/tags/index.html");
    let first = index.one(".term-links li");
    assert!(
        first.text().collect::<String>().contains("2 reports"),
        "{}",
        first.html()
    );
    let names: BTreeSet<String> = index
        .all(".page-head ~ .term-links .section-links__title")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(names.contains("business environment") && names.contains("MLED"));
    assert_eq!(index.all(".page-head ~ .term-links li").len(), 21);
    let regions = site.html("zh/regions/index.html");
    assert_eq!(regions.all(".page-head ~ .term-links li").len(), 6);

    // Report pages link their tags and region to those pages.
    let page = "zh/reports/jincheng-opto-mechatronics-cluster/index.html";
    let report = site.html(page);
    let tags: Vec<String> = report.hrefs(".report__tags a[rel=tag]");
    assert_eq!(tags[0], "../../../zh/tags/光机电/");
    for href in tags {
        assert!(site.exists(&resolve(page, &href).unwrap()), "{href}");
    }
    assert_eq!(
        report.attr(".report__meta a[href*=regions]", "href"),
        "../../../zh/regions/晋城/"
    );
    // Zones: one page per zone, linked from the report's zone.
    assert_eq!(
        report.attr(".report__meta a[href*=zones]", "href"),
        "../../../zh/zones/晋城经济技术开发区/"
    );
    let zone = site.html("zh/zones/晋城经济技术开发区/index.html");
    assert_eq!(zone.text("h1"), "晋城经济技术开发区");
    assert_eq!(zone.all(".card").len(), 1);
    let zones = site.html("en/zones/index.html");
    assert_eq!(zones.all(".page-head ~ .term-links li").len(), 6);
    // One index page lists every tag, region and zone with its count.
    assert_eq!(zones.all(".term-links li").len(), 21 + 6 + 6);
    assert_eq!(zones.all(".taxonomy-other h2").len(), 2);
    // And cards on lists do the same.
    let home = site.html("en/index.html");
    assert!(!home.all(".card a[rel=tag]").is_empty());
}

#[test]
fn taxonomy_pages_paginate_and_work_offline() {
    let site = Site::sample();
    let yaml = site.read_source("site.yaml") + "paginate: 1\n";
    site.write("site.yaml", yaml);
    site.build_ok(&["--offline"]);
    assert!(site.exists("zh/tags/招商引资/page/2/index.html"));
    assert!(!site.exists("zh/tags/招商引资/page/3/index.html"));
    let page = "zh/tags/招商引资/page/2/index.html";
    let html = site.html(page);
    assert_eq!(html.all(".card").len(), 1);
    assert_eq!(
        html.attr(".pagination a[rel=prev]", "href"),
        "../../../../../zh/tags/招商引资/index.html"
    );
    // Offline, every link on every page ends in a file that exists.
    for p in pages(&site) {
        for link in site.html(&p).links() {
            let Some(target) = resolve(&p, &link) else {
                continue;
            };
            let path = link.split(['#', '?']).next().unwrap();
            assert!(
                !path.ends_with('/') && !path.is_empty(),
                "{p}: `{link}` is a folder link"
            );
            assert!(site.exists(&target), "{p}: `{link}` leads nowhere");
        }
    }
}

#[test]
fn themes_without_taxonomy_templates_get_no_taxonomy_pages() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    assert!(!site.exists("zh/tags"));
    assert!(site.exists("zh/atom.xml") && site.exists("sitemap.xml"));
}

#[test]
fn tags_that_make_the_same_url_are_an_error_naming_both() {
    let site = Site::fixture("basic");
    let jincheng = site.read_source("content/reports/jincheng.en.md").replace(
        "tags: [opto-mechatronics",
        "tags: [Smart Manufacturing, opto-mechatronics",
    );
    site.write("content/reports/jincheng.en.md", jincheng);
    site.write(
        "content/reports/yuci.zh.md",
        "---\ntitle: 榆次\ndate: 2025-05-01\n---\n正文\n",
    );
    site.write(
        "content/reports/yuci.en.md",
        "---\ntitle: Yuci\ntags: [smart manufacturing]\n---\nText\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(
        err.contains("content/reports/yuci.en.md")
            && err.contains("tag `smart manufacturing` and tag `Smart Manufacturing`")
            && err.contains("content/reports/jincheng.en.md")
            && err.contains("`en/tags/smart-manufacturing/`"),
        "{err}"
    );
    assert!(!site.exists("index.html"), "nothing was written");
}

fn section_titles(site: &Site, page: &str) -> Vec<String> {
    site.html(page)
        .all("#reports .card > a")
        .iter()
        .map(|a| a.text().collect())
        .collect()
}

#[test]
fn sections_choose_their_sort_order() {
    let site = Site::fixture("basic");
    site.write(
        "content/reports/anze.zh.md",
        "---\ntitle: 安泽\ndate: 2025-05-09\n---\n正文\n",
    );
    site.build_ok(&[]);
    let newest_first = section_titles(&site, "zh/reports/index.html");
    assert_eq!(
        newest_first,
        [
            "安泽",
            "晋城经开区构建光机电产业集群",
            "霍州经开区深化亲清政商关系"
        ]
    );

    let index = site.read_source("content/reports/_index.zh.md");
    site.write(
        "content/reports/_index.zh.md",
        index.replace("title: 报告\n", "title: 报告\nsort: date-asc\n"),
    );
    site.build_ok(&[]);
    let mut oldest_first = newest_first.clone();
    oldest_first.reverse();
    assert_eq!(section_titles(&site, "zh/reports/index.html"), oldest_first);
    // The home page still shows the latest first.
    assert_eq!(
        site.html("zh/index.html")
            .all("#reports .card > a")
            .first()
            .map(|a| a.text().collect::<String>()),
        Some("安泽".to_string())
    );

    site.write(
        "content/reports/_index.zh.md",
        index.replace("title: 报告\n", "title: 报告\nsort: title\n"),
    );
    site.build_ok(&[]);
    // The English list sorts the English titles (the untranslated reports
    // by their Chinese ones, after the Latin letters).
    assert_eq!(
        section_titles(&site, "en/reports/index.html"),
        [
            "Jincheng zone builds an opto-mechatronics cluster",
            "安泽",
            "霍州经开区深化亲清政商关系"
        ]
    );

    site.write(
        "content/reports/_index.zh.md",
        index.replace("title: 报告\n", "title: 报告\nsort: newest\n"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("content/reports/_index.zh.md:3")
            && run.stderr().contains("date-desc"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_tag_too_long_for_a_file_name_still_gets_its_page() {
    let site = Site::sample();
    let long = "开发区".repeat(40); // 360 bytes: more than a file name can hold
    site.write(
        "content/reports/long-tag.zh.md",
        format!("---\ntitle: 长标签\ndate: 2025-05-01\ntags: [{long}甲, {long}乙]\n---\n正文\n"),
    );
    site.build_ok(&[]);
    let page = site.html("zh/reports/long-tag/index.html");
    let hrefs: Vec<String> = page
        .hrefs("a[href*='tags/']")
        .into_iter()
        .filter(|h| h.contains("开发区"))
        .collect();
    assert_eq!(hrefs.len(), 2, "both tags link to a page: {hrefs:?}");
    assert_ne!(hrefs[0], hrefs[1]);
    for href in &hrefs {
        let target = resolve("zh/reports/long-tag/index.html", href).unwrap();
        assert!(site.exists(&target), "{target}");
        assert!(target.split('/').all(|part| part.len() <= 255), "{target}");
        let tag = site.html(&target);
        assert!(tag.text("h1").starts_with(&long), "{}", tag.text("h1"));
    }
}
