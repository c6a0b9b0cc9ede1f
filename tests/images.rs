//! Story folders and photos: a folder is one story with its files, photos
//! are published responsive, upright and without their metadata, made once
//! and kept in the cache; bad photos are errors that name them.

mod util;

use util::Site;

const SITE: &str = r#"title = "Photo Desk"
base_url = "https://example.org"
timezone = "Asia/Tehran"

[languages.en]
name = "English"
[languages.fa]
name = "فارسی"

[images]
widths = [320, 640]
"#;

fn story(extra: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Harbour\"\ndate = 2026-03-01\nimage = \"harbour.jpg\"\nimage_alt = \"Ships at dawn\"\n{extra}+++\n{body}\n"
    )
}

fn bundle_site() -> Site {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/harbour/index.md",
        story(
            "",
            "Read [the report](report.pdf#page=2).\n\n![A crane](crane.png \"The new crane\")\n",
        ),
    );
    site.write(
        "content/en/news/harbour/index.fa.md",
        "+++\ntitle = \"بندر\"\ndate = 2026-03-01\nimage = \"harbour.jpg\"\nimage_alt = \"کشتی‌ها\"\n+++\nمتن.\n",
    );
    site.write(
        "content/en/news/harbour/harbour.jpg",
        util::jpeg_with_exif(900, 600, 6, "Ships in the harbour", "A. Photographer"),
    );
    site.write("content/en/news/harbour/crane.png", util::png(200, 100));
    site.write("content/en/news/harbour/report.pdf", "%PDF-1.4 a report");
    site
}

#[test]
fn a_story_folder_is_one_story_with_its_files_and_translations() {
    let site = bundle_site();
    site.build_ok();
    // The folder is the story, not a section.
    assert!(
        site.read("news/harbour/index.html")
            .contains("<article class=\"story\">")
    );
    assert!(!site.public("news/harbour/atom.xml").exists());
    for page in ["news/harbour/", "fa/news/harbour/"] {
        let html = site.read(&format!("{page}index.html"));
        assert!(html.contains("<picture>"), "{page}: {html}");
        // Its files are published next to its page.
        assert_eq!(
            std::fs::read(site.public(&format!("{page}report.pdf"))).unwrap(),
            b"%PDF-1.4 a report"
        );
        assert!(site.public(&format!("{page}crane.png")).exists());
    }
    assert!(!site.public("news/harbour/index/index.html").exists());
    let html = site.read("news/harbour/index.html");
    // A relative link keeps its fragment and goes to the story's copy.
    assert!(
        html.contains(r#"href="/news/harbour/report.pdf#page=2""#),
        "{html}"
    );
    // A Markdown image with a title is a figure with its caption, lazily loaded.
    assert!(html.contains("<figure><picture>"), "{html}");
    assert!(
        html.contains("<figcaption>The new crane</figcaption>"),
        "{html}"
    );
    assert!(
        html.contains(r#"alt="A crane" loading="lazy" decoding="async""#),
        "{html}"
    );
    // The lead photo's caption and credit come from its EXIF.
    assert!(html.contains("Ships in the harbour"), "{html}");
    assert!(html.contains("A. Photographer"), "{html}");
}

#[test]
fn photos_are_responsive_upright_and_stripped() {
    let site = bundle_site();
    site.build_ok();
    let html = site.read("news/harbour/index.html");
    let lead = &html[html.find("<figure class=\"lead\">").unwrap()..];
    let lead = &lead[..lead.find("</figure>").unwrap()];
    // 900 × 600 turned upright by its orientation is 600 × 900: offered at
    // 320 and its own 600 (under the widest, 640), WebP first, JPEG fallback.
    assert!(
        lead.contains(r#"<source type="image/webp" srcset=""#),
        "{lead}"
    );
    assert!(
        lead.contains("-320.webp 320w") && lead.contains("-600.webp 600w"),
        "{lead}"
    );
    assert!(
        lead.contains("-320.jpg 320w") && lead.contains("-600.jpg 600w"),
        "{lead}"
    );
    assert!(!lead.contains("640w"), "never upscaled: {lead}");
    assert!(lead.contains(r#"width="600" height="900""#), "{lead}");
    assert!(
        lead.contains(r#"fetchpriority="high""#) && !lead.contains("lazy"),
        "{lead}"
    );
    assert!(lead.contains(r#"sizes=""#), "{lead}");

    let url = lead
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let bytes = std::fs::read(site.public(url.trim_start_matches('/'))).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (600, 900));
    // Nothing of the source's metadata is published: not in the versions,
    // not in the story's own copy (its widest version).
    let original = std::fs::read(site.public("news/harbour/harbour.jpg")).unwrap();
    let upright = image::load_from_memory(&original).unwrap();
    assert_eq!((upright.width(), upright.height()), (600, 900));
    for published in util::walk(&site.root().join("public")) {
        if published.ends_with(".jpg") || published.ends_with(".webp") {
            let bytes = std::fs::read(site.root().join("public").join(&published)).unwrap();
            for secret in [&b"Exif\0"[..], b"A. Photographer", b"Ships in"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret),
                    "{published} keeps {:?}",
                    String::from_utf8_lossy(secret)
                );
            }
        }
    }
}

#[test]
fn a_folder_photo_under_its_own_name_is_its_widest_version_never_the_camera_file() {
    let site = Site::new(SITE);
    site.write("content/en/news/x/index.md", story("", "Text."));
    let source = util::jpeg_with_exif(2000, 1000, 1, "Secret place", "Someone");
    site.write("content/en/news/x/harbour.jpg", &source);
    site.build_ok();
    let published = std::fs::read(site.public("news/x/harbour.jpg")).unwrap();
    assert!(!published.windows(6).any(|w| w == b"Secret"));
    let img = image::load_from_memory(&published).unwrap();
    assert_eq!((img.width(), img.height()), (640, 320));
    let html = site.read("news/x/index.html");
    let largest = html
        .split("<img src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(
        std::fs::read(site.public(largest.trim_start_matches('/'))).unwrap(),
        published
    );
}

#[test]
fn a_second_build_encodes_nothing_and_unused_versions_are_pruned() {
    let site = bundle_site();
    site.build_ok();
    let cache = site.root().join(".bulletin-cache/images");
    let made: Vec<_> = util::walk(&cache);
    assert!(made.len() > 6, "{made:?}");
    // Deleting the output re-publishes from the cache without decoding:
    // every cached file keeps its modification time.
    let stamps = |dir: &std::path::Path| -> Vec<(String, std::time::SystemTime)> {
        util::walk(dir)
            .into_iter()
            .filter(|p| !p.starts_with("probe"))
            .map(|p| {
                let t = std::fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
                (p, t)
            })
            .collect()
    };
    let before = stamps(&cache);
    std::fs::remove_dir_all(site.root().join("public")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.build_ok();
    assert_eq!(stamps(&cache), before);
    // Unchanged output: nothing is written.
    let out = site.build_ok();
    assert!(out.contains("0 written"), "{out}");
    // A photo removed from the story: its cached versions go too.
    site.remove("content/en/news/harbour/crane.png");
    site.write(
        "content/en/news/harbour/index.md",
        story("", "Read [the report](report.pdf)."),
    );
    site.build_ok();
    assert!(util::walk(&cache).len() < made.len());
    assert!(!site.public("news/harbour/crane.png").exists());
}

#[test]
fn missing_files_of_a_story_folder_are_errors_at_their_line() {
    let site = bundle_site();
    site.build_ok();
    let before = site.snapshot();
    site.write(
        "content/en/news/harbour/index.md",
        story("", "Intro.\n\n![A boat](boat.jpg)"),
    );
    let err = site.build_err();
    assert!(err.contains("content/en/news/harbour/index.md:9"), "{err}");
    assert!(err.contains("boat.jpg"), "{err}");
    site.write(
        "content/en/news/harbour/index.md",
        story("", "See [the map](map.pdf)."),
    );
    let err = site.build_err();
    assert!(
        err.contains("index.md:7") && err.contains("map.pdf"),
        "{err}"
    );
    site.write(
        "content/en/news/harbour/index.md",
        "+++\ntitle = \"H\"\ndate = 2026-03-01\nimage = \"nope.jpg\"\n+++\nx\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("index.md:4") && err.contains("no file `nope.jpg`"),
        "{err}"
    );
    // Another story file in the folder has no page of its own: said so.
    site.write("content/en/news/harbour/index.md", story("", "Text."));
    site.write(
        "content/en/news/harbour/notes.md",
        "+++\ntitle = \"N\"\n+++\nx\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("notes.md is a story file inside the story folder"),
        "{err}"
    );
    assert_eq!(site.snapshot(), before, "the previous output is untouched");
}

#[test]
fn bad_photos_are_clear_errors_never_panics() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.jpg", Vec::new(), "empty file"),
        ("text.jpg", b"not an image at all".to_vec(), "not an image"),
        ("cut.jpg", util::jpeg(400, 300)[..300].to_vec(), "damaged"),
        (
            "bomb.png",
            {
                let mut png = util::png(8, 8);
                png[16..20].copy_from_slice(&30000u32.to_be_bytes());
                png[20..24].copy_from_slice(&30000u32.to_be_bytes());
                png
            },
            "30000 × 30000",
        ),
    ];
    for (name, bytes, says) in cases {
        let site = Site::new(SITE);
        site.write(
            "content/en/news/x/index.md",
            format!("+++\ntitle = \"X\"\ndate = 2026-03-01\nimage = \"{name}\"\nimage_alt = \"x\"\n+++\nx\n"),
        );
        site.write(&format!("content/en/news/x/{name}"), bytes);
        let err = site.build_err();
        assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_where_a_photo_should_be_is_an_error_not_a_hang() {
    let site = Site::new(SITE);
    site.write("content/en/news/x/index.md", story("", "x"));
    let fifo = site.root().join("content/en/news/x/harbour.jpg");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let err = site.build_err();
    assert!(
        err.contains("harbour.jpg") && err.contains("not a regular file"),
        "{err}"
    );
}

#[test]
fn an_svg_is_published_as_it_is() {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/x/index.md",
        "+++\ntitle = \"X\"\ndate = 2026-03-01\n+++\n![A chart](chart.svg)\n",
    );
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
    site.write("content/en/news/x/chart.svg", svg);
    site.build_ok();
    assert_eq!(site.read("news/x/chart.svg"), svg);
    assert!(
        site.read("news/x/index.html")
            .contains(r#"<img src="/news/x/chart.svg" alt="A chart""#)
    );
}

#[test]
fn missing_alt_text_is_a_warning_or_with_require_alt_an_error() {
    let site = Site::new(SITE);
    site.write(
        "content/en/news/x/index.md",
        "+++\ntitle = \"X\"\ndate = 2026-03-01\n+++\nText.\n\n![](crane.png)\n",
    );
    site.write("content/en/news/x/crane.png", util::png(50, 50));
    let out = site.run(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/en/news/x/index.md:7: the image has no alt text"),
        "{stderr}"
    );
    site.write("site.toml", format!("{SITE}require_alt = true\n"));
    let err = site.build_err();
    assert!(
        err.contains("index.md:7") && err.contains("require_alt"),
        "{err}"
    );
}

#[test]
fn bad_images_settings_are_errors_in_site_toml() {
    let site = Site::new(&SITE.replace("widths = [320, 640]", "widths = [0]"));
    let err = site.build_err();
    assert!(err.contains("site.toml") && err.contains("widths"), "{err}");
    let site = Site::new(&format!("{SITE}formats = [\"avif\"]\n"));
    assert!(site.build_err().contains("`avif`"));
}

#[test]
fn the_share_image_is_a_1200_by_630_crop_of_the_lead_photo() {
    let site = Site::new(SITE);
    site.write("content/en/news/x/index.md", story("", "Text."));
    site.write("content/en/news/x/harbour.jpg", util::jpeg(3000, 2000));
    site.build_ok();
    let html = site.read("news/x/index.html");
    let og = html
        .split("og:image\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(
        og.starts_with("https://example.org/images/harbour-") && og.ends_with("-share.jpg"),
        "{og}"
    );
    let path = og.trim_start_matches("https://example.org/");
    let img = image::load_from_memory(&std::fs::read(site.public(path)).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
    // Not among the responsive widths.
    assert!(!html.contains("-share.jpg 1200w"), "{html}");
}

#[test]
fn templates_read_a_photos_metadata() {
    let site = bundle_site();
    site.write(
        "templates/article.html",
        "{% set m = get_image_metadata(path=\"content/en/news/harbour/harbour.jpg\") %}{{ m.width }}x{{ m.height }} {{ m.format }} {{ m.caption }} / {{ m.credit }} {{ m.url }}",
    );
    site.build_ok();
    let html = site.read("news/harbour/index.html");
    assert!(
        html.starts_with("600x900 jpeg Ships in the harbour / A. Photographer /images/harbour-"),
        "{html}"
    );
    site.write(
        "templates/article.html",
        "{% set m = get_image_metadata(path=\"nowhere.jpg\") %}{{ m.width }}",
    );
    let err = site.build_err();
    assert!(
        err.contains("nowhere.jpg") && err.contains("not a photo the site shows"),
        "{err}"
    );
}

#[test]
fn the_same_photo_in_two_story_folders_is_published_once() {
    let site = Site::new(SITE);
    let photo = util::jpeg(800, 600);
    for (folder, lang) in [("en/news/a", "en"), ("fa/news/b", "fa")] {
        site.write(
            &format!("content/{folder}/index.md"),
            format!("+++\ntitle = \"{lang}\"\ndate = 2026-03-01\nimage = \"harbour.jpg\"\nimage_alt = \"x\"\n+++\nx\n"),
        );
        site.write(&format!("content/{folder}/harbour.jpg"), &photo);
    }
    site.build_ok();
    let en = site.read("news/a/index.html");
    let fa = site.read("fa/news/b/index.html");
    let src = |html: &str| {
        html.split("<img src=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(src(&en), src(&fa));
    assert!(site.public(src(&en).trim_start_matches('/')).exists());
}

/// The one file under `public/images/` whose name ends with `suffix`.
fn published(site: &Site, suffix: &str) -> Vec<String> {
    util::walk(&site.public("images"))
        .into_iter()
        .filter(|p| p.ends_with(suffix))
        .collect()
}

fn size_of(site: &Site, url: &str) -> (u32, u32) {
    let img =
        image::load_from_memory(&std::fs::read(site.public(url.trim_start_matches('/'))).unwrap())
            .unwrap();
    (img.width(), img.height())
}

#[test]
fn resize_image_publishes_what_templates_ask_for_and_keeps_it_while_asked() {
    let site = bundle_site();
    site.write(
        "templates/article.html",
        r#"{% set r = resize_image(path=page.image_path, width=300, op="fit_width") %}{{ r.url }} {{ r.width }}x{{ r.height }} of {{ r.orig_width }}x{{ r.orig_height }}
{% set f = resize_image(path=page.image_path, width=100, height=100, format="webp") %}{{ f.url }}"#,
    );
    site.build_ok();
    let html = site.read("news/harbour/index.html");
    let url = html.split(' ').next().unwrap().to_string();
    // The photo is 600 × 900 upright (EXIF orientation 6).
    assert!(
        url.ends_with("-300x450.jpg") && html.contains("300x450 of 600x900"),
        "{html}"
    );
    assert_eq!(size_of(&site, &url), (300, 450));
    let square = html.lines().nth(1).unwrap().to_string();
    assert!(square.ends_with("-100x100c.webp"), "{html}");
    assert_eq!(size_of(&site, &square), (100, 100));

    // A rebuild keeps the pages, and with them the files they ask for.
    let out = site.build_ok();
    assert!(out.contains("0 written"), "{out}");
    assert_eq!(size_of(&site, &url), (300, 450));

    // Asked no more: gone from the output and the cache.
    site.write(
        "templates/article.html",
        r#"{% set r = resize_image(path=page.image_path, width=200, height=200, op="fit") %}{{ r.url }}"#,
    );
    site.build_ok();
    assert!(!site.public(url.trim_start_matches('/')).exists());
    assert!(published(&site, "-300x450.jpg").is_empty());
    let html = site.read("news/harbour/index.html");
    assert!(html.ends_with("-133x200.jpg"), "{html}");

    // The photo replaced: the page asks for the new one, the old goes.
    site.write("content/en/news/harbour/harbour.jpg", util::jpeg(400, 400));
    site.build_ok();
    let new = site.read("news/harbour/index.html");
    assert!(new.ends_with("-200x200.jpg") && new != html, "{new}");
    assert_eq!(size_of(&site, &new), (200, 200));
    assert!(!site.public(html.trim_start_matches('/')).exists());
}

#[test]
fn sizes_asked_by_cards_stay_when_no_page_showing_them_changes() {
    let site = bundle_site();
    site.write(
        "templates/article_card.html",
        r#"{% if item.image_path %}{% set r = resize_image(path=item.image_path, width=64, height=64) %}<img src="{{ r.url }}">{% endif %}{{ item.title }}"#,
    );
    site.build_ok();
    let card = published(&site, "-64x64c.jpg");
    assert_eq!(card.len(), 1, "{card:?}");
    // Nothing changed: no page is rendered again, the card's file stays.
    let out = site.build_ok();
    assert!(out.contains("0 written"), "{out}");
    assert_eq!(published(&site, "-64x64c.jpg"), card);
    // Another story added: the lists render again, the card's file stays.
    site.write(
        "content/en/news/other.md",
        "+++\ntitle = \"Other\"\ndate = 2026-03-02\n+++\nText.\n",
    );
    site.build_ok();
    assert_eq!(published(&site, "-64x64c.jpg"), card);
}

#[test]
fn the_share_image_asked_through_resize_image_is_the_planned_crop() {
    let site = Site::new(SITE);
    site.write("content/en/news/x/index.md", story("", "Text."));
    site.write("content/en/news/x/harbour.jpg", util::jpeg(3000, 2000));
    site.build_ok();
    let html = site.read("news/x/index.html");
    assert!(
        html.contains(r#"<meta property="og:image:width" content="1200">"#),
        "{html}"
    );
    // One crop, not a second one made for the template.
    assert!(published(&site, "x630c.jpg").is_empty());
    assert_eq!(published(&site, "-share.jpg").len(), 1);
}

#[test]
fn resize_image_errors_name_the_template_and_say_what_to_write() {
    let site = bundle_site();
    for (call, wanted) in [
        (r#"op="squash", width=10"#, "op `squash` is not one of"),
        (r#"op="fit_width""#, "needs a width"),
        (r#"width=10, height=10, format="avif""#, "format `avif`"),
        (r#"width=0, op="fit_width""#, "width must be at least 1"),
        (r#"width=10, height=10, quality=0"#, "quality 0"),
    ] {
        site.write(
            "templates/article.html",
            format!("{{% set r = resize_image(path=page.image_path, {call}) %}}{{{{ r.url }}}}"),
        );
        let err = site.build_err();
        assert!(
            err.contains("article.html") && err.contains(wanted),
            "{call}: {err}"
        );
    }
    site.write(
        "templates/article.html",
        r#"{% set r = resize_image(path="static/none.jpg", width=10) %}{{ r.url }}"#,
    );
    let err = site.build_err();
    assert!(err.contains("not a photo the site shows"), "{err}");
}

#[test]
fn an_agency_photos_iptc_caption_and_byline_are_used_when_the_story_gives_none() {
    let site = Site::new(SITE);
    site.write("content/en/news/x/index.md", story("", "Text."));
    site.write(
        "content/en/news/x/harbour.jpg",
        util::jpeg_with_iptc(
            800,
            600,
            "Cranes unload a ship at dawn",
            "Wire Photographer",
        ),
    );
    site.build_ok();
    let html = site.read("news/x/index.html");
    assert!(
        html.contains("<figcaption>Cranes unload a ship at dawn"),
        "{html}"
    );
    assert!(html.contains("Wire Photographer</span>"), "{html}");
    // Published without it.
    let jpg = published(&site, ".jpg");
    let bytes = std::fs::read(site.public(&format!("images/{}", jpg[0]))).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("Wire Photographer"));
}
