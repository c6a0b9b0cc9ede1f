//! `site.toml` → a validated [`Config`].
//!
//! Every key has a default except `title` and `base_url`; unknown keys are
//! rejected so a typo cannot pass silently. The configuration is the first
//! stage of the build and depends on nothing of ours but the leaves `error`
//! and `url`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction a language is written in, by its primary subtag.
    pub fn of_language(code: &str) -> Direction {
        match primary_subtag(code) {
            "fa" | "ar" | "he" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" => Direction::Rtl,
            _ => Direction::Ltr,
        }
    }
}

/// The calendar dates are shown and archived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    Gregorian,
    /// The Solar Hijri calendar of Iran and Afghanistan.
    Persian,
}

impl Calendar {
    pub fn of_language(code: &str) -> Calendar {
        match primary_subtag(code) {
            "fa" => Calendar::Persian,
            _ => Calendar::Gregorian,
        }
    }
}

fn primary_subtag(code: &str) -> &str {
    code.split(['-', '_']).next().unwrap_or(code)
}

/// How slugs are made from titles and file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Slugify {
    /// Keep letters of every script (Persian, Cyrillic), normalized.
    #[default]
    Unicode,
    /// Transliterate to ASCII.
    Ascii,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    description: Option<String>,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    default_language_in_subdir: bool,
    /// A theme's name, or `[theme]`: its name and the site's colours,
    /// fonts and extra stylesheets.
    #[serde(default)]
    theme: Option<toml::Value>,
    /// The default language's menu (`[[languages.xx.menu]]` for others).
    #[serde(default)]
    menu: Vec<MenuEntry>,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default = "default_output_dir")]
    output_dir: PathBuf,
    #[serde(default = "default_paginate_by")]
    paginate_by: usize,
    #[serde(default = "default_taxonomies")]
    taxonomies: Vec<String>,
    #[serde(default = "default_max_terms")]
    max_terms: usize,
    #[serde(default = "default_permalink")]
    permalink: String,
    #[serde(default)]
    slugify: Slugify,
    #[serde(default)]
    languages: BTreeMap<String, RawLanguage>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    feeds: FeedsConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    home: HomeConfig,
    /// `search = true`: a search index, page and box (see
    /// [`crate::search`]; off by default while indexing a large bulletin
    /// costs several times its build).
    #[serde(default)]
    search: bool,
    #[serde(default)]
    extra: toml::Table,
    /// `[deploy]`, read by `bulletin deploy` alone (see
    /// [`crate::deploy::DeployConfig`]): no page depends on it.
    #[serde(default)]
    #[allow(dead_code)]
    deploy: toml::Table,
}

fn default_language() -> String {
    "en".into()
}
/// Enough for any real story; a bound, so that one story's terms cannot
/// make output grow with their square (each term page shows the story).
fn default_max_terms() -> usize {
    100
}
fn default_theme() -> String {
    "default".into()
}
fn default_timezone() -> String {
    "UTC".into()
}
fn default_output_dir() -> PathBuf {
    "public".into()
}
fn default_paginate_by() -> usize {
    10
}
fn default_taxonomies() -> Vec<String> {
    vec!["tags".into()]
}
fn default_permalink() -> String {
    "/:section/:slug/".into()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    direction: Option<Direction>,
    calendar: Option<Calendar>,
    timezone: Option<String>,
    #[serde(default)]
    menu: Vec<MenuEntry>,
}

/// One link of a language's menu: `{ name = "About", url = "@/en/about.md", weight = 2 }`.
#[derive(Debug, Clone, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct MenuEntry {
    pub name: String,
    /// A URL, a site path (`/about/`), or a content file as in links (`@/en/about.md`).
    pub url: String,
    /// Lightest first; entries without one after, as written.
    pub weight: Option<i64>,
}

/// `[home]`: what the front page lists.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct HomeConfig {
    /// The top-level sections whose stories it lists (none: every story).
    pub sections: Vec<String>,
    /// Stories per page (else `paginate_by`).
    pub paginate_by: Option<usize>,
}

/// `[theme]`: what a site changes of its theme without copying it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct Style {
    /// CSS custom properties in light mode: `accent = "#005f73"` sets `--accent`.
    pub colors: BTreeMap<String, String>,
    /// The same in dark mode.
    pub dark: BTreeMap<String, String>,
    /// Font stacks: `serif = "Charter, Georgia, serif"` sets `--serif`.
    pub fonts: BTreeMap<String, String>,
    /// More stylesheets (files under `static/`), linked after the theme's.
    pub stylesheets: Vec<String>,
}

/// `[theme]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    #[serde(default = "default_theme")]
    name: String,
    #[serde(flatten)]
    style: Style,
}

/// `[markdown]`: how Markdown is rendered.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown is passed through (authors are trusted).
    pub unsafe_html: bool,
    /// Fenced code is highlighted into CSS classes.
    pub highlight_code: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            unsafe_html: true,
            highlight_code: true,
        }
    }
}

/// `[feeds]`: Atom and RSS output.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// Whole articles in feeds rather than summaries.
    pub full_content: bool,
    /// Entries per feed.
    pub limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            full_content: false,
            limit: 20,
        }
    }
}

/// `[images]`: how photos are published.
#[derive(Debug, Clone, Deserialize, Serialize, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths in pixels each photo is published at (never above its own).
    pub widths: Vec<u32>,
    /// Modern formats offered before the JPEG or PNG fallback: `webp`, or none.
    pub formats: Vec<String>,
    /// Lossy quality, 1 to 100, for WebP and JPEG.
    pub quality: u8,
    /// A Markdown image or lead image without alt text is an error (else a warning).
    pub require_alt: bool,
    /// The most pixels (width × height) a photo may have; a bound on the
    /// memory one decode takes.
    pub max_pixels: u64,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 800, 1200, 1600],
            formats: vec!["webp".into()],
            quality: 75,
            require_alt: false,
            max_pixels: 50_000_000,
        }
    }
}

/// One configured language with every default filled in.
#[derive(Debug, Clone, Serialize)]
pub struct Language {
    /// BCP 47 code as written in site.toml: `en`, `fa`, `ru`.
    pub code: String,
    /// The language named in itself: `فارسی`.
    pub name: String,
    /// The bulletin's title in this language.
    pub title: String,
    pub description: String,
    pub direction: Direction,
    pub calendar: Calendar,
    /// IANA zone for local dates written without an offset.
    pub timezone: String,
    /// URL prefix: `""` for the default language at the root, else `/fa`.
    pub prefix: String,
    pub is_default: bool,
    /// Its menu, in site.toml's order (no menu: the sections).
    pub menu: Vec<MenuEntry>,
}

/// The validated site configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// `https://example.org/bulletin` — never with a trailing slash.
    pub base_url: String,
    /// The path part of `base_url`: `/bulletin`, or `""` at a host's root.
    pub base_path: String,
    pub default_language: String,
    pub default_language_in_subdir: bool,
    pub theme: String,
    /// `[theme]`'s colours, fonts and stylesheets.
    pub style: Style,
    pub timezone: String,
    pub output_dir: PathBuf,
    pub paginate_by: usize,
    pub taxonomies: Vec<String>,
    /// The most terms one story may have in one taxonomy.
    pub max_terms: usize,
    pub permalink: String,
    pub slugify: Slugify,
    /// Default language first, then the others by code.
    pub languages: Vec<Language>,
    pub markdown: MarkdownConfig,
    pub feeds: FeedsConfig,
    pub images: ImagesConfig,
    pub home: HomeConfig,
    /// Whether the site has search (`search = true`).
    pub search: bool,
    pub extra: toml::Table,
    /// Where it was read from and its text, so that later stages can place
    /// their errors about it (a taxonomy that clashes with a front-matter
    /// key is found by the content stage, which owns those keys).
    #[serde(skip)]
    pub source: Source,
}

/// The file a [`Config`] was parsed from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub path: PathBuf,
    pub text: std::sync::Arc<str>,
}

impl Config {
    /// Reads and validates `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::io(&path, e).with_help("run bulletin in a site folder, or pass --root DIR")
        })?;
        Config::parse(&path, &text)
    }

    /// Parses `text`, the contents of the file `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            Error::at_offset(path, text, offset, with_key(text, offset, toml_message(&e)))
                .with_help("see the site.toml section of the README for every key")
        })?;
        let key_error = |key: &str, message: String| error_at_key(path, text, key, message);

        let (base_url, base_path) = parse_base_url(&raw.base_url).map_err(|m| {
            key_error("base_url", m).with_help("write it like \"https://bulletin.example.org\"")
        })?;
        check_timezone(&raw.timezone).map_err(|m| key_error("timezone", m))?;
        if raw.paginate_by == 0 {
            return Err(key_error(
                "paginate_by",
                "paginate_by must be at least 1".into(),
            ));
        }
        if !raw.permalink.contains(":slug") {
            return Err(key_error(
                "permalink",
                format!(
                    "permalink `{}` has no :slug, so articles would collide",
                    raw.permalink
                ),
            ));
        }
        if raw.permalink.split('/').any(|s| s == ".." || s == ".")
            || raw
                .permalink
                .contains(|c: char| c.is_control() || c == '\\')
        {
            return Err(key_error(
                "permalink",
                format!(
                    "permalink `{}` would leave the output folder",
                    raw.permalink
                ),
            )
            .with_help("write it as a site path such as \"/:section/:slug/\""));
        }
        for token in raw.permalink.split('/').filter(|s| s.starts_with(':')) {
            if !matches!(token, ":year" | ":month" | ":day" | ":section" | ":slug") {
                return Err(
                    key_error("permalink", format!("unknown permalink token `{token}`"))
                        .with_help("use :year, :month, :day, :section and :slug"),
                );
            }
        }
        for taxonomy in &raw.taxonomies {
            if taxonomy.is_empty()
                || !taxonomy
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(key_error(
                    "taxonomies",
                    format!("`{taxonomy}` cannot be a taxonomy name"),
                )
                .with_help("use a plain word such as \"tags\" or \"countries\""));
            }
        }

        let mut raw_languages = raw.languages;
        if !raw_languages.contains_key(&raw.default_language) {
            if raw_languages.is_empty() {
                raw_languages.insert(raw.default_language.clone(), RawLanguage::default());
            } else {
                return Err(key_error(
                    "default_language",
                    format!(
                        "default_language `{}` has no [languages.{}] table",
                        raw.default_language, raw.default_language
                    ),
                ));
            }
        }
        let mut languages = Vec::new();
        for (code, lang) in raw_languages {
            if !is_language_code(&code) {
                let bare = code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                let key = match bare {
                    true => format!("languages.{code}"),
                    false => format!("languages.\"{code}\""),
                };
                let shown: String = code.chars().take(40).collect();
                let more = if code.chars().count() > 40 { "…" } else { "" };
                return Err(
                    key_error(&key, format!("`{shown}{more}` is not a language code"))
                        .with_help("use a BCP 47 code such as en, fa or ru"),
                );
            }
            let timezone = lang.timezone.unwrap_or_else(|| raw.timezone.clone());
            check_timezone(&timezone).map_err(|m| key_error("timezone", m))?;
            let is_default = code == raw.default_language;
            let mut menu = lang.menu;
            if is_default && menu.is_empty() {
                menu = raw.menu.clone();
            }
            for (n, entry) in menu.iter().enumerate() {
                if entry.url.trim().is_empty() || entry.name.trim().is_empty() {
                    return Err(key_error(
                        "menu",
                        format!("menu entry {} of `{code}` has no name or no url", n + 1),
                    )
                    .with_help("write { name = \"About\", url = \"@/en/about.md\" }"));
                }
            }
            let title = lang.title.unwrap_or_else(|| raw.title.clone());
            languages.push(Language {
                name: lang.name.unwrap_or_else(|| code.clone()),
                // Pages and feeds always have a description: at worst the title.
                description: lang
                    .description
                    .or_else(|| raw.description.clone())
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| title.clone()),
                title,
                direction: lang
                    .direction
                    .unwrap_or_else(|| Direction::of_language(&code)),
                calendar: lang
                    .calendar
                    .unwrap_or_else(|| Calendar::of_language(&code)),
                timezone,
                prefix: if is_default && !raw.default_language_in_subdir {
                    String::new()
                } else {
                    format!("/{code}")
                },
                is_default,
                menu,
                code,
            });
        }
        languages.sort_by_key(|l| !l.is_default);
        let images = &raw.images;
        let at_images = |key: &str, m: String| error_at_key(path, text, key, m);
        if images.widths.is_empty() || images.widths.iter().any(|&w| !(16..=8192).contains(&w)) {
            return Err(at_images(
                "widths",
                format!(
                    "[images] widths {:?} must be between 16 and 8192 pixels, at least one",
                    images.widths
                ),
            )
            .with_help("for example widths = [480, 800, 1200, 1600]"));
        }
        if let Some(f) = images.formats.iter().find(|f| f.as_str() != "webp") {
            return Err(at_images(
                "formats",
                format!("[images] formats: `{f}` is not a format bulletin writes"),
            )
            .with_help("write formats = [\"webp\"], or formats = [] for JPEG and PNG only"));
        }
        if !(1..=100).contains(&images.quality) {
            return Err(at_images(
                "quality",
                format!("[images] quality {} must be from 1 to 100", images.quality),
            )
            .with_help("75 is a good balance of size and detail"));
        }

        if raw.home.paginate_by == Some(0) {
            return Err(key_error(
                "paginate_by",
                "[home] paginate_by must be at least 1".into(),
            ));
        }
        let (theme, style) = parse_theme(raw.theme).map_err(|m| {
            key_error("theme", m).with_help(
                "write theme = \"default\", or [theme] with name, colors, dark, fonts and stylesheets",
            )
        })?;
        Ok(Config {
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            base_url,
            base_path,
            default_language: raw.default_language,
            default_language_in_subdir: raw.default_language_in_subdir,
            theme,
            style,
            timezone: raw.timezone,
            output_dir: raw.output_dir,
            paginate_by: raw.paginate_by,
            taxonomies: raw.taxonomies,
            max_terms: raw.max_terms,
            permalink: raw.permalink,
            slugify: raw.slugify,
            languages,
            markdown: raw.markdown,
            feeds: raw.feeds,
            images: raw.images,
            home: raw.home,
            search: raw.search,
            extra: raw.extra,
            source: Source {
                path: path.to_path_buf(),
                text: text.into(),
            },
        })
    }

    /// An error about `key` of site.toml, placed at its line.
    pub fn key_error(&self, key: &str, message: impl Into<String>) -> Error {
        error_at_key(&self.source.path, &self.source.text, key, message)
    }

    /// This configuration with `base_url` replaced (`--base-url`, or serve's
    /// own address), checked as site.toml's is.
    pub fn with_base_url(mut self, url: &str) -> Result<Config> {
        let (base_url, base_path) = parse_base_url(url).map_err(|m| {
            Error::msg(m).with_help("pass --base-url like https://bulletin.example.org")
        })?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(self)
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    pub fn default_lang(&self) -> &Language {
        &self.languages[0]
    }

    /// The absolute URL of a site path such as `/fa/news/x/`.
    pub fn absolute_url(&self, path: &str) -> String {
        crate::url::prefixed_path(&self.base_url, path)
    }

    /// The root-relative URL (base path included) of a site path.
    pub fn relative_url(&self, path: &str) -> String {
        crate::url::prefixed_path(&self.base_path, path)
    }
}

/// `theme = "name"`, or `[theme]`: the theme's name and the site's style,
/// each value checked so that it cannot end the `<style>` it is put in.
fn parse_theme(value: Option<toml::Value>) -> std::result::Result<(String, Style), String> {
    let raw = match value {
        None => return Ok((default_theme(), Style::default())),
        Some(toml::Value::String(name)) => return Ok((name, Style::default())),
        Some(value) => {
            RawStyle::deserialize(value).map_err(|e| format!("[theme]: {}", e.message()))?
        }
    };
    let style = raw.style;
    for (table, values) in [
        ("colors", &style.colors),
        ("dark", &style.dark),
        ("fonts", &style.fonts),
    ] {
        for (key, value) in values {
            let plain_key = key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !plain_key {
                return Err(format!(
                    "[theme] {table}: `{key}` is not a property name (use letters, digits and -)"
                ));
            }
            if value.trim().is_empty() || value.contains(['<', '>', ';', '{', '}', '\\', '\n']) {
                return Err(format!(
                    "[theme] {table}.{key}: `{value}` is not a CSS value"
                ));
            }
        }
    }
    if let Some(s) =
        (style.stylesheets.iter()).find(|s| s.contains("..") || s.contains(['"', '<', '>', '\\']))
    {
        return Err(format!(
            "[theme] stylesheets: `{s}` is not a file under static/"
        ));
    }
    Ok((raw.name, style))
}

/// An error about `key` of `text`, the contents of `path`, at its line.
fn error_at_key(path: &Path, text: &str, key: &str, message: impl Into<String>) -> Error {
    Error::at_offset(path, text, find_key(text, key).unwrap_or(0), message)
}

/// `https://x.org/sub/` → (`https://x.org/sub`, `/sub`).
/// Whether `code` has the shape of a BCP 47 tag: a language of two or
/// three letters, then subtags of one to eight letters or digits
/// (`fa`, `pt-BR`, `sr-Latn`).
fn is_language_code(code: &str) -> bool {
    let mut subtags = code.split('-');
    let language = subtags.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Splits `url` into the URL without its trailing slash and its path. The
/// URL goes into attributes, feeds, robots.txt and JSON as it is, so only a
/// plain host (letters, digits, `-`, `.`, a port, an IPv6 address in
/// brackets) and a path of URL-safe characters are accepted: no quotes,
/// angle brackets, spaces, query or fragment.
fn parse_base_url(url: &str) -> std::result::Result<(String, String), String> {
    let base_url = url.trim_end_matches('/').to_string();
    let not_url = || format!("base_url `{url}` is not an http(s) URL");
    let Some(("http" | "https", rest)) = base_url.split_once("://") else {
        return Err(not_url());
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host_ok = !host.is_empty()
        && (host.chars())
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']'));
    let path_ok = path.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                '/' | '-'
                    | '.'
                    | '_'
                    | '~'
                    | '%'
                    | '!'
                    | '$'
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '@'
            )
    });
    if !host_ok || !path_ok {
        return Err(format!(
            "base_url `{url}` holds characters a site's address cannot: only a host (in punycode), an optional port and a plain path"
        ));
    }
    Ok((base_url.clone(), path.to_string()))
}

fn check_timezone(name: &str) -> std::result::Result<(), String> {
    jiff::tz::db()
        .get(name)
        .map(|_| ())
        .map_err(|_| format!("`{name}` is not an IANA time zone (such as Asia/Tehran or UTC)"))
}

/// toml's message without its own rendering of the source (we draw ours).
pub(crate) fn toml_message(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}

/// Prefixes a message about a value with the key it belongs to, read from
/// the line at `offset` (`paginate_by: invalid type …`).
pub(crate) fn with_key(text: &str, offset: usize, message: String) -> String {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _))
            if !key.trim().is_empty() && !key.contains('[') && !message.contains(key.trim()) =>
        {
            format!("`{}`: {message}", key.trim())
        }
        _ => message,
    }
}

/// The byte offset of `key` (or the last part of a dotted key) at the start
/// of a line or a table header, for pointing at a value that parsed but was
/// rejected.
pub(crate) fn find_key(text: &str, key: &str) -> Option<usize> {
    let last = key.rsplit('.').next().unwrap_or(key);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let is_key = trimmed
            .strip_prefix(last)
            .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']));
        let is_table = trimmed.starts_with('[') && trimmed.contains(key);
        if is_key || is_table {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_urls_that_could_break_out_of_an_attribute_are_refused() {
        for bad in [
            "https://x.org/\"><script>alert(1)</script>",
            "https://x.org/a b",
            "https://x.org/?q=1",
            "https://x.org/#f",
            "https://x.org/'x",
            "https://<x>.org",
            "https://",
            "javascript://x.org",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_base_url("https://user.github.io/bulletin/").unwrap(),
            ("https://user.github.io/bulletin".into(), "/bulletin".into())
        );
        assert!(parse_base_url("http://[::1]:8080").is_ok());
        assert!(parse_base_url("http://127.0.0.1:1111").is_ok());
    }

    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("site.toml"), text)
    }

    #[test]
    fn defaults_fill_in_languages() {
        let c = parse(
            "title = \"B\"\nbase_url = \"https://x.org/sub/\"\n[languages.fa]\n[languages.en]\n",
        )
        .unwrap();
        assert_eq!(c.base_url, "https://x.org/sub");
        assert_eq!(c.base_path, "/sub");
        assert_eq!(c.languages[0].code, "en");
        assert_eq!(c.languages[0].prefix, "");
        let fa = c.language("fa").unwrap();
        assert_eq!(fa.prefix, "/fa");
        assert_eq!(fa.direction, Direction::Rtl);
        assert_eq!(fa.calendar, Calendar::Persian);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("title = \"B\"\nbase_url = \"https://x.org\"\ntitel = \"x\"\n").unwrap_err();
        assert!(e.message.contains("titel"), "{}", e.message);
        assert_eq!(e.position.unwrap().line, 3);
    }

    #[test]
    fn wrong_type_and_bad_zone_are_errors() {
        let e = parse("title = \"B\"\nbase_url = \"https://x.org\"\npaginate_by = \"ten\"\n")
            .unwrap_err();
        assert_eq!(e.position.unwrap().line, 3);
        let e = parse("title = \"B\"\nbase_url = \"https://x.org\"\ntimezone = \"Mars/Base\"\n")
            .unwrap_err();
        assert!(e.message.contains("Mars/Base"));
        assert_eq!(e.position.unwrap().line, 3);
    }
}
