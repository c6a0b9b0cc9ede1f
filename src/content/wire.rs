//! Plain-text wire copy: a dateline with an IANA zone, a bulleted headline,
//! then paragraphs separated by blank lines.
//!
//! ```text
//! Jul 12, 2018 07:08 Asia/Tehran
//!   • Headline of the story
//!
//! First paragraph.
//!
//! A short line with no closing punctuation
//! ```
//!
//! Hand-written because the format is ours: no crate reads it.

use std::path::Path;

use jiff::ZonedDateTime;

use crate::error::{Error, Result};
use crate::locale::dates::parse_dateline;

/// A block of wire text. Text is kept raw; it is escaped when rendered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Block {
    Paragraph(String),
    Heading(String),
}

/// The parts of a wire story without front matter.
#[derive(Debug)]
pub struct WireStory {
    pub date: ZonedDateTime,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Longest line, in characters, read as a sub-heading.
const HEADING_MAX_CHARS: usize = 80;

/// Characters that close a sentence (or a quotation ending one) in English,
/// Russian and Persian: a line ending in one is prose, not a heading.
const CLOSING: &[char] = &[
    '.', '!', '?', '…', ':', ';', ',', '"', '\'', '”', '’', '»', ')', ']', '؟', '۔', '،', '؛',
];

/// Reads a wire story: the dateline, the headline and the body.
pub fn parse(path: &Path, text: &str) -> Result<WireStory> {
    let mut lines = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty());
    let (dateline_index, dateline) = lines.next().ok_or_else(|| {
        Error::in_file(path, "empty wire story")
            .with_help("start it with a dateline such as `Jul 12, 2018 07:08 Asia/Tehran`")
    })?;
    let date = parse_dateline(dateline).map_err(|m| {
        Error::at(
            path,
            text,
            crate::error::Position {
                line: dateline_index + 1,
                column: 1,
            },
            m,
        )
        .with_help(
            "a .txt file without front matter is wire copy: its first line is a dateline \
             `Mon DD, YYYY HH:MM Area/City`; or give it +++ front matter",
        )
    })?;
    let (headline_index, headline) =
        lines.find(|(_, l)| !l.trim().is_empty()).ok_or_else(|| {
            Error::in_file(path, "wire story has a dateline but no headline")
                .with_help("put the headline on the line after the dateline, e.g. `  • Headline`")
        })?;
    let title = headline
        .trim()
        .trim_start_matches(['•', '*', '-', '·', '●'])
        .trim()
        .to_string();
    if title.is_empty() {
        return Err(Error::at(
            path,
            text,
            crate::error::Position {
                line: headline_index + 1,
                column: 1,
            },
            "the headline is empty",
        ));
    }
    let body_start: usize = text
        .lines()
        .take(headline_index + 1)
        .map(|l| l.len() + 1)
        .sum();
    Ok(WireStory {
        date,
        title,
        blocks: blocks(text.get(body_start..).unwrap_or("")),
    })
}

/// Splits body text into paragraphs and sub-headings.
pub fn blocks(body: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        if lines.is_empty() {
            return;
        }
        let block = if lines.len() == 1 && is_heading(lines[0]) {
            Block::Heading(lines[0].to_string())
        } else {
            Block::Paragraph(lines.join(" "))
        };
        blocks.push(block);
        lines.clear();
    };
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut lines);
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines);
    blocks
}

fn is_heading(line: &str) -> bool {
    line.chars().count() <= HEADING_MAX_CHARS
        && line.chars().any(char::is_alphabetic)
        && !line.ends_with(CLOSING)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Mar 3, 2019 09:15 Europe/Moscow\n  • Museums agree on a loan\n\n\
        The two museums signed an agreement on Monday.\nIt runs for three years.\n\n\
        What the agreement covers\n\n\n\"It is a start,\" the director said.\n";

    #[test]
    fn reads_dateline_headline_and_blocks() {
        let story = parse(Path::new("a.txt"), STORY).unwrap();
        assert_eq!(
            crate::locale::dates::rfc3339(&story.date),
            "2019-03-03T09:15:00+03:00"
        );
        assert_eq!(story.title, "Museums agree on a loan");
        assert_eq!(
            story.blocks,
            vec![
                Block::Paragraph(
                    "The two museums signed an agreement on Monday. It runs for three years."
                        .into()
                ),
                Block::Heading("What the agreement covers".into()),
                Block::Paragraph("\"It is a start,\" the director said.".into()),
            ]
        );
    }

    #[test]
    fn persian_question_is_not_a_heading() {
        assert_eq!(blocks("چه خبر؟"), vec![Block::Paragraph("چه خبر؟".into())]);
        assert_eq!(
            blocks("همکاری رسانه‌ای"),
            vec![Block::Heading("همکاری رسانه‌ای".into())]
        );
    }

    #[test]
    fn bad_dateline_points_at_it() {
        let e = parse(Path::new("a.txt"), "\nYesterday at noon\n  • Title\n").unwrap_err();
        assert_eq!(e.position.unwrap().line, 2);
        let e = parse(
            Path::new("a.txt"),
            "Jul 12, 2018 07:08 Mars/Olympus\n  • Title\n",
        )
        .unwrap_err();
        assert!(e.message.contains("Mars/Olympus"), "{}", e.message);
    }
}
