//! Resolve: give every article its URL, link translations, and catch two
//! articles on one URL. The result, [`Site`], is the model every later stage
//! reads.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Article, Content, SectionMeta};
use crate::error::{Error, Errors};

/// A section of one language: its articles and its `_index.md`, if any.
#[derive(Debug, Clone)]
pub struct Section {
    pub lang: String,
    /// `news`, or `news/world` for a nested folder.
    pub name: String,
    /// Site path: `/fa/news/`.
    pub path: String,
    pub meta: Option<SectionMeta>,
    /// Article indices in the section's order.
    pub articles: Vec<usize>,
}

/// How far an edit of one article reaches: see [`Site::reach`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Only what shows its text: its pages, cards and feed entries. The
    /// site, its indexes and its plan stand.
    Text,
    /// Also the lists it is in and the files it makes (terms, the front
    /// page's lead, corrections, redirects, templates): indexed and planned
    /// again; every URL and the site's order stand.
    Lists,
    /// Its URL, its order, its section, its translations or its photos:
    /// the site is resolved again.
    Site,
}

/// The resolved site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site folder.
    pub root: std::path::PathBuf,
    pub config: Config,
    /// Newest first, then by title, then by source path: the order of every
    /// list unless a section asks for another.
    pub articles: Vec<std::sync::Arc<Article>>,
    /// Site path of each article, by index: `/fa/news/slug/`. Shared, as
    /// are the other per-article tables: serve's patched models copy the
    /// site, and an edit that keeps every URL changes none of them.
    pub paths: Arc<Vec<String>>,
    /// Indices of each article's translations (other languages only).
    pub translations: Arc<Vec<Vec<usize>>>,
    pub sections: Vec<Section>,
    /// Each language's `content/<lang>/_index.md`, as a section without
    /// articles: the home's title, intro and template.
    pub homes: Vec<Section>,
    /// `content/<lang>/<taxonomy>/_index.md` and
    /// `content/<lang>/<taxonomy>/<term>/_index.md` (an author's bio), by
    /// (language, taxonomy, slug of the term folder, `""` for the
    /// taxonomy's own).
    pub term_files: BTreeMap<(String, String, String), Section>,
    /// Each language's home path (`/`, `/fa/`).
    pub home_paths: HashMap<String, String>,
    /// `en/news/story.md` → article index, for `@/` links.
    pub by_content_path: Arc<HashMap<String, usize>>,
    /// `static/images/x.png` → `/images/x.png`: the static files an `@/`
    /// link may name (set from the theme's, site's included, once loaded).
    pub statics: HashMap<String, String>,
    pub warnings: Vec<String>,
    /// The clock stories were let in by; a story published after it is
    /// shown (serve, `--future`) as embargoed.
    pub now: jiff::Timestamp,
    /// Stories the build left out, and why.
    pub held: Vec<crate::content::Held>,
    pub next_change: Option<crate::content::NextChange>,
    /// Every photo the stories show, probed.
    pub photos: std::sync::Arc<crate::images::Photos>,
}

impl Site {
    /// Resolves loaded content into a site.
    pub fn resolve(
        root: &std::path::Path,
        config: Config,
        content: Content,
    ) -> Result<Site, Errors> {
        let Content {
            mut articles,
            sections: metas,
            warnings,
            now,
            held,
            next_change,
        } = content;
        articles.sort_by(|a, b| site_order(a, b));

        let mut errors = Vec::new();
        let mut paths = Vec::with_capacity(articles.len());
        let mut owners: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
        let permalinks: Vec<Result<String, Error>> =
            articles.par_iter().map(|a| permalink(&config, a)).collect();
        for (i, (a, path)) in articles.iter().zip(&permalinks).enumerate() {
            let path = match path {
                Ok(p) => p.as_str(),
                Err(e) => {
                    errors.push(e.clone());
                    ""
                }
            };
            if let Some(&other) = owners.get(&path) {
                errors.push(
                    Error::in_file(
                        &a.source,
                        format!(
                            "{} and {} both map to the URL {path}",
                            articles[other].source.display(),
                            a.source.display()
                        ),
                    )
                    .with_help("give one of them another `slug` in its front matter"),
                );
            } else if !path.is_empty() {
                owners.insert(path, i);
            }
        }
        errors.extend(shared_translation_keys(&articles));
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        drop(owners);
        paths.extend(permalinks.into_iter().map(|p| p.unwrap_or_default()));

        // Independent of each other: side by side.
        let ((by_content_path, translations), sections) = rayon::join(
            || {
                rayon::join(
                    || {
                        Arc::new(
                            (articles.iter().enumerate())
                                .map(|(i, a)| (a.content_path.clone(), i))
                                .collect(),
                        )
                    },
                    || link_translations(&articles),
                )
            },
            || collect_sections(&config, &articles, metas),
        );
        let (sections, homes, term_files) = sections;
        Errors::result(reserved_sections(&config, &articles, &sections))?;
        let photos = std::sync::Arc::new(crate::images::Photos::probe(
            root,
            &config.images,
            config.slugify,
            photo_sources(root, &articles),
            &articles
                .iter()
                .filter_map(|a| a.image_source.clone())
                .collect(),
        )?);
        let home_paths = (config.languages.iter())
            .map(|l| (l.code.clone(), format!("{}/", l.prefix)))
            .collect();
        Ok(Site {
            home_paths,
            photos,
            root: root.to_path_buf(),
            config,
            articles,
            paths: Arc::new(paths),
            translations: Arc::new(translations),
            sections,
            homes,
            term_files,
            by_content_path,
            statics: HashMap::new(),
            warnings,
            now,
            held,
            next_change,
        })
    }

    /// The bytes of the file `name` of article `i`'s story folder.
    pub fn asset_bytes(&self, i: usize, name: &str) -> Result<Vec<u8>, Error> {
        let folder = self.articles[i].bundle.as_deref().unwrap_or_default();
        let source = self.root.join("content").join(folder).join(name);
        std::fs::read(&source).map_err(|e| Error::io(&source, e))
    }

    /// What is worth fixing in article `i` that does not stop the build,
    /// each said in a sentence that starts with where (`file:line:`): `bulletin build` prints these, and
    /// `bulletin status` counts the stories that have any.
    pub fn story_warnings(&self, i: usize) -> Vec<String> {
        let a = &self.articles[i];
        let mut warnings = Vec::new();
        let source = a.source.display();
        if a.image.is_some() && a.image_alt.is_none() {
            warnings.push(format!("{source}: the image has no `image_alt` text"));
        }
        for line in &a.missing_alt {
            warnings.push(format!("{source}:{line}: the image has no alt text"));
        }
        warnings
    }

    /// The source of article `i`'s translation, when it was updated after
    /// `i` was (its `updated`, else its `date`): `i` is an outdated
    /// translation. The source is the version in the default language,
    /// else the earliest dated; it is never outdated itself.
    pub fn outdated_by(&self, i: usize) -> Option<usize> {
        let changed = |j: usize| {
            self.articles[j]
                .last_changed()
                .map(jiff::ZonedDateTime::timestamp)
        };
        let group = || std::iter::once(i).chain(self.translations[i].iter().copied());
        let source = group()
            .find(|&j| self.articles[j].lang == self.config.default_language)
            .or_else(|| {
                group()
                    .filter(|&j| self.articles[j].date.is_some())
                    .min_by_key(|&j| {
                        self.articles[j]
                            .date
                            .as_ref()
                            .map(jiff::ZonedDateTime::timestamp)
                    })
            })?;
        (source != i && changed(source) > changed(i)).then_some(source)
    }

    /// How many stories the build left out for `why`.
    pub fn held(&self, why: crate::content::Why) -> usize {
        self.held.iter().filter(|h| h.why == why).count()
    }

    /// When article `i`'s embargo lifts, if it has not yet (it is shown
    /// only by serve and `--future`).
    pub fn embargoed_until(&self, i: usize) -> Option<&jiff::ZonedDateTime> {
        (self.articles[i].publish_at.as_ref()).filter(|p| p.timestamp() > self.now)
    }

    /// The site path an `@/` link target names: an article's (a path under
    /// `content/`), a section's for its `_index.md`, or a static file's
    /// (`@/static/images/x.png`).
    pub fn link_path(&self, target: &str) -> Option<&str> {
        if let Some(&i) = self.by_content_path.get(target) {
            return Some(&self.paths[i]);
        }
        if let Some(path) = self.statics.get(target) {
            return Some(path);
        }
        if !target.ends_with("_index.md") {
            return None;
        }
        let source = std::path::Path::new("content").join(target);
        let by_file = (self
            .sections
            .iter()
            .chain(&self.homes)
            .chain(self.term_files.values()))
        .find(|s| s.meta.as_ref().is_some_and(|m| m.source == source));
        // A section's `_index.md` names it whether or not the file exists
        // (as in Zola), and `en/_index.md` the home.
        let folder = target.trim_end_matches("_index.md").trim_end_matches('/');
        let (lang, name) = folder.split_once('/').unwrap_or((folder, ""));
        let by_folder = || match name {
            "" => (self.config.language(lang)).map(|l| {
                // The home's path, kept where the model keeps paths.
                self.home_paths.get(&l.code).map_or("/", String::as_str)
            }),
            _ => (self.sections.iter())
                .find(|s| s.lang == lang && s.name == name)
                .map(|s| s.path.as_str()),
        };
        by_file.map(|s| s.path.as_str()).or_else(by_folder)
    }

    /// Whether `new` can take the place of article `i` without moving
    /// anything: the same file, URL, language, section, translations,
    /// dates, terms and aliases, and still in order beside its neighbours.
    /// Only what it shows (title, texts, images, extra) may differ.
    /// Language `lang`'s home file (`content/<lang>/_index.md`), if it has one.
    pub fn home(&self, lang: &str) -> Option<&Section> {
        self.homes.iter().find(|h| h.lang == lang)
    }

    /// The file of a taxonomy (`slug` empty) or of one of its terms.
    pub fn term_file(&self, lang: &str, taxonomy: &str, slug: &str) -> Option<&Section> {
        (self.term_files).get(&(lang.to_string(), taxonomy.to_string(), slug.to_string()))
    }

    /// How far replacing article `i` by `new` (its file, edited) reaches
    /// into the stages after load: the one place that says which of an
    /// article's fields the site, the indexes and the plan read, so serve
    /// redoes no more and no less than an edit needs.
    pub fn reach(&self, i: usize, new: &Article) -> Reach {
        let old = &self.articles[i];
        let same_site = old.source == new.source
            && old.content_path == new.content_path
            && old.lang == new.lang
            && old.section == new.section
            && old.translation_key == new.translation_key
            && old.slug == new.slug
            && old.date == new.date
            && old.draft == new.draft
            // Photos are probed with the site.
            && old.assets == new.assets
            && old.image_source == new.image_source
            && old.static_photos == new.static_photos
            && old.weight == new.weight
            && self.keeps_order(i, new);
        if !same_site {
            return Reach::Site;
        }
        // What the indexes and the plan read: the lists it is in, the
        // files it makes, what its templates and shortcodes must be.
        let same_lists = old.taxonomies == new.taxonomies
            && old.updated == new.updated
            && old.featured == new.featured
            && old.is_page == new.is_page
            && old.corrections == new.corrections
            && old.aliases == new.aliases
            && old.template == new.template
            // Calls are checked against their templates when planned; where
            // a call stands is not.
            && old.shortcodes.len() == new.shortcodes.len()
            && (old.shortcodes.iter().zip(&new.shortcodes))
                .all(|(a, b)| a.name == b.name && a.args == b.args && a.target == b.target);
        if same_lists {
            Reach::Text
        } else {
            Reach::Lists
        }
    }

    /// Whether `new` keeps article `i`'s place in site order and in its
    /// section's (titles order articles of one date, and sections sorted by
    /// title).
    fn keeps_order(&self, i: usize, new: &Article) -> bool {
        if self.articles[i].title == new.title {
            return true;
        }
        let by_title = self.sections.iter().any(|s| {
            s.lang == new.lang
                && s.name == new.section
                && s.meta
                    .as_ref()
                    .is_some_and(|m| m.sort_by == crate::content::SortBy::Title)
        });
        let after_previous = i == 0 || site_order(&self.articles[i - 1], new).is_le();
        let before_next = self
            .articles
            .get(i + 1)
            .is_none_or(|next| site_order(new, next).is_le());
        !by_title && after_previous && before_next
    }

    /// The article read from `source` (relative to the site folder), if
    /// one was: found by its content path, not by comparing every
    /// article's.
    pub fn article_of(&self, source: &std::path::Path) -> Option<usize> {
        let rel = source.strip_prefix("content").ok()?;
        let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
        let i = *self.by_content_path.get(&parts.join("/"))?;
        (self.articles[i].source == source).then_some(i)
    }

    /// Articles per language that have no translation into `other`.
    pub fn missing_translations(&self) -> BTreeMap<String, Vec<(usize, String)>> {
        let mut missing: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
        for (i, a) in self.articles.iter().enumerate() {
            for lang in &self.config.languages {
                if lang.code != a.lang
                    && !self.translations[i]
                        .iter()
                        .any(|&t| self.articles[t].lang == lang.code)
                {
                    missing
                        .entry(lang.code.clone())
                        .or_default()
                        .push((i, a.lang.clone()));
                }
            }
        }
        missing
    }
}

/// The order of every list unless a section asks for another: newest
/// first, then by title, then by source path.
fn site_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    b.date
        .as_ref()
        .map(|d| d.timestamp())
        .cmp(&a.date.as_ref().map(|d| d.timestamp()))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.source.cmp(&b.source))
}

/// The site path of an article from the `permalink` pattern.
fn permalink(config: &Config, a: &Article) -> Result<String, Error> {
    let lang = config
        .language(&a.lang)
        .expect("articles have configured languages");
    let local = a.date.as_ref().map(|d| d.date());
    let mut path = lang.prefix.clone();
    for part in config.permalink.split('/').filter(|p| !p.is_empty()) {
        let value = match part {
            ":slug" => a.slug.clone(),
            ":section" => a.section.clone(),
            ":year" | ":month" | ":day" => {
                let Some(d) = local else {
                    return Err(Error::in_file(
                        &a.source,
                        format!("the permalink uses {part} but the article has no date"),
                    )
                    .with_help("add a `date` to its front matter"));
                };
                match part {
                    ":year" => format!("{:04}", d.year()),
                    ":month" => format!("{:02}", d.month()),
                    _ => format!("{:02}", d.day()),
                }
            }
            literal => literal.to_string(),
        };
        if !value.is_empty() {
            path.push('/');
            path.push_str(&value);
        }
    }
    path.push('/');
    Ok(path)
}

/// The photos the stories show, relative to the site root, sorted: every
/// raster file of a story folder, lead images, and the `static/` photos
/// bodies show (those that exist; a missing one is a broken link).
fn photo_sources(
    root: &std::path::Path,
    articles: &[std::sync::Arc<Article>],
) -> Vec<std::path::PathBuf> {
    use crate::images::Kind;
    let mut sources = Vec::new();
    for a in articles {
        if let Some(folder) = &a.bundle {
            for name in a.assets.iter().filter(|n| Kind::of_name(n).is_some()) {
                sources.push(std::path::Path::new("content").join(folder).join(name));
            }
        }
        if let Some(image) = &a.image_source
            && Kind::of_name(&image.to_string_lossy()).is_some()
        {
            sources.push(image.clone());
        }
        sources.extend(
            a.static_photos
                .iter()
                .filter(|p| root.join(p).exists())
                .cloned(),
        );
    }
    sources.sort();
    sources.dedup();
    sources
}

/// The folder of each language's corrections page: `/fa/corrections/`.
pub const CORRECTIONS: &str = "corrections";

/// The folder of each language's search page: `/fa/search/`.
pub const SEARCH: &str = "search";

/// An error for each section folder whose URL is one the site makes for
/// itself: a taxonomy's (`tags/`), the archive's or the corrections page's.
fn reserved_sections(
    config: &Config,
    articles: &[std::sync::Arc<Article>],
    sections: &[Section],
) -> Vec<Error> {
    let mut errors = Vec::new();
    for s in sections {
        let top = s.name.split('/').next().unwrap_or("");
        let what = if config.taxonomies.iter().any(|t| t == top) {
            format!("the taxonomy `{top}`")
        } else if top == "archive" {
            "the date archive".to_string()
        } else if top == CORRECTIONS {
            "the corrections page".to_string()
        } else if top == SEARCH && config.search {
            "the search page".to_string()
        } else {
            continue;
        };
        let file = match (&s.meta, s.articles.first()) {
            (Some(m), _) => m.source.clone(),
            (None, Some(&i)) => articles[i].source.clone(),
            (None, None) => continue,
        };
        let folder = file
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or(file);
        errors.push(
            Error::in_file(
                &folder,
                format!("the section `{}` has the URL {} of {what}", s.name, s.path),
            )
            .with_help("rename the folder"),
        );
    }
    errors
}

/// An error for each article whose translation key another article of its
/// language already has: which of them is "the" translation would be
/// arbitrary.
fn shared_translation_keys(articles: &[std::sync::Arc<Article>]) -> Vec<Error> {
    let mut first: HashMap<(&str, &str), usize> = HashMap::with_capacity(articles.len());
    let mut errors = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        if let Some(&other) = first.get(&(a.lang.as_str(), a.translation_key.as_str())) {
            errors.push(
                Error::in_file(
                    &a.source,
                    format!(
                        "translation_key `{}` is also that of {}, in the same language",
                        a.translation_key,
                        articles[other].source.display()
                    ),
                )
                .with_help("a story has one version per language: give one of them another translation_key"),
            );
        } else {
            first.insert((a.lang.as_str(), a.translation_key.as_str()), i);
        }
    }
    errors
}

/// Groups articles by translation key; each gets the others of its group,
/// one per language.
fn link_translations(articles: &[std::sync::Arc<Article>]) -> Vec<Vec<usize>> {
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        groups.entry(&a.translation_key).or_default().push(i);
    }
    articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut others: Vec<usize> = Vec::new();
            for &j in &groups[a.translation_key.as_str()] {
                let lang = &articles[j].lang;
                if j != i && lang != &a.lang && !others.iter().any(|&o| &articles[o].lang == lang) {
                    others.push(j);
                }
            }
            others
        })
        .collect()
}

/// What `collect_sections` finds: the sections, the homes' files and the
/// taxonomies' and terms' files (see [`Site::term_files`]).
type Collected = (
    Vec<Section>,
    Vec<Section>,
    BTreeMap<(String, String, String), Section>,
);

fn collect_sections(
    config: &Config,
    articles: &[std::sync::Arc<Article>],
    metas: Vec<SectionMeta>,
) -> Collected {
    let mut sections: BTreeMap<(String, String), Section> = BTreeMap::new();
    let mut homes = Vec::new();
    let mut term_files = BTreeMap::new();
    // A folder under a taxonomy's name with stories in it stays a section
    // (and is refused by `reserved_sections`).
    let with_stories: std::collections::HashSet<(&str, &str)> = (articles.iter())
        .map(|a| (a.lang.as_str(), a.section.as_str()))
        .collect();
    let (metas, others): (Vec<SectionMeta>, Vec<SectionMeta>) = metas.into_iter().partition(|m| {
        let top = m.section.split('/').next().unwrap_or("");
        !m.section.is_empty()
            && (!config.taxonomies.iter().any(|t| t == top)
                || m.section.matches('/').count() > 1
                || with_stories.contains(&(m.lang.as_str(), m.section.as_str())))
    });
    for meta in others {
        let path_of = |rest: &str| {
            let prefix = config
                .language(&meta.lang)
                .map_or("", |l| l.prefix.as_str());
            format!("{prefix}/{rest}")
        };
        let (key, path) = match meta.section.split_once('/') {
            _ if meta.section.is_empty() => (None, path_of("")),
            Some((taxonomy, term)) => {
                let slug = crate::locale::slug::slugify(term, config.slugify);
                let path = path_of(&format!("{taxonomy}/{slug}/"));
                (Some((taxonomy.to_string(), slug)), path)
            }
            None => (
                Some((meta.section.clone(), String::new())),
                path_of(&format!("{}/", meta.section)),
            ),
        };
        let section = Section {
            lang: meta.lang.clone(),
            name: meta.section.clone(),
            path,
            meta: Some(meta),
            articles: Vec::new(),
        };
        match key {
            None => homes.push(section),
            Some((taxonomy, slug)) => {
                term_files.insert((section.lang.clone(), taxonomy, slug), section);
            }
        }
    }
    fn section<'s>(
        sections: &'s mut BTreeMap<(String, String), Section>,
        config: &Config,
        lang: &str,
        name: &str,
    ) -> &'s mut Section {
        sections
            .entry((lang.to_string(), name.to_string()))
            .or_insert_with(|| Section {
                lang: lang.to_string(),
                name: name.to_string(),
                path: format!(
                    "{}/{}/",
                    config.language(lang).map_or("", |l| l.prefix.as_str()),
                    name
                ),
                meta: None,
                articles: Vec::new(),
            })
    }
    for meta in metas {
        if !meta.section.is_empty() {
            let lang = meta.lang.clone();
            let name = meta.section.clone();
            section(&mut sections, config, &lang, &name).meta = Some(meta);
        }
    }
    for (i, a) in articles.iter().enumerate() {
        if !a.section.is_empty() {
            section(&mut sections, config, &a.lang, &a.section)
                .articles
                .push(i);
        }
    }
    let mut sections: Vec<Section> = sections.into_values().collect();
    for s in &mut sections {
        match s.meta.as_ref().map(|m| m.sort_by) {
            Some(crate::content::SortBy::Title) => {
                // In the language's dictionary order.
                let dictionary = crate::locale::order::Order::of(&s.lang);
                s.articles.sort_by(|&a, &b| {
                    (dictionary.compare(&articles[a].title, &articles[b].title))
                        .then_with(|| articles[a].source.cmp(&articles[b].source))
                });
            }
            // Lightest first; stories without a weight after, in site order
            // (newest first), as the sort is stable.
            Some(crate::content::SortBy::Weight) => {
                s.articles
                    .sort_by_key(|&a| (articles[a].weight.is_none(), articles[a].weight));
            }
            _ => {}
        }
    }
    (sections, homes, term_files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_of(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
        )
        .unwrap();
        for (path, text) in files {
            let path = dir.path().join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let options = crate::BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        let config = crate::build::load_config(&options).unwrap();
        let (config, _, content) = crate::build::load(&options, config, None, None).unwrap();
        Site::resolve(dir.path(), config, content).unwrap()
    }

    #[test]
    fn an_edit_reaches_as_far_as_the_fields_it_changes() {
        let site = site_of(&[
            (
                "news/a.md",
                "+++\ntitle = \"A\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\nx\n",
            ),
            (
                "news/b.md",
                "+++\ntitle = \"B\"\ndate = 2020-01-01\n+++\nx\n",
            ),
            (
                "news/c.md",
                "+++\ntitle = \"C\"\ndate = 2019-01-01\n+++\nx\n",
            ),
        ]);
        let a = site.articles.iter().position(|a| a.title == "A").unwrap();
        // How serve finds the article a changed file was.
        assert_eq!(
            site.article_of(std::path::Path::new("content/news/a.md")),
            Some(a)
        );
        assert_eq!(
            site.article_of(std::path::Path::new("content/news/z.md")),
            None
        );
        let edit = |change: &dyn Fn(&mut Article)| {
            let mut new = (*site.articles[a]).clone();
            change(&mut new);
            site.reach(a, &new)
        };
        assert_eq!(edit(&|_| {}), Reach::Text);
        assert_eq!(edit(&|n| n.summary = Some("new".into())), Reach::Text);
        assert_eq!(
            edit(&|n| n.title = "Aa".into()),
            Reach::Text,
            "still before B"
        );
        assert_eq!(
            edit(&|n| n.title = "Z".into()),
            Reach::Site,
            "now after B, its same-day neighbour"
        );
        assert_eq!(edit(&|n| n.slug = "other".into()), Reach::Site);
        assert_eq!(edit(&|n| n.date = None), Reach::Site);
        let lists: [&dyn Fn(&mut Article); 5] = [
            &|n| {
                n.taxonomies.insert("tags".into(), vec!["y".into()]);
            },
            &|n| n.aliases = vec!["/old/".into()],
            &|n| n.featured = true,
            &|n| n.template = Some("page.html".into()),
            &|n| n.updated = n.date.clone(),
        ];
        for change in lists {
            assert_eq!(edit(change), Reach::Lists);
        }
    }
}
