//! Small encoders shared by the index writer: the posting varint, JS-safe
//! JSON, and a fast string hash.

use crate::hash::{self, mix};
use std::hash::{BuildHasherDefault, Hasher};

/// Digits that end a number (values 0–31).
pub(crate) const VARINT_LAST: &str = "0123456789abcdefghijklmnopqrstuv";
/// Digits that another digit follows (values 0–31).
pub(crate) const VARINT_MORE: &str = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
const LAST: &[u8; 32] = as_digits(VARINT_LAST);
const MORE: &[u8; 32] = as_digits(VARINT_MORE);

const fn as_digits(s: &str) -> &[u8; 32] {
    match s.as_bytes().first_chunk() {
        Some(digits) if s.len() == 32 => digits,
        _ => panic!("a varint alphabet has 32 digits"),
    }
}

/// Appends `v` as base-32 digits, most significant first; every digit but the
/// last is taken from `MORE`, the last from `LAST`. None needs escaping in JSON.
pub(crate) fn push_varint(out: &mut Vec<u8>, v: u32) {
    let mut digits = [0u8; 7];
    let mut n = 0;
    let mut v = v;
    loop {
        digits[n] = (v & 31) as u8;
        n += 1;
        v >>= 5;
        if v == 0 {
            break;
        }
    }
    for i in (1..n).rev() {
        out.push(MORE[digits[i] as usize]);
    }
    out.push(LAST[digits[0] as usize]);
}

/// Each byte's value as a varint digit: `v` for a last digit, `32 + v` for
/// one that another follows, 255 for a byte that is no digit.
const DIGIT: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut v = 0;
    while v < 32 {
        table[LAST[v] as usize] = v as u8;
        table[MORE[v] as usize] = 32 + v as u8;
        v += 1;
    }
    table
};

/// Reads the varint at `bytes[*at..]` (see [`push_varint`]) and moves `at`
/// past it; None if the bytes are not a varint.
pub(crate) fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    loop {
        let d = DIGIT[*bytes.get(*at)? as usize];
        *at += 1;
        match d {
            0..=31 => return v.checked_mul(32)?.checked_add(u32::from(d)),
            32..=63 => v = v.checked_mul(32)? + u32::from(d - 32),
            _ => return None,
        }
    }
}

/// Decodes a string of varints (the inverse of [`push_varint`]); for tests.
#[cfg(test)]
pub(crate) fn decode_varints(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        out.push(read_varint(s.as_bytes(), &mut at).expect("not a varint digit"));
    }
    out
}

/// Serializes `value` as JSON that is also safe inside an HTML `<script>` and
/// for old JavaScript parsers: `<` (so `</script>` and `<!--`), U+2028 and
/// U+2029 are written as `\u` escapes. Outside strings JSON has none of them.
pub(crate) fn js_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("search data serializes");
    if json.contains('<') || json.contains('\u{2028}') || json.contains('\u{2029}') {
        escape_json_for_script(&json)
    } else {
        json // the usual case, found with fast substring search
    }
}

/// The escaping of [`js_json`], on JSON text already written.
pub(crate) fn escape_json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json;
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    while let Some(i) = rest.bytes().position(|b| b == b'<' || b == 0xE2) {
        out.push_str(&rest[..i]);
        let c = rest[i..]
            .chars()
            .next()
            .expect("a character at a char boundary");
        match c {
            '<' => out.push_str("\\u003c"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// A map key for a token: a token of up to 7 bytes is its own key (its bytes
/// and its length), so keys are equal exactly when tokens are; a longer token is
/// keyed by its hash and must be compared (see [`key_is_exact`]).
pub(crate) fn token_key(s: &str) -> u64 {
    let b = s.as_bytes();
    if b.len() <= 7 {
        // Byte by byte: a copy into an array would call memcpy per token.
        b.iter()
            .enumerate()
            .fold((b.len() as u64) << 56, |k, (i, &x)| {
                k | u64::from(x) << (8 * i)
            })
    } else {
        hash::short(s) | (0x80 << 56)
    }
}

/// Whether equal keys from [`token_key`] mean equal tokens.
pub(crate) fn key_is_exact(key: u64) -> bool {
    key >> 56 <= 7
}

/// A hasher for `u64` token keys.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = mix(v);
    }
}

pub(crate) type KeyBuild = BuildHasherDefault<KeyHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let values = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 20, u32::MAX];
        let mut s = Vec::new();
        for v in values {
            push_varint(&mut s, v);
        }
        assert_eq!(decode_varints(std::str::from_utf8(&s).unwrap()), values);
        let mut one = Vec::new();
        push_varint(&mut one, 31);
        assert_eq!(one, b"v");
        one.clear();
        push_varint(&mut one, 32);
        assert_eq!(one, b"x0");
    }

    #[test]
    fn short_tokens_are_their_own_keys() {
        for t in ["a", "6806", "富士", "abcdefg"] {
            assert!(key_is_exact(token_key(t)), "{t}");
        }
        assert_ne!(token_key("ab"), token_key("ab\0"));
        assert!(!key_is_exact(token_key("abcdefgh")));
        assert!(!key_is_exact(token_key("𠀀𠀁")));
    }

    #[test]
    fn json_is_safe_in_script() {
        let s = js_json(&["</script><!-- a\u{2028}b\u{2029}c"]);
        assert_eq!(s, r#"["\u003c/script>\u003c!-- a\u2028b\u2029c"]"#);
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><!-- a\u{2028}b\u{2029}c");
    }
}
