//! The quote check (`check` and `build` warnings, `require_quotes`) and
//! `briefing figures`, on tests/fixtures/quotes: one report whose every
//! figure was copied wrongly, one whose every quote writes its figure
//! another way.

use crate::support::Site;

const WRONG: &str = "content/reports/wrong-figures.zh.md";

const VALUE_HINT: &str =
    "make `value` and `unit` (万 and 亿 included) give the amount the quote gives";

/// Every problem of wrong-figures.zh.md: (line, message, hint).
fn expected() -> Vec<(usize, &'static str, String)> {
    let word = |w: &str| format!("write `qualifier: {w}`, the word the source uses");
    let value = || VALUE_HINT.to_string();
    vec![
        (12, "metric `total_investment` is 321 亿元, but its quote has 312 亿元, 500 亿元", value()),
        (17, "metric `plant_area` is 12 平方米, but its quote has 12 万平方米", value()),
        (22, "metric `firms` is 80 家, but its quote says 80 余家", word("余")),
        (28, "metric `signed_investment` is 超 400 亿元, but its quote says 近 400 亿元", word("近")),
        (34, "metric `funding` is 近 30 亿元, but its quote says 30 亿元", "remove `qualifier`, or check the quote against the source".to_string()),
        (39, "metric `projects` is 130 个, but its quote has 1300 个", value()),
        (44, "metric `credit_line` is 2.6 万元, but its quote has 2.6 亿元", value()),
        (50, "metric `local_supply_rate` is 70%以上, but its quote has 百分之六十以上", value()),
        (56, "metric `jobs` is 2000 余人, but its quote says 2000 多人", word("多")),
        (62, "metric `standard_land` is 133 万余平方米, but its quote says 133 万平方米以上", word("以上")),
        (67, "metric `desulfurizer_capacity` is 20 万吨, but its quote has 20 吨", value()),
        (72, "metric `time_to_production` is 6 个月, but its quote has 6 年", value()),
        (77, "metric `refuelling_stations` is 3 座, but its quote has 五座", value()),
        (78, "metric `smt_lines` has no quote", "add `quote:` with the source's sentence that gives the figure (site.yaml has `require_quotes: true`)".to_string()),
    ]
}

#[test]
fn check_reports_every_figure_its_quote_does_not_give_and_no_other() {
    let site = Site::fixture("quotes");
    let run = site.run(&["check"]);
    let mut want = format!("{WRONG}\n");
    for (line, message, hint) in expected() {
        want.push_str(&format!("  {line}: warning: {message}\n  help: {hint}\n"));
    }
    want.push_str("\n0 errors, 14 warnings in 1 file\n");
    assert_eq!(run.stdout(), want);
    assert_eq!(run.code(), Some(0), "warnings alone do not fail a check");
    assert_eq!(site.run(&["check", "--strict"]).code(), Some(1));
}

#[test]
fn build_warns_about_the_same_figures_and_still_builds() {
    let site = Site::fixture("quotes");
    let run = site.build_ok(&[]);
    let mut want = String::new();
    for (line, message, hint) in expected() {
        want.push_str(&format!(
            "warning: {WRONG}:{line}: {message}\n  help: {hint}\n"
        ));
    }
    assert_eq!(run.stderr(), want);
    assert!(
        run.stdout().ends_with(", 14 warning(s)\n"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_metric_without_a_quote_is_listed_only_when_the_site_requires_quotes() {
    let site = Site::fixture("quotes");
    site.edit("site.yaml", "require_quotes: true\n", "");
    let run = site.run(&["check"]);
    let out = run.stdout();
    assert!(!out.contains("smt_lines"), "{out}");
    assert!(
        out.ends_with("\n0 errors, 13 warnings in 1 file\n"),
        "{out}"
    );
}

const TABLE: &str = "\
report                 key                    zh              en                        quote
reports/right-figures  cnc_equipment          6806 台         6,806                     matches
reports/right-figures  policy_measures        128 条          128                       matches
reports/right-figures  floor_area             120000 平方米   120,000 m²                matches
reports/right-figures  plant_area             4.3 万平方米    43,000 m²                 matches
reports/right-figures  total_investment       2.6 亿元        CNY 260 million           matches
reports/right-figures  funding                近 30 亿元      nearly CNY 3 billion      matches
reports/right-figures  local_supply_rate      70%             70%                       matches
reports/right-figures  annual_output          5 亿元以上      CNY 500 million or more   matches
reports/right-figures  firm_capacity          30 余家         over 30 firms             matches
reports/right-figures  hardware_investment    30 亿余元       over CNY 3 billion        matches
reports/right-figures  commencement_rate      54.5%           54.5%                     matches
reports/right-figures  warehouses             3 栋            3 warehouses              matches
reports/right-figures  signed_investment      超过 400 亿元   more than CNY 40 billion  matches
reports/right-figures  new_firms              80 多家         more than 80 firms        matches
reports/right-figures  builders               200 多人        more than 200 people      matches
reports/right-figures  resolution_time        3 天            3 days                    matches
reports/wrong-figures  total_investment       321 亿元        CNY 32.1 billion          differs: quote has 312 亿元, 500 亿元
reports/wrong-figures  plant_area             12 平方米       12 m²                     differs: quote has 12 万平方米
reports/wrong-figures  firms                  80 家           80 firms                  differs: quote says 80 余家
reports/wrong-figures  signed_investment      超 400 亿元     more than CNY 40 billion  differs: quote says 近 400 亿元
reports/wrong-figures  funding                近 30 亿元      nearly CNY 3 billion      differs: quote says 30 亿元
reports/wrong-figures  projects               130 个          130                       differs: quote has 1300 个
reports/wrong-figures  credit_line            2.6 万元        CNY 26,000                differs: quote has 2.6 亿元
reports/wrong-figures  local_supply_rate      70%以上         70% or more               differs: quote has 百分之六十以上
reports/wrong-figures  jobs                   2000 余人       over 2,000 people         differs: quote says 2000 多人
reports/wrong-figures  standard_land          133 万余平方米  over 1.33 million m²      differs: quote says 133 万平方米以上
reports/wrong-figures  desulfurizer_capacity  20 万吨         200,000 tonnes            differs: quote has 20 吨
reports/wrong-figures  time_to_production     6 个月          6 months                  differs: quote has 6 年
reports/wrong-figures  refuelling_stations    3 座            3 stations                differs: quote has 五座
reports/wrong-figures  smt_lines              111 条          111                       none

30 figures in 2 reports; quote matches 16, differs 13, none 1
";

#[test]
fn figures_lists_every_figure_in_one_table() {
    let site = Site::fixture("quotes");
    let run = site.run(&["figures"]);
    assert_eq!(run.stdout(), TABLE);
    assert_eq!(run.stderr(), "");
    assert_eq!(run.code(), Some(1), "a figure differs");
}

#[test]
fn figures_as_json_has_one_object_per_figure() {
    let site = Site::fixture("quotes");
    let run = site.run(&["figures", "--format", "json"]);
    assert_eq!(run.code(), Some(1));
    let got: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    // The JSON says what the table says: compare row by row.
    let rows: Vec<Vec<&str>> = TABLE
        .lines()
        .skip(1)
        .take(30)
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    let lines = [
        12, 17, 22, 27, 32, 38, 43, 49, 55, 61, 66, 71, 77, 83, 89, 94, 12, 17, 22, 28, 34, 39, 44,
        50, 56, 62, 67, 72, 77, 78,
    ];
    let want: Vec<serde_json::Value> = rows
        .iter()
        .zip(lines)
        .map(|(row, line)| {
            let (quote, problem) = match row[4].split_once(": ") {
                Some((q, p)) => (q, serde_json::json!(p)),
                None => (row[4], serde_json::Value::Null),
            };
            let file = format!("content/{}.zh.md", row[0]);
            serde_json::json!({
                "report": row[0], "key": row[1], "zh": row[2], "en": row[3],
                "quote": quote, "problem": problem, "file": file, "line": line,
            })
        })
        .collect();
    assert_eq!(got, serde_json::Value::Array(want));
}

#[test]
fn figures_exits_0_when_every_quote_gives_its_figure() {
    let site = Site::sample();
    let run = site.run(&["figures"]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(
        run.stdout()
            .ends_with("\n49 figures in 6 reports; quote matches 49, differs 0, none 0\n"),
        "{}",
        run.stdout()
    );
}
