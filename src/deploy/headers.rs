//! What a deployed file is served with (Content-Type, Cache-Control), the
//! `_headers` and `_redirects` files of Netlify and Cloudflare Pages, and
//! the progress a deploy shows.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::LocalFile;
use super::config::{CacheRule, DeployConfig, Host, Target};
use super::store::Meta;
use crate::error::Result;

/// Fingerprinted files never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and feeds change as the desk publishes.
const SHORT: &str = "public, max-age=300, must-revalidate";
/// Other files (a story's PDF, the favicon) rarely change.
const DAY: &str = "public, max-age=86400";

/// The headers of `path` (relative to the site's root).
pub fn meta(path: &str, rules: &[CacheRule]) -> Meta {
    Meta {
        content_type: content_type(path).to_string(),
        cache_control: cache_control(path, rules).to_string(),
        redirect: None,
    }
}

/// The largest a redirect page is (ours are about 500 bytes).
const REDIRECT_MAX: u64 = 4096;

/// Where a redirect page (an alias, a `page/1/`) sends readers, by path
/// when it stays on the site: what S3's website hosting answers with a 301.
pub fn redirect_target(path: &str, bytes: &[u8]) -> Option<String> {
    if !path.ends_with("index.html") || bytes.len() as u64 > REDIRECT_MAX {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let to = text
        .split("http-equiv=\"refresh\" content=\"0; url=")
        .nth(1)?
        .split('"')
        .next()?;
    let to = html_unescape(to);
    // Within the site: by path, so the rule holds on any domain.
    Some(
        match to
            .split_once("://")
            .and_then(|(_, r)| r.find('/').map(|n| &r[n..]))
        {
            Some(path) => path.to_string(),
            None => to,
        },
    )
}

fn content_type(path: &str) -> std::borrow::Cow<'static, str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    let known = match (name, ext.as_str()) {
        ("atom.xml", _) => "application/atom+xml; charset=utf-8",
        ("rss.xml", _) => "application/rss+xml; charset=utf-8",
        ("_headers" | "_redirects", _) => "text/plain; charset=utf-8",
        (_, "html") => "text/html; charset=utf-8",
        (_, "xml") => "application/xml; charset=utf-8",
        (_, "css") => "text/css; charset=utf-8",
        (_, "js") => "text/javascript; charset=utf-8",
        (_, "json") => "application/json",
        (_, "webmanifest") => "application/manifest+json",
        (_, "txt") => "text/plain; charset=utf-8",
        (_, "svg") => "image/svg+xml",
        (_, "webp") => "image/webp",
        (_, "avif") => "image/avif",
        (_, "woff2") => "font/woff2",
        (_, "woff") => "font/woff",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    mime_guess::from_ext(&ext)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .into()
}

fn cache_control<'a>(path: &str, rules: &'a [CacheRule]) -> &'a str {
    if let Some(rule) = rules.iter().find(|r| glob(&r.glob, path)) {
        return &rule.value;
    }
    if fingerprinted(path) {
        return IMMUTABLE;
    }
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "xml" | "txt" | "json" | "webmanifest" => SHORT,
        _ if !path.contains('.') => SHORT,
        _ => DAY,
    }
}

/// Whether a name carries a hash of its bytes: a photo version
/// (`images/x-0123456789-480.webp`) or a theme stylesheet (`style.1a2b3c4d.css`).
fn fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if path.starts_with("images/") {
        return name.split(['-', '.']).any(|part| hex(part, 10));
    }
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && hex(parts[parts.len() - 2], 8)
}

/// A glob of `*` (within a path segment) and `**` (across them) against a
/// path. Hand-written: two wildcards do not need globset's regex engine.
pub fn glob(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches('/');
    // A pattern without a slash matches the file name anywhere.
    let path = match pattern.contains('/') {
        true => path,
        false => path.rsplit('/').next().unwrap_or(path),
    };
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p {
            [] => s.is_empty(),
            [b'*', b'*', rest @ ..] => {
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=s.len()).any(|i| go(rest, &s[i..]))
            }
            [b'*', rest @ ..] => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| go(rest, &s[i..])),
            [c, rest @ ..] => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), path.as_bytes())
}

/// The files a Netlify or Cloudflare Pages target also gets: `_headers`
/// (each file kind's Cache-Control) and `_redirects` (aliases as 301s,
/// each language's 404 page for its paths).
/// `local` is the output's files (see `super::scan`).
pub fn files(
    output: &Path,
    local: &[LocalFile],
    deploy: &DeployConfig,
    target: &Target,
) -> Result<Vec<LocalFile>> {
    let Some(host) = target.host else {
        return Ok(Vec::new());
    };
    let mut headers = String::new();
    for rule in &deploy.cache {
        headers.push_str(&format!(
            "/{}\n  Cache-Control: {}\n",
            rule.glob.trim_start_matches('/'),
            rule.value
        ));
    }
    headers.push_str(&format!("/images/*\n  Cache-Control: {IMMUTABLE}\n"));
    headers.push_str(&format!("/*.css\n  Cache-Control: {IMMUTABLE}\n"));
    let mut redirects = String::new();
    let mut not_found = Vec::new();
    for f in local {
        let rel = &f.path;
        if rel.ends_with("404.html") {
            not_found.push(rel.clone());
            continue;
        }
        // Only a small page can be a redirect page: the rest is not read.
        if !rel.ends_with("index.html") || f.size > REDIRECT_MAX {
            continue;
        }
        let full = output.join(rel);
        let bytes = std::fs::read(&full).map_err(|e| crate::error::Error::io(&full, e))?;
        if let Some(to) = redirect_target(rel, &bytes) {
            let from = format!("/{}", rel.trim_end_matches("index.html"));
            redirects.push_str(&format!("{from} {to} 301\n"));
        }
    }
    // Netlify: most specific first, a language's own 404 page, then the
    // site's. Cloudflare Pages finds the nearest 404.html by itself (and
    // takes no 404 rules).
    if host == Host::Netlify {
        not_found.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
        for page in &not_found {
            let folder = page.trim_end_matches("404.html");
            redirects.push_str(&format!("/{folder}* /{page} 404\n"));
        }
    }
    let file = |path: &str, text: String| LocalFile {
        path: path.into(),
        hash: super::hash(text.as_bytes()),
        size: text.len() as u64,
        made: Some(text.into_bytes()),
    };
    Ok(vec![
        file("_headers", headers),
        file("_redirects", redirects),
    ])
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
}

/// Counts on a terminal (indicatif), a line per hundred files when piped.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    files: usize,
    done: AtomicUsize,
    bytes: AtomicU64,
}

impl Progress {
    pub fn new(files: usize, bytes: u64) -> Progress {
        let bar = (std::io::stderr().is_terminal() && files > 0).then(|| {
            let bar = indicatif::ProgressBar::new(bytes.max(1));
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg}")
                    .expect("a valid template"),
            );
            bar
        });
        Progress {
            bar,
            files,
            done: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    pub fn uploaded(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.step();
    }

    pub fn deleted(&self) {
        self.step();
    }

    fn step(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                bar.set_position(self.bytes.load(Ordering::Relaxed));
                bar.set_message(format!("{n}/{} files", self.files));
            }
            None if n.is_multiple_of(100) => eprintln!("  {n}/{} files", self.files),
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*.pdf", "news/x/report.pdf"));
        assert!(glob("news/*/index.html", "news/x/index.html"));
        assert!(!glob("news/*/index.html", "news/x/y/index.html"));
        assert!(glob("news/**/index.html", "news/x/y/index.html"));
        assert!(glob("/fa/**", "fa/news/x/index.html"));
        assert!(!glob("*.pdf", "news/x/report.pdfx"));
    }

    #[test]
    fn types_and_lifetimes() {
        let m = meta("images/harbour-0123456789-480.webp", &[]);
        assert_eq!(m.content_type, "image/webp");
        assert_eq!(m.cache_control, IMMUTABLE);
        assert_eq!(meta("style.1a2b3c4d.css", &[]).cache_control, IMMUTABLE);
        assert_eq!(meta("style.css", &[]).cache_control, DAY);
        let page = meta("fa/news/خبر/index.html", &[]);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(page.cache_control, SHORT);
        assert_eq!(
            meta("manifest.webmanifest", &[]).content_type,
            "application/manifest+json"
        );
        assert_eq!(
            meta("fa/atom.xml", &[]).content_type,
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(meta("fonts/v.woff2", &[]).content_type, "font/woff2");
        let rules = [CacheRule {
            glob: "*.pdf".into(),
            value: "no-cache".into(),
        }];
        assert_eq!(meta("news/x/a.pdf", &rules).cache_control, "no-cache");
        assert_eq!(meta("news/x/a.pdf", &[]).content_type, "application/pdf");
    }
}
