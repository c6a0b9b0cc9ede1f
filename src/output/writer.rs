//! The one writer of an output folder: stages changed files, then commits
//! them as a journalled transaction.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::WriteStats;
use super::manifest::{self, JOURNAL, LOCK, MANIFEST, Manifest, STAGING};
use crate::error::{Error, Result};
use crate::render::{Output, Sink};

/// Streams rendered files into the output folder without disturbing it
/// until the whole build has succeeded.
///
/// A file whose bytes are already on disk is left alone. Any other file is
/// written into a staging folder inside the output folder (on a first build
/// too, so a killed build never leaves a half-written page in place).
/// [`Writer::commit`] is a transaction: it first journals every path it will
/// move in or remove ([`JOURNAL`]), then renames the staged files into place,
/// removes files an earlier build wrote that this one did not, replaces the
/// manifest atomically and only then drops the journal. Whatever stops it
/// part-way (a kill, a power cut, a full disk), the next build finds the
/// journal and treats each of its paths as unknown: compared by bytes, never
/// reused by fingerprint, and removed if no longer made. Dropping a writer
/// without committing removes the staging folder, so a failed build leaves
/// the previous output exactly as it was.
///
/// The writer holds a lock in the output folder for its whole life, so two
/// builds never write one folder at once. It writes only files the previous
/// manifest lists or that do not exist, and never through a symbolic link.
pub struct Writer {
    dir: PathBuf,
    staging: PathBuf,
    /// A first build: the output folder held nothing but bulletin's own
    /// files, so nothing in it needs comparing.
    fresh: bool,
    /// The output folder did not exist: a failed build removes it again.
    created: bool,
    previous: Manifest,
    /// What this build wrote or kept, with fingerprints, for the manifest.
    paths: Mutex<Vec<(String, Option<u64>)>>,
    staged: Mutex<Vec<String>>,
    /// Folders (relative, as in output paths) made in `staging` so far: a
    /// folder with several files (a term's page and feeds) is made once,
    /// not asked for again (which costs a failed `mkdir` and a `stat`).
    made: Mutex<HashSet<String>>,
    unchanged: AtomicUsize,
    committed: bool,
    /// Released by the kernel when the process ends, however it ends.
    _lock: File,
    stop: Option<Stop>,
}

/// A test hook (`BULLETIN_COMMIT_STOP=abort:N` or `error:N`): the commit
/// stops at its N-th step, as if killed or as if the disk failed there.
#[derive(Clone, Copy)]
struct Stop {
    abort: bool,
    at: usize,
}

impl Writer {
    /// Takes the output folder `dir` for this build, finishing the record
    /// of a commit that an earlier build did not complete.
    pub fn new(dir: &Path) -> Result<Writer> {
        let created = std::fs::symlink_metadata(dir).is_err();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock = take_lock(dir)?;
        let staging = dir.join(STAGING);
        if std::fs::symlink_metadata(&staging).is_ok() {
            // Left by an interrupted build.
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        let previous = recover(dir)?;
        let fresh = previous.is_empty() && holds_only_our_files(dir)?;
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            staging,
            fresh,
            created,
            previous,
            paths: Mutex::default(),
            staged: Mutex::default(),
            made: Mutex::default(),
            unchanged: AtomicUsize::new(0),
            committed: false,
            _lock: lock,
            stop: stop_from_env(),
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

    /// Moves the staged files into place and removes stale ones, as one
    /// journalled transaction (see [`Writer`]).
    pub fn commit(mut self) -> Result<WriteStats> {
        self.committed = true;
        let staged = std::mem::take(&mut *self.staged.lock().expect("no panics while locked"));
        let mut paths = std::mem::take(&mut *self.paths.lock().expect("no panics while locked"));
        let current: HashSet<&str> = match self.previous.is_empty() {
            true => HashSet::new(),
            false => paths.iter().map(|(p, _)| p.as_str()).collect(),
        };
        let mut stale: Vec<&str> = (self.previous.keys())
            .map(String::as_str)
            .filter(|p| !current.contains(p) && is_safe(p))
            .collect();
        stale.sort_unstable();
        let manifest = manifest::format(&mut paths);
        let manifest_path = self.dir.join(MANIFEST);
        let manifest_changed =
            std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str());
        // Nothing moves before every folder a staged file goes to is known
        // to be a real one (or missing).
        let mut real = HashSet::new();
        for rel in &staged {
            if let Some((folder, _)) = rel.rsplit_once('/') {
                self.real_folder(folder, &mut real, false)?;
            }
        }
        let journal = self.dir.join(JOURNAL);
        let mut steps = Steps::new(self.stop);
        if !staged.is_empty() || !stale.is_empty() {
            let mut text = String::with_capacity((staged.len() + stale.len()) * 48);
            for p in staged
                .iter()
                .map(String::as_str)
                .chain(stale.iter().copied())
            {
                text.push_str(p);
                text.push('\n');
            }
            manifest::write_atomically(&journal, text.as_bytes())?;
            steps.step(&journal)?;
        }
        self.move_in(&staged, &mut real, &mut steps)?;
        let _ = std::fs::remove_dir_all(&self.staging);
        let mut removed = 0;
        for rel in stale {
            if self.remove_stale(rel, &mut real) {
                removed += 1;
                steps.step(&self.dir.join(rel))?;
            }
        }
        if manifest_changed {
            manifest::write_atomically(&manifest_path, manifest.as_bytes())?;
            steps.step(&manifest_path)?;
        }
        match std::fs::remove_file(&journal) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io(&journal, e));
            }
            _ => {}
        }
        Ok(WriteStats {
            written: staged.len(),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        })
    }

    /// Renames the staged files into the output folder. On a first build
    /// each top-level entry moves at once, with everything under it.
    fn move_in(
        &self,
        staged: &[String],
        real: &mut HashSet<String>,
        steps: &mut Steps,
    ) -> Result<()> {
        if self.fresh {
            let entries =
                std::fs::read_dir(&self.staging).map_err(|e| Error::io(&self.staging, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&self.staging, e))?;
                let to = self.dir.join(entry.file_name());
                if std::fs::symlink_metadata(&to).is_ok() {
                    return Err(user_file(&self.dir, &to));
                }
                std::fs::rename(entry.path(), &to).map_err(|e| Error::io(&to, e))?;
                steps.step(&to)?;
            }
            return Ok(());
        }
        for rel in staged {
            if let Some((folder, _)) = rel.rsplit_once('/') {
                self.real_folder(folder, real, true)?;
            }
            let to = self.dir.join(rel);
            std::fs::rename(self.staging.join(rel), &to).map_err(|e| Error::io(&to, e))?;
            steps.step(&to)?;
        }
        Ok(())
    }

    /// Checks that `folder` (relative) and every folder above it is a real
    /// folder in the output folder, not a symbolic link, making missing
    /// ones when `make` is set. Folders found real are remembered in `real`.
    fn real_folder(&self, folder: &str, real: &mut HashSet<String>, make: bool) -> Result<bool> {
        let mut end = 0;
        while end < folder.len() {
            end = folder[end..].find('/').map_or(folder.len(), |n| end + n);
            let above = &folder[..end];
            end += 1;
            if real.contains(above) {
                continue;
            }
            let path = self.dir.join(above);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => return Err(symlink(&self.dir, &path)),
                Ok(_) => return Err(user_file(&self.dir, &path)),
                Err(_) if make => {
                    std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
                }
                Err(_) => return Ok(false),
            }
            real.insert(above.to_string());
        }
        Ok(true)
    }

    /// Removes a file an earlier build wrote and this one did not, unless
    /// it is gone or reached through a symbolic link. Whether it removed it.
    fn remove_stale(&self, rel: &str, real: &mut HashSet<String>) -> bool {
        if let Some((folder, _)) = rel.rsplit_once('/')
            && !matches!(self.real_folder(folder, real, false), Ok(true))
        {
            return false;
        }
        let path = self.dir.join(rel);
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir());
        if is_file && std::fs::remove_file(&path).is_ok() {
            remove_empty_parents(&self.dir, &path);
            return true;
        }
        false
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
            if self.created {
                // A failed first build leaves no output folder, as before it.
                let _ = std::fs::remove_file(self.dir.join(LOCK));
                let _ = std::fs::remove_dir(&self.dir);
            }
        }
    }
}

impl Sink for Writer {
    fn put(&self, file: Output) -> Result<()> {
        check_path(&self.dir, &file.path)?;
        let path = self.dir.join(&file.path);
        let same = !self.fresh && self.holds(&path, &file)?;
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
            && std::fs::symlink_metadata(self.dir.join(path)).is_ok_and(|m| m.is_file());
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

impl Writer {
    /// Whether `path` already holds `file`'s bytes; an error if something
    /// bulletin did not write is there.
    fn holds(&self, path: &Path, file: &Output) -> Result<bool> {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return Ok(false);
        };
        if !self.previous.contains_key(&file.path) {
            return Err(self.foreign(&file.path));
        }
        Ok(meta.is_file()
            && meta.len() == file.bytes.len() as u64
            && std::fs::read(path).is_ok_and(|old| old == file.bytes))
    }
}

impl Writer {
    /// The error for a generated path `rel` that lands on something of the
    /// user's: a file, or a symbolic link above it.
    fn foreign(&self, rel: &str) -> Error {
        let mut above = self.dir.clone();
        for segment in rel.split('/') {
            above.push(segment);
            if std::fs::symlink_metadata(&above).is_ok_and(|m| m.file_type().is_symlink()) {
                return symlink(&self.dir, &above);
            }
        }
        user_file(&self.dir, &above)
    }
}

fn symlink(dir: &Path, path: &Path) -> Error {
    Error::in_file(
        path,
        format!(
            "{} is a symbolic link; bulletin never writes or deletes through one",
            short(dir, path)
        ),
    )
    .with_help("replace the link with a real folder or file, or remove it")
}

/// The error for a generated path that lands on a file of the user's.
fn user_file(dir: &Path, path: &Path) -> Error {
    Error::in_file(
        path,
        format!(
            "{} is not a file bulletin wrote (the manifest does not list it), and this build makes a file there",
            short(dir, path)
        ),
    )
    .with_help(
        "bulletin never overwrites your files: move or rename this one, or change the story, alias or static file that makes this path",
    )
}

/// `path` from the output folder's name on (`public/news/x/index.html`).
fn short(dir: &Path, path: &Path) -> String {
    match (dir.file_name(), path.strip_prefix(dir)) {
        (Some(name), Ok(rel)) => Path::new(name).join(rel).display().to_string(),
        _ => path.display().to_string(),
    }
}

/// Refuses an output path that could leave the output folder, clash with
/// bulletin's own files or forge a manifest line.
fn check_path(dir: &Path, rel: &str) -> Result<()> {
    if is_safe(rel) {
        return Ok(());
    }
    Err(Error::in_file(
        dir.join(rel.replace(|c: char| c.is_control(), "?")),
        "cannot be written: an output path must stay inside the output folder, hold no control characters and not start with .bulletin-",
    )
    .with_help("rename the file, or fix the permalink, slug or alias that makes this path"))
}

/// Whether `rel` is a relative path of plain segments inside the output
/// folder and not one of bulletin's own files.
fn is_safe(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(|c: char| c.is_control() || c == '\\')
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
        && !manifest::is_reserved(rel.split('/').next().unwrap_or(""))
}

/// Takes the output folder's lock, or says who holds it.
/// Takes the output folder's lock (held until the file is dropped): one
/// build, or one deploy, at a time.
pub fn take_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::msg(format!(
            "another build is writing {}",
            dir.display()
        ))
        .with_help("wait for it to finish (or stop it), then build again")),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// The previous manifest, with the paths of an unfinished commit's journal
/// folded in as unknown, and the journal gone.
fn recover(dir: &Path) -> Result<Manifest> {
    let manifest_path = dir.join(MANIFEST);
    let mut previous = manifest::read(&manifest_path);
    let journal = dir.join(JOURNAL);
    let Some(dirty) = manifest::read_journal(&journal) else {
        return Ok(previous);
    };
    for path in dirty {
        previous.insert(path, None);
    }
    let mut paths: Vec<(String, Option<u64>)> = previous.clone().into_iter().collect();
    manifest::write_atomically(&manifest_path, manifest::format(&mut paths).as_bytes())?;
    std::fs::remove_file(&journal).map_err(|e| Error::io(&journal, e))?;
    Ok(previous)
}

/// Whether the output folder holds nothing but bulletin's own files.
fn holds_only_our_files(dir: &Path) -> Result<bool> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if !manifest::is_reserved(&entry.file_name().to_string_lossy()) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn stop_from_env() -> Option<Stop> {
    let value = std::env::var("BULLETIN_COMMIT_STOP").ok()?;
    let (how, at) = value.split_once(':')?;
    Some(Stop {
        abort: how == "abort",
        at: at.parse().ok()?,
    })
}

/// Counts a commit's steps for the [`Stop`] hook.
struct Steps {
    done: usize,
    stop: Option<Stop>,
}

impl Steps {
    fn new(stop: Option<Stop>) -> Steps {
        Steps { done: 0, stop }
    }

    fn step(&mut self, path: &Path) -> Result<()> {
        self.done += 1;
        match self.stop {
            Some(Stop { abort: true, at }) if at == self.done => std::process::abort(),
            Some(Stop { abort: false, at }) if at == self.done => Err(Error::io(
                path,
                std::io::Error::other("stopped by BULLETIN_COMMIT_STOP"),
            )),
            _ => Ok(()),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside_and_cannot_forge_the_manifest() {
        for bad in [
            "",
            "/etc/passwd",
            "../x.html",
            "a/../../x",
            "a//b",
            "./a",
            "x\nCNAME",
            "CNAME\r",
            "a\\b",
            ".bulletin-manifest",
            ".bulletin-journal",
        ] {
            assert!(!is_safe(bad), "{bad:?} should be refused");
        }
        for good in [
            "index.html",
            "fa/news/x/index.html",
            ".well-known/a",
            "a..b/c",
        ] {
            assert!(is_safe(good), "{good:?}");
        }
    }
}
