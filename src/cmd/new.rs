//! `bulletin new PATH`: an article with front matter, ready to write in.

use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Errors};

/// Write a new article with front matter.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write it, e.g. content/en/news/my-story.md.
    pub path: std::path::PathBuf,
    /// Its title.
    #[arg(long)]
    pub title: Option<String>,
    /// Its language (else taken from the path).
    #[arg(long)]
    pub lang: Option<String>,
    /// The site folder, the one holding site.toml.
    #[arg(long, default_value = ".")]
    pub root: std::path::PathBuf,
}

pub fn run(args: Args) -> Result<(), Errors> {
    let Args {
        path,
        title,
        lang,
        root,
    } = args;
    let (root, path): (&Path, &Path) = (&root, &path);
    let config = Config::load(root).map_err(|e| e.relative_to(root))?;
    let target = if path.starts_with("content") || path.is_absolute() {
        root.join(path)
    } else {
        root.join("content").join(path)
    };
    if target.exists() {
        return Err(Error::in_file(&target, "the file already exists")
            .with_help("choose another name")
            .into());
    }
    let ext = target.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "md" && ext != "txt" {
        return Err(Error::in_file(
            &target,
            "articles end in .md (Markdown) or .txt (plain text)",
        )
        .into());
    }
    if let Some(l) = &lang
        && config.language(l).is_none()
    {
        return Err(Error::in_file(
            root.join("site.toml"),
            format!("`{l}` is not a language of this site"),
        )
        .with_help("add a [languages.…] table to site.toml")
        .into());
    }
    let title = title.unwrap_or_else(|| {
        target
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_default()
    });
    let zone = jiff::tz::db()
        .get(&config.timezone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let now = jiff::Timestamp::now().to_zoned_datetime(zone);
    let mut text = format!(
        "+++\ntitle = {}\ndate = {}\n",
        toml::Value::String(title),
        crate::locale::dates::rfc3339(&now)
    );
    // A language given but not implied by the path goes in the file name.
    let target = match lang {
        Some(l)
            if !target
                .strip_prefix(root.join("content"))
                .is_ok_and(|p| p.starts_with(&l)) =>
        {
            let stem = target
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            target.with_file_name(format!("{stem}.{l}.{ext}"))
        }
        _ => target,
    };
    if config.taxonomies.iter().any(|t| t == "tags") {
        text.push_str("tags = []\n");
    }
    text.push_str("+++\n\nWrite the first paragraph here.\n");
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&target, text).map_err(|e| Error::io(&target, e))?;
    println!("Created {}", target.display());
    Ok(())
}
