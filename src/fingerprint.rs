//! Fingerprints of a page's inputs: when a page's fingerprint matches the
//! one recorded for its file by the previous build, the page is not rendered
//! again. This makes a no-change rebuild skip all rendering and lets `serve`
//! re-render only the pages an edit can change.
//!
//! FNV-1a, because fingerprints are stored on disk and must not change
//! between runs or Rust releases (std's hasher may), and a dependency would
//! buy nothing for a non-adversarial 64-bit hash.

use std::hash::{Hash, Hasher};

/// A stable 64-bit FNV-1a hasher; also an `io::Write`, so serde can
/// serialize straight into it.
#[derive(Clone, Copy)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Adds anything hashable; returns self for chaining.
    pub fn with<T: Hash + ?Sized>(mut self, value: &T) -> Fingerprint {
        value.hash(&mut self);
        self
    }

    /// Adds the JSON serialization of `value` (for types without `Hash`).
    pub fn with_serialized<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Fingerprint {
        // Writing to a hasher cannot fail; a value that cannot serialize
        // simply contributes nothing more.
        let _ = serde_json::to_writer(&mut self, value);
        self
    }

    pub fn value(self) -> u64 {
        self.0
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
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

/// FNV-1a of some bytes.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    let mut f = Fingerprint::new();
    Hasher::write(&mut f, bytes);
    f.value()
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
        assert_eq!(
            Fingerprint::new().with_serialized(&[1, 2]).value(),
            of_bytes(b"[1,2]")
        );
    }
}
