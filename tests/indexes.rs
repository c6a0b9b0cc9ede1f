//! Sections, taxonomies, date archives, pagination, feeds, sitemap, aliases
//! and `bulletin check`.

mod util;

use util::{Site, wire};

fn md(title: &str, date: &str, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{extra}+++\nBody of {title}.\n")
}

#[test]
fn archives_in_each_languages_calendar() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/s.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "Seed story"),
    );
    site.write(
        "content/fa/news/s.md",
        md("خبر", "2018-07-12T07:08:00+04:30", ""),
    );
    site.write(
        "content/ru/news/s.md",
        md("Новость", "2018-07-12T07:08:00+04:30", ""),
    );
    site.build_ok();
    let en = site.read("2018/07/index.html");
    let fa = site.read("fa/1397/04/index.html");
    let ru = site.read("ru/2018/07/index.html");
    assert!(en.contains("Seed story") && en.contains("July 2018"));
    assert!(fa.contains("خبر") && fa.contains("تیر ۱۳۹۷"), "{fa}");
    assert!(ru.contains("Новость") && ru.contains("июль 2018"));
    assert!(
        site.read("fa/archive/index.html")
            .contains(r#"href="/fa/1397/04/""#)
    );
    assert!(site.read("fa/1397/index.html").contains("خبر"));
    // Each article links to its month.
    assert!(
        site.read("fa/news/s/index.html")
            .contains(r#"href="/fa/1397/04/""#)
    );
}

#[test]
fn persian_month_boundary_follows_tehran_time() {
    let site = Site::three_languages();
    // 31 Khordad 1397 is 21 June 2018; 1 Tir is 22 June.
    site.write("content/fa/a.md", md("آخر خرداد", "2018-06-21 23:59", ""));
    site.write("content/fa/b.md", md("اول تیر", "2018-06-22 00:00", ""));
    // 23:59 Tehran time is 19:29 UTC: still the 21st wherever it is read.
    site.write(
        "content/fa/c.md",
        md(
            "با اختلاف ساعت",
            "2018-06-21T19:29:00Z",
            "timezone = \"Asia/Tehran\"\n",
        ),
    );
    site.build_ok();
    let khordad = site.read("fa/1397/03/index.html");
    let tir = site.read("fa/1397/04/index.html");
    assert!(khordad.contains("آخر خرداد") && !khordad.contains("اول تیر"));
    assert!(tir.contains("اول تیر") && !tir.contains("آخر خرداد"));
    assert!(khordad.contains("خرداد ۱۳۹۷"), "{khordad}");
}

#[test]
fn pagination_edges() {
    let site = Site::three_languages(); // paginate_by = 2
    site.write(
        "content/en/empty/_index.md",
        "+++\ntitle = \"Empty\"\n+++\n",
    );
    for (section, n) in [("one", 1), ("two", 2), ("three", 3)] {
        for i in 0..n {
            site.write(
                &format!("content/en/{section}/a{i}.md"),
                md(
                    &format!("{section} {i}"),
                    &format!("2020-01-0{}", i + 1),
                    "",
                ),
            );
        }
    }
    site.build_ok();
    let empty = site.read("empty/index.html");
    assert!(empty.contains("Nothing here yet.") && !empty.contains("rel=\"next\""));
    assert!(!site.public("one/page/2/index.html").exists());
    assert!(
        !site.public("two/page/2/index.html").exists(),
        "exactly paginate_by fits one page"
    );
    let three = site.read("three/index.html");
    assert!(three.contains(r#"<link rel="next" href="/three/page/2/">"#));
    let page2 = site.read("three/page/2/index.html");
    assert!(
        page2.contains(r#"<link rel="prev" href="/three/">"#),
        "page 1 is the list itself: {page2}"
    );
    assert!(page2.contains("three 0"));
    assert!(
        site.read("three/page/1/index.html")
            .contains("url=https://example.org/three/")
    );
}

#[test]
fn persian_page_numbers_use_persian_digits() {
    let site = Site::three_languages();
    for i in 0..3 {
        site.write(
            &format!("content/fa/news/a{i}.md"),
            md(&format!("خبر {i}"), &format!("2020-01-0{}", i + 1), ""),
        );
    }
    site.build_ok();
    let page = site.read("fa/news/index.html");
    assert!(page.contains(">۲</a>"), "{page}");
}

#[test]
fn taxonomies_merge_spellings_escape_names_and_stay_per_language() {
    let site = Site::three_languages();
    site.write(
        "content/en/a.md",
        md("A", "2020-01-01", "tags = [\"Culture\", \"<script>&\"]\n"),
    );
    site.write(
        "content/en/b.md",
        md("B", "2020-01-02", "tags = [\"culture\"]\n"),
    );
    site.write(
        "content/fa/a.md",
        md("الف", "2020-01-01", "tags = [\"Culture\"]\n"),
    );
    site.build_ok();
    let tags = site.read("tags/index.html");
    // One term; its name is spelled as in the newest article that uses it.
    assert!(
        tags.contains(
            r#"<a href="/tags/culture/" dir="auto">culture</a> <span class="count">2</span>"#
        ),
        "{tags}"
    );
    assert!(
        tags.contains("&lt;script&gt;&amp;") && !tags.contains("<script>&"),
        "{tags}"
    );
    assert!(site.read("tags/culture/index.html").contains(">A<"));
    assert!(site.public("tags/script/index.html").exists());
    assert!(site.read("tags/culture/atom.xml").contains("<feed"));
    let fa = site.read("fa/tags/culture/index.html");
    assert!(
        fa.contains("الف") && !fa.contains(">A<"),
        "terms are per language"
    );
}

#[test]
fn section_index_sets_title_order_and_page_size() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"Wire\"\nsort_by = \"title\"\npaginate_by = 5\n+++\nIntro *text*.\n",
    );
    for (t, d) in [
        ("Zeta", "2020-01-03"),
        ("Alpha", "2020-01-01"),
        ("Mid", "2020-01-02"),
    ] {
        site.write(&format!("content/en/news/{t}.md"), md(t, d, ""));
    }
    site.build_ok();
    let page = site.read("news/index.html");
    assert!(page.contains("<h1>Wire</h1>") && page.contains("<em>text</em>"));
    let (a, m, z) = (
        page.find(">Alpha<").unwrap(),
        page.find(">Mid<").unwrap(),
        page.find(">Zeta<").unwrap(),
    );
    assert!(a < m && m < z, "sorted by title");
    assert!(!site.public("news/page/2/index.html").exists());
}

#[test]
fn feeds_have_languages_offsets_and_limits() {
    let site = Site::new(&format!(
        "{}\n[feeds]\nlimit = 2\nfull_content = true\n",
        util::THREE_LANGUAGES
    ));
    for i in 1..=3 {
        site.write(
            &format!("content/fa/news/a{i}.md"),
            md(&format!("خبر {i}"), &format!("2018-07-1{i} 07:08"), ""),
        );
    }
    site.build_ok();
    let atom = site.read("fa/atom.xml");
    assert!(
        atom.contains(r#"xml:lang="fa""#)
            && atom.contains("<published>2018-07-13T07:08:00+04:30</published>")
    );
    assert_eq!(atom.matches("<entry>").count(), 2, "limit");
    assert!(atom.contains("<content type=\"html\">"));
    let rss = site.read("fa/rss.xml");
    assert!(
        rss.contains("<language>fa</language>")
            && rss.contains("<pubDate>Fri, 13 Jul 2018 07:08:00 +0430</pubDate>"),
        "{rss}"
    );
    assert!(site.public("fa/news/atom.xml").exists() && site.public("fa/news/rss.xml").exists());
    let html = site.read("fa/index.html");
    assert!(
        html.contains(r#"type="application/atom+xml""#)
            && html.contains("https://example.org/fa/atom.xml")
    );
}

#[test]
fn sitemap_lists_pages_with_reciprocal_alternates_and_robots_points_to_it() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/s.md",
        md("S", "2020-01-01", "updated = 2020-02-01\n"),
    );
    site.write("content/ru/news/s.md", md("С", "2020-01-01", ""));
    site.build_ok();
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/news/s/</loc>\n    <lastmod>2020-02-01T00:00:00+03:30</lastmod>"), "{sitemap}");
    assert!(sitemap.contains(
        r#"<xhtml:link rel="alternate" hreflang="ru" href="https://example.org/ru/news/s/"/>"#
    ));
    assert_eq!(
        sitemap
            .matches(r#"hreflang="en" href="https://example.org/news/s/""#)
            .count(),
        2,
        "both pages list en"
    );
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/sitemap.xml")
    );
}

#[test]
fn aliases_redirect_and_may_not_overwrite_pages() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/s.md",
        md(
            "S",
            "2020-01-01",
            "aliases = [\"/old/story/\", \"legacy.html\"]\n",
        ),
    );
    site.build_ok();
    let old = site.read("old/story/index.html");
    assert!(old.contains(r#"<link rel="canonical" href="https://example.org/news/s/">"#));
    assert!(old.contains(r#"<a href="https://example.org/news/s/">"#));
    assert!(site.public("legacy.html").exists());
    site.write(
        "content/en/news/t.md",
        md("T", "2020-01-02", "aliases = [\"/news/s/\"]\n"),
    );
    let stderr = site.build_err();
    assert!(
        stderr.contains("content/en/news/t.md") && stderr.contains("content/en/news/s.md"),
        "{stderr}"
    );
}

#[test]
fn check_reports_broken_links_and_anchors() {
    let site = Site::three_languages();
    site.write("content/en/news/a.md", md("A", "2020-01-01", ""));
    let ok = site.run(&["check"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("untranslated into fa: 1"));
    assert!(!site.public("index.html").exists(), "check writes nothing");
    site.write(
        "content/en/news/b.md",
        md("B", "2020-01-02", "") + "\n[gone](/news/nowhere/) and [anchor](/news/a/#missing)\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/news/nowhere/") && stderr.contains("content/en/news/b.md"),
        "{stderr}"
    );
    assert!(stderr.contains("#missing"), "{stderr}");
}

#[test]
fn a_site_without_taxonomies_builds_its_feeds() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org\"\ntaxonomies = []\n");
    site.write(
        "content/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nText.\n",
    );
    site.build_ok();
    assert!(site.read("atom.xml").contains("<entry>"));
    assert!(site.read("rss.xml").contains("<item>"));
}
