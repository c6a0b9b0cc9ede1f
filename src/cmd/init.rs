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
    /// Also write .github/workflows/publish.yml, which builds the site and
    /// publishes it with GitHub Pages at the repository's sub-path (in an
    /// existing site, only the workflow is written).
    #[arg(long)]
    pub github_pages: bool,
}

/// The GitHub Pages workflow.
const PAGES_WORKFLOW: (&str, &str) = (
    ".github/workflows/publish.yml",
    include_str!("init/pages.yml"),
);

pub fn run(args: Args) -> Result<(), Errors> {
    let dir: &Path = &args.dir;
    if args.github_pages && dir.join("site.toml").exists() {
        write_files(dir, &[PAGES_WORKFLOW])?;
        println!(
            "Wrote {}: set BULLETIN_GIT and the Pages source as its first lines say",
            dir.join(PAGES_WORKFLOW.0).display()
        );
        return Ok(());
    }
    if dir.join("site.toml").exists() {
        return Err(Error::in_file(dir.join("site.toml"), "a site already exists here").into());
    }
    let holds_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if holds_files && !args.force {
        return Err(Error::in_file(dir, "the folder is not empty")
            .with_help("start the site in a new folder, or add --force (which still never overwrites a file)")
            .into());
    }
    let mut files: Vec<(&str, &str)> = vec![
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
    if args.github_pages {
        files.push(PAGES_WORKFLOW);
    }
    write_files(dir, &files)?;
    println!(
        "Created a new bulletin in {}. Build it with: bulletin build --root {}",
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// Writes `files` under `dir`, keeping any that exists.
fn write_files(dir: &Path, files: &[(&str, &str)]) -> Result<(), Errors> {
    for &(path, text) in files {
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
    Ok(())
}
