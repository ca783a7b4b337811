//! Nothing the user wrote is deleted or overwritten: where `build` may write
//! and what it may remove (the output manifest), and where `archive` may
//! write. CI runs as root, where the file system refuses nothing, so every
//! refusal here is briefing's own.

use crate::support::{Run, Site};
use std::collections::BTreeMap;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;

const MANIFEST: &str = ".briefing-manifest";

/// Every file below `dir` with its bytes (symbolic links by their target).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap();
        let rel = rel.to_string_lossy().into_owned();
        if entry.file_type().is_symlink() {
            let to = std::fs::read_link(entry.path()).unwrap();
            out.insert(rel, to.to_string_lossy().as_bytes().to_vec());
        } else if entry.file_type().is_file() {
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// The site's own files (everything but public/).
fn sources(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut all = tree(&site.root);
    all.retain(|k, _| !k.starts_with("public"));
    all
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Asserts a refusal: exit code 1 and exactly `stderr`.
fn refused(run: &Run, stderr: &str) {
    assert_eq!(run.code(), Some(1), "{}{}", run.stdout(), run.stderr());
    assert_eq!(run.stderr(), stderr);
}

// ---------------------------------------------------------------------------
// build: output folders that are the site's sources

#[test]
fn building_into_the_sites_sources_is_refused_and_deletes_nothing() {
    let site = Site::fixture("basic");
    let before = sources(&site);
    let advice = "choose another output folder, such as the default public/";
    for (out, what) in [
        ("content", "it is the site's content/ folder"),
        ("content/reports", "it is inside the site's content/ folder"),
        ("themes", "it is the site's themes/ folder"),
        ("themes/plain", "it is inside the site's themes/ folder"),
        (
            "themes/plain/static",
            "it is inside the site's themes/ folder",
        ),
        ("public/../content", "it is the site's content/ folder"),
        (
            "content/new-folder",
            "it is inside the site's content/ folder",
        ),
        ("site.yaml", "it is the site's site.yaml"),
    ] {
        let run = site.build(&["-o", out]);
        refused(
            &run,
            &format!(
                "error: refusing to build into {out}: {what}, which the build reads from; {advice}\n"
            ),
        );
        // --force adopts folders briefing did not write, never the sources.
        let run = site.build(&["-o", out, "--force"]);
        assert_eq!(run.code(), Some(1), "{out} --force: {}", run.stderr());
        assert_eq!(sources(&site), before, "-o {out} changed the site");
    }
    for out in [".", ".."] {
        let run = site.build(&["-o", out, "--force"]);
        refused(
            &run,
            &format!("error: refusing to build into {out}: it holds the site itself; {advice}\n"),
        );
    }
    site.write("notes.txt", "mine");
    let run = site.build(&["-o", "notes.txt", "--force"]);
    refused(
        &run,
        &format!("error: refusing to build into notes.txt: it is a regular file, not a folder; {advice}\n"),
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("notes.txt")).unwrap(),
        "mine"
    );
    site.remove("notes.txt");
    assert_eq!(sources(&site), before);
    assert!(!site.public().exists());
}

#[test]
fn an_output_path_through_a_symbolic_link_is_resolved() {
    let site = Site::fixture("basic");
    let before = sources(&site);
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("out");
    std::os::unix::fs::symlink(site.root.join("content/reports"), &link).unwrap();
    let run = site.build(&["-o", link.to_str().unwrap(), "--force"]);
    refused(
        &run,
        &format!(
            "error: refusing to build into {}: it is inside the site's content/ folder, which the build reads from; choose another output folder, such as the default public/\n",
            link.display()
        ),
    );
    assert_eq!(sources(&site), before);
}

#[test]
fn a_theme_outside_themes_is_a_source_too() {
    let site = Site::fixture("basic");
    std::fs::rename(site.root.join("themes/plain"), site.root.join("look")).unwrap();
    site.edit("site.yaml", "theme: plain", "theme: ../look");
    site.build_ok(&[]);
    let before = sources(&site);
    let run = site.build(&["-o", "look/static", "--force"]);
    refused(
        &run,
        "error: refusing to build into look/static: it is inside the site's theme folder themes/../look/, which the build reads from; choose another output folder, such as the default public/\n",
    );
    assert_eq!(sources(&site), before);
}

// ---------------------------------------------------------------------------
// build: what a build may remove or replace

#[test]
fn a_folder_briefing_did_not_write_is_refused_unless_forced() {
    let site = Site::fixture("basic");
    site.write("out/notes.txt", "mine");
    site.write("out/photos/a.jpg", "jpeg");
    let before = tree(&site.root.join("out"));
    let run = site.build(&["-o", "out"]);
    refused(
        &run,
        "error: refusing to build into out: it holds files briefing did not write (there is no out/.briefing-manifest); empty it, choose another folder, or add --force to build into it and leave those files in place\n",
    );
    assert_eq!(tree(&site.root.join("out")), before);

    // --force adopts it: the site is built, the files stay, and the manifest
    // lists only what the build wrote.
    let run = site.build(&["-o", "out", "--force", "-v"]);
    assert!(run.success(), "{}", run.stderr());
    assert!(
        run.stdout()
            .contains("2 files not in briefing's manifest left in place"),
        "{}",
        run.stdout()
    );
    let out = tree(&site.root.join("out"));
    assert_eq!(out["notes.txt"], b"mine");
    assert_eq!(out["photos/a.jpg"], b"jpeg");
    let manifest = String::from_utf8(out[MANIFEST].clone()).unwrap();
    let listed: Vec<&str> = manifest.lines().skip(1).collect();
    let mut written: Vec<&str> = out
        .keys()
        .map(String::as_str)
        .filter(|k| !["notes.txt", "photos/a.jpg", MANIFEST, ".briefing-lock"].contains(k))
        .collect();
    written.sort_unstable();
    assert_eq!(listed, written);
    assert!(listed.contains(&"en/index.html"), "{manifest}");

    // From now on the folder is briefing's: no --force needed, and a report
    // removed takes only its pages with it.
    site.remove("content/reports/huozhou.zh.md");
    site.build_ok(&["-o", "out"]);
    let after = tree(&site.root.join("out"));
    assert!(!after.contains_key("zh/reports/huozhou/index.html"));
    assert_eq!(after["notes.txt"], b"mine");
    assert_eq!(after["photos/a.jpg"], b"jpeg");
}

#[test]
fn an_empty_or_missing_output_folder_needs_no_force() {
    let site = Site::fixture("basic");
    std::fs::create_dir(site.root.join("empty")).unwrap();
    site.build_ok(&["-o", "empty"]);
    site.build_ok(&["-o", "missing/below"]);
    for dir in ["empty", "missing/below"] {
        assert!(site.root.join(dir).join("en/index.html").is_file(), "{dir}");
        assert!(site.root.join(dir).join(MANIFEST).is_file(), "{dir}");
    }
}

#[test]
fn a_build_removes_only_files_an_earlier_build_wrote() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    site.write("public/stale.html", "mine");
    site.write("public/zh/reports/notes.txt", "mine too");
    std::fs::create_dir(site.public().join("uploads")).unwrap();
    site.remove("content/reports/huozhou.zh.md");
    let run = site.build_ok(&["-v"]);
    assert!(
        run.stdout()
            .contains("2 files not in briefing's manifest left in place"),
        "{}",
        run.stdout()
    );
    assert!(!site.exists("zh/reports/huozhou/index.html"));
    assert_eq!(site.read("stale.html"), "mine");
    assert_eq!(site.read("zh/reports/notes.txt"), "mine too");
    assert!(site.public().join("uploads").is_dir());
    assert!(!site.read(MANIFEST).contains("huozhou"));
}

#[test]
fn a_file_briefing_did_not_write_is_not_replaced_unless_forced() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    site.write("public/zh/reports/taiyuan/index.html", "my page");
    let before = site.snapshot();
    let zh = std::fs::read_to_string(site.root.join("content/reports/jincheng.zh.md")).unwrap();
    site.write("content/reports/taiyuan.zh.md", zh);
    let run = site.build(&[]);
    refused(
        &run,
        "error: refusing to build into ./public: ./public/zh/reports/taiyuan/index.html was not written by briefing and the site would replace it; move it away, or add --force to replace it\n",
    );
    assert_eq!(site.snapshot(), before, "a refused build changed public/");
    site.build_ok(&["--force"]);
    assert!(site.read("zh/reports/taiyuan/index.html").contains("<html"));
    assert!(site
        .read(MANIFEST)
        .contains("zh/reports/taiyuan/index.html"));
}

#[test]
fn a_public_folder_built_before_manifests_existed_is_recognised() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    // What an earlier briefing left: the same pages, no manifest.
    std::fs::remove_file(site.public().join(MANIFEST)).unwrap();
    site.remove("content/reports/huozhou.zh.md");
    let run = site.build_ok(&["-v"]);
    assert!(site.exists(MANIFEST), "{}", run.stdout());
    assert!(!site.read(MANIFEST).contains("huozhou"));
    // Adopted: what the site no longer makes is left, not deleted.
    assert!(site.exists("zh/reports/huozhou/index.html"));

    // A page without briefing's stamp means the folder is not (only) ours.
    std::fs::remove_file(site.public().join(MANIFEST)).unwrap();
    site.write("public/mine.html", "<p>mine</p>");
    let run = site.build(&[]);
    refused(
        &run,
        "error: refusing to build into ./public: it holds files briefing did not write (there is no ./public/.briefing-manifest); empty it, choose another folder, or add --force to build into it and leave those files in place\n",
    );
    assert_eq!(site.read("mine.html"), "<p>mine</p>");
}

#[test]
fn the_manifest_is_not_rewritten_when_the_files_are_the_same() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let mtime = || {
        std::fs::metadata(site.public().join(MANIFEST))
            .unwrap()
            .modified()
            .unwrap()
    };
    let first = mtime();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.build_ok(&[]);
    assert_eq!(mtime(), first);
    let manifest = site.read(MANIFEST);
    assert!(manifest.starts_with("# briefing manifest 1"), "{manifest}");
}

// ---------------------------------------------------------------------------
// archive: where it may write

const NAME_IT: &str = "give the archive a file name, e.g. --out briefing.zip";

/// A character device node like /dev/null in `dir`, when this user may
/// make one (root with CAP_MKNOD).
fn private_null(dir: &Path) -> Option<std::path::PathBuf> {
    let path = dir.join("null");
    let made = Command::new("mknod")
        .arg(&path)
        .args(["c", "1", "3"])
        .output()
        .is_ok_and(|o| o.status.success());
    made.then_some(path)
}

#[test]
fn archive_refuses_devices_and_keeps_them_devices() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    if !is_root() {
        eprintln!("note: not root; the file system itself would refuse to replace /dev/null, so this test proves less than in CI");
    }
    // A node of our own first: if briefing did replace devices, the real
    // /dev/null of the machine running the tests would be left alone.
    let mut targets = Vec::new();
    match private_null(tmp.path()) {
        Some(node) => targets.push(node),
        None => eprintln!("note: cannot mknod here; testing /dev/null directly"),
    }
    targets.extend(["/dev/null", "/dev/full"].map(std::path::PathBuf::from));
    for target in targets {
        let run = site.archive_from(tmp.path(), &["--out", target.to_str().unwrap()]);
        refused(
            &run,
            &format!(
                "error: refusing to write {}: it is a character device, not a regular file; {NAME_IT}\n",
                target.display()
            ),
        );
        let kind = std::fs::symlink_metadata(&target).unwrap().file_type();
        assert!(kind.is_char_device(), "{target:?} is no longer a device");
        let run = site.archive_from(
            tmp.path(),
            &["--out", target.to_str().unwrap(), "--overwrite"],
        );
        assert_eq!(run.code(), Some(1), "--overwrite: {}", run.stderr());
        let run = site.archive_from(
            tmp.path(),
            &["--report", "jincheng", "--out", target.to_str().unwrap()],
        );
        assert_eq!(run.code(), Some(1), "--report: {}", run.stderr());
        let kind = std::fs::symlink_metadata(&target).unwrap().file_type();
        assert!(kind.is_char_device(), "{target:?} is no longer a device");
    }
}

#[test]
fn archive_refuses_fifos_folders_and_links_to_them() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::fs::create_dir(tmp.path().join("folder")).unwrap();
    std::os::unix::fs::symlink(&fifo, tmp.path().join("to-pipe")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("folder"), tmp.path().join("to-folder")).unwrap();
    for (out, kind) in [
        ("pipe", "a FIFO (named pipe)"),
        ("folder", "a folder"),
        ("to-pipe", "a FIFO (named pipe)"),
        ("to-folder", "a folder"),
    ] {
        let run = site.archive_from(tmp.path(), &["--out", out, "--overwrite"]);
        refused(
            &run,
            &format!(
                "error: refusing to write {out}: it is {kind}, not a regular file; {NAME_IT}\n"
            ),
        );
    }
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(meta.file_type().is_fifo());
    assert!(std::fs::symlink_metadata(tmp.path().join("to-pipe"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_dir(tmp.path().join("folder"))
        .unwrap()
        .next()
        .is_none());
}

#[test]
fn archive_refuses_the_sites_own_files() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    site.write("content/old.zip", "PK\u{3}\u{4}");
    let before = sources(&site);
    let elsewhere = "write the archive elsewhere";
    for (out, what) in [
        ("site.yaml", "it is the site's site.yaml".to_string()),
        (
            "content/old.zip",
            "it is inside the site's content/ folder".into(),
        ),
        (
            "content/reports/new.zip",
            "it is inside the site's content/ folder".into(),
        ),
        (
            "themes/plain/x.zip",
            "it is inside the site's themes/ folder".into(),
        ),
        ("public/../site.yaml", "it is the site's site.yaml".into()),
    ] {
        for extra in [&[][..], &["--overwrite"], &["--report", "jincheng"]] {
            let mut args = vec!["--out", out];
            args.extend(extra);
            let run = site.archive_from(&site.root, &args);
            refused(
                &run,
                &format!("error: refusing to write {out}: {what}, which the build reads from; {elsewhere}\n"),
            );
        }
    }
    let run = site.archive_from(&site.root, &["--out", "public/site.zip"]);
    refused(
        &run,
        &format!("error: refusing to write public/site.zip: it is inside the build output folder {} (it would be published with the site); write the archive elsewhere\n", site.public().display()),
    );
    // Through a link from outside the site.
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(site.root.join("site.yaml"), tmp.path().join("x.zip")).unwrap();
    let run = site.archive_from(tmp.path(), &["--out", "x.zip", "--overwrite"]);
    refused(
        &run,
        &format!("error: refusing to write x.zip: it is the site's site.yaml, which the build reads from; {elsewhere}\n"),
    );
    assert_eq!(sources(&site), before);
    assert!(!site.exists("site.zip"));
}

#[test]
fn archive_replaces_only_its_own_kind_of_file_unless_told() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ok = |args: &[&str]| {
        let run = site.archive_from(dir, args);
        assert!(run.success(), "{args:?}: {}", run.stderr());
    };
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.join("page.html"), "<p>mine</p>").unwrap();
    std::fs::write(dir.join("empty.zip"), "").unwrap();

    let run = site.archive_from(dir, &["--out", "notes.txt"]);
    refused(
        &run,
        "error: refusing to write notes.txt: it exists and is not a zip file; choose another name, or add --overwrite to replace it\n",
    );
    let run = site.archive_from(dir, &["--report", "jincheng", "--out", "page.html"]);
    refused(
        &run,
        "error: refusing to write page.html: it exists and is not a report file briefing wrote; choose another name, or add --overwrite to replace it\n",
    );
    assert_eq!(std::fs::read(dir.join("notes.txt")).unwrap(), b"mine");
    assert_eq!(
        std::fs::read(dir.join("page.html")).unwrap(),
        b"<p>mine</p>"
    );

    // Its own files, and empty ones, are replaced.
    ok(&["--out", "empty.zip"]);
    ok(&["--out", "empty.zip"]);
    ok(&["--report", "jincheng", "--out", "j.html"]);
    ok(&["--report", "jincheng", "--out", "j.html"]);
    // Not one for the other.
    let run = site.archive_from(dir, &["--out", "j.html"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let run = site.archive_from(dir, &["--report", "jincheng", "--out", "empty.zip"]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());

    // --overwrite replaces a regular file.
    ok(&["--out", "notes.txt", "--overwrite"]);
    assert!(std::fs::read(dir.join("notes.txt"))
        .unwrap()
        .starts_with(b"PK\x03\x04"));
}

#[test]
fn archive_writes_through_a_link_to_its_own_file() {
    let site = Site::fixture("basic");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("archives")).unwrap();
    let first = site.archive_from(dir, &["--out", "archives/site.zip"]);
    assert!(first.success(), "{}", first.stderr());
    std::os::unix::fs::symlink("archives/site.zip", dir.join("latest.zip")).unwrap();
    let run = site.archive_from(dir, &["--out", "latest.zip"]);
    assert!(run.success(), "{}", run.stderr());
    let link = std::fs::symlink_metadata(dir.join("latest.zip")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    // A link to nothing is refused.
    std::os::unix::fs::symlink("gone.zip", dir.join("dangling.zip")).unwrap();
    let run = site.archive_from(dir, &["--out", "dangling.zip"]);
    refused(
        &run,
        &format!("error: refusing to write dangling.zip: it is a symbolic link to a missing file; {NAME_IT}\n"),
    );
}
