//! Watching the site for changes with notify: native events, or polling
//! (`--poll`) where a file system sends none (WSL, network mounts, some
//! containers). Events are debounced for a few tens of milliseconds, so an
//! editor's write-then-rename save becomes one rebuild.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{Change, Rebuilder, Scope};
use crate::error::{Error, Result};

/// Quiet time that ends a burst of events.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// A burst never delays a rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_millis(250);
/// When a folder appears, how long to wait before looking into it again.
const RESCAN_AFTER: Duration = Duration::from_millis(100);
/// How often `--poll` scans the site.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// What a changed path means for the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ignored: output, editor temp files, anything outside the inputs.
    None,
    Content,
    Css,
    /// Static files, templates and theme strings.
    Theme,
    Config,
}

fn classify(root: &Path, output: &Path, path: &Path) -> Kind {
    let Ok(rel) = path.strip_prefix(root) else {
        return Kind::None;
    };
    if path.starts_with(output) {
        return Kind::None;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if crate::content::is_ignored(name)
        || rel
            .iter()
            .any(|p| p.to_str().is_some_and(|p| p.starts_with('.')))
    {
        return Kind::None;
    }
    let first = rel.iter().next().and_then(|p| p.to_str()).unwrap_or("");
    match first {
        "site.toml" => Kind::Config,
        "content" => Kind::Content,
        "static" | "themes" | "templates" if name.ends_with(".css") => Kind::Css,
        "static" | "themes" | "templates" | "i18n" | "data" => Kind::Theme,
        _ => Kind::None,
    }
}

/// Starts watching in a thread of its own that rebuilds on each change.
pub fn spawn(mut rebuilder: Rebuilder, poll: bool) -> Result<()> {
    let root = std::fs::canonicalize(&rebuilder.options.root)
        .map_err(|e| Error::io(&rebuilder.options.root, e))?;
    // A broken site.toml is reported by the build; until it is fixed the
    // default output folder is the one to ignore.
    let output = root.join(
        crate::config::Config::load(&root).map_or_else(|_| "public".into(), |c| c.output_dir),
    );
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher: Box<dyn Watcher + Send> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(false);
        Box::new(notify::PollWatcher::new(tx, config).map_err(watch_error)?)
    } else {
        Box::new(notify::recommended_watcher(tx).map_err(watch_error)?)
    };
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    std::thread::spawn(move || {
        let _watcher = watcher; // kept alive with the thread
        loop {
            let first = match rebuilder.until_next_change() {
                Some(wait) => match rx.recv_timeout(wait) {
                    Ok(event) => event,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        say("A scheduled change is due: rebuilding\n");
                        rebuild_and_notify(&rebuilder, &[Kind::Content], &Scope::All);
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(event) => event,
                    Err(_) => break,
                },
            };
            let mut kinds = Vec::new();
            let mut content = std::collections::HashSet::new();
            let mut new_folder = false;
            let mut note = |event: notify::Result<notify::Event>| {
                // Reads (our own, while rebuilding) are not changes.
                if let Ok(event) = event
                    && !event.kind.is_access()
                {
                    new_folder |= matches!(
                        event.kind,
                        notify::EventKind::Create(notify::event::CreateKind::Folder)
                    );
                    for path in &event.paths {
                        let kind = classify(&root, &output, path);
                        if kind == Kind::Content
                            && let Ok(rel) = path.strip_prefix(&root)
                        {
                            content.insert(rel.to_path_buf());
                        }
                        kinds.push(kind);
                    }
                }
            };
            note(first);
            let started = Instant::now();
            while let Ok(event) = rx.recv_timeout(DEBOUNCE) {
                note(event);
                if started.elapsed() > MAX_WAIT {
                    break;
                }
            }
            kinds.retain(|k| *k != Kind::None);
            if kinds.is_empty() {
                continue;
            }
            if kinds.contains(&Kind::Config) {
                rebuilder.forget_cache();
            }
            let scope = if kinds.iter().all(|k| *k == Kind::Content) {
                Scope::Content(content)
            } else {
                Scope::All
            };
            // A file written right after its folder was made can come before
            // the watch on the new folder exists: look again a moment later.
            let passes = if new_folder { 2 } else { 1 };
            for pass in 0..passes {
                if pass > 0 {
                    std::thread::sleep(RESCAN_AFTER);
                }
                rebuild_and_notify(&rebuilder, &kinds, &scope);
            }
        }
    });
    Ok(())
}

/// Rebuilds and tells open pages: swap stylesheets if only CSS changed,
/// else reload (also after a failed build, to show its error).
fn rebuild_and_notify(rebuilder: &Rebuilder, kinds: &[Kind], scope: &Scope) {
    let began = Instant::now();
    match rebuilder.rebuild(scope) {
        Ok(()) => {
            say(&format!(
                "Rebuilt in {:.0} ms\n",
                began.elapsed().as_secs_f64() * 1000.0
            ));
            let css_only = kinds.iter().all(|k| *k == Kind::Css);
            rebuilder.notify(if css_only {
                Change::Css
            } else {
                Change::Reload
            });
        }
        Err(errors) => {
            complain(&errors.to_string());
            rebuilder.notify(Change::Reload);
        }
    }
}

/// Prints to the terminal, if there still is one: a closed stdout must not
/// stop the server.
pub fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
    let _ = std::io::stdout().flush();
}

/// Prints to stderr, if it is still open.
pub fn complain(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn watch_error(e: notify::Error) -> Error {
    Error::msg(format!("cannot watch the site for changes: {e}")).with_help("try --poll")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_classified() {
        let root = Path::new("/s");
        let out = Path::new("/s/public");
        assert_eq!(
            classify(root, out, Path::new("/s/content/en/a.md")),
            Kind::Content
        );
        assert_eq!(
            classify(root, out, Path::new("/s/content/en/.a.md.swp")),
            Kind::None
        );
        assert_eq!(
            classify(root, out, Path::new("/s/content/en/a.md~")),
            Kind::None
        );
        assert_eq!(
            classify(root, out, Path::new("/s/public/index.html")),
            Kind::None
        );
        assert_eq!(classify(root, out, Path::new("/s/site.toml")), Kind::Config);
        assert_eq!(classify(root, out, Path::new("/s/static/x.css")), Kind::Css);
        assert_eq!(
            classify(
                root,
                out,
                Path::new("/s/themes/default/templates/base.html")
            ),
            Kind::Theme
        );
        assert_eq!(
            classify(root, out, Path::new("/s/target/debug/x")),
            Kind::None
        );
    }
}
