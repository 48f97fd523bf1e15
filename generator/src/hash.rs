//! Short content hashes (build ids, asset fingerprints).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The first `bytes` bytes of the SHA-256 of `data`, in hex.
pub(crate) fn short_hash(data: &[u8], bytes: usize) -> String {
    let digest = Sha256::digest(data);
    digest[..bytes.min(digest.len())]
        .iter()
        .fold(String::with_capacity(bytes * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
