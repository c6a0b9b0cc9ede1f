//! Changing a theme without forking it: the site's strings over the
//! theme's, key by key.

mod util;

use util::Site;

fn site() -> Site {
    let site = Site::three_languages();
    site.write(
        "content/fa/news/a.md",
        "+++\ntitle = \"الف\"\ndate = 2026-01-01\n+++\nمتن.\n",
    );
    site.write(
        "content/en/news/a.md",
        "+++\ntitle = \"Alpha\"\ndate = 2026-01-01\n+++\nText.\n",
    );
    site
}

#[test]
fn a_site_string_overrides_one_theme_string_and_keeps_the_others() {
    let site = site();
    site.build_ok();
    let before = site.read("fa/news/a/index.html");
    assert!(before.contains("دقیقه مطالعه"), "{before}");
    // One Persian string changed in the site's own i18n/fa.toml.
    site.write("i18n/fa.toml", "minutes_read = \"{count} دقیقه خواندن\"\n");
    site.build_ok();
    let after = site.read("fa/news/a/index.html");
    assert!(after.contains("۱ دقیقه خواندن"), "{after}");
    // Every other string is still the theme's: no raw keys.
    assert!(
        after.contains("رفتن به محتوا") && !after.contains("skip_to_content"),
        "{after}"
    );
    // A theme folder's partial file is merged the same way.
    site.write(
        "themes/default/i18n/en.toml",
        "skip_to_content = \"Skip ahead\"\n",
    );
    let out = site.build_ok();
    let en = site.read("news/a/index.html");
    assert!(
        en.contains("Skip ahead") && en.contains("1 minute read"),
        "{en}"
    );
    assert!(!out.contains("is missing"), "{out}");
}

#[test]
fn strings_take_arguments_and_cldr_plural_forms_in_the_languages_digits() {
    let site = site();
    let words = |n: usize| vec!["слово"; n].join(" ");
    for (file, minutes) in [
        ("one", 1),
        ("few", 3),
        ("many", 5),
        ("eleven", 11),
        ("twentyone", 21),
    ] {
        site.write(
            &format!("content/ru/news/{file}.md"),
            format!(
                "+++\ntitle = \"{file}\"\ndate = 2026-01-01\n+++\n{}\n",
                words(minutes * 200)
            ),
        );
    }
    site.write(
        "content/fa/news/five.md",
        format!(
            "+++\ntitle = \"پنج\"\ndate = 2026-01-01\n+++\n{}\n",
            vec!["واژه"; 1000].join(" ")
        ),
    );
    site.write(
        "templates/404.html",
        "{{ t(key=\"greeting\", name=\"Desk\") }}|{{ t(key=\"minutes_read\", count=2, lang=\"en\") }}",
    );
    site.write("i18n/en.toml", "greeting = \"Hello, {name}!\"\n");
    site.build_ok();
    let meta = |page: &str| {
        let html = site.read(page);
        html.split("class=\"meta\"")
            .nth(1)
            .unwrap()
            .split("</p>")
            .next()
            .unwrap()
            .to_string()
    };
    assert!(meta("ru/news/one/index.html").contains("1 минута чтения"));
    assert!(meta("ru/news/few/index.html").contains("3 минуты чтения"));
    assert!(meta("ru/news/many/index.html").contains("5 минут чтения"));
    assert!(meta("ru/news/eleven/index.html").contains("11 минут чтения"));
    assert!(meta("ru/news/twentyone/index.html").contains("21 минута чтения"));
    assert!(
        meta("fa/news/five/index.html").contains("۵ دقیقه مطالعه"),
        "{}",
        meta("fa/news/five/index.html")
    );
    assert!(meta("news/a/index.html").contains("1 minute read"));
    assert_eq!(site.read("404.html"), "Hello, Desk!|2 min read");
    // A plural table without `other` is an error in its file.
    site.write(
        "i18n/ru.toml",
        "minutes_read = { one = \"{count} минута\" }\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("i18n/ru.toml") && err.contains("no `other` form"),
        "{err}"
    );
}

fn nav(html: &str) -> Vec<String> {
    let nav = html
        .split("class=\"sections\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| a.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn weight_orders_the_navigation_and_a_section_sorted_by_it() {
    let site = Site::three_languages();
    for (section, title) in [
        ("world", "World"),
        ("culture", "Culture"),
        ("sport", "Sport"),
    ] {
        site.write(
            &format!("content/en/{section}/_index.md"),
            format!("+++\ntitle = \"{title}\"\n+++\n"),
        );
        site.write(
            &format!("content/en/{section}/a.md"),
            "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nText.\n",
        );
    }
    site.build_ok();
    // No weights: by title.
    let home = site.read("index.html");
    assert_eq!(
        nav(&home)[1..4],
        ["/culture/", "/sport/", "/world/"],
        "{:?}",
        nav(&home)
    );
    // Weights first, lightest first; a clean and an incremental build agree.
    site.write(
        "content/en/world/_index.md",
        "+++\ntitle = \"World\"\nweight = 1\n+++\n",
    );
    site.write(
        "content/en/sport/_index.md",
        "+++\ntitle = \"Sport\"\nweight = 2\nsort_by = \"weight\"\n+++\n",
    );
    for (name, weight) in [("b", "3"), ("c", "1"), ("d", "")] {
        let weight = if weight.is_empty() {
            String::new()
        } else {
            format!("weight = {weight}\n")
        };
        site.write(
            &format!("content/en/sport/{name}.md"),
            format!(
                "+++\ntitle = \"{name}\"\ndate = 2026-01-0{}\n{weight}+++\nText.\n",
                name.len() + 1
            ),
        );
    }
    site.build_ok();
    let story = site.read("culture/a/index.html");
    assert_eq!(
        nav(&story)[1..4],
        ["/world/", "/sport/", "/culture/"],
        "{:?}",
        nav(&story)
    );
    // Lightest first, then the stories without a weight, newest first (two
    // to a page here).
    let at = |page: &str, u: &str| {
        site.read(page)
            .find(&format!("href=\"{u}\""))
            .unwrap_or_else(|| panic!("{u} not on {page}"))
    };
    assert!(at("sport/index.html", "/sport/c/") < at("sport/index.html", "/sport/b/"));
    assert!(
        at("sport/page/2/index.html", "/sport/d/") < at("sport/page/2/index.html", "/sport/a/")
    );
    let incremental = util::walk(&site.public(""))
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(site.public(&p)).unwrap()))
        .collect::<Vec<_>>();
    std::fs::remove_dir_all(site.public("")).unwrap();
    site.build_ok();
    for (p, bytes) in incremental {
        assert_eq!(
            std::fs::read(site.public(&p)).unwrap(),
            bytes,
            "{p} differs from a clean build"
        );
    }
}
