//! Article bodies to HTML: Markdown (whole, or just its summary) and
//! plain wire text.

use crate::content::markdown::{
    self, HeadingIds, Highlighter, MarkdownError, Rendered, pulldown_cmark_escape_html,
};
use crate::content::wire::Block;
use crate::content::{Article, Body};
use crate::error::{Error, Position, Result};
use crate::site::Site;

/// Renders an article's body to HTML, or only its summary.
pub(super) fn render_body(
    site: &Site,
    a: &Article,
    summary_only: bool,
    highlighter: &Highlighter,
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
            };
            render(text, &settings).map_err(|e| markdown_error(&a.source, a.body_line, text, e))
        }
    }
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
    let (target, offset, missing) = match e {
        MarkdownError::BrokenLink { target, offset } => (target, offset, false),
        MarkdownError::MissingFile { target, offset } => (target, offset, true),
    };
    let at = Position::of_offset(text, offset);
    Error {
        position: Some(Position {
            line: at.line + body_line - 1,
            ..at
        }),
        source_line: text.lines().nth(at.line - 1).map(str::to_owned),
        ..Error::in_file(
            source,
            match missing {
                false => format!(
                    "{} links to {target}, but {} does not exist",
                    source.display(),
                    missing_file(&target)
                ),
                true => format!(
                    "{} shows or links to {target}, but its story folder has no such file",
                    source.display()
                ),
            },
        )
    }
    .with_help(match missing {
        false => "write @/ links as @/<language>/<section>/<file>.md, relative to content/, or @/static/<file> for a static file",
        true => "put the file in the story folder (next to index.md), or write /<file> for one under static/",
    })
}

/// What a relative link or image of `a` names: a file of its story
/// folder (a photo's `<picture>`), a photo under `static/`, or nothing of
/// the story's.
fn local_file(site: &Site, a: &Article, dest: &str, alt: Option<&str>) -> markdown::Local {
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
