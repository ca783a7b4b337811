//! The sample site as a reader's tools see it: every page passes the Nu HTML
//! Checker. Needs Java and `tests/tools/node_modules/vnu-jar` (`npm ci` in
//! tests/tools; `.ci/run` does it). Without them the test is skipped loudly
//! (`crate::skip`), unless BRIEFING_REQUIRE_BROWSER=1 makes that a failure.

use crate::skip::skip;
use crate::support::{repo_root, Site};
use std::path::PathBuf;
use std::process::Command;

/// How to install the Nu HTML Checker, for a skip.
pub const VNU_FIX: &str = "apt-get install -y default-jre-headless && (cd tests/tools && npm ci)";

pub fn vnu() -> Option<PathBuf> {
    let jar = repo_root().join("tests/tools/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    (jar.exists() && java).then_some(jar)
}

#[test]
fn every_page_of_the_sample_site_passes_the_nu_html_checker() {
    let Some(jar) = vnu() else {
        return skip(
            "the Nu HTML Checker needs java and tests/tools/node_modules/vnu-jar",
            VNU_FIX,
        );
    };
    for args in [&[][..], &["--offline"][..]] {
        let site = Site::sample();
        site.build_ok(args);
        let pages: Vec<PathBuf> = site
            .snapshot()
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, _)| site.public().join(p))
            .collect();
        assert!(
            pages.len() >= 20,
            "expected the whole site, got {} pages",
            pages.len()
        );
        let out = Command::new("java")
            .arg("-jar")
            .arg(&jar)
            .args(["--errors-only", "--format", "json"])
            .args(&pages)
            .output()
            .expect("run vnu");
        let report: serde_json::Value = serde_json::from_slice(&out.stderr)
            .or_else(|_| serde_json::from_slice(&out.stdout))
            .unwrap_or_else(|e| {
                panic!(
                    "vnu output is not JSON ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        let messages = report["messages"].as_array().cloned().unwrap_or_default();
        let errors: Vec<String> = messages
            .iter()
            .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
            .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
            .collect();
        assert!(
            errors.is_empty(),
            "Nu HTML Checker errors ({args:?}):\n{}",
            errors.join("\n")
        );
    }
}

/// axe-core in headless Chromium: no serious or critical accessibility
/// violations on the home and report pages in both languages, in light and
/// dark colour schemes.
#[test]
fn home_and_report_pages_have_no_serious_accessibility_violations() {
    let axe = repo_root().join("tests/tools/node_modules/axe-core/axe.min.js");
    if !axe.exists() {
        return skip(
            "axe-core needs tests/tools/node_modules/axe-core",
            "(cd tests/tools && npm ci)",
        );
    }
    let axe_js = std::fs::read_to_string(&axe).unwrap();
    let site = Site::sample();
    site.build_ok(&["--offline"]);
    let slug = "jincheng-opto-mechatronics-cluster";
    let pages = [
        "index.html".to_string(),
        "zh/index.html".to_string(),
        "en/index.html".to_string(),
        format!("zh/reports/{slug}/index.html"),
        format!("en/reports/{slug}/index.html"),
        "zh/metrics/index.html".to_string(),
        "en/search/index.html".to_string(),
        "en/tags/index.html".to_string(),
        "zh/tags/招商引资/index.html".to_string(),
        // The search page showing results (highlighted snippets), and none.
        "en/search/index.html?q=zone%20investment".to_string(),
        "zh/search/index.html?q=zzyzx".to_string(),
    ];
    for scheme in ["light", "dark"] {
        let flag = format!(
            "--blink-settings=preferredColorScheme={}",
            if scheme == "dark" { 0 } else { 1 }
        );
        let Some(browser) = crate::browser::Browser::start_with(&[&flag]) else {
            return;
        };
        for page in &pages {
            let (file, query) = page.split_once('?').unwrap_or((page, ""));
            assert!(site.exists(file), "missing {file}");
            let url = crate::browser::file_url(&site.public().join(file));
            if query.is_empty() {
                browser.goto(&url);
            } else {
                browser.goto(&format!("{url}?{query}"));
                browser.wait_for(
                    "document.querySelector('form[data-mode=page]').getAttribute('data-state') === 'done'",
                    "search results",
                );
            }
            let dark = browser.exec(
                "return matchMedia('(prefers-color-scheme: dark)').matches;",
                serde_json::json!([]),
            );
            assert_eq!(
                dark,
                serde_json::json!(scheme == "dark"),
                "the browser is not in {scheme} mode"
            );
            browser.exec(&axe_js, serde_json::json!([]));
            let result = browser.exec_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                    .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))
                    .catch(e => done({error: String(e)}));",
                serde_json::json!([]),
            );
            assert!(
                result.get("error").is_none(),
                "axe failed on {page}: {result}"
            );
            let serious: Vec<_> = result
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
                .collect();
            assert!(
                serious.is_empty(),
                "{page} ({scheme}): {}",
                serde_json::to_string_pretty(&serious).unwrap()
            );
        }
    }
}
