//! `[deploy]` in `site.toml`: where the site is published. Read by
//! `bulletin deploy` alone; no page depends on it.
//!
//! ```toml
//! [[deploy.targets]]
//! name = "live"
//! url = "s3://my-bucket/bulletin"   # or "file:///srv/www/bulletin"
//! endpoint = "https://…"            # S3-compatible stores
//! region = "auto"
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The `[deploy]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Cache-Control by glob, first match wins, before the defaults.
    #[serde(default)]
    pub cache: Vec<CacheRule>,
}

/// One place to publish to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    /// `s3://bucket/prefix` or `file:///folder` (a plain path works too).
    pub url: String,
    /// An S3-compatible store's endpoint (R2, B2, MinIO); AWS when absent.
    pub endpoint: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    /// The `base_url` the target serves, when not site.toml's.
    pub base_url: Option<String>,
    /// The most deletions one deploy may make (`--max-deletes` overrides).
    #[serde(default = "default_max_deletes")]
    pub max_deletes: usize,
    /// Uploads at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// `netlify` or `cloudflare`: also publish `_redirects` (aliases as
    /// 301s, each language's 404 page) and `_headers` (cache lifetimes).
    pub host: Option<Host>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Host {
    Netlify,
    Cloudflare,
}

/// `[[deploy.cache]]`: `glob = "*.pdf"`, `value = "public, max-age=3600"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheRule {
    pub glob: String,
    pub value: String,
}

fn default_region() -> String {
    "us-east-1".into()
}
/// Hugo's `maxDeletes` default.
fn default_max_deletes() -> usize {
    256
}
fn default_concurrency() -> usize {
    8
}

/// site.toml's keys other than `[deploy]` are the build's.
#[derive(Deserialize)]
struct File {
    #[serde(default)]
    deploy: DeployConfig,
}

impl DeployConfig {
    /// Reads `[deploy]` of `root`/site.toml.
    pub fn load(root: &Path) -> Result<DeployConfig> {
        let path = root.join("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let file: File = toml::from_str(&text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = crate::config::toml_message(&e);
            Error::at_offset(
                &path,
                &text,
                offset,
                crate::config::with_key(&text, offset, message),
            )
            .with_help("see the Deploy section of the README for every key")
        })?;
        for t in &file.deploy.targets {
            if !t.url.starts_with("s3://")
                && !t.url.starts_with("file://")
                && !t.url.starts_with('/')
            {
                return Err(Error::in_file(
                    &path,
                    format!("the deploy target `{}` has the url `{}`", t.name, t.url),
                )
                .with_help("write s3://bucket/prefix, or file:///folder for a folder"));
            }
        }
        Ok(file.deploy)
    }

    /// The target named `name`, or the only (else the first) one.
    pub fn target(&self, name: Option<&str>) -> Result<&Target> {
        let names = || {
            let all: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
            all.join(", ")
        };
        match name {
            Some(name) => self.targets.iter().find(|t| t.name == name).ok_or_else(|| {
                Error::in_file("site.toml", format!("there is no deploy target `{name}`"))
                    .with_help(format!("name one of: {}", names()))
            }),
            None => self.targets.first().ok_or_else(|| {
                Error::in_file("site.toml", "there is no deploy target")
                    .with_help("add one: [[deploy.targets]] name = \"live\", url = \"s3://bucket/prefix\" (see the README's Deploy section)")
            }),
        }
    }
}
