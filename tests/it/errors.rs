//! Bad input: every problem names the file and line and what to do, all
//! problems are reported together, the exit code is 1, and the previous
//! output stays exactly as it was.

use crate::support::Site;

const GOOD_ZH: &str = "---\ntitle: 标题\ndate: 2025-05-01\nmetrics:\n  - key: jobs\n    label: 就业\n    value: 2000\n    unit: 人\n    qualifier: over\n---\n正文\n";

/// Builds `site` after a good build, expects failure, and checks that each
/// `(file, line, message part)` is reported and public/ is unchanged.
fn expect_errors(site: &Site, expected: &[(&str, Option<usize>, &str)]) -> String {
    let run = site.build(&[]);
    assert_eq!(
        run.code(),
        Some(1),
        "build should fail:\n{}{}",
        run.stdout(),
        run.stderr()
    );
    let err = run.stderr();
    for (file, line, part) in expected {
        assert!(!part.is_empty(), "say which message is expected at {file}");
        let location = match line {
            Some(l) => format!("error: {file}:{l}: "),
            None => format!("error: {file}: "),
        };
        let found = err
            .lines()
            .any(|l| l.starts_with(&location) && l.contains(part));
        assert!(found, "expected `{location}...{part}` in:\n{err}");
    }
    assert!(err.contains("nothing was written"), "{err}");
    err
}

/// A fixture site that has been built once, with a snapshot of its output.
fn built() -> (Site, Vec<(String, Vec<u8>)>) {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let snap = site.snapshot();
    (site, snap)
}

fn case(file: &str, text: &str, line: Option<usize>, part: &str) {
    let (site, before) = built();
    site.write(file, text);
    expect_errors(&site, &[(file, line, part)]);
    assert_eq!(site.snapshot(), before, "a failed build changed public/");
}

#[test]
fn unclosed_front_matter() {
    case(
        "content/reports/x.zh.md",
        "---\ntitle: t\ndate: 2025-05-01\n\nbody\n",
        Some(1),
        "never closed",
    );
}

#[test]
fn malformed_yaml() {
    case(
        "content/reports/x.zh.md",
        "---\ntitle: t\ndate: [2025\n---\n",
        Some(4),
        "did not find expected ',' or ']'",
    );
}

#[test]
fn missing_title_and_date() {
    let (site, _) = built();
    site.write("content/reports/x.zh.md", "---\nzone: z\n---\n");
    expect_errors(
        &site,
        &[
            (
                "content/reports/x.zh.md",
                Some(2),
                "missing required field `title`",
            ),
            (
                "content/reports/x.zh.md",
                Some(2),
                "missing required field `date`",
            ),
        ],
    );
}

#[test]
fn invalid_date() {
    case(
        "content/reports/x.zh.md",
        &GOOD_ZH.replace("2025-05-01", "2025-13-01"),
        Some(3),
        "`2025-13-01` is not a valid date",
    );
}

#[test]
fn unknown_field_with_a_hint() {
    let (site, _) = built();
    site.write(
        "content/reports/x.zh.md",
        GOOD_ZH.replace("title:", "titel:"),
    );
    let err = expect_errors(
        &site,
        &[("content/reports/x.zh.md", Some(2), "unknown field `titel`")],
    );
    assert!(err.contains("did you mean `title`?"), "{err}");
}

#[test]
fn wrong_type() {
    let (site, _) = built();
    site.write(
        "content/reports/x.zh.md",
        GOOD_ZH.replace("value: 2000", "value: 三十"),
    );
    let err = expect_errors(
        &site,
        &[(
            "content/reports/x.zh.md",
            Some(7),
            "invalid type: string \"三十\"",
        )],
    );
    assert!(err.contains("help: write the number with digits"), "{err}");
}

#[test]
fn duplicate_metric_key() {
    let text = GOOD_ZH.replace(
        "---\n正文",
        "  - key: jobs\n    label: 就业2\n    value: 1\n    unit: 人\n---\n正文",
    );
    case(
        "content/reports/x.zh.md",
        &text,
        Some(10),
        "metric key `jobs` is used twice",
    );
}

#[test]
fn unknown_unit_lists_the_known_ones() {
    let (site, _) = built();
    site.write(
        "content/reports/x.zh.md",
        GOOD_ZH.replace("unit: 人", "unit: 斤"),
    );
    let err = expect_errors(
        &site,
        &[("content/reports/x.zh.md", Some(8), "unknown unit `斤`")],
    );
    assert!(err.contains("known units: 元, 万元, 亿元"), "{err}");
}

#[test]
fn translation_metric_key_missing_from_source() {
    let (site, _) = built();
    site.write("content/reports/x.zh.md", GOOD_ZH);
    site.write(
        "content/reports/x.en.md",
        "---\ntitle: T\nmetrics:\n  - key: jobz\n    label: Jobs\n---\n",
    );
    let err = expect_errors(
        &site,
        &[(
            "content/reports/x.en.md",
            Some(4),
            "metric key `jobz` is not in the source report",
        )],
    );
    assert!(err.contains("use one of the source's keys: jobs"), "{err}");
    assert_not_reported_missing(&err);
}

/// x.en.md exists (with errors): it must not also be called missing.
fn assert_not_reported_missing(err: &str) {
    assert!(
        !err.contains("x.zh.md: no en translation"),
        "the translation exists:\n{err}"
    );
}

#[test]
fn a_broken_translation_is_not_also_reported_missing() {
    let (site, _) = built();
    site.write("content/reports/x.zh.md", GOOD_ZH);
    site.write("content/reports/x.en.md", "---\ntitle: \"T\" x\n---\n");
    let err = expect_errors(
        &site,
        &[(
            "content/reports/x.en.md",
            Some(2),
            "did not find expected key",
        )],
    );
    assert_not_reported_missing(&err);
}

#[test]
fn translation_giving_a_value() {
    let (site, _) = built();
    site.write("content/reports/x.zh.md", GOOD_ZH);
    site.write(
        "content/reports/x.en.md",
        "---\ntitle: T\nmetrics:\n  - key: jobs\n    label: Jobs\n    value: 3\n---\n",
    );
    let err = expect_errors(
        &site,
        &[("content/reports/x.en.md", Some(6), "unknown field `value`")],
    );
    assert!(
        err.contains("written once, in the source-language file"),
        "{err}"
    );
}

#[test]
fn translation_without_source() {
    case(
        "content/reports/x.en.md",
        "---\ntitle: T\n---\n",
        Some(1),
        "this en translation has no source file",
    );
}

#[test]
fn language_suffix_not_in_site_yaml() {
    case(
        "content/reports/x.fr.md",
        GOOD_ZH,
        None,
        "language suffix `.fr` is not one of the site's languages (zh, en)",
    );
}

#[test]
fn two_files_for_the_same_url() {
    let (site, before) = built();
    site.write("content/reports/huozhou.md", GOOD_ZH);
    let err = site.build(&[]).stderr();
    assert!(
        err.contains("both give the zh page `reports/huozhou`"),
        "{err}"
    );
    assert_eq!(site.snapshot(), before);

    // A report and a section folder that map to the same URL.
    let (site, _) = built();
    site.write(
        "content/reports/jincheng/_index.zh.md",
        "---\ntitle: x\n---\n",
    );
    site.write("content/reports/jincheng/a.zh.md", GOOD_ZH);
    let err = site.build(&[]).stderr();
    assert!(
        err.contains("`zh/reports/jincheng/index.html` is produced both by"),
        "{err}"
    );
}

#[test]
fn invalid_utf8() {
    let (site, before) = built();
    let mut bytes = b"---\ntitle: t\ndate: 2025-05-01\n---\n".to_vec();
    bytes.extend_from_slice(&[0xd5, 0xfe, 0xb8, 0xae, b'\n']); // GBK
    site.write("content/reports/x.zh.md", bytes);
    let err = expect_errors(
        &site,
        &[("content/reports/x.zh.md", Some(5), "not valid UTF-8")],
    );
    assert!(err.contains("iconv"), "{err}");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn slugs_that_would_escape_public() {
    case(
        "content/reports/a\\..\\..\\x.zh.md",
        GOOD_ZH,
        None,
        "cannot be used in a page URL",
    );
    case(
        "content/reports/a b.zh.md",
        GOOD_ZH,
        None,
        "`a b` cannot be used as a page URL: it has a space",
    );
    case(
        "content/reports/a#b.zh.md",
        GOOD_ZH,
        None,
        "`a#b` cannot be used as a page URL: it has `#`",
    );
}

#[test]
fn missing_template_names_it() {
    let (site, before) = built();
    site.remove("themes/plain/templates/report.html");
    expect_errors(
        &site,
        &[(
            "themes/plain/templates/report.html",
            None,
            "theme `plain` has no template `report.html`",
        )],
    );
    assert_eq!(site.snapshot(), before);
}

#[test]
fn broken_template_names_file_and_line() {
    let (site, _) = built();
    site.write(
        "themes/plain/templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ t.not_found \n{% endblock %}\n",
    );
    expect_errors(
        &site,
        &[("themes/plain/templates/404.html", Some(4), "expected }}")],
    );
}

#[test]
fn template_error_at_render_time_names_file_and_line() {
    let (site, _) = built();
    site.write(
        "themes/plain/templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n\n{{ page.nope.deeper }}\n{% endblock %}\n",
    );
    expect_errors(
        &site,
        &[(
            "themes/plain/templates/404.html",
            Some(4),
            "Field `nope` is not defined",
        )],
    );
}

/// The default theme's templates are minified before they are compiled
/// (all on one line); an error still names the line as written.
#[test]
fn render_error_in_a_minified_template_names_the_line_as_written() {
    let site = Site::sample();
    site.build_ok(&[]);
    let path = site.root.join("themes/default/templates/report.html");
    let mut lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.insert(8, "<p class=\"x\">{{ page.nope.deeper }}</p>".to_string());
    std::fs::write(&path, lines.join("\n")).unwrap();
    expect_errors(
        &site,
        &[(
            "themes/default/templates/report.html",
            Some(9),
            "Field `nope` is not defined",
        )],
    );
}

#[test]
fn missing_ui_string_names_the_key() {
    let (site, _) = built();
    let en = std::fs::read_to_string(site.root.join("themes/plain/i18n/en.yaml")).unwrap();
    site.write(
        "themes/plain/i18n/en.yaml",
        en.replace("not_found: Page not found\n", ""),
    );
    expect_errors(
        &site,
        &[(
            "themes/plain/i18n/en.yaml",
            None,
            "missing UI string `not_found`",
        )],
    );
}

#[test]
fn missing_theme() {
    let (site, _) = built();
    site.write(
        "site.yaml",
        std::fs::read_to_string(site.root.join("site.yaml"))
            .unwrap()
            .replace("theme: plain", "theme: fancy"),
    );
    expect_errors(&site, &[("site.yaml", None, "theme `fancy` not found")]);
}

#[test]
fn broken_site_yaml() {
    case(
        "site.yaml",
        "title: {zh: 简报, en: Briefing}\nbase_url: https://e.org/\nlanguages: [zh, en\n",
        Some(4),
        "did not find expected ',' or ']'",
    );
    case(
        "site.yaml",
        "title: {zh: 简报, en: Briefing}\nbase_url: e.org\nlanguages: [zh, en]\n",
        Some(2),
        "not an absolute http(s) URL",
    );
}

#[test]
fn all_problems_are_reported_together() {
    let (site, before) = built();
    site.write(
        "content/reports/a.zh.md",
        GOOD_ZH.replace("2025-05-01", "May"),
    );
    site.write("content/reports/b.zh.md", "---\ntitle: x\n");
    site.write("content/reports/c.en.md", "---\ntitle: c\n---\n");
    site.remove("themes/plain/templates/404.html");
    let err = expect_errors(
        &site,
        &[
            (
                "content/reports/a.zh.md",
                Some(3),
                "`May` is not a valid date",
            ),
            ("content/reports/b.zh.md", Some(1), "never closed"),
            ("content/reports/c.en.md", Some(1), "has no source file"),
            (
                "themes/plain/templates/404.html",
                None,
                "no template `404.html`",
            ),
        ],
    );
    assert!(err.contains("4 error(s)"), "{err}");
    assert_eq!(site.snapshot(), before);
}

/// Pages are written to a staging folder while they render; a build that
/// fails half-way removes it, whether public/ existed (the folder is inside
/// it) or not (the folder is next to where public/ would be).
#[test]
fn a_failed_render_leaves_no_staging_folder_behind() {
    let broken =
        "{% extends \"base.html\" %}\n{% block main %}{{ page.nope.deeper }}{% endblock %}\n";
    let (site, before) = built();
    site.write("themes/plain/templates/404.html", broken);
    expect_errors(
        &site,
        &[(
            "themes/plain/templates/404.html",
            Some(2),
            "Field `nope` is not defined",
        )],
    );
    assert_eq!(site.snapshot(), before, "a failed build changed public/");

    let cold = Site::fixture("basic");
    cold.write("themes/plain/templates/404.html", broken);
    assert_eq!(cold.build(&[]).code(), Some(1));
    let left: Vec<String> = std::fs::read_dir(&cold.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// A staging folder left by a build that was killed is cleared, not
/// published.
#[test]
fn a_staging_folder_left_by_a_killed_build_is_cleared() {
    let (site, _) = built();
    site.write("public/.briefing-staging/en/index.html", "half-written");
    site.build_ok(&[]);
    assert!(!site.exists(".briefing-staging"));
    assert!(site.read("en/index.html").contains("<html"));
}

#[test]
fn empty_and_repeated_tags() {
    let (site, before) = built();
    site.write(
        "content/reports/x.zh.md",
        "---\ntitle: t\ndate: 2025-05-01\ntags: [园区, \"  \", 园区]\n---\n",
    );
    expect_errors(
        &site,
        &[
            ("content/reports/x.zh.md", Some(4), "tag 2 is empty"),
            (
                "content/reports/x.zh.md",
                Some(4),
                "tag `园区` is listed twice",
            ),
        ],
    );
    assert_eq!(site.snapshot(), before, "a failed build changed public/");
}

#[test]
fn an_unquoted_percent_unit_says_how_to_write_it() {
    let site = Site::fixture("basic");
    site.write(
        "content/reports/x.zh.md",
        "---\ntitle: 标题\ndate: 2025-05-01\nmetrics:\n  - key: share\n    label: 占比\n    value: 70\n    unit: %\n---\n正文\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stdout().contains(
            "content/reports/x.zh.md\n  8: error: found character that cannot start any token\n  help: YAML reads a value starting with `%` as syntax: put the value in quotes, e.g. `unit: \"%\"`\n"
        ),
        "{}",
        run.stdout()
    );
}

/// Two tags that make one page: the error is on the line that writes them,
/// in the source and in a translation that takes the source's tags.
#[test]
fn tags_that_make_one_page_are_errors_on_their_line() {
    let (site, _) = built();
    site.write(
        "content/reports/x.zh.md",
        "---\ntitle: 标题\ndate: 2025-05-01\ntags: [AI, ai]\n---\n正文\n",
    );
    site.write("content/reports/x.en.md", "---\ntitle: Title\n---\nText\n");
    expect_errors(
        &site,
        &[
            (
                "content/reports/x.zh.md",
                Some(4),
                "both make the page `zh/tags/ai/`",
            ),
            (
                "content/reports/x.zh.md",
                Some(4),
                "both make the page `en/tags/ai/`",
            ),
        ],
    );
}
