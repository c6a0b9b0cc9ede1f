//! `bulletin init DIR`: a new site that builds at once with the built-in theme.

use std::path::Path;

use crate::error::{Error, Errors};

/// Start a new site in DIR that builds at once.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create.
    pub dir: std::path::PathBuf,
    /// Start a site in a folder that already holds files (none of them is
    /// ever overwritten).
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let dir: &Path = &args.dir;
    if dir.join("site.toml").exists() {
        return Err(Error::in_file(dir.join("site.toml"), "a site already exists here").into());
    }
    let holds_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if holds_files && !args.force {
        return Err(Error::in_file(dir, "the folder is not empty")
            .with_help("start the site in a new folder, or add --force (which still never overwrites a file)")
            .into());
    }
    let files: [(&str, &str); 5] = [
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
        // The output, and photo versions made again from the photos.
        (".gitignore", "/public\n/.bulletin-cache\n"),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        // `create_new`: an existing file (with --force) is kept as it is.
        match std::fs::File::create_new(&path) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, text.as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                println!("Kept {} as it was", path.display());
            }
            Err(e) => return Err(Error::io(&path, e).into()),
        }
    }
    println!(
        "Created a new bulletin in {}. Build it with: bulletin build --root {}",
        dir.display(),
        dir.display()
    );
    Ok(())
}
