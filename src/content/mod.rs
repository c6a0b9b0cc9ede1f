//! Load: find the articles under `content/` and read each into an
//! [`Article`] (front matter, dates, body), in parallel.

pub mod front_matter;
pub mod markdown;
pub mod shortcodes;
pub mod wire;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::ZonedDateTime;
use rayon::prelude::*;

pub use front_matter::{SortBy, front_matter_keys, section_keys};

use crate::config::Config;
use crate::error::{Error, Errors, Position, Result};
use crate::locale::dates::{as_written, parse_date, time_zone};
use crate::locale::slug::slugify;

/// The text of an article.
#[derive(Debug, Clone)]
pub enum Body {
    /// Markdown, kept from the load while the load's [`TextBudget`] lasts
    /// and otherwise read again from the file when it is rendered (see
    /// [`Article::markdown`]): a large bulletin's texts are never all held
    /// in memory at once.
    Markdown {
        /// The text, if it was kept.
        text: Option<Arc<str>>,
        /// Whether it has fenced code (the page then loads code styles).
        has_code: bool,
        /// Words in the text, for reading time.
        words: usize,
        /// The summary's HTML, made while the text was at hand; `None` when
        /// it has `@/` links, which need every article's URL first.
        summary: Option<String>,
    },
    /// Plain text, already split into blocks; rendered escaped.
    Plain(Vec<wire::Block>),
}

/// One article as read from disk, before URLs are assigned.
#[derive(Debug, Clone)]
pub struct Article {
    /// Path of the source file, relative to the site root.
    pub source: PathBuf,
    /// Path relative to `content/`, with `/` separators: the `@/` link name.
    pub content_path: String,
    pub lang: String,
    /// Folder path inside the language: `news`, `news/world`, or `""`.
    pub section: String,
    pub translation_key: String,
    pub title: String,
    pub slug: String,
    pub date: Option<ZonedDateTime>,
    pub updated: Option<ZonedDateTime>,
    /// The front matter's summary, as HTML (escaped from its text).
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Taxonomy name → terms as written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub draft: bool,
    /// When it may appear: `publish_date`, else `date`.
    pub publish_at: Option<ZonedDateTime>,
    /// `expiry_date`.
    pub expires_at: Option<ZonedDateTime>,
    pub unpublished: bool,
    /// `[[corrections]]`, oldest first.
    pub corrections: Vec<Correction>,
    pub aliases: Vec<String>,
    pub authors: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub template: Option<String>,
    pub extra: serde_json::Value,
    pub body: Body,
    /// Byte offset of the body in the source.
    pub body_offset: usize,
    /// The line the body starts on, to place errors in it without reading
    /// the file again.
    pub body_line: usize,
    /// Where the `template` key is, for an error about it.
    pub template_at: Option<Position>,
    /// Fingerprint of the whole file: every key of its front matter and its
    /// text. What the site says about the article comes on top (see
    /// [`crate::plan::ArticleFacts`]).
    pub fingerprint: u64,
    /// The targets of its `@/` links (relative to `content/`, without
    /// `#fragment`), so that its page is made again when one moves. Read
    /// by a scan of the text, which may find more than Markdown does, never
    /// fewer.
    pub links: Vec<String>,
    /// Pixel size of a local `image` (under `static/`), measured at load.
    pub image_size: Option<(usize, usize)>,
    /// A story folder's path relative to `content/` (`en/news/photo`),
    /// when the story is one.
    pub bundle: Option<String>,
    /// The folder's other files, relative to it (`photo.jpg`,
    /// `docs/report.pdf`), sorted: published next to the story's page.
    pub assets: Vec<String>,
    /// The local file `image` names, relative to the site root: in the
    /// story folder (`image = "photo.jpg"`) or under `static/`.
    pub image_source: Option<PathBuf>,
    /// Photos under `static/` that the body shows (`![…](/images/x.jpg)`),
    /// relative to the site root.
    pub static_photos: Vec<PathBuf>,
    /// Lines of the body's images without alt text.
    pub missing_alt: Vec<usize>,
    pub image_caption: Option<String>,
    pub image_credit: Option<String>,
    /// Its place in a section with `sort_by = "weight"`.
    pub weight: Option<i64>,
    /// A page (about, contact), not a story: `kind = "page"`, or no date.
    /// Its section lists it; home lists, feeds, archives, terms and
    /// related stories do not.
    pub is_page: bool,
    /// `featured = true`: the front page's lead.
    pub featured: bool,
    /// `noindex = true`: out of the search index, and a robots `noindex`.
    pub noindex: bool,
    /// The shortcodes its Markdown calls, in order (bodies' calls after
    /// their call), for the checks and fingerprints that need no render.
    pub shortcodes: Vec<ShortcodeUse>,
    /// Whether its text has shortcodes, escaped ones included (it is then
    /// rendered with its shortcodes, never at load).
    pub has_shortcodes: bool,
}

/// One shortcode call of a story, as the load found it.
#[derive(Debug, Clone)]
pub struct ShortcodeUse {
    pub name: String,
    pub args: Vec<(String, shortcodes::Arg)>,
    /// Where the call starts in the file.
    pub position: Position,
    /// The `@/` target of a `path` argument, if it has one.
    pub target: Option<String>,
}

/// A shortcode's syntax error in `text` (the file's) at `offset`.
pub fn shortcode_error(
    path: &Path,
    text: &str,
    offset: usize,
    e: shortcodes::ShortcodeError,
) -> Error {
    let position = Position::of_offset(text, offset);
    Error {
        position: Some(position),
        source_line: text.lines().nth(position.line - 1).map(str::to_owned),
        ..Error::in_file(path, e.message)
    }
    .with_help(e.help)
}

/// A correction of a story: when it was made, and what it says (plain
/// text, as written).
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub date: ZonedDateTime,
    pub text: String,
}

impl Article {
    /// The Markdown text: kept from the load, or read from `root`/`source`
    /// below the front matter.
    pub fn markdown(&self, root: &Path) -> Result<std::borrow::Cow<'_, str>> {
        if let Body::Markdown {
            text: Some(text), ..
        } = &self.body
        {
            return Ok(std::borrow::Cow::Borrowed(text));
        }
        let path = root.join(&self.source);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let text = utf8(&path, &bytes)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Ok(std::borrow::Cow::Owned(
            text.get(self.body_offset..).unwrap_or("").to_string(),
        ))
    }
}

/// How many bytes of article text a load may keep in memory: a small
/// bulletin's pages are then rendered without reading every file again
/// (on 3 × 1,000 articles, 19 MB of text, 2 % of a build's CPU time). A
/// build of a larger one keeps none (see [`TextBudget::settle`]); `serve`
/// keeps what fitted.
pub struct TextBudget {
    left: std::sync::atomic::AtomicUsize,
    /// Whether a text did not fit.
    refused: std::sync::atomic::AtomicBool,
}

impl TextBudget {
    pub const DEFAULT: usize = 32 << 20;

    pub fn new(bytes: usize) -> TextBudget {
        TextBudget {
            left: std::sync::atomic::AtomicUsize::new(bytes),
            refused: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether `bytes` more fit, taking them if so.
    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let taken = self
            .left
            .fetch_update(Relaxed, Relaxed, |left| left.checked_sub(bytes))
            .is_ok();
        if !taken {
            self.refused.store(true, Relaxed);
        }
        taken
    }

    /// Drops the texts kept in `results` if some did not fit: a large
    /// bulletin reads them all again anyway, and would hold these through
    /// its whole build (50 MB of peak memory at 3 × 30,000 articles).
    fn settle(&self, results: &mut [Result<Loaded>]) {
        if !self.refused.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        for result in results {
            if let Ok(Loaded::Article(article)) = result
                && let Some(article) = Arc::get_mut(article)
                && let Body::Markdown { text, .. } = &mut article.body
            {
                *text = None;
            }
        }
    }
}

/// A section's `_index.md`.
#[derive(Debug, Clone)]
pub struct SectionMeta {
    pub source: PathBuf,
    pub lang: String,
    pub section: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub weight: Option<i64>,
    /// Links a term's file (`content/fa/tags/ایران/_index.md`) to the
    /// same term in other languages.
    pub translation_key: Option<String>,
    /// A term's photo (an author's portrait): a site path or a URL.
    pub image: Option<String>,
    pub extra: serde_json::Value,
    /// Markdown intro text below the front matter.
    pub body: String,
    /// The line the intro starts on, to place errors in it.
    pub body_line: usize,
    /// Where the `template` key is, for an error about it.
    pub template_at: Option<Position>,
    /// Fingerprint of the whole file.
    pub fingerprint: u64,
    /// The targets of its `@/` links, as for articles.
    pub links: Vec<String>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Shared, so a cached load (serve) hands articles out without copying.
    pub articles: Vec<Arc<Article>>,
    pub sections: Vec<SectionMeta>,
    /// Things worth telling the user that do not stop the build.
    pub warnings: Vec<String>,
    /// The clock the stories were let in by.
    pub now: jiff::Timestamp,
    /// Stories left out: drafts, embargoed, expired or unpublished.
    pub held: Vec<Held>,
    pub next_change: Option<NextChange>,
}

/// Options of one load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include articles marked `draft = true`.
    pub drafts: bool,
    pub schedule: Schedule,
}

/// Which stories the clock lets in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Schedule {
    /// Include stories whose publish time is still to come (`--future`;
    /// serve does, with a banner).
    pub future: bool,
    /// Include stories past their `expiry_date`, or `unpublished`.
    pub expired: bool,
    /// The clock (`--now`), else the time of the build.
    pub now: Option<jiff::Timestamp>,
}

/// A story the build left out, and why.
#[derive(Debug, Clone)]
pub struct Held {
    pub source: PathBuf,
    pub lang: String,
    pub why: Why,
    /// When an embargo lifts, or when the story expired.
    pub at: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Why {
    Draft,
    Embargoed,
    Expired,
    Unpublished,
}

/// The next time the published site changes by itself: an embargo lifting
/// or a story expiring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextChange {
    pub at: jiff::Timestamp,
    pub source: PathBuf,
    pub what: &'static str,
}

/// Finds every article and section file under `root/content`, sorted by path.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or(".")));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| content.clone());
            Error::in_file(&path, format!("cannot read {}: {e}", path.display()))
        })?;
        if entry.file_type().is_file() && is_source(entry.path()) {
            files.push(entry.into_path());
        }
    }
    // Sorted once here rather than folder by folder in the walk, whose
    // comparisons parse both paths each time (3 % of a build's load).
    files.sort_unstable_by(|a, b| path_order(a, b));
    Ok(files)
}

/// The order of a sorted walk: component by component, as `Path::cmp`,
/// by comparing bytes with a separator before every other byte (names
/// hold no separators), without parsing either path.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // A path that ends there comes first (it holds the other).
    let rank = |c: Option<&u8>| {
        c.map(|&c| match std::path::is_separator(c.into()) {
            true => 0,
            false => u16::from(c) + 1,
        })
    };
    rank(a.get(common)).cmp(&rank(b.get(common)))
}

fn is_source(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "txt")
    )
}

/// Hidden files and editors' leftovers: backups, swap and lock files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Files read by an earlier load, kept by `serve` so an edit re-reads only
/// the files whose size or modification time changed. Valid for one
/// configuration: make a new cache when site.toml changes.
#[derive(Default)]
pub struct LoadCache(Mutex<Vec<Cached>>);

/// One content file of the last load, in [`discover`]'s order.
#[derive(Clone)]
struct Cached {
    path: PathBuf,
    /// What was read, and the stamp of the file then; `None` if it failed
    /// (it is read again next time).
    loaded: Option<(FileStamp, Loaded)>,
}

/// What tells an edited file from an unchanged one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Reads every content file of the site, reusing from `cache` (serve's)
/// the files unchanged since it took them. When `changed` names the
/// content files (relative to `root`) changed since the last load, only
/// they are looked at again: the others are neither found nor checked
/// anew (a changed folder still walks `content/`).
pub fn load_cached(
    root: &Path,
    config: &Config,
    options: LoadOptions,
    cache: Option<&LoadCache>,
    changed: Option<&HashSet<PathBuf>>,
) -> Result<Content, Errors> {
    check_taxonomy_names(config).map_err(|e| Errors(vec![e.relative_to(root)]))?;
    let find_all = || discover(root).map_err(|e| Errors(vec![e.relative_to(root)]));
    let budget = TextBudget::new(TextBudget::DEFAULT);
    let Some(cache) = cache else {
        let files = find_all()?;
        let mut results: Vec<Result<Loaded>> = files
            .par_iter()
            .map(|path| load_file(root, path, config, &budget))
            .collect();
        budget.settle(&mut results);
        return collect(root, config, options, results);
    };
    let mut entries = std::mem::take(&mut *cache.0.lock().expect("no panics while locked"));
    let patchable =
        !entries.is_empty() && changed.is_some_and(|c| !c.iter().any(|p| root.join(p).is_dir()));
    match changed {
        Some(changed) if patchable => {
            let changed: Vec<PathBuf> = changed.iter().map(|p| root.join(p)).collect();
            patch(&mut entries, &changed);
        }
        _ => {
            let files = find_all()?;
            let mut before: HashMap<PathBuf, Option<(FileStamp, Loaded)>> =
                entries.into_iter().map(|e| (e.path, e.loaded)).collect();
            entries = files
                .into_iter()
                .map(|path| {
                    let loaded = before
                        .remove(&path)
                        .flatten()
                        .filter(|(stamp, _)| FileStamp::of(&path) == Some(*stamp))
                        // A story folder's files may have changed under an
                        // unchanged index.md: read again (one small file).
                        .filter(|(_, loaded)| {
                            !matches!(loaded, Loaded::Article(a) if a.bundle.is_some())
                        });
                    Cached { path, loaded }
                })
                .collect();
        }
    }
    let results: Vec<Result<Loaded>> = entries
        .par_iter_mut()
        .map(|entry| {
            if let Some((_, loaded)) = &entry.loaded {
                return Ok(loaded.clone());
            }
            let stamp = FileStamp::of(&entry.path);
            let loaded = load_file(root, &entry.path, config, &budget)?;
            entry.loaded = stamp.map(|stamp| (stamp, loaded.clone()));
            Ok(loaded)
        })
        .collect();
    *cache.0.lock().expect("no panics while locked") = entries;
    collect(root, config, options, results)
}

/// Takes the changed paths (files written, made, removed or renamed,
/// or folders removed) into the files of an earlier load: what is gone
/// leaves, what was written is read again.
fn patch(entries: &mut Vec<Cached>, changed: &[PathBuf]) {
    entries.retain(|e| {
        !changed.iter().any(|c| {
            // Bytes first: a cheap no for almost every file.
            e.path
                .as_os_str()
                .as_encoded_bytes()
                .starts_with(c.as_os_str().as_encoded_bytes())
                && e.path.starts_with(c)
        })
    });
    // A photo added to, changed in or removed from a story folder: the
    // folder's stories are read again (their list of files changed).
    for c in changed.iter().filter(|c| !is_source(c)) {
        for e in entries.iter_mut() {
            let is_index = e
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("index."));
            if is_index && e.path.parent().is_some_and(|dir| c.starts_with(dir)) {
                e.loaded = None;
            }
        }
    }
    for path in changed.iter().filter(|p| p.is_file() && is_source(p)) {
        if let Err(at) = entries.binary_search_by(|e| path_order(&e.path, path)) {
            let entry = Cached {
                path: path.clone(),
                loaded: None,
            };
            entries.insert(at, entry);
        }
    }
}

/// The content of a load's results, or all its errors.
fn collect(
    root: &Path,
    config: &Config,
    options: LoadOptions,
    results: Vec<Result<Loaded>>,
) -> Result<Content, Errors> {
    let now = options.schedule.now.unwrap_or_else(jiff::Timestamp::now);
    let mut content = Content {
        now,
        ..Content::default()
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(Loaded::Article(a)) => {
                let (embargoed, expired) = schedule(&a, now, &mut content.next_change);
                let held = |why, at: Option<&ZonedDateTime>| Held {
                    source: a.source.clone(),
                    lang: a.lang.clone(),
                    why,
                    at: at.map(ZonedDateTime::timestamp),
                };
                if a.draft && !options.drafts {
                    content.held.push(held(Why::Draft, None));
                } else if embargoed && !options.schedule.future {
                    content
                        .held
                        .push(held(Why::Embargoed, a.publish_at.as_ref()));
                } else if expired && !options.schedule.expired {
                    content.held.push(match a.unpublished {
                        true => held(Why::Unpublished, None),
                        false => held(Why::Expired, a.expires_at.as_ref()),
                    });
                } else {
                    content.articles.push(a);
                }
            }
            Ok(Loaded::Section(s)) => content.sections.push(*s),
            Err(e) => errors.push(e.relative_to(root)),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    content
        .warnings
        .extend(unconfigured_languages(root, config));
    Ok(content)
}

impl Article {
    /// When the story last changed: its latest correction, its `updated`
    /// or its `date`, whichever is latest.
    pub fn last_changed(&self) -> Option<&ZonedDateTime> {
        let written = self.updated.as_ref().or(self.date.as_ref());
        match (written, self.corrections.last().map(|c| &c.date)) {
            (Some(w), Some(c)) if c.timestamp() > w.timestamp() => Some(c),
            (Some(w), _) => Some(w),
            (None, c) => c,
        }
    }
}

/// Whether `a` is still embargoed and whether it has expired at `now`;
/// keeps in `next` the earliest change to come (a lift or an expiry).
/// Instants are compared, so 09:00 in Tehran lifts at 05:30 UTC.
fn schedule(a: &Article, now: jiff::Timestamp, next: &mut Option<NextChange>) -> (bool, bool) {
    let publish = a.publish_at.as_ref().map(ZonedDateTime::timestamp);
    let expiry = a.expires_at.as_ref().map(ZonedDateTime::timestamp);
    let embargoed = publish.is_some_and(|p| p > now);
    let expired = a.unpublished || expiry.is_some_and(|e| e <= now);
    let mut consider = |at: jiff::Timestamp, what: &'static str| {
        if next
            .as_ref()
            .is_none_or(|n| (at, &a.source) < (n.at, &n.source))
        {
            *next = Some(NextChange {
                at,
                source: a.source.clone(),
                what,
            });
        }
    };
    if !a.unpublished {
        if let Some(p) = publish.filter(|_| embargoed) {
            consider(p, "embargo lifts");
        }
        if let Some(e) = expiry.filter(|&e| e > now) {
            consider(e, "expires");
        }
    }
    (embargoed, expired)
}

/// ISO 639-1: the two-letter language codes.
const LANGUAGE_CODES: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// A warning for each top-level folder of `content/` named like a language
/// (`de`, `pt-BR`) that site.toml does not configure: its stories are
/// built as a section of the default language, which is rarely meant (a
/// renamed `[languages.ru]` moved every Russian story into the English
/// site without a word).
fn unconfigured_languages(root: &Path, config: &Config) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("content")) else {
        return Vec::new();
    };
    let mut warnings: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| {
            let base = name.split('-').next().unwrap_or("");
            LANGUAGE_CODES.split(' ').any(|c| c == base) && config.language(name).is_none()
        })
        .map(|name| {
            format!(
                "content/{name}/: `{name}` is a language code but not a language of site.toml, so its stories are built as the section `{name}` of {}; add [languages.{name}] to site.toml, or rename the folder",
                config.default_lang().name
            )
        })
        .collect();
    warnings.sort();
    warnings
}

/// What one content file turned out to be.
#[derive(Clone)]
pub enum Loaded {
    Article(Arc<Article>),
    Section(Box<SectionMeta>),
}

/// Where a file sits: its language, section and translation key.
struct Place {
    content_path: String,
    lang: String,
    section: String,
    /// File stem without a language suffix; a story folder's name.
    stem: String,
    /// The story folder (relative to `content/`) when the file is its
    /// `index.md` (`index.txt`, `index.fa.md`, …).
    bundle: Option<String>,
}

fn place(content_dir: &Path, path: &Path, config: &Config) -> Place {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let content_path = parts.join("/");
    let file = parts.pop().unwrap_or_default();
    let mut stem = Path::new(&file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut lang = None;
    if parts.first().is_some_and(|p| config.language(p).is_some()) {
        lang = Some(parts.remove(0));
    }
    // `story.fa.md`: Zola's suffix convention.
    // In a story folder, `index.fa.md` is the Persian version whichever
    // language folder holds it: translations share the folder's files.
    if let Some((base, suffix)) = stem.rsplit_once('.')
        && config.language(suffix).is_some()
    {
        if base == "index" {
            lang = Some(suffix.to_string());
        } else {
            lang.get_or_insert_with(|| suffix.to_string());
        }
        stem = base.to_string();
    }
    // `news/photo/index.md`: the story `photo` of the section `news`,
    // with the folder's other files.
    let mut bundle = None;
    if stem == "index"
        && let Some(folder) = parts.pop()
    {
        bundle = content_path
            .rsplit_once('/')
            .map(|(dir, _)| dir.to_string());
        stem = folder;
    }
    Place {
        content_path,
        lang: lang.unwrap_or_else(|| config.default_language.clone()),
        section: parts.join("/"),
        stem,
        bundle,
    }
}

/// Whether `text` contains `needle`: memchr's SIMD search, several times
/// faster than `str::contains` over a whole article.
fn has(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// The text of a file's bytes, or an error at the first invalid byte.
/// simdutf8 checks Persian and Cyrillic text (two bytes a letter, where
/// the standard library's ASCII fast path does not help) several times
/// faster, and every article is checked twice: at load and at render.
fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    let text = simdutf8::compat::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
        let position = crate::error::Position::of_offset(valid, valid.len());
        Error {
            position: Some(position),
            ..Error::in_file(path, "the file is not valid UTF-8")
        }
        .with_help("save it as UTF-8 (most editors offer this under \"Save with encoding\")")
    })?;
    if let Some(at) = first_control(bytes) {
        return Err(Error::at_offset(
            path,
            text,
            at,
            format!(
                "a control character (U+{:04X}) is in the text; pages and feeds cannot carry it",
                bytes[at]
            ),
        )
        .with_help(
            "delete it (editors show it as ^L, <0x0c> or a box); tabs and line ends are fine",
        ));
    }
    Ok(text)
}

/// The offset of the first control character other than tab, line feed and
/// carriage return (NUL, form feed, ESC, DEL…: invalid in XML, invisible in
/// HTML). Checked 64 bytes at a time without a branch per byte, which the
/// compiler vectorizes: every content file passes through here.
fn first_control(bytes: &[u8]) -> Option<usize> {
    let control = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f);
    for (n, chunk) in bytes.chunks(64).enumerate() {
        if chunk.iter().fold(false, |any, &b| any | control(b)) {
            return chunk.iter().position(|&b| control(b)).map(|at| n * 64 + at);
        }
    }
    None
}

/// One content file as read: its text, front matter and place.
struct File<'a> {
    path: &'a Path,
    /// Relative to the site root.
    source: PathBuf,
    text: &'a str,
    split: Option<front_matter::Split<'a>>,
    place: Place,
    is_text: bool,
    fingerprint: u64,
}

impl File<'_> {
    /// An error at `key` of the front matter.
    fn at_key(&self, key: &str, message: String) -> Error {
        let s = self
            .split
            .as_ref()
            .expect("keys only come from front matter");
        Error::at_offset(
            self.path,
            self.text,
            front_matter::key_offset(s, key),
            message,
        )
    }

    /// Where `key` is, if the file has it.
    fn key_position(&self, key: &str, present: bool) -> Option<Position> {
        let s = self.split.as_ref().filter(|_| present)?;
        Some(Position::of_offset(
            self.text,
            front_matter::key_offset(s, key),
        ))
    }
}

/// An error if a configured taxonomy shares its name with a front-matter
/// key (checked here, where those keys live, rather than in `config`).
fn check_taxonomy_names(config: &Config) -> Result<()> {
    match config
        .taxonomies
        .iter()
        // `authors` is both: a story's bylines, and their pages.
        .find(|t| t.as_str() != "authors" && front_matter_keys().contains(&t.as_str()))
    {
        Some(t) => Err(config
            .key_error(
                "taxonomies",
                format!("`{t}` cannot be a taxonomy name: it is a front-matter key"),
            )
            .with_help(format!(
                "name the taxonomy otherwise; front-matter keys are {}",
                front_matter_keys().join(", ")
            ))),
        None => Ok(()),
    }
}

/// Reads one content file.
pub fn load_file(root: &Path, path: &Path, config: &Config, budget: &TextBudget) -> Result<Loaded> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = utf8(path, &bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file = File {
        path,
        source: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
        text,
        split: front_matter::split(path, text)?,
        place: place(&root.join("content"), path, config),
        is_text: path.extension().is_some_and(|e| e == "txt"),
        fingerprint: xxhash_rust::xxh3::xxh3_64(&bytes),
    };
    if file.place.stem == "_index" && !file.is_text {
        return load_section(file);
    }
    load_article(root, file, config, budget)
}

/// A section's `_index.md`.
fn load_section(file: File) -> Result<Loaded> {
    let (fm, body, body_offset) = match &file.split {
        Some(s) => (
            front_matter::parse_section(file.path, file.text, s)?,
            s.body,
            s.body_offset,
        ),
        None => (Default::default(), file.text, 0),
    };
    Ok(Loaded::Section(Box::new(SectionMeta {
        body_line: Position::of_offset(file.text, body_offset).line,
        template_at: file.key_position("template", fm.template.is_some()),
        links: link_targets(body),
        fingerprint: file.fingerprint,
        source: file.source,
        lang: file.place.lang,
        section: file.place.section,
        title: fm.title,
        description: fm.description,
        sort_by: fm.sort_by.unwrap_or_default(),
        paginate_by: fm.paginate_by.filter(|n| *n > 0),
        weight: fm.weight,
        translation_key: fm.translation_key,
        image: fm.image,
        template: fm.template,
        extra: fm.extra.unwrap_or(serde_json::Value::Null),
        body: body.to_string(),
    })))
}

/// The shortcode calls of a body (`body` of the file's `text`, starting at
/// `body_offset`); a syntax error names its line and column.
fn shortcode_uses(
    path: &Path,
    text: &str,
    body: &str,
    body_offset: usize,
) -> Result<Option<Vec<ShortcodeUse>>> {
    let parts = shortcodes::parse(body)
        .map_err(|e| shortcode_error(path, text, body_offset + e.offset, e))?;
    let Some(parts) = parts else {
        return Ok(None);
    };
    Ok(Some(
        shortcodes::calls(&parts)
            .into_iter()
            .map(|call| ShortcodeUse {
                name: call.name.clone(),
                target: call.args.iter().find_map(|(k, v)| match (k.as_str(), v) {
                    ("path", shortcodes::Arg::Str(s)) => s
                        .strip_prefix("@/")
                        .map(|t| t.split('#').next().unwrap_or(t).to_string()),
                    _ => None,
                }),
                args: call.args.clone(),
                position: Position::of_offset(text, body_offset + call.span.start),
            })
            .collect(),
    ))
}

/// The targets of the `@/` links in `text`: every `@/` followed by a path,
/// up to a character no link target has here (`)`, `>`, a quote, a space)
/// or its `#fragment`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets: Vec<String> = memchr::memmem::find_iter(text.as_bytes(), b"@/")
        .map(|at| {
            let rest = &text[at + 2..];
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '#' | ']')
                })
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// An article: its front matter (or wire headline and dateline) and body.
fn load_article(root: &Path, file: File, config: &Config, budget: &TextBudget) -> Result<Loaded> {
    let (path, text) = (file.path, file.text);
    let language = config
        .language(&file.place.lang)
        .expect("place() only returns configured languages");
    let (fm, body_text, body_offset, wire_story) = match (&file.split, file.is_text) {
        (Some(s), _) => (
            front_matter::parse_article(path, text, s, &config.taxonomies)?,
            s.body,
            s.body_offset,
            None,
        ),
        (None, true) => (
            Default::default(),
            "",
            text.len(),
            Some(wire::parse(path, text)?),
        ),
        (None, false) => (Default::default(), text, 0, None),
    };

    for (taxonomy, terms) in &fm.taxonomies {
        if terms.len() > config.max_terms {
            return Err(file
                .at_key(
                    taxonomy,
                    format!(
                        "{} {taxonomy} on one story; the most is {} (max_terms in site.toml)",
                        terms.len(),
                        config.max_terms
                    ),
                )
                .with_help("keep the story's most telling terms, or raise max_terms"));
        }
        // A term of no letter or digit has no slug, so no page: say so
        // rather than drop it.
        if let Some(empty) = terms.iter().find(|t| !t.chars().any(char::is_alphanumeric)) {
            return Err(file
                .at_key(
                    taxonomy,
                    format!("the term {empty:?} has no letter or digit, so it cannot have a page"),
                )
                .with_help("remove it, or write it in words"));
        }
    }
    let zone_name = fm
        .timezone
        .clone()
        .unwrap_or_else(|| language.timezone.clone());
    let zone = time_zone(&zone_name).map_err(|m| file.at_key("timezone", m))?;
    let read_date =
        |key: &str, value: &Option<front_matter::DateText>| -> Result<Option<ZonedDateTime>> {
            value
                .as_ref()
                .map(|d| {
                    parse_date(&d.0, &zone)
                        .and_then(|date| as_written(date, language.calendar))
                        .map_err(|m| file.at_key(key, m))
                })
                .transpose()
        };
    let mut date = read_date("date", &fm.date)?;
    let updated = read_date("updated", &fm.updated)?;
    let publish_date = read_date("publish_date", &fm.publish_date)?;
    let expiry_date = read_date("expiry_date", &fm.expiry_date)?;
    let corrections = corrections(&file, &fm.corrections, date.as_ref(), |d| {
        parse_date(d, &zone).and_then(|date| as_written(date, language.calendar))
    })?;

    // Wire copy is escaped text: no `@/` link in it is a link, no image
    // an image.
    let (links, mut photos, missing_alt, shortcodes) = match (&wire_story, file.is_text) {
        (None, false) => (
            link_targets(body_text),
            static_images(body_text),
            images_without_alt(body_text)
                .into_iter()
                .map(|offset| Position::of_offset(text, body_offset + offset).line)
                .collect(),
            shortcode_uses(path, text, body_text, body_offset)?,
        ),
        // Wire copy is escaped text: a shortcode in it is text too.
        _ => (Vec::new(), Vec::new(), Vec::new(), None),
    };
    let has_shortcodes = shortcodes.is_some();
    let shortcodes = shortcodes.unwrap_or_default();
    // A shortcode's `/…` photo (`figure(src="/photos/x.jpg")`) is shown too.
    for call in &shortcodes {
        for (_, arg) in &call.args {
            if let shortcodes::Arg::Str(v) = arg
                && let Some(rel) = v.strip_prefix('/')
                && crate::images::Kind::of_name(rel).is_some()
                && !rel.split('/').any(|s| s == "..")
            {
                photos.push(Path::new("static").join(rel));
            }
        }
    }
    let (title, body) = match wire_story {
        Some(story) => {
            date = Some(story.date);
            (Some(story.title), Body::Plain(story.blocks))
        }
        None if file.is_text => (fm.title.clone(), Body::Plain(wire::blocks(body_text))),
        None => (
            fm.title.clone(),
            // Relative links and photos need the site's paths first, too.
            markdown_body(
                body_text,
                links.is_empty()
                    && file.place.bundle.is_none()
                    && photos.is_empty()
                    && !has_shortcodes,
                config,
                budget,
            ),
        ),
    };
    let title = fm
        .title
        .clone()
        .or(title)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            Error::in_file(path, "the article has no title").with_help(
                "add `title = \"…\"` to its front matter (or a headline line to wire copy)",
            )
        })?;
    let slug = article_slug(&file, &fm, &title, config)?;
    let translation_key =
        fm.translation_key
            .clone()
            .unwrap_or_else(|| match file.place.section.as_str() {
                "" => file.place.stem.clone(),
                s => format!("{s}/{}", file.place.stem),
            });
    let bundle_files = match &file.place.bundle {
        Some(folder) => Some(bundle_files(root, folder, path)?),
        None => None,
    };
    let image_source = lead_image(&file, fm.image.as_deref(), root, bundle_files.as_deref())?;
    let image_size = image_source
        .as_ref()
        .filter(|p| crate::images::Kind::of_name(&p.to_string_lossy()).is_none())
        // Only a regular file is opened: a FIFO or a device would block.
        .filter(|p| std::fs::metadata(root.join(p)).is_ok_and(|m| m.is_file()))
        .and_then(|p| imagesize::size(root.join(p)).ok())
        .map(|s| (s.width, s.height));
    if config.images.require_alt
        && let Some(line) = missing_alt.first()
    {
        return Err(Error {
            position: Some(Position {
                line: *line,
                column: 1,
            }),
            ..Error::in_file(
                path,
                "the image has no alt text, and [images] require_alt = true",
            )
        }
        .with_help(
            "describe the photo between the brackets: ![Delegates at the opening](photo.jpg)",
        ));
    }
    if config.images.require_alt && fm.image.is_some() && fm.image_alt.is_none() {
        return Err(file
            .at_key(
                "image",
                "the image has no `image_alt`, and [images] require_alt = true".into(),
            )
            .with_help("add image_alt = \"…\" describing the photo"));
    }

    let is_page = match fm.kind {
        Some(kind) => kind == front_matter::Kind::Page,
        None => date.is_none(),
    };
    Ok(Loaded::Article(Arc::new(Article {
        template_at: file.key_position("template", fm.template.is_some()),
        body_line: Position::of_offset(text, body_offset).line,
        links,
        fingerprint: match &bundle_files {
            Some(files) => crate::fingerprint::Fingerprint::new()
                .with(&file.fingerprint)
                .with(files)
                .value(),
            None => file.fingerprint,
        },
        image_size,
        bundle: file.place.bundle.clone(),
        image_source,
        static_photos: photos,
        missing_alt,
        image_caption: fm.image_caption,
        image_credit: fm.image_credit,
        shortcodes,
        has_shortcodes,
        assets: bundle_files
            .map(|files| files.into_iter().map(|(name, _)| name).collect())
            .unwrap_or_default(),
        source: file.source,
        content_path: file.place.content_path,
        lang: file.place.lang,
        section: file.place.section,
        translation_key,
        title: title.trim().to_string(),
        slug,
        publish_at: publish_date.or_else(|| date.clone()),
        date,
        updated,
        // Written as text in the front matter, shown as HTML.
        summary: fm
            .summary
            .as_deref()
            .map(markdown::pulldown_cmark_escape_html),
        description: fm.description,
        taxonomies: fm.taxonomies,
        draft: fm.draft,
        expires_at: expiry_date,
        unpublished: fm.unpublished,
        corrections,
        aliases: fm.aliases,
        authors: fm.authors,
        image: fm.image,
        image_alt: fm.image_alt,
        template: fm.template,
        weight: fm.weight,
        is_page,
        featured: fm.featured,
        noindex: fm.noindex,
        extra: fm.extra.unwrap_or(serde_json::Value::Null),
        body,
        body_offset,
    })))
}

/// The file a front-matter `image` names, relative to the site root: a
/// relative name in a story folder is one of its files, any other local
/// name a file under `static/`; an error at the key if it is missing.
fn lead_image(
    file: &File,
    image: Option<&str>,
    root: &Path,
    bundle: Option<&[(String, Option<FileStamp>)]>,
) -> Result<Option<PathBuf>> {
    // A URL (`https://…`, or any `scheme:`) is no file of the site.
    let scheme = |i: &str| i.split_once(':').is_some_and(|(s, _)| !s.contains('/'));
    let Some(image) = image.filter(|i| !scheme(i)) else {
        return Ok(None);
    };
    if image.split('/').any(|s| s == "..") {
        return Err(file
            .at_key(
                "image",
                format!("the image `{image}` leaves the site's folders"),
            )
            .with_help("name a file in the story folder or under static/"));
    }
    if let (Some(files), Some(folder)) = (bundle, &file.place.bundle)
        && !image.starts_with('/')
    {
        if files.iter().any(|(name, _)| name == image) {
            return Ok(Some(Path::new("content").join(folder).join(image)));
        }
        return Err(file
            .at_key("image", format!("the story folder has no file `{image}`"))
            .with_help(format!(
                "put {image} in content/{folder}/, or write /{image} for a file under static/"
            )));
    }
    let source = Path::new("static").join(image.trim_start_matches('/'));
    if !root.join(&source).exists() {
        return Err(file
            .at_key("image", format!("the image `{image}` is not in static/ ({} is missing)", source.display()))
            .with_help("put the file under static/, or move the story into a folder (news/story/index.md) with its photo"));
    }
    Ok(Some(source))
}

/// Photos under `static/` that a Markdown body shows: `](/x.jpg)` targets
/// of a raster image type, relative to the site root.
fn static_images(text: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = memchr::memmem::find_iter(text.as_bytes(), b"](/")
        .filter_map(|at| {
            let rest = &text[at + 3..];
            let end = rest.find([')', ' ', '"', '#', '?']).unwrap_or(rest.len());
            let target = &rest[..end];
            (crate::images::Kind::of_name(target).is_some()
                && !target.split('/').any(|s| s == ".."))
            .then(|| Path::new("static").join(target))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Offsets of the images in `text` whose alt text is empty: `![](…)`.
fn images_without_alt(text: &str) -> Vec<usize> {
    memchr::memmem::find_iter(text.as_bytes(), b"![")
        .filter(|&at| text[at + 2..].trim_start_matches(' ').starts_with("]("))
        .collect()
}

/// The files of the story folder `folder` (relative to `content/`) other
/// than its stories, with what tells an edited one from an unchanged one
/// (size and modification time), sorted by name; an error for another
/// story file in it, which would have no page of its own.
fn bundle_files(
    root: &Path,
    folder: &str,
    index: &Path,
) -> Result<Vec<(String, Option<FileStamp>)>> {
    let dir = root.join("content").join(folder);
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or(".")));
    for entry in walker {
        let entry = entry
            .map_err(|e| Error::in_file(&dir, format!("cannot read the story folder: {e}")))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let name = rel
            .iter()
            .map(|p| p.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if is_source(entry.path()) {
            if entry.depth() == 1 && (name.starts_with("index.") || name == "index") {
                continue;
            }
            return Err(Error::in_file(
                entry.path(),
                format!(
                    "{name} is a story file inside the story folder of {}, which holds one story and its files",
                    index.display()
                ),
            )
            .with_help("move it out of the folder to make it a story of its own, or name it index.<lang>.md for a translation"));
        }
        files.push((name, FileStamp::of(entry.path())));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The `[[corrections]]` of a story, oldest first; an error at the entry
/// whose date does not read, whose text is empty or which is dated before
/// the story.
fn corrections(
    file: &File,
    written: &[front_matter::CorrectionText],
    story: Option<&ZonedDateTime>,
    read: impl Fn(&str) -> std::result::Result<ZonedDateTime, String>,
) -> Result<Vec<Correction>> {
    let mut corrections = Vec::with_capacity(written.len());
    for (n, c) in written.iter().enumerate() {
        let at = |message: String| {
            let offset = file.split.as_ref().map_or(0, |s| {
                s.offset
                    + nth_correction(s.text, n)
                        .unwrap_or(front_matter::key_offset(s, "corrections") - s.offset)
            });
            Error::at_offset(
                file.path,
                file.text,
                offset,
                format!("correction {}: {message}", n + 1),
            )
        };
        let date = read(&c.date.0).map_err(at)?;
        if c.text.trim().is_empty() {
            return Err(at("its text is empty".into())
                .with_help("say what was wrong and what is right: text = \"An earlier version gave the wrong date.\""));
        }
        if let Some(story) = story.filter(|s| s.timestamp() > date.timestamp()) {
            return Err(at(format!(
                "it is dated {}, before the story ({})",
                crate::locale::dates::rfc3339(&date),
                crate::locale::dates::rfc3339(story)
            ))
            .with_help("give the date and time the correction was made"));
        }
        corrections.push(Correction {
            date,
            text: c.text.trim().to_string(),
        });
    }
    corrections.sort_by_key(|c| c.date.timestamp());
    Ok(corrections)
}

/// The offset in front matter `text` of its `n`th correction: the TOML
/// `[[corrections]]` header, or the YAML list item under `corrections:`.
fn nth_correction(text: &str, n: usize) -> Option<usize> {
    let mut offset = 0;
    let (mut seen, mut in_yaml) = (0, false);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let entry = if trimmed.starts_with("[[corrections]]") {
            true
        } else if trimmed.starts_with("corrections:") {
            in_yaml = true;
            false
        } else {
            in_yaml && trimmed.starts_with("- ")
        };
        if entry {
            if seen == n {
                return Some(offset + line.len() - trimmed.len());
            }
            seen += 1;
        }
        offset += line.len();
    }
    None
}

/// A Markdown body: its text (while the budget lasts), counts, and its
/// summary when it has no `@/` link, which would need the site's URLs first.
fn markdown_body(text: &str, no_links: bool, config: &Config, budget: &TextBudget) -> Body {
    Body::Markdown {
        text: budget.take(text.len()).then(|| text.into()),
        has_code: has(text, "```") || has(text, "~~~"),
        words: markdown::count_words(text),
        summary: no_links
            .then(|| {
                let highlighter = markdown::Highlighter::default();
                let highlight = config.markdown.highlight_code.then_some(&highlighter);
                let settings = markdown::Settings {
                    unsafe_html: config.markdown.unsafe_html,
                    highlight,
                    resolve: &|_| None,
                    base_path: &config.base_path,
                    local: None,
                    hooks: None,
                };
                markdown::summarize(text, &settings).ok()
            })
            .flatten(),
    }
}

/// The URL slug: the front matter's, else from the headline (wire copy,
/// named by wire ids such as `000_5abb4f6b.txt`), else from the file name.
fn article_slug(
    file: &File,
    fm: &front_matter::FrontMatter,
    title: &str,
    config: &Config,
) -> Result<String> {
    let headline_slug = file.is_text && file.split.is_none() && file.place.bundle.is_none();
    let slug_source = match (&fm.slug, headline_slug) {
        (Some(s), _) => s.clone(),
        (None, true) => title.to_string(),
        (None, false) => file.place.stem.clone(),
    };
    if fm.slug.is_some() && slug_source.len() > crate::locale::slug::MAX_SLUG_BYTES {
        return Err(file
            .at_key(
                "slug",
                format!(
                    "the slug is {} bytes long; a slug is a file name, which may have at most {}",
                    slug_source.len(),
                    crate::locale::slug::MAX_SLUG_BYTES
                ),
            )
            .with_help("shorten it, or leave it out to have one made from the title"));
    }
    let slug = slugify(&slug_source, config.slugify);
    if slug.is_empty() {
        return Err(
            Error::in_file(file.path, format!("`{slug_source}` gives an empty slug"))
                .with_help("set `slug = \"…\"` in the front matter"),
        );
    }
    Ok(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty site: a temporary folder with a site.toml.
    fn site_folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn texts_past_the_budget_are_read_again_the_same() {
        let dir = site_folder();
        let root = dir.path();
        let path = root.join("content/a.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let body = "\nПервый абзац.\n\n## Второй\n";
        std::fs::write(&path, format!("\u{feff}+++\ntitle = \"A\"\n+++\n{body}")).unwrap();
        let config = Config::load(root).unwrap();
        let budget = TextBudget::new(body.len() + 1);
        let load = || match load_file(root, &path, &config, &budget).unwrap() {
            Loaded::Article(a) => a,
            Loaded::Section(_) => panic!("an article"),
        };
        let (kept, read) = (load(), load());
        assert!(matches!(kept.body, Body::Markdown { text: Some(_), .. }));
        assert!(matches!(read.body, Body::Markdown { text: None, .. }));
        assert_eq!(kept.markdown(root).unwrap(), body);
        assert_eq!(read.markdown(root).unwrap(), body);
        // Once one text did not fit, none is kept.
        let mut results = vec![Ok(Loaded::Article(kept)), Ok(Loaded::Article(read))];
        budget.settle(&mut results);
        for result in results {
            let Ok(Loaded::Article(a)) = result else {
                panic!("an article")
            };
            assert!(matches!(a.body, Body::Markdown { text: None, .. }));
        }
        let fits = TextBudget::new(1 << 20);
        let mut results = vec![load_file(root, &path, &config, &fits)];
        fits.settle(&mut results);
        assert!(matches!(
            &results[0],
            Ok(Loaded::Article(a)) if matches!(a.body, Body::Markdown { text: Some(_), .. })
        ));
    }

    #[test]
    fn a_load_told_what_changed_equals_a_fresh_one() {
        let dir = site_folder();
        let root = dir.path();
        let write = |path: &str, title: &str| {
            let path = root.join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, format!("+++\ntitle = \"{title}\"\n+++\nx\n")).unwrap();
        };
        for (path, title) in [
            ("a.md", "A"),
            ("news/b.md", "B"),
            ("old/c.md", "C"),
            ("old/d.md", "D"),
        ] {
            write(path, title);
        }
        let config = Config::load(root).unwrap();
        let load = |cache, changed| {
            let content =
                load_cached(root, &config, LoadOptions::default(), cache, changed).unwrap();
            let mut titles: Vec<(PathBuf, String)> = content
                .articles
                .iter()
                .map(|a| (a.source.clone(), a.title.clone()))
                .collect();
            titles.sort();
            titles
        };
        let cache = LoadCache::default();
        load(Some(&cache), None);
        // Edited, made, deleted, and a folder removed with its files.
        write("a.md", "A2");
        write("news/e.md", "E");
        std::fs::remove_file(root.join("content/news/b.md")).unwrap();
        std::fs::remove_dir_all(root.join("content/old")).unwrap();
        let changed: HashSet<PathBuf> = [
            "content/a.md",
            "content/news/e.md",
            "content/news/b.md",
            "content/old",
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect();
        let patched = load(Some(&cache), Some(&changed));
        assert_eq!(patched, load(None, None));
        assert_eq!(
            patched.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
            ["A2", "E"]
        );
    }

    #[test]
    fn paths_sort_as_a_sorted_walk_visits_them() {
        let names = [
            "c/a",
            "c/a-c.md",
            "c/a/b.md",
            "c/a.md",
            "c/ab",
            "c/a/_index.md",
            "c/en/news/x.md",
            "c/en/news-x/y.md",
            "c/en/news/x/y.md",
            "c/fa/اخبار/خبر.md",
            "c/fa/اخبار-۲/a.md",
            "c/fa/اخبار",
            "c/ru/новости/б.md",
            "c/ru/новости/а.md",
            "c/Z.md",
            "c/_index.md",
        ];
        let mut by_components: Vec<&Path> = names.iter().map(Path::new).collect();
        let mut by_bytes = by_components.clone();
        by_components.sort();
        by_bytes.sort_by(|a, b| path_order(a, b));
        assert_eq!(by_bytes, by_components);
        for a in &names {
            for b in &names {
                assert_eq!(
                    path_order(Path::new(a), Path::new(b)),
                    Path::new(a).cmp(Path::new(b))
                );
            }
        }
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".hidden.md",
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            ".#a.md",
            "a.md.tmp",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }

    #[test]
    fn language_from_folder_or_suffix() {
        let config = Config::parse(
            Path::new("site.toml"),
            "title='t'\nbase_url='https://x.org'\n[languages.en]\n[languages.fa]\n",
        )
        .unwrap();
        let c = Path::new("/s/content");
        let p = place(c, Path::new("/s/content/fa/news/a.md"), &config);
        assert_eq!(
            (p.lang.as_str(), p.section.as_str(), p.stem.as_str()),
            ("fa", "news", "a")
        );
        let p = place(c, Path::new("/s/content/news/a.fa.md"), &config);
        assert_eq!(
            (p.lang.as_str(), p.section.as_str(), p.stem.as_str()),
            ("fa", "news", "a")
        );
        let p = place(c, Path::new("/s/content/about.md"), &config);
        assert_eq!((p.lang.as_str(), p.section.as_str()), ("en", ""));
    }
}
