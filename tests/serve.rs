//! `bulletin serve`: a real server on an ephemeral port, real files edited
//! in place and by rename.

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use util::Site;

/// A running `bulletin serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &Site) -> Server {
    start(site, true)
}

/// Starts `bulletin serve` and reads the URL it prints; with `terminal`
/// false its stdout is closed right after, as when a terminal goes away.
fn start(site: &Site, terminal: bool) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["serve", "--port", "0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    if terminal {
        // Keep reading, as a terminal would.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    }
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// A plain HTTP/1.1 GET that sends the path exactly as given.
fn get(server: &Server, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// Waits until `path` satisfies `ok`, at most five seconds.
fn eventually(server: &Server, path: &str, ok: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (status, _, body) = get(server, path);
        if ok(status, &body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{path} never became right; last: {status}\n{body}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn article(title: &str, date: &str, tags: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\ntags = [{tags}]\n+++\nText of {title}.\n")
}

fn site_with_articles() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        article("Alpha", "2020-01-01", "\"x\""),
    );
    site.write(
        "content/fa/news/a.md",
        article("الف", "2020-01-01", "\"ایکس\""),
    );
    site
}

#[test]
fn serves_pages_safely_with_types_and_404() {
    let site = site_with_articles();
    let server = serve(&site);
    let (status, head, body) = get(&server, "/news/a/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    assert!(
        body.contains("Alpha") && body.contains("/__bulletin/live"),
        "live reload is injected"
    );
    assert!(
        get(&server, "/style.css")
            .1
            .contains("content-type: text/css")
    );
    assert!(get(&server, "/atom.xml").1.contains("xml"));
    let (status, _, body) = get(&server, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    for bad in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/news/..%2f..%2fsite.toml",
    ] {
        let (status, _, body) = get(&server, bad);
        assert!(status == 400 || status == 404, "{bad}: {status}");
        assert!(!body.contains("base_url"), "{bad} leaked site.toml");
    }
    assert_eq!(get(&server, "/news").0, 301);
    assert!(
        !site.root().join("public").exists(),
        "serve never writes output_dir"
    );
}

#[test]
fn persian_urls_are_served() {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/x.md",
        "+++\ntitle = \"خبر\"\nslug = \"همکاری\"\ndate = 2020-01-01\n+++\nمتن.\n",
    );
    let server = serve(&site);
    let (status, _, body) = get(&server, "/fa/news/%D9%87%D9%85%DA%A9%D8%A7%D8%B1%DB%8C/");
    assert_eq!(status, 200);
    assert!(body.contains("خبر"));
}

#[test]
fn edits_in_place_by_rename_new_and_deleted_files_show_up() {
    let site = site_with_articles();
    let server = serve(&site);
    eventually(&server, "/news/a/", |s, b| s == 200 && b.contains("Alpha"));

    site.write(
        "content/en/news/a.md",
        article("Alpha edited in place", "2020-01-01", "\"x\""),
    );
    eventually(&server, "/news/a/", |_, b| {
        b.contains("Alpha edited in place")
    });

    // An editor's atomic save: write a temp file, rename it over the original.
    site.write(
        "content/en/news/.a.md.tmp",
        article("Alpha renamed over", "2020-01-01", "\"x\""),
    );
    std::fs::rename(
        site.root().join("content/en/news/.a.md.tmp"),
        site.root().join("content/en/news/a.md"),
    )
    .unwrap();
    eventually(&server, "/news/a/", |_, b| b.contains("Alpha renamed over"));

    site.write(
        "content/en/news/b.md",
        article("Beta", "2020-02-01", "\"x\""),
    );
    eventually(&server, "/news/b/", |s, b| s == 200 && b.contains("Beta"));
    eventually(&server, "/", |_, b| b.contains("Beta"));

    std::fs::remove_file(site.root().join("content/en/news/b.md")).unwrap();
    eventually(&server, "/news/b/", |s, _| s == 404);
    eventually(&server, "/", |_, b| !b.contains("Beta"));
}

#[test]
fn broken_edit_keeps_last_good_site_and_shows_the_error() {
    let site = site_with_articles();
    let server = serve(&site);
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = \"yesterday\"\n+++\nx\n",
    );
    let body = eventually(&server, "/news/a/", |_, b| b.contains("bulletin-error"));
    assert!(
        body.contains("content/en/news/a.md:3:1") && body.contains("Text of Alpha."),
        "{body}"
    );
    assert!(
        get(&server, "/").2.contains("bulletin-error"),
        "the overlay is on every page"
    );
    site.write(
        "content/en/news/a.md",
        article("Alpha fixed", "2020-01-01", "\"x\""),
    );
    eventually(&server, "/news/a/", |_, b| {
        b.contains("Alpha fixed") && !b.contains("bulletin-error")
    });
}

#[test]
fn port_in_use_is_a_clear_error() {
    let site = site_with_articles();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["serve", "--port", &port])
        .current_dir(site.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&port) && stderr.contains("in use"),
        "{stderr}"
    );
}

/// After any sequence of edits, every served file equals what a clean build
/// writes (less the injected live-reload script).
#[test]
fn served_site_equals_a_clean_build_after_a_sequence_of_edits() {
    let site = site_with_articles();
    site.write(
        "content/ru/news/a.md",
        article("Альфа", "2020-01-01", "\"икс\""),
    );
    // Every page reads a section and a data file through a partial.
    site.write("data/desk.toml", "editor = \"Leila\"\n");
    site.write(
        "templates/site_footer_links.html",
        r#"{% set news = get_section(path="en/news/_index.md") %}{% for p in news.pages %}<li>{{ p.title }}</li>{% endfor %}{% set desk = load_data(path="data/desk.toml") %}<li>{{ desk.editor }}</li>"#,
    );
    site.write(
        "site.toml",
        format!("search = true\n{}", util::THREE_LANGUAGES),
    );
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    let server = serve(&site);
    let steps: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| {
            site.write(
                "content/en/news/c.md",
                article("Gamma", "2020-03-01", "\"x\", \"y\""),
            );
        }),
        Box::new(|| {
            site.write(
                "content/en/news/a.md",
                article("Alpha retitled", "2020-01-01", "\"x\""),
            );
        }),
        Box::new(|| {
            site.write(
                "content/en/news/c.md",
                article("Gamma", "2019-05-05", "\"x\", \"y\""),
            );
        }),
        Box::new(|| {
            site.write(
                "content/en/news/a.md",
                article("Alpha retitled", "2020-01-01", "\"z\""),
            );
        }),
        Box::new(|| {
            std::fs::remove_file(site.root().join("content/fa/news/a.md")).unwrap();
        }),
        Box::new(|| {
            std::fs::rename(
                site.root().join("content/en/news/c.md"),
                site.root().join("content/en/news/gamma.md"),
            )
            .unwrap();
        }),
        Box::new(|| {
            site.write("data/desk.toml", "editor = \"Dariush\"\n");
        }),
        Box::new(|| {
            site.write("i18n/en.toml", "home = \"Front page\"\n");
        }),
        Box::new(|| {
            let menu = "\n[[languages.en.menu]]\nname = \"Gamma\"\nurl = \"@/en/news/gamma.md\"\nweight = 2\n";
            site.write("site.toml", format!("{toml}{menu}"));
        }),
        Box::new(|| {
            site.write(
                "content/en/news/gamma.md",
                article("Gamma", "2019-05-05", "\"x\", \"y\"")
                    .replace("+++\ntitle", "+++\nweight = 4\ntitle"),
            );
        }),
        // A section file, then a story naming a template of the site.
        Box::new(|| {
            site.write(
                "content/en/news/_index.md",
                "+++\ntitle = \"World news\"\nsort_by = \"title\"\n+++\nThe desk's news.\n",
            );
        }),
        Box::new(|| {
            site.write(
                "templates/special.html",
                "{% extends \"article.html\" %}{% block title %}Special: {{ page.title }}{% endblock title %}",
            );
            site.write(
                "content/en/news/gamma.md",
                article("Gamma", "2019-05-05", "\"x\", \"y\"").replace(
                    "+++\ntitle",
                    "+++\nweight = 4\ntemplate = \"special.html\"\ntitle",
                ),
            );
        }),
        // Texts only, last, so nothing after hides a stale page: served by
        // patching the model in place. The English page shows the Russian
        // title among its translations.
        Box::new(|| {
            site.write(
                "content/ru/news/a.md",
                article("Альфа два", "2020-01-01", "\"икс\""),
            );
        }),
        Box::new(|| {
            site.write(
                "content/en/news/a.md",
                article("Alpha retitled", "2020-01-01", "\"z\"").replace("Text of", "New text of"),
            );
        }),
        // Front-matter keys that change lists but no URL: the front page's
        // lead slot and the corrections list.
        Box::new(|| {
            site.write(
                "content/en/news/a.md",
                article("Alpha retitled", "2020-01-01", "\"z\"")
                    .replace("+++\ntitle", "+++\nfeatured = true\ntitle"),
            );
        }),
        Box::new(|| {
            site.write(
                "content/ru/news/a.md",
                article("Альфа два", "2020-01-01", "\"икс\"").replace(
                    "\n+++\n",
                    "\n[[corrections]]\ndate = 2020-01-02 10:00\ntext = \"Исправлено.\"\n+++\n",
                ),
            );
        }),
    ];
    for step in &steps {
        step();
        // Let the watcher see the edit before the next one.
        std::thread::sleep(Duration::from_millis(150));
    }
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args([
            "build",
            "--base-url",
            &format!("http://{}", server.addr),
            "--output",
        ])
        .arg(out.path())
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let script_start = "<script>";
    let start = Instant::now();
    loop {
        let mut mismatches = Vec::new();
        for entry in walkdir::WalkDir::new(out.path()) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(out.path())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !entry.file_type().is_file() || rel.starts_with('.') {
                continue;
            }
            // The search index's files are binary: compared as `get` reads them.
            let expected =
                String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
            let encoded: String = url
                .split('/')
                .map(|p| {
                    p.bytes()
                        .map(|b| {
                            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                                (b as char).to_string()
                            } else {
                                format!("%{b:02X}")
                            }
                        })
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("/");
            let (status, _, mut body) = get(&server, &encoded);
            if rel.ends_with(".html")
                && let (Some(a), Some(b)) = (body.rfind(script_start), body.rfind("</script>"))
            {
                body.replace_range(a..b + "</script>".len(), "");
            }
            if status != 200 || body != expected {
                mismatches.push(format!("{rel} ({status})"));
            }
        }
        let (gone, _, _) = get(&server, "/news/c/");
        if mismatches.is_empty() && gone == 404 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "served differs from a clean build: {mismatches:?}, /news/c/ → {gone}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_closed_terminal_does_not_stop_rebuilds() {
    let site = site_with_articles();
    let server = start(&site, false);
    site.write(
        "content/en/news/a.md",
        article("After the terminal left", "2020-01-01", "\"x\""),
    );
    eventually(&server, "/news/a/", |_, b| {
        b.contains("After the terminal left")
    });
    site.write(
        "content/en/news/a.md",
        article("And again", "2020-01-01", "\"x\""),
    );
    eventually(&server, "/news/a/", |_, b| b.contains("And again"));
}

#[test]
fn a_site_that_does_not_build_yet_is_served_with_its_error() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = \"soon\"\n+++\nx\n",
    );
    let server = serve(&site);
    let (status, _, body) = get(&server, "/");
    assert_eq!(status, 500);
    assert!(
        body.contains("bulletin-error") && body.contains("content/en/news/a.md:3:1"),
        "{body}"
    );
    assert!(
        body.contains("/__bulletin/live"),
        "the error page reloads when fixed"
    );
    site.write(
        "content/en/news/a.md",
        article("Alpha", "2020-01-01", "\"x\""),
    );
    eventually(&server, "/news/a/", |s, b| {
        s == 200 && b.contains("Alpha") && !b.contains("bulletin-error")
    });
}

#[test]
fn a_file_written_into_a_new_folder_is_seen() {
    let site = site_with_articles();
    let server = serve(&site);
    for n in 0..3 {
        let dir = site.root().join(format!("content/en/new{n}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("story.md"),
            article(&format!("Fresh {n}"), "2020-03-01", "\"x\""),
        )
        .unwrap();
        eventually(&server, &format!("/new{n}/story/"), |s, b| {
            s == 200 && b.contains(&format!("Fresh {n}"))
        });
    }
}

#[test]
fn a_page_that_fails_only_when_opened_shows_its_error() {
    let site = site_with_articles();
    // A term template that breaks for one term only: the start-up check
    // passes, and the term appears with a later edit.
    site.write(
        "templates/taxonomy_term.html",
        "{% if term.slug == \"boom\" %}{{ term.name | date(format=\"nope\") }}{% endif %}<!DOCTYPE html><html lang=\"{{ lang }}\"><head><title>{{ term.name }}</title></head><body><h1>{{ term.name }}</h1></body></html>\n",
    );
    let server = serve(&site);
    eventually(&server, "/tags/x/", |s, b| {
        s == 200 && b.contains("<h1>x</h1>")
    });
    site.write(
        "content/en/news/a.md",
        article("Alpha", "2020-01-01", "\"x\", \"boom\""),
    );
    eventually(&server, "/news/a/", |_, b| b.contains("/tags/boom/"));
    let (status, _, body) = get(&server, "/tags/boom/");
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("bulletin-error") && body.contains("taxonomy_term.html"),
        "{body}"
    );
    let (status, _, body) = get(&server, "/tags/x/");
    assert!(status == 200 && !body.contains("bulletin-error"), "{body}");
}

/// Sends `request` as given and returns the raw response head.
fn raw(server: &Server, request: &str) -> String {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn redirects_stay_on_the_site() {
    let site = site_with_articles();
    let server = serve(&site);
    for path in ["//news", "/news", "/./news", "//news?x=//evil"] {
        let (status, head, _) = get(&server, path);
        assert_eq!(status, 301, "{path}");
        assert!(head.contains("location: /news/\r\n"), "{path}: {head}");
    }
}

#[test]
fn only_get_and_head_are_answered() {
    let site = site_with_articles();
    let server = serve(&site);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let response = raw(
            &server,
            &format!(
                "{method} /news/a/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(response.starts_with("HTTP/1.1 405"), "{method}: {response}");
        assert!(
            response.to_lowercase().contains("allow: get, head"),
            "{response}"
        );
    }
    let response = raw(
        &server,
        "HEAD /news/a/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(!response.contains("Alpha"), "HEAD has no body: {response}");
}

#[test]
fn slow_and_half_open_clients_neither_stall_nor_stay() {
    let site = site_with_articles();
    let server = serve(&site);
    // Clients that send half a request head and then nothing.
    let mut slow: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"GET /news/a/ HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    let start = Instant::now();
    let (status, _, body) = get(&server, "/news/a/");
    assert_eq!(status, 200);
    assert!(body.contains("Alpha"));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    // The server closes each of them once the header time is up.
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    }
    let waited = Instant::now();
    for s in &mut slow {
        let mut buf = [0u8; 512];
        // EOF, a 408 before it, or a reset: closed in every case.
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    }
    assert!(
        waited.elapsed() < Duration::from_secs(15),
        "{:?}",
        waited.elapsed()
    );
    assert_eq!(get(&server, "/news/a/").0, 200);
}

#[test]
fn binding_beyond_this_machine_warns_and_prints_urls_that_open() {
    let site = site_with_articles();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0"])
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = child.wait();
    assert!(
        stderr.contains("warning") && stderr.contains("drafts"),
        "{stderr}"
    );
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    assert!(!line.contains("0.0.0.0"), "{line}");
}

#[test]
fn serve_shows_embargoed_stories_with_their_banner() {
    let site = site_with_articles();
    site.write(
        "content/en/news/later.md",
        "+++\ntitle = \"Later\"\ndate = 2199-01-01T09:00:00Z\n+++\nNot yet.\n",
    );
    let server = serve(&site);
    let (status, _, body) = get(&server, "/news/later/");
    assert_eq!(status, 200);
    assert!(
        body.contains("class=\"embargo\"") && body.contains("Embargoed until"),
        "{body}"
    );
    let (_, _, home) = get(&server, "/");
    assert!(home.contains("class=\"embargo\""), "{home}");
}

#[test]
fn serve_lifts_an_embargo_and_drops_an_expired_story_when_the_clock_passes() {
    let site = site_with_articles();
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    site.write(
        "content/en/news/soon.md",
        format!("+++\ntitle = \"Soon\"\ndate = \"{soon}\"\n+++\nAlmost.\n"),
    );
    site.write(
        "content/en/news/going.md",
        format!(
            "+++\ntitle = \"Going\"\ndate = 2026-01-01\nexpiry_date = \"{}\"\n+++\nBye.\n",
            soon + jiff::SignedDuration::from_secs(1)
        ),
    );
    let server = serve(&site);
    let (_, _, body) = get(&server, "/news/soon/");
    assert!(body.contains("class=\"embargo\""), "{body}");
    assert_eq!(get(&server, "/news/going/").0, 200);
    // No edit: the clock alone makes the change, about a second after it is due.
    std::thread::sleep(Duration::from_secs(3));
    eventually(&server, "/news/soon/", |s, b| {
        s == 200 && !b.contains("class=\"embargo\"")
    });
    eventually(&server, "/news/going/", |s, _| s == 404);
}

#[test]
fn serve_sees_a_photo_added_to_and_removed_from_a_story_folder() {
    let site = site_with_articles();
    site.write(
        "content/en/news/folder/index.md",
        "+++\ntitle = \"Folder\"\ndate = 2020-03-01\n+++\nText.\n\n![A crane](crane.png)\n",
    );
    let server = serve(&site);
    // The image names no file yet: the error is shown.
    eventually(&server, "/news/folder/", |_, b| b.contains("crane.png"));
    site.write("content/en/news/folder/crane.png", util::png(120, 80));
    let page = eventually(&server, "/news/folder/", |s, b| {
        s == 200 && b.contains("<picture>")
    });
    // The photo is made on its first request.
    let src = page
        .split("<img src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, head, _) = get(&server, &src);
    assert_eq!(status, 200, "{src}");
    assert!(head.contains("image/png"), "{head}");
    assert_eq!(get(&server, "/news/folder/crane.png").0, 200);
    // Removed while the story shows it: the story's error is shown...
    site.remove("content/en/news/folder/crane.png");
    eventually(&server, "/news/folder/", |_, b| b.contains("no such file"));
    // ...until the story stops showing it; then the photo is gone.
    site.write(
        "content/en/news/folder/index.md",
        "+++\ntitle = \"Folder\"\ndate = 2020-03-01\n+++\nText.\n",
    );
    eventually(&server, "/news/folder/crane.png", |s, _| s == 404);
}

#[test]
fn serve_makes_a_size_resize_image_asked_for_on_its_first_request() {
    let site = site_with_articles();
    site.write(
        "content/en/news/folder/index.md",
        "+++\ntitle = \"Folder\"\ndate = 2020-03-01\nimage = \"crane.png\"\nimage_alt = \"A crane\"\n+++\nText.\n",
    );
    site.write("content/en/news/folder/crane.png", util::png(120, 80));
    site.write(
        "templates/article.html",
        r#"{% if page.image_path %}{% set r = resize_image(path=page.image_path, width=30, height=30) %}<img src="{{ r.url }}">{% endif %}"#,
    );
    let server = serve(&site);
    let page = eventually(&server, "/news/folder/", |s, b| {
        s == 200 && b.contains("<img")
    });
    let src = page.split('"').nth(1).unwrap().to_string();
    assert!(src.ends_with("-30x30c.png"), "{page}");
    let (status, head, _) = get(&server, &src);
    assert_eq!(status, 200, "{src}");
    assert!(head.contains("image/png"), "{head}");
}

#[test]
fn a_bad_shortcode_call_in_an_edit_is_shown_in_the_overlay_at_its_line() {
    let site = site_with_articles();
    let server = serve(&site);
    eventually(&server, "/news/a/", |s, _| s == 200);
    // An edit that keeps the story in its place (the quick path).
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\nText.\n\n{{ youtube(id=\"x\", start=\"soon\") }}\n",
    );
    let body = eventually(&server, "/news/a/", |_, b| b.contains("bulletin-error"));
    assert!(
        body.contains("content/en/news/a.md:8:1") && body.contains("is a number, not a string"),
        "{body}"
    );
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\nText.\n\n{{ youtub(id=\"x\") }}\n",
    );
    let body = eventually(&server, "/news/a/", |_, b| b.contains("youtub`"));
    assert!(
        body.contains("a.md:8:1") && body.contains("figure, gallery"),
        "{body}"
    );
}

#[test]
fn serve_follows_an_embargo_moved_by_an_edit() {
    let site = site_with_articles();
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600);
    let story = |at: jiff::Timestamp| {
        format!(
            "+++\ntitle = \"Vote\"\ndate = 2026-01-01\npublish_date = \"{at}\"\n+++\nCounted.\n"
        )
    };
    site.write("content/en/news/vote.md", story(later));
    let server = serve(&site);
    let (_, _, body) = get(&server, "/news/vote/");
    assert!(body.contains("class=\"embargo\""), "{body}");
    // The desk brings the embargo forward: an edit of the text's front
    // matter only, and the served site must lift it at the new time.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    site.write("content/en/news/vote.md", story(soon));
    std::thread::sleep(Duration::from_secs(4));
    eventually(&server, "/news/vote/", |s, b| {
        s == 200 && !b.contains("class=\"embargo\"")
    });
}
