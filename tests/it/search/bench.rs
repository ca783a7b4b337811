//! Bytes loaded and time taken per query on a big index: a benchmark, run
//! by hand (ignored in `cargo test`).

use super::fixture::{install_theme_assets, write_search_pages};
use super::page::open_query;
use crate::browser::{Browser, StaticServer};
use serde_json::json;
use std::path::PathBuf;

/// Bytes loaded and time taken per query on a big index. Run by hand:
///
/// ```text
/// python3 scripts/gen_site.py briefing 5000 /tmp/bench5k
/// cargo run --release --example search_bench -- /tmp/bench5k /tmp/bench5k-search
/// BRIEFING_SEARCH_BENCH=/tmp/bench5k-search cargo test --release --test it search_bench -- --ignored --nocapture
/// ```
#[test]
#[ignore = "a benchmark: needs BRIEFING_SEARCH_BENCH (see the doc comment)"]
fn search_bench() {
    let Some(dir) = std::env::var_os("BRIEFING_SEARCH_BENCH") else {
        return crate::skip::skip(
            "the search benchmark's site",
            "set BRIEFING_SEARCH_BENCH (see the doc comment)",
        );
    };
    let dir = PathBuf::from(dir);
    let Some(b) = Browser::start() else { return };
    install_theme_assets(&dir);
    write_search_pages(&dir, false);
    let server = StaticServer::start(&dir);
    let queries = [
        ("zh", "园区"),
        ("zh", "光机电"),
        ("zh", "光机电产业"),
        ("zh", "营商环境"),
        ("zh", "招商引资 48.3"),
        ("zh", "运城 logistics"),
        ("en", "supply chain"),
        ("en", "warehouse"),
        ("en", "solar batt"),
        ("en", "Yuncheng"),
        ("en", "光机电"),
        ("en", "富士康"),
    ];
    println!(
        "{:<14} {:>8} {:>7} {:>6} {:>9} {:>9}",
        "query", "results", "files", "KB", "cold ms", "warm ms"
    );
    for (lang, q) in queries {
        let v = open_query(&b, &server.url(&format!("{lang}/search/")), q);
        let loaded = b.exec(
            "var r = performance.getEntriesByType('resource').filter(function (e) { return e.name.indexOf('/search/') >= 0; });
             return {files: r.length, bytes: r.reduce(function (s, e) { return s + e.encodedBodySize; }, 0),
                     ms: __briefingSearch.widgets[0].lastQueryMs};",
            json!([]),
        );
        let warm = b.exec_async(
            "var done = arguments[arguments.length - 1], box = __briefingSearch.widgets[0];
             var t = performance.now(), n = 20, i = 0;
             (function next() { if (i++ < n) box.index.search(box.input.value).then(next); else done((performance.now() - t) / n); })();",
            json!([]),
        );
        println!(
            "{:<14} {:>8} {:>7} {:>6.0} {:>9.1} {:>9.2}",
            format!("{lang}:{q}"),
            v["status"].as_str().unwrap_or(""),
            loaded["files"],
            loaded["bytes"].as_f64().unwrap() / 1024.0,
            loaded["ms"].as_f64().unwrap_or(0.0),
            warm.as_f64().unwrap()
        );
    }
}
