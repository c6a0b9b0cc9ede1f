//! Render: make the files of a [`Plan`] with Tera.
//!
//! A [`Renderer`] is made once per build from the resolved site and its
//! plan: the plan knows every file the site has, how to make each one and
//! what each one reads; the renderer makes nothing until asked. `bulletin
//! build` asks for all of them, in parallel, handing each to a [`Sink`] as
//! it is made (the output folder stages them, so a failed render leaves the
//! previous output untouched); `bulletin serve` asks only for the files a
//! browser requests. A file's template context and its fingerprint are both
//! made from what the plan says it reads ([`Reads`]). Article values are
//! made when first needed and kept. `pages` renders HTML pages, `extras`
//! feeds, the sitemap, redirects and static files, `body` article texts.
//! Render reads no file: what it needs was read or measured at load.

mod body;
pub mod context;
mod extras;
mod filters;
mod functions;
mod pages;
mod queries;
pub mod resized;
mod shortcodes;
mod sink;
pub mod templates;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use rayon::prelude::*;
use tera::{Tera, Value};

use crate::content::markdown::Highlighter;
use crate::error::{Error, Errors, Result};
use crate::fingerprint::Fingerprint;
use crate::locale::dates::SiteDates;
use crate::plan::{ArticleFacts, Job, PageInfo, Plan, Reads, Recipe, section_title};
use crate::site::Site;
use crate::theme::Theme;
use context::{language_value, page_value};

use body::render_body;
pub use sink::{MemorySink, Output, Sink};

/// What a render made, besides the files.
pub struct Rendering {
    /// HTML pages per language code.
    pub pages: BTreeMap<String, usize>,
    pub warnings: Vec<String>,
    /// What templates asked `resize_image` for, for the next build.
    pub resized: resized::Record,
    /// The sizes published for it.
    pub resized_versions: Vec<crate::images::Version>,
}

/// What a file's fingerprint needed that making it needs too, so a build
/// gathers it once: a page's paths in each language.
type Versions = Option<BTreeMap<String, String>>;

/// Makes the files of one build of the site.
pub struct Renderer {
    site: Arc<Site>,
    /// What depends on the site's structure only (URLs, dates, terms, not
    /// texts), shared with the renderers patched from this one.
    plan: Arc<Plan>,
    tera: Arc<Tera>,
    theme: Arc<Theme>,
    dates: Arc<SiteDates>,
    highlighter: Highlighter,
    /// Each article's template value (with its card); made when first needed.
    values: Vec<OnceLock<Value>>,
    /// A fingerprint of each article's [`ArticleFacts`].
    prints: Vec<OnceLock<u64>>,
    /// Each article's Atom entry and RSS item, made when a feed first shows
    /// it and then shared by every feed that does (home, section, terms).
    feed_entries: Vec<OnceLock<(Value, Value)>>,
    /// Fingerprint of what every file depends on: the program, the
    /// configuration, the theme, the navigation.
    global: u64,
    config_value: Value,
    languages: BTreeMap<String, Value>,
    all_languages: Value,
    nav: Arc<BTreeMap<String, Value>>,
    /// Per language, what every page's context starts with.
    language_contexts: Arc<BTreeMap<String, tera::Context>>,
    /// What templates ask `resize_image` for.
    resizes: Arc<resized::Resizes>,
    /// Whether the theme has render hooks (`templates/hooks/`).
    has_hooks: bool,
    /// This renderer, for the query functions of the templates it renders
    /// (see [`queries::within`]).
    me: Weak<Renderer>,
    /// The query functions' answers, each made once.
    answers: Mutex<HashMap<queries::Query, Value>>,
    query_prints: Mutex<HashMap<queries::Query, u64>>,
    /// A fingerprint of the answers to what cards and partials asked last
    /// build, folded into every page's.
    shared_print: OnceLock<u64>,
}

/// The templates every theme must have.
const REQUIRED_TEMPLATES: [&str; 7] = [
    "article.html",
    "index.html",
    "section.html",
    "404.html",
    "atom.xml",
    "rss.xml",
    "sitemap.xml",
];

impl Renderer {
    /// Compiles the templates for rendering `plan`, the plan of `site`.
    pub fn new(
        site: Arc<Site>,
        plan: Arc<Plan>,
        theme: Arc<Theme>,
    ) -> Result<Arc<Renderer>, Errors> {
        let config = &site.config;
        let dates = Arc::new(
            SiteDates::new(&config.languages).map_err(|m| Error::in_file("site.toml", m))?,
        );
        let partials = Arc::new(templates::Partials::default());
        let resizes = Arc::new(resized::Resizes::new(Arc::clone(&site.photos)));
        let tera = templates::build(config, &theme, &dates, &partials, &resizes)?;
        if let Some(missing) = REQUIRED_TEMPLATES
            .iter()
            .find(|t| !tera.contains_template(t))
        {
            let folder = match config.theme.as_str() {
                "default" => std::path::PathBuf::from("templates"),
                theme => std::path::Path::new("themes").join(theme).join("templates"),
            };
            return Err(Error::in_file(
                folder.join(missing),
                format!("the theme `{}` has no `{missing}` template", config.theme),
            )
            .with_help("add it to the theme's templates/ folder or the site's templates/")
            .into());
        }
        crate::profile::stage("templates loaded");
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
        let nav = plan
            .nav
            .iter()
            .map(|(lang, links)| (lang.clone(), Value::from_serializable(links)))
            .collect();
        let n = site.articles.len();
        let renderer = Renderer {
            me: Weak::new(),
            answers: Mutex::default(),
            query_prints: Mutex::default(),
            shared_print: OnceLock::new(),
            nav: Arc::new(nav),
            global: global_fingerprint(&site, &plan, &theme),
            config_value: Value::from_serializable(config),
            values: (0..n).map(|_| OnceLock::new()).collect(),
            prints: (0..n).map(|_| OnceLock::new()).collect(),
            feed_entries: (0..n).map(|_| OnceLock::new()).collect(),
            languages,
            all_languages,
            site,
            plan,
            tera: Arc::new(tera),
            theme,
            dates,
            highlighter: Highlighter::default(),
            language_contexts: Arc::default(),
            resizes,
            has_hooks: false,
        };
        let mut renderer = renderer;
        renderer.has_hooks =
            (renderer.theme.templates.keys()).any(|n| n.starts_with(shortcodes::HOOKS));
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
        Ok(renderer.shared())
    }

    /// This renderer in an `Arc` that it knows, for the query functions.
    fn shared(self) -> Arc<Renderer> {
        Arc::new_cyclic(|me| Renderer {
            me: me.clone(),
            ..self
        })
    }

    /// A renderer for `site`, indexed and planned anew, with this one's
    /// theme: after an edit that changes lists but no URL.
    pub fn replanned(&self, site: Site) -> Result<Arc<Renderer>, Errors> {
        let plan = Plan::new(&site, &self.theme)?;
        Renderer::new(Arc::new(site), Arc::new(plan), Arc::clone(&self.theme))
    }

    /// This renderer with some articles replaced by new versions that sit
    /// in the same place (see [`Site::reach`]): the plan and everything
    /// else that depends on the site's structure is shared, article values
    /// are made anew. Far cheaper than a new plan on a large site.
    pub fn patched(&self, site: Site) -> Arc<Renderer> {
        let n = self.values.len();
        Renderer {
            me: Weak::new(),
            answers: Mutex::default(),
            query_prints: Mutex::default(),
            shared_print: OnceLock::new(),
            site: Arc::new(site),
            plan: Arc::clone(&self.plan),
            tera: Arc::clone(&self.tera),
            theme: Arc::clone(&self.theme),
            dates: Arc::clone(&self.dates),
            highlighter: Highlighter::default(),
            values: (0..n).map(|_| OnceLock::new()).collect(),
            prints: (0..n).map(|_| OnceLock::new()).collect(),
            feed_entries: (0..n).map(|_| OnceLock::new()).collect(),
            global: self.global,
            config_value: self.config_value.clone(),
            languages: self.languages.clone(),
            all_languages: self.all_languages.clone(),
            nav: Arc::clone(&self.nav),
            language_contexts: Arc::clone(&self.language_contexts),
            resizes: Arc::clone(&self.resizes),
            has_hooks: self.has_hooks,
        }
        .shared()
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The number (of [`Renderer::paths`]) of article `i`'s page.
    pub fn article_page(&self, i: usize) -> usize {
        self.plan.article_page(i)
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn site_arc(&self) -> Arc<Site> {
        Arc::clone(&self.site)
    }

    /// Makes every file into `sink`, reusing the sink's copy of each file
    /// whose inputs are unchanged; `previous` is what the last build into
    /// it asked `resize_image` for (without it, no page is reused).
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        previous: Option<resized::Record>,
    ) -> Result<Rendering, Errors> {
        if let Some(record) = previous {
            self.resizes.set_previous(record);
        }
        // Article values are made as pages first need them, not all before
        // any page: waiting for the last of them left a core idle.
        let rendered = self
            .plan
            .files
            .par_iter()
            .try_for_each(|(path, recipe)| self.emit(sink, path, recipe));
        if let Err(e) = rendered {
            // Every article whose value cannot be made, not just the first.
            self.make_values()?;
            return Err(e.into());
        }
        crate::profile::stage("files rendered");
        let (resized, publish) = self.publish_resized(sink)?;
        let mut pages: BTreeMap<String, usize> = BTreeMap::new();
        for info in &self.plan.pages {
            *pages.entry(info.lang.clone()).or_default() += 1;
        }
        Ok(Rendering {
            pages,
            warnings: self.warnings(),
            resized,
            resized_versions: publish.into_iter().map(|r| r.version).collect(),
        })
    }

    /// Hands `sink` every size templates asked `resize_image` for (each
    /// photo decoded at most once), and returns the record for the next
    /// build.
    fn publish_resized(
        &self,
        sink: &dyn Sink,
    ) -> Result<(resized::Record, Vec<crate::images::Resized>), Errors> {
        let sources: HashMap<&std::path::Path, usize> = (self.site.articles.iter().enumerate())
            .map(|(i, a)| (a.source.as_path(), i))
            .collect();
        let print = |owner: &resized::Owner| match owner {
            resized::Owner::Page(_) => Some(0),
            resized::Owner::Partial(_) => Some(self.global),
            resized::Owner::Article(source) => sources.get(source.as_path()).map(|&i| {
                Fingerprint::new()
                    .with(&self.global)
                    .with(&self.article_print(i))
                    .value()
            }),
        };
        let (record, publish) = self.resizes.finish(&print);
        let mut by_photo: BTreeMap<usize, Vec<&crate::images::Version>> = BTreeMap::new();
        for r in &publish {
            let path = r.version.path.trim_start_matches('/');
            if !sink.reuse(path, r.version.key) {
                by_photo.entry(r.photo).or_default().push(&r.version);
            }
        }
        let photos = &self.site.photos;
        Errors::result(
            by_photo
                .into_par_iter()
                .filter_map(|(n, versions)| {
                    let made = photos.resized_bytes(n, &versions).and_then(|all| {
                        versions.iter().zip(all).try_for_each(|(v, bytes)| {
                            sink.put(Output {
                                path: v.path.trim_start_matches('/').to_string(),
                                bytes,
                                fingerprint: Some(v.key),
                            })
                        })
                    });
                    made.err()
                })
                .collect(),
        )?;
        crate::profile::stage("resized photos published");
        Ok((record, publish))
    }

    /// Whether a template asked `resize_image` for a size at `path` (an
    /// output path): serve makes such a file when it is first requested.
    pub fn has_resized(&self, path: &str) -> bool {
        self.resizes.at(&format!("/{path}")).is_some()
    }

    /// The bytes of a size a template asked `resize_image` for (see
    /// [`Renderer::has_resized`]).
    pub fn resized(&self, path: &str) -> Option<Result<Vec<u8>>> {
        let r = self.resizes.at(&format!("/{path}"))?;
        Some(
            self.site
                .photos
                .resized_bytes(r.photo, &[&r.version])
                .map(|mut all| all.remove(0)),
        )
    }

    /// Finds the errors a browser could meet without making every file:
    /// every article's value (its summary and card), the full text of every
    /// article with `@/` links, and one file of each kind and template.
    /// What only one page's data can break shows when that page is opened.
    pub fn check(&self) -> Result<(), Errors> {
        self.make_values()?;
        let mut kinds = HashSet::new();
        let chosen: Vec<usize> = (0..self.plan.files.len())
            .filter(|&n| {
                let (_, recipe) = &self.plan.files[n];
                let kind = match recipe {
                    Recipe::Page(p) => match &self.plan.pages[*p].job {
                        Job::Article(i) => {
                            let a = &self.site.articles[*i];
                            if !a.links.is_empty() {
                                return true;
                            }
                            format!("article {:?}", a.template)
                        }
                        Job::List { listing, .. } => {
                            let l = &self.plan.ix.listings[*listing];
                            match l.kind {
                                crate::index::ListKind::Section(s) => {
                                    let meta = self.site.sections[s].meta.as_ref();
                                    if meta.is_some_and(|m| !m.links.is_empty()) {
                                        return true;
                                    }
                                    format!("section {:?}", meta.and_then(|m| m.template.as_ref()))
                                }
                                ref kind => format!("list {:?}", std::mem::discriminant(kind)),
                            }
                        }
                        job => format!("{:?}", std::mem::discriminant(job)),
                    },
                    Recipe::Feed { template, .. } => (*template).to_string(),
                    Recipe::Static(_) => return false,
                    other => format!("{:?}", std::mem::discriminant(other)),
                };
                kinds.insert(kind)
            })
            .collect();
        Errors::result(
            chosen
                .into_par_iter()
                .filter_map(|n| self.make(n).err())
                .collect(),
        )
    }

    /// Output paths of every file, in the order of [`Renderer::make`]'s
    /// numbers.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.plan.files.iter().map(|(path, _)| path.as_str())
    }

    /// Makes file number `n` of [`Renderer::paths`].
    pub fn make(&self, n: usize) -> Result<Vec<u8>> {
        let (path, recipe) = &self.plan.files[n];
        let reads = self.plan.reads_of(&self.site, recipe);
        queries::within(&self.me, || self.make_recipe(path, recipe, reads, None))
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
            Job::List { listing, page: 1 } => match self.plan.ix.listings[*listing].kind {
                crate::index::ListKind::Section(s) => self.site.sections[s]
                    .meta
                    .as_ref()
                    .is_some_and(|m| changed(&m.source) || m.body.contains("@/")),
                _ => false,
            },
            _ => false,
        };
        self.plan
            .files
            .iter()
            .enumerate()
            .filter(|(_, (_, recipe))| {
                matches!(recipe, Recipe::Page(p) if check(&self.plan.pages[*p].job))
            })
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
        let reads = self.plan.reads_of(&self.site, recipe);
        let (fingerprint, versions) = self.fingerprint(path, recipe, &reads);
        // A page is kept only if the sizes it asked `resize_image` for are
        // the same files today, and what it asked the query functions
        // has the same answers.
        if let Some(f) = fingerprint
            && let Some(keep) = self.resizes.may_keep_page(path)
            && sink.reuse(path, self.with_queries(f, keep.queries()))
        {
            self.resizes.keep_page(path, keep);
            return Ok(());
        }
        let owner = resized::Owner::Page(path.to_string());
        let bytes = resized::as_owner(owner, || {
            queries::within(&self.me, || self.make_recipe(path, recipe, reads, versions))
        })?;
        let fingerprint =
            fingerprint.map(|f| self.with_queries(f, &self.resizes.page_queries(path)));
        sink.put(Output {
            path: path.to_string(),
            bytes,
            fingerprint,
        })
        .map_err(|mut e| {
            if let Some(maker) = self.plan.maker(&self.site, recipe) {
                e.message = format!("{} (made by {maker})", e.message);
            }
            e
        })
    }

    /// A page's fingerprint `f` with the answers to what it asked the
    /// query functions, and to what cards and partials asked.
    fn with_queries(&self, f: u64, asked: &[queries::Query]) -> u64 {
        let shared = *self.shared_print.get_or_init(|| {
            let mut s = Fingerprint::new();
            for q in self.resizes.shared_queries() {
                s = s.with(&self.query_print(&q));
            }
            s.value()
        });
        let mut f = Fingerprint::new().with(&f).with(&shared);
        for q in asked {
            f = f.with(&self.query_print(q));
        }
        f.value()
    }

    /// Article `i`'s template value.
    fn value(&self, i: usize) -> Result<&Value> {
        if let Some(value) = self.values[i].get() {
            return Ok(value);
        }
        let summary = self.body(i, true)?;
        let value = page_value(&self.site, &self.plan.ix, i, &summary);
        let owner = resized::Owner::Article(self.site.articles[i].source.clone());
        let value = resized::as_owner(owner, || {
            queries::within(&self.me, || self.with_card(value))
        })?;
        // Two threads may make it at once; both make the same.
        Ok(self.values[i].get_or_init(|| value))
    }

    /// Article `i`'s text (or only its summary) as HTML, its shortcodes
    /// and the theme's render hooks rendered with the templates.
    fn body(&self, i: usize, summary_only: bool) -> Result<crate::content::markdown::Rendered> {
        let story = std::cell::OnceCell::new();
        let calls = |call: &_, nth, body| self.shortcode(i, call, nth, body, &story);
        let a = &self.site.articles[i];
        let hook = |h: &crate::content::markdown::Hook| self.hook(&a.lang, h);
        let hooks = (self.has_hooks).then_some(&hook as crate::content::markdown::HookFn);
        render_body(
            &self.site,
            a,
            summary_only,
            &self.highlighter,
            &calls,
            hooks,
        )
    }

    /// A fingerprint of article `i` as every file showing it reads it.
    fn article_print(&self, i: usize) -> u64 {
        *self.prints[i].get_or_init(|| {
            let mut f = Fingerprint::new();
            std::hash::Hash::hash(&ArticleFacts::of(&self.site, &self.plan, i), &mut f);
            f.value()
        })
    }

    /// A fingerprint of everything the file at `path` is made from (`None`
    /// for a static file, compared by its bytes instead): what its recipe
    /// reads. For a page, also its paths in each language, which making it
    /// needs too.
    fn fingerprint(&self, path: &str, recipe: &Recipe, reads: &Reads) -> (Option<u64>, Versions) {
        if let Reads::Static(_) = reads {
            return (None, None);
        }
        let mut f = Fingerprint::new().with(&self.global).with(path);
        let versions = match recipe {
            Recipe::Page(p) => {
                let info = &self.plan.pages[*p];
                let versions = self.plan.versions(&self.site, info);
                f = f
                    .with(&info.lang)
                    .with(&versions)
                    .with(&self.plan.links_to(&self.site, info));
                Some(versions)
            }
            _ => None,
        };
        reads.hash_structure(&self.plan, &self.site, &mut f);
        for i in reads.articles() {
            f = f.with(&self.article_print(i));
        }
        (Some(f.value()), versions)
    }

    /// Makes every article's value, in parallel, reporting all errors.
    fn make_values(&self) -> Result<(), Errors> {
        Errors::result(
            (0..self.values.len())
                .into_par_iter()
                .filter_map(|i| self.value(i).err())
                .collect(),
        )
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
}

/// What every file depends on: the program, the configuration, the theme
/// (templates, strings, assets) and the sections in the navigation.
fn global_fingerprint(site: &Site, plan: &Plan, theme: &Theme) -> u64 {
    let mut global = Fingerprint::new()
        // The menus, their `@/` links resolved.
        .with(&plan.nav)
        .with(&crate::fingerprint::program())
        .with_serialized(&site.config)
        .with(&theme.fingerprinted)
        .with(&theme.strings.fingerprint());
    // Shortcode templates are read by the stories that call them (see
    // `ArticleFacts::shortcodes`): changing one makes only those again.
    for (name, (text, _)) in &theme.templates {
        if !name.starts_with(crate::plan::shortcodes::FOLDER) {
            global = global.with(name).with(text);
        }
    }
    for s in &site.sections {
        global = global
            .with(&s.lang)
            .with(&s.name)
            .with(&section_title(s))
            .with(&s.path)
            // The navigation's order.
            .with(&s.meta.as_ref().and_then(|m| m.weight));
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
    for i in 0..site.articles.len() {
        warnings.extend(site.story_warnings(i));
    }
    warnings
}
