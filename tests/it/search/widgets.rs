//! The two search widgets as a reader uses them: the header box, a keyboard
//! combobox, and what is left of search without JavaScript.

use super::fixture::Sites;
use super::page::{dropdown_results, page_results, shot, titles};
use crate::browser::{key, Browser};
use serde_json::json;

#[test]
fn header_box_is_a_keyboard_combobox() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for (label, url) in sites.both("en/") {
        arrows_choose_and_enter_opens_a_result(&b, label, &url);
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
