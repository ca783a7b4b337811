//! FNV-1a, 64 bit: the stable hash. Also compiled into Cargo's `build.rs`
//! (`#[path]`), so this file uses nothing but `core`.

/// FNV-1a (64 bit) over bytes fed in pieces. Frozen: its values are stored
/// in users' files (`translated_from`) and in `BRIEFING_SOURCE_HASH`.
#[derive(Clone, Copy)]
pub struct Fnv1a(pub u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
