//! `bulletin build` on real sites in temporary folders.

mod util;

use util::{Site, wire};

const EN_ONLY: &str = "title = \"T\"\nbase_url = \"https://example.org\"\n";

#[test]
fn wire_story_gets_the_zones_historic_offset() {
    let site = Site::new(EN_ONLY);
    site.write(
        "content/news/story.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "Agencies agree"),
    );
    site.build_ok();
    let html = site.read("news/agencies-agree/index.html");
    assert!(
        html.contains(r#"<time datetime="2018-07-12T07:08:00+04:30">"#),
        "{html}"
    );
    assert!(html.contains("<title>Agencies agree — T</title>"));
    assert!(
        html.contains(r#"<h2 id="a-sub-heading-here">A sub-heading here</h2>"#),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;markup&lt;/b&gt; &amp; an ampersand"),
        "wire text is escaped: {html}"
    );
    assert!(
        html.contains(r#"<link rel="canonical" href="https://example.org/news/agencies-agree/">"#)
    );
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
}

#[test]
fn example_bulletin_builds_and_second_build_rewrites_nothing() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["build", "--root"])
            .arg(repo)
            .arg("--output")
            .arg(out.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.starts_with("Built ")
            && stdout.contains("en ")
            && stdout.contains("fa ")
            && stdout.contains("ru "),
        "{stdout}"
    );
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let mtime = std::fs::metadata(out.path().join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let second = run();
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("(0 written"),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("index.html")).unwrap(),
        index
    );
    assert_eq!(
        std::fs::metadata(out.path().join("index.html"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
}

#[test]
fn output_is_deterministic() {
    let make = || {
        let site = Site::three_languages();
        for n in 0..5 {
            site.write(&format!("content/en/news/s{n}.md"), format!("+++\ntitle = \"Story {n}\"\ndate = 2020-01-0{}\ntags = [\"a\", \"b{n}\"]\n+++\nText {n}.\n", n + 1));
            site.write(
                &format!("content/fa/news/s{n}.md"),
                format!(
                    "+++\ntitle = \"خبر {n}\"\ndate = 2020-01-0{}\n+++\nمتن.\n",
                    n + 1
                ),
            );
        }
        site.build_ok();
        site.snapshot()
    };
    assert_eq!(make(), make());
}

#[test]
fn markdown_features_and_internal_links() {
    let site = Site::new(EN_ONLY);
    site.write("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nIntro.\n\n<!-- more -->\n\n## Part\n\nSee [b](@/news/b.md#x).\n\n```rust\nfn main() {}\n```\n");
    site.write(
        "content/news/b.md",
        "+++\ntitle = \"B\"\ndate = 2020-01-02\n+++\n# X\n",
    );
    site.build_ok();
    let html = site.read("news/a/index.html");
    assert!(html.contains(r#"href="/news/b/#x""#), "{html}");
    assert!(html.contains(r#"<h2 id="part">"#));
    assert!(html.contains("hl-"), "code is highlighted");
    let home = site.read("index.html");
    assert!(
        home.contains("Intro.") && !home.contains("See "),
        "summary stops at <!-- more -->"
    );
    assert!(site.public("syntax-light.css").exists() && site.public("syntax-dark.css").exists());
}

#[test]
fn base_url_with_a_path_is_honoured() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org/bulletin/\"\n");
    site.write(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nText.\n",
    );
    site.build_ok();
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/bulletin/news/a/""#), "{home}");
    assert!(
        home.contains(r#"href="/bulletin/style."#),
        "fingerprinted stylesheet under the base path"
    );
    assert!(
        site.read("atom.xml")
            .contains("https://example.org/bulletin/news/a/")
    );
    let out = site.run(&["build", "--base-url", "http://127.0.0.1:8000"]);
    assert!(out.status.success());
    assert!(site.read("index.html").contains(r#"href="/news/a/""#));
}

#[test]
fn home_is_paginated_and_page_one_redirects() {
    let site = Site::three_languages();
    for n in 1..=3 {
        site.write(
            &format!("content/en/news/s{n}.md"),
            format!("+++\ntitle = \"S{n}\"\ndate = 2020-01-0{n}\n+++\nx\n"),
        );
    }
    site.build_ok();
    let home = site.read("index.html");
    assert!(
        home.contains("S3") && home.contains("S2") && !home.contains(">S1<"),
        "newest first, 2 per page"
    );
    assert!(
        home.contains(r#"<link rel="next" href="/page/2/">"#),
        "{home}"
    );
    assert!(site.read("page/2/index.html").contains("S1"));
    assert!(
        site.read("page/1/index.html")
            .contains(r#"http-equiv="refresh""#)
    );
    assert!(site.read("news/index.html").contains("S3"));
    assert!(site.public("404.html").exists());
}

#[test]
fn drafts_only_with_flag_and_editor_leftovers_ignored() {
    let site = Site::new(EN_ONLY);
    site.write(
        "content/news/d.md",
        "+++\ntitle = \"Draft\"\ndate = 2020-01-01\ndraft = true\n+++\nx\n",
    );
    site.write("content/news/.#d.md", "garbage");
    site.write("content/news/d.md~", "garbage");
    site.write("content/news/#d.md#", "garbage");
    site.build_ok();
    assert!(!site.public("news/d/index.html").exists());
    assert!(site.run(&["build", "--drafts"]).status.success());
    assert!(site.public("news/d/index.html").exists());
}

#[test]
fn new_and_init_make_sites_that_build() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("mysite");
    let bin = env!("CARGO_BIN_EXE_bulletin");
    let ok = std::process::Command::new(bin)
        .arg("init")
        .arg(&site_dir)
        .status()
        .unwrap();
    assert!(ok.success());
    let ignored = std::fs::read_to_string(site_dir.join(".gitignore")).unwrap();
    assert!(ignored.contains("/.bulletin-cache") && ignored.contains("/public"));
    let ok = std::process::Command::new(bin)
        .args([
            "new",
            "content/en/news/second.md",
            "--title",
            "Second story",
            "--root",
        ])
        .arg(&site_dir)
        .status()
        .unwrap();
    assert!(ok.success());
    let out = std::process::Command::new(bin)
        .args(["build", "--root"])
        .arg(&site_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site_dir.join("public/news/second/index.html").exists());
    assert!(site_dir.join("public/news/welcome/index.html").exists());
}

#[test]
fn site_without_themes_folder_uses_the_built_in_theme_and_overrides_work() {
    let site = Site::new(EN_ONLY);
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nx\n",
    );
    site.write("templates/404.html", "custom not found");
    site.write("static/robots-extra.txt", "hi");
    site.build_ok();
    assert_eq!(site.read("404.html"), "custom not found");
    assert_eq!(site.read("robots-extra.txt"), "hi");
    assert!(site.read("style.css").contains("margin-inline"));
}

#[test]
fn deleted_article_output_is_removed_but_foreign_files_stay() {
    let site = Site::new(EN_ONLY);
    site.write(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nx\n",
    );
    site.write(
        "content/news/b.md",
        "+++\ntitle = \"B\"\ndate = 2020-01-02\n+++\nx\n",
    );
    site.build_ok();
    site.write("public/CNAME", "example.org");
    std::fs::remove_file(site.root().join("content/news/b.md")).unwrap();
    site.build_ok();
    assert!(!site.public("news/b/index.html").exists());
    assert!(site.public("CNAME").exists());
}

#[test]
fn article_images_get_their_size_and_a_warning_without_alt_text() {
    let site = Site::new(EN_ONLY);
    let png = util::png(640, 480);
    site.write("static/img/photo.png", &png);
    site.write("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2020-01-01\nimage = \"img/photo.png\"\nimage_alt = \"Two directors\"\n+++\nx\n");
    site.write(
        "content/news/b.md",
        "+++\ntitle = \"B\"\ndate = 2020-01-02\nimage = \"/img/photo.png\"\n+++\nx\n",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/news/b.md: the image has no `image_alt` text"),
        "{stderr}"
    );
    assert!(!stderr.contains("content/news/a.md"), "{stderr}");
    let html = site.read("news/a/index.html");
    // A responsive photo: versions up to its own width, never wider.
    assert!(
        html.contains(r#"width="640" height="480" alt="Two directors" fetchpriority="high""#),
        "{html}"
    );
    assert!(html.contains("/images/photo-"), "{html}");
    assert!(!html.contains("-800.png"), "never upscaled: {html}");
    let og = html.split("og:image\" content=\"").nth(1).unwrap();
    assert!(
        og.starts_with("https://example.org/images/photo-") && og[..80].contains("-share.jpg"),
        "{og}"
    );
}

#[test]
fn feeds_make_article_links_absolute() {
    let site = Site::new(EN_ONLY);
    site.write(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nSee [b](@/news/b.md).\n",
    );
    site.write(
        "content/news/b.md",
        "+++\ntitle = \"B\"\ndate = 2020-01-02\n+++\nx\n",
    );
    site.build_ok();
    let atom = site.read("atom.xml");
    assert!(
        atom.contains("href=&quot;https://example.org/news/b/&quot;"),
        "{atom}"
    );
}

/// Pages are re-rendered only when their inputs' fingerprint changes; after
/// each kind of edit the reused output must equal a clean build's.
#[test]
fn rebuilds_after_edits_equal_clean_builds() {
    let site = Site::three_languages();
    let art = |t: &str, d: &str, tags: &str| {
        format!("+++\ntitle = \"{t}\"\ndate = {d}\ntags = [{tags}]\n+++\nText of {t}.\n")
    };
    site.write("content/en/news/a.md", art("Alpha", "2020-01-01", "\"x\""));
    site.write(
        "content/en/news/b.md",
        art("Beta", "2020-01-02", "\"x\", \"y\""),
    );
    site.write("content/fa/news/a.md", art("الف", "2020-01-01", "\"ایکس\""));
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"News\"\n+++\nIntro.\n",
    );
    site.build_ok();
    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit> = vec![
        (
            "title",
            Box::new(|| {
                site.write(
                    "content/en/news/a.md",
                    art("Alpha two", "2020-01-01", "\"x\""),
                );
            }),
        ),
        (
            "date",
            Box::new(|| {
                site.write(
                    "content/en/news/a.md",
                    art("Alpha two", "2021-05-05", "\"x\""),
                );
            }),
        ),
        (
            "tags",
            Box::new(|| {
                site.write("content/en/news/b.md", art("Beta", "2020-01-02", "\"z\""));
            }),
        ),
        (
            "translation",
            Box::new(|| {
                site.write("content/ru/news/b.md", art("Бета", "2020-01-02", "\"икс\""));
            }),
        ),
        (
            "section",
            Box::new(|| {
                site.write(
                    "content/en/news/_index.md",
                    "+++\ntitle = \"Wire\"\n+++\nNew intro.\n",
                );
            }),
        ),
        (
            "template",
            Box::new(|| {
                site.write("templates/article.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% endblock content %}");
            }),
        ),
        (
            "strings",
            Box::new(|| {
                site.write(
                    "themes/default/i18n/en.toml",
                    std::fs::read_to_string(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/themes/default/i18n/en.toml"
                    ))
                    .unwrap()
                    .replace("Latest stories", "Newest"),
                );
            }),
        ),
        (
            "config",
            Box::new(|| {
                site.write(
                    "site.toml",
                    util::THREE_LANGUAGES
                        .replace("title = \"Test Bulletin\"", "title = \"Renamed Bulletin\""),
                );
            }),
        ),
        (
            "delete",
            Box::new(|| {
                std::fs::remove_file(site.root().join("content/en/news/b.md")).unwrap();
            }),
        ),
    ];
    for (what, edit) in &edits {
        edit();
        let stdout = site.build_ok();
        site.assert_same_as_clean_build(what, &stdout);
    }
}

#[test]
fn unchanged_rebuild_renders_nothing() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nx\n",
    );
    site.build_ok();
    let manifest = std::fs::read_to_string(site.public(".bulletin-manifest")).unwrap();
    assert!(manifest.lines().all(|l| l.contains('\t')), "{manifest}");
    let second = site.build_ok();
    assert!(second.contains("(0 written"), "{second}");
    // A deleted output file is written again even though its inputs did not change.
    std::fs::remove_file(site.public("news/a/index.html")).unwrap();
    let third = site.build_ok();
    assert!(third.contains("(1 written"), "{third}");
    assert!(site.public("news/a/index.html").exists());
}

#[test]
fn every_page_has_a_description_even_when_the_site_gives_none() {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/a.md",
        "+++\ntitle = \"الف\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\n\n## فقط عنوان\n",
    );
    site.build_ok();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(site.public("")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            if html.contains("http-equiv=\"refresh\"") {
                continue;
            }
            pages += 1;
            assert!(
                !html.contains("name=\"description\" content=\"\""),
                "empty description in {}",
                entry.path().display()
            );
        }
    }
    assert!(pages > 5);
    assert!(
        site.read("fa/tags/index.html")
            .contains("name=\"description\" content=\"خبرنامه\"")
    );
}

#[test]
fn structured_data_cannot_close_its_script_element() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Tags & </script><b>\"\ndate = 2020-01-01\n+++\n\nText.\n",
    );
    site.write(
        "content/en/news/b.md",
        "+++\ntitle = \"B\"\ndate = 2020-01-01T10:00:00Z\nupdated = 2020-01-02T10:00:00Z\nauthors = [\"Ann\", \"Bob\"]\n+++\n\nText.\n",
    );
    site.build_ok();
    let html = site.read("news/a/index.html");
    let script = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("a JSON-LD script");
    assert!(
        script.contains(r#""headline":"Tags \u0026 \u003c/script\u003e\u003cb\u003e""#),
        "{script}"
    );
    let data: serde_json::Value = serde_json::from_str(script).unwrap();
    assert_eq!(data["headline"], "Tags & </script><b>");
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(data["author"][0]["@type"], "Organization");
    assert_eq!(data["datePublished"], data["dateModified"]);
    let html = site.read("news/b/index.html");
    let script = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(script).unwrap();
    assert_eq!(data["author"][1]["name"], "Bob");
    assert_eq!(data["author"][1]["@type"], "Person");
    assert_eq!(data["dateModified"], "2020-01-02T10:00:00Z");
    assert_eq!(data["url"], "https://example.org/news/b/");
}
