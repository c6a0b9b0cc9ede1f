//! Markdown → HTML with pulldown-cmark: heading ids, a table of contents,
//! per-article footnote ids, syntect highlighting and `@/` internal links.

use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::config::Slugify;
use crate::locale::slug::slugify;

/// CSS classes of highlighted code are prefixed so they cannot clash with
/// the theme's own classes.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// One heading of an article, with the headings under it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// A rendered article body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Before `<!-- more -->`, else the first paragraph.
    pub summary: String,
    pub toc: Vec<Heading>,
    /// Words of text, for reading time (counted by the caller, from the
    /// source: the summary-only render never sees the whole text).
    pub words: usize,
}

/// Hands out unique heading ids on one page.
#[derive(Default)]
pub struct HeadingIds(HashMap<String, usize>);

impl HeadingIds {
    pub fn next(&mut self, text: &str) -> String {
        let mut base = slugify(text, Slugify::Unicode);
        if base.is_empty() {
            base = "section".into();
        }
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{}", *n - 1)
        }
    }
}

/// Why a Markdown body could not be rendered.
#[derive(Debug, PartialEq, Eq)]
pub enum MarkdownError {
    /// An `@/` link whose target is not an article; the byte offset is in the body.
    BrokenLink { target: String, offset: usize },
    /// A relative link or image naming no file of the story folder.
    MissingFile { target: String, offset: usize },
    /// A render hook's template failed.
    Hook { message: String, offset: usize },
}

impl MarkdownError {
    /// Where in the body it is (a byte offset).
    pub fn offset_mut(&mut self) -> &mut usize {
        match self {
            MarkdownError::BrokenLink { offset, .. }
            | MarkdownError::MissingFile { offset, .. }
            | MarkdownError::Hook { offset, .. } => offset,
        }
    }
}

/// A piece of a text that a theme may render itself, with a template of
/// `templates/hooks/` (`heading.html`, `link.html`, `image.html`,
/// `codeblock.html`); `html` is what bulletin would make of it.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Hook<'a> {
    Heading {
        level: u8,
        id: &'a str,
        /// The heading's plain text.
        text: &'a str,
        /// Its inner HTML.
        content: &'a str,
        html: &'a str,
    },
    Link {
        url: &'a str,
        title: &'a str,
        content: &'a str,
        external: bool,
        html: &'a str,
    },
    Image {
        url: &'a str,
        alt: &'a str,
        title: &'a str,
        html: &'a str,
    },
    #[serde(rename = "codeblock")]
    CodeBlock {
        lang: &'a str,
        code: &'a str,
        html: &'a str,
    },
}

/// Renders a hook with the theme's template: `None` when it has none for
/// that kind, else the HTML or what went wrong.
pub type HookFn<'a> = &'a dyn Fn(&Hook) -> Option<Result<String, String>>;

/// What a relative link or image of a story resolves to.
pub enum Local {
    /// Not the story's file: rendered as written.
    Keep,
    /// A file of the story's folder, at this URL.
    Url(String),
    /// A photo: its `<picture>` markup.
    Picture(String),
    /// Named like a file of the story folder, which has none such.
    Missing,
}

/// Resolves a link's or image's destination; given the alt text for an image.
pub type LocalFn<'a> = &'a dyn Fn(&str, Option<&str>) -> Local;

/// The syntax definitions, loaded on first use only: most bulletins have no code.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Renders only the summary of `body` (up to `<!-- more -->`, else the
/// first paragraph), parsing no further than that: lists need summaries of
/// every article, while the full text is rendered once, for its own page.
pub fn summarize(body: &str, settings: &Settings) -> Result<String, MarkdownError> {
    // pulldown-cmark reads a whole text before it hands out its first
    // event, so a summary is first made from the text up to the marker's
    // line alone (parsing whole articles for their summaries was 3 % of a
    // build). Markdown is read line by line, so when that finds the marker
    // as a block of its own, the whole text has it there too, with the same
    // text before it; only link reference and footnote definitions (`]:`)
    // after it could change what comes before. Else the whole text is used.
    if let Some(at) = memchr::memmem::find(body.as_bytes(), b"<!-- more -->") {
        let end = body[at..].find('\n').map_or(body.len(), |n| at + n + 1);
        if memchr::memmem::find(&body.as_bytes()[end..], b"]:").is_none() {
            let (head, found) = render_summary(&body[..end], settings)?;
            if found {
                return Ok(head);
            }
        }
    }
    render_summary(body, settings).map(|(summary, _)| summary)
}

/// The summary of `body`, and whether it ended at a `<!-- more -->` block.
fn render_summary(body: &str, settings: &Settings) -> Result<(String, bool), MarkdownError> {
    let mut at_marker = false;
    let r = render_inner(body, settings, Some(&mut at_marker))?;
    Ok((r.summary, at_marker))
}

/// How a text is rendered.
#[derive(Clone, Copy)]
pub struct Settings<'a> {
    /// Raw HTML is kept (else escaped, and links limited to safe schemes).
    pub unsafe_html: bool,
    pub highlight: Option<&'a Highlighter>,
    /// Maps an `@/en/news/story.md` target (without the `@/`) to its URL.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// The site's path under its host (`/bulletin` for a project site),
    /// put before root-relative links and images (`/images/x.png`).
    pub base_path: &'a str,
    /// The story's own files and photos, for relative links and images
    /// (and `/static` photos); `None` renders every destination as written.
    pub local: Option<LocalFn<'a>>,
    /// The theme's render hooks, if it has any.
    pub hooks: Option<HookFn<'a>>,
}

/// Renders `body`.
pub fn render(body: &str, settings: &Settings) -> Result<Rendered, MarkdownError> {
    render_inner(body, settings, None)
}

fn render_inner(
    body: &str,
    settings: &Settings,
    // Given for a summary only, and told whether it ended at the marker.
    at_marker: Option<&mut bool>,
) -> Result<Rendered, MarkdownError> {
    let &Settings {
        unsafe_html,
        highlight,
        resolve,
        base_path,
        local,
        hooks,
    } = settings;
    // A hook's answer, or `None` to render the default.
    let hook = |h: Hook, offset: usize| -> Result<Option<String>, MarkdownError> {
        match hooks.and_then(|f| f(&h)) {
            None => Ok(None),
            Some(Ok(html)) => Ok(Some(html)),
            Some(Err(message)) => Err(MarkdownError::Hook { message, offset }),
        }
    };
    let summary_only = at_marker.is_some();
    let has_more = summary_only && super::has(body, "<!-- more -->");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Vec::new();
    let mut ids = HeadingIds::default();
    let mut flat_toc: Vec<(u8, String, String)> = Vec::new();
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut more_at: Option<usize> = None;
    let mut first_paragraph_end: Option<usize> = None;
    let mut depth = 0usize;

    let mut parser = Parser::new_ext(body, options).into_offset_iter().peekable();
    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Collect the heading's inner events to learn its text.
                let mut inner = Vec::new();
                let mut text = String::new();
                for (e, _) in parser.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                    inner.push(e);
                }
                let id = id.map_or_else(|| ids.next(&text), |i| i.to_string());
                // The heading links to itself, unless it holds a link.
                let linked = !inner
                    .iter()
                    .any(|e| matches!(e, Event::Start(Tag::Link { .. })));
                if hooks.is_some() {
                    let mut content = String::new();
                    pulldown_cmark::html::push_html(&mut content, inner.iter().cloned());
                    let n = heading_number(level);
                    let eid = pulldown_cmark_escape_html(&id);
                    let html = match linked {
                        true => format!(
                            "<h{n} id=\"{eid}\"><a class=\"anchor\" href=\"#{eid}\">{content}</a></h{n}>"
                        ),
                        false => format!("<h{n} id=\"{eid}\">{content}</h{n}>"),
                    };
                    let h = Hook::Heading {
                        level: n,
                        id: &id,
                        text: &text,
                        content: &content,
                        html: &html,
                    };
                    if let Some(made) = hook(h, range.start)? {
                        flat_toc.push((n, id.clone(), text));
                        events.push(Event::Html(format!("{made}\n").into()));
                        continue;
                    }
                }
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id.clone())),
                    classes,
                    attrs,
                }));
                if linked {
                    events.push(Event::InlineHtml(
                        format!(
                            "<a class=\"anchor\" href=\"#{}\">",
                            pulldown_cmark_escape_html(&id)
                        )
                        .into(),
                    ));
                }
                events.extend(inner);
                if linked {
                    events.push(Event::InlineHtml("</a>".into()));
                }
                events.push(Event::End(TagEnd::Heading(level)));
                flat_toc.push((heading_number(level), id, text));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => code_language(info),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                let html = code_block(&code, &lang, highlight);
                let h = Hook::CodeBlock {
                    lang: &lang,
                    code: &code,
                    html: &html,
                };
                let made = match hooks {
                    Some(_) => hook(h, range.start)?.map(|m| format!("{m}\n")),
                    None => None,
                };
                events.push(Event::Html(made.unwrap_or(html).into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (target, fragment) = match dest_url[2..].split_once('#') {
                    Some((t, f)) => (t, Some(f)),
                    None => (&dest_url[2..], None),
                };
                let Some(url) = resolve(target) else {
                    return Err(MarkdownError::BrokenLink {
                        target: dest_url.to_string(),
                        offset: range.start,
                    });
                };
                let url = match fragment {
                    Some(f) => format!("{url}#{f}"),
                    None => url,
                };
                depth += 1;
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match local.map(|f| f(&dest_url, None)) {
                    Some(Local::Url(url)) => url.into(),
                    Some(Local::Missing) => {
                        return Err(MarkdownError::MissingFile {
                            target: dest_url.to_string(),
                            offset: range.start,
                        });
                    }
                    _ => destination(dest_url, unsafe_html, base_path),
                };
                let external = is_external(&dest_url);
                if hooks.is_some() {
                    let mut inner = Vec::new();
                    for (e, _) in parser.by_ref() {
                        if matches!(e, Event::End(TagEnd::Link)) {
                            break;
                        }
                        inner.push(e);
                    }
                    let mut content = String::new();
                    pulldown_cmark::html::push_html(&mut content, inner.iter().cloned());
                    let html = format!("{}{content}</a>", link_start(&dest_url, &title, external));
                    let h = Hook::Link {
                        url: &dest_url,
                        title: &title,
                        content: &content,
                        external,
                        html: &html,
                    };
                    let made = hook(h, range.start)?.unwrap_or(html);
                    events.push(Event::InlineHtml(made.into()));
                    continue;
                }
                depth += 1;
                if external {
                    // Its own tag, for `rel`; pulldown-cmark closes it.
                    events.push(Event::InlineHtml(
                        link_start(&dest_url, &title, true).into(),
                    ));
                    continue;
                }
                let _ = link_type;
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // The alt text is the image's inner text.
                let mut inner = Vec::new();
                let mut alt = String::new();
                for (e, _) in parser.by_ref() {
                    match &e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                    inner.push(e);
                }
                let resolved = local.map_or(Local::Keep, |f| f(&dest_url, Some(&alt)));
                if hooks.is_some() {
                    let (url, html) = match &resolved {
                        Local::Picture(html) => (dest_url.to_string(), html.clone()),
                        Local::Url(url) => (url.clone(), img_tag(url, &alt, &title)),
                        Local::Keep => {
                            let url =
                                destination(dest_url.clone(), unsafe_html, base_path).to_string();
                            let html = img_tag(&url, &alt, &title);
                            (url, html)
                        }
                        Local::Missing => (String::new(), String::new()),
                    };
                    let h = Hook::Image {
                        url: &url,
                        alt: &alt,
                        title: &title,
                        html: &html,
                    };
                    if !html.is_empty()
                        && let Some(made) = hook(h, range.start)?
                    {
                        events.push(Event::InlineHtml(made.into()));
                        continue;
                    }
                }
                let dest_url = match resolved {
                    Local::Picture(html) => {
                        // Alone in its paragraph with a title: a figure.
                        let alone = matches!(events.last(), Some(Event::Start(Tag::Paragraph)))
                            && matches!(parser.peek(), Some((Event::End(TagEnd::Paragraph), _)));
                        if alone && !title.is_empty() {
                            events.pop();
                            parser.next();
                            depth -= 1;
                            events.push(Event::Html(
                                format!(
                                    "<figure>{html}<figcaption>{}</figcaption></figure>\n",
                                    pulldown_cmark_escape_html(&title)
                                )
                                .into(),
                            ));
                            if depth == 0 {
                                first_paragraph_end.get_or_insert(events.len());
                            }
                        } else {
                            events.push(Event::InlineHtml(html.into()));
                        }
                        continue;
                    }
                    Local::Missing => {
                        return Err(MarkdownError::MissingFile {
                            target: dest_url.to_string(),
                            offset: range.start,
                        });
                    }
                    Local::Url(url) => url.into(),
                    Local::Keep => destination(dest_url, unsafe_html, base_path),
                };
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
                events.extend(inner);
                events.push(Event::End(TagEnd::Image));
            }
            Event::FootnoteReference(name) => {
                let next = footnotes.len() + 1;
                let n = *footnotes.entry(name.to_string()).or_insert(next);
                let id = footnote_id(&name);
                events.push(Event::InlineHtml(
                    format!("<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let next = footnotes.len() + 1;
                let n = *footnotes.entry(name.to_string()).or_insert(next);
                let id = footnote_id(&name);
                events.push(Event::Html(
                    format!(
                        "<div class=\"footnote\" id=\"fn-{id}\"><a class=\"footnote-back\" href=\"#fnref-{id}\">{n}</a>"
                    )
                    .into(),
                ));
                depth += 1;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                events.push(Event::Html("</div>\n".into()));
                depth -= 1;
            }
            Event::Html(html) | Event::InlineHtml(html) if !unsafe_html => {
                events.push(Event::Text(html));
            }
            Event::Html(html) if html.trim() == "<!-- more -->" => {
                more_at.get_or_insert(events.len());
            }
            e @ Event::Start(_) => {
                depth += 1;
                events.push(e);
            }
            e @ Event::End(_) => {
                depth -= 1;
                let is_paragraph = matches!(e, Event::End(TagEnd::Paragraph));
                events.push(e);
                if depth == 0 && is_paragraph {
                    first_paragraph_end.get_or_insert(events.len());
                }
            }
            e => events.push(e),
        }
        if summary_only && (more_at.is_some() || (!has_more && first_paragraph_end.is_some())) {
            break;
        }
    }

    if let Some(at_marker) = at_marker {
        *at_marker = more_at.is_some();
    }
    let split = more_at.or(first_paragraph_end).unwrap_or(events.len());
    let mut html = String::with_capacity(body.len() * 3 / 2);
    let mut events = events.into_iter();
    pulldown_cmark::html::push_html(&mut html, events.by_ref().take(split));
    let summary = html.clone();
    pulldown_cmark::html::push_html(&mut html, events);
    Ok(Rendered {
        html,
        summary,
        toc: nest(flat_toc),
        words: 0,
    })
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Words in `text`, counted as `split_whitespace` would, for reading
/// times. Hand-rolled because counting is a few percent of a build: the
/// standard iterator decodes every character. Here the text is cut at its
/// few non-ASCII spaces (found by their lead bytes with memchr) and each
/// piece is counted a byte pair at a time, which the compiler vectorizes;
/// the bytes of Persian and Cyrillic letters are never spaces.
pub fn count_words(text: &str) -> usize {
    // U+1680 is the only space led by 0xE1: rare enough to count slowly.
    if memchr::memchr(0xe1, text.as_bytes()).is_some() {
        return text.split_whitespace().count();
    }
    let (mut words, mut piece) = (0, 0);
    // The other non-ASCII spaces: U+0085 and U+00A0 (0xC2), U+2000–U+205F
    // (0xE2), U+3000 (0xE3).
    for at in memchr::memchr3_iter(0xc2, 0xe2, 0xe3, text.as_bytes()) {
        if at < piece {
            continue;
        }
        let c = text[at..].chars().next().unwrap_or_default();
        if c.is_whitespace() {
            words += ascii_words(&text.as_bytes()[piece..at]);
            piece = at + c.len_utf8();
        }
    }
    words + ascii_words(&text.as_bytes()[piece..])
}

/// Words in `bytes` when only ASCII whitespace separates them: bytes that
/// are not spaces and follow a space (or the start).
fn ascii_words(bytes: &[u8]) -> usize {
    fn space(b: u8) -> bool {
        b == b' ' || b.wrapping_sub(b'\t') < 5
    }
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let starts = bytes
        .chunks(255)
        .zip(bytes[1..].chunks(255))
        .map(|(before, this)| {
            // u8 lanes: at most 255 starts per chunk.
            let n: u8 = before
                .iter()
                .zip(this)
                .map(|(&b, &t)| u8::from(space(b) & !space(t)))
                .fold(0, u8::wrapping_add);
            usize::from(n)
        })
        .sum::<usize>();
    usize::from(!space(first)) + starts
}

/// Footnote names become ids; anything but letters and digits is folded.
fn footnote_id(name: &str) -> String {
    let slug = slugify(name, Slugify::Unicode);
    if slug.is_empty() { "note".into() } else { slug }
}

/// Highlights fenced code with syntect, remembering each block: the same
/// code in an article's translations is highlighted once. One per build.
#[derive(Default)]
pub struct Highlighter {
    done: std::sync::Mutex<HashMap<u64, std::sync::Arc<str>>>,
}

impl Highlighter {
    fn block(&self, code: &str, lang: &str) -> std::sync::Arc<str> {
        let key = crate::fingerprint::Fingerprint::new()
            .with(lang)
            .with(code)
            .value();
        if let Some(html) = self.done.lock().expect("no panics while locked").get(&key) {
            return std::sync::Arc::clone(html);
        }
        let html: std::sync::Arc<str> = highlight_block(code, lang).into();
        self.done
            .lock()
            .expect("no panics while locked")
            .insert(key, std::sync::Arc::clone(&html));
        html
    }
}

/// A fenced block's language: the info string's first word, kept to the
/// letters a language name uses, so the info string cannot reach outside
/// the `class` attribute it goes into.
fn code_language(info: &str) -> String {
    let word = info.split([' ', ',', '{']).next().unwrap_or("");
    word.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
        .collect()
}

/// A link's or image's destination as it goes into the page: a root-
/// relative one under the site's base path; with `unsafe_html` off, one
/// of a scheme that runs code (`javascript:`, `data:`, `vbscript:`…) made
/// harmless. Browsers ignore tabs, newlines and leading spaces in a
/// scheme, so they are ignored here too.
fn destination<'a>(dest: CowStr<'a>, unsafe_html: bool, base_path: &str) -> CowStr<'a> {
    if !unsafe_html && !safe_scheme(&dest) {
        return CowStr::Borrowed("#");
    }
    if !base_path.is_empty() && dest.starts_with('/') && !dest.starts_with("//") {
        return format!("{base_path}{dest}").into();
    }
    dest
}

/// Whether a link leaves the site: it gets `rel="noopener"`.
fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || url.starts_with("//")
}

/// An `<a>` start tag; an external one with `rel="noopener"`.
fn link_start(url: &str, title: &str, external: bool) -> String {
    let mut tag = String::from("<a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut tag, url);
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", pulldown_cmark_escape_html(title)));
    }
    if external {
        tag.push_str(" rel=\"noopener\"");
    }
    tag.push('>');
    tag
}

/// An `<img>` as pulldown-cmark writes one.
fn img_tag(url: &str, alt: &str, title: &str) -> String {
    let mut tag = String::from("<img src=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut tag, url);
    tag.push_str(&format!("\" alt=\"{}\"", pulldown_cmark_escape_html(alt)));
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", pulldown_cmark_escape_html(title)));
    }
    tag.push_str(" />");
    tag
}

/// Whether `url` is relative or of a scheme that only navigates.
pub fn safe_scheme(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(16)
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    let before = &cleaned[..colon];
    if before.contains(['/', '?', '#']) {
        return true;
    }
    matches!(
        before.to_ascii_lowercase().as_str(),
        "http" | "https" | "mailto" | "tel" | "ftp"
    )
}

fn code_block(code: &str, lang: &str, highlight: Option<&Highlighter>) -> String {
    match highlight {
        Some(h) if !lang.is_empty() => h.block(code, lang).to_string(),
        _ => format!(
            "<pre><code>{}</code></pre>\n",
            pulldown_cmark_escape_html(code)
        ),
    }
}

fn highlight_block(code: &str, lang: &str) -> String {
    let escaped = || pulldown_cmark_escape_html(code);
    let set = syntaxes();
    let Some(syntax) = set.find_syntax_by_token(lang) else {
        return format!(
            "<pre><code class=\"language-{}\">{}</code></pre>\n",
            pulldown_cmark_escape_html(lang),
            escaped()
        );
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!("<pre><code>{}</code></pre>\n", escaped());
        }
    }
    format!(
        "<pre class=\"hl-code\"><code class=\"language-{}\">{}</code></pre>\n",
        pulldown_cmark_escape_html(lang),
        generator.finalize()
    )
}

/// HTML-escapes text for element content and attribute values.
pub fn pulldown_cmark_escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Turns a flat list of headings into a tree by level.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level,
            id,
            title,
            children: Vec::new(),
        };
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < level) {
            siblings = &mut siblings.last_mut().expect("checked").children;
        }
        siblings.push(heading);
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_like_split_whitespace() {
        for text in [
            "",
            "  ",
            "one",
            " two  words ",
            "سلام\u{200c}دنیا و  همه",
            "Привет,\u{a0}мир\u{2003}и\u{3000}все\u{85}x",
            "tab\tnew\nline\u{b}vt\u{c}ff\r\n",
            "em\u{2014}dash 😀 emoji\u{202f}nnbsp",
            "a\u{a0} b\u{3000} c \u{2028}",
            "ogham\u{1680}space",
            "\u{a0}lead and trail\u{2003}",
            "\u{2003}\u{2003}",
            "\u{2014}",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Long texts, past the counting chunks.
        let long = "word  \u{a0}ab\tc\u{2014}d ".repeat(300);
        assert_eq!(count_words(&long), long.split_whitespace().count());
    }

    fn md(body: &str) -> Rendered {
        let h = Highlighter::default();
        render(
            body,
            &with(true, Some(&h), &|t| {
                (t == "en/a.md").then(|| "/a/".to_string())
            }),
        )
        .unwrap()
    }

    fn with<'a>(
        unsafe_html: bool,
        highlight: Option<&'a Highlighter>,
        resolve: &'a dyn Fn(&str) -> Option<String>,
    ) -> Settings<'a> {
        Settings {
            unsafe_html,
            highlight,
            resolve,
            base_path: "",
            local: None,
            hooks: None,
        }
    }

    #[test]
    fn code_languages_and_link_schemes_cannot_inject() {
        let h = Highlighter::default();
        for highlight in [None, Some(&h)] {
            let r = render(
                "```x\"><img src=x onerror=alert(1)>\ncode\n```\n\n```rust\"onmouseover=x\nfn a() {}\n```\n",
                &with(false, highlight, &|_| None),
            )
            .unwrap();
            assert!(
                !r.html.contains("<img") && !r.html.contains("\"onmouseover"),
                "{}",
                r.html
            );
        }
        for (body, bad) in [
            ("[x](javascript:alert(1))", "javascript"),
            ("[x](JaVaScRiPt:alert(1))", "aScRiPt"),
            ("[x](<java\tscript:alert(1)>)", "script:"),
            ("![i](javascript:alert(1))", "javascript"),
            ("[x](data:text/html,<script>)", "data:"),
            ("[x]: vbscript:msgbox\n\n[y][x]", "vbscript"),
        ] {
            let r = render(body, &with(false, None, &|_| None)).unwrap();
            assert!(!r.html.contains(bad), "{body}: {}", r.html);
        }
        for fine in [
            "https://a.org/",
            "mailto:a@b.org",
            "/news/",
            "x.html",
            "#part",
            "a/b:c",
        ] {
            let r = render(&format!("[x]({fine})"), &with(false, None, &|_| None)).unwrap();
            assert!(
                r.html.contains(&format!("href=\"{fine}\"")),
                "{fine}: {}",
                r.html
            );
        }
    }

    #[test]
    fn root_relative_links_go_under_the_base_path() {
        let settings = Settings {
            base_path: "/bulletin",
            ..with(true, None, &|_| None)
        };
        let r = render(
            "[a](/news/x/) ![i](/images/x.png) [b](//cdn.org/x) [c](y/)",
            &settings,
        )
        .unwrap();
        assert!(r.html.contains("href=\"/bulletin/news/x/\""), "{}", r.html);
        assert!(
            r.html.contains("src=\"/bulletin/images/x.png\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"//cdn.org/x\""), "{}", r.html);
        assert!(r.html.contains("href=\"y/\""), "{}", r.html);
    }

    #[test]
    fn unique_unicode_heading_ids_and_toc() {
        let r = md("# Culture\n\n## همکاری رسانه‌ای\n\n## Culture\n\n# Next\n");
        assert!(r.html.contains("<h1 id=\"culture\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"همکاری-رسانه-ای\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"culture-1\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
    }

    #[test]
    fn extensions_render() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nNote[^n].\n\n[^n]: The note.\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("href=\"#fn-n\""));
        assert!(r.html.contains("id=\"fn-n\""));
    }

    #[test]
    fn summary_from_more_marker_or_first_paragraph() {
        let r = md("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n");
        assert!(r.summary.contains("Second.") && !r.summary.contains("Third."));
        let r = md("# Title\n\nFirst.\n\nSecond.\n");
        assert!(
            r.summary.contains("First.") && !r.summary.contains("Second."),
            "{}",
            r.summary
        );
    }

    #[test]
    fn summary_alone_matches_the_full_render() {
        for body in [
            "First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n",
            "# T\n\nOne *x*.\n\nTwo.\n",
            "No paragraph end",
            // Cut at the marker: what follows it cannot change the summary...
            "A [b][r].\n\n<!-- more -->\n\n[r]: /x\n",
            "One[^n].\n<!-- more -->\n[^n]: Note.\n",
            "- a\n- b <!-- more -->\n- c\n\nd\n",
            "> q\n> <!-- more -->\n> r\n",
            "```\ncode <!-- more -->\n```\n\nAfter.\n",
            "Para\n<!-- more -->\n===\n\nx\n",
            "<!-- more -->",
            "x\n\n<!-- more -->",
            "<div>\n<!-- more -->\n</div>\n\nAfter.\n",
            "```\n<!-- more -->\n```\n\nAfter.\n",
            "    <!-- more -->\n\nx\n",
            "- a\n\n  <!-- more -->\n\n- b\n\nc\n",
            "x <!-- more -->\ny\n\nz\n",
        ] {
            let full = md(body).summary;
            let h = Highlighter::default();
            let alone = summarize(body, &with(true, Some(&h), &|_| None)).unwrap();
            assert_eq!(full, alone, "{body}");
        }
    }

    #[test]
    fn internal_links_resolve_or_fail() {
        let r = md("[a](@/en/a.md#part)");
        assert!(r.html.contains("href=\"/a/#part\""), "{}", r.html);
        let e = render("x [b](@/en/b.md)", &with(true, None, &|_| None)).unwrap_err();
        assert_eq!(
            e,
            MarkdownError::BrokenLink {
                target: "@/en/b.md".into(),
                offset: 2
            }
        );
    }

    #[test]
    fn code_is_highlighted_into_classes() {
        let r = md("```rust\nfn main() {}\n```\n");
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        let r = md("```\n<b>\n```\n");
        assert!(r.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn raw_html_can_be_refused() {
        let r = render("<script>x</script>\n", &with(false, None, &|_| None)).unwrap();
        assert!(!r.html.contains("<script>"), "{}", r.html);
    }
}
