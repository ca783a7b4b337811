//! What a search form shows, read through WebDriver: the search page opened
//! with a query, the header box's dropdown, and many queries run in one page.

use crate::browser::Browser;
use serde_json::{json, Value};
use std::path::Path;

/// The search page's form, and the header's.
pub const PAGE_FORM: &str = "form[data-mode=page]";
pub const HEADER_FORM: &str = "form.bsearch";

/// A JavaScript function of a search form: what it shows, as plain data.
const READ_FORM: &str = r#"function (f) {
  var empty = f.querySelector('.bsearch-empty');
  return {
    state: f.getAttribute('data-state'),
    status: f.querySelector('[role=status]').textContent,
    empty: empty && !empty.hidden ? empty.textContent : null,
    listHidden: f.querySelector('.bsearch-list, .bsearch-results').hidden,
    hits: Array.prototype.map.call(f.querySelectorAll('.bsearch-hit'), function (li) {
      return {
        title: li.querySelector('.bsearch-title').textContent,
        href: li.querySelector('a') ? li.querySelector('a').getAttribute('href') : li.getAttribute('data-href'),
        meta: li.querySelector('.bsearch-meta').textContent,
        snippet: li.querySelector('.bsearch-snippet').textContent,
        snippetLang: li.querySelector('.bsearch-snippet').lang,
        marks: Array.prototype.map.call(li.querySelectorAll('mark'), function (m) { return m.textContent; })
      };
    })
  };
}"#;

/// What the form matching `css` shows: `{state, status, empty, listHidden,
/// hits: [{title, href, meta, snippet, snippetLang, marks}]}`.
pub fn read_form(b: &Browser, css: &str) -> Value {
    b.exec(
        &format!("return ({READ_FORM})(document.querySelector(arguments[0]));"),
        json!([css]),
    )
}

/// Waits for the header box's query to finish and reads the box.
pub fn dropdown_results(b: &Browser) -> Value {
    b.wait_for(
        &format!("document.querySelector('{HEADER_FORM}').getAttribute('data-state') === 'done'"),
        "dropdown results",
    );
    read_form(b, HEADER_FORM)
}

/// Waits for the search page's query to finish (or fail) and reads the page.
pub fn page_results(b: &Browser) -> Value {
    b.wait_for(
        &format!("document.querySelector('{PAGE_FORM}').getAttribute('data-state')"),
        "search results",
    );
    read_form(b, PAGE_FORM)
}

/// The titles of the hits a form shows.
pub fn titles(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

/// Opens the search page at `base` with `?q=query` (a deep link) and returns what it shows.
pub fn open_query(b: &Browser, base: &str, query: &str) -> Value {
    let q: String = query
        .bytes()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                (c as char).to_string()
            } else {
                format!("%{c:02X}")
            }
        })
        .collect();
    b.goto(&format!("{base}?q={q}"));
    let v = page_results(b);
    assert_eq!(v["state"], "done", "query {query:?} at {base}: {v}");
    v
}

/// Opens the search page at `url` once and runs every query in it, one after
/// another as if typed: what the page shows after each (see [`read_form`]).
pub fn run_in_page(b: &Browser, url: &str, queries: &[&str]) -> Vec<Value> {
    b.goto(url);
    b.wait_for(
        "window.__briefingSearch && window.__briefingSearch.widgets",
        "search.js",
    );
    let script = format!(
        "const [queries, done] = arguments;
         const page = window.__briefingSearch.widgets[0];
         const read = {READ_FORM};
         (async () => {{
           const out = [];
           for (const q of queries) {{
             page.input.value = q;
             await page.run();
             out.push(read(page.form));
           }}
           return out;
         }})().then(done, (e) => done(String(e.stack || e)));"
    );
    let v = b.exec_async(&script, json!([queries]));
    let results = v
        .as_array()
        .unwrap_or_else(|| panic!("the queries did not run at {url}: {v}"));
    assert_eq!(results.len(), queries.len());
    results.clone()
}

/// With `BRIEFING_SEARCH_SHOTS=DIR`, saves a screenshot to look at.
pub fn shot(b: &Browser, name: &str) {
    if let Some(dir) = std::env::var_os("BRIEFING_SEARCH_SHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        b.screenshot(&Path::new(&dir).join(format!("{name}.png")));
    }
}
