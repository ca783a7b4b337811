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
        "created content/reports/taiyuan-logistics.zh.md\ncreated content/reports/taiyuan-logistics.en.md\n"
    );
    let zh =
        std::fs::read_to_string(site.root.join("content/reports/taiyuan-logistics.zh.md")).unwrap();
    assert!(zh.contains("\ndate: 2025-06-01\n"), "{zh}");
    assert!(
        zh.contains("\nmetrics: []\n# "),
        "empty list with a commented example: {zh}"
    );
    assert!(zh.contains("#   - key: total_investment"), "{zh}");
    let en =
        std::fs::read_to_string(site.root.join("content/reports/taiyuan-logistics.en.md")).unwrap();
    assert!(en.contains("\ntranslated_from: "), "{en}");
    // The new pair builds, and its translation is current until the source changes.
    site.build_ok(&[]);
    assert!(site.exists("zh/reports/taiyuan-logistics/index.html"));
    let check = site.run(&["check"]);
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
        .run(&["check"])
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
fn init_makes_a_site_that_builds_and_checks_clean_without_a_theme_folder() {
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
    let check = site.run(&["check", "--strict"]);
    assert!(check.success(), "{}", check.stdout());
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
