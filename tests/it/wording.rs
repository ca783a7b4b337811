//! How a figure is worded on every page: qualifiers as the source writes
//! them, English nouns a translation gives counted figures, and a site's own
//! units and dimensions.

use crate::support::Site;

const JINCHENG_ZH: &str = "content/reports/jincheng-opto-mechatronics-cluster.zh.md";
const JINCHENG_EN: &str = "content/reports/jincheng-opto-mechatronics-cluster.en.md";
const JINCHENG: &str = "reports/jincheng-opto-mechatronics-cluster";

/// Every file below `public/` whose text contains `needle`, sorted.
fn files_containing(site: &Site, needle: &str) -> Vec<String> {
    let public = site.public();
    let mut found: Vec<String> = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|text| text.contains(needle)))
        .map(|e| {
            let rel = e.path().strip_prefix(&public).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_qualifier_word_is_shown_in_its_place_in_chinese_and_idiomatically_in_english() {
    let site = Site::sample();
    site.edit(JINCHENG_ZH, "qualifier: nearly", "qualifier: 超");
    site.edit(
        JINCHENG_ZH,
        "    value: 130\n    unit: 亿元\n",
        "    value: 130\n    unit: 亿元\n    qualifier: 以上\n",
    );
    site.build_ok(&[]);
    let zh = site.html(&format!("zh/{JINCHENG}/index.html"));
    assert_eq!(
        zh.text("#figure-funding_support .metric__value"),
        "超 30 亿元"
    );
    assert_eq!(
        zh.text("#figure-jinjiang_planned_investment .metric__value"),
        "130 亿元以上"
    );
    let en = site.html(&format!("en/{JINCHENG}/index.html"));
    assert_eq!(
        en.text("#figure-funding_support .metric__value"),
        "more than CNY 3 billion"
    );
    assert_eq!(
        en.text("#figure-jinjiang_planned_investment .metric__value"),
        "CNY 13 billion or more"
    );
    // The exports name the qualifier by its English name.
    let json = site.read("data/metrics.json");
    assert!(
        json.contains("\"exceeding\"") && json.contains("\"or_more\""),
        "{json}"
    );
}

#[test]
fn the_english_names_of_earlier_versions_keep_their_output() {
    let site = Site::sample();
    site.build_ok(&[]);
    let zh = site.html(&format!("zh/{JINCHENG}/index.html"));
    let en = site.html(&format!("en/{JINCHENG}/index.html"));
    for (key, zh_text, en_text) in [
        ("funding_support", "近 30 亿元", "nearly CNY 3 billion"),
        ("projects", "130 余个", "over 130 projects"),
        (
            "standard_land_area",
            "133 万余平方米",
            "over 1.33 million m²",
        ),
        ("local_supply_rate", "70%", "70%"),
    ] {
        let css = format!("#figure-{key} .metric__value");
        assert_eq!((key, zh.text(&css)), (key, zh_text.to_string()));
        assert_eq!((key, en.text(&css)), (key, en_text.to_string()));
    }
    let taiyuan = "reports/taiyuan-smart-logistics-may-day-construction";
    let text = site.read(&format!("zh/{taiyuan}/index.html"));
    assert!(text.contains("约 "), "`about` still renders 约");
}

#[test]
fn a_translation_noun_is_used_in_every_english_place_and_nowhere_in_chinese() {
    let site = Site::sample();
    site.edit(
        JINCHENG_EN,
        "  - key: projects\n    label: Projects attracted in five years\n    noun: projects\n",
        "  - key: projects\n    label: Projects attracted in five years\n    noun: investment projects\n",
    );
    site.edit(
        JINCHENG_EN,
        "  - key: smt_lines\n    label: SMT production lines\n    noun: lines\n",
        "  - key: smt_lines\n    label: SMT production lines\n    noun: {one: SMT line, other: SMT lines}\n",
    );
    site.edit(
        JINCHENG_EN,
        "    label: CNC and mould-making machines\n    noun: machines\n",
        "    label: CNC and mould-making machines\n",
    );
    site.build_ok(&[]);
    let en = site.html(&format!("en/{JINCHENG}/index.html"));
    assert_eq!(
        en.text("#figure-projects .metric__value"),
        "over 130 investment projects"
    );
    assert_eq!(en.text("#figure-smt_lines .metric__value"), "111 SMT lines");
    assert_eq!(
        en.text("#figure-cnc_mold_equipment .metric__value"),
        "6,806",
        "no noun: a bare number"
    );

    let found = files_containing(&site, "over 130 investment projects");
    for place in [
        format!("en/{JINCHENG}/index.html"), // the report page
        "en/index.html".to_string(),         // its card
        "en/metrics/index.html".to_string(), // the dashboard table
        "en/atom.xml".to_string(),           // the feed
        "data/metrics.csv".to_string(),      // the exports' English column
        "data/metrics.json".to_string(),
    ] {
        assert!(
            found.contains(&place),
            "{place} lacks the noun; found in {found:?}"
        );
    }
    assert!(
        found.iter().any(|f| f.starts_with("search/")),
        "search snippets lack the noun: {found:?}"
    );
    assert!(
        found.iter().all(|f| !f.starts_with("zh/")),
        "Chinese pages never show the English noun: {found:?}"
    );
    let zh = site.html(&format!("zh/{JINCHENG}/index.html"));
    assert_eq!(zh.text("#figure-projects .metric__value"), "130 余个");

    // The single-file report for e-mail says it too.
    let out = site.root.join("jincheng.html");
    let run = site.run(&[
        "archive",
        "--report",
        "jincheng-opto-mechatronics-cluster",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr());
    let single = std::fs::read_to_string(&out).unwrap();
    assert!(
        single.contains("over 130 investment projects"),
        "single-file report"
    );
}

#[test]
fn a_noun_on_a_figure_that_is_not_a_count_is_an_error_on_its_line() {
    let site = Site::sample();
    site.edit(
        JINCHENG_EN,
        "  - key: funding_support\n    label: Funding support\n",
        "  - key: funding_support\n    label: Funding support\n    noun: yuan\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("noun")).collect();
    assert_eq!(
        lines,
        [
            "error: content/reports/jincheng-opto-mechatronics-cluster.en.md:15: `noun` is for counted figures, but `亿元` measures currency_cny",
            "  help: remove `noun:`; the unit already says what is measured in English",
        ],
        "{err}"
    );
    site.edit(JINCHENG_EN, "    noun: yuan\n", "    noun: {one: yuan}\n");
    let err = site.build(&[]).stderr();
    assert!(
        err.contains("error: content/reports/jincheng-opto-mechatronics-cluster.en.md:17: metrics[2].noun: `noun` must be the English plural, e.g. `noun: refuelling stations`, or both forms, e.g. `noun: {one: person, other: people}`"),
        "{err}"
    );
}

#[test]
fn an_unknown_qualifier_names_its_line_and_the_words_to_use() {
    let site = Site::sample();
    site.edit(JINCHENG_ZH, "qualifier: nearly", "qualifier: 大概");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("warning") && !l.contains("add content"))
        .collect();
    assert_eq!(
        lines,
        [
            "error: content/reports/jincheng-opto-mechatronics-cluster.zh.md:25: metrics[2].qualifier: unknown qualifier `大概`",
            "  help: write the word as the source does, one of: 近 (nearly), 将近 (almost), 接近 (close_to), 约 (about), 大约 (roughly), 左右 (around), 上下 (or_so), 余 (over), 多 (plus), 超 (exceeding), 超过 (more_than), 逾 (upwards_of), 突破 (surpassing), 至少 (at_least), 以上 (or_more), 不到 (under), 不足 (less_than), 以下 (or_less), 最多 (at_most), 以内 (within)",
            "error: 1 error(s) in the site; nothing was written",
        ],
        "{err}"
    );
}

const SITE_UNITS: &str = "units:
  - zh: 吨/日
    en: tonnes a day
    dimension: throughput
    factor: 1
    base: {zh: 吨/日, en: t/day}
  - zh: 工作日
    en: working days
    dimension: duration
    factor: 1.4
    base: 天
dimensions:
  - name: throughput
    label: {zh: 处理能力, en: Throughput}
";

#[test]
fn site_units_have_english_bases_singulars_and_declared_dimensions() {
    let site = Site::sample();
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{config}{SITE_UNITS}"));
    site.edit(
        JINCHENG_ZH,
        "  - key: policy_areas\n",
        "  - key: sewage_capacity\n    label: 污水处理能力\n    value: 4\n    unit: 吨/日\n  - key: approval_time\n    label: 审批时限\n    value: 1\n    unit: 工作日\n  - key: policy_areas\n",
    );
    site.build_ok(&[]);
    let en = site.html(&format!("en/{JINCHENG}/index.html"));
    assert_eq!(
        en.text("#figure-sewage_capacity .metric__value"),
        "4 tonnes a day"
    );
    assert_eq!(
        en.text("#figure-approval_time .metric__value"),
        "1 working day"
    );
    let dashboard = site.read("en/metrics/index.html");
    assert!(
        dashboard.contains("Throughput"),
        "declared label heads its table"
    );
    assert!(
        dashboard.contains("4 t/day"),
        "English base unit on the English dashboard"
    );
    assert!(
        !dashboard.contains("吨/日"),
        "no Chinese base on the English dashboard"
    );
    let zh = site.read("zh/metrics/index.html");
    assert!(zh.contains("处理能力") && zh.contains("吨/日"));
}

#[test]
fn an_undeclared_dimension_is_an_error_on_its_line() {
    let site = Site::sample();
    let config = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    let units = SITE_UNITS.split("dimensions:").next().unwrap();
    site.write("site.yaml", format!("{config}{units}"));
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let config_lines = config.lines().count();
    assert_eq!(
        run.stderr().lines().take(2).collect::<Vec<_>>(),
        [
            format!("error: site.yaml:{}: custom unit `吨/日`: unknown dimension `throughput`", config_lines + 4),
            "  help: use a built-in dimension (currency_cny, currency_usd, area, mass, power, energy, percent, count, duration) or declare it: `dimensions: [{name: throughput, label: {zh: …, en: …}}]`".to_string(),
        ],
        "{}",
        run.stderr()
    );
}
