//! The list of every output file: pages, feeds, redirects, static files
//! and the sitemap, each with its recipe.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Job, PageInfo, Plan, Recipe, SITEMAP_LIMIT};
use crate::error::{Error, Result};
use crate::index::{self, Indexes};
use crate::site::Site;
use crate::theme::Theme;

/// An error naming the article (and the line of its `template` key) when
/// its front matter or its section's names a template the theme lacks:
/// found here, before any page is rendered, so an incremental build cannot
/// miss it.
pub(super) fn check_templates(site: &Site, theme: &Theme) -> Result<()> {
    let missing = |name: &Option<String>| {
        name.as_ref()
            .filter(|t| !theme.templates.contains_key(t.as_str()))
            .cloned()
    };
    for a in &site.articles {
        if let Some(name) = missing(&a.template) {
            return Err(template_error(&a.source, a.template_at, &name, theme));
        }
    }
    for s in &site.sections {
        if let Some(meta) = &s.meta
            && let Some(name) = missing(&meta.template)
        {
            return Err(template_error(&meta.source, meta.template_at, &name, theme));
        }
    }
    Ok(())
}

fn template_error(
    source: &std::path::Path,
    at: Option<crate::error::Position>,
    name: &str,
    theme: &Theme,
) -> Error {
    let html: Vec<&str> = theme
        .templates
        .keys()
        .map(String::as_str)
        .filter(|t| t.ends_with(".html") && !t.contains('/'))
        .collect();
    Error {
        position: at,
        ..Error::in_file(
            source,
            format!(
                "{} names the template `{name}`, which the theme does not have",
                source.display()
            ),
        )
    }
    .with_help(format!(
        "add templates/{name} to the site, or name one of {}",
        html.join(", ")
    ))
}

/// Every HTML page, in a stable order.
pub(super) fn page_infos(site: &Site, ix: &Indexes) -> Vec<PageInfo> {
    let mut infos: Vec<PageInfo> = (site.articles.par_iter().enumerate())
        .map(|(i, a)| PageInfo {
            job: Job::Article(i),
            lang: a.lang.clone(),
            path: site.paths[i].clone(),
            lastmod: a.last_changed().cloned(),
        })
        .collect();
    for (n, l) in ix.listings.iter().enumerate() {
        let newest = l.items.first().and_then(|&i| site.articles[i].date.clone());
        for page in 1..=index::page_count(l.items.len(), l.paginate_by) {
            infos.push(PageInfo {
                job: Job::List { listing: n, page },
                lang: l.lang.clone(),
                path: index::page_path(&l.path, page),
                lastmod: newest.clone(),
            });
        }
    }
    for (n, t) in ix.taxonomies.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Taxonomy(n),
            lang: t.lang.clone(),
            path: t.path.clone(),
            lastmod: None,
        });
    }
    for (n, a) in ix.archives.iter().enumerate() {
        infos.push(PageInfo {
            job: Job::Archive(n),
            lang: a.lang.clone(),
            path: a.path.clone(),
            lastmod: None,
        });
    }
    infos
}

/// Every file of the site with its recipe, and the number of each by its
/// path in lower case (see [`Plan::number`]); an error if two would share
/// a path.
pub(super) fn recipes(site: &Site, theme: &Theme, plan: &Plan) -> Result<Files> {
    let mut files = Vec::new();
    let parts = plan.pages.len().div_ceil(SITEMAP_LIMIT).max(1);
    if parts == 1 {
        files.push(("sitemap.xml".to_string(), Recipe::SitemapPart(0)));
    } else {
        for n in 0..parts {
            files.push((format!("sitemap{}.xml", n + 1), Recipe::SitemapPart(n)));
        }
        files.push(("sitemap.xml".to_string(), Recipe::SitemapIndex));
    }
    let pages: Vec<(String, Recipe)> = (plan.pages.par_iter().enumerate())
        .map(|(n, info)| (file_for(&info.path), Recipe::Page(n)))
        .collect();
    files.extend(pages);
    for (n, l) in plan.ix.listings.iter().enumerate() {
        if l.feeds {
            for template in ["atom.xml", "rss.xml"] {
                let path = format!("{}{template}", l.path.trim_start_matches('/'));
                files.push((
                    path,
                    Recipe::Feed {
                        listing: n,
                        template,
                    },
                ));
            }
        }
    }
    // One per language: `404.html` at the root is the host's (the
    // default language's), `fa/404.html` the Persian one (served for
    // `/fa/…` by hosts that look for it, and by `bulletin serve`).
    // And a search page per language, `/search/`, `/fa/search/`.
    for l in &site.config.languages {
        let path = format!("{}/404.html", l.prefix);
        files.push((
            path.trim_start_matches('/').to_string(),
            Recipe::Fixed {
                lang: l.code.clone(),
                template: "404.html",
            },
        ));
        if site.config.search {
            files.push((
                file_for(&format!("{}/{}/", l.prefix, crate::site::SEARCH)),
                Recipe::Fixed {
                    lang: l.code.clone(),
                    template: "search.html",
                },
            ));
        }
    }
    for (from, to, lang) in redirect_targets(site, &plan.ix)? {
        files.push((file_for(&from), Recipe::Redirect { to, lang }));
    }
    for path in theme.statics.keys() {
        if let Some(hashed) = theme.fingerprinted.get(path) {
            files.push((hashed.clone(), Recipe::Static(path.clone())));
        }
        files.push((path.clone(), Recipe::Static(path.clone())));
    }
    if theme.templates.contains_key("manifest.webmanifest") {
        files.push(("manifest.webmanifest".into(), Recipe::Manifest));
    }
    files.push(("robots.txt".into(), Recipe::Robots));
    // The same photo in two story folders has the same versions: one file each.
    let mut photo_paths = std::collections::HashSet::new();
    for (n, photo) in site.photos.photos.iter().enumerate() {
        for (v, version) in photo.versions.iter().enumerate() {
            if !photo_paths.insert(version.path.as_str()) {
                continue;
            }
            files.push((
                version.path.trim_start_matches('/').to_string(),
                Recipe::Photo {
                    photo: n,
                    version: v,
                },
            ));
        }
    }
    // A story folder's files, next to each of its stories' pages.
    for (i, a) in site.articles.iter().enumerate() {
        let Some(folder) = &a.bundle else { continue };
        let page = site.paths[i].trim_start_matches('/');
        for name in &a.assets {
            let source = std::path::Path::new("content").join(folder).join(name);
            let recipe = match site.photos.index_of(&source) {
                Some(photo) => Recipe::Original { photo, article: i },
                None => Recipe::Asset {
                    article: i,
                    name: name.clone(),
                },
            };
            files.push((format!("{page}{name}"), recipe));
        }
    }

    // Keyed by the path in lower case: `News/` and `news/` are one folder
    // on macOS, Windows and most object stores.
    // FxHash: a large site has a hundred thousand paths, hashed anew on
    // every structural edit in serve; no key here comes from outside.
    let mut seen: FxHashMap<String, usize> =
        FxHashMap::with_capacity_and_hasher(files.len(), Default::default());
    let lower: Vec<String> = files.par_iter().map(|(p, _)| p.to_lowercase()).collect();
    for (n, ((path, recipe), lower)) in files.iter().zip(lower).enumerate() {
        let Some(first) = seen.insert(lower, n) else {
            continue;
        };
        let (other, other_recipe) = &files[first];
        let makers = [recipe, other_recipe].map(|r| plan.maker(site, r).unwrap_or_default());
        let message = if other == path {
            format!(
                "two outputs would be written to {path} ({} and {})",
                makers[1], makers[0]
            )
        } else {
            format!(
                "{other} ({}) and {path} ({}) differ only in case: they are one file on macOS, Windows and most hosts",
                makers[1], makers[0]
            )
        };
        // Placed in the story that makes one of them, if one does.
        let story = [recipe, other_recipe].into_iter().find_map(|r| match r {
            Recipe::Page(p) => match plan.pages[*p].job {
                super::Job::Article(i) => Some(i),
                _ => None,
            },
            Recipe::Redirect { to, .. } => site.paths.iter().position(|p| p == to),
            _ => None,
        });
        let error = match story {
            Some(i) => Error::in_file(&site.articles[i].source, message),
            None => Error::msg(message),
        };
        return Err(error.with_help(
            "an article's slug, an alias, a section folder or a static file clashes with another; rename one",
        ));
    }
    Ok((files, seen))
}

type Files = (Vec<(String, Recipe)>, FxHashMap<String, usize>);

/// Redirect pages (from, to, language): aliases, `page/1/` of every
/// list, and `/` when the default language lives under its own prefix.
fn redirect_targets(site: &Site, ix: &Indexes) -> Result<Vec<(String, String, String)>> {
    let config = &site.config;
    let owners: HashMap<&str, usize> = site
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let mut targets = Vec::new();
    for (i, a) in site.articles.iter().enumerate() {
        for alias in &a.aliases {
            let from = normalize_alias(alias);
            if from.split('/').any(|p| p == "..") {
                return Err(
                    Error::in_file(&a.source, format!("alias `{alias}` leaves the site"))
                        .with_help("write aliases as site paths such as /old/story/"),
                );
            }
            if let Some(&owner) = owners.get(from.as_str()) {
                return Err(Error::in_file(
                    &a.source,
                    format!(
                        "alias `{alias}` of {} would overwrite the page of {}",
                        a.source.display(),
                        site.articles[owner].source.display()
                    ),
                )
                .with_help("remove the alias or move the other article"));
            }
            targets.push((from, site.paths[i].clone(), a.lang.clone()));
        }
    }
    for l in &ix.listings {
        targets.push((format!("{}page/1/", l.path), l.path.clone(), l.lang.clone()));
    }
    if config.default_language_in_subdir {
        let lang = config.default_lang();
        targets.push(("/".into(), format!("{}/", lang.prefix), lang.code.clone()));
    }
    Ok(targets)
}

/// `old/story` → `/old/story/`; a path with an extension stays a file.
pub fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_start_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or("");
    if last.contains('.') || trimmed.ends_with('/') || trimmed.is_empty() {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

/// The file a site path is written to: `/fa/x/` → `fa/x/index.html`.
pub fn file_for(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_for_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/fa/news/x/"), "fa/news/x/index.html");
        assert_eq!(file_for("/old.html"), "old.html");
    }

    #[test]
    fn aliases_become_site_paths() {
        assert_eq!(normalize_alias("old/story"), "/old/story/");
        assert_eq!(normalize_alias("/old.html"), "/old.html");
    }
}
