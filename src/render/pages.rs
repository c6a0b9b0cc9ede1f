//! HTML pages: the context every page shares, article and list pages,
//! pagination, related stories, and the fingerprints that let unchanged
//! pages be reused.

use std::collections::BTreeMap;

use crate::content::markdown;

use serde::Serialize;
use tera::{Context, Value};

use super::context;
use super::{PageInfo, Reads, Renderer, templates};
use crate::error::Result;
use crate::index::{self, ListKind, Listing, Taxonomy, Term};
use crate::locale::dates::{DateFormat, first_day};
use crate::plan::{Link, file_for, section_title};
use crate::site::Section;

#[derive(Serialize)]
pub(super) struct Alternate {
    pub(super) hreflang: String,
    pub(super) href: String,
}

/// A page's hreflang alternates, pages and sitemap alike: each language's
/// version in site order, then `x-default` (the default language's, else
/// the first); none for a page in one language only.
pub(super) fn alternates(
    config: &crate::config::Config,
    versions: &std::collections::BTreeMap<String, String>,
) -> Vec<Alternate> {
    if versions.len() < 2 {
        return Vec::new();
    }
    let mut alternates: Vec<Alternate> = (config.languages.iter())
        .filter_map(|l| versions.get(&l.code).map(|p| (l, p)))
        .map(|(l, p)| Alternate {
            hreflang: l.code.clone(),
            href: config.absolute_url(p),
        })
        .collect();
    let default = (versions.get(&config.default_language)).or_else(|| versions.values().next());
    if let Some(p) = default {
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            href: config.absolute_url(p),
        });
    }
    alternates
}

#[derive(Serialize)]
struct SwitcherEntry {
    code: String,
    /// The language's direction: its name is written in it.
    dir: &'static str,
    name: String,
    url: String,
    current: bool,
    /// Whether the link lands on this page's translation (else that language's home).
    translated: bool,
}

#[derive(Serialize)]
struct Pager {
    number: usize,
    label: String,
    url: String,
    current: bool,
    /// Stands for pages left out of the window (shown as "…").
    gap: bool,
}

/// Page numbers shown around `current`: the first, the last and two either
/// side, with `None` for each run left out. A list of a thousand pages shows
/// at most nine links on each, so list pages stay small.
fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(2).max(1)..=(current + 2).min(total))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut window = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if i > 0 && n > shown[i - 1] + 1 {
            window.push(None);
        }
        window.push(Some(n));
    }
    window
}

#[derive(Serialize)]
struct Paginator {
    pages: Vec<Value>,
    current_index: usize,
    current_label: String,
    number_pagers: usize,
    total_pages: usize,
    paginate_by: usize,
    total_items: usize,
    total_items_label: String,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
    pagers: Vec<Pager>,
}

impl Renderer {
    pub(super) fn lang_of(&self, code: &str) -> &crate::config::Language {
        self.site.config.language(code).expect("configured")
    }

    /// What every page of a language has in its context, made once per
    /// build rather than for every page.
    pub(super) fn language_context(&self, lang: &crate::config::Language) -> Context {
        let config = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert_value("config", self.config_value.clone());
        ctx.insert("lang", &lang.code);
        ctx.insert_value("language", self.languages[&lang.code].clone());
        ctx.insert_value("languages", self.all_languages.clone());
        ctx.insert_value("nav", self.nav[&lang.code].clone());
        let prefix = &lang.prefix;
        ctx.insert(
            "archive_url",
            &config.relative_url(&format!("{prefix}/archive/")),
        );
        if config.search {
            ctx.insert(
                "search_url",
                &config.relative_url(&format!("{prefix}/{}/", crate::site::SEARCH)),
            );
        }
        ctx.insert(
            "corrections_url",
            &config.relative_url(&format!("{prefix}/{}/", crate::site::CORRECTIONS)),
        );
        let taxonomy_links: Vec<Link> = config
            .taxonomies
            .iter()
            .map(|t| Link {
                name: t.clone(),
                url: config.relative_url(&format!("{prefix}/{t}/")),
            })
            .collect();
        ctx.insert("taxonomy_links", &taxonomy_links);
        ctx.insert(
            "feed_atom",
            &config.absolute_url(&format!("{prefix}/atom.xml")),
        );
        ctx.insert(
            "feed_rss",
            &config.absolute_url(&format!("{prefix}/rss.xml")),
        );
        ctx
    }

    /// The context every HTML page shares.
    pub(super) fn base_context(
        &self,
        info: &PageInfo,
        versions: &BTreeMap<String, String>,
    ) -> Context {
        let config = &self.site.config;
        let mut ctx = self.language_contexts[&info.lang].clone();
        ctx.insert("current_path", &info.path);
        let current_url = config.relative_url(&info.path);
        let nav_current = if self.plan.links_to(&self.site, info) {
            current_url.as_str()
        } else {
            ""
        };
        ctx.insert("nav_current", nav_current);
        ctx.insert("current_url", &current_url);
        ctx.insert("canonical", &config.absolute_url(&info.path));

        let alternates = alternates(config, versions);
        ctx.insert("alternates", &alternates);
        let switcher: Vec<SwitcherEntry> = config
            .languages
            .iter()
            .map(|l| {
                let translated = versions.get(&l.code);
                SwitcherEntry {
                    code: l.code.clone(),
                    dir: super::context::dir(l),
                    name: l.name.clone(),
                    url: config.relative_url(translated.map_or(&format!("{}/", l.prefix), |p| p)),
                    current: l.code == info.lang,
                    translated: translated.is_some(),
                }
            })
            .collect();
        ctx.insert("switcher", &switcher);
        ctx
    }

    /// Renders one HTML page from what it reads; `versions` are its paths
    /// in each language.
    pub(super) fn render_page(
        &self,
        info: &PageInfo,
        versions: &BTreeMap<String, String>,
        reads: &Reads,
    ) -> Result<Vec<u8>> {
        let mut ctx = self.base_context(info, versions);
        let template = match reads {
            Reads::Article { i, related } => {
                ctx.insert_value("page", self.full_page(*i)?);
                let a = &self.site.articles[*i];
                ctx.insert("page_kind", if a.is_page { "page" } else { "article" });
                let related: Vec<Value> = related
                    .iter()
                    .map(|&j| self.value(j).cloned())
                    .collect::<Result<_>>()?;
                ctx.insert("related", &related);
                a.template
                    .clone()
                    .unwrap_or_else(|| self.default_template(a).into())
            }
            Reads::List { .. } => self.list_context(&mut ctx, reads)?,
            Reads::Taxonomy(t) => {
                ctx.insert("taxonomy", &self.taxonomy_value(t));
                ctx.insert("page_kind", "taxonomy");
                "taxonomy_list.html".into()
            }
            Reads::Archive(a) => {
                ctx.insert("archive", &self.archive_value(a));
                ctx.insert("page_kind", "archive");
                "archive.html".into()
            }
            other => unreachable!("not a page: {other:?}"),
        };
        self.render_file(&template, &ctx, &file_for(&info.path))
    }

    /// The template of an article that names none: `page.html` for a page
    /// (if the theme has one), else `article.html`.
    pub(super) fn default_template(&self, a: &crate::content::Article) -> &'static str {
        match a.is_page && self.tera.contains_template("page.html") {
            true => "page.html",
            false => "article.html",
        }
    }

    /// A taxonomy's name in its language: its file's title, else the
    /// theme string `taxonomy.<name>`.
    fn taxonomy_title(&self, t: &Taxonomy) -> String {
        (t.title.clone()).unwrap_or_else(|| {
            self.theme
                .strings
                .get(&t.lang, &format!("taxonomy.{}", t.name))
        })
    }

    /// `taxonomy` on a taxonomy's page: its terms with counts.
    fn taxonomy_value(&self, t: &Taxonomy) -> serde_json::Value {
        let terms: Vec<serde_json::Value> = t
            .terms
            .iter()
            .map(|term| {
                serde_json::json!({
                    "name": term.name, "slug": term.slug,
                    "url": term.url,
                    "count": term.items.len(),
                    "count_label": self.number(&t.lang, term.items.len()),
                })
            })
            .collect();
        serde_json::json!({
            "name": t.name, "title": self.taxonomy_title(t),
            "url": self.site.config.relative_url(&t.path), "terms": terms,
        })
    }

    /// `archive` on a language's archive page: years and their months.
    fn archive_value(&self, a: &crate::index::Archive) -> serde_json::Value {
        let cal = self.lang_of(&a.lang).calendar;
        let config = &self.site.config;
        let years: Vec<serde_json::Value> = a
            .years
            .iter()
            .map(|y| {
                let months: Vec<serde_json::Value> = y
                    .months
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "label": self.month_label(&a.lang, m.year, m.month, cal),
                            "url": config.relative_url(&m.path),
                            "count": m.items.len(),
                            "count_label": self.number(&a.lang, m.items.len()),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "year": y.year, "label": self.number(&a.lang, y.year as usize),
                    "url": config.relative_url(&y.path),
                    "count": y.items.len(), "count_label": self.number(&a.lang, y.items.len()),
                    "months": months,
                })
            })
            .collect();
        serde_json::json!({ "years": years })
    }

    pub(super) fn number(&self, lang: &str, n: usize) -> String {
        self.dates
            .get(lang)
            .map_or(n.to_string(), |d| d.number(n as i64))
    }

    pub(super) fn month_label(
        &self,
        lang: &str,
        year: i32,
        month: u8,
        cal: crate::locale::Calendar,
    ) -> String {
        match (first_day(year, month, cal), self.dates.get(lang)) {
            (Some(day), Some(d)) => d.format(day, DateFormat::MonthYear),
            _ => format!("{year}-{month:02}"),
        }
    }

    /// The heading of a list: the bulletin's title, a section's, a term's
    /// name, or a localized year or month.
    pub(super) fn list_heading(
        &self,
        listing: &Listing,
        section: Option<&Section>,
        term: Option<(&Taxonomy, &Term)>,
    ) -> String {
        let lang = &listing.lang;
        match (&listing.kind, section, term) {
            (ListKind::Home, ..) => (section.and_then(|s| s.meta.as_ref()?.title.clone()))
                .unwrap_or_else(|| self.lang_of(lang).title.clone()),
            (ListKind::Section(_), Some(s), _) => section_title(s),
            (ListKind::Term { .. }, _, Some((_, term))) => term.name.clone(),
            (ListKind::Year { year }, ..) => self.number(lang, *year as usize),
            (ListKind::Corrections, ..) => self.theme.strings.get(lang, "corrections"),
            (ListKind::Month { year, month }, ..) => {
                self.month_label(lang, *year, *month, self.lang_of(lang).calendar)
            }
            _ => String::new(),
        }
    }

    /// Fills a list page's context from what it reads and returns its
    /// template.
    pub(super) fn list_context(&self, ctx: &mut Context, reads: &Reads) -> Result<String> {
        let Reads::List {
            listing,
            page,
            shown,
            featured,
            section,
            term,
        } = reads
        else {
            unreachable!("only lists")
        };
        let config = &self.site.config;
        let pages: Vec<Value> = shown
            .iter()
            .map(|&i| self.value(i).cloned())
            .collect::<Result<_>>()?;
        ctx.insert("paginator", &self.paginator(listing, *page, pages));
        if matches!(listing.kind, ListKind::Home) {
            let featured: Vec<Value> = (featured.iter())
                .map(|&i| self.value(i).cloned())
                .collect::<Result<_>>()?;
            ctx.insert("featured", &featured);
        }
        if listing.feeds {
            ctx.insert(
                "feed_atom",
                &config.absolute_url(&format!("{}atom.xml", listing.path)),
            );
            ctx.insert(
                "feed_rss",
                &config.absolute_url(&format!("{}rss.xml", listing.path)),
            );
        }
        let lang = &listing.lang;
        let heading = self.list_heading(listing, *section, *term);
        let (kind, template) = match (&listing.kind, section, term) {
            (ListKind::Home, ..) => {
                // `content/<lang>/_index.md`: the home's intro and template.
                if let Some(home) = section {
                    ctx.insert("section", &self.section_value(home)?);
                }
                let template = section.and_then(|s| s.meta.as_ref()?.template.clone());
                ("home", template.unwrap_or_else(|| "index.html".into()))
            }
            (ListKind::Section(_), Some(s), _) => {
                ctx.insert("section", &self.section_value(s)?);
                let template = s.meta.as_ref().and_then(|m| m.template.clone());
                ("section", template.unwrap_or_else(|| "section.html".into()))
            }
            (ListKind::Term { .. }, _, Some((t, term))) => {
                ctx.insert(
                    "taxonomy",
                    &serde_json::json!({ "name": t.name, "title": self.taxonomy_title(t), "url": config.relative_url(&t.path) }),
                );
                let mut value = serde_json::json!({ "name": term.name, "slug": term.slug, "url": term.url, "count": term.items.len() });
                // Its file (an author's bio, photo and links).
                if let Some(file) = section {
                    let about = self.section_value(file)?;
                    for key in ["description", "content", "extra", "image"] {
                        value[key] = about[key].clone();
                    }
                }
                ctx.insert("term", &value);
                ("term", "taxonomy_term.html".into())
            }
            (ListKind::Year { year }, ..) => {
                ctx.insert("year", year);
                ("year", "archive_year.html".into())
            }
            (ListKind::Month { year, month }, ..) => {
                ctx.insert("year", year);
                ctx.insert("month", month);
                ctx.insert(
                    "year_url",
                    &config.relative_url(&format!("{}/{year:04}/", self.lang_of(lang).prefix)),
                );
                ctx.insert("year_label", &self.number(lang, *year as usize));
                ("month", "archive_month.html".into())
            }
            (ListKind::Corrections, ..) => ("corrections", "corrections.html".into()),
            (kind, ..) => unreachable!("a list of {kind:?} without its subject"),
        };
        ctx.insert("page_kind", kind);
        ctx.insert("heading", &heading);
        Ok(template)
    }

    /// `section` on a section's list pages, its intro rendered.
    pub(super) fn section_value(&self, s: &Section) -> Result<serde_json::Value> {
        let config = &self.site.config;
        let intro = s.meta.as_ref().map(|m| {
            let resolve = |t: &str| self.site.link_path(t).map(|path| config.relative_url(path));
            let hook = |h: &markdown::Hook| self.hook(&s.lang, h);
            let settings = markdown::Settings {
                unsafe_html: config.markdown.unsafe_html,
                highlight: config.markdown.highlight_code.then_some(&self.highlighter),
                resolve: &resolve,
                base_path: &config.base_path,
                local: None,
                hooks: self.has_hooks.then_some(&hook as markdown::HookFn),
            };
            markdown::render(&m.body, &settings)
                .map(|r| r.html)
                .map_err(|e| super::body::markdown_error(&m.source, m.body_line, &m.body, e))
        });
        let intro = intro.transpose()?;
        Ok(serde_json::json!({
            "name": s.name, "title": section_title(s),
            "description": s.meta.as_ref().and_then(|m| m.description.clone()),
            "content": intro.unwrap_or_default(),
            "url": config.relative_url(&s.path),
            "image": s.meta.as_ref().and_then(|m| m.image.as_deref()).map(|i| match i.contains("://") {
                true => i.to_string(),
                false => config.relative_url(i),
            }),
            "extra": s.meta.as_ref().map(|m| m.extra.clone()),
        }))
    }

    /// `paginator` on page `page` of a list, which shows `pages`.
    fn paginator(&self, listing: &Listing, page: usize, pages: Vec<Value>) -> Paginator {
        let lang = &listing.lang;
        let total = index::page_count(listing.items.len(), listing.paginate_by);
        // The list's URL, encoded once; `page/N/` needs no encoding.
        let first = self.site.config.relative_url(&listing.path);
        let url = |n: usize| {
            if n <= 1 {
                first.clone()
            } else {
                format!("{first}page/{n}/")
            }
        };
        Paginator {
            pages,
            current_index: page,
            current_label: self.number(lang, page),
            number_pagers: total,
            total_pages: total,
            paginate_by: listing.paginate_by,
            total_items: listing.items.len(),
            total_items_label: self.number(lang, listing.items.len()),
            first: url(1),
            last: url(total),
            previous: (page > 1).then(|| url(page - 1)),
            next: (page < total).then(|| url(page + 1)),
            pagers: pager_window(page, total)
                .into_iter()
                .map(|n| match n {
                    Some(n) => Pager {
                        number: n,
                        label: self.number(lang, n),
                        url: url(n),
                        current: n == page,
                        gap: false,
                    },
                    None => Pager {
                        number: 0,
                        label: "…".into(),
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        }
    }

    /// Article `i`'s template value with its full text and table of contents.
    pub(super) fn full_page(&self, i: usize) -> Result<Value> {
        let full = self.body(i, false)?;
        let mut map = self.value(i)?.as_map().cloned().unwrap_or_default();
        let summary = map
            .get(&"summary".into())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(details) =
            Value::from_serializable(&context::page_details(&self.site, i, &summary)).into_map()
        {
            map.extend(details);
        }
        map.insert("content".into(), Value::safe_string(&full.html));
        map.insert("toc".into(), Value::from_serializable(&full.toc));
        Ok(Value::from(map))
    }

    /// Renders `template` with `ctx`, the file at `path`.
    pub(super) fn render_file(&self, template: &str, ctx: &Context, path: &str) -> Result<Vec<u8>> {
        // Most pages fit, so few grow (growing copies what was written).
        let mut bytes = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, ctx, &mut bytes)
            .map_err(|e| {
                templates::template_error(&self.theme, &e, &format!("rendering /{path}"))
            })?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_window_keeps_ends_and_neighbours() {
        assert_eq!(pager_window(1, 1), vec![Some(1)]);
        assert_eq!(pager_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            pager_window(10, 1000),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(1000)
            ]
        );
        assert_eq!(
            pager_window(4, 6),
            vec![Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]
        );
    }
}
