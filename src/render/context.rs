//! What templates see. Each article is turned into a template value once
//! and shared by every page that shows it (its own, lists, feeds).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use crate::config::{Config, Language};
use crate::content::markdown::Rendered;
use crate::index::Indexes;
use crate::locale::dates::rfc3339;
use crate::plan::Link;
use crate::site::Site;

/// One translation of an article.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationValue {
    pub lang: String,
    /// The translation's direction (`rtl`, `ltr`): its title is in its
    /// language, not the page's.
    pub dir: &'static str,
    pub name: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// Its file under `content/`, as `get_page(path=…)` takes it (Zola's
    /// `translations[].path`).
    pub path: String,
}

/// A newer version of the story in another language: its fields, and
/// when it last changed.
#[derive(Debug, Serialize)]
pub struct OutdatedBy {
    #[serde(flatten)]
    pub version: TranslationValue,
    pub date: Option<String>,
}

/// Article `j` as another language's version of a story.
fn version(site: &Site, j: usize) -> TranslationValue {
    let (config, other) = (&site.config, &site.articles[j]);
    let language = config.language(&other.lang);
    TranslationValue {
        lang: other.lang.clone(),
        dir: language.map_or("auto", dir),
        name: language.map_or(other.lang.clone(), |l| l.name.clone()),
        title: other.title.clone(),
        url: config.relative_url(&site.paths[j]),
        permalink: config.absolute_url(&site.paths[j]),
        path: other.content_path.clone(),
    }
}

/// `page` in templates.
#[derive(Debug, Serialize)]
pub struct PageValue<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub lang: &'a str,
    pub dir: &'a str,
    pub section: &'a str,
    /// Site path (not encoded): `/fa/news/x/`.
    pub path: &'a str,
    /// Root-relative, percent-encoded URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// RFC 3339 with offset.
    pub date: Option<String>,
    pub updated: Option<String>,
    /// When it last changed (RFC 3339): its latest correction, `updated`
    /// or `date`, whichever is latest; Atom's `<updated>`.
    pub modified: Option<String>,
    /// `[[corrections]]`, newest first: `date` (RFC 3339) and `text`.
    pub corrections: Vec<CorrectionValue<'a>>,
    /// RFC 2822, for RSS.
    pub date_rfc2822: Option<String>,
    /// The zone the author wrote the date in (`Asia/Tehran`, or an offset
    /// such as `+04:30`), for a dateline: `{{ page.date | date(zone="written") }}`.
    pub date_zone: Option<String>,
    /// When the embargo lifts (RFC 3339), for a story shown before then
    /// (serve, `--future`); `embargoed_time` is that moment's time of day
    /// in the edition's zone (`09:00`).
    pub embargoed_until: Option<String>,
    pub embargoed_time: Option<String>,
    pub summary: &'a str,
    /// Taxonomy → terms with their URLs.
    pub taxonomies: BTreeMap<&'a str, Vec<Link>>,
    pub authors: &'a [String],
    pub image: Option<String>,
    /// The lead photo's file (relative to the site root), when it is a
    /// photo of the site: what `resize_image(path=…)` and
    /// `get_image_metadata(path=…)` take.
    pub image_path: Option<String>,
    pub image_alt: Option<&'a str>,
    /// The lead photo as a card's responsive `<picture>` markup (lazily
    /// loaded, small); the page's own is `picture` (in [`PageDetails`]).
    pub thumb: Option<String>,
    /// The lead photo's caption and credit: the front matter's, else the
    /// photo's own (XMP, else EXIF).
    pub image_caption: Option<&'a str>,
    pub image_credit: Option<&'a str>,
    /// URLs of the story folder's files.
    pub assets: Vec<String>,
    /// Whether the text has fenced code (the page then loads the
    /// highlighting stylesheets).
    pub has_code: bool,
    pub extra: &'a serde_json::Value,
    /// Its `weight`, if it has one.
    pub weight: Option<i64>,
    /// `"story"`, or `"page"` for a page outside the news flow.
    pub kind: &'static str,
    /// `featured = true`.
    pub featured: bool,
    /// `noindex = true`: out of search.
    pub noindex: bool,
    pub word_count: usize,
    pub reading_time: usize,
    /// The month archive this article is listed in.
    pub month_archive: Option<String>,
}

/// A correction as templates see it.
#[derive(Debug, Serialize)]
pub struct CorrectionValue<'a> {
    pub date: String,
    pub text: &'a str,
    /// The text escaped as HTML, for a feed's HTML summary.
    pub html: String,
}

/// What only an article's own page shows of it, added to [`PageValue`]
/// there (with `content` and `toc`): lists of thousands of articles need
/// none of it, so it is not kept for every article.
#[derive(Debug, Serialize)]
pub struct PageDetails {
    pub description: String,
    pub translations: Vec<TranslationValue>,
    /// The translation updated after this one, if any: its language, name,
    /// title, URL and `date` (its `updated`, else its date).
    pub translation_outdated: Option<OutdatedBy>,
    /// The lead photo as responsive `<picture>` markup, loaded first.
    pub picture: Option<String>,
    /// Absolute URL of the image, for Open Graph and JSON-LD.
    pub image_permalink: Option<String>,
    /// Pixel size of a local image (from `static/`), so browsers can lay
    /// out the page before it loads.
    pub image_width: Option<usize>,
    pub image_height: Option<usize>,
    pub source: String,
    /// The page's schema.org `NewsArticle` as JSON, safe inside
    /// `<script type="application/ld+json">`. Made here rather than in the
    /// template: a dozen `json` filter calls were 3 % of a build.
    pub structured_data: String,
}

/// schema.org's `NewsArticle`, as search engines read it.
#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    url: &'a str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[&'a str; 1]>,
    author: Vec<Agent<'a>>,
    publisher: Agent<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    correction: Vec<CorrectionComment<'a>>,
}

/// schema.org's `CorrectionComment`, one per `[[corrections]]` entry.
#[derive(Serialize)]
struct CorrectionComment<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    text: &'a str,
    #[serde(rename = "datePublished")]
    date_published: String,
}

/// An article's corrections, newest first, as (RFC 3339 date, text).
fn corrections(a: &crate::content::Article) -> impl Iterator<Item = (String, &str)> {
    a.corrections
        .iter()
        .rev()
        .map(|c| (rfc3339(&c.date), c.text.as_str()))
}

#[derive(Serialize, Clone, Copy)]
struct Agent<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

/// JSON that cannot end the `<script>` element it sits in: `<`, `>` and
/// `&` are written as escapes (still the same JSON).
pub fn script_safe_json(json: String) -> String {
    let bytes = json.as_bytes();
    if memchr::memchr3(b'<', b'>', b'&', bytes).is_none() {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 16);
    let mut from = 0;
    for at in memchr::memchr3_iter(b'<', b'>', b'&', bytes) {
        safe.push_str(&json[from..at]);
        safe.push_str(match bytes[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        from = at + 1;
    }
    safe.push_str(&json[from..]);
    safe
}

/// The details of article `i`, whose summary is `summary`.
pub fn page_details(site: &Site, i: usize, summary: &str) -> PageDetails {
    let config = &site.config;
    let a = &site.articles[i];
    let translations = site.translations[i]
        .iter()
        .map(|&t| version(site, t))
        .collect();
    let description = a
        .description
        .clone()
        // Stripping stops past the 200 characters the description keeps.
        .unwrap_or_else(|| truncate(&strip_tags(summary, 201), 200));
    // A story without text to summarize is described by its headline.
    let description = if description.trim().is_empty() {
        a.title.clone()
    } else {
        description
    };
    let photo = lead_photo(site, i);
    // Shared links show the 1200 × 630 crop of a lead photo.
    let share = photo.and_then(|p| p.share());
    let image_permalink = share
        .map(|v| v.path.clone())
        .or_else(|| lead_site_path(site, i));
    let image_permalink = image_permalink.map(|p| match p.contains("://") {
        true => p,
        false => config.absolute_url(&p),
    });
    let size = match photo.map(|p| p.largest()) {
        Some(v) => Some((v.width as usize, v.height as usize)),
        None => a.image_size,
    };
    let permalink = config.absolute_url(&site.paths[i]);
    let site_name = config.language(&a.lang).map_or("", |l| l.title.as_str());
    let organization = Agent {
        kind: "Organization",
        name: site_name,
    };
    let news_article = NewsArticle {
        context: "https://schema.org",
        // A page (about, contact) is no news.
        kind: if a.is_page { "WebPage" } else { "NewsArticle" },
        headline: &a.title,
        description: &description,
        in_language: &a.lang,
        url: &permalink,
        main_entity_of_page: &permalink,
        date_published: a.date.as_ref().map(rfc3339),
        date_modified: a.last_changed().map(rfc3339),
        image: image_permalink.as_deref().map(|i| [i]),
        author: if a.authors.is_empty() {
            vec![organization]
        } else {
            a.authors
                .iter()
                .map(|name| Agent {
                    kind: "Person",
                    name,
                })
                .collect()
        },
        publisher: organization,
        correction: corrections(a)
            .map(|(date_published, text)| CorrectionComment {
                kind: "CorrectionComment",
                text,
                date_published,
            })
            .collect(),
    };
    let translation_outdated = site.outdated_by(i).map(|j| OutdatedBy {
        version: version(site, j),
        date: site.articles[j].last_changed().map(rfc3339),
    });
    PageDetails {
        structured_data: script_safe_json(serde_json::to_string(&news_article).unwrap_or_default()),
        description,
        translations,
        translation_outdated,
        picture: photo.map(|p| {
            let alt = a.image_alt.as_deref().unwrap_or("");
            let url = |path: &str| config.relative_url(path);
            crate::images::picture(p, alt, &url, true, crate::images::STORY_SIZES)
        }),
        image_permalink,
        image_width: size.map(|s| s.0),
        image_height: size.map(|s| s.1),
        source: a.source.to_string_lossy().replace('\\', "/"),
    }
}

/// The entities pulldown-cmark writes, and what they stand for.
const ENTITIES: [(&str, char); 5] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
];

/// Plain text of an HTML fragment, for descriptions: tags dropped, the
/// entities pulldown-cmark writes decoded, whitespace runs made one space;
/// its first `max_chars` characters. It runs on every article's summary, so
/// runs of ordinary bytes are copied whole; only `<`, `>`, `&`, ASCII
/// spaces and the first bytes of characters that may be spaces (U+0080 to
/// U+00BF, U+1680, U+2000 to U+3000) are looked at one by one.
pub fn strip_tags(html: &str, max_chars: usize) -> String {
    const SPECIAL: [bool; 256] = {
        let mut special = [false; 256];
        let mut b = 0;
        while b < 256 {
            special[b] = b <= b' ' as usize
                || matches!(b as u8, b'<' | b'>' | b'&' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
            b += 1;
        }
        special
    };
    let bytes = html.as_bytes();
    let mut text = Plain {
        out: String::with_capacity(html.len().min(max_chars.saturating_mul(4))),
        space: false,
        count: 0,
        max: max_chars,
    };
    let mut at = 0;
    while at < bytes.len() && text.count < max_chars {
        let run = bytes[at..]
            .iter()
            .position(|&b| SPECIAL[usize::from(b)])
            .map_or(bytes.len(), |n| at + n);
        if run > at {
            // Special bytes are ASCII or start a character: `run` is a boundary.
            if !text.add(&html[at..run]) {
                break;
            }
            at = run;
            continue;
        }
        let (chars, len) = match bytes[at] {
            b'<' => match memchr::memchr(b'>', &bytes[at..]) {
                Some(n) => {
                    text.space();
                    at += n + 1;
                    continue;
                }
                None => break,
            },
            b'&' => match ENTITIES.iter().find(|(e, _)| html[at..].starts_with(e)) {
                Some((entity, c)) => (c.to_string(), entity.len()),
                None => ("&".to_string(), 1),
            },
            b if b.is_ascii() => {
                if b.is_ascii_whitespace() || b == 0x0B {
                    text.space();
                } else if !text.add(&html[at..at + 1]) {
                    break;
                }
                at += 1;
                continue;
            }
            _ => {
                let c = html[at..].chars().next().expect("at a character");
                if c.is_whitespace() {
                    text.space();
                    at += c.len_utf8();
                    continue;
                }
                (c.to_string(), c.len_utf8())
            }
        };
        if !text.add(&chars) {
            break;
        }
        at += len;
    }
    text.out
}

/// What [`strip_tags`] has written so far.
struct Plain {
    out: String,
    /// A space is due before the next text.
    space: bool,
    count: usize,
    max: usize,
}

impl Plain {
    fn space(&mut self) {
        self.space = !self.out.is_empty();
    }

    /// Adds `text` (whole characters) after any space due; false once
    /// `max` characters are out.
    fn add(&mut self, text: &str) -> bool {
        if std::mem::take(&mut self.space) {
            if self.count == self.max {
                return false;
            }
            self.out.push(' ');
            self.count += 1;
        }
        let chars = text.bytes().filter(|&b| b & 0xC0 != 0x80).count();
        if self.count + chars <= self.max {
            self.out.push_str(text);
            self.count += chars;
            return self.count < self.max;
        }
        let end = text
            .char_indices()
            .nth(self.max - self.count)
            .map_or(text.len(), |(i, _)| i);
        self.out.push_str(&text[..end]);
        self.count = self.max;
        false
    }
}

/// Shortens `text` to about `max` characters at a word boundary.
pub fn truncate(text: &str, max: usize) -> String {
    // Where character `max` starts, if the text goes that far.
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = cut.rsplit_once(' ').map_or(cut, |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', '،']))
}

/// Builds the template value of article `i`: what lists, feeds and its own
/// page show of it.
pub fn page_value(site: &Site, ix: &Indexes, i: usize, rendered: &Rendered) -> Value {
    let config = &site.config;
    let a = &site.articles[i];
    let lang = config.language(&a.lang).expect("configured");
    // Every configured taxonomy is present, empty or not, so templates can loop without checks.
    let mut taxonomies: BTreeMap<&str, Vec<Link>> = config
        .taxonomies
        .iter()
        .map(|t| (t.as_str(), Vec::new()))
        .collect();
    for &(t, n) in &ix.article_terms[i] {
        let taxonomy = &ix.taxonomies[t];
        let term = &taxonomy.terms[n];
        taxonomies
            .entry(taxonomy.name.as_str())
            .or_default()
            .push(Link {
                name: term.name.clone(),
                url: term.url.clone(),
            });
    }
    let summary = a.summary.as_deref().unwrap_or(&rendered.summary);
    let photo = lead_photo(site, i);
    let url = |path: &str| config.relative_url(path);
    let value = PageValue {
        title: &a.title,
        slug: &a.slug,
        lang: &a.lang,
        dir: dir(lang),
        section: &a.section,
        path: &site.paths[i],
        url: config.relative_url(&site.paths[i]),
        permalink: config.absolute_url(&site.paths[i]),
        date: a.date.as_ref().map(rfc3339),
        updated: a.updated.as_ref().map(rfc3339),
        modified: a.last_changed().map(rfc3339),
        corrections: corrections(a)
            .map(|(date, text)| CorrectionValue {
                date,
                text,
                html: crate::content::markdown::pulldown_cmark_escape_html(text),
            })
            .collect(),
        date_rfc2822: a.date.as_ref().map(crate::locale::dates::rfc2822),
        embargoed_until: site.embargoed_until(i).map(rfc3339),
        embargoed_time: site.embargoed_until(i).map(|at| {
            let zone =
                crate::locale::dates::time_zone(&lang.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
            at.timestamp()
                .to_zoned_datetime(zone)
                .strftime("%H:%M")
                .to_string()
        }),
        date_zone: a.date.as_ref().map(|d| match d.time_zone().iana_name() {
            Some(name) => name.to_string(),
            None => d.offset().to_string(),
        }),
        summary,
        taxonomies,
        authors: &a.authors,
        image: lead_url(site, i),
        image_path: photo.map(|p| p.source.to_string_lossy().replace('\\', "/")),
        image_alt: a.image_alt.as_deref(),
        thumb: photo.map(|p| {
            let alt = a.image_alt.as_deref().unwrap_or("");
            crate::images::picture(p, alt, &url, false, crate::images::CARD_SIZES)
        }),
        image_caption: (a.image_caption.as_deref())
            .or_else(|| photo.and_then(|p| p.facts.caption.as_deref())),
        image_credit: (a.image_credit.as_deref())
            .or_else(|| photo.and_then(|p| p.facts.credit.as_deref())),
        assets: (a.assets.iter())
            .map(|n| config.relative_url(&format!("{}{n}", site.paths[i])))
            .collect(),
        has_code: matches!(
            &a.body,
            crate::content::Body::Markdown { has_code: true, .. }
        ),
        extra: &a.extra,
        weight: a.weight,
        kind: if a.is_page { "page" } else { "story" },
        featured: a.featured,
        noindex: a.noindex,
        word_count: rendered.words,
        reading_time: rendered.words.div_ceil(200).max(1),
        month_archive: ix.article_month[i].as_ref().map(|p| config.relative_url(p)),
    };
    Value::from_serializable(&value)
}

/// Article `i`'s lead image, if it is a photo of the site.
fn lead_photo(site: &Site, i: usize) -> Option<&crate::images::Photo> {
    (site.articles[i].image_source.as_deref()).and_then(|s| site.photos.get(s))
}

/// The site path of article `i`'s lead image: its photo's widest version,
/// a story folder's file, or as written (an absolute URL stays as it is).
fn lead_site_path(site: &Site, i: usize) -> Option<String> {
    let a = &site.articles[i];
    let img = a.image.as_ref()?;
    if let Some(photo) = lead_photo(site, i) {
        return Some(photo.largest().path.clone());
    }
    if img.contains("://") {
        return Some(img.clone());
    }
    Some(match (&a.image_source, &a.bundle) {
        (Some(s), Some(_)) if s.starts_with("content") => format!("{}{img}", site.paths[i]),
        _ => format!("/{}", img.trim_start_matches('/')),
    })
}

fn lead_url(site: &Site, i: usize) -> Option<String> {
    lead_site_path(site, i).map(|p| asset_url(&site.config, &p))
}

/// An image path from front matter: absolute URLs stay, site paths get the base path.
fn asset_url(config: &Config, path: &str) -> String {
    if path.contains("://") {
        path.to_string()
    } else {
        config.relative_url(&format!("/{}", path.trim_start_matches('/')))
    }
}

pub fn dir(lang: &Language) -> &'static str {
    match lang.direction {
        crate::locale::Direction::Rtl => "rtl",
        crate::locale::Direction::Ltr => "ltr",
    }
}

/// A language as templates see it, with its home URL.
#[derive(Debug, Serialize)]
pub struct LanguageValue<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub dir: &'static str,
    pub calendar: crate::locale::Calendar,
    pub url: String,
    pub permalink: String,
    pub is_default: bool,
}

pub fn language_value(config: &Config, lang: &Language) -> Value {
    Value::from_serializable(&LanguageValue {
        code: &lang.code,
        name: &lang.name,
        title: &lang.title,
        description: &lang.description,
        dir: dir(lang),
        calendar: lang.calendar,
        url: config.relative_url(&format!("{}/", lang.prefix)),
        permalink: config.absolute_url(&format!("{}/", lang.prefix)),
        is_default: lang.is_default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_plain_text() {
        assert_eq!(
            strip_tags(
                "<p>Tom &amp; Jerry  <em>meet</em>\n at&nbsp;the &lt;b&gt; &amp;lt; sign.</p>\n<p>Next</p>",
                usize::MAX
            ),
            "Tom & Jerry meet at&nbsp;the <b> &lt; sign. Next"
        );
        assert_eq!(strip_tags("  <br>  ", usize::MAX), "");
        assert_eq!(truncate("one two three", 8), "one two…");
        assert_eq!(truncate("one two", 7), "one two");
        assert_eq!(truncate("یک دو، سه", 7), "یک دو…");
        assert_eq!(
            script_safe_json(r#"{"a":"<b> & </script>"}"#.into()),
            r#"{"a":"\u003cb\u003e \u0026 \u003c/script\u003e"}"#
        );
        // Stopping early keeps the first characters of the whole.
        let html = "<p>Сорок  <b>слов</b> &amp; больше</p> <p>два</p>";
        let whole = strip_tags(html, usize::MAX);
        for max in 0..whole.chars().count() + 2 {
            let prefix: String = whole.chars().take(max).collect();
            assert_eq!(strip_tags(html, max), prefix, "{max}");
        }
    }

    /// The one-character-at-a-time version the byte runs replaced.
    fn strip_tags_by_char(html: &str, max_chars: usize) -> String {
        let mut out = String::new();
        let (mut in_tag, mut space, mut count) = (false, false, 0);
        let mut chars = html.char_indices();
        while let Some((i, c)) = chars.next() {
            if count == max_chars {
                break;
            }
            let c = match c {
                '<' => {
                    in_tag = true;
                    continue;
                }
                '>' if in_tag => {
                    in_tag = false;
                    ' '
                }
                _ if in_tag => continue,
                '&' => match ENTITIES.iter().find(|(e, _)| html[i..].starts_with(e)) {
                    Some((entity, c)) => {
                        chars.nth(entity.len() - 2);
                        *c
                    }
                    None => '&',
                },
                c => c,
            };
            if c.is_whitespace() {
                space = !out.is_empty();
            } else {
                if space {
                    out.push(' ');
                    space = false;
                    count += 1;
                    if count == max_chars {
                        break;
                    }
                }
                out.push(c);
                count += 1;
            }
        }
        out
    }

    #[test]
    fn descriptions_by_byte_runs_equal_descriptions_by_characters() {
        let samples = [
            "<p>Tom &amp; Jerry  <em>meet</em>\n at&nbsp;the &lt;b&gt; &amp;lt; sign.</p>\n<p>Next</p>",
            "<p>«Сорок»\u{a0}слов — и\u{2009}больше…</p>\n<p>\u{3000}دو\u{200c}ست &#39;x&#39; &quot;</p>",
            "a > b <unclosed",
            "<p>\u{85}x\u{1680}y\u{2028}z\u{202f}w\u{205f}v\u{b}u\u{c}t</p>",
            "&amp &amp; &#39 <<a>> >>",
            "",
            "   ",
            "<b></b><i> </i>x",
        ];
        for html in samples {
            let whole = strip_tags_by_char(html, usize::MAX);
            for max in 0..whole.chars().count() + 2 {
                assert_eq!(
                    strip_tags(html, max),
                    strip_tags_by_char(html, max),
                    "{html:?} {max}"
                );
            }
        }
    }
}
