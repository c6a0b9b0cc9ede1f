//! Write: put rendered files in the output folder, touching only files whose
//! bytes changed and removing files an earlier build wrote that this one no
//! longer makes.

mod manifest;
mod writer;

use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};

pub use manifest::{JOURNAL, LOCK, MANIFEST, STAGING, is_reserved, write_atomically};
pub use writer::{Writer, take_lock};

/// Written beside a build's output: the `base_url` it was built for, so
/// that `bulletin deploy` never publishes a preview build.
pub const BUILT_FOR: &str = ".bulletin-base-url";

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
    // Compared as the file system resolves them: an output_dir that is a
    // link to content/ (or a content/ that is a link) is caught too.
    let dir = resolved(&dir);
    let root = resolved(root);
    let forbidden = [
        (root.clone(), "the site folder itself"),
        (resolved(&root.join("content")), "content/"),
        (resolved(&root.join("static")), "static/"),
        (resolved(&root.join("themes")), "themes/"),
        (resolved(&root.join("templates")), "templates/"),
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

/// `path` made absolute with every symbolic link in the part of it that
/// exists resolved, and the rest cleaned of `.` and `..`.
fn resolved(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return path,
        }
    }
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
