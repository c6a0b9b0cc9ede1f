//! Everything a build writes besides the HTML pages: feeds, the sitemap,
//! robots.txt, the 404 page, redirects and static files.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::context::dir;
use super::pages::Alternate;
use super::sink::{Output, Sink};
use super::{Job, PageInfo, SITEMAP_LIMIT, Shared, file_for};
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::index::{ListKind, Listing};
use crate::locale::dates::{rfc2822, rfc3339};

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

impl Shared<'_> {
    /// Atom and RSS for each list that has feeds (page 1 of it).
    pub(super) fn feeds(&self, sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        let jobs: Vec<&Listing> = self.ix.listings.iter().filter(|l| l.feeds).collect();
        jobs.par_iter().try_for_each(|listing| {
            let lang = self.lang_of(&listing.lang);
            let items: Vec<usize> = listing
                .items
                .iter()
                .copied()
                .filter(|&i| self.site.articles[i].date.is_some())
                .take(config.feeds.limit)
                .collect();
            let heading = self.list_heading(listing);
            let prints: Vec<u64> = items.iter().map(|&i| self.page_prints[i]).collect();
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with("feed")
                .with(&listing.path)
                .with(&heading)
                .with(&prints)
                .value();
            let needed: Vec<(&str, String)> = ["atom.xml", "rss.xml"]
                .into_iter()
                .map(|name| (name, format!("{}{name}", listing.path.trim_start_matches('/'))))
                .filter(|(_, path)| !sink.reuse(path, fingerprint))
                .collect();
            if needed.is_empty() {
                return Ok(());
            }
            let entries: Vec<Value> = if config.feeds.full_content {
                items.iter().map(|&i| self.full_page(i)).collect::<Result<_>>()?
            } else {
                items.iter().map(|&i| self.pages[i].clone()).collect()
            };
            let updated = items
                .iter()
                .filter_map(|&i| {
                    let a = &self.site.articles[i];
                    a.updated.as_ref().or(a.date.as_ref())
                })
                .max_by_key(|d| d.timestamp())
                .map(rfc3339)
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
            let info = PageInfo {
                job: Job::Other,
                lang: listing.lang.clone(),
                path: listing.path.clone(),
                lastmod: None,
            };
            let mut ctx = self.base_context(&info, &self.versions(&info));
            let title = if listing.kind == ListKind::Home {
                lang.title.clone()
            } else {
                format!("{heading} — {}", lang.title)
            };
            ctx.insert(
                "feed",
                &serde_json::json!({
                    "title": title,
                    "description": lang.description,
                    "lang": lang.code,
                    "home": config.absolute_url(&listing.path),
                    "atom": config.absolute_url(&format!("{}atom.xml", listing.path)),
                    "rss": config.absolute_url(&format!("{}rss.xml", listing.path)),
                    "updated": updated,
                    "rss_updated": items.first().map(|&i| rfc2822(self.site.articles[i].date.as_ref().expect("dated"))),
                    "full_content": config.feeds.full_content,
                }),
            );
            ctx.insert("entries", &entries);
            for (name, path) in needed {
                let mut out = self.render_file(name, &ctx, path)?;
                out.fingerprint = Some(fingerprint);
                sink.put(out)?;
            }
            Ok(())
        })
    }

    /// `sitemap.xml` (an index of several when over 50,000 URLs) and `robots.txt`.
    pub(super) fn sitemap(&self, infos: &[PageInfo], sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        // One sitemap file's entries at a time, so memory does not grow with the site.
        let entries = |part: &[PageInfo]| -> Vec<SitemapEntry> {
            part.par_iter()
                .map(|info| {
                    let versions = self.versions(info);
                    let alternates: Vec<Alternate> = if versions.len() > 1 {
                        versions
                            .iter()
                            .map(|(l, p)| Alternate {
                                hreflang: l.clone(),
                                href: config.absolute_url(p),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    SitemapEntry {
                        loc: config.absolute_url(&info.path),
                        lastmod: info.lastmod.clone(),
                        alternates,
                    }
                })
                .collect()
        };
        let one_file = |part: &[PageInfo], name: String| -> Result<()> {
            let entries = entries(part);
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with_serialized(&entries);
            self.emit(sink, name.clone(), fingerprint, || {
                let mut ctx = Context::new();
                ctx.insert("entries", &entries);
                self.render_file("sitemap.xml", &ctx, name.clone())
            })
        };
        if infos.len() <= SITEMAP_LIMIT {
            one_file(infos, "sitemap.xml".into())?;
        } else {
            let mut sitemaps = Vec::new();
            for (n, part) in infos.chunks(SITEMAP_LIMIT).enumerate() {
                let name = format!("sitemap{}.xml", n + 1);
                one_file(part, name.clone())?;
                sitemaps.push(config.absolute_url(&format!("/{name}")));
            }
            let index = Fingerprint::new().with(&self.global).with(&sitemaps);
            self.emit(sink, "sitemap.xml".into(), index, || {
                let mut ctx = Context::new();
                ctx.insert("sitemaps", &sitemaps);
                self.render_file("sitemap_index.xml", &ctx, "sitemap.xml".into())
            })?;
        }
        self.emit(
            sink,
            "robots.txt".into(),
            Fingerprint::new().with(&self.global).with("robots"),
            || {
                let mut ctx = Context::new();
                ctx.insert("sitemap", &config.absolute_url("/sitemap.xml"));
                self.render_file("robots.txt", &ctx, "robots.txt".into())
            },
        )
    }

    pub(super) fn not_found(&self) -> Result<Output> {
        let info = PageInfo {
            job: Job::Other,
            lang: self.site.config.default_language.clone(),
            path: "/404.html".into(),
            lastmod: None,
        };
        let mut ctx = self.base_context(&info, &self.versions(&info));
        ctx.insert("page_kind", "404");
        self.render_file("404.html", &ctx, "404.html".into())
    }

    /// Redirect pages: aliases, `page/1/` of every list, and `/` when the
    /// default language lives under its own prefix.
    pub(super) fn redirects(&self, sink: &dyn Sink) -> Result<()> {
        let config = &self.site.config;
        let mut targets: Vec<(String, String, String)> = Vec::new(); // (from path, to path, lang)
        for (i, a) in self.site.articles.iter().enumerate() {
            for alias in &a.aliases {
                let from = normalize_alias(alias);
                if from.split('/').any(|p| p == "..") {
                    return Err(Error::in_file(
                        &a.source,
                        format!("alias `{alias}` leaves the site"),
                    )
                    .with_help("write aliases as site paths such as /old/story/"));
                }
                if let Some(owner) = self.site.paths.iter().position(|p| p == &from) {
                    return Err(Error::in_file(
                        &a.source,
                        format!(
                            "alias `{alias}` of {} would overwrite the page of {}",
                            a.source.display(),
                            self.site.articles[owner].source.display()
                        ),
                    )
                    .with_help("remove the alias or move the other article"));
                }
                targets.push((from, self.site.paths[i].clone(), a.lang.clone()));
            }
        }
        for l in &self.ix.listings {
            targets.push((format!("{}page/1/", l.path), l.path.clone(), l.lang.clone()));
        }
        if config.default_language_in_subdir {
            let lang = config.default_lang();
            targets.push(("/".into(), format!("{}/", lang.prefix), lang.code.clone()));
        }
        targets.par_iter().try_for_each(|(from, to, lang)| {
            let fingerprint = Fingerprint::new()
                .with(&self.global)
                .with(from)
                .with(to)
                .with(lang);
            self.emit(sink, file_for(from), fingerprint, || {
                let mut ctx = Context::new();
                ctx.insert("lang", lang);
                ctx.insert("dir", dir(self.lang_of(lang)));
                ctx.insert("target", &config.absolute_url(to));
                ctx.insert_value("config", self.config_value.clone());
                self.render_file("redirect.html", &ctx, file_for(from))
            })
        })
    }

    pub(super) fn statics(&self, sink: &dyn Sink) -> Result<()> {
        self.theme.statics.par_iter().try_for_each(|(path, file)| {
            let bytes = file.read()?;
            if let Some(hashed) = self.theme.fingerprinted.get(path) {
                sink.put(Output::new(hashed.clone(), bytes.clone()))?;
            }
            sink.put(Output::new(path.clone(), bytes))
        })?;
        if self.tera.contains_template("manifest.webmanifest") {
            let mut ctx = Context::new();
            ctx.insert_value("config", self.config_value.clone());
            ctx.insert_value(
                "language",
                self.languages[&self.site.config.default_language].clone(),
            );
            ctx.insert("lang", &self.site.config.default_language);
            let fingerprint = Fingerprint::new().with(&self.global).with("manifest");
            self.emit(sink, "manifest.webmanifest".into(), fingerprint, || {
                self.render_file("manifest.webmanifest", &ctx, "manifest.webmanifest".into())
            })?;
        }
        Ok(())
    }
}

/// `old/story` → `/old/story/`; a path with an extension stays a file.
fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if last.contains('.') || trimmed.ends_with('/') || trimmed.is_empty() {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::MemorySink;

    #[test]
    fn sitemap_becomes_an_index_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.toml"),
            "title = \"T\"\nbase_url = \"https://x.org\"\n",
        )
        .unwrap();
        for n in 0..4 {
            let path = dir.path().join(format!("content/news/a{n}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                path,
                format!("+++\ntitle = \"A{n}\"\ndate = 2020-01-0{}\n+++\nx\n", n + 1),
            )
            .unwrap();
        }
        let sink = MemorySink::default();
        let options = crate::BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        crate::build::render_site(&options, &sink).unwrap();
        let files = sink.into_files();
        let get = |p: &str| {
            files
                .iter()
                .find(|f| f.path == p)
                .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
        };
        let index = get("sitemap.xml").unwrap();
        assert!(
            index.contains("<sitemapindex") && index.contains("https://x.org/sitemap1.xml"),
            "{index}"
        );
        let first = get("sitemap1.xml").unwrap();
        assert_eq!(first.matches("<url>").count(), SITEMAP_LIMIT);
        assert!(get("sitemap2.xml").is_some());
    }

    #[test]
    fn aliases_become_site_paths() {
        assert_eq!(normalize_alias("old/story"), "/old/story/");
        assert_eq!(normalize_alias("/old.html"), "/old.html");
    }
}
