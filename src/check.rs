//! `bulletin check`: every internal link and `#anchor` in the rendered site
//! must resolve to a page (and an id on it).
//!
//! Links are read with a small attribute scanner rather than an HTML parser
//! crate: the output is our own well-formed HTML, and we only need the values
//! of `href`, `src` and `id` attributes, which a full parser (html5ever and
//! its tree) would cost far more to find.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use crate::config::Config;
use crate::render::Output;

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The output file the link is in: `fa/news/x/index.html`.
    pub page: String,
    pub link: String,
    pub reason: String,
}

/// Values of `name="…"` attributes in `html` (double or single quotes).
fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let mut values = Vec::new();
    let needle = format!("{name}=");
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + needle.len()..];
        rest = after;
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = after[1..].find(quote) {
            values.push(&after[1..1 + end]);
        }
    }
    values
}

/// Decodes the HTML entities our templates and Markdown emit in attributes.
fn unescape(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
}

/// Checks every HTML file of `files`.
pub fn check_links(config: &Config, files: &[Output]) -> Vec<BrokenLink> {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let html: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| {
            std::str::from_utf8(&f.bytes)
                .ok()
                .map(|t| (f.path.as_str(), t))
        })
        .collect();
    let ids: HashMap<&str, HashSet<String>> = html
        .iter()
        .map(|(p, t)| {
            (
                *p,
                attribute_values(t, "id")
                    .into_iter()
                    .map(unescape)
                    .collect(),
            )
        })
        .collect();
    let mut broken = Vec::new();
    for (page, text) in &html {
        let body = text.split("<body").nth(1).unwrap_or(text);
        let links = attribute_values(body, "href")
            .into_iter()
            .chain(attribute_values(body, "src"));
        for raw in links {
            let link = unescape(raw);
            let Some((target, fragment)) = resolve(config, page, &link) else {
                continue;
            };
            let file = if target.is_empty() {
                page.to_string()
            } else if paths.contains(target.as_str()) {
                target
            } else if paths.contains(format!("{target}/index.html").as_str()) {
                format!("{target}/index.html")
            } else {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    link,
                    reason: "no such page".into(),
                });
                continue;
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                && let Some(page_ids) = ids.get(file.as_str())
                && !page_ids.contains(&fragment)
            {
                broken.push(BrokenLink {
                    page: page.to_string(),
                    link,
                    reason: format!("no element with id `{fragment}` on {file}"),
                });
            }
        }
    }
    broken
}

/// The output file and fragment an internal link points at; `None` for
/// links that leave the site.
fn resolve(config: &Config, page: &str, link: &str) -> Option<(String, Option<String>)> {
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (
            p,
            Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
        ),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let site_path = if let Some(rest) = path.strip_prefix(&config.base_url) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if path.contains(':') || path.starts_with("//") {
        return None;
    } else if let Some(rest) = path.strip_prefix('/') {
        let rest = format!("/{rest}");
        match rest.strip_prefix(&config.base_path) {
            Some(r) if !config.base_path.is_empty() => r.to_string(),
            _ => rest,
        }
    } else if path.is_empty() {
        return Some((String::new(), fragment));
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        format!("/{dir}/{path}")
    };
    let decoded = percent_decode_str(&site_path)
        .decode_utf8_lossy()
        .into_owned();
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut file = parts.join("/");
    if decoded.ends_with('/') || file.is_empty() {
        file = if file.is_empty() {
            "index.html".into()
        } else {
            format!("{file}/index.html")
        };
    }
    Some((file, fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            std::path::Path::new("site.toml"),
            "title='t'\nbase_url='https://x.org/b'\n",
        )
        .unwrap()
    }

    fn out(path: &str, html: &str) -> Output {
        Output::new(path.into(), html.as_bytes().to_vec())
    }

    #[test]
    fn finds_broken_pages_and_anchors() {
        let files = vec![
            out(
                "index.html",
                "<body><a href=\"/b/a/#top\">a</a> <a href='/b/missing/'>m</a> <a href=\"#nope\">n</a> <a href=\"https://other.org/\">x</a> <img src=\"/b/style.css\"></body>",
            ),
            out(
                "a/index.html",
                "<body><h1 id=\"top\">A</h1><a href=\"../index.html\">up</a><a href=\"https://x.org/b/a/#gone\">g</a></body>",
            ),
            out("style.css", ""),
        ];
        let broken = check_links(&config(), &files);
        let links: Vec<&str> = broken.iter().map(|b| b.link.as_str()).collect();
        assert_eq!(
            links,
            vec!["/b/missing/", "#nope", "https://x.org/b/a/#gone"],
            "{broken:?}"
        );
    }

    #[test]
    fn percent_encoded_unicode_paths_resolve() {
        let files = vec![
            out(
                "index.html",
                "<body><a href=\"/b/fa/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1/#%D8%A7\">x</a></body>",
            ),
            out("fa/اخبار/index.html", "<body><h2 id=\"ا\">x</h2></body>"),
        ];
        assert!(check_links(&config(), &files).is_empty());
    }
}
