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
    let content = root.join("content");
    let inside = inside_content(root, path).ok_or_else(|| {
        Error::in_file(path, "a new article must go inside content/")
            .with_help("give a path such as content/en/news/my-story.md, without `..`")
    })?;
    let target = content.join(&inside);
    if std::fs::symlink_metadata(&target).is_ok() {
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
    if let Some(l) = &lang {
        if config.language(l).is_none() {
            return Err(Error::in_file(
                root.join("site.toml"),
                format!("`{l}` is not a language of this site"),
            )
            .with_help("add a [languages.…] table to site.toml")
            .into());
        }
        // A path in another language's folder would build in that language.
        if let Some(folder) = inside.iter().next().and_then(|f| f.to_str())
            && folder != l
            && config.language(folder).is_some()
        {
            return Err(Error::in_file(
                &target,
                format!("the path is in the `{folder}` language's folder, but --lang is `{l}`"),
            )
            .with_help(format!("write it under content/{l}/, or leave out --lang"))
            .into());
        }
    }
    let title = one_line(&title.unwrap_or_else(|| {
        target
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_default()
    }));
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
    // `create_new`: never over a file that appeared since the check above.
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create_new(&target)?;
        file.write_all(text.as_bytes())
    };
    write().map_err(|e| Error::io(&target, e))?;
    println!("Created {}", target.display());
    Ok(())
}

/// `path` (as given, from the site folder) as a path inside `content/`, if
/// it stays there: relative paths may leave out `content/`, `..` is refused.
fn inside_content(root: &Path, path: &Path) -> Option<std::path::PathBuf> {
    use std::path::Component;
    let rel = match path.is_absolute() {
        true => path
            .strip_prefix(root.join("content"))
            .or_else(|_| {
                let root = std::path::absolute(root).unwrap_or_default();
                path.strip_prefix(root.join("content"))
            })
            .ok()?,
        false => path.strip_prefix("content").unwrap_or(path),
    };
    let parts: Vec<_> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if parts.is_empty() || !parts.iter().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(parts.iter().collect())
}

/// A title on one line: control characters (a pasted newline, a tab) become
/// spaces, so the front matter always parses.
fn one_line(title: &str) -> String {
    let spaced: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_articles_stay_inside_content() {
        let root = Path::new("/site");
        assert_eq!(
            inside_content(root, Path::new("content/en/news/x.md")),
            Some("en/news/x.md".into())
        );
        assert_eq!(
            inside_content(root, Path::new("en/x.md")),
            Some("en/x.md".into())
        );
        assert_eq!(
            inside_content(root, Path::new("/site/content/en/x.md")),
            Some("en/x.md".into())
        );
        for bad in [
            "../../x.md",
            "content/../x.md",
            "en/../../x.md",
            "/etc/x.md",
            "content",
        ] {
            assert_eq!(inside_content(root, Path::new(bad)), None, "{bad}");
        }
    }

    #[test]
    fn titles_are_one_line() {
        assert_eq!(one_line("A\n+++\nb\t c\r"), "A +++ b c");
    }
}
