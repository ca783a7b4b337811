//! `briefing import`: the page fixtures of tests/fixtures/import/ (and the
//! seed page) read against their expected answers, scored for figure
//! precision and recall; drafts that `check` and `build --drafts` accept;
//! refusals, dry runs, errors and the exact text output.

use crate::support::{repo_root, Site};
use briefing::model::units::{self, Qualifier, UnitCatalog};
use serde::Deserialize;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    publication: Option<String>,
    page: Option<String>,
    date: Option<String>,
    articles: Vec<ExpectedArticle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedArticle {
    start: String,
    end: String,
    headline: Option<String>,
    kicker: Option<String>,
    #[serde(default)]
    author: Vec<String>,
    continued_from: Option<String>,
    continued_to: Option<String>,
    #[serde(default)]
    captions: Vec<String>,
    figures: Vec<Vec<Value>>,
}

/// Every page fixture: the page and its expected answers.
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let dir = repo_root().join("tests/fixtures/import");
    let mut out = vec![(
        repo_root().join("tests/fixtures/pages/seed-kexue-daobao-a2.txt"),
        dir.join("seed-kexue-daobao-a2.expected.yaml"),
    )];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "pdf")))
        .collect();
    pages.sort();
    for page in pages {
        let stem = page.file_stem().unwrap().to_string_lossy().to_string();
        out.push((page, dir.join(format!("{stem}.expected.yaml"))));
    }
    out
}

fn briefing(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `briefing import PAGE --dry-run --format json`, parsed.
fn import_json(page: &Path) -> Value {
    let out = briefing(
        &[
            "import",
            page.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
        &repo_root(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "import {} failed: {stderr}",
        page.display()
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A figure as a comparable amount: (amount in the dimension's base unit,
/// dimension, qualifier).
fn amount(
    value: f64,
    unit: &str,
    qualifier: Option<&str>,
) -> (String, String, Option<&'static str>) {
    let units = UnitCatalog::builtin();
    let u = units
        .lookup(unit)
        .unwrap_or_else(|| panic!("unknown unit {unit}"));
    let base = units::normalized(value, u);
    let q = qualifier.map(|q| {
        Qualifier::parse(q)
            .unwrap_or_else(|| panic!("qualifier {q}"))
            .name()
    });
    (format!("{base:.6}"), u.dimension().name().to_string(), q)
}

fn expected_amount(f: &[Value]) -> (String, String, Option<&'static str>) {
    amount(
        f[0].as_f64().unwrap(),
        f[1].as_str().unwrap(),
        f.get(2).and_then(Value::as_str),
    )
}

fn got_amount(f: &Value) -> (String, String, Option<&'static str>) {
    amount(
        f["value"].as_f64().unwrap(),
        f["unit"].as_str().unwrap(),
        f["qualifier"].as_str(),
    )
}

/// The structural differences between an import and the expected answers.
fn structure_problems(name: &str, got: &[Value], want: &[ExpectedArticle]) -> Vec<String> {
    let mut problems = Vec::new();
    if got.len() != want.len() {
        problems.push(format!(
            "{name}: {} articles, expected {}",
            got.len(),
            want.len()
        ));
        return problems;
    }
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let text = squeeze(g["text"].as_str().unwrap());
        let mut check = |what: &str, ok: bool, got: String| {
            if !ok {
                problems.push(format!("{name} article {}: {what}: got {got}", k + 1));
            }
        };
        let head: String = text.chars().take(30).collect();
        let tail: String = text
            .chars()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        check("start", text.starts_with(&squeeze(&w.start)), head);
        check("end", text.ends_with(&squeeze(&w.end)), tail);
        let opt = |v: &Value| v.as_str().map(str::to_string);
        check(
            "headline",
            opt(&g["headline"]) == w.headline,
            g["headline"].to_string(),
        );
        check(
            "kicker",
            opt(&g["kicker"]) == w.kicker,
            g["kicker"].to_string(),
        );
        let author: Vec<String> = g["author"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        check("author", author == w.author, format!("{author:?}"));
        check(
            "continued_from",
            opt(&g["continued_from"]) == w.continued_from,
            g["continued_from"].to_string(),
        );
        check(
            "continued_to",
            opt(&g["continued_to"]) == w.continued_to,
            g["continued_to"].to_string(),
        );
        let captions: Vec<String> = g["captions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| squeeze(c.as_str().unwrap()))
            .collect();
        let want_captions: Vec<String> = w.captions.iter().map(|c| squeeze(c)).collect();
        check(
            "captions",
            captions == want_captions,
            format!("{captions:?}"),
        );
    }
    problems
}

/// (true positives, proposed, expected) over the articles, matched in
/// order; the figures missed and the figures proposed wrongly.
fn score(got: &[Value], want: &[ExpectedArticle]) -> ((usize, usize, usize), Vec<String>) {
    let (mut tp, mut proposed, mut expected) = (0, 0, 0);
    let mut misses = Vec::new();
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let mut left: Vec<_> = w.figures.iter().map(|f| expected_amount(f)).collect();
        expected += left.len();
        for f in g["figures"].as_array().unwrap() {
            proposed += 1;
            match left.iter().position(|a| *a == got_amount(f)) {
                Some(i) => {
                    left.remove(i);
                    tp += 1;
                }
                None => misses.push(format!(
                    "article {}: proposed {} {} {}",
                    k + 1,
                    f["qualifier"],
                    f["value"],
                    f["unit"]
                )),
            }
        }
        misses.extend(
            left.iter()
                .map(|a| format!("article {}: missed {a:?}", k + 1)),
        );
    }
    ((tp, proposed, expected), misses)
}

/// Printed past the test harness's capture, so the scores are seen.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[test]
fn pages_are_read_as_their_expected_answers_and_figures_scored() {
    let mut totals = (0, 0, 0);
    let mut problems = Vec::new();
    let mut report = vec!["import: figure precision and recall per page fixture".to_string()];
    for (page, expected) in fixtures() {
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let want: Expected = yaml_serde::from_str(&std::fs::read_to_string(&expected).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
        let json = import_json(&page);
        let got = json["articles"].as_array().unwrap();
        problems.extend(structure_problems(&name, got, &want.articles));
        let ((tp, proposed, wanted), misses) = score(got, &want.articles);
        totals = (totals.0 + tp, totals.1 + proposed, totals.2 + wanted);
        report.push(format!(
            "  {name:32} articles {:>2}  precision {tp:>2}/{proposed:<2} {:>5.1}%  recall {tp:>2}/{wanted:<2} {:>5.1}%",
            want.articles.len(),
            100.0 * tp as f64 / proposed.max(1) as f64,
            100.0 * tp as f64 / wanted.max(1) as f64
        ));
        report.extend(misses.iter().map(|m| format!("      {m}")));
        let _ = (want.publication, want.page, want.date);
    }
    let (tp, proposed, wanted) = totals;
    let (precision, recall) = (tp as f64 / proposed as f64, tp as f64 / wanted as f64);
    report.push(format!(
        "  all pages: precision {tp}/{proposed} {:.1}%, recall {tp}/{wanted} {:.1}%",
        100.0 * precision,
        100.0 * recall
    ));
    say(&report.join("\n"));
    assert!(
        problems.is_empty(),
        "articles read wrong:\n{}",
        problems.join("\n")
    );
    assert!(recall >= 0.95, "figure recall {recall:.3} < 0.95");
    assert!(precision >= 0.90, "figure precision {precision:.3} < 0.90");
}

/// A new site (`briefing init`) in a temp dir.
fn new_site() -> Site {
    let site = Site::fixture("basic");
    site.remove("content/reports");
    site.write("content/reports/_index.zh.md", "---\ntitle: 报告\n---\n");
    site.write("content/reports/_index.en.md", "---\ntitle: Reports\n---\n");
    site
}

fn import_into(site: &Site, page: &Path, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["import", page.to_str().unwrap()];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// Every file below `dir` with its bytes.
fn files_below(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn imported_drafts_pass_check_with_only_draft_warnings_and_build() {
    let site = new_site();
    let seed = repo_root().join("tests/fixtures/pages/seed-kexue-daobao-a2.txt");
    let run = import_into(&site, &seed, &["--date", "2025-05-08", "--page", "A2"]);
    assert!(run.success(), "{}", run.stderr());
    for (page, _) in fixtures().into_iter().skip(1) {
        let run = import_into(&site, &page, &[]);
        assert!(run.success(), "{}: {}", page.display(), run.stderr());
    }
    let check = site.run(&["check", "--drafts", "--format", "json"]);
    let report: Value = serde_json::from_str(&check.stdout()).unwrap();
    let allowed = [
        "an imported draft, not reviewed yet",
        "not translated yet: the translation skeleton from `briefing import`",
        "the summary is empty; lists show the report without one",
    ];
    let mut unexpected = Vec::new();
    let mut drafts = 0;
    for d in report["diagnostics"].as_array().unwrap() {
        let message = d["message"].as_str().unwrap();
        drafts += usize::from(message == allowed[0]);
        if !allowed.contains(&message) {
            unexpected.push(format!("{}: {message}", d["path"]));
        }
    }
    assert!(
        unexpected.is_empty(),
        "check says more than draft warnings:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(
        drafts,
        6 + 3 + 4 + 3 + 3 + 3 + 1 + 1,
        "one review warning per imported article"
    );
    let figures = site.run(&["figures", "--drafts", "--format", "json"]);
    assert!(
        figures.success(),
        "a figure differs from its quote:\n{}",
        figures.stdout()
    );
    site.build_ok(&["--drafts"]);
    let jincheng = site.read("zh/reports/2025-05-08-a2-1-jincheng/index.html");
    assert!(
        jincheng.contains("全方位构建光机电产业集群发展新生态"),
        "{jincheng}"
    );
    assert!(site.exists("en/reports/2025-05-08-a2-1-jincheng/index.html"));
    // The folio gave date, page and publication.
    let lvliang = std::fs::read_to_string(
        site.root
            .join("content/reports/2025-06-12-b3-1-lvliang.zh.md"),
    )
    .unwrap();
    assert!(
        lvliang.contains("publication: \"科学导报\"\n  page: \"B3\""),
        "{lvliang}"
    );
    assert!(
        lvliang.contains("zone: \"吕梁经济技术开发区\""),
        "{lvliang}"
    );
}

#[test]
fn never_overwrites_and_dry_run_writes_nothing() {
    let site = new_site();
    let page = repo_root().join("tests/fixtures/import/datong-c1.txt");
    let before = files_below(&site.root);
    let dry = import_into(&site, &page, &["--dry-run", "--format", "json"]);
    assert!(dry.success(), "{}", dry.stderr());
    assert_eq!(files_below(&site.root), before, "--dry-run wrote something");
    let json: Value = serde_json::from_str(&dry.stdout()).unwrap();
    let files: Vec<String> = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(files.len(), 6);
    assert!(import_into(&site, &page, &[]).success());
    assert_eq!(files_below(&site.root).len(), before.len() + 6);
    // One draft of the second run is gone, the others exist: nothing is written.
    site.remove(&files[5]);
    let without_one = files_below(&site.root);
    let again = import_into(&site, &page, &[]);
    assert_eq!(again.code(), Some(1), "{}", again.stdout());
    let first = format!("error: {}: already exists; nothing was written\n", files[0]);
    assert!(again.stderr().starts_with(&first), "{}", again.stderr());
    assert_eq!(
        again.stderr().matches("already exists").count(),
        5,
        "{}",
        again.stderr()
    );
    assert_eq!(
        files_below(&site.root),
        without_one,
        "a refused import changed files"
    );
}

#[test]
fn json_has_exactly_the_documented_fields() {
    let json = import_json(&repo_root().join("tests/fixtures/import/lvliang-b3.txt"));
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["articles", "warnings"]);
    let article = &json["articles"][0];
    assert_eq!(
        keys(article),
        [
            "author",
            "captions",
            "continued_from",
            "continued_to",
            "figures",
            "files",
            "headline",
            "kicker",
            "text"
        ]
    );
    assert_eq!(
        keys(&article["figures"][0]),
        ["label", "qualifier", "quote", "unit", "value"]
    );
    assert_eq!(article["figures"][0]["value"], serde_json::json!(23));
    assert_eq!(
        article["files"][0],
        "content/reports/2025-06-12-b3-1-lvliang.zh.md"
    );
}

/// The exact text of `import --dry-run` on one page: compared with
/// tests/fixtures/import/lvliang-b3.dry-run.out (`BRIEFING_BLESS=1`
/// rewrites it).
#[test]
fn dry_run_text_output_is_exactly_as_recorded() {
    let out = briefing(
        &[
            "import",
            "tests/fixtures/import/lvliang-b3.txt",
            "--dry-run",
        ],
        &repo_root(),
    );
    assert!(out.status.success());
    let got = String::from_utf8(out.stdout).unwrap();
    let path = repo_root().join("tests/fixtures/import/lvliang-b3.dry-run.out");
    if std::env::var("BRIEFING_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "output differs from {}:\n--- got\n{got}--- want\n{want}",
        path.display()
    );
}

#[test]
fn errors_name_the_file_and_change_nothing() {
    let site = new_site();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let cases: Vec<(PathBuf, String)> = vec![
        (dir.path().join("missing.txt"), "error: cannot read {dir}/missing.txt: No such file or directory (os error 2)".into()),
        (write("page.docx", b"x"), "error: {dir}/page.docx: is neither a .pdf nor a .txt file\n  help: import a newspaper page as a PDF with a text layer, or as the text an extractor made of it (.txt)".into()),
        (write("gbk.txt", b"\xe6\x9c\xac\xe6\x8a\xa5\xe8\xae\xaf ok\n\xb1\xbe\xb1\xa8\n"), "error: {dir}/gbk.txt:2: is not UTF-8 text\n  help: save the page's text as UTF-8 (e.g. `iconv -f GB18030 -t UTF-8`), or import the PDF itself".into()),
        (write("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"), "error: {dir}/broken.pdf: cannot be read as a PDF: ".into()),
        (write("notes.txt", "今天天气很好。\n".as_bytes()), "error: {dir}/notes.txt: no article found: no line starts with a dateline (本报讯, XX报讯, 新华社…电) or a continuation mark (（上接 A1 版）)".into()),
    ];
    let before = files_below(&site.root);
    for (page, want) in cases {
        let run = import_into(&site, &page, &[]);
        let want = want.replace("{dir}", &dir.path().display().to_string());
        assert_eq!(run.code(), Some(1), "{}", page.display());
        assert!(
            run.stderr().starts_with(&want),
            "{}:\n got: {}\nwant: {want}",
            page.display(),
            run.stderr()
        );
        assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    }
    assert_eq!(files_below(&site.root), before);
}

/// A valid one-page PDF that paints nothing: no text layer.
fn blank_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn a_pdf_without_text_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("scan.pdf");
    std::fs::write(&page, blank_pdf()).unwrap();
    let out = briefing(&["import", page.to_str().unwrap(), "--dry-run"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: {}: has no Chinese text layer (a scanned page?)\n  help: import needs the page's text: run OCR on it first, or import a .txt of its text\n",
            page.display()
        )
    );
}

mod generated {
    //! Random pages: import never panics, and what it proposes passes the
    //! quote check.
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "本报讯 ",
                "科学导报讯",
                "新华社太原7月2日电（记者 王静）",
                "（上接A1版）",
                "（下转B4版）",
                "记者 赵敏",
                " 王波",
                "。",
                "，",
                "、",
                "“",
                "”",
                "《",
                "》",
                "近",
                "约",
                "超过",
                "突破",
                "余",
                "多",
                "以上",
                "左右",
                "万",
                "亿",
                "亿元",
                "万平方米",
                "个",
                "家",
                "台",
                "%",
                "％",
                "年",
                "月",
                "日",
                "内",
                "—",
                "至",
                "+",
                "5G",
                "第",
                "版",
                "２６",
                "３．６",
                "1,200",
                "500强",
                "摄",
                " 供图",
                "\n",
                "\n\n",
                " ",
                "星期四",
                "开发区",
            ])
            .prop_map(String::from),
            "[0-9]{1,5}(\\.[0-9]{1,3})?",
            "[\u{4e00}-\u{9fa5}]{1,6}",
            "[a-zA-Z ]{1,4}",
            any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn random_pages_never_panic(pieces in prop::collection::vec(piece(), 0..120)) {
            let dir = tempfile::tempdir().unwrap();
            let page = dir.path().join("page.txt");
            std::fs::write(&page, pieces.concat()).unwrap();
            let opts = briefing::import::ImportOptions {
                file: page,
                root: dir.path().to_path_buf(),
                section: "reports".into(),
                date: None,
                publication: None,
                page: None,
                dry_run: true,
                today: briefing::model::date::Date { year: 2025, month: 5, day: 8 },
            };
            if let Ok(imported) = briefing::import::import(&opts) {
                let units = briefing::model::units::UnitCatalog::builtin();
                let checker = briefing::validate::quote::Checker::new(&units);
                for f in imported.articles.iter().flat_map(|a| &a.figures) {
                    let unit = units.lookup(&f.unit).unwrap();
                    let q = f.qualifier.as_deref().and_then(briefing::model::units::Qualifier::parse);
                    let status = checker.check(f.value.as_f64().unwrap(), unit, q, Some(&f.quote));
                    prop_assert_eq!(status, briefing::validate::quote::QuoteStatus::Matches, "{:?}", f);
                }
            }
        }
    }
}

/// The committed PDFs are what Chromium prints from their HTML: printed
/// again here, they import the same (skipped loudly without Chromium; a
/// failure with `BRIEFING_REQUIRE_BROWSER=1`).
#[test]
fn pdf_fixtures_regenerate_from_their_html() {
    if !Path::new(crate::browser::CHROMIUM).exists() {
        return crate::skip::skip(
            "chromium: import's PDF fixtures are not regenerated",
            "apt-get install -y chromium fonts-wqy-microhei fonts-noto-cjk",
        );
    }
    let fixtures = repo_root().join("tests/fixtures/import");
    let tmp = tempfile::tempdir().unwrap();
    for name in ["shuozhou-a3", "linfen-b2", "changzi-type3"] {
        for file in [format!("{name}.html"), "page.css".to_string()] {
            std::fs::copy(fixtures.join(&file), tmp.path().join(&file)).unwrap();
        }
        let pdf = tmp.path().join(format!("{name}.pdf"));
        let status = Command::new(crate::browser::CHROMIUM)
            .args(crate::browser::HEADLESS_ARGS)
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!(
                "file://{}",
                tmp.path().join(format!("{name}.html")).display()
            ))
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "chromium failed on {name}");
        let fresh = import_json(&pdf)["articles"].clone();
        assert_eq!(
            fresh,
            import_json(&fixtures.join(format!("{name}.pdf")))["articles"],
            "{name}.pdf"
        );
    }
}
