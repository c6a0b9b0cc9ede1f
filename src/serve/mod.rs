//! `bulletin serve`: build into memory, serve over HTTP, watch the site and
//! rebuild on every change, and tell open pages to reload.
//!
//! The server is axum on tokio: a well-kept stack whose `Sse` response gives
//! live reload on the same port without a WebSocket dependency. Pages are
//! served from memory, never from `output_dir`.

mod http;
mod watch;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;

use crate::build::{BuildOptions, render_site_cached};
use crate::content::LoadCache;
use crate::error::{Error, Errors};
use crate::render::{Output, Sink};

/// Options of `bulletin serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
}

/// The site as served: the last good build, and the error of the last
/// build if it failed.
#[derive(Default)]
pub struct Snapshot {
    pub files: Arc<HashMap<String, Served>>,
    pub error: Option<String>,
}

/// One served file and the fingerprint of what it was made from.
#[derive(Clone)]
pub struct Served {
    pub fingerprint: Option<u64>,
    pub bytes: Arc<Vec<u8>>,
}

/// Collects a rebuild in memory, taking unchanged pages from the previous
/// one instead of rendering them again.
struct SnapshotSink {
    previous: Arc<HashMap<String, Served>>,
    next: std::sync::Mutex<HashMap<String, Served>>,
}

impl Sink for SnapshotSink {
    fn put(&self, file: Output) -> crate::error::Result<()> {
        let served = Served {
            fingerprint: file.fingerprint,
            bytes: Arc::new(file.bytes),
        };
        self.next
            .lock()
            .expect("no panics while locked")
            .insert(file.path, served);
        Ok(())
    }

    fn reuse(&self, path: &str, fingerprint: u64) -> bool {
        match self.previous.get(path) {
            Some(old) if old.fingerprint == Some(fingerprint) => {
                self.next
                    .lock()
                    .expect("no panics while locked")
                    .insert(path.to_string(), old.clone());
                true
            }
            _ => false,
        }
    }
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
    let url = format!("http://{local}");

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
        },
        cache: LoadCache::default(),
        shared: Arc::clone(&shared),
        warned: Default::default(),
    };
    // A first build that fails still starts the server: every page shows the
    // error until the file is fixed.
    let started = Instant::now();
    let first = builder.rebuild();
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
    watch::say(&format!(
        "{what} Serving {} at {url}/ (Ctrl-C to stop)\n",
        options.root.display()
    ));
    if options.open {
        open_browser(&url);
    }
    axum::serve(listener, http::router(shared))
        .await
        .map_err(|e| Error::msg(format!("the server stopped: {e}")).into())
}

/// Rebuilds the site into memory on request.
pub struct Rebuilder {
    options: BuildOptions,
    cache: LoadCache,
    shared: Arc<Shared>,
    /// The last warnings printed: an edit that changes none of them
    /// prints none again.
    warned: std::sync::Mutex<Vec<String>>,
}

impl Rebuilder {
    /// Builds the site; on success it replaces what is served, on failure
    /// the last good build stays and the error is shown over every page.
    pub fn rebuild(&self) -> Result<(), Errors> {
        let previous = Arc::clone(
            &self
                .shared
                .snapshot
                .read()
                .expect("no panics while locked")
                .files,
        );
        let sink = SnapshotSink {
            previous,
            next: Default::default(),
        };
        let result = render_site_cached(&self.options, &sink, Some(&self.cache));
        let mut snapshot = self
            .shared
            .snapshot
            .write()
            .expect("no panics while locked");
        match result {
            Ok((_, rendering)) => {
                let mut warned = self.warned.lock().expect("no panics while locked");
                if *warned != rendering.warnings {
                    crate::cmd::print_warnings(&rendering.warnings);
                    *warned = rendering.warnings;
                }
                snapshot.files = Arc::new(sink.next.into_inner().expect("no panics while locked"));
                snapshot.error = None;
                Ok(())
            }
            Err(errors) => {
                snapshot.error = Some(errors.to_string());
                Err(errors)
            }
        }
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
