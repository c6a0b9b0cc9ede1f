//! Write: put rendered files in the output folder, touching only files whose
//! bytes changed and removing files an earlier build wrote that this one no
//! longer makes.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::render::Output;

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

/// Writes `files` into `dir`.
pub fn write(dir: &Path, files: &[Output]) -> Result<WriteStats> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let results: Vec<Result<bool>> = files.par_iter().map(|f| write_file(dir, f)).collect();
    let mut stats = WriteStats::default();
    for r in results {
        if r? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
    }
    let manifest_path = dir.join(MANIFEST);
    let previous = std::fs::read_to_string(&manifest_path).unwrap_or_default();
    let current: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for stale in previous
        .lines()
        .filter(|p| !p.is_empty() && !current.contains(p))
    {
        if stale.split('/').any(|p| p == ".." || p.is_empty()) {
            continue;
        }
        let path = dir.join(stale);
        if std::fs::remove_file(&path).is_ok() {
            stats.removed += 1;
            remove_empty_parents(dir, &path);
        }
    }
    let mut listed: Vec<&str> = current.into_iter().collect();
    listed.sort_unstable();
    let manifest = listed.join("\n") + "\n";
    if previous != manifest {
        std::fs::write(&manifest_path, manifest).map_err(|e| Error::io(&manifest_path, e))?;
    }
    Ok(stats)
}

/// Writes one file unless it already holds these bytes; returns whether it wrote.
fn write_file(dir: &Path, file: &Output) -> Result<bool> {
    let path = dir.join(&file.path);
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.len() == file.bytes.len() as u64
        && std::fs::read(&path).is_ok_and(|old| old == file.bytes)
    {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&path, &file.bytes).map_err(|e| Error::io(&path, e))?;
    Ok(true)
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
