//! The search index: what it holds (folded as queries are), what it leaves
//! out, the search pages, and that a build without changes keeps it.
//! Searching it in a browser is tests/e2e's part.

mod util;

use std::io::Read;

use util::Site;

fn story(title: &str, date: &str, extra: &str, text: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{extra}+++\n{text}\n")
}

fn site() -> Site {
    let site = Site::new(&format!("search = true\n{}", util::THREE_LANGUAGES));
    site.write(
        "content/fa/news/books.md",
        story(
            "نمایشگاه كتاب",
            "2026-07-12 09:30",
            "tags = [\"کتاب\"]\n",
            "ما هر سال به نمایشگاه می روم و کتاب ها را در سال 1405 می‌بینیم.\n\n{% factbox(title=\"در یک نگاه\") %}\nبیش از ۲۰۰ ناشر.\n{% end %}",
        ),
    );
    site.write(
        "content/ru/news/tree.md",
        story("Ёлка в Москве", "2026-01-01", "", "Главная ёлка страны."),
    );
    site.write(
        "content/en/news/fair.md",
        story(
            "Book fair opens",
            "2026-07-12",
            "tags = [\"books\"]\n",
            "Publishers *gathered* in `Tehran`.",
        ),
    );
    site.write(
        "content/en/news/hidden.md",
        story(
            "Quiet notice",
            "2026-07-11",
            "noindex = true\n",
            "Not for search.",
        ),
    );
    site.write(
        "content/en/news/embargoed.md",
        story(
            "Embargoed scoop",
            "2026-07-11",
            "publish_date = 2199-01-01\n",
            "Not yet.",
        ),
    );
    site
}

/// Every record of the index: (language, its fragment's JSON).
fn fragments(site: &Site) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    let bundles = ["en", "fa", "ru"].map(|l| site.public(&format!("pagefind/{l}/fragment")));
    let entries = bundles
        .iter()
        .filter(|d| d.exists())
        .flat_map(|d| std::fs::read_dir(d).unwrap());
    for entry in entries {
        let path = entry.unwrap().path();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
            .read_to_end(&mut text)
            .unwrap();
        let json = text
            .strip_prefix(b"pagefind_dcd")
            .expect("a Pagefind fragment");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let lang = name.split('_').next().unwrap().to_string();
        out.push((
            lang,
            serde_json::from_slice::<serde_json::Value>(json).unwrap(),
        ));
    }
    out.sort_by(|a, b| a.1["url"].as_str().cmp(&b.1["url"].as_str()));
    out
}

#[test]
fn the_index_holds_published_stories_folded_as_queries_are() {
    let site = site();
    site.build_ok();
    let records = fragments(&site);
    let urls: Vec<&str> = records
        .iter()
        .map(|(_, r)| r["url"].as_str().unwrap())
        .collect();
    assert!(
        urls.iter()
            .all(|u| !u.contains("hidden") && !u.contains("embargoed")),
        "no noindex or embargoed story: {urls:?}"
    );
    assert_eq!(records.len(), 3, "{urls:?}");
    let fa = &records.iter().find(|(l, _)| l == "fa").unwrap().1;
    let content = fa["content"].as_str().unwrap();
    // Arabic kaf folded, the spaced non-joiner joined, digits Persian, the
    // date in the Solar Hijri calendar, a shortcode's body kept.
    assert!(content.starts_with("نمایشگاه کتاب — "), "{content}");
    assert!(content.contains("۱۴۰۵"), "{content}");
    assert!(content.contains("می\u{200c}روم"), "{content}");
    assert!(content.contains("کتاب\u{200c}ها"), "{content}");
    assert!(content.contains("سال ۱۴۰۵ می\u{200c}بینیم"), "{content}");
    assert!(content.contains("بیش از ۲۰۰ ناشر"), "{content}");
    assert!(!content.contains("factbox"), "{content}");
    assert_eq!(fa["meta"]["title"], "نمایشگاه كتاب");
    assert_eq!(fa["meta"]["section"], "News");
    assert!(
        fa["meta"]["date"].as_str().unwrap().contains("۱۴۰۵"),
        "{fa}"
    );
    assert_eq!(fa["filters"]["year"], serde_json::json!(["۱۴۰۵"]));
    assert_eq!(fa["filters"]["tag"], serde_json::json!(["کتاب"]));
    let ru = &records.iter().find(|(l, _)| l == "ru").unwrap().1;
    assert!(
        ru["content"].as_str().unwrap().contains("Главная елка"),
        "{ru}"
    );
    let en = &records.iter().find(|(l, _)| l == "en").unwrap().1;
    let content = en["content"].as_str().unwrap();
    assert!(
        content.contains("Publishers gathered in Tehran."),
        "{content}"
    );
    // A bundle per language, without Pagefind's own interfaces (the theme
    // has its own).
    for lang in ["en", "fa", "ru"] {
        assert!(
            site.public(&format!("pagefind/{lang}/pagefind.js"))
                .exists()
        );
        let entry = site.read(&format!("pagefind/{lang}/pagefind-entry.json"));
        assert!(
            entry.contains(&format!("\"languages\":{{\"{lang}\"")),
            "{entry}"
        );
        assert!(
            !site
                .public(&format!("pagefind/{lang}/pagefind-ui.js"))
                .exists()
        );
    }
}

#[test]
fn each_language_has_a_search_page_and_every_page_a_search_box() {
    let site = site();
    site.build_ok();
    for (home, search) in [
        ("index.html", "search/index.html"),
        ("fa/index.html", "fa/search/index.html"),
        ("ru/index.html", "ru/search/index.html"),
    ] {
        let page = site.read(search);
        let prefix = search.trim_end_matches("search/index.html");
        assert!(
            page.contains(&format!(
                "data-bundle=\"/pagefind/{}/pagefind.js\"",
                if prefix.is_empty() { "en/" } else { prefix }.trim_end_matches('/')
            )),
            "{page}"
        );
        assert!(page.contains("<label for=\"search-q\">"), "{page}");
        assert!(
            page.contains("role=\"status\" aria-live=\"polite\""),
            "{page}"
        );
        assert!(page.contains("<noscript>"), "{page}");
        assert!(
            page.contains(&format!("href=\"/{prefix}archive/\"")),
            "{page}"
        );
        let home = site.read(home);
        assert!(
            home.contains(&format!(
                "<form class=\"site-search\" role=\"search\" action=\"/{prefix}search/\""
            )),
            "{home}"
        );
    }
    assert!(
        site.read("fa/search/index.html")
            .contains("data-digits=\"۰۱۲۳۴۵۶۷۸۹\"")
    );
    assert!(
        site.read("news/hidden/index.html")
            .contains("<meta name=\"robots\" content=\"noindex\">")
    );
    assert!(!site.read("news/fair/index.html").contains("noindex"));
}

#[test]
fn a_build_without_changes_keeps_the_index_and_an_edit_remakes_it() {
    let site = site();
    site.build_ok();
    let entry = site.public("pagefind/fa/pagefind-entry.json");
    let stamp = std::fs::metadata(&entry).unwrap().modified().unwrap();
    let before = site.snapshot();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = site.build_ok();
    assert!(out.contains("0 written"), "{out}");
    assert_eq!(
        std::fs::metadata(&entry).unwrap().modified().unwrap(),
        stamp
    );
    assert_eq!(site.snapshot(), before);
    // A new story is found; the incremental build equals a clean one.
    site.write(
        "content/en/news/second.md",
        story("Second fair", "2026-07-13", "", "More books."),
    );
    let fa_entry = std::fs::metadata(&entry).unwrap().modified().unwrap();
    let out = site.build_ok();
    assert_eq!(fragments(&site).len(), 4);
    // Only the English index was made again.
    assert_eq!(
        std::fs::metadata(&entry).unwrap().modified().unwrap(),
        fa_entry
    );
    site.assert_same_as_clean_build("new story", &out);
    // The index follows a retitle too.
    site.write(
        "content/en/news/second.md",
        story("Second book fair", "2026-07-13", "", "More books."),
    );
    let out = site.build_ok();
    assert!(
        fragments(&site)
            .iter()
            .any(|(_, r)| r["meta"]["title"] == "Second book fair")
    );
    site.assert_same_as_clean_build("retitle", &out);
    // What a record shows from elsewhere: its section's title, and a date
    // written without an offset, read in the site's zone.
    site.write(
        "content/en/news/_index.md",
        "+++\ntitle = \"Latest news\"\n+++\n",
    );
    let out = site.build_ok();
    assert!(
        fragments(&site)
            .iter()
            .any(|(_, r)| r["meta"]["section"] == "Latest news")
    );
    site.assert_same_as_clean_build("section title", &out);
    site.write(
        "site.toml",
        format!("search = true\n{}", util::THREE_LANGUAGES)
            .replace("Asia/Tehran", "America/Los_Angeles"),
    );
    let out = site.build_ok();
    assert!(
        fragments(&site)
            .iter()
            .any(|(_, r)| r["meta"]["datetime"].as_str().unwrap().ends_with("-07:00")),
        "{:?}",
        fragments(&site)
    );
    site.assert_same_as_clean_build("site time zone", &out);
}

#[test]
fn without_search_true_there_is_no_search_and_with_it_a_search_section_is_an_error() {
    let site = site();
    site.write("site.toml", util::THREE_LANGUAGES);
    site.build_ok();
    assert!(!site.public("pagefind").exists());
    assert!(!site.public("search/index.html").exists());
    assert!(!site.read("index.html").contains("site-search"));
    let site = self::site();
    site.write("content/en/search/x.md", story("X", "2026-01-01", "", "x"));
    let err = site.build_err();
    assert!(
        err.contains("the section `search` has the URL /search/ of the search page"),
        "{err}"
    );
}
