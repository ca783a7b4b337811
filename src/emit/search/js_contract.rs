//! The constants that `themes/default/static/search.js` shares with the index
//! writer and the tokenizer. search.js holds each under the same name,
//! between its `Shared with Rust: begin` and `end` lines; the test here reads
//! them from its text and checks that the two lists agree, name for name and
//! value for value. A new shared constant goes into both lists.

use super::encode::{VARINT_LAST, VARINT_MORE};
use super::tokenize::{
    CJK_RANGES, FULL_WIDTH_OFFSET, FULL_WIDTH_RANGES, GROUP_DIGITS, LETTER_RANGES, MAX_WORD,
    MIN_PREFIX,
};
use super::{DOC_ROW_FIELDS, FORMAT_VERSION, MAX_PREFIX_SHARDS, POSITION_COUNTS};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SEARCH_JS: &str = include_str!("../../../themes/default/static/search.js");
const BEGIN: &str = "/* Shared with Rust: begin";
const END: &str = "/* Shared with Rust: end";

/// Every constant search.js shares, by name, as JSON.
fn rust_constants() -> BTreeMap<String, Value> {
    [
        ("FORMAT_VERSION", json!(FORMAT_VERSION)),
        ("MAX_WORD", json!(MAX_WORD)),
        ("GROUP_DIGITS", json!(GROUP_DIGITS)),
        ("MIN_PREFIX", json!(MIN_PREFIX)),
        ("MAX_PREFIX_SHARDS", json!(MAX_PREFIX_SHARDS)),
        ("POSITION_COUNTS", json!(POSITION_COUNTS)),
        ("VARINT_LAST", json!(VARINT_LAST)),
        ("VARINT_MORE", json!(VARINT_MORE)),
        ("DOC_ROW_FIELDS", json!(DOC_ROW_FIELDS)),
        ("FULL_WIDTH_RANGES", json!(FULL_WIDTH_RANGES)),
        ("FULL_WIDTH_OFFSET", json!(FULL_WIDTH_OFFSET)),
        ("LETTER_RANGES", json!(LETTER_RANGES)),
        ("CJK_RANGES", json!(CJK_RANGES)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

/// The `const NAME = value;` lines of search.js's shared block, values as JSON.
fn js_constants(js: &str) -> BTreeMap<String, Value> {
    let start = js.find(BEGIN).expect("search.js has a shared block");
    let len = js[start..].find(END).expect("the shared block ends");
    js[start..start + len]
        .lines()
        .filter_map(|line| line.trim().strip_prefix("const "))
        .map(|decl| {
            let (name, value) = decl
                .split_once(" = ")
                .unwrap_or_else(|| panic!("not `const NAME = value;`: {decl}"));
            let value = value
                .strip_suffix(';')
                .unwrap_or_else(|| panic!("`{name}` is not on one line"));
            (name.to_string(), js_value(value))
        })
        .collect()
}

/// A JavaScript literal of the shared block as JSON: numbers (decimal or
/// `0x` hex), `'strings'` without quotes or escapes inside, and arrays.
fn js_value(literal: &str) -> Value {
    assert!(
        !literal.contains(['"', '\\']),
        "keep shared values simple: {literal}"
    );
    let mut json = String::new();
    let mut rest = literal;
    while let Some(at) = rest.find("0x") {
        let hex = &rest[at + 2..];
        let digits = hex
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(hex.len());
        let value = u32::from_str_radix(&hex[..digits], 16).expect("a hex number");
        json.push_str(&rest[..at]);
        json.push_str(&value.to_string());
        rest = &hex[digits..];
    }
    json.push_str(rest);
    serde_json::from_str(&json.replace('\'', "\""))
        .unwrap_or_else(|e| panic!("not a simple literal ({e}): {literal}"))
}

#[test]
fn search_js_holds_the_rust_constants() {
    let js = js_constants(SEARCH_JS);
    let rust = rust_constants();
    let names = |m: &BTreeMap<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&js),
        names(&rust),
        "the constants in search.js's shared block and in rust_constants()"
    );
    for (name, value) in &rust {
        assert_eq!(&js[name], value, "{name} in search.js and in Rust");
    }
}

#[test]
fn literals_read_as_json() {
    assert_eq!(
        js_value("[[0xff10, 0xFF19], [3, 'a-b_']]"),
        json!([[0xff10, 0xff19], [3, "a-b_"]])
    );
    let block = format!("{BEGIN} */\n  const A = 0x10;\n  const B = ['x'];\n{END} */");
    assert_eq!(
        js_constants(&block),
        BTreeMap::from([
            ("A".to_string(), json!(16)),
            ("B".to_string(), json!(["x"]))
        ])
    );
}
