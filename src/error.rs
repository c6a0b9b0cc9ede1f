//! Errors a user can act on: each names the file, the line and column where
//! known, and what to do about it.
//!
//! The rendering (a source line with a caret under the offending spot) is
//! small enough that a diagnostics crate would cost more than it saves: we
//! only ever point at one spot in one file.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of a byte offset in `text`. Columns count characters,
    /// not bytes, so a caret lines up under Persian or Cyrillic text.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// An error in the user's site: a file, maybe a position in it, a message and
/// a hint about what to do.
#[derive(Debug, Clone)]
pub struct Error {
    pub file: Option<PathBuf>,
    pub position: Option<Position>,
    /// The offending source line, shown under the message with a caret.
    pub source_line: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error that is not about one file (a bad flag, a port in use).
    pub fn msg(message: impl Into<String>) -> Error {
        Error {
            file: None,
            position: None,
            source_line: None,
            message: message.into(),
            help: None,
        }
    }

    /// An error about `file` as a whole.
    pub fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error {
            file: Some(file.as_ref().to_path_buf()),
            ..Error::msg(message)
        }
    }

    /// An error at a byte offset of `text`, the full contents of `file`.
    pub fn at_offset(
        file: impl AsRef<Path>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Error {
        let position = Position::of_offset(text, offset);
        Error::at(file, text, position, message)
    }

    /// An error at `position` of `text`, the full contents of `file`.
    pub fn at(
        file: impl AsRef<Path>,
        text: &str,
        position: Position,
        message: impl Into<String>,
    ) -> Error {
        Error {
            source_line: text.lines().nth(position.line - 1).map(str::to_owned),
            position: Some(position),
            ..Error::in_file(file, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    /// Paths in messages are shown relative to the site root when they are
    /// inside it: `content/en/news/story.md`, not a long absolute path.
    pub fn relative_to(mut self, root: &Path) -> Error {
        if let Some(file) = &self.file
            && let Ok(rel) = file.strip_prefix(root)
        {
            self.file = Some(rel.to_path_buf());
        }
        self
    }

    pub fn io(file: impl AsRef<Path>, err: std::io::Error) -> Error {
        let file = file.as_ref();
        Error::in_file(file, format!("cannot access {}: {err}", file.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if let Some(file) = &self.file {
            match self.position {
                Some(p) => writeln!(f, "  --> {}:{}:{}", file.display(), p.line, p.column)?,
                None => writeln!(f, "  --> {}", file.display())?,
            }
        }
        if let (Some(line), Some(p)) = (&self.source_line, self.position) {
            let number = p.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {line}")?;
            // Tabs are kept so the caret lines up in a terminal.
            let lead: String = line
                .chars()
                .take(p.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {lead}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Several errors found in one pass (every broken file, not just the first).
#[derive(Debug)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// `Ok` when nothing went wrong, else every error.
    pub fn result(errors: Vec<Error>) -> std::result::Result<(), Errors> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Errors(errors))
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        match self.0.len() {
            1 => Ok(()),
            n => writeln!(f, "{n} errors; nothing was written."),
        }
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Errors {
        Errors(vec![e])
    }
}

/// Most warnings printed one per line; the rest are counted.
const MAX_WARNINGS: usize = 10;

/// Prints warnings to stderr, at most ten of them and a count of the rest,
/// so a site with hundreds of future-dated articles stays readable. A closed
/// stderr is ignored.
pub fn print_warnings(warnings: &[String]) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for w in warnings.iter().take(MAX_WARNINGS) {
        let _ = writeln!(err, "warning: {w}");
    }
    if warnings.len() > MAX_WARNINGS {
        let _ = writeln!(err, "warning: … and {} more", warnings.len() - MAX_WARNINGS);
    }
}

/// ` (did you mean `x`?)` for the known name nearest `word`, if one is
/// near enough to be a typo (or a name from Zola or Hugo we know the
/// bulletin spelling of); else nothing.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(word, known) {
        Some(name) => format!(" (did you mean `{name}`?)"),
        None => String::new(),
    }
}

/// The known name nearest `word`: the bulletin name of a Zola or Hugo
/// one, else the closest by edit distance, if close enough to be a typo.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    const RENAMED: [(&str, &str); 14] = [
        ("trans", "t"),
        ("lastmod", "updated"),
        ("lastMod", "updated"),
        ("publishDate", "publish_date"),
        ("expiryDate", "expiry_date"),
        ("translationKey", "translation_key"),
        ("author", "authors"),
        ("images", "image"),
        ("cover", "image"),
        ("get_file_hash", "asset"),
        ("url_for", "get_url"),
        ("relref", "get_url"),
        ("ref", "get_url"),
        ("get_taxonomy_url", "get_url"),
    ];
    let known: Vec<&str> = known.into_iter().collect();
    if let Some((_, to)) = RENAMED.iter().find(|(from, _)| *from == word)
        && let Some(&name) = known.iter().find(|k| *k == to)
    {
        return Some(name);
    }
    let lower = word.to_lowercase();
    known
        .into_iter()
        .filter(|k| *k != word)
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(word.chars().count()) / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "title = \"x\"\nتیتر = 3";
        let offset = text.find('=').unwrap();
        assert_eq!(
            Position::of_offset(text, offset),
            Position { line: 1, column: 7 }
        );
        let offset = text.rfind('=').unwrap();
        assert_eq!(
            Position::of_offset(text, offset),
            Position { line: 2, column: 6 }
        );
    }

    #[test]
    fn display_shows_file_line_and_caret() {
        let text = "a = 1\nb = oops\n";
        let e = Error::at_offset("site.toml", text, 10, "bad value").with_help("quote it");
        let shown = e.to_string();
        assert!(shown.contains("--> site.toml:2:5"), "{shown}");
        assert!(shown.contains("2 | b = oops\n  |     ^"), "{shown}");
        assert!(shown.contains("help: quote it"), "{shown}");
    }
}
