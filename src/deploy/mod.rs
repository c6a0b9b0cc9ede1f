//! `bulletin deploy`: publish the built output to a target (a folder, or an
//! S3-compatible store), uploading only what changed, in an order that
//! never shows readers a page whose stylesheet or photo is missing, and
//! never deleting what bulletin did not upload.
//!
//! The target keeps a deploy manifest, `.bulletin-deploy.json`, beside the
//! site: every file bulletin uploaded there, with a hash of its bytes. A
//! deploy compares the output with it (so a no-change deploy reads one
//! object and uploads nothing), uploads new and changed files (photos and
//! stylesheets first, then pages, then feeds, sitemaps and homes), writes
//! the manifest with the files still to delete marked as such, deletes
//! them, and writes the manifest again. Killed at any point, the live site
//! holds only complete files of this deploy or the last, and the next
//! deploy finishes the job: what it uploaded is compared again, what it
//! was to delete is still in the manifest.

mod config;
mod headers;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::output as manifest;

pub use config::{DeployConfig, Target};
use store::Store;

/// The deploy manifest's name at the target.
pub const DEPLOY_MANIFEST: &str = ".bulletin-deploy.json";

/// What the target holds of bulletin's, as its manifest says.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Remote {
    version: u32,
    /// The `base_url` the files were built for.
    base_url: String,
    /// Path → hash of the bytes (hex).
    files: BTreeMap<String, String>,
    /// Paths to delete: in the manifest until they are gone.
    #[serde(default)]
    deleting: Vec<String>,
}

/// One file of the output, as deployed.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// With `/`, relative to the output folder.
    pub path: String,
    pub hash: String,
    pub size: u64,
    /// Made for the target (`_headers`, `_redirects`), not in the output.
    pub made: Option<Vec<u8>>,
}

/// What a deploy will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// In upload order.
    pub uploads: Vec<LocalFile>,
    pub deletes: Vec<String>,
    pub unchanged: usize,
    pub bytes: u64,
}

/// Options of one deploy.
#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    pub root: PathBuf,
    pub target: Option<String>,
    pub dry_run: bool,
    pub max_deletes: Option<usize>,
    /// Overrides the output folder.
    pub output: Option<PathBuf>,
}

/// What a deploy did.
#[derive(Debug)]
pub struct Report {
    pub target: String,
    pub plan: Plan,
    pub dry_run: bool,
}

/// Deploys the built site to a target of its `site.toml`.
pub fn deploy(options: &DeployOptions) -> Result<Report> {
    let root = &options.root;
    let site = crate::config::Config::load(root)?;
    let deploy = DeployConfig::load(root)?;
    let target = deploy.target(options.target.as_deref())?;
    let output = crate::output::output_dir(root, &site, options.output.as_deref())?;
    check_output(&output, &site.base_url, target)?;
    // No build may change the output while it is deployed.
    let _lock = crate::output::take_lock(&output)?;
    let store = store::open(root, target)?;
    let remote = read_remote(store.as_ref())?;
    let mut local = scan(&output)?;
    let made = headers::files(&output, &local, &deploy, target)?;
    local.extend(made);
    let plan = plan(&local, &remote);
    let max_deletes = options.max_deletes.unwrap_or(target.max_deletes);
    if plan.deletes.len() > max_deletes {
        return Err(Error::msg(format!(
            "the deploy to `{}` would delete {} files, more than the {max_deletes} allowed",
            target.name,
            plan.deletes.len()
        ))
        .with_help("check that the right site was built; if the deletions are meant, pass --max-deletes N (or set max_deletes on the target)"));
    }
    if !options.dry_run {
        // The manifest after this deploy, still listing what is to go.
        let next = Remote {
            version: 1,
            base_url: target
                .base_url
                .clone()
                .unwrap_or_else(|| site.base_url.clone()),
            files: local
                .iter()
                .map(|f| (f.path.clone(), f.hash.clone()))
                .collect(),
            deleting: plan.deletes.clone(),
        };
        let first = remote.version == 0;
        apply(store.as_ref(), &output, &plan, next, first, target, &deploy)?;
    }
    Ok(Report {
        target: target.name.clone(),
        plan,
        dry_run: options.dry_run,
    })
}

/// Refuses an output a deploy must not publish: none at all, one a build
/// is writing or that a killed build left half-committed, one built for
/// another `base_url`.
fn check_output(output: &Path, base_url: &str, target: &Target) -> Result<()> {
    if !output.join(manifest::MANIFEST).is_file() {
        return Err(
            Error::in_file(output, "there is no built site here to deploy")
                .with_help("run bulletin build first"),
        );
    }
    for left in [manifest::JOURNAL, manifest::STAGING] {
        if output.join(left).exists() {
            return Err(Error::in_file(
                output.join(left),
                "the last build of this output did not finish: its files may be half written",
            )
            .with_help("run bulletin build again, then deploy"));
        }
    }
    let built = std::fs::read_to_string(output.join(BUILT_FOR)).unwrap_or_default();
    let built = built.trim();
    let wanted = target
        .base_url
        .as_deref()
        .unwrap_or(base_url)
        .trim_end_matches('/');
    if built != wanted {
        return Err(Error::in_file(
            output,
            format!(
                "the output was built for {} but the target `{}` serves {wanted}",
                if built.is_empty() {
                    "an unknown base_url"
                } else {
                    built
                },
                target.name
            ),
        )
        .with_help(format!(
            "build it for the target: bulletin build --base-url {wanted}"
        )));
    }
    Ok(())
}

use crate::output::BUILT_FOR;

/// Every file of the output but bulletin's own, with a hash of its bytes.
fn scan(output: &Path) -> Result<Vec<LocalFile>> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(output)
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::msg(format!("reading {}: {e}", output.display())))?;
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy());
        if first.is_some_and(|f| manifest::is_reserved(&f)) || !entry.file_type().is_file() {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        paths.push((rel, entry.path().to_path_buf()));
    }
    paths
        .into_par_iter()
        .map(|(rel, full)| {
            let bytes = std::fs::read(&full).map_err(|e| Error::io(&full, e))?;
            Ok(LocalFile {
                path: rel,
                hash: hash(&bytes),
                size: bytes.len() as u64,
                made: None,
            })
        })
        .collect()
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn read_remote(store: &dyn Store) -> Result<Remote> {
    match store::retrying(|| store.get(DEPLOY_MANIFEST), DEPLOY_MANIFEST)? {
        None => Ok(Remote::default()),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::msg(format!(
                "the deploy manifest {DEPLOY_MANIFEST} at {} cannot be read: {e}",
                store.describe()
            ))
            .with_help("remove it to deploy everything again (files bulletin uploaded before are then left in place)")
        }),
    }
}

/// What to upload (new and changed files, in a safe order) and delete.
fn plan(local: &[LocalFile], remote: &Remote) -> Plan {
    let mut plan = Plan::default();
    for f in local {
        if remote.files.get(&f.path) == Some(&f.hash) {
            plan.unchanged += 1;
        } else {
            plan.bytes += f.size;
            plan.uploads.push(f.clone());
        }
    }
    plan.uploads
        .sort_by_key(|f| (stage(&f.path), f.path.clone()));
    let here: std::collections::HashSet<&str> = local.iter().map(|f| f.path.as_str()).collect();
    let mut deletes: Vec<String> = (remote.files.keys().chain(remote.deleting.iter()))
        .filter(|p| !here.contains(p.as_str()))
        .cloned()
        .collect();
    deletes.sort();
    deletes.dedup();
    plan.deletes = deletes;
    plan
}

/// When a file goes up: what pages show (photos, stylesheets, scripts,
/// fonts, story files) before the pages, the pages before what leads
/// readers and robots to them (feeds, sitemaps, homes, the 404 page).
fn stage(path: &str) -> u8 {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let depth = path.matches('/').count();
    match ext {
        "xml" | "txt" | "webmanifest" => 2,
        "html" if name == "404.html" || (name == "index.html" && depth <= 1) => 2,
        "html" => 1,
        _ if name.starts_with('_') => 2,
        _ => 0,
    }
}

/// Carries out `plan`.
fn apply(
    store: &dyn Store,
    output: &Path,
    plan: &Plan,
    mut next: Remote,
    // No manifest at the target yet: one is written even if nothing changed.
    first: bool,
    target: &Target,
    deploy: &DeployConfig,
) -> Result<()> {
    let progress = headers::Progress::new(plan.uploads.len() + plan.deletes.len(), plan.bytes);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(target.concurrency.max(1))
        .build()
        .map_err(|e| Error::msg(format!("starting the upload threads: {e}")))?;
    let stop = stop_from_env();
    let done = AtomicUsize::new(0);
    let step = || {
        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
        if stop.is_some_and(|s| n > s) {
            // A deploy killed here, for the tests of an interrupted one.
            std::process::exit(3);
        }
    };
    // Stage by stage: nothing of a later stage goes up before every file of
    // the one before it is there.
    for s in 0..=2 {
        let batch: Vec<&LocalFile> = plan
            .uploads
            .iter()
            .filter(|f| stage(&f.path) == s)
            .collect();
        pool.install(|| {
            batch.par_iter().try_for_each(|f| {
                step();
                let bytes = match &f.made {
                    Some(bytes) => bytes.clone(),
                    None => {
                        let full = output.join(&f.path);
                        std::fs::read(&full).map_err(|e| Error::io(&full, e))?
                    }
                };
                let mut meta = headers::meta(&f.path, &deploy.cache);
                meta.redirect = headers::redirect_target(&f.path, &bytes);
                store::retrying(|| store.put(&f.path, &bytes, &meta), &f.path)?;
                progress.uploaded(bytes.len() as u64);
                Ok::<(), Error>(())
            })
        })?;
    }
    if !plan.uploads.is_empty() || !plan.deletes.is_empty() || first {
        write_remote(store, &next)?;
    }
    if !plan.deletes.is_empty() {
        pool.install(|| {
            plan.deletes.par_iter().try_for_each(|path| {
                step();
                store::retrying(|| store.delete(path), path)?;
                progress.deleted();
                Ok::<(), Error>(())
            })
        })?;
        next.deleting.clear();
        write_remote(store, &next)?;
    }
    progress.finish();
    Ok(())
}

fn write_remote(store: &dyn Store, remote: &Remote) -> Result<()> {
    let bytes = serde_json::to_vec(remote).expect("a manifest serializes");
    let meta = store::Meta {
        content_type: "application/json".into(),
        cache_control: "no-store".into(),
        redirect: None,
    };
    store::retrying(
        || store.put(DEPLOY_MANIFEST, &bytes, &meta),
        DEPLOY_MANIFEST,
    )
}

/// `BULLETIN_DEPLOY_STOP_AFTER=N`: exit after N uploads and deletions, as
/// a killed deploy would (for tests).
fn stop_from_env() -> Option<usize> {
    std::env::var("BULLETIN_DEPLOY_STOP_AFTER")
        .ok()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_put_pages_after_what_they_show_and_homes_last() {
        assert_eq!(stage("images/a-0123456789-480.webp"), 0);
        assert_eq!(stage("style.1a2b3c4d.css"), 0);
        assert_eq!(stage("news/x/report.pdf"), 0);
        assert_eq!(stage("news/x/index.html"), 1);
        assert_eq!(stage("index.html"), 2);
        assert_eq!(stage("fa/index.html"), 2);
        assert_eq!(stage("fa/atom.xml"), 2);
        assert_eq!(stage("sitemap.xml"), 2);
        assert_eq!(stage("404.html"), 2);
        assert_eq!(stage("_headers"), 2);
    }

    #[test]
    fn a_plan_uploads_what_changed_and_deletes_what_went() {
        let file = |p: &str, h: &str| LocalFile {
            path: p.into(),
            hash: h.into(),
            size: 1,
            made: None,
        };
        let remote = Remote {
            version: 1,
            base_url: String::new(),
            files: [("a.html", "1"), ("b.html", "2"), ("gone.html", "3")]
                .into_iter()
                .map(|(p, h)| (p.to_string(), h.to_string()))
                .collect(),
            deleting: vec!["older.html".into()],
        };
        let p = plan(
            &[file("a.html", "1"), file("b.html", "9"), file("c.css", "4")],
            &remote,
        );
        assert_eq!(p.unchanged, 1);
        let up: Vec<&str> = p.uploads.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(up, ["c.css", "b.html"]);
        assert_eq!(p.deletes, ["gone.html", "older.html"]);
    }
}
