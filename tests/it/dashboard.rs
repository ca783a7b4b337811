//! The metrics dashboard as a reader uses it, and bad metric input.

use crate::browser::{file_url, Browser};
use crate::support::Site;
use serde_json::json;

#[test]
fn dashboard_tables_are_complete_without_javascript_and_sort_with_it() {
    let site = Site::sample();
    site.build_ok(&["--offline"]);
    // Without JavaScript: every metric of every report is in a table.
    let page = site.html("en/metrics/index.html");
    let rows = page.all("table[data-sortable] tbody tr").len();
    let csv = site.read("data/metrics.csv");
    assert_eq!(
        rows,
        csv.lines().count() - 1,
        "one table row per exported metric"
    );

    let Some(browser) = Browser::start() else {
        return;
    };
    browser.goto(&file_url(&site.public().join("en/metrics/index.html")));
    browser.wait_for(
        "document.querySelector('table.is-sortable th button')",
        "sort buttons",
    );
    // The currency table: sort by the last column (value in base units).
    let column = |expr: &str| {
        browser.exec(
            &format!(
                "const t = document.querySelectorAll('table[data-sortable]')[0];
                 const last = t.tHead.rows[0].cells.length - 1;
                 {expr}
                 return [...t.tBodies[0].rows].map(r => parseFloat(r.cells[last].dataset.sort));"
            ),
            json!([]),
        )
    };
    let click = "t.tHead.rows[0].cells[last].querySelector('button').click();";
    let numbers = |v: serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let before = numbers(column(""));
    assert!(before.len() >= 5, "{before:?}");
    let ascending = numbers(column(click));
    let mut sorted = before.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(
        ascending, sorted,
        "numeric ascending (so 9 sorts before 130)"
    );
    let descending = numbers(column(click));
    sorted.reverse();
    assert_eq!(descending, sorted);
    let aria = browser.exec(
        "const t = document.querySelectorAll('table[data-sortable]')[0];
         return t.tHead.rows[0].cells[t.tHead.rows[0].cells.length - 1].getAttribute('aria-sort');",
        json!([]),
    );
    assert_eq!(aria, json!("descending"));
}

#[test]
fn a_qualifier_outside_the_allowed_set_is_an_error() {
    let site = Site::fixture("basic");
    let zh = std::fs::read_to_string(site.root.join("content/reports/jincheng.zh.md")).unwrap();
    site.write(
        "content/reports/jincheng.zh.md",
        zh.replace("qualifier: nearly", "qualifier: approximately"),
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(
        err.contains("error: content/reports/jincheng.zh.md:14: metrics[0].qualifier: unknown qualifier `approximately`\n  help: write the word as the source does, one of: 近 (nearly), "),
        "{err}"
    );
    assert!(
        !err.contains("has no source file"),
        "no cascade error for the translation: {err}"
    );
    assert!(err.contains("1 error(s)"), "{err}");
}

#[test]
fn a_key_used_with_two_dimensions_blames_the_minority_or_both() {
    let site = Site::fixture("basic");
    // `funding` is 亿元 in jincheng; make huozhou's a count: one against one.
    site.edit("content/reports/huozhou.zh.md", "unit: 万元", "unit: 台");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let errors: Vec<String> = run
        .stderr()
        .split("\nwarning: ")
        .flat_map(|w| w.split("\nerror: ").skip(1))
        .filter(|e| e.contains("metric `funding` is in"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "content/reports/huozhou.zh.md:10: metric `funding` is in 台 (count) in report `reports/huozhou`, but in 亿元 (currency_cny) in report `reports/jincheng` (content/reports/jincheng.zh.md:10)\n  \
             help: a metric key must measure the same kind of thing in every report, and as many reports use count as currency_cny, so each is listed: make them agree, or give one of the figures a key of its own",
            "content/reports/jincheng.zh.md:10: metric `funding` is in 亿元 (currency_cny) in report `reports/jincheng`, but in 台 (count) in report `reports/huozhou` (content/reports/huozhou.zh.md:10)\n  \
             help: a metric key must measure the same kind of thing in every report, and as many reports use currency_cny as count, so each is listed: make them agree, or give one of the figures a key of its own",
        ],
        "{}",
        run.stderr()
    );
    // A third report in 万元: the count is in the minority, and only it is wrong.
    site.write(
        "content/reports/third.zh.md",
        "---\ntitle: 第三\ndate: 2025-05-01\nmetrics:\n  - key: funding\n    label: 资金支持\n    value: 5\n    unit: 万元\n---\n正文\n",
    );
    let run = site.build(&[]);
    let err = run.stderr();
    let clashes: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("metric `funding` is in"))
        .collect();
    assert_eq!(
        clashes,
        ["error: content/reports/huozhou.zh.md:10: metric `funding` is in 台 (count) in report `reports/huozhou`, but in 亿元 (currency_cny) in report `reports/jincheng` (content/reports/jincheng.zh.md:10)"],
        "{err}"
    );
    assert!(err.contains("\n  help: a metric key must measure the same kind of thing in every report: use a currency_cny unit here as in content/reports/jincheng.zh.md:10, or give this figure a key of its own\n"), "{err}");
}

#[test]
fn base_unit_column_reads_per_language_and_exports_keep_raw_numbers() {
    let site = Site::sample();
    site.write(
        "content/reports/base-amounts.zh.md",
        "---\ntitle: 基数测试\ndate: 2025-01-02\nsummary: 测试。\nmetrics:\n  - key: base_area_test\n    label: 用地\n    value: 260\n    unit: 亩\n  - key: base_money_test\n    label: 投资\n    value: 400\n    unit: 亿元\n---\n正文。\n",
    );
    site.build_ok(&[]);
    // (page, the figure's label, its row's last two cells)
    let row = |page: &str, label: &str| -> Vec<String> {
        let page = site.html(page);
        let row = page
            .all("table[data-sortable] tbody tr")
            .into_iter()
            .find(|tr| {
                tr.select(&scraper::Selector::parse("td").unwrap())
                    .nth(2)
                    .map(|td| td.text().collect::<String>())
                    == Some(label.to_string())
            })
            .expect(label);
        let cells: Vec<String> = row
            .select(&scraper::Selector::parse("td").unwrap())
            .map(|td| td.text().collect::<String>())
            .collect();
        cells[3..].to_vec()
    };
    assert_eq!(
        row("zh/metrics/index.html", "用地"),
        ["260 亩", "17.3 万平方米"]
    );
    assert_eq!(
        row("en/metrics/index.html", "用地"),
        ["260 mu", "173,333 m²"]
    );
    assert_eq!(
        row("zh/metrics/index.html", "投资"),
        ["400 亿元", "400 亿元"]
    );
    assert_eq!(
        row("en/metrics/index.html", "投资"),
        ["CNY 40 billion", "CNY 40 billion"]
    );
    let csv = site.read("data/metrics.csv");
    assert!(
        csv.contains(",260,亩,,260 亩,260 mu,173333.333333333,平方米,area,"),
        "{csv}"
    );
    assert!(
        csv.contains(",400,亿元,,400 亿元,CNY 40 billion,40000000000,元,currency_cny,"),
        "{csv}"
    );
}
