//! The template API a designer changes a site with, each recipe of the
//! README's "Changing the theme" section as a test: the front page showing
//! one section, pages and menus, one string, the brand colour, authors,
//! the query functions, and incremental builds that stay equal to clean
//! ones while templates read across the site.

mod util;

use util::Site;

fn story(title: &str, date: &str, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{extra}+++\nText of {title}.\n")
}

/// Three news stories and two culture stories in English, one each in
/// Persian and Russian.
fn site() -> Site {
    let site = Site::three_languages();
    for (n, day) in [(1, "01"), (2, "02"), (3, "03")] {
        site.write(
            &format!("content/en/news/n{n}.md"),
            story(&format!("News {n}"), &format!("2026-01-{day}"), ""),
        );
    }
    for (n, day) in [(1, "04"), (2, "05")] {
        site.write(
            &format!("content/en/culture/c{n}.md"),
            story(&format!("Culture {n}"), &format!("2026-01-{day}"), ""),
        );
    }
    site.write("content/fa/news/n1.md", story("خبر", "2026-01-01", ""));
    site.write("content/ru/news/n1.md", story("Новость", "2026-01-01", ""));
    site
}

fn with_toml(site: &Site, more: &str) {
    let toml = format!("{}{more}", util::THREE_LANGUAGES);
    site.write("site.toml", toml);
}

/// `[home] sections` lists only those sections' stories, paginated as a list.
#[test]
fn the_home_page_shows_only_the_news_section_with_correct_pagination() {
    let site = site();
    // Top-level keys go before the language tables.
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace(
            "paginate_by = 2\n",
            "paginate_by = 2\n[home]\nsections = [\"news\"]\n",
        ),
    );
    site.build_ok();
    let first = site.read("index.html");
    let second = site.read("page/2/index.html");
    let cards = |html: &str| html.matches("<article class=\"card\"").count();
    assert_eq!((cards(&first), cards(&second)), (2, 1), "{first}\n{second}");
    assert!(!first.contains("Culture 1") && !second.contains("Culture 2"));
    assert!(first.contains("News 3") && second.contains("News 1"));
    assert!(!site.public("page/3/index.html").exists());
}

/// An undated file is a page: its own template, no date or reading time,
/// in no list or feed; a menu in three languages links to it.
#[test]
fn an_about_page_and_a_menu_link_to_it_in_three_languages() {
    let site = site();
    site.write(
        "content/en/about.md",
        "+++\ntitle = \"About us\"\n+++\nWho we are.\n",
    );
    site.write(
        "content/fa/about.md",
        "+++\ntitle = \"درباره ما\"\ntranslation_key = \"about\"\n+++\nما که هستیم.\n",
    );
    site.write(
        "content/ru/about.md",
        "+++\ntitle = \"О нас\"\ntranslation_key = \"about\"\n+++\nКто мы.\n",
    );
    with_toml(
        &site,
        r#"
[[languages.en.menu]]
name = "News"
url = "@/en/news/_index.md"
weight = 1
[[languages.en.menu]]
name = "About"
url = "@/en/about.md"
weight = 2
[[languages.fa.menu]]
name = "درباره ما"
url = "@/fa/about.md"
[[languages.ru.menu]]
name = "О нас"
url = "@/ru/about.md"
"#,
    );
    site.build_ok();
    let about = site.read("about/index.html");
    assert!(about.contains("<h1>About us</h1>"), "{about}");
    assert!(about.contains("\"@type\":\"WebPage\""), "{about}");
    assert!(
        !about.contains("min read") && !about.contains("<time"),
        "{about}"
    );
    assert!(about.contains("aria-current=\"page\">About</a>"), "{about}");
    let home = site.read("index.html");
    assert!(!home.contains("About us"), "not a story on the home page");
    assert!(!site.read("atom.xml").contains("About us"));
    assert!(
        !site
            .read("news/n1/index.html")
            .contains("\"@type\":\"WebPage\"")
    );
    // The menu replaces the sections in every language, in weight order.
    let nav = &home[home.find("class=\"sections\"").unwrap()..];
    let news = nav.find(">News</a>").unwrap();
    let about_link = nav.find("href=\"/about/\">About</a>").unwrap();
    assert!(news < about_link, "{nav}");
    assert!(!nav.contains(">Culture</a>"), "{nav}");
    assert!(
        site.read("fa/index.html")
            .contains("href=\"/fa/about/\">درباره ما</a>")
    );
    assert!(
        site.read("ru/news/n1/index.html")
            .contains("href=\"/ru/about/\">О нас</a>")
    );
    // A menu link to nothing is an error at site.toml.
    with_toml(
        &site,
        "[[languages.en.menu]]\nname = \"Gone\"\nurl = \"@/en/gone.md\"\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("site.toml") && err.contains("@/en/gone.md"),
        "{err}"
    );
}

/// `[theme]` colours in light and dark mode, set once in site.toml.
#[test]
fn the_brand_colour_changes_in_light_and_dark_mode() {
    let site = site();
    // `[theme]` is a table: it goes before the language tables' headers.
    let toml = util::THREE_LANGUAGES.replace(
        "paginate_by = 2\n",
        "paginate_by = 2\n[theme]\nname = \"default\"\ncolors = { accent = \"#005f73\" }\ndark = { accent = \"#7fd1e0\" }\nfonts = { serif = '\"Charter\", Georgia, serif' }\n",
    );
    site.write("site.toml", toml);
    site.build_ok();
    let home = site.read("index.html");
    assert!(
        home.contains("@media (prefers-color-scheme: light){:root{--accent:#005f73;}}"),
        "{home}"
    );
    assert!(
        home.contains("@media (prefers-color-scheme: dark){:root{--accent:#7fd1e0;}}"),
        "{home}"
    );
    assert!(
        home.contains(":root{--serif:\"Charter\", Georgia, serif;}"),
        "{home}"
    );
    assert!(
        home.contains("<meta name=\"theme-color\" content=\"#005f73\">"),
        "{home}"
    );
    // A value that would end the style element is refused, at its line.
    let bad = util::THREE_LANGUAGES.replace(
        "paginate_by = 2\n",
        "paginate_by = 2\n[theme]\ncolors = { accent = \"red}</style><script>\" }\n",
    );
    site.write("site.toml", bad);
    let err = site.build_err();
    assert!(
        err.contains("site.toml") && err.contains("not a CSS value"),
        "{err}"
    );
}

/// `authors` as a taxonomy: bylines link to a page per author and
/// language, with a bio from the author's file.
#[test]
fn stories_are_listed_by_author_with_a_bio_page() {
    let site = site();
    site.write(
        "site.toml",
        util::THREE_LANGUAGES.replace(
            "taxonomies = [\"tags\"]",
            "taxonomies = [\"tags\", \"authors\"]",
        ),
    );
    site.write(
        "content/en/news/n1.md",
        story("News 1", "2026-01-01", "authors = [\"Sara Karimi\"]\n"),
    );
    site.write(
        "content/en/news/n2.md",
        story("News 2", "2026-01-02", "authors = \"Sara Karimi\"\n"),
    );
    site.write(
        "content/en/authors/sara-karimi/_index.md",
        "+++\ntitle = \"Sara Karimi\"\nimage = \"/sara.jpg\"\n+++\nSara covers **culture** from Tehran.\n",
    );
    site.write(
        "content/fa/authors/سارا-کریمی/_index.md",
        "+++\ntitle = \"سارا کریمی\"\ntranslation_key = \"sara-karimi\"\n+++\nسارا از تهران گزارش می‌دهد.\n",
    );
    site.write(
        "content/fa/news/n1.md",
        story("خبر", "2026-01-01", "authors = [\"سارا کریمی\"]\n"),
    );
    site.build_ok();
    let story_page = site.read("news/n1/index.html");
    assert!(
        story_page.contains(
            "<a href=\"/authors/sara-karimi/\" rel=\"author\"><bdi>Sara Karimi</bdi></a>"
        ),
        "{story_page}"
    );
    let author = site.read("authors/sara-karimi/index.html");
    assert!(
        author.contains("<strong>culture</strong>"),
        "the bio: {author}"
    );
    assert!(author.contains("src=\"/sara.jpg\""), "{author}");
    assert!(
        author.contains("News 1") && author.contains("News 2"),
        "{author}"
    );
    // Linked to the Persian author page by the shared key.
    assert!(
        author.contains("hreflang=\"fa\" href=\"https://example.org/fa/authors/%D8%B3%D8%A7%D8%B1%D8%A7-%DA%A9%D8%B1%DB%8C%D9%85%DB%8C/\""),
        "{author}"
    );
    let fa = site.read("fa/authors/سارا-کریمی/index.html");
    assert!(fa.contains("سارا از تهران"), "{fa}");
    // The taxonomy's own name in a language, from its file.
    site.write(
        "content/fa/authors/_index.md",
        "+++\ntitle = \"نویسندگان\"\n+++\n",
    );
    let out = site.build_ok();
    site.assert_same_as_clean_build("a taxonomy's file", &out);
    assert!(
        site.read("fa/authors/index.html")
            .contains("<h1>نویسندگان</h1>")
    );
    assert!(
        site.read("fa/authors/سارا-کریمی/index.html")
            .contains("نویسندگان: <bdi>سارا کریمی</bdi>")
    );
}

/// A site template replaces one block of the theme's `base.html` and
/// keeps the rest; each language has its 404 page.
#[test]
fn a_site_base_template_extends_the_theme_one_and_404_pages_are_per_language() {
    let site = site();
    site.write(
        "templates/base.html",
        "{% extends \"theme/base.html\" %}{% block footer %}<footer class=\"desk\">{{ t(key=\"home\") }} · Desk footer</footer>{% endblock footer %}",
    );
    site.build_ok();
    let home = site.read("index.html");
    assert!(
        home.contains("<footer class=\"desk\">Home · Desk footer</footer>"),
        "{home}"
    );
    assert!(
        home.contains("class=\"masthead\""),
        "the rest is the theme's: {home}"
    );
    assert!(!home.contains("site-footer"));
    let fa404 = site.read("fa/404.html");
    assert!(
        fa404.contains("lang=\"fa\"") && fa404.contains("dir=\"rtl\""),
        "{fa404}"
    );
    assert!(site.read("404.html").contains("lang=\"en\""));
}

/// The query functions, as a Zola theme calls them, and incremental
/// builds equal to clean ones when what they read changes.
#[test]
fn query_functions_read_the_site_and_pages_follow_what_they_read() {
    let site = site();
    site.write(
        "data/desk.toml",
        "editor = \"Leila\"\n[[bureaus]]\ncity = \"Tehran\"\n",
    );
    site.write(
        "data/figures.csv",
        "city,visitors\nTehran,1200\nMoscow,800\n",
    );
    site.write("static/docs/guide.pdf", b"%PDF-1.4");
    site.write(
        "templates/index.html",
        r#"{% extends "list.html" %}{% block intro %}
{% set news = get_section(path="en/news/_index.md") %}<p id="news">{{ news.title }}: {% for p in news.pages %}{{ p.title }};{% endfor %}</p>
{% set meta = get_section(path="en/culture/_index.md", metadata_only=true) %}<p id="meta">{{ meta.title }} {{ meta.pages | default(value="none") }}</p>
{% set p = get_page(path="@/en/news/n1.md") %}<p id="page">{{ p.title }} {{ p.content | safe }}</p>
<p id="url">{{ get_url(path="@/en/news/n2.md") }} {{ get_url(path="@/en/news/n1.md", lang="fa") }} {{ get_url(path="docs/guide.pdf") }}</p>
{% set desk = load_data(path="data/desk.toml") %}<p id="data">{{ desk.editor }} {{ desk.bureaus[0].city }}</p>
{% set fig = load_data(path="data/figures.csv") %}<p id="csv">{{ fig.headers[1] }} {{ fig.records[0][1] }}</p>
{% set tags = get_taxonomy(kind="tags") %}<p id="tax">{{ tags.items | length }}</p>
{% set iran = get_taxonomy_term(kind="tags", term="iran", lang="en") %}<p id="term">{{ iran.name }} {{ iran.count }} {% for p in iran.pages %}{{ p.title }}{% endfor %}</p>
<p id="now">{{ now() | date(format="year") }}</p>
{% endblock intro %}"#,
    );
    site.write(
        "content/en/news/n1.md",
        story("News 1", "2026-01-01", "tags = [\"iran\"]\n"),
    );
    site.build_ok();
    let home = site.read("index.html");
    assert!(
        home.contains("<p id=\"news\">News: News 3;News 2;News 1;</p>"),
        "{home}"
    );
    assert!(home.contains("<p id=\"meta\">Culture none</p>"), "{home}");
    assert!(
        home.contains("<p id=\"page\">News 1 <p>Text of News 1.</p>"),
        "{home}"
    );
    assert!(
        home.contains("<p id=\"url\">https://example.org/news/n2/ https://example.org/fa/news/n1/ https://example.org/docs/guide.pdf</p>"),
        "{home}"
    );
    assert!(home.contains("<p id=\"data\">Leila Tehran</p>"), "{home}");
    assert!(home.contains("<p id=\"csv\">visitors 1200</p>"), "{home}");
    assert!(home.contains("<p id=\"tax\">1</p>"), "{home}");
    assert!(home.contains("<p id=\"term\">iran 1 News 1</p>"), "{home}");

    // Each edit reaches the pages that read it, and nothing else differs.
    let edits: [(&str, &str, String); 4] = [
        (
            "data file",
            "data/desk.toml",
            "editor = \"Dariush\"\n[[bureaus]]\ncity = \"Kabul\"\n".into(),
        ),
        (
            "csv file",
            "data/figures.csv",
            "city,visitors\nTehran,1300\n".into(),
        ),
        (
            "story a query reads",
            "content/en/news/n1.md",
            story("News One", "2026-01-01", "tags = [\"iran\"]\n"),
        ),
        (
            "story weight",
            "content/en/culture/c1.md",
            story("Culture 1", "2026-01-04", "weight = 5\n"),
        ),
    ];
    for (what, file, text) in edits {
        site.write(file, text);
        let out = site.build_ok();
        site.assert_same_as_clean_build(what, &out);
    }
    let home = site.read("index.html");
    assert!(
        home.contains("Dariush Kabul") && home.contains("visitors 1300"),
        "{home}"
    );
    assert!(home.contains("News One <p>Text of News One.</p>"), "{home}");
    assert!(
        home.contains("<p id=\"term\">iran 1 News One</p>"),
        "{home}"
    );
    // A no-change build keeps every page.
    let out = site.build_ok();
    assert!(out.contains("(0 written"), "{out}");

    // A menu and a string edited: every page follows.
    with_toml(
        &site,
        "[[languages.en.menu]]\nname = \"Culture desk\"\nurl = \"@/en/culture/_index.md\"\n",
    );
    let out = site.build_ok();
    site.assert_same_as_clean_build("menu", &out);
    site.write("i18n/en.toml", "home = \"Front page\"\n");
    let out = site.build_ok();
    site.assert_same_as_clean_build("string", &out);
}

/// Outside the site folder, and mistyped names, are errors that say what to do.
#[test]
fn query_errors_name_the_template_and_the_nearest_name() {
    let site = site();
    site.write(
        "templates/index.html",
        r#"{{ load_data(path="../secret.toml") }}"#,
    );
    let err = site.build_err();
    assert!(
        err.contains("only files inside the site's data/ folder"),
        "{err}"
    );
    site.write(
        "templates/index.html",
        r#"{% set p = get_page(path="en/news/n4.md") %}{{ p.title }}"#,
    );
    let err = site.build_err();
    assert!(
        err.contains("did you mean `en/news/n1.md`?") || err.contains("did you mean `en/news/n"),
        "{err}"
    );
    site.write(
        "templates/index.html",
        r#"{% set s = get_section(path="en/nwes/_index.md") %}{{ s.title }}"#,
    );
    let err = site.build_err();
    assert!(err.contains("did you mean `en/news`?"), "{err}");
}

/// Unknown names suggest the nearest known one, Zola's and Hugo's included.
#[test]
fn unknown_functions_filters_variables_and_keys_suggest_the_nearest() {
    let site = site();
    for (template, expected) in [
        (
            r#"{{ trans(key="home") }}"#,
            "Unknown function `trans` (did you mean `t`?)",
        ),
        (
            r#"{% set s = get_sectoin(path="en/_index.md") %}"#,
            "(did you mean `get_section`?)",
        ),
        (
            "{{ lang | digitz }}",
            "Unknown filter `digitz` (did you mean `digits`?)",
        ),
        ("{{ paginatr.pages }}", "(did you mean `paginator`?)"),
    ] {
        site.write("templates/index.html", template);
        let err = site.build_err();
        assert!(err.contains(expected), "{template}: {err}");
    }
    site.remove("templates/index.html");
    site.write(
        "content/en/news/n1.md",
        "+++\ntitle = \"A\"\ndate = 2026-01-01\nlastmod = 2026-01-02\n+++\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("unknown front matter key `lastmod` (did you mean `updated`?)"),
        "{err}"
    );
    assert!(err.contains("content/en/news/n1.md:4"), "{err}");
}

/// `bulletin theme eject` copies built-in templates as a starting point,
/// never over a file already there.
#[test]
fn theme_eject_copies_built_in_templates_without_overwriting() {
    let site = site();
    site.write(
        "templates/article.html",
        "{% extends \"theme/article.html\" %}",
    );
    let out = site.run(&[
        "theme",
        "eject",
        "base.html",
        "article.html",
        "shortcodes/figure.html",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 copied, 1 kept"), "{stdout}");
    let base = std::fs::read_to_string(site.root().join("templates/base.html")).unwrap();
    assert!(base.contains("{% block footer %}"), "{base}");
    assert!(
        site.root()
            .join("templates/shortcodes/figure.html")
            .is_file()
    );
    assert_eq!(
        std::fs::read_to_string(site.root().join("templates/article.html")).unwrap(),
        "{% extends \"theme/article.html\" %}"
    );
    site.build_ok();
    let out = site.run(&["theme", "eject", "bsae.html"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("did you mean `base.html`?"),
        "{stderr}"
    );
}

/// A `cached` partial shown on every page reads a section: an edit of a
/// story in it reaches every page, as a clean build would have it.
#[test]
fn a_partial_that_queries_the_site_follows_edits_on_every_page() {
    let site = site();
    site.write(
        "templates/site_footer_links.html",
        r#"{% set news = get_section(path=lang ~ "/news/_index.md") %}{% for p in news.pages %}<li class="latest">{{ p.title }}</li>{% endfor %}"#,
    );
    site.build_ok();
    assert!(
        site.read("culture/c1/index.html")
            .contains("<li class=\"latest\">News 3</li>")
    );
    site.write(
        "content/en/news/n3.md",
        story("News Three", "2026-01-03", ""),
    );
    let out = site.build_ok();
    site.assert_same_as_clean_build("a story a partial reads", &out);
    assert!(
        site.read("culture/c1/index.html")
            .contains("<li class=\"latest\">News Three</li>")
    );
    let out = site.build_ok();
    site.assert_same_as_clean_build("nothing", &out);
}

/// `featured = true` puts a story in the front page's lead slot (the
/// home's first page), and the home's `_index.md` gives its title and intro.
#[test]
fn featured_stories_lead_the_front_page_and_the_home_file_gives_its_intro() {
    let site = site();
    site.write(
        "content/en/news/n1.md",
        story("News 1", "2026-01-01", "featured = true\n"),
    );
    site.write(
        "content/en/_index.md",
        "+++\ntitle = \"The Desk\"\n+++\nOur **front page**.\n",
    );
    site.build_ok();
    let home = site.read("index.html");
    let lead = &home[home.find("class=\"featured cards\"").expect("a lead slot")..];
    let lead = &lead[..lead.find("</section>").unwrap()];
    assert!(
        lead.contains("News 1") && !lead.contains("News 2"),
        "{lead}"
    );
    assert!(
        home.contains("<h1>The Desk</h1>") && home.contains("<strong>front page</strong>"),
        "{home}"
    );
    assert!(!site.read("page/2/index.html").contains("featured cards"));
    assert!(!site.read("fa/index.html").contains("featured cards"));
    site.write("content/en/news/n1.md", story("News 1", "2026-01-01", ""));
    let out = site.build_ok();
    site.assert_same_as_clean_build("featured removed", &out);
    assert!(!site.read("index.html").contains("featured cards"));
}

/// Templates written for Zola, with its query functions and variables,
/// work as they are once the file is named as bulletin names it (Zola's
/// `page.html` is bulletin's `article.html`) and paths carry the language.
#[test]
fn a_zola_style_theme_works_after_renaming() {
    let site = site();
    site.write(
        "content/fa/news/n1.md",
        story("خبر", "2026-01-01", "tags = [\"ایران\"]\n"),
    );
    site.write(
        "content/en/news/n1.md",
        story("News 1", "2026-01-01", "tags = [\"iran\"]\n"),
    );
    site.write(
        "data/links.json",
        r#"{"links": [{"name": "Archive", "url": "https://archive.example"}]}"#,
    );
    site.write(
        "templates/article.html",
        r#"<h1>{{ page.title }}</h1>{{ page.content | safe }}
Language: {{ lang }}
{% for t in page.translations %}<p class="tr">Translated in {{ t.lang | default(value=config.default_language) }}: {{ t.title }} {{ t.permalink | safe }}</p>
{% set translated_page = get_page(path=t.path) %}<div class="tr-body">{{ translated_page.content | safe }}</div>
{% endfor %}{% for taxo_kind, items in page.taxonomies %}{% set taxo = get_taxonomy(kind=taxo_kind, lang=lang) %}<p class="taxo">{{ taxo.name }} {{ taxo.items | length }}</p>{% endfor %}"#,
    );
    site.write(
        "templates/section.html",
        r#"{% set news = get_section(path="en/news/_index.md") %}<h1>{{ news.title }}</h1>
{% for page in news.pages %}<a href="{{ page.permalink | safe }}">{{ page.title }}</a>{% endfor %}
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
{% set data = load_data(path="data/links.json") %}{% for l in data.links %}<a class="ext" href="{{ l.url }}">{{ l.name }}</a>{% endfor %}"#,
    );
    site.build_ok();
    let page = site.read("news/n1/index.html");
    assert!(
        page.contains("<p class=\"tr\">Translated in fa: خبر https://example.org/fa/news/n1/</p>"),
        "{page}"
    );
    assert!(
        page.contains("<div class=\"tr-body\"><p>Text of خبر.</p>"),
        "{page}"
    );
    assert!(page.contains("<p class=\"taxo\">tags 1</p>"), "{page}");
    let section = site.read("culture/index.html");
    assert!(
        section.contains("<a href=\"https://example.org/news/n3/\">News 3</a>"),
        "{section}"
    );
    assert!(
        section.contains("href=\"https://example.org/style."),
        "{section}"
    );
    assert!(
        section.contains("<a class=\"ext\" href=\"https://archive.example\">Archive</a>"),
        "{section}"
    );
}
