//! Generated bad input (proptest): front matter, Markdown with CJK, site.yaml
//! and search queries. A build never panics, its errors name file and line,
//! and the Rust and JavaScript tokenizers agree on every text.
//!
//! CI runs a bounded number of cases (`PROPTEST_CASES`, default below); a
//! long run: `PROPTEST_CASES=5000 cargo test --release --test it generated`.

use briefing::emit::search::tokenize::{Mode, TokenKind, Tokenizer};
use briefing::pipeline::{render_site_files, BuildOptions};
use proptest::prelude::*;
use serde_json::json;
use std::path::Path;

/// Cases per property when `PROPTEST_CASES` is not set.
const CASES: u32 = 48;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Characters the loaders and tokenizers treat differently: CJK, full-width
/// forms, YAML and Markdown syntax, digits, controls, emoji, combining marks.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('\u{4e00}', '\u{9fff}'),
        3 => prop::char::range('a', 'z'),
        2 => prop::char::range('0', '9'),
        1 => prop::char::range('\u{ff10}', '\u{ff5a}'),
        2 => prop::sample::select(vec![
            ' ', ':', '#', '-', '{', '}', '[', ']', '\'', '"', '%', '@', '`', '|', '>', '*',
            '&', '!', ',', '.', '\n', '\t', '\\', '/', '(', ')', '<', '_', '+', '=', '、', '，',
            '。', '“', '”', '《', '》', '（', '）', '・', '·', '\u{0}', '\u{202e}', '\u{200b}',
            '\u{301}', '😀', '𠀋', 'İ', 'ß', 'ﬁ', '亿', '万', '余', '超', '近',
        ]),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// A YAML scalar: plain, quoted, a number, or odd text.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        text(12),
        text(12).prop_map(|t| format!("{t:?}")),
        any::<f64>().prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        prop::sample::select(vec![
            "2025-05-08",
            "2025-02-30",
            "亿元",
            "%",
            "个",
            "nearly",
            "超",
            "以上",
            "[]",
            "{}",
            "~",
            "null",
            "0x10",
            "1e400",
            "-.inf",
            ".nan",
            "|",
            ">",
            "*a",
            "&a x",
            "!!int 3",
        ])
        .prop_map(String::from),
    ]
}

fn metric() -> impl Strategy<Value = String> {
    (scalar(), scalar(), scalar(), scalar(), scalar(), scalar()).prop_map(
        |(key, label, value, unit, qualifier, quote)| {
            format!(
                "  - key: {key}\n    label: {label}\n    value: {value}\n    unit: {unit}\n    qualifier: {qualifier}\n    quote: {quote}\n"
            )
        },
    )
}

/// A report file: front-matter fields drawn from the real ones and from
/// noise, each possibly broken, then a Markdown body with CJK text.
fn report() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        scalar().prop_map(|v| format!("title: {v}\n")),
        scalar().prop_map(|v| format!("date: {v}\n")),
        scalar().prop_map(|v| format!("zone: {v}\n")),
        prop::collection::vec(scalar(), 0..4).prop_map(|v| format!("tags: [{}]\n", v.join(", "))),
        (scalar(), scalar()).prop_map(|(p, u)| format!("source: {{publication: {p}, url: {u}}}\n")),
        prop::collection::vec(metric(), 0..3).prop_map(|m| format!("metrics:\n{}", m.concat())),
        text(20).prop_map(|t| format!("{t}\n")),
    ];
    let body = text(200);
    (prop::collection::vec(field, 0..7), body, any::<bool>()).prop_map(|(fields, body, valid)| {
        let head = if valid {
            "title: 标题\ndate: 2025-05-08\n".to_string()
        } else {
            String::new()
        };
        format!("---\n{head}{}---\n{body}\n", fields.concat())
    })
}

fn site_with(reports: &[String], translation: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = crate::support::repo_root().join("tests/fixtures/basic");
    std::fs::copy(fixture.join("site.yaml"), root.join("site.yaml")).unwrap();
    copy_tree(&fixture.join("themes"), &root.join("themes"));
    let reports_dir = root.join("content/reports");
    std::fs::create_dir_all(&reports_dir).unwrap();
    for (i, r) in reports.iter().enumerate() {
        std::fs::write(reports_dir.join(format!("r{i}.zh.md")), r).unwrap();
    }
    std::fs::write(reports_dir.join("r0.en.md"), translation).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_build_of_generated_reports_never_panics_and_errors_have_lines(
        reports in prop::collection::vec(report(), 1..4),
        translation in report(),
    ) {
        let dir = site_with(&reports, &translation);
        let opts = BuildOptions::new(dir.path());
        if let Err(briefing::Error::Invalid(diags)) = render_site_files(&opts, None) {
            // The file names are fixed and valid: every error is about a
            // place in a file.
            for d in diags.iter().filter(|d| d.is_error()) {
                prop_assert!(d.line.is_some(), "an error without a line: {d}");
                prop_assert!(!d.path.as_os_str().is_empty(), "an error without a file: {d}");
            }
        }
    }

    #[test]
    fn generated_site_yaml_never_panics_and_errors_have_lines(
        title in scalar(), base in scalar(), langs in prop::collection::vec(scalar(), 0..3),
        paginate in scalar(), noise in text(30),
    ) {
        let yaml = format!(
            "title: {title}\nbase_url: {base}\nlanguages: [{}]\npaginate: {paginate}\n{noise}\n",
            langs.join(", ")
        );
        if let Err(diags) = briefing::load::config::Config::parse(&yaml, Path::new("site.yaml")) {
            for d in &diags {
                prop_assert!(d.line.is_some(), "an error without a line: {d}\n{yaml}");
            }
        }
    }
}

/// The JavaScript tokenizer's output for each text, run under node.
fn js_tokens(texts: &[String], mode: &str) -> Option<Vec<Vec<(String, u32, String)>>> {
    let tokenize = "(search, input) => input.texts.map(t => \
        search.tokenize(t, input.mode).map(o => [o.text, o.pos, o.kind]))";
    let out = crate::node::with_search_js(tokenize, &json!({"texts": texts, "mode": mode}))?;
    Some(serde_json::from_value(out).unwrap())
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Word => "word",
        TokenKind::Number => "number",
        TokenKind::CjkChar => "char",
        TokenKind::CjkPair => "pair",
    }
}

#[test]
fn rust_and_javascript_tokenizers_agree_on_generated_text() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::new(config());
    let strategy = text(80);
    let count = (config().cases as usize * 8).max(200);
    let texts: Vec<String> = (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let mut tokenizer = Tokenizer::new();
    for (mode, name) in [(Mode::Index, "index"), (Mode::Query, "query")] {
        let Some(js) = js_tokens(&texts, name) else {
            return;
        };
        for (text, js) in texts.iter().zip(js) {
            let rust: Vec<(String, u32, String)> = tokenizer
                .tokens(text, mode)
                .into_iter()
                .map(|(t, pos, kind)| (t, pos, kind_name(kind).to_string()))
                .collect();
            assert_eq!(rust, js, "{name} tokens of {text:?}");
        }
    }
}
