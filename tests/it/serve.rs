//! `briefing serve`: pages over HTTP, live reload events, errors as overlays,
//! path traversal, Ctrl-C.

use crate::browser::Browser;
use crate::support::Site;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

fn generation(update: &serde_json::Value) -> u64 {
    update["generation"].as_u64().unwrap()
}

#[test]
fn serves_pages_with_content_types_and_the_reload_script() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.text().contains("/__briefing/events"));
    let report = server.get("/zh/reports/jincheng/");
    assert_eq!(report.status, 200);
    assert!(report.text().contains("晋城经开区构建光机电产业集群"));
    assert!(
        report.text().find("__briefing").unwrap() < report.text().rfind("</body>").unwrap(),
        "the script goes inside the body"
    );
    for (path, kind) in [
        ("/static/plain.css", "text/css; charset=utf-8"),
        ("/reports/diagram.svg", "image/svg+xml"),
        ("/data/metrics.csv", "text/csv; charset=utf-8"),
        (
            "/zh/reports/jincheng/index.html",
            "text/html; charset=utf-8",
        ),
    ] {
        let r = server.get(path);
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some(kind)),
            "{path}"
        );
    }
    // Percent-encoded paths are decoded.
    assert_eq!(server.get("/zh/reports/%6Aincheng/").status, 200);
    // A folder without its slash is redirected, so relative links work.
    let moved = server.get("/zh/reports");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/zh/reports/"));
    // Unknown pages get the theme's 404 page of that language.
    let missing = server.get("/zh/reports/nothing/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("href=\"/static/plain.css\""),
        "links from the served root: {}",
        missing.text()
    );
    site.build_ok(&[]);
    let title = site.html("zh/404.html").text("title");
    assert!(missing.text().contains(&title), "{title}");
    // The build output never has the reload script.
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__briefing"), "{path} has the serve script");
    }
}

#[test]
fn a_change_sends_a_reload_event_and_serves_the_new_page() {
    let site = Site::fixture("basic");
    let mut server = site.serve(&[]);
    let mut events = server.events();
    let first = events
        .next_update(WAIT)
        .expect("the current state on connect");
    assert_eq!(first["errors"], serde_json::json!([]));
    let path = "content/reports/jincheng.en.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(
        path,
        text.replace("builds an opto-mechatronics cluster", "grows a new cluster"),
    );
    let update = events
        .next_update(WAIT)
        .expect("an update after the change");
    assert!(generation(&update) > generation(&first));
    assert_eq!(update["errors"], serde_json::json!([]));
    // The event names the pages that changed: only those reload.
    let changed = update["changed"].as_array().expect("a list of paths");
    assert!(
        changed.contains(&"en/reports/jincheng/index.html".into()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"zh/reports/jincheng/index.html".into()),
        "{changed:?}"
    );
    let page = server.get("/en/reports/jincheng/").text();
    assert!(page.contains("Jincheng zone grows a new cluster"), "{page}");
    let line = server.wait_line("built", WAIT).unwrap();
    assert!(line.contains("(incremental)"), "{line}");
}

#[test]
fn a_broken_file_shows_its_error_and_the_old_page_stays() {
    let site = Site::fixture("basic");
    let mut server = site.serve(&[]);
    let mut events = server.events();
    let first = events.next_update(WAIT).unwrap();
    let path = "content/reports/jincheng.zh.md";
    let good = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(path, good.replace("date: 2025-05-08", "date: 2025-05-48"));
    let broken = events.next_update(WAIT).expect("an update with the error");
    let error = &broken["errors"][0];
    assert_eq!(error["path"], "content/reports/jincheng.zh.md");
    assert_eq!(error["line"], 3);
    assert!(error["message"].as_str().unwrap().contains("2025-05-48"));
    assert_eq!(generation(&broken), generation(&first), "nothing to reload");
    let page = server.get("/zh/reports/jincheng/");
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(page.text().contains("2025-05-08"));
    let stderr = server.wait_stderr("content/reports/jincheng.zh.md:3", WAIT);
    assert!(
        stderr.contains("content/reports/jincheng.zh.md:3"),
        "{stderr}"
    );
    // Fixing the file clears the error and reloads.
    site.write(path, good.replace("date: 2025-05-08", "date: 2025-05-18"));
    let fixed = events.next_update(WAIT).expect("an update after the fix");
    assert_eq!(fixed["errors"], serde_json::json!([]));
    assert!(generation(&fixed) > generation(&first));
    assert!(server
        .get("/zh/reports/jincheng/")
        .text()
        .contains("2025-05-18"));
    server.wait_line("built", WAIT).unwrap();
}

#[test]
fn a_burst_of_saves_is_one_rebuild() {
    let site = Site::fixture("basic");
    let mut server = site.serve(&[]);
    let mut events = server.events();
    let first = events.next_update(WAIT).unwrap();
    server.drain_lines();
    let edits: Vec<(String, String)> = ["jincheng.zh.md", "jincheng.en.md", "huozhou.zh.md"]
        .iter()
        .map(|name| {
            let path = format!("content/reports/{name}");
            let text = std::fs::read_to_string(site.root.join(&path)).unwrap();
            (path, format!("{text}\n追加。\n"))
        })
        .collect();
    for (path, text) in &edits {
        site.write(path, text);
    }
    let update = events.next_update(WAIT).unwrap();
    assert!(server
        .wait_line("built", WAIT)
        .unwrap()
        .contains("(3 files)"));
    assert!(generation(&update) > generation(&first));
    // Timing on a loaded machine could split a burst; never into one
    // rebuild per file.
    let more = server.wait_line("built", Duration::from_millis(800));
    assert!(
        more.is_none()
            || server
                .wait_line("built", Duration::from_millis(800))
                .is_none()
    );
}

#[test]
fn paths_outside_the_site_are_refused() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    for target in [
        "/../site.yaml",
        "/zh/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/site.yaml",
        "/zh/..%2f..%2fsite.yaml",
        "/..%5csite.yaml",
        "/static/%00",
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 400, "{target}");
        assert!(!r.text().contains("base_url"), "{target}");
    }
    // Files of the site folder that are not output are simply not there.
    assert_eq!(server.get("/site.yaml").status, 404);
    assert_eq!(server.get("/content/reports/jincheng.zh.md").status, 404);
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    assert_eq!(server.get("/").status, 200);
    let (status, lines) = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert_eq!(lines.last().map(String::as_str), Some("stopped"));
}

#[test]
fn a_site_that_does_not_build_yet_serves_its_errors() {
    let site = Site::fixture("basic");
    let good = std::fs::read_to_string(site.root.join("content/reports/jincheng.zh.md")).unwrap();
    site.write("content/reports/jincheng.zh.md", "---\ntitle: x\n");
    let mut server = site.serve(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(page.text().contains("never closed"), "{}", page.text());
    assert!(page.text().contains("/__briefing/events"));
    let mut events = server.events();
    let state = events.next_update(WAIT).unwrap();
    assert_eq!(generation(&state), 0);
    site.write("content/reports/jincheng.zh.md", good);
    let fixed = events.next_update(WAIT).unwrap();
    assert_eq!(generation(&fixed), 1);
    assert!(server.wait_line("built", WAIT).is_some());
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn the_open_page_reloads_itself_and_shows_errors_over_it() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let site = Site::fixture("basic");
    let mut server = site.serve(&[]);
    let h1 = "(document.querySelector('h1') || {}).textContent || ''";
    browser.goto(&format!("http://{}/en/reports/jincheng/", server.addr));
    browser.wait_for("window.__briefingConnected", "the event stream");
    browser.exec("window.__notReloaded = true;", json!([]));
    let path = "content/reports/jincheng.en.md";
    let good = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(
        path,
        good.replace("builds an opto-mechatronics cluster", "grows a new cluster"),
    );
    browser.wait_for(
        &format!("!window.__notReloaded && ({h1}).includes('grows a new cluster')"),
        "the page to reload with the new title",
    );
    browser.wait_for("window.__briefingConnected", "the event stream again");
    browser.exec("window.__notReloaded = true;", json!([]));
    // A broken file: the error over the page, which stays as it was.
    site.write(path, good.replace("title: ", "title: [unclosed"));
    let overlay = browser.wait_for(
        "(document.getElementById('briefing-errors') || {}).textContent",
        "the error overlay",
    );
    let overlay = overlay.as_str().unwrap();
    assert!(
        overlay.contains("content/reports/jincheng.en.md:2:"),
        "{overlay}"
    );
    assert_eq!(
        browser.exec("return window.__notReloaded;", json!([])),
        true
    );
    // Fixing it clears the overlay and shows the fixed page.
    site.write(
        path,
        good.replace("builds an opto-mechatronics cluster", "is fixed"),
    );
    browser.wait_for(
        &format!("!document.getElementById('briefing-errors') && ({h1}).includes('is fixed')"),
        "the fixed page without the overlay",
    );
    // A change to another page does not reload this one.
    browser.wait_for("window.__briefingConnected", "the event stream again");
    browser.exec("window.__notReloaded = true;", json!([]));
    let other = "content/reports/huozhou.zh.md";
    let text = std::fs::read_to_string(site.root.join(other)).unwrap();
    site.write(other, text.replace("管理机制。", "管理机制，成效明显。"));
    server.wait_line("built", Duration::from_secs(60)).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        browser.exec("return window.__notReloaded === true;", json!([])),
        true
    );
}
