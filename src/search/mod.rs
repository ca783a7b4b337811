//! The search index that `briefing build` writes and the default theme's
//! `search.js` reads, from a web server or straight from disk (`file://`).
//!
//! Every file is a classic script that hands its data to one global,
//! `window.__briefingSearch`; search.js adds `<script src>` tags for the files a
//! query needs. No fetch, no WebAssembly, no modules: that is what works from
//! `file://`. JSON in the files escapes `<`, U+2028 and U+2029.
//!
//! # Files (under `public/`)
//!
//! ```text
//! search/meta.js          __briefingSearch.meta({v, build, docs, chunk, langs, shards})
//! search/t/<i>.js         __briefingSearch.shard(i, {token: postings, …})
//! search/<lang>/d<c>.js   __briefingSearch.docs(lang, c, [[url, title, zone, date, textLang, text], …])
//! ```
//!
//! * **Documents** are reports, numbered newest first (date, then URL). One number
//!   covers every language version of a report.
//! * **Token shards** are shared by the languages. Because a query in either
//!   language must find a report on both sites, each language's index would hold
//!   the same tokens (a report's Chinese and English text); they are written once.
//!   Tokens (see [`tokenize`]) are sorted in UTF-16 order (JavaScript's string
//!   order) and cut into shards of about [`SHARD_BYTES`]. `meta.shards[i]` is
//!   the first token of shard `i`, so a token, or the range of words a prefix
//!   matches, maps to its shard(s) by binary search (search.js looks for a
//!   prefix in at most four shards).
//! * **Postings** of a token are base-32 varints (see `encode::push_varint`): per
//!   document, the document number (the first absolute, the rest as
//!   differences), then for a single CJK character its score, and for any other
//!   token `score * 9 + n` followed by its first `n` ≤ [`MAX_POSITIONS`] positions
//!   (first absolute, rest as differences). The score sums field weights, title
//!   16 > zone, tags 8 > region 6 > summary 4 > metrics 3 > body 1, each field
//!   counting a few occurrences at most. Positions run across a report's fields
//!   and languages with gaps, so adjacency never spans two fields.
//! * **Document chunks**, per site language, hold [`DOCS_PER_CHUNK`] documents
//!   each, numbered `doc / chunk`: the page URL (site-root-relative), title, zone,
//!   date, the language of the text, and the text for snippets (summary, metrics,
//!   body; at most [`SNIPPET_TEXT_CHARS`] characters). A report without a
//!   version in that language is shown in its source language. A query loads the
//!   chunks of the results it shows only.
//! * `meta.build` changes with any file's content; search.js adds it as `?v=` to
//!   the URLs it loads over HTTP(S), against stale caches (and loads meta.js
//!   itself uncached there).

pub mod encode;
pub mod site;
pub mod tokenize;

use crate::Lang;
use encode::{hash_bytes, hash_str, js_json, key_is_exact, mix, push_varint, token_key, KeyBuild};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::hash_map::{Entry, HashMap};
use tokenize::{Kind, Mode, Tokenizer};

/// Version of the file format; search.js checks it.
pub const FORMAT_VERSION: u32 = 1;
/// Documents per document chunk file.
pub const DOCS_PER_CHUNK: usize = 4;
/// A token shard is closed once it reaches this many bytes of postings.
pub const SHARD_BYTES: usize = 32_000;
/// Positions kept per token and document (for ranking adjacent matches).
pub const MAX_POSITIONS: usize = 8;
/// Snippet text kept per document and language.
pub const SNIPPET_TEXT_CHARS: usize = 5_000;

/// The searchable text of one language version of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchText {
    pub title: String,
    pub zone: String,
    pub region: String,
    pub tags: Vec<String>,
    pub summary: String,
    /// One `"label formatted-value"` string per metric.
    pub metrics: Vec<String>,
    /// Plain text: no markup, no script or style text.
    pub body: String,
}

/// One language version of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchEntry {
    /// Site-root-relative page URL, e.g. `en/reports/foo/` (or `…/index.html` offline).
    pub url: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub text: SearchText,
}

/// A report in every language it exists in; the first entry is the source language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchReport {
    pub entries: Vec<(Lang, SearchEntry)>,
}

/// How a field counts towards a token's score.
#[derive(Clone, Copy)]
struct Field {
    weight: u16,
    /// Occurrences in the field that count.
    cap: u8,
}

const TITLE: Field = Field { weight: 16, cap: 2 };
const ZONE: Field = Field { weight: 8, cap: 2 };
const TAGS: Field = Field { weight: 8, cap: 2 };
const REGION: Field = Field { weight: 6, cap: 2 };
const SUMMARY: Field = Field { weight: 4, cap: 3 };
const METRICS: Field = Field { weight: 3, cap: 2 };
const BODY: Field = Field { weight: 1, cap: 5 };
/// Positions left empty between two fields.
const FIELD_GAP: u32 = 2;
/// Token partitions merged in parallel (fixed, so output does not depend on the thread count).
const PARTS: usize = 16;

/// Builds the search files for a site in `langs`: `(path under public/, bytes)`.
pub fn build_index(reports: &[SearchReport], langs: &[Lang]) -> Vec<(String, Vec<u8>)> {
    build_with(reports, langs, SHARD_BYTES)
}

/// [`build_index`] with another shard size (tests use small shards).
fn build_with(
    reports: &[SearchReport],
    langs: &[Lang],
    shard_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    let order = doc_order(reports);
    let docs: Vec<DocTokens> = order
        .par_iter()
        .with_min_len(64)
        .map(|&r| SCRATCH.with(|s| DocTokens::index(&reports[r], &mut s.borrow_mut())))
        .collect();
    let postings = merge_postings(&docs);
    let (bounds, shards) = cut_shards(postings, shard_bytes);
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut js = format!("__briefingSearch.shard({i},{{").into_bytes();
            js.extend_from_slice(&body);
            js.extend_from_slice(b"});\n");
            (format!("search/t/{i}.js"), js)
        })
        .collect();
    for &lang in langs {
        files.extend(doc_chunks(reports, &order, lang));
    }
    // Hash the files in parallel, combine in file order: the combination
    // is order-dependent, so a parallel reduce would differ between runs.
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|(p, b)| hash_str(p) ^ hash_bytes(b))
        .collect();
    let build = hashes.iter().fold(0u64, |a, &h| a.rotate_left(5) ^ h);
    let meta = Meta {
        v: FORMAT_VERSION,
        build: format!("{build:016x}"),
        docs: order.len(),
        chunk: DOCS_PER_CHUNK,
        langs: langs.iter().map(|l| l.code()).collect(),
        shards: bounds,
    };
    let meta_js = format!("__briefingSearch.meta({});\n", js_json(&meta));
    files.insert(0, ("search/meta.js".to_string(), meta_js.into_bytes()));
    files
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    build: String,
    docs: usize,
    chunk: usize,
    langs: Vec<&'static str>,
    shards: Vec<&'a str>,
}

/// Report indices in document order: newest first, then by URL.
fn doc_order(reports: &[SearchReport]) -> Vec<usize> {
    fn key(r: &SearchReport) -> (&str, &str) {
        r.entries
            .first()
            .map(|(_, e)| (e.date.as_str(), e.url.as_str()))
            .unwrap_or(("", ""))
    }
    let mut order: Vec<usize> = (0..reports.len())
        .filter(|&i| !reports[i].entries.is_empty())
        .collect();
    order.sort_by(|&a, &b| {
        let (da, ua) = key(&reports[a]);
        let (db, ub) = key(&reports[b]);
        db.cmp(da).then(ua.cmp(ub))
    });
    order
}

/// One token of one document.
#[derive(Clone, Copy)]
struct Tok {
    /// [`token_key`] of the token.
    key: u64,
    start: u32,
    len: u8,
    char: bool,
    score: u16,
    /// The field instance counted last, and how often.
    field: u32,
    tf: u8,
    npos: u8,
    /// The first positions (positions past `u16::MAX` are not kept).
    pos: [u16; MAX_POSITIONS],
}

/// The distinct tokens of one document, grouped by partition.
struct DocTokens {
    arena: String,
    toks: Vec<Tok>,
    /// `toks[parts[p]..parts[p + 1]]` are the tokens of partition `p`.
    parts: [u32; PARTS + 1],
}

thread_local! {
    /// Kept by each thread between documents and builds: allocating its
    /// tables again for every piece of the parallel work costs more than using them.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Per-thread scratch space for indexing documents.
struct Scratch {
    tk: Tokenizer,
    seen: HashMap<u64, u32, KeyBuild>,
    /// Token index of each single CJK character of the Basic Multilingual Plane,
    /// or `u32::MAX`: a direct table, as single characters are a third of all tokens.
    chars: Vec<u32>,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            tk: Tokenizer::new(),
            seen: HashMap::default(),
            chars: vec![u32::MAX; 0x10000],
        }
    }
}

impl DocTokens {
    fn index(report: &SearchReport, scratch: &mut Scratch) -> DocTokens {
        let mut doc = DocTokens {
            arena: String::new(),
            toks: Vec::with_capacity(1024),
            parts: [0; PARTS + 1],
        };
        let Scratch { tk, seen, chars } = scratch;
        seen.clear();
        let (mut base, mut field_id) = (0u32, 0u32);
        for (_, entry) in &report.entries {
            for (field, items) in fields(&entry.text) {
                field_id += 1;
                for text in items {
                    let used = tk.run(text, Mode::Index, |t, p, kind| {
                        doc.add(seen, chars, t, base + p, kind, field, field_id);
                    });
                    base += used + FIELD_GAP;
                }
            }
        }
        for t in &doc.toks {
            if t.char && t.len == 3 {
                chars[doc.token(t).chars().next().map_or(0, |c| c as usize)] = u32::MAX;
            }
        }
        doc.group_by_part();
        doc
    }

    /// Orders the tokens by partition (a counting sort) and fills `parts`.
    fn group_by_part(&mut self) {
        let mut starts = [0u32; PARTS + 1];
        for t in &self.toks {
            starts[part_of(t.key) + 1] += 1;
        }
        for p in 0..PARTS {
            starts[p + 1] += starts[p];
        }
        self.parts = starts;
        let mut sorted = self.toks.clone();
        for t in &self.toks {
            let p = part_of(t.key);
            sorted[starts[p] as usize] = *t;
            starts[p] += 1;
        }
        self.toks = sorted;
    }

    fn token(&self, t: &Tok) -> &str {
        &self.arena[t.start as usize..t.start as usize + t.len as usize]
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        seen: &mut HashMap<u64, u32, KeyBuild>,
        chars: &mut [u32],
        text: &str,
        pos: u32,
        kind: Kind,
        field: Field,
        field_id: u32,
    ) {
        let key = token_key(text);
        let bmp_char = if kind == Kind::CjkChar && text.len() == 3 {
            text.chars().next().map(|c| c as usize)
        } else {
            None
        };
        let known = bmp_char.map(|c| chars[c]).filter(|&i| i != u32::MAX);
        let mut probe = key;
        let i = if let Some(i) = known {
            i as usize
        } else if let Some(c) = bmp_char {
            chars[c] = self.toks.len() as u32;
            self.push_tok(key, text, true)
        } else {
            loop {
                match seen.entry(probe) {
                    Entry::Occupied(e) => {
                        let i = *e.get() as usize;
                        if key_is_exact(key) || self.token(&self.toks[i]) == text {
                            break i;
                        }
                        probe = probe.wrapping_add(1); // two long tokens with one hash: probe on
                    }
                    Entry::Vacant(e) => {
                        e.insert(self.toks.len() as u32);
                        break self.push_tok(key, text, kind == Kind::CjkChar);
                    }
                }
            }
        };
        let t = &mut self.toks[i];
        if t.field != field_id {
            t.field = field_id;
            t.tf = 0;
        }
        if t.tf < field.cap {
            t.tf += 1;
            t.score = t.score.saturating_add(field.weight);
        }
        if !t.char && (t.npos as usize) < MAX_POSITIONS && pos <= u16::MAX as u32 {
            t.pos[t.npos as usize] = pos as u16;
            t.npos += 1;
        }
    }

    fn push_tok(&mut self, key: u64, text: &str, char: bool) -> usize {
        let len = text.len().min(255) as u8; // words have at most 40 letters
        self.toks.push(Tok {
            key,
            start: self.arena.len() as u32,
            len,
            char,
            score: 0,
            field: 0,
            tf: 0,
            npos: 0,
            pos: [0; MAX_POSITIONS],
        });
        self.arena.push_str(&text[..len as usize]);
        self.toks.len() - 1
    }
}

fn part_of(key: u64) -> usize {
    (mix(key) >> 60) as usize % PARTS
}

/// A language version's fields in index order, each with its text items.
fn fields(t: &SearchText) -> [(Field, Vec<&str>); 7] {
    [
        (TITLE, vec![t.title.as_str()]),
        (ZONE, vec![t.zone.as_str()]),
        (TAGS, t.tags.iter().map(String::as_str).collect()),
        (REGION, vec![t.region.as_str()]),
        (SUMMARY, vec![t.summary.as_str()]),
        (METRICS, t.metrics.iter().map(String::as_str).collect()),
        (BODY, vec![t.body.as_str()]),
    ]
}

/// Inverts the per-document tokens into `(token, postings)`, in parallel by partition.
fn merge_postings(docs: &[DocTokens]) -> Vec<(&str, Vec<u8>)> {
    let parts: Vec<Vec<(&str, Vec<u8>)>> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let mut seen: HashMap<u64, usize, KeyBuild> = HashMap::default();
            let mut list: Vec<(&str, Vec<u8>, u32)> = Vec::new();
            for (d, doc) in docs.iter().enumerate() {
                let d = d as u32;
                for t in &doc.toks[doc.parts[p] as usize..doc.parts[p + 1] as usize] {
                    // Short tokens are their keys: only long ones are compared.
                    let exact = key_is_exact(t.key);
                    let mut probe = t.key;
                    let i = loop {
                        match seen.entry(probe) {
                            Entry::Occupied(e) if exact || list[*e.get()].0 == doc.token(t) => {
                                break *e.get()
                            }
                            Entry::Occupied(_) => probe = probe.wrapping_add(1),
                            Entry::Vacant(e) => {
                                e.insert(list.len());
                                list.push((doc.token(t), Vec::new(), 0));
                                break list.len() - 1;
                            }
                        }
                    };
                    let (_, out, last) = &mut list[i];
                    push_varint(out, if out.is_empty() { d } else { d - *last });
                    *last = d;
                    push_posting(out, t);
                }
            }
            list.into_iter().map(|(t, s, _)| (t, s)).collect()
        })
        .collect();
    parts.into_iter().flatten().collect()
}

fn push_posting(out: &mut Vec<u8>, t: &Tok) {
    let score = t.score.min(255) as u32;
    if t.char {
        push_varint(out, score);
        return;
    }
    push_varint(out, score * 9 + t.npos as u32);
    let mut prev = 0;
    for &p in &t.pos[..t.npos as usize] {
        push_varint(out, (p - prev) as u32);
        prev = p;
    }
}

/// Sorts tokens in JavaScript string order and cuts them into shards; returns
/// the first token of each shard and each shard's object body (`"tok":"…",…`).
fn cut_shards(mut postings: Vec<(&str, Vec<u8>)>, shard_bytes: usize) -> (Vec<&str>, Vec<Vec<u8>>) {
    // UTF-8 byte order is UTF-16 order unless a token has a character at or above U+E000.
    if postings
        .iter()
        .any(|(t, _)| t.chars().any(|c| c >= '\u{E000}'))
    {
        postings.par_sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    } else {
        postings.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    let mut bounds = Vec::new();
    let mut shards: Vec<Vec<u8>> = Vec::new();
    for (token, post) in postings {
        match shards.last_mut() {
            Some(body) if body.len() < shard_bytes => body.push(b','),
            _ => {
                bounds.push(token);
                shards.push(Vec::with_capacity(shard_bytes + 1024));
            }
        }
        let body = shards.last_mut().expect("a shard was just opened");
        // Tokens hold only letters, digits, `.` and CJK characters; escape anyway.
        body.extend_from_slice(js_json(token).as_bytes());
        body.extend_from_slice(b":\"");
        body.extend_from_slice(&post);
        body.push(b'"');
    }
    (bounds, shards)
}

/// One document-chunk row: url, title, zone, date, text language, snippet text.
type DocRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'static str, String);

/// The document chunk files of the site in `lang`.
fn doc_chunks(reports: &[SearchReport], order: &[usize], lang: Lang) -> Vec<(String, Vec<u8>)> {
    order
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(c, docs)| {
            let rows: Vec<DocRow> = docs.iter().map(|&r| doc_row(&reports[r], lang)).collect();
            let js = format!(
                "__briefingSearch.docs(\"{}\",{c},{});\n",
                lang.code(),
                js_json(&rows)
            );
            (format!("search/{}/d{c}.js", lang.code()), js.into_bytes())
        })
        .collect()
}

fn doc_row(report: &SearchReport, lang: Lang) -> DocRow<'_> {
    let (text_lang, e) = report
        .entries
        .iter()
        .find(|(l, _)| *l == lang)
        .unwrap_or(&report.entries[0]);
    let t = &e.text;
    let mut text = String::with_capacity(t.summary.len() + t.body.len() + 64);
    text.push_str(&t.summary);
    if !t.metrics.is_empty() {
        text.push('\n');
        text.push_str(&t.metrics.join(" · "));
    }
    text.push('\n');
    text.push_str(&t.body);
    if let Some((cut, _)) = text.char_indices().nth(SNIPPET_TEXT_CHARS) {
        text.truncate(cut);
    }
    let date = if e.date.is_empty() {
        &report.entries[0].1.date
    } else {
        &e.date
    };
    (&e.url, &t.title, &t.zone, date, text_lang.code(), text)
}

#[cfg(test)]
mod tests;
