//! Adversarial input: nothing written outside the output folder, no forged
//! manifest, nothing injected, clear errors at the limits.

mod util;

use util::{Site, wire};

fn simple_site() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/en/news/one.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "One"),
    );
    site
}

#[test]
fn a_permalink_cannot_leave_the_output_folder() {
    let site = simple_site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace(
            "paginate_by = 2\n",
            "paginate_by = 2\npermalink = \"/../../:slug/\"\n",
        ),
    );
    site.write(
        "content/en/news/probe.md",
        "+++\ntitle = \"P\"\ndate = 2018-07-14\nslug = \"permalink-escape-probe\"\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("site.toml:"), "{stderr}");
    assert!(stderr.contains("would leave the output folder"), "{stderr}");
    assert!(!site.root().join("permalink-escape-probe").exists());
    assert!(
        !site
            .root()
            .parent()
            .unwrap()
            .join("permalink-escape-probe")
            .exists()
    );
}

#[cfg(unix)]
#[test]
fn an_output_dir_that_links_to_content_or_the_site_is_refused() {
    for target in ["content", "."] {
        let site = simple_site();
        let root = site.root().canonicalize().unwrap();
        std::os::unix::fs::symlink(root.join(target), root.join("out")).unwrap();
        site.write(
            "site.toml",
            util::THREE_LANGUAGES.replace(
                "paginate_by = 2\n",
                "paginate_by = 2\noutput_dir = \"out\"\n",
            ),
        );
        let stderr = site.build_err();
        assert!(stderr.contains("would overwrite"), "{target}: {stderr}");
        assert!(!root.join("content/index.html").exists());
        assert!(!root.join("index.html").exists());
    }
}

#[test]
fn a_file_name_cannot_forge_a_manifest_line() {
    let site = simple_site();
    site.build_ok();
    site.write("public/CNAME", "news.example.org\n");
    site.write("static/x\nCNAME", "forged");
    let stderr = site.build_err();
    assert!(stderr.contains("control characters"), "{stderr}");
    assert!(stderr.contains("static file"), "{stderr}");
    std::fs::remove_file(site.root().join("static/x\nCNAME")).unwrap();
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(site.public("CNAME")).unwrap(),
        "news.example.org\n"
    );
}

#[test]
fn an_alias_cannot_name_bulletins_own_files() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\naliases = [\"/.bulletin-manifest\"]\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md"), "{stderr}");
    assert!(stderr.contains(".bulletin-"), "{stderr}");
}

#[test]
fn a_front_matter_summary_is_text_on_every_page() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\nsummary = \"S<script>alert(1)</script>\"\n+++\nText.\n",
    );
    site.build_ok();
    for page in [
        "index.html",
        "news/index.html",
        "2018/07/index.html",
        "news/two/index.html",
        "atom.xml",
    ] {
        let html = site.read(page);
        assert!(!html.contains("<script>alert"), "{page}: raw summary");
    }
    assert!(
        site.read("index.html")
            .contains("S&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

#[test]
fn a_base_url_that_breaks_out_is_refused_at_its_line() {
    let site = simple_site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace(
            "base_url = \"https://example.org\"",
            "base_url = \"https://example.org/\\\"><script>alert(1)</script>\"",
        ),
    );
    let stderr = site.build_err();
    assert!(stderr.contains("site.toml:2"), "{stderr}");
    assert!(!site.root().join("public").exists());
}

#[test]
fn with_raw_html_refused_code_info_strings_and_link_schemes_cannot_inject() {
    let site = Site::new(&format!(
        "{}\n[markdown]\nunsafe_html = false\n",
        util::THREE_LANGUAGES
    ));
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\n+++\n[x](javascript:alert(1)) ![i](javascript:alert(2))\n\n```x\"><img src=x onerror=alert(3)>\ncode\n```\n",
    );
    site.build_ok();
    let html = site.read("news/two/index.html");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
}

#[test]
fn root_relative_links_are_prefixed_with_a_base_path() {
    let site = Site::new(
        &util::THREE_LANGUAGES.replace("https://example.org", "https://user.github.io/bulletin"),
    );
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\n+++\nSee [one](/news/one/) and ![map](/images/map.png).\n",
    );
    site.write("static/images/map.png", util::png(64, 32));
    site.write(
        "content/en/news/one.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "One"),
    );
    site.build_ok();
    let html = site.read("news/two/index.html");
    assert!(html.contains("href=\"/bulletin/news/one/\""), "{html}");
    // A static photo is published responsive, under the base path too.
    assert!(html.contains("src=\"/bulletin/images/map-"), "{html}");
    assert!(html.contains("srcset=\"/bulletin/images/map-"), "{html}");
}

#[test]
fn control_characters_in_a_text_are_refused_at_their_line() {
    let site = simple_site();
    site.write(
        "content/en/news/two.txt",
        "Jul 12, 2018 07:08 Asia/Tehran\n  • Two\n\nA form\u{c}feed.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.txt:4:7"), "{stderr}");
    assert!(stderr.contains("U+000C"), "{stderr}");
    site.write(
        "content/en/news/two.txt",
        "Jul 12, 2018 07:08 Asia/Tehran\n  • Two\u{0}\n\nText.\n",
    );
    assert!(site.build_err().contains("U+0000"));
}

#[test]
fn control_characters_written_as_escapes_never_reach_html_or_feeds() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\\u000c\\u0000\\u001b[31m\"\ndate = 2018-07-14\ndescription = \"D\\u000b\"\n+++\nText.\n",
    );
    site.build_ok();
    for page in [
        "index.html",
        "news/two/index.html",
        "atom.xml",
        "rss.xml",
        "news/atom.xml",
        "sitemap.xml",
    ] {
        let text = site.read(page);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{page} carries a control character"
        );
    }
    assert!(site.read("news/two/index.html").contains("Two[31m"));
}

#[test]
fn an_offset_beyond_fourteen_hours_is_refused() {
    let site = simple_site();
    for (date, what) in [
        (
            "\"2018-07-14T09:00:00+25:00\"",
            "offsets run from -12:00 to +14:00",
        ),
        (
            "\"2018-07-14T09:00:00-13:00\"",
            "offsets run from -12:00 to +14:00",
        ),
    ] {
        site.write(
            "content/en/news/two.md",
            format!("+++\ntitle = \"Two\"\ndate = {date}\n+++\nText.\n"),
        );
        let stderr = site.build_err();
        assert!(stderr.contains("content/en/news/two.md:3"), "{stderr}");
        assert!(stderr.contains(what), "{stderr}");
    }
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = \"2018-07-14T09:00:00+14:00\"\n+++\nText.\n",
    );
    site.build_ok();
}

#[test]
fn a_cached_template_that_calls_itself_is_an_error_not_a_crash() {
    let site = simple_site();
    site.write(
        "templates/loop.html",
        "{{ cached(template=\"loop.html\") }}\n",
    );
    site.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{{ cached(template=\"loop.html\") }}{% endblock content %}",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("calls itself"), "{stderr}");
    assert!(stderr.contains("templates/loop.html"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn an_image_that_is_a_fifo_is_an_error_not_a_hang() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\nimage = \"pipe.png\"\nimage_alt = \"A pipe\"\n+++\nText.\n",
    );
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(site.root().join("static/pipe.png"))
        .status()
        .unwrap();
    assert!(made.success());
    let (done, wait) = std::sync::mpsc::channel();
    let root = site.root().to_path_buf();
    std::thread::spawn(move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .arg("build")
            .current_dir(root)
            .output()
            .unwrap();
        let _ = done.send(out);
    });
    let out = wait
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the build hung on a FIFO");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("static/pipe.png") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn a_long_persian_headline_gets_a_slug_that_fits_a_file_name() {
    let site = simple_site();
    let headline = "گزارش ".repeat(30);
    site.write(
        "content/fa/news/long.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", headline.trim()),
    );
    site.build_ok();
    let news = site.public("fa/news");
    let longest = std::fs::read_dir(news)
        .unwrap()
        .map(|e| e.unwrap().file_name().len())
        .max()
        .unwrap();
    assert!(longest <= 200, "{longest} bytes");
}

#[test]
fn a_slug_too_long_for_a_file_name_is_an_error_at_its_line() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        format!(
            "+++\ntitle = \"Two\"\ndate = 2018-07-14\nslug = \"{}\"\n+++\nText.\n",
            "s".repeat(300)
        ),
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md:4"), "{stderr}");
    assert!(stderr.contains("300 bytes"), "{stderr}");
}

#[test]
fn sections_that_differ_only_in_case_collide() {
    let site = simple_site();
    site.write(
        "content/en/News/a.md",
        "+++\ntitle = \"A\"\ndate = 2018-07-14\n+++\nA.\n",
    );
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2018-07-15\n+++\nA.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("differ only in case"), "{stderr}");
    assert!(stderr.contains("content/en/"), "{stderr}");
}

#[test]
fn a_translation_key_shared_within_a_language_is_refused() {
    let site = simple_site();
    for name in ["a", "b"] {
        site.write(
            &format!("content/en/news/{name}.md"),
            "+++\ntitle = \"A\"\ndate = 2018-07-14\ntranslation_key = \"k\"\n+++\nA.\n",
        );
    }
    let stderr = site.build_err();
    assert!(stderr.contains("translation_key `k`"), "{stderr}");
    assert!(
        stderr.contains("content/en/news/a.md") && stderr.contains("content/en/news/b.md"),
        "{stderr}"
    );
}

#[test]
fn terms_without_a_page_and_comma_strings_are_refused() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\ntags = [\"film\", \"!!!\"]\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md:4"), "{stderr}");
    assert!(stderr.contains("\"!!!\""), "{stderr}");
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\ntags = \"film, diplomacy\"\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md:4"), "{stderr}");
    assert!(stderr.contains("[\"film\", \"diplomacy\"]"), "{stderr}");
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\ntags = \"film\"\n+++\nText.\n",
    );
    site.build_ok();
    assert!(site.public("tags/film/index.html").exists());
}

#[test]
fn a_link_to_a_section_file_goes_to_the_section() {
    let site = simple_site();
    site.write("content/en/news/_index.md", "+++\ntitle = \"News\"\n+++\n");
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\n+++\nAll [the news](@/en/news/_index.md).\n",
    );
    site.build_ok();
    assert!(site.read("news/two/index.html").contains("href=\"/news/\""));
}

#[test]
fn an_unconfigured_language_folder_is_warned_about() {
    let site = simple_site();
    site.write(
        "content/de/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2018-07-14\n+++\nA.\n",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/de/") && stderr.contains("[languages.de]"),
        "{stderr}"
    );
}

#[test]
fn errors_at_the_limits_name_their_file() {
    // An alias onto the home page or robots.txt: the story is named.
    for alias in ["/", "/robots.txt"] {
        let site = simple_site();
        site.write(
            "content/en/news/two.md",
            format!(
                "+++\ntitle = \"Two\"\ndate = 2018-07-14\naliases = [\"{alias}\"]\n+++\nText.\n"
            ),
        );
        let stderr = site.build_err();
        assert!(
            stderr.contains("--> content/en/news/two.md"),
            "{alias}: {stderr}"
        );
    }
    // A section folder named like a taxonomy.
    let site = simple_site();
    site.write(
        "content/en/tags/a.md",
        "+++\ntitle = \"A\"\ndate = 2018-07-14\n+++\nA.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("--> content/en/tags"), "{stderr}");
    assert!(stderr.contains("taxonomy `tags`"), "{stderr}");
    // A theme without article.html.
    let site = simple_site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace("paginate_by = 2\n", "paginate_by = 2\ntheme = \"bare\"\n"),
    );
    site.write("themes/bare/templates/index.html", "x");
    let stderr = site.build_err();
    assert!(
        stderr.contains("themes/bare/templates/article.html"),
        "{stderr}"
    );
    // A language code of 300 letters.
    let site = simple_site();
    let code = "a".repeat(300);
    site.write(
        "site.toml",
        format!("title = \"T\"\nbase_url = \"https://example.org\"\ndefault_language = \"{code}\"\n[languages.{code}]\nname = \"x\"\n"),
    );
    let stderr = site.build_err();
    assert!(stderr.contains("site.toml:4"), "{stderr}");
    assert!(stderr.contains("is not a language code"), "{stderr}");
}

/// One payload for every context: text, attribute (both quotes), URL,
/// JSON in a script, XML.
const PAYLOAD: &str = r#"P"'><script>alert(1)</script>&amp;</title>]]>"#;

#[test]
fn one_payload_in_every_field_is_escaped_on_every_page() {
    let toml_payload = PAYLOAD.replace('\\', "\\\\").replace('"', "\\\"");
    let site = Site::new(&format!(
        "title = \"{toml_payload}\"\ndescription = \"{toml_payload}\"\nbase_url = \"https://example.org\"\ntaxonomies = [\"tags\"]\n[languages.en]\nname = \"{toml_payload}\"\ntitle = \"{toml_payload}\"\n[languages.fa]\nname = \"{toml_payload}\"\n[extra]\nnote = \"{toml_payload}\"\n"
    ));
    site.write(
        "content/en/news/_index.md",
        format!("+++\ntitle = \"{toml_payload}\"\ndescription = \"{toml_payload}\"\n+++\n"),
    );
    site.write(
        "content/en/news/x.md",
        format!(
            "+++\ntitle = \"{p}\"\ndate = 2018-07-14\nsummary = \"{p}\"\ndescription = \"{p}\"\nauthors = [\"{p}\"]\ntags = [\"{p}\"]\nimage = \"javascript:alert(1)\"\nimage_alt = \"{p}\"\n[extra]\nnote = \"{p}\"\n+++\nBody.\n",
            p = toml_payload
        ),
    );
    site.write(
        "content/fa/news/y.txt",
        format!("Jul 12, 2018 07:08 Asia/Tehran\n  • {PAYLOAD}\n\n{PAYLOAD}\n"),
    );
    site.build_ok();
    // The payload is there, escaped, in text and in attributes.
    let page = site.read("news/x/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("content=\"P&quot;&#39;&gt;"), "{page}");
    let base = site.root().join("public");
    let mut checked = 0;
    for rel in util::walk(&base) {
        if rel.starts_with(".bulletin-") {
            continue;
        }
        let text = std::fs::read_to_string(base.join(&rel)).unwrap_or_default();
        assert!(
            !text.contains("<script>alert"),
            "{rel} carries the payload raw"
        );
        assert!(
            !text.contains("'><"),
            "{rel} lets a quote out of an attribute"
        );
        assert!(
            !text.contains("src=\"javascript:"),
            "{rel} has a javascript: image"
        );
        if rel.ends_with(".xml") {
            assert!(!text.contains("</title>]]>"), "{rel}: raw payload in XML");
        }
        // JSON-LD may hold the text, but never a way out of its script.
        for block in text.split("<script type=\"application/ld+json\">").skip(1) {
            let json = block.split("</script>").next().unwrap();
            assert!(!json.to_lowercase().contains("</"), "{rel}: {json}");
            serde_json::from_str::<serde_json::Value>(json)
                .unwrap_or_else(|e| panic!("{rel}: JSON-LD does not parse ({e}): {json}"));
        }
        checked += 1;
    }
    assert!(checked > 30, "{checked} files");
}

#[test]
fn a_link_can_name_a_static_file() {
    let site = Site::new(
        &util::THREE_LANGUAGES.replace("https://example.org", "https://user.github.io/bulletin"),
    );
    site.write("static/docs/report.pdf", "pdf");
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\n+++\nThe [report](@/static/docs/report.pdf).\n",
    );
    site.build_ok();
    assert!(
        site.read("news/two/index.html")
            .contains("href=\"/bulletin/docs/report.pdf\"")
    );
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = 2018-07-14\n+++\nThe [report](@/static/docs/missing.pdf).\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md:5"), "{stderr}");
    assert!(
        stderr.contains("but static/docs/missing.pdf does not exist"),
        "{stderr}"
    );
}

#[test]
fn a_hundred_thousand_tags_on_one_story_fail_fast() {
    let site = simple_site();
    let tags: Vec<String> = (0..100_000).map(|i| format!("\"t{i}\"")).collect();
    site.write(
        "content/en/news/two.md",
        format!(
            "+++\ntitle = \"Two\"\ndate = 2018-07-14\ntags = [{}]\n+++\nText.\n",
            tags.join(",")
        ),
    );
    let start = std::time::Instant::now();
    let stderr = site.build_err();
    assert!(stderr.contains("max_terms"), "{stderr}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_negative_year_is_an_error_at_its_line() {
    let site = simple_site();
    site.write(
        "content/en/news/two.md",
        "+++\ntitle = \"Two\"\ndate = \"-000001-07-14T00:00:00Z\"\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/two.md:3"), "{stderr}");
}

#[test]
fn a_broken_link_in_a_section_intro_is_an_error_at_its_line() {
    let site = simple_site();
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"News\"\n+++\nOur intro.\n\nSee [the missing](@/en/news/nope.md).\n",
    );
    let err = site.build_err();
    assert!(err.contains("content/en/news/_index.md:6"), "{err}");
    assert!(
        err.contains("content/en/news/nope.md does not exist"),
        "{err}"
    );
}
