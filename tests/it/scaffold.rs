//! `briefing new` and `briefing init`.

use crate::support::Site;
use std::process::Command;

#[test]
fn new_report_creates_both_languages_and_refuses_to_overwrite() {
    let site = Site::fixture("basic");
    let run = site.run(&["new", "report", "taiyuan-logistics", "--date", "2025-06-01"]);
    assert!(run.success(), "{}", run.stderr());
    assert_eq!(
        run.stdout(),
        "created content/reports/taiyuan-logistics.zh.md\ncreated content/reports/taiyuan-logistics.en.md\n\
         the report is a draft (`draft: true`): `build` leaves it out until you remove that line; `briefing serve --drafts` shows it meanwhile\n"
    );
    let zh =
        std::fs::read_to_string(site.root.join("content/reports/taiyuan-logistics.zh.md")).unwrap();
    assert!(zh.contains("\ndate: 2025-06-01\ndraft: true "), "{zh}");
    assert!(
        zh.contains("\nmetrics: []\n# "),
        "empty list with a commented example: {zh}"
    );
    assert!(zh.contains("#   - key: total_investment"), "{zh}");
    let en =
        std::fs::read_to_string(site.root.join("content/reports/taiyuan-logistics.en.md")).unwrap();
    assert!(en.contains("\ntranslated_from: "), "{en}");
    // The unfilled skeleton is not published by a plain build.
    site.build_ok(&[]);
    assert!(!site.exists("zh/reports/taiyuan-logistics/index.html"));
    assert!(!site.exists("en/reports/taiyuan-logistics/index.html"));
    // The new pair builds as a draft, and its translation is current until the source changes.
    site.build_ok(&["--drafts"]);
    assert!(site.exists("zh/reports/taiyuan-logistics/index.html"));
    let check = site.run(&["check", "--drafts"]);
    assert!(
        !check
            .stdout()
            .contains("taiyuan-logistics.en.md\n  12: warning: the translation"),
        "{}",
        check.stdout()
    );
    site.write(
        "content/reports/taiyuan-logistics.zh.md",
        zh.replace("---\n\n", "---\n正文。\n"),
    );
    assert!(site
        .run(&["check", "--drafts"])
        .stdout()
        .contains("the translation is out of date"));
    // Never overwrites.
    site.write("content/reports/taiyuan-logistics.zh.md", "mine");
    let again = site.run(&["new", "report", "taiyuan-logistics"]);
    assert_eq!(again.code(), Some(1));
    assert!(
        again
            .stderr()
            .contains("already exists; nothing was written"),
        "{}",
        again.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("content/reports/taiyuan-logistics.zh.md")).unwrap(),
        "mine"
    );
}

#[test]
fn new_report_rejects_slugs_that_are_not_url_safe() {
    let site = Site::fixture("basic");
    for (slug, why) in [
        ("a b", "it has a space"),
        ("../escape", "it starts with `.`"),
        ("x/y", "it has `/`"),
        ("_index", "it starts with `_`"),
        (".hidden", "it starts with `.`"),
        ("what?", "it has `?`"),
    ] {
        let run = site.run(&["new", "report", slug]);
        assert_eq!(run.code(), Some(1), "{slug}");
        assert!(
            run.stderr()
                .contains(&format!("`{slug}` cannot be used as a report slug: {why}")),
            "{slug}: {}",
            run.stderr()
        );
    }
    assert!(!site.root.join("escape.zh.md").exists());
    let bad_section = site.run(&["new", "report", "ok", "--section", "../x"]);
    assert_eq!(bad_section.code(), Some(1));
    let outside = Site::fixture("basic");
    outside.remove("site.yaml");
    let run = outside.run(&["new", "report", "ok"]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("no site.yaml"), "{}", run.stderr());
}

fn init(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("init")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn init_makes_a_site_that_builds_and_checks_with_only_its_placeholders_left() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let out = init(&dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("briefing serve"));
    assert!(
        !dir.join("themes").exists(),
        "the default theme is built in"
    );
    let site = Site::at(&dir);
    site.build_ok(&[]);
    for page in [
        "index.html",
        "zh/reports/example/index.html",
        "en/reports/example/index.html",
        "static/style.css",
    ] {
        assert!(site.exists(page), "{page}");
    }
    // `check` passes; `check --strict` fails until the placeholders are replaced.
    let check = site.run(&["check"]);
    assert!(check.success(), "{}", check.stdout());
    let strict = site.run(&["check", "--strict"]);
    assert_eq!(strict.code(), Some(1));
    assert_eq!(
        strict.stdout(),
        "content/reports/example.en.md\n  \
         20: warning: this is still the example report from `briefing init`\n  \
         help: replace it with your own reports (`briefing new report <slug>` makes a new pair), and delete the example's files\n\n\
         content/reports/example.zh.md\n  \
         24: warning: this is still the example report from `briefing init`\n  \
         help: replace it with your own reports (`briefing new report <slug>` makes a new pair), and delete the example's files\n\n\
         site.yaml\n  \
         4: warning: `base_url` is still the placeholder from `briefing init` (https://example.org/)\n  \
         help: set it to the address the site will be published at: feeds, the sitemap, canonical links and single-file reports link there\n\n\
         0 errors, 3 warnings in 3 files\n"
    );
    // The example is recognised by its text, not its name; any other
    // base_url (even another example.org one) is taken as chosen.
    let text = std::fs::read_to_string(dir.join("site.yaml")).unwrap();
    std::fs::write(
        dir.join("site.yaml"),
        text.replace("https://example.org/", "https://example.org/briefing/"),
    )
    .unwrap();
    for lang in ["zh", "en"] {
        std::fs::rename(
            dir.join(format!("content/reports/example.{lang}.md")),
            dir.join(format!("content/reports/my-report.{lang}.md")),
        )
        .unwrap();
    }
    let strict = site.run(&["check", "--strict"]);
    assert!(
        strict.stdout().starts_with(
            "content/reports/my-report.en.md\n  20: warning: this is still the example report"
        ),
        "{}",
        strict.stdout()
    );
    assert!(
        strict
            .stdout()
            .ends_with("0 errors, 2 warnings in 2 files\n"),
        "{}",
        strict.stdout()
    );
    let zh = dir.join("content/reports/my-report.zh.md");
    let text = std::fs::read_to_string(&zh).unwrap();
    std::fs::write(
        &zh,
        text.replace("把这篇示例换成你自己的报告", "这是我的报告"),
    )
    .unwrap();
    site.remove("content/reports/my-report.en.md");
    let strict = site.run(&["check", "--strict"]);
    assert!(
        !strict.stdout().contains("example report"),
        "{}",
        strict.stdout()
    );
    // Never into a folder with files in it.
    let again = init(&dir, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn init_can_eject_the_theme_for_customising() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    assert!(init(&dir, &["--eject-theme"]).status.success());
    let ours = crate::support::repo_root().join("themes/default/templates/base.html");
    let copy = dir.join("themes/default/templates/base.html");
    assert_eq!(std::fs::read(ours).unwrap(), std::fs::read(&copy).unwrap());
    // The copy is what the site uses now.
    let text = std::fs::read_to_string(&copy).unwrap();
    std::fs::write(&copy, text.replace("<body", "<body data-custom=\"yes\"")).unwrap();
    let site = Site::at(&dir);
    site.build_ok(&[]);
    assert!(site.read("zh/index.html").contains("data-custom"));
    // `new theme` refuses to overwrite it.
    let run = site.run(&["new", "theme"]);
    assert_eq!(run.code(), Some(1));
    let other = site.run(&["new", "theme", "house"]);
    assert!(other.success());
    assert!(other.stdout().contains("set `theme: house` in site.yaml"));
    assert!(dir.join("themes/house/i18n/zh.yaml").exists());
}
