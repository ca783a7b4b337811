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
//! search/state.txt        what the index was made from, for the next build (see [`update`]);
//!                         search.js never loads it
//! ```
//!
//! * **Documents** are reports, numbered oldest first (date, then URL), so a new
//!   report usually takes the next number and the others keep theirs. One
//!   number covers every language version of a report. Ties in score rank the
//!   higher number (the newer report) first.
//! * **Token shards** are shared by the languages. Because a query in either
//!   language must find a report on both sites, each language's index would hold
//!   the same tokens (a report's Chinese and English text); they are written once.
//!   Tokens (see [`tokenize`]) are sorted in UTF-16 order (JavaScript's string
//!   order) and cut into shards of about [`SHARD_BYTES`]. `meta.shards[i]` is
//!   the first token of shard `i`, so a token, or the range of words a prefix
//!   matches, maps to its shard(s) by binary search (search.js looks for a
//!   prefix in at most [`MAX_PREFIX_SHARDS`] shards).
//! * **Postings** of a token are base-32 varints (see `encode::push_varint`): per
//!   document, the document number (the first absolute, the rest as
//!   differences), then for a single CJK character its score, and for any other
//!   token `score * POSITION_COUNTS + n` followed by its first `n` ≤
//!   [`MAX_POSITIONS`] positions (first absolute, rest as differences). The score sums field weights, title
//!   16 > zone, tags 8 > region 6 > summary 4 > metrics 3 > body 1, each field
//!   counting a few occurrences at most. Positions run across a report's fields
//!   and languages with gaps, so adjacency never spans two fields.
//! * **Document chunks**, per site language, hold [`DOCS_PER_CHUNK`] documents
//!   each, numbered `doc / chunk`, as rows of [`DOC_ROW_FIELDS`]: the page URL
//!   (site-root-relative), title, zone, date, the language of the text, and the
//!   text for snippets (summary, metrics, body; at most [`SNIPPET_TEXT_CHARS`]
//!   characters). A report without a
//!   version in that language is shown in its source language. A query loads the
//!   chunks of the results it shows only.
//! * `meta.build` changes with any file's content (it is the input's
//!   fingerprint, from which the files follow); search.js adds it as `?v=` to
//!   the URLs it loads over HTTP(S), against stale caches (and loads meta.js
//!   itself uncached there).
//!
//! search.js holds the constants of this format that it reads by the same
//! names (`FORMAT_VERSION`, `POSITION_COUNTS`, …); `js_contract.rs` lists
//! them and checks that both sides agree.

pub(crate) mod encode;
#[cfg(test)]
mod js_contract;
pub mod site;
pub mod tokenize;
mod update;
pub use update::STATE_PATH;

use crate::hash::{self, mix};
use crate::Lang;
use encode::{js_json, key_is_exact, push_varint, token_key, KeyBuild};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use tokenize::{Mode, TokenKind, Tokenizer};

/// Version of the file format; search.js checks it.
pub const FORMAT_VERSION: u32 = 2;
/// Documents per document chunk file.
pub const DOCS_PER_CHUNK: usize = 4;
/// A token shard is closed once it reaches this many bytes of postings.
pub const SHARD_BYTES: usize = 32_000;
/// Positions kept per token and document (for ranking adjacent matches).
pub const MAX_POSITIONS: usize = 8;
/// How many position counts a posting may have (0 to [`MAX_POSITIONS`]): a
/// posting's score and count share one number, `score * POSITION_COUNTS + count`.
pub const POSITION_COUNTS: u32 = MAX_POSITIONS as u32 + 1;
/// Most shards search.js looks in for the words a query word begins.
pub const MAX_PREFIX_SHARDS: usize = 4;
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

/// A report as the index reads it: a [`SearchReport`] that borrows its text,
/// so that indexing a site does not copy the site's text (see [`site`]).
#[derive(Hash)]
struct ReportView<'a> {
    entries: Vec<(Lang, EntryView<'a>)>,
}

/// A [`SearchEntry`] with its [`SearchText`], borrowed where the site model
/// holds the text as it is indexed; the URL, the date as text and the
/// formatted metrics are made for the index, so the site's view owns them.
#[derive(Hash)]
struct EntryView<'a> {
    url: Cow<'a, str>,
    date: Cow<'a, str>,
    title: &'a str,
    zone: &'a str,
    region: &'a str,
    tags: &'a [String],
    summary: &'a str,
    metrics: Cow<'a, [String]>,
    body: &'a str,
}

impl<'a> From<&'a SearchReport> for ReportView<'a> {
    fn from(report: &'a SearchReport) -> Self {
        let entries = report
            .entries
            .iter()
            .map(|(lang, e)| {
                let t = &e.text;
                let view = EntryView {
                    url: Cow::Borrowed(&e.url),
                    date: Cow::Borrowed(&e.date),
                    title: &t.title,
                    zone: &t.zone,
                    region: &t.region,
                    tags: &t.tags,
                    summary: &t.summary,
                    metrics: Cow::Borrowed(&t.metrics),
                    body: &t.body,
                };
                (*lang, view)
            })
            .collect();
        ReportView { entries }
    }
}

impl ReportView<'_> {
    /// An owned copy.
    fn to_report(&self) -> SearchReport {
        let entries = self
            .entries
            .iter()
            .map(|(lang, e)| {
                let text = SearchText {
                    title: e.title.to_string(),
                    zone: e.zone.to_string(),
                    region: e.region.to_string(),
                    tags: e.tags.to_vec(),
                    summary: e.summary.to_string(),
                    metrics: e.metrics.to_vec(),
                    body: e.body.to_string(),
                };
                let entry = SearchEntry {
                    url: e.url.to_string(),
                    date: e.date.to_string(),
                    text,
                };
                (*lang, entry)
            })
            .collect();
        SearchReport { entries }
    }
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

/// How the work and the output are cut up; tests make both small.
#[derive(Clone, Copy)]
struct Sizes {
    /// See [`SHARD_BYTES`].
    shard_bytes: usize,
    /// Documents indexed together (in parallel) before their postings are
    /// merged into the token tables. Only one batch of per-document token lists
    /// is held at a time, so this bounds the memory they take; a batch is
    /// large enough that the cores rarely wait for each other.
    batch_docs: usize,
}

impl Sizes {
    const DEFAULT: Sizes = Sizes {
        shard_bytes: SHARD_BYTES,
        batch_docs: 256,
    };
}

/// Builds the search files for a site in `langs`: `(path under public/, bytes)`.
pub fn build_index(reports: &[SearchReport], langs: &[Lang]) -> Vec<(String, Vec<u8>)> {
    let views: Vec<ReportView> = reports.iter().map(ReportView::from).collect();
    build_with(&views, langs, Sizes::DEFAULT, None, &as_pair)
}

/// The `emit` of [`build_with`] and [`cut_shards`] that keeps each file as it is.
fn as_pair(path: String, bytes: Vec<u8>) -> (String, Vec<u8>) {
    (path, bytes)
}

/// [`build_index`] on borrowed reports, cut up by `sizes`.
/// With `input` (see [`input_fingerprint`]), meta.js ends with its
/// [`stamp_line`] and a state file lets a later build update the index in
/// place (see [`update`]).
///
/// Each file goes to `emit` as soon as it is made (in parallel), and the
/// index keeps what `emit` returns: a build writes the file out there and
/// drops its bytes, so the index's output is never all held in memory, and
/// each file's buffer is freed for the next one.
fn build_with<T: Send>(
    reports: &[ReportView],
    langs: &[Lang],
    sizes: Sizes,
    input: Option<&Fingerprints>,
    emit: &(dyn Fn(String, Vec<u8>) -> T + Sync),
) -> Vec<T> {
    let order = doc_order(reports);
    let tables = index_tokens(reports, &order, sizes.batch_docs);
    // Without an input fingerprint, `build` hashes the files (in file order:
    // the combination is order-dependent).
    let emit_hashed = |path: String, bytes: Vec<u8>| {
        let hash = match input {
            Some(_) => 0,
            None => hash::short(&path) ^ hash::bytes(&bytes),
        };
        (hash, emit(path, bytes))
    };
    let (bounds, mut files) = cut_shards(&sorted_tokens(&tables), sizes.shard_bytes, &emit_hashed);
    drop(tables);
    for &lang in langs {
        files.par_extend(
            (0..order.len().div_ceil(DOCS_PER_CHUNK))
                .into_par_iter()
                .map(|c| {
                    let (path, bytes) = doc_chunk(reports, &order, lang, c);
                    emit_hashed(path, bytes)
                }),
        );
    }
    let build = match input {
        Some(fp) => fp.total,
        None => files.iter().fold(0u64, |a, &(h, _)| a.rotate_left(5) ^ h),
    };
    let (path, bytes) = meta_file(build, bounds, order.len(), langs, input);
    let mut out = Vec::with_capacity(files.len() + 2);
    out.push(emit(path, bytes));
    out.extend(files.into_iter().map(|(_, file)| file));
    if let Some(fp) = input {
        let (path, bytes) = update::state_file(reports, &order, langs, sizes, fp);
        out.push(emit(path, bytes));
    }
    out
}

/// meta.js: `build` identifies the index's content (for cache busting).
fn meta_file(
    build: u64,
    bounds: Vec<String>,
    docs: usize,
    langs: &[Lang],
    input: Option<&Fingerprints>,
) -> (String, Vec<u8>) {
    let meta = Meta {
        v: FORMAT_VERSION,
        build: format!("{build:016x}"),
        docs,
        chunk: DOCS_PER_CHUNK,
        langs: langs.iter().map(|l| l.code()).collect(),
        shards: bounds,
    };
    let mut meta_js = format!("__briefingSearch.meta({});\n", js_json(&meta));
    if let Some(fp) = input {
        meta_js.push_str(&stamp_line(fp.total, meta.shards.len()));
    }
    (META_PATH.to_string(), meta_js.into_bytes())
}

/// Where the index's meta file is, below the output folder.
pub const META_PATH: &str = "search/meta.js";

/// What an index is made from, as fingerprints.
struct Fingerprints {
    /// The code of this binary, the languages and every report's
    /// searchable text: an index from the same input comes out byte for
    /// byte the same.
    total: u64,
    /// Each report's searchable text, by position in the site's reports.
    each: Vec<u64>,
}

/// The [`Fingerprints`] of an index's input.
fn input_fingerprint(reports: &[ReportView], langs: &[Lang]) -> Fingerprints {
    use crate::hash::fingerprint::Fingerprinter;
    use std::hash::{Hash, Hasher};
    // Each report on its own and in parallel, so no buffer holds the whole
    // site's text.
    let each: Vec<u64> = reports
        .par_iter()
        .map(|report| {
            let mut hasher = Fingerprinter::new();
            report.hash(&mut hasher);
            hasher.finish()
        })
        .collect();
    let mut hasher = Fingerprinter::new();
    env!("BRIEFING_SOURCE_HASH").hash(&mut hasher);
    (langs, &each).hash(&mut hasher);
    Fingerprints {
        total: hasher.finish(),
        each,
    }
}

/// The line a build's meta.js ends with: the input fingerprint and the
/// number of token shards, so a later build knows the index and its files
/// without reading them.
fn stamp_line(fingerprint: u64, shards: usize) -> String {
    format!("// briefing {fingerprint:016x} {shards}\n")
}

/// The input fingerprint and number of shards an index's meta.js was
/// stamped with.
fn stamp_of(meta_js: &str) -> Option<(u64, usize)> {
    let line = meta_js.strip_suffix('\n')?.rsplit('\n').next()?;
    let (fingerprint, shards) = line.strip_prefix("// briefing ")?.split_once(' ')?;
    Some((
        u64::from_str_radix(fingerprint, 16).ok()?,
        shards.parse().ok()?,
    ))
}

/// Where token shard `i` is, below the output folder.
pub(super) fn shard_path(i: usize) -> String {
    format!("search/t/{i}.js")
}

/// Where `lang`'s document chunk `c` is, below the output folder.
fn chunk_path(lang: Lang, c: usize) -> String {
    format!("search/{}/d{c}.js", lang.code())
}

/// The paths of an index's files: meta.js, the state file, the token
/// shards and each language's document chunks.
fn index_paths(shards: usize, docs: usize, langs: &[Lang]) -> Vec<String> {
    let mut paths = vec![META_PATH.to_string(), update::STATE_PATH.to_string()];
    paths.extend((0..shards).map(shard_path));
    for lang in langs {
        let chunks = docs.div_ceil(DOCS_PER_CHUNK);
        paths.extend((0..chunks).map(|c| chunk_path(*lang, c)));
    }
    paths
}

#[derive(Serialize)]
struct Meta {
    v: u32,
    build: String,
    docs: usize,
    chunk: usize,
    langs: Vec<&'static str>,
    shards: Vec<String>,
}

/// Whether a report is a document of the index: it has a language version.
fn is_doc(report: &ReportView) -> bool {
    !report.entries.is_empty()
}

/// Report indices in document order: oldest first, then by URL, so that a
/// new report (usually the newest) comes last and the numbers of the others
/// stay as they were (see [`update`]).
fn doc_order(reports: &[ReportView]) -> Vec<usize> {
    fn key<'a>(r: &'a ReportView) -> (&'a str, &'a str) {
        r.entries
            .first()
            .map(|(_, e)| (e.date.as_ref(), e.url.as_ref()))
            .unwrap_or(("", ""))
    }
    let mut order: Vec<usize> = (0..reports.len())
        .filter(|&i| is_doc(&reports[i]))
        .collect();
    order.sort_by(|&a, &b| {
        let (da, ua) = key(&reports[a]);
        let (db, ub) = key(&reports[b]);
        da.cmp(db).then(ua.cmp(ub))
    });
    order
}

/// Indexes the documents (document `d` is `reports[order[d]]`) into one token
/// table per partition.
///
/// The documents are indexed in parallel a batch at a time, and each batch is
/// merged into the tables (in parallel by partition) before the next is
/// indexed, so only one batch of per-document token lists is held at once.
/// Every table takes the documents in order, so its postings do not depend on
/// the number of threads or the scheduling.
fn index_tokens(reports: &[ReportView], order: &[usize], batch_docs: usize) -> Vec<TokenTable> {
    let mut tables: Vec<TokenTable> = (0..PARTS).map(|_| TokenTable::default()).collect();
    // One batch's token lists, filled again for each batch: their buffers are
    // reused rather than allocated and freed for every document.
    let mut docs: Vec<DocTokens> = Vec::new();
    for (batch, first) in order.chunks(batch_docs).zip((0..).step_by(batch_docs)) {
        docs.resize_with(batch.len(), DocTokens::default);
        docs.par_iter_mut()
            .zip(batch)
            .for_each(|(doc, &r)| INDEXER.with(|ix| ix.borrow_mut().index_into(&reports[r], doc)));
        tables
            .par_iter_mut()
            .enumerate()
            .for_each(|(part, table)| table.append(part, &docs, first));
    }
    tables
}

/// Looks a token up in `slots` (token numbers by [`token_key`]): `Ok(number)`,
/// or `Err(key)`, the free key to insert it under. A token of up to 7 bytes
/// is its key; a longer one is keyed by its hash, so `is_token(number)` tells
/// whether the token found is this one, and after another token with the
/// same hash the next key value is tried.
fn find(
    slots: &HashMap<u64, u32, KeyBuild>,
    key: u64,
    is_token: impl Fn(u32) -> bool,
) -> Result<u32, u64> {
    let mut probe = key;
    loop {
        match slots.get(&probe) {
            None => return Err(probe),
            Some(&i) if key_is_exact(key) || is_token(i) => return Ok(i),
            Some(_) => probe = probe.wrapping_add(1),
        }
    }
}

/// The tokens of one partition and their postings, documents in order.
#[derive(Default)]
struct TokenTable {
    /// The tokens' text, one after another.
    text: String,
    /// Index in `tokens` by key (see [`find`]).
    slots: HashMap<u64, u32, KeyBuild>,
    tokens: Vec<TokenPostings>,
}

struct TokenPostings {
    /// Where the token is in [`TokenTable::text`].
    start: u32,
    len: u8,
    /// The document last added: the next one is written as a difference.
    last_doc: u32,
    postings: Vec<u8>,
}

impl TokenTable {
    /// Appends the postings of partition `part` of `docs`, which are the
    /// documents numbered from `first` on.
    fn append(&mut self, part: usize, docs: &[DocTokens], first: u32) {
        for (doc, d) in docs.iter().zip(first..) {
            for t in doc.part(part) {
                let token = doc.token(t);
                let i = match find(&self.slots, t.key, |i| self.token(i) == token) {
                    Ok(i) => i as usize,
                    Err(free) => {
                        self.slots.insert(free, self.tokens.len() as u32);
                        self.tokens.push(TokenPostings {
                            start: self.text.len() as u32,
                            len: t.len,
                            last_doc: 0,
                            postings: Vec::new(),
                        });
                        self.text.push_str(token);
                        self.tokens.len() - 1
                    }
                };
                let entry = &mut self.tokens[i];
                let delta = if entry.postings.is_empty() {
                    d
                } else {
                    d - entry.last_doc
                };
                push_varint(&mut entry.postings, delta);
                entry.last_doc = d;
                entry.postings.extend_from_slice(doc.posting(t));
            }
        }
    }

    fn token(&self, i: u32) -> &str {
        let t = &self.tokens[i as usize];
        &self.text[t.start as usize..t.start as usize + t.len as usize]
    }

    /// Every token with its postings.
    fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        (0..self.tokens.len() as u32)
            .map(|i| (self.token(i), &self.tokens[i as usize].postings[..]))
    }
}

thread_local! {
    /// Each thread's indexer, kept between documents and builds: allocating its
    /// tables again for every piece of the parallel work costs more than using them.
    static INDEXER: RefCell<Indexer> = RefCell::new(Indexer::default());
}

/// Indexes documents one at a time; per-thread scratch space.
#[derive(Default)]
struct Indexer {
    tk: Tokenizer,
    doc: DocScratch,
}

impl Indexer {
    fn index(&mut self, report: &ReportView) -> DocTokens {
        let mut out = DocTokens::default();
        self.index_into(report, &mut out);
        out
    }

    /// [`Self::index`] into `out`, whose buffers it reuses.
    fn index_into(&mut self, report: &ReportView, out: &mut DocTokens) {
        let Indexer { tk, doc } = self;
        let (mut base, mut field_id) = (0u32, 0u32);
        for (_, entry) in &report.entries {
            for (field, items) in fields(entry) {
                field_id += 1;
                for text in items {
                    let used = tk.run(text, Mode::Index, |t, p, kind| {
                        doc.add(t, base + p, kind, field, field_id);
                    });
                    base += used + FIELD_GAP;
                }
            }
        }
        doc.finish(out);
    }
}

/// A language version's fields in index order, each with its text items.
fn fields<'a>(e: &'a EntryView) -> [(Field, Vec<&'a str>); 7] {
    [
        (TITLE, vec![e.title]),
        (ZONE, vec![e.zone]),
        (TAGS, e.tags.iter().map(String::as_str).collect()),
        (REGION, vec![e.region]),
        (SUMMARY, vec![e.summary]),
        (METRICS, e.metrics.iter().map(String::as_str).collect()),
        (BODY, vec![e.body]),
    ]
}

/// The distinct tokens of the document being indexed, with their scores
/// and positions so far.
struct DocScratch {
    text: String,
    toks: Vec<Tok>,
    /// Index in `toks` by key (see [`find`]), for all but the characters in `chars`.
    seen: HashMap<u64, u32, KeyBuild>,
    /// Index in `toks` of each single CJK character of the Basic Multilingual Plane,
    /// or `u32::MAX`: a direct table, as single characters are a third of all tokens.
    chars: Vec<u32>,
}

impl Default for DocScratch {
    fn default() -> DocScratch {
        DocScratch {
            text: String::new(),
            toks: Vec::new(),
            seen: HashMap::default(),
            chars: vec![u32::MAX; 0x10000],
        }
    }
}

/// One token of the document being indexed.
#[derive(Clone, Copy)]
struct Tok {
    /// [`token_key`] of the token.
    key: u64,
    /// Where the token is in [`DocScratch::text`].
    start: u32,
    len: u8,
    char: bool,
    part: u8,
    score: u16,
    /// The field instance counted last, and how often.
    field: u32,
    tf: u8,
    npos: u8,
    /// The first positions (positions past `u16::MAX` are not kept).
    pos: [u16; MAX_POSITIONS],
}

impl DocScratch {
    fn add(&mut self, text: &str, pos: u32, kind: TokenKind, field: Field, field_id: u32) {
        let bmp_char = if kind == TokenKind::CjkChar && text.len() == 3 {
            text.chars().next().map(|c| c as usize)
        } else {
            None
        };
        let i = match bmp_char {
            Some(c) if self.chars[c] != u32::MAX => self.chars[c] as usize,
            Some(c) => {
                self.chars[c] = self.toks.len() as u32;
                self.push(token_key(text), text, true)
            }
            None => {
                let key = token_key(text);
                match find(&self.seen, key, |i| {
                    self.token(&self.toks[i as usize]) == text
                }) {
                    Ok(i) => i as usize,
                    Err(free) => {
                        self.seen.insert(free, self.toks.len() as u32);
                        self.push(key, text, kind == TokenKind::CjkChar)
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

    fn push(&mut self, key: u64, text: &str, char: bool) -> usize {
        let len = text.len().min(255) as u8; // words have at most 40 letters
        self.toks.push(Tok {
            key,
            start: self.text.len() as u32,
            len,
            char,
            part: part_of(key) as u8,
            score: 0,
            field: 0,
            tf: 0,
            npos: 0,
            pos: [0; MAX_POSITIONS],
        });
        self.text.push_str(&text[..len as usize]);
        self.toks.len() - 1
    }

    fn token(&self, t: &Tok) -> &str {
        &self.text[t.start as usize..t.start as usize + t.len as usize]
    }

    /// The document's tokens with their postings into `out`, grouped by
    /// partition (a counting sort); leaves the scratch space empty for the
    /// next document.
    fn finish(&mut self, out: &mut DocTokens) {
        let mut starts = [0u32; PARTS + 1];
        for t in &self.toks {
            starts[t.part as usize + 1] += 1;
        }
        for p in 0..PARTS {
            starts[p + 1] += starts[p];
        }
        out.parts = starts;
        out.toks.clear();
        out.toks.resize(self.toks.len(), DocTok::default());
        out.postings.clear();
        for t in &self.toks {
            let at = out.postings.len();
            push_posting(&mut out.postings, t);
            let slot = &mut starts[t.part as usize];
            out.toks[*slot as usize] = DocTok {
                key: t.key,
                start: t.start,
                len: t.len,
                posting: at as u32,
                posting_len: (out.postings.len() - at) as u8,
            };
            *slot += 1;
            if t.char && t.len == 3 {
                let c = self.token(t).chars().next().map_or(0, |c| c as usize);
                self.chars[c] = u32::MAX;
            }
        }
        // The text goes to the document, which gives its old buffer back.
        std::mem::swap(&mut self.text, &mut out.text);
        self.text.clear();
        self.toks.clear();
        self.seen.clear();
    }
}

fn part_of(key: u64) -> usize {
    (mix(key) >> 60) as usize % PARTS
}

/// A token's posting in a document without the document number: for a
/// single CJK character its score, for others `score * POSITION_COUNTS + n`
/// and `n` positions.
fn push_posting(out: &mut Vec<u8>, t: &Tok) {
    let score = t.score.min(255) as u32;
    if t.char {
        push_varint(out, score);
        return;
    }
    push_varint(out, score * POSITION_COUNTS + t.npos as u32);
    let mut prev = 0;
    for &p in &t.pos[..t.npos as usize] {
        push_varint(out, (p - prev) as u32);
        prev = p;
    }
}

/// The distinct tokens of one indexed document and their postings, grouped
/// by partition: what the token tables take of it.
#[derive(Default)]
struct DocTokens {
    text: String,
    /// The tokens' postings (see [`push_posting`]), one after another.
    postings: Vec<u8>,
    toks: Vec<DocTok>,
    /// `toks[parts[p]..parts[p + 1]]` are the tokens of partition `p`.
    parts: [u32; PARTS + 1],
}

/// A token of a [`DocTokens`].
#[derive(Clone, Copy, Default)]
struct DocTok {
    key: u64,
    /// Where the token is in [`DocTokens::text`].
    start: u32,
    len: u8,
    /// Where its posting is in [`DocTokens::postings`].
    posting: u32,
    /// At most 35 bytes: a score and eight positions below 2^16.
    posting_len: u8,
}

impl DocTokens {
    fn part(&self, p: usize) -> &[DocTok] {
        &self.toks[self.parts[p] as usize..self.parts[p + 1] as usize]
    }

    fn token(&self, t: &DocTok) -> &str {
        &self.text[t.start as usize..t.start as usize + t.len as usize]
    }

    fn posting(&self, t: &DocTok) -> &[u8] {
        &self.postings[t.posting as usize..t.posting as usize + t.posting_len as usize]
    }
}

/// The tokens of all tables with their postings, in JavaScript string order.
fn sorted_tokens(tables: &[TokenTable]) -> Vec<(&str, &[u8])> {
    let mut tokens: Vec<(&str, &[u8])> = tables.iter().flat_map(TokenTable::iter).collect();
    // UTF-8 byte order is UTF-16 order unless a token has a character at or above U+E000.
    if tokens
        .iter()
        .any(|(t, _)| t.chars().any(|c| c >= '\u{E000}'))
    {
        tokens.par_sort_unstable_by(|a, b| js_order(a.0, b.0));
    } else {
        tokens.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    tokens
}

/// JavaScript's string order (by UTF-16 code units).
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Writes tokens in [`js_order`] with their postings into shard files
/// (`__briefingSearch.shard(i,{"tok":"…",…});`), a shard closed once its
/// object body reaches `shard_bytes`; returns the first token of each shard
/// and what `emit` made of the files.
///
/// The shards are cut before they are written, so each file is allocated
/// once at its final size, and written in parallel.
fn cut_shards<T: Send>(
    tokens: &[(&str, &[u8])],
    shard_bytes: usize,
    emit: &(dyn Fn(String, Vec<u8>) -> T + Sync),
) -> (Vec<String>, Vec<T>) {
    // Each shard's first entry (`"token":"postings"`) and the length of its object body.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (i, (token, postings)) in tokens.iter().enumerate() {
        let len = 1 + shard_key(token).len() + 3 + postings.len() + 1;
        match cuts.last_mut() {
            Some((_, body)) if *body < shard_bytes => *body += 1 + len,
            _ => cuts.push((i, len)),
        }
    }
    let bounds = cuts.iter().map(|&(i, _)| tokens[i].0.to_string()).collect();
    let files = cuts
        .par_iter()
        .enumerate()
        .map(|(s, &(first, body))| {
            let last = cuts.get(s + 1).map_or(tokens.len(), |&(next, _)| next);
            let head = format!("__briefingSearch.shard({s},{{");
            const TAIL: &[u8] = b"});\n";
            let mut js = Vec::with_capacity(head.len() + body + TAIL.len());
            js.extend_from_slice(head.as_bytes());
            for (k, (token, postings)) in tokens[first..last].iter().enumerate() {
                if k > 0 {
                    js.push(b',');
                }
                js.push(b'"');
                js.extend_from_slice(shard_key(token).as_bytes());
                js.extend_from_slice(b"\":\"");
                js.extend_from_slice(postings);
                js.push(b'"');
            }
            js.extend_from_slice(TAIL);
            debug_assert_eq!(js.len(), js.capacity(), "shard {s} is sized exactly");
            emit(shard_path(s), js)
        })
        .collect();
    (bounds, files)
}

/// A token as the text of a JSON string. Tokens hold only letters, digits, `.` and CJK
/// characters, which JSON takes as they are; anything else is escaped anyway.
fn shard_key(token: &str) -> Cow<'_, str> {
    if token.chars().all(|c| c.is_alphanumeric() || c == '.') {
        Cow::Borrowed(token)
    } else {
        let json = js_json(token);
        Cow::Owned(json[1..json.len() - 1].to_string())
    }
}

/// One document-chunk row: url, title, zone, date, text language, snippet text.
type DocRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'static str, String);

/// The names search.js gives the fields of a [`DocRow`], in order.
pub const DOC_ROW_FIELDS: [&str; 6] = ["url", "title", "zone", "date", "textLang", "text"];

/// Document chunk `c` of the site in `lang`.
fn doc_chunk(reports: &[ReportView], order: &[usize], lang: Lang, c: usize) -> (String, Vec<u8>) {
    let docs = &order[c * DOCS_PER_CHUNK..order.len().min((c + 1) * DOCS_PER_CHUNK)];
    let rows: Vec<DocRow> = docs.iter().map(|&r| doc_row(&reports[r], lang)).collect();
    let js = format!(
        "__briefingSearch.docs(\"{}\",{c},{});\n",
        lang.code(),
        js_json(&rows)
    );
    (chunk_path(lang, c), js.into_bytes())
}

fn doc_row<'a>(report: &'a ReportView, lang: Lang) -> DocRow<'a> {
    let (text_lang, e) = report
        .entries
        .iter()
        .find(|(l, _)| *l == lang)
        .unwrap_or(&report.entries[0]);
    let mut text = String::with_capacity(e.summary.len() + e.body.len() + 64);
    text.push_str(e.summary);
    if !e.metrics.is_empty() {
        text.push('\n');
        text.push_str(&e.metrics.join(" · "));
    }
    text.push('\n');
    text.push_str(e.body);
    // A text of at most SNIPPET_TEXT_CHARS bytes has at most that many characters.
    if text.len() > SNIPPET_TEXT_CHARS {
        if let Some((cut, _)) = text.char_indices().nth(SNIPPET_TEXT_CHARS) {
            text.truncate(cut);
        }
    }
    let date = if e.date.is_empty() {
        &report.entries[0].1.date
    } else {
        &e.date
    };
    (&e.url, e.title, e.zone, date, text_lang.code(), text)
}

#[cfg(test)]
mod tests;
