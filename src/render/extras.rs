//! Everything a build writes besides the HTML pages: feeds, the sitemap,
//! robots.txt, the 404 page, redirects and static files.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::context::dir;
use super::pages::{Alternate, alternates};
use super::{Job, PageInfo, Reads, Recipe, Renderer, Versions};
use crate::error::{Error, Result};
use crate::index::ListKind;
use crate::locale::dates::{rfc2822, rfc3339};

#[derive(Serialize)]
pub(super) struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

impl Renderer {
    /// Makes the file at `path` by `recipe` from what the plan says it
    /// reads (`reads`), with the page's versions if its fingerprint
    /// gathered them.
    pub(super) fn make_recipe(
        &self,
        path: &str,
        recipe: &Recipe,
        reads: Reads,
        versions: Versions,
    ) -> Result<Vec<u8>> {
        let config = &self.site.config;
        match (recipe, reads) {
            (Recipe::Page(p), reads) => {
                let info = &self.plan.pages[*p];
                let versions = versions.unwrap_or_else(|| self.plan.versions(&self.site, info));
                self.render_page(info, &versions, &reads)
            }
            (_, reads @ Reads::Feed { .. }) => self.feed(&reads, path),
            (_, Reads::Fixed { lang, template }) => {
                let site_path = match path.strip_suffix("index.html") {
                    Some(folder) => format!("/{folder}"),
                    None => format!("/{path}"),
                };
                let info = PageInfo {
                    job: Job::Other,
                    lang: lang.to_string(),
                    path: site_path,
                    lastmod: None,
                };
                let mut ctx = self.base_context(&info, &Default::default());
                ctx.insert("page_kind", template.trim_end_matches(".html"));
                if let Some(local) = self.dates.get(lang) {
                    ctx.insert("digits", &local.digits().iter().collect::<String>());
                }
                self.render_file(template, &ctx, path)
            }
            (_, Reads::Redirect { to, lang }) => {
                let mut ctx = Context::new();
                ctx.insert("lang", lang);
                ctx.insert("dir", dir(self.lang_of(lang)));
                ctx.insert("target", &config.absolute_url(to));
                ctx.insert_value("config", self.config_value.clone());
                self.render_file("redirect.html", &ctx, path)
            }
            (Recipe::Photo { photo, version }, _) => {
                self.site.photos.version_bytes(*photo, *version)
            }
            (Recipe::Original { photo, .. }, _) => self.site.photos.largest_bytes(*photo),
            (Recipe::Asset { article, name }, _) => self.site.asset_bytes(*article, name),
            (_, Reads::Static(name)) => match self.theme.statics.get(name) {
                Some(file) => file.read(),
                None => Err(Error::msg(format!("no static file {name}"))),
            },
            (_, Reads::Manifest) => {
                let mut ctx = Context::new();
                ctx.insert_value("config", self.config_value.clone());
                ctx.insert_value("language", self.languages[&config.default_language].clone());
                ctx.insert("lang", &config.default_language);
                self.render_file("manifest.webmanifest", &ctx, path)
            }
            (_, Reads::SitemapPart(pages)) => {
                let mut ctx = Context::new();
                ctx.insert("entries", &self.sitemap_entries(pages));
                self.render_file("sitemap.xml", &ctx, path)
            }
            (_, Reads::SitemapIndex { parts }) => {
                let sitemaps: Vec<String> = (1..=parts)
                    .map(|n| config.absolute_url(&format!("/sitemap{n}.xml")))
                    .collect();
                let mut ctx = Context::new();
                ctx.insert("sitemaps", &sitemaps);
                self.render_file("sitemap_index.xml", &ctx, path)
            }
            (_, Reads::Robots) => {
                let mut ctx = Context::new();
                ctx.insert("sitemap", &config.absolute_url("/sitemap.xml"));
                self.render_file("robots.txt", &ctx, path)
            }
            (_, reads) => unreachable!("a page's reads for a file that is no page: {reads:?}"),
        }
    }

    /// Atom or RSS for a list that has feeds (page 1 of it).
    fn feed(&self, reads: &Reads, path: &str) -> Result<Vec<u8>> {
        let Reads::Feed {
            listing,
            template,
            items,
            section,
            term,
        } = reads
        else {
            unreachable!("only feeds")
        };
        let config = &self.site.config;
        let lang = self.lang_of(&listing.lang);
        let heading = self.list_heading(listing, *section, *term);
        let atom = *template == "atom.xml";
        let entries: Vec<Value> = items
            .iter()
            .map(|&i| {
                let (entry, item) = self.feed_entry(i)?;
                Ok(if atom { entry.clone() } else { item.clone() })
            })
            .collect::<Result<_>>()?;
        let latest = items
            .iter()
            .filter_map(|&i| self.site.articles[i].last_changed())
            .max_by_key(|d| d.timestamp());
        let updated = latest
            .map(rfc3339)
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let info = PageInfo {
            job: Job::Other,
            lang: listing.lang.clone(),
            path: listing.path.clone(),
            lastmod: None,
        };
        let mut ctx = self.base_context(&info, &Default::default());
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
                "rss_updated": latest.map(rfc2822),
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
        let owner = super::resized::Owner::Article(article.source.clone());
        let made = super::resized::as_owner(owner, || {
            Ok::<_, crate::error::Error>((render("atom_entry.xml")?, render("rss_item.xml")?))
        })?;
        // Two threads may make it at once; both make the same.
        Ok(self.feed_entries[i].get_or_init(|| made))
    }

    /// The entries of one sitemap file: one file's worth at a time, so
    /// memory does not grow with the site.
    fn sitemap_entries(&self, pages: &[PageInfo]) -> Vec<SitemapEntry> {
        let config = &self.site.config;
        pages
            .par_iter()
            .map(|info| {
                let versions = self.plan.versions(&self.site, info);
                let alternates = alternates(config, &versions);
                SitemapEntry {
                    loc: config.absolute_url(&info.path),
                    lastmod: info.lastmod.as_ref().map(rfc3339),
                    alternates,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::SITEMAP_LIMIT;
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
        let config = crate::build::load_config(&options).unwrap();
        crate::build::render_site(&options, config, &sink, None).unwrap();
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
}
