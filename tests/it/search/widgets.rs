//! The two search widgets as a reader uses them: the header box, a keyboard
//! combobox, and what is left of search without JavaScript.

use super::fixture::Sites;
use super::page::{dropdown_results, open_query, page_results, shot, titles, PAGE_FORM};
use crate::browser::{key, Browser};
use serde_json::json;

#[test]
fn header_box_is_a_keyboard_combobox() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for (label, url) in sites.both("en/") {
        arrows_choose_and_enter_opens_a_result(&b, label, &url);
        arrows_wrap_and_escape_empties_the_box(&b, label, &url);
        enter_with_no_choice_opens_the_search_page(&b, label, &url);
    }
}

/// "/" focuses the box; typing drops results down; an arrow chooses one,
/// Escape closes the list, Enter opens the chosen result.
fn arrows_choose_and_enter_opens_a_result(b: &Browser, label: &str, url: &str) {
    b.goto(url);
    b.wait_for(
        "document.querySelector('form.bsearch') && !document.querySelector('form.bsearch').hidden",
        "the box to show",
    );
    b.keys("/");
    assert_eq!(
        b.exec("return document.activeElement.id;", json!([])),
        "bsearch-q",
        "{label}: / focuses the box"
    );
    let input = b.find("#bsearch-q");
    b.type_into(&input, "foxconn");
    let v = dropdown_results(b);
    shot(b, &format!("dropdown-{label}"));
    assert_eq!(titles(&v), ["Foxconn expands its Taiyuan park"], "{label}");
    assert_eq!(v["listHidden"], false, "{label}: dropdown open");
    assert_eq!(
        b.exec(
            "return document.getElementById('bsearch-q').getAttribute('aria-expanded');",
            json!([])
        ),
        "true"
    );
    assert_eq!(v["status"], "1 result", "{label}: announced");

    b.keys(key::DOWN);
    let active = b.exec(
            "var i = document.getElementById('bsearch-q'), id = i.getAttribute('aria-activedescendant'); var o = id && document.getElementById(id); return o && o.getAttribute('aria-selected');",
            json!([]),
        );
    assert_eq!(active, "true", "{label}: arrow selects an option");
    b.keys(key::ESCAPE);
    assert_eq!(
        b.exec(
            "return document.getElementById('bsearch-list').hidden;",
            json!([])
        ),
        true,
        "{label}: Escape closes"
    );
    b.keys(key::DOWN);
    b.keys(key::ENTER);
    b.wait_for("document.getElementById('report')", "the report page");
    assert!(
        b.url().contains("/en/reports/foxconn-taiyuan/"),
        "{label}: Enter opens {}",
        b.url()
    );
}

/// Up from the input chooses the last option (all results, when there are
/// more than the list shows), Down from there the first; the first Escape
/// closes the list, the second empties the box.
fn arrows_wrap_and_escape_empties_the_box(b: &Browser, label: &str, url: &str) {
    b.goto(url);
    b.wait_for("!document.querySelector('form.bsearch').hidden", "the box");
    b.type_into(&b.find("#bsearch-q"), "filler");
    dropdown_results(b);
    let chosen = || {
        b.exec(
            "const id = document.getElementById('bsearch-q').getAttribute('aria-activedescendant'); \
             const o = id && document.getElementById(id); return o ? o.className + ' ' + o.id : null;",
            json!([]),
        )
    };
    b.keys(key::UP);
    assert_eq!(
        chosen(),
        "bsearch-all bsearch0-opt-8",
        "{label}: up chooses the last"
    );
    b.keys(key::DOWN);
    assert_eq!(
        chosen(),
        "bsearch-hit bsearch0-opt-0",
        "{label}: and wraps round"
    );
    b.keys(key::ESCAPE);
    assert_eq!(chosen(), json!(null), "{label}: Escape closes");
    b.keys(key::ESCAPE);
    let q = b.exec(
        "return document.getElementById('bsearch-q').value;",
        json!([]),
    );
    assert_eq!(q, "", "{label}: a second Escape empties the box");
}

/// Enter with no option chosen opens the search page with ?q=.
fn enter_with_no_choice_opens_the_search_page(b: &Browser, label: &str, url: &str) {
    b.goto(url);
    b.wait_for("!document.querySelector('form.bsearch').hidden", "the box");
    let input = b.find("#bsearch-q");
    b.type_into(&input, "zone");
    dropdown_results(b);
    b.keys(key::ENTER);
    b.wait_for(
        "document.querySelector('form[data-mode=page]')",
        "the search page",
    );
    let v = page_results(b);
    assert!(
        titles(&v).len() >= 3,
        "{label}: search page shows the results for the query"
    );
    assert_eq!(
        b.exec(
            "return document.getElementById('bsearch-page-q').value;",
            json!([])
        ),
        "zone"
    );
}

/// On the search page results are links: arrows move the focus from the
/// input through them and back, Escape returns to the input and there
/// empties it; a button shows the next page of results.
#[test]
fn search_page_arrows_move_through_the_results() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for (label, url) in sites.both("en/search/") {
        let shown = titles(&open_query(&b, &url, "zone"));
        assert!(shown.len() >= 3, "{label}: {shown:?}");
        let focused = || {
            b.exec(
                "const a = document.activeElement; return a.id || a.textContent;",
                json!([]),
            )
        };
        b.exec(
            "document.getElementById('bsearch-page-q').focus();",
            json!([]),
        );
        for (k, want) in [
            (key::UP, "bsearch-page-q"),
            (key::DOWN, shown[0].as_str()),
            (key::DOWN, shown[1].as_str()),
            (key::UP, shown[0].as_str()),
            (key::UP, "bsearch-page-q"),
            (key::DOWN, shown[0].as_str()),
            (key::ESCAPE, "bsearch-page-q"),
        ] {
            b.keys(k);
            assert_eq!(focused(), want, "{label}");
        }
        b.keys(key::ESCAPE);
        let v = b.exec(
            &format!("const f = document.querySelector('{PAGE_FORM}'); return {{q: f.querySelector('input').value, hits: f.querySelectorAll('.bsearch-hit').length, search: location.search}};"),
            json!([]),
        );
        assert_eq!(
            v,
            json!({"q": "", "hits": 0, "search": ""}),
            "{label}: Escape in the input empties it"
        );
        more_shows_the_next_results(&b, label, &url);
    }
}

fn more_shows_the_next_results(b: &Browser, label: &str, url: &str) {
    let first = titles(&open_query(b, url, "filler"));
    assert_eq!(first.len(), 10, "{label}: a page of results");
    b.exec(
        "document.querySelector('.bsearch-more').click();",
        json!([]),
    );
    b.wait_for(
        "document.querySelectorAll('.bsearch-hit').length > 10",
        "more results",
    );
    let more = titles(&page_results(b));
    assert_eq!(more[..10], first[..], "{label}: the first ten stay");
    assert!(
        more.len() > 10 && more.len() <= 20,
        "{label}: {}",
        more.len()
    );
}

#[test]
fn without_javascript_the_box_is_hidden() {
    let Some(b) = Browser::start_with(&["--blink-settings=scriptEnabled=false"]) else {
        return;
    };
    let sites = Sites::new();
    for (label, url) in sites.both("en/search/") {
        b.goto(&url);
        // WebDriver scripts still run; the page's own do not.
        let v = b.exec(
            "var f = document.querySelector('form.bsearch'); return {shown: f.offsetParent !== null, js: !!window.__briefingSearch, noscript: document.body.innerText};",
            json!([]),
        );
        assert_eq!(v["js"], false, "{label}: scripts are off");
        assert_eq!(v["shown"], false, "{label}: the search box is hidden");
        assert!(
            v["noscript"]
                .as_str()
                .unwrap()
                .contains("Search needs JavaScript."),
            "{label}: {v}"
        );
    }
}
