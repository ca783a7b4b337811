//! URLs that could run script: refused in front matter, reported and
//! neutralised in Markdown.

use crate::support::Site;

const REPORT: &str = "content/reports/jincheng.zh.md";

#[test]
fn a_source_url_that_is_not_a_web_address_is_an_error_on_its_line() {
    for url in [
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://example.org/a",
        "example.org/a",
    ] {
        let site = Site::fixture("basic");
        site.edit(
            REPORT,
            "author: 王波}",
            &format!("author: 王波,\n  url: \"{url}\"}}"),
        );
        let run = site.build(&[]);
        assert_eq!(run.code(), Some(1), "{url}");
        let errors: Vec<String> = run
            .stderr()
            .lines()
            .filter(|l| !l.contains("huozhou"))
            .map(String::from)
            .collect();
        assert_eq!(
            errors,
            [
                format!("error: content/reports/jincheng.zh.md:9: `source.url` must be a web address (http or https), not `{url}`"),
                "  help: give the address where the report can be read, e.g. `url: https://…`".to_string(),
                "error: 1 error(s) in the site; nothing was written".to_string(),
            ],
            "{url}"
        );
        assert!(!site.public().exists(), "nothing written");
    }
}

#[test]
fn markdown_links_that_would_run_script_are_reported_and_not_linked() {
    let site = Site::fixture("basic");
    site.edit(
        REPORT,
        "富士康是龙头企业。",
        "富士康是龙头企业。\n\n[点我](javascript:alert(document.cookie)) [数据](data:text/html;base64,PHNjcmlwdD4=)",
    );
    let run = site.build_ok(&[]);
    let stderr = run.stderr();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("would run")).collect();
    assert_eq!(
        warnings,
        [
            "warning: content/reports/jincheng.zh.md:33: link to `data:text/html;base64,PHNjcmlwdD4=` would run a data: URL as script; the page links to `#` instead",
            "warning: content/reports/jincheng.zh.md:33: link to `javascript:alert(document.cookie)` would run a javascript: URL as script; the page links to `#` instead",
        ],
        "{stderr}"
    );
    let page = site.read("zh/reports/jincheng/index.html");
    for bad in ["javascript:", "data:text/html"] {
        assert!(!page.contains(bad), "{bad} is in the page");
    }
    let html = site.html("zh/reports/jincheng/index.html");
    let hrefs = html.hrefs(".prose a, article a");
    assert!(hrefs.iter().filter(|h| *h == "#").count() >= 2, "{hrefs:?}");
    // `check` reports them too, and --strict fails on them.
    let check = site.run(&["check", "--strict"]);
    assert_eq!(check.code(), Some(1));
    assert!(
        check
            .stdout()
            .contains("33: warning: link to `javascript:alert(document.cookie)` would run"),
        "{}",
        check.stdout()
    );
}
