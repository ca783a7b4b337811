//! `briefing build` on good input: the output structure and pages.

use crate::support::{resolve, Site};

#[test]
fn builds_pages_for_each_language() {
    let site = Site::fixture("basic");
    let run = site.build_ok(&[]);
    assert!(
        run.stdout().contains("built 7 pages (4 zh, 3 en)"),
        "{}",
        run.stdout()
    );
    for path in [
        "index.html",
        "404.html",
        "zh/index.html",
        "en/index.html",
        "zh/404.html",
        "zh/reports/index.html",
        "en/reports/index.html",
        "zh/reports/jincheng/index.html",
        "en/reports/jincheng/index.html",
        "zh/reports/huozhou/index.html",
        "static/plain.css",
        "reports/diagram.svg",
    ] {
        assert!(site.exists(path), "missing public/{path}");
    }
    assert!(
        !site.exists("en/reports/huozhou/index.html"),
        "an untranslated report has no page in the other language"
    );
}

#[test]
fn report_page_has_language_metadata_and_switch() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let page = site.html("zh/reports/jincheng/index.html");
    assert_eq!(page.attr("html", "lang"), "zh");
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://example.org/briefing/zh/reports/jincheng/"
    );
    assert_eq!(
        page.attr("link[hreflang=en]", "href"),
        "https://example.org/briefing/en/reports/jincheng/"
    );
    assert_eq!(
        page.attr("link[hreflang=x-default]", "href"),
        "https://example.org/briefing/zh/reports/jincheng/"
    );
    assert_eq!(
        page.attr("#translation", "href"),
        "../../../en/reports/jincheng/"
    );
    assert_eq!(page.text("h1"), "晋城经开区构建光机电产业集群");
    assert_eq!(page.text("time"), "2025年5月8日");
    assert_eq!(page.attr("time", "datetime"), "2025-05-08");
    assert_eq!(page.text(".source"), "科学导报 A2 王波");

    let en = site.html("en/reports/jincheng/index.html");
    assert_eq!(en.attr("html", "lang"), "en");
    assert_eq!(en.text("time"), "8 May 2025");
    assert_eq!(
        en.attr("#translation", "href"),
        "../../../zh/reports/jincheng/"
    );
    // The translation inherits page and takes its own publication/author.
    assert_eq!(en.text(".source"), "Science Herald A2 Wang Bo");
    assert_eq!(
        en.attr("link[hreflang=x-default]", "href"),
        "https://example.org/briefing/zh/reports/jincheng/"
    );
}

#[test]
fn metrics_are_formatted_per_language_and_inherited() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let zh = site.html("zh/reports/jincheng/index.html");
    assert_eq!(zh.text("dd[data-key=funding]"), "近 30 亿元");
    assert_eq!(
        zh.attr("dd[data-key=funding]", "title"),
        "提供资金支持近 30 亿元"
    );
    let en = site.html("en/reports/jincheng/index.html");
    assert_eq!(en.text("dd[data-key=funding]"), "nearly CNY 3 billion");
    // 台 has no safe English noun: a bare number unless the translation gives one.
    assert_eq!(en.text("dd[data-key=machines]"), "6,806");
    assert_eq!(en.text("dt"), "Funding support");
}

#[test]
fn untranslated_report_is_listed_with_a_marker_and_warns() {
    let site = Site::fixture("basic");
    let run = site.build_ok(&[]);
    assert!(
        run.stderr()
            .contains("warning: content/reports/huozhou.zh.md: no en translation"),
        "{}",
        run.stderr()
    );
    let home = site.html("en/index.html");
    let card = home
        .all("#reports .card")
        .into_iter()
        .find(|c| c.value().attr("lang") == Some("zh"))
        .expect("zh-only card");
    let link = card
        .select(&scraper::Selector::parse("a").unwrap())
        .next()
        .unwrap();
    assert_eq!(link.value().attr("href"), Some("../zh/reports/huozhou/"));
    let marker: String = card
        .select(&scraper::Selector::parse(".only-in").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(marker, "Chinese only");
    // Its own page says there is no translation.
    let zh = site.html("zh/reports/huozhou/index.html");
    assert_eq!(zh.text("#no-translation"), "暂无其他语言版本");
    assert!(zh.all("link[hreflang=en]").is_empty());
}

#[test]
fn soft_breaks_between_chinese_characters_vanish() {
    let site = Site::fixture("basic");
    site.build_ok(&["--no-minify"]);
    let page = site.html("zh/reports/jincheng/index.html");
    let first = page.text(".content p");
    assert_eq!(
        first,
        "晋城经开区锚定光机电产业主攻方向，集聚设备\n6806 台。"
    );
    let en = site.html("en/reports/jincheng/index.html");
    assert!(en
        .text(".content p")
        .starts_with("The zone focuses on\nopto-mechatronics"));
}

#[test]
fn toc_ids_and_cross_report_links() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let page = site.html("zh/reports/jincheng/index.html");
    let toc: Vec<_> = page.hrefs("#toc a");
    assert_eq!(toc, ["#要点", "#背景"]);
    assert_eq!(page.attr("h2#要点", "id"), "要点");
    let hrefs = page.links();
    assert!(
        hrefs.contains(&"../../../zh/reports/huozhou/".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"../../../reports/diagram.svg".to_string()),
        "{hrefs:?}"
    );
    // From the English page, the link goes to the only version there is.
    let en = site.html("en/reports/jincheng/index.html");
    assert!(en
        .links()
        .contains(&"../../../zh/reports/huozhou/".to_string()));
}

#[test]
fn a_one_language_site_offers_no_other_language() {
    let site = Site::sample();
    site.write(
        "site.yaml",
        "title: {zh: 单语简报}\nbase_url: https://example.org/b/\nlanguages: [zh]\ntheme: default\n",
    );
    for entry in walkdir::WalkDir::new(site.root.join("content")) {
        let path = entry.unwrap().into_path();
        if path.to_string_lossy().ends_with(".en.md") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let run = site.build_ok(&[]);
    assert_eq!(
        run.stderr(),
        "",
        "a one-language site has nothing to warn about"
    );
    assert!(!site.exists("en"));
    let mut pages = 0;
    for (path, page) in site.html_pages() {
        pages += 1;
        assert!(
            page.all(".lang-switch").is_empty(),
            "{path}: a language switch"
        );
        for el in page.all("[hreflang]") {
            assert_eq!(el.value().attr("hreflang"), Some("zh"), "{path}");
        }
        // (Online 404 pages link from the server root; tested elsewhere.)
        for el in page
            .all("a[href]")
            .into_iter()
            .filter(|_| !path.ends_with("404.html"))
        {
            let link = el.value().attr("href").unwrap();
            if let Some(target) = resolve(&path, link) {
                assert!(site.exists(&target), "{path}: {link} -> public/{target}");
            }
        }
    }
    assert!(pages > 20, "{pages} pages");
}

#[test]
fn every_internal_link_is_relative_and_resolves() {
    for offline in [false, true] {
        let site = Site::fixture("basic");
        site.build_ok(if offline { &["--offline"] } else { &[] });
        for (path, _) in site.snapshot() {
            // Online 404 pages link from the server root (tested below).
            if !path.ends_with(".html") || (!offline && path.ends_with("404.html")) {
                continue;
            }
            let page = site.html(&path);
            for el in page.all("a[href], img[src], link[rel=stylesheet], script[src]") {
                let link = el.value().attr("href").or(el.value().attr("src")).unwrap();
                assert!(!link.starts_with('/'), "{path}: absolute path {link}");
                let Some(target) = resolve(&path, link) else {
                    continue;
                };
                assert!(
                    site.exists(&target),
                    "{path}: {link} -> public/{target} does not exist"
                );
                if offline && el.value().name() == "a" {
                    assert!(
                        !link.ends_with('/'),
                        "{path}: offline link to a folder {link}"
                    );
                }
            }
        }
    }
}

#[test]
fn offline_links_end_in_index_html() {
    let site = Site::fixture("basic");
    site.build_ok(&["--offline"]);
    let page = site.html("zh/reports/jincheng/index.html");
    assert_eq!(
        page.attr("#translation", "href"),
        "../../../en/reports/jincheng/index.html"
    );
    assert_eq!(page.attr("#home", "href"), "../../../zh/index.html");
    // Canonical URLs stay the published ones.
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        "https://example.org/briefing/zh/reports/jincheng/"
    );
}

#[test]
fn front_matter_text_is_escaped() {
    let site = Site::fixture("basic");
    let zh = std::fs::read_to_string(site.root.join("content/reports/jincheng.zh.md")).unwrap();
    let zh = zh
        .replace(
            "title: 晋城经开区构建光机电产业集群",
            "title: \"<script>alert(1)</script>\"",
        )
        .replace("zone: 晋城经济技术开发区", "zone: \"A & B <b>\"");
    site.write("content/reports/jincheng.zh.md", zh);
    site.build_ok(&[]);
    let page = site.html("zh/reports/jincheng/index.html");
    assert_eq!(page.text("h1"), "<script>alert(1)</script>");
    assert_eq!(page.text(".meta .zone"), "A & B <b>");
    assert!(
        page.all("script").is_empty(),
        "a script element was injected"
    );
    assert!(page.all(".meta .zone b").is_empty());
    let home = site.html("zh/index.html");
    assert!(home.all("script").is_empty());
}

#[test]
fn output_is_minified_unless_asked_not_to() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let min = site.read("zh/reports/jincheng/index.html");
    site.build_ok(&["--no-minify"]);
    let full = site.read("zh/reports/jincheng/index.html");
    assert!(min.len() < full.len());
    assert!(!min.contains("\n<link"));
    assert_eq!(
        site.html("zh/reports/jincheng/index.html").text("h1"),
        "晋城经开区构建光机电产业集群"
    );
}

#[test]
fn builds_are_deterministic() {
    for site in [Site::fixture as fn(&str) -> Site, |_| Site::sample()] {
        let a = site("basic");
        let b = site("basic");
        a.build_ok(&[]);
        b.build_ok(&[]);
        assert_eq!(a.snapshot(), b.snapshot());
    }
}

#[test]
fn rebuild_rewrites_only_what_changed_and_removes_what_is_gone() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let mtime = |rel: &str| {
        std::fs::metadata(site.public().join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before_zh = mtime("zh/reports/jincheng/index.html");
    let before_css = mtime("static/plain.css");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let en = std::fs::read_to_string(site.root.join("content/reports/jincheng.en.md")).unwrap();
    site.write(
        "content/reports/jincheng.en.md",
        en.replace("Foxconn is the anchor firm.", "Foxconn leads."),
    );
    // Not written by a build: left alone (see safety.rs).
    site.write("public/mine.html", "old");
    let run = site.build_ok(&["--verbose"]);
    assert!(run.stdout().contains("1 files written"), "{}", run.stdout());
    assert_eq!(mtime("zh/reports/jincheng/index.html"), before_zh);
    assert_eq!(mtime("static/plain.css"), before_css);
    assert!(site
        .read("en/reports/jincheng/index.html")
        .contains("Foxconn leads."));
    assert_eq!(site.read("mine.html"), "old");

    site.remove("content/reports/huozhou.zh.md");
    site.build_ok(&[]);
    assert!(!site.exists("zh/reports/huozhou/index.html"));
    assert!(
        !site.exists("zh/reports/huozhou"),
        "empty folders are removed"
    );
}

/// A rebuild skips a page whose stamp (a hash of everything it is rendered
/// from) has not changed; each kind of input must change the stamp of the
/// pages that depend on it.
#[test]
fn rebuild_renders_again_what_templates_strings_and_config_change() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let report = "en/reports/jincheng/index.html";

    site.edit(
        "themes/plain/templates/base.html",
        "<main id=\"main\">",
        "<main id=\"main\" data-edited>",
    );
    site.build_ok(&[]);
    assert!(site.read(report).contains("data-edited"));
    assert!(site.read("zh/index.html").contains("data-edited"));

    site.edit(
        "themes/plain/i18n/en.yaml",
        "read_in: Read in",
        "read_in: Also in",
    );
    site.build_ok(&[]);
    assert!(site.read(report).contains("Also in"));

    site.edit("site.yaml", "en: Test Briefing", "en: Renamed Briefing");
    site.build_ok(&[]);
    assert_eq!(site.html(report).text("#home"), "Renamed Briefing");

    // The same input again: nothing is rendered or written.
    let run = site.build_ok(&["--verbose"]);
    assert_eq!(run.files_written(), Some(0), "{}", run.stdout());
}

/// The search index is kept when its input (every report's searchable text)
/// has not changed, rebuilt when it has, and restored when a file of it is
/// missing.
#[test]
fn search_index_is_rebuilt_only_when_its_input_changes() {
    let site = Site::sample();
    site.build_ok(&[]);
    let meta = site.read("search/meta.js");
    assert!(meta.lines().last().unwrap().starts_with("// briefing "));

    let run = site.build_ok(&["--verbose"]);
    assert_eq!(run.files_written(), Some(0), "{}", run.stdout());
    assert!(
        run.stdout().contains("search index kept"),
        "{}",
        run.stdout()
    );

    site.remove("public/search/t/0.js");
    site.build_ok(&[]);
    assert!(
        site.exists("search/t/0.js"),
        "a missing shard is made again"
    );
    assert_eq!(site.read("search/meta.js"), meta);

    site.edit(
        "content/reports/jincheng-opto-mechatronics-cluster.en.md",
        "\n---\n",
        "\n---\nA zebracorn appears.\n",
    );
    let build_updating_one = || {
        let run = site.build_ok(&["--verbose"]);
        let out = run.stdout();
        assert!(
            out.contains("search index updated in place (1 report(s) indexed)"),
            "{out}"
        );
    };
    build_updating_one();
    assert_ne!(site.read("search/meta.js"), meta);
    let shards: String = std::fs::read_dir(site.public().join("search/t"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(shards.contains("\"zebracorn\""), "the new word is indexed");

    // That index was updated in place (one report of six changed); it is
    // the index a build from nothing makes, file for file. So is one with a
    // report added, which renumbers the documents after it.
    let search_files = |dir: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir.join("search"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let same_as_fresh = || {
        let fresh = tempfile::tempdir().unwrap();
        site.build_ok(&["-o", fresh.path().to_str().unwrap()]);
        let updated = search_files(&site.public());
        assert!(updated.iter().any(|(p, _)| p == "search/state.txt"));
        assert!(
            updated == search_files(fresh.path()),
            "an updated index differs from a fresh one"
        );
    };
    same_as_fresh();
    let zh = site
        .root
        .join("content/reports/jincheng-opto-mechatronics-cluster.zh.md");
    let text = std::fs::read_to_string(zh)
        .unwrap()
        .replace("date: 2025-05-08", "date: 2025-06-01");
    site.write("content/reports/a-newer-report.zh.md", text);
    build_updating_one();
    same_as_fresh();

    // Files of the index that a rebuild would keep, deleted by hand, are
    // written again.
    site.remove("public/search/en/d0.js");
    site.remove("public/search/en/d1.js");
    site.edit(
        "content/reports/jincheng-opto-mechatronics-cluster.en.md",
        "zebracorn",
        "zebracorns",
    );
    site.build_ok(&[]);
    assert!(site.exists("search/en/d0.js") && site.exists("search/en/d1.js"));
    same_as_fresh();
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("basic");
    let zh = std::fs::read_to_string(site.root.join("content/reports/huozhou.zh.md")).unwrap();
    site.write(
        "content/reports/huozhou.zh.md",
        zh.replace("date: 2025-05-07", "date: 2025-05-07\ndraft: true"),
    );
    site.build_ok(&[]);
    assert!(!site.exists("zh/reports/huozhou/index.html"));
    site.build_ok(&["--drafts"]);
    assert!(site.exists("zh/reports/huozhou/index.html"));
}

#[test]
fn bom_crlf_and_files_without_language_suffix_are_fine() {
    let site = Site::fixture("basic");
    let zh = std::fs::read_to_string(site.root.join("content/reports/huozhou.zh.md")).unwrap();
    site.remove("content/reports/huozhou.zh.md");
    site.write(
        "content/reports/huozhou.md",
        format!("\u{feff}{}", zh.replace('\n', "\r\n")),
    );
    site.build_ok(&[]);
    let page = site.html("zh/reports/huozhou/index.html");
    assert_eq!(page.text("h1"), "霍州经开区深化亲清政商关系");
    assert_eq!(page.text(".content p"), "霍州经开区建立闭环管理机制。");
}

#[test]
fn lists_are_newest_first_with_prev_and_next() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let section = site.html("zh/reports/index.html");
    let titles: Vec<String> = section
        .all("#reports .card > a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        titles,
        ["晋城经开区构建光机电产业集群", "霍州经开区深化亲清政商关系"]
    );
    assert_eq!(section.text("h1"), "报告");
    let newer = site.html("zh/reports/jincheng/index.html");
    assert_eq!(newer.attr("#prev", "href"), "../../../zh/reports/huozhou/");
    assert!(newer.all("#next").is_empty());
    let older = site.html("zh/reports/huozhou/index.html");
    assert_eq!(older.attr("#next", "href"), "../../../zh/reports/jincheng/");
}

#[test]
fn the_sample_site_builds_without_warnings() {
    let site = Site::sample();
    let run = site.build_ok(&[]);
    assert_eq!(run.stderr(), "", "the sample site should build cleanly");
    let zh: Vec<_> = std::fs::read_dir(site.root.join("content/reports"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            name.strip_suffix(".zh.md")
                .filter(|s| *s != "_index")
                .map(str::to_string)
        })
        .collect();
    assert_eq!(zh.len(), 6);
    for slug in zh {
        for lang in ["zh", "en"] {
            let page = site.html(&format!("{lang}/reports/{slug}/index.html"));
            assert_eq!(page.attr("html", "lang"), lang);
        }
    }
}

#[test]
fn long_lists_paginate_with_working_links() {
    let site = Site::fixture("basic");
    site.write(
        "content/reports/_index.zh.md",
        "---\ntitle: 报告\npaginate: 1\n---\n全部报告。\n",
    );
    site.build_ok(&["--offline"]);
    let first = site.html("zh/reports/index.html");
    assert_eq!(first.all("#reports .card").len(), 1);
    let second = site.html("zh/reports/page/2/index.html");
    assert_eq!(second.all("#reports .card").len(), 1);
    assert_eq!(
        second.text("#reports .card > a"),
        "霍州经开区深化亲清政商关系"
    );
    assert!(!site.exists("zh/reports/page/3/index.html"));
}

#[test]
fn not_found_pages_link_from_the_site_path_online() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    for path in ["404.html", "zh/404.html"] {
        let page = site.html(path);
        assert_eq!(
            page.attr("link[rel=stylesheet]", "href"),
            "/briefing/static/plain.css"
        );
        assert_eq!(page.attr("#home", "href"), "/briefing/zh/");
    }
    site.build_ok(&["--offline"]);
    assert_eq!(
        site.html("zh/404.html").attr("#home", "href"),
        "../zh/index.html"
    );
}

/// The default theme's templates are minified once, when compiled, instead
/// of every page after rendering (a theme whose templates cannot be still
/// has its pages minified). Minifying a page of that build must change
/// nothing but what the minifier itself leaves as it likes (whitespace next
/// to tera tags, the newlines pulldown-cmark puts between blocks): the page
/// comes out as minifying the page rendered from the templates as written.
#[test]
fn minified_templates_give_the_pages_that_minifying_each_page_gives() {
    // The fixture's theme puts tera tags among a tag's attributes, so its
    // pages are minified one by one instead.
    for (site, per_page) in [(Site::sample(), false), (Site::fixture("basic"), true)] {
        assert_minified_like_each_page(&site, Some(per_page));
    }
}

/// Templates with what a minifier must leave alone or may not move: tags in
/// scripts, styles, `<pre>`, `<textarea>`, raw blocks, single-quoted and
/// unquoted attribute values, whitespace between inline elements. Whichever
/// way briefing minifies them, the pages must come out as minified one by one.
#[test]
fn templates_with_tricky_tera_tags_still_give_minified_pages() {
    let safe = r#"<script>window.siteLang = "{{ lang }}";  var   s = '{{ page.title }}';</script>
<pre>  {{ page.title }}
   two  spaces</pre>
<textarea aria-label="t">  {{ lang }}  </textarea>
{% raw %}<p>  {{ not a tag }}  </p>{% endraw %}
<p class="a {{ lang }}" title='{{ page.title }}'>{{ lang }}   <b>{{ lang }}</b>  <i>{{ lang }}</i>{% if lang %} <em>x</em>{% endif %}</p>
"#;
    let unsafe_ = r#"<p data-x={{ lang }}>{{ lang }}</p><!-- {{ lang }} -->
<style>.z { color: {{ "red" }}; }</style>"#;
    for (extra, per_page) in [(safe, Some(false)), (unsafe_, None)] {
        let site = Site::sample();
        site.edit(
            "themes/default/templates/report.html",
            "{% block main %}",
            &format!("{{% block main %}}\n{extra}"),
        );
        assert_minified_like_each_page(&site, per_page);
    }
}

/// Builds `site` without and with minifying and compares every page (see
/// above); `per_page` is whether the build should have fallen back to
/// minifying each page, if that is known.
fn assert_minified_like_each_page(site: &Site, per_page: Option<bool>) {
    // What briefing minifies a page with when it cannot minify the templates.
    let cfg = briefing::render::theme::minify_cfg();
    let without_stamp = |bytes: &[u8]| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let end = text.rfind("\n<!-- briefing ").unwrap_or(text.len());
        minify_html::minify(&text.as_bytes()[..end], &cfg)
    };
    site.build_ok(&["--no-minify"]);
    let plain = site.snapshot();
    let run = site.build_ok(&["--verbose"]);
    if let Some(per_page) = per_page {
        assert_eq!(run.stdout().contains("minified page by page"), per_page);
    }
    let minified = site.snapshot();
    assert_eq!(plain.len(), minified.len());
    let (mut pages, mut plain_bytes, mut minified_bytes, mut least) = (0, 0, 0, 0);
    for ((path, a), (path_b, b)) in plain.iter().zip(&minified) {
        assert_eq!(path, path_b);
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        plain_bytes += a.len();
        minified_bytes += b.len();
        least += without_stamp(a).len();
        assert!(
            without_stamp(a) == without_stamp(b),
            "{path} differs from the page minified on its own:\n{}\n---\n{}",
            String::from_utf8_lossy(&without_stamp(a)),
            String::from_utf8_lossy(&without_stamp(b)),
        );
    }
    assert!(pages > 5);
    // Nearly all the minifier could take off is taken off.
    assert!(
        minified_bytes - least < (plain_bytes - least) / 2,
        "{minified_bytes} bytes minified, {plain_bytes} as written, {least} at least"
    );
}

#[test]
fn a_card_shows_the_metrics_marked_card_else_the_first_three() {
    let site = Site::sample();
    let zh = "content/reports/jincheng-opto-mechatronics-cluster.zh.md";
    let card_labels = |site: &Site, page: &str| -> Vec<String> {
        let page = site.html(page);
        let cards = page.all("article.card");
        let card = cards
            .iter()
            .find(|c| c.html().contains("jincheng-opto-mechatronics-cluster/"))
            .expect("the report is listed");
        card.select(&scraper::Selector::parse(".mini-metric dt").unwrap())
            .map(|dt| dt.text().collect())
            .collect()
    };
    site.build_ok(&[]);
    assert_eq!(
        card_labels(&site, "zh/index.html"),
        ["5 年集聚项目", "政策举措", "资金支持"]
    );
    site.edit(
        zh,
        "  - key: local_supply_rate\n",
        "  - key: local_supply_rate\n    card: true\n",
    )
    .edit(
        zh,
        "  - key: standard_plant_area\n",
        "  - key: standard_plant_area\n    card: true\n",
    );
    site.build_ok(&[]);
    for page in ["zh/index.html", "zh/reports/index.html"] {
        assert_eq!(
            card_labels(&site, page),
            ["本地配套率", "已建成标准厂房"],
            "{page}"
        );
    }
    assert_eq!(
        card_labels(&site, "en/index.html"),
        ["Local supply rate", "Standard factory space built"]
    );
    // The report page still lists every metric.
    let report = site.html("zh/reports/jincheng-opto-mechatronics-cluster/index.html");
    assert_eq!(report.all(".metric-grid .metric").len(), 14);
}

#[test]
fn reports_of_one_day_keep_the_editors_order_by_weight_then_page() {
    let site = Site::fixture("basic");
    // jincheng is on page A2 of 2025-05-08; huozhou is a day older.
    for (slug, extra) in [
        ("x-a10", "source: {page: A10}\n"),
        ("x-b3", "source: {page: B3}\n"),
        ("x-a1", "source: {page: A1}\n"),
        ("x-none", ""),
        ("x-weight", "weight: 1\nsource: {page: Z9}\n"),
    ] {
        site.write(
            &format!("content/reports/{slug}.zh.md"),
            format!("---\ntitle: {slug}\ndate: 2025-05-08\nsummary: s\n{extra}---\n正文\n"),
        );
    }
    site.build_ok(&[]);
    let titles = |page: &str| -> Vec<String> {
        site.html(page)
            .all("#reports > .card > a")
            .iter()
            .map(|a| a.text().collect())
            .collect()
    };
    let newest_first = [
        "x-weight",
        "x-a1",
        "晋城经开区构建光机电产业集群",
        "x-a10",
        "x-b3",
        "x-none",
        "霍州经开区深化亲清政商关系",
    ];
    assert_eq!(titles("zh/index.html"), newest_first);
    assert_eq!(titles("zh/reports/index.html"), newest_first);
    // Neighbours follow the same order.
    let page = site.html("zh/reports/jincheng/index.html");
    assert_eq!(page.text("#next"), "x-a1");
    assert_eq!(page.text("#prev"), "x-a10");
    // Oldest first: days reversed, each day still in the editors' order.
    site.edit(
        "content/reports/_index.zh.md",
        "title: 报告\n",
        "title: 报告\nsort: date-asc\n",
    );
    site.build_ok(&[]);
    let mut oldest_first = newest_first.to_vec();
    oldest_first.rotate_right(1);
    assert_eq!(titles("zh/reports/index.html"), oldest_first);
}

#[test]
fn every_page_of_the_default_theme_links_its_favicon() {
    for offline in [false, true] {
        let site = Site::sample();
        site.build_ok(if offline { &["--offline"] } else { &[] });
        assert!(site.read("static/favicon.svg").starts_with("<svg "));
        let mut pages = 0;
        for (path, page) in site.html_pages() {
            pages += 1;
            let icons: Vec<String> = page
                .all("link[rel=icon]")
                .iter()
                .map(|l| l.value().attr("href").unwrap().to_string())
                .collect();
            // Linked like the style sheet, so it is found wherever that is.
            let css = page.attr("link[rel=stylesheet]", "href");
            // (The style sheet's name carries its hash; the icon's does not.)
            let static_dir = &css[..css.rfind('/').unwrap() + 1];
            assert_eq!(icons, [format!("{static_dir}favicon.svg")], "{path}");
            // (Online 404 pages link from the server root, as for the CSS.)
            if !icons[0].starts_with('/') {
                assert_eq!(
                    resolve(&path, &icons[0]).as_deref(),
                    Some("static/favicon.svg"),
                    "{path}"
                );
            }
        }
        assert!(pages > 20, "{pages} pages");
    }
}
