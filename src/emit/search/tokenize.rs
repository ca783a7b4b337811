//! The search tokenizer. `themes/default/static/search.js` implements the same
//! rules for queries; both are tested against `tests/fixtures/search/tokenize_cases.json`.
//!
//! # Rules (version 1)
//!
//! 1. Text is read as Unicode code points. Each is *folded*: full-width digits and
//!    Latin letters ([`FULL_WIDTH_RANGES`]: U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A)
//!    become ASCII, then letters are lower-cased one code point at a time (a lower
//!    case that is not a single code point leaves the letter as it is).
//! 2. After folding, a code point is a
//!    - *digit*: `0`–`9`;
//!    - *letter* ([`LETTER_RANGES`]): ASCII letters, U+00C0–024F except × and ÷,
//!      Greek U+0370–03FF, Cyrillic U+0400–04FF;
//!    - *CJK* ([`CJK_RANGES`]): U+3005–3007, kana U+3040–30FF except U+30FB,
//!      U+3400–4DBF, U+4E00–9FFF, Hangul U+AC00–D7AF, U+F900–FAFF, U+20000–3FFFF;
//!    - anything else separates tokens.
//! 3. A run of letters is one *word* token (first [`MAX_WORD`] letters kept).
//!    Letters and digits split: `iPhone15` is `iphone`, `15`.
//! 4. A run of digits is a *number* token. If the run has at most
//!    [`GROUP_DIGITS`] digits it takes further `,ddd` groups (exactly three digits
//!    not followed by a digit), without the commas: `6,806` and `6806` are both
//!    `6806`. Then one `.ddd…` fraction is kept: `1,234.5` is `1234.5`. The first
//!    [`MAX_WORD`] characters are kept.
//! 5. A run of CJK code points `c0 c1 … cn-1` at position p yields, when indexing,
//!    every single character `ci` and every overlapping pair `ci ci+1`, both at
//!    position p+i; a query yields the pairs only, or the single character when
//!    the run is one character long.
//! 6. Positions count tokens: a word or number takes one position, a CJK run of n
//!    characters takes n. Two query tokens are adjacent in a document when their
//!    document positions differ as their query positions do.
//!
//! Matching (query side): a word of [`MIN_PREFIX`] letters or more also
//! matches the indexed words it is a prefix of; numbers and CJK tokens match
//! exactly.
//!
//! The rules' numbers and ranges are constants that search.js holds under the
//! same names; `js_contract.rs` checks that they agree.

/// What a token is; it decides how it matches and how its postings are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
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
pub(crate) const MAX_WORD: usize = 40;

/// Digits in a thousands group, and the most a number may have before its
/// first group (rule 4).
pub(crate) const GROUP_DIGITS: usize = 3;

/// Shortest query word that also matches the words it begins. Only
/// search.js reads it; `js_contract.rs` checks that the two agree.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const MIN_PREFIX: usize = 3;

/// Full-width digits and Latin letters, folded to ASCII (rule 1) by
/// subtracting [`FULL_WIDTH_OFFSET`]. Ranges are inclusive.
pub(crate) const FULL_WIDTH_RANGES: [(u32, u32); 3] =
    [(0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)];
pub(crate) const FULL_WIDTH_OFFSET: u32 = 0xFEE0;

/// Letters (rule 2): ASCII, Latin-1 and Latin Extended-A/B but × and ÷,
/// Greek and Cyrillic.
pub(crate) const LETTER_RANGES: [(u32, u32); 6] = [
    (0x41, 0x5A),
    (0x61, 0x7A),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x24F),
    (0x370, 0x4FF),
];

/// CJK characters (rule 2): iteration marks, kana but the middle dot U+30FB,
/// CJK ideographs (extension A, the main block, compatibility, the
/// supplementary planes 2 and 3), Hangul syllables.
pub(crate) const CJK_RANGES: [(u32, u32); 8] = [
    (0x3005, 0x3007),
    (0x3040, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
];

/// A reusable tokenizer: it keeps its buffers between calls.
///
/// Tokens are slices of the text where folding leaves them as they are
/// (CJK characters always, words of ASCII text once it is lower-cased in
/// bulk), and are built in a buffer otherwise.
#[derive(Default)]
pub struct Tokenizer {
    /// ASCII text, lower-cased.
    lower: String,
    buf: String,
}

impl Tokenizer {
    pub fn new() -> Tokenizer {
        Tokenizer::default()
    }

    /// Tokenizes `text`, calling `emit(token, position, kind)` for each token in
    /// order; positions start at 0. Returns the number of positions used.
    pub fn run(
        &mut self,
        text: &str,
        mode: Mode,
        mut emit: impl FnMut(&str, u32, TokenKind),
    ) -> u32 {
        let Tokenizer { lower, buf } = self;
        let src: &str = if text.is_ascii() {
            lower.clear();
            lower.push_str(text);
            lower.make_ascii_lowercase();
            lower
        } else {
            text
        };
        let n = src.len();
        let (mut i, mut pos) = (0usize, 0u32);
        while i < n {
            let b = src.as_bytes()[i];
            if b.is_ascii() && !b.is_ascii_alphanumeric() {
                i += 1; // a separator, the usual case
                continue;
            }
            let (c, len, _) = folded_at(src, i);
            if c.is_ascii_digit() {
                i = scan_number(src, i, buf);
                emit(buf, pos, TokenKind::Number);
                pos += 1;
            } else if is_letter(c) {
                let word = scan_word(src, i, buf);
                i = word.end;
                let token = if word.folded {
                    buf.as_str()
                } else {
                    &src[word.start..word.kept]
                };
                emit(token, pos, TokenKind::Word);
                pos += 1;
            } else if is_cjk(c) {
                let (end, chars) = scan_cjk(src, i, pos, mode, &mut emit);
                i = end;
                pos += chars;
            } else {
                i += len;
            }
        }
        pos
    }

    /// All tokens of `text` as owned `(token, position, kind)` triples.
    pub fn tokens(&mut self, text: &str, mode: Mode) -> Vec<(String, u32, TokenKind)> {
        let mut out = Vec::new();
        self.run(text, mode, |t, p, k| out.push((t.to_string(), p, k)));
        out
    }
}

/// The character at byte `i` of `src` after folding (rule 1), its length in
/// bytes, and whether folding changed it.
#[inline]
fn folded_at(src: &str, i: usize) -> (char, usize, bool) {
    let b = src.as_bytes()[i];
    if b.is_ascii() {
        let lower = b.to_ascii_lowercase();
        return (char::from(lower), 1, lower != b);
    }
    let c = src[i..].chars().next().unwrap_or_default();
    let f = fold(c);
    (f, c.len_utf8(), f != c)
}

/// The folded character at byte `i` if it is a digit, with its length.
fn digit_at(src: &str, i: usize) -> Option<(char, usize)> {
    if i >= src.len() {
        return None;
    }
    let (c, len, _) = folded_at(src, i);
    c.is_ascii_digit().then_some((c, len))
}

/// Scans the number starting at byte `i` of `src` (a digit) into `buf`
/// (rule 4) and returns the index after it.
fn scan_number(src: &str, mut i: usize, buf: &mut String) -> usize {
    buf.clear();
    let mut digits = 0;
    while let Some((c, len)) = digit_at(src, i) {
        buf.push(c);
        i += len;
        digits += 1;
    }
    if digits <= GROUP_DIGITS {
        // `,ddd` groups: exactly three digits, not followed by a fourth.
        while src.as_bytes().get(i) == Some(&b',') {
            let mut j = i + 1;
            let mut group = ['0'; GROUP_DIGITS];
            let mut whole = true;
            for g in &mut group {
                match digit_at(src, j) {
                    Some((c, len)) => {
                        *g = c;
                        j += len;
                    }
                    None => {
                        whole = false;
                        break;
                    }
                }
            }
            if !whole || digit_at(src, j).is_some() {
                break;
            }
            buf.extend(group);
            i = j;
        }
    }
    if src.as_bytes().get(i) == Some(&b'.') && digit_at(src, i + 1).is_some() {
        buf.push('.');
        i += 1;
        while let Some((c, len)) = digit_at(src, i) {
            buf.push(c);
            i += len;
        }
    }
    buf.truncate(MAX_WORD);
    i
}

/// A word found by [`scan_word`].
struct Word {
    /// Byte range of the word in the text, and the end of its first
    /// [`MAX_WORD`] letters.
    start: usize,
    end: usize,
    kept: usize,
    /// Whether folding changed a kept letter: then the token is in the buffer,
    /// else it is `text[start..kept]`.
    folded: bool,
}

/// Scans the word starting at byte `i` of `src` (a letter), rule 3.
fn scan_word(src: &str, i: usize, buf: &mut String) -> Word {
    // Lower-case ASCII letters stay as they are: the usual case, byte by byte.
    let bytes = src.as_bytes();
    let mut end = i;
    while end < bytes.len() && end - i < MAX_WORD && bytes[end].is_ascii_lowercase() {
        end += 1;
    }
    let mut word = Word {
        start: i,
        end,
        kept: end,
        folded: false,
    };
    let mut letters = end - i;
    while word.end < src.len() {
        let (c, len, changed) = folded_at(src, word.end);
        if !is_letter(c) {
            break;
        }
        if letters < MAX_WORD {
            letters += 1;
            if changed && !word.folded {
                word.folded = true;
                buf.clear();
                buf.push_str(&src[word.start..word.end]);
            }
            if word.folded {
                buf.push(c);
            }
            word.kept = word.end + len;
        }
        word.end += len;
    }
    word
}

/// Scans the CJK run starting at byte `i` of `src` and emits its tokens
/// (rule 5), slices of `src`; returns the index after it and its length in
/// characters.
fn scan_cjk(
    src: &str,
    mut i: usize,
    pos: u32,
    mode: Mode,
    emit: &mut impl FnMut(&str, u32, TokenKind),
) -> (usize, u32) {
    let mut k = 0u32;
    let mut prev = i;
    let first = i;
    while i < src.len() {
        // Folding neither changes a CJK character nor makes one, so the run
        // is read as it is.
        let c = src[i..].chars().next().unwrap_or_default();
        if !is_cjk(c) {
            break;
        }
        let len = c.len_utf8();
        if k > 0 {
            emit(&src[prev..i + len], pos + k - 1, TokenKind::CjkPair);
        }
        if mode == Mode::Index {
            emit(&src[i..i + len], pos + k, TokenKind::CjkChar);
        }
        prev = i;
        i += len;
        k += 1;
    }
    if mode == Mode::Query && k == 1 {
        emit(&src[first..i], pos, TokenKind::CjkChar);
    }
    (i, k)
}

/// Rule 1: full-width to ASCII, then lower case.
pub(crate) fn fold(c: char) -> char {
    let u = c as u32;
    let c = if in_ranges(u, &FULL_WIDTH_RANGES) {
        char::from_u32(u - FULL_WIDTH_OFFSET).unwrap_or(c)
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
pub(crate) fn is_letter(c: char) -> bool {
    in_ranges(c as u32, &LETTER_RANGES)
}

/// Rule 2: CJK characters.
pub(crate) fn is_cjk(c: char) -> bool {
    in_ranges(c as u32, &CJK_RANGES)
}

#[inline]
fn in_ranges(u: u32, ranges: &[(u32, u32)]) -> bool {
    ranges.iter().any(|&(lo, hi)| lo <= u && u <= hi)
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

    fn render(toks: Vec<(String, u32, TokenKind)>) -> Vec<String> {
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
        let kinds: Vec<TokenKind> = tk
            .tokens("富士康 iPhone 6,806", Mode::Query)
            .into_iter()
            .map(|t| t.2)
            .collect();
        assert_eq!(
            kinds,
            [
                TokenKind::CjkPair,
                TokenKind::CjkPair,
                TokenKind::Word,
                TokenKind::Number
            ]
        );
        assert_eq!(tk.run("经开区 zone 12", Mode::Index, |_, _, _| {}), 5);
    }

    /// Generated text mixing every kind of character the rules treat
    /// differently: no panic, sound tokens, and the query tokens of a text
    /// among its index tokens.
    #[test]
    fn generated_text_gives_sound_tokens() {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "é",
            "İ",
            "Ⱥ",
            "ß",
            "Ω",
            "ж",
            "0",
            "7",
            "１",
            "２",
            "Ａ",
            "ｚ",
            ",",
            ".",
            " ",
            "-",
            "\n",
            "富",
            "士",
            "康",
            "々",
            "カ",
            "한",
            "𠀀",
            "𪚥",
            "×",
            "\u{301}",
            "，",
            "。",
            "<",
            "\u{2028}",
            "\u{FEFF}",
            "\u{10FFFF}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut tk = Tokenizer::new();
        for _ in 0..3000 {
            let mut text = String::new();
            let len = (seed >> 59) as usize + 1;
            for _ in 0..len * 3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let index = tk.tokens(&text, Mode::Index);
            for (t, _, kind) in &index {
                assert!(!t.is_empty(), "empty token in {text:?}");
                match kind {
                    TokenKind::Number => {
                        assert!(t.chars().all(|c| c.is_ascii_digit() || c == '.'), "{t:?}");
                        assert!(t.len() <= MAX_WORD);
                    }
                    TokenKind::Word => {
                        assert!(t.chars().all(is_letter), "{t:?} in {text:?}");
                        assert!(t.chars().count() <= MAX_WORD);
                        assert_eq!(t.chars().map(fold).collect::<String>(), *t, "folded");
                    }
                    TokenKind::CjkChar => assert_eq!(t.chars().count(), 1),
                    TokenKind::CjkPair => assert_eq!(t.chars().count(), 2),
                }
            }
            let index: Vec<(String, u32)> = index.into_iter().map(|t| (t.0, t.1)).collect();
            for (t, p, _) in tk.tokens(&text, Mode::Query) {
                assert!(
                    index.contains(&(t.clone(), p)),
                    "{t}@{p} not indexed in {text:?}"
                );
            }
        }
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
