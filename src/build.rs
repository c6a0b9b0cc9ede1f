//! The whole pipeline, from a site folder to rendered files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, LoadCache, LoadOptions};
use crate::error::Errors;
use crate::output::{self, WriteStats, Writer};
use crate::plan::Plan;
use crate::render::{Renderer, Rendering, Sink};
use crate::site::Site;
use crate::theme::Theme;

/// Options of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` (a preview host).
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Which stories the clock lets in.
    pub schedule: content::Schedule,
}

/// What a build did.
pub struct BuildReport {
    pub site: Arc<Site>,
    pub rendering: Rendering,
    pub output_dir: PathBuf,
    pub written: WriteStats,
    pub elapsed: Duration,
}

/// Loads, plans and renders the site, handing each file to `sink`.
pub fn render_site(
    options: &BuildOptions,
    config: Config,
    sink: &dyn Sink,
    previous: Option<crate::render::resized::Record>,
) -> Result<(Arc<Site>, Rendering), Errors> {
    let renderer = prepare(options, config, None, None)?;
    let rendering = renderer
        .render_all(sink, previous)
        .map_err(|e| relative_to(&options.root, e))?;
    let site = renderer.site_arc();
    // Freeing the model (every article's value, the templates) takes a
    // few milliseconds on one thread: let it overlap what comes next.
    std::thread::spawn(move || drop(renderer));
    Ok((site, rendering))
}

/// Loads, resolves and plans the site, ready to render, re-reading only
/// content files that changed since they went into `cache` (serve's).
pub fn prepare(
    options: &BuildOptions,
    config: Config,
    cache: Option<&LoadCache>,
    changed: Option<&HashSet<PathBuf>>,
) -> Result<Arc<Renderer>, Errors> {
    resolve(options, load(options, config, cache, changed)?)
}

/// What [`load`] read, as read.
pub type Loaded = (Config, Arc<Theme>, content::Content);

/// Resolves what [`load`] read into a site, plans its files and makes the
/// renderer for them ([`prepare`]'s second half).
pub fn resolve(
    options: &BuildOptions,
    (config, theme, content): Loaded,
) -> Result<Arc<Renderer>, Errors> {
    let root = &options.root;
    let mut site = Site::resolve(root, config, content)?;
    site.statics = (theme.statics.keys())
        .map(|name| (format!("static/{name}"), format!("/{name}")))
        .collect();
    crate::profile::stage("site resolved");
    let plan = Plan::new(&site, &theme).map_err(|e| relative_to(root, e))?;
    Renderer::new(Arc::new(site), Arc::new(plan), theme).map_err(|e| relative_to(root, e))
}

/// The site's configuration, read once per build, with `--base-url`
/// applied to it.
pub fn load_config(options: &BuildOptions) -> Result<Config, Errors> {
    let root = &options.root;
    let config = Config::load(root).map_err(|e| e.relative_to(root))?;
    match &options.base_url {
        Some(url) => Ok(config.with_base_url(url)?),
        None => Ok(config),
    }
}

/// Reads the theme and the content for `config` ([`prepare`]'s first half).
pub fn load(
    options: &BuildOptions,
    config: Config,
    cache: Option<&LoadCache>,
    changed: Option<&HashSet<PathBuf>>,
) -> Result<Loaded, Errors> {
    crate::profile::stage("build started");
    let root = &options.root;
    let theme = Arc::new(Theme::load(root, &config).map_err(|e| e.relative_to(root))?);
    crate::profile::stage("configuration and theme loaded");
    let content = content::load_cached(
        root,
        &config,
        LoadOptions {
            drafts: options.drafts,
            schedule: options.schedule,
        },
        cache,
        changed,
    )?;
    crate::profile::stage("content loaded");
    Ok((config, theme, content))
}

/// Errors with their files named relative to the site folder.
pub fn relative_to(root: &Path, Errors(es): Errors) -> Errors {
    Errors(es.into_iter().map(|e| e.relative_to(root)).collect())
}

/// Builds the site and writes it; on any error nothing is written.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let start = Instant::now();
    let config = load_config(options)?;
    let output_dir = output::output_dir(&options.root, &config, options.output.as_deref())?;
    let writer = Writer::new(&output_dir)?;
    let previous = load_record(&options.root, &output_dir);
    let (site, rendering) = render_site(options, config, &writer, previous)?;
    if site.config.search {
        let last = load_search(&options.root, &output_dir);
        let made = crate::search::publish(&site, &writer, last)
            .map_err(|e| e.relative_to(&options.root))?;
        crate::profile::stage("search indexed");
        save_search(&options.root, &output_dir, &made);
    }
    let written = writer.commit()?;
    // What the output was built for, for `bulletin deploy`'s check.
    let built_for = output_dir.join(crate::output::BUILT_FOR);
    let base_url = &site.config.base_url;
    if std::fs::read_to_string(&built_for).ok().as_deref() != Some(base_url.as_str()) {
        crate::output::write_atomically(&built_for, base_url.as_bytes())?;
    }
    save_record(&options.root, &output_dir, &rendering.resized);
    crate::profile::stage("written");
    // The cache keeps what this build used, and nothing else.
    site.photos.prune(rendering.resized_versions.iter());
    Ok(BuildReport {
        site,
        rendering,
        output_dir,
        written,
        elapsed: start.elapsed(),
    })
}

/// Where the record for the output folder `output` is kept.
fn record_file(root: &Path, output: &Path) -> PathBuf {
    root.join(crate::images::CACHE_DIR)
        .join(format!("resized-{:016x}.bin", output_key(output)))
}

fn output_key(output: &Path) -> u64 {
    crate::fingerprint::Fingerprint::new()
        .with(&output.to_string_lossy().as_ref())
        .value()
}

/// Where what the last build into `output` indexed for search is kept.
fn search_file(root: &Path, output: &Path) -> PathBuf {
    root.join(".bulletin-cache")
        .join(format!("search-{:016x}.json", output_key(output)))
}

fn load_search(root: &Path, output: &Path) -> crate::search::Made {
    let bytes = std::fs::read(search_file(root, output)).unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or_default()
}

/// Keeps `made` for the next build (a cache that cannot be written only
/// costs the next build an index).
fn save_search(root: &Path, output: &Path, made: &crate::search::Made) {
    let file = search_file(root, output);
    if &load_search(root, output) == made {
        return;
    }
    let _ = std::fs::create_dir_all(root.join(".bulletin-cache"));
    if let Ok(bytes) = serde_json::to_vec(made) {
        let tmp = file.with_extension("tmp");
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &file);
        }
    }
}

/// The record of the last build into `output`, if one was kept.
fn load_record(root: &Path, output: &Path) -> Option<crate::render::resized::Record> {
    let bytes = std::fs::read(record_file(root, output)).ok()?;
    bincode::deserialize(&bytes).ok()
}

/// Keeps `record` for the next build into `output` (a cache that cannot
/// be written only costs the next build time).
fn save_record(root: &Path, output: &Path, record: &crate::render::resized::Record) {
    let file = record_file(root, output);
    let _ = std::fs::create_dir_all(root.join(crate::images::CACHE_DIR));
    // Rewritten only when it changed (most builds ask for what the last did).
    let unchanged = (std::fs::read(&file).ok())
        .and_then(|old| bincode::deserialize::<crate::render::resized::Record>(&old).ok())
        .is_some_and(|old| &old == record);
    if !unchanged && let Ok(bytes) = bincode::serialize(record) {
        let tmp = file.with_extension("tmp");
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &file);
        }
    }
}
