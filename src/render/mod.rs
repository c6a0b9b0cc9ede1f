//! Render: turn the site and its indexes into output files with Tera, in
//! parallel. Nothing is written here; [`crate::output`] does that, so a
//! failed render leaves the previous output untouched.

pub mod context;
pub mod templates;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::content::markdown::{
    self, HeadingIds, MarkdownError, Rendered, pulldown_cmark_escape_html,
};
use crate::content::wire::Block;
use crate::content::{Article, Body};
use crate::error::{Error, Errors, Result};
use crate::fingerprint::Fingerprint;
use crate::index::{self, Indexes, ListKind, Listing};
use crate::locale::dates::{DateFormat, SiteDates, first_day, rfc2822, rfc3339};
use crate::site::Site;
use context::{Equivalents, Link, dir, equivalence_key, language_value, page_value};
use theme::Theme;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct Output {
    /// Relative to the output folder, with `/`: `fa/news/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// A fingerprint of everything the file was made from, if known.
    pub fingerprint: Option<u64>,
}

impl Output {
    pub fn new(path: String, bytes: Vec<u8>) -> Output {
        Output {
            path,
            bytes,
            fingerprint: None,
        }
    }
}

/// Where rendered files go, one at a time and from several threads: the
/// output folder, or memory for `check` and `serve`.
pub trait Sink: Sync {
    fn put(&self, file: Output) -> Result<()>;

    /// Whether the sink already holds `path` made from inputs with this
    /// fingerprint (from an earlier build); if so it keeps that file and the
    /// page is not rendered again.
    fn reuse(&self, _path: &str, _fingerprint: u64) -> bool {
        false
    }
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct MemorySink(pub std::sync::Mutex<Vec<Output>>);

impl Sink for MemorySink {
    fn put(&self, file: Output) -> Result<()> {
        self.0.lock().expect("no panics while locked").push(file);
        Ok(())
    }
}

impl MemorySink {
    pub fn into_files(self) -> Vec<Output> {
        self.0.into_inner().expect("no panics while locked")
    }
}

/// Passes files on, refusing a second file on a path already written.
struct Unique<'a> {
    sink: &'a dyn Sink,
    seen: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Unique<'_> {
    fn claim(&self, path: &str) -> Result<()> {
        if !self
            .seen
            .lock()
            .expect("no panics while locked")
            .insert(path.to_string())
        {
            return Err(Error::msg(format!("two outputs would be written to {path}")).with_help(
                "an article's slug, an alias or a static file clashes with another page of the same URL; rename one",
            ));
        }
        Ok(())
    }
}

impl Sink for Unique<'_> {
    fn put(&self, file: Output) -> Result<()> {
        self.claim(&file.path)?;
        self.sink.put(file)
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        // A reused path still counts as written, for collisions: two pages
        // claiming one path are an error even when one is unchanged.
        self.sink.reuse(path, fingerprint) && self.claim(path).is_ok()
    }
}

/// What a render made, besides the files.
pub struct Rendering {
    /// HTML pages per language code.
    pub pages: BTreeMap<String, usize>,
    pub warnings: Vec<String>,
}

/// Most URLs a sitemap file may list.
#[cfg(not(test))]
const SITEMAP_LIMIT: usize = 50_000;
/// Small enough for a unit test to cross.
#[cfg(test)]
const SITEMAP_LIMIT: usize = 5;

/// An HTML page to render.
#[derive(Debug, Clone)]
enum Job {
    Article(usize),
    List {
        listing: usize,
        page: usize,
    },
    Taxonomy(usize),
    Archive(usize),
    /// A page that is no list and no article (the 404 page).
    Other,
}

/// A page of the site as the sitemap and hreflang links see it.
struct PageInfo {
    job: Job,
    lang: String,
    path: String,
    lastmod: Option<String>,
}

/// Everything a page render reads, built once per build.
struct Shared<'a> {
    site: &'a Site,
    ix: &'a Indexes,
    tera: &'a Tera,
    theme: &'a Theme,
    dates: &'a SiteDates,
    pages: Vec<Value>,
    /// Fingerprint of each article's value and full text.
    page_prints: Vec<u64>,
    /// Fingerprint of what every page depends on: the program, the
    /// configuration, the theme, the navigation.
    global: u64,
    config_value: Value,
    languages: BTreeMap<String, Value>,
    all_languages: Value,
    nav: BTreeMap<String, Value>,
    equivalents: Equivalents,
}

/// Renders `site` with `theme`.
pub fn render(site: &Site, theme: Arc<Theme>, sink: &dyn Sink) -> Result<Rendering, Errors> {
    let sink = Unique {
        sink,
        seen: Default::default(),
    };
    let config = &site.config;
    let dates =
        Arc::new(SiteDates::new(&config.languages).map_err(|m| Error::in_file("site.toml", m))?);
    let tera = templates::build(config, &theme, &dates)?;
    for required in [
        "article.html",
        "index.html",
        "section.html",
        "404.html",
        "atom.xml",
        "rss.xml",
        "sitemap.xml",
    ] {
        if !tera.contains_template(required) {
            return Err(
                Error::msg(format!("the theme has no `{required}` template"))
                    .with_help("add it to the theme's templates/ folder or the site's templates/")
                    .into(),
            );
        }
    }
    crate::profile::stage("templates loaded");
    let ix = index::build(site);
    crate::profile::stage("indexes built");

    // Lists need every summary; full texts are rendered one at a time, for
    // their own pages, so they are never all held in memory.
    let bodies: Vec<Result<Rendered>> = site
        .articles
        .par_iter()
        .map(|a| render_body(site, a, true))
        .collect();
    let mut errors = Vec::new();
    let bodies: Vec<Rendered> = bodies
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|e| {
                errors.push(e);
                Rendered::default()
            })
        })
        .collect();
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    crate::profile::stage("summaries rendered");
    let (pages, page_prints): (Vec<Value>, Vec<u64>) = (0..site.articles.len())
        .into_par_iter()
        .map(|i| page_value(site, &ix, i, &bodies[i]))
        .unzip();
    drop(bodies);

    let mut equivalents: Equivalents = HashMap::new();
    for listing in &ix.listings {
        if let Some(key) = equivalence_key(site, &ix, listing) {
            equivalents
                .entry(key)
                .or_default()
                .insert(listing.lang.clone(), listing.path.clone());
        }
    }
    for t in &ix.taxonomies {
        equivalents
            .entry(format!("taxonomy:{}", t.name))
            .or_default()
            .insert(t.lang.clone(), t.path.clone());
    }
    for a in &ix.archives {
        equivalents
            .entry("archive".into())
            .or_default()
            .insert(a.lang.clone(), a.path.clone());
    }

    let languages: BTreeMap<String, Value> = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), language_value(config, l)))
        .collect();
    let all_languages = Value::from_serializable(
        &config
            .languages
            .iter()
            .map(|l| &languages[&l.code])
            .collect::<Vec<_>>(),
    );
    let nav = config
        .languages
        .iter()
        .map(|l| {
            let links: Vec<Link> = site
                .sections
                .iter()
                .filter(|s| s.lang == l.code && !s.name.contains('/'))
                .map(|s| Link {
                    name: section_title(s),
                    url: config.relative_url(&s.path),
                })
                .collect();
            (l.code.clone(), Value::from_serializable(&links))
        })
        .collect();
    let mut global = Fingerprint::new()
        .with(&crate::fingerprint::program())
        .with_serialized(config)
        .with(&theme.fingerprinted)
        .with(&theme.strings.fingerprint());
    for (name, (text, _)) in &theme.templates {
        global = global.with(name).with(text);
    }
    for s in &site.sections {
        global = global
            .with(&s.lang)
            .with(&s.name)
            .with(&section_title(s))
            .with(&s.path);
    }
    let mut shared = Shared {
        site,
        ix: &ix,
        tera: &tera,
        theme: &theme,
        dates: &dates,
        pages,
        page_prints,
        global: global.value(),
        config_value: Value::from_serializable(config),
        languages,
        all_languages,
        nav,
        equivalents,
    };

    crate::profile::stage("page values built");
    let infos = page_infos(&shared);
    infos.par_iter().try_for_each(|info| {
        let path = file_for(&info.path);
        let fingerprint = shared.page_fingerprint(info);
        if sink.reuse(&path, fingerprint) {
            return Ok(());
        }
        let mut out = shared.render_page(info)?;
        out.fingerprint = Some(fingerprint);
        sink.put(out)
    })?;
    let mut pages_per_lang: BTreeMap<String, usize> = BTreeMap::new();
    for info in &infos {
        *pages_per_lang.entry(info.lang.clone()).or_default() += 1;
    }
    crate::profile::stage("pages rendered");
    shared.feeds(&sink)?;
    crate::profile::stage("feeds rendered");
    shared.emit(
        &sink,
        "404.html".into(),
        Fingerprint::new().with(&shared.global),
        || shared.not_found(),
    )?;
    shared.redirects(&sink)?;
    shared.statics(&sink)?;
    // The sitemap needs no article values: free them first.
    shared.pages = Vec::new();
    shared.sitemap(&infos, &sink)?;
    crate::profile::stage("sitemap, redirects, statics");
    let mut warnings = site.warnings.clone();
    for (lang, key) in theme.strings.take_missing() {
        warnings.push(format!(
            "theme string `{key}` is missing for language `{lang}`; add it to i18n/{lang}.toml"
        ));
    }
    for (i, a) in site.articles.iter().enumerate() {
        if a.image.is_some() && a.image_alt.is_none() {
            warnings.push(format!(
                "{}: the image has no `image_alt` text",
                site.articles[i].source.display()
            ));
        }
    }
    Ok(Rendering {
        pages: pages_per_lang,
        warnings,
    })
}

fn section_title(s: &crate::site::Section) -> String {
    s.meta
        .as_ref()
        .and_then(|m| m.title.clone())
        .unwrap_or_else(|| {
            let name = s.name.rsplit('/').next().unwrap_or(&s.name);
            let mut chars = name.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
        })
}

/// Renders an article's body to HTML, or only its summary.
fn render_body(site: &Site, a: &Article, summary_only: bool) -> Result<Rendered> {
    match &a.body {
        Body::Plain(blocks) => Ok(render_plain(blocks)),
        Body::Markdown { .. } => {
            let text = a.markdown(&site.root)?;
            let text = text.as_str();
            let render = if summary_only {
                |text: &str, unsafe_html, highlight, resolve: &dyn Fn(&str) -> Option<String>| {
                    markdown::summarize(text, unsafe_html, highlight, resolve).map(|summary| {
                        Rendered {
                            summary,
                            words: text.split_whitespace().count(),
                            ..Rendered::default()
                        }
                    })
                }
            } else {
                markdown::render
            };
            let resolve = |target: &str| {
                site.by_content_path
                    .get(target)
                    .map(|&i| site.config.relative_url(&site.paths[i]))
            };
            render(
                text,
                site.config.markdown.unsafe_html,
                site.config.markdown.highlight_code,
                &resolve,
            )
            .map_err(|MarkdownError::BrokenLink { target, offset }| {
                let file = site_root_file(site, a);
                let full = std::fs::read_to_string(&file).unwrap_or_default();
                Error::at_offset(
                    &a.source,
                    &full,
                    a.body_offset + offset,
                    format!(
                        "{} links to {target}, but content/{} does not exist",
                        a.source.display(),
                        &target[2..].split('#').next().unwrap_or("")
                    ),
                )
                .with_help(
                    "write @/ links as @/<language>/<section>/<file>.md, relative to content/",
                )
            })
        }
    }
}

fn site_root_file(site: &Site, a: &Article) -> std::path::PathBuf {
    site.root.join(&a.source)
}

/// Wire text: escaped paragraphs and sub-headings with ids.
fn render_plain(blocks: &[Block]) -> Rendered {
    let mut ids = HeadingIds::default();
    let mut r = Rendered::default();
    for block in blocks {
        match block {
            Block::Paragraph(text) => {
                r.words += text.split_whitespace().count();
                r.html
                    .push_str(&format!("<p>{}</p>\n", pulldown_cmark_escape_html(text)));
                if r.summary.is_empty() {
                    r.summary = r.html.clone();
                }
            }
            Block::Heading(text) => {
                let id = ids.next(text);
                r.words += text.split_whitespace().count();
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

/// Every HTML page, in a stable order.
fn page_infos(s: &Shared) -> Vec<PageInfo> {
    let site = s.site;
    let mut infos = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Article(i),
            lang: a.lang.clone(),
            path: site.paths[i].clone(),
            lastmod: a.updated.as_ref().or(a.date.as_ref()).map(rfc3339),
        });
    }
    for (n, l) in s.ix.listings.iter().enumerate() {
        let newest = l
            .items
            .first()
            .and_then(|&i| site.articles[i].date.as_ref())
            .map(rfc3339);
        for page in 1..=index::page_count(l.items.len(), l.paginate_by) {
            infos.push(PageInfo {
                job: Job::List { listing: n, page },
                lang: l.lang.clone(),
                path: index::page_path(&l.path, page),
                lastmod: newest.clone(),
            });
        }
    }
    for (n, t) in s.ix.taxonomies.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Taxonomy(n),
            lang: t.lang.clone(),
            path: t.path.clone(),
            lastmod: None,
        });
    }
    for (n, a) in s.ix.archives.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Archive(n),
            lang: a.lang.clone(),
            path: a.path.clone(),
            lastmod: None,
        });
    }
    infos
}

/// The file a site path is written to: `/fa/x/` → `fa/x/index.html`.
pub fn file_for(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

#[derive(Serialize)]
struct SwitcherEntry {
    code: String,
    name: String,
    url: String,
    current: bool,
    /// Whether the link lands on this page's translation (else that language's home).
    translated: bool,
}

#[derive(Serialize)]
struct Pager {
    number: usize,
    label: String,
    url: String,
    current: bool,
    /// Stands for pages left out of the window (shown as "…").
    gap: bool,
}

/// Page numbers shown around `current`: the first, the last and two either
/// side, with `None` for each run left out. A list of a thousand pages shows
/// at most nine links on each, so list pages stay small.
fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(2).max(1)..=(current + 2).min(total))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut window = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if i > 0 && n > shown[i - 1] + 1 {
            window.push(None);
        }
        window.push(Some(n));
    }
    window
}

#[derive(Serialize)]
struct Paginator {
    pages: Vec<Value>,
    current_index: usize,
    current_label: String,
    number_pagers: usize,
    total_pages: usize,
    paginate_by: usize,
    total_items: usize,
    total_items_label: String,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pagers: Vec<Pager>,
}

impl Shared<'_> {
    fn lang_of(&self, code: &str) -> &crate::config::Language {
        self.site.config.language(code).expect("configured")
    }

    /// Paths of this page in each language: its translations, or its list's
    /// counterparts.
    fn versions(&self, info: &PageInfo) -> BTreeMap<String, String> {
        let mut versions = BTreeMap::new();
        match &info.job {
            Job::Article(i) => {
                versions.insert(info.lang.clone(), info.path.clone());
                for &t in &self.site.translations[*i] {
                    versions.insert(
                        self.site.articles[t].lang.clone(),
                        self.site.paths[t].clone(),
                    );
                }
            }
            Job::List { listing, page: 1 } => {
                if let Some(key) = equivalence_key(self.site, self.ix, &self.ix.listings[*listing])
                    && let Some(v) = self.equivalents.get(&key)
                {
                    versions = v.clone();
                }
            }
            Job::Taxonomy(n) => {
                if let Some(v) = self
                    .equivalents
                    .get(&format!("taxonomy:{}", self.ix.taxonomies[*n].name))
                {
                    versions = v.clone();
                }
            }
            Job::Archive(_) => {
                if let Some(v) = self.equivalents.get("archive") {
                    versions = v.clone();
                }
            }
            Job::List { .. } | Job::Other => {}
        }
        versions
    }

    /// The context every HTML page shares.
    fn base_context(&self, info: &PageInfo) -> Context {
        let config = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert_value("config", self.config_value.clone());
        ctx.insert("lang", &info.lang);
        ctx.insert_value("language", self.languages[&info.lang].clone());
        ctx.insert_value("languages", self.all_languages.clone());
        ctx.insert_value("nav", self.nav[&info.lang].clone());
        ctx.insert("current_path", &info.path);
        ctx.insert("current_url", &config.relative_url(&info.path));
        ctx.insert("canonical", &config.absolute_url(&info.path));
        let prefix = &self.lang_of(&info.lang).prefix;
        ctx.insert(
            "archive_url",
            &config.relative_url(&format!("{prefix}/archive/")),
        );
        let taxonomy_links: Vec<Link> = config
            .taxonomies
            .iter()
            .map(|t| Link {
                name: t.clone(),
                url: config.relative_url(&format!("{prefix}/{t}/")),
            })
            .collect();
        ctx.insert("taxonomy_links", &taxonomy_links);
        ctx.insert(
            "feed_atom",
            &config.absolute_url(&format!("{prefix}/atom.xml")),
        );
        ctx.insert(
            "feed_rss",
            &config.absolute_url(&format!("{prefix}/rss.xml")),
        );

        let versions = self.versions(info);
        let mut alternates = Vec::new();
        if versions.len() > 1 {
            for l in &config.languages {
                if let Some(p) = versions.get(&l.code) {
                    alternates.push(Alternate {
                        hreflang: l.code.clone(),
                        href: config.absolute_url(p),
                    });
                }
            }
            let default = versions
                .get(&config.default_language)
                .or_else(|| versions.values().next());
            if let Some(p) = default {
                alternates.push(Alternate {
                    hreflang: "x-default".into(),
                    href: config.absolute_url(p),
                });
            }
        }
        ctx.insert("alternates", &alternates);
        let switcher: Vec<SwitcherEntry> = config
            .languages
            .iter()
            .map(|l| {
                let translated = versions.get(&l.code);
                SwitcherEntry {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: config.relative_url(translated.map_or(&format!("{}/", l.prefix), |p| p)),
                    current: l.code == info.lang,
                    translated: translated.is_some(),
                }
            })
            .collect();
        ctx.insert("switcher", &switcher);
        ctx
    }

    fn render_page(&self, info: &PageInfo) -> Result<Output> {
        let mut ctx = self.base_context(info);
        let template = match &info.job {
            Job::Article(i) => {
                ctx.insert_value("page", self.full_page(*i)?);
                ctx.insert("page_kind", "article");
                let related = self.related(*i);
                ctx.insert("related", &related);
                self.site.articles[*i]
                    .template
                    .clone()
                    .unwrap_or_else(|| "article.html".into())
            }
            Job::List { listing, page } => {
                self.list_context(&mut ctx, &self.ix.listings[*listing], *page)
            }
            Job::Taxonomy(n) => {
                let t = &self.ix.taxonomies[*n];
                let terms: Vec<serde_json::Value> = t
                    .terms
                    .iter()
                    .map(|term| {
                        serde_json::json!({
                            "name": term.name, "slug": term.slug,
                            "url": self.site.config.relative_url(&term.path),
                            "count": term.items.len(),
                            "count_label": self.number(&t.lang, term.items.len()),
                        })
                    })
                    .collect();
                ctx.insert("taxonomy", &serde_json::json!({
                    "name": t.name, "url": self.site.config.relative_url(&t.path), "terms": terms,
                }));
                ctx.insert("page_kind", "taxonomy");
                "taxonomy_list.html".into()
            }
            Job::Other => unreachable!("only the 404 page is Other, and it is rendered apart"),
            Job::Archive(n) => {
                let a = &self.ix.archives[*n];
                let cal = self.lang_of(&a.lang).calendar;
                let years: Vec<serde_json::Value> = a
                    .years
                    .iter()
                    .map(|y| {
                        let months: Vec<serde_json::Value> = y
                            .months
                            .iter()
                            .map(|m| serde_json::json!({
                                "label": self.month_label(&a.lang, m.year, m.month, cal),
                                "url": self.site.config.relative_url(&m.path),
                                "count": m.items.len(),
                                "count_label": self.number(&a.lang, m.items.len()),
                            }))
                            .collect();
                        serde_json::json!({
                            "year": y.year, "label": self.number(&a.lang, y.year as usize),
                            "url": self.site.config.relative_url(&y.path),
                            "count": y.items.len(), "count_label": self.number(&a.lang, y.items.len()),
                            "months": months,
                        })
                    })
                    .collect();
                ctx.insert("archive", &serde_json::json!({ "years": years }));
                ctx.insert("page_kind", "archive");
                "archive.html".into()
            }
        };
        self.render_file(&template, &ctx, file_for(&info.path))
    }

    fn number(&self, lang: &str, n: usize) -> String {
        self.dates
            .get(lang)
            .map_or(n.to_string(), |d| d.number(n as i64))
    }

    fn month_label(
        &self,
        lang: &str,
        year: i32,
        month: u8,
        cal: crate::locale::Calendar,
    ) -> String {
        match (first_day(year, month, cal), self.dates.get(lang)) {
            (Some(day), Some(d)) => d.format(day, DateFormat::MonthYear),
            _ => format!("{year}-{month:02}"),
        }
    }

    /// Up to three articles sharing the most terms with article `i`, the
    /// nearest in time first among equals. Candidates are the neighbours of
    /// `i` in each of its terms' lists, so the cost does not grow with the
    /// size of a popular term.
    fn related(&self, i: usize) -> Vec<Value> {
        self.related_ids(i)
            .into_iter()
            .map(|j| self.pages[j].clone())
            .collect()
    }

    fn related_ids(&self, i: usize) -> Vec<usize> {
        const NEIGHBOURS: usize = 8;
        let ids = &self.ix.article_term_ids[i];
        let mut candidates: Vec<usize> = Vec::new();
        for &(t, n) in ids {
            let items = &self.ix.taxonomies[t].terms[n].items;
            let at = items.binary_search(&i).unwrap_or_else(|p| p);
            let window =
                &items[at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS + 1).min(items.len())];
            candidates.extend(window.iter().copied().filter(|&j| j != i));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut ranked: Vec<(usize, usize, usize)> = candidates
            .into_iter()
            .map(|j| {
                let shared = self.ix.article_term_ids[j]
                    .iter()
                    .filter(|id| ids.contains(id))
                    .count();
                (shared, j.abs_diff(i), j)
            })
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        ranked.into_iter().take(3).map(|(_, _, j)| j).collect()
    }

    /// The heading of a list: the bulletin's title, a section's, a term's
    /// name, or a localized year or month.
    fn list_heading(&self, listing: &Listing) -> String {
        let lang = &listing.lang;
        match &listing.kind {
            ListKind::Home => self.lang_of(lang).title.clone(),
            ListKind::Section(n) => section_title(&self.site.sections[*n]),
            ListKind::Term { taxonomy, term } => self
                .ix
                .taxonomies
                .iter()
                .find(|t| &t.lang == lang && &t.name == taxonomy)
                .map_or_else(String::new, |t| t.terms[*term].name.clone()),
            ListKind::Year { year } => self.number(lang, *year as usize),
            ListKind::Month { year, month } => {
                self.month_label(lang, *year, *month, self.lang_of(lang).calendar)
            }
        }
    }

    /// Fills a list page's context and returns its template.
    fn list_context(&self, ctx: &mut Context, listing: &Listing, page: usize) -> String {
        let config = &self.site.config;
        let lang = &listing.lang;
        let total = index::page_count(listing.items.len(), listing.paginate_by);
        let start = (page - 1) * listing.paginate_by;
        let pages: Vec<Value> = listing
            .items
            .iter()
            .skip(start)
            .take(listing.paginate_by)
            .map(|&i| self.pages[i].clone())
            .collect();
        let url = |n: usize| config.relative_url(&index::page_path(&listing.path, n));
        let paginator = Paginator {
            pages,
            current_index: page,
            current_label: self.number(lang, page),
            number_pagers: total,
            total_pages: total,
            paginate_by: listing.paginate_by,
            total_items: listing.items.len(),
            total_items_label: self.number(lang, listing.items.len()),
            first: url(1),
            last: url(total),
            previous: (page > 1).then(|| url(page - 1)),
            next: (page < total).then(|| url(page + 1)),
            pagers: pager_window(page, total)
                .into_iter()
                .map(|n| match n {
                    Some(n) => Pager {
                        number: n,
                        label: self.number(lang, n),
                        url: url(n),
                        current: n == page,
                        gap: false,
                    },
                    None => Pager {
                        number: 0,
                        label: "…".into(),
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        };
        ctx.insert("paginator", &paginator);
        if listing.feeds {
            ctx.insert(
                "feed_atom",
                &config.absolute_url(&format!("{}atom.xml", listing.path)),
            );
            ctx.insert(
                "feed_rss",
                &config.absolute_url(&format!("{}rss.xml", listing.path)),
            );
        }
        let cal = self.lang_of(lang).calendar;
        let (kind, heading, template) = match &listing.kind {
            ListKind::Home => (
                "home",
                self.lang_of(lang).title.clone(),
                "index.html".to_string(),
            ),
            ListKind::Section(n) => {
                let s = &self.site.sections[*n];
                let intro = s.meta.as_ref().map(|m| {
                    markdown::render(
                        &m.body,
                        config.markdown.unsafe_html,
                        config.markdown.highlight_code,
                        &|t| {
                            self.site
                                .by_content_path
                                .get(t)
                                .map(|&i| config.relative_url(&self.site.paths[i]))
                        },
                    )
                    .map(|r| r.html)
                    .unwrap_or_default()
                });
                ctx.insert(
                    "section",
                    &serde_json::json!({
                        "name": s.name, "title": section_title(s),
                        "description": s.meta.as_ref().and_then(|m| m.description.clone()),
                        "content": intro.unwrap_or_default(),
                        "url": config.relative_url(&s.path),
                        "extra": s.meta.as_ref().map(|m| m.extra.clone()),
                    }),
                );
                let template = s
                    .meta
                    .as_ref()
                    .and_then(|m| m.template.clone())
                    .unwrap_or_else(|| "section.html".into());
                ("section", section_title(s), template)
            }
            ListKind::Term { taxonomy, term } => {
                let t = self
                    .ix
                    .taxonomies
                    .iter()
                    .find(|t| &t.lang == lang && &t.name == taxonomy)
                    .expect("indexed");
                let term = &t.terms[*term];
                ctx.insert(
                    "taxonomy",
                    &serde_json::json!({ "name": t.name, "url": config.relative_url(&t.path) }),
                );
                ctx.insert("term", &serde_json::json!({ "name": term.name, "slug": term.slug, "url": config.relative_url(&term.path), "count": term.items.len() }));
                ("term", term.name.clone(), "taxonomy_term.html".into())
            }
            ListKind::Year { year } => {
                ctx.insert("year", year);
                (
                    "year",
                    self.number(lang, *year as usize),
                    "archive_year.html".into(),
                )
            }
            ListKind::Month { year, month } => {
                ctx.insert("year", year);
                ctx.insert("month", month);
                ctx.insert(
                    "year_url",
                    &config.relative_url(&format!("{}/{year:04}/", self.lang_of(lang).prefix)),
                );
                ctx.insert("year_label", &self.number(lang, *year as usize));
                (
                    "month",
                    self.month_label(lang, *year, *month, cal),
                    "archive_month.html".into(),
                )
            }
        };
        ctx.insert("page_kind", kind);
        ctx.insert("heading", &heading);
        template
    }

    /// Atom and RSS for each list that has feeds (page 1 of it).
    /// Article `i`'s template value with its full text and table of contents.
    fn full_page(&self, i: usize) -> Result<Value> {
        let full = render_body(self.site, &self.site.articles[i], false)?;
        let mut map = self.pages[i].as_map().cloned().unwrap_or_default();
        let summary = map
            .get(&"summary".into())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(details) =
            Value::from_serializable(&context::page_details(self.site, i, &summary)).into_map()
        {
            map.extend(details);
        }
        map.insert("content".into(), Value::safe_string(&full.html));
        map.insert("toc".into(), Value::from_serializable(&full.toc));
        Ok(Value::from(map))
    }

    /// Hands `path` to the sink: the earlier build's file if its fingerprint
    /// matches, else the output of `render`.
    fn emit(
        &self,
        sink: &dyn Sink,
        path: String,
        fingerprint: Fingerprint,
        render: impl FnOnce() -> Result<Output>,
    ) -> Result<()> {
        let fingerprint = fingerprint.value();
        if sink.reuse(&path, fingerprint) {
            return Ok(());
        }
        let mut out = render()?;
        out.fingerprint = Some(fingerprint);
        sink.put(out)
    }

    /// Everything a page is made from, hashed: the site-wide inputs, the
    /// page's place and versions, and the values of the articles it shows.
    fn page_fingerprint(&self, info: &PageInfo) -> u64 {
        let f = Fingerprint::new()
            .with(&self.global)
            .with(&info.path)
            .with(&info.lang)
            .with(&self.versions(info));
        let f = match &info.job {
            Job::Article(i) => {
                let related: Vec<u64> = self
                    .related_ids(*i)
                    .iter()
                    .map(|&j| self.page_prints[j])
                    .collect();
                f.with("article").with(&self.page_prints[*i]).with(&related)
            }
            Job::List { listing, page } => {
                let l = &self.ix.listings[*listing];
                let shown: Vec<u64> = l
                    .items
                    .iter()
                    .skip((page - 1) * l.paginate_by)
                    .take(l.paginate_by)
                    .map(|&i| self.page_prints[i])
                    .collect();
                let mut f = f
                    .with("list")
                    .with(page)
                    .with(&index::page_count(l.items.len(), l.paginate_by))
                    .with(&l.items.len())
                    .with(&l.feeds)
                    .with(&self.list_heading(l))
                    .with(&shown);
                if let ListKind::Section(n) = l.kind
                    && let Some(meta) = &self.site.sections[n].meta
                {
                    f = f
                        .with(&meta.body)
                        .with(&meta.description)
                        .with(&meta.template)
                        .with_serialized(&meta.extra);
                }
                f
            }
            Job::Taxonomy(n) => {
                let t = &self.ix.taxonomies[*n];
                let terms: Vec<(&str, &str, usize)> = t
                    .terms
                    .iter()
                    .map(|term| (term.name.as_str(), term.path.as_str(), term.items.len()))
                    .collect();
                f.with("taxonomy").with(&t.name).with(&terms)
            }
            Job::Archive(n) => {
                let mut f = f.with("archive");
                for y in &self.ix.archives[*n].years {
                    f = f.with(&y.year).with(&y.items.len());
                    for m in &y.months {
                        f = f.with(&m.month).with(&m.items.len());
                    }
                }
                f
            }
            Job::Other => f.with("other"),
        };
        f.value()
    }

    /// Renders `template` with `ctx` into the file at `path`.
    fn render_file(&self, template: &str, ctx: &Context, path: String) -> Result<Output> {
        let mut bytes = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, ctx, &mut bytes)
            .map_err(|e| {
                templates::template_error(self.theme, &e, &format!("rendering /{path}"))
            })?;
        Ok(Output::new(path, bytes))
    }

    /// Atom and RSS for each list that has feeds (page 1 of it).
    fn feeds(&self, sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        let jobs: Vec<&Listing> = self.ix.listings.iter().filter(|l| l.feeds).collect();
        jobs.par_iter().try_for_each(|listing| {
            let lang = self.lang_of(&listing.lang);
            let items: Vec<usize> = listing
                .items
                .iter()
                .copied()
                .filter(|&i| self.site.articles[i].date.is_some())
                .take(config.feeds.limit)
                .collect();
            let heading = self.list_heading(listing);
            let prints: Vec<u64> = items.iter().map(|&i| self.page_prints[i]).collect();
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with("feed")
                .with(&listing.path)
                .with(&heading)
                .with(&prints)
                .value();
            let needed: Vec<(&str, String)> = ["atom.xml", "rss.xml"]
                .into_iter()
                .map(|name| (name, format!("{}{name}", listing.path.trim_start_matches('/'))))
                .filter(|(_, path)| !sink.reuse(path, fingerprint))
                .collect();
            if needed.is_empty() {
                return Ok(());
            }
            let entries: Vec<Value> = if config.feeds.full_content {
                items.iter().map(|&i| self.full_page(i)).collect::<Result<_>>()?
            } else {
                items.iter().map(|&i| self.pages[i].clone()).collect()
            };
            let updated = items
                .iter()
                .filter_map(|&i| {
                    let a = &self.site.articles[i];
                    a.updated.as_ref().or(a.date.as_ref())
                })
                .max_by_key(|d| d.timestamp())
                .map(rfc3339)
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
            let info = PageInfo {
                job: Job::Other,
                lang: listing.lang.clone(),
                path: listing.path.clone(),
                lastmod: None,
            };
            let mut ctx = self.base_context(&info);
            let title = if listing.kind == ListKind::Home {
                lang.title.clone()
            } else {
                format!("{heading} — {}", lang.title)
            };
            ctx.insert(
                "feed",
                &serde_json::json!({
                    "title": title,
                    "description": lang.description,
                    "lang": lang.code,
                    "home": config.absolute_url(&listing.path),
                    "atom": config.absolute_url(&format!("{}atom.xml", listing.path)),
                    "rss": config.absolute_url(&format!("{}rss.xml", listing.path)),
                    "updated": updated,
                    "rss_updated": items.first().map(|&i| rfc2822(self.site.articles[i].date.as_ref().expect("dated"))),
                    "full_content": config.feeds.full_content,
                }),
            );
            ctx.insert("entries", &entries);
            for (name, path) in needed {
                let mut out = self.render_file(name, &ctx, path)?;
                out.fingerprint = Some(fingerprint);
                sink.put(out)?;
            }
            Ok(())
        })
    }

    /// `sitemap.xml` (an index of several when over 50,000 URLs) and `robots.txt`.
    fn sitemap(&self, infos: &[PageInfo], sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        // One sitemap file's entries at a time, so memory does not grow with the site.
        let entries = |part: &[PageInfo]| -> Vec<SitemapEntry> {
            part.par_iter()
                .map(|info| {
                    let versions = self.versions(info);
                    let alternates: Vec<Alternate> = if versions.len() > 1 {
                        versions
                            .iter()
                            .map(|(l, p)| Alternate {
                                hreflang: l.clone(),
                                href: config.absolute_url(p),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    SitemapEntry {
                        loc: config.absolute_url(&info.path),
                        lastmod: info.lastmod.clone(),
                        alternates,
                    }
                })
                .collect()
        };
        let one_file = |part: &[PageInfo], name: String| -> Result<()> {
            let entries = entries(part);
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with_serialized(&entries);
            self.emit(sink, name.clone(), fingerprint, || {
                let mut ctx = Context::new();
                ctx.insert("entries", &entries);
                self.render_file("sitemap.xml", &ctx, name.clone())
            })
        };
        if infos.len() <= SITEMAP_LIMIT {
            one_file(infos, "sitemap.xml".into())?;
        } else {
            let mut sitemaps = Vec::new();
            for (n, part) in infos.chunks(SITEMAP_LIMIT).enumerate() {
                let name = format!("sitemap{}.xml", n + 1);
                one_file(part, name.clone())?;
                sitemaps.push(config.absolute_url(&format!("/{name}")));
            }
            let index = Fingerprint::new().with(&self.global).with(&sitemaps);
            self.emit(sink, "sitemap.xml".into(), index, || {
                let mut ctx = Context::new();
                ctx.insert("sitemaps", &sitemaps);
                self.render_file("sitemap_index.xml", &ctx, "sitemap.xml".into())
            })?;
        }
        self.emit(
            sink,
            "robots.txt".into(),
            Fingerprint::new().with(&self.global).with("robots"),
            || {
                let mut ctx = Context::new();
                ctx.insert("sitemap", &config.absolute_url("/sitemap.xml"));
                self.render_file("robots.txt", &ctx, "robots.txt".into())
            },
        )
    }

    fn not_found(&self) -> Result<Output> {
        let info = PageInfo {
            job: Job::Other,
            lang: self.site.config.default_language.clone(),
            path: "/404.html".into(),
            lastmod: None,
        };
        let mut ctx = self.base_context(&info);
        ctx.insert("page_kind", "404");
        self.render_file("404.html", &ctx, "404.html".into())
    }

    /// Redirect pages: aliases, `page/1/` of every list, and `/` when the
    /// default language lives under its own prefix.
    fn redirects(&self, sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        let mut targets: Vec<(String, String, String)> = Vec::new(); // (from path, to path, lang)
        for (i, a) in self.site.articles.iter().enumerate() {
            for alias in &a.aliases {
                let from = normalize_alias(alias);
                if from.split('/').any(|p| p == "..") {
                    return Err(Error::in_file(
                        &a.source,
                        format!("alias `{alias}` leaves the site"),
                    )
                    .with_help("write aliases as site paths such as /old/story/"));
                }
                if let Some(owner) = self.site.paths.iter().position(|p| p == &from) {
                    return Err(Error::in_file(
                        &a.source,
                        format!(
                            "alias `{alias}` of {} would overwrite the page of {}",
                            a.source.display(),
                            self.site.articles[owner].source.display()
                        ),
                    )
                    .with_help("remove the alias or move the other article"));
                }
                targets.push((from, self.site.paths[i].clone(), a.lang.clone()));
            }
        }
        for l in &self.ix.listings {
            targets.push((format!("{}page/1/", l.path), l.path.clone(), l.lang.clone()));
        }
        if config.default_language_in_subdir {
            let lang = config.default_lang();
            targets.push(("/".into(), format!("{}/", lang.prefix), lang.code.clone()));
        }
        targets.par_iter().try_for_each(|(from, to, lang)| {
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with(from)
                .with(to)
                .with(lang);
            self.emit(sink, file_for(from), fingerprint, || {
                let mut ctx = Context::new();
                ctx.insert("lang", lang);
                ctx.insert("dir", dir(self.lang_of(lang)));
                ctx.insert("target", &config.absolute_url(to));
                ctx.insert_value("config", self.config_value.clone());
                self.render_file("redirect.html", &ctx, file_for(from))
            })
        })
    }

    fn statics(&self, sink: &dyn Sink) -> Result<()> {
        self.theme.statics.par_iter().try_for_each(|(path, file)| {
            let bytes = file.read()?;
            if let Some(hashed) = self.theme.fingerprinted.get(path) {
                sink.put(Output::new(hashed.clone(), bytes.clone()))?;
            }
            sink.put(Output::new(path.clone(), bytes))
        })?;
        if self.tera.contains_template("manifest.webmanifest") {
            let mut ctx = Context::new();
            ctx.insert_value("config", self.config_value.clone());
            ctx.insert_value(
                "language",
                self.languages[&self.site.config.default_language].clone(),
            );
            ctx.insert("lang", &self.site.config.default_language);
            let fingerprint = Fingerprint::new().with(&self.global).with("manifest");
            self.emit(sink, "manifest.webmanifest".into(), fingerprint, || {
                self.render_file("manifest.webmanifest", &ctx, "manifest.webmanifest".into())
            })?;
        }
        Ok(())
    }
}

/// `old/story` → `/old/story/`; a path with an extension stays a file.
fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if last.contains('.') || trimmed.ends_with('/') || trimmed.is_empty() {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_window_keeps_ends_and_neighbours() {
        assert_eq!(pager_window(1, 1), vec![Some(1)]);
        assert_eq!(pager_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            pager_window(10, 1000),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(1000)
            ]
        );
        assert_eq!(
            pager_window(4, 6),
            vec![Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]
        );
    }

    #[test]
    fn files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/fa/news/x/"), "fa/news/x/index.html");
        assert_eq!(file_for("/old.html"), "old.html");
        assert_eq!(normalize_alias("old/story"), "/old/story/");
        assert_eq!(normalize_alias("/old.html"), "/old.html");
    }

    #[test]
    fn sitemap_becomes_an_index_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
        )
        .unwrap();
        for n in 0..4 {
            let path = dir.path().join(format!("content/news/a{n}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                path,
                format!("+++\ntitle = \"A{n}\"\ndate = 2020-01-0{}\n+++\nx\n", n + 1),
            )
            .unwrap();
        }
        let sink = MemorySink::default();
        let options = crate::BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        crate::build::render_site(&options, &sink).unwrap();
        let files = sink.into_files();
        let get = |p: &str| {
            files
                .iter()
                .find(|f| f.path == p)
                .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
        };
        let index = get("sitemap.xml").unwrap();
        assert!(
            index.contains("<sitemapindex") && index.contains("https://x.org/sitemap1.xml"),
            "{index}"
        );
        let first = get("sitemap1.xml").unwrap();
        assert_eq!(first.matches("<url>").count(), SITEMAP_LIMIT);
        assert!(get("sitemap2.xml").is_some());
    }

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
