//! Render: turn the site and its indexes into output files with Tera, in
//! parallel, handing each file to a [`Sink`] as it is made (the output
//! folder stages them, so a failed render leaves the previous output
//! untouched). `pages` renders HTML pages, `extras` feeds, the sitemap,
//! redirects and static files, `body` article texts.

mod body;
pub mod context;
mod extras;
mod pages;
mod sink;
pub mod templates;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Tera, Value};

use crate::content::markdown::{Highlighter, Rendered};
use crate::error::{Error, Errors, Result};
use crate::fingerprint::Fingerprint;
use crate::index::{self, Indexes};
use crate::locale::dates::{SiteDates, rfc3339};
use crate::site::Site;
use context::{Equivalents, Link, equivalence_key, language_value, page_value};
use theme::Theme;

use body::render_body;
use sink::Unique;
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
    highlighter: &'a Highlighter,
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
    let highlighter = Highlighter::default();
    crate::profile::stage("indexes built");

    let bodies = summaries(site, &highlighter)?;
    crate::profile::stage("summaries rendered");
    let (pages, page_prints): (Vec<Value>, Vec<u64>) = (0..site.articles.len())
        .into_par_iter()
        .map(|i| page_value(site, &ix, i, &bodies[i]))
        .unzip();
    drop(bodies);

    let equivalents = equivalents(site, &ix);

    let languages: BTreeMap<String, Value> = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), language_value(config, l)))
        .collect();
    let config_value = Value::from_serializable(config);
    let pages = with_cards(pages, &tera, &theme, &languages, &config_value)?;
    let all_languages = Value::from_serializable(
        &config
            .languages
            .iter()
            .map(|l| &languages[&l.code])
            .collect::<Vec<_>>(),
    );
    let nav = navigation(site);
    let mut shared = Shared {
        site,
        ix: &ix,
        tera: &tera,
        theme: &theme,
        dates: &dates,
        pages,
        highlighter: &highlighter,
        page_prints,
        global: global_fingerprint(site, &theme),
        config_value,
        languages,
        all_languages,
        nav,
        equivalents,
    };

    crate::profile::stage("page values built");
    let infos = page_infos(&shared);
    infos.par_iter().try_for_each(|info| {
        let path = file_for(&info.path);
        let versions = shared.versions(info);
        let fingerprint = shared.page_fingerprint(info, &versions);
        if sink.reuse(&path, fingerprint) {
            return Ok(());
        }
        let mut out = shared.render_page(info, &versions)?;
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
    let warnings = warnings(site, &theme);
    Ok(Rendering {
        pages: pages_per_lang,
        warnings,
    })
}

/// Every article's summary (most were made at load), in site order; all
/// errors at once.
fn summaries(site: &Site, highlighter: &Highlighter) -> Result<Vec<Rendered>, Errors> {
    let bodies: Vec<Result<Rendered>> = site
        .articles
        .par_iter()
        .map(|a| render_body(site, a, true, highlighter))
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
    if errors.is_empty() {
        Ok(bodies)
    } else {
        Err(Errors(errors))
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

/// Adds each article's card (headline, date, summary, tags, as lists show
/// it) to its value: rendered once here rather than on every list page
/// that shows it.
fn with_cards(
    pages: Vec<Value>,
    tera: &Tera,
    theme: &Theme,
    languages: &BTreeMap<String, Value>,
    config_value: &Value,
) -> Result<Vec<Value>> {
    if !tera.contains_template("article_card.html") {
        return Ok(pages);
    }
    pages
        .into_par_iter()
        .map(|value| {
            let lang = value
                .get_from_path("lang")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut ctx = tera::Context::new();
            ctx.insert_value("item", value.clone());
            ctx.insert("lang", &lang);
            if let Some(language) = languages.get(&lang) {
                ctx.insert_value("language", language.clone());
            }
            ctx.insert_value("config", config_value.clone());
            let mut card = Vec::with_capacity(2048);
            tera.render_to("article_card.html", &ctx, &mut card)
                .map_err(|e| templates::template_error(theme, &e, "rendering article cards"))?;
            let mut map = value.into_map().unwrap_or_default();
            map.insert(
                "card".into(),
                Value::safe_string(&String::from_utf8_lossy(&card)),
            );
            Ok(Value::from(map))
        })
        .collect()
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
                .filter(|s| s.lang == l.code && !s.name.contains('/'))
                .map(|s| Link {
                    name: section_title(s),
                    url: config.relative_url(&s.path),
                })
                .collect();
            (l.code.clone(), Value::from_serializable(&links))
        })
        .collect()
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
