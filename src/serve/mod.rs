//! `bulletin serve`: build into memory, serve over HTTP, watch the site and
//! rebuild on every change, and tell open pages to reload.
//!
//! The server is axum on tokio: a well-kept stack whose `Sse` response gives
//! live reload on the same port without a WebSocket dependency. Pages are
//! served from memory, never from `output_dir`.

mod http;
mod listen;
mod watch;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Instant;

use rayon::prelude::*;
use tokio::sync::broadcast;

use crate::build::{BuildOptions, load, load_config, relative_to, resolve};
use crate::content::{Content, LoadCache};
use crate::error::{Error, Errors};
use crate::render::Renderer;
use crate::site::Reach;

/// Options of `bulletin serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    pub schedule: crate::content::Schedule,
    pub open: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
}

/// The site as served: the last good build, and the error of the last
/// build if it failed.
#[derive(Default)]
pub struct Snapshot {
    pub site: Option<Arc<Model>>,
    pub error: Option<String>,
}

/// One good build of the site in memory. Files are made when first asked
/// for and kept until the next rebuild replaces the model: an edit costs
/// the pages a browser looks at, not the whole site, and memory holds the
/// site's model rather than every page of it.
pub struct Model {
    renderer: Arc<Renderer>,
    made: Mutex<HashMap<usize, Arc<Vec<u8>>>>,
    /// The search index of this model, made on the first request for one
    /// of its files (so it follows every edit, and costs nothing until a
    /// search is made).
    search: HashMap<String, SearchSlot>,
}

impl Model {
    fn new(renderer: Arc<Renderer>) -> Model {
        let search = search_slots(renderer.site());
        Model {
            renderer,
            made: Mutex::default(),
            search,
        }
    }

    /// This model with the articles read from `sources` replaced by their
    /// new versions, with the pages to check before it is served, if every
    /// one of them keeps its URL and place in the site (see
    /// [`crate::site::Site::reach`]): after a text edit the plan stands;
    /// after an edit of the lists a story is in (tags, corrections, the
    /// front page's lead, …) the site is indexed and planned again without
    /// being resolved again. `None` if the site must be resolved again (a
    /// new, deleted, moved or redated article, a section file).
    fn patched(
        &self,
        content: &Content,
        sources: &HashSet<PathBuf>,
    ) -> Option<Result<(Model, Vec<usize>), Errors>> {
        let site = self.renderer.site();
        let mut replaced = Vec::new();
        let mut reach = Reach::Text;
        for source in sources {
            let i = site.article_of(source)?;
            let new = content.articles.iter().find(|a| &a.source == source)?;
            reach = reach.max(site.reach(i, new));
            if reach == Reach::Site {
                return None;
            }
            replaced.push((i, Arc::clone(new)));
        }
        let mut next = site.clone();
        let edited: Vec<usize> = replaced.iter().map(|&(i, _)| i).collect();
        for (i, new) in replaced {
            next.articles[i] = new;
        }
        // What the clock says of the new load: an edited publish or expiry
        // date moves the next scheduled change.
        next.warnings.clone_from(&content.warnings);
        next.held.clone_from(&content.held);
        next.next_change.clone_from(&content.next_change);
        next.now = content.now;
        if reach == Reach::Lists {
            return Some(self.renderer.replanned(next).map(|renderer| {
                let pages = renderer.pages_to_check(sources);
                (Model::new(renderer), pages)
            }));
        }
        let model = Model {
            renderer: self.renderer.patched(next),
            made: Mutex::default(),
            search: search_slots(self.renderer.site()),
        };
        let pages = edited
            .into_iter()
            .map(|i| model.renderer.article_page(i))
            .collect();
        Some(Ok((model, pages)))
    }

    /// Whether the site has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.renderer.plan().number(path).is_some()
            || self.renderer.has_resized(path)
            || self.search_lang(path).is_some()
    }

    /// The language of the search index `path` is a file of, if it is one.
    fn search_lang<'a>(&self, path: &'a str) -> Option<&'a str> {
        let rest = path
            .strip_prefix(crate::search::FOLDER)?
            .strip_prefix('/')?;
        let lang = rest.split('/').next()?;
        self.search.contains_key(lang).then_some(lang)
    }

    /// The file at `path`, made now if no request made it before; `None`
    /// if the site has no such file.
    pub fn file(&self, path: &str) -> Option<crate::error::Result<Arc<Vec<u8>>>> {
        match self.renderer.plan().number(path) {
            Some(n) => Some(self.make(n)),
            None if let Some(lang) = self.search_lang(path) => {
                let index = self.search[lang].get_or_init(|| {
                    let records = crate::search::records(self.renderer.site(), &[lang]);
                    let files = records.and_then(|r| crate::search::index(lang, r));
                    let files = files.map_err(|e| e.to_string())?;
                    Ok((files.into_iter())
                        .map(|(path, bytes)| (path, Arc::new(bytes)))
                        .collect())
                });
                match index {
                    Ok(files) => files.get(path).cloned().map(Ok),
                    Err(e) => Some(Err(crate::error::Error::msg(e.clone()))),
                }
            }
            // A size a page asked `resize_image` for, made on its first request.
            None => self.renderer.resized(path).map(|r| r.map(Arc::new)),
        }
    }

    fn make(&self, n: usize) -> crate::error::Result<Arc<Vec<u8>>> {
        let made = || self.made.lock().expect("no panics while locked");
        if let Some(bytes) = made().get(&n) {
            return Ok(Arc::clone(bytes));
        }
        let bytes = Arc::new(self.renderer.make(n)?);
        made().insert(n, Arc::clone(&bytes));
        Ok(bytes)
    }
}

/// A language's search index in serve: its files by path, or why it
/// could not be made; empty until a browser asks for one of them.
type SearchSlot = OnceLock<Result<HashMap<String, Arc<Vec<u8>>>, String>>;

/// An empty slot for each language's search index (none without `search = true`).
fn search_slots(site: &crate::site::Site) -> HashMap<String, SearchSlot> {
    let langs = site.config.languages.iter().filter(|_| site.config.search);
    langs.map(|l| (l.code.clone(), OnceLock::new())).collect()
}

/// What changed since the last rebuild, and so which pages are checked
/// for errors before the rebuild is served.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Anything may have (the first build, templates, static files, theme
    /// strings, site.toml): the site is checked (see [`Renderer::check`]).
    All,
    /// Only these content files (relative to the site root): their pages,
    /// and the pages whose `@/` links could have broken, are made.
    Content(HashSet<PathBuf>),
}

/// What open pages are told after a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Reload,
    /// Only stylesheets changed: swap them without reloading.
    Css,
}

/// Shared between the HTTP handlers and the rebuild loop.
pub struct Shared {
    pub snapshot: RwLock<Snapshot>,
    pub changes: broadcast::Sender<Change>,
}

/// Runs the server until the process is stopped.
pub fn run(options: ServeOptions) -> Result<(), Errors> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Error::msg(format!("cannot start the server: {e}")))?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), Errors> {
    let addr = format!("{}:{}", options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| {
        let help = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!("port {} is in use: stop the other server, pass another --port, or --port 0 for a free one", options.port)
        } else {
            format!("check --bind {} and --port {}", options.bind, options.port)
        };
        Error::msg(format!("cannot listen on {addr}: {e}")).with_help(help)
    })?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| Error::msg(e.to_string()))?;
    let (urls, exposed) = listen::addresses(local);
    if let Some(warning) = &exposed {
        watch::complain(&format!("warning: {warning}\n"));
    }
    // Absolute links (feeds, canonical URLs) point where readers can go:
    // the network address when there is one.
    let url = urls
        .last()
        .cloned()
        .unwrap_or_else(|| format!("http://{local}"));

    let (changes, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        snapshot: RwLock::default(),
        changes,
    });
    let builder = Rebuilder {
        options: BuildOptions {
            root: options.root.clone(),
            output: None,
            base_url: Some(url.clone()),
            drafts: options.drafts,
            schedule: options.schedule,
        },
        cache: LoadCache::default(),
        shared: Arc::clone(&shared),
        warned: Default::default(),
        failed: Default::default(),
    };
    // A first build that fails still starts the server: every page shows the
    // error until the file is fixed.
    let started = Instant::now();
    let first = builder.rebuild(&Scope::All);
    if let Err(errors) = &first {
        watch::complain(&errors.to_string());
    }
    // Watch before announcing the URL: an edit made right after must be seen.
    watch::spawn(builder, options.poll)?;
    let what = match first {
        Ok(()) => format!(
            "Built in {:.0} ms.",
            started.elapsed().as_secs_f64() * 1000.0
        ),
        Err(_) => {
            "The site does not build yet (see above); pages show the error until it is fixed."
                .into()
        }
    };
    let at: Vec<String> = urls.iter().map(|u| format!("{u}/")).collect();
    watch::say(&format!(
        "{what} Serving {} at {} (Ctrl-C to stop)\n",
        options.root.display(),
        at.join(" and ")
    ));
    if options.open {
        open_browser(&url);
    }
    listen::serve(listener, http::router(shared)).await;
    Ok(())
}

/// Rebuilds the site into memory on request.
pub struct Rebuilder {
    options: BuildOptions,
    cache: LoadCache,
    shared: Arc<Shared>,
    /// The last warnings printed: an edit that changes none of them
    /// prints none again.
    warned: Mutex<Vec<String>>,
    /// What the last rebuild had to check, if it failed.
    failed: Mutex<Option<Scope>>,
}

impl Rebuilder {
    /// How long until the served site's next scheduled change (an embargo
    /// lifting, a story expiring), when the clock is the real one: serve
    /// rebuilds then, so a banner goes and an expired story vanishes
    /// without an edit.
    pub fn until_next_change(&self) -> Option<std::time::Duration> {
        if self.options.schedule.now.is_some() {
            return None;
        }
        let snapshot = self.shared.snapshot.read().expect("no panics while locked");
        let site = snapshot.site.as_ref()?;
        let at = site.renderer.site().next_change.as_ref()?.at;
        // Past already: the rebuild meant for it failed, and the next edit
        // builds again.
        let wait = std::time::Duration::try_from(at.duration_since(jiff::Timestamp::now())).ok()?;
        // A second late rather than early: the change is due at `at`.
        Some(wait + std::time::Duration::from_secs(1))
    }

    /// Builds the site; on success it replaces what is served, on failure
    /// the last good build stays and the error is shown over every page.
    pub fn rebuild(&self, scope: &Scope) -> Result<(), Errors> {
        // After a failed rebuild, what it had to check is checked again.
        let mut failed = self.failed.lock().expect("no panics while locked");
        let patchable = failed.is_none();
        let scope = match (failed.take(), scope) {
            (Some(Scope::Content(mut before)), Scope::Content(now)) => {
                before.extend(now.iter().cloned());
                Scope::Content(before)
            }
            (Some(_), _) | (None, Scope::All) => Scope::All,
            (None, now) => now.clone(),
        };
        let result = self.build(&scope, patchable);
        let mut snapshot = self
            .shared
            .snapshot
            .write()
            .expect("no panics while locked");
        match result {
            Ok((model, warnings)) => {
                let mut warned = self.warned.lock().expect("no panics while locked");
                if *warned != warnings {
                    crate::error::print_warnings(&warnings);
                    *warned = warnings;
                }
                let previous = snapshot.site.replace(Arc::new(model));
                snapshot.error = None;
                drop(snapshot);
                // Freeing a large site's model takes a while: not in the
                // way of the next request.
                std::thread::spawn(move || drop(previous));
                Ok(())
            }
            Err(errors) => {
                snapshot.error = Some(errors.to_string());
                *failed = Some(scope);
                Err(errors)
            }
        }
    }

    fn build(&self, scope: &Scope, patchable: bool) -> Result<(Model, Vec<String>), Errors> {
        let root = &self.options.root;
        let changed = match scope {
            Scope::All => None,
            Scope::Content(sources) => Some(sources),
        };
        let config = load_config(&self.options)?;
        let loaded = load(&self.options, config, Some(&self.cache), changed)?;
        // The pages to make now, to find errors before the model is served;
        // `None` for all of them.
        let (model, pages) =
            match changed.and_then(|sources| self.patch(&loaded.2, sources, patchable)) {
                Some(patched) => {
                    let (model, pages) = patched.map_err(|e| relative_to(root, e))?;
                    (model, Some(pages))
                }
                None => {
                    let model = Model::new(resolve(&self.options, loaded)?);
                    let pages = changed.map(|sources| model.renderer.pages_to_check(sources));
                    (model, pages)
                }
            };
        crate::profile::stage("model made");
        match pages {
            None => {
                model.renderer.check().map_err(|e| relative_to(root, e))?;
            }
            Some(pages) => {
                Errors::result(
                    pages
                        .into_par_iter()
                        .filter_map(|n| model.make(n).err())
                        .collect(),
                )
                .map_err(|e| relative_to(root, e))?;
            }
        }
        crate::profile::stage("pages checked");
        let warnings = model.renderer.warnings();
        Ok((model, warnings))
    }

    /// After an edit that keeps every URL, the last good model with the
    /// edited articles replaced by their new versions in `content`, and
    /// the pages to check; `None` when the edit needs a new model.
    fn patch(
        &self,
        content: &Content,
        sources: &HashSet<PathBuf>,
        patchable: bool,
    ) -> Option<Result<(Model, Vec<usize>), Errors>> {
        let previous = self
            .shared
            .snapshot
            .read()
            .expect("no panics while locked")
            .site
            .clone()
            .filter(|_| patchable)?;
        previous.patched(content, sources)
    }

    /// After site.toml changes, every file must be read again.
    pub fn forget_cache(&mut self) {
        self.cache = LoadCache::default();
    }

    pub fn notify(&self, change: Change) {
        // No open page is not an error.
        let _ = self.shared.changes.send(change);
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}/");
    }
}
