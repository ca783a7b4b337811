//! Diagnostics as users read them: the whole output and exit code of
//! `briefing build` and `briefing check` on sites with many mistakes at once
//! (`tests/fixtures/mistakes`: the build refuses; `tests/fixtures/proofing`:
//! it builds, `check` finds problems in what it made; both hold only the
//! files they add to `tests/fixtures/basic`; and a broken `site.yaml`),
//! compared with the snapshots in `tests/it/snapshots/` (insta).
//!
//! A change in wording, order, line numbers or hints shows as a diff. To
//! accept one after reading it: `cargo insta review` (cargo install
//! cargo-insta), or `INSTA_UPDATE=always cargo test --test it diagnostics`
//! and read `git diff`. Without that, a new or different snapshot fails the
//! test (insta writes a `.snap.new` beside it); in CI (`CI=true`, and
//! `.ci/run` sets `INSTA_UPDATE=no`) nothing is written at all.

use crate::support::{Run, Site};

/// What a user sees for `briefing ARGS` in `site`: the command, its exit
/// code, stdout and stderr, with the site's temporary folder and timings
/// replaced by stable words.
fn transcript(site: &Site, args: &[&str]) -> String {
    let run = site.run(args);
    let mut out = format!("$ briefing {}\nexit code: {}\n", args.join(" "), code(&run));
    for (name, text) in [("stdout", run.stdout()), ("stderr", run.stderr())] {
        if !text.is_empty() {
            out.push_str(&format!("--- {name}\n{}", normalise(&text, site)));
        }
    }
    out
}

fn code(run: &Run) -> String {
    run.code()
        .map_or_else(|| "none (killed by a signal)".into(), |c| c.to_string())
}

/// The site's folder as `[site]`, and `in 312 ms` as `in [time]`.
fn normalise(text: &str, site: &Site) -> String {
    let mut text = text.to_string();
    for root in [site.root.canonicalize().unwrap(), site.root.clone()] {
        text = text.replace(root.to_str().unwrap(), "[site]");
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(" in ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            if let Some(after) = rest[digits..].strip_prefix(" ms") {
                out.push_str("[time]");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Thirteen errors in thirteen files, each the first of its kind an editor
/// meets (YAML pitfalls, dates, units, qualifiers, figures written as text,
/// typos, tags, translations, file encoding), and the warnings found with
/// them: all reported in one run, by file and line, and nothing written.
#[test]
fn a_site_with_many_mistakes() {
    let site = Site::fixture_over("basic", "mistakes");
    insta::assert_snapshot!("mistakes_build", transcript(&site, &["build"]));
    assert!(!site.public().exists(), "a failed build wrote public/");
    insta::assert_snapshot!("mistakes_check", transcript(&site, &["check"]));
    insta::assert_snapshot!(
        "mistakes_check_json",
        transcript(&site, &["check", "--format", "json"])
    );
}

/// A site that builds, with the problems only `check` finds in the
/// rendered pages and across translations: anchors that lead nowhere, an
/// image without alt text, an empty summary, a title used twice, a stale
/// translation, labels that disagree.
#[test]
fn a_site_that_builds_but_does_not_pass_check() {
    let site = Site::fixture_over("basic", "proofing");
    insta::assert_snapshot!("proofing_check", transcript(&site, &["check"]));
    insta::assert_snapshot!(
        "proofing_check_strict",
        transcript(&site, &["check", "--strict"])
    );
    insta::assert_snapshot!("proofing_build", transcript(&site, &["build"]));
}

/// `site.yaml`: a misspelt key (one error: the file cannot be read on), then
/// every check of the values at once.
#[test]
fn a_broken_site_yaml() {
    let site = Site::fixture("basic");
    site.write(
        "site.yaml",
        "title: {zh: 测试简报, en: Test Briefing}\nbase_url: https://example.org/\nlangauges: [zh, en]\n",
    );
    insta::assert_snapshot!("site_yaml_typo_check", transcript(&site, &["check"]));
    site.write(
        "site.yaml",
        "title: {zh: 测试简报, en: Test Briefing}\nbase_url: example.org/briefing\nlanguages: [zh, fr]\ntheme: plain\npaginate: 0\n",
    );
    insta::assert_snapshot!("site_yaml_values_build", transcript(&site, &["build"]));
}
