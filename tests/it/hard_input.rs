//! Input that used to go wrong quietly: links in content/, unreadable files,
//! absurd values, odd file names, and output piped into a closed reader.

use crate::support::Site;
use std::os::unix::fs::symlink;

const REPORT: &str = "content/reports/jincheng.zh.md";

fn lines_with(text: &str, needle: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains(needle))
        .map(String::from)
        .collect()
}

#[test]
fn links_in_content_are_followed_inside_the_site_and_reported_outside_it() {
    let site = Site::fixture("basic");
    // A report kept elsewhere in the site folder, linked into content/.
    let kept = std::fs::read_to_string(site.root.join(REPORT)).unwrap();
    site.write(
        "drafts/linked.zh.md",
        kept.replace("晋城经开区构建光机电产业集群", "链接的报告"),
    );
    symlink(
        site.root.join("drafts/linked.zh.md"),
        site.root.join("content/reports/linked.zh.md"),
    )
    .unwrap();
    // One outside the site.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.zh.md"), &kept).unwrap();
    symlink(
        outside.path().join("x.zh.md"),
        site.root.join("content/reports/outside.zh.md"),
    )
    .unwrap();
    let run = site.build_ok(&[]);
    assert!(
        site.exists("zh/reports/linked/index.html"),
        "a link inside the site is read"
    );
    assert!(!site.exists("zh/reports/outside/index.html"));
    assert_eq!(
        lines_with(&run.stderr(), "outside"),
        [
            "warning: content/reports/outside.zh.md: this link points outside the site; it is not read",
        ]
    );
}

#[test]
fn an_unreadable_file_does_not_hide_the_other_errors() {
    let site = Site::fixture("basic");
    symlink(
        site.root.join("nowhere.md"),
        site.root.join("content/reports/broken.zh.md"),
    )
    .unwrap();
    site.edit(REPORT, "date: 2025-05-08", "date: 2025-02-30");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let errors = lines_with(&run.stderr(), "error:");
    assert_eq!(
        errors,
        [
            "error: content/reports/broken.zh.md: cannot read this file: it is a link to something that does not exist",
            "error: content/reports/jincheng.zh.md:3: `2025-02-30` is not a valid date",
            "error: 2 error(s) in the site; nothing was written",
        ],
        "{}",
        run.stderr()
    );
}

#[test]
fn a_value_past_what_a_figure_can_be_is_an_error_on_its_line() {
    let site = Site::fixture("basic");
    site.edit(REPORT, "value: 30", "value: 1.7e308");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(
        lines_with(&run.stderr(), "funding"),
        ["error: content/reports/jincheng.zh.md:12: metric `funding` has the value 1.7e308, more than a figure in a report can be"],
    );
    site.edit(REPORT, "value: 1.7e308", "value: 999999999999999");
    site.build_ok(&[]);
}

/// YAML that would grow without bound once read (anchors of anchors, a
/// "billion laughs": 9^8 values from 80 written) or nests past the parser's
/// depth limit is refused on its file, at once, instead of being expanded.
#[test]
fn yaml_bombs_and_deep_nesting_are_refused_on_their_file() {
    let site = Site::fixture("basic");
    let mut bomb = String::from(
        "---\ntitle: t\ndate: 2025-05-01\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n",
    );
    for (name, prev) in "bcdefgh".chars().zip("abcdefg".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    bomb.push_str("---\nbody\n");
    site.write("content/reports/bomb.zh.md", bomb);
    let deep = format!(
        "---\ntitle: t\ndate: 2025-05-01\nextra: {}{}\n---\nbody\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    site.write("content/reports/deep.zh.md", deep);
    let start = std::time::Instant::now();
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    let stderr = run.stderr();
    assert_eq!(
        stderr.lines().take(4).collect::<Vec<_>>(),
        [
            "error: content/reports/bomb.zh.md: repetition limit exceeded",
            "  help: aliases (`*name`) in this file repeat their anchors' values too often to be read; write the values out",
            "error: content/reports/deep.zh.md:4: recursion limit exceeded",
            "  help: lists and maps here nest more than 128 levels deep; front matter needs a few",
        ],
        "{}",
        run.stderr()
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn control_and_reordering_characters_in_a_file_name_are_printed_escaped() {
    let site = Site::fixture("basic");
    let name = "content/reports/evil\u{202e}dm.zh.md";
    site.write(name, "---\ntitle: x\n---\n");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains(
            "error: content/reports/evil\\u{202e}dm.zh.md: `evil\\u{202e}dm` cannot be used as a page URL: it has `\\u{202e}`"
        ),
        "{}",
        run.stderr()
    );
    assert!(!run.stderr().contains('\u{202e}'));
}

#[test]
fn output_into_a_pipe_closed_early_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let site = Site::fixture("basic");
    for args in [&["check"][..], &["build", "-v"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(&site.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away at once
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(status.code(), Some(101), "{args:?}: {stderr}");
    }
}
