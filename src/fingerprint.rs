//! Fingerprints of a page's inputs: when a page's fingerprint matches the
//! one recorded for its file by the previous build, the page is not rendered
//! again. This makes a no-change rebuild skip all rendering and lets `serve`
//! re-render only the pages an edit can change.
//!
//! Fingerprints use XXH3 (64-bit): deterministic, of good quality, and
//! several times faster than std's SipHash on the article texts every build
//! fingerprints (SipHash was 2 % of a build). `Hash` impls may differ
//! between Rust releases, but every fingerprint includes [`program`], so a
//! new bulletin simply renders everything once. Asset file names, which
//! should survive upgrades, use [`of_bytes`].

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::Xxh3Default;

/// A 64-bit hasher of page inputs; also an `io::Write`, so serde can
/// serialize straight into it.
#[derive(Clone, Default)]
pub struct Fingerprint(Xxh3Default);

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Adds anything hashable; returns self for chaining.
    pub fn with<T: Hash + ?Sized>(mut self, value: &T) -> Fingerprint {
        value.hash(&mut self);
        self
    }

    /// Adds a serialization of `value` (for types without `Hash`): bincode's,
    /// which writes strings as they are, where JSON's escaping of every
    /// summary was 1 % of a build.
    pub fn with_serialized<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Fingerprint {
        // Writing to a hasher cannot fail, and every value given here
        // serializes (the tests, built with debug assertions, check).
        let result = bincode::serialize_into(&mut self, value);
        debug_assert!(result.is_ok(), "cannot fingerprint: {result:?}");
        self
    }

    pub fn value(self) -> u64 {
        self.0.digest()
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Hasher::write(self, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// FNV-1a of some bytes: stable across programs and Rust releases, for
/// file names that carry a hash of their contents. No dependency would buy
/// anything for a non-adversarial 64-bit hash.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Identifies the running program, so a new bulletin (other templates
/// built in, other date data) never reuses an old build's pages.
pub fn program() -> u64 {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok());
    Fingerprint::new()
        .with(env!("CARGO_PKG_VERSION"))
        .with(&exe.as_ref().map(|m| m.len()))
        .with(&exe.and_then(|m| m.modified().ok()))
        .value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_sensitive() {
        assert_eq!(of_bytes(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(
            Fingerprint::new().with("ab").with("c").value(),
            Fingerprint::new().with("a").with("bc").value()
        );
        let a = Fingerprint::new().with_serialized(&[1, 2]).value();
        assert_eq!(a, Fingerprint::new().with_serialized(&[1, 2]).value());
        assert_ne!(a, Fingerprint::new().with_serialized(&[2, 1]).value());
    }
}
