//! `bulletin init DIR`: a new site that builds at once with the built-in theme.

use std::path::Path;

use crate::error::{Error, Errors};

/// Start a new site in DIR that builds at once.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create.
    pub dir: std::path::PathBuf,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let dir: &Path = &args.dir;
    if dir.join("site.toml").exists() {
        return Err(Error::in_file(dir.join("site.toml"), "a site already exists here").into());
    }
    let files: [(&str, &str); 4] = [
        ("site.toml", include_str!("init/site.toml")),
        (
            "content/en/news/_index.md",
            include_str!("init/news_index.md"),
        ),
        (
            "content/en/news/welcome.md",
            include_str!("init/welcome.md"),
        ),
        ("static/.gitkeep", ""),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    }
    println!(
        "Created a new bulletin in {}. Build it with: bulletin build --root {}",
        dir.display(),
        dir.display()
    );
    Ok(())
}
