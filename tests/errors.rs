//! Bad input: every error names the file (and line where known), exits 1,
//! and leaves the previous public/ exactly as it was.

mod util;

use util::Site;

/// A site that built once; returns it with a snapshot of its output.
fn built_site() -> (Site, Vec<(String, Vec<u8>)>) {
    let site = Site::three_languages();
    site.write(
        "content/en/news/good.md",
        "+++\ntitle = \"Good\"\ndate = 2020-01-01\n+++\nFine.\n",
    );
    site.build_ok();
    let before = site.snapshot();
    assert!(!before.is_empty());
    (site, before)
}

fn assert_fails_naming(site: &Site, before: &[(String, Vec<u8>)], needles: &[&str]) -> String {
    let stderr = site.build_err();
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
    }
    assert_eq!(
        site.snapshot(),
        before,
        "public/ changed after a failed build"
    );
    stderr
}

#[test]
fn broken_toml_front_matter() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2020-01-01\ntags = [\"a\"\n+++\nx\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["content/en/news/bad.md:4:", "invalid TOML front matter"],
    );
}

#[test]
fn broken_yaml_front_matter() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/bad.md",
        "---\ntitle: Bad\ndate: 2020-01-01\ntags: [a\n---\nx\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["content/en/news/bad.md:", "invalid YAML front matter"],
    );
}

#[test]
fn bad_date_points_at_the_date_line() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/bad.md",
        "+++\ntitle = \"Bad\"\ndate = \"12/07/2018\"\n+++\nx\n",
    );
    let stderr = assert_fails_naming(
        &site,
        &before,
        &["content/en/news/bad.md:3:1", "12/07/2018"],
    );
    assert!(stderr.contains("^"), "caret under the spot: {stderr}");
}

#[test]
fn bad_wire_dateline() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/wire.txt",
        "July 12th 2018\n  • Headline\n\nText.\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["content/en/news/wire.txt:1:1", "dateline"],
    );
}

#[test]
fn unknown_key_in_site_toml() {
    let (site, before) = built_site();
    site.write(
        "site.toml",
        format!("{}paginat_by = 3\n", util::THREE_LANGUAGES),
    );
    assert_fails_naming(&site, &before, &["site.toml:", "paginat_by"]);
}

#[test]
fn wrong_type_in_site_toml() {
    let (site, before) = built_site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace("paginate_by = 2", "paginate_by = \"two\""),
    );
    assert_fails_naming(&site, &before, &["site.toml:5:15", "paginate_by"]);
}

#[test]
fn unknown_front_matter_key() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/bad.md",
        "+++\ntitle = \"Bad\"\ncolour = \"red\"\n+++\nx\n",
    );
    assert_fails_naming(&site, &before, &["content/en/news/bad.md:3:1", "colour"]);
}

#[test]
fn two_articles_on_one_url() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/other.md",
        "+++\ntitle = \"Other\"\nslug = \"good\"\n+++\nx\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &[
            "content/en/news/good.md",
            "content/en/news/other.md",
            "/news/good/",
        ],
    );
}

#[test]
fn persian_slug_collision_from_two_keyboards() {
    let (site, before) = built_site();
    // The same headline typed with Arabic yeh/kaf and with Persian ones.
    site.write(
        "content/fa/news/a.txt",
        util::wire("Jul 12, 2018 07:08 Asia/Tehran", "همكاري فرهنگي"),
    );
    site.write(
        "content/fa/news/b.txt",
        util::wire("Jul 13, 2018 07:08 Asia/Tehran", "همکاری فرهنگی"),
    );
    assert_fails_naming(
        &site,
        &before,
        &["content/fa/news/a.txt", "content/fa/news/b.txt"],
    );
}

#[test]
fn broken_internal_link_names_both_files() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/bad.md",
        "+++\ntitle = \"Bad\"\n+++\nFirst line.\n\nSee [x](@/en/news/missing.md).\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["content/en/news/bad.md:6:5", "content/en/news/missing.md"],
    );
}

#[test]
fn broken_links_in_two_summaries_are_both_named() {
    let (site, before) = built_site();
    for name in ["one", "two"] {
        site.write(
            &format!("content/en/news/{name}.md"),
            format!("+++\ntitle = \"{name}\"\n+++\nSee [x](@/en/news/gone-{name}.md).\n"),
        );
    }
    assert_fails_naming(
        &site,
        &before,
        &["content/en/news/gone-one.md", "content/en/news/gone-two.md"],
    );
}

#[test]
fn non_utf8_file() {
    let (site, before) = built_site();
    site.write(
        "content/en/news/latin1.md",
        b"+++\ntitle = \"Caf\xe9\"\n+++\n".as_slice(),
    );
    assert_fails_naming(&site, &before, &["content/en/news/latin1.md:2:", "UTF-8"]);
}

#[test]
fn output_dir_may_not_be_content() {
    let (site, before) = built_site();
    site.write(
        "site.toml",
        format!("output_dir = \"content\"\n{}", util::THREE_LANGUAGES),
    );
    assert_fails_naming(&site, &before, &["site.toml", "output_dir"]);
    assert!(site.root().join("content/en/news/good.md").exists());
}

#[test]
fn template_error_names_the_template() {
    let (site, before) = built_site();
    site.write("templates/article.html", "{% extends \"base.html\" %}{% block content %}{{ page.title | nope }}{% endblock content %}");
    assert_fails_naming(&site, &before, &["templates/article.html"]);
}

#[test]
fn error_in_a_cached_template_names_that_template() {
    let (site, before) = built_site();
    site.write(
        "templates/site_footer_links.html",
        "<li>{{ nope.x }}</li>\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["templates/site_footer_links.html", "`nope` is not defined"],
    );
}

#[test]
fn feed_entry_template_error_names_the_template_and_the_article() {
    let (site, before) = built_site();
    site.write(
        "templates/atom_entry.xml",
        "<entry>{{ page.title | date(format=\"long\") }}</entry>\n",
    );
    assert_fails_naming(
        &site,
        &before,
        &["templates/atom_entry.xml", "feed entry of content/"],
    );
}

#[test]
fn missing_title() {
    let (site, before) = built_site();
    site.write("content/en/news/bad.md", "+++\ndate = 2020-01-01\n+++\nx\n");
    assert_fails_naming(&site, &before, &["content/en/news/bad.md", "no title"]);
}

#[test]
fn failed_first_build_leaves_no_output_folder() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\n+++\n[x](@/en/news/missing.md)\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/a.md"), "{stderr}");
    assert!(
        !site.root().join("public").exists(),
        "a failed first build must not leave a half-written public/"
    );
}

#[test]
fn changed_files_are_staged_until_the_build_succeeds() {
    let (site, before) = built_site();
    // One article changes, another is broken: nothing may move.
    site.write(
        "content/en/news/good.md",
        "+++\ntitle = \"Good, edited\"\ndate = 2020-01-01\n+++\nFine.\n",
    );
    site.write(
        "content/en/news/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n[x](@/en/news/missing.md)\n",
    );
    assert_fails_naming(&site, &before, &["content/en/news/bad.md"]);
    assert!(!site.root().join("public/.bulletin-staging").exists());
    std::fs::remove_file(site.root().join("content/en/news/bad.md")).unwrap();
    site.build_ok();
    assert!(site.read("news/good/index.html").contains("Good, edited"));
}
