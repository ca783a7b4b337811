use super::encode::decode_varints;
use super::*;
use serde_json::Value;

fn text(title: &str, body: &str) -> SearchText {
    SearchText {
        title: title.into(),
        body: body.into(),
        ..SearchText::default()
    }
}

fn entry(lang: Lang, slug: &str, date: &str, text: SearchText) -> (Lang, SearchEntry) {
    (
        lang,
        SearchEntry {
            url: format!("{}/reports/{slug}/", lang.code()),
            date: date.into(),
            text,
        },
    )
}

fn report(entries: Vec<(Lang, SearchEntry)>) -> SearchReport {
    SearchReport { entries }
}

/// The built files, parsed back: what search.js would see.
struct Built {
    files: Vec<(String, Vec<u8>)>,
    meta: Value,
    shards: Vec<serde_json::Map<String, Value>>,
}

/// The JSON arguments of a `__briefingSearch.NAME(...)` call.
fn call_args(bytes: &[u8], name: &str) -> Vec<Value> {
    let s = std::str::from_utf8(bytes).unwrap();
    let prefix = format!("__briefingSearch.{name}(");
    let inner = s
        .strip_prefix(&prefix)
        .and_then(|s| s.strip_suffix(");\n"))
        .expect("one registration call");
    serde_json::from_str::<Vec<Value>>(&format!("[{inner}]")).unwrap()
}

fn build(reports: &[SearchReport], langs: &[Lang]) -> Built {
    build_sized(reports, langs, Sizes::DEFAULT)
}

fn build_sized(reports: &[SearchReport], langs: &[Lang], sizes: Sizes) -> Built {
    let views: Vec<ReportView> = reports.iter().map(ReportView::from).collect();
    let files = build_with(&views, langs, sizes, None, &as_pair);
    let file = |p: &str| {
        &files
            .iter()
            .find(|f| f.0 == p)
            .unwrap_or_else(|| panic!("no {p}"))
            .1
    };
    let meta = call_args(file("search/meta.js"), "meta").remove(0);
    let n = meta["shards"].as_array().unwrap().len();
    let shards = (0..n)
        .map(|i| {
            let mut args = call_args(file(&format!("search/t/{i}.js")), "shard");
            assert_eq!(args[0], i);
            args.remove(1).as_object().unwrap().clone()
        })
        .collect();
    Built {
        files,
        meta,
        shards,
    }
}

impl Built {
    /// Where search.js looks for a token: the last shard whose first token is <= it.
    fn shard_of(&self, token: &str) -> usize {
        let bounds: Vec<&str> = self.meta["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap())
            .collect();
        let key: Vec<u16> = token.encode_utf16().collect();
        bounds
            .iter()
            .rposition(|b| b.encode_utf16().collect::<Vec<u16>>() <= key)
            .unwrap_or(0)
    }

    /// `(doc, score, positions)` for a token, decoded as search.js does.
    fn postings(&self, token: &str) -> Vec<(u32, u32, Vec<u32>)> {
        let Some(s) = self.shards[self.shard_of(token)].get(token) else {
            return vec![];
        };
        let v = decode_varints(s.as_str().unwrap());
        let char = token.chars().count() == 1 && tokenize::is_cjk(token.chars().next().unwrap());
        let (mut out, mut i, mut doc) = (Vec::new(), 0, 0);
        while i < v.len() {
            doc = if out.is_empty() { v[i] } else { doc + v[i] };
            if char {
                out.push((doc, v[i + 1], vec![]));
                i += 2;
                continue;
            }
            let (score, n) = (
                v[i + 1] / POSITION_COUNTS,
                (v[i + 1] % POSITION_COUNTS) as usize,
            );
            let mut pos = Vec::new();
            for k in 0..n {
                pos.push(v[i + 2 + k] + pos.last().copied().unwrap_or(0));
            }
            out.push((doc, score, pos));
            i += 2 + n;
        }
        out
    }

    fn docs_with(&self, token: &str) -> Vec<u32> {
        self.postings(token).into_iter().map(|p| p.0).collect()
    }

    /// Row `doc` of the site in `lang`, its fields named as search.js names them.
    fn row(&self, lang: Lang, doc: usize) -> serde_json::Map<String, Value> {
        let chunk = doc / DOCS_PER_CHUNK;
        let path = format!("search/{}/d{chunk}.js", lang.code());
        let file = &self.files.iter().find(|f| f.0 == path).unwrap().1;
        let args = call_args(file, "docs");
        assert_eq!(
            (args[0].as_str().unwrap(), args[1].as_u64().unwrap()),
            (lang.code(), chunk as u64)
        );
        let row = args[2][doc % DOCS_PER_CHUNK].as_array().unwrap();
        assert_eq!(row.len(), DOC_ROW_FIELDS.len(), "a field for every name");
        DOC_ROW_FIELDS
            .iter()
            .map(|f| f.to_string())
            .zip(row.iter().cloned())
            .collect()
    }
}

fn foxconn() -> SearchReport {
    report(vec![
        entry(
            Lang::Zh,
            "foxconn",
            "2025-03-01",
            SearchText {
                title: "富士康太原园区扩产".into(),
                zone: "太原经开区".into(),
                tags: vec!["光电半导体".into()],
                metrics: vec!["投资 6,806 亿元".into()],
                body: "富士康在太原新建工厂。".into(),
                ..SearchText::default()
            },
        ),
        entry(
            Lang::En,
            "foxconn",
            "2025-03-01",
            text(
                "Foxconn expands its Taiyuan park",
                "Foxconn builds a new plant.",
            ),
        ),
    ])
}

#[test]
fn cross_language_and_fallback() {
    let zh_only = report(vec![entry(
        Lang::Zh,
        "zh-only",
        "2025-01-01",
        text("只有中文的报告", "物流园区"),
    )]);
    let built = build(&[zh_only, foxconn()], &Lang::ALL);
    // Oldest first: foxconn (March) is document 1.
    assert_eq!(built.docs_with("富士"), [1]);
    assert_eq!(built.docs_with("foxconn"), [1]);
    assert_eq!(built.docs_with("物流"), [0]);
    // The English site shows the English title; the Chinese-only report in Chinese.
    let en0 = built.row(Lang::En, 1);
    assert_eq!(en0["url"], "en/reports/foxconn/");
    assert_eq!(en0["title"], "Foxconn expands its Taiyuan park");
    assert_eq!(en0["textLang"], "en");
    let en1 = built.row(Lang::En, 0);
    assert_eq!(
        (
            en1["url"].as_str(),
            en1["title"].as_str(),
            en1["textLang"].as_str()
        ),
        (
            Some("zh/reports/zh-only/"),
            Some("只有中文的报告"),
            Some("zh")
        )
    );
    let zh0 = built.row(Lang::Zh, 1);
    assert_eq!(
        (
            zh0["title"].as_str(),
            zh0["zone"].as_str(),
            zh0["date"].as_str()
        ),
        (
            Some("富士康太原园区扩产"),
            Some("太原经开区"),
            Some("2025-03-01")
        )
    );
    assert!(
        zh0["text"].as_str().unwrap().contains("投资 6,806 亿元"),
        "metrics are in the snippet text"
    );
}

#[test]
fn scores_follow_field_weights_and_numbers_lose_separators() {
    let built = build(&[foxconn()], &[Lang::Zh]);
    let score = |t: &str| built.postings(t)[0].1;
    assert_eq!(score("6806"), METRICS.weight as u32);
    assert_eq!(
        score("太原"),
        (TITLE.weight + ZONE.weight + BODY.weight) as u32
    );
    assert_eq!(score("光电"), TAGS.weight as u32);
    assert_eq!(score("新建"), BODY.weight as u32);
    assert!(built.postings("6,806").is_empty());
}

#[test]
fn positions_mark_adjacent_tokens() {
    let built = build(&[foxconn()], &[Lang::En]);
    let pos = |t: &str| built.postings(t)[0].2.clone();
    // "new plant" in the English body: adjacent; fields never touch.
    let new = pos("new");
    assert!(pos("plant").iter().any(|p| new.contains(&(p - 1))));
    let title_end = pos("park")[0];
    let body_start = pos("builds")[0] - 1;
    assert!(body_start > title_end + 1, "a gap between fields");
    // Single CJK characters carry no positions, pairs do.
    assert!(pos("富").is_empty());
    assert_eq!(pos("富士").len(), 2);
}

#[test]
fn script_breaking_text_is_escaped() {
    let evil = "</script><script>alert(1)</script><!-- \u{2028}\u{2029}";
    let r = report(vec![entry(
        Lang::En,
        "evil",
        "2025-01-01",
        SearchText {
            title: evil.into(),
            zone: evil.into(),
            summary: evil.into(),
            body: evil.into(),
            ..SearchText::default()
        },
    )]);
    let built = build(&[r], &[Lang::En]);
    for (path, bytes) in &built.files {
        let s = std::str::from_utf8(bytes).unwrap();
        assert!(
            !s.to_lowercase().contains("</script") && !s.contains("<!--"),
            "{path}"
        );
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'), "{path}");
    }
    assert_eq!(
        built.row(Lang::En, 0)["title"],
        evil,
        "the text itself survives"
    );
    assert_eq!(built.docs_with("alert"), [0]);
}

/// The snippet text is the summary, the metrics and the body, cut at
/// SNIPPET_TEXT_CHARS characters wherever the cut falls.
#[test]
fn snippet_text_is_whole_or_cut_at_the_character_limit() {
    let snippet = |summary: &str, metrics: &[&str], body: &str| -> String {
        let r = report(vec![entry(
            Lang::Zh,
            "r",
            "2025-01-01",
            SearchText {
                title: "t".into(),
                summary: summary.into(),
                metrics: metrics.iter().map(|m| m.to_string()).collect(),
                body: body.into(),
                ..SearchText::default()
            },
        )]);
        let built = build(&[r], &[Lang::Zh]);
        built.row(Lang::Zh, 0)["text"].as_str().unwrap().to_string()
    };
    let n = SNIPPET_TEXT_CHARS;
    assert_eq!(snippet("摘要", &[], "正文"), "摘要\n正文");
    assert_eq!(
        snippet("摘要", &["投资 6,806 亿元", "面积 12 km²"], "正文"),
        "摘要\n投资 6,806 亿元 · 面积 12 km²\n正文"
    );
    // Multi-byte characters: more bytes than the limit, not more characters.
    let body = "园".repeat(n - 3);
    assert_eq!(snippet("a", &[], &body), format!("a\n{body}"));
    // Cut in the body, in the metrics and in the summary.
    let long = "园".repeat(n);
    let cut = snippet("ab", &["x y"], &long);
    assert_eq!(cut.chars().count(), n);
    assert_eq!(cut, format!("ab\nx y\n{}", "园".repeat(n - 7)));
    let metric = "区".repeat(n);
    let cut = snippet("ab", &[&metric, "z"], "body");
    assert_eq!(cut, format!("ab\n{}", "区".repeat(n - 3)));
    assert_eq!(snippet(&long, &[], "body"), long);
    // One character over, in one-byte characters.
    let ascii = "a".repeat(n);
    assert_eq!(snippet("", &[], &ascii), format!("\n{}", &ascii[1..]));
}

/// Many distinct tokens: several shards, each token in the shard the bounds point to.
#[test]
fn tokens_are_sharded_by_sorted_range() {
    let reports: Vec<SearchReport> = (0..300)
        .map(|i| {
            let body = format!(
                "word{i} alpha{i}x beta{}y 数字{i} 𠀀𠀁 豈更 number {} 区",
                i % 7,
                1000 + i
            );
            report(vec![entry(
                Lang::En,
                &format!("r{i:03}"),
                &format!("2024-01-{:02}", 1 + i % 28),
                text(&format!("Report {i}"), &body),
            )])
        })
        .collect();
    let sizes = Sizes {
        shard_bytes: 2_000,
        ..Sizes::DEFAULT
    };
    let built = build_sized(&reports, &[Lang::En], sizes);
    let bounds = built.meta["shards"].as_array().unwrap();
    assert!(bounds.len() > 1, "expected several shards");
    for w in bounds.windows(2) {
        let (a, b) = (w[0].as_str().unwrap(), w[1].as_str().unwrap());
        assert!(
            a.encode_utf16().lt(b.encode_utf16()),
            "bounds sorted in UTF-16 order: {a} {b}"
        );
    }
    let mut total = 0;
    for (i, shard) in built.shards.iter().enumerate() {
        for token in shard.keys() {
            assert_eq!(built.shard_of(token), i, "{token}");
            total += 1;
        }
    }
    assert!(total > 600, "{total} tokens");
    assert_eq!(built.docs_with("number").len(), 300);
    assert_eq!(built.docs_with("𠀀𠀁").len(), 300);
    assert_eq!(built.docs_with("豈更").len(), 300);
    assert_eq!(built.docs_with("1042").len(), 1);
    let docs = built.meta["docs"].as_u64().unwrap() as usize;
    assert_eq!(docs, 300);
    let chunks = built
        .files
        .iter()
        .filter(|f| f.0.starts_with("search/en/d"))
        .count();
    assert_eq!(chunks, docs.div_ceil(DOCS_PER_CHUNK));
}

#[test]
fn output_is_deterministic_and_versioned() {
    let reports = vec![
        foxconn(),
        report(vec![entry(
            Lang::En,
            "b",
            "2024-05-05",
            text("Bee", "honey"),
        )]),
    ];
    let a = build_index(&reports, &Lang::ALL);
    let b = build_index(&reports, &Lang::ALL);
    assert_eq!(a, b);
    let built = build(&reports, &Lang::ALL);
    assert_eq!(built.meta["v"], FORMAT_VERSION);
    assert_eq!(built.meta["langs"], serde_json::json!(["zh", "en"]));
    let changed = build_index(&[foxconn()], &Lang::ALL);
    assert_ne!(
        call_args(&a[0].1, "meta")[0]["build"],
        call_args(&changed[0].1, "meta")[0]["build"]
    );
}

#[test]
fn empty_site() {
    let built = build(&[], &Lang::ALL);
    assert_eq!(built.meta["docs"], 0);
    assert_eq!(built.files.len(), 1);
}

/// Batches are a way to cut the work: any batch size gives the same bytes
/// (document numbers continue across batches, differences included).
#[test]
fn batch_size_does_not_change_the_output() {
    let reports: Vec<SearchReport> = (0..41)
        .map(|i| {
            let body = format!("common word{} 富士康{} 6,8{:02}", i % 5, i % 3, i);
            report(vec![
                entry(
                    Lang::En,
                    &format!("r{i:02}"),
                    &format!("2024-02-{:02}", 1 + i % 9),
                    text(&format!("Report {i}"), &body),
                ),
                entry(Lang::Zh, &format!("r{i:02}"), "", text("报告", &body)),
            ])
        })
        .collect();
    let views: Vec<ReportView> = reports.iter().map(ReportView::from).collect();
    let with_batch = |batch_docs| {
        let sizes = Sizes {
            shard_bytes: 300,
            batch_docs,
        };
        build_with(&views, &Lang::ALL, sizes, None, &as_pair)
    };
    let whole = with_batch(1000);
    assert!(
        whole
            .iter()
            .filter(|f| f.0.starts_with("search/t/"))
            .count()
            > 1
    );
    for batch_docs in [1, 2, 7, 40, 41] {
        assert!(with_batch(batch_docs) == whole, "batches of {batch_docs}");
    }
}

/// Small shards and batches, so that an update touches some shards and not others.
const UPDATE_SIZES: Sizes = Sizes {
    shard_bytes: 400,
    batch_docs: 5,
};

/// A site of `n` reports in both languages, with some words and characters
/// shared between reports and some their own; `edit` changes a report's
/// texts (its number, zh body, en body).
fn editable_site(n: usize, edit: &dyn Fn(usize, &mut String, &mut String)) -> Vec<SearchReport> {
    (0..n)
        .map(|i| {
            let mut zh = format!("山西开发区第{i}号报告，投资{}亿元，园区建设", 10 + i);
            let mut en = format!(
                "Zone report {i}: investment of {} billion, park building",
                10 + i
            );
            edit(i, &mut zh, &mut en);
            let date = format!("2025-0{}-1{}", 1 + i % 3, i % 7);
            report(vec![
                entry(
                    Lang::Zh,
                    &format!("r{i:02}"),
                    &date,
                    text(&format!("报告{i}"), &zh),
                ),
                entry(
                    Lang::En,
                    &format!("r{i:02}"),
                    "",
                    text(&format!("Report {i}"), &en),
                ),
            ])
        })
        .collect()
}

/// Builds `before` with a state file, then `after` by updating that index
/// in place; returns the update's files (None: built whole) and a full
/// build of `after`.
#[allow(clippy::type_complexity)]
fn update_and_full(
    before: &[SearchReport],
    after: &[SearchReport],
    sizes: Sizes,
) -> (
    Option<Vec<(String, Option<Vec<u8>>)>>,
    Vec<(String, Vec<u8>)>,
) {
    let langs = &Lang::ALL;
    let old_views: Vec<ReportView> = before.iter().map(ReportView::from).collect();
    let old_fp = input_fingerprint(&old_views, langs);
    let old = build_with(&old_views, langs, sizes, Some(&old_fp), &as_pair);
    let read = |p: &str| {
        old.iter()
            .find(|(path, _)| path == p)
            .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
    };
    let (_, shards) = stamp_of(&read(META_PATH).unwrap()).unwrap();
    let views: Vec<ReportView> = after.iter().map(ReportView::from).collect();
    let fp = input_fingerprint(&views, langs);
    let updated = update::update(&views, langs, sizes, &fp, shards, &read, &|p| {
        read(p).is_some()
    })
    .map(|(files, _)| files);
    let full = build_with(&views, langs, sizes, Some(&fp), &as_pair);
    // What the update keeps must be what the old build wrote.
    if let Some(files) = &updated {
        for (path, bytes) in files {
            if bytes.is_none() {
                assert_eq!(
                    read(path).map(String::into_bytes),
                    full.iter().find(|f| &f.0 == path).map(|f| f.1.clone()),
                    "{path}"
                );
            }
        }
    }
    (updated, full)
}

/// The files of an update with the kept ones read from `full` (they were
/// checked to be the old build's).
fn as_full(
    updated: Vec<(String, Option<Vec<u8>>)>,
    full: &[(String, Vec<u8>)],
) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = updated
        .into_iter()
        .map(|(p, b)| {
            let b = b.unwrap_or_else(|| full.iter().find(|f| f.0 == p).unwrap().1.clone());
            (p, b)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn an_index_updated_in_place_is_the_index_built_whole() {
    let sizes = UPDATE_SIZES;
    let before = editable_site(24, &|_, _, _| {});
    type Edit = Box<dyn Fn(usize, &mut String, &mut String)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a word added",
            Box::new(|i, _, en| {
                if i == 3 {
                    en.push_str(" zebra")
                }
            }),
        ),
        (
            "a new Chinese phrase",
            Box::new(|i, zh, _| {
                if i == 0 {
                    zh.push_str("光机电产业集群")
                }
            }),
        ),
        (
            "text removed",
            Box::new(|i, zh, en| {
                if i == 23 {
                    zh.clear();
                    en.clear();
                }
            }),
        ),
        (
            "a token gone from the site",
            Box::new(|i, zh, en| {
                if i == 7 {
                    *zh = zh.replace("第7号", "");
                    *en = en.replace("report 7", "report");
                }
            }),
        ),
        (
            "two reports",
            Box::new(|i, _, en| {
                if i == 5 || i == 17 {
                    en.push_str(" 6,806 solar")
                }
            }),
        ),
        ("every report", Box::new(|_, _, en| en.push_str(" all"))),
    ];
    let mut updated_some = 0;
    for (what, edit) in &edits {
        let after = editable_site(24, edit.as_ref());
        let (updated, full) = update_and_full(&before, &after, sizes);
        let mut full_sorted = full.clone();
        full_sorted.sort();
        match updated {
            Some(files) => {
                updated_some += 1;
                assert!(
                    as_full(files, &full) == full_sorted,
                    "{what}: the update differs from a full build"
                );
            }
            None => assert_eq!(*what, "every report", "{what}: not updated in place"),
        }
    }
    assert_eq!(updated_some, edits.len() - 1);
}

#[test]
fn an_index_of_more_or_fewer_documents_is_updated_too() {
    let sizes = UPDATE_SIZES;
    let before = editable_site(12, &|_, _, _| {});
    let full_sorted = |files: &[(String, Vec<u8>)]| {
        let mut f = files.to_vec();
        f.sort();
        f
    };
    // A report added (documents are numbered oldest first: a newest report
    // comes last, an older one renumbers those after it), a report removed,
    // a date that moves a report.
    let added = |date: &str| {
        let mut site = before.clone();
        site.push(editable_site(13, &|_, _, _| {}).pop().unwrap());
        site[12].entries[0].1.date = date.into();
        site
    };
    let mut removed = before.clone();
    removed.remove(5);
    let mut moved = before.clone();
    moved[4].entries[0].1.date = "2026-01-01".into();
    for (what, after) in [
        ("added, newest", added("2026-01-01")),
        ("added, oldest", added("2020-01-01")),
        ("removed", removed),
        ("moved", moved),
        ("all removed", Vec::new()),
    ] {
        let (updated, full) = update_and_full(&before, &after, sizes);
        let updated = updated.unwrap_or_else(|| panic!("{what}: not updated in place"));
        assert!(
            as_full(updated, &full) == full_sorted(&full),
            "{what}: the update differs from a full build"
        );
    }
    // The same input: nothing to update (the build keeps the index as it is).
    assert!(update_and_full(&before, &before, sizes).0.is_none());
    // Too much new: built whole.
    let mut many = before.clone();
    many.extend(editable_site(30, &|_, _, _| {}).split_off(12));
    assert!(update_and_full(&before, &many, sizes).0.is_none());
}
