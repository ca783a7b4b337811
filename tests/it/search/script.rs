//! search.js itself: its tokenizer against the case table that
//! `src/emit/search/tokenize.rs` also runs (`tests/fixtures/search/tokenize_cases.json`),
//! in Chromium over http:// and file:// and under node; and the JavaScript
//! level its header states.

use super::fixture::Sites;
use crate::browser::Browser;
use serde_json::{json, Value};

fn cases() -> Value {
    let path = crate::support::repo_root().join("tests/fixtures/search/tokenize_cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A JavaScript function of search.js's global and the case table: the
/// cases whose tokens differ, and how many cases there were.
const CHECK_CASES: &str = r#"(search, table) => {
  const show = (tokens) => tokens.map((t) => t.text + '@' + t.pos);
  const bad = [];
  for (const c of table.cases) {
    const query = show(search.tokenize(c.text, 'query'));
    if (JSON.stringify(query) !== JSON.stringify(c.query)) {
      bad.push({ name: c.name, mode: 'query', got: query, want: c.query });
    }
    if (c.index) {
      const index = show(search.tokenize(c.text, 'index'));
      if (JSON.stringify(index) !== JSON.stringify(c.index)) {
        bad.push({ name: c.name, mode: 'index', got: index, want: c.index });
      }
    }
  }
  return { bad, n: table.cases.length };
}"#;

fn assert_all_agree(where_: &str, checked: &Value) {
    assert_eq!(
        checked["bad"],
        json!([]),
        "{where_}: the JS tokenizer disagrees with the case table"
    );
    assert!(checked["n"].as_u64().unwrap() >= 20, "{where_}: {checked}");
}

#[test]
fn tokenizer_cases_agree_in_the_browser() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for (label, url) in sites.both("en/search/") {
        b.goto(&url);
        b.wait_for(
            "window.__briefingSearch && window.__briefingSearch.tokenize",
            "search.js",
        );
        let checked = b.exec(
            &format!("return ({CHECK_CASES})(window.__briefingSearch, arguments[0]);"),
            json!([cases()]),
        );
        assert_all_agree(label, &checked);
    }
}

#[test]
fn tokenizer_cases_agree_under_node() {
    let Some(checked) = crate::node::with_search_js(CHECK_CASES, &cases()) else {
        return;
    };
    assert_all_agree("node", &checked);
}

/// The header says ES2017: search.js parses as ES2017 (and so runs in the
/// browsers of that year), checked with the JavaScript parser node carries
/// (acorn, reached with `--expose-internals`). A node without it skips the
/// check loudly, as this is node's inside and not the project's.
#[test]
fn search_js_is_es2017_as_its_header_says() {
    let js = crate::support::repo_root().join("themes/default/static/search.js");
    let text = std::fs::read_to_string(&js).unwrap();
    assert!(
        text.contains("JavaScript level: ES2017"),
        "the header names the level"
    );
    let parse = r#"
let acorn;
try { acorn = require('internal/deps/acorn/acorn/dist/acorn'); } catch (e) { console.log('no-acorn'); process.exit(0); }
const text = require('fs').readFileSync(process.argv[1], 'utf8');
const level = (v) => { try { acorn.parse(text, { ecmaVersion: v }); return 'ok'; } catch (e) { return e.message; } };
console.log(JSON.stringify({ es2017: level(2017), es2016: level(2016) }));
"#;
    let Some(out) = crate::node::run(&["--expose-internals", "-e", parse, js.to_str().unwrap()])
    else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if stdout.trim() == "no-acorn" {
        return crate::skip::skip(
            "a node that carries acorn: search.js's ES2017 level is not checked",
            "install a node release that bundles acorn (Debian's nodejs does)",
        );
    }
    let levels: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(levels["es2017"], "ok", "search.js is not ES2017: {levels}");
    assert_ne!(
        levels["es2016"], "ok",
        "search.js parses as ES2016: the header could claim less ({levels})"
    );
}
