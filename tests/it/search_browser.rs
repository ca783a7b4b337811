//! Search in a real browser: sites with an index from `search::build_index` and
//! pages rendered from the default theme's search templates, opened from a local
//! HTTP server and from `file://`.

use crate::browser::{file_url, key, percent_encode_path, Browser, StaticServer};
use briefing::emit::search::{build_index, SearchEntry, SearchReport, SearchText};
use briefing::Lang;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const THEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default");

/// Stands in for the theme's base layout: the header box, search.js and search.css.
const BASE: &str = r#"<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ page.title }}</title>
<link rel="stylesheet" href="{{ root }}static/search.css">
<script defer src="{{ root }}static/search.js"></script></head>
<body><header><a href="{{ root }}{{ lang }}/{% if offline %}index.html{% endif %}">{{ site.title }}</a>
{% include "partials/search_box.html" %}</header>
<main>{% block main %}{% endblock main %}</main></body></html>
"#;

const HOME: &str =
    r#"{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock main %}"#;

/// The default theme's UI strings for `lang`, as the build reads them.
fn strings(lang: Lang) -> Value {
    let path =
        crate::support::repo_root().join(format!("themes/default/i18n/{}.yaml", lang.code()));
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

struct Report {
    slug: &'static str,
    date: &'static str,
    zh: Option<SearchText>,
    en: Option<SearchText>,
    source: Lang,
}

fn st(
    title: &str,
    zone: &str,
    tags: &[&str],
    summary: &str,
    metrics: &[&str],
    body: &str,
) -> SearchText {
    SearchText {
        title: title.into(),
        zone: zone.into(),
        region: String::new(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        summary: summary.into(),
        metrics: metrics.iter().map(|s| s.to_string()).collect(),
        body: body.into(),
    }
}

fn fixture_reports() -> Vec<Report> {
    let mut reports = vec![
        Report {
            slug: "foxconn-taiyuan",
            date: "2025-03-01",
            source: Lang::Zh,
            zh: Some(st(
                "富士康太原园区扩产",
                "太原经开区",
                &["光电半导体"],
                "富士康在太原综改区新建iPhone零部件工厂。",
                &["投资 6,806 亿元"],
                "富士康科技集团宣布在太原经开区扩建工厂，主要生产iPhone精密零部件，项目总投资6,806亿元。",
            )),
            en: Some(st(
                "Foxconn expands its Taiyuan park",
                "Taiyuan Economic Zone",
                &["optoelectronics"],
                "Foxconn builds a new iPhone parts plant in Taiyuan.",
                &["Investment 6,806 ¥100m"],
                "Foxconn Technology Group announced a larger plant in the Taiyuan zone making precision iPhone parts.",
            )),
        },
        Report {
            slug: "jincheng-opto",
            date: "2025-02-01",
            source: Lang::Zh,
            zh: Some(st(
                "晋城经开区光机电产业集群化发展",
                "晋城经开区",
                &["光机电"],
                "晋城经开区锚定光机电产业主攻方向。",
                &["企业 128 家"],
                "晋城经开区以政策创新、基础提标为抓手，推动光机电产业集群化发展，提供资金支持近30亿元。",
            )),
            en: Some(st(
                "Jincheng zone grows an opto-mechatronics cluster",
                "Jincheng Economic Zone",
                &["opto-mechatronics"],
                "Policy reform and a supply chain for optics firms.",
                &["Firms 128"],
                "The zone has built a supply chain for optical and mechanical firms, with close to 3 billion yuan of support.",
            )),
        },
        Report {
            slug: "huozhou-logistics",
            date: "2025-01-15",
            source: Lang::En,
            en: Some(st(
                "Huozhou logistics park opens",
                "Huozhou Zone",
                &["logistics"],
                "A new logistics hub for coal and parts.",
                &["Warehouses 12"],
                "Chain stores and supply depots share the park; the logistics operator links rail and road.",
            )),
            zh: Some(st("霍州物流园区开园", "霍州经开区", &["物流"], "新的物流枢纽。", &["仓库 12 座"], "物流园区连接铁路和公路。")),
        },
        Report {
            slug: "yuanping-warehouse",
            date: "2024-12-01",
            source: Lang::Zh,
            zh: Some(st("原平仓储物流招商", "原平经开区", &["物流"], "原平经开区新建仓储中心。", &[], "仓储中心面向物流企业招商。")),
            en: None,
        },
        Report {
            slug: "datong-body",
            date: "2024-11-01",
            source: Lang::En,
            en: Some(st(
                "Coal-to-chemicals upgrade",
                "North Zone",
                &[],
                "",
                &[],
                "A supply chain project near Datong, Shanxi.",
            )),
            zh: None,
        },
        Report {
            slug: "datong-title",
            date: "2024-10-01",
            source: Lang::En,
            en: Some(st("Datong battery plant", "Datong Zone", &[], "", &[], "Battery cells for buses.")),
            zh: None,
        },
        // Two reports that a query matches equally: the newer ranks first.
        Report {
            slug: "twin-older",
            date: "2024-06-01",
            source: Lang::En,
            en: Some(st("Older twin", "", &[], "", &[], "A quokka census.")),
            zh: None,
        },
        Report {
            slug: "twin-newer",
            date: "2024-07-01",
            source: Lang::En,
            en: Some(st("Newer twin", "", &[], "", &[], "A quokka census.")),
            zh: None,
        },
    ];
    // Filler, so the index has several shards and document chunks.
    for i in 0..60 {
        let words: Vec<String> = (0..250).map(|k| pseudo_word(i * 1000 + k)).collect();
        let text = st(
            &format!("Filler report {}", pseudo_word(i)),
            "",
            &[],
            "",
            &[],
            &words.join(" "),
        );
        let slug: &'static str = Box::leak(format!("filler-{i:02}").into_boxed_str());
        reports.push(Report {
            slug,
            date: "2020-01-01",
            source: Lang::En,
            en: Some(text),
            zh: None,
        });
    }
    reports
}

/// A letters-only word for a number (distinct for distinct numbers).
fn pseudo_word(mut n: usize) -> String {
    let mut w = String::from("q");
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return w;
        }
    }
}

fn search_reports(offline: bool) -> Vec<SearchReport> {
    let tail = if offline { "index.html" } else { "" };
    fixture_reports()
        .into_iter()
        .map(|r| {
            let mut entries = Vec::new();
            for lang in [
                r.source,
                if r.source == Lang::Zh {
                    Lang::En
                } else {
                    Lang::Zh
                },
            ] {
                let text = if lang == Lang::Zh { &r.zh } else { &r.en };
                if let Some(text) = text {
                    let url = format!("{}/reports/{}/{tail}", lang.code(), r.slug);
                    entries.push((
                        lang,
                        SearchEntry {
                            url,
                            date: r.date.into(),
                            text: text.clone(),
                        },
                    ));
                }
            }
            SearchReport { entries }
        })
        .collect()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Renders one page with the theme's search templates and the stand-in base.
fn render(template: &str, lang: Lang, root: &str, offline: bool, title: &str, url: &str) -> String {
    let mut tera = tera::Tera::default();
    let mut templates = vec![
        ("base.html".to_string(), BASE.to_string()),
        ("home.html".to_string(), HOME.to_string()),
    ];
    for name in ["partials/search_box.html", "search.html"] {
        templates.push((
            name.to_string(),
            std::fs::read_to_string(format!("{THEME}/templates/{name}")).unwrap(),
        ));
    }
    tera.add_raw_templates(templates)
        .unwrap_or_else(|e| panic!("theme templates: {e:?}"));
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang.code());
    ctx.insert("root", root);
    ctx.insert("offline", &offline);
    ctx.insert("t", &strings(lang));
    ctx.insert(
        "site",
        &json!({"title": "Briefing test", "base_url": "https://example.org/", "languages": [
            {"code": "zh", "name": "中文", "title": "简报", "url": "zh/"},
            {"code": "en", "name": "English", "title": "Briefing", "url": "en/"}]}),
    );
    ctx.insert("page", &json!({"kind": template, "title": title, "url": url, "permalink": format!("https://example.org/{url}")}));
    tera.render(template, &ctx)
        .unwrap_or_else(|e| panic!("render {template}: {e:?}"))
}

/// Writes a test site: index, theme assets, home and search pages, report stubs.
fn build_site(dir: &Path, offline: bool) {
    for (path, bytes) in build_index(&search_reports(offline), &Lang::ALL) {
        write(&dir.join(path), &bytes);
    }
    for asset in ["search.js", "search.css"] {
        write(
            &dir.join("static").join(asset),
            &std::fs::read(format!("{THEME}/static/{asset}")).unwrap(),
        );
    }
    let tail = if offline { "index.html" } else { "" };
    for lang in Lang::ALL {
        let l = lang.code();
        let home = render(
            "home.html",
            lang,
            "../",
            offline,
            "Home",
            &format!("{l}/{tail}"),
        );
        write(&dir.join(l).join("index.html"), home.as_bytes());
        let search = render(
            "search.html",
            lang,
            "../../",
            offline,
            "Search",
            &format!("{l}/search/{tail}"),
        );
        write(&dir.join(l).join("search/index.html"), search.as_bytes());
    }
    for r in fixture_reports() {
        for (lang, text) in [(Lang::Zh, &r.zh), (Lang::En, &r.en)] {
            if let Some(text) = text {
                let html = format!(
                    "<!doctype html><meta charset=utf-8><title>{0}</title><h1 id=report>{0}</h1>",
                    text.title
                );
                write(
                    &dir.join(lang.code())
                        .join("reports")
                        .join(r.slug)
                        .join("index.html"),
                    html.as_bytes(),
                );
            }
        }
    }
}

/// A built site served both ways: `(base URL, site dir)` for http:// and file://.
struct Sites {
    _tmp: tempfile::TempDir,
    server: StaticServer,
    offline_dir: PathBuf,
}

impl Sites {
    fn new() -> Sites {
        let tmp = tempfile::tempdir().unwrap();
        let (online, offline) = (tmp.path().join("online"), tmp.path().join("offline"));
        build_site(&online, false);
        build_site(&offline, true);
        Sites {
            server: StaticServer::start(&online),
            offline_dir: offline,
            _tmp: tmp,
        }
    }

    /// `(label, URL of a page)` for both the HTTP and the file:// variant.
    fn both(&self, page: &str) -> [(&'static str, String); 2] {
        let file_page = if page.ends_with('/') {
            format!("{page}index.html")
        } else {
            page.to_string()
        };
        [
            ("http", self.server.url(page)),
            (
                "file",
                format!(
                    "{}/{}",
                    file_url(&self.offline_dir),
                    percent_encode_path(&file_page)
                ),
            ),
        ]
    }
}

const RESULTS_JS: &str = r#"
var f = document.querySelector(arguments[0]);
var empty = f.querySelector('.bsearch-empty');
return {
  state: f.getAttribute('data-state'),
  status: f.querySelector('[role=status]').textContent,
  empty: empty && !empty.hidden ? empty.textContent : null,
  listHidden: f.querySelector('.bsearch-list, .bsearch-results').hidden,
  hits: Array.prototype.map.call(f.querySelectorAll('.bsearch-hit'), function (li) {
    return {
      title: li.querySelector('.bsearch-title').textContent,
      href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : li.getAttribute('data-href'),
      meta: li.querySelector('.bsearch-meta').textContent,
      snippet: li.querySelector('.bsearch-snippet').textContent,
      snippetLang: li.querySelector('.bsearch-snippet').lang,
      marks: Array.prototype.map.call(li.querySelectorAll('mark'), function (m) { return m.textContent; })
    };
  })
};"#;

/// With `BRIEFING_SEARCH_SHOTS=DIR`, saves a screenshot to look at.
fn shot(b: &Browser, name: &str) {
    if let Some(dir) = std::env::var_os("BRIEFING_SEARCH_SHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        b.screenshot(&Path::new(&dir).join(format!("{name}.png")));
    }
}

fn page_results(b: &Browser) -> Value {
    b.wait_for(
        "document.querySelector('form[data-mode=page]').getAttribute('data-state')",
        "search results",
    );
    b.exec(RESULTS_JS, json!(["form[data-mode=page]"]))
}

fn titles(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

/// Opens the search page of `lang` with `?q=query` (a deep link) and returns what it shows.
fn query(b: &Browser, base: &str, query: &str) -> Value {
    let q: String = query
        .bytes()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                (c as char).to_string()
            } else {
                format!("%{c:02X}")
            }
        })
        .collect();
    b.goto(&format!("{base}?q={q}"));
    let v = page_results(b);
    assert_eq!(v["state"], "done", "query {query:?} at {base}: {v}");
    v
}

#[test]
fn tokenizer_cases_agree_in_the_browser() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    let cases = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/search/tokenize_cases.json"
    ))
    .unwrap();
    let cases: Value = serde_json::from_str(&cases).unwrap();
    for (label, url) in sites.both("en/search/") {
        b.goto(&url);
        b.wait_for(
            "window.__briefingSearch && window.__briefingSearch.tokenize",
            "search.js",
        );
        let mismatches = b.exec(
            r#"var cases = arguments[0].cases, bad = [];
            function show(toks) { return toks.map(function (t) { return t.t + '@' + t.pos; }); }
            cases.forEach(function (c) {
              var q = show(__briefingSearch.tokenize(c.text, 'query'));
              if (JSON.stringify(q) !== JSON.stringify(c.query)) bad.push({name: c.name, mode: 'query', got: q, want: c.query});
              if (c.index) {
                var ix = show(__briefingSearch.tokenize(c.text, 'index'));
                if (JSON.stringify(ix) !== JSON.stringify(c.index)) bad.push({name: c.name, mode: 'index', got: ix, want: c.index});
              }
            });
            return {bad: bad, n: cases.length};"#,
            json!([cases]),
        );
        assert_eq!(
            mismatches["bad"],
            json!([]),
            "{label}: JS tokenizer disagrees with the case table"
        );
        assert!(mismatches["n"].as_u64().unwrap() >= 20);
    }
}

#[test]
fn search_page_answers_every_kind_of_query() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for ((label, en), (_, zh)) in sites
        .both("en/search/")
        .into_iter()
        .zip(sites.both("zh/search/"))
    {
        let ctx = |what: &str| format!("{label}: {what}");

        // Equal scores: the newer report first.
        let v = query(&b, &en, "quokka");
        assert_eq!(titles(&v), ["Newer twin", "Older twin"], "{}", ctx("tie"));

        // A two-character Chinese query.
        let v = query(&b, &zh, "物流");
        assert_eq!(
            titles(&v),
            ["霍州物流园区开园", "原平仓储物流招商"],
            "{}",
            ctx("物流")
        );
        assert!(
            v["hits"][0]["marks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "物流"),
            "{}",
            ctx("highlight 物流")
        );
        assert_eq!(v["status"], "找到 2 条结果", "{}", ctx("count announced"));

        // A four-character Chinese query: the report with the phrase.
        let v = query(&b, &zh, "光机电产");
        shot(&b, &format!("page-zh-{label}"));
        assert_eq!(
            titles(&v),
            ["晋城经开区光机电产业集群化发展"],
            "{}",
            ctx("光机电产")
        );
        assert!(
            v["hits"][0]["marks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m.as_str().unwrap().contains("光机电产")),
            "{}",
            ctx("光机电产 marked")
        );
        assert_eq!(
            v["hits"][0]["meta"],
            "晋城经开区 · 2025-02-01",
            "{}",
            ctx("zone and date")
        );

        // An English word, and a prefix of it.
        let v = query(&b, &en, "logistics");
        assert_eq!(
            titles(&v)[0],
            "Huozhou logistics park opens",
            "{}",
            ctx("logistics")
        );
        let v = query(&b, &en, "logis");
        assert_eq!(
            titles(&v)[0],
            "Huozhou logistics park opens",
            "{}",
            ctx("prefix logis")
        );
        assert!(
            v["hits"][0]["marks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "logistics"),
            "{}",
            ctx("prefix highlighted")
        );

        // A number, with and without its thousands separator.
        for q in ["6806", "6,806"] {
            let v = query(&b, &en, q);
            assert_eq!(
                titles(&v),
                ["Foxconn expands its Taiyuan park"],
                "{}",
                ctx(q)
            );
            assert!(
                v["hits"][0]["marks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m == "6,806"),
                "{}",
                ctx("number highlighted")
            );
        }

        // Mixed Chinese and English.
        let v = query(&b, &zh, "富士康 iPhone");
        assert_eq!(titles(&v), ["富士康太原园区扩产"], "{}", ctx("mixed"));

        // Cross-language: Chinese on the English site, English on the Chinese one.
        let v = query(&b, &en, "富士康");
        shot(&b, &format!("page-en-cross-{label}"));
        assert_eq!(
            titles(&v),
            ["Foxconn expands its Taiyuan park"],
            "{}",
            ctx("富士康 on en")
        );
        assert_eq!(
            v["hits"][0]["href"],
            if label == "http" {
                "../../en/reports/foxconn-taiyuan/"
            } else {
                "../../en/reports/foxconn-taiyuan/index.html"
            }
        );
        assert_eq!(
            v["hits"][0]["snippetLang"],
            "zh",
            "{}",
            ctx("the matching Chinese text as snippet")
        );
        let v = query(&b, &zh, "Foxconn");
        assert_eq!(
            titles(&v),
            ["富士康太原园区扩产"],
            "{}",
            ctx("Foxconn on zh")
        );
        // A report without an English version shows in Chinese on the English site.
        let v = query(&b, &en, "仓储");
        assert_eq!(titles(&v), ["原平仓储物流招商"], "{}", ctx("fallback"));

        // Title above body; adjacent words above scattered ones.
        let v = query(&b, &en, "datong");
        assert_eq!(
            titles(&v),
            ["Datong battery plant", "Coal-to-chemicals upgrade"],
            "{}",
            ctx("title first")
        );
        let v = query(&b, &en, "supply chain");
        assert_eq!(
            titles(&v)[0],
            "Jincheng zone grows an opto-mechatronics cluster",
            "{}",
            ctx("adjacent first")
        );
        assert!(
            titles(&v).contains(&"Huozhou logistics park opens".to_string()),
            "{}",
            ctx("scattered still found")
        );

        // No results.
        let v = query(&b, &en, "zzyzx");
        assert_eq!(v["hits"], json!([]), "{}", ctx("no results"));
        assert_eq!(
            v["empty"],
            "No results found",
            "{}",
            ctx("no-results message")
        );
        assert_eq!(
            v["status"],
            "No results found",
            "{}",
            ctx("no results announced")
        );
        const STATUS_SHOWN: &str = "return document.querySelector('form[data-mode=page] [role=status]').getBoundingClientRect().height > 1;";
        assert_eq!(
            b.exec(STATUS_SHOWN, json!([])),
            json!(false),
            "{}",
            ctx("the status is announced, not shown twice beside the message")
        );
        query(&b, &en, "datong");
        assert_eq!(
            b.exec(STATUS_SHOWN, json!([])),
            json!(true),
            "{}",
            ctx("a count is shown")
        );

        // Words that name properties every JavaScript object has are words
        // like any other: no results, and no error.
        for word in [
            "constructor",
            "constructor zone",
            "valueOf",
            "__proto__ park",
        ] {
            let v = query(&b, &en, word);
            assert_eq!(v["hits"], json!([]), "{}", ctx(word));
            assert_eq!(v["empty"], "No results found", "{}", ctx(word));
        }

        // A query loads only the shards its terms need.
        let loaded = b.exec(
            "return {loaded: document.querySelectorAll('script[src*=\"search/t/\"]').length, total: __briefingSearch.data.meta.shards.length};",
            json!([]),
        );
        assert!(
            loaded["total"].as_u64().unwrap() > 2,
            "{}",
            ctx("the fixture index has several shards")
        );
        assert!(
            loaded["loaded"].as_u64().unwrap() < loaded["total"].as_u64().unwrap(),
            "{}",
            ctx("a query loads some shards")
        );
    }
}

/// Queries nobody planned for: punctuation alone, odd characters, markup,
/// JavaScript names, very long input. Each gets an answer, never an error.
#[test]
fn odd_queries_get_an_answer() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    let long_word = "a".repeat(500);
    let long_cjk = "富".repeat(300);
    let queries = [
        "\"",
        "'",
        "(",
        "*",
        "?",
        "\\",
        "[]",
        "{}",
        "%",
        "%%",
        "+",
        "-",
        "—",
        "…",
        "。，、",
        "６８０６",
        "6,806",
        "6.806",
        "1e9",
        "0",
        "00000",
        "-5",
        "a",
        "的",
        "区",
        "🙂",
        "👨‍👩‍👧",
        "\u{2028}x",
        "\u{0}",
        "<img src=x onerror=alert(1)>",
        "</script>",
        &long_word,
        &long_cjk,
        "x y z w v u t s r q p o n m",
        "İstanbul",
        "ǅ",
        "ß",
        "ﬁ",
        "Ⅻ",
        "\u{10FFFF}",
        "𠀀𠀁",
        "hasOwnProperty",
        "__proto__",
        "prototype",
        "toString",
        "NaN",
        "undefined",
        "null",
        "Infinity",
        "constructor 富士康",
    ];
    for (label, en) in sites.both("en/search/") {
        for q in queries {
            let v = query(&b, &en, q);
            assert!(v["hits"].is_array(), "{label}: {q:?}: {v}");
        }
    }
}

#[test]
fn header_box_is_a_keyboard_combobox() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for (label, url) in sites.both("en/") {
        b.goto(&url);
        b.wait_for("document.querySelector('form.bsearch') && !document.querySelector('form.bsearch').hidden", "the box to show");
        b.keys("/");
        assert_eq!(
            b.exec("return document.activeElement.id;", json!([])),
            "bsearch-q",
            "{label}: / focuses the box"
        );
        let input = b.find("#bsearch-q");
        b.type_into(&input, "foxconn");
        b.wait_for(
            "document.querySelector('form.bsearch').getAttribute('data-state') === 'done'",
            "dropdown results",
        );
        let v = b.exec(RESULTS_JS, json!(["form.bsearch"]));
        shot(&b, &format!("dropdown-{label}"));
        assert_eq!(titles(&v), ["Foxconn expands its Taiyuan park"], "{label}");
        assert_eq!(v["listHidden"], false, "{label}: dropdown open");
        assert_eq!(
            b.exec(
                "return document.getElementById('bsearch-q').getAttribute('aria-expanded');",
                json!([])
            ),
            "true"
        );
        assert_eq!(v["status"], "1 result", "{label}: announced");

        b.keys(key::DOWN);
        let active = b.exec(
            "var i = document.getElementById('bsearch-q'), id = i.getAttribute('aria-activedescendant'); var o = id && document.getElementById(id); return o && o.getAttribute('aria-selected');",
            json!([]),
        );
        assert_eq!(active, "true", "{label}: arrow selects an option");
        b.keys(key::ESCAPE);
        assert_eq!(
            b.exec(
                "return document.getElementById('bsearch-list').hidden;",
                json!([])
            ),
            true,
            "{label}: Escape closes"
        );
        b.keys(key::DOWN);
        b.keys(key::ENTER);
        b.wait_for("document.getElementById('report')", "the report page");
        assert!(
            b.url().contains("/en/reports/foxconn-taiyuan/"),
            "{label}: Enter opens {}",
            b.url()
        );

        // Enter with no option chosen opens the search page with ?q=.
        b.goto(&url);
        b.wait_for("!document.querySelector('form.bsearch').hidden", "the box");
        let input = b.find("#bsearch-q");
        b.type_into(&input, "zone");
        b.wait_for(
            "document.querySelector('form.bsearch').getAttribute('data-state') === 'done'",
            "dropdown",
        );
        b.keys(key::ENTER);
        b.wait_for(
            "document.querySelector('form[data-mode=page]')",
            "the search page",
        );
        let v = page_results(&b);
        assert!(
            titles(&v).len() >= 3,
            "{label}: search page shows the results for the query"
        );
        assert_eq!(
            b.exec(
                "return document.getElementById('bsearch-page-q').value;",
                json!([])
            ),
            "zone"
        );
    }
}

#[test]
fn without_javascript_the_box_is_hidden() {
    let Some(b) = Browser::start_with(&["--blink-settings=scriptEnabled=false"]) else {
        return;
    };
    let sites = Sites::new();
    for (label, url) in sites.both("en/search/") {
        b.goto(&url);
        // WebDriver scripts still run; the page's own do not.
        let v = b.exec(
            "var f = document.querySelector('form.bsearch'); return {shown: f.offsetParent !== null, js: !!window.__briefingSearch, noscript: document.body.innerText};",
            json!([]),
        );
        assert_eq!(v["js"], false, "{label}: scripts are off");
        assert_eq!(v["shown"], false, "{label}: the search box is hidden");
        assert!(
            v["noscript"]
                .as_str()
                .unwrap()
                .contains("Search needs JavaScript."),
            "{label}: {v}"
        );
    }
}

/// The `basic` fixture built by the real pipeline, plus its search index and a
/// search page: `(temp dir, output folder)`.
fn build_fixture(
    style: briefing::model::urls::UrlStyle,
) -> (tempfile::TempDir, PathBuf, briefing::pipeline::BuildReport) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut opts = briefing::pipeline::BuildOptions::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/basic"
    ));
    opts.output = Some(out.clone());
    opts.style = style;
    let report = briefing::pipeline::build(&opts).unwrap_or_else(|e| panic!("fixture build: {e}"));
    let site = &report.site;
    // The plain theme has no search page, so the build wrote no index: add one.
    let units = briefing::model::units::UnitCatalog::with_custom(
        &site.config.units,
        &site.config.dimensions,
    )
    .unwrap();
    let keep = &briefing::emit::search::site::keep_bytes;
    let (index, _) = briefing::emit::search::site::output_files(
        &site.content,
        &site.config,
        &units,
        style,
        None,
        keep,
    )
    .unwrap();
    for f in index {
        write(&out.join(&f.path), f.as_bytes().unwrap());
    }
    for asset in ["search.js", "search.css"] {
        write(
            &out.join("static").join(asset),
            &std::fs::read(format!("{THEME}/static/{asset}")).unwrap(),
        );
    }
    let offline = style == briefing::model::urls::UrlStyle::Offline;
    for lang in Lang::ALL {
        let l = lang.code();
        let tail = if offline { "index.html" } else { "" };
        let page = render(
            "search.html",
            lang,
            "../../",
            offline,
            "Search",
            &format!("{l}/search/{tail}"),
        );
        write(&out.join(l).join("search/index.html"), page.as_bytes());
    }
    (tmp, out, report)
}

#[test]
fn a_site_built_by_the_pipeline_is_searchable() {
    use briefing::model::urls::UrlStyle;
    let Some(b) = Browser::start() else { return };
    let (_online_tmp, online, _) = build_fixture(UrlStyle::Online);
    let (_offline_tmp, offline, _) = build_fixture(UrlStyle::Offline);
    let server = StaticServer::start(&online);
    let file_base = file_url(&offline);
    for (label, base) in [("http", server.url("")), ("file", format!("{file_base}/"))] {
        let page = |l: &str| {
            format!(
                "{base}{l}/search/{}",
                if label == "file" { "index.html" } else { "" }
            )
        };
        let cases: [(&str, &str, &str, &str); 5] = [
            (
                "en",
                "光机电",
                "Jincheng zone builds an opto-mechatronics cluster",
                "Jincheng zone builds an opto-mechatronics cluster",
            ),
            (
                "en",
                "6,806",
                "Jincheng zone builds an opto-mechatronics cluster",
                "Jincheng zone builds an opto-mechatronics cluster",
            ),
            (
                "en",
                "亲清",
                "霍州经开区深化亲清政商关系",
                "霍州经开区深化亲清政商关系",
            ),
            (
                "zh",
                "opto",
                "晋城经开区构建光机电产业集群",
                "晋城经开区构建光机电产业集群",
            ),
            (
                "zh",
                "6806",
                "晋城经开区构建光机电产业集群",
                "晋城经开区构建光机电产业集群",
            ),
        ];
        for (lang, q, title, page_title) in cases {
            let v = query(&b, &page(lang), q);
            assert_eq!(titles(&v), [title], "{label} {lang} {q:?}: {v}");
            // The result links to the page the build wrote.
            let href = b.exec(
                "return document.querySelector('.bsearch-hit a').href;",
                json!([]),
            );
            b.goto(href.as_str().unwrap());
            let h1 = b.wait_for(
                "document.querySelector('h1') && document.querySelector('h1').textContent",
                "the report page",
            );
            assert!(
                h1.as_str().unwrap().contains(page_title),
                "{label}: {href} shows {h1}"
            );
        }
    }
}

/// Bytes loaded and time taken per query on a big index. Run by hand:
///
/// ```text
/// python3 scripts/gen_site.py briefing 5000 /tmp/bench5k
/// cargo run --release --example search_bench -- /tmp/bench5k /tmp/bench5k-search
/// BRIEFING_SEARCH_BENCH=/tmp/bench5k-search cargo test --release --test it search_bench -- --ignored --nocapture
/// ```
#[test]
#[ignore = "a benchmark: needs BRIEFING_SEARCH_BENCH (see the doc comment)"]
fn search_bench() {
    let Some(dir) = std::env::var_os("BRIEFING_SEARCH_BENCH") else {
        return crate::skip::skip(
            "the search benchmark's site",
            "set BRIEFING_SEARCH_BENCH (see the doc comment)",
        );
    };
    let dir = PathBuf::from(dir);
    let Some(b) = Browser::start() else { return };
    for asset in ["search.js", "search.css"] {
        write(
            &dir.join("static").join(asset),
            &std::fs::read(format!("{THEME}/static/{asset}")).unwrap(),
        );
    }
    for lang in Lang::ALL {
        let page = render(
            "search.html",
            lang,
            "../../",
            false,
            "Search",
            &format!("{}/search/", lang.code()),
        );
        write(
            &dir.join(lang.code()).join("search/index.html"),
            page.as_bytes(),
        );
    }
    let server = StaticServer::start(&dir);
    let queries = [
        ("zh", "园区"),
        ("zh", "光机电"),
        ("zh", "光机电产业"),
        ("zh", "营商环境"),
        ("zh", "招商引资 48.3"),
        ("zh", "运城 logistics"),
        ("en", "supply chain"),
        ("en", "warehouse"),
        ("en", "solar batt"),
        ("en", "Yuncheng"),
        ("en", "光机电"),
        ("en", "富士康"),
    ];
    println!(
        "{:<14} {:>8} {:>7} {:>6} {:>9} {:>9}",
        "query", "results", "files", "KB", "cold ms", "warm ms"
    );
    for (lang, q) in queries {
        let v = query(&b, &server.url(&format!("{lang}/search/")), q);
        let loaded = b.exec(
            "var r = performance.getEntriesByType('resource').filter(function (e) { return e.name.indexOf('/search/') >= 0; });
             return {files: r.length, bytes: r.reduce(function (s, e) { return s + e.encodedBodySize; }, 0),
                     ms: __briefingSearch.boxes.filter(function (x) { return x.page; })[0].lastQueryMs};",
            json!([]),
        );
        let warm = b.exec_async(
            "var done = arguments[arguments.length - 1], box = __briefingSearch.boxes.filter(function (x) { return x.page; })[0];
             var t = performance.now(), n = 20, i = 0;
             (function next() { if (i++ < n) box.index.search(box.input.value).then(next); else done((performance.now() - t) / n); })();",
            json!([]),
        );
        println!(
            "{:<14} {:>8} {:>7} {:>6.0} {:>9.1} {:>9.2}",
            format!("{lang}:{q}"),
            v["status"].as_str().unwrap_or(""),
            loaded["files"],
            loaded["bytes"].as_f64().unwrap() / 1024.0,
            loaded["ms"].as_f64().unwrap_or(0.0),
            warm.as_f64().unwrap()
        );
    }
}

/// The repository's sample site with the default theme, built by the binary:
/// the header box on a report page and the search page, over http:// and file://.
#[test]
fn the_sample_site_searches_with_the_default_theme() {
    use crate::support::Site;
    let Some(b) = Browser::start() else { return };
    let online = Site::sample();
    online.build_ok(&[]);
    let offline = Site::sample();
    offline.build_ok(&["--offline"]);
    assert!(online.exists("search/meta.js") && online.exists("en/search/index.html"));
    let server = StaticServer::start(&online.public());
    let file_base = format!("{}/", file_url(&offline.public()));
    for (label, base, tail) in [
        ("http", server.url(""), ""),
        ("file", file_base, "index.html"),
    ] {
        // Cross-language from the header of an English report page, then Enter.
        b.goto(&format!(
            "{base}en/reports/yuanping-equipment-manufacturing/{tail}"
        ));
        b.wait_for(
            "!document.querySelector('form.bsearch').hidden",
            "the header box",
        );
        b.keys("/");
        let input = b.find("#bsearch-q");
        b.type_into(&input, "康佳");
        b.wait_for(
            "document.querySelector('form.bsearch').getAttribute('data-state') === 'done'",
            "dropdown",
        );
        shot(&b, &format!("sample-dropdown-{label}"));
        let v = b.exec(RESULTS_JS, json!(["form.bsearch"]));
        assert_eq!(
            titles(&v).first().map(String::as_str),
            Some("Led by Konka's MLED Project, Changzhi Gathers Momentum Through Targeted Investment Promotion"),
            "{label}: {v}"
        );
        b.keys(key::DOWN);
        b.keys(key::ENTER);
        b.wait_for("location.pathname.indexOf('changzhi-konka') >= 0 && document.readyState === 'complete'", "the report");

        // Deep links to the search page.
        let v = query(&b, &format!("{base}en/search/{tail}"), "6,806");
        assert_eq!(
            titles(&v).first().map(String::as_str),
            Some("Building a New All-Round Ecosystem for the Opto-Mechatronics Cluster"),
            "{label}"
        );
        let v = query(&b, &format!("{base}zh/search/{tail}"), "光机电");
        assert_eq!(
            titles(&v).first().map(String::as_str),
            Some("全方位构建光机电产业集群发展新生态"),
            "{label}"
        );
        shot(&b, &format!("sample-page-zh-{label}"));
    }
}

/// Without a browser: the search input the pipeline gives the index points at
/// the pages it writes, in both URL styles, with formatted metrics.
#[test]
fn site_reports_match_the_built_pages() {
    use briefing::model::urls::UrlStyle;
    for style in [UrlStyle::Online, UrlStyle::Offline] {
        let (_tmp, out, report) = build_fixture(style);
        let site = &report.site;
        let units = briefing::model::units::UnitCatalog::with_custom(
            &site.config.units,
            &site.config.dimensions,
        )
        .unwrap();
        let reports =
            briefing::emit::search::site::site_reports(&site.content, &site.config, &units, style);
        assert_eq!(reports.len(), site.content.reports.len());
        for r in &reports {
            assert_eq!(
                r.entries[0].0,
                site.config.source_lang(),
                "source language first"
            );
            for (_, e) in &r.entries {
                let file = if style == UrlStyle::Online {
                    format!("{}index.html", e.url)
                } else {
                    e.url.clone()
                };
                assert!(
                    out.join(&file).is_file(),
                    "{style:?}: {} is not a built page",
                    e.url
                );
                assert!(
                    !e.text.body.contains('<'),
                    "body text has no markup: {}",
                    e.text.body
                );
            }
        }
        let jincheng = reports
            .iter()
            .find(|r| r.entries[0].1.url.contains("jincheng"))
            .unwrap();
        let en = &jincheng
            .entries
            .iter()
            .find(|(l, _)| *l == Lang::En)
            .unwrap()
            .1
            .text;
        assert!(
            en.metrics
                .iter()
                .any(|m| m.starts_with("CNC and mould machines") && m.contains("6,806")),
            "{:?}",
            en.metrics
        );
        assert!(out.join("search/meta.js").is_file() && out.join("search/en/d0.js").is_file());
    }
}
