//! `briefing archive`: the zip opened from disk, its determinism and
//! encoding, the single-report file, and refused targets.

use crate::publish::SourceExt;
use crate::support::{resolve, Page, Run, Site};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const STEM: &str = "shanxi-development-zones-briefing-2025-05-08";

fn archive_ok(site: &Site, dir: &Path, args: &[&str]) -> Run {
    let run = site.archive_from(dir, args);
    assert!(run.success(), "archive failed:\n{}", run.stderr());
    run
}

/// Unzips `zip` into `into` with the zip crate; returns the file names.
fn unzip(zip: &Path, into: &Path) -> Vec<String> {
    let file = std::fs::File::open(zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let rel = entry.enclosed_name().expect("a safe path");
        let dest = into.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let mut out = std::fs::File::create(&dest).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
        names.push(name);
    }
    names
}

/// The central directory records of a zip: (flags, DOS time, DOS date,
/// external attributes, name).
fn central_directory(bytes: &[u8]) -> Vec<(u16, u16, u16, u32, String)> {
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
    let mut out = Vec::new();
    let mut i = 0;
    while i + 46 <= bytes.len() {
        if u32_at(i) == 0x0201_4b50 {
            let name_len = usize::from(u16_at(i + 28));
            let extra_len = usize::from(u16_at(i + 30));
            let comment_len = usize::from(u16_at(i + 32));
            let name = String::from_utf8(bytes[i + 46..i + 46 + name_len].to_vec()).unwrap();
            out.push((
                u16_at(i + 8),
                u16_at(i + 12),
                u16_at(i + 14),
                u32_at(i + 38),
                name,
            ));
            i += 46 + name_len + extra_len + comment_len;
        } else {
            i += 1;
        }
    }
    out
}

fn all_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn the_unzipped_archive_works_from_disk_in_both_languages() {
    let site = Site::sample();
    let tmp = tempfile::tempdir().unwrap();
    let run = archive_ok(&site, tmp.path(), &[]);
    // The default name: site title and the newest report's date.
    let zip = tmp.path().join(format!("{STEM}.zip"));
    assert!(zip.is_file(), "{}", run.stdout());
    assert!(
        run.stdout().contains(&format!("{STEM}.zip")),
        "{}",
        run.stdout()
    );
    assert!(!site.public().exists(), "archive does not write public/");

    let out = tmp.path().join("unzipped");
    let names = unzip(&zip, &out);
    assert!(names.iter().all(|n| n.starts_with(&format!("{STEM}/"))));
    let root = out.join(STEM);
    let files = all_files(&root);
    for must in [
        "index.html",
        "zh/index.html",
        "en/index.html",
        "zh/reports/jincheng-opto-mechatronics-cluster/index.html",
        "en/reports/jincheng-opto-mechatronics-cluster/index.html",
        "zh/tags/光机电/index.html",
        "en/regions/jincheng/index.html",
        "zh/metrics/index.html",
        "static/style.css",
        "zh/atom.xml",
        "sitemap.xml",
    ] {
        assert!(files.iter().any(|f| f == must), "missing {must}");
    }
    // Every link of every page leads to a file of the archive, and links to
    // pages name their index.html (file:// shows no folder index).
    let set: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut checked = 0;
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html = Page(scraper::Html::parse_document(
            &std::fs::read_to_string(root.join(page)).unwrap(),
        ));
        for link in html.links() {
            let Some(target) = resolve(page, &link) else {
                continue;
            };
            let path = link.split(['#', '?']).next().unwrap();
            assert!(
                !path.is_empty() && !path.ends_with('/'),
                "{page}: `{link}` does not end in a file"
            );
            assert!(
                set.contains(target.as_str()),
                "{page}: `{link}` leads to nothing in the archive"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn the_same_content_gives_a_byte_identical_archive() {
    let site = Site::sample();
    let tmp = tempfile::tempdir().unwrap();
    archive_ok(&site, tmp.path(), &["--out", "one.zip"]);
    // Touch every source file: new mtimes, same content.
    for f in all_files(&site.root) {
        let text = std::fs::read(site.root.join(&f)).unwrap();
        std::fs::write(site.root.join(&f), text).unwrap();
    }
    archive_ok(&site, tmp.path(), &["--out", "two.zip"]);
    let one = std::fs::read(tmp.path().join("one.zip")).unwrap();
    let two = std::fs::read(tmp.path().join("two.zip")).unwrap();
    assert!(one == two, "archives differ");

    let records = central_directory(&one);
    let names: Vec<&str> = records.iter().map(|r| r.4.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "entries are sorted");
    let zh_tag = records
        .iter()
        .find(|r| r.4 == format!("{STEM}/zh/tags/光机电/index.html"))
        .expect("a Chinese file name");
    assert_ne!(zh_tag.0 & (1 << 11), 0, "UTF-8 flag on non-ASCII names");
    for (_, time, date, attrs, name) in &records {
        assert_eq!(
            (*time, *date),
            (0, (1 << 5) | 1),
            "{name}: 1980-01-01 00:00"
        );
        assert_eq!(attrs >> 16, 0o100644, "{name}: a 0644 file");
        assert!(!name.contains(site.root.to_str().unwrap()), "{name}");
    }
    // The file itself reads as a zip (a real reader checks the CRCs).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    for i in 0..zip.len() {
        std::io::copy(&mut zip.by_index(i).unwrap(), &mut std::io::sink()).unwrap();
    }
}

#[test]
fn one_report_as_one_self_contained_file() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    archive_ok(&site, tmp.path(), &["--report", "jincheng"]);
    let path = tmp.path().join("jincheng.html");
    let text = std::fs::read_to_string(&path).unwrap();
    let page = Page(scraper::Html::parse_document(&text));
    // Both languages, each in its own section, with the switch.
    assert_eq!(page.attr("section#zh", "lang"), "zh");
    assert_eq!(page.attr("section#en", "lang"), "en");
    assert_eq!(page.text("#zh h1"), "晋城经开区构建光机电产业集群");
    assert_eq!(
        page.text("#en h1"),
        "Jincheng zone builds an opto-mechatronics cluster"
    );
    assert_eq!(page.all("#zh .bl-switch a[href='#en']").len(), 1);
    assert!(text.contains(".bl-lang:target"), "the :target switch");
    // The theme's CSS is inside, no file is linked.
    assert!(page.all("link[rel=stylesheet]").is_empty());
    assert!(page
        .all("style")
        .iter()
        .any(|s| s.text().collect::<String>().contains("body")));
    // The image is a data URI.
    let img = page.attr("#zh img", "src");
    assert!(img.starts_with("data:image/svg+xml;base64,"), "{img}");
    // The link to the translation switches language in the file.
    assert_eq!(page.attr("#zh #zh-translation", "href"), "#en");
    // Nothing relative is left, and ids are unique.
    let mut ids = BTreeSet::new();
    for el in page.all("[id]") {
        assert!(
            ids.insert(el.value().id().unwrap().to_string()),
            "duplicate id"
        );
    }
    for link in page.links() {
        if let Some(frag) = link.strip_prefix('#') {
            assert!(ids.contains(frag), "`{link}` points to no id");
        } else {
            assert!(
                link.starts_with("https://") || link.starts_with("data:"),
                "relative link `{link}` left"
            );
        }
    }
    // The link to the other report goes to the published site.
    assert!(text.contains("href=\"https://example.org/briefing/zh/reports/huozhou/\""));

    // --out and section/slug; an unknown slug suggests the right one.
    archive_ok(
        &site,
        tmp.path(),
        &["--report", "reports/huozhou", "--out", "h.html"],
    );
    let one = std::fs::read_to_string(tmp.path().join("h.html")).unwrap();
    assert!(one.contains("id=\"zh\"") && !one.contains("id=\"en\""));
    let run = site.archive_from(tmp.path(), &["--report", "jinchen"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("did you mean `jincheng`"),
        "{}",
        run.stderr()
    );
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".briefing-"))
        .collect()
}

#[test]
fn bad_targets_are_refused_and_failures_leave_nothing_behind() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();

    // Inside public/.
    std::fs::create_dir_all(site.public()).unwrap();
    let run = site.archive_from(&site.root, &["--out", "public/site.zip"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("inside the build output folder"),
        "{}",
        run.stderr()
    );
    assert!(!site.public().join("site.zip").exists());

    // Inside content/, a folder, a folder that does not exist, below a file.
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    for (out, why) in [
        (site.root.join("content/site.zip"), "content/ folder"),
        (tmp.path().to_path_buf(), "is a folder"),
        (
            tmp.path().join("no/such/dir/site.zip"),
            "not an existing folder",
        ),
        (tmp.path().join("file/site.zip"), "not an existing folder"),
    ] {
        let run = site.archive_from(tmp.path(), &["--out", out.to_str().unwrap()]);
        assert_eq!(run.code(), Some(1), "{out:?}");
        assert!(run.stderr().contains(why), "{out:?}: {}", run.stderr());
    }

    // A site with errors: the previous archive stays as it was, no temp file.
    archive_ok(&site, tmp.path(), &["--out", "site.zip"]);
    let before = std::fs::read(tmp.path().join("site.zip")).unwrap();
    let broken = site
        .read_source("content/reports/jincheng.zh.md")
        .replace("date: 2025-05-08", "date: 2025-13-01");
    site.write("content/reports/jincheng.zh.md", broken);
    let run = site.archive_from(tmp.path(), &["--out", "site.zip"]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("not a valid date"),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read(tmp.path().join("site.zip")).unwrap(), before);
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

#[test]
#[cfg(unix)]
fn an_unwritable_folder_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let (out, shown) = if std::fs::write(locked.join("probe"), "x").is_err() {
        ("locked/site.zip".to_string(), "locked/site.zip".to_string())
    } else if Path::new("/proc/self").exists() {
        // Root writes anywhere, but no one creates files in /proc.
        std::fs::remove_file(locked.join("probe")).unwrap();
        (
            "/proc/briefing-test.zip".to_string(),
            "/proc/briefing-test.zip".to_string(),
        )
    } else {
        return crate::skip::skip(
            "an unwritable folder: root writes anywhere, and there is no /proc",
            "run the tests as a user other than root, or where /proc is mounted",
        );
    };
    let run = site.archive_from(tmp.path(), &["--out", &out]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains(&format!("cannot write {shown}")),
        "{}",
        run.stderr()
    );
    assert!(std::fs::read_dir(&locked).unwrap().next().is_none());
    assert!(leftovers(tmp.path()).is_empty());
}

/// Clicks the first element matching `css` (in the page, by script) and
/// waits until the new page has loaded with a path containing `expect`.
fn click_to(b: &crate::browser::Browser, css: &str, expect: &str) {
    use serde_json::json;
    let clicked = b.exec(
        "var a = document.querySelector(arguments[0]); if (!a) return false; a.click(); return true;",
        json!([css]),
    );
    assert_eq!(clicked, true, "no element {css} on {}", b.url());
    b.wait_for(
        &format!(
            "decodeURIComponent(location.pathname).indexOf({}) >= 0 && document.readyState === 'complete'",
            serde_json::to_string(expect).unwrap()
        ),
        expect,
    );
}

/// The unzipped archive in headless Chromium from file://: navigation in
/// both languages, styles, tag pages and search, with no request leaving
/// the archive. Then the one-file report's language switch.
#[test]
fn the_unzipped_archive_works_in_a_browser() {
    use crate::browser::{file_url, Browser};
    use serde_json::json;
    let Some(b) = Browser::start() else { return };
    let site = Site::sample();
    let tmp = tempfile::tempdir().unwrap();
    archive_ok(&site, tmp.path(), &["--out", "site.zip"]);
    let out = tmp.path().join("unzipped");
    unzip(&tmp.path().join("site.zip"), &out);
    let root = file_url(&out.join(STEM));

    // The landing page: styled, then into the English edition.
    b.goto(&format!("{root}/index.html"));
    let bg = b.exec(
        "return getComputedStyle(document.querySelector('.site-header')).borderTopStyle;",
        json!([]),
    );
    assert_eq!(bg, "solid", "the theme's CSS is loaded");
    click_to(&b, "a.button[hreflang=en]", "/en/index.html");
    // A report, one of its tags, the tag page's other report, the switch to Chinese.
    click_to(
        &b,
        ".card__title a[href*=jincheng]",
        "/en/reports/jincheng-opto-mechatronics-cluster/index.html",
    );
    click_to(
        &b,
        ".report__tags a[href*=investment-promotion]",
        "/en/tags/investment-promotion/index.html",
    );
    let cards = b.exec(
        "return document.querySelectorAll('.card').length;",
        json!([]),
    );
    assert_eq!(cards, 2);
    click_to(
        &b,
        ".lang-switch a[hreflang=zh]",
        "/zh/tags/招商引资/index.html",
    );
    assert_eq!(
        b.exec(
            "return document.querySelector('h1').textContent;",
            json!([])
        ),
        "招商引资"
    );
    click_to(
        &b,
        ".site-nav a[href$='zh/tags/index.html']",
        "/zh/tags/index.html",
    );
    click_to(
        &b,
        ".taxonomy-switch a[href$='zh/regions/index.html']",
        "/zh/regions/index.html",
    );
    click_to(
        &b,
        ".taxonomy-switch a[href$='zh/zones/index.html']",
        "/zh/zones/index.html",
    );

    // Search from file:// in the header of a Chinese report page.
    b.goto(&format!(
        "{root}/zh/reports/yuanping-equipment-manufacturing/index.html"
    ));
    b.wait_for(
        "!document.querySelector('form.bsearch').hidden",
        "the header search box",
    );
    let input = b.find("#bsearch-q");
    b.type_into(&input, "光机电");
    b.wait_for(
        "document.querySelector('form.bsearch').getAttribute('data-state') === 'done'",
        "search results",
    );
    let first = b.exec(
        "var t = document.querySelector('form.bsearch .bsearch-hit .bsearch-title'); return t && t.textContent;",
        json!([]),
    );
    assert_eq!(first, "全方位构建光机电产业集群发展新生态");
    // Nothing was fetched from outside the archive.
    let outside = b.exec(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; }).filter(function (n) { return n.indexOf('file:') !== 0; });",
        json!([]),
    );
    assert_eq!(outside, json!([]));

    // The one-file report: Chinese first; the switch shows English, and
    // in-page links keep it shown.
    archive_ok(
        &site,
        tmp.path(),
        &[
            "--report",
            "jincheng-opto-mechatronics-cluster",
            "--out",
            "one.html",
        ],
    );
    b.goto(&file_url(&tmp.path().join("one.html")));
    let shown = "return ['zh', 'en'].filter(function (l) { return document.getElementById(l).offsetParent !== null; });";
    assert_eq!(b.exec(shown, json!([])), json!(["zh"]));
    b.exec(
        "document.querySelector('#zh .bl-switch a[href=\"#en\"]').click();",
        json!([]),
    );
    b.wait_for("location.hash === '#en'", "the switch");
    assert_eq!(b.exec(shown, json!([])), json!(["en"]));
    b.exec("document.querySelector('#en .toc a').click();", json!([]));
    b.wait_for("location.hash.indexOf('#en-') === 0", "a contents link");
    assert_eq!(b.exec(shown, json!([])), json!(["en"]));
    b.exec(
        "document.querySelector('#en .bl-switch a[href=\"#zh\"]').click();",
        json!([]),
    );
    b.wait_for("location.hash === '#zh'", "the switch back");
    assert_eq!(b.exec(shown, json!([])), json!(["zh"]));
    // Images are inside the file.
    let images = b.exec(
        "return Array.prototype.every.call(document.images, function (i) { return i.src.indexOf('data:') === 0 && i.complete; });",
        json!([]),
    );
    assert_eq!(images, true);
}

/// The one-file report is valid HTML (Nu HTML Checker, when installed).
#[test]
fn the_one_file_report_passes_the_nu_html_checker() {
    let Some(jar) = crate::quality::vnu() else {
        return crate::skip::skip(
            "the Nu HTML Checker needs java and tests/tools/node_modules/vnu-jar",
            crate::quality::VNU_FIX,
        );
    };
    let site = Site::sample();
    let tmp = tempfile::tempdir().unwrap();
    archive_ok(
        &site,
        tmp.path(),
        &[
            "--report",
            "jincheng-opto-mechatronics-cluster",
            "--out",
            "one.html",
        ],
    );
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .arg(tmp.path().join("one.html"))
        .output()
        .expect("run vnu");
    assert!(
        out.status.success(),
        "Nu HTML Checker errors:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
