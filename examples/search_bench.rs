//! Times `search::build_index` on a synthetic site and reports the index size.
//!
//! ```text
//! python3 scripts/gen_site.py briefing 5000 /tmp/bench5k
//! cargo run --release --example search_bench -- /tmp/bench5k [OUT_DIR]
//! ```
//!
//! It reads the generated Markdown with a rough parser of its own (front matter,
//! hard-wrapped paragraphs), so it measures the index alone; with OUT_DIR it also
//! writes the index files there.

use briefing::emit::search::{build_index, SearchEntry, SearchReport, SearchText};
use briefing::Lang;
use std::path::Path;
use std::time::Instant;
use yaml_serde::Value;

mod support;
use support::cpu_ms;

/// The allocator of the `briefing` binary, so the figures match a build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let site = Path::new(args.first().map(String::as_str).unwrap_or("/tmp/bench5k"));
    let reports = read_site(site);
    println!("{} reports read from {}", reports.len(), site.display());

    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut files = Vec::new();
    for _ in 0..7 {
        let (t, c) = (Instant::now(), cpu_ms());
        files = build_index(&reports, &Lang::ALL);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu.push(cpu_ms() - c);
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "CPU time (all threads): median {:.0} ms, min {:.0} ms",
        cpu[cpu.len() / 2],
        cpu[0]
    );
    println!(
        "build_index on {} threads: median {:.0} ms (min {:.0}, max {:.0}) over {} runs",
        rayon::current_num_threads(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );

    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for (path, bytes) in &files {
        let kind = if path.starts_with("search/t/") {
            "token shards"
        } else if path.ends_with("meta.js") {
            "meta"
        } else {
            "doc chunks"
        };
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += bytes.len();
        e.2 = e.2.max(bytes.len());
    }
    for (kind, (n, total, max)) in by_kind {
        println!(
            "{kind:>13}: {n:5} files, {:8.1} KB total, largest {:6.1} KB, mean {:6.1} KB",
            kb(total),
            kb(max),
            kb(total / n)
        );
    }
    if let Some(out) = args.get(1) {
        for (path, bytes) in &files {
            let p = Path::new(out).join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        println!("written to {out}");
    }
}

fn kb(n: usize) -> f64 {
    n as f64 / 1024.0
}

fn read_site(site: &Path) -> Vec<SearchReport> {
    let dir = site.join("content/reports");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".zh.md").map(str::to_string))
        .collect();
    names.sort();
    names
        .iter()
        .map(|slug| {
            let (zh, zh_body) = front_matter(&dir.join(format!("{slug}.zh.md")));
            let (en, en_body) = front_matter(&dir.join(format!("{slug}.en.md")));
            let date = str_of(&zh["date"]);
            let zh_metrics: Vec<&Value> = zh["metrics"].as_sequence().unwrap().iter().collect();
            let metrics = |fm: &Value| -> Vec<String> {
                fm["metrics"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .zip(&zh_metrics)
                    .map(|(m, z)| {
                        format!(
                            "{} {} {}",
                            str_of(&m["label"]),
                            str_of(&z["value"]),
                            str_of(&z["unit"])
                        )
                    })
                    .collect()
            };
            let text = |fm: &Value, body: String, lang: Lang| SearchText {
                title: str_of(&fm["title"]),
                zone: String::new(),
                region: str_of(&fm["region"]),
                tags: fm["tags"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(str_of)
                    .collect(),
                summary: String::new(),
                metrics: metrics(fm),
                body: plain(&body, lang),
            };
            let entry = |lang: Lang, fm: &Value, body: String| {
                let url = format!("{}/reports/{slug}/", lang.code());
                (
                    lang,
                    SearchEntry {
                        url,
                        date: date.clone(),
                        text: text(fm, body, lang),
                    },
                )
            };
            SearchReport {
                entries: vec![entry(Lang::Zh, &zh, zh_body), entry(Lang::En, &en, en_body)],
            }
        })
        .collect()
}

fn front_matter(path: &Path) -> (Value, String) {
    let s = std::fs::read_to_string(path).unwrap();
    let rest = s.strip_prefix("---\n").unwrap();
    let end = rest.find("\n---\n").unwrap();
    (
        yaml_serde::from_str(&rest[..end]).unwrap(),
        rest[end + 5..].to_string(),
    )
}

fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Markdown paragraphs to plain text: headings dropped, hard-wrapped Chinese
/// lines joined without spaces.
fn plain(md: &str, lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "" } else { " " };
    md.split("\n\n")
        .filter(|p| !p.starts_with('#') && !p.trim().is_empty())
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(sep))
        .collect::<Vec<_>>()
        .join("\n")
}
