//! Index: the lists a bulletin is read through — each language's home, its
//! sections, taxonomy terms and date archives — built once from the site.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::locale::dates::year_month;
use crate::locale::slug::slugify;
use crate::site::Site;

/// What a paginated list shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListKind {
    Home,
    /// Index into `Site::sections`.
    Section(usize),
    Term {
        taxonomy: String,
        term: usize,
    },
    Year {
        year: i32,
    },
    Month {
        year: i32,
        month: u8,
    },
    /// A language's corrected stories, latest correction first.
    Corrections,
}

/// The most featured stories a front page shows in its lead slot.
pub const FEATURED: usize = 3;

/// A paginated list of articles at one URL.
#[derive(Debug, Clone)]
pub struct Listing {
    pub kind: ListKind,
    pub lang: String,
    /// Site path of page 1: `/fa/news/`.
    pub path: String,
    pub items: Vec<usize>,
    pub paginate_by: usize,
    /// Whether the list has Atom and RSS feeds.
    pub feeds: bool,
}

/// One term of a taxonomy in one language.
#[derive(Debug, Clone, Hash)]
pub struct Term {
    /// As first written (in site order).
    pub name: String,
    pub slug: String,
    pub path: String,
    /// The root-relative URL of `path`, encoded once: every article, list
    /// and feed showing the term links to it.
    pub url: String,
    pub items: Vec<usize>,
    /// What links it to the same term in other languages: its file's
    /// `translation_key`, else its slug.
    pub key: String,
    /// Its file's fingerprint (its bio, photo, display name), if it has one.
    pub file: Option<u64>,
}

/// A taxonomy of one language: `/fa/tags/`.
#[derive(Debug, Clone, Hash)]
pub struct Taxonomy {
    pub lang: String,
    pub name: String,
    /// Its display name from its file, if it has one.
    pub title: Option<String>,
    pub path: String,
    /// By name.
    pub terms: Vec<Term>,
}

/// A month of a language's archive, in its calendar.
#[derive(Debug, Clone, Hash)]
pub struct ArchiveMonth {
    pub year: i32,
    pub month: u8,
    pub path: String,
    pub items: Vec<usize>,
}

/// A year of a language's archive, newest month first.
#[derive(Debug, Clone, Hash)]
pub struct ArchiveYear {
    pub year: i32,
    pub path: String,
    pub items: Vec<usize>,
    pub months: Vec<ArchiveMonth>,
}

/// A language's date archive: `/fa/archive/`.
#[derive(Debug, Clone, Hash)]
pub struct Archive {
    pub lang: String,
    pub path: String,
    /// Newest year first.
    pub years: Vec<ArchiveYear>,
}

/// Every index of the site.
#[derive(Debug, Default)]
pub struct Indexes {
    pub listings: Vec<Listing>,
    pub taxonomies: Vec<Taxonomy>,
    pub archives: Vec<Archive>,
    /// The month archive path of each article (dated ones).
    pub article_month: Vec<Option<String>>,
    /// Terms of each article as (index in `taxonomies`, index in its
    /// `terms`), as the article lists them.
    pub article_terms: Vec<Vec<(usize, usize)>>,
    /// Each language's featured stories on its front page (`featured =
    /// true`), newest first, at most [`FEATURED`].
    pub featured: HashMap<String, Vec<usize>>,
    /// Up to three related stories of each article, found when first asked
    /// for (see [`Indexes::related`]).
    related: Vec<OnceLock<Vec<usize>>>,
}

pub fn build(site: &Site) -> Indexes {
    let n = site.articles.len();
    let mut ix = Indexes {
        article_month: vec![None; n],
        article_terms: vec![Vec::new(); n],
        related: (0..n).map(|_| OnceLock::new()).collect(),
        ..Indexes::default()
    };
    // Each language's articles in site order, found in one pass: a large
    // site's articles do not fit in the cache, and each look at one costs.
    let languages = &site.config.languages;
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); languages.len()];
    for (i, a) in site.articles.iter().enumerate() {
        if let Some(l) = languages.iter().position(|l| l.code == a.lang) {
            own[l].push(i);
        }
    }
    // Languages share no list: each is indexed on its own, side by side.
    let parts: Vec<Indexes> = (languages.par_iter().zip(&own))
        .map(|(lang, own)| language(site, lang, own))
        .collect();
    for part in parts {
        let offset = ix.taxonomies.len();
        for (i, terms) in part.article_terms.into_iter().enumerate() {
            if !terms.is_empty() {
                ix.article_terms[i] = terms.into_iter().map(|(t, n)| (t + offset, n)).collect();
            }
        }
        for (i, month) in part.article_month.into_iter().enumerate() {
            if month.is_some() {
                ix.article_month[i] = month;
            }
        }
        ix.listings.extend(part.listings);
        ix.featured.extend(part.featured);
        ix.taxonomies.extend(part.taxonomies);
        ix.archives.extend(part.archives);
    }
    let per_page = site.config.paginate_by;
    for (n, section) in site.sections.iter().enumerate() {
        ix.listings.push(Listing {
            kind: ListKind::Section(n),
            lang: section.lang.clone(),
            path: section.path.clone(),
            items: section.articles.clone(),
            paginate_by: section
                .meta
                .as_ref()
                .and_then(|m| m.paginate_by)
                .unwrap_or(per_page),
            feeds: true,
        });
    }
    ix
}

/// The home, taxonomies and archive of one language (its taxonomies
/// numbered from 0).
fn language(site: &Site, lang: &crate::config::Language, own: &[usize]) -> Indexes {
    let n = site.articles.len();
    let mut ix = Indexes::default();
    let dated: Vec<usize> = (own.iter().copied())
        .filter(|&i| site.articles[i].date.is_some() && !site.articles[i].is_page)
        .collect();
    front_page(site, lang, &dated, &mut ix);
    corrections(site, lang, own, &mut ix);
    // The terms and the archive read other fields of every story: side by
    // side, they keep both cores busy while three languages share two.
    let (terms, months) = rayon::join(
        || {
            let mut ix = Indexes {
                article_terms: vec![Vec::new(); n],
                ..Indexes::default()
            };
            for taxonomy in &site.config.taxonomies {
                self::taxonomy(site, lang, taxonomy, own, &mut ix);
            }
            ix
        },
        || {
            let mut ix = Indexes {
                article_month: vec![None; n],
                ..Indexes::default()
            };
            archive(site, lang, &dated, &mut ix);
            ix
        },
    );
    ix.listings.extend(terms.listings);
    ix.taxonomies = terms.taxonomies;
    ix.article_terms = terms.article_terms;
    ix.listings.extend(months.listings);
    ix.archives = months.archives;
    ix.article_month = months.article_month;
    ix
}

/// A language's front page and its featured stories.
fn front_page(site: &Site, lang: &crate::config::Language, dated: &[usize], ix: &mut Indexes) {
    // `[home] sections`: the front page lists only theirs.
    let home = &site.config.home;
    let on_home = |i: &usize| {
        let section = &site.articles[*i].section;
        let top = section.split('/').next().unwrap_or("");
        home.sections.is_empty() || home.sections.iter().any(|s| s == top)
    };
    let featured: Vec<usize> = (dated.iter().copied())
        .filter(|&i| site.articles[i].featured)
        .filter(on_home)
        .take(FEATURED)
        .collect();
    ix.featured.insert(lang.code.clone(), featured);
    ix.listings.push(Listing {
        kind: ListKind::Home,
        lang: lang.code.clone(),
        path: format!("{}/", lang.prefix),
        items: dated.iter().copied().filter(on_home).collect(),
        paginate_by: home.paginate_by.unwrap_or(site.config.paginate_by),
        feeds: true,
    });
}

/// A language's corrected stories, newest correction first.
fn corrections(site: &Site, lang: &crate::config::Language, own: &[usize], ix: &mut Indexes) {
    let mut corrected: Vec<usize> = (own.iter().copied())
        .filter(|&i| !site.articles[i].corrections.is_empty())
        .collect();
    // A stable sort keeps site order in a tie.
    corrected.sort_by_key(|&i| {
        let last = site.articles[i].corrections.last().expect("corrected");
        std::cmp::Reverse(last.date.timestamp())
    });
    ix.listings.push(Listing {
        kind: ListKind::Corrections,
        lang: lang.code.clone(),
        path: format!("{}/{}/", lang.prefix, crate::site::CORRECTIONS),
        items: corrected,
        paginate_by: site.config.paginate_by,
        feeds: true,
    });
}

/// One taxonomy of a language: its terms in the language's dictionary
/// order, each with its stories, and a list page per term.
fn taxonomy(
    site: &Site,
    lang: &crate::config::Language,
    taxonomy: &str,
    own: &[usize],
    ix: &mut Indexes,
) {
    let path = format!("{}/{}/", lang.prefix, taxonomy);
    let taxonomy_index = ix.taxonomies.len();
    let mut terms: Vec<Term> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    // The term of each name as written (`None`: it has no slug): a
    // bulletin's few hundred terms are written tens of thousands of times.
    let mut by_name: HashMap<&str, Option<usize>> = HashMap::new();
    // (article, term) in the order each article writes its terms.
    let mut written: Vec<(usize, usize)> = Vec::new();
    for &i in own {
        // Pages are in no term's list: they are not stories.
        if site.articles[i].is_page {
            continue;
        }
        let Some(names) = site.articles[i].taxonomies.get(taxonomy) else {
            continue;
        };
        for name in names {
            let term = *by_name.entry(name.as_str()).or_insert_with(|| {
                let slug = slugify(name, site.config.slugify);
                if slug.is_empty() {
                    return None;
                }
                Some(*by_slug.entry(slug).or_insert_with_key(|slug| {
                    terms.push(new_term(site, lang, taxonomy, &path, name, slug));
                    terms.len() - 1
                }))
            });
            let Some(at) = term else { continue };
            if terms[at].items.last() != Some(&i) {
                terms[at].items.push(i);
                written.push((i, at));
            }
        }
    }
    // In the language's dictionary order; the slug breaks ties. Each
    // term's new place is remembered for its articles.
    let mut order: Vec<usize> = (0..terms.len()).collect();
    let dictionary = crate::locale::order::Order::of(&lang.code);
    order.sort_by(|&a, &b| {
        (dictionary.compare(&terms[a].name, &terms[b].name))
            .then_with(|| terms[a].slug.cmp(&terms[b].slug))
    });
    let mut place = vec![0; terms.len()];
    for (n, &at) in order.iter().enumerate() {
        place[at] = n;
    }
    let mut slots: Vec<Option<Term>> = terms.into_iter().map(Some).collect();
    let terms: Vec<Term> = order
        .iter()
        .map(|&at| slots[at].take().expect("each term once"))
        .collect();
    for (i, at) in written {
        ix.article_terms[i].push((taxonomy_index, place[at]));
    }
    for (n, term) in terms.iter().enumerate() {
        ix.listings.push(Listing {
            kind: ListKind::Term {
                taxonomy: taxonomy.to_string(),
                term: n,
            },
            lang: lang.code.clone(),
            path: term.path.clone(),
            items: term.items.clone(),
            paginate_by: site.config.paginate_by,
            feeds: true,
        });
    }
    let file = site.term_file(&lang.code, taxonomy, "");
    ix.taxonomies.push(Taxonomy {
        lang: lang.code.clone(),
        name: taxonomy.to_string(),
        // Its name in this language, from `content/<lang>/<taxonomy>/_index.md`.
        title: file.and_then(|f| f.meta.as_ref()?.title.clone()),
        path,
        terms,
    });
}

/// A term first written as `name`, with no stories yet.
fn new_term(
    site: &Site,
    lang: &crate::config::Language,
    taxonomy: &str,
    path: &str,
    name: &str,
    slug: &str,
) -> Term {
    let term_path = format!("{path}{slug}/");
    let file = site.term_file(&lang.code, taxonomy, slug);
    let meta = file.and_then(|f| f.meta.as_ref());
    Term {
        // Its file's title is its name in this language.
        name: (meta.and_then(|m| m.title.clone())).unwrap_or_else(|| name.trim().to_string()),
        key: (meta.and_then(|m| m.translation_key.clone())).unwrap_or_else(|| slug.to_string()),
        file: meta.map(|m| m.fingerprint),
        url: site.config.relative_url(&term_path),
        path: term_path,
        slug: slug.to_string(),
        items: Vec::new(),
    }
}

/// A language's date archive: its years and months in its calendar, each
/// a list page.
fn archive(site: &Site, lang: &crate::config::Language, dated: &[usize], ix: &mut Indexes) {
    let per_page = site.config.paginate_by;
    let mut years: BTreeMap<i32, BTreeMap<u8, Vec<usize>>> = BTreeMap::new();
    // Filed by the day it is in the edition's zone, not the author's.
    let zone = crate::locale::dates::time_zone(&lang.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    for &i in dated {
        let date =
            crate::locale::dates::day_in(site.articles[i].date.as_ref().expect("dated"), &zone);
        let (y, m) = year_month(date, lang.calendar);
        years.entry(y).or_default().entry(m).or_default().push(i);
        ix.article_month[i] = Some(month_path(&lang.prefix, y, m));
    }
    let mut archive = Archive {
        lang: lang.code.clone(),
        path: format!("{}/archive/", lang.prefix),
        years: Vec::new(),
    };
    for (year, months) in years.into_iter().rev() {
        let mut y = ArchiveYear {
            year,
            path: format!("{}/{year:04}/", lang.prefix),
            items: Vec::new(),
            months: Vec::new(),
        };
        for (month, items) in months.into_iter().rev() {
            y.items.extend(&items);
            y.months.push(ArchiveMonth {
                year,
                month,
                path: month_path(&lang.prefix, year, month),
                items,
            });
        }
        // Months were appended newest first; keep site order within the year.
        y.items.sort_unstable();
        for m in &y.months {
            ix.listings.push(Listing {
                kind: ListKind::Month {
                    year,
                    month: m.month,
                },
                lang: lang.code.clone(),
                path: m.path.clone(),
                items: m.items.clone(),
                paginate_by: per_page,
                feeds: false,
            });
        }
        ix.listings.push(Listing {
            kind: ListKind::Year { year },
            lang: lang.code.clone(),
            path: y.path.clone(),
            items: y.items.clone(),
            paginate_by: per_page,
            feeds: false,
        });
        archive.years.push(y);
    }
    ix.archives.push(archive);
}

impl Indexes {
    /// Up to three articles sharing the most terms with article `i`.
    pub fn related(&self, i: usize) -> &[usize] {
        self.related[i].get_or_init(|| related(self, i))
    }
}

/// Up to three articles sharing the most terms with article `i`, the
/// nearest in time first among equals. Candidates are the neighbours of `i`
/// in each of its terms' lists, so the cost does not grow with the size of
/// a popular term.
fn related(ix: &Indexes, i: usize) -> Vec<usize> {
    const NEIGHBOURS: usize = 8;
    let ids = &ix.article_terms[i];
    let mut candidates: Vec<usize> = Vec::new();
    for &(t, n) in ids {
        let items = &ix.taxonomies[t].terms[n].items;
        let at = items.binary_search(&i).unwrap_or_else(|p| p);
        let window = &items[at.saturating_sub(NEIGHBOURS)..(at + NEIGHBOURS + 1).min(items.len())];
        candidates.extend(window.iter().copied().filter(|&j| j != i));
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut ranked: Vec<(usize, usize, usize)> = candidates
        .into_iter()
        .map(|j| {
            let shared = ix.article_terms[j]
                .iter()
                .filter(|id| ids.contains(id))
                .count();
            (shared, j.abs_diff(i), j)
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    ranked.into_iter().take(3).map(|(_, _, j)| j).collect()
}

fn month_path(prefix: &str, year: i32, month: u8) -> String {
    format!("{prefix}/{year:04}/{month:02}/")
}

/// The site path of page `number` of a list at `path`: page 1 is the list
/// itself, never `page/1/`.
pub fn page_path(path: &str, number: usize) -> String {
    if number <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{number}/")
    }
}

/// How many pages a list of `items` needs; an empty list still has one.
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_edges() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(1, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_path("/fa/news/", 1), "/fa/news/");
        assert_eq!(page_path("/fa/news/", 2), "/fa/news/page/2/");
    }
}
