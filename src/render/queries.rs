//! The query functions of templates, with Zola's names and shapes:
//! `get_page`, `get_section`, `get_taxonomy`, `get_taxonomy_term`,
//! `get_url`, `load_data` and `now`.
//!
//! Each call is a [`Query`]: its answer is a read-only view of the site
//! model, made once per build and shared by every page that asks (a home
//! template calling `get_section` costs one section value, not one per
//! page). What a page asked is recorded with what it asked `resize_image`
//! for (see [`super::resized`]), and the next build folds a fingerprint of
//! each answer, as it is then, into the page's: a page is made again when
//! something it read changed, and only then. Calls made while rendering a
//! card or a `cached` partial (shown on pages not known in advance) count
//! for every page.
//!
//! Tera holds the functions for the whole build and for the renderers
//! `serve` patches from it, so they cannot hold the site: they ask the
//! renderer this thread is rendering for (see [`within`]).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Weak};

use serde::{Deserialize, Serialize};
use tera::{Kwargs, State, Tera, Value};

use super::Renderer;
use super::templates::in_lang;
use crate::fingerprint::Fingerprint;
use crate::index::ListKind;
use crate::site::Section;

/// One call of a query function, its arguments resolved (the language of
/// the page filled in where the call left it out).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Query {
    /// A story or page, by its path under `content/`.
    Page(String),
    /// A section by its `_index.md` path (which need not exist), or a
    /// language's home (`en/_index.md`).
    Section {
        path: String,
        metadata_only: bool,
    },
    Taxonomy {
        kind: String,
        lang: String,
    },
    Term {
        kind: String,
        term: String,
        lang: String,
    },
    /// `@/` content, a story folder's file, or a static file.
    Url {
        path: String,
        lang: String,
    },
    /// A data file under the site folder, in a format.
    Data {
        path: String,
        format: String,
    },
    Now {
        timestamp: bool,
    },
}

thread_local! {
    static RENDERER: RefCell<Option<Weak<Renderer>>> = const { RefCell::new(None) };
}

/// Runs `f` with `renderer` as the one this thread's queries ask.
pub(super) fn within<R>(renderer: &Weak<Renderer>, f: impl FnOnce() -> R) -> R {
    let before = RENDERER.replace(Some(renderer.clone()));
    let result = f();
    RENDERER.set(before);
    result
}

fn current() -> tera::TeraResult<Arc<Renderer>> {
    RENDERER
        .with_borrow(|r| r.as_ref().and_then(Weak::upgrade))
        .ok_or_else(|| tera::Error::message("query functions work only while a page is rendered"))
}

/// Registers the query functions.
pub(super) fn register(tera: &mut Tera) {
    tera.register_function("get_page", |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        ask(Query::Page(content_path(&path)))
    });
    tera.register_function("get_section", |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let metadata_only = kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
        ask(Query::Section {
            path: content_path(&path),
            metadata_only,
        })
    });
    tera.register_function("get_taxonomy", |kwargs: Kwargs, state: &State| {
        let kind: String = kwargs.must_get("kind")?;
        in_lang(&kwargs, state, |lang| {
            ask(Query::Taxonomy {
                kind,
                lang: lang.to_string(),
            })
        })
    });
    tera.register_function("get_taxonomy_term", |kwargs: Kwargs, state: &State| {
        let kind: String = kwargs.must_get("kind")?;
        let term: String = kwargs.must_get("term")?;
        in_lang(&kwargs, state, |lang| {
            ask(Query::Term {
                kind,
                term,
                lang: lang.to_string(),
            })
        })
    });
    tera.register_function("get_url", |kwargs: Kwargs, state: &State| {
        let path: String = kwargs.must_get("path")?;
        in_lang(&kwargs, state, |lang| {
            ask(Query::Url {
                path,
                lang: lang.to_string(),
            })
        })
    });
    tera.register_function("load_data", |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let format = match kwargs.get::<String>("format")? {
            Some(f) => f,
            None => (Path::new(&path).extension())
                .map_or("plain".into(), |e| e.to_string_lossy().to_lowercase()),
        };
        ask(Query::Data { path, format })
    });
    tera.register_function("now", |kwargs: Kwargs, _: &State| {
        let timestamp = kwargs.get::<bool>("timestamp")?.unwrap_or(false);
        ask(Query::Now { timestamp })
    });
}

/// A path as `@/` links write it, without the `@/`.
fn content_path(path: &str) -> String {
    path.trim_start_matches("@/")
        .trim_start_matches('/')
        .to_string()
}

/// The answer to `query`, recorded for the page being rendered.
fn ask(query: Query) -> tera::TeraResult<Value> {
    let renderer = current()?;
    renderer.resizes.note_query(&query);
    renderer.answer(&query).map_err(tera::Error::message)
}

impl Renderer {
    /// The answer to `query`, made once per build.
    pub(super) fn answer(&self, query: &Query) -> Result<Value, String> {
        if let Some(value) = self
            .answers
            .lock()
            .expect("no panics while locked")
            .get(query)
        {
            return Ok(value.clone());
        }
        // Made unlocked: an answer may ask for others (a page's card).
        let value = self.make_answer(query)?;
        let mut answers = self.answers.lock().expect("no panics while locked");
        Ok(answers.entry(query.clone()).or_insert(value).clone())
    }

    /// A fingerprint of what `query` reads today, to decide whether a page
    /// that asked it last build may be kept.
    pub(super) fn query_print(&self, query: &Query) -> u64 {
        if let Some(&print) = self
            .query_prints
            .lock()
            .expect("no panics while locked")
            .get(query)
        {
            return print;
        }
        let mut f = Fingerprint::new().with(query);
        f = match self.query_reads(query) {
            Ok(Reads { articles, other }) => {
                for i in articles {
                    f = f.with(&self.article_print(i));
                }
                f.with(&other)
            }
            Err(e) => f.with(&e),
        };
        let print = f.value();
        self.query_prints
            .lock()
            .expect("no panics while locked")
            .insert(query.clone(), print);
        print
    }

    fn make_answer(&self, query: &Query) -> Result<Value, String> {
        let site = &self.site;
        let config = &site.config;
        match query {
            Query::Page(path) => {
                let i = self.article_at(path, "get_page")?;
                self.full_page(i).map_err(|e| e.to_string())
            }
            Query::Section {
                path,
                metadata_only,
            } => self.section_answer(path, *metadata_only),
            Query::Taxonomy { kind, lang } => {
                let t = self.taxonomy(kind, lang)?;
                let items: Vec<Value> = (t.terms.iter())
                    .map(|term| self.term_answer(term))
                    .collect::<Result<_, _>>()?;
                Ok(Value::from_serializable(&serde_json::json!({
                    "name": t.name, "lang": t.lang,
                    "url": config.relative_url(&t.path),
                    "permalink": config.absolute_url(&t.path),
                    "items": items,
                })))
            }
            Query::Term { kind, term, lang } => {
                let t = self.taxonomy(kind, lang)?;
                let found = (t.terms.iter()).find(|x| &x.name == term || &x.slug == term);
                let found = found.ok_or_else(|| {
                    let names = t.terms.iter().map(|x| x.name.as_str());
                    format!(
                        "get_taxonomy_term: `{kind}` has no term `{term}` in `{lang}`{}",
                        crate::error::did_you_mean(term, names)
                    )
                })?;
                self.term_answer(found)
            }
            Query::Url { path, lang } => self.url_of(path, lang).map(Value::from),
            Query::Data { path, format } => {
                let bytes = self.data_file(path)?;
                parse_data(&bytes, format).map_err(|m| format!("load_data(path=\"{path}\"): {m}"))
            }
            Query::Now { timestamp } => Ok(match timestamp {
                true => Value::from(site.now.as_second()),
                false => {
                    let zone = crate::locale::dates::time_zone(&config.timezone)
                        .unwrap_or(jiff::tz::TimeZone::UTC);
                    Value::from(crate::locale::dates::rfc3339(
                        &site.now.to_zoned_datetime(zone),
                    ))
                }
            }),
        }
    }

    /// What `query` reads: the stories it shows and a fingerprint of the
    /// rest, without making the answer.
    fn query_reads(&self, query: &Query) -> Result<Reads, String> {
        let site = &self.site;
        Ok(match query {
            Query::Page(path) => {
                let i = self.article_at(path, "get_page")?;
                let mut articles = vec![i];
                articles.extend(&site.translations[i]);
                Reads { articles, other: 0 }
            }
            Query::Section {
                path,
                metadata_only,
            } => {
                let (section, items) = self.section_at(path)?;
                let mut f = Fingerprint::new();
                if let Some(s) = section {
                    f = f.with(&crate::plan::hash_section(site, s));
                }
                f = f.with(&self.subsections(path));
                Reads {
                    articles: if *metadata_only { Vec::new() } else { items },
                    other: f.value(),
                }
            }
            Query::Taxonomy { kind, lang } => {
                let t = self.taxonomy(kind, lang)?;
                let articles = t.terms.iter().flat_map(|x| x.items.clone()).collect();
                Reads {
                    articles,
                    other: Fingerprint::new().with(t).value(),
                }
            }
            // A term's stories are hashed as stories, the rest whole.
            Query::Term { kind, term, lang } => {
                let found = (self.taxonomy(kind, lang)?.terms.iter())
                    .find(|x| &x.name == term || &x.slug == term);
                Reads {
                    articles: found.map(|x| x.items.clone()).unwrap_or_default(),
                    other: Fingerprint::new().with(&found).value(),
                }
            }
            Query::Url { .. } | Query::Now { .. } => Reads {
                articles: Vec::new(),
                other: Fingerprint::new()
                    .with(&self.make_answer(query)?.to_string())
                    .value(),
            },
            Query::Data { path, format } => Reads {
                articles: Vec::new(),
                other: Fingerprint::new()
                    .with(&self.data_file(path)?)
                    .with(format)
                    .value(),
            },
        })
    }

    /// The article at `path` (under `content/`), or an error naming the
    /// nearest one.
    fn article_at(&self, path: &str, function: &str) -> Result<usize, String> {
        let site = &self.site;
        site.by_content_path.get(path).copied().ok_or_else(|| {
            format!(
                "{function}(path=\"{path}\"): no story or page content/{path}{}",
                crate::error::did_you_mean(path, site.by_content_path.keys().map(String::as_str))
            )
        })
    }

    /// The section (or home) `path` names and the stories it lists.
    fn section_at(&self, path: &str) -> Result<(Option<&Section>, Vec<usize>), String> {
        let site = &self.site;
        let folder = path
            .strip_suffix("_index.md")
            .unwrap_or(path)
            .trim_end_matches('/');
        let (lang, name) = folder.split_once('/').unwrap_or((folder, ""));
        if site.config.language(lang).is_none() {
            return Err(format!(
                "get_section(path=\"{path}\"): `{lang}` is not a language of the site; write the path as under content/, e.g. en/news/_index.md"
            ));
        }
        if name.is_empty() {
            let home = (self.plan.ix.listings.iter())
                .find(|l| l.lang == lang && matches!(l.kind, ListKind::Home));
            return Ok((
                site.home(lang),
                home.map(|l| l.items.clone()).unwrap_or_default(),
            ));
        }
        match (site.sections.iter()).find(|s| s.lang == lang && s.name == name) {
            Some(s) => Ok((Some(s), s.articles.clone())),
            None => Err(format!(
                "get_section(path=\"{path}\"): no section content/{folder}/{}",
                crate::error::did_you_mean(
                    folder,
                    site.sections
                        .iter()
                        .map(|s| format!("{}/{}", s.lang, s.name))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str)
                )
            )),
        }
    }

    /// The `_index.md` paths of the sections right under `path`'s.
    fn subsections(&self, path: &str) -> Vec<String> {
        let folder = path
            .strip_suffix("_index.md")
            .unwrap_or(path)
            .trim_end_matches('/');
        let (lang, name) = folder.split_once('/').unwrap_or((folder, ""));
        (self.site.sections.iter())
            .filter(|s| s.lang == lang)
            .filter(|s| match name {
                "" => !s.name.contains('/'),
                _ => s
                    .name
                    .strip_prefix(name)
                    .and_then(|r| r.strip_prefix('/'))
                    .is_some_and(|r| !r.contains('/')),
            })
            .map(|s| format!("{lang}/{}/_index.md", s.name))
            .collect()
    }

    fn section_answer(&self, path: &str, metadata_only: bool) -> Result<Value, String> {
        let (section, items) = self.section_at(path)?;
        let config = &self.site.config;
        let folder = path
            .strip_suffix("_index.md")
            .unwrap_or(path)
            .trim_end_matches('/');
        let (lang, name) = folder.split_once('/').unwrap_or((folder, ""));
        let mut value = match section {
            Some(s) => self.section_value(s).map_err(|e| e.to_string())?,
            None => {
                let site_path = format!("{}/", self.lang_of(lang).prefix);
                serde_json::json!({
                    "name": name, "title": self.lang_of(lang).title,
                    "description": self.lang_of(lang).description,
                    "content": "", "url": config.relative_url(&site_path), "extra": null, "image": null,
                })
            }
        };
        let site_path = section.map_or_else(
            || format!("{}/", self.lang_of(lang).prefix),
            |s| s.path.clone(),
        );
        value["lang"] = lang.into();
        value["path"] = site_path.clone().into();
        value["permalink"] = config.absolute_url(&site_path).into();
        value["weight"] = section.and_then(|s| s.meta.as_ref()?.weight).into();
        value["subsections"] = self.subsections(path).into();
        let mut map = Value::from_serializable(&value)
            .into_map()
            .unwrap_or_default();
        if !metadata_only {
            let pages: Vec<Value> = (items.iter())
                .map(|&i| self.value(i).cloned())
                .collect::<crate::error::Result<_>>()
                .map_err(|e| e.to_string())?;
            map.insert("pages".into(), Value::from(pages));
        }
        Ok(Value::from(map))
    }

    fn taxonomy(&self, kind: &str, lang: &str) -> Result<&crate::index::Taxonomy, String> {
        (self.plan.ix.taxonomies.iter())
            .find(|t| t.name == kind && t.lang == lang)
            .ok_or_else(|| {
                format!(
                    "no taxonomy `{kind}` in `{lang}`{}; taxonomies are listed in site.toml's `taxonomies`",
                    crate::error::did_you_mean(kind, self.site.config.taxonomies.iter().map(String::as_str))
                )
            })
    }

    fn term_answer(&self, term: &crate::index::Term) -> Result<Value, String> {
        let config = &self.site.config;
        let pages: Vec<Value> = (term.items.iter())
            .map(|&i| self.value(i).cloned())
            .collect::<crate::error::Result<_>>()
            .map_err(|e| e.to_string())?;
        let mut map = BTreeMap::new();
        map.insert("name", Value::from(term.name.as_str()));
        map.insert("slug", Value::from(term.slug.as_str()));
        map.insert("url", Value::from(term.url.as_str()));
        map.insert("permalink", Value::from(config.absolute_url(&term.path)));
        map.insert("count", Value::from(term.items.len()));
        map.insert("pages", Value::from(pages));
        let mut out = tera::Map::new();
        for (k, v) in map {
            out.insert(k.into(), v);
        }
        Ok(Value::from(out))
    }

    /// `get_url`: the absolute URL of an `@/` path (in `lang`, if the story
    /// has a version in it), a story folder's file or a static file.
    fn url_of(&self, path: &str, lang: &str) -> Result<String, String> {
        let site = &self.site;
        let config = &site.config;
        let Some(target) = path.strip_prefix("@/") else {
            let (file, _) = path.split_once('?').unwrap_or((path, ""));
            let name = file.trim_start_matches('/');
            return Ok(config.absolute_url(&format!(
                "/{}",
                self.theme
                    .fingerprinted
                    .get(name)
                    .map_or(name, String::as_str)
            )));
        };
        let (target, fragment) = match target.split_once('#') {
            Some((t, f)) => (t, format!("#{f}")),
            None => (target, String::new()),
        };
        // A story in another language: its translation, if it has one.
        if let Some(&i) = site.by_content_path.get(target) {
            let j = (site.translations[i].iter())
                .copied()
                .find(|&j| site.articles[j].lang == lang && site.articles[i].lang != lang)
                .unwrap_or(i);
            return Ok(format!("{}{fragment}", config.absolute_url(&site.paths[j])));
        }
        if let Some(found) = site.link_path(target) {
            return Ok(format!("{}{fragment}", config.absolute_url(found)));
        }
        // A story folder's file: `en/news/story/photo.jpg`.
        for (i, a) in site.articles.iter().enumerate() {
            if let Some(bundle) = &a.bundle
                && let Some(name) = target
                    .strip_prefix(bundle.as_str())
                    .and_then(|r| r.strip_prefix('/'))
                && a.assets.iter().any(|x| x == name)
            {
                return Ok(config.absolute_url(&format!("{}{name}", site.paths[i])));
            }
        }
        Err(format!(
            "get_url(path=\"{path}\"): nothing at content/{target}{}",
            crate::error::did_you_mean(target, site.by_content_path.keys().map(String::as_str))
        ))
    }

    /// The bytes of a file of the site's `data/` folder (read at load),
    /// named with or without `data/`.
    fn data_file(&self, path: &str) -> Result<Arc<Vec<u8>>, String> {
        let rel = path.trim_start_matches('/');
        if path.contains("://") || rel.split('/').any(|c| c == ".." || c == ".") {
            return Err(format!(
                "load_data(path=\"{path}\"): only files inside the site's data/ folder can be loaded (no `..`, no URLs)"
            ));
        }
        let data = &self.theme.data;
        (data.get(rel).or_else(|| data.get(&format!("data/{rel}"))))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "load_data(path=\"{path}\"): no file data/{}{}; data files live in the site's data/ folder",
                    rel.trim_start_matches("data/"),
                    crate::error::did_you_mean(rel, data.keys().map(String::as_str))
                )
            })
    }
}

/// What a query reads: stories (hashed by their facts) and the rest.
struct Reads {
    articles: Vec<usize>,
    other: u64,
}

/// A data file's bytes as a template value.
fn parse_data(bytes: &[u8], format: &str) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())?;
    let json: serde_json::Value = match format {
        "json" => serde_json::from_str(text).map_err(|e| e.to_string())?,
        "toml" => {
            let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
            serde_json::to_value(table).map_err(|e| e.to_string())?
        }
        "yaml" | "yml" => serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?,
        "csv" => {
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let headers: Vec<String> = (reader.headers().map_err(|e| e.to_string())?)
                .iter()
                .map(str::to_string)
                .collect();
            let records: Vec<Vec<String>> = (reader.records())
                .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            serde_json::json!({ "headers": headers, "records": records })
        }
        "plain" | "txt" | "md" | "html" => serde_json::Value::from(text),
        other => {
            return Err(format!(
                "`{other}` is not a format load_data reads (json, toml, yaml, csv, plain)"
            ));
        }
    };
    Ok(Value::from_serializable(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_formats_become_values() {
        let csv = parse_data(b"city,count\nTehran,3\nMoscow,2\n", "csv").unwrap();
        assert_eq!(
            csv.to_string(),
            Value::from_serializable(&serde_json::json!({"headers": ["city", "count"], "records": [["Tehran", "3"], ["Moscow", "2"]]})).to_string()
        );
        let toml = parse_data(b"a = 1\n[b]\nc = \"x\"\n", "toml").unwrap();
        assert_eq!(toml.get_from_path("b.c").and_then(Value::as_str), Some("x"));
        let yaml = parse_data(b"list: [1, 2]\n", "yaml").unwrap();
        assert_eq!(
            yaml.get_from_path("list").map(|v| v.to_string()),
            Some("[1, 2]".into())
        );
        assert!(parse_data(b"{", "json").is_err());
        assert!(
            parse_data(b"x", "xls")
                .unwrap_err()
                .contains("not a format")
        );
    }
}
