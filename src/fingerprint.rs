//! Stable short fingerprints of bytes (FNV-1a, 64 bits): names derived from paths and content
//! that must not change between releases, as the standard library's hasher may.

/// The 64-bit FNV-1a hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
