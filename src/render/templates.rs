//! The Tera instance of a build: the theme's templates plus bulletin's
//! filters (`date`, `digits`) and functions (`t`, `url`, `cached`), built once.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tera::{Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::locale::dates::SiteDates;
use crate::theme::Theme;

/// Calls `f` with the language a filter or function works in: its `lang`
/// argument, else the language of the page being rendered (read from the
/// context without copying its text).
pub(super) fn in_lang<R>(
    kwargs: &Kwargs,
    state: &State,
    f: impl FnOnce(&str) -> tera::TeraResult<R>,
) -> tera::TeraResult<R> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return f(lang);
    }
    let page = state.get::<Value>("lang").ok().flatten();
    f(page.as_ref().and_then(Value::as_str).unwrap_or_default())
}

/// Templates rendered once per language and per set of arguments, for
/// `cached(template=…)`. The masthead, navigation and footer are the same
/// on every page of a language; rendering them for each page was a tenth
/// of a build's work.
#[derive(Default)]
pub struct Partials {
    /// Set by [`Partials::connect`]: the Tera instance holds this (inside
    /// the `cached` function), so it may only point back weakly.
    tera: OnceLock<Weak<Tera>>,
    /// What a partial sees: the part of a page's context every page of its
    /// language shares.
    contexts: OnceLock<Arc<BTreeMap<String, tera::Context>>>,
    /// By fingerprint of the template's name, the language and the arguments.
    done: Mutex<HashMap<u64, Value>>,
}

thread_local! {
    /// The `cached` templates this thread is rendering, outermost first.
    static RENDERING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A `cached` template being rendered on this thread; a template already
/// being rendered is refused (it would call itself until the stack
/// overflowed and the process aborted).
struct Entered;

impl Entered {
    fn new(template: &str) -> tera::TeraResult<Entered> {
        RENDERING.with_borrow_mut(|stack| {
            if stack.iter().any(|t| t == template) || stack.len() >= 32 {
                let mut chain = stack.clone();
                chain.push(template.to_string());
                return Err(tera::Error::message(format!(
                    "`cached` template `{template}` calls itself ({}): remove the call from it",
                    chain.join(" → ")
                )));
            }
            stack.push(template.to_string());
            Ok(Entered)
        })
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        RENDERING.with_borrow_mut(|stack| {
            stack.pop();
        });
    }
}

impl Partials {
    /// Makes `cached` work: call once the Tera instance is shared and the
    /// language contexts exist.
    pub fn connect(&self, tera: &Arc<Tera>, contexts: &Arc<BTreeMap<String, tera::Context>>) {
        let _ = self.tera.set(Arc::downgrade(tera));
        let _ = self.contexts.set(Arc::clone(contexts));
    }

    pub(super) fn render(&self, kwargs: &Kwargs, lang: &str) -> tera::TeraResult<Value> {
        let template: &str = kwargs.must_get("template")?;
        let mut args: Vec<(&str, &Value)> = kwargs
            .iter()
            .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
            .filter(|(k, _)| !matches!(*k, "template" | "lang"))
            .collect();
        args.sort_unstable_by_key(|(k, _)| *k);
        let mut key = Fingerprint::new().with(template).with(lang);
        for (k, v) in &args {
            key = match v.as_str() {
                Some(text) => key.with(k).with(text),
                None => key.with(k).with(&v.to_string()),
            };
        }
        let key = key.value();
        if let Some(html) = self.done.lock().expect("no panics while locked").get(&key) {
            return Ok(html.clone());
        }
        let (Some(tera), Some(contexts)) =
            (self.tera.get().and_then(Weak::upgrade), self.contexts.get())
        else {
            return Err(tera::Error::message(
                "`cached` can only be used in pages, not in the templates rendered before them",
            ));
        };
        let mut ctx = contexts
            .get(lang)
            .ok_or_else(|| {
                tera::Error::message(format!("`{lang}` is not a language of this site"))
            })?
            .clone();
        for (k, v) in args {
            ctx.insert_value(k.to_string(), v.clone());
        }
        let _entered = Entered::new(template)?;
        let owner = super::resized::Owner::Partial(key);
        let html =
            super::resized::as_owner(owner, || tera.render(template, &ctx)).map_err(|e| {
                tera::Error::message(format!("{IN_PARTIAL}{template}`: {}", error_chain(&e)))
            })?;
        // A template file's last line break is not part of it (as in
        // Jinja): the page's own line break follows the call.
        let html = Value::safe_string(html.strip_suffix('\n').unwrap_or(&html));
        self.done
            .lock()
            .expect("no panics while locked")
            .insert(key, html.clone());
        Ok(html)
    }
}

/// How an error in a `cached` template starts, so that the error names
/// that template's file rather than the page's.
const IN_PARTIAL: &str = "in cached template `";

/// Builds Tera with every template of `theme`; `cached` works once
/// `partials` is connected.
pub fn build(
    config: &Config,
    theme: &Arc<Theme>,
    dates: &Arc<SiteDates>,
    partials: &Arc<Partials>,
    resizes: &Arc<super::resized::Resizes>,
) -> Result<Tera> {
    let mut tera = Tera::new();
    tera.set_escape_fn(escape);
    // Filters and functions must exist before templates that use them load.
    super::filters::register(&mut tera, config, dates);
    super::functions::register(&mut tera, config, theme, partials, resizes, dates);
    super::queries::register(&mut tera);
    let templates = theme
        .templates
        .iter()
        .map(|(name, (text, _))| (name.as_str(), text.as_str()));
    tera.add_raw_templates(templates)
        .map_err(|e| template_error(theme, &e, "loading the templates"))?;
    Ok(tera)
}

/// Tera's HTML and XML escaping, also dropping control characters (other
/// than tab and line ends) that a front-matter escape such as `"\u000c"`
/// can put in a value: they make a feed not well-formed XML. Runs of plain
/// bytes are written whole.
fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    // Most values hold neither an apostrophe nor a control character:
    // pulldown-cmark's escaping (what Tera's own is) handles them with SIMD.
    // The check has no early exit, so the compiler vectorizes it too.
    let special = bytes.iter().fold(false, |any, &b| {
        any | (b == b'\'') | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7f)
    });
    if !special {
        return pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), input);
    }
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            b'\t' | b'\n' | b'\r' => continue,
            0..0x20 | 0x7f => b"",
            _ => continue,
        };
        out.write_all(&bytes[plain..i])?;
        out.write_all(replacement)?;
        plain = i + 1;
    }
    out.write_all(&bytes[plain..])
}

/// A Tera error as a bulletin error naming the template file.
pub fn template_error(theme: &Theme, e: &tera::Error, doing: &str) -> Error {
    let message = error_chain(e);
    let partial = message
        .rsplit_once(IN_PARTIAL)
        .and_then(|(_, rest)| rest.split_once('`'));
    let name = match e.kind() {
        _ if partial.is_some() => partial.map(|(name, _)| name.to_string()),
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            Some(r.filename().to_string())
        }
        _ => theme
            .templates
            .keys()
            .find(|n| message.contains(n.as_str()))
            .cloned(),
    };
    // The suggestion goes on the line naming what is unknown.
    let message = match message.split_once('\n') {
        Some((first, rest)) => format!("{first}{}\n{rest}", suggestion(&message)),
        None => format!("{message}{}", suggestion(&message)),
    };
    let error = Error::msg(format!("template error while {doing}:\n{message}"));
    match name.and_then(|n| theme.templates.get(&n)) {
        Some((_, origin)) => Error {
            file: Some(origin.display().into()),
            ..error
        },
        None => error,
    }
    .with_help("fix the template; the previous output was left as it was")
}

/// The functions templates can call: bulletin's and Tera's own.
pub const FUNCTIONS: [&str; 15] = [
    "t",
    "url",
    "cached",
    "asset",
    "get_image_metadata",
    "resize_image",
    "get_page",
    "get_section",
    "get_taxonomy",
    "get_taxonomy_term",
    "get_url",
    "load_data",
    "now",
    "range",
    "throw",
];

/// Bulletin's filters and Tera's own.
pub const FILTERS: [&str; 41] = [
    "date",
    "digits",
    "safe",
    "json",
    "absolute_links",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

/// "did you mean …?" for an unknown function, filter or variable named
/// in a Tera message (Zola's `trans` is `t`).
fn suggestion(message: &str) -> String {
    let named = |before: &str| {
        let rest = &message[message.find(before)? + before.len()..];
        Some(rest.split('`').next()?.to_string())
    };
    if let Some(f) = named("Unknown function `") {
        return crate::error::did_you_mean(&f, FUNCTIONS);
    }
    if let Some(f) = named("Unknown filter `") {
        return crate::error::did_you_mean(&f, FILTERS);
    }
    if let Some(v) = named("Variable `") {
        let available = message.split("Available variables: ").nth(1).unwrap_or("");
        let available = available.lines().next().unwrap_or("");
        return crate::error::did_you_mean(&v, available.split(", "));
    }
    String::new()
}

/// A Tera error with every error that caused it.
fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    message
}

/// `href="/x"` and `src="/x"` in `html` made absolute with `origin`
/// (`https://example.org`); protocol-relative `//host` links are left alone.
pub fn absolute_links(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut done = 0;
    for at in memchr::memmem::find_iter(html.as_bytes(), b"=\"/") {
        let attribute = html[..at].ends_with("href") || html[..at].ends_with("src");
        if attribute && !html[at + 3..].starts_with('/') {
            out.push_str(&html[done..at + 2]);
            out.push_str(origin);
            done = at + 2;
        }
    }
    out.push_str(&html[done..]);
    out
}

#[cfg(test)]
mod tests {
    use super::absolute_links;

    #[test]
    fn root_relative_links_become_absolute() {
        let html = r#"<a href="/news/a/">a</a> <img src="/img.png"> <a href="//cdn.org/x">c</a> <a href="https://x.org/">x</a> hash"#;
        assert_eq!(
            absolute_links(html, "https://example.org"),
            r#"<a href="https://example.org/news/a/">a</a> <img src="https://example.org/img.png"> <a href="//cdn.org/x">c</a> <a href="https://x.org/">x</a> hash"#
        );
    }
}
