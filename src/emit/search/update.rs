//! Updating an index in place when a few reports changed.
//!
//! A full index takes every report's text through the tokenizer, which is
//! most of its time. When the output folder holds an index made by the same
//! binary for the same languages, only the reports that are new or whose
//! searchable text changed are indexed: the old token shards are read back,
//! the postings of documents that changed or are gone are taken out of each
//! token, the others renumbered (documents are numbered newest first, so a
//! new report moves the ones after it), the new postings put in, and the
//! shards cut again. The files come out byte for byte as a full build would
//! write them.
//!
//! `search/state.txt` (written with every index) says what the index was
//! made from: a header (format, binary, languages, shard size) and, per
//! document in order, the fingerprint of its searchable text and its URL.

use super::encode::{push_varint, read_varint};
use super::tokenize::is_cjk;
use super::{
    as_pair, chunk_path, cut_shards, doc_chunk, doc_order, js_order, meta_file, shard_path,
    DocTokens, Fingerprints, ReportView, Sizes, DOCS_PER_CHUNK, FORMAT_VERSION, INDEXER,
    POSITION_COUNTS,
};
use crate::Lang;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// Where the state file is, below the output folder.
pub const STATE_PATH: &str = "search/state.txt";

/// An updated index's files: path and bytes, None for a file that stays as
/// it is.
pub(super) type Files = Vec<(String, Option<Vec<u8>>)>;

/// Old document numbers to new, and new to old (None: no match).
type Matching = (Vec<Option<u32>>, Vec<Option<u32>>);

/// A shard's tokens with their postings, spliced.
type Spliced<'a> = Vec<(&'a str, Cow<'a, [u8]>)>;

/// Past this share of new or changed documents, a full build is as quick.
const MAX_CHANGED_PER_DOC: usize = 4;

fn header(langs: &[Lang], sizes: Sizes) -> String {
    let langs: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    format!(
        "briefing-search-state {FORMAT_VERSION} {} {} {}",
        env!("BRIEFING_SOURCE_HASH"),
        langs.join(","),
        sizes.shard_bytes
    )
}

/// The state file of an index of `reports` in document `order`.
pub(super) fn state_file(
    reports: &[ReportView],
    order: &[usize],
    langs: &[Lang],
    sizes: Sizes,
    fp: &Fingerprints,
) -> (String, Vec<u8>) {
    let mut out = header(langs, sizes);
    out.push('\n');
    for &r in order {
        let _ = writeln!(out, "{:016x} {}", fp.each[r], reports[r].entries[0].1.url);
    }
    (STATE_PATH.to_string(), out.into_bytes())
}

/// The index's files after updating the one in the output folder (`read`
/// gives a file there, by path below it, and `exists` tells whether it is
/// there; `shards` is the number of token shards its meta.js was stamped
/// with); a file that stays as it is comes with None. None when the index
/// cannot be updated in place: then it is built whole. Also gives the
/// number of reports indexed.
pub(super) fn update(
    reports: &[ReportView],
    langs: &[Lang],
    sizes: Sizes,
    fp: &Fingerprints,
    shards: usize,
    read: &(dyn Fn(&str) -> Option<String> + Sync),
    exists: &(dyn Fn(&str) -> bool + Sync),
) -> Option<(Files, usize)> {
    let order = doc_order(reports);
    let (old_to_new, new_to_old) = matching(reports, &order, langs, sizes, fp, &read(STATE_PATH)?)?;
    let texts: Vec<String> = (0..shards)
        .into_par_iter()
        .map(|i| read(&shard_path(i)))
        .collect::<Option<_>>()?;
    let old: Vec<Vec<(Cow<str>, &str)>> = texts
        .par_iter()
        .enumerate()
        .map(|(i, text)| parse_shard(text, i))
        .collect::<Option<_>>()?;

    let numbers: Vec<u32> = (0..order.len() as u32)
        .filter(|&d| new_to_old[d as usize].is_none())
        .collect();
    let indexed: Vec<DocTokens> = numbers
        .par_iter()
        .map(|&d| INDEXER.with(|ix| ix.borrow_mut().index(&reports[order[d as usize]])))
        .collect();
    let fresh = fresh_postings(&indexed, &numbers);
    let (spliced, known) = splice_shards(&old, &fresh, &old_to_new)?;
    let added = added_tokens(&fresh, &known)?;
    // Both lists are in JavaScript string order: merge them, checking it.
    let kept = spliced.iter().flatten().map(|(t, p)| (*t, p.as_ref()));
    let new = added.iter().map(|(t, p)| (*t, p.as_slice()));
    let tokens = merge(kept, new)?;
    let (bounds, shard_files) = cut_shards(&tokens, sizes.shard_bytes, &as_pair);

    let meta = meta_file(fp.total, bounds, order.len(), langs, Some(fp));
    let mut files = vec![(meta.0, Some(meta.1))];
    // A shard the same as before is kept (it is in memory to compare).
    files.extend(
        shard_files
            .into_iter()
            .enumerate()
            .map(|(i, (path, bytes))| {
                let same = texts.get(i).is_some_and(|old| old.as_bytes() == bytes);
                (path, (!same).then_some(bytes))
            }),
    );
    files.par_extend(doc_chunks(
        reports,
        &order,
        langs,
        &new_to_old,
        old_to_new.len(),
    ));
    // A file kept must still be there (someone may have deleted it).
    if !files
        .par_iter()
        .all(|(path, bytes)| bytes.is_some() || exists(path))
    {
        return None;
    }
    let (path, bytes) = state_file(reports, &order, langs, sizes, fp);
    files.push((path, Some(bytes)));
    Some((files, numbers.len()))
}

/// The new and changed documents' postings by token: token -> (document
/// number, posting), documents in ascending order.
fn fresh_postings<'a>(
    indexed: &'a [DocTokens],
    numbers: &[u32],
) -> HashMap<&'a str, Vec<(u32, &'a [u8])>> {
    let mut fresh: HashMap<&str, Vec<(u32, &[u8])>> = HashMap::new();
    for (doc, &d) in indexed.iter().zip(numbers) {
        for t in &doc.toks {
            fresh
                .entry(doc.token(t))
                .or_default()
                .push((d, doc.posting(t)));
        }
    }
    fresh
}

/// The old tokens with their postings spliced (dropped when none are
/// left), shard by shard, and the fresh tokens the old index already had.
fn splice_shards<'a>(
    old: &'a [Vec<(Cow<'a, str>, &'a str)>],
    fresh: &HashMap<&'a str, Vec<(u32, &'a [u8])>>,
    old_to_new: &[Option<u32>],
) -> Option<(Vec<Spliced<'a>>, HashSet<&'a str>)> {
    let spliced: Vec<(Spliced, Vec<&str>)> = old
        .par_iter()
        .map(|shard| splice_shard(shard, fresh, old_to_new))
        .collect::<Option<_>>()?;
    let known = spliced
        .iter()
        .flat_map(|(_, k)| k.iter().copied())
        .collect();
    Some((spliced.into_iter().map(|(s, _)| s).collect(), known))
}

/// The fresh tokens the old index did not have, with their postings, in
/// JavaScript string order.
fn added_tokens<'a>(
    fresh: &HashMap<&'a str, Vec<(u32, &'a [u8])>>,
    known: &HashSet<&str>,
) -> Option<Vec<(&'a str, Vec<u8>)>> {
    let mut added: Vec<(&str, Vec<u8>)> = fresh
        .iter()
        .filter(|(t, _)| !known.contains(*t))
        .map(|(t, entries)| Some((*t, encode(entries.iter().copied())?)))
        .collect::<Option<_>>()?;
    added.sort_unstable_by(|a, b| js_order(a.0, b.0));
    Some(added)
}

/// One old shard's tokens with their postings spliced, and the fresh tokens
/// it already had.
fn splice_shard<'a>(
    shard: &'a [(Cow<'a, str>, &'a str)],
    fresh: &HashMap<&'a str, Vec<(u32, &'a [u8])>>,
    old_to_new: &[Option<u32>],
) -> Option<(Spliced<'a>, Vec<&'a str>)> {
    let (mut out, mut known) = (Vec::with_capacity(shard.len()), Vec::new());
    for (token, postings) in shard {
        let new = match fresh.get(token.as_ref()) {
            Some(entries) => {
                known.push(token.as_ref());
                entries.as_slice()
            }
            None => &[],
        };
        if let Some(p) = splice(token, postings.as_bytes(), old_to_new, new)? {
            out.push((token.as_ref(), p));
        }
    }
    Some((out, known))
}

/// The document chunks of every language; a chunk that holds the same
/// documents as before (of the `old_docs` the old index had) comes with
/// None.
fn doc_chunks<'a>(
    reports: &'a [ReportView],
    order: &'a [usize],
    langs: &'a [Lang],
    new_to_old: &'a [Option<u32>],
    old_docs: usize,
) -> impl ParallelIterator<Item = (String, Option<Vec<u8>>)> + 'a {
    let chunks = order.len().div_ceil(DOCS_PER_CHUNK);
    langs.par_iter().flat_map(move |&lang| {
        (0..chunks).into_par_iter().map(move |c| {
            let end = (c + 1) * DOCS_PER_CHUNK;
            let docs = c * DOCS_PER_CHUNK..order.len().min(end);
            let same = old_docs.min(end) == docs.end
                && docs.clone().all(|d| new_to_old[d] == Some(d as u32));
            if same {
                (chunk_path(lang, c), None)
            } else {
                let (path, bytes) = doc_chunk(reports, order, lang, c);
                (path, Some(bytes))
            }
        })
    })
}

/// The documents of the index whose state file is `state` matched with
/// today's: old number to new, and new to old, for each document whose
/// searchable text is unchanged. None when the index was made by other
/// rules, or when too many documents are new or changed.
fn matching(
    reports: &[ReportView],
    order: &[usize],
    langs: &[Lang],
    sizes: Sizes,
    fp: &Fingerprints,
    state: &str,
) -> Option<Matching> {
    let mut lines = state.lines();
    if lines.next()? != header(langs, sizes) {
        return None;
    }
    let mut old: HashMap<&str, (u32, u64)> = HashMap::new();
    for (d, line) in lines.enumerate() {
        let (hash, url) = line.split_once(' ')?;
        old.insert(url, (d as u32, u64::from_str_radix(hash, 16).ok()?));
    }
    let mut old_to_new = vec![None; old.len()];
    let mut new_to_old = vec![None; order.len()];
    for (d, &r) in order.iter().enumerate() {
        let url: &str = &reports[r].entries[0].1.url;
        if let Some(&(o, hash)) = old.get(url) {
            if hash == fp.each[r] {
                *old_to_new.get_mut(o as usize)? = Some(d as u32);
                new_to_old[d] = Some(o);
            }
        }
    }
    let fresh = new_to_old.iter().filter(|m| m.is_none()).count();
    let gone = old_to_new.iter().filter(|m| m.is_none()).count();
    let few = fresh + gone > 0 && fresh * MAX_CHANGED_PER_DOC <= order.len();
    few.then_some((old_to_new, new_to_old))
}

/// The tokens and postings of shard `i`, as [`cut_shards`] writes them.
fn parse_shard(text: &str, i: usize) -> Option<Vec<(Cow<'_, str>, &str)>> {
    let mut rest = text
        .strip_prefix(&format!("__briefingSearch.shard({i},{{"))?
        .strip_suffix("});\n")?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        // The token: a JSON string, which may hold escapes.
        if !rest.starts_with('"') {
            return None;
        }
        let bytes = rest.as_bytes();
        let mut end = 1;
        while *bytes.get(end)? != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let literal = rest.get(..end + 1)?;
        let token = match literal[1..end].contains('\\') {
            false => Cow::Borrowed(&literal[1..end]),
            true => Cow::Owned(serde_json::from_str(literal).ok()?),
        };
        // Its postings: varint digits, which need no escapes.
        rest = rest[end + 1..].strip_prefix(":\"")?;
        let (postings, tail) = rest.split_once('"')?;
        out.push((token, postings));
        rest = match tail.strip_prefix(',') {
            Some(next) => next,
            None if tail.is_empty() => tail,
            None => return None,
        };
    }
    Some(out)
}

/// `postings` of `token` with each entry's document renumbered by
/// `old_to_new` (dropped where that has none) and `new` entries (document,
/// posting without the document) put in, in document order; Some(None)
/// when no entry is left, None when the postings cannot be read.
fn splice<'p>(
    token: &str,
    postings: &'p [u8],
    old_to_new: &[Option<u32>],
    new: &[(u32, &[u8])],
) -> Option<Option<Cow<'p, [u8]>>> {
    let mut chars = token.chars();
    let single_cjk = matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c));
    // Each entry: its new document number (None: dropped) and the bytes of
    // its posting.
    let mut entries = Vec::new();
    let (mut at, mut doc) = (0, None);
    let mut same = new.is_empty();
    while at < postings.len() {
        let delta = read_varint(postings, &mut at)?;
        let d = match doc {
            None => delta,
            Some(prev) => u32::checked_add(prev, delta)?,
        };
        doc = Some(d);
        let start = at;
        let head = read_varint(postings, &mut at)?;
        if !single_cjk {
            for _ in 0..head % POSITION_COUNTS {
                read_varint(postings, &mut at)?;
            }
        }
        let renumbered = *old_to_new.get(d as usize)?;
        same &= renumbered == Some(d);
        entries.push((renumbered, &postings[start..at]));
    }
    if same {
        return Some(Some(Cow::Borrowed(postings)));
    }
    // Renumbering keeps the order: unchanged documents keep their dates and URLs.
    let mut kept = entries
        .into_iter()
        .filter_map(|(d, p)| Some((d?, p)))
        .peekable();
    let mut new = new.iter().copied().peekable();
    let merged = std::iter::from_fn(|| match (kept.peek(), new.peek()) {
        (Some(k), Some(n)) if k.0 < n.0 => kept.next(),
        (Some(_), None) => kept.next(),
        (_, Some(_)) => new.next(),
        (None, None) => None,
    });
    let out = encode(merged)?;
    Some((!out.is_empty()).then_some(Cow::Owned(out)))
}

/// Postings from entries in document order (see [`super::TokenTable::append`]);
/// None if they are not in order.
fn encode<'a>(entries: impl Iterator<Item = (u32, &'a [u8])>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut last = None;
    for (d, posting) in entries {
        let delta = match last {
            None => d,
            Some(l) if d > l => d - l,
            Some(_) => return None,
        };
        push_varint(&mut out, delta);
        out.extend_from_slice(posting);
        last = Some(d);
    }
    Some(out)
}

/// Two token lists in JavaScript string order merged into one; None if
/// either is out of order or a token is in both.
fn merge<'a>(
    a: impl Iterator<Item = (&'a str, &'a [u8])>,
    b: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> Option<Vec<(&'a str, &'a [u8])>> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let mut out: Vec<(&str, &[u8])> = Vec::new();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if js_order(x.0, y.0).is_lt() => a.next(),
            (Some(_), None) => a.next(),
            (_, Some(_)) => b.next(),
            (None, None) => return Some(out),
        }?;
        if out
            .last()
            .is_some_and(|last| !js_order(last.0, next.0).is_lt())
        {
            return None;
        }
        out.push(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_that_are_not_ours_are_refused_without_panicking() {
        let good = "__briefingSearch.shard(3,{\"a\":\"1\",\"\\u003cb\":\"w2\",\"园\":\"5\"});\n";
        let parsed = parse_shard(good, 3).unwrap();
        let tokens: Vec<&str> = parsed.iter().map(|(t, _)| t.as_ref()).collect();
        assert_eq!(tokens, ["a", "<b", "园"]);
        for bad in [
            "__briefingSearch.shard(3,{é\":\"1\"});\n",
            "__briefingSearch.shard(3,{\"a\":\"1\"});\n"
                .replace('3', "4")
                .as_str(),
            "__briefingSearch.shard(3,{\"a\\é\":1});\n",
            "__briefingSearch.shard(3,{\"a\":\"1\"x});\n",
            "__briefingSearch.shard(3,{\"a",
            "",
        ] {
            assert!(parse_shard(bad, 3).is_none(), "{bad}");
        }
        // Postings that are not varints, or documents out of order.
        assert!(splice("a", b"!", &[Some(0)], &[]).is_none());
        assert!(splice("a", b"12", &[Some(0), Some(1)], &[]).is_none());
        // Document 1 (score 1, no positions) becomes document 5.
        assert_eq!(
            splice("a", b"19", &[None, Some(5)], &[]),
            Some(Some(Cow::Owned(b"59".to_vec())))
        );
    }
}
