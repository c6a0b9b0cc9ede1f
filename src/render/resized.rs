//! What templates asked `resize_image` for, and by whom.
//!
//! A resized photo is a file no plan can list in advance: only rendering
//! a template shows which sizes it asks for. So each call is recorded
//! under what was being rendered when it was made (its *owner*): a page,
//! an article's card or feed entry (made once, shown on many pages), or a
//! `cached` partial. A build publishes the sizes asked this build, and
//! those of what it did not render again: a page kept from the last build
//! keeps its sizes (kept only if every size still resolves to the same
//! file; a changed photo renders the page again), and a card or partial
//! whose inputs did not change keeps the sizes of its last rendering. The
//! record is kept for the next build in the cache folder, one per output
//! folder (by `crate::build`); without it, no page is kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use super::queries::Query;
use crate::images::{Photos, Request, Resized};

/// What a `resize_image` call was made while rendering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Owner {
    /// A page, by output path.
    Page(String),
    /// An article's card or feed entries, by source.
    Article(PathBuf),
    /// A `cached` template, by its key.
    Partial(u64),
}

/// The calls of one owner, with the site path each came to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Entry {
    /// A fingerprint of the owner's inputs (cards and partials).
    print: u64,
    asked: Vec<(Request, String)>,
    /// What it asked the query functions (see [`super::queries`]).
    queries: Vec<Query>,
}

/// What a build's templates asked for, kept for the next build.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record(HashMap<Owner, Entry>);

thread_local! {
    static OWNER: RefCell<Option<Owner>> = const { RefCell::new(None) };
}

/// Runs `f` with `owner` as what this thread is rendering.
pub fn as_owner<R>(owner: Owner, f: impl FnOnce() -> R) -> R {
    let before = OWNER.replace(Some(owner));
    let result = f();
    OWNER.set(before);
    result
}

/// What keeping a page from the last build brings along: its entry and
/// the sizes it asked for, resolved today (`None`: it asked for none).
pub struct Keep<'a>(Option<(&'a Entry, Vec<Resized>)>);

impl Keep<'_> {
    /// What the page asked the query functions last build.
    pub fn queries(&self) -> &[Query] {
        self.0.as_ref().map_or(&[], |(e, _)| &e.queries)
    }
}

/// Every `resize_image` call of one renderer.
pub struct Resizes {
    pub photos: Arc<Photos>,
    /// This build's calls, by owner.
    asked: Mutex<HashMap<Owner, Entry>>,
    /// Every size asked for, by site path.
    by_path: Mutex<HashMap<String, Resized>>,
    /// The last build's record, if a build has one.
    previous: OnceLock<Record>,
}

impl Resizes {
    pub fn new(photos: Arc<Photos>) -> Resizes {
        Resizes {
            photos,
            asked: Mutex::default(),
            by_path: Mutex::default(),
            previous: OnceLock::new(),
        }
    }

    /// Gives the last build's record (before rendering).
    pub fn set_previous(&self, record: Record) {
        let _ = self.previous.set(record);
    }

    /// Resolves `request` and notes it under this thread's owner.
    pub fn ask(&self, request: Request) -> Result<Resized, String> {
        let resized = self.photos.resolve(&request)?;
        let path = resized.version.path.clone();
        if let Some(owner) = OWNER.with_borrow(Clone::clone) {
            let mut asked = self.asked.lock().expect("no panics while locked");
            let entry = asked.entry(owner).or_default();
            if !entry.asked.iter().any(|(r, _)| r == &request) {
                entry.asked.push((request, path.clone()));
            }
        }
        self.by_path
            .lock()
            .expect("no panics while locked")
            .entry(path)
            .or_insert_with(|| resized.clone());
        Ok(resized)
    }

    /// Notes `query` under this thread's owner.
    pub fn note_query(&self, query: &Query) {
        if let Some(owner) = OWNER.with_borrow(Clone::clone) {
            let mut asked = self.asked.lock().expect("no panics while locked");
            let entry = asked.entry(owner).or_default();
            if !entry.queries.contains(query) {
                entry.queries.push(query.clone());
            }
        }
    }

    /// What the page at `path` asked the query functions this build.
    pub fn page_queries(&self, path: &str) -> Vec<Query> {
        let asked = self.asked.lock().expect("no panics while locked");
        (asked.get(&Owner::Page(path.to_string()))).map_or_else(Vec::new, |e| e.queries.clone())
    }

    /// What cards and `cached` partials asked the query functions in the
    /// last build: every page may show them.
    pub fn shared_queries(&self) -> Vec<Query> {
        let Some(previous) = self.previous.get() else {
            return Vec::new();
        };
        let mut all: Vec<Query> = (previous.0.iter())
            .filter(|(owner, _)| !matches!(owner, Owner::Page(_)))
            .flat_map(|(_, e)| e.queries.iter().cloned())
            .collect();
        all.sort_by_key(|q| format!("{q:?}"));
        all.dedup();
        all
    }

    /// The size published at `path` (a site path), if a template asked for it.
    pub fn at(&self, path: &str) -> Option<Resized> {
        let by_path = self.by_path.lock().expect("no panics while locked");
        by_path.get(path).filter(|r| !r.planned).cloned()
    }

    /// Whether the page at `path` may be kept from the last build: there
    /// is a last record, and each size the page asked for comes to the
    /// same file today (`Some`, with those sizes resolved).
    pub fn may_keep_page(&self, path: &str) -> Option<Keep<'_>> {
        let previous = self.previous.get()?;
        match previous.0.get(&Owner::Page(path.to_string())) {
            None => Some(Keep(None)),
            Some(entry) => (self.resolve_all(entry)).map(|resolved| Keep(Some((entry, resolved)))),
        }
    }

    /// The page at `path` is kept: its sizes are this build's too.
    pub fn keep_page(&self, path: &str, keep: Keep<'_>) {
        if let Keep(Some((entry, resolved))) = keep {
            self.adopt(Owner::Page(path.to_string()), entry, resolved);
        }
    }

    /// An entry's calls resolved today, if each comes to the file it did.
    fn resolve_all(&self, entry: &Entry) -> Option<Vec<Resized>> {
        (entry.asked.iter())
            .map(|(request, path)| {
                (self.photos.resolve(request).ok()).filter(|r| &r.version.path == path)
            })
            .collect()
    }

    /// Makes an earlier entry, its calls `resolved` today, this build's.
    fn adopt(&self, owner: Owner, entry: &Entry, resolved: Vec<Resized>) {
        let mut by_path = self.by_path.lock().expect("no panics while locked");
        for r in resolved {
            by_path.entry(r.version.path.clone()).or_insert(r);
        }
        drop(by_path);
        let mut asked = self.asked.lock().expect("no panics while locked");
        let mine = asked.entry(owner).or_default();
        for call in &entry.asked {
            if !mine.asked.contains(call) {
                mine.asked.push(call.clone());
            }
        }
        for query in &entry.queries {
            if !mine.queries.contains(query) {
                mine.queries.push(query.clone());
            }
        }
    }

    /// After rendering: keeps the sizes of the cards and partials not
    /// rendered again whose inputs are unchanged (`print` gives each
    /// owner's fingerprint today, `None` for one that is gone), and returns
    /// the record for the next build and the sizes to publish.
    pub fn finish(&self, print: &dyn Fn(&Owner) -> Option<u64>) -> (Record, Vec<Resized>) {
        if let Some(previous) = self.previous.get() {
            for (owner, entry) in &previous.0 {
                if !matches!(owner, Owner::Page(_))
                    && print(owner) == Some(entry.print)
                    && let Some(resolved) = self.resolve_all(entry)
                {
                    self.adopt(owner.clone(), entry, resolved);
                }
            }
        }
        let mut asked = std::mem::take(&mut *self.asked.lock().expect("no panics while locked"));
        for (owner, entry) in &mut asked {
            entry.print = print(owner).unwrap_or_default();
        }
        let by_path = self.by_path.lock().expect("no panics while locked");
        let mut publish: Vec<Resized> = by_path.values().filter(|r| !r.planned).cloned().collect();
        publish.sort_by(|a, b| a.version.path.cmp(&b.version.path));
        (Record(asked), publish)
    }
}
