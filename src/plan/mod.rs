//! Plan: every file the site will have, how each one is made (its
//! [`Recipe`]) and what that recipe reads (its [`Reads`]), worked out from
//! the site model and its indexes alone, before anything is rendered.
//!
//! What a file reads is declared once, here, in [`Plan::reads`]: render
//! builds the file's template context from that value and hashes the same
//! value into the file's fingerprint, so what a page shows and what decides
//! whether it is made again cannot drift apart. Model objects are hashed
//! whole (an article by the bytes of its file, an index entry by every
//! field), never field by field, so a new front-matter key or index field
//! is covered the day it is added.
//!
//! `build`, `check` and `serve` share one plan; `serve` keeps it across
//! edits that change no list an article is in (see
//! [`crate::site::Site::reach`]).

mod files;
mod reads;
pub mod shortcodes;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::error::Result;
use crate::index::{self, Indexes, ListKind, Listing};
use crate::site::{Section, Site};
use crate::theme::Theme;

pub use files::{file_for, normalize_alias};
pub use reads::{ArticleFacts, Reads, hash_section};

/// Most URLs a sitemap file may list.
#[cfg(not(test))]
pub const SITEMAP_LIMIT: usize = 50_000;
/// Small enough for a unit test to cross.
#[cfg(test)]
pub const SITEMAP_LIMIT: usize = 5;

/// An HTML page to render.
#[derive(Debug, Clone)]
pub enum Job {
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
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub job: Job,
    pub lang: String,
    pub path: String,
    /// Formatted only for the sitemap.
    pub lastmod: Option<jiff::ZonedDateTime>,
}

/// How one output file is made.
#[derive(Debug, Clone)]
pub enum Recipe {
    /// `pages[n]`.
    Page(usize),
    /// Atom or RSS (the template) of a listing's first page.
    Feed {
        listing: usize,
        template: &'static str,
    },
    /// A language's page made from a template alone: `404.html`,
    /// `search.html`.
    Fixed {
        lang: String,
        template: &'static str,
    },
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
    /// Version `version` of photo `photo` (in `Site::photos`).
    Photo {
        photo: usize,
        version: usize,
    },
    /// A story folder's photo under its own name: its widest version.
    Original {
        photo: usize,
        article: usize,
    },
    /// Another file of a story folder, copied as it is.
    Asset {
        article: usize,
        name: String,
    },
}

/// A link in a template: a label and a root-relative URL.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// Site paths of equivalent pages: key → language → path.
pub type Equivalents = HashMap<String, BTreeMap<String, String>>;

/// Every file of one build of the site and how to make it.
pub struct Plan {
    pub ix: Indexes,
    /// Every HTML page, in a stable order.
    pub pages: Vec<PageInfo>,
    /// Every file of the site, by output path, and how to make it.
    pub files: Vec<(String, Recipe)>,
    /// The number of article 0's page in `files` (article `i`'s is `i` more).
    pub first_page: usize,
    /// The number of each file in `files`, by its path in lower case (two
    /// paths that differ only in case are an error).
    numbers: rustc_hash::FxHashMap<String, usize>,
    /// The paths of "the same page" in each language.
    pub equivalents: Equivalents,
    /// Each language's top-level sections, for the navigation bar.
    pub nav: BTreeMap<String, Vec<Link>>,
    /// The shortcodes the theme and the site have, by name.
    pub shortcodes: shortcodes::Shortcodes,
}

impl Plan {
    /// What makes a file, in words for an error about it: the story, the
    /// story whose alias it is, the static file, or the page.
    pub fn maker(&self, site: &Site, recipe: &Recipe) -> Option<String> {
        Some(match recipe {
            Recipe::Page(p) => match self.pages[*p].job {
                Job::Article(i) => site.articles[i].source.display().to_string(),
                _ => format!("the list page {}", self.pages[*p].path),
            },
            Recipe::Redirect { to, .. } => match site.paths.iter().position(|p| p == to) {
                Some(i) => format!("an alias of {}", site.articles[i].source.display()),
                None => format!("the redirect to {to}"),
            },
            Recipe::Static(name) => format!("the static file {name}"),
            Recipe::Feed { listing, template } => {
                format!("the {template} feed of {}", self.ix.listings[*listing].path)
            }
            Recipe::Fixed { lang, template } => {
                format!("the {} page ({lang})", template.trim_end_matches(".html"))
            }
            Recipe::Manifest => "the web manifest".into(),
            Recipe::SitemapPart(_) | Recipe::SitemapIndex => "the sitemap".into(),
            Recipe::Robots => "robots.txt".into(),
            Recipe::Photo { photo, .. } => {
                format!("the photo {}", site.photos.photos[*photo].source.display())
            }
            Recipe::Original { article, .. } | Recipe::Asset { article, .. } => {
                format!(
                    "the story folder of {}",
                    site.articles[*article].source.display()
                )
            }
        })
    }

    /// Plans the files of `site` with `theme`; an error if two files would
    /// share a path, or an article names a template the theme lacks.
    pub fn new(site: &Site, theme: &Theme) -> Result<Plan, crate::error::Errors> {
        files::check_templates(site, theme)?;
        let shortcodes = shortcodes::Shortcodes::of(theme)?;
        shortcodes.check(site)?;
        let ix = index::build(site);
        crate::profile::stage("indexes built");
        // Independent of each other: side by side.
        let (pages, equivalents) =
            rayon::join(|| files::page_infos(site, &ix), || equivalents(site, &ix));
        let mut plan = Plan {
            equivalents,
            nav: navigation(site)?,
            ix,
            pages,
            files: Vec::new(),
            first_page: 0,
            numbers: Default::default(),
            shortcodes,
        };
        (plan.files, plan.numbers) = files::recipes(site, theme, &plan)?;
        plan.first_page = plan
            .files
            .iter()
            .position(|(_, r)| matches!(r, Recipe::Page(_)))
            .unwrap_or(0);
        crate::profile::stage("files planned");
        Ok(plan)
    }

    /// The number (in `files`) of the file at `path`, if the site has one.
    pub fn number(&self, path: &str) -> Option<usize> {
        let n = *self.numbers.get(&path.to_lowercase())?;
        (self.files[n].0 == path).then_some(n)
    }

    /// The number (in `files`) of article `i`'s page.
    pub fn article_page(&self, i: usize) -> usize {
        self.first_page + i
    }

    /// Paths of this page in each language: its translations, or its list's
    /// counterparts.
    pub fn versions(&self, site: &Site, info: &PageInfo) -> BTreeMap<String, String> {
        let key = match &info.job {
            Job::Article(i) => {
                let mut versions = BTreeMap::new();
                versions.insert(info.lang.clone(), info.path.clone());
                for &t in &site.translations[*i] {
                    versions.insert(site.articles[t].lang.clone(), site.paths[t].clone());
                }
                return versions;
            }
            Job::List { listing, page: 1 } => {
                equivalence_key(site, &self.ix, &self.ix.listings[*listing])
            }
            Job::Taxonomy(n) => Some(format!("taxonomy:{}", self.ix.taxonomies[*n].name)),
            Job::Archive(_) => Some("archive".into()),
            Job::List { .. } | Job::Other => None,
        };
        key.and_then(|k| self.equivalents.get(&k))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether the navigation bar links to this page (a language's home,
    /// a top-level section, the archive): the bar marks it as current.
    pub fn links_to(&self, site: &Site, info: &PageInfo) -> bool {
        let prefix = site.config.language(&info.lang).map_or("", |l| &l.prefix);
        match info.path.strip_prefix(prefix) {
            Some("/" | "/archive/") => true,
            _ => {
                let url = site.config.relative_url(&info.path);
                (self.nav.get(&info.lang)).is_some_and(|links| links.iter().any(|l| l.url == url))
            }
        }
    }

    /// The dated stories a listing's feeds show (no pages).
    pub fn feed_items(site: &Site, listing: &Listing) -> Vec<usize> {
        listing
            .items
            .iter()
            .copied()
            .filter(|&i| site.articles[i].date.is_some() && !site.articles[i].is_page)
            .take(site.config.feeds.limit)
            .collect()
    }
}

/// A key naming "the same page" across languages, so the language switcher
/// and hreflang links can find a list's counterpart.
pub fn equivalence_key(site: &Site, ix: &Indexes, listing: &Listing) -> Option<String> {
    match &listing.kind {
        ListKind::Home => Some("home".into()),
        ListKind::Section(n) => Some(format!("section:{}", site.sections[*n].name)),
        ListKind::Term { taxonomy, term } => {
            let t = ix
                .taxonomies
                .iter()
                .find(|t| t.lang == listing.lang && &t.name == taxonomy)?;
            Some(format!("term:{taxonomy}:{}", t.terms[*term].key))
        }
        ListKind::Corrections => Some("corrections".into()),
        ListKind::Year { .. } | ListKind::Month { .. } => None,
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
/// Each language's navigation: its menu from site.toml, else its
/// top-level sections by weight, then title.
fn navigation(site: &Site) -> Result<BTreeMap<String, Vec<Link>>, crate::error::Errors> {
    let config = &site.config;
    let mut errors = Vec::new();
    let nav = config
        .languages
        .iter()
        .map(|l| {
            if !l.menu.is_empty() {
                return (l.code.clone(), menu(site, l, &mut errors));
            }
            let mut sections: Vec<&Section> = (site.sections.iter())
                .filter(|s| s.lang == l.code && in_navigation(s))
                .collect();
            // By weight (lightest first), sections without one after; then
            // by title in the language's dictionary order.
            let dictionary = crate::locale::order::Order::of(&l.code);
            let weight = |s: &Section| s.meta.as_ref().and_then(|m| m.weight);
            sections.sort_by(|a, b| {
                (weight(a).is_none(), weight(a))
                    .cmp(&(weight(b).is_none(), weight(b)))
                    .then_with(|| dictionary.compare(&section_title(a), &section_title(b)))
            });
            let links: Vec<Link> = sections
                .into_iter()
                .map(|s| Link {
                    name: section_title(s),
                    url: config.relative_url(&s.path),
                })
                .collect();
            (l.code.clone(), links)
        })
        .collect();
    crate::error::Errors::result(errors)?;
    Ok(nav)
}

/// A language's menu, lightest first (a stable sort: entries without a
/// weight after, as written); an `@/` link that leads nowhere is an error.
fn menu(
    site: &Site,
    l: &crate::config::Language,
    errors: &mut Vec<crate::error::Error>,
) -> Vec<Link> {
    let config = &site.config;
    let mut entries: Vec<&crate::config::MenuEntry> = l.menu.iter().collect();
    entries.sort_by_key(|e| (e.weight.is_none(), e.weight));
    (entries.into_iter())
        .map(|e| {
            let url = match e.url.strip_prefix("@/") {
                Some(target) => match site.link_path(target.split('#').next().unwrap_or("")) {
                    Some(path) => config.relative_url(path),
                    None => {
                        errors.push(
                            config
                                .key_error("menu", format!("the menu entry `{}` of `{}` links to @/{target}, which does not exist", e.name, l.code))
                                .with_help("name a file under content/, such as @/en/about.md"),
                        );
                        String::new()
                    }
                },
                None if e.url.starts_with('/') => config.relative_url(&e.url),
                None => e.url.clone(),
            };
            Link { name: e.name.clone(), url }
        })
        .collect()
}

/// Whether the navigation bar links to section `s` (top-level ones only).
fn in_navigation(s: &Section) -> bool {
    !s.name.contains('/')
}

/// A section's title: its `_index.md`'s, else its folder name capitalized.
pub fn section_title(s: &Section) -> String {
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
