//! `briefing check`: build errors without writing, problems found in the
//! rendered site, stale translations, output formats and exit codes.

use crate::support::Site;

/// `check --format json` in the site; (exit code, diagnostics).
fn check_json(site: &Site, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    let json: serde_json::Value = serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout(), run.stderr()));
    let diags = json["diagnostics"].as_array().unwrap().clone();
    assert_eq!(
        json["errors"].as_u64().unwrap() + json["warnings"].as_u64().unwrap(),
        diags.len() as u64
    );
    (run.code().unwrap(), diags)
}

/// The diagnostics about `path` as "line: message".
fn about(diags: &[serde_json::Value], path: &str) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d["path"] == path)
        .map(|d| format!("{}: {}", d["line"], d["message"].as_str().unwrap()))
        .collect()
}

#[test]
fn the_sample_site_passes_strict() {
    let site = Site::sample();
    let run = site.run(&["check", "--strict"]);
    assert!(run.success(), "{}{}", run.stdout(), run.stderr());
    assert_eq!(run.stdout(), "no problems found\n");
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn build_errors_are_listed_by_file_and_nothing_is_written() {
    let site = Site::fixture("basic");
    let path = "content/reports/jincheng.zh.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(path, text.replace("value: 30", "value: 三十"));
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(1));
    let out = run.stdout();
    assert!(
        out.contains("content/reports/jincheng.zh.md\n  12: error: "),
        "{out}"
    );
    // The translation of the broken source is not reported as an orphan.
    assert!(out.contains("1 error, 1 warning in 2 files"), "{out}");
    assert!(!out.contains("has no source file"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when not a terminal");
    assert!(!site.public().exists());
    let (code, diags) = check_json(&site, &[]);
    assert_eq!(code, 1);
    assert!(diags.iter().any(|d| d["severity"] == "error"));
}

#[test]
fn warnings_fail_only_with_strict() {
    let site = Site::fixture("basic");
    let (code, diags) = check_json(&site, &[]);
    assert_eq!(code, 0);
    assert!(
        about(&diags, "content/reports/huozhou.zh.md")
            .contains(&"null: no en translation".to_string()),
        "{diags:?}"
    );
    assert_eq!(check_json(&site, &["--strict"]).0, 1);
}

#[test]
fn links_anchors_and_images_that_lead_nowhere() {
    let site = Site::fixture("basic");
    let path = "content/reports/jincheng.zh.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    let text = text.replace(
        "## 背景",
        "见[本页](#没有这一节)、[要点](#要点)、[霍州](huozhou.md#nowhere)与![](diagram.svg)。\n\n## 背景",
    );
    site.write(path, &text);
    let line = text
        .lines()
        .position(|l| l.contains("#没有这一节"))
        .unwrap()
        + 1;
    // A template link to a page that does not exist, on every page.
    let base = "themes/plain/templates/base.html";
    let tpl = std::fs::read_to_string(site.root.join(base)).unwrap();
    site.write(
        base,
        tpl.replace(
            "</header>",
            "<a href=\"{{ root }}about/\">about</a></header>",
        ),
    );
    let (_, diags) = check_json(&site, &[]);
    let md = about(&diags, path);
    assert!(
        md.contains(&format!("{line}: link `#没有这一节` leads to no element with id `没有这一节` on zh/reports/jincheng/index.html")),
        "{md:#?}"
    );
    assert!(
        md.contains(&format!("{line}: link `../../../zh/reports/huozhou/#nowhere` leads to no element with id `nowhere` on zh/reports/huozhou/index.html")),
        "{md:#?}"
    );
    assert!(
        md.contains(&format!(
            "{line}: image `../../../reports/diagram.svg` has no alt text"
        )),
        "{md:#?}"
    );
    assert!(
        !md.iter().any(|m| m.contains("#要点")),
        "existing heading ids are fine: {md:#?}"
    );
    let tpl = about(&diags, base);
    assert_eq!(tpl.len(), 1, "one diagnostic for all pages: {tpl:#?}");
    assert!(tpl[0].starts_with("14: link `"), "{tpl:#?}");
    assert!(
        tpl[0].contains("leads to no page or file of the site"),
        "{tpl:#?}"
    );
    assert!(tpl[0].contains("other pages)"), "{tpl:#?}");
}

#[test]
fn translations_out_of_date_missing_labels_summaries_and_titles() {
    let site = Site::fixture("basic");
    let en = "content/reports/jincheng.en.md";
    let zh = "content/reports/jincheng.zh.md";
    // No translated_from yet: one warning; --accept records it.
    let (_, diags) = check_json(&site, &[]);
    assert!(about(&diags, en)[0].contains("does not record which version"));
    let run = site.run(&["check", "--accept", en]);
    assert!(
        run.stderr()
            .contains("accepted content/reports/jincheng.en.md"),
        "{}",
        run.stderr()
    );
    let text = std::fs::read_to_string(site.root.join(en)).unwrap();
    assert!(text.contains("\ntranslated_from: "), "{text}");
    assert!(about(&check_json(&site, &[]).1, en).is_empty());
    // Editing a fact of the source keeps the translation current...
    let source = std::fs::read_to_string(site.root.join(zh)).unwrap();
    site.write(zh, source.replace("value: 6806", "value: 6807"));
    assert!(about(&check_json(&site, &[]).1, en).is_empty());
    // ...editing its text makes it out of date, until accepted again.
    site.write(zh, source.replace("集聚设备", "集聚各类设备"));
    let stale = about(&check_json(&site, &[]).1, en);
    let line = text
        .lines()
        .position(|l| l.starts_with("translated_from:"))
        .unwrap()
        + 1;
    assert_eq!(
        stale,
        [format!("{line}: the translation is out of date: content/reports/jincheng.zh.md changed since it was translated")]
    );
    site.run(&["check", "--accept"]);
    assert!(about(&check_json(&site, &[]).1, en).is_empty());
    // A metric without a label, an empty summary and a title used twice.
    let text = std::fs::read_to_string(site.root.join(en)).unwrap();
    site.write(
        en,
        text.replace("  - key: machines\n    label: CNC and mould machines\n", "")
            .replace(
                "summary: Jincheng uses policy and infrastructure to grow its cluster.\n",
                "",
            ),
    );
    let hz = "content/reports/huozhou.zh.md";
    let other = std::fs::read_to_string(site.root.join(hz)).unwrap();
    site.write(
        hz,
        other
            .replace("霍州经开区深化亲清政商关系", "晋城经开区构建光机电产业集群")
            .replace("label: 授信", "label: 资金支持"),
    );
    let (_, diags) = check_json(&site, &[]);
    let en_diags = about(&diags, en);
    assert!(
        en_diags.iter().any(|m| m
            .ends_with("metric `machines` has no English label; its page shows the key instead")),
        "{en_diags:#?}"
    );
    assert!(
        en_diags
            .iter()
            .any(|m| m.ends_with("the summary is empty; lists show the report without one")),
        "{en_diags:#?}"
    );
    assert_eq!(
        about(&diags, hz),
        ["null: no en translation", "2: the title `晋城经开区构建光机电产业集群` is also used by content/reports/jincheng.zh.md"]
    );
}

#[test]
fn unknown_files_to_accept_are_errors() {
    let site = Site::fixture("basic");
    let run = site.run(&["check", "--accept", "content/reports/huozhou.zh.md"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("not a translation"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_key_labelled_two_ways_is_a_warning_on_both_files() {
    let site = Site::fixture("basic");
    // `funding` is 资金支持 in jincheng and 授信 in huozhou: one against one.
    let run = site.run(&["check"]);
    assert!(run.success(), "a warning: {}", run.stdout());
    let out = run.stdout();
    for want in [
        "content/reports/huozhou.zh.md\n  warning: no en translation\n  help: add content/reports/huozhou.en.md; until then the en site lists the report marked as available only in zh\n  \
         10: warning: metric `funding` is labelled `授信` in report `reports/huozhou`, but `资金支持` in report `reports/jincheng` (content/reports/jincheng.zh.md:10)\n  \
         help: a key names one figure across reports, and as many reports use one label as the other, so each is listed: use one label if they are the same figure, or give one of them a key of its own; until then the dashboard charts them apart\n",
        "content/reports/jincheng.zh.md\n  \
         10: warning: metric `funding` is labelled `资金支持` in report `reports/jincheng`, but `授信` in report `reports/huozhou` (content/reports/huozhou.zh.md:10)\n  \
         help: a key names one figure across reports, and as many reports use one label as the other, so each is listed: use one label if they are the same figure, or give one of them a key of its own; until then the dashboard charts them apart\n",
    ] {
        assert!(out.contains(want), "{out}");
    }
    // The same label: no warning.
    site.edit(
        "content/reports/huozhou.zh.md",
        "label: 授信",
        "label: 资金支持",
    );
    assert!(!site.run(&["check"]).stdout().contains("is labelled"));
}

#[test]
fn a_date_far_ahead_is_a_warning_in_build_and_check() {
    let site = Site::fixture("basic");
    site.edit(
        "content/reports/huozhou.zh.md",
        "date: 2025-05-07",
        "date: 2052-06-10",
    );
    let today = [("BRIEFING_TODAY", "2025-05-08")];
    let warning = "the date 2052-06-10 is more than 7 days after today (2025-05-08)\n  \
                   help: check it for a typo: lists show the newest reports first, so this one would top them until then\n";
    let build = site.run_env(&["build"], &today);
    assert!(build.success(), "a warning: {}", build.stderr());
    assert!(
        build.stderr().contains(&format!(
            "warning: content/reports/huozhou.zh.md:3: {warning}"
        )),
        "{}",
        build.stderr()
    );
    let check = site.run_env(&["check"], &today);
    assert!(check.success(), "{}", check.stdout());
    assert!(
        check
            .stdout()
            .contains(&format!("\n  3: warning: {warning}")),
        "{}",
        check.stdout()
    );
    // A week ahead is fine: the date the build compares with is the one given.
    let later = site.run_env(&["check"], &[("BRIEFING_TODAY", "2052-06-03")]);
    assert!(
        !later.stdout().contains("days after today"),
        "{}",
        later.stdout()
    );
}
