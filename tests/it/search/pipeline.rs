//! Search on sites the real pipeline builds: the `basic` fixture with an
//! index from `search::site`, and the sample site built by the binary with
//! the default theme, over http:// and file://.

use super::fixture::build_fixture;
use super::page::{dropdown_results, open_query, shot, titles, HEADER_FORM};
use crate::browser::{file_url, key, Browser, StaticServer};
use briefing::model::urls::UrlStyle;
use briefing::Lang;
use serde_json::json;

#[test]
fn a_site_built_by_the_pipeline_is_searchable() {
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
            let v = open_query(&b, &page(lang), q);
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
            &format!("!document.querySelector('{HEADER_FORM}').hidden"),
            "the header box",
        );
        b.keys("/");
        let input = b.find("#bsearch-q");
        b.type_into(&input, "康佳");
        let v = dropdown_results(&b);
        shot(&b, &format!("sample-dropdown-{label}"));
        assert_eq!(
            titles(&v).first().map(String::as_str),
            Some("Led by Konka's MLED Project, Changzhi Gathers Momentum Through Targeted Investment Promotion"),
            "{label}: {v}"
        );
        b.keys(key::DOWN);
        b.keys(key::ENTER);
        b.wait_for("location.pathname.indexOf('changzhi-konka') >= 0 && document.readyState === 'complete'", "the report");

        // Deep links to the search page.
        let v = open_query(&b, &format!("{base}en/search/{tail}"), "6,806");
        assert_eq!(
            titles(&v).first().map(String::as_str),
            Some("Building a New All-Round Ecosystem for the Opto-Mechatronics Cluster"),
            "{label}"
        );
        let v = open_query(&b, &format!("{base}zh/search/{tail}"), "光机电");
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
