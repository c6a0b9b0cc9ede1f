//! Render: turn the site and its indexes into output files with Tera.
//!
//! A [`Renderer`] is made once per build from the resolved site: it knows
//! every file the site has and how to make each one (a [`Recipe`]), but
//! makes nothing until asked. `bulletin build` asks for all of them, in
//! parallel, handing each to a [`Sink`] as it is made (the output folder
//! stages them, so a failed render leaves the previous output untouched);
//! `bulletin serve` asks only for the files a browser requests. Article
//! values are made when first needed and kept. `pages` renders HTML pages,
//! `extras` feeds, the sitemap, redirects and static files, `body` article
//! texts.

mod body;
pub mod context;
mod extras;
mod pages;
mod sink;
pub mod templates;
pub mod theme;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Tera, Value};

use crate::content::markdown::Highlighter;
use crate::error::{Error, Errors, Result};
use crate::fingerprint::Fingerprint;
use crate::index::{self, Indexes};
use crate::locale::dates::SiteDates;
use crate::site::Site;
use context::{Equivalents, Link, equivalence_key, language_value, page_value};
use theme::Theme;

use body::render_body;
pub use sink::{MemorySink, Output, Sink};

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
    /// A page that is no list and no article (the 404 page, a feed's context).
    Other,
}

/// A page of the site as the sitemap and hreflang links see it.
struct PageInfo {
    job: Job,
    lang: String,
    path: String,
    /// Formatted only for the sitemap.
    lastmod: Option<jiff::ZonedDateTime>,
}

/// How one output file is made.
#[derive(Debug, Clone)]
enum Recipe {
    /// `infos[n]`.
    Page(usize),
    /// Atom or RSS (the template) of a listing's first page.
    Feed {
        listing: usize,
        template: &'static str,
    },
    NotFound,
    Redirect {
        to: String,
        lang: String,
    },
    /// A theme or site static file, under its own name or its hashed one.
    Static(String),
    Manifest,
    /// Part `n` of the sitemap (the whole of it when it fits one file).
    SitemapPart(usize),
    SitemapIndex,
    Robots,
}

/// What a file's fingerprint needed that making it needs too, so a build
/// gathers it once.
enum Gathered {
    Nothing,
    /// A page's paths in each language.
    Versions(BTreeMap<String, String>),
    /// A sitemap part's entries.
    Entries(Vec<extras::SitemapEntry>),
}

/// Makes the files of one build of the site.
pub struct Renderer {
    site: Arc<Site>,
    // What depends on the site's structure only (URLs, dates, terms, not
    // texts) is shared with the renderers patched from this one.
    ix: Arc<Indexes>,
    tera: Arc<Tera>,
    theme: Arc<Theme>,
    dates: Arc<SiteDates>,
    highlighter: Highlighter,
    /// Each article's template value (with its card) and a fingerprint of
    /// what it and its page are made from; made when first needed.
    values: Vec<OnceLock<(Value, u64)>>,
    /// Each article's Atom entry and RSS item, made when a feed first shows
    /// it and then shared by every feed that does (home, section, terms).
    feed_entries: Vec<OnceLock<(Value, Value)>>,
    /// Fingerprint of what every page depends on: the program, the
    /// configuration, the theme, the navigation.
    global: u64,
    config_value: Value,
    languages: BTreeMap<String, Value>,
    all_languages: Value,
    nav: Arc<BTreeMap<String, Value>>,
    /// Per language, what every page's context starts with.
    language_contexts: Arc<BTreeMap<String, tera::Context>>,
    equivalents: Arc<Equivalents>,
    infos: Arc<Vec<PageInfo>>,
    /// Every file of the site, by output path, and how to make it; the
    /// slowest first, so it runs beside the rest.
    files: Arc<Vec<(String, Recipe)>>,
    /// The number of article 0's page in `files` (article `i`'s is `i` more).
    first_page: usize,
}

/// Renders `site` with `theme` into `sink`.
pub fn render(site: Arc<Site>, theme: Arc<Theme>, sink: &dyn Sink) -> Result<Rendering, Errors> {
    Renderer::new(site, theme)?.render_all(sink)
}

impl Renderer {
    /// Compiles the templates and builds the indexes and the list of files.
    pub fn new(site: Arc<Site>, theme: Arc<Theme>) -> Result<Renderer, Errors> {
        let config = &site.config;
        let dates = Arc::new(
            SiteDates::new(&config.languages).map_err(|m| Error::in_file("site.toml", m))?,
        );
        let partials = Arc::new(templates::Partials::default());
        let tera = templates::build(config, &theme, &dates, &partials)?;
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
                        .with_help(
                            "add it to the theme's templates/ folder or the site's templates/",
                        )
                        .into(),
                );
            }
        }
        crate::profile::stage("templates loaded");
        let ix = index::build(&site);
        crate::profile::stage("indexes built");
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
        let mut renderer = Renderer {
            equivalents: Arc::new(equivalents(&site, &ix)),
            nav: Arc::new(navigation(&site)),
            global: global_fingerprint(&site, &theme),
            config_value: Value::from_serializable(config),
            infos: Arc::new(page_infos(&site, &ix)),
            values: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
            feed_entries: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
            languages,
            all_languages,
            site,
            ix: Arc::new(ix),
            tera: Arc::new(tera),
            theme,
            dates,
            highlighter: Highlighter::default(),
            files: Arc::default(),
            first_page: 0,
            language_contexts: Arc::default(),
        };
        renderer.language_contexts = Arc::new(
            renderer
                .site
                .config
                .languages
                .iter()
                .map(|l| (l.code.clone(), renderer.language_context(l)))
                .collect(),
        );
        partials.connect(&renderer.tera, &renderer.language_contexts);
        renderer.files = Arc::new(renderer.recipes()?);
        renderer.first_page = renderer
            .files
            .iter()
            .position(|(_, r)| matches!(r, Recipe::Page(_)))
            .unwrap_or(0);
        crate::profile::stage("files listed");
        Ok(renderer)
    }

    /// This renderer with some articles replaced by new versions that sit
    /// in the same place (see [`Site::same_place`]): everything that
    /// depends on the site's structure is shared, article values are made
    /// anew. Far cheaper than [`Renderer::new`] on a large site.
    pub fn patched(&self, site: Site) -> Renderer {
        Renderer {
            site: Arc::new(site),
            ix: Arc::clone(&self.ix),
            tera: Arc::clone(&self.tera),
            theme: Arc::clone(&self.theme),
            dates: Arc::clone(&self.dates),
            highlighter: Highlighter::default(),
            values: (0..self.values.len()).map(|_| OnceLock::new()).collect(),
            feed_entries: (0..self.values.len()).map(|_| OnceLock::new()).collect(),
            global: self.global,
            config_value: self.config_value.clone(),
            languages: self.languages.clone(),
            all_languages: self.all_languages.clone(),
            nav: Arc::clone(&self.nav),
            language_contexts: Arc::clone(&self.language_contexts),
            equivalents: Arc::clone(&self.equivalents),
            infos: Arc::clone(&self.infos),
            files: Arc::clone(&self.files),
            first_page: self.first_page,
        }
    }

    /// The number (of [`Renderer::paths`]) of article `i`'s page.
    pub fn article_page(&self, i: usize) -> usize {
        self.first_page + i
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn site_arc(&self) -> Arc<Site> {
        Arc::clone(&self.site)
    }

    /// Makes every file into `sink`, reusing the sink's copy of each file
    /// whose inputs are unchanged.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<Rendering, Errors> {
        // Article values are made as pages first need them, not all before
        // any page: waiting for the last of them left a core idle.
        let rendered = self
            .files
            .par_iter()
            .try_for_each(|(path, recipe)| self.emit(sink, path, recipe));
        if let Err(e) = rendered {
            // Every article whose value cannot be made, not just the first.
            self.make_values()?;
            return Err(e.into());
        }
        crate::profile::stage("files rendered");
        let mut pages: BTreeMap<String, usize> = BTreeMap::new();
        for info in self.infos.iter() {
            *pages.entry(info.lang.clone()).or_default() += 1;
        }
        Ok(Rendering {
            pages,
            warnings: self.warnings(),
        })
    }

    /// Output paths of every file, in the order of [`Renderer::make`]'s
    /// numbers.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(path, _)| path.as_str())
    }

    /// Makes file number `n` of [`Renderer::paths`].
    pub fn make(&self, n: usize) -> Result<Vec<u8>> {
        let (path, recipe) = &self.files[n];
        self.make_recipe(path, recipe, Gathered::Nothing)
    }

    /// Numbers (of [`Renderer::paths`]) of the pages an edit of these
    /// content files (relative to the site root) can break: their own, and
    /// every page with `@/` links (whose targets may have moved or gone).
    pub fn pages_to_check(&self, sources: &HashSet<std::path::PathBuf>) -> Vec<usize> {
        // By bytes: hashing a path component by component costs more.
        let sources: HashSet<&[u8]> = sources
            .iter()
            .map(|s| s.as_os_str().as_encoded_bytes())
            .collect();
        let changed =
            |path: &std::path::Path| sources.contains(path.as_os_str().as_encoded_bytes());
        let check = |job: &Job| match job {
            Job::Article(i) => {
                let a = &self.site.articles[*i];
                changed(&a.source)
                    // Summaries are made at load unless the text has `@/` links.
                    || matches!(a.body, crate::content::Body::Markdown { summary: None, .. })
            }
            Job::List { listing, page: 1 } => match self.ix.listings[*listing].kind {
                index::ListKind::Section(s) => self.site.sections[s]
                    .meta
                    .as_ref()
                    .is_some_and(|m| changed(&m.source) || m.body.contains("@/")),
                _ => false,
            },
            _ => false,
        };
        self.files
            .iter()
            .enumerate()
            .filter(
                |(_, (_, recipe))| matches!(recipe, Recipe::Page(p) if check(&self.infos[*p].job)),
            )
            .map(|(n, _)| n)
            .collect()
    }

    /// Warnings of the whole build: the site's, missing theme strings,
    /// images without alt text.
    pub fn warnings(&self) -> Vec<String> {
        warnings(&self.site, &self.theme)
    }

    /// Hands `path` to the sink: the earlier build's file if its fingerprint
    /// matches, else a new one.
    fn emit(&self, sink: &dyn Sink, path: &str, recipe: &Recipe) -> Result<()> {
        let (fingerprint, gathered) = self.fingerprint(path, recipe)?;
        if let Some(f) = fingerprint
            && sink.reuse(path, f)
        {
            return Ok(());
        }
        let bytes = self.make_recipe(path, recipe, gathered)?;
        sink.put(Output {
            path: path.to_string(),
            bytes,
            fingerprint,
        })
    }

    /// Article `i`'s template value.
    fn value(&self, i: usize) -> Result<&Value> {
        Ok(&self.article_entry(i)?.0)
    }

    /// A fingerprint of article `i`'s value and full text.
    fn article_print(&self, i: usize) -> Result<u64> {
        Ok(self.article_entry(i)?.1)
    }

    fn article_entry(&self, i: usize) -> Result<&(Value, u64)> {
        if let Some(entry) = self.values[i].get() {
            return Ok(entry);
        }
        let summary = render_body(&self.site, &self.site.articles[i], true, &self.highlighter)?;
        let (value, print) = page_value(&self.site, &self.ix, i, &summary);
        let value = self.with_card(value)?;
        // Two threads may make it at once; both make the same.
        Ok(self.values[i].get_or_init(|| (value, print)))
    }

    /// Makes every article's value, in parallel, reporting all errors.
    fn make_values(&self) -> Result<(), Errors> {
        let errors: Vec<Error> = (0..self.values.len())
            .into_par_iter()
            .filter_map(|i| self.article_entry(i).err())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Errors(errors))
        }
    }

    /// Adds the article's card (headline, date, summary, tags, as lists
    /// show it) to its value: rendered once rather than on every list page
    /// that shows it.
    fn with_card(&self, value: Value) -> Result<Value> {
        if !self.tera.contains_template("article_card.html") {
            return Ok(value);
        }
        let lang = value
            .get_from_path("lang")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let ctx = self.fragment_context("item", value.clone(), &lang);
        let card = self.render_fragment("article_card.html", &ctx, "rendering article cards")?;
        let mut map = value.into_map().unwrap_or_default();
        map.insert("card".into(), card);
        Ok(Value::from(map))
    }

    /// The context of a piece of an article rendered once and shown in
    /// many places (its card, its feed entries): the article's value as
    /// `name`, its language and the configuration.
    fn fragment_context(&self, name: &'static str, value: Value, lang: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert_value(name, value);
        ctx.insert("lang", lang);
        if let Some(language) = self.languages.get(lang) {
            ctx.insert_value("language", language.clone());
        }
        ctx.insert_value("config", self.config_value.clone());
        ctx
    }

    /// Renders such a piece, as a value other templates show unescaped;
    /// `doing` names it in errors.
    fn render_fragment(&self, template: &str, ctx: &tera::Context, doing: &str) -> Result<Value> {
        let mut bytes = Vec::with_capacity(2048);
        self.tera
            .render_to(template, ctx, &mut bytes)
            .map_err(|e| templates::template_error(&self.theme, &e, doing))?;
        // Tera writes UTF-8; checked all the same, the fast way.
        Ok(Value::safe_string(
            simdutf8::basic::from_utf8(&bytes).unwrap_or_default(),
        ))
    }

    /// Every file of the site; an error if two would share a path.
    fn recipes(&self) -> Result<Vec<(String, Recipe)>> {
        let mut files = Vec::new();
        let parts = self.infos.len().div_ceil(SITEMAP_LIMIT).max(1);
        if parts == 1 {
            files.push(("sitemap.xml".to_string(), Recipe::SitemapPart(0)));
        } else {
            for n in 0..parts {
                files.push((format!("sitemap{}.xml", n + 1), Recipe::SitemapPart(n)));
            }
            files.push(("sitemap.xml".to_string(), Recipe::SitemapIndex));
        }
        files.extend(
            self.infos
                .iter()
                .enumerate()
                .map(|(n, info)| (file_for(&info.path), Recipe::Page(n))),
        );
        for (n, l) in self.ix.listings.iter().enumerate() {
            if l.feeds {
                for template in ["atom.xml", "rss.xml"] {
                    let path = format!("{}{template}", l.path.trim_start_matches('/'));
                    files.push((
                        path,
                        Recipe::Feed {
                            listing: n,
                            template,
                        },
                    ));
                }
            }
        }
        files.push(("404.html".into(), Recipe::NotFound));
        for (from, to, lang) in self.redirect_targets()? {
            files.push((file_for(&from), Recipe::Redirect { to, lang }));
        }
        for path in self.theme.statics.keys() {
            if let Some(hashed) = self.theme.fingerprinted.get(path) {
                files.push((hashed.clone(), Recipe::Static(path.clone())));
            }
            files.push((path.clone(), Recipe::Static(path.clone())));
        }
        if self.tera.contains_template("manifest.webmanifest") {
            files.push(("manifest.webmanifest".into(), Recipe::Manifest));
        }
        files.push(("robots.txt".into(), Recipe::Robots));

        let mut seen = HashSet::with_capacity(files.len());
        for (path, _) in &files {
            if !seen.insert(path.as_str()) {
                return Err(Error::msg(format!("two outputs would be written to {path}")).with_help(
                    "an article's slug, an alias or a static file clashes with another page of the same URL; rename one",
                ));
            }
        }
        Ok(files)
    }
}

/// The paths of "the same page" in each language: homes, sections, terms,
/// taxonomy pages and archives.
fn equivalents(site: &Site, ix: &Indexes) -> Equivalents {
    let mut equivalents: Equivalents = HashMap::new();
    let mut add = |key: String, lang: &str, path: &str| {
        equivalents
            .entry(key)
            .or_default()
            .insert(lang.to_string(), path.to_string());
    };
    for listing in &ix.listings {
        if let Some(key) = equivalence_key(site, ix, listing) {
            add(key, &listing.lang, &listing.path);
        }
    }
    for t in &ix.taxonomies {
        add(format!("taxonomy:{}", t.name), &t.lang, &t.path);
    }
    for a in &ix.archives {
        add("archive".into(), &a.lang, &a.path);
    }
    equivalents
}

/// Each language's top-level sections, for the navigation bar.
fn navigation(site: &Site) -> BTreeMap<String, Value> {
    let config = &site.config;
    config
        .languages
        .iter()
        .map(|l| {
            let links: Vec<Link> = site
                .sections
                .iter()
                .filter(|s| s.lang == l.code && in_navigation(s))
                .map(|s| Link {
                    name: section_title(s),
                    url: config.relative_url(&s.path),
                })
                .collect();
            (l.code.clone(), Value::from_serializable(&links))
        })
        .collect()
}

/// Whether the navigation bar links to section `s` (top-level ones only).
fn in_navigation(s: &crate::site::Section) -> bool {
    !s.name.contains('/')
}

/// What every page depends on: the program, the configuration, the theme
/// (templates, strings, assets) and the sections in the navigation.
fn global_fingerprint(site: &Site, theme: &Theme) -> u64 {
    let mut global = Fingerprint::new()
        .with(&crate::fingerprint::program())
        .with_serialized(&site.config)
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
    global.value()
}

/// Warnings of the whole build: the site's, missing theme strings, images
/// without alt text.
fn warnings(site: &Site, theme: &Theme) -> Vec<String> {
    let mut warnings = site.warnings.clone();
    for (lang, key) in theme.strings.take_missing() {
        warnings.push(format!(
            "theme string `{key}` is missing for language `{lang}`; add it to i18n/{lang}.toml"
        ));
    }
    for a in site
        .articles
        .iter()
        .filter(|a| a.image.is_some() && a.image_alt.is_none())
    {
        warnings.push(format!(
            "{}: the image has no `image_alt` text",
            a.source.display()
        ));
    }
    warnings
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

/// Every HTML page, in a stable order.
fn page_infos(site: &Site, ix: &Indexes) -> Vec<PageInfo> {
    let mut infos = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Article(i),
            lang: a.lang.clone(),
            path: site.paths[i].clone(),
            lastmod: a.updated.as_ref().or(a.date.as_ref()).cloned(),
        });
    }
    for (n, l) in ix.listings.iter().enumerate() {
        let newest = l.items.first().and_then(|&i| site.articles[i].date.clone());
        for page in 1..=index::page_count(l.items.len(), l.paginate_by) {
            infos.push(PageInfo {
                job: Job::List { listing: n, page },
                lang: l.lang.clone(),
                path: index::page_path(&l.path, page),
                lastmod: newest.clone(),
            });
        }
    }
    for (n, t) in ix.taxonomies.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Taxonomy(n),
            lang: t.lang.clone(),
            path: t.path.clone(),
            lastmod: None,
        });
    }
    for (n, a) in ix.archives.iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/fa/news/x/"), "fa/news/x/index.html");
        assert_eq!(file_for("/old.html"), "old.html");
    }
}
