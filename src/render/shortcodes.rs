//! Rendering one shortcode call with its template
//! (`templates/shortcodes/<name>.html`).
//!
//! Besides its arguments (with the defaults its template declares), a
//! shortcode's template sees:
//!
//! - `body`: a `{% %}` call's body, rendered as Markdown;
//! - `nth`: the call's number in the story, from 1 (for unique ids);
//! - `lang`, `dir`, `language`, `config`: the story's language;
//! - `page`: the story's `title`, `lang`, `url`, `permalink` and `photos`
//!   (its folder's photos in name order, each with `picture`, `url`,
//!   `width`, `height`, `caption`, `credit`, `name`, `lead`);
//! - `urls.<arg>` and `pictures.<arg>`: for an argument naming a file of
//!   the story folder or a `/…` file, its URL, and for a photo its
//!   responsive `<picture>` (alt text from the `alt` argument, else the
//!   `caption` one);
//! - `host`: the host of a `url` argument (`x.com`);
//! - `target`: for `path="@/…"`, that story (in the story's language when
//!   it is translated): `title`, `url`, `lang`, `dir`, `date`, `summary`
//!   (its front matter's description), `thumb`.

use serde::Serialize;
use tera::Value;

use super::Renderer;
use super::context::dir;
use crate::content::markdown::{Hook, Local};
use crate::content::shortcodes::{Arg, Call};
use crate::error::{Error, Result};
use crate::images::{CARD_SIZES, Kind, STORY_SIZES, picture};

/// A photo of the story's folder, for `gallery`.
#[derive(Serialize)]
struct FolderPhoto {
    name: String,
    picture: String,
    url: String,
    width: u32,
    height: u32,
    caption: Option<String>,
    credit: Option<String>,
    /// Whether it is the story's lead photo.
    lead: bool,
}

/// Another story a shortcode shows (`related`).
#[derive(Serialize)]
struct Target<'a> {
    title: &'a str,
    url: String,
    lang: &'a str,
    dir: &'static str,
    date: Option<String>,
    summary: Option<&'a str>,
    thumb: Option<String>,
}

/// Where render hooks' templates are: `hooks/heading.html`, `link.html`,
/// `image.html`, `codeblock.html`.
pub const HOOKS: &str = "hooks/";

impl Renderer {
    /// Renders a piece of a text of language `lang` with the theme's hook
    /// for its kind, if it has one. The template sees the piece's fields
    /// (see [`Hook`]), `lang`, `dir`, `language` and `config`.
    pub(super) fn hook(
        &self,
        lang: &str,
        hook: &Hook,
    ) -> Option<std::result::Result<String, String>> {
        let kind = match hook {
            Hook::Heading { .. } => "heading",
            Hook::Link { .. } => "link",
            Hook::Image { .. } => "image",
            Hook::CodeBlock { .. } => "codeblock",
        };
        let template = format!("{HOOKS}{kind}.html");
        if !self.tera.contains_template(&template) {
            return None;
        }
        let mut ctx = self.language_contexts.get(lang)?.clone();
        ctx.insert("dir", dir(self.lang_of(lang)));
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(hook) {
            for (k, v) in fields {
                ctx.insert(k, &v);
            }
        }
        Some(
            self.tera
                .render(&template, &ctx)
                .map(|html| html.trim_end_matches('\n').to_string())
                .map_err(|e| {
                    let e = super::templates::template_error(&self.theme, &e, "rendering a hook");
                    format!("the render hook {template} failed: {}", e.message)
                }),
        )
    }

    /// Renders call number `nth` of article `i`'s text, with its body's HTML.
    /// `story` keeps what every call of the story shares, made at the
    /// first call that needs it.
    pub(super) fn shortcode(
        &self,
        i: usize,
        call: &Call,
        nth: usize,
        body: Option<String>,
        story: &std::cell::OnceCell<Value>,
    ) -> Result<String> {
        let site = &self.site;
        let a = &site.articles[i];
        let config = &site.config;
        let Some(shortcode) = self.plan.shortcodes.0.get(&call.name) else {
            return Err(Error::msg(format!("there is no shortcode `{}`", call.name))
                .with_help(format!("use one of {}", self.plan.shortcodes.names())));
        };
        // Checked at plan time for a build; again here for serve, which
        // renders an edited story without planning the site again.
        if let Some(params) = &shortcode.params
            && let Err((message, help)) =
                crate::content::shortcodes::check_args(&call.name, &call.args, params)
        {
            return Err(Error::msg(message).with_help(help));
        }
        // What a call sees of the site: its language and the configuration
        // (a page's whole context would cost more than most calls).
        let mut ctx = tera::Context::new();
        ctx.insert_value("config", self.config_value.clone());
        ctx.insert("lang", &a.lang);
        ctx.insert_value("language", self.languages[&a.lang].clone());
        ctx.insert("dir", dir(self.lang_of(&a.lang)));
        for p in shortcode.params.iter().flatten() {
            if let Some(default) = &p.default {
                ctx.insert(p.name.clone(), default);
            }
        }
        let url = |path: &str| config.relative_url(path);
        let arg = |name: &str| {
            call.args.iter().find_map(|(k, v)| match v {
                Arg::Str(s) if k == name => Some(s.as_str()),
                _ => None,
            })
        };
        let alt = arg("alt").or(arg("caption")).unwrap_or("");
        let mut urls = serde_json::Map::new();
        let mut pictures = serde_json::Map::new();
        for (key, value) in &call.args {
            ctx.insert(key.clone(), value);
            let Arg::Str(value) = value else { continue };
            if key == "url" || key == "path" || !looks_like_file(value) {
                continue;
            }
            match super::body::local_file(site, a, value, Some(alt)) {
                Local::Keep if value.starts_with('/') => {
                    let rel = value.trim_start_matches('/');
                    let photo = site.photos.get(&std::path::Path::new("static").join(rel));
                    if let Some(photo) = photo {
                        pictures.insert(
                            key.clone(),
                            picture(photo, alt, &url, false, STORY_SIZES).into(),
                        );
                    }
                    urls.insert(key.clone(), url(value).into());
                }
                Local::Url(u) => {
                    urls.insert(key.clone(), u.into());
                }
                Local::Picture(html) => {
                    let name = value.strip_prefix("./").unwrap_or(value);
                    urls.insert(key.clone(), url(&format!("{}{name}", site.paths[i])).into());
                    pictures.insert(key.clone(), html.into());
                }
                // A file name in a story that is no folder: it has no files.
                Local::Keep
                    if matches!(key.as_str(), "src" | "poster")
                        && a.bundle.is_none()
                        && !value.starts_with('/') =>
                {
                    return Err(Error::msg(format!(
                        "the `{key}` of `{}` is {value}, but the story is not a folder and has no files",
                        call.name
                    ))
                    .with_help("make the story a folder (news/story/index.md) and put the file next to index.md, or write /<file> for one under static/"));
                }
                Local::Missing => {
                    return Err(Error::msg(format!(
                        "the `{key}` of `{}` is {value}, which the story folder does not have",
                        call.name
                    ))
                    .with_help(
                        "put the file next to index.md, or write /<file> for one under static/",
                    ));
                }
                Local::Keep => {}
            }
        }
        ctx.insert("urls", &urls);
        ctx.insert("pictures", &pictures);
        if let Some(u) = arg("url") {
            let host = u
                .split("://")
                .nth(1)
                .and_then(|r| r.split(['/', '?', '#']).next())
                .map(|h| h.trim_start_matches("www.").to_string());
            ctx.insert("host", &host);
        }
        if let Some(target) = arg("path").and_then(|p| p.strip_prefix("@/")) {
            let target = target.split('#').next().unwrap_or(target);
            let Some(&j) = site.by_content_path.get(target) else {
                return Err(Error::msg(format!(
                    "`{}` names @/{target}, which is no story",
                    call.name
                )));
            };
            // The reader's language, when the story is translated into it.
            let j = (site.translations[j].iter().copied())
                .find(|&t| site.articles[t].lang == a.lang)
                .unwrap_or(j);
            ctx.insert("target", &self.target(j));
        }
        // Empty for an inline call, so `{% if body %}` works in either.
        ctx.insert_value("body", Value::safe_string(body.as_deref().unwrap_or("")));
        ctx.insert("nth", &nth);
        let page = story.get_or_init(|| {
            Value::from_serializable(&serde_json::json!({
                "title": a.title,
                "lang": a.lang,
                "url": url(&site.paths[i]),
                "permalink": config.absolute_url(&site.paths[i]),
                "photos": self.folder_photos(i),
            }))
        });
        ctx.insert_value("page", page.clone());
        let mut html = Vec::with_capacity(1024);
        self.tera
            .render_to(&shortcode.template, &ctx, &mut html)
            .map_err(|e| {
                let e = super::templates::template_error(&self.theme, &e, "rendering a shortcode");
                let template = e.file.as_ref().map(|f| f.display().to_string());
                Error::msg(format!(
                    "the shortcode `{}` failed ({}): {}",
                    call.name,
                    template.unwrap_or_else(|| shortcode.template.clone()),
                    e.message
                ))
                .with_help("fix the call's arguments, or the shortcode's template")
            })?;
        let html = String::from_utf8(html).unwrap_or_default();
        // Neither the line break after the signature line nor the
        // template's last one is part of what it shows.
        let html = html.trim_start_matches(['\n', '\r']);
        Ok(html.strip_suffix('\n').unwrap_or(html).to_string())
    }

    /// The photos of article `i`'s folder, in name order.
    fn folder_photos(&self, i: usize) -> Vec<FolderPhoto> {
        let site = &self.site;
        let a = &site.articles[i];
        let Some(folder) = &a.bundle else {
            return Vec::new();
        };
        let url = |path: &str| site.config.relative_url(path);
        (a.assets.iter())
            .filter(|n| Kind::of_name(n).is_some())
            .filter_map(|name| {
                let source = std::path::Path::new("content").join(folder).join(name);
                let photo = site.photos.get(&source)?;
                let f = &photo.facts;
                let alt = f.caption.as_deref().unwrap_or(&a.title);
                Some(FolderPhoto {
                    name: name.clone(),
                    picture: picture(photo, alt, &url, false, CARD_SIZES),
                    url: url(&format!("{}{name}", site.paths[i])),
                    width: f.width,
                    height: f.height,
                    caption: f.caption.clone(),
                    credit: f.credit.clone(),
                    lead: a.image_source.as_deref() == Some(source.as_path()),
                })
            })
            .collect()
    }

    /// Article `j` as a shortcode shows another story.
    fn target(&self, j: usize) -> Target<'_> {
        let site = &self.site;
        let b = &site.articles[j];
        let url = |path: &str| site.config.relative_url(path);
        let photo = (b.image_source.as_deref()).and_then(|s| site.photos.get(s));
        Target {
            title: &b.title,
            url: url(&site.paths[j]),
            lang: &b.lang,
            dir: dir(self.lang_of(&b.lang)),
            date: b.date.as_ref().map(crate::locale::dates::rfc3339),
            summary: b.description.as_deref(),
            thumb: photo.map(|p| {
                picture(
                    p,
                    b.image_alt.as_deref().unwrap_or(""),
                    &url,
                    false,
                    CARD_SIZES,
                )
            }),
        }
    }
}

/// Whether an argument's value names a file (`crane.jpg`, `/maps/port.png`,
/// `docs/report.pdf`) rather than being text or a URL: one word with an
/// extension of letters and digits.
fn looks_like_file(value: &str) -> bool {
    if value.contains("://") || value.chars().any(char::is_whitespace) {
        return false;
    }
    let name = value.rsplit('/').next().unwrap_or(value);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
    })
}
