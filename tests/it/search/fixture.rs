//! The sites the search tests open: generated reports indexed by
//! `search::build_index` with pages rendered from the default theme's search
//! templates ([`Sites`]), and the `basic` fixture built by the real pipeline
//! ([`build_fixture`]).

use crate::browser::{file_url, percent_encode_path, StaticServer};
use briefing::emit::search::{build_index, SearchEntry, SearchReport, SearchText};
use briefing::model::urls::UrlStyle;
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

/// The reports the tests search for, and filler around them.
fn fixture_reports() -> Vec<Report> {
    let mut reports = named_reports();
    reports.extend(filler_reports());
    reports
}

fn named_reports() -> Vec<Report> {
    vec![
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
    ]
}

/// Filler, so the index has several shards and document chunks.
fn filler_reports() -> impl Iterator<Item = Report> {
    (0..60).map(|i| {
        let words: Vec<String> = (0..250).map(|k| pseudo_word(i * 1000 + k)).collect();
        let text = st(
            &format!("Filler report {}", pseudo_word(i)),
            "",
            &[],
            "",
            &[],
            &words.join(" "),
        );
        Report {
            slug: Box::leak(format!("filler-{i:02}").into_boxed_str()),
            date: "2020-01-01",
            source: Lang::En,
            en: Some(text),
            zh: None,
        }
    })
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

pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Renders one page with the theme's search templates and the stand-in base.
pub fn render(
    template: &str,
    lang: Lang,
    root: &str,
    offline: bool,
    title: &str,
    url: &str,
) -> String {
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
    install_theme_assets(dir);
    write_search_pages(dir, offline);
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

/// Copies the default theme's search.js and search.css into `dir/static/`.
pub fn install_theme_assets(dir: &Path) {
    for asset in ["search.js", "search.css"] {
        write(
            &dir.join("static").join(asset),
            &std::fs::read(format!("{THEME}/static/{asset}")).unwrap(),
        );
    }
}

/// Writes each language's search page, `LANG/search/index.html`.
pub fn write_search_pages(dir: &Path, offline: bool) {
    let tail = if offline { "index.html" } else { "" };
    for lang in Lang::ALL {
        let l = lang.code();
        let page = render(
            "search.html",
            lang,
            "../../",
            offline,
            "Search",
            &format!("{l}/search/{tail}"),
        );
        write(&dir.join(l).join("search/index.html"), page.as_bytes());
    }
}

/// The test site built twice, for http:// (served on 127.0.0.1) and for
/// file:// (offline URLs).
pub struct Sites {
    _tmp: tempfile::TempDir,
    server: StaticServer,
    offline_dir: PathBuf,
}

impl Sites {
    pub fn new() -> Sites {
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
    pub fn both(&self, page: &str) -> [(&'static str, String); 2] {
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

/// The `basic` fixture built by the real pipeline, plus its search index and a
/// search page: `(temp dir, output folder, build report)`.
pub fn build_fixture(
    style: UrlStyle,
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
    install_theme_assets(&out);
    write_search_pages(&out, style == UrlStyle::Offline);
    (tmp, out, report)
}
