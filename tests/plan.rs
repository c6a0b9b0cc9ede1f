//! The plan declares what each file reads, and both the file's context and
//! its fingerprint come from that declaration: an incremental build after
//! any edit equals a clean build. These tests edit every front-matter key,
//! every section key and what other articles say about a story, one at a
//! time, and compare.

mod util;

use util::Site;

/// The value each front-matter key is given by the edit test. A key the
/// struct gains without a line here fails the test, so new keys are
/// covered the day they are added.
fn edit_value(key: &str) -> Option<&'static str> {
    Some(match key {
        "title" => "title = \"Changed title\"",
        "date" => "date = 2021-03-03T10:00:00+03:30",
        "timezone" => "timezone = \"Europe/Moscow\"",
        "updated" => "updated = 2022-02-02",
        "slug" => "slug = \"another-slug\"",
        "summary" => "summary = \"A summary of its own\"",
        "description" => "description = \"A description of its own\"",
        "translation_key" => "translation_key = \"elsewhere\"",
        "draft" => "draft = true",
        "publish_date" => "publish_date = 2020-01-01 10:00",
        "expiry_date" => "expiry_date = 2199-01-01",
        "unpublished" => "unpublished = true",
        "aliases" => "aliases = [\"/old/path/\"]",
        "authors" => "authors = [\"A. Reporter\"]",
        "image" => "image = \"/photo.png\"",
        "image_alt" => "image_alt = \"A photo\"",
        "image_caption" => "image_caption = \"At the harbour\"",
        "image_credit" => "image_credit = \"A. Photographer\"",
        "template" => "template = \"special.html\"",
        "weight" => "weight = 3",
        "kind" => "kind = \"page\"",
        "featured" => "featured = true",
        "noindex" => "noindex = true",
        "extra" => "[extra]\ncolour = \"red\"",
        "corrections" => {
            "[[corrections]]\ndate = 2020-01-02 10:00\ntext = \"A name was misspelt.\""
        }
        _ => return None,
    })
}

/// The story under test, its front matter given `lines` (which replace
/// the base keys they set). Tables (`[extra]`) come last.
fn story(lines: &str) -> String {
    // Everything from the first table header on is in that table.
    let table_at = lines.find("\n[").map_or_else(
        || {
            if lines.starts_with('[') {
                0
            } else {
                lines.len()
            }
        },
        |i| i + 1,
    );
    let (plain, tables) = lines.split_at(table_at);
    let set = |key: &str| plain.lines().any(|l| l.starts_with(&format!("{key} =")));
    let mut front: Vec<&str> = [
        "title = \"Alpha\"",
        "date = 2020-01-01 09:00",
        "tags = [\"x\"]",
    ]
    .into_iter()
    .filter(|l| !set(l.split(' ').next().unwrap()))
    .collect();
    front.extend(plain.lines().filter(|l| !l.is_empty()));
    front.extend(tables.lines());
    format!(
        "+++\n{}\n+++\nText of alpha, linking to [beta](@/en/news/b.md).\n",
        front.join("\n")
    )
}

/// A site whose article template shows the whole page value, so a field
/// the fingerprint missed would show as a difference.
fn site() -> Site {
    let site = Site::three_languages();
    site.write("content/en/news/a.md", story(""));
    site.write(
        "content/en/news/b.md",
        "+++\ntitle = \"Beta\"\ndate = 2020-01-02\ntags = [\"x\", \"y\"]\n+++\nBeta.\n",
    );
    site.write(
        "content/fa/news/a.md",
        "+++\ntitle = \"الف\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\nمتن.\n",
    );
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"News\"\n+++\nIntro linking to [alpha](@/en/news/a.md).\n",
    );
    site.write(
        "templates/special.html",
        "{% extends \"article.html\" %}{% block content %}<p>special</p>{{ page.content }}{% endblock content %}",
    );
    site.write("templates/dump.html", "{{ page | json }}");
    // A real photo, so `image` is published responsive.
    site.write("static/photo.png", util::png(2, 1));
    site
}

/// The site for editing `key`: when the edit takes the story out of the
/// site, the section's intro stops linking to it (a link to a story that
/// is not published is an error, as in a story).
fn site_for(key: &str) -> Site {
    let site = site();
    if matches!(key, "draft" | "unpublished") {
        site.write(
            "content/en/news/_index.md",
            "+++\ntitle = \"News\"\n+++\nIntro linking to [beta](@/en/news/b.md).\n",
        );
    }
    site
}

#[test]
fn every_front_matter_key_edited_alone_equals_a_clean_build() {
    for key in bulletin::content::front_matter_keys() {
        let value = edit_value(key)
            .unwrap_or_else(|| panic!("front-matter key `{key}` has no edit in this test"));
        let site = site_for(key);
        site.build_ok();
        site.write("content/en/news/a.md", story(value));
        let stdout = site.build_ok();
        site.assert_same_as_clean_build(key, &stdout);
        // And back: the first version's pages must come back too.
        site.write("content/en/news/a.md", story(""));
        let stdout = site.build_ok();
        site.assert_same_as_clean_build(&format!("{key} undone"), &stdout);
    }
}

#[test]
fn every_page_value_field_is_seen_by_the_fingerprint() {
    // With a template that prints the whole page value, every edit must
    // still equal a clean build.
    for key in bulletin::content::front_matter_keys() {
        let site = site_for(key);
        site.write("content/en/news/a.md", story("template = \"dump.html\""));
        site.build_ok();
        let value = edit_value(key).unwrap();
        let lines = if *key == "template" {
            value.to_string()
        } else if value.starts_with('[') {
            format!("template = \"dump.html\"\n{value}")
        } else {
            format!("{value}\ntemplate = \"dump.html\"")
        };
        site.write("content/en/news/a.md", story(&lines));
        let stdout = site.build_ok();
        site.assert_same_as_clean_build(&format!("{key} (dumped)"), &stdout);
    }
}

#[test]
fn json_of_a_map_is_the_same_in_every_build() {
    let site = site();
    site.write("content/en/news/a.md", story("template = \"dump.html\""));
    site.build_ok();
    let first = site.read("news/a/index.html");
    let keys: Vec<&str> = first
        .match_indices("\":")
        .map(|(i, _)| &first[..i])
        .collect();
    assert!(keys.len() > 10, "{first}");
    for _ in 0..3 {
        let clean = tempfile::tempdir().unwrap();
        site.run(&["build", "--output", clean.path().to_str().unwrap()]);
        let again = std::fs::read_to_string(clean.path().join("news/a/index.html")).unwrap();
        assert_eq!(again, first);
    }
}

#[test]
fn a_template_named_in_front_matter_is_checked_by_every_build() {
    let site = site();
    site.build_ok();
    let before = site.snapshot();
    site.write("content/en/news/a.md", story("template = \"nope.html\""));
    let err = site.build_err();
    assert!(err.contains("nope.html"), "{err}");
    assert!(
        err.contains("content/en/news/a.md:5"),
        "names file and line: {err}"
    );
    assert_eq!(site.snapshot(), before, "the previous output is untouched");
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"News\"\ntemplate = \"nope-section.html\"\n+++\n",
    );
    site.write("content/en/news/a.md", story(""));
    let err = site.build_err();
    assert!(err.contains("content/en/news/_index.md:3"), "{err}");
}

#[test]
fn what_other_files_say_about_a_story_reaches_its_pages() {
    let site = site();
    site.build_ok();
    type Edit = (&'static str, &'static str, &'static str);
    let edits: [Edit; 5] = [
        // The target of an `@/` link moves: the linking page and the
        // section intro that links must follow.
        (
            "link target's slug",
            "content/en/news/b.md",
            "+++\ntitle = \"Beta\"\ndate = 2020-01-02\nslug = \"beta-moved\"\ntags = [\"x\", \"y\"]\n+++\nBeta.\n",
        ),
        (
            "linked section intro's target",
            "content/en/news/a.md",
            "+++\ntitle = \"Alpha\"\ndate = 2020-01-01 09:00\nslug = \"alpha-moved\"\ntags = [\"x\"]\n+++\nText, linking to [beta](@/en/news/b.md).\n",
        ),
        (
            "translation's title",
            "content/fa/news/a.md",
            "+++\ntitle = \"الف دو\"\ndate = 2020-01-01\ntags = [\"x\"]\n+++\nمتن.\n",
        ),
        ("image file", "static/photo.png", "not a png any more"),
        (
            "section file",
            "content/en/news/_index.md",
            "+++\ntitle = \"Wire\"\ndescription = \"All of it\"\nsort_by = \"title\"\npaginate_by = 1\n[extra]\nx = 1\n+++\nNew intro.\n",
        ),
    ];
    site.write(
        "content/en/news/a.md",
        story("image = \"/photo.png\"\nimage_alt = \"A\""),
    );
    site.build_ok();
    for (what, file, text) in edits {
        site.write(file, text);
        let stdout = site.build_ok();
        site.assert_same_as_clean_build(what, &stdout);
    }
}
