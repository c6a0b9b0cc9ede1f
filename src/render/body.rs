//! Article bodies to HTML: Markdown (whole, or just its summary) and
//! plain wire text.

use crate::content::markdown::{
    self, HeadingIds, Highlighter, MarkdownError, Rendered, pulldown_cmark_escape_html,
};
use crate::content::shortcodes::{self, Call, Part};
use crate::content::wire::Block;
use crate::content::{Article, Body};
use crate::error::{Error, Position, Result};
use crate::site::Site;

/// Renders one shortcode call: the call, its number in the story (from
/// 1) and its body's HTML. An error without a position is placed at the call.
pub(super) type CallFn<'a> = dyn Fn(&Call, usize, Option<String>) -> Result<String> + 'a;

/// Renders an article's body to HTML, or only its summary; `calls` renders
/// its shortcodes.
pub(super) fn render_body(
    site: &Site,
    a: &Article,
    summary_only: bool,
    highlighter: &Highlighter,
    calls: &CallFn,
    hooks: Option<markdown::HookFn>,
) -> Result<Rendered> {
    match &a.body {
        Body::Plain(blocks) => Ok(render_plain(blocks)),
        Body::Markdown {
            summary: Some(summary),
            words,
            ..
        } if summary_only => Ok(Rendered {
            summary: summary.clone(),
            words: *words,
            ..Rendered::default()
        }),
        Body::Markdown { .. } => {
            let text = a.markdown(&site.root)?;
            let text: &str = &text;
            let render = if summary_only {
                |text: &str, settings: &markdown::Settings| {
                    markdown::summarize(text, settings).map(|summary| Rendered {
                        summary,
                        words: markdown::count_words(text),
                        ..Rendered::default()
                    })
                }
            } else {
                markdown::render
            };
            let resolve =
                |target: &str| (site.link_path(target)).map(|path| site.config.relative_url(path));
            let local = |dest: &str, alt: Option<&str>| local_file(site, a, dest, alt);
            let settings = markdown::Settings {
                unsafe_html: site.config.markdown.unsafe_html,
                highlight: site.config.markdown.highlight_code.then_some(highlighter),
                resolve: &resolve,
                base_path: &site.config.base_path,
                local: Some(&local),
                hooks,
            };
            if a.has_shortcodes
                && let Some(parts) = shortcodes::parse(text)
                    .map_err(|e| crate::content::shortcode_error(&a.source, text, e.offset, e))?
            {
                let mut expander = Expander {
                    a,
                    text,
                    settings: &settings,
                    calls,
                    made: Vec::new(),
                    nth: 0,
                };
                let (md, segments) = expander.flatten(&parts, summary_only)?;
                let placed = |e| markdown_error(&a.source, a.body_line, text, moved(e, &segments));
                let mut rendered = render(&md, &settings).map_err(placed)?;
                rendered.html = expander.fill(&rendered.html);
                rendered.summary = expander.fill(&rendered.summary);
                rendered.words = markdown::count_words(text);
                return Ok(rendered);
            }
            render(text, &settings).map_err(|e| markdown_error(&a.source, a.body_line, text, e))
        }
    }
}

/// Where a private-use token stands for a shortcode's HTML in the Markdown
/// handed to pulldown-cmark: `\u{E000}` number `\u{E001}`, which Markdown
/// leaves alone and no story types.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A run of the story's text in the Markdown made from it: (offset there,
/// offset in the story, length), to place an error found in the one in
/// the other.
type Segments = Vec<(usize, usize, usize)>;

/// An error's offset in the made Markdown moved to the story's text.
fn moved(mut e: MarkdownError, segments: &Segments) -> MarkdownError {
    let offset = e.offset_mut();
    *offset = (segments.iter())
        .rev()
        .find(|(made, _, _)| *made <= *offset)
        .map_or(*offset, |(made, orig, len)| {
            orig + (*offset - made).min(*len)
        });
    e
}

/// Renders a story's shortcodes and stands tokens for them in its Markdown.
struct Expander<'a> {
    a: &'a Article,
    text: &'a str,
    settings: &'a markdown::Settings<'a>,
    calls: &'a CallFn<'a>,
    /// Each call's HTML, by token number.
    made: Vec<String>,
    nth: usize,
}

impl Expander<'_> {
    /// The Markdown of `parts`, each call a token (in a summary, a call on
    /// a line of its own is left out: summaries are text).
    fn flatten(&mut self, parts: &[Part], summary: bool) -> Result<(String, Segments)> {
        let text = self.text;
        let mut md = String::with_capacity(text.len());
        let mut segments = Segments::new();
        for part in parts {
            match part {
                Part::Text(range) => {
                    segments.push((md.len(), range.start, range.len()));
                    md.push_str(&text[range.clone()]);
                }
                Part::Literal(literal) => md.push_str(literal),
                Part::Call(call) => {
                    let block = on_own_line(text, &call.span);
                    self.nth += 1;
                    if summary && block {
                        continue;
                    }
                    let nth = self.nth;
                    let body = match &call.body {
                        Some((body, _)) => {
                            let (body_md, body_segments) = self.flatten(body, false)?;
                            let placed = |e| {
                                markdown_error(
                                    &self.a.source,
                                    self.a.body_line,
                                    text,
                                    moved(e, &body_segments),
                                )
                            };
                            let html = markdown::render(&body_md, self.settings).map_err(placed)?;
                            Some(self.fill(&html.html))
                        }
                        None => None,
                    };
                    let html = (self.calls)(call, nth, body).map_err(|e| self.at_call(call, e))?;
                    let token = format!("{OPEN}{}{CLOSE}", self.made.len());
                    self.made.push(html);
                    match block {
                        true => md.push_str(&format!("\n\n{token}\n\n")),
                        false => md.push_str(&token),
                    }
                }
            }
        }
        Ok((md, segments))
    }

    /// An error of a call placed at it, unless it names a place already
    /// (a template's line).
    fn at_call(&self, call: &Call, mut e: Error) -> Error {
        if e.position.is_none() {
            let at = Position::of_offset(self.text, call.span.start);
            e.position = Some(Position {
                line: at.line + self.a.body_line - 1,
                ..at
            });
            e.source_line = self.text.lines().nth(at.line - 1).map(str::to_owned);
            e.file = Some(self.a.source.clone());
        }
        e
    }

    /// `html` with each token replaced by its call's HTML (a paragraph
    /// holding only a token is replaced whole: a figure is no paragraph).
    fn fill(&self, html: &str) -> String {
        if !html.contains(OPEN) {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        while let Some(at) = rest.find(OPEN) {
            let Some(len) = rest[at..].find(CLOSE) else {
                break;
            };
            let number: usize = rest[at + OPEN.len_utf8()..at + len]
                .parse()
                .unwrap_or(usize::MAX);
            let made = self.made.get(number).map_or("", String::as_str);
            let before = &rest[..at];
            let after = &rest[at + len + CLOSE.len_utf8()..];
            match (before.strip_suffix("<p>"), after.strip_prefix("</p>")) {
                (Some(before), Some(after)) => {
                    out.push_str(before);
                    out.push_str(made);
                    rest = after.strip_prefix('\n').unwrap_or(after);
                    out.push('\n');
                }
                _ => {
                    out.push_str(before);
                    out.push_str(made);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Whether the call at `span` has its line(s) to itself.
fn on_own_line(text: &str, span: &std::ops::Range<usize>) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |n| span.end + n);
    text[line_start..span.start].trim().is_empty() && text[span.end..line_end].trim().is_empty()
}

/// An error in the Markdown `text` of `source`, whose body starts on line
/// `body_line`: placed in the body's text, then moved down to where the
/// body starts in the file (the file is not read again).
pub(super) fn markdown_error(
    source: &std::path::Path,
    body_line: usize,
    text: &str,
    e: MarkdownError,
) -> Error {
    let (offset, message, help) = match e {
        MarkdownError::BrokenLink { target, offset } => (
            offset,
            format!(
                "{} links to {target}, but {} does not exist",
                source.display(),
                missing_file(&target)
            ),
            "write @/ links as @/<language>/<section>/<file>.md, relative to content/, or @/static/<file> for a static file",
        ),
        MarkdownError::MissingFile { target, offset } => (
            offset,
            format!(
                "{} shows or links to {target}, but its story folder has no such file",
                source.display()
            ),
            "put the file in the story folder (next to index.md), or write /<file> for one under static/",
        ),
        MarkdownError::Hook { message, offset } => (
            offset,
            message,
            "fix the render hook's template (templates/hooks/), or remove it for the default",
        ),
    };
    let at = Position::of_offset(text, offset);
    Error {
        position: Some(Position {
            line: at.line + body_line - 1,
            ..at
        }),
        source_line: text.lines().nth(at.line - 1).map(str::to_owned),
        ..Error::in_file(source, message)
    }
    .with_help(help)
}

/// What a relative link or image of `a` names: a file of its story
/// folder (a photo's `<picture>`), a photo under `static/`, or nothing of
/// the story's.
pub(super) fn local_file(
    site: &Site,
    a: &Article,
    dest: &str,
    alt: Option<&str>,
) -> markdown::Local {
    use markdown::Local;
    if dest.contains(':') || dest.starts_with('#') || dest.starts_with("//") || dest.is_empty() {
        return Local::Keep;
    }
    let cut = dest.find(['#', '?']).unwrap_or(dest.len());
    let (name, rest) = dest.split_at(cut);
    let name = name.strip_prefix("./").unwrap_or(name);
    let config = &site.config;
    let url = |path: &str| config.relative_url(path);
    let picture = |source: &std::path::Path| {
        let photo = site.photos.get(source)?;
        let alt = alt?;
        Some(Local::Picture(crate::images::picture(
            photo,
            alt,
            &url,
            false,
            crate::images::STORY_SIZES,
        )))
    };
    if let Some(path) = name.strip_prefix('/') {
        return picture(&std::path::Path::new("static").join(path)).unwrap_or(Local::Keep);
    }
    let Some(folder) = &a.bundle else {
        return Local::Keep;
    };
    if a.assets.iter().any(|n| n == name) {
        let source = std::path::Path::new("content").join(folder).join(name);
        if rest.is_empty()
            && let Some(p) = picture(&source)
        {
            return p;
        }
        let page = site
            .by_content_path
            .get(&a.content_path)
            .map_or("/", |&i| site.paths[i].as_str());
        return Local::Url(format!("{}{rest}", url(&format!("{page}{name}"))));
    }
    // A name with an extension is meant as a file; a folder link may lead
    // anywhere on the site.
    match name
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
        && !name.starts_with("..")
    {
        true => Local::Missing,
        false => Local::Keep,
    }
}

/// The file an `@/` target names: under `static/` or under `content/`.
fn missing_file(target: &str) -> String {
    let path = target[2..].split('#').next().unwrap_or("");
    match path.starts_with("static/") {
        true => path.to_string(),
        false => format!("content/{path}"),
    }
}

/// Wire text: escaped paragraphs and sub-headings with ids.
pub(super) fn render_plain(blocks: &[Block]) -> Rendered {
    let mut ids = HeadingIds::default();
    let mut r = Rendered::default();
    for block in blocks {
        match block {
            Block::Paragraph(text) => {
                r.words += markdown::count_words(text);
                r.html
                    .push_str(&format!("<p>{}</p>\n", pulldown_cmark_escape_html(text)));
                if r.summary.is_empty() {
                    r.summary = r.html.clone();
                }
            }
            Block::Heading(text) => {
                let id = ids.next(text);
                r.words += markdown::count_words(text);
                r.html.push_str(&format!(
                    "<h2 id=\"{id}\">{}</h2>\n",
                    pulldown_cmark_escape_html(text)
                ));
                r.toc.push(markdown::Heading {
                    level: 2,
                    id,
                    title: text.clone(),
                    children: Vec::new(),
                });
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_blocks_render_escaped() {
        let r = render_plain(&[
            Block::Paragraph("<b>&</b>".into()),
            Block::Heading("A & B".into()),
        ]);
        assert!(r.html.contains("<p>&lt;b&gt;&amp;&lt;/b&gt;</p>"));
        assert!(r.html.contains("<h2 id=\"a-b\">A &amp; B</h2>"));
        assert_eq!(r.toc.len(), 1);
    }
}
