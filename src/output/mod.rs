//! Write: put rendered files in the output folder, touching only files whose
//! bytes changed and removing files an earlier build wrote that this one no
//! longer makes.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::render::{Output, Sink};

/// Lists the files bulletin wrote, so the next build removes only its own
/// stale files and never a file someone else put there.
pub const MANIFEST: &str = ".bulletin-manifest";

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The output folder for `root`, after checking DESIGN §7's safety rules.
pub fn output_dir(root: &Path, config: &Config, overridden: Option<&Path>) -> Result<PathBuf> {
    let dir = match overridden {
        Some(d) => d.to_path_buf(),
        None => root.join(&config.output_dir),
    };
    let dir = absolute(&dir);
    let root = absolute(root);
    let forbidden = [
        (root.clone(), "the site folder itself"),
        (root.join("content"), "content/"),
        (root.join("static"), "static/"),
        (root.join("themes"), "themes/"),
        (root.join("templates"), "templates/"),
    ];
    for (path, what) in &forbidden {
        if dir == *path || path.starts_with(&dir) || (dir.starts_with(path) && path != &root) {
            return Err(Error::in_file(
                root.join("site.toml"),
                format!("output_dir {} would overwrite {what}", dir.display()),
            )
            .with_help("set output_dir to a folder of its own, such as \"public\""));
        }
    }
    Ok(dir)
}

/// A path made absolute and cleaned of `.` and `..` without touching disk.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut clean = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            c => clean.push(c),
        }
    }
    clean
}

/// Streams rendered files into the output folder without disturbing it
/// until the whole build has succeeded.
///
/// A file whose bytes are already on disk is left alone. Any other file is
/// written into a staging folder inside the output folder; [`Writer::commit`]
/// renames the staged files into place (a cheap, per-file atomic step on one
/// filesystem) and removes files an earlier build wrote that this one did
/// not. Dropping a writer without committing removes the staging folder, so
/// a failed build leaves the previous output exactly as it was, while memory
/// stays bounded by the pages in flight rather than the whole site.
pub struct Writer {
    dir: PathBuf,
    /// Where changed files go until the commit: the staging folder, or the
    /// output folder itself on a first build.
    staging: PathBuf,
    /// A first build: the output folder did not exist or was empty.
    fresh: bool,
    /// What the previous build wrote: path → fingerprint of its inputs.
    previous: HashMap<String, Option<u64>>,
    /// What this build wrote or kept, with fingerprints, for the manifest.
    paths: Mutex<Vec<(String, Option<u64>)>>,
    staged: Mutex<Vec<String>>,
    /// Folders (relative, as in output paths) made in `staging` so far: a
    /// folder with several files (a term's page and feeds) is made once,
    /// not asked for again (which costs a failed `mkdir` and a `stat`).
    made: Mutex<std::collections::HashSet<String>>,
    unchanged: AtomicUsize,
    committed: bool,
}

/// Staged files live here, inside the output folder, until the commit.
const STAGING: &str = ".bulletin-staging";

impl Writer {
    pub fn new(dir: &Path) -> Result<Writer> {
        let leftover = dir.join(STAGING);
        if leftover.exists() {
            // Left by an interrupted build.
            std::fs::remove_dir_all(&leftover).map_err(|e| Error::io(&leftover, e))?;
        }
        let fresh = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let previous = if fresh {
            HashMap::new()
        } else {
            read_manifest(&dir.join(MANIFEST))
        };
        if !fresh {
            std::fs::create_dir(&leftover).map_err(|e| Error::io(&leftover, e))?;
        }
        Ok(Writer {
            dir: dir.to_path_buf(),
            staging: if fresh { dir.to_path_buf() } else { leftover },
            fresh,
            previous,
            paths: Mutex::default(),
            staged: Mutex::default(),
            made: Mutex::default(),
            unchanged: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Makes `folder` (relative) in the staging folder, with the folders
    /// above it not made yet, from the top down: `create_dir_all` would
    /// first fail on the folder itself (`/page/1/` under a new `/page/`).
    /// A folder made before costs one look-up.
    fn make_folder(&self, folder: &str) -> Result<()> {
        let mut missing = Vec::new();
        {
            let made = self.made.lock().expect("no panics while locked");
            let mut above = folder;
            while !above.is_empty() && !made.contains(above) {
                missing.push(above);
                above = above.rsplit_once('/').map_or("", |(a, _)| a);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        for f in missing.iter().rev() {
            let dir = self.staging.join(f);
            match std::fs::create_dir(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::io(&dir, e));
                }
                _ => {}
            }
        }
        let mut made = self.made.lock().expect("no panics while locked");
        made.extend(missing.into_iter().map(str::to_string));
        Ok(())
    }

    /// Moves the staged files into place and removes stale ones.
    pub fn commit(mut self) -> Result<WriteStats> {
        self.committed = true;
        let staged = std::mem::take(&mut *self.staged.lock().expect("no panics while locked"));
        for rel in staged.iter().filter(|_| !self.fresh) {
            let from = self.staging.join(rel);
            let to = self.dir.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        if !self.fresh {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        let mut stats = WriteStats {
            written: staged.len(),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed: 0,
        };
        let mut paths = std::mem::take(&mut *self.paths.lock().expect("no panics while locked"));
        let manifest_path = self.dir.join(MANIFEST);
        let current: HashSet<&str> = match self.previous.is_empty() {
            true => HashSet::new(),
            false => paths.iter().map(|(p, _)| p.as_str()).collect(),
        };
        for stale in self
            .previous
            .keys()
            .filter(|p| !p.is_empty() && !current.contains(p.as_str()))
        {
            if stale.split('/').any(|p| p == ".." || p.is_empty()) {
                continue;
            }
            let path = self.dir.join(stale);
            if std::fs::remove_file(&path).is_ok() {
                stats.removed += 1;
                remove_empty_parents(&self.dir, &path);
            }
        }
        paths.sort_unstable();
        let mut manifest = String::with_capacity(paths.len() * 64);
        for (path, fingerprint) in &paths {
            match fingerprint {
                // Sixteen hex digits, as `{f:016x}` but without the
                // formatting machinery: this runs serially, once per file.
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
        if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
            std::fs::write(&manifest_path, manifest).map_err(|e| Error::io(&manifest_path, e))?;
        }
        Ok(stats)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            // On a first build the staging folder is the output folder,
            // which did not exist (or was empty) before.
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl Sink for Writer {
    fn put(&self, file: Output) -> Result<()> {
        let path = self.dir.join(&file.path);
        let same = !self.fresh
            && std::fs::metadata(&path).is_ok_and(|m| m.len() == file.bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == file.bytes);
        if same {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            let staged = self.staging.join(&file.path);
            self.make_folder(file.path.rsplit_once('/').map_or("", |(folder, _)| folder))?;
            std::fs::write(&staged, &file.bytes).map_err(|e| Error::io(&staged, e))?;
            self.staged
                .lock()
                .expect("no panics while locked")
                .push(file.path.clone());
        }
        self.paths
            .lock()
            .expect("no panics while locked")
            .push((file.path, file.fingerprint));
        Ok(())
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        let same = !self.fresh
            && self.previous.get(path) == Some(&Some(fingerprint))
            && self.dir.join(path).is_file();
        if same {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            self.paths
                .lock()
                .expect("no panics while locked")
                .push((path.to_string(), Some(fingerprint)));
        }
        same
    }
}

/// Reads a manifest: `fingerprint<TAB>path` lines (`-` for none); lines of
/// a bare path, from older builds, have no fingerprint.
fn read_manifest(path: &Path) -> HashMap<String, Option<u64>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('\t') {
            Some((f, p)) => (p.to_string(), u64::from_str_radix(f, 16).ok()),
            None => (line.to_string(), None),
        })
        .collect()
}

fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(p) = current {
        if p == dir || std::fs::remove_dir(p).is_err() {
            break;
        }
        current = p.parent();
    }
}
