//! Search: a static index per language under `pagefind/<lang>/`, made
//! with Pagefind's library from the site model (not from rendered pages,
//! so a build that keeps its pages need not render them to index them).
//!
//! Each published story and page is one record: its title, standfirst,
//! date (in the language's calendar and digits) and text, folded as
//! [`fold::fold`] says, with its section, tags and year as filters. Left
//! out: drafts, embargoed stories (serve and `--future` show them),
//! `noindex = true`. A language's index is made again only when what its
//! records are made from changes: each language's fingerprint and file
//! list are kept in `.bulletin-cache/`, and the files of the last build are
//! kept as they are.

pub mod fold;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::locale::dates::{DateFormat, SiteDates, day_in, time_zone, year_month};
use crate::render::{Output, Sink};
use crate::site::Site;

/// The folder of the indexes in the output (one bundle per language).
pub const FOLDER: &str = "pagefind";

/// One searchable story or page.
#[derive(Debug, Clone)]
pub struct Record {
    /// Site path, without the base path (Pagefind's script adds it).
    pub url: String,
    pub lang: String,
    pub content: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// What the last build indexed: for each language, the fingerprint of
/// what its index was made from and the files it made.
pub type Made = BTreeMap<String, Bundle>;

/// One language's index.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub fingerprint: u64,
    pub files: Vec<String>,
}

/// The folder of `lang`'s index in the output: `pagefind/fa/`.
pub fn bundle_folder(lang: &str) -> String {
    format!("{FOLDER}/{lang}/")
}

/// The articles the index holds: published, not `noindex`.
fn searchable(site: &Site) -> Vec<usize> {
    (0..site.articles.len())
        .filter(|&i| {
            let a = &site.articles[i];
            !a.draft && !a.noindex && site.embargoed_until(i).is_none()
        })
        .collect()
}

fn section_titles(site: &Site) -> HashMap<(&str, &str), String> {
    (site.sections.iter())
        .map(|s| {
            (
                (s.lang.as_str(), s.name.as_str()),
                crate::plan::section_title(s),
            )
        })
        .collect()
}

/// A fingerprint, for each language, of everything its records are made
/// from, without making them: each searchable article's file (every key
/// and its text), URL and section title, and the language's calendar and
/// zone (in which a date written without an offset is read). A language
/// whose fingerprint is the last build's keeps its last index.
pub fn fingerprints(site: &Site) -> HashMap<&str, u64> {
    // A new bulletin may index differently (another Pagefind, other folds).
    let mut prints: HashMap<&str, Fingerprint> = (site.config.languages.iter())
        .map(|l| {
            let f = Fingerprint::new().with(&env!("CARGO_PKG_VERSION"));
            (l.code.as_str(), f.with(&(&l.code, &l.timezone, l.calendar)))
        })
        .collect();
    let sections = section_titles(site);
    for i in searchable(site) {
        let a = &site.articles[i];
        if let Some(f) = prints.remove(a.lang.as_str()) {
            let section = sections.get(&(a.lang.as_str(), a.section.as_str()));
            prints.insert(&a.lang, f.with(&(a.fingerprint, &site.paths[i], section)));
        }
    }
    prints.into_iter().map(|(l, f)| (l, f.value())).collect()
}

/// Every record of the site in the languages `langs`, in the order of
/// `site.articles`.
pub fn records(site: &Site, langs: &[&str]) -> Result<Vec<Record>> {
    let config = &site.config;
    let dates = SiteDates::new(&config.languages).map_err(Error::msg)?;
    let sections = section_titles(site);
    let mine: Vec<usize> = (searchable(site).into_iter())
        .filter(|&i| langs.contains(&site.articles[i].lang.as_str()))
        .collect();
    mine.par_iter()
        .map(|&i| {
            let a = &site.articles[i];
            let lang = config.language(&a.lang).expect("configured");
            let local = dates.get(&a.lang).expect("every language has dates");
            let digits = local.digits();
            let mut meta = BTreeMap::from([("title".to_string(), a.title.clone())]);
            let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut head = a.title.clone();
            if let Some(date) = &a.date {
                let zone = time_zone(&lang.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
                let day = day_in(date, &zone);
                let shown = local.format(day, DateFormat::Long);
                head.push_str(" — ");
                head.push_str(&shown);
                meta.insert("date".into(), shown);
                meta.insert("datetime".into(), crate::locale::dates::rfc3339(date));
                let year = year_month(day, lang.calendar).0;
                filters.insert("year".into(), vec![local.number(i64::from(year))]);
            }
            if let Some(title) = sections.get(&(a.lang.as_str(), a.section.as_str())) {
                meta.insert("section".into(), title.clone());
                filters.insert("section".into(), vec![title.clone()]);
            }
            if let Some(tags) = a.taxonomies.get("tags").filter(|t| !t.is_empty()) {
                filters.insert("tag".into(), tags.clone());
            }
            let mut text = head;
            text.push_str(". ");
            if let Some(d) = &a.description {
                text.push_str(d);
                text.push(' ');
            }
            text.push_str(&plain_text(a, &site.root)?);
            Ok(Record {
                url: site.paths[i].clone(),
                lang: a.lang.clone(),
                content: fold::fold(&text, digits),
                meta,
                filters,
            })
        })
        .collect()
}

/// The words of an article, without markup: Markdown's text and code,
/// shortcode bodies, a wire story's paragraphs.
fn plain_text(a: &crate::content::Article, root: &Path) -> Result<String> {
    use crate::content::Body;
    let mut out = String::new();
    match &a.body {
        Body::Plain(blocks) => {
            for b in blocks {
                let (crate::content::wire::Block::Paragraph(t)
                | crate::content::wire::Block::Heading(t)) = b;
                out.push_str(t);
                out.push(' ');
            }
        }
        Body::Markdown { .. } => {
            let text = a.markdown(root)?;
            let parts = crate::content::shortcodes::parse(&text).ok().flatten();
            match parts {
                Some(parts) => markdown_parts(&text, &parts, &mut out),
                None => markdown_words(&text, &mut out),
            }
        }
    }
    Ok(out)
}

/// The words of the Markdown between shortcode calls, and of their bodies.
fn markdown_parts(text: &str, parts: &[crate::content::shortcodes::Part], out: &mut String) {
    use crate::content::shortcodes::Part;
    for part in parts {
        match part {
            Part::Text(range) => markdown_words(&text[range.clone()], out),
            Part::Literal(s) => markdown_words(s, out),
            Part::Call(call) => {
                if let Some((body, _)) = &call.body {
                    markdown_parts(text, body, out);
                }
            }
        }
    }
}

fn markdown_words(markdown: &str, out: &mut String) {
    use pulldown_cmark::{Event, Parser, TagEnd};
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
            | Event::End(TagEnd::CodeBlock | TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
}

/// Hands `sink` the search index of every language of `site`: a
/// language's files of the last build (`last`) if nothing they are made
/// from changed, else a new index, the languages made in parallel.
/// Returns what was made.
pub fn publish(site: &Site, sink: &dyn Sink, mut last: Made) -> Result<Made> {
    let mut made = Made::new();
    let mut todo = Vec::new();
    let prints = fingerprints(site);
    for lang in &site.config.languages {
        let fingerprint = prints[lang.code.as_str()];
        match last.remove(&lang.code) {
            Some(bundle)
                if bundle.fingerprint == fingerprint
                    && !bundle.files.is_empty()
                    && bundle.files.iter().all(|p| sink.reuse(p, fingerprint)) =>
            {
                made.insert(lang.code.clone(), bundle);
            }
            _ => todo.push((lang.code.as_str(), fingerprint)),
        }
    }
    if todo.is_empty() {
        return Ok(made);
    }
    let langs: Vec<&str> = todo.iter().map(|&(lang, _)| lang).collect();
    let mut by_lang: HashMap<String, Vec<Record>> = HashMap::new();
    for r in records(site, &langs)? {
        by_lang.entry(r.lang.clone()).or_default().push(r);
    }
    // A thread per language rather than rayon's pool: Pagefind runs its
    // own parallel work on that pool, which a pool thread waiting here
    // would starve.
    let bundles: Vec<Result<(String, Bundle)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (todo.iter())
            .map(|&(lang, fingerprint)| {
                let mine = by_lang.remove(lang).unwrap_or_default();
                scope.spawn(move || {
                    let mut bundle = Bundle {
                        fingerprint,
                        files: Vec::new(),
                    };
                    for (path, bytes) in index_now(lang, mine)? {
                        bundle.files.push(path.clone());
                        sink.put(Output {
                            path,
                            bytes,
                            fingerprint: Some(fingerprint),
                        })?;
                    }
                    Ok((lang.to_string(), bundle))
                })
            })
            .collect();
        (handles.into_iter())
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(fail("the indexer stopped")))
            })
            .collect()
    });
    let bundles = bundles.into_iter().collect::<Result<Vec<_>>>()?;
    made.extend(bundles);
    Ok(made)
}

fn fail(e: impl std::fmt::Display) -> Error {
    Error::msg(format!("the search index could not be made: {e}"))
}

/// Pagefind's files for `records` (all in `lang`), as (path under the
/// output, bytes): a bundle of its own, `pagefind/<lang>/`, which that
/// language's search page loads.
pub fn index(lang: &str, records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>> {
    // Pagefind's interface is async: it runs on a runtime of its own, on a
    // thread of its own (serve calls this from inside its runtime, where
    // another cannot be started).
    std::thread::scope(|s| {
        s.spawn(|| index_now(lang, records))
            .join()
            .unwrap_or_else(|_| Err(fail("the indexer stopped")))
    })
}

fn index_now(lang: &str, records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(fail)?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(false)
            .force_language(lang.to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(fail)?;
        for r in records {
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    r.lang,
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(fail)?;
        }
        let files = index.get_files().await.map_err(fail)?;
        Ok(files
            .into_iter()
            .filter_map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches('/');
                // Pagefind's own interfaces: the theme has its own.
                let unused = [
                    "pagefind-ui",
                    "pagefind-modular-ui",
                    "pagefind-component-ui",
                ]
                .iter()
                .any(|ui| name.starts_with(&format!("{ui}.")))
                    || name == "pagefind-highlight.js"
                    || name.starts_with("playground/");
                (!unused).then(|| (format!("{}{name}", bundle_folder(lang)), f.contents))
            })
            .collect())
    })
}
