//! Every hash of the crate, in two kinds kept apart:
//!
//! - **Stable**: what users see or store. `translated_from` in translations
//!   ([`Fnv1a`]) and the suffix of a long tag's URL ([`name_suffix`]). These
//!   are frozen: the golden values in the tests below must never change, or
//!   every translation reads as out of date and old links break.
//! - **Cache**: page stamps ([`fingerprint`]), the search index's stamps and
//!   in-memory maps ([`bytes`], [`short`], [`mix`]). Free to change in any
//!   release: stamps also hash this binary's source, so a changed cache hash
//!   costs one full rebuild, nothing more.

pub mod fingerprint;
mod fnv;

pub use fnv::Fnv1a;

/// Stable: FNV-1a (64 bit) of `bytes` (the golden values below pin it).
#[cfg(test)]
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.write(bytes);
    h.0
}

/// Stable: the 32-bit suffix that keeps two long tag names that begin alike
/// apart in their URL slugs. The bytes are a text item as [`fingerprint`]
/// fed one on 64-bit little-endian machines when slugs were first made
/// (tag 2, the length as eight little-endian bytes, the text), spelled out
/// here so the slug never follows a change of the stamp format or the
/// platform.
pub(crate) fn name_suffix(name: &str) -> u32 {
    let mut stream = Vec::with_capacity(name.len() + 9);
    stream.push(2);
    stream.extend_from_slice(&(name.len() as u64).to_le_bytes());
    stream.extend_from_slice(name.as_bytes());
    lanes(&stream) as u32
}

/// Cache: a fast hash of a byte string, eight bytes at a time.
pub fn bytes(b: &[u8]) -> u64 {
    lanes(b)
}

/// Four independent lanes of eight bytes, mixed at the end. Both
/// [`name_suffix`] (stable) and [`bytes`] (cache) use it today; the golden
/// tests pin the first.
fn lanes(b: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut lanes = [b.len() as u64, K, K.rotate_left(17), K.rotate_left(31)];
    let mut blocks = b.chunks_exact(32);
    for block in &mut blocks {
        for (lane, w) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            *lane = (lane.rotate_left(23) ^ x).wrapping_mul(K);
        }
    }
    let mut tail = [0u8; 32];
    tail[..blocks.remainder().len()].copy_from_slice(blocks.remainder());
    for (lane, w) in lanes.iter_mut().zip(tail.chunks_exact(8)) {
        let x = u64::from_le_bytes(w.try_into().expect("8 bytes"));
        *lane = (lane.rotate_left(23) ^ x).wrapping_mul(K);
    }
    lanes.iter().fold(0, |h, &l| mix(h ^ l))
}

/// Cache: FNV-1a with a final mix, fast on short strings (search tokens),
/// well spread in every bit.
pub(crate) fn short(s: &str) -> u64 {
    let mut h = Fnv1a::default();
    h.write(s.as_bytes());
    let mut h = h.0;
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Cache: spreads a 64-bit key's bits (for hash maps keyed by hashes).
pub(crate) fn mix(key: u64) -> u64 {
    let mut x = key ^ (key >> 31);
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden values: these are in users' files and URLs. If this test
    /// fails, the change breaks every translation's `translated_from` or
    /// long tags' links: undo it.
    #[test]
    fn stable_hashes_never_change() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("金城".as_bytes()), 0x4b53_046a_c6e3_aff2);
        assert_eq!(name_suffix("a"), 0xd883_f8a0);
        assert_eq!(name_suffix("国家级专精特新小巨人企业认定"), 0x047c_24a4);
    }
}
