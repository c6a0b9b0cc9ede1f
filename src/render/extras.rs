//! Everything a build writes besides the HTML pages: feeds, the sitemap,
//! robots.txt, the 404 page, redirects and static files.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::context::dir;
use super::pages::Alternate;
use super::{Gathered, Job, PageInfo, Recipe, Renderer, SITEMAP_LIMIT};
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::index::{ListKind, Listing};
use crate::locale::dates::{rfc2822, rfc3339};

#[derive(Serialize)]
pub(super) struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

impl Renderer {
    /// Makes the file at `path` by `recipe`.
    /// Makes the file at `path` by `recipe`, with what its fingerprint
    /// gathered (or nothing, when it was not asked for).
    pub(super) fn make_recipe(
        &self,
        path: &str,
        recipe: &Recipe,
        gathered: Gathered,
    ) -> Result<Vec<u8>> {
        let config = &self.site.config;
        match recipe {
            Recipe::Page(p) => {
                let info = &self.infos[*p];
                match gathered {
                    Gathered::Versions(versions) => self.render_page(info, &versions),
                    _ => self.render_page(info, &self.versions(info)),
                }
            }
            Recipe::Feed { listing, template } => self.feed(*listing, template, path),
            Recipe::NotFound => {
                let info = PageInfo {
                    job: Job::Other,
                    lang: config.default_language.clone(),
                    path: "/404.html".into(),
                    lastmod: None,
                };
                let mut ctx = self.base_context(&info, &self.versions(&info));
                ctx.insert("page_kind", "404");
                self.render_file("404.html", &ctx, path)
            }
            Recipe::Redirect { to, lang } => {
                let mut ctx = Context::new();
                ctx.insert("lang", lang);
                ctx.insert("dir", dir(self.lang_of(lang)));
                ctx.insert("target", &config.absolute_url(to));
                ctx.insert_value("config", self.config_value.clone());
                self.render_file("redirect.html", &ctx, path)
            }
            Recipe::Static(name) => match self.theme.statics.get(name) {
                Some(file) => file.read(),
                None => Err(Error::msg(format!("no static file {name}"))),
            },
            Recipe::Manifest => {
                let mut ctx = Context::new();
                ctx.insert_value("config", self.config_value.clone());
                ctx.insert_value("language", self.languages[&config.default_language].clone());
                ctx.insert("lang", &config.default_language);
                self.render_file("manifest.webmanifest", &ctx, path)
            }
            Recipe::SitemapPart(part) => {
                let entries = match gathered {
                    Gathered::Entries(entries) => entries,
                    _ => self.sitemap_entries(*part),
                };
                let mut ctx = Context::new();
                ctx.insert("entries", &entries);
                self.render_file("sitemap.xml", &ctx, path)
            }
            Recipe::SitemapIndex => {
                let mut ctx = Context::new();
                ctx.insert("sitemaps", &self.sitemap_urls());
                self.render_file("sitemap_index.xml", &ctx, path)
            }
            Recipe::Robots => {
                let mut ctx = Context::new();
                ctx.insert("sitemap", &config.absolute_url("/sitemap.xml"));
                self.render_file("robots.txt", &ctx, path)
            }
        }
    }

    /// A fingerprint of everything the file at `path` is made from (`None`
    /// for a static file, compared by its bytes instead), and what was
    /// gathered for it that making the file needs too.
    pub(super) fn fingerprint(
        &self,
        path: &str,
        recipe: &Recipe,
    ) -> Result<(Option<u64>, Gathered)> {
        let f = Fingerprint::new().with(&self.global).with(path);
        let print = match recipe {
            Recipe::Page(p) => {
                let info = &self.infos[*p];
                let versions = self.versions(info);
                let print = self.page_fingerprint(info, &versions)?;
                return Ok((Some(print), Gathered::Versions(versions)));
            }
            Recipe::SitemapPart(part) => {
                let entries = self.sitemap_entries(*part);
                let print = f.with_serialized(&entries).value();
                return Ok((Some(print), Gathered::Entries(entries)));
            }
            Recipe::Feed { listing, .. } => {
                let listing = &self.ix.listings[*listing];
                let prints: Vec<u64> = self
                    .feed_items(listing)
                    .into_iter()
                    .map(|i| self.article_print(i))
                    .collect::<Result<_>>()?;
                f.with("feed")
                    .with(&self.list_heading(listing))
                    .with(&prints)
                    .value()
            }
            Recipe::Redirect { to, lang } => f.with(to).with(lang).value(),
            Recipe::SitemapIndex => f.with(&self.sitemap_urls()).value(),
            Recipe::NotFound | Recipe::Manifest | Recipe::Robots => f.value(),
            Recipe::Static(_) => return Ok((None, Gathered::Nothing)),
        };
        Ok((Some(print), Gathered::Nothing))
    }

    /// The dated articles a listing's feeds show.
    fn feed_items(&self, listing: &Listing) -> Vec<usize> {
        listing
            .items
            .iter()
            .copied()
            .filter(|&i| self.site.articles[i].date.is_some())
            .take(self.site.config.feeds.limit)
            .collect()
    }

    /// Atom or RSS (`template`) for a list that has feeds (page 1 of it).
    fn feed(&self, listing: usize, template: &str, path: &str) -> Result<Vec<u8>> {
        let config = &self.site.config;
        let listing = &self.ix.listings[listing];
        let lang = self.lang_of(&listing.lang);
        let items = self.feed_items(listing);
        let heading = self.list_heading(listing);
        let atom = template == "atom.xml";
        let entries: Vec<Value> = items
            .iter()
            .map(|&i| {
                let (entry, item) = self.feed_entry(i)?;
                Ok(if atom { entry.clone() } else { item.clone() })
            })
            .collect::<Result<_>>()?;
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
        self.render_file(template, &ctx, path)
    }

    /// Article `i` as an Atom entry and as an RSS item (`atom_entry.xml`,
    /// `rss_item.xml`), rendered once however many feeds show it.
    fn feed_entry(&self, i: usize) -> Result<&(Value, Value)> {
        if let Some(entry) = self.feed_entries[i].get() {
            return Ok(entry);
        }
        let config = &self.site.config;
        let page = if config.feeds.full_content {
            self.full_page(i)?
        } else {
            self.value(i)?.clone()
        };
        let article = &self.site.articles[i];
        let mut ctx = self.fragment_context("page", page, &article.lang);
        ctx.insert(
            "feed",
            &serde_json::json!({ "full_content": config.feeds.full_content }),
        );
        let doing = format!("rendering the feed entry of {}", article.source.display());
        let render = |template: &str| self.render_fragment(template, &ctx, &doing);
        let made = (render("atom_entry.xml")?, render("rss_item.xml")?);
        // Two threads may make it at once; both make the same.
        Ok(self.feed_entries[i].get_or_init(|| made))
    }

    /// The entries of sitemap part `part`: one file's worth at a time, so
    /// memory does not grow with the site.
    pub(super) fn sitemap_entries(&self, part: usize) -> Vec<SitemapEntry> {
        let config = &self.site.config;
        let infos = self.infos.chunks(SITEMAP_LIMIT).nth(part).unwrap_or(&[]);
        infos
            .par_iter()
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
                    lastmod: info.lastmod.as_ref().map(rfc3339),
                    alternates,
                }
            })
            .collect()
    }

    /// URLs of the sitemap parts, for the sitemap index.
    fn sitemap_urls(&self) -> Vec<String> {
        (1..=self.infos.len().div_ceil(SITEMAP_LIMIT))
            .map(|n| self.site.config.absolute_url(&format!("/sitemap{n}.xml")))
            .collect()
    }

    /// Redirect pages (from, to, language): aliases, `page/1/` of every
    /// list, and `/` when the default language lives under its own prefix.
    pub(super) fn redirect_targets(&self) -> Result<Vec<(String, String, String)>> {
        let config = &self.site.config;
        let owners: HashMap<&str, usize> = self
            .site
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut targets = Vec::new();
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
                if let Some(&owner) = owners.get(from.as_str()) {
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
        Ok(targets)
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
