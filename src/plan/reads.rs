//! What each recipe reads: the one declaration that both a file's template
//! context and its fingerprint are made from.

use std::hash::{Hash, Hasher};

use super::{Job, PageInfo, Plan, Recipe, SITEMAP_LIMIT};
use crate::index::{Archive, ListKind, Listing, Taxonomy, Term};
use crate::site::{Section, Site};

/// What the recipe of one file reads, besides what every file reads (the
/// program, the configuration, the theme and the navigation).
///
/// An article is named by its number: it is read through its
/// [`ArticleFacts`], which hash the bytes of its file and what the site
/// says about it. Render makes the file's context from this value and
/// nothing else of the model; the fingerprint hashes this value.
#[derive(Debug)]
pub enum Reads<'a> {
    Article {
        i: usize,
        related: &'a [usize],
    },
    List {
        listing: &'a Listing,
        page: usize,
        /// The articles shown on this page.
        shown: &'a [usize],
        /// On a home's first page, its `featured = true` stories (the
        /// lead slot), newest first.
        featured: &'a [usize],
        /// The section listed, or the term.
        section: Option<&'a Section>,
        term: Option<(&'a Taxonomy, &'a Term)>,
    },
    Taxonomy(&'a Taxonomy),
    Archive(&'a Archive),
    Feed {
        listing: &'a Listing,
        template: &'static str,
        items: Vec<usize>,
        section: Option<&'a Section>,
        term: Option<(&'a Taxonomy, &'a Term)>,
    },
    /// A language's page made from a template alone.
    Fixed {
        lang: &'a str,
        template: &'static str,
    },
    Redirect {
        to: &'a str,
        lang: &'a str,
    },
    Manifest,
    /// Pages listed in one sitemap file.
    SitemapPart(&'a [PageInfo]),
    SitemapIndex {
        parts: usize,
    },
    Robots,
    /// Compared by its bytes, not fingerprinted.
    Static(&'a str),
    /// A photo version, a photo's clean original or a story folder's file:
    /// its bytes follow from `key` (of the source's bytes or stamp, and
    /// every parameter).
    File {
        key: u64,
    },
}

impl Reads<'_> {
    /// The articles this file shows, whose [`ArticleFacts`] it reads.
    pub fn articles(&self) -> Vec<usize> {
        match self {
            Reads::Article { i, related } => {
                std::iter::once(*i).chain(related.iter().copied()).collect()
            }
            Reads::List {
                shown, featured, ..
            } => shown.iter().chain(featured.iter()).copied().collect(),
            Reads::Feed { items, .. } => items.clone(),
            _ => Vec::new(),
        }
    }

    /// Hashes what is read, articles aside (see [`Reads::articles`]).
    pub fn hash_structure<H: Hasher>(&self, plan: &Plan, site: &Site, h: &mut H) {
        std::mem::discriminant(self).hash(h);
        match self {
            Reads::Article { .. } | Reads::Manifest | Reads::Robots => {}
            Reads::List {
                listing,
                page,
                section,
                term,
                ..
            } => {
                hash_listing(listing, h);
                page.hash(h);
                section.map(|s| hash_section(site, s)).hash(h);
                term.hash(h);
            }
            Reads::Taxonomy(t) => t.hash(h),
            Reads::Archive(a) => a.hash(h),
            Reads::Feed {
                listing,
                template,
                section,
                term,
                ..
            } => {
                hash_listing(listing, h);
                template.hash(h);
                section.map(|s| hash_section(site, s)).hash(h);
                term.hash(h);
            }
            Reads::Redirect { to, lang } => (to, lang).hash(h),
            Reads::Fixed { lang, template } => (lang, template).hash(h),
            Reads::SitemapPart(pages) => {
                for p in *pages {
                    (&p.path, &p.lang, p.lastmod.as_ref().map(|d| d.timestamp())).hash(h);
                    plan.versions(site, p).hash(h);
                }
            }
            Reads::SitemapIndex { parts } => parts.hash(h),
            Reads::Static(name) => name.hash(h),
            Reads::File { key } => key.hash(h),
        }
    }
}

/// A list as a page of it reads it: everything but its items, of which a
/// page shows only some (hashed as [`Reads::articles`]) and counts the rest.
fn hash_listing<H: Hasher>(l: &Listing, h: &mut H) {
    let Listing {
        kind,
        lang,
        path,
        items,
        paginate_by,
        feeds,
    } = l;
    (kind, lang, path, items.len(), paginate_by, feeds).hash(h);
}

/// A section as its list reads it: every field, and its `_index.md` by
/// the bytes of the file and where its `@/` links lead.
pub fn hash_section(site: &Site, s: &Section) -> u64 {
    let mut f = crate::fingerprint::Fingerprint::new();
    let Section {
        lang,
        name,
        path,
        meta,
        articles: _,
    } = s;
    (lang, name, path).hash(&mut f);
    if let Some(m) = meta {
        m.fingerprint.hash(&mut f);
        for target in &m.links {
            (target, site.link_path(target)).hash(&mut f);
        }
    }
    f.value()
}

/// Everything an article's template value is made of: the bytes of its
/// file (so every front-matter key, present and future) and what the rest
/// of the site says about it.
#[derive(Hash)]
pub struct ArticleFacts<'a> {
    pub file: u64,
    /// What the article's place in `content/` gives it.
    pub source: &'a std::path::Path,
    pub content_path: &'a str,
    pub lang: &'a str,
    pub section: &'a str,
    pub slug: &'a str,
    pub translation_key: &'a str,
    pub path: &'a str,
    pub image_size: Option<(usize, usize)>,
    /// Each translation's language, title and path.
    pub translations: Vec<(&'a str, &'a str, &'a str)>,
    /// Each term's taxonomy, name and URL.
    pub terms: Vec<(&'a str, &'a str, &'a str)>,
    pub month: Option<&'a str>,
    /// Where each of its `@/` links leads (`None`: nowhere, an error).
    pub links: Vec<(&'a str, Option<&'a str>)>,
    /// The fingerprints of the shortcode templates its text calls.
    pub shortcodes: Vec<u64>,
    /// What its `related(path="@/…")` calls show: the story named and its
    /// translations, by the fingerprints of their files.
    pub shown: Vec<u64>,
    /// Whether it is shown as embargoed (the clock passed or not).
    pub embargoed: bool,
    /// The newer translation it is outdated by, and that one's date.
    pub outdated_by: Option<(&'a str, Option<String>)>,
}

impl ArticleFacts<'_> {
    pub fn of<'a>(site: &'a Site, plan: &'a Plan, i: usize) -> ArticleFacts<'a> {
        let a = &site.articles[i];
        let ix = &plan.ix;
        ArticleFacts {
            embargoed: site.embargoed_until(i).is_some(),
            outdated_by: site.outdated_by(i).map(|j| {
                let when = site.articles[j].last_changed();
                (
                    site.paths[j].as_str(),
                    when.map(crate::locale::dates::rfc3339),
                )
            }),
            file: a.fingerprint,
            source: &a.source,
            content_path: &a.content_path,
            lang: &a.lang,
            section: &a.section,
            slug: &a.slug,
            translation_key: &a.translation_key,
            path: &site.paths[i],
            image_size: a.image_size,
            translations: site.translations[i]
                .iter()
                .map(|&t| {
                    let other = &site.articles[t];
                    (
                        other.lang.as_str(),
                        other.title.as_str(),
                        site.paths[t].as_str(),
                    )
                })
                .collect(),
            terms: ix.article_terms[i]
                .iter()
                .map(|&(t, n)| {
                    let taxonomy = &ix.taxonomies[t];
                    let term = &taxonomy.terms[n];
                    (
                        taxonomy.name.as_str(),
                        term.name.as_str(),
                        term.url.as_str(),
                    )
                })
                .collect(),
            month: ix.article_month[i].as_deref(),
            links: a
                .links
                .iter()
                .map(|target| {
                    let to = site.link_path(target);
                    (target.as_str(), to)
                })
                .collect(),
            shortcodes: (plan.shortcodes).prints(a.shortcodes.iter().map(|c| c.name.as_str())),
            shown: (a.shortcodes.iter())
                .filter_map(|c| site.by_content_path.get(c.target.as_deref()?))
                .flat_map(|&j| std::iter::once(j).chain(site.translations[j].iter().copied()))
                .map(|j| site.articles[j].fingerprint)
                .collect(),
        }
    }
}

impl Plan {
    /// What file number `n` reads.
    pub fn reads<'a>(&'a self, site: &'a Site, n: usize) -> Reads<'a> {
        self.reads_of(site, &self.files[n].1)
    }

    /// What a file made by `recipe` reads.
    pub fn reads_of<'a>(&'a self, site: &'a Site, recipe: &'a Recipe) -> Reads<'a> {
        let ix = &self.ix;
        match recipe {
            Recipe::Page(p) => match &self.pages[*p].job {
                Job::Article(i) => Reads::Article {
                    i: *i,
                    related: ix.related(*i),
                },
                Job::List { listing, page } => {
                    let l = &ix.listings[*listing];
                    let start = ((page - 1) * l.paginate_by).min(l.items.len());
                    let end = (start + l.paginate_by).min(l.items.len());
                    let (section, term) = self.subject(site, l);
                    let featured = match (&l.kind, page) {
                        (ListKind::Home, 1) => {
                            ix.featured.get(&l.lang).map_or(&[][..], Vec::as_slice)
                        }
                        _ => &[],
                    };
                    Reads::List {
                        listing: l,
                        page: *page,
                        shown: &l.items[start..end],
                        featured,
                        section,
                        term,
                    }
                }
                Job::Taxonomy(n) => Reads::Taxonomy(&ix.taxonomies[*n]),
                Job::Archive(n) => Reads::Archive(&ix.archives[*n]),
                Job::Other => Reads::Fixed {
                    lang: &self.pages[*p].lang,
                    template: "404.html",
                },
            },
            Recipe::Feed { listing, template } => {
                let l = &ix.listings[*listing];
                let (section, term) = self.subject(site, l);
                Reads::Feed {
                    listing: l,
                    template,
                    items: Plan::feed_items(site, l),
                    section,
                    term,
                }
            }
            Recipe::Fixed { lang, template } => Reads::Fixed { lang, template },
            Recipe::Redirect { to, lang } => Reads::Redirect { to, lang },
            Recipe::Static(name) => Reads::Static(name),
            Recipe::Manifest => Reads::Manifest,
            Recipe::SitemapPart(part) => {
                Reads::SitemapPart(self.pages.chunks(SITEMAP_LIMIT).nth(*part).unwrap_or(&[]))
            }
            Recipe::SitemapIndex => Reads::SitemapIndex {
                parts: self.pages.len().div_ceil(SITEMAP_LIMIT),
            },
            Recipe::Robots => Reads::Robots,
            Recipe::Photo { photo, version } => Reads::File {
                key: site.photos.photos[*photo].versions[*version].key,
            },
            Recipe::Original { photo, .. } => Reads::File {
                key: site.photos.photos[*photo].largest().key,
            },
            Recipe::Asset { article, name } => Reads::File {
                key: crate::fingerprint::Fingerprint::new()
                    .with(&site.articles[*article].fingerprint)
                    .with(name)
                    .value(),
            },
        }
    }

    /// The section or the term a list shows.
    #[allow(clippy::type_complexity)]
    fn subject<'a>(
        &'a self,
        site: &'a Site,
        l: &Listing,
    ) -> (Option<&'a Section>, Option<(&'a Taxonomy, &'a Term)>) {
        match &l.kind {
            ListKind::Section(n) => (Some(&site.sections[*n]), None),
            // The home's file, as a section without stories.
            ListKind::Home => (site.home(&l.lang), None),
            ListKind::Term { taxonomy, term } => {
                let term = (self.ix.taxonomies.iter())
                    .find(|t| t.lang == l.lang && &t.name == taxonomy)
                    .map(|t| (t, &t.terms[*term]));
                // The term's file (an author's bio), as a section.
                let file = term.and_then(|(_, t)| site.term_file(&l.lang, taxonomy, &t.slug));
                (file, term)
            }
            _ => (None, None),
        }
    }
}
