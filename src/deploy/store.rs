//! Where a deploy writes: a folder, or an S3-compatible bucket.
//!
//! The S3 client is `rust-s3`: of the well-kept clients it is the one that
//! builds lean on the tokio bulletin already has (reqwest with rustls on
//! ring, about 35 s of a clean debug build; aws-sdk-s3 takes minutes and
//! brings its own runtime layers, object_store does not read AWS profile
//! files), and it reads credentials the standard way only: the
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`)
//! environment variables, else `~/.aws/credentials` (`AWS_PROFILE`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::config::Target;
use crate::error::{Error, Result};

/// The headers an object is stored with.
#[derive(Debug, Clone)]
pub struct Meta {
    pub content_type: String,
    pub cache_control: String,
    /// For a redirect page: where S3 website hosting redirects to.
    pub redirect: Option<String>,
}

/// A failure of one operation, and whether trying again may help.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub transient: bool,
}

pub trait Store: Sync {
    /// The object at `path`, `None` if there is none.
    fn get(&self, path: &str) -> std::result::Result<Option<Vec<u8>>, Failure>;
    fn put(&self, path: &str, bytes: &[u8], meta: &Meta) -> std::result::Result<(), Failure>;
    /// Removes `path`; removing what is not there is no failure.
    fn delete(&self, path: &str) -> std::result::Result<(), Failure>;
    /// For messages: `s3://bucket/prefix`, a folder.
    fn describe(&self) -> String;
}

/// Runs `op` until it succeeds, fails for good, or has failed five times
/// (waiting 0.2, 0.4, 0.8 and 1.6 s between tries).
pub fn retrying<T>(op: impl Fn() -> std::result::Result<T, Failure>, path: &str) -> Result<T> {
    let mut wait = Duration::from_millis(200);
    for attempt in 1.. {
        match op() {
            Ok(v) => return Ok(v),
            Err(f) if f.transient && attempt < 5 => {
                std::thread::sleep(wait);
                wait *= 2;
            }
            Err(f) => {
                return Err(Error::msg(format!("deploying {path}: {}", f.message)).with_help(
                    match f.transient {
                        true => "the target did not answer after five tries: run bulletin deploy again, it goes on from where it stopped",
                        false => "check the target's url, bucket and credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or ~/.aws/credentials)",
                    },
                ));
            }
        }
    }
    unreachable!("the loop returns")
}

/// The store a target names.
pub fn open(root: &Path, target: &Target) -> Result<Box<dyn Store>> {
    if let Some(rest) = target.url.strip_prefix("s3://") {
        return Ok(Box::new(S3::open(rest, target)?));
    }
    let folder = target.url.strip_prefix("file://").unwrap_or(&target.url);
    let folder = root.join(folder);
    // What a killed deploy was writing when it stopped.
    let _ = std::fs::remove_dir_all(folder.join(UPLOADING));
    Ok(Box::new(Dir { root: folder }))
}

/// Where a folder target's files are written before they are renamed into
/// place (on the same file system, so the rename is atomic).
const UPLOADING: &str = ".bulletin-uploading";

/// A folder: each file written in a staging folder and renamed over its
/// place, so a reader (or an rsync of the folder) never sees half a file.
pub struct Dir {
    root: PathBuf,
}

fn io(e: std::io::Error) -> Failure {
    Failure {
        transient: matches!(
            e.kind(),
            std::io::ErrorKind::Interrupted | std::io::ErrorKind::TimedOut
        ),
        message: e.to_string(),
    }
}

impl Store for Dir {
    fn get(&self, path: &str) -> std::result::Result<Option<Vec<u8>>, Failure> {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    fn put(&self, path: &str, bytes: &[u8], _: &Meta) -> std::result::Result<(), Failure> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let staging = self.root.join(UPLOADING);
        std::fs::create_dir_all(&staging).map_err(io)?;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = staging.join(format!("{}-{n}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, &full).map_err(io)
    }

    fn delete(&self, path: &str) -> std::result::Result<(), Failure> {
        let full = self.root.join(path);
        match std::fs::remove_file(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        // Folders left empty go too, up to the target's own.
        let mut dir = full.parent();
        while let Some(d) = dir {
            if d == self.root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}

/// An S3-compatible bucket, under a prefix.
pub struct S3 {
    bucket: Box<s3::Bucket>,
    prefix: String,
    runtime: tokio::runtime::Runtime,
    name: String,
}

impl S3 {
    fn open(rest: &str, target: &Target) -> Result<S3> {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        let region = match &target.endpoint {
            Some(endpoint) => s3::Region::Custom {
                region: target.region.clone(),
                endpoint: endpoint.trim_end_matches('/').to_string(),
            },
            None => target.region.parse().map_err(|e| {
                Error::in_file("site.toml", format!("the region `{}`: {e}", target.region))
            })?,
        };
        let credentials = s3::creds::Credentials::default().map_err(|e| {
            Error::msg(format!("no credentials for the deploy target `{}`: {e}", target.name))
                .with_help("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials (AWS_PROFILE); never in site.toml")
        })?;
        let bucket = s3::Bucket::new(bucket, region, credentials)
            .map_err(|e| Error::msg(format!("the bucket `{bucket}`: {e}")))?;
        // Stores other than AWS's address buckets by path.
        let bucket = match target.endpoint {
            Some(_) => bucket.with_path_style(),
            None => bucket,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::msg(format!("starting the S3 client: {e}")))?;
        Ok(S3 {
            bucket,
            prefix: prefix.to_string(),
            runtime,
            name: format!("s3://{rest}"),
        })
    }

    fn key(&self, path: &str) -> String {
        match self.prefix.is_empty() {
            true => path.to_string(),
            false => format!("{}/{path}", self.prefix),
        }
    }
}

fn s3_failure(e: s3::error::S3Error) -> Failure {
    use s3::error::S3Error as E;
    let transient = match &e {
        E::HttpFailWithBody(code, _) => *code >= 500 || *code == 429 || *code == 408,
        E::HttpFail => true,
        E::Reqwest(_) | E::Io(_) => true,
        _ => false,
    };
    Failure {
        message: e.to_string(),
        transient,
    }
}

impl Store for S3 {
    fn get(&self, path: &str) -> std::result::Result<Option<Vec<u8>>, Failure> {
        let key = self.key(path);
        match self.runtime.block_on(self.bucket.get_object(&key)) {
            Ok(r) => Ok(Some(r.to_vec())),
            Err(s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(None),
            Err(e) => Err(s3_failure(e)),
        }
    }

    fn put(&self, path: &str, bytes: &[u8], meta: &Meta) -> std::result::Result<(), Failure> {
        let key = self.key(path);
        let request = self
            .bucket
            .put_object_builder(&key, bytes)
            .with_content_type(&meta.content_type)
            .with_cache_control(&meta.cache_control)
            .map_err(s3_failure)?;
        let request = match &meta.redirect {
            Some(to) => request
                .with_header("x-amz-website-redirect-location", to.as_str())
                .map_err(s3_failure)?,
            None => request,
        };
        self.runtime
            .block_on(request.execute())
            .map(|_| ())
            .map_err(s3_failure)
    }

    fn delete(&self, path: &str) -> std::result::Result<(), Failure> {
        let key = self.key(path);
        match self.runtime.block_on(self.bucket.delete_object(&key)) {
            Ok(_) | Err(s3::error::S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(e) => Err(s3_failure(e)),
        }
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}
