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
