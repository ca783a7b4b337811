//! The search page's answers: every kind of query the tokenizer knows, in
//! both languages and across them, ranking, highlights, no results, and
//! queries nobody planned for.

use super::fixture::Sites;
use super::page::{open_query, run_in_page, shot, titles, PAGE_FORM};
use crate::browser::Browser;
use serde_json::{json, Value};

/// One site variant's search pages: `label` (http or file) and the URLs of
/// the English and Chinese search pages.
struct Pages<'a> {
    b: &'a Browser,
    label: &'static str,
    en: String,
    zh: String,
}

impl Pages<'_> {
    fn en(&self, q: &str) -> Value {
        open_query(self.b, &self.en, q)
    }

    fn zh(&self, q: &str) -> Value {
        open_query(self.b, &self.zh, q)
    }

    fn ctx(&self, what: &str) -> String {
        format!("{}: {what}", self.label)
    }
}

/// Whether the first hit has a highlight that `matches`.
fn first_hit_marks(v: &Value, matches: impl Fn(&str) -> bool) -> bool {
    v["hits"][0]["marks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| matches(m.as_str().unwrap()))
}

#[test]
fn search_page_answers_every_kind_of_query() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    for ((label, en), (_, zh)) in sites
        .both("en/search/")
        .into_iter()
        .zip(sites.both("zh/search/"))
    {
        let pages = Pages {
            b: &b,
            label,
            en,
            zh,
        };
        ties_rank_the_newer_report_first(&pages);
        chinese_queries_find_phrases(&pages);
        english_words_match_their_prefixes(&pages);
        numbers_match_with_or_without_separators(&pages);
        queries_cross_languages(&pages);
        titles_and_adjacent_words_rank_higher(&pages);
        no_results_is_said_once(&pages);
        names_of_object_properties_are_plain_words(&pages);
        a_query_loads_only_the_shards_it_needs(&pages);
    }
}

fn ties_rank_the_newer_report_first(p: &Pages) {
    let v = p.en("quokka");
    assert_eq!(titles(&v), ["Newer twin", "Older twin"], "{}", p.ctx("tie"));
}

fn chinese_queries_find_phrases(p: &Pages) {
    // A two-character query.
    let v = p.zh("物流");
    assert_eq!(
        titles(&v),
        ["霍州物流园区开园", "原平仓储物流招商"],
        "{}",
        p.ctx("物流")
    );
    assert!(
        first_hit_marks(&v, |m| m == "物流"),
        "{}",
        p.ctx("highlight 物流")
    );
    assert_eq!(v["status"], "找到 2 条结果", "{}", p.ctx("count announced"));

    // A four-character query: the report with the phrase.
    let v = p.zh("光机电产");
    shot(p.b, &format!("page-zh-{}", p.label));
    assert_eq!(
        titles(&v),
        ["晋城经开区光机电产业集群化发展"],
        "{}",
        p.ctx("光机电产")
    );
    assert!(
        first_hit_marks(&v, |m| m.contains("光机电产")),
        "{}",
        p.ctx("光机电产 marked")
    );
    assert_eq!(
        v["hits"][0]["meta"],
        "晋城经开区 · 2025-02-01",
        "{}",
        p.ctx("zone and date")
    );
}

fn english_words_match_their_prefixes(p: &Pages) {
    let v = p.en("logistics");
    assert_eq!(
        titles(&v)[0],
        "Huozhou logistics park opens",
        "{}",
        p.ctx("logistics")
    );
    let v = p.en("logis");
    assert_eq!(
        titles(&v)[0],
        "Huozhou logistics park opens",
        "{}",
        p.ctx("prefix logis")
    );
    assert!(
        first_hit_marks(&v, |m| m == "logistics"),
        "{}",
        p.ctx("prefix highlighted")
    );
}

fn numbers_match_with_or_without_separators(p: &Pages) {
    for q in ["6806", "6,806"] {
        let v = p.en(q);
        assert_eq!(
            titles(&v),
            ["Foxconn expands its Taiyuan park"],
            "{}",
            p.ctx(q)
        );
        assert!(
            first_hit_marks(&v, |m| m == "6,806"),
            "{}",
            p.ctx("number highlighted")
        );
    }
}

/// Mixed Chinese and English; Chinese on the English site and the reverse;
/// a report without an English version shown in Chinese on the English site.
fn queries_cross_languages(p: &Pages) {
    let v = p.zh("富士康 iPhone");
    assert_eq!(titles(&v), ["富士康太原园区扩产"], "{}", p.ctx("mixed"));

    let v = p.en("富士康");
    shot(p.b, &format!("page-en-cross-{}", p.label));
    assert_eq!(
        titles(&v),
        ["Foxconn expands its Taiyuan park"],
        "{}",
        p.ctx("富士康 on en")
    );
    assert_eq!(
        v["hits"][0]["href"],
        if p.label == "http" {
            "../../en/reports/foxconn-taiyuan/"
        } else {
            "../../en/reports/foxconn-taiyuan/index.html"
        }
    );
    assert_eq!(
        v["hits"][0]["snippetLang"],
        "zh",
        "{}",
        p.ctx("the matching Chinese text as snippet")
    );
    let v = p.zh("Foxconn");
    assert_eq!(
        titles(&v),
        ["富士康太原园区扩产"],
        "{}",
        p.ctx("Foxconn on zh")
    );
    let v = p.en("仓储");
    assert_eq!(titles(&v), ["原平仓储物流招商"], "{}", p.ctx("fallback"));
}

fn titles_and_adjacent_words_rank_higher(p: &Pages) {
    let v = p.en("datong");
    assert_eq!(
        titles(&v),
        ["Datong battery plant", "Coal-to-chemicals upgrade"],
        "{}",
        p.ctx("title first")
    );
    let v = p.en("supply chain");
    assert_eq!(
        titles(&v)[0],
        "Jincheng zone grows an opto-mechatronics cluster",
        "{}",
        p.ctx("adjacent first")
    );
    assert!(
        titles(&v).contains(&"Huozhou logistics park opens".to_string()),
        "{}",
        p.ctx("scattered still found")
    );
}

/// The message says it; the status announces it without showing it twice.
fn no_results_is_said_once(p: &Pages) {
    let v = p.en("zzyzx");
    assert_eq!(v["hits"], json!([]), "{}", p.ctx("no results"));
    assert_eq!(
        v["empty"],
        "No results found",
        "{}",
        p.ctx("no-results message")
    );
    assert_eq!(
        v["status"],
        "No results found",
        "{}",
        p.ctx("no results announced")
    );
    let status_shown = format!(
        "return document.querySelector('{PAGE_FORM} [role=status]').getBoundingClientRect().height > 1;"
    );
    assert_eq!(
        p.b.exec(&status_shown, json!([])),
        json!(false),
        "{}",
        p.ctx("the status is announced, not shown twice beside the message")
    );
    p.en("datong");
    assert_eq!(
        p.b.exec(&status_shown, json!([])),
        json!(true),
        "{}",
        p.ctx("a count is shown")
    );
}

/// Words that name properties every JavaScript object has are words like
/// any other: no results, and no error.
fn names_of_object_properties_are_plain_words(p: &Pages) {
    for word in [
        "constructor",
        "constructor zone",
        "valueOf",
        "__proto__ park",
    ] {
        let v = p.en(word);
        assert_eq!(v["hits"], json!([]), "{}", p.ctx(word));
        assert_eq!(v["empty"], "No results found", "{}", p.ctx(word));
    }
}

/// Run last on a page: the query before it loaded what it needed, no more.
fn a_query_loads_only_the_shards_it_needs(p: &Pages) {
    let loaded = p.b.exec(
        "return {loaded: document.querySelectorAll('script[src*=\"search/t/\"]').length, total: __briefingSearch.data.meta.shards.length};",
        json!([]),
    );
    assert!(
        loaded["total"].as_u64().unwrap() > 2,
        "{}",
        p.ctx("the fixture index has several shards")
    );
    assert!(
        loaded["loaded"].as_u64().unwrap() < loaded["total"].as_u64().unwrap(),
        "{}",
        p.ctx("a query loads some shards")
    );
}

/// Queries nobody planned for: punctuation alone, odd characters, markup,
/// JavaScript names, very long input. Each gets an answer, never an error.
#[test]
fn odd_queries_get_an_answer() {
    let Some(b) = Browser::start() else { return };
    let sites = Sites::new();
    let long_word = "a".repeat(500);
    let long_cjk = "富".repeat(300);
    let queries: [&str; 50] = [
        "\"",
        "'",
        "(",
        "*",
        "?",
        "\\",
        "[]",
        "{}",
        "%",
        "%%",
        "+",
        "-",
        "—",
        "…",
        "。，、",
        "６８０６",
        "6,806",
        "6.806",
        "1e9",
        "0",
        "00000",
        "-5",
        "a",
        "的",
        "区",
        "🙂",
        "👨‍👩‍👧",
        "\u{2028}x",
        "\u{0}",
        "<img src=x onerror=alert(1)>",
        "</script>",
        &long_word,
        &long_cjk,
        "x y z w v u t s r q p o n m",
        "İstanbul",
        "ǅ",
        "ß",
        "ﬁ",
        "Ⅻ",
        "\u{10FFFF}",
        "𠀀𠀁",
        "hasOwnProperty",
        "__proto__",
        "prototype",
        "toString",
        "NaN",
        "undefined",
        "null",
        "Infinity",
        "constructor 富士康",
    ];
    for (label, en) in sites.both("en/search/") {
        // One page load; the queries run in it one after another.
        let results = run_in_page(&b, &en, &queries);
        let unanswered: Vec<String> = queries
            .iter()
            .zip(&results)
            .filter(|(_, v)| v["state"] != "done" || !v["hits"].is_array())
            .map(|(q, v)| format!("{q:?}: {v}"))
            .collect();
        assert!(
            unanswered.is_empty(),
            "{label}: {} of {} queries got no answer:\n{}",
            unanswered.len(),
            queries.len(),
            unanswered.join("\n")
        );
    }
}
