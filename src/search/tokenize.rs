//! The search tokenizer. `themes/default/static/search.js` implements the same
//! rules for queries; both are tested against `tests/fixtures/search/tokenize_cases.json`.
//!
//! # Rules (version 1)
//!
//! 1. Text is read as Unicode code points. Each is *folded*: full-width digits and
//!    Latin letters (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A) become ASCII, then
//!    letters are lower-cased one code point at a time (a lower case that is not a
//!    single code point leaves the letter as it is).
//! 2. After folding, a code point is a
//!    - *digit*: `0`–`9`;
//!    - *letter*: ASCII letters, U+00C0–024F except × and ÷, Greek U+0370–03FF,
//!      Cyrillic U+0400–04FF;
//!    - *CJK*: U+3005–3007, kana U+3040–30FF except U+30FB, U+3400–4DBF,
//!      U+4E00–9FFF, Hangul U+AC00–D7AF, U+F900–FAFF, U+20000–3FFFF;
//!    - anything else separates tokens.
//! 3. A run of letters is one *word* token (first 40 letters kept). Letters and
//!    digits split: `iPhone15` is `iphone`, `15`.
//! 4. A run of digits is a *number* token. If the run has at most three digits it
//!    takes further `,ddd` groups (exactly three digits not followed by a digit),
//!    without the commas: `6,806` and `6806` are both `6806`. Then one `.ddd…`
//!    fraction is kept: `1,234.5` is `1234.5`. The first 40 characters are kept.
//! 5. A run of CJK code points `c0 c1 … cn-1` at position p yields, when indexing,
//!    every single character `ci` and every overlapping pair `ci ci+1`, both at
//!    position p+i; a query yields the pairs only, or the single character when
//!    the run is one character long.
//! 6. Positions count tokens: a word or number takes one position, a CJK run of n
//!    characters takes n. Two query tokens are adjacent in a document when their
//!    document positions differ as their query positions do.
//!
//! Matching (query side): a word of three letters or more also matches the
//! indexed words it is a prefix of; numbers and CJK tokens match exactly.

/// What a token is; it decides how it matches and how its postings are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    /// One CJK character (indexed without positions).
    CjkChar,
    /// Two adjacent CJK characters.
    CjkPair,
}

/// Indexing emits CJK characters and pairs; queries emit pairs only (rule 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Index,
    Query,
}

/// Longest word or number token, in characters (rules 3 and 4).
pub const MAX_WORD: usize = 40;

/// A reusable tokenizer: it keeps its buffers between calls.
#[derive(Default)]
pub struct Tokenizer {
    chars: Vec<char>,
    buf: String,
}

impl Tokenizer {
    pub fn new() -> Tokenizer {
        Tokenizer::default()
    }

    /// Tokenizes `text`, calling `emit(token, position, kind)` for each token in
    /// order; positions start at 0. Returns the number of positions used.
    pub fn run(&mut self, text: &str, mode: Mode, mut emit: impl FnMut(&str, u32, Kind)) -> u32 {
        self.chars.clear();
        if text.is_ascii() {
            // Byte by byte: an iterator of known length, copied in bulk.
            let lower = |b: u8| char::from(b.to_ascii_lowercase());
            self.chars.extend(text.bytes().map(lower));
        } else {
            self.chars.reserve(text.len());
            self.chars.extend(text.chars().map(fold));
        }
        let chars = &self.chars;
        let buf = &mut self.buf;
        let n = chars.len();
        let (mut i, mut pos) = (0usize, 0u32);
        while i < n {
            let c = chars[i];
            if c.is_ascii_digit() {
                i = scan_number(chars, i, buf);
                emit(buf, pos, Kind::Number);
                pos += 1;
            } else if is_letter(c) {
                buf.clear();
                let start = i;
                while i < n && is_letter(chars[i]) {
                    if i - start < MAX_WORD {
                        buf.push(chars[i]);
                    }
                    i += 1;
                }
                emit(buf, pos, Kind::Word);
                pos += 1;
            } else if is_cjk(c) {
                let start = i;
                while i < n && is_cjk(chars[i]) {
                    i += 1;
                }
                emit_cjk(&chars[start..i], pos, mode, buf, &mut emit);
                pos += (i - start) as u32;
            } else {
                i += 1;
            }
        }
        pos
    }

    /// All tokens of `text` as owned `(token, position, kind)` triples.
    pub fn tokens(&mut self, text: &str, mode: Mode) -> Vec<(String, u32, Kind)> {
        let mut out = Vec::new();
        self.run(text, mode, |t, p, k| out.push((t.to_string(), p, k)));
        out
    }
}

/// Scans the number starting at `chars[i]` (a digit) into `buf` (rule 4) and
/// returns the index after it.
fn scan_number(chars: &[char], mut i: usize, buf: &mut String) -> usize {
    let n = chars.len();
    let digit = |j: usize| j < n && chars[j].is_ascii_digit();
    buf.clear();
    let start = i;
    while digit(i) {
        buf.push(chars[i]);
        i += 1;
    }
    if i - start <= 3 {
        while i < n
            && chars[i] == ','
            && digit(i + 1)
            && digit(i + 2)
            && digit(i + 3)
            && !digit(i + 4)
        {
            buf.extend(&chars[i + 1..i + 4]);
            i += 4;
        }
    }
    if i < n && chars[i] == '.' && digit(i + 1) {
        buf.push('.');
        i += 1;
        while digit(i) {
            buf.push(chars[i]);
            i += 1;
        }
    }
    buf.truncate(MAX_WORD);
    i
}

fn emit_cjk(
    run: &[char],
    pos: u32,
    mode: Mode,
    buf: &mut String,
    emit: &mut impl FnMut(&str, u32, Kind),
) {
    if run.len() == 1 || mode == Mode::Index {
        // Encoded on the stack: pushing onto a String calls memcpy per char.
        let mut bytes = [0u8; 8];
        for (k, &c) in run.iter().enumerate() {
            let one = c.encode_utf8(&mut bytes).len();
            emit(utf8(&bytes[..one]), pos + k as u32, Kind::CjkChar);
            if mode == Mode::Index && k + 1 < run.len() {
                let two = one + run[k + 1].encode_utf8(&mut bytes[one..]).len();
                emit(utf8(&bytes[..two]), pos + k as u32, Kind::CjkPair);
            }
        }
    }
    if mode == Mode::Query && run.len() > 1 {
        for (k, pair) in run.windows(2).enumerate() {
            buf.clear();
            buf.push(pair[0]);
            buf.push(pair[1]);
            emit(buf, pos + k as u32, Kind::CjkPair);
        }
    }
}

/// Bytes just encoded from chars, as a str.
fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// Rule 1: full-width to ASCII, then lower case.
pub fn fold(c: char) -> char {
    let u = c as u32;
    let c = if (0xFF10..=0xFF19).contains(&u)
        || (0xFF21..=0xFF3A).contains(&u)
        || (0xFF41..=0xFF5A).contains(&u)
    {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_letter(c) {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return l;
        }
    }
    c
}

/// Rule 2: letters.
pub fn is_letter(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_alphabetic()
        || ((0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7)
        || (0x370..=0x4FF).contains(&u)
}

/// Rule 2: CJK characters.
pub fn is_cjk(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x3005..=0x3007 | 0x3040..=0x30FA | 0x30FC..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Cases {
        cases: Vec<Case>,
    }

    #[derive(Deserialize)]
    struct Case {
        name: String,
        text: String,
        query: Vec<String>,
        #[serde(default)]
        index: Option<Vec<String>>,
    }

    fn render(toks: Vec<(String, u32, Kind)>) -> Vec<String> {
        toks.into_iter()
            .map(|(t, p, _)| format!("{t}@{p}"))
            .collect()
    }

    /// The table the browser test runs through search.js as well.
    #[test]
    fn shared_case_table() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/search/tokenize_cases.json"
        );
        let cases: Cases = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(cases.cases.len() >= 20);
        let mut tk = Tokenizer::new();
        for case in &cases.cases {
            assert_eq!(
                render(tk.tokens(&case.text, Mode::Query)),
                case.query,
                "query tokens of case {:?}",
                case.name
            );
            if let Some(index) = &case.index {
                assert_eq!(
                    render(tk.tokens(&case.text, Mode::Index)),
                    *index,
                    "index tokens of case {:?}",
                    case.name
                );
            }
        }
    }

    #[test]
    fn kinds_and_position_count() {
        let mut tk = Tokenizer::new();
        let kinds: Vec<Kind> = tk
            .tokens("富士康 iPhone 6,806", Mode::Query)
            .into_iter()
            .map(|t| t.2)
            .collect();
        assert_eq!(
            kinds,
            [Kind::CjkPair, Kind::CjkPair, Kind::Word, Kind::Number]
        );
        assert_eq!(tk.run("经开区 zone 12", Mode::Index, |_, _, _| {}), 5);
    }

    #[test]
    fn every_query_token_is_an_index_token() {
        let text = "晋城经开区光机电产业 2024年投资6,806亿元；Foxconn's plant (iPhone15) covers 1,234.5 m²。";
        let mut tk = Tokenizer::new();
        let index: Vec<(String, u32)> = tk
            .tokens(text, Mode::Index)
            .into_iter()
            .map(|t| (t.0, t.1))
            .collect();
        for (t, p, _) in tk.tokens(text, Mode::Query) {
            assert!(index.contains(&(t.clone(), p)), "{t}@{p} not indexed");
        }
    }
}
