//! The files bulletin keeps beside the site in the output folder: the
//! manifest of what it wrote, the journal of a commit under way and the
//! lock that keeps two writers apart.
//!
//! A path in either list never holds a control character (the writer
//! refuses such names), so a line is always one path: no file name can
//! forge a second entry.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Lists the files bulletin wrote, so the next build removes only its own
/// stale files and never a file someone else put there.
pub const MANIFEST: &str = ".bulletin-manifest";
/// Written (atomically, synced) before a commit moves or removes anything,
/// removed once the new manifest is in place: every path the commit may
/// have touched. A journal found at the start of a build means a commit
/// died part-way; its paths are then trusted by bytes only, never by
/// fingerprint, and removed if no longer made.
pub const JOURNAL: &str = ".bulletin-journal";
/// Held (flock) by the one process writing the output folder.
pub const LOCK: &str = ".bulletin-lock";
/// Changed files wait here, inside the output folder, until the commit.
pub const STAGING: &str = ".bulletin-staging";

/// What the previous build wrote: path → fingerprint of its inputs (`None`
/// when the file is to be compared by its bytes).
pub type Manifest = HashMap<String, Option<u64>>;

/// Whether `name` (a first path segment) is one of bulletin's own files.
pub fn is_reserved(name: &str) -> bool {
    name.starts_with(".bulletin-")
}

/// Reads a manifest: `fingerprint<TAB>path` lines (`-` for none); lines of
/// a bare path, from older builds, have no fingerprint.
pub fn read(path: &Path) -> Manifest {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('\t') {
            Some((f, p)) => (p.to_string(), u64::from_str_radix(f, 16).ok()),
            None => (line.to_string(), None),
        })
        .collect()
}

/// The manifest's text for `paths`, sorted.
pub fn format(paths: &mut [(String, Option<u64>)]) -> String {
    paths.sort_unstable();
    let mut manifest = String::with_capacity(paths.len() * 64);
    for (path, fingerprint) in paths.iter() {
        match fingerprint {
            // Sixteen hex digits, as `{f:016x}` but without the formatting
            // machinery: this runs serially, once per file.
            Some(f) => manifest.extend(
                (0..16)
                    .rev()
                    .map(|n| char::from(b"0123456789abcdef"[(f >> (4 * n)) as usize & 15])),
            ),
            None => manifest.push('-'),
        }
        manifest.push('\t');
        manifest.push_str(path);
        manifest.push('\n');
    }
    manifest
}

/// The journal's paths, one per line.
pub fn read_journal(path: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Replaces `path` with `bytes` so that a reader (or the next build after
/// a crash) sees the old file or the new one, never a mix: written beside
/// it, synced, renamed over it, and the folder synced.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_folder(path.parent().unwrap_or(Path::new(".")))
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Makes a folder's entries (renames, removals) durable.
pub fn sync_folder(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST);
        let mut paths = vec![
            ("b/index.html".to_string(), Some(0xabc)),
            ("a.css".to_string(), None),
        ];
        write_atomically(&path, format(&mut paths).as_bytes()).unwrap();
        let back = read(&path);
        assert_eq!(back.len(), 2);
        assert_eq!(back["b/index.html"], Some(0xabc));
        assert_eq!(back["a.css"], None);
        assert!(!path.with_extension("tmp").exists());
    }
}
