//! The desk's clock: embargoes lift to the second, expired and unpublished
//! stories vanish everywhere, and the build says when to run again.

mod util;

use util::Site;

/// Every output file's text, for grepping.
fn all_output(site: &Site) -> Vec<(String, String)> {
    let base = site.root().join("public");
    util::walk(&base)
        .into_iter()
        .filter(|p| !p.starts_with(".bulletin-"))
        .map(|p| {
            let text = String::from_utf8_lossy(&std::fs::read(base.join(&p)).unwrap()).into_owned();
            (p, text)
        })
        .collect()
}

fn traces(site: &Site, needles: &[&str]) -> Vec<String> {
    all_output(site)
        .into_iter()
        .filter(|(_, text)| needles.iter().any(|n| text.contains(n)))
        .map(|(p, _)| p)
        .collect()
}

fn site_with_embargo() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/en/news/open.md",
        "+++\ntitle = \"Open story\"\ndate = 2026-11-01T09:00:00Z\ntags = [\"culture\"]\n+++\nText.\n",
    );
    // 09:00 in Tehran is 05:30 UTC.
    site.write(
        "content/en/news/secret.md",
        "+++\ntitle = \"Embargoed scoop\"\ndate = 2026-12-03T09:00:00+03:30\nslug = \"embargoed-scoop\"\ntags = [\"culture\", \"scoops\"]\n+++\nThe scoop.\n",
    );
    site
}

fn build_at(site: &Site, now: &str, extra: &[&str]) -> String {
    let mut args = vec!["build", "--now", now];
    args.extend_from_slice(extra);
    let out = site.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_embargo_leaves_no_trace_until_it_lifts_to_the_second() {
    let site = site_with_embargo();
    let needles = ["Embargoed scoop", "embargoed-scoop", "scoops"];
    let stdout = build_at(&site, "2026-12-03T05:29:59Z", &[]);
    assert_eq!(traces(&site, &needles), Vec::<String>::new());
    assert!(stdout.contains("1 embargoed"), "{stdout}");
    assert!(
        stdout.contains(
            "Next scheduled change: 2026-12-03T05:30:00Z (content/en/news/secret.md embargo lifts)"
        ),
        "{stdout}"
    );
    // The same instant written in Tehran time is the same clock.
    build_at(&site, "2026-12-03T08:59:59+03:30", &[]);
    assert_eq!(traces(&site, &needles), Vec::<String>::new());

    let stdout = build_at(&site, "2026-12-03T05:30:00Z", &[]);
    assert!(!stdout.contains("Next scheduled change"), "{stdout}");
    let found = traces(&site, &["embargoed-scoop"]);
    for page in [
        "news/embargoed-scoop/index.html",
        "index.html",
        "news/index.html",
        "tags/culture/index.html",
        "tags/scoops/index.html",
        "2026/12/index.html",
        "atom.xml",
        "rss.xml",
        "news/atom.xml",
        "sitemap.xml",
    ] {
        assert!(
            found.iter().any(|f| f == page),
            "{page} does not list the story: {found:?}"
        );
    }
    assert!(
        !site
            .read("news/embargoed-scoop/index.html")
            .contains("class=\"embargo\"")
    );
}

#[test]
fn future_shows_an_embargoed_story_with_its_banner_in_the_editions_time() {
    let site = site_with_embargo();
    build_at(&site, "2026-12-01T00:00:00Z", &["--future"]);
    let page = site.read("news/embargoed-scoop/index.html");
    assert!(page.contains("class=\"embargo\""), "{page}");
    assert!(page.contains("Embargoed until"), "{page}");
    // Tehran is the site's zone: 09:00 there, 3 December.
    assert!(page.contains("December 3, 2026, 09:00"), "{page}");
    assert!(site.read("index.html").contains("class=\"embargo\""));
}

#[test]
fn expired_and_unpublished_stories_vanish_on_the_next_build() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/open.md",
        "+++\ntitle = \"Open story\"\ndate = 2026-11-01T09:00:00Z\n+++\nSee [the offer](@/en/news/offer.md).\n",
    );
    site.write(
        "content/en/news/offer.md",
        "+++\ntitle = \"Limited offer\"\ndate = 2026-11-02T09:00:00Z\nexpiry_date = 2026-12-10T00:00:00Z\ntags = [\"offers\"]\n+++\nText.\n",
    );
    let stdout = build_at(&site, "2026-12-01T00:00:00Z", &[]);
    assert!(site.public("news/offer/index.html").exists());
    assert!(
        stdout.contains(
            "Next scheduled change: 2026-12-10T00:00:00Z (content/en/news/offer.md expires)"
        ),
        "{stdout}"
    );
    // The story that links to it must stop linking first.
    site.write(
        "content/en/news/open.md",
        "+++\ntitle = \"Open story\"\ndate = 2026-11-01T09:00:00Z\n+++\nText.\n",
    );
    build_at(&site, "2026-12-10T00:00:00Z", &[]);
    assert!(!site.public("news/offer/index.html").exists());
    assert!(!site.public("tags/offers/index.html").exists());
    assert_eq!(
        traces(&site, &["Limited offer", "news/offer/"]),
        Vec::<String>::new()
    );
    // --expired brings it back for review.
    build_at(&site, "2026-12-10T00:00:00Z", &["--expired"]);
    assert!(site.public("news/offer/index.html").exists());
    // unpublished takes a story down now.
    site.write(
        "content/en/news/open.md",
        "+++\ntitle = \"Open story\"\ndate = 2026-11-01T09:00:00Z\nunpublished = true\n+++\nText.\n",
    );
    build_at(&site, "2026-12-01T00:00:00Z", &[]);
    assert!(!site.public("news/open/index.html").exists());
    assert_eq!(traces(&site, &["Open story"]), Vec::<String>::new());
}

#[test]
fn a_bad_now_is_a_clear_error() {
    let site = site_with_embargo();
    let out = site.run(&["build", "--now", "tomorrow"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--now `tomorrow`"), "{stderr}");
}

#[test]
fn status_shows_the_board_and_the_next_change() {
    let site = site_with_embargo();
    site.write(
        "content/en/news/draft.md",
        "+++\ntitle = \"Draft\"\ndate = 2026-11-02\ndraft = true\n+++\nText.\n",
    );
    site.write(
        "content/fa/news/photo.md",
        "+++\ntitle = \"عکس\"\ndate = 2026-11-02\nimage = \"https://example.org/p.jpg\"\n+++\nمتن.\n",
    );
    let out = site.run(&["status", "--now", "2026-12-01T00:00:00Z"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let en = table.lines().find(|l| l.starts_with("en ")).unwrap();
    let numbers: Vec<&str> = en.split_whitespace().skip(1).collect();
    assert_eq!(numbers[..4], ["1", "1", "1", "0"], "{table}");
    // The last column counts stories with warnings, and they are listed.
    let fa = table.lines().find(|l| l.starts_with("fa ")).unwrap();
    assert_eq!(fa.split_whitespace().last(), Some("1"), "{table}");
    assert_eq!(en.split_whitespace().last(), Some("0"), "{table}");
    assert!(
        table.contains("warning: content/fa/news/photo.md: the image has no `image_alt` text"),
        "{table}"
    );
    assert!(
        table.contains("content/en/news/secret.md: embargoed until 2026-12-03T05:30:00Z"),
        "{table}"
    );

    let out = site.run(&["status", "--next", "--now", "2026-12-01T00:00:00Z"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2026-12-03T05:30:00Z\n"
    );
    let out = site.run(&["status", "--next", "--now", "2026-12-04T00:00:00Z"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");

    let out = site.run(&[
        "status",
        "--format",
        "json",
        "--now",
        "2026-12-01T00:00:00Z",
    ]);
    let board: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(board["languages"]["en"]["embargoed"], 1);
    assert_eq!(board["languages"]["fa"]["warnings"], 1);
    assert_eq!(board["next_change"]["at"], "2026-12-03T05:30:00Z");
    // status writes nothing.
    assert!(!site.root().join("public").exists());
}

#[test]
fn an_outdated_translation_says_so_and_is_reported() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/deal.md",
        "+++\ntitle = \"The deal\"\ndate = 2026-11-01T09:00:00Z\nupdated = 2026-11-20T09:00:00Z\ntranslation_key = \"deal\"\n+++\nUpdated text.\n",
    );
    site.write(
        "content/fa/news/deal.md",
        "+++\ntitle = \"توافق\"\ndate = 2026-11-02T09:00:00Z\ntranslation_key = \"deal\"\n+++\nمتن قدیمی.\n",
    );
    site.build_ok();
    let fa = site.read("fa/news/deal/index.html");
    assert!(fa.contains("class=\"outdated\""), "{fa}");
    assert!(
        fa.contains("href=\"/news/deal/\" lang=\"en\" dir=\"ltr\" hreflang=\"en\">English</a>"),
        "{fa}"
    );
    assert!(fa.contains("datetime=\"2026-11-20T09:00:00Z\""), "{fa}");
    assert!(
        !site
            .read("news/deal/index.html")
            .contains("class=\"outdated\"")
    );
    let check = site.run(&["check"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("outdated translations: 1") && stdout.contains("content/fa/news/deal.md"),
        "{stdout}"
    );
    let status = site.run(&["status", "--format", "json"]);
    let board: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(board["languages"]["fa"]["outdated"], 1);
    assert_eq!(board["languages"]["en"]["outdated"], 0);
    // Bringing the translation up to date clears it, also incrementally.
    site.write(
        "content/fa/news/deal.md",
        "+++\ntitle = \"توافق\"\ndate = 2026-11-02T09:00:00Z\nupdated = 2026-11-21T09:00:00Z\ntranslation_key = \"deal\"\n+++\nمتن تازه.\n",
    );
    let stdout = site.build_ok();
    assert!(
        !site
            .read("fa/news/deal/index.html")
            .contains("class=\"outdated\"")
    );
    // The English source is never outdated by its translation.
    assert!(
        !site
            .read("news/deal/index.html")
            .contains("class=\"outdated\"")
    );
    site.assert_same_as_clean_build("translation update", &stdout);
    // A new update of the source makes it outdated again.
    site.write(
        "content/en/news/deal.md",
        "+++\ntitle = \"The deal\"\ndate = 2026-11-01T09:00:00Z\nupdated = 2026-11-25T09:00:00Z\ntranslation_key = \"deal\"\n+++\nNewer text.\n",
    );
    let stdout = site.build_ok();
    assert!(
        site.read("fa/news/deal/index.html")
            .contains("datetime=\"2026-11-25T09:00:00Z\"")
    );
    site.assert_same_as_clean_build("source update", &stdout);
}

fn corrected_story(lang: &str, title: &str, text: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-03-01T09:00:00\ntranslation_key = \"vote\"\n\n[[corrections]]\ndate = 2026-03-02T11:15:00\ntext = \"{text}\"\n\n[[corrections]]\ndate = 2026-03-01T18:00:00\ntext = \"First fix ({lang}).\"\n+++\nBody.\n"
    )
}

#[test]
fn a_correction_shows_on_the_page_in_json_ld_feeds_and_the_corrections_page_in_every_language() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/vote.md",
        corrected_story("en", "Vote count", "The turnout was 61 %, not 16 %."),
    );
    site.write(
        "content/fa/news/vote.md",
        corrected_story("fa", "شمارش آرا", "میزان مشارکت ۶۱ درصد بود، نه ۱۶ درصد."),
    );
    site.write(
        "content/ru/news/vote.md",
        corrected_story("ru", "Подсчёт голосов", "Явка составила 61 %, а не 16 %."),
    );
    site.write(
        "content/en/news/other.md",
        "+++\ntitle = \"Uncorrected\"\ndate = 2026-03-05\n+++\nText.\n",
    );
    site.build_ok();
    for (prefix, text, shown_date) in [
        ("", "The turnout was 61 %, not 16 %.", "March 2, 2026"),
        (
            "fa/",
            "میزان مشارکت ۶۱ درصد بود، نه ۱۶ درصد.",
            "۱۱ اسفند ۱۴۰۴",
        ),
        ("ru/", "Явка составила 61 %, а не 16 %.", "2 марта 2026"),
    ] {
        let page = site.read(&format!("{prefix}news/vote/index.html"));
        // Newest first, in the language's calendar and digits.
        let notice = &page[page.find("<aside class=\"corrections\"").expect("notice")..];
        let (newest, older) = (
            notice.find(text).expect("newest"),
            notice.find("First fix").expect("older"),
        );
        assert!(newest < older, "{notice}");
        assert!(notice.contains(shown_date), "{prefix}: {notice}");
        assert!(page.contains("href=\"#corrections\""), "{prefix}");
        // JSON-LD: dateModified is the latest correction; each is a CorrectionComment.
        let json = &page[page.find("application/ld+json").unwrap()..];
        assert!(
            json.contains("\"dateModified\":\"2026-03-02T11:15:00+03:30\""),
            "{json}"
        );
        assert!(json.contains("\"@type\":\"CorrectionComment\""), "{json}");
        assert!(json.contains(&format!("\"text\":\"{text}\"")), "{json}");
        // The Atom entry's <updated> moves with the correction, and says what changed.
        let atom = site.read(&format!("{prefix}atom.xml"));
        let entry = &atom[atom.find("news/vote/").unwrap()..];
        let entry = &entry[..entry.find("</entry>").unwrap()];
        assert!(
            entry.contains("<updated>2026-03-02T11:15:00+03:30</updated>"),
            "{entry}"
        );
        assert!(entry.contains(text), "{entry}");
        // The corrections page and its feed list the story, and only it.
        let list = site.read(&format!("{prefix}corrections/index.html"));
        assert!(list.contains("news/vote/") && list.contains(text), "{list}");
        assert!(!list.contains("Uncorrected"), "{list}");
        let feed = site.read(&format!("{prefix}corrections/atom.xml"));
        assert!(feed.contains("news/vote/") && !feed.contains("news/other/"));
        assert!(feed.contains("<updated>2026-03-02T11:15:00+03:30</updated>"));
        // The sitemap's lastmod is the correction too.
        let sitemap = site.read("sitemap.xml");
        let url = &sitemap[sitemap.find(&format!("/{prefix}news/vote/<")).unwrap()..];
        assert!(url[..200].contains("2026-03-02T11:15:00+03:30"), "{url}");
    }
    // Every page's footer links to its language's corrections page.
    assert!(
        site.read("fa/index.html")
            .contains("href=\"/fa/corrections/\"")
    );
}

#[test]
fn a_language_without_corrections_has_an_empty_corrections_page() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-03-05\n+++\nText.\n",
    );
    site.build_ok();
    assert!(
        site.read("corrections/index.html")
            .contains("No corrections so far.")
    );
    assert!(
        site.read("fa/corrections/index.html")
            .contains("تاکنون اصلاحیه‌ای")
    );
}

#[test]
fn a_correction_to_the_source_marks_its_translations_outdated() {
    let site = Site::three_languages();
    site.write(
        "content/en/news/vote.md",
        corrected_story("en", "Vote count", "Turnout fixed."),
    );
    site.write(
        "content/fa/news/vote.md",
        "+++\ntitle = \"شمارش آرا\"\ndate = 2026-03-01T10:00:00\ntranslation_key = \"vote\"\n+++\nمتن.\n",
    );
    site.build_ok();
    let fa = site.read("fa/news/vote/index.html");
    assert!(fa.contains("class=\"outdated\""), "{fa}");
    assert!(
        fa.contains("datetime=\"2026-03-02T11:15:00+03:30\""),
        "{fa}"
    );
}

#[test]
fn bad_corrections_are_errors_at_their_entry() {
    let site = Site::three_languages();
    let story = |corrections: &str| {
        format!("+++\ntitle = \"T\"\ndate = 2026-03-01T09:00:00\n\n{corrections}+++\nBody.\n")
    };
    for (corrections, line, says) in [
        (
            "[[corrections]]\ndate = 2026-03-02\ntext = \"ok\"\n\n[[corrections]]\ndate = 2026-03-02\ntext = \"  \"\n",
            9,
            "correction 2: its text is empty",
        ),
        (
            "[[corrections]]\ndate = 2026-02-28\ntext = \"Too early\"\n",
            5,
            "correction 1: it is dated 2026-02-28T00:00:00+03:30, before the story",
        ),
        (
            "[[corrections]]\ndate = \"yesterday\"\ntext = \"x\"\n",
            5,
            "correction 1:",
        ),
        (
            "[[corrections]]\ndate = 2026-03-02\n",
            0,
            "missing field `text`",
        ),
        (
            "[[corrections]]\ndate = 2026-03-02\ntext = \"x\"\nauthor = \"y\"\n",
            0,
            "unknown field `author`",
        ),
    ] {
        site.write("content/en/news/t.md", story(corrections));
        let err = site.build_err();
        assert!(err.contains("content/en/news/t.md"), "{err}");
        assert!(err.contains(says), "{says}: {err}");
        if line > 0 {
            assert!(err.contains(&format!("t.md:{line}:")), "{line}: {err}");
        }
    }
}

#[test]
fn a_section_named_corrections_is_refused() {
    let site = Site::three_languages();
    site.write(
        "content/en/corrections/a.md",
        "+++\ntitle = \"A\"\ndate = 2026-03-05\n+++\nText.\n",
    );
    let err = site.build_err();
    assert!(err.contains("the corrections page"), "{err}");
}
