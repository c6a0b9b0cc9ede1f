//! Languages, translations, direction, calendars, time zones and slugs.

mod util;

use util::{Site, wire};

/// One story in en (wire copy), fa and ru, as the issue describes it.
fn seed_story_site() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/en/news/media.txt",
        wire("Jul 12, 2018 07:08 Asia/Tehran", "Media cooperation grows"),
    );
    site.write(
        "content/fa/news/media.md",
        "+++\ntitle = \"همکاری رسانه‌ای گسترش می‌یابد\"\nslug = \"همکاری رسانه‌ای\"\ndate = 2018-07-12 07:08\ntags = [\"رسانه\"]\n+++\nمتن خبر با نام Moscow در میان.\n",
    );
    site.write(
        "content/ru/news/media.md",
        "---\ntitle: Медийное сотрудничество растёт\ndate: 2018-07-12T07:08:00+04:30\ntags: [СМИ]\n---\nТекст.\n",
    );
    site.build_ok();
    site
}

#[test]
fn seed_story_in_three_languages() {
    let site = seed_story_site();
    let en = site.read("news/media-cooperation-grows/index.html");
    let fa = site.read("fa/news/همکاری-رسانه-ای/index.html");
    let ru = site.read("ru/news/media/index.html");
    assert!(en.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(fa.contains(r#"<html lang="fa" dir="rtl">"#), "{fa}");
    assert!(ru.contains(r#"<html lang="ru" dir="ltr">"#));
    assert!(en.contains("July 12, 2018"));
    assert!(fa.contains("۲۱ تیر ۱۳۹۷"), "{fa}");
    assert!(ru.contains("12 июля 2018"));
    for html in [&en, &fa, &ru] {
        assert!(html.contains(r#"datetime="2018-07-12T07:08:00+04:30""#));
    }
    // The Persian URL keeps its letters, percent-encoded in links.
    let fa_url = "https://example.org/fa/news/%D9%87%D9%85%DA%A9%D8%A7%D8%B1%DB%8C-%D8%B1%D8%B3%D8%A7%D9%86%D9%87-%D8%A7%DB%8C/";
    assert!(en.contains(fa_url), "{en}");
}

#[test]
fn hreflang_links_are_reciprocal_with_x_default() {
    let site = seed_story_site();
    let pages = [
        (
            "en",
            site.read("news/media-cooperation-grows/index.html"),
            "https://example.org/news/media-cooperation-grows/",
        ),
        (
            "fa",
            site.read("fa/news/همکاری-رسانه-ای/index.html"),
            "https://example.org/fa/news/%D9%87%D9%85%DA%A9%D8%A7%D8%B1%DB%8C-%D8%B1%D8%B3%D8%A7%D9%86%D9%87-%D8%A7%DB%8C/",
        ),
        (
            "ru",
            site.read("ru/news/media/index.html"),
            "https://example.org/ru/news/media/",
        ),
    ];
    for (_, html, _) in &pages {
        for (lang, _, url) in &pages {
            let link = format!(r#"<link rel="alternate" hreflang="{lang}" href="{url}">"#);
            assert!(html.contains(&link), "missing {link} in\n{html}");
        }
        assert!(html.contains(
            r#"hreflang="x-default" href="https://example.org/news/media-cooperation-grows/""#
        ));
    }
}

#[test]
fn language_switcher_lands_on_translation_or_home() {
    let site = seed_story_site();
    site.write(
        "content/en/news/only-en.md",
        "+++\ntitle = \"Only English\"\ndate = 2019-01-01\n+++\nx\n",
    );
    site.build_ok();
    let en = site.read("news/only-en/index.html");
    assert!(
        en.contains(r#"<a href="/fa/" lang="fa" dir="rtl" hreflang="fa">فارسی</a>"#),
        "{en}"
    );
    let ru = site.read("ru/news/media/index.html");
    assert!(
        ru.contains(
            r#"<a href="/news/media-cooperation-grows/" lang="en" dir="ltr" hreflang="en">English</a>"#
        ),
        "{ru}"
    );
    let out = site.run(&["build", "--missing-translations"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("missing in fa: 1") && stdout.contains("content/en/news/only-en.md"),
        "{stdout}"
    );
}

#[test]
fn default_language_in_subdir_redirects_root() {
    let site = Site::new(&util::THREE_LANGUAGES.replace(
        "paginate_by = 2",
        "paginate_by = 2\ndefault_language_in_subdir = true",
    ));
    site.write(
        "content/en/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nx\n",
    );
    site.build_ok();
    assert!(site.read("en/index.html").contains(">A<"));
    let root = site.read("index.html");
    assert!(
        root.contains(r#"content="0; url=https://example.org/en/""#),
        "{root}"
    );
    assert!(site.public("en/a/index.html").exists());
}

#[test]
fn missing_theme_string_falls_back_and_warns_once() {
    let site = seed_story_site();
    // A string the site adds in English only.
    site.write("i18n/en.toml", "only_english = \"Only in English\"\n");
    site.write(
        "templates/404.html",
        "{{ t(key=\"only_english\", lang=\"ru\") }}|{{ t(key=\"no_such_key\") }}",
    );
    let out = site.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Russian lacks it: the English string is used.
    assert_eq!(site.read("404.html"), "Only in English|no_such_key");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("`only_english` is missing for language `ru`; add it to i18n/ru.toml")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("`no_such_key` is missing for language `en`"));
}

#[test]
fn local_times_use_article_then_language_then_site_zone() {
    let site = Site::new(&util::THREE_LANGUAGES.replace(
        "name = \"Русский\"",
        "name = \"Русский\"\ntimezone = \"Europe/Moscow\"",
    ));
    site.write(
        "content/en/a.md",
        "+++\ntitle = \"A\"\ndate = 2018-07-12 07:08\n+++\nx\n",
    );
    site.write(
        "content/ru/b.md",
        "+++\ntitle = \"B\"\ndate = 2018-07-12 07:08\n+++\nx\n",
    );
    site.write(
        "content/ru/c.md",
        "+++\ntitle = \"C\"\ndate = 2018-07-12 07:08\ntimezone = \"Asia/Tokyo\"\n+++\nx\n",
    );
    site.build_ok();
    assert!(
        site.read("a/index.html")
            .contains("2018-07-12T07:08:00+04:30")
    );
    assert!(
        site.read("ru/b/index.html")
            .contains("2018-07-12T07:08:00+03:00")
    );
    assert!(
        site.read("ru/c/index.html")
            .contains("2018-07-12T07:08:00+09:00")
    );
}

#[test]
fn future_articles_are_embargoed_unless_asked_for() {
    let site = Site::three_languages();
    site.write(
        "content/en/a.md",
        "+++\ntitle = \"Tomorrow\"\ndate = 2199-01-01\n+++\nx\n",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 embargoed"));
    assert!(!site.public("a/index.html").exists());
    assert!(site.run(&["build", "--future"]).status.success());
    assert!(site.public("a/index.html").exists());
}

#[test]
fn ascii_slugs_transliterate() {
    let site = Site::new(
        &util::THREE_LANGUAGES.replace("paginate_by = 2", "paginate_by = 2\nslugify = \"ascii\""),
    );
    site.write(
        "content/ru/news/x.txt",
        wire("Jul 12, 2018 07:08 Europe/Moscow", "Культура"),
    );
    site.build_ok();
    assert!(site.public("ru/news/kul-tura/index.html").exists());
}

#[test]
fn date_and_digits_filters_in_templates() {
    let site = seed_story_site();
    site.write(
        "templates/404.html",
        "{{ \"2018-07-12T07:08:00+04:30\" | date(format=\"month_year\", lang=\"fa\") }}|{{ \"2018-07-12T07:08:00+04:30\" | date(format=\"month_year\", lang=\"ru\") }}|{{ 2018 | digits(lang=\"fa\") }}",
    );
    site.build_ok();
    assert_eq!(site.read("404.html"), "تیر ۱۳۹۷|июль 2018|۲۰۱۸");
}

#[test]
fn cached_templates_are_rendered_per_language_and_per_argument() {
    let site = seed_story_site();
    // The footer's links come from a template given through `cached`,
    // which a site may override like any other.
    site.write(
        "templates/site_footer_links.html",
        "<li class=\"mine\">{{ t(key=\"home\") }} · {{ lang }} · {{ extra | default(value=\"-\") }}</li>\n",
    );
    site.write(
        "templates/404.html",
        "{{ cached(template=\"site_footer_links.html\", extra=\"x\") }}|{{ cached(template=\"site_footer_links.html\", extra=\"y\") }}|{{ cached(template=\"site_footer_links.html\", lang=\"ru\") }}",
    );
    site.build_ok();
    let en = site.read("news/media-cooperation-grows/index.html");
    let ru = site.read("ru/news/media/index.html");
    let fa_home = site.read("fa/index.html");
    assert!(
        en.contains("<li class=\"mine\">Home · en · -</li>\n    <li><a href=\"https://example.org/atom.xml\">"),
        "{en}"
    );
    assert!(
        ru.contains("<li class=\"mine\">Главная · ru · -</li>"),
        "{ru}"
    );
    assert!(fa_home.contains(" · fa · -</li>"), "{fa_home}");
    assert_eq!(
        site.read("404.html"),
        "<li class=\"mine\">Home · en · x</li>|<li class=\"mine\">Home · en · y</li>|<li class=\"mine\">Главная · ru · -</li>"
    );
}

#[test]
fn navigation_marks_only_the_page_it_links_to() {
    let site = seed_story_site();
    let current = |rel: &str| -> Vec<String> {
        let html = site.read(rel);
        html.match_indices(" aria-current=\"page\"")
            .map(|(at, _)| {
                let start = html[..at].rfind("href=\"").expect("a link") + 6;
                html[start..at - 1].to_string()
            })
            .collect()
    };
    assert_eq!(current("index.html"), ["/"]);
    assert_eq!(current("news/index.html"), ["/news/"]);
    assert_eq!(current("archive/index.html"), ["/archive/"]);
    assert_eq!(current("fa/news/index.html"), ["/fa/news/"]);
    assert_eq!(current("ru/archive/index.html"), ["/ru/archive/"]);
    assert!(current("news/media-cooperation-grows/index.html").is_empty());
    assert!(current("tags/index.html").is_empty());
}

#[test]
fn dates_are_shown_and_filed_in_the_editions_zone() {
    let site = Site::three_languages();
    // 20:30 UTC on 19 March 2016 is 00:00 on 1 Farvardin 1395 in Tehran.
    site.write(
        "content/fa/news/nowruz.md",
        "+++\ntitle = \"نوروز\"\ndate = 2016-03-19T20:30:00Z\n+++\nمتن.\n",
    );
    // 23:30 in London on 21 June 2018 is 03:00 on 1 Tir 1397 in Tehran.
    site.write(
        "content/fa/news/london.txt",
        "Jun 21, 2018 23:30 Europe/London\n  • خبر لندن\n\nمتن.\n",
    );
    site.build_ok();
    let page = site.read("fa/news/nowruz/index.html");
    assert!(page.contains("۱ فروردین ۱۳۹۵"), "{page}");
    // <time datetime> keeps the exact instant as written.
    assert!(page.contains("datetime=\"2016-03-19T20:30:00Z\""), "{page}");
    assert!(site.public("fa/1395/01/index.html").exists());
    assert!(!site.public("fa/1394/12/index.html").exists());
    assert!(site.read("fa/1397/04/index.html").contains("خبر لندن"));
    assert!(!site.public("fa/1397/03/index.html").exists());
}

#[test]
fn term_lists_are_in_each_languages_dictionary_order() {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/a.md",
        "+++\ntitle = \"الف\"\ndate = 2020-01-01\ntags = [\"هنر\", \"گفتگو\", \"پژوهش\", \"بازار\"]\n+++\nمتن.\n",
    );
    site.write(
        "content/ru/news/a.md",
        "+++\ntitle = \"А\"\ndate = 2020-01-01\ntags = [\"яблоко\", \"ёлка\", \"жук\"]\n+++\nТекст.\n",
    );
    site.build_ok();
    let order = |page: &str, words: &[&str]| {
        let html = site.read(page);
        let at: Vec<usize> = words
            .iter()
            .map(|w| {
                html.find(&format!(">{w}</a>"))
                    .unwrap_or_else(|| panic!("{w} in {page}"))
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "{page}: {words:?} at {at:?}"
        );
    };
    order("fa/tags/index.html", &["بازار", "پژوهش", "گفتگو", "هنر"]);
    order("ru/tags/index.html", &["ёлка", "жук", "яблоко"]);
}

#[test]
fn a_title_takes_its_pages_direction_whatever_its_first_letter() {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/bbc.md",
        "+++\ntitle = \"BBC فارسی: گزارش تازه\"\ndate = 2020-01-01\ntranslation_key = \"bbc\"\n+++\nمتن.\n",
    );
    site.write(
        "content/en/news/bbc.md",
        "+++\ntitle = \"تهران: an English report\"\ndate = 2020-01-01\ntranslation_key = \"bbc\"\n+++\nText.\n",
    );
    site.build_ok();
    let fa = site.read("fa/news/bbc/index.html");
    assert!(fa.contains("dir=\"rtl\""), "{fa}");
    assert!(fa.contains("<h1>BBC فارسی: گزارش تازه</h1>"), "{fa}");
    // The English translation's title is marked as English, left to right.
    assert!(
        fa.contains("<li lang=\"en\" dir=\"ltr\"><span class=\"lang-name\">English</span> <a href=\"/news/bbc/\" hreflang=\"en\">تهران: an English report</a></li>"),
        "{fa}"
    );
    // The meta line's separator is a bar: a middle dot beside Persian
    // digits reads as the digit zero («۱۳۹۸ · ۱» as «۱۳۹۸۰۱»).
    assert!(!fa.contains('·'), "{fa}");
    assert!(
        fa.contains("<span class=\"sep\" aria-hidden=\"true\">|</span>"),
        "{fa}"
    );
    let en = site.read("news/bbc/index.html");
    assert!(en.contains("<h1>تهران: an English report</h1>"), "{en}");
    let home = site.read("fa/index.html");
    assert!(
        home.contains(">BBC فارسی: گزارش تازه</a>") && !home.contains("dir=\"auto\">BBC"),
        "{home}"
    );
}

#[test]
fn the_sitemap_lists_x_default_like_the_pages() {
    let site = Site::three_languages();
    for (lang, title) in [("en", "Culture"), ("fa", "فرهنگ")] {
        site.write(
            &format!("content/{lang}/news/c.md"),
            format!(
                "+++\ntitle = \"{title}\"\ndate = 2020-01-01\ntranslation_key = \"c\"\n+++\nText.\n"
            ),
        );
    }
    site.write(
        "content/en/news/party.md",
        "+++\ntitle = \"Party\"\ndate = 2020-01-01\ntags = [\"🎉\"]\n+++\nText.\n",
    );
    // A term with no letter has no page: an error, not a silent drop.
    assert!(site.build_err().contains("content/en/news/party.md:4"));
    site.remove("content/en/news/party.md");
    site.build_ok();
    let sitemap = site.read("sitemap.xml");
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains("<loc>https://example.org/news/c/</loc>"))
        .unwrap();
    assert!(
        entry.contains(r#"hreflang="x-default" href="https://example.org/news/c/""#),
        "{entry}"
    );
    let page = site.read("fa/news/c/index.html");
    assert!(page.contains(r#"hreflang="x-default" href="https://example.org/news/c/""#));
}

#[test]
fn a_persian_story_may_be_dated_in_the_solar_hijri_calendar() {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/typed.md",
        "+++\ntitle = \"تاریخ شمسی\"\ndate = \"1405-09-08\"\n+++\nمتن.\n",
    );
    site.build_ok();
    let page = site.read("fa/news/typed/index.html");
    assert!(page.contains("۸ آذر ۱۴۰۵"), "{page}");
    assert!(
        page.contains("datetime=\"2026-11-29T00:00:00+03:30\""),
        "{page}"
    );
    assert!(site.public("fa/1405/09/index.html").exists());
    // In an English story the same text is a year far from any plausible date.
    site.write(
        "content/en/news/typed.md",
        "+++\ntitle = \"Typed\"\ndate = \"1405-09-08\"\n+++\nText.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/en/news/typed.md:3"), "{stderr}");
    assert!(stderr.contains("far from any plausible date"), "{stderr}");
}
